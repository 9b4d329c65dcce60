#!/bin/sh
# vfx config --check against Debian's ociocheck (OpenColorIO 2.1): the same verdict on every
# config under testdata/ocio (with --as-ocio21, as ociocheck cannot read .ocioz or profiles
# 2.2+), and on broken configs written here, each reported with what and where.
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

"$V" config --help | grep -q "usage: vfx config --check" && ok || bad "config --help"
"$V" config >/dev/null 2>&1; [ $? -eq 2 ] && ok || bad "config without --check -> exit 2"
env -u OCIO "$V" config --check >"$tmp/o.txt" 2>&1 && grep -q "verdict: passed" "$tmp/o.txt" && ok ||
    bad "the built-in config passes"

# the verdict of ociocheck on every config of the test data
verdict() { # config -> "pass" / "fail" for vfx and for ociocheck
    "$V" config --check --as-ocio21 "$1" >"$tmp/v.txt" 2>&1 && echo pass || echo fail
}
n=0
for f in $(find "$T/ocio" -name '*.ocio' -o -name '*.ocioz' | sort); do
    n=$((n + 1))
    v=$(verdict "$f")
    if have ociocheck; then
        if (cd "$(dirname "$f")" && timeout 120 ociocheck --iconfig "$f") >/dev/null 2>&1; then o=pass; else o=fail; fi
        [ "$v" = "$o" ] && ok || { bad "verdict on $f: vfx $v, ociocheck $o"; sed 's/^/    /' "$tmp/v.txt" | head; }
    fi
done
[ "$n" -ge 5 ] && ok || bad "found only $n configs"

# broken configs: exit 1, the problem and (where there is one) file:line:column
mk() { # name, body (after the version line) -> path
    printf 'ocio_profile_version: 2.1\n%s\n' "$2" >"$tmp/$1.ocio"
    echo "$tmp/$1.ocio"
}
expect() { # description, config, grep pattern
    "$V" config --check "$2" >"$tmp/o.txt" 2>&1
    rc=$?
    if [ $rc -eq 1 ] && grep -q -- "$3" "$tmp/o.txt" && grep -q "verdict: FAILED" "$tmp/o.txt"; then ok; else
        bad "$1 (exit $rc)"
        sed 's/^/    /' "$tmp/o.txt" | head
    fi
    if have ociocheck; then
        (cd "$tmp" && ociocheck --iconfig "$2") >/dev/null 2>&1 && bad "$1: ociocheck passes it" || ok
    fi
}
base='roles: {default: lin, scene_linear: lin}
displays:
  d:
    - !<View> {name: v, colorspace: lin}
colorspaces:
  - !<ColorSpace> {name: lin}'
expect "YAML syntax error" "$(mk yaml "$base
  - !<ColorSpace> {name: broken, family: [unclosed}")" "yaml.ocio:8:[0-9]*:"
expect "role naming an undefined space" "$(mk role "$(echo "$base" | sed 's/scene_linear: lin/scene_linear: lin, data: nothing/')")" \
    "role 'data' refers to colour space 'nothing'"
expect "view naming an undefined space" "$(mk view "$(echo "$base" | sed 's/colorspace: lin}/colorspace: missing}/')")" \
    "view.ocio:5:[0-9]*: view refers to colour space 'missing'"
expect "missing LUT file" "$(mk lut "$base
  - !<ColorSpace>
    name: graded
    to_scene_reference: !<FileTransform> {src: not_here.cube}")" "lut.ocio:10:[0-9]*:.*not_here.cube"
expect "look with an undefined process space" "$(mk look "$base
looks:
  - !<Look> {name: grade, process_space: nowhere, transform: !<CDLTransform> {slope: [1, 1, 1]}}")" \
    "look.ocio:9:[0-9]*: look refers to colour space 'nowhere'"
expect "undefined view transform" "$(mk vt "$(echo "$base" | sed 's/colorspace: lin}/view_transform: nope, display_colorspace: lin}/')")" \
    "view transform 'nope'"
expect "v2 config without scene_linear" "$(mk nolin "$(echo "$base" | sed 's/, scene_linear: lin//')")" \
    "role 'scene_linear' must be defined"
expect "unreadable LUT" "$(printf 'garbage\n' >"$tmp/bad.cube"; mk badlut "$base
  - !<ColorSpace>
    name: graded
    to_scene_reference: !<FileTransform> {src: bad.cube}")" "badlut.ocio:10:[0-9]*:.*bad.cube"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
