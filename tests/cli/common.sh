# Shared by the CLI test scripts (sourced): argument handling, a clean
# scratch folder as the working directory, and failure counting.
# Sets: bin (the memcarve command), cases, failures.
set -u
bin=$1
scratch=$2
rm -rf "$scratch" && mkdir -p "$scratch" && cd "$scratch" || exit 2
cases=0
failures=0

# fail MESSAGE: records a failure of the case named by $name.
fail() {
    echo "FAIL $name: $*"
    failures=$((failures + 1))
}

# finish SUITE: prints the tally; the exit status says whether all passed.
finish() {
    echo "$1: $cases cases, $failures failed"
    [ "$failures" -eq 0 ]
}
