#!/bin/sh
# EXR header attribute order: vfx writes a part's attributes sorted by name, as OpenEXR's C++
# library does ("type" and "name" first, "chunkCount" last: OpenEXRCore's places). OpenEXR
# 3.1's C++ reader misreads an idManifest attribute placed first, last or right before
# "channels" (exrheader then calls the file incomplete), so the order is not cosmetic.
# Checks: exrheader reads the copies complete with the same attributes as the source
# (its listing is sorted by name, so it compares them minus order), the idManifest bytes are
# kept, the attributes are sorted in the file, and oiiotool reads the same pixels (exact).
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
for t in oiiotool exrheader python3; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t missing"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# The attributes of every part in file order, one line each: part index, name, type and (for
# idManifest) the value's bytes in hex. A small hand parser of the header layout (magic,
# version, then name\0 type\0 size value ... \0 per part, one more \0 after multi-part).
attrs() {
    python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
multi = struct.unpack('<I', d[4:8])[0] & 0x1000
p, part = 8, 0
while True:
    if d[p] == 0:
        p += 1
        if not multi or d[p] == 0:
            break
        part += 1
        continue
    e = d.index(b'\0', p); n = d[p:e].decode(); p = e + 1
    e = d.index(b'\0', p); t = d[p:e].decode(); p = e + 1
    sz = struct.unpack('<i', d[p:p + 4])[0]
    v = d[p + 4:p + 4 + sz].hex() if t == 'idmanifest' else ''
    p += 4 + sz
    print(part, n, t, v)
EOF
}

# sorted by name within each part, apart from type/name (first) and chunkCount (last)
sorted_in_file() {
    attrs "$1" | awk '$2 != "type" && $2 != "name" && $2 != "chunkCount"' >"$tmp/order.txt"
    LC_ALL=C sort -s -k1,1n -k2,2 "$tmp/order.txt" | cmp -s - "$tmp/order.txt"
}

complete() { exrheader "$1" >"$tmp/h.txt" 2>&1 && ! grep -q "incomplete" "$tmp/h.txt"; }

# 1. single part: the idManifest file (custom attribute last in our old order)
src="$T/exr/misc/manifest_id.exr"
out="$tmp/manifest.exr"
"$V" convert "$src" "$out" -q || bad "convert manifest_id.exr"
complete "$out" && ok || { bad "exrheader: manifest copy incomplete"; cat "$tmp/h.txt"; }
exrheader "$src" | tail -n +3 >"$tmp/h_src.txt"
exrheader "$out" | tail -n +3 >"$tmp/h_out.txt"
cmp -s "$tmp/h_src.txt" "$tmp/h_out.txt" && ok ||
    { bad "manifest copy: other attributes"; diff "$tmp/h_src.txt" "$tmp/h_out.txt"; }
[ -n "$(attrs "$src" | grep idManifest)" ] &&
    [ "$(attrs "$src" | grep idManifest)" = "$(attrs "$out" | grep idManifest)" ] && ok ||
    bad "idManifest bytes not kept"
sorted_in_file "$out" && ok || { bad "manifest copy: attributes not sorted"; attrs "$out"; }
oiiotool "$src" "$out" --diff --fail 0 >"$tmp/d.txt" 2>&1 && ok ||
    { bad "manifest copy: oiiotool pixels differ"; cat "$tmp/d.txt"; }

# 2. two parts with custom attributes sorting before and after every standard one, tiled
#    with DWA levels in part 1 (tiles, dwaCompressionLevel in their turn)
out="$tmp/parts.exr"
"$V" "$src" --attrib zzz last --attrib aaa first --attrib Zcap upper "$src" --siappend \
    -o "$out" -q || bad "write two parts"
complete "$out" && ok || { bad "exrheader: two-part copy incomplete"; cat "$tmp/h.txt"; }
for a in '^aaa (type string): "first"' '^zzz (type string): "last"' '^Zcap (type string)'; do
    grep -q "$a" "$tmp/h.txt" && ok || bad "two parts: attribute $a lost"
done
[ "$(grep -c '^idManifest (type idmanifest)' "$tmp/h.txt")" = 2 ] && ok ||
    bad "two parts: idManifest not in both parts"
sorted_in_file "$out" && ok || { bad "two parts: attributes not sorted"; attrs "$out"; }
for i in 0 1; do
    oiiotool "$src" "$out" --subimage "$i" --diff --fail 0 >"$tmp/d.txt" 2>&1 && ok ||
        { bad "two parts: part $i pixels differ"; cat "$tmp/d.txt"; }
done
out="$tmp/tiled.exr"
"$V" convert "$src" "$out" --tile 32x32 --compression dwab:60 -q || bad "write tiled dwab"
complete "$out" && ok || { bad "exrheader: tiled copy incomplete"; cat "$tmp/h.txt"; }
grep -q '^tiles (type tiledesc)' "$tmp/h.txt" && grep -q '^dwaCompressionLevel' "$tmp/h.txt" &&
    ok || { bad "tiled: tiles / dwaCompressionLevel missing"; cat "$tmp/h.txt"; }
sorted_in_file "$out" && ok || { bad "tiled: attributes not sorted"; attrs "$out"; }

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
