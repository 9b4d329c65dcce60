#!/bin/sh
# A sticky --compression applies only to the outputs whose format knows it, as in oiiotool:
# "--compression piz -o a.exr -o a.png" writes a PIZ EXR and a default PNG. An explicit
# -o:compression=NAME that the format does not know stays an error (exit 1, no file).
set -u
V=${VFX_CLI:?}
tmp=${VFX_TEST_TMP:-$(mktemp -d)}
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
have() { command -v "$1" >/dev/null 2>&1; }
pat="--pattern checker:width=8:color1=0.9,0.5,0.1:color2=0.1,0.2,0.7 64x48 3"

# shellcheck disable=SC2086
"$V" -q $pat --compression piz -o "$tmp/a.exr" -o "$tmp/a.png" -o "$tmp/a.tif" -o "$tmp/a.jpg" \
    -o "$tmp/a.webp" -o "$tmp/a.tga" 2>"$tmp/err.txt"
[ $? -eq 0 ] && ok || { bad "sticky piz then png/tif/jpg/webp/tga outputs"; cat "$tmp/err.txt"; }
for e in exr png tif jpg webp tga; do
    [ -s "$tmp/a.$e" ] && ok || bad "a.$e written"
done
[ -s "$tmp/err.txt" ] && bad "no note without -v: $(cat "$tmp/err.txt")" || ok
if have exrheader; then
    exrheader "$tmp/a.exr" | grep -q "compression.*piz" && ok || bad "EXR still gets PIZ"
fi
if have tiffinfo; then
    tiffinfo "$tmp/a.tif" 2>/dev/null | grep -q "Compression Scheme: AdobeDeflate" && ok ||
        bad "TIFF gets its default compression (deflate, as oiiotool)"
fi

# the same chain through oiiotool: same pixels in the PNG and TIFF (both lossless)
if have oiiotool && have idiff; then
    # shellcheck disable=SC2086
    oiiotool $pat --compression piz -o "$tmp/o.png" -o "$tmp/o.tif" >/dev/null 2>&1 && ok ||
        bad "oiiotool runs the same chain"
    # from float pixels oiiotool writes an 8-bit PNG and vfx a 16-bit one: half an 8-bit step
    for e in png:0.002 tif:0; do
        idiff -fail "${e#*:}" "$tmp/a.${e%:*}" "$tmp/o.${e%:*}" >"$tmp/idiff.txt" 2>&1 && ok ||
            { bad "${e%:*} equals oiiotool's"; cat "$tmp/idiff.txt"; }
    done
fi

# -v says what was ignored, on stderr, naming the file and the compression
# shellcheck disable=SC2086
"$V" -q -v $pat --compression piz -o "$tmp/v.png" 2>"$tmp/err.txt" && ok || bad "-v sticky run"
grep -q "v.png.*ignores --compression piz" "$tmp/err.txt" && ok || bad "-v note: $(cat "$tmp/err.txt")"

# a later --compression the PNG knows still applies (level 0 = stored: a bigger file)
# shellcheck disable=SC2086
"$V" -q $pat --compression zip:0 -o "$tmp/z0.png" --compression zip:9 -o "$tmp/z9.png" && ok ||
    bad "sticky zip levels on PNG"
[ "$(wc -c <"$tmp/z0.png")" -gt "$(wc -c <"$tmp/z9.png")" ] && ok || bad "PNG takes a known sticky level"

# a sticky level under another codec's name is not a JPEG quality (zip:9 is no quality 9)
# shellcheck disable=SC2086
"$V" -q $pat --compression zip:9 -o "$tmp/q.jpg" --compression jpeg:95 -o "$tmp/q95.jpg" && ok ||
    bad "sticky zip:9 then a JPEG"
cmp -s "$tmp/q.jpg" "$tmp/q95.jpg" && ok || bad "JPEG after sticky zip:9 gets the default quality 95"

# explicit per-output compression the format does not know: exit 1, message, no file
for e in png tif webp jpg; do
    # shellcheck disable=SC2086
    "$V" -q $pat -o:compression=piz "$tmp/x.$e" 2>"$tmp/err.txt"
    [ $? -eq 1 ] && ok || bad "-o:compression=piz x.$e -> exit 1"
    grep -q "x.$e.*piz" "$tmp/err.txt" && ok || bad "x.$e error names file and compression"
    [ ! -e "$tmp/x.$e" ] && ok || bad "no x.$e after the error"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
