#!/bin/sh
# vfx --hash against oiiotool --hash: the same SHA-1 of the pixels in their own type (u8, u16,
# half, float; EXR data windows off the origin; a chain result). Exact: digests must be equal.
# OIIO premultiplies PNG alpha on read, so PNGs with alpha are read by oiiotool with
# oiio:UnassociatedAlpha=1 (vfx keeps file values). Skips (77) without oiiotool.
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
command -v oiiotool >/dev/null 2>&1 || exit 77
tmp=${VFX_TEST_TMP:-$(mktemp -d)}
pass=0
fail=0
# check DESCRIPTION [oiiotool pre-args] -- chain-args...
check() {
    d=$1; shift
    pre=""
    while [ "$1" != "--" ]; do pre="$pre $1"; shift; done
    shift
    a=$("$V" "$@" --hash 2>&1 | sed -n 's/^ *SHA-1: //p')
    # shellcheck disable=SC2086
    b=$(oiiotool $pre --hash "$@" 2>&1 | sed -n 's/^ *SHA-1: //p' | tail -1)
    if [ -n "$a" ] && [ "$a" = "$b" ]; then pass=$((pass + 1))
    else fail=$((fail + 1)); echo "FAIL: $d: vfx '$a' oiiotool '$b'"; fi
}
# --hash in oiiotool hashes the inputs; for a chain result, hash the written file instead.
checkfile() {
    d=$1; f=$2
    a=$("$V" "$f" --hash 2>&1 | sed -n 's/^ *SHA-1: //p')
    b=$(oiiotool --hash "$f" 2>&1 | sed -n 's/^ *SHA-1: //p')
    if [ -n "$a" ] && [ "$a" = "$b" ]; then pass=$((pass + 1))
    else fail=$((fail + 1)); echo "FAIL: $d: vfx '$a' oiiotool '$b'"; fi
}
pat="--pattern fill:top=0.1,0.5,0.9,1:bottom=0.7,0.2,0.4,0.5 301x203 4"
oiiotool $pat -d uint8 -o "$tmp/u8.tif" && checkfile "u8 tiff" "$tmp/u8.tif"
oiiotool $pat -d uint16 -o "$tmp/u16.tif" && checkfile "u16 tiff" "$tmp/u16.tif"
oiiotool $pat --ch R,G,B -d uint16 -o "$tmp/u16.png" && checkfile "u16 png" "$tmp/u16.png"
oiiotool $pat -d half -o "$tmp/h.exr" && checkfile "half exr" "$tmp/h.exr"
oiiotool $pat -d float -o "$tmp/f.exr" && checkfile "float exr" "$tmp/f.exr"
oiiotool $pat -d float --origin +17+9 -o "$tmp/fo.exr" && checkfile "float exr, offset window" "$tmp/fo.exr"
for f in exr/compression/comp_piz.exr exr/windows/t01.exr exr/windows/grid-overscan.exr \
         images/dpx/bars_nuke_10_le.dpx images/dpx/bars_nuke_16_be.dpx \
         images/tiff/bars_photoshop_32_le_interleaved.tif images/tiff/checker.tif \
         images/png/basn2c16.png; do
    checkfile "$f" "$T/$f"
done
for f in images/png/basn6a08.png images/png/basn4a16.png; do
    check "$f (unassociated)" --iconfig oiio:UnassociatedAlpha 1 -- "$T/$f"
done
# a chain result: written by vfx as half, hashed by both
"$V" "$T/exr/compression/comp_piz.exr" --resize 50% -d half -o "$tmp/r.exr" -q &&
    checkfile "vfx-written half exr" "$tmp/r.exr"
# and in a chain, the top image after an op (still half), against that written as half
"$V" "$T/exr/compression/comp_piz.exr" --crop 100x80+10+20 -d half -o "$tmp/c.exr" -q
a=$("$V" "$T/exr/compression/comp_piz.exr" --crop 100x80+10+20 --hash 2>&1 | sed -n 's/^ *SHA-1: //p')
b=$(oiiotool --hash "$tmp/c.exr" | sed -n 's/^ *SHA-1: //p')
[ -n "$a" ] && [ "$a" = "$b" ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: chain --hash: $a vs $b"; }
echo "hash: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
