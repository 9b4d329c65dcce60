#!/bin/sh
# vfx convert --aces: ACES container files (SMPTE ST 2065-4) checked against OpenEXR's own
# exr2aces and exrheader.
#  - pixels: RGB from the file's chromaticities (or OpenEXR's Rec.709 default) to AP0 with a
#    Bradford white adaptation equal exr2aces's output within 0.001 x |value| + 0.0001 (one
#    half-float step is at most 2^-10 of the value, more for the denormals near 0): both round
#    a float result to half.
#  - header: acesImageContainerFlag 1, AP0 chromaticities, ACES adoptedNeutral, half channels,
#    piz by default; b44a and none allowed; anything else refused with no file left.
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
for t in oiiotool exrheader exr2aces; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t missing"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
diff_ok() {
    d=$1 tol=$2; shift 2
    if oiiotool "$@" --fail "$tol" --diff >"$tmp/diff.txt" 2>&1; then ok; else
        bad "$d"; sed 's/^/    /' "$tmp/diff.txt" | head -8; fi
}

for f in chromaticities/WideColorGamut.exr compression/comp_piz.exr; do
    src="$T/exr/$f"
    b=$(basename "$f" .exr)
    "$V" convert "$src" "$tmp/$b.aces.exr" --aces -q || bad "$f: convert --aces"
    exr2aces "$src" "$tmp/$b.ref.exr" >/dev/null 2>&1 || bad "$f: exr2aces"
    exrheader "$tmp/$b.aces.exr" >"$tmp/h.txt" 2>&1
    grep -q "acesImageContainerFlag (type int): 1" "$tmp/h.txt" &&
        grep -q "red   (0.7347 0.2653)" "$tmp/h.txt" && grep -q "blue  (0.0001 -0.077)" "$tmp/h.txt" &&
        grep -q "white (0.32168 0.33767)" "$tmp/h.txt" &&
        grep -q "adoptedNeutral (type v2f): (0.32168 0.33767)" "$tmp/h.txt" &&
        grep -q "compression (type compression): piz" "$tmp/h.txt" &&
        grep -q "scanlineimage" "$tmp/h.txt" && ! grep -q "32-bit" "$tmp/h.txt" && ok ||
        { bad "$f: exrheader shows an ACES container"; cat "$tmp/h.txt"; }
    # |ours - exr2aces's| - (0.001 |exr2aces's| + 0.0001) <= 0 everywhere
    oiiotool "$tmp/$b.aces.exr" "$tmp/$b.ref.exr" --absdiff "$tmp/$b.ref.exr" --abs \
        --mulc 0.001 --addc 0.0001 --sub --rangecheck -1e30,-1e30,-1e30,-1e30 0,0,0,0 \
        >"$tmp/rc.txt" 2>&1
    grep -q "^ *0  *> 0" "$tmp/rc.txt" && ok ||
        { bad "$f: pixels = exr2aces's within 0.1 % + 0.0001"; cat "$tmp/rc.txt"; }
done

# already ACES2065-1 (OIIO's test file, flag set, AP0): the pixels pass unchanged
src="$T/exr/chromaticities/test.exr"
"$V" convert "$src" "$tmp/same.exr" --aces --compression none -q || bad "AP0 input"
diff_ok "AP0 input: pixels unchanged" 0 "$tmp/same.exr" "$src"
exrheader "$tmp/same.exr" | grep -q "compression (type compression): none" && ok || bad "--compression none kept"
"$V" convert "$T/exr/chromaticities/WideColorGamut.exr" "$tmp/b44a.exr" --aces --compression b44a -q &&
    exrheader "$tmp/b44a.exr" | grep -q "compression (type compression): b44a" && ok || bad "b44a allowed"

# what an ACES container cannot hold: exit 1, a message saying why, no file
refuse() { # description, expected message part, convert args...
    d=$1 m=$2; shift 2
    "$V" convert "$@" "$tmp/no.exr" --aces -q 2>"$tmp/err.txt"
    if [ $? -eq 1 ] && [ ! -e "$tmp/no.exr" ] && grep -q "$m" "$tmp/err.txt"; then ok; else
        bad "$d"; cat "$tmp/err.txt"; fi
}
w="$T/exr/chromaticities/WideColorGamut.exr"
refuse "zip compression" "none, piz or b44a" "$w" --compression zip
refuse "tiles" "scanline" "$w" --tile 64x64
refuse "float channels" "half" "$w" -d float
oiiotool "$T/exr/compression/comp_piz.exr" --ch R,G,B,Z=0 -o "$tmp/rgbz.exr"
oiiotool "$w" --ch R,G -o "$tmp/rg.exr"
refuse "a Z channel" "not channel Z" "$tmp/rgbz.exr"
refuse "two channels" "3 or more" "$tmp/rg.exr"
ls -a "$tmp" | grep -q "vfx-" && bad "temporary file left behind" || ok
"$V" convert --help | grep -q -- "--aces" && ok || bad "convert --help lists --aces"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
