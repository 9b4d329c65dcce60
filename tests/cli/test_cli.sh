#!/bin/sh
# End-to-end tests of the vfx command against the reference tools (oiiotool, idiff, exrheader).
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # description, command...
    d=$1; shift
    if "$@" >"$tmp/out.txt" 2>&1; then ok; else bad "$d"; sed 's/^/    /' "$tmp/out.txt" | head -20; fi
}
have() { command -v "$1" >/dev/null 2>&1; }

# usage errors: exit 2, never a crash
"$V" >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "no arguments -> exit 2"
"$V" --nosuchcommand >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "unknown command -> exit 2"
"$V" nosuchfile.exr -o x.exr >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "chain with a missing input -> exit 1"
"$V" convert --tile 0x5 a b >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "bad tile size -> exit 2"
"$V" convert only_one >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "convert with one file -> exit 2"
for c in info convert stats demo; do
    "$V" $c --help | grep -q "usage: vfx $c" && ok || bad "$c --help"
done
"$V" --help | grep -q "convert" && ok || bad "--help lists commands"

# missing and damaged files: exit 1 and a message naming the file
"$V" info "$tmp/nope.exr" 2>"$tmp/err.txt"; [ $? -eq 1 ] && grep -q "nope.exr" "$tmp/err.txt" && ok || bad "missing file"
"$V" convert "$T/exr/damaged/incomplete.exr" "$tmp/x.exr" -q 2>"$tmp/err.txt"
[ $? -eq 1 ] && [ ! -e "$tmp/x.exr" ] && grep -q "incomplete.exr" "$tmp/err.txt" && ok || bad "damaged input: error, no output"
ls "$tmp" | grep -q "^x\.exr" && bad "temporary file left behind" || ok

# info --json is valid JSON with the right size
"$V" info --json "$T/exr/compression/comp_piz.exr" >"$tmp/info.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); p=d[0]['parts'][0]; assert p['data_window']['width']==587 and len(p['channels'])==4" "$tmp/info.json" && ok || bad "info --json"

# stats agree with oiiotool --stats
if have oiiotool; then
    f="$T/exr/compression/comp_piz.exr"
    "$V" stats --json "$f" >"$tmp/st.json"
    oiiotool --stats -v "$f" >"$tmp/oi.txt"
    python3 - "$tmp/st.json" "$tmp/oi.txt" <<'PY' && ok || bad "stats vs oiiotool --stats"
import json, sys
ours = {c["name"]: c for c in json.load(open(sys.argv[1]))[0]["channels"]}
text = open(sys.argv[2]).read().splitlines()
# oiiotool lists channels in its own order (RGBA first): match by name
names = [n.strip() for n in next(l for l in text if "channel list:" in l).split(":", 1)[1].split(",")]
lines = {l.split(":")[0].strip(): l.split(":")[1].split("(")[0].split() for l in text if "Stats" in l and ":" in l}
for key, field in (("Stats Min", "min"), ("Stats Max", "max"), ("Stats Avg", "mean"), ("Stats StdDev", "stddev")):
    for name, r in zip(names, (float(v) for v in lines[key])):
        g = ours[name][field]
        assert abs(r - g) <= 1e-6 + 1e-5 * abs(r), (key, name, r, g)
PY
fi

# convert: every EXR compression and layout round-trips pixel-exact (lossless) per idiff
if have idiff && have exrheader; then
    src="$T/exr/compression/comp_piz.exr"
    for c in none rle zips zip piz; do
        for layout in "--scanline" "--tile 64x64"; do
            o="$tmp/c_$c.exr"
            check "convert $c $layout" "$V" convert "$src" "$o" --compression $c $layout -q
            case $c in rle) want="run-length" ;; zips) want="zip, individual" ;; zip) want="zip, multi" ;; *) want=$c ;; esac
            exrheader "$o" | grep -q "compression.*$want" && ok || bad "exrheader sees $c"
            idiff -q "$src" "$o" >/dev/null 2>&1 && ok || bad "idiff $c $layout"
            rm -f "$o"
        done
    done
    # type change and channel subset
    check "convert -d float --ch R,G,B" "$V" convert "$src" "$tmp/f.exr" -d float --ch R,G,B -q
    exrheader "$tmp/f.exr" | grep -q "32-bit floating-point" && ok || bad "float output"
    oiiotool "$src" --ch R,G,B -o "$tmp/ref.exr" && idiff -q "$tmp/ref.exr" "$tmp/f.exr" >/dev/null 2>&1 && ok || bad "channel subset pixels"
fi

# chain mode: the same chain through vfx and oiiotool gives the same pixels
if have oiiotool && have idiff; then
    same() { # description, chain args (shared by both tools; output appended)
        d=$1; shift
        rm -f "$tmp/a.exr" "$tmp/b.exr"
        if ! "$V" "$@" -q -d float -o "$tmp/a.exr" >"$tmp/out.txt" 2>&1; then
            bad "chain $d (vfx failed)"; sed 's/^/    /' "$tmp/out.txt" | head; return
        fi
        oiiotool "$@" -d float -o "$tmp/b.exr" >/dev/null 2>&1 || { bad "chain $d (oiiotool failed)"; return; }
        idiff -fail 1e-6 "$tmp/a.exr" "$tmp/b.exr" >"$tmp/out.txt" 2>&1 && ok || { bad "chain $d differs"; tail -4 "$tmp/out.txt"; }
    }
    src="$T/exr/compression/comp_piz.exr"
    same "checker" --pattern checker:width=16:color1=1,0,0:color2=0,0.5,1 64x48 3
    same "fill vertical" --pattern fill:top=0,0,0:bottom=1,2,3 40x30 3
    same "fill horizontal" --pattern fill:left=0.1,0.2,0.3,1:right=1,0,4,0 40x30 4
    same "constant" --pattern constant:color=0.25,0.5,0.75 16x16 3
    same "create" --create 20x10 4
    same "add" --pattern checker:width=4 32x32 3 --pattern fill:top=0,0,0:bottom=1,1,1 32x32 3 --add
    same "sub" --pattern checker:width=4 32x32 3 --pattern fill:top=0,0,0:bottom=1,1,1 32x32 3 --sub
    same "mul" --pattern checker:width=4 32x32 3 --pattern fill:top=0,0,0:bottom=1,1,1 32x32 3 --mul
    same "min/max/absdiff" --pattern checker:width=4 32x32 3 --pattern fill:top=0,0,0:bottom=1,1,1 32x32 3 --absdiff
    same "addc/mulc/subc/divc" "$src" --addc 0.5 --mulc 2,3,4,1 --subc 0.25 --divc 2
    same "ch reorder + fill" "$src" --ch B,G,R,A=0.5
    same "ch rename" "$src" --ch Y=G,R
    # crop: oiiotool --crop changes the data window only (as ours)
    same "crop" "$src" --crop 100x50+10+20
    lut="$T/luts/colour-science/iridas_cube/Three_Dimensional_Table.cube"
    if [ -f "$lut" ]; then
        # oiiotool needs some valid config in $OCIO even for a plain LUT file
        cat >"$tmp/min.ocio" <<'CFG'
ocio_profile_version: 2
roles:
  default: linear
  scene_linear: linear
displays:
  none:
    - !<View> {name: raw, colorspace: linear}
colorspaces:
  - !<ColorSpace>
    name: linear
CFG
        OCIO="$tmp/min.ocio" same "ociofiletransform .cube" "$src" --ch R,G,B --ociofiletransform "$lut"
    fi
    # colour: the built-in config, dumped, drives both tools
    "$V" colors --dump >"$tmp/builtin.ocio" && ok || bad "colors --dump"
    ociocheck --iconfig "$tmp/builtin.ocio" >/dev/null 2>&1 && ok || bad "ociocheck passes the built-in config"
    same5() { # like same, with a 1e-5 tolerance (float LUT-free transforms, different op order)
        d=$1; shift
        "$V" "$@" -q -d float -o "$tmp/a.exr" >"$tmp/out.txt" 2>&1 || { bad "colour $d (vfx)"; cat "$tmp/out.txt"; return; }
        oiiotool "$@" -d float -o "$tmp/b.exr" >/dev/null 2>&1 || { bad "colour $d (oiiotool)"; return; }
        idiff -fail 1e-5 "$tmp/a.exr" "$tmp/b.exr" >"$tmp/out.txt" 2>&1 && ok || { bad "colour $d differs"; tail -4 "$tmp/out.txt"; }
    }
    same5 "ACEScg -> ACEScct" --colorconfig "$tmp/builtin.ocio" "$src" --ch R,G,B --colorconvert ACEScg ACEScct
    same5 "lin709 -> sRGB" --colorconfig "$tmp/builtin.ocio" "$src" --ch R,G,B --colorconvert "Linear Rec.709 (sRGB)" "sRGB Encoded Rec.709 (sRGB)"
    same5 "ACES2065-1 -> S-Log3" --colorconfig "$tmp/builtin.ocio" "$src" --ch R,G,B --colorconvert ACES2065-1 "Sony S-Log3 S-Gamut3"
    # (non-negative input: below 0 OCIO's display curve extends its linear toe, ours mirrors)
    same5 "display sRGB Standard" --colorconfig "$tmp/builtin.ocio" --pattern fill:left=0,0.001,0.01:right=4,2,1 256x16 3 --ociodisplay:from=ACEScg sRGB Standard
    same5 "display Rec.2100-PQ" --colorconfig "$tmp/builtin.ocio" --pattern fill:left=0,0.001,0.01:right=40,20,10 256x16 3 --ociodisplay:from=ACEScg Rec.2100-PQ Standard
    "$V" colors --json | python3 -c "import json,sys; d=json.load(sys.stdin); assert 'ACEScg' in d['colorspaces'] and 'sRGB' in d['displays']" && ok || bad "colors --json"
fi

# --opendrt is the built-in config's OpenDRT view, and refuses bad parameters cleanly
if have idiff; then
    "$V" --pattern fill:left=0,0.001,0.01:right=8,4,2 256x16 3 --opendrt -d float -o "$tmp/d1.exr" -q &&
    "$V" --pattern fill:left=0,0.001,0.01:right=8,4,2 256x16 3 --ociodisplay:from="Linear Rec.709 (sRGB)" sRGB OpenDRT -d float -o "$tmp/d2.exr" -q &&
    idiff -fail 1e-6 "$tmp/d1.exr" "$tmp/d2.exr" >/dev/null 2>&1 && ok || bad "--opendrt equals the OpenDRT view"
fi
"$V" --pattern constant:color=1 4x4 3 --opendrt:input=bogus -o "$tmp/x.exr" >/dev/null 2>&1; [ $? -eq 1 ] && ok || bad "--opendrt bad input primaries -> exit 1"

# the demo job writes its files
check "demo" "$V" demo "$tmp/demo"
[ -s "$tmp/demo/pattern_lin709.exr" ] && ok || bad "demo EXR"
if have oiiotool; then
    oiiotool --info "$tmp/demo/pattern_lin709.exr" | grep -q "1920 x 1080" && ok || bad "demo EXR readable by oiiotool"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
