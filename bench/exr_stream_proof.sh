#!/usr/bin/env bash
# bench/exr_stream_proof.sh DIR [RUNS] -- the two streaming proofs of the EXR I/O issue, with
# oiiotool measured in the same run (bench/compare/run covers the 8192^2 versions, W1 and W8).
#
#   DIR   holds (or receives, made by vfx_bench_exr_stream make 16384 DIR) scan_zip.exr and
#         tile64_zip.exr: 16384 x 16384 RGBA half, ZIP, scanline and 64x64 tiles
#   RUNS  repetitions per tool, alternating vfx and oiiotool (default 2)
#
# 1. crop 1024 x 1024 at +8000+8000 from the tiled file: vfx_bench_exr_stream crop (reader
#    statistics: chunks and bytes read), vfx chain --cut -o, oiiotool --cut -o
# 2. ZIP -> PIZ of the scanline file: vfx convert vs oiiotool, the whole image
# Every run: /usr/bin/time -f '%e %M' (wall s, peak RSS KiB). Env: VFX_CLI, VFX_BENCH_EXR_STREAM.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${1:?usage: exr_stream_proof.sh DIR [RUNS]}
RUNS=${2:-2}
V=${VFX_CLI:-$HERE/../build/rel/vfx}
B=${VFX_BENCH_EXR_STREAM:-$(dirname "$V")/bench/vfx_bench_exr_stream}
OUT=$DIR/out
mkdir -p "$OUT"
if [ ! -s "$DIR/scan_zip.exr" ] || [ ! -s "$DIR/tile64_zip.exr" ]; then
    echo "making the 16384^2 inputs in $DIR" >&2
    "$B" make 16384 "$DIR" || exit 1
fi
run() { # LABEL CMD... : one timed run, prints "LABEL wall_s peak_MiB"
    local label=$1; shift
    /usr/bin/time -f '%e %M' -o "$OUT/time.txt" "$@" >"$OUT/log.txt" 2>&1 || {
        echo "$label FAILED"; cat "$OUT/log.txt"; return 1; }
    read -r t k <"$OUT/time.txt"
    printf '%-34s %8.2f s %8.1f MiB\n' "$label" "$t" "$(echo "$k / 1024" | bc -l)"
}
echo "== crop 1024x1024+8000+8000 from tiled 16384^2 RGBA half ZIP (64x64 tiles)"
run "vfx_bench_exr_stream crop" "$B" crop "$DIR/tile64_zip.exr" 8000 8000 1024 1024 &&
    sed -n 's/^/    reader: /p' "$OUT/log.txt" | grep chunks
for i in $(seq "$RUNS"); do
    run "vfx --cut -o (run $i)" "$V" "$DIR/tile64_zip.exr" --cut 1024x1024+8000+8000 \
        --compression zip -o "$OUT/crop.vfx.exr"
    run "oiiotool --cut -o (run $i)" oiiotool "$DIR/tile64_zip.exr" --cut 1024x1024+8000+8000 \
        --compression zip -o "$OUT/crop.oiio.exr"
done
oiiotool "$OUT/crop.vfx.exr" "$OUT/crop.oiio.exr" --diff | grep -E "PASS|FAIL" | sed 's/^/    crop vfx vs oiiotool: /'
echo "== ZIP -> PIZ of scanline 16384^2 RGBA half"
for i in $(seq "$RUNS"); do
    if [ $((i % 2)) -eq 1 ]; then order="vfx oiio"; else order="oiio vfx"; fi
    for t in $order; do
        if [ $t = vfx ]; then
            run "vfx convert --compression piz ($i)" "$V" convert "$DIR/scan_zip.exr" \
                "$OUT/piz.vfx.exr" --compression piz -q
        else
            run "oiiotool --compression piz ($i)" oiiotool "$DIR/scan_zip.exr" \
                --compression piz -o "$OUT/piz.oiio.exr"
        fi
    done
done
ls -l "$OUT"/piz.*.exr | awk '{print "    " $5 " bytes " $9}'
oiiotool "$OUT/piz.vfx.exr" "$DIR/scan_zip.exr" --diff | grep -E "PASS|FAIL" | sed 's/^/    piz vfx vs input: /'
