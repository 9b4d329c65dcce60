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
"$V" nosuchcommand >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "unknown command -> exit 2"
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

# the demo job writes its files
check "demo" "$V" demo "$tmp/demo"
[ -s "$tmp/demo/pattern_lin709.exr" ] && ok || bad "demo EXR"
if have oiiotool; then
    oiiotool --info "$tmp/demo/pattern_lin709.exr" | grep -q "1920 x 1080" && ok || bad "demo EXR readable by oiiotool"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
