#!/bin/bash
# Sets everything up and runs the whole test suite: a -Dwerror=true build and every suite
# but the benchmarks, the C suites again under AddressSanitizer + UndefinedBehaviorSanitizer,
# the fuzz targets (clang), the Debian packages installed into a clean root
# (tools/install-test.sh), then the lab.
# Ends with the line "N passed, N failed" over all of them.
#
# Runs as root (the private daemons, the lab and the install test need it): a user is taken
# there with sudo; without sudo it runs as the user, and the root-only suites skip.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then
  exec sudo env VMNET_LAB="${VMNET_LAB:-auto}" VMNET_INSTALL_TEST="${VMNET_INSTALL_TEST:-yes}" \
    ${LAB_CACHE_DIR:+LAB_CACHE_DIR="$LAB_CACHE_DIR"} "$top/tools/test.sh" "$@"
fi

# Taken here by sudo: the build directories go back to the user afterwards.
if [ -n "${SUDO_UID:-}" ] && [ "$SUDO_UID" != 0 ]; then
  trap 'chown -R "$SUDO_UID:${SUDO_GID:-$SUDO_UID}" _build _build-asan _build-fuzz _build-deb 2>/dev/null' EXIT
fi

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
# --setup full: the private-daemon suites too (a plain `meson test` leaves them out).
meson test -C _build --setup full --print-errorlogs --no-suite bench --no-suite bench-large --no-suite lab 2>&1 | tee _build/test-summary.log
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

# The packages: built, checked with lintian, installed into a clean Debian 12 root, used, purged
# (tools/install-test.sh). Its last line counts its checks.
if [ "${VMNET_INSTALL_TEST:-yes}" != "no" ]; then
  tools/install-test.sh 2>&1 | tee _build/install-test.log
  rc=${PIPESTATUS[0]}
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' _build/install-test.log | tail -n 1)
  ok=0
  fail=0
  if [ -n "$line" ]; then
    ok=${line%% passed*}
    fail=${line#* passed, }
    fail=${fail%% failed}
  fi
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "$fail" -eq 0 ]; then
    fail=1
  fi
  passed=$((passed + ok))
  failed=$((failed + fail))
fi

# The list is read whole first: `grep -q` in a pipe stops reading at its match, meson then fails
# writing the rest, and with pipefail the lab would be left out without a word.
tests_listed=$(meson test -C _build --setup full --list 2>/dev/null)
if [ "${VMNET_LAB:-auto}" != "no" ] && grep -q '^libvmnet:lab' <<<"$tests_listed"; then
  # The lab installs the packages the install test built (tests/lab/checks/service.sh).
  rm -rf _build/debs
  if ls _build-deb/*.deb >/dev/null 2>&1; then
    mkdir -p _build/debs && cp _build-deb/*.deb _build/debs/
  fi
  meson test -C _build --print-errorlogs --suite lab 2>&1 | tee _build/lab-summary.log
  count _build/lab-summary.log
elif [ "${VMNET_LAB:-auto}" != "no" ]; then
  echo "lab: no lab tests in the build (meson test --list): counted as a failure"
  failed=$((failed + 1))
else
  echo "lab: not run (VMNET_LAB=no)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
