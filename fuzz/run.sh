#!/bin/sh
# Builds every libFuzzer harness (fuzz/*/) with clang in its own build
# directory and runs each for SECONDS (default 60). Each starts from the
# examples of its format; the CSV reader's fuzzer also from a few inline
# cases covering every column, alias and line-end form. Exits non-zero when a fuzzer finds a crash, a
# leak or a violated property; the reproducer is left in the work folder.
# usage: fuzz/run.sh [SECONDS] [WORK_PREFIX]
set -eu
seconds=${1:-60}
prefix=${2:-/tmp/memcarve-fuzz}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$prefix-build
work=$prefix-work

if ! command -v clang >/dev/null 2>&1; then
    echo "FAIL: fuzz/run.sh needs clang"
    exit 1
fi
# fuzzer-no-link instruments the library for coverage; -fsanitize=fuzzer is
# added at link time by each harness.
cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMC_BUILD_FUZZ=ON -DMC_SANITIZE=ON -DMC_BUILD_TESTS=OFF -DMC_BUILD_BENCH=OFF \
    -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link >/dev/null
rm -rf "$work"
mkdir -p "$work"

# seed_csv DIR: the reader's seed corpus.
seed_csv() {
    for f in "$root"/examples/*.csv; do
        [ -f "$f" ] && cp "$f" "$1/"
    done
    n=0
    while IFS= read -r line; do
        n=$((n + 1))
        printf '%b' "$line" >"$1/inline-$n.csv"
    done <<'SEEDS'
id,lower,upper,size\nb1,0,3,4\nb2,3,9,4\n
id,lower,upper,size,alignment,hint,gaps,offset\na,0,10,8,4,16,1-2 4-6@0:8,12\nb,-5,5,2,,,,\n
buffer,begin,end,size,gaps\r\nx,0,9,4,2-3 5-5@1:2\r\ny,0,0,1,\r\n
buffer_id,start,upper,size,note\ny,-7,-2,3,hello\nz,0,9223372036854775807,9223372036854775807,\n\n
\0357\0273\0277id,lower,upper,size,offset\na,0,1,4,\nb,0,1,4,0
id,lower,upper,size\na,0,1,1\n\nb,0,1,1\n
id,lower,upper,size,offset,note\r\r\na,0,1,1,0,x\r\n
SEEDS
}

status=0
for dir in "$root"/fuzz/*/; do
    module=$(basename "$dir")
    target=fuzz_$module
    cmake --build "$build" -j1 --target "$target" >/dev/null || {
        echo "FAIL: could not build $target"
        status=1
        continue
    }
    corpus=$work/$module-corpus
    mkdir -p "$corpus"
    if [ -d "$dir/seeds" ]; then cp "$dir"/seeds/* "$corpus/"; fi
    case $module in
    csv) seed_csv "$corpus" ;;
    lattice) cp "$root"/examples/lattice/*.txt "$corpus/" ;;
    trace) cp "$root"/examples/cache/*.csv "$corpus/" ;;
    syncs) cp "$root"/examples/sync/*.syncs "$corpus/" ;;
    esac
    echo "fuzzing $target for ${seconds}s"
    if (cd "$work" && "$build/fuzz/$module/$target" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
            -rss_limit_mb=2048 -print_final_stats=1 "$corpus" >"$work/$module.log" 2>&1); then
        echo "PASS $target: $(grep -E '^stat::number_of_executed_units' "$work/$module.log" | awk '{print $2}') runs"
    else
        echo "FAIL $target: see $work/$module.log; reproducer(s):"
        ls "$work" | grep -E '^(crash|leak|timeout|oom)-' || true
        tail -n 40 "$work/$module.log"
        status=1
    fi
done
exit $status
