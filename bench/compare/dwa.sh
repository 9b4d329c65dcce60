#!/bin/sh
# DWAA / DWAB decode and encode: vfx (bench/bench_exr_decode.c, bench_exr_encode.c) against
# OpenEXR's C++ library (exr_decode_openexr.cpp, exr_encode_openexr.cpp) on the same files, at
# 1 and 2 threads, the two tools alternating ROUNDS times in one run (min of REPS each time).
# The decode lines end with a hash of the pixels: vfx's must equal OpenEXR's.
#   bench/compare/dwa.sh BUILD_DIR [WORK_DIR] [ROUNDS] [REPS]
# BUILD_DIR: a Release build with the benches (vfx_bench_exr_decode / _encode); its
# VFX_SHARED_DIR (or $VFX_TESTDATA_DIR) gives the testdata. WORK_DIR (a
# temp dir by default) gets the C++ tools and the inputs: a 1920x1080 RGBA half image made by
# oiiotool from the shared testdata (Cannon.exr resized, with grain), written as DWAA and DWAB
# at level 45 by oiiotool (OpenEXR's encoder). Needs g++, libopenexr-dev, oiiotool.
# With VFX_DWA_CALLGRIND=1 it also prints instruction counts (valgrind, one decode or encode
# after the untimed set-up, 1 thread), which the load of a shared machine does not change.
set -eu
build=$(cd "${1:?usage: dwa.sh BUILD_DIR [WORK_DIR] [ROUNDS] [REPS]}" && pwd)
work=${2:-$(mktemp -d)}
rounds=${3:-3}
reps=${4:-5}
here=$(cd "$(dirname "$0")" && pwd)
# the testdata: $VFX_TESTDATA_DIR, else the shared folder the build was configured with
shared=${VFX_SHARED_DIR:-$(sed -n 's/^VFX_SHARED_DIR:[A-Z]*=//p' "$build/CMakeCache.txt")}
testdata=${VFX_TESTDATA_DIR:-$shared/testdata}
dec=$build/bench/vfx_bench_exr_decode
enc=$build/bench/vfx_bench_exr_encode
mkdir -p "$work"
cd "$work"
flags="-O2 -I/usr/include/OpenEXR -I/usr/include/Imath"
libs="-lOpenEXR-3_1 -lIlmThread-3_1 -lIex-3_1 -lImath-3_1"
for t in decode encode; do
    [ -x exr_${t}_openexr ] ||
        g++ $flags -Wno-deprecated-declarations -o exr_${t}_openexr \
            "$here/exr_${t}_openexr.cpp" $libs
done
if [ ! -f src.exr ]; then
    oiiotool "$testdata/exr/compression/Cannon.exr" --resize 1920x1080 \
        --pattern noise:type=gaussian:mean=0:stddev=0.005 1920x1080 3 --add \
        --ch R,G,B,A=1.0 -d half -o src.exr
    oiiotool src.exr --compression dwaa:45 -o dwaa.exr
    oiiotool src.exr --compression dwab:45 -o dwab.exr
fi
for t in 1 2; do
    for c in dwaa dwab; do
        r=0
        while [ $r -lt "$rounds" ]; do
            ./exr_decode_openexr $c.exr $t "$reps"
            "$dec" $c.exr $t "$reps"
            ./exr_encode_openexr src.exr out_cpp.exr $c 45 $t "$reps"
            "$enc" src.exr out_vfx.exr $c 45 "$reps" $t
            r=$((r + 1))
        done
    done
done
if [ "${VFX_DWA_CALLGRIND:-0}" = 1 ]; then
    count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 |
              sed -n 's/.*refs: *//p' | tr -d ,; }
    for c in dwaa dwab; do
        a=$(count ./exr_decode_openexr $c.exr 1 1); b=$(count "$dec" $c.exr 1 1)
        echo "instructions decode $c: openexr-c++ $a vfx $b (each includes the same pixel hash)"
        a0=$(count ./exr_encode_openexr src.exr out_cpp.exr $c 45 1 0)
        a=$(count ./exr_encode_openexr src.exr out_cpp.exr $c 45 1 1)
        b0=$(count "$enc" src.exr out_vfx.exr $c 45 0 1)
        b=$(count "$enc" src.exr out_vfx.exr $c 45 1 1)
        echo "instructions encode $c: openexr-c++ $((a - a0)) vfx $((b - b0)) (set-up subtracted)"
    done
fi
