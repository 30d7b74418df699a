#!/bin/sh
# End-to-end tests of `memcarve sync` and `memcarve draw`: nvFuser's
# examples give the documented layouts and barriers; bad input exits 2 with one
# located message and writes nothing; a layout that does not fit exits 1.
# usage: cli.sh COMMAND SCRATCH_DIR EXAMPLES_DIR
examples=$3
. "$(dirname "$0")/../cli/common.sh"
cp "$examples/smem.csv" "$examples/smem.syncs" . || exit 2

run() {
    rm -f out.csv out.svg
    "$bin" "$@" >stdout.txt 2>stderr.txt
    status=$?
}

# expect STATUS TEXT: the last run's status, and TEXT on stderr.
expect() {
    cases=$((cases + 1))
    [ "$status" -eq "$1" ] || fail "exit status $status, expected $1: $(cat stderr.txt)"
    [ -z "$2" ] || grep -qF -- "$2" stderr.txt || fail "stderr lacks \"$2\": $(cat stderr.txt)"
}

# refused STATUS TEXT: as expect, plus one line on stderr and no output.
refused() {
    expect "$1" "$2"
    [ "$(wc -l <stderr.txt)" -eq 1 ] || fail "expected one line on stderr: $(cat stderr.txt)"
    [ ! -e out.csv ] && [ ! -e out.svg ] && [ ! -s stdout.txt ] || fail "an output was written"
    [ -z "$(ls -A | grep '^\.')" ] || fail "a temporary was left: $(ls -A)"
}

# syncs CONTENT: writes bad.syncs (printf %b escapes).
syncs() { printf '%b' "$1" >bad.syncs; }

name=stack_with_syncs
run sync --input=smem.csv --capacity=200 --syncs=smem.syncs --output=out.csv
expect 0 "height 80"
grep -qx 'B,4,6,32,48' out.csv && grep -qx 'D,10,12,40,0' out.csv || fail "layout: $(cat out.csv)"

name=stack_without_syncs_no_reuse
run sync --input=smem.csv --capacity=200
expect 0 "height 156"

name=promote_reuse
run sync --input=smem.csv --capacity=80 --promote-reuse=A,C --syncs-output=all.syncs --output=out.csv
expect 0 "promote-reuse inserted barriers: 3, 9"
[ "$(cat all.syncs | tr '\n' ' ')" = "3 9 " ] || fail "syncs output: $(cat all.syncs)"

name=insert_exact
run sync --input=smem.csv --capacity=40 --method=exact --insert-barriers --output=out.csv
expect 0 "inserted barriers: 3, 6, 9"
grep -qF "proven fewest" stderr.txt || fail "not proven: $(cat stderr.txt)"

name=exact_with_syncs
run sync --input=smem.csv --capacity=200 --syncs=smem.syncs --method=exact --output=out.csv
expect 0 "exact: height 68"

name=exact_does_not_fit
run sync --input=smem.csv --capacity=67 --syncs=smem.syncs --method=exact --output=out.csv
refused 1 "(try --insert-barriers)"

name=does_not_fit
run sync --input=smem.csv --capacity=79 --syncs=smem.syncs --output=out.csv
refused 1 "needs 80, more than the capacity 79"

name=insert_cannot_fit
run sync --input=smem.csv --capacity=39 --insert-barriers --output=out.csv
refused 1 "exceeds the capacity 39"

# bad_syncs NAME CONTENT EXPECTED: CONTENT as the syncs file is refused.
bad_syncs() {
    name=$1
    syncs "$2"
    run sync --input=smem.csv --capacity=200 --syncs=bad.syncs --output=out.csv
    refused 2 "$3"
}
bad_syncs unsorted '3\n9\n# c\n7\n' "bad.syncs:4: expected positions in increasing order, got 7 after 9"
bad_syncs duplicate '3\n3\n' "bad.syncs:2: duplicate barrier position 3"
bad_syncs negative '-1\n' "bad.syncs:1: expected a non-negative integer"
bad_syncs non_integer '4\nfive\n' "bad.syncs:2: expected a non-negative integer below 2^63, got 'five'"

name=missing_syncs
run sync --input=smem.csv --capacity=200 --syncs=nowhere.syncs --output=out.csv
refused 2 "nowhere.syncs: cannot open the syncs file"

name=unknown_method
run sync --input=smem.csv --capacity=200 --method=fastest --output=out.csv
refused 2 "--method: unknown method 'fastest' (expected stack or exact)"

name=unknown_promote_id
run sync --input=smem.csv --capacity=200 --promote-reuse=A,Q --output=out.csv
refused 2 "smem.csv: promote-reuse: unknown buffer id 'Q'"

name=empty_promote_id
run sync --input=smem.csv --capacity=200 --promote-reuse=A,,C --output=out.csv
refused 2 "--promote-reuse: expected comma-separated buffer ids"

name=adjacent_promote
printf 'id,lower,upper,size\nX,0,3,4\nY,3,5,4\n' >adjacent.csv
run sync --input=adjacent.csv --capacity=200 --promote-reuse=X --output=out.csv
refused 2 "no barrier fits between"

name=bad_capacity
run sync --input=smem.csv --capacity=0
refused 2 "--capacity: expected a positive integer"

name=bad_problem
printf 'id,lower,upper,size\nX,0,3,4\nY,3,2,4\n' >broken.csv
run sync --input=broken.csv --capacity=200 --output=out.csv
refused 2 "broken.csv:3:"

name=help
run sync --help
[ "$status" -eq 0 ] && grep -qF -- "--promote-reuse" stdout.txt || fail "sync --help: $status"
run draw --help
[ "$status" -eq 0 ] && grep -qF -- "--syncs" stdout.txt || fail "draw --help: $status"
cases=$((cases + 1))

name=draw
run sync --input=smem.csv --capacity=80 --syncs=smem.syncs --output=layout.csv
run draw --input=layout.csv --capacity=80 --syncs=smem.syncs --output=out.svg
expect 0 ""
head -c 5 out.svg | grep -qF '<?xml' || fail "no SVG written"
[ "$(grep -c '<rect[^>]*data-id=' out.svg)" -eq 4 ] || fail "expected 4 buffer rectangles"
[ "$(grep -c 'class="barrier"' out.svg)" -eq 2 ] || fail "expected 2 barrier lines"

name=draw_warns_when_unsafe
run draw --input=layout.csv --capacity=80 --output=out.svg
expect 0 "warning: the layout is not valid"

name=draw_needs_offsets
run draw --input=smem.csv --output=out.svg
refused 2 "smem.csv:2: field 'offset': expected an offset for every buffer"

name=draw_bad_syncs; syncs '5\n2\n'
run draw --input=layout.csv --syncs=bad.syncs --output=out.svg
refused 2 "bad.syncs:2:"

name=draw_missing_input
run draw --output=out.svg
refused 2 "--input=LAYOUT.csv is required"

finish sync_cli
