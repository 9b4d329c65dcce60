#!/bin/sh
# vfx bakelut against OpenColorIO 2.1's ociobakelut on the same conversions (the built-in config
# dumped by `vfx colors --dump`, which ociocheck accepts) and LUT chains: the written tables must
# agree within 2e-6 absolute (OCIO prints 6 decimals) plus 2e-5 relative to the largest
# component of the row, .3dl codes within 1. Relative to the row, not to each value: OCIO's CPU
# path evaluates log / pow with fast SSE approximations (relative error ~1e-6..1e-5), and a
# gamut matrix after a log curve turns that into larger relative errors on the small components
# of a row (e.g. 0.009773 vs 0.009770 beside 15.25 in LogC3 -> Rec.709), and an sRGB encode
# after the matrix moves it again. Measured worst cases (17^3 tables): 1.4e-5 of the row for
# ACEScct -> sRGB (negative components of rows reaching 10), 8.6e-6 for LogC3 -> Rec.709, under
# 3e-6 for the rest; per value, 12 of 14739 values of ACEScct -> sRGB and 484 of LogC3 -> Rec.709
# exceed 1e-5 relative, all of them components much smaller than their row's largest.
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
command -v ociobakelut >/dev/null 2>&1 || { echo "SKIP: ociobakelut (opencolorio-tools) missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# numeric rows of 3 values from a LUT file (keywords, comments and the .3dl shaper line dropped)
rows() { awk 'NF == 3 && $1 ~ /^-?[0-9.]/ && $2 ~ /^-?[0-9.]/ { print $1, $2, $3 }' "$1"; }
# compare two files' rows: abs tolerance, relative tolerance
same_rows() {
    rows "$1" >"$tmp/a.txt"; rows "$2" >"$tmp/b.txt"
    na=$(wc -l <"$tmp/a.txt"); nb=$(wc -l <"$tmp/b.txt")
    [ "$na" -eq "$nb" ] && [ "$na" -gt 0 ] || { echo "row counts differ: $na vs $nb"; return 1; }
    paste -d' ' "$tmp/a.txt" "$tmp/b.txt" | awk -v at="$3" -v rt="$4" '
        function abs(x) { return x < 0 ? -x : x }
        { m = abs($4); if (abs($5) > m) m = abs($5); if (abs($6) > m) m = abs($6)
          for (i = 1; i <= 3; i++) { d = abs($i - $(i + 3)); if (d > at + rt * m) { bad++; if (bad < 5) print "row " NR ": " $0 } } }
        END { exit bad > 0 }'
}

"$V" colors --dump >"$tmp/builtin.ocio" || bad "vfx colors --dump"
cfg="$tmp/builtin.ocio"

# colour-space conversions, .cube
for pair in "ACEScct|sRGB Encoded Rec.709 (sRGB)" "ACES2065-1|ACEScct" "Linear Rec.2020|Sony S-Log3 S-Gamut3" \
            "ARRI LogC3 (EI800) AWG3|Linear Rec.709 (sRGB)"; do
    from=${pair%%|*}; to=${pair#*|}
    "$V" bakelut --config "$cfg" --from "$from" --to "$to" --size 17 "$tmp/v.cube" &&
        ociobakelut --iconfig "$cfg" --inputspace "$from" --outputspace "$to" --format iridas_cube \
            --cubesize 17 "$tmp/o.cube" 2>/dev/null &&
        same_rows "$tmp/v.cube" "$tmp/o.cube" 2e-6 2e-5 && ok || bad "cube $from -> $to"
done

# .3dl (12-bit codes) as Flame writes them
"$V" bakelut --config "$cfg" --from ACEScct --to "sRGB Encoded Rec.709 (sRGB)" --size 17 "$tmp/v.3dl" &&
    ociobakelut --iconfig "$cfg" --inputspace ACEScct --outputspace "sRGB Encoded Rec.709 (sRGB)" \
        --format flame --cubesize 17 "$tmp/o.3dl" 2>/dev/null &&
    same_rows "$tmp/v.3dl" "$tmp/o.3dl" 1 0 && ok || bad "3dl ACEScct -> sRGB"
head -1 "$tmp/v.3dl" | grep -q "^0 64 128 .* 1023$" && ok || bad "3dl shaper line"

# a chain of LUT files and CDL steps (config-free), .cube
L=$T/luts/ocio-tests
"$V" bakelut --lut "$L/cdl_test1.cc" --slope 1.1 1 0.9 --offset 0.01 0 -0.01 --power 1 1.2 1 --sat 0.8 \
    --lut "$L/lut1d_5.spi1d" --lut "$L/comp2.spi3d" --size 17 "$tmp/v2.cube" &&
    ociobakelut --lut "$L/cdl_test1.cc" --slope 1.1 1 0.9 --offset 0.01 0 -0.01 --power 1 1.2 1 --sat 0.8 \
        --lut "$L/lut1d_5.spi1d" --lut "$L/comp2.spi3d" --format iridas_cube --cubesize 17 "$tmp/o2.cube" 2>/dev/null &&
    same_rows "$tmp/v2.cube" "$tmp/o2.cube" 2e-6 2e-5 && ok || bad "LUT chain"
# inverse of a 1D LUT
"$V" bakelut --invlut "$L/lut1d_5.spi1d" --size 4096 "$tmp/v3.spi1d" && ok || bad "--invlut to .spi1d"

# exact CLF: OCIO reads it back like the original chain
"$V" bakelut --lut "$L/camera_to_aces.spimtx" --slope 1.1 1 0.9 --sat 0.8 "$tmp/v.clf" && ok || bad "bake .clf"
grep -q "<ASC_CDL" "$tmp/v.clf" && grep -q "<Matrix" "$tmp/v.clf" && ok || bad ".clf holds exact nodes"
# OCIO bakes the same chain into a 3D LUT; the chain is affine (matrix, CDL with power 1), so
# the table is exact inside [0, 1] and both files must give the same colours there
ociobakelut --lut "$L/camera_to_aces.spimtx" --slope 1.1 1 0.9 --sat 0.8 \
    --format "Academy/ASC Common LUT Format" --cubesize 5 "$tmp/o.clf" 2>/dev/null || bad "ociobakelut .clf"
for rgb in "0.1 0.2 0.3" "0.9 0.5 0.02" "0 1 0.7" "1 1 1"; do
    a=$(ociochecklut "$tmp/v.clf" $rgb 2>/dev/null | tail -1)
    b=$(ociochecklut "$tmp/o.clf" $rgb 2>/dev/null | tail -1)
    echo "$a $b" | awk 'function abs(x) { return x < 0 ? -x : x }
        NF == 6 { for (i = 1; i <= 3; i++) if (abs($i - $(i + 3)) > 1e-5 + 1e-5 * abs($(i + 3))) exit 1; ok = 1 }
        END { exit !ok }' && ok || bad ".clf $rgb: vfx file gives '$a', OCIO's bake '$b'"
done

# a config whose colour spaces use GradingPrimaryTransform (each style, one inverse),
# GradingRGBCurveTransform and GradingToneTransform
cat >"$tmp/grading.ocio" <<'EOF'
ocio_profile_version: 2.1
roles:
  default: raw
  scene_linear: raw
file_rules:
  - !<Rule> {name: Default, colorspace: raw}
displays:
  sRGB:
    - !<View> {name: Raw, colorspace: raw}
colorspaces:
  - !<ColorSpace>
    name: raw
  - !<ColorSpace>
    name: graded_log
    from_scene_reference: !<GradingPrimaryTransform> {style: log, brightness: {rgb: [-10, 5, 20], master: 3}, contrast: {rgb: [1.2, 0.9, 1.1], master: 1.05}, gamma: {rgb: [0.9, 1.1, 1.05], master: 1.02}, pivot: {contrast: 0.1, black: 0.05, white: 0.95}, saturation: 1.2, clamp: {black: -0.5, white: 3}}
  - !<ColorSpace>
    name: graded_lin
    from_scene_reference: !<GradingPrimaryTransform> {style: linear, offset: {rgb: [0.01, -0.02, 0.03], master: 0.005}, exposure: {rgb: [0.5, -0.3, 0.2], master: 0.1}, contrast: {rgb: [1.2, 0.9, 1.1], master: 1.05}, pivot: {contrast: 0.1}, saturation: 0.8, direction: inverse}
  - !<ColorSpace>
    name: graded_video
    from_scene_reference: !<GradingPrimaryTransform> {style: video, gamma: {rgb: [0.9, 1.1, 1.05], master: 1.02}, offset: {rgb: [0.01, -0.02, 0.03], master: 0.005}, lift: {rgb: [0.02, -0.01, 0], master: 0.01}, gain: {rgb: [1.1, 0.95, 1.2], master: 1.05}, pivot: {black: 0.05, white: 0.95}, saturation: 1.1}
  - !<ColorSpace>
    name: curves_log
    from_scene_reference: !<GradingRGBCurveTransform> {style: log, red: {control_points: [0, 0.05, 0.3, 0.25, 0.6, 0.7, 1, 0.95]}, green: {control_points: [0, 0.1, 0.5, 0.4, 1, 0.9], slopes: [0.5, 1.5, 0.2]}, master: {control_points: [0, 0, 0.4, 0.35, 1, 1.1]}}
  - !<ColorSpace>
    name: curves_lin
    from_scene_reference: !<GradingRGBCurveTransform> {style: linear, red: {control_points: [-5, -5.5, -1, -1.5, 2, 2.5, 6, 6.2]}, blue: {control_points: [-6, -6.2, -2, -1.8, 1, 1.4, 5, 5]}, direction: inverse}
  - !<ColorSpace>
    name: tone_log
    from_scene_reference: !<GradingToneTransform> {style: log, blacks: {rgb: [1.2, 0.9, 1.05], master: 1.1, start: 0.4, width: 0.4}, shadows: {rgb: [0.8, 1.3, 1.1], master: 1.2, start: 0.5, pivot: 0.05}, midtones: {rgb: [1.3, 0.7, 1.1], master: 0.9, center: 0.45, width: 0.6}, highlights: {rgb: [1.2, 0.85, 1.4], master: 1.1, start: 0.3, pivot: 0.95}, whites: {rgb: [0.9, 1.2, 1.3], master: 1.15, start: 0.4, width: 0.5}, s_contrast: 1.3}
  - !<ColorSpace>
    name: tone_lin
    from_scene_reference: !<GradingToneTransform> {style: linear, blacks: {rgb: [1.2, 0.8, 1], master: 1.1, start: 0, width: 4}, midtones: {rgb: [1.3, 0.7, 1], master: 0.9, center: 0.5, width: 7}, whites: {rgb: [0.9, 1.2, 1], master: 1.1, start: 0, width: 8}, s_contrast: 0.8, direction: inverse}
  - !<ColorSpace>
    name: tone_video
    from_scene_reference: !<GradingToneTransform> {style: video, shadows: {rgb: [1.5, 0.6, 1], master: 0.7, start: 0.6, pivot: 0}, highlights: {rgb: [0.6, 1.5, 1], master: 0.75, start: 0.2, pivot: 1}}
EOF
for cs in graded_log graded_lin graded_video curves_log curves_lin tone_log tone_lin tone_video; do
    "$V" bakelut --config "$tmp/grading.ocio" --from raw --to $cs --size 9 "$tmp/g.cube" &&
        ociobakelut --iconfig "$tmp/grading.ocio" --inputspace raw --outputspace $cs --format iridas_cube \
            --cubesize 9 "$tmp/og.cube" 2>/dev/null &&
        same_rows "$tmp/g.cube" "$tmp/og.cube" 2e-6 1e-5 && ok || bad "grading transform $cs"
    "$V" bakelut --config "$tmp/grading.ocio" --from $cs --to raw --size 9 "$tmp/g.cube" &&
        ociobakelut --iconfig "$tmp/grading.ocio" --inputspace $cs --outputspace raw --format iridas_cube \
            --cubesize 9 "$tmp/og.cube" 2>/dev/null &&
        same_rows "$tmp/g.cube" "$tmp/og.cube" 2e-6 1e-5 && ok || bad "grading transform $cs inverse"
done

# errors: usage 2, bad input 1 with the file named, no partial output
"$V" bakelut >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "no output -> exit 2"
"$V" bakelut --from ACEScct "$tmp/x.cube" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "--from alone -> exit 2"
"$V" bakelut --lut "$tmp/missing.cube" "$tmp/x.cube" 2>"$tmp/err.txt"; [ $? -eq 1 ] && grep -q missing.cube "$tmp/err.txt" && ok || bad "missing LUT -> exit 1"
"$V" bakelut --lut "$L/comp2.spi3d" "$tmp/x.cc" 2>"$tmp/err.txt"; [ $? -eq 1 ] && [ ! -e "$tmp/x.cc" ] && ok || bad ".cc of a 3D LUT -> exit 1, no file"
"$V" bakelut --help | grep -q "usage: vfx bakelut" && ok || bad "bakelut --help"

echo "bakelut: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
