#!/bin/sh
# --ccmatrix against oiiotool 2.4: 3x3 and 4x4 matrices, offsets in the fourth row, alpha
# from the fourth column, :transpose, :invert, :unpremult, on RGB, RGBA and 5-channel images.
set -u
V=${VFX_CLI:?}
. "${VFX_SOURCE_DIR:?}/tests/lib.sh"
have oiiotool && have idiff || { echo "no oiiotool: skipped"; exit 0; }
same() { # nch, ccmatrix args...
    n=$1; shift
    L=$(echo 0.1,0.2,0.3,0.5,0.7 | cut -d, -f1-"$n"); R=$(echo 2,-0.5,0.25,0,1 | cut -d, -f1-"$n")
    "$V" --pattern fill:left=$L:right=$R 32x16 "$n" \
        "$@" -d float -o "$tmp/v.exr" -q 2>"$tmp/err.txt" || true
    oiiotool --pattern fill:left=$L:right=$R 32x16 "$n" \
        "$@" -d float -o "$tmp/o.exr" 2>/dev/null
    if idiff -fail 1e-6 -failrelative 1e-6 "$tmp/v.exr" "$tmp/o.exr" >/dev/null 2>&1; then
        ok
    else
        bad "$n channels $*"; cat "$tmp/err.txt"
    fi
}
same 3 --ccmatrix 1,2,0,0,0,1,0,0,0,0,1,0,0.5,0,0,1
same 3 --ccmatrix 0.9,0.05,0.05,0.1,0.8,0.1,0,0.2,0.8
same 4 --ccmatrix 1,0,0,0,0,1,0,0,0,0,1,0,0.5,0,0,1
same 4 --ccmatrix:transpose=1 1,0,0,0.5,0,1,0,0,0,0,1,0,0,0,0,1
same 4 --ccmatrix 1,0,0,0,0,1,0,0,0,0,1,0,0,0,0,2
same 4 --ccmatrix:unpremult=1 1,0.2,0,0.1,0,1,0,0,0,0,1,0,0.5,0,0,2
same 4 --ccmatrix:invert=1 2,0.2,0,0.1,0,1,0,0,0,0,1,0,0.5,0,0,2
# a fifth channel passes through (oiiotool 2.4 scales it: a bug we do not copy); the first
# four equal oiiotool's on the RGBA image
P="fill:left=0.1,0.2,0.3,0.5,0.7:right=2,-0.5,0.25,0,1 32x16 5"
M=0.9,0.05,0.05,0.1,0.8,0.1,0,0.2,0.8
# shellcheck disable=SC2086
"$V" --pattern $P --ccmatrix $M --ch R,G,B,A -d float -o "$tmp/v4.exr" -q &&
"$V" --pattern $P --ccmatrix $M --ch channel4 -d float -o "$tmp/v1.exr" -q &&
"$V" --pattern $P --ch channel4 -d float -o "$tmp/i1.exr" -q &&
oiiotool --pattern fill:left=0.1,0.2,0.3,0.5:right=2,-0.5,0.25,0 32x16 4 --ccmatrix $M -d float -o "$tmp/o4.exr" &&
idiff -fail 1e-6 -failrelative 1e-6 "$tmp/v4.exr" "$tmp/o4.exr" >/dev/null 2>&1 && idiff "$tmp/v1.exr" "$tmp/i1.exr" >/dev/null 2>&1 &&
    ok || bad "5 channels"
# bad input: usage errors, singular matrices refused
"$V" --pattern constant:color=1 4x4 3 --ccmatrix 1,2,3 -o "$tmp/x.exr" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "3 values -> exit 2"
"$V" --pattern constant:color=1 4x4 3 --ccmatrix:invert=1 1,0,0,0,0,0,0,0,1 -o "$tmp/x.exr" >/dev/null 2>&1
[ $? -eq 1 ] && [ ! -e "$tmp/x.exr" ] && ok || bad "singular inverse -> exit 1"
finish
