#!/bin/sh
# Multi-part and multi-view EXR writing (vfx_image_write_parts through chain mode's -a,
# --siappend and --subimage). OpenEXR's exrheader must list our parts with their names,
# views, types, tiling and compression; OpenImageIO's oiiotool must decode every part to the
# pixels of its source (exact: --fail 0); our own reader must see every part.
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
for t in oiiotool exrheader; do
    command -v $t >/dev/null 2>&1 || { echo "SKIP: $t missing"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# exrheader's lines of one attribute ("name", "view", "type"), in part order
attr_lines() { exrheader "$1" 2>&1 | grep "^$2 (type"; }

# 1. round trip of every testdata multi-part file keeps every part, name and view
for f in multipart/multipart.0001.exr multipart/multipart-preview.exr; do
    src="$T/exr/$f"
    out="$tmp/rt.exr"
    "$V" -a "$src" -o "$out" -q || { bad "$f: write all parts"; continue; }
    exrheader "$out" >/dev/null 2>&1 && ok || bad "$f: exrheader reads our file"
    np=$(exrheader "$src" | grep -c '^ part ')
    [ "$(exrheader "$out" | grep -c '^ part ')" = "$np" ] && [ "$np" -ge 2 ] && ok ||
        bad "$f: $np parts expected"
    for a in name view type; do
        [ "$(attr_lines "$out" $a)" = "$(attr_lines "$src" $a)" ] && ok ||
            { bad "$f: part ${a}s differ"; attr_lines "$out" $a; }
    done
    "$V" info "$out" | grep -q "(+$((np - 1)) parts)" && ok || bad "$f: our reader sees $np parts"
    i=0
    while [ $i -lt "$np" ]; do
        oiiotool "$src" --subimage $i "$out" --subimage $i --fail 0 --diff >"$tmp/d.txt" 2>&1 &&
            ok || { bad "$f: part $i pixels (oiiotool)"; tail -3 "$tmp/d.txt"; }
        i=$((i + 1))
    done
done
# vfx convert keeps every part of a multi-part file in an EXR OUT (as iconvert); --part N
# takes one; a TIFF OUT gets part 0
src="$T/exr/multipart/multipart.0001.exr"
np=$(exrheader "$src" | grep -c '^ part ')
"$V" convert "$src" "$tmp/cv.exr" -q --compression zip &&
    [ "$(exrheader "$tmp/cv.exr" | grep -c '^ part ')" = "$np" ] &&
    [ "$(attr_lines "$tmp/cv.exr" name)" = "$(attr_lines "$src" name)" ] && ok ||
    bad "convert: all $np parts, same names"
i=0
while [ $i -lt "$np" ]; do
    oiiotool "$src" --subimage $i "$tmp/cv.exr" --subimage $i --fail 0 --diff >/dev/null 2>&1 &&
        ok || bad "convert: part $i pixels (oiiotool)"
    i=$((i + 1))
done
"$V" convert "$src" "$tmp/cv3.exr" -q --part 3 && [ "$(exrheader "$tmp/cv3.exr" | grep -c '^ part ')" = 0 ] &&
    oiiotool "$src" --subimage 3 "$tmp/cv3.exr" --fail 0 --diff >/dev/null 2>&1 && ok ||
    bad "convert --part 3: that part alone"
# the multi-view file got a multiView list in part 0, its own view first
src="$T/exr/multipart/multipart.0001.exr"
"$V" -a "$src" -o "$tmp/rt.exr" -q
exrheader "$tmp/rt.exr" | grep -A2 '^multiView' | tr -d ' "' | tr '\n' ' ' |
    grep -q "multiView(typestringvector): right left" && ok || bad "multiView list of part 0"
# --subimage picks one part by number or name
"$V" -a "$src" --subimage depth_left -o "$tmp/one.exr" -q &&
    oiiotool "$src" --subimage 1 "$tmp/one.exr" --fail 0 --diff >/dev/null 2>&1 &&
    ! oiiotool "$src" --subimage 2 "$tmp/one.exr" --fail 0 --diff >/dev/null 2>&1 &&
    [ "$(exrheader "$tmp/one.exr" | grep -c '^ part ')" = 0 ] && ok || bad "--subimage NAME"
# a single-part multi-view file (left.R channel naming) keeps its multiView list and channels
sp="$T/exr/multiview/singlepart.0001.exr"
"$V" convert "$sp" "$tmp/sp.exr" -q || bad "single-part multi-view: write"
[ "$(attr_lines "$tmp/sp.exr" multiView)" = "$(attr_lines "$sp" multiView)" ] &&
    [ "$(exrheader "$tmp/sp.exr" | grep -A2 '^multiView')" = "$(exrheader "$sp" | grep -A2 '^multiView')" ] &&
    [ "$(exrheader "$tmp/sp.exr" | grep -c ', sampling 1 1')" = 20 ] && ok ||
    bad "single-part multi-view: multiView list and 20 channels"
oiiotool "$sp" "$tmp/sp.exr" --fail 0 --diff >/dev/null 2>&1 && ok ||
    bad "single-part multi-view: pixels (oiiotool)"

# 2. a stereo pair from two sources of different types, tiled and PIZ: parts named after
#    their views, each with its view attribute, the multiView list, shared display window
"$V" -i:subimage=4 "$src" -o "$tmp/left.exr" -q
"$V" --pattern checker 300x200 3 -d float -o "$tmp/right.exr" -q
"$V" "$tmp/left.exr" --attrib openexr:view left "$tmp/right.exr" --attrib openexr:view right --siappend \
    --tile 64x32 --compression piz -o "$tmp/stereo.exr" -q || bad "stereo: write"
exrheader "$tmp/stereo.exr" >"$tmp/h.txt" 2>&1 || bad "stereo: exrheader reads it"
[ "$(grep -c '^ part ' "$tmp/h.txt")" = 2 ] && ok || bad "stereo: 2 parts"
[ "$(attr_lines "$tmp/stereo.exr" name | tr -d '\n')" = \
  'name (type string): "left"name (type string): "right"' ] && ok || bad "stereo: part names"
[ "$(attr_lines "$tmp/stereo.exr" view | tr -d '\n')" = \
  'view (type string): "left"view (type string): "right"' ] && ok || bad "stereo: views"
[ "$(grep -c 'type (type string): "tiledimage"' "$tmp/h.txt")" = 2 ] &&
    [ "$(grep -c 'compression (type compression): piz' "$tmp/h.txt")" = 2 ] && ok ||
    bad "stereo: tiled PIZ parts"
grep -q "R, 16-bit floating-point" "$tmp/h.txt" && grep -q "R, 32-bit floating-point" "$tmp/h.txt" &&
    ok || bad "stereo: each part keeps its pixel type (half, float)"
[ "$(grep -c 'displayWindow (type box2i): (0 0) - (2047 1555)' "$tmp/h.txt")" = 2 ] && ok ||
    bad "stereo: the parts share part 0's display window"
grep -A2 '^multiView' "$tmp/h.txt" | tr -d ' "\n' | grep -q 'left.*right' && ok ||
    bad "stereo: multiView list"
oiiotool "$tmp/stereo.exr" --subimage 0 "$tmp/left.exr" --fail 0 --diff >/dev/null 2>&1 && ok ||
    bad "stereo: part 0 pixels (oiiotool --subimage 0)"
oiiotool "$tmp/stereo.exr" --subimage 1 "$tmp/right.exr" --fail 0 --diff >/dev/null 2>&1 && ok ||
    bad "stereo: part 1 pixels (oiiotool --subimage 1)"
"$V" -i:subimage=1 "$tmp/stereo.exr" "$tmp/right.exr" --diff >/dev/null 2>&1 && ok ||
    bad "stereo: part 1 pixels (our reader)"

# unnamed parts without views are named as oiiotool names them
"$V" "$tmp/right.exr" "$tmp/right.exr" --siappend -o "$tmp/two.exr" -q &&
    oiiotool "$tmp/right.exr" "$tmp/right.exr" --siappend -o "$tmp/two_oiio.exr" &&
    [ "$(attr_lines "$tmp/two.exr" name)" = "$(attr_lines "$tmp/two_oiio.exr" name)" ] && ok ||
    { bad "default part names differ from oiiotool's"; attr_lines "$tmp/two.exr" name; }

# 3. refusals leave no file: duplicate part names, a format without parts
"$V" -i:subimage=1 "$tmp/stereo.exr" -i:subimage=1 "$tmp/stereo.exr" --siappend -o "$tmp/dup.exr" \
    -q 2>"$tmp/err.txt"
[ $? -ne 0 ] && grep -q "unique" "$tmp/err.txt" && [ ! -e "$tmp/dup.exr" ] && ok ||
    { bad "duplicate part names refused"; cat "$tmp/err.txt"; }
"$V" "$tmp/right.exr" "$tmp/left.exr" --siappend -o "$tmp/parts.tif" -q 2>"$tmp/err.txt"
[ $? -ne 0 ] && grep -q "several parts" "$tmp/err.txt" && [ ! -e "$tmp/parts.tif" ] && ok ||
    { bad "TIFF with parts refused"; cat "$tmp/err.txt"; }
ls -A "$tmp" | grep -q '\.vfx-' && bad "temporary files left" || ok

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
