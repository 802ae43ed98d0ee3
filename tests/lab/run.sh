#!/bin/bash
# Entry point of the libvmnet lab: build the image if needed, boot it, run the smoke check.
#
# usage: run.sh [CHECK_SCRIPT] [boot.sh options...]
#   CHECK_SCRIPT defaults to tests/lab/checks/smoke.sh; further options go to boot.sh
#   (e.g. --igb-count 2, --build DIR, --timeout S).
# Environment: LAB_CACHE_DIR (image cache root), LAB_SHARE (share dir; default: a fresh
#   temporary dir, kept on failure).
# Exit: 0 all checks passed; 1 failure; 77 skipped (not root / debootstrap unavailable).
set -uo pipefail
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
say() { echo "lab: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    say "SKIP: the lab needs root (debootstrap, chroot, unshare)"; exit 77
fi
TEST=$LAB_DIR/checks/smoke.sh
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then TEST=$1; shift; fi

T0=$(date +%s)
out=$("$LAB_DIR/build-image.sh")
rc=$?
IMG_DIR=$(printf '%s\n' "$out" | tail -n1)
if [ "$rc" -eq 77 ]; then say "SKIP: cannot build the lab image (no root or no debootstrap)"; exit 77; fi
[ "$rc" -eq 0 ] && [ -f "$IMG_DIR/complete" ] || { say "image build failed ($rc)"; exit 1; }
T1=$(date +%s)

SHARE=${LAB_SHARE:-$(mktemp -d /tmp/vmnet-lab.XXXXXX)}
LAB_IMAGE_DIR=$IMG_DIR "$LAB_DIR/boot.sh" --share "$SHARE" --test "$TEST" "$@"
rc=$?
T2=$(date +%s)
say "image $((T1 - T0))s, boot+test $((T2 - T1))s, total $((T2 - T0))s"
if [ "$rc" -eq 0 ]; then
    [ -n "${LAB_SHARE:-}" ] || rm -rf "$SHARE"
    echo "lab: PASS"
else
    say "FAIL (exit $rc); logs kept in $SHARE (out/test.log, host/serial.log)"
fi
exit "$rc"
