#!/bin/sh
# EXR ZIP / ZIPS through libdeflate (src/io/exr_zip.c). Files we write at several levels,
# scanline and tiled, must be valid for OpenEXR's exrheader and decode in OpenImageIO to the
# exact pixels of their source (oiiotool --diff --fail 0); files OpenImageIO writes with
# zip / zips must decode in vfx to exactly the pixels OpenImageIO sees. Incompressible chunks
# (noise) must be stored raw and still decode exactly; a flat image must shrink.
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
for t in oiiotool exrheader; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t missing"; exit 77; }
done
tmp=${VFX_TEST_TMP:-$(mktemp -d)}
mkdir -p "$tmp"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
same() { oiiotool "$1" "$2" --fail 0 --diff >"$tmp/d.txt" 2>&1 || { tail -4 "$tmp/d.txt"; return 1; }; }

src="$T/exr/compression/Cannon.exr"           # RGB half photograph
flt="$T/exr/compression/WideFloatRange.exr"   # float channels, huge range
oiiotool "$src" -o "$tmp/src.exr" 2>/dev/null || { bad "oiiotool copy of $src"; exit 1; }

# 1. vfx writes ZIP / ZIPS at levels 0 (stored), 1, 4 (default), 9 and 12, scanline and tiled
for c in zip zips; do
    for lv in "" :0 :1 :9 :12; do
        for tile in "" --tile\ 64x64; do
            o="$tmp/w_$c${lv#:}${tile:+_t}.exr"
            # shellcheck disable=SC2086
            "$V" -i "$src" --compression "$c$lv" $tile -o "$o" -q || { bad "write $c$lv $tile"; continue; }
            want="zip, multi-scanline blocks"
            [ $c = zips ] && want="zip, individual scanlines"
            exrheader "$o" 2>/dev/null | grep -q "compression (type compression): $want" && ok ||
                bad "exrheader: $c$lv $tile not a valid $c file"
            same "$src" "$o" && ok || bad "oiiotool decodes our $c$lv $tile exactly"
            same "$src" "$o" && "$V" -i "$o" -d half --compression none -o "$tmp/back.exr" -q &&
                same "$src" "$tmp/back.exr" && ok || bad "vfx reads back its own $c$lv $tile"
        done
    done
done
"$V" -i "$flt" --compression zip:6 -o "$tmp/wf.exr" -q && same "$flt" "$tmp/wf.exr" && ok ||
    bad "float channels, zip:6"
# higher levels are not larger (level 1 vs 9 on a photograph)
s1=$(stat -c %s "$tmp/w_zip1.exr")
s9=$(stat -c %s "$tmp/w_zip9.exr")
s0=$(stat -c %s "$tmp/w_zip0.exr")
[ "$s9" -le "$s1" ] && [ "$s1" -lt "$s0" ] && ok || bad "sizes: zip:0 $s0, zip:1 $s1, zip:9 $s9"

# 2. files OpenImageIO (OpenEXR's C++ library) writes with zip / zips decode exactly
for c in zip zips; do
    for tile in "" "--tile 32 32"; do
        # shellcheck disable=SC2086
        oiiotool "$src" --compression $c $tile -o "$tmp/o_$c.exr" 2>/dev/null ||
            { bad "oiiotool writes $c"; continue; }
        "$V" -i "$tmp/o_$c.exr" --compression none -o "$tmp/o_back.exr" -q &&
            same "$tmp/o_$c.exr" "$tmp/o_back.exr" && ok || bad "vfx decodes oiiotool's $c $tile"
    done
done
for f in comp_zip.exr comp_zips.exr; do
    "$V" -i "$T/exr/compression/$f" --compression none -o "$tmp/r.exr" -q &&
        same "$T/exr/compression/$f" "$tmp/r.exr" && ok || bad "vfx decodes testdata $f"
done

# 3. incompressible chunks (uniform float noise) are stored raw and decode exactly; a flat
#    image compresses to far less than its raw size
"$V" --pattern noise:min=0:max=1:seed=7 257x61 4 -d float --compression zip -o "$tmp/n.exr" -q &&
    "$V" --pattern noise:min=0:max=1:seed=7 257x61 4 -d float --compression none -o "$tmp/n0.exr" -q &&
    same "$tmp/n0.exr" "$tmp/n.exr" && ok || bad "noise through zip"
"$V" -i "$tmp/n.exr" --compression none -o "$tmp/n1.exr" -q && same "$tmp/n0.exr" "$tmp/n1.exr" &&
    ok || bad "vfx reads raw-stored zip chunks"
"$V" --pattern constant:color=0.5,0.25,1 1024x512 3 -d half --compression zips -o "$tmp/c.exr" -q &&
    [ "$(stat -c %s "$tmp/c.exr")" -lt 200000 ] && oiiotool "$tmp/c.exr" --printstats 2>/dev/null |
    grep -q "Stats Avg: 0.500000 0.250000 1.000000" && ok || bad "flat image through zips"

# 4. a damaged deflate stream: a clear error naming the file and the chunk, no output
"$V" --pattern fill:top=0,0.5,1:bottom=1,0.2,0 24x20 3 -d half --compression zip -o "$tmp/s.exr" -q
n=$(stat -c %s "$tmp/s.exr")
cp "$tmp/s.exr" "$tmp/bad.exr"
printf '\377\000\377' | dd of="$tmp/bad.exr" bs=1 seek=$((n - 42)) conv=notrunc 2>/dev/null
rm -f "$tmp/bad_out.exr"
"$V" -i "$tmp/bad.exr" -o "$tmp/bad_out.exr" 2>"$tmp/err.txt" && bad "damaged stream accepted"
grep -q "bad.exr: chunk 1: .*(VFX_ERR_CORRUPT)" "$tmp/err.txt" && [ ! -e "$tmp/bad_out.exr" ] &&
    ok || { bad "damaged stream: error and no output"; cat "$tmp/err.txt"; }

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
