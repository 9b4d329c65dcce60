#!/bin/sh
# Install the library into a temporary prefix and build a program outside the tree against
# the installed headers and libraries, once with pkg-config and once with find_package(vfx).
set -eu
: "${VFX_BINARY_DIR:?}" "${VFX_SOURCE_DIR:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$VFX_BINARY_DIR" --prefix "$tmp/prefix" >/dev/null
libdir=$(ls -d "$tmp"/prefix/lib*/ | head -n1)
[ -f "$libdir/pkgconfig/vfx.pc" ] || { echo "no vfx.pc installed"; exit 1; }
[ -s "$tmp/prefix/share/man/man1/vfx.1" ] || { echo "no man page installed"; exit 1; }

# 1. pkg-config
export PKG_CONFIG_PATH="$libdir/pkgconfig"
cc -std=c11 -Wall -Werror "$VFX_SOURCE_DIR/tests/install/example.c" -o "$tmp/ex_pc" \
    $(pkg-config --cflags --libs vfx)
LD_LIBRARY_PATH="$libdir" "$tmp/ex_pc"
# the README's library example, as printed there
awk '/^## The library in a few lines/ { u = 1 } u && /^```c/ { b = 1; next } b && /^```/ { exit } b' \
    "$VFX_SOURCE_DIR/README.md" >"$tmp/readme.c"
[ -s "$tmp/readme.c" ] || { echo "no C example found in README.md"; exit 1; }
cc -std=c11 -Wall -Werror "$tmp/readme.c" -o "$tmp/readme" $(pkg-config --cflags --libs vfx)
(cd "$tmp" && LD_LIBRARY_PATH="$libdir" ./readme)
[ -s "$tmp/board.exr" ] || { echo "the README example wrote no board.exr"; exit 1; }
if command -v exrheader >/dev/null 2>&1; then
    exrheader "$tmp/board.exr" | grep -q "tile size 64 by 64" || { echo "board.exr is not tiled 64x64"; exit 1; }
fi

# 2. find_package(vfx)
mkdir -p "$tmp/proj"
cp "$VFX_SOURCE_DIR/tests/install/example.c" "$tmp/proj/"
cp "$VFX_SOURCE_DIR/tests/install/CMakeLists.txt.in" "$tmp/proj/CMakeLists.txt"
cmake -S "$tmp/proj" -B "$tmp/proj/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/proj/build" >/dev/null
LD_LIBRARY_PATH="$libdir" "$tmp/proj/build/example"
echo "install test passed"
