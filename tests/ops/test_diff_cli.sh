#!/bin/sh
# vfx diff and chain --diff against Debian's idiff / oiiotool --diff (OpenImageIO 2.4): the same
# report, byte for byte (numbers, place of the largest error, counts, verdict) and the same exit
# code, on real files and on images made to differ. The one documented difference: a NaN/Inf
# against a finite value (see op_compare.c) -- there only the verdict and exit code must agree.
# Skips (77) without idiff/oiiotool.
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
command -v oiiotool >/dev/null 2>&1 && command -v idiff >/dev/null 2>&1 || exit 77
tmp=${VFX_TEST_TMP:-$(mktemp -d)}
mkdir -p "$tmp"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# same ARGS...: vfx diff and idiff print the same and exit the same
same() {
    idiff "$@" >"$tmp/i.txt" 2>&1; echo "rc=$?" >>"$tmp/i.txt"
    "$V" diff "$@" >"$tmp/v.txt" 2>&1; echo "rc=$?" >>"$tmp/v.txt"
    if cmp -s "$tmp/i.txt" "$tmp/v.txt"; then ok; else bad "diff $*"; diff "$tmp/i.txt" "$tmp/v.txt" | head -12; fi
}
# verdict ARGS...: only the last line (PASS / WARNING / FAILURE) and the exit code agree
verdict() {
    idiff "$@" >"$tmp/i.txt" 2>&1; ri=$?
    "$V" diff "$@" >"$tmp/v.txt" 2>&1; rv=$?
    [ "$ri" = "$rv" ] && [ "$(tail -1 "$tmp/i.txt")" = "$(tail -1 "$tmp/v.txt")" ] && ok ||
        bad "verdict of diff $* ($ri vs $rv)"
}
# chain ARGS...: vfx ARGS and oiiotool ARGS print the same and exit the same
chain() {
    oiiotool "$@" >"$tmp/i.txt" 2>&1; echo "rc=$?" >>"$tmp/i.txt"
    "$V" "$@" >"$tmp/v.txt" 2>&1; echo "rc=$?" >>"$tmp/v.txt"
    if cmp -s "$tmp/i.txt" "$tmp/v.txt"; then ok; else bad "chain $*"; diff "$tmp/i.txt" "$tmp/v.txt" | head -12; fi
}
E="$T/exr/compression"
M="$T/exr/misc"
P="$T/images/png"
cd "$tmp" || exit 1
# test images: the test picture scaled to [0, 1.2] (float), the same + 1e-4 stored as half (every
# pixel differs a little), and + 0.01 cropped to a 100x100 data window (the union is compared;
# outside the crop it reads 0)
oiiotool "$E/comp_piz.exr" --mulc 0.002 -d float -o a.exr || exit 1
oiiotool "$E/comp_piz.exr" --mulc 0.002 --addc 0.0001 -d half -o b.exr || exit 1
oiiotool a.exr --addc 0.01 --crop 100x100+10+10 -o c.exr || exit 1

same a.exr a.exr
same a.exr b.exr
same -v -fail 1 a.exr b.exr
same -warn 1e-5 -fail 1 a.exr b.exr
same -warn 1e-3 -fail 1 a.exr c.exr
same c.exr a.exr
same -fail 0.005 -failpercent 50 a.exr c.exr
same -fail 0.005 -failpercent 5 -warnpercent 99 a.exr c.exr
same -hardfail 0.5 -fail 2 a.exr c.exr
same -hardwarn 0.5 -warn 2 -fail 2 a.exr c.exr
same -allowfailures 400000 a.exr c.exr
# real files: lossless codecs decode the same; lossy ones differ a little
same "$E/comp_piz.exr" "$E/comp_zip.exr"
same -warn 0.01 -fail 0.1 "$E/comp_piz.exr" "$E/comp_dwaa_v1.exr"
same -fail 0.5 -failpercent 1 "$E/comp_piz.exr" "$E/comp_dwab_v1.exr"
same -hardfail 1 -fail 100 "$E/comp_piz.exr" "$E/comp_dwab_v1.exr"
same -failrelative 0.01 -warnrelative 0.001 "$E/comp_piz.exr" "$E/comp_dwab_v1.exr"
same "$E/rle_cropped_datawindow.exr" "$E/rle_cropped_datawindow.exr"
same "$E/WideFloatRange.exr" "$E/WideFloatRange.exr"
oiiotool "$E/WideFloatRange.exr" --mulc 0.5 -o w2.exr || exit 1
same "$E/WideFloatRange.exr" w2.exr
same "$P/basn2c16.png" "$P/basn2c08.png"
same "$M/AllHalfValues.exr" "$M/AllHalfValues.exr"
same "$M/BrightRingsNanInf.exr" "$M/BrightRingsNanInf.exr"
# NaN/Inf against finite values: verdict only (our counts include every such pixel)
oiiotool "$M/BrightRingsNanInf.exr" --fixnan black -o fixed.exr || exit 1
verdict "$M/BrightRingsNanInf.exr" fixed.exr
verdict fixed.exr "$M/BrightRingsNanInf.exr"
"$V" diff --json "$M/BrightRingsNanInf.exr" fixed.exr >j.txt
grep -q '"max_error": "inf"' j.txt && grep -q '"fail": 12,' j.txt && grep -q '"verdict": "FAILURE"' j.txt &&
    ok || { bad "json of NaN vs 0"; cat j.txt; }

# the difference image: same pixels as idiff's (signed, abs, scaled; EXR and TIFF)
idiff -o di.exr -abs -scale 10 "$E/comp_piz.exr" "$E/comp_dwab_v1.exr" >/dev/null
"$V" diff -o dv.exr --abs --scale 10 "$E/comp_piz.exr" "$E/comp_dwab_v1.exr" >/dev/null
idiff -fail 0 di.exr dv.exr >/dev/null && ok || bad "-o -abs -scale differs from idiff's"
idiff -o di.tif a.exr c.exr >/dev/null
"$V" diff -o dv.tif a.exr c.exr >/dev/null
idiff -fail 0 di.tif dv.tif >/dev/null && ok || bad "-o (signed, tif) differs from idiff's"
rm -f od.exr
"$V" diff -od -o od.exr a.exr a.exr >/dev/null && [ ! -e od.exr ] && ok || bad "-od wrote a file"

# bad input: exit 4 and a message naming the file
"$V" diff a.exr missing.exr >out.txt 2>&1; rc=$?
[ "$rc" = 4 ] && grep -q "missing.exr" out.txt && ok || bad "missing file: rc $rc"
"$V" diff a.exr >out.txt 2>&1; rc=$?
[ "$rc" = 4 ] && ok || bad "one file: rc $rc"
"$V" diff -fail x a.exr b.exr >out.txt 2>&1; rc=$?
[ "$rc" = 4 ] && ok || bad "bad number: rc $rc"

# chain --diff: oiiotool's report and exit code (1 on failure); the images stay on the stack
chain a.exr b.exr --diff
chain a.exr a.exr --diff
chain a.exr c.exr --warn 0.5 --fail 2 --diff
chain a.exr c.exr --warn 0.5 --fail 2 --warnpercent 20 --diff
chain a.exr c.exr --hardwarn 0.5 --fail 2 --warnpercent 20 --diff
chain a.exr c.exr --hardfail 0.5 --fail 2 --diff
chain a.exr c.exr --fail 0.005 --failpercent 50 --diff
"$V" a.exr c.exr --diff -o top.exr >/dev/null
[ "$(oiiotool --info top.exr | sed 's/^[^:]*://')" = "$(oiiotool --info c.exr | sed 's/^[^:]*://')" ] &&
    ok || bad "--diff changed the stack"

# counting sinks: oiiotool's output, byte for byte
chain a.exr --rangecheck 0,0,0,0 0.5,0.5,0.5,1
chain a.exr --rangecheck 0.1 0.9
chain a.exr --colorcount "0.002,0.002,0.002,0.002;0,0,0,0"
chain a.exr --colorcount:eps=0.1,0.1,0.1,0.1 "0.5,0.5,0.5,0.002;0,0,0,0"
chain "$E/rle_cropped_datawindow.exr" --rangecheck 0 1
# --trim: the same windows and pixels as oiiotool's
"$V" c.exr --addc -0.5 --clamp:min=0 --trim -o tv.exr >/dev/null
oiiotool c.exr --addc -0.5 --clamp:min=0 --trim -o ti.exr
win() { oiiotool --info -v "$1" | grep -E "x .*channel|full/display|data origin" | sed 's/^[^:]*://'; }
[ "$(win tv.exr)" = "$(win ti.exr)" ] && idiff -fail 0 tv.exr ti.exr >/dev/null && ok || bad "--trim"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
