#!/bin/sh
# End-to-end bad-input tests of `memcarve`: every malformed input must give
# exit status 2, exactly one message on stderr naming the file, line and
# field, and no output file (nor a stray temporary).
# usage: bad_input.sh MEMCARVE SCRATCH_DIR
. "$(dirname "$0")/common.sh"
H='id,lower,upper,size\n'
HG='id,lower,upper,size,gaps\n'
HO='id,lower,upper,size,alignment,offset\n'

# The files a failed run may leave: only the ones this script made.
check_clean() {
    stray=$(ls -A | grep -v -x -e in.csv -e stdout.txt -e stderr.txt -e adir -e keep.csv)
    [ -z "$stray" ] || fail "stray files left: $stray"
}

# check_run STATUS EXPECTED: the last run exited with STATUS, printed one
# line containing EXPECTED on stderr and wrote no output.
check_run() {
    cases=$((cases + 1))
    [ "$status" -eq "$1" ] || fail "exit status $status, expected $1"
    grep -qF -- "$2" stderr.txt || fail "stderr lacks \"$2\": $(cat stderr.txt)"
    lines=$(wc -l <stderr.txt)
    [ "$lines" -eq 1 ] || fail "expected one line on stderr, got $lines: $(cat stderr.txt)"
    [ ! -e out.csv ] || fail "out.csv was written"
    [ ! -s stdout.txt ] || fail "stdout not empty: $(cat stdout.txt)"
    check_clean
}

# run ARGS...: runs memcarve, recording its status and output.
run() {
    rm -f out.csv
    "$bin" "$@" >stdout.txt 2>stderr.txt
    status=$?
}

# bad NAME CAPACITY CONTENT EXPECTED: CONTENT (printf %b escapes) as the
# input must fail with exit 2 and a message containing EXPECTED.
bad() {
    name=$1
    printf '%b' "$3" >in.csv
    run --capacity="$2" --input=in.csv --output=out.csv
    check_run 2 "$4"
}

# The file itself
bad empty 64 '' "memcarve: in.csv:1: empty file"
bad whitespace-only 64 ' \n\r\n\t\n' "memcarve: in.csv:1: empty file"
bad blank-header 64 "\n$H" "memcarve: in.csv:1: expected a header line"
bad blank-line-between-rows 64 "${H}a,0,1,1\n\nb,0,1,1\n" "memcarve: in.csv:3: empty line before the row on line 4"
bad stray-cr 64 "${H}a,0,1,1\r\r\n" "memcarve: in.csv:2: carriage return inside a line"
bad cr-only-line-ends 64 "id,lower,upper,size\ra,0,1,1\r" "memcarve: in.csv:1: carriage return inside a line"
bad nul-byte 64 "${H}a,0,1\0000,1\n" "memcarve: in.csv:2: unexpected NUL byte"
# Header
bad missing-upper 64 'id,lower,size\na,0,1\n' "memcarve: in.csv:1: missing required column 'upper'"
bad missing-size 64 'id,lower,upper\na,0,1\n' "memcarve: in.csv:1: missing required column 'size'"
bad missing-id 64 'lower,upper,size\n0,1,1\n' "memcarve: in.csv:1: missing required column 'id'"
bad duplicate-column 64 'id,lower,upper,size,size\n' "memcarve: in.csv:1: field 'size': duplicate column"
bad duplicate-alias-lower 64 'id,lower,begin,upper,size\n' "memcarve: in.csv:1: field 'begin': duplicate column"
bad duplicate-alias-id 64 'buffer,id,lower,upper,size\n' "memcarve: in.csv:1: field 'id': duplicate column"
bad duplicate-alias-upper 64 'id,lower,end,upper,size\n' "memcarve: in.csv:1: field 'upper': duplicate column"
bad empty-column-name 64 'id,lower,,upper,size\n' "memcarve: in.csv:1: column 3: expected a column name"
# Rows
bad too-few-fields 64 "${H}a,0,1\n" "memcarve: in.csv:2: expected 4 comma-separated fields as in the header, got 3"
bad too-many-fields 64 "${H}a,0,1,1\nb,0,1,1,1\n" "memcarve: in.csv:3: expected 4 comma-separated fields as in the header, got 5"
bad duplicate-id 64 "${H}a,0,1,1\nb,0,1,1\na,2,3,1\n" "memcarve: in.csv:4: field 'id': expected unique ids, got 'a' again (first on line 2)"
bad empty-id 64 "${H},0,1,1\n" "memcarve: in.csv:2: field 'id': expected a non-empty buffer id"
bad non-integer 64 "${H}a,zero,1,1\n" "memcarve: in.csv:2: field 'lower': expected an integer"
bad decimal-point 64 "${H}a,0,1,1.5\n" "memcarve: in.csv:2: field 'size': expected an integer"
bad padded-number 64 "${H}a,0, 1,1\n" "memcarve: in.csv:2: field 'upper': expected no spaces"
bad empty-number 64 "${H}a,0,,1\n" "memcarve: in.csv:2: field 'upper': expected an integer, got an empty field"
bad int64-overflow 64 "${H}a,0,9223372036854775808,1\n" "memcarve: in.csv:2: field 'upper': expected an integer in the int64 range"
bad int64-underflow 64 "${H}a,-9223372036854775809,1,1\n" "memcarve: in.csv:2: field 'lower': expected an integer in the int64 range"
bad inclusive-end-overflow 64 'id,begin,end,size\na,0,9223372036854775807,1\n' "memcarve: in.csv:2: field 'end': expected an inclusive end below"
bad negative-size 64 "${H}a,0,1,-1\n" "memcarve: in.csv:2: field 'size': expected a size >= 0, got -1"
bad upper-equals-lower 64 "${H}a,3,3,1\n" "memcarve: in.csv:2: field 'upper': expected a value > lower (3), got 3"
bad upper-below-lower 64 "${H}a,3,1,1\n" "memcarve: in.csv:2: field 'upper': expected a value > lower (3), got 1"
bad end-below-begin 64 'id,begin,end,size\na,3,2,1\n' "memcarve: in.csv:2: field 'end': expected a value >= begin (3), got 2"
bad alignment-zero 64 'id,lower,upper,size,alignment\na,0,1,1,0\n' "memcarve: in.csv:2: field 'alignment': expected an alignment >= 1, got 0"
bad alignment-negative 64 'id,lower,upper,size,alignment\na,0,1,1,-4\n' "memcarve: in.csv:2: field 'alignment': expected an alignment >= 1, got -4"
# Gaps
bad gap-outside-lifetime 64 "${HG}a,0,10,4,8-12\n" "memcarve: in.csv:2: field 'gaps': gap 1: expected inside the lifetime [0, 10), got '8-12'"
bad gap-before-lifetime 64 "${HG}a,5,10,4,2-6\n" "memcarve: in.csv:2: field 'gaps': gap 1: expected inside the lifetime"
bad gaps-overlapping 64 "${HG}a,0,10,4,1-5 4-6\n" "memcarve: in.csv:2: field 'gaps': gap 2: expected gaps sorted and disjoint"
bad gaps-unsorted 64 "${HG}a,0,10,4,6-7 1-2\n" "memcarve: in.csv:2: field 'gaps': gap 2: expected gaps sorted and disjoint"
bad gap-empty 64 "${HG}a,0,10,4,3-3\n" "memcarve: in.csv:2: field 'gaps': gap 1: expected lo < hi"
bad gap-malformed 64 "${HG}a,0,10,4,1-2 3to4\n" "memcarve: in.csv:2: field 'gaps': gap 2: expected 'lo-hi' or 'lo-hi@wlo:whi'"
bad gap-window-malformed 64 "${HG}a,0,10,4,1-2@3\n" "memcarve: in.csv:2: field 'gaps': gap 1: expected 'lo-hi' or 'lo-hi@wlo:whi'"
bad gap-overflow 64 "${HG}a,0,10,4,1-99999999999999999999\n" "memcarve: in.csv:2: field 'gaps': gap 1: expected integers in the int64 range"
bad window-beyond-size 64 "${HG}a,0,10,4,2-4@1:5\n" "memcarve: in.csv:2: field 'gaps': gap 1: expected a window 0 <= wlo <= whi <= size (4)"
bad window-negative 64 "${HG}a,0,10,4,2-4@-1:2\n" "memcarve: in.csv:2: field 'gaps': gap 1: expected a window"
bad window-reversed 64 "${HG}a,0,10,4,2-4@3:1\n" "memcarve: in.csv:2: field 'gaps': gap 1: expected a window"
# Fixed offsets
bad offset-unaligned 64 "${HO}a,0,1,4,8,4\n" "memcarve: in.csv:2: field 'offset': expected a multiple of the alignment 8, got 4"
bad offset-negative 64 "${HO}a,0,1,4,1,-8\n" "memcarve: in.csv:2: field 'offset': expected a fixed offset >= 0"
bad offset-beyond-capacity 64 "${HO}a,0,1,4,1,0\nb,0,1,4,4,64\n" "memcarve: in.csv:3: field 'offset': expected fixed offset + size <= capacity 64, got 64 + 4"
bad offset-size-overflow 64 "${HO}a,0,1,16,1,9223372036854775800\n" "memcarve: in.csv:2: field 'offset': expected offset + size to fit in int64"
bad offset-not-integer 64 "${HO}a,0,1,16,1,0x10\n" "memcarve: in.csv:2: field 'offset': expected an integer"
# The command line
bad capacity-zero 0 "${H}a,0,1,1\n" "capacity"
bad capacity-negative -5 "${H}a,0,1,1\n" "capacity"
bad capacity-not-a-number 12abc "${H}a,0,1,1\n" "capacity"
bad capacity-overflow 99999999999999999999 "${H}a,0,1,1\n" "capacity"

name=missing-input
run --capacity=12 --output=out.csv
check_run 2 "input"
name=input-does-not-exist
run --capacity=12 --input=nope.csv --output=out.csv
check_run 2 "memcarve: nope.csv: cannot open the problem file"
name=input-is-a-directory
mkdir -p adir
run --capacity=12 --input=adir --output=out.csv
check_run 2 "memcarve: adir: cannot read the problem file"
name=solve-subcommand
printf '%b' "${H}a,0,1,x\n" >in.csv
run solve --capacity=12 --input=in.csv --output=out.csv
check_run 2 "memcarve: in.csv:2: field 'size': expected an integer"
name=existing-output-kept
printf 'old contents\n' >keep.csv
rm -f out.csv
"$bin" --capacity=12 --input=in.csv --output=keep.csv >stdout.txt 2>stderr.txt
status=$?
[ "$(cat keep.csv)" = "old contents" ] || fail "a failed run changed the existing output"
check_run 2 "memcarve: in.csv:2: field 'size'"

# Methods, threads and barriers (sync-aware planning)
printf '%b' "${H}a,0,2,4\nb,3,5,4\n" >in.csv
name=unknown-method
run solve --capacity=12 --input=in.csv --output=out.csv --method=fastest
check_run 2 "expected one of auto, exact"
name=stack-without-syncs
run solve --capacity=12 --input=in.csv --output=out.csv --method=stack
check_run 2 "--method=stack needs --syncs"
name=threads-out-of-range
run solve --capacity=12 --input=in.csv --output=out.csv --threads=3
check_run 2 "--threads: expected 1 or 2"
for case in "unsorted:4\n2\n:syncs.txt:2" "duplicate:2\n2\n:syncs.txt:2" "negative:-1\n:syncs.txt:1" \
            "not-a-number:two\n:syncs.txt:1"; do
    name=syncs-${case%%:*}
    rest=${case#*:}
    printf '%b' "${rest%%:*}" >syncs.txt
    run solve --capacity=12 --input=in.csv --output=out.csv --syncs=syncs.txt
    rm -f syncs.txt
    check_run 2 "${rest#*:}"
done

# Search options and the picture
printf '%b' "${H}a,0,2,4\nb,3,5,4\n" >in.csv
name=unknown-preorder-key
run solve --capacity=12 --input=in.csv --output=out.csv --preordering-heuristics=WAT,WQ
check_run 2 "unknown key 'Q'"
name=negative-node-limit
run solve --capacity=12 --input=in.csv --output=out.csv --node-limit=-1
check_run 2 "--node-limit and --timeout must not be negative"
name=timeout-not-a-number
run solve --capacity=12 --input=in.csv --output=out.csv --timeout=soon
check_run 2 "option --timeout: expected a number of seconds, got 'soon'"
name=svg-unwritable
run solve --capacity=12 --input=in.csv --output=out.csv --quiet --svg=nodir/x.svg
check_run 1 "nodir/x.svg"

# memcarve check: a layout file (the input columns plus offset)
name=check-valid
printf '%b' "${H%\\n},offset\na,0,2,4,0\nb,0,2,4,4\n" >in.csv
"$bin" check --capacity=8 --input=in.csv >stdout.txt 2>stderr.txt
status=$?
cases=$((cases + 1))
[ "$status" -eq 0 ] && grep -qF "VALID: 2 buffers, height 8" stdout.txt || fail "check-valid: $status $(cat stdout.txt stderr.txt)"
name=check-overlap
printf '%b' "${H%\\n},offset\na,0,2,4,0\nb,0,2,4,2\n" >in.csv
"$bin" check --capacity=8 --input=in.csv >stdout.txt 2>stderr.txt
status=$?
cases=$((cases + 1))
[ "$status" -eq 1 ] && grep -qF "INVALID: buffers 'a' [0, 4) and 'b' [2, 6) overlap" stdout.txt ||
    fail "check-overlap: $status $(cat stdout.txt stderr.txt)"
name=check-offset-missing
printf '%b' "${H%\\n},offset\na,0,2,4,0\nb,0,2,4,\n" >in.csv
run check --capacity=8 --input=in.csv
check_run 2 "in.csv:3: field 'offset': expected an offset for every buffer"
name=check-no-capacity
run check --input=in.csv
check_run 2 "a positive --capacity=N are required"
name=check-bad-file
printf '%b' "${H}a,0,x,4\n" >in.csv
run check --capacity=8 --input=in.csv
check_run 2 "in.csv:2: field 'upper': expected an integer"

finish cli_bad_input
