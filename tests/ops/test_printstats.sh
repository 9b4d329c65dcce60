#!/bin/sh
# vfx --printstats against oiiotool --printstats: the same lines (Stats Min/Max/Avg/StdDev,
# Nan/Inf/Finite counts, Constant [Color], Monochrome), word for word, numbers within 1e-6
# relative (OIIO sums in another order: the last printed digit of StdDev may differ), for float,
# half, u8, u16 and 10-bit data, constant and monochrome images and a chain result. The first
# line (size and type) is ours and not compared. Skips (77) without oiiotool.
set -u
V=${VFX_CLI:?}
T=${VFX_TESTDATA_DIR:?}
command -v oiiotool >/dev/null 2>&1 || exit 77
tmp=${VFX_TEST_TMP:-$(mktemp -d)}
pass=0
fail=0
check() { # DESCRIPTION chain-args...
    d=$1; shift
    "$V" "$@" --printstats 2>&1 | tail -n +2 >"$tmp/a.txt"
    oiiotool "$@" --printstats 2>&1 | tail -n +2 >"$tmp/b.txt"
    if [ -s "$tmp/b.txt" ] && paste -d '|' "$tmp/a.txt" "$tmp/b.txt" | awk -F'|' '
        { na = split($1, a, " "); nb = split($2, b, " "); if (na != nb) bad = 1
          for (i = 1; i <= na; i++) {
              if (a[i] == b[i]) continue
              if (a[i] !~ /^-?[0-9.]+$/ || b[i] !~ /^-?[0-9.]+$/) { bad = 1; continue }
              d = a[i] - b[i]; if (d < 0) d = -d; m = b[i] < 0 ? -b[i] : b[i]
              if (d > 1e-6 * (m > 1 ? m : 1)) bad = 1 } }
        END { exit bad }' && [ "$(wc -l <"$tmp/a.txt")" = "$(wc -l <"$tmp/b.txt")" ]; then
        pass=$((pass + 1))
    else fail=$((fail + 1)); echo "FAIL: $d"; diff "$tmp/a.txt" "$tmp/b.txt" | head -8; fi
}
oiiotool --pattern checker 64x48 3 -d uint8 -o "$tmp/c8.tif"
oiiotool --pattern fill:top=0.1,0.5,0.9:bottom=0.7,0.2,0.4 300x200 3 -d uint16 -o "$tmp/u16.tif"
oiiotool --pattern constant:color=0.5,0.5,0.5 4x4 3 -d uint8 -o "$tmp/k8.tif"
oiiotool --pattern constant:color=0.3,0.2,0.1 30x20 3 -d half -o "$tmp/kh.exr"
oiiotool --pattern fill:top=0.5:bottom=0.1 30x20 1 -d float --origin +5+7 -o "$tmp/one.exr"
check "float exr (RGBA, values past 1)" "$T/exr/compression/comp_piz.exr"
check "u8 checker (monochrome)" "$tmp/c8.tif"
check "u16 gradient" "$tmp/u16.tif"
check "u8 constant" "$tmp/k8.tif"
check "half constant, not monochrome" "$tmp/kh.exr"
check "one float channel, offset window" "$tmp/one.exr"
check "10-bit dpx (of 1023)" "$T/images/dpx/bars_nuke_10_le.dpx"
check "8-bit dpx" "$T/images/dpx/bars_nuke_8_le.dpx"
check "chain result" "$T/exr/compression/comp_piz.exr" --crop 100x80+10+20 --mulc 0.5
echo "printstats: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
