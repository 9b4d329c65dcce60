#!/bin/sh
# The benchmark harness must not rot: bench/compare/run --smoke on 512^2 inputs, one repetition,
# report to a temp file (never docs/). Checks that a table with vfx rows came out, and the codec
# floors (codec_floor.c: a decode and an encode through each library whose -dev package is there).
# Skips (77) when oiiotool, which makes the inputs and compares the outputs, is absent.
set -u
V=${VFX_CLI:?}
S=${VFX_SOURCE_DIR:?}
command -v oiiotool >/dev/null 2>&1 || { echo "SKIP: no oiiotool"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
# the shared folder (input recipe, membw.c, OCIO config) sits next to testdata/
if [ -z "${VFX_SHARED_DIR:-}" ] && [ -n "${VFX_TESTDATA_DIR:-}" ]; then
    VFX_SHARED_DIR=$(dirname "$VFX_TESTDATA_DIR"); export VFX_SHARED_DIR
fi
tmp=$(mktemp -d "${VFX_TEST_TMP:-${TMPDIR:-/tmp}}/bench-smoke.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { fail=1; echo "FAIL: $*"; }

# the 512^2 inputs are deterministic: kept in the build tree between runs (~10 MB)
inputs=${VFX_BINARY_DIR:-$tmp}/bench-inputs-512
if ! bash "$S/bench/compare/run" --smoke --vfx "$V" --inputs "$inputs" --results "$tmp/r" \
        --out "$tmp/bench.md" >"$tmp/log" 2>&1; then
    bad "run --smoke failed"; tail -30 "$tmp/log"
fi
md=$tmp/bench.md
[ -s "$md" ] || { bad "no report written"; tail -30 "$tmp/log"; exit 1; }
grep -q '^| workload | vfx | oiiotool | vips | convert |' "$md" || bad "no summary table"
# W1 (EXR transcode) and the EXR decode floor work since the first vfx: they must have numbers
grep -E '^\| W1 .*\| [0-9.~]+ s / [0-9]+ MiB \|' "$md" >/dev/null || bad "no vfx figures for W1"
grep -E '^\| vfx \| ~?[0-9.]+ \|' "$md" >/dev/null || bad "no vfx rows in the per-workload tables"
grep -q '^### W11 ' "$md" || bad "no W11 section"
grep -q '^## Floor: memory bandwidth' "$md" || bad "no memory floor"
# the codec floors (codec_floor.c): a decode and an encode line for every codec whose -dev
# package is installed (CI installs them all), and vfx set against the floor
grep -q '^## Floors: decode and encode through each codec library' "$md" || bad "no codec floors section"
for lib in libpng libjpeg libtiff-4 OpenEXR; do
    pkg-config --exists "$lib" 2>/dev/null || continue
    case $lib in libpng) f=d_rgb8.png ;; libjpeg) f=e_rgb8_q90.jpg ;; libtiff-4) f=c_rgb16.tif ;; OpenEXR) f=a_rgba_half_zip_scan.exr ;; esac
    for op in decode encode; do
        # | input (geometry) | library | op | settings | threads | seconds |
        grep -E "^\| $f \([0-9]+x[0-9]+x[0-9] [a-z0-9]+\) \| [^|]+ \| $op \| [^|]+ \| [0-9]+ \| [0-9.]+ \|" "$md" >/dev/null \
            || bad "no $op floor for $f ($lib)"
    done
done
grep -E '^\| W1 .*\| EXR ZIP decode \+ PIZ encode \| [0-9.]+ \| [0-9.]+ \|' "$md" >/dev/null \
    || { pkg-config --exists OpenEXR 2>/dev/null && bad "W1 not set against its codec floor"; }
grep -q 'codec_floor.c did not build' "$md" && bad "codec_floor.c did not build"
# the floors measure real work: codec_floor's lossless encodes of the decoded inputs (the tiled
# EXR through OpenEXRCore's tile path, the tiled TIFF, PNG, TIFF strips) equal the inputs
cf=$tmp/r/aux/codec_floor
if [ -x "$cf" ] && command -v idiff >/dev/null 2>&1; then
    for t in "OpenEXR b_rgba_half_zip_tile64.exr exr:piz" "OpenEXR a_rgba_half_zip_scan.exr exr:zip@4" \
             "libpng d_rgb8.png png:4" "libtiff-4 c_rgb16.tif tiff:none" \
             "libtiff-4 w11_rgb8_tile128.tif tiff:zip:tile64"; do
        set -- $t
        pkg-config --exists "$1" 2>/dev/null || continue
        out=$("$cf" -r 1 -k -o "$tmp" "$inputs/$2" "$3" 2>&1 >/dev/null | sed -n 's/^codec_floor: kept //p')
        if [ ! -s "$out" ]; then
            bad "codec_floor wrote nothing for $2 $3"
        elif [ "${3#*@}" != "$3" ]; then   # @K: the sampled bands only (rows 0-63 of every K bands)
            oiiotool "$out" --cut 512x64+0+0 -o "$tmp/cf_band.exr" >/dev/null 2>&1
            oiiotool "$inputs/$2" --cut 512x64+0+0 -o "$tmp/cf_ref.exr" >/dev/null 2>&1
            idiff -q "$tmp/cf_ref.exr" "$tmp/cf_band.exr" >/dev/null 2>&1 || bad "codec_floor's $3 of $2: first band differs"
        else
            idiff -q "$inputs/$2" "$out" >/dev/null 2>&1 || bad "codec_floor's $3 of $2 differs from the input"
        fi
        rm -f "$out"
    done
fi
# vfx's own encoders beside the libraries' (bench/bench_encode.c, in builds with the benchmarks)
if [ -x "$(dirname "$V")/bench/vfx_bench_encode" ]; then
    grep -E '^\| d_rgb8.png \([^)]*\) \| vfx-[^|]* \| encode \| zlib-level-4[^|]* \| [0-9]+ \| [0-9.]+ \|' "$md" >/dev/null \
        || bad "no vfx PNG encode beside libpng's"
fi
# every workload has a vfx row: figures, n/a with a reason, or a failure
for w in W1 W2 W3 W4 W5 W6 W7 W8 W8s W9 W10 W11; do
    grep -E "^\| $w .*" "$md" >/dev/null || bad "$w missing from the summary"
done
# vfx's W1 output agrees with oiiotool's (lossless transcode)
grep -A8 '^### W1 ' "$md" | grep -E '^\| oiiotool .*identical' >/dev/null || bad "W1 vfx vs oiiotool not identical"
# the report went to the temp file, and docs/ was left alone
[ "$(grep -c 'Smoke run' "$md")" = 1 ] || bad "report is not marked as a smoke run"
[ $fail = 0 ] && echo "PASS: $(grep -c '^| ' "$md") table rows" || { sed -n '1,40p' "$md"; }
exit $fail
