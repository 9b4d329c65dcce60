#!/bin/sh
# --text against oiiotool 2.4's --text with the same font file (DejaVu Sans from
# fonts-dejavu-core, found through fontconfig): both draw FreeType's glyph coverage, so the
# pictures must match to 1e-6 -- alignment, several lines, shadow, a colour with alpha, a
# clipped start. (Only ASCII text: oiiotool 2.4 draws a different glyph for 'ö'; vfx follows
# UTF-8.) Then the errors: an unknown font, a file that is no font, bad modifiers.
set -u
V=${VFX_CLI:?}
. "${VFX_SOURCE_DIR:?}/tests/lib.sh"
cd "$tmp" || exit 1

font=$(fc-match -f '%{file}' 'DejaVu Sans' 2>/dev/null)
case "$font" in
*DejaVuSans.ttf) ;;
*) echo "SKIP: DejaVu Sans (fonts-dejavu-core) not found by fontconfig"; exit 77 ;;
esac

"$V" --create 200x100 4 --text:font="$font" "Hi" -o default.exr -q && ok || bad "--text with a font file failed"
# the default font is the same DejaVu Sans
"$V" --create 200x100 4 --text "Hi" -o dflt.exr -q && ok || bad "--text with the default font failed"
"$V" default.exr dflt.exr --fail 0 --diff >/dev/null 2>&1 && ok || bad "the default font is not DejaVu Sans"

if have oiiotool; then
    nl='
'
    i=0
    for m in ":x=10:y=40:size=24:color=1,0.5,0.25,1" ":x=100:y=50:xalign=center:yalign=center:shadow=2" \
        ":x=190:y=5:xalign=right:yalign=top:color=0.2,0.9,0.4,0.5" ":yalign=bottom:size=13" \
        ":x=-5:y=10:size=30:shadow=1" ":x=3:y=99:yalign=bottom:xalign=left:size=40"; do
        i=$((i + 1))
        for t in "Hello, world!" "Line one${nl}AVAWg|y"; do
            oiiotool --create 200x100 4 --fill:color=0.3,0.2,0.1,1 200x100 --text$m:font="$font" "$t" \
                -d float -o ref$i.exr >/dev/null 2>&1 || { bad "oiiotool --text$m failed"; continue; }
            "$V" --create 200x100 4 --fill:color=0.3,0.2,0.1,1 200x100 --text$m:font="$font" "$t" \
                -d float -o out$i.exr -q || { bad "vfx --text$m failed"; continue; }
            oiiotool ref$i.exr out$i.exr --fail 1e-6 --diff >diff$i.txt 2>&1 && ok \
                || bad "--text$m '$t' differs from oiiotool: $(grep -i 'max error' diff$i.txt)"
        done
    done
    # an RGB image (no alpha: the text is opaque), streamed in tiles of a tiled EXR
    oiiotool --create 300x200 3 --text:x=7:y=120:size=60:font="$font" "Tiles" -d half --tile 16 16 \
        -o ref_rgb.exr >/dev/null 2>&1
    "$V" --create 300x200 3 --text:x=7:y=120:size=60:font="$font" "Tiles" -d half --tile 16x16 \
        -o out_rgb.exr -q && oiiotool ref_rgb.exr out_rgb.exr --fail 1e-3 --diff >/dev/null 2>&1 \
        && ok || bad "tiled RGB text differs from oiiotool"
fi

# bytes that are not UTF-8 (a lone continuation byte, a cut sequence, 0xFF) draw U+FFFD and no crash
bytes=$(printf 'a\200b\342\202c\377')
"$V" --create 64x64 3 --text:x=2:y=40 "$bytes" -o utf8.exr -q && ok || bad "text with invalid UTF-8 failed"
# text entirely outside the image, and an empty string, leave the image as it was
"$V" --create 64x64 3 --text:x=5000:y=5000 "far" -o far.exr -q && "$V" --create 64x64 3 --text "" -o empty.exr -q \
    && "$V" far.exr empty.exr --fail 0 --diff >/dev/null 2>&1 && ok || bad "text outside the image drew something"

# errors name the problem; nothing is written
out=$("$V" --create 64x64 3 --text:font=NoSuchFontAnywhere "x" -o bad1.exr 2>&1)
[ $? -ne 0 ] && [ ! -e bad1.exr ] && echo "$out" | grep -q "font 'NoSuchFontAnywhere' not found" && ok \
    || bad "unknown font: '$out'"
printf 'not a font' >fake.ttf
out=$("$V" --create 64x64 3 --text:font=fake.ttf "x" -o bad2.exr 2>&1)
[ $? -ne 0 ] && [ ! -e bad2.exr ] && echo "$out" | grep -q "fake.ttf is not a font FreeType can read" && ok \
    || bad "not a font: '$out'"
out=$("$V" --create 64x64 3 --text:size=0 "x" -o bad3.exr 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "size 0 is outside" && ok || bad "size 0: '$out'"
out=$("$V" --create 64x64 3 --text:xalign=middle "x" -o bad4.exr 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "bad xalign 'middle'" && ok || bad "bad xalign: '$out'"
out=$("$V" --create 64x64 3 --text:x=abc "x" -o bad5.exr 2>&1)
[ $? -ne 0 ] && echo "$out" | grep -q "bad x 'abc'" && ok || bad "bad x: '$out'"

finish
