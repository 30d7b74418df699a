#!/bin/sh
# Extra CI for the heuristics module, run from the repo root: the auto
# tests (which run the two-thread portfolio and local search) under
# ThreadSanitizer. $1, if given, is a scratch-directory prefix. Prints PASS
# or FAIL and exits non-zero on failure. About a minute on 2 cores.
set -u
out="${1:-/tmp/heuristics-ci}-heuristics-tsan"
rm -rf "$out" && mkdir -p "$out" || exit 1
cc=gcc
command -v clang >/dev/null 2>&1 && cc=clang
# The library sources auto depends on: the problem model, validator and
# exact solver, the CSV-free common code, the heuristics and the generator.
srcs="$(echo src/heuristics/*.c src/generate/*.c src/planner/*.c src/common/*.c) tests/common/check.c"
flags="-std=c17 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -O1 -g -Iinclude -Isrc -Itests/common"
if $cc $flags -fsanitize=thread $srcs tests/heuristics/test_auto.c tests/heuristics/support.c \
       -o "$out/test_auto" -lpthread -lm >"$out/build.log" 2>&1 &&
   TSAN_OPTIONS="halt_on_error=1" "$out/test_auto" >"$out/run.log" 2>&1; then
    echo "heuristics ci-extra: ThreadSanitizer auto (2 threads): PASS"
    exit 0
fi
tail -20 "$out/build.log" "$out/run.log" 2>/dev/null
echo "heuristics ci-extra: ThreadSanitizer auto (2 threads): FAIL"
exit 1
