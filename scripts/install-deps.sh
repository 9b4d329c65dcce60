#!/bin/sh
# Install every Debian package vfx needs (deps/debian.txt). Used by the README and .ci/run.
# Runs apt-get only when something is missing, so a second call is quick.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
pkgs=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/deps/debian.txt")
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "install-deps: installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
