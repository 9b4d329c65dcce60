#!/bin/sh
# Writing x/y-subsampled channels (luminance / chroma files: Y full, RY and BY 2 x 2).
# OpenEXR's exrheader reads our headers; no Debian tool decodes 2x2-subsampled pixels (OIIO
# 2.4 refuses them, exrmaketiled cannot tile them), so the samples are checked by reading
# our file and the original (written by OpenEXR's C++ library, MtTamNorth.exr, whose decode
# tests/io/test_exr_read.c checks) through vfx into float TIFFs: they must be identical.
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

name_of() { # exrheader's name of a compression
    case $1 in rle) echo "run-length encoding" ;; zips) echo "zip, individual scanlines" ;;
    zip) echo "zip, multi-scanline blocks" ;; *) echo "$1" ;; esac
}
src="$T/exr/yc/MtTamNorth.exr" # 1198 x 796, Y + RY/BY sampled 2 x 2, PIZ
"$V" convert "$src" "$tmp/orig.tif" -d float -q || bad "read the original"
for c in none zip piz rle zips; do
    "$V" convert "$src" "$tmp/$c.exr" --compression $c -q || { bad "$c: write"; continue; }
    exrheader "$tmp/$c.exr" >"$tmp/h.txt" 2>&1 || bad "$c: exrheader reads it"
    grep -q "RY, 16-bit floating-point, sampling 2 2" "$tmp/h.txt" &&
        grep -q "BY, 16-bit floating-point, sampling 2 2" "$tmp/h.txt" &&
        grep -q "Y, 16-bit floating-point, sampling 1 1" "$tmp/h.txt" &&
        grep -q "compression (type compression): $(name_of $c)" "$tmp/h.txt" && ok ||
        { bad "$c: exrheader shows Y 1x1, RY/BY 2x2"; cat "$tmp/h.txt"; }
    "$V" convert "$tmp/$c.exr" "$tmp/$c.tif" -d float -q || bad "$c: read back"
    oiiotool "$tmp/$c.tif" "$tmp/orig.tif" --fail 0 --diff >"$tmp/d.txt" 2>&1 && ok ||
        { bad "$c: samples differ from the original's"; head -8 "$tmp/d.txt"; }
done
# refusals: tiles, odd data windows
"$V" convert "$src" "$tmp/t.exr" --tile 64x64 -q 2>"$tmp/err.txt"
[ $? -eq 1 ] && grep -q "subsampled" "$tmp/err.txt" && [ ! -e "$tmp/t.exr" ] && ok ||
    { bad "tiled + subsampled refused"; cat "$tmp/err.txt"; }
"$V" "$src" --crop 101x100+1+0 -o "$tmp/odd.exr" 2>"$tmp/err.txt"
[ $? -eq 1 ] && grep -q "multiples" "$tmp/err.txt" && [ ! -e "$tmp/odd.exr" ] && ok ||
    { bad "odd data window refused"; cat "$tmp/err.txt"; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
