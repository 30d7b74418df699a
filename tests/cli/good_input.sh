#!/bin/sh
# End-to-end tests of `memcarve` on valid but varied inputs: line ends,
# aliases, optional columns. The output must keep the input's columns,
# spellings and row order, add (or fill) the offset column, and hold a
# layout that an independent checker below accepts.
# usage: good_input.sh MEMCARVE SCRATCH_DIR
. "$(dirname "$0")/common.sh"
EXAMPLE='b1,0,3,4\nb2,3,9,4\nb3,0,9,4\nb4,9,21,4\nb5,0,21,4'

# solve NAME CAPACITY CONTENT [ARGS...]: writes in.csv, runs memcarve and
# checks it succeeded.
solve() {
    name=$1
    cases=$((cases + 1))
    printf '%b' "$3" >in.csv
    capacity=$2
    shift 3
    rm -f out.csv
    "$bin" --capacity="$capacity" --input=in.csv --output=out.csv --quiet "$@" >stdout.txt 2>stderr.txt
    status=$?
    [ "$status" -eq 0 ] || fail "exit status $status, expected 0: $(cat stderr.txt)"
    [ -f out.csv ] || fail "no output written"
}

# expect_output EXPECTED: out.csv with its offsets replaced by '#' is EXPECTED.
expect_output() {
    got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; ++i) if ($i == "offset") c = i; print; next }
                   { $c = "#"; print }' OFS=, out.csv)
    want=$(printf '%b' "$1")
    [ "$got" = "$want" ] || fail "output differs:
$got
--- expected:
$want"
    [ "$(tail -c 1 out.csv | od -An -c | tr -d ' ')" = '\n' ] || fail "output does not end in a newline"
    ! grep -q "$(printf '\r')" out.csv || fail "output has CR line ends"
}

# check_layout CAPACITY: no two buffers alive together overlap, all fit, all
# aligned (ignores gaps, so use it only on files without them).
check_layout() {
    awk -F, -v cap="$1" '
        NR == 1 {
            for (i = 1; i <= NF; ++i) {
                if ($i == "lower" || $i == "begin" || $i == "start") lo = i
                if ($i == "upper") up = i
                if ($i == "end") { up = i; incl = 1 }
                if ($i == "size") sz = i
                if ($i == "offset") off = i
                if ($i == "alignment") al = i
            }
            next
        }
        {
            n++; L[n] = $lo; U[n] = $up + incl; S[n] = $sz; O[n] = $off
            a = al ? $al : 1
            if (a == "") a = 1
            if (O[n] !~ /^[0-9]+$/) { print "offset not a number: " $0; bad = 1 }
            if (O[n] + S[n] > cap) { print "beyond capacity: " $0; bad = 1 }
            if (O[n] % a != 0) { print "unaligned: " $0; bad = 1 }
        }
        END {
            for (i = 1; i <= n; ++i)
                for (j = i + 1; j <= n; ++j)
                    if (L[i] < U[j] && L[j] < U[i] && O[i] < O[j] + S[j] && O[j] < O[i] + S[i] && S[i] && S[j]) {
                        print "rows " i " and " j " overlap"; bad = 1
                    }
            exit bad
        }' out.csv || fail "invalid layout"
}

solve example 12 "id,lower,upper,size\n$EXAMPLE\n"
expect_output "id,lower,upper,size,offset\nb1,0,3,4,#\nb2,3,9,4,#\nb3,0,9,4,#\nb4,9,21,4,#\nb5,0,21,4,#"
check_layout 12

solve crlf 12 'id,lower,upper,size\r\nb1,0,3,4\r\nb2,3,9,4\r\nb3,0,9,4\r\nb4,9,21,4\r\nb5,0,21,4\r\n'
expect_output "id,lower,upper,size,offset\nb1,0,3,4,#\nb2,3,9,4,#\nb3,0,9,4,#\nb4,9,21,4,#\nb5,0,21,4,#"
check_layout 12

solve no-trailing-newline 12 "id,lower,upper,size\n$EXAMPLE"
expect_output "id,lower,upper,size,offset\nb1,0,3,4,#\nb2,3,9,4,#\nb3,0,9,4,#\nb4,9,21,4,#\nb5,0,21,4,#"
check_layout 12

solve trailing-blank-lines 12 "id,lower,upper,size\n$EXAMPLE\n\n\r\n\n"
check_layout 12

# end is inclusive: x and y share time 2, so they need 8 bytes, not 4.
solve aliases 8 'buffer,begin,end,size\nx,0,2,4\ny,2,4,4\n'
expect_output 'buffer,begin,end,size,offset\nx,0,2,4,#\ny,2,4,4,#'
check_layout 8
name=aliases-end-inclusive
cases=$((cases + 1))
rm -f out.csv
"$bin" --capacity=4 --input=in.csv --output=out.csv --quiet >stdout.txt 2>stderr.txt
status=$?
[ "$status" -eq 1 ] || fail "exit status $status, expected 1 (infeasible when end is inclusive)"
[ ! -e out.csv ] || fail "an infeasible run wrote out.csv"

# Every optional column. a is fixed at 0 but absent during its gap [2, 8),
# where b fits at the same address; c keeps only [4, 8) of its extent in
# [3, 5). Without the gaps, 12 would be too small.
solve all-optional-columns 12 'id,lower,upper,size,alignment,hint,gaps,offset\na,0,10,4,4,,2-8,0\nb,2,8,4,4,0,,\nc,0,10,8,4,-1,3-5@4:8,\n'
expect_output 'id,lower,upper,size,alignment,hint,gaps,offset\na,0,10,4,4,,2-8,#\nb,2,8,4,4,0,,#\nc,0,10,8,4,-1,3-5@4:8,#'
[ "$(sed -n 2p out.csv)" = "a,0,10,4,4,,2-8,0" ] || fail "the fixed offset of a was not kept"

# Unknown columns are carried through; rows keep their input order.
solve unknown-columns-and-order 2 'note,size,id,upper,lower\nlast,1,z,1,0\nfirst,1,a,1,0\n'
expect_output 'note,size,id,upper,lower,offset\nlast,1,z,1,0,#\nfirst,1,a,1,0,#'

solve header-only 1 'id,lower,upper,size\n'
[ "$(cat out.csv)" = "id,lower,upper,size,offset" ] || fail "header-only output: $(cat out.csv)"

solve solve-subcommand-to-stdout 12 "id,lower,upper,size\n$EXAMPLE\n"
name=stdout
cases=$((cases + 1))
printf '%b' "id,lower,upper,size\n$EXAMPLE\n" >in.csv
"$bin" solve --capacity=12 --input=in.csv --quiet >stdout.txt 2>stderr.txt || fail "exit status $?"
cp stdout.txt out.csv
check_layout 12

finish cli_good_input
