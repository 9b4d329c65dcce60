#!/bin/sh
# vfx formats, and metadata edits in chains (--attrib, --sattrib, --eraseattrib, --caption,
# --orientation) against oiiotool doing the same, read back by exrheader / oiiotool.
set -u
V=${VFX_CLI:?}
. "${VFX_SOURCE_DIR:?}/tests/lib.sh"

# formats: every built-in format listed once, JSON valid, EXR reads and writes
"$V" formats --help | grep -q "usage: vfx formats" && ok || bad "formats --help"
"$V" formats | grep -q "^openexr *r w" && ok || bad "formats lists openexr as r w"
"$V" formats --json | python3 -c "
import json, sys
d = json.load(sys.stdin)
names = [f['name'] for f in d]
assert len(names) == len(set(names)) and len(names) >= 8, names
for f in d:
    assert f['extensions'] and f['description'], f
assert any(f['name'] == 'openexr' and f['read'] and f['write'] and 'exr' in f['extensions'] for f in d)
" && ok || bad "formats --json"
"$V" formats --bogus >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "formats bad argument -> exit 2"
# every extension `vfx formats` claims for a writer gives a file vfx reads back
for ext in $("$V" formats --json | python3 -c "
import json, sys
print(' '.join(f['extensions'].split(',')[0] if isinstance(f['extensions'], str) else f['extensions'][0]
               for f in json.load(sys.stdin) if f['write']))"); do
    "$V" --pattern checker:width=4 16x8 3 -d u8 -o "$tmp/w.$ext" -q 2>"$tmp/err.txt" &&
        "$V" info "$tmp/w.$ext" >/dev/null 2>&1 && ok || { bad "write+read .$ext"; cat "$tmp/err.txt"; }
done

# --attrib: the same attributes, types and values as oiiotool writes
chain="--attrib Foo 42 --attrib:type=float Bar 1.5 --sattrib Baz 17 --attrib Qux hello
       --attrib:type=matrix worldToCamera 1,0,0,0,0,2,0,0,0,0,3,0,4,5,6,1
       --attrib:type=timecode smpte:TimeCode 01:02:03:04 --attrib:type=rational Rat 24000/1001
       --caption captioned --attrib:type=int[3] Trio 1,2,3"
# shellcheck disable=SC2086
"$V" --pattern constant:color=0.5 8x8 3 $chain -o "$tmp/v.exr" -q && ok || bad "vfx --attrib chain"
if have exrheader && have oiiotool; then
    # shellcheck disable=SC2086
    oiiotool --pattern constant:color=0.5,0.5,0.5 8x8 3 $chain -o "$tmp/o.exr"
    for a in Foo Bar Baz Qux worldToCamera timeCode Rat comments Trio; do
        exrheader "$tmp/v.exr" | sed -n "/^$a (/,/^[A-Za-z]/p" | sed '$d' >"$tmp/va.txt"
        exrheader "$tmp/o.exr" | sed -n "/^$a (/,/^[A-Za-z]/p" | sed '$d' >"$tmp/oa.txt"
        [ -s "$tmp/oa.txt" ] && cmp -s "$tmp/va.txt" "$tmp/oa.txt" && ok ||
            { bad "attribute $a differs from oiiotool's"; diff "$tmp/va.txt" "$tmp/oa.txt" | head -8; }
    done
    # --eraseattrib takes a regular expression matched against the whole name, any case, as
    # oiiotool (whose 2.4 build ignores alternatives "a|b"; ours take them)
    names() { exrheader "$1" | grep -o '^[A-Za-z][A-Za-z0-9:]* (' | grep -v '^Software\|^Exif:ImageHistory\|^capDate\|^DateTime'; }
    "$V" "$tmp/v.exr" --eraseattrib "ba.*" -o "$tmp/e.exr" -q
    oiiotool "$tmp/v.exr" --eraseattrib "ba.*" -o "$tmp/eo.exr"
    [ "$(names "$tmp/e.exr")" = "$(names "$tmp/eo.exr")" ] && ok || { bad "--eraseattrib ba.* differs from oiiotool"; names "$tmp/e.exr"; names "$tmp/eo.exr"; }
    "$V" "$tmp/v.exr" --eraseattrib "ba.*|FOO" -o "$tmp/e.exr" -q
    exrheader "$tmp/e.exr" | grep -q "^Bar \|^Baz \|^Foo " && bad "--eraseattrib left a match" || ok
    exrheader "$tmp/e.exr" | grep -q "^Qux " && ok || bad "--eraseattrib removed a non-match"
    # pixels are untouched
    idiff "$tmp/e.exr" "$tmp/v.exr" >/dev/null 2>&1 && ok || bad "--eraseattrib changed pixels"
fi
# --orientation reaches a TIFF as its Orientation tag
"$V" --pattern constant:color=0.5 8x4 3 --orientation 6 -d u8 -o "$tmp/r.tif" -q &&
    "$V" info -v "$tmp/r.tif" | grep -q "Orientation.*6" && ok || bad "--orientation in TIFF"
# bad values are usage errors
"$V" --pattern constant:color=0 4x4 3 --attrib:type=int N x -o "$tmp/b.exr" >/dev/null 2>&1
[ $? -eq 2 ] && [ ! -e "$tmp/b.exr" ] && ok || bad "--attrib bad int -> exit 2"
"$V" --pattern constant:color=0 4x4 3 --attrib:type=blob N x -o "$tmp/b.exr" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--attrib unknown type -> exit 2"
"$V" --pattern constant:color=0 4x4 3 --eraseattrib "(" -o "$tmp/b.exr" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--eraseattrib bad regex -> exit 2"
"$V" --pattern constant:color=0 4x4 3 --orientation 9 -o "$tmp/b.exr" >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--orientation 9 -> exit 2"

# convert --colorconvert --resize: the same pixels as oiiotool's chain
if have oiiotool && have idiff; then
    "$V" colors --dump >"$tmp/builtin.ocio"
    "$V" --pattern fill:left=0.02,0.1,0.5:right=4,1,0.05 320x180 3 -d half -o "$tmp/s.exr" -q
    "$V" convert "$tmp/s.exr" "$tmp/c1.exr" --config "$tmp/builtin.ocio" --colorconvert ACEScg \
        "sRGB Encoded Rec.709 (sRGB)" --resize 160x0 --filter mitchell -d float -q &&
    oiiotool --colorconfig "$tmp/builtin.ocio" "$tmp/s.exr" --colorconvert ACEScg "sRGB Encoded Rec.709 (sRGB)" \
        --resize:filter=mitchell 160x0 -d float -o "$tmp/c2.exr" &&
    idiff -fail 1e-5 "$tmp/c1.exr" "$tmp/c2.exr" >/dev/null 2>&1 && ok || bad "convert --colorconvert --resize vs oiiotool"
fi
"$V" convert "$tmp/nope.exr" "$tmp/n.exr" 2>"$tmp/err.txt"
[ "$(grep -o nope.exr "$tmp/err.txt" | wc -l)" = 1 ] && ok || bad "an error names the file once: $(cat "$tmp/err.txt")"

# --runstats counts what was read: a crop of a 16-line PIZ file reads only the chunks it spans
T=${VFX_TESTDATA_DIR:-}
if [ -n "$T" ] && [ -f "$T/exr/compression/comp_piz.exr" ]; then
    "$V" "$T/exr/compression/comp_piz.exr" --crop 64x16+100+96 -o "$tmp/crop.exr" --runstats -q 2>"$tmp/rs.txt"
    grep -q "s, peak RSS .* 1 chunks / .* MiB read, cache:" "$tmp/rs.txt" && ok || { bad "--runstats"; cat "$tmp/rs.txt"; }
fi

finish
