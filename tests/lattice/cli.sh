#!/bin/sh
# End-to-end tests of `memcarve lattice`: exit statuses, messages, atomic
# output, and a compiled --emit-c function checked on every conflicting pair.
# usage: cli.sh MEMCARVE SOURCE_DIR SCRATCH_DIR [CC]
set -u
exe=$1 src=$2 dir=$3 cc=${4:-cc}
ex=$src/examples/lattice
rm -rf "$dir" && mkdir -p "$dir" || exit 1
failed=0 passed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# expect STATUS PATTERN ARGS...: exit status and a pattern in stdout+stderr.
expect() {
    want=$1 pattern=$2; shift 2
    "$exe" lattice "$@" >"$dir/out" 2>"$dir/err"
    got=$?
    if [ "$got" -ne "$want" ]; then bad "lattice $* exited $got, expected $want"; cat "$dir/err" >&2; return; fi
    if [ -n "$pattern" ] && ! cat "$dir/out" "$dir/err" | grep -q -- "$pattern"; then bad "lattice $*: no '$pattern' in output"; return; fi
    ok
}

expect 0 "usage: memcarve lattice" --help
expect 2 "expected one input FILE"
expect 2 "expected all, exact, modulo, linear or lll" --method=best "$ex/dct.txt"
expect 2 "$dir/missing.txt: cannot open" "$dir/missing.txt"
printf 'points 2\n0 1\n1 x\n' >"$dir/bad.txt"
expect 2 "bad.txt:3: field 2: expected an integer, got 'x'" "$dir/bad.txt"
printf 'polytope 2\n1 0 <= 1\n-1 0 <= 1\n' >"$dir/unbounded.txt"
expect 2 "unbounded along coordinate 2" "$dir/unbounded.txt"
expect 2 "time-limit" --time-limit=-1 "$ex/dct.txt"
expect 0 "best: exact, size 112, lower bound [0-9]*, proven optimal" "$ex/dct.txt"
expect 0 "optimal lattices found: 2" --count-optimal "$ex/dct.txt"
expect 0 "best: successive-modulo, size 128" --method=modulo "$ex/dct.txt"
expect 0 "best: linearization, size 121" --method=linear "$ex/dct.txt"
expect 0 "best: exact, size 2," "$ex/row_major.txt"
expect 0 "best: exact, size 4," "$ex/skewed.txt"
expect 0 "best: exact, size 8," "$ex/skewed_hull.txt"
# The 4-D box's window clique (its exact proof takes about 3 s; the
# benchmark times it), and the cross polytope where the exact search beats
# every heuristic (1081 and more) by a factor of 16.
expect 0 "best: successive-modulo, size 625, lower bound 420, not proven" --method=modulo "$ex/box4.txt"
expect 0 "best: exact, size 68, lower bound 66, proven optimal" --method=all "$ex/cross4.txt"
expect 0 "linearization      size 1081" --method=all "$ex/cross4.txt"

# Atomic output: a failed run leaves nothing, a good one the whole report.
expect 2 "cannot write" --output="$dir/no/such/dir/out.txt" "$ex/dct.txt"
[ ! -e "$dir/no" ] && ok || bad "output directory appeared"
expect 2 "expected an integer" --output="$dir/partial.txt" "$dir/bad.txt"
[ ! -e "$dir/partial.txt" ] && ok || bad "bad input left an output file"
expect 0 "" --output="$dir/report.txt" "$ex/dct.txt"
grep -q "size 112" "$dir/report.txt" && ok || bad "report file lacks the result"
[ -z "$(ls "$dir" | grep tmp)" ] && ok || bad "temporary file left behind"

# A time limit too short to finish the proof: status 1, answer not proven.
printf 'polytope 4\n1 0 0 0 <= 3\n-1 0 0 0 <= 3\n0 1 0 0 <= 3\n0 -1 0 0 <= 3\n0 0 1 0 <= 3\n0 0 -1 0 <= 3\n0 0 0 1 <= 3\n0 0 0 -1 <= 3\n1 1 1 1 <= 7\n-1 -1 -1 -1 <= 7\n' >"$dir/box4.txt"
expect 1 "not proven" --time-limit=0.001 "$dir/box4.txt"

# --emit-c: compile the DCT function and check it on every conflicting pair.
expect 2 "not a C identifier" --emit-c --function-name=2x "$ex/dct.txt"
if "$exe" lattice --emit-c --function-name=dct_address "$ex/dct.txt" >"$dir/dct_address.c" 2>/dev/null; then
    cat >"$dir/harness.c" <<'HARNESS'
#include <stdint.h>
#include <stdio.h>
int64_t dct_address(const int64_t x[3]);
int main(void)
{
    long bad = 0, pairs = 0;
    for (int64_t b = 0; b < 4; ++b) for (int64_t r = 0; r < 8; ++r) for (int64_t c = 0; c < 8; ++c) {
        int64_t x[3] = {b, r, c}, ax = dct_address(x);
        if (ax < 0 || ax >= 112) ++bad;
        for (int64_t db = -1; db <= 1; ++db) for (int64_t dr = -7; dr <= 7; ++dr) for (int64_t dc = -7; dc <= 7; ++dc) {
            int64_t s = 7 * db + dr + dc;
            if ((db | dr | dc) == 0 || s > 14 || s < -14) continue;
            int64_t y[3] = {b + db, r + dr, c + dc};
            ++pairs;
            if (dct_address(y) == ax) ++bad;
        }
    }
    printf("%ld pairs, %ld bad\n", pairs, bad);
    return bad != 0 || pairs == 0;
}
HARNESS
    if "$cc" -std=c99 -Wall -Werror -o "$dir/harness" "$dir/harness.c" "$dir/dct_address.c" 2>"$dir/cc.err"; then
        "$dir/harness" >/dev/null && ok || bad "emitted DCT address function gives a conflict"
    else
        bad "emitted C does not compile: $(cat "$dir/cc.err")"
    fi
else
    bad "--emit-c failed"
fi

echo "lattice_cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
