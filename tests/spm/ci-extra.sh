#!/bin/sh
# Extra CI for the spm module, run from the repo root:
#   1. the two-thread stress test under ThreadSanitizer (clang, else gcc);
#   2. a -m32 build of the module with its tests (needs gcc-multilib,
#      installed here if missing; SKIPPED with the reason if apt fails);
#   3. the -DMC_SPM_MINIMAL core (single-threaded, eager) compiles
#      warning-free with gcc and clang at -Os; its .text section size is
#      printed (and, apart, the .rodata and .eh_frame bytes); and the
#      randomized test passes on a minimal build (its paths differ from the
#      full build's: no shortcuts, no spare block; deferred runs are
#      refused by init and skipped).
# $1, if given, is a scratch-directory prefix. Prints PASS/FAIL per step and
# exits non-zero on any failure.
set -u
out="${1:-/tmp/spm-ci}-spm-extra"
rm -rf "$out" && mkdir -p "$out" || exit 1
srcs="$(echo src/spm/*.c) src/common/error.c tests/common/check.c"
flags="-std=c17 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Werror -O1 -g -Iinclude -Isrc -Itests/common"
status=0

cc=gcc
command -v clang >/dev/null 2>&1 && cc=clang
if $cc $flags -fsanitize=thread $srcs tests/spm/test_threads.c -o "$out/tsan_threads" -lpthread &&
   TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "$out/tsan_threads"; then
    echo "spm ci-extra: ThreadSanitizer two-thread stress: PASS"
else
    echo "spm ci-extra: ThreadSanitizer two-thread stress: FAIL"
    status=1
fi

if ! dpkg -s gcc-multilib >/dev/null 2>&1; then
    apt-get install -y gcc-multilib >"$out/apt.log" 2>&1 ||
        echo "spm ci-extra: -m32: apt-get install gcc-multilib failed (see $out/apt.log)"
fi
if ! dpkg -s gcc-multilib >/dev/null 2>&1; then
    echo "spm ci-extra: -m32 build: SKIPPED (gcc-multilib not installable)"
else
    ok=1
    for t in basic random threads; do
        gcc -m32 $flags $srcs tests/spm/test_$t.c -o "$out/m32_$t" -lpthread && "$out/m32_$t" >"$out/m32_$t.log" 2>&1 || {
            ok=0
            tail -5 "$out/m32_$t.log" 2>/dev/null
        }
    done
    if [ $ok = 1 ]; then echo "spm ci-extra: -m32 build and tests: PASS"; else echo "spm ci-extra: -m32 build and tests: FAIL"; status=1; fi
fi
ok=1
for c in gcc clang; do
    command -v $c >/dev/null 2>&1 || continue
    for f in spm_bitmap spm_region spm_heap; do
        $c $flags -Os -DMC_SPM_MINIMAL -c src/spm/$f.c -o "$out/min_${c}_$f.o" || ok=0
    done
    # The .text section itself; Berkeley `size` would add .rodata and the
    # unwind tables (.eh_frame, a quarter of the figure) under "text".
    [ $ok = 1 ] && size -A "$out"/min_*.o | awk -v c=$c '
        $1 == ".text" { t += $2 }
        $1 == ".rodata" || $1 == ".eh_frame" { o += $2 }
        END { print "spm ci-extra: MC_SPM_MINIMAL core .text (" c " -Os): " t " bytes (+ " o " bytes .rodata/.eh_frame)"
              print t > "'"$out"'/text_" c }'
    rm -f "$out"/min_*.o
done
# The budget, held with gcc (the compiler the figure is quoted for):
# a change that grows the core past 2 KiB fails here, not in a later review.
if [ -f "$out/text_gcc" ]; then
    text=$(cat "$out/text_gcc")
    if [ "$text" -le 2048 ]; then
        echo "spm ci-extra: MC_SPM_MINIMAL core .text within 2048 bytes (gcc): PASS"
    else
        echo "spm ci-extra: MC_SPM_MINIMAL core .text is $text bytes, over the 2048-byte budget (gcc): FAIL"
        status=1
    fi
fi
gcc $flags -DMC_SPM_MINIMAL $srcs tests/spm/test_random.c -o "$out/min_random" &&
    "$out/min_random" >"$out/min_random.log" 2>&1 || { ok=0; tail -5 "$out/min_random.log"; }
if [ $ok = 1 ]; then echo "spm ci-extra: MC_SPM_MINIMAL core build and random test: PASS"; else echo "spm ci-extra: MC_SPM_MINIMAL core build and random test: FAIL"; status=1; fi
exit $status
