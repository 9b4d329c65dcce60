#!/bin/sh
# Install dependencies, build and run the whole test suite.
#   scripts/test.sh          release build (GCC, -Werror) + ctest
#   scripts/test.sh --all    also an ASan+UBSan build (clang, -O2 -g; the install test and the
#                            benchmark smoke test run in the release build only) and a
#                            ThreadSanitizer build of the core and graph tests (what .ci/run does)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
all=0
[ "${1:-}" = "--all" ] && all=1

sh "$root/scripts/install-deps.sh"

run_suite() { # name, ctest args..., cmake args after --
    name=$1; shift
    ctest_args=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do ctest_args="$ctest_args $1"; shift; done
    [ $# -gt 0 ] && shift
    echo "==> $name build"
    cmake -S "$root" -B "$root/build/$name" -G Ninja -DVFX_WERROR=ON "$@" >/dev/null
    cmake --build "$root/build/$name" -j "$jobs"
    echo "==> $name tests"
    ctest --test-dir "$root/build/$name" --output-on-failure -j "$jobs" $ctest_args
}

run_suite release -- -DCMAKE_BUILD_TYPE=Release
if [ $all = 1 ]; then
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        LSAN_OPTIONS=suppressions=$root/suppressions/lsan.supp \
        run_suite asan -LE "install|bench" -- -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
        -DVFX_SANITIZE=address,undefined -DVFX_BUILD_BENCH=OFF
    TSAN_OPTIONS=halt_on_error=1 \
        run_suite tsan -L "core|graph" -- -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DVFX_SANITIZE=thread -DVFX_BUILD_BENCH=OFF
fi
echo "==> all test suites passed"
