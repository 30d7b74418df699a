#!/bin/sh
# ThreadSanitizer build of the cache's two-thread stress test (and the rest
# of the cache tests), in its own build directory. Usage: ci-extra.sh [PREFIX]
set -u
prefix=${1:-build-cache-ci}
dir="${prefix}tsan"
if ! cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMC_BUILD_BENCH=OFF \
     -DCMAKE_C_FLAGS="-fsanitize=thread -g" -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread \
     -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread -DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=thread >/dev/null; then
  echo "cache ci-extra (ThreadSanitizer): FAIL (configure)"; exit 1
fi
if ! cmake --build "$dir" -j2 --target test_cache_threads test_cache_model >/dev/null; then
  echo "cache ci-extra (ThreadSanitizer): FAIL (build)"; exit 1
fi
if TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "$dir/tests/cache/test_cache_threads" &&
   TSAN_OPTIONS="halt_on_error=1" "$dir/tests/cache/test_cache_model"; then
  echo "cache ci-extra (ThreadSanitizer): PASS"; exit 0
fi
echo "cache ci-extra (ThreadSanitizer): FAIL"; exit 1
