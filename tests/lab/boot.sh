#!/bin/bash
# Boot the libvmnet lab image under TCG and run one guest-side test script.
#
# usage: boot.sh --share DIR --test SCRIPT [--timeout SECONDS] [--igb-count 1|2] [--build DIR]
#                [--overlay FILE] [--boots 1|2]
#   --share DIR     host directory exported to the guest over 9p (mount_tag labshare, /lab)
#   --test SCRIPT   copied into the share as run-in-guest.sh; the guest runs it as root
#   --timeout S     hard limit for each QEMU run (default 900); the guest gives the
#                   test S-180 seconds (at least 60)
#   --igb-count N   number of emulated igb (82576, 7 VFs) PFs, each on its own root port
#   --build DIR     host build tree, visible read-only in the guest at /lab/build
#   --overlay FILE  boot from a persistent writable qcow2 overlay FILE (backing file the
#                   image's rootfs.img; created with qemu-img if missing) instead of
#                   snapshot=on: what the guest writes lasts from one boot to the next
#   --boots N       boot N times in a row from the same disk (2 implies an overlay, by
#                   default SHARE/disk/rootfs.qcow2); the share's file 'phase' holds the
#                   boot's number; boot 1's out/ and host/ are kept in SHARE/boot1/, and
#                   out/result.txt holds the checks of both boots. Each boot must end with
#                   the guest powering off; a boot whose checks failed ends the run.
# Environment: LAB_IMAGE_DIR = a finished build-image.sh cache dir (else build-image.sh is
#   run, which reuses its cache), LAB_CACHE_DIR (see build-image.sh).
# Output: DIR/out/result.txt (+ test.log, dmesg.txt, journal.txt), DIR/host/serial.log.
# Prints the result file; exits 0 only if its last line is "N passed, 0 failed" with N > 0.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
say() { echo "boot: $*" >&2; }
usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

SHARE='' TEST='' TIMEOUT=900 IGB=1 BUILD='' OVERLAY='' BOOTS=1
while [ $# -gt 0 ]; do
    case "$1" in
        --share) SHARE=$2; shift 2 ;;
        --test) TEST=$2; shift 2 ;;
        --timeout) TIMEOUT=$2; shift 2 ;;
        --igb-count) IGB=$2; shift 2 ;;
        --build) BUILD=$2; shift 2 ;;
        --overlay) OVERLAY=$2; shift 2 ;;
        --boots) BOOTS=$2; shift 2 ;;
        -h|--help) usage ;;
        *) say "unknown argument: $1"; usage ;;
    esac
done
[ -n "$SHARE" ] && [ -n "$TEST" ] || usage
[ -f "$TEST" ] || { say "no such test script: $TEST"; exit 2; }
case "$IGB" in 1|2) ;; *) say "--igb-count must be 1 or 2"; exit 2 ;; esac
case "$BOOTS" in 1|2) ;; *) say "--boots must be 1 or 2"; exit 2 ;; esac
case "$TIMEOUT" in ''|*[!0-9]*) say "--timeout must be a number of seconds"; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { say "must run as root (unshare, chroot)"; exit 77; }
[ -z "$BUILD" ] || [ -d "$BUILD" ] || { say "no such build dir: $BUILD"; exit 2; }

IMG_DIR=${LAB_IMAGE_DIR:-$("$LAB_DIR/build-image.sh" | tail -n1)}
[ -f "$IMG_DIR/complete" ] || { say "no finished lab image in '$IMG_DIR'"; exit 1; }
TREE=$IMG_DIR/tree

mkdir -p "$SHARE"
SHARE=$(cd "$SHARE" && pwd)
rm -rf "$SHARE/out" "$SHARE/host" "$SHARE/boot1"
mkdir -p "$SHARE/out" "$SHARE/host"
cp "$TEST" "$SHARE/run-in-guest.sh"
cp "$LAB_DIR/lib-guest.sh" "$LAB_DIR/lib-vmnet.sh" "$SHARE/"
# The private-daemon tool, for checks that run a second libvirtd (checks/migrate.sh).
cp "$LAB_DIR/../daemon/libvirtd-env.sh" "$SHARE/"
# The check scripts too, for a test that runs several of them (checks/all.sh).
rm -rf "$SHARE/checks"; mkdir -p "$SHARE/checks"; cp "$LAB_DIR"/checks/*.sh "$SHARE/checks/"
GUEST_TIMEOUT=$(( TIMEOUT - 180 )); [ "$GUEST_TIMEOUT" -ge 60 ] || GUEST_TIMEOUT=60
echo "LAB_TEST_TIMEOUT=$GUEST_TIMEOUT" > "$SHARE/lab.env"
if [ -n "$BUILD" ]; then BUILD=$(cd "$BUILD" && pwd); mkdir -p "$SHARE/build"; else rm -rf "$SHARE/build" 2>/dev/null || true; fi
mkdir -p "$TREE/mnt/lab/cache" "$TREE/mnt/lab/share" "$TREE/mnt/lab/build" "$TREE/mnt/lab/disk"

# The disk: the image itself with snapshot=on (nothing written lasts), or a persistent qcow2
# overlay on it. The overlay's directory is seen at /mnt/lab/disk inside the chroot, and its
# backing file is named as seen there. The image has no qemu-img (qemu-utils is not in
# packages.txt): the host's makes the overlay, unsafe (-u: the backing file is not opened
# here), with the image's size.
DISK_DIR=''
if [ "$BOOTS" -gt 1 ] && [ -z "$OVERLAY" ]; then
    OVERLAY=$SHARE/disk/rootfs.qcow2; rm -f "$OVERLAY"
fi
if [ -n "$OVERLAY" ]; then
    mkdir -p "$(dirname "$OVERLAY")"
    DISK_DIR=$(cd "$(dirname "$OVERLAY")" && pwd); OVERLAY=$DISK_DIR/$(basename "$OVERLAY")
    if [ ! -f "$OVERLAY" ]; then
        command -v qemu-img >/dev/null || { say "--overlay needs qemu-img on the host (qemu-utils)"; exit 77; }
        qemu-img create -q -f qcow2 -u -F raw -b /mnt/lab/cache/rootfs.img "$OVERLAY" \
            "$(stat -c %s "$IMG_DIR/rootfs.img")" || { say "cannot create the overlay $OVERLAY"; exit 1; }
    fi
    DRIVE="file=/mnt/lab/disk/$(basename "$OVERLAY"),if=virtio,format=qcow2"
else
    DRIVE=file=/mnt/lab/cache/rootfs.img,if=virtio,format=raw,snapshot=on
fi

# QEMU command line (paths as seen inside the chroot), per shared/LAB.md.
# no_timer_check: on a loaded host the kernel's IO-APIC timer check can miss its window and
# panic ("timer doesn't work through Interrupt-remapped IO-APIC"); panic=1 then reboots, and
# -no-reboot turns that into a prompt exit instead of a hang until --timeout.
# mitigations=off: nothing untrusted runs in the lab; kernel entries (the nested QEMU's
# syscalls and faults) are cheaper without retpolines and RSB filling.
# shellcheck disable=SC2054  # the commas are QEMU's
QEMU=(qemu-system-x86_64
    -accel tcg,thread=multi -cpu max -M q35,kernel-irqchip=split -smp 2 -m 4096
    -device intel-iommu,intremap=on,caching-mode=on)
for i in $(seq 1 "$IGB"); do
    QEMU+=(-device "pcie-root-port,id=rp$i,chassis=$i,slot=$i" -device "igb,bus=rp$i")
done
# shellcheck disable=SC2054
QEMU+=(-nic none
    -drive "$DRIVE"
    -kernel /mnt/lab/cache/vmlinuz -initrd /mnt/lab/cache/initrd.img
    -append "root=/dev/vda rw console=ttyS0 intel_iommu=on iommu=pt fsck.mode=skip no_timer_check panic=1 mitigations=off"
    -virtfs local,path=/mnt/lab/share,mount_tag=labshare,security_model=none,multidevs=remap
    -serial file:/mnt/lab/share/host/serial.log -display none -no-reboot)

# One boot: QEMU from start to exit; its timings in host/timings.txt. Returns 0 if the
# result file's last line is "N passed, 0 failed" with N > 0.
boot_once() { # BOOT_NUMBER
    local rc T0 T1 WALL to_test last
    echo "$1" > "$SHARE/phase"
    printf '%q ' "${QEMU[@]}" > "$SHARE/host/qemu-cmdline.txt"; echo >> "$SHARE/host/qemu-cmdline.txt"
    say "boot $1/$BOOTS: image $IMG_DIR, igb x$IGB, ${OVERLAY:+overlay $OVERLAY, }timeout ${TIMEOUT}s; serial log $SHARE/host/serial.log"
    T0=$(date +%s.%N)
    set +e
    # QEMU 10 comes from the lab tree itself: chroot into it in a private mount namespace.
    timeout -k 15 "$TIMEOUT" unshare -m --propagation private /bin/sh -ec '
        T=$1 C=$2 S=$3 B=$4 D=$5; shift 5
        mount --rbind /dev "$T/dev"; mount -t proc proc "$T/proc"; mount --rbind /sys "$T/sys"
        mount --bind "$C" "$T/mnt/lab/cache"
        mount --bind "$S" "$T/mnt/lab/share"
        if [ -n "$B" ]; then mount --bind "$B" "$T/mnt/lab/share/build"; mount -o remount,bind,ro "$T/mnt/lab/share/build"; fi
        if [ -n "$D" ]; then mount --bind "$D" "$T/mnt/lab/disk"; fi
        exec chroot "$T" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/var/tmp "$@"
    ' sh "$TREE" "$IMG_DIR" "$SHARE" "$BUILD" "$DISK_DIR" "${QEMU[@]}" > "$SHARE/host/qemu.log" 2>&1
    rc=$?
    set -e
    T1=$(date +%s.%N)
    WALL=$(awk -v a="$T0" -v b="$T1" 'BEGIN{printf "%.1f", b-a}')

    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        say "TIMEOUT: QEMU killed after ${TIMEOUT}s"
    elif [ "$rc" -ne 0 ]; then
        say "QEMU exited with status $rc:"; tail -n 20 "$SHARE/host/qemu.log" >&2
    fi
    # Guest-side timings from the runner's kmsg lines (guest uptime).
    to_test=$(grep -o 'running /lab/run-in-guest.sh.*uptime [0-9.]*s' "$SHARE/host/serial.log" 2>/dev/null | grep -o '[0-9.]*s$' | tail -n1 || true)
    say "boot $1: wall ${WALL}s (QEMU start to exit); guest uptime at test start: ${to_test:-?}"
    echo "wall_seconds=$WALL boot_to_test=${to_test:-?} qemu_rc=$rc" > "$SHARE/host/timings.txt"
    [ -s "$SHARE/out/result.txt" ] || return 1
    last=$(tail -n1 "$SHARE/out/result.txt")
    echo "$last" | grep -Eq '^[1-9][0-9]* passed, 0 failed$'
}

RESULT=$SHARE/out/result.txt
n=1 ok=1
while :; do
    boot_once "$n" || ok=0
    [ "$ok" = 1 ] && [ "$n" -lt "$BOOTS" ] || break
    # Keep this boot's output; the next boot starts with empty out/ and host/.
    mkdir -p "$SHARE/boot$n"; mv "$SHARE/out" "$SHARE/host" "$SHARE/boot$n/"
    mkdir -p "$SHARE/out" "$SHARE/host"
    n=$((n + 1))
done
[ -z "$BUILD" ] || rmdir "$SHARE/build" 2>/dev/null || true

if [ ! -s "$RESULT" ]; then
    say "no result file; last lines of the serial log:"
    tail -n 40 "$SHARE/host/serial.log" >&2 2>/dev/null || true
    exit 1
fi
if [ "$n" -gt 1 ]; then
    # The checks of the earlier boots first, then one count over all of them.
    { for b in $(seq 1 $((n - 1))); do grep -E '^(PASS|FAIL) ' "$SHARE/boot$b/out/result.txt"; done
      grep -E '^(PASS|FAIL) ' "$RESULT"; } > "$RESULT.all"
    echo "$(grep -c '^PASS ' "$RESULT.all") passed, $(grep -c '^FAIL ' "$RESULT.all") failed" >> "$RESULT.all"
    mv "$RESULT.all" "$RESULT"
fi
echo "---- $RESULT"
cat "$RESULT"
# Timings the checks noted ("note timing: ...").
for b in $(seq 1 $((n - 1))); do sed -n "s/.*lab: timing: /timing: boot $b: /p" "$SHARE/boot$b/out/test.log" 2>/dev/null || true; done
sed -n 's/.*lab: timing: /timing: /p' "$SHARE/out/test.log" 2>/dev/null || true
if [ "$ok" = 1 ] && [ "$n" = "$BOOTS" ] && tail -n1 "$RESULT" | grep -Eq '^[1-9][0-9]* passed, 0 failed$'; then
    exit 0
fi
[ "$n" = "$BOOTS" ] || say "boot $n of $BOOTS failed: the later boots were not run"
say "checks failed; see $SHARE/out/test.log and $SHARE/host/serial.log"
exit 1
