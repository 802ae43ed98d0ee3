#!/bin/bash
# Sets everything up and runs the whole test suite: a -Dwerror=true build, then the
# C suites again under AddressSanitizer + UndefinedBehaviorSanitizer. Ends with the line
# "N passed, N failed" over both runs.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

passed=0
failed=0
count() {
  local log=$1 ok fail
  ok=$(sed -n 's/^Ok:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  fail=$(awk '/^(Fail|Unexpected Pass|Timeout):/ {n += $NF} END {print n + 0}' "$log")
  passed=$((passed + ${ok:-0}))
  failed=$((failed + fail))
}

if ! tools/setup.sh _build -Dwerror=true -Ddocs=true; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
meson test -C _build --print-errorlogs --no-suite bench --no-suite bench-large --no-suite lab 2>&1 | tee _build/test-summary.log
count _build/test-summary.log

# Sanitizers: the C tests and the tool (the GI suites run interpreters not built for ASan).
if tools/setup.sh _build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
     -Dintrospection=false >/dev/null; then
  meson test -C _build-asan --print-errorlogs --timeout-multiplier 3 --suite unit --suite libvirt --suite cli --suite daemon \
    2>&1 | tee _build-asan/test-summary.log
  count _build-asan/test-summary.log
else
  echo "sanitizer build failed"
  failed=$((failed + 1))
fi

# Fuzzing: each libFuzzer target for a short fixed time, clang with ASan+UBSan (fuzz/README.md).
if CC=clang tools/setup.sh _build-fuzz -Dwerror=true -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false \
     -Dintrospection=false -Ddocs=false -Dcockpit=false >/dev/null; then
  meson test -C _build-fuzz --print-errorlogs --suite fuzz 2>&1 | tee _build-fuzz/test-summary.log
  count _build-fuzz/test-summary.log
else
  echo "fuzzing build failed"
  failed=$((failed + 1))
fi

if [ "${VMNET_LAB:-auto}" != "no" ] && meson test -C _build --list 2>/dev/null | grep -q '^libvmnet:lab'; then
  meson test -C _build --print-errorlogs --suite lab 2>&1 | tee _build/lab-summary.log
  count _build/lab-summary.log
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
