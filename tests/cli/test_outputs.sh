#!/bin/sh
# Several -o in a row write the same top image into several files in one render (oiiotool's
# "-o a.exr -o b.png"): the input is decoded once (--runstats chunk counts), each file holds
# what a separate run writes, and a failure leaves none of them behind.
set -u
V=${VFX_CLI:?}
. "${VFX_SOURCE_DIR:?}/tests/lib.sh"

T=${VFX_TESTDATA_DIR:-}
IN=$T/exr/compression/comp_piz.exr # 587 x 675 RGBA half, PIZ scanline: 22 chunks of 32 rows
if [ -z "$T" ] || [ ! -f "$IN" ]; then
    echo "no test data ($IN)"
    exit 77
fi

chunks() { sed -n 's/.*RSS [0-9.]* MiB, \([0-9]*\) chunks .*/\1/p' "$1"; }

# one file alone: each chunk decoded once
"$V" "$IN" --colorconvert linear sRGB -o "$tmp/one.exr" --runstats -q 2>"$tmp/rs1.txt" || bad "one -o"
n1=$(chunks "$tmp/rs1.txt")
[ "$n1" = 22 ] && ok || { bad "one -o: chunk count '$n1'"; cat "$tmp/rs1.txt"; }

# three files, three formats (scanline EXR, PNG 8-bit, tiled TIFF): decoded once
"$V" "$IN" --colorconvert linear sRGB -o "$tmp/a.exr" -o:type=uint8 "$tmp/b.png" \
    -o:tile=64x64 "$tmp/c.tif" --runstats -q 2>"$tmp/rs3.txt" || bad "three -o"
n3=$(chunks "$tmp/rs3.txt")
[ "$n3" = "$n1" ] && ok || { bad "three -o decode $n3 chunks, one -o $n1"; cat "$tmp/rs3.txt"; }

# each file is what a run of its own writes
"$V" "$IN" --colorconvert linear sRGB -o:type=uint8 "$tmp/b1.png" -q || bad "png alone"
"$V" "$IN" --colorconvert linear sRGB -o:tile=64x64 "$tmp/c1.tif" -q || bad "tif alone"
cmp -s "$tmp/a.exr" "$tmp/one.exr" && ok || bad "a.exr differs from a run of its own"
for p in "b.png b1.png" "c.tif c1.tif"; do
    set -- $p
    "$V" diff "$tmp/$1" "$tmp/$2" >"$tmp/d.txt" 2>&1 && ok || { bad "$1 differs from $2"; cat "$tmp/d.txt"; }
done
if have tiffinfo; then
    tiffinfo "$tmp/c.tif" 2>/dev/null | grep -q "Tile Width: 64 Tile Length: 64" && ok ||
        bad "c.tif is not 64x64-tiled"
fi
if have oiiotool; then
    oiiotool --diff "$tmp/b.png" "$tmp/b1.png" >/dev/null 2>&1 && ok || bad "oiiotool: b.png != b1.png"
fi

# output settings between the -o apply to the files after them, still one decode
"$V" "$IN" --colorconvert linear sRGB -o "$tmp/s1.exr" -d u8 -o "$tmp/s2.png" --compression zip \
    -o:tile=64x64 "$tmp/s3.tif" --runstats -q 2>"$tmp/rs4.txt" || bad "-o -d -o"
[ "$(chunks "$tmp/rs4.txt")" = "$n1" ] && ok || { bad "-o -d -o decodes twice"; cat "$tmp/rs4.txt"; }
"$V" "$IN" --colorconvert linear sRGB -d u8 --compression zip -o:tile=64x64 "$tmp/s3b.tif" -q
cmp -s "$tmp/s1.exr" "$tmp/one.exr" && ok || bad "s1.exr (before -d) differs from a run of its own"
"$V" diff "$tmp/s2.png" "$tmp/b1.png" >/dev/null 2>&1 && ok || bad "s2.png"
"$V" diff "$tmp/s3.tif" "$tmp/s3b.tif" >/dev/null 2>&1 && ok || bad "s3.tif"
if have tiffinfo; then
    tiffinfo "$tmp/s3.tif" 2>/dev/null | grep -q "Bits/Sample: 8" && ok || bad "s3.tif is not 8-bit"
fi

# writers whose tiles do not share a strip height (32- and 64-row tiles): one file after the
# other, still right
"$V" "$IN" -o:tile=32x32 "$tmp/t32.exr" -o:tile=64x64 "$tmp/t64.tif" -q || bad "mixed tiles"
"$V" "$IN" -o:tile=32x32 "$tmp/t32b.exr" -q
"$V" diff "$tmp/t32.exr" "$tmp/t32b.exr" >/dev/null 2>&1 && ok || bad "t32.exr"
"$V" diff "$tmp/t64.tif" "$IN" >/dev/null 2>&1 && ok || bad "t64.tif differs from the input"

# a file that cannot be written: an error naming it, and no other file appears
rm -f "$tmp/g.exr"
"$V" "$IN" -o "$tmp/g.exr" -o "$tmp/no/such/dir/h.png" -q 2>"$tmp/err.txt"
[ $? -ne 0 ] && ok || bad "unwritable second file: exit 0"
grep -q "h.png" "$tmp/err.txt" && ok || { bad "error names the file"; cat "$tmp/err.txt"; }
[ ! -e "$tmp/g.exr" ] && ok || bad "g.exr written although the chain failed"

finish
