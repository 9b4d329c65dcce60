#!/bin/sh
# The manual page docs/vfx.1 keeps up with the tool: every subcommand and every chain op that
# `vfx --help` lists is named in it, and it formats without warnings.
set -u
V=${VFX_CLI:?}
S=${VFX_SOURCE_DIR:?}
. "${VFX_SOURCE_DIR:?}/tests/lib.sh"
man="$S/docs/vfx.1"

[ -s "$man" ] && ok || { echo "FAIL: no $man"; exit 1; }
# subcommands: the lines under "commands:"; chain ops: the lines starting with "  -"
cmds=$("$V" --help | awk '/^commands:/ { c = 1; next } c && /^$/ { c = 0 } c { print $1 }')
ops=$("$V" --help | awk '/^  -/ { print $1 }')
[ -n "$cmds" ] && [ "$(echo "$ops" | wc -l)" -ge 20 ] && ok || bad "could not read vfx --help"
for c in $cmds; do
    grep -q "vfx $c" "$man" && ok || bad "subcommand '$c' is not in docs/vfx.1"
done
for o in $ops; do
    esc=$(printf '%s' "$o" | sed 's/-/\\\\-/g') # roff writes a hyphen as \-: an ERE of it
    grep -qE -- "(^|[^a-z\\])$esc([^a-z0-9]|\$)" "$man" && ok || bad "chain op '$o' is not in docs/vfx.1"
done
if command -v groff >/dev/null 2>&1; then
    warn=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
    [ -z "$warn" ] && ok || bad "groff warns: $warn"
fi

finish
