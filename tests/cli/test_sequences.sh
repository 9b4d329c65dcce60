#!/bin/sh
# Sequences and UDIM sets through the CLI (vfx convert and chain mode), checked file by file
# with oiiotool; and the TGA / JPEG 2000 plugins end to end against oiiotool's decode.
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
tmp=$(mktemp -d "${VFX_TEST_TMP:-/tmp}/seqXXXXXX" 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
have() { command -v "$1" >/dev/null 2>&1; }
cd "$tmp" || exit 1

# frames 1, 2, 3, 5 and 10: frame N is a constant image of red value N / 20
for f in 1 2 3 5 10; do
    "$V" --pattern constant:color=$(python3 -c "print($f / 20)"),0.5,0.25 16x8 3 -d half -o "src.$(printf %04d $f).exr" -q
done
value_of() { # file -> red value of pixel (0,0) as printed by oiiotool
    oiiotool --dumpdata "$1" 2>/dev/null | sed -n 's/^ *Pixel (0, 0): *\([-0-9.e]*\).*/\1/p' | head -1
}
same_value() { # a b: |a-b| < 0.003
    python3 -c "import sys; sys.exit(0 if abs(float(sys.argv[1])-float(sys.argv[2]))<0.003 else 1)" "$1" "$2"
}

# every existing frame, output numbered like its input
"$V" convert -q 'src.####.exr' 'all.####.tif' && ok || bad "convert every existing frame"
[ "$(ls all.*.tif | tr '\n' ' ')" = "all.0001.tif all.0002.tif all.0003.tif all.0005.tif all.0010.tif " ] && ok ||
    bad "outputs of the scan: $(ls all.*.tif | tr '\n' ' ')"
if have oiiotool; then
    for f in 0001 0003 0010; do
        same_value "$(python3 -c "print(int('$f') / 20)")" "$(value_of all.$f.tif)" && ok || bad "frame $f keeps its own pixels"
    done
fi

# --frames with a step, printf-style output pattern
"$V" convert -q 'src.####.exr' 'step.%04d.png' --frames 1-3x2 && ok || bad "--frames 1-3x2"
[ "$(ls step.* | tr '\n' ' ')" = "step.0001.png step.0003.png " ] && ok || bad "--frames 1-3x2 wrote $(ls step.* | tr '\n' ' ')"

# oiiotool-style implicit range and a list
"$V" convert -q 'src.1-2#.exr' 'imp.#.tga' && [ -s imp.0001.tga ] && [ -s imp.0002.tga ] && [ ! -e imp.0003.tga ] &&
    ok || bad "implicit range src.1-2#.exr"
"$V" convert -q 'src.#.exr' 'lst.@@@.exr' --frames 10,1 && [ -s lst.010.exr ] && [ -s lst.001.exr ] && ok ||
    bad "frame list and @ padding"

# a missing frame stops the run with exit 1, names the frame and leaves no partial output
"$V" convert -q 'src.####.exr' 'miss.####.exr' --frames 2-4 2>err.txt
rc=$?
[ $rc -eq 1 ] && grep -q "src.0004.exr" err.txt && grep -q "frame 4" err.txt && [ -s miss.0003.exr ] &&
    [ ! -e miss.0004.exr ] && ok || bad "missing frame: rc $rc, $(cat err.txt)"

# usage errors: exit 2
"$V" convert -q src.0001.exr out.exr --frames 1-3 2>/dev/null; [ $? -eq 2 ] && ok || bad "--frames without patterns -> 2"
"$V" convert -q 'src.####.exr' one.exr 2>/dev/null; [ $? -eq 2 ] && ok || bad "pattern to a single file -> 2"
"$V" convert -q 'nothing.####.exr' 'n.####.exr' 2>/dev/null; [ $? -eq 2 ] && ok || bad "no matching frames -> 2"
"$V" convert -q 'src.####.exr' 'b.####.exr' --frames 1-3x0 2>err.txt; [ $? -eq 1 ] && grep -q "step" err.txt && ok ||
    bad "bad range -> 1 with a message"

# chain mode: every frame runs the whole chain
"$V" 'src.####.exr' --frames 1-3 --ch R,G -d float -o 'ch.####.exr' -q && ok || bad "chain --frames"
if have oiiotool; then
    oiiotool --info ch.0002.exr | grep -q "2 channel" && ok || bad "chain applied per frame"
    same_value 0.15 "$(value_of ch.0003.exr)" && ok || bad "chain frame 3 reads frame 3"
fi
"$V" -i 'src.1-3x2#.exr' -o 'ci.#.exr' -q && [ -s ci.0001.exr ] && [ -s ci.0003.exr ] && [ ! -e ci.0002.exr ] && ok ||
    bad "chain -i with an implicit range"
"$V" --frames 7-8 --pattern constant:color=0.5 8x8 1 -o 'gen.####.tif' -q && [ -s gen.0007.tif ] && [ -s gen.0008.tif ] &&
    ok || bad "chain: generated image written per frame"

# UDIM: every tile of the set, names mapped tile for tile
for t in 1001 1002 1011; do "$V" --pattern constant:color=0.5 8x8 3 -o "tex.$t.exr" -q; done
"$V" convert -q 'tex.<UDIM>.exr' 'tex_<UVTILE>.tga' && [ -s tex_u1_v1.tga ] && [ -s tex_u2_v1.tga ] && [ -s tex_u1_v2.tga ] &&
    ok || bad "UDIM to UVTILE: $(ls tex_* 2>/dev/null | tr '\n' ' ')"
"$V" convert -q 'tex.<UDIM>.exr' 'tx.<UDIM>.exr' --frames 1-2 2>/dev/null; [ $? -eq 2 ] && ok || bad "--frames with UDIM -> 2"

# TGA and JPEG 2000 end to end: vfx's conversions decode like oiiotool's
if have oiiotool; then
    for f in tga/CTC24.TGA tga/UCM8.TGA jpeg2000/test-card-lossless.jp2 jpeg2000/16bit.cropped.j2k; do
        b=$(basename "$f")
        "$V" convert -q "$T/images/$f" "$b.tif" && oiiotool "$T/images/$f" -o "ref_$b.tif" >/dev/null 2>&1 &&
            idiff -fail 0 -failpercent 0 "$b.tif" "ref_$b.tif" >/dev/null 2>&1 && ok || bad "$f to TIFF equals oiiotool's"
    done
    "$V" convert -q "$T/images/jpeg2000/test-card-lossless.jp2" card.tga --compression rle &&
        "$V" convert -q card.tga card.j2k --tile 128x128 &&
        idiff -fail 0 -failpercent 0 card.j2k "$T/images/jpeg2000/test-card-lossless.jp2" >/dev/null 2>&1 && ok ||
        bad "jp2 -> tga (rle) -> tiled j2k stays lossless (oiiotool's idiff)"
fi
"$V" convert -q "$T/images/tga/crash1.tga" x.png 2>err.txt; [ $? -eq 1 ] && grep -q "crash1.tga" err.txt && [ ! -e x.png ] &&
    ok || bad "damaged TGA: exit 1, named, no output"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
