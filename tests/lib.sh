# Shared by the shell tests (sourced: `. "$VFX_SOURCE_DIR/tests/lib.sh"`): a temporary folder
# removed on exit, pass/fail counters and the verdict.
#   ok                  count a pass
#   bad MESSAGE         count a failure and say it
#   have TOOL           true when TOOL is on the PATH
#   finish              print the counts; exit status 0 only when nothing failed
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
have() { command -v "$1" >/dev/null 2>&1; }
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
