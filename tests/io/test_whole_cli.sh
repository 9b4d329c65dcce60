#!/bin/sh
# vfx info / convert with WebP, AVIF and HEIC: format from the extension, compression options,
# the reference decoders reading what vfx writes, damaged input leaving no output.
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
have() { command -v "$1" >/dev/null 2>&1; }

"$V" --pattern checker:width=8 64x48 3 -d u8 -o "$tmp/src.png" >/dev/null 2>&1 || bad "make source"
for f in webp avif heic; do
    "$V" convert -q "$tmp/src.png" "$tmp/a.$f" && ok || bad "convert to $f"
    "$V" info "$tmp/a.$f" | grep -q "64 x   48, 3 channel, u8" && ok || bad "info $f"
    "$V" convert -q "$tmp/a.$f" "$tmp/back_$f.png" && ok || bad "convert from $f"
done
"$V" info -v "$T/images/webp/1.webp" | grep -q 'compression (string): "lossy"' && ok || bad "info -v webp"
# lossless through every codec: identical pixels (idiff / oiiotool --diff)
if have oiiotool; then
    for c in "webp lossless" "avif avif,lossless,speed=9" "heic heic,lossless"; do
        set -- $c
        "$V" convert -q "$tmp/src.png" "$tmp/ll.$1" --compression "$2" && "$V" convert -q "$tmp/ll.$1" "$tmp/ll_$1.png" &&
            oiiotool "$tmp/src.png" "$tmp/ll_$1.png" --diff >/dev/null && ok || bad "lossless $1"
    done
fi
# the reference decoders read vfx's files
have dwebp && { dwebp -quiet "$tmp/a.webp" -o "$tmp/d.png" && ok || bad "dwebp reads vfx's WebP"; }
have avifdec && { avifdec "$tmp/a.avif" "$tmp/d.png" >/dev/null && ok || bad "avifdec reads vfx's AVIF"; }
have heif-convert && { heif-convert "$tmp/a.heic" "$tmp/d.png" >/dev/null && ok || bad "heif-convert reads vfx's HEIC"; }
# 10-bit AVIF from a 16-bit source
"$V" --pattern fill:top=0,0.5,1:bottom=1,0.5,0 32x32 3 -d u16 -o "$tmp/a10.avif" --compression avif,bits=10:90 >/dev/null 2>&1 &&
    "$V" info -v "$tmp/a10.avif" | grep -q "BitsPerSample (int): 10" && ok || bad "chain -o 10-bit AVIF"
# bad options: exit 1, a message, no file
"$V" convert -q "$tmp/src.png" "$tmp/bad.avif" --compression avif,speed=99 2>"$tmp/err.txt"
[ $? -eq 1 ] && [ ! -e "$tmp/bad.avif" ] && grep -q "speed" "$tmp/err.txt" && ok || bad "bad AVIF option"
# damaged input: exit 1, file named, no output
head -c 300 "$tmp/a.heic" >"$tmp/cut.heic"
"$V" convert -q "$tmp/cut.heic" "$tmp/x.png" 2>"$tmp/err.txt"
[ $? -eq 1 ] && [ ! -e "$tmp/x.png" ] && grep -q "cut.heic" "$tmp/err.txt" && ok || bad "truncated HEIC"
head -c 1000 "$T/images/webp/1.webp" >"$tmp/cut.webp"
"$V" convert -q "$tmp/cut.webp" "$tmp/x.png" 2>"$tmp/err.txt"
[ $? -eq 1 ] && [ ! -e "$tmp/x.png" ] && grep -q "cut.webp" "$tmp/err.txt" && ok || bad "truncated WebP"

echo "whole_cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
