#!/bin/sh
# vfx --iccread (an image's embedded ICC profile applied on read, through lcms2) against
# Little CMS's own tificc (float output, no precalculation: lcms2's exact float pipeline) on
# PNG, JPEG and TIFF files carrying a non-sRGB profile (OCIO's "Adobe RGB" test profile),
# written here from a test image with ImageMagick, which embeds the profile without touching
# the pixels. In gamut the results agree within 2e-5; see docs/color.md for out-of-gamut values.
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
for tool in tificc convert oiiotool exiftool; do
    command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool missing"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# max difference of two images after clamping both to [0, 1] (in-gamut agreement)
maxdiff_le() {
    oiiotool "$1" --clamp:min=0:max=1 -o "$tmp/da.exr" >/dev/null 2>&1 &&
        oiiotool "$2" --clamp:min=0:max=1 -o "$tmp/db.exr" >/dev/null 2>&1 || return 1
    m=$(oiiotool "$tmp/da.exr" "$tmp/db.exr" --diff 2>&1 | awk '/Max error/ { m = $4 } /^PASS/ && m == "" { m = 0 } END { print m }')
    echo "    max difference $m (allowed $3)"
    awk -v m="$m" -v t="$3" 'BEGIN { exit !(m != "" && m <= t) }'
}

prof=$T/luts/ocio-tests/icc-test-1.icc
convert "$T/luts/ocio-tests/rgb-cmy.jpg" -strip png24:"$tmp/plain.png"
convert "$tmp/plain.png" -profile "$prof" "$tmp/tagged.png"
convert "$tmp/tagged.png" "$tmp/tagged.tif"
convert "$tmp/tagged.png" -quality 98 "$tmp/tagged.jpg"
for f in tagged.png tagged.tif tagged.jpg; do
    exiftool -ProfileDescription "$tmp/$f" | grep -q "Adobe RGB" && ok || bad "$f carries the profile"
done

# the reference: lcms2 float, relative colorimetric, from each file's own decoded pixels
for f in tagged.png tagged.jpg tagged.tif; do
    "$V" "$tmp/$f" -d u8 -o "$tmp/in8.tif" || bad "decode $f"
    tificc -i"$prof" -o*sRGB -t1 -c0 -w32 "$tmp/in8.tif" "$tmp/ref_srgb.tif" >/dev/null 2>&1 || bad "tificc $f"
    "$V" "$tmp/$f" --iccread:to=srgb -d float -o "$tmp/v_srgb.tif" && ok || bad "--iccread:to=srgb $f"
    maxdiff_le "$tmp/v_srgb.tif" "$tmp/ref_srgb.tif" 2e-5 && ok || bad "$f -> sRGB vs tificc"
    # linear Rec.709: the reference is tificc's sRGB result through the exact sRGB decode
    oiiotool "$tmp/ref_srgb.tif" --clamp:min=0:max=1 --colorconvert sRGB linear -o "$tmp/ref_lin.exr" >/dev/null 2>&1
    "$V" "$tmp/$f" --iccread -d float -o "$tmp/v_lin.exr" && ok || bad "--iccread $f"
    maxdiff_le "$tmp/v_lin.exr" "$tmp/ref_lin.exr" 2e-5 && ok || bad "$f -> linear Rec.709 vs tificc"
done

# the conversion changes the pixels, drops the old profile and names the new space
oiiotool "$tmp/plain.png" "$tmp/v_srgb.tif" --diff >/dev/null 2>&1 && bad "--iccread left the pixels alone" || ok
"$V" "$tmp/tagged.png" --iccread:to=srgb -o "$tmp/out.png" && ok || bad "write png"
exiftool -ProfileDescription "$tmp/out.png" | grep -q "Adobe RGB" && bad "old profile kept in the output" || ok
"$V" info -v "$tmp/v_lin.exr" 2>/dev/null | grep -q "Linear Rec.709" && ok || bad "colorspace attribute"

# untagged input: taken as sRGB, as if it carried an sRGB profile (the IEC 61966-2.1 profile
# embedded in a Pillow test image)
"$V" "$tmp/plain.png" --iccread -d float -o "$tmp/p_lin.exr" && ok || bad "--iccread untagged"
exiftool -q -icc_profile -b "$T/images/png/icc_profile.png" >"$tmp/srgb.icc"
convert "$tmp/plain.png" -profile "$tmp/srgb.icc" "$tmp/srgb_tagged.png"
"$V" "$tmp/srgb_tagged.png" --iccread -d float -o "$tmp/p_ref.exr" && ok || bad "--iccread sRGB-tagged"
maxdiff_le "$tmp/p_lin.exr" "$tmp/p_ref.exr" 2e-5 && ok || bad "untagged = sRGB-tagged"

# to another profile file; bad values
"$V" "$tmp/tagged.png" --iccread:to="$prof" -d float -o "$tmp/same.tif" && ok || bad "to=FILE"
"$V" "$tmp/tagged.png" --iccread:intent=sideways -o "$tmp/x.tif" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "bad intent -> exit 2"
"$V" "$tmp/tagged.png" --iccread:to="$tmp/missing.icc" -o "$tmp/x.tif" 2>"$tmp/err.txt"; [ $? -eq 1 ] && grep -q missing.icc "$tmp/err.txt" && [ ! -e "$tmp/x.tif" ] && ok || bad "missing profile -> exit 1, no output"

echo "iccread: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
