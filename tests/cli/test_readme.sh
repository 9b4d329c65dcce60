#!/bin/sh
# The README's usage examples run as written: every `vfx ...` line of its "## Usage" block,
# with `vfx` meaning the built tool, in a folder holding the inputs the examples name
# (shot.exr, in.exr, plate.exr, photo.jpg: generated here). Each must succeed and write the files it names.
set -u
V=${VFX_CLI:?}
S=${VFX_SOURCE_DIR:?}
. "${VFX_SOURCE_DIR:?}/tests/lib.sh"

cd "$tmp" || exit 1
"$V" --pattern fill:left=0.02,0.1,0.5,1:right=4,1,0.05,1 640x360 4 -d half -o shot.exr -q || exit 1
cp shot.exr in.exr
cp shot.exr plate.exr
"$V" --pattern checker:width=16 64x48 3 -d u8 -o photo.jpg -q || exit 1
# the lines of the first ```sh block after "## Usage" that start with "vfx "
awk '/^## Usage/ { u = 1 } u && /^```sh/ { b = 1; next } b && /^```/ { exit } b && /^vfx / { print }' \
    "$S/README.md" >examples.txt
n=$(wc -l <examples.txt)
[ "$n" -ge 8 ] && ok || bad "found only $n examples in README.md's Usage block"
i=0
while IFS= read -r line; do
    i=$((i + 1))
    cmd=${line%%#*} # drop the trailing comment
    cmd=${cmd#vfx }
    # outputs the example names: "-o FILE", "> FILE", and the second file of `convert A B`
    outs=$(printf '%s\n' "$cmd" | awk '{ for (k = 1; k < NF; k++) if ($k == "-o" || $k == ">") print $(k + 1);
                                         if ($1 == "convert") print $3 }')
    printf '%s\n' "$outs" | while read -r o; do [ -n "$o" ] && rm -f "$o"; done
    # run through the shell so quoting is the README's own
    if eval "\"\$V\" $cmd" >"out$i.txt" 2>"err$i.txt" </dev/null; then
        missing=""
        for o in $outs; do [ -s "$o" ] || missing="$missing $o"; done
        [ -z "$missing" ] && ok || bad "README example did not write$missing: $line"
    else
        bad "README example failed: $line"
        sed 's/^/    /' "err$i.txt" | head -5
    fi
done <examples.txt

finish
