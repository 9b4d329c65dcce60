#!/bin/sh
# vfx maketx: tiled MIP / RIP pyramids checked with OpenEXR's exrheader and OpenImageIO
# (oiiotool, maketx) reading our files.
#  - MIP levels made with the box filter from a power-of-two-friendly image equal OIIO maketx's
#    levels exactly while each level halves the previous one exactly (800 -> 25); the levels
#    with odd sizes (25 -> 12 -> 6 -> 3 -> 1) are compared with oiiotool --resize:filter=box
#    of our previous level, within 0.01 absolute (half precision of values up to ~16: the
#    level is computed in float from the float level before, the file stores half).
#  - lanczos3 levels: oiiotool --resize:filter=lanczos3 of the previous level, within 0.01.
#  - RIP maps, rounding up, stored as float: every level (lx, ly) read back through vfx equals
#    oiiotool --resize:filter=box of the level it was made from, within 0.002 (float rounding
#    of values up to ~500). A RIP map written by OpenEXR's exrmaketiled reads back too (each
#    tile's leader is checked against the tile asked for).
#  Levels read through vfx keep the level-0 display window; --fullpixels makes OIIO map the
#  level's own pixels; OIIO's --resize may add a row past the display window (its data window
#  rounds outward), --croptofull drops it.
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
for t in oiiotool exrheader; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t missing"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# diff_ok DESC TOL oiiotool-args... : oiiotool --diff of the two images the args leave
diff_ok() {
    d=$1 tol=$2; shift 2
    if oiiotool "$@" --fail "$tol" --diff >"$tmp/diff.txt" 2>&1; then ok; else
        bad "$d"; sed 's/^/    /' "$tmp/diff.txt" | head -8; fi
}
size_of() { # FILE LEVEL -> WxH of that MIP level, as OIIO reads it
    oiiotool "$1" --selectmip "$2" --echo "{TOP.width}x{TOP.height}" 2>/dev/null | tail -1
}

src="$T/exr/chromaticities/WideColorGamut.exr" # 800 x 800 half RGB, ZIP

# ---- MIP map, box filter (the default) ----------------------------------------------------
"$V" maketx "$src" "$tmp/mip.exr" -q || bad "maketx exits 0"
exrheader "$tmp/mip.exr" >"$tmp/h.txt" 2>&1 || bad "exrheader reads our MIP file"
grep -q "mip-map" "$tmp/h.txt" && grep -q "tile size 64 by 64" "$tmp/h.txt" &&
    grep -q "rounded down" "$tmp/h.txt" && grep -q "tiledimage" "$tmp/h.txt" && ok ||
    bad "exrheader: mip-map, 64x64 tiles, rounded down"
oiiotool --info -v "$tmp/mip.exr" >"$tmp/i.txt" 2>&1
grep -q "MIP-map levels: 800x800 400x400 200x200 100x100 50x50 25x25 12x12 6x6 3x3 1x1" \
    "$tmp/i.txt" && ok || { bad "oiiotool sees the 10 levels"; cat "$tmp/i.txt"; }
# every level decodes through OpenEXR's C++ library (OIIO), no NaN where the input has none
oiiotool -a --stats "$tmp/mip.exr" >"$tmp/s.txt" 2>&1 && ! grep -q "NanCount: [1-9]" "$tmp/s.txt" &&
    ok || bad "oiiotool -a --stats decodes all levels"
if command -v maketx >/dev/null 2>&1; then
    maketx -o "$tmp/ref.exr" "$src" >/dev/null 2>&1
    for l in 1 2 3 4 5; do
        diff_ok "MIP level $l = OIIO maketx's" 0.000001 "$tmp/mip.exr" --selectmip $l \
            "$tmp/ref.exr" --selectmip $l
    done
fi
for l in 6 7 8 9; do
    diff_ok "MIP level $l = oiiotool --resize:filter=box of level $((l - 1))" 0.01 \
        "$tmp/mip.exr" --selectmip $l \
        "$tmp/mip.exr" --selectmip $((l - 1)) --resize:filter=box "$(size_of "$tmp/mip.exr" $l)"
done
# reading any level back through vfx gives what OIIO reads
for l in 0 3 9; do
    "$V" -i:miplevel=$l "$tmp/mip.exr" -o "$tmp/l$l.exr" || bad "vfx reads level $l"
    diff_ok "vfx's level $l = OIIO's" 0 "$tmp/l$l.exr" "$tmp/mip.exr" --selectmip $l
done

# ---- MIP map, lanczos3, PIZ, 32x48 tiles, float ------------------------------------------------
"$V" maketx "$src" "$tmp/lz.exr" --filter lanczos3 --tile 32x48 --compression piz -d float -q ||
    bad "maketx --filter lanczos3"
exrheader "$tmp/lz.exr" >"$tmp/h.txt" 2>&1
grep -q "tile size 32 by 48" "$tmp/h.txt" && grep -qi "piz" "$tmp/h.txt" &&
    grep -q "32-bit floating-point" "$tmp/h.txt" && ok || bad "exrheader: 32x48 tiles, piz, float"
for l in 1 2 5 8; do
    diff_ok "lanczos3 level $l = oiiotool --resize:filter=lanczos3 of level $((l - 1))" 0.01 \
        "$tmp/lz.exr" --selectmip $l \
        "$tmp/lz.exr" --selectmip $((l - 1)) --resize:filter=lanczos3 "$(size_of "$tmp/lz.exr" $l)"
done

# ---- RIP map, rounding up, on an odd-sized RGBA image ------------------------------------------
rsrc="$T/exr/compression/comp_piz.exr" # 587 x 675 half RGBA
"$V" maketx "$rsrc" "$tmp/rip.exr" --ripmap --round up --tile 32x32 -d float -q || bad "maketx --ripmap"
exrheader "$tmp/rip.exr" >"$tmp/h.txt" 2>&1
grep -q "rip-map" "$tmp/h.txt" && grep -q "rounded up" "$tmp/h.txt" && ok ||
    bad "exrheader: rip-map, rounded up"
"$V" info --json "$tmp/rip.exr" | grep -q '"levels": {"mode": "ripmap", "x": 11, "y": 11}' && ok ||
    bad "11 x 11 RIP levels (ceil(log2 675) + 1)"
"$V" -i "$rsrc" -o "$tmp/r0.exr"
# level sizes rounding up: 587 -> 294 -> 147 -> 74; 675 -> 338 -> 169
for lv in "1 0 294x675 0,0" "2 0 147x675 1,0" "0 1 587x338 0,0" "0 2 587x169 0,1" "3 2 74x169 2,2"; do
    set -- $lv
    "$V" -i:level=$1,$2 "$tmp/rip.exr" -o "$tmp/rl.exr" || bad "vfx reads RIP level ($1, $2)"
    [ "$(oiiotool "$tmp/rl.exr" --echo "{TOP.width}x{TOP.height}" 2>/dev/null | tail -1)" = "$3" ] &&
        ok || bad "RIP level ($1, $2) is $3"
    "$V" -i:level=$4 "$tmp/rip.exr" -o "$tmp/rp.exr"
    diff_ok "RIP level ($1, $2) = oiiotool --resize:filter=box of level ($4)" 0.002 \
        "$tmp/rl.exr" --fullpixels "$tmp/rp.exr" --fullpixels --resize:filter=box "$3" --croptofull
done
if command -v exrmaketiled >/dev/null 2>&1; then
    exrmaketiled -r -t 32 32 "$rsrc" "$tmp/crip.exr" >/dev/null 2>&1
    for lv in 0,1 3,2 9,9 0,9 9,0; do
        "$V" -i:level=$lv "$tmp/crip.exr" -o "$tmp/cl.exr" && ok ||
            bad "vfx reads level ($lv) of exrmaketiled's RIP map"
    done
fi

# ---- bad requests: clear errors, no output -----------------------------------------------------
"$V" maketx "$src" "$tmp/x.png" -q 2>/dev/null; [ $? -eq 2 ] && ok || bad "maketx to PNG -> exit 2"
"$V" maketx "$src" "$tmp/x.exr" --filter nosuch -q 2>"$tmp/err.txt"
[ $? -eq 1 ] && [ ! -e "$tmp/x.exr" ] && grep -q "nosuch" "$tmp/err.txt" && ok ||
    bad "unknown filter: exit 1, message, no file"
ls -a "$tmp" | grep -q "vfx-" && bad "temporary file left behind" || ok
"$V" maketx "$src" "$tmp/x.exr" --round sideways 2>/dev/null; [ $? -eq 2 ] && ok || bad "--round sideways -> exit 2"
"$V" maketx --help | grep -q "usage: vfx maketx" && ok || bad "maketx --help"
"$V" -i:level=1,2 "$tmp/mip.exr" -o "$tmp/x.exr" 2>"$tmp/err.txt"
[ $? -eq 1 ] && grep -q "mip.exr" "$tmp/err.txt" && ok || bad "level (1, 2) of a MIP map: error naming the file"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
