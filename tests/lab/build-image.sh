#!/bin/bash
# Build (or reuse) the libvmnet lab image: a Debian trixie tree made with debootstrap,
# an ext4 image of it, its kernel + initramfs, and a minimal nested-Linux initramfs.
#
# usage: build-image.sh [CACHE_ROOT]
#   CACHE_ROOT defaults to $LAB_CACHE_DIR, else tests/lab/cache. The build lands in
#   CACHE_ROOT/<sha256 of build-image.sh + packages.txt + image/*>/ ; when that directory
#   already holds a complete build, nothing is rebuilt.
# The last line printed on stdout is the cache directory. Progress goes to stderr.
# Exit 77: not root, or the host tools (debootstrap, ...) cannot be installed.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=trixie
say() { echo "build-image: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || { say "must run as root (debootstrap, chroot, unshare)"; exit 77; }

# ---- cache key -------------------------------------------------------------------
lab_hash() {
    (cd "$LAB_DIR" && for f in build-image.sh packages.txt $(find image -type f | LC_ALL=C sort); do
        printf '%s\n' "$f"; sha256sum < "$f"; done) | sha256sum | cut -c1-16
}
HASH=$(lab_hash)
CACHE_ROOT=${1:-${LAB_CACHE_DIR:-$LAB_DIR/cache}}
mkdir -p "$CACHE_ROOT"
CACHE_ROOT=$(cd "$CACHE_ROOT" && pwd)
OUT=$CACHE_ROOT/$HASH

# One builder per cache key at a time (a second caller waits, then reuses the result).
exec 9> "$CACHE_ROOT/.lock-$HASH"
flock 9
if [ -f "$OUT/complete" ]; then
    say "cached build in $OUT"
    echo "$OUT"
    exit 0
fi

# ---- host tools ------------------------------------------------------------------
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v mkfs.ext4 >/dev/null || need+=(e2fsprogs)
command -v cpio >/dev/null || need+=(cpio)
command -v xz >/dev/null || need+=(xz-utils)
command -v zstd >/dev/null || need+=(zstd)
command -v unshare >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
    say "installing host tools: ${need[*]}"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; } >&2; then
        say "cannot install ${need[*]}"
        exit 77
    fi
fi
command -v debootstrap >/dev/null || { say "debootstrap not available"; exit 77; }

# ---- the Debian mirror apt on this machine already uses ---------------------------
MIRROR=${LAB_MIRROR:-$("$LAB_DIR/../../tools/debian-mirror.sh")}
[ -n "$MIRROR" ] || die "cannot find the Debian mirror in /etc/apt/sources.list{,.d}"
say "mirror: $MIRROR"

PACKAGES=$(sed -e 's/#.*//' "$LAB_DIR/packages.txt" | tr -s ' \t\n' '\n' | grep -v '^$' | tr '\n' ' ')

# ---- build in a scratch dir next to the final one, then rename --------------------
T0=$(date +%s)
WORK=$CACHE_ROOT/.build-$HASH
rm -rf "$WORK"
mkdir -p "$WORK"
TREE=$WORK/tree
# shellcheck disable=SC2154  # rc is assigned inside the trap
trap 'rc=$?; [ $rc -eq 0 ] || say "failed (exit $rc); partial build left in $WORK"' EXIT

say "debootstrap $SUITE (minbase) into $TREE"
debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
    "$SUITE" "$TREE" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
    || { tail -n 30 "$WORK/debootstrap.log" >&2; die "debootstrap failed (log: $WORK/debootstrap.log)"; }
T1=$(date +%s)
say "debootstrap done in $((T1 - T0))s"
# debootstrap can leave the target's /proc mounted (in this mount namespace).
umount -l "$TREE/proc" 2>/dev/null || true

# Configuration that must exist before the packages' maintainer scripts run.
echo "deb $MIRROR $SUITE main" > "$TREE/etc/apt/sources.list"
cp /etc/resolv.conf "$TREE/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' > "$TREE/usr/sbin/policy-rc.d"
# No fsync per unpacked file: a lost build is simply redone (the packages step ~2x faster).
echo force-unsafe-io > "$TREE/etc/dpkg/dpkg.cfg.d/vmnet-lab-unsafe-io"
chmod +x "$TREE/usr/sbin/policy-rc.d"
mkdir -p "$TREE/etc/initramfs-tools/conf.d" "$TREE/etc/initramfs-tools/hooks"
# In a chroot MODULES=dep cannot see the target's hardware; load exactly what we need.
echo 'MODULES=list' > "$TREE/etc/initramfs-tools/conf.d/vmnet-lab"
cat > "$TREE/etc/initramfs-tools/hooks/vmnet-lab" <<'EOF'
#!/bin/sh
case "$1" in prereqs) exit 0;; esac
. /usr/share/initramfs-tools/hook-functions
for m in virtio_pci virtio_blk ext4 9p 9pnet 9pnet_virtio; do force_load "$m"; done
EOF
chmod +x "$TREE/etc/initramfs-tools/hooks/vmnet-lab"
echo vmnet-lab > "$TREE/etc/hostname"
echo '/dev/vda / ext4 rw,errors=remount-ro 0 0' > "$TREE/etc/fstab"

# Run a command chrooted in the tree with /dev, /proc, /sys bind-mounted (private mount ns).
in_tree() {
    unshare -m --propagation private /bin/sh -ec '
        T=$1; shift
        mount --rbind /dev "$T/dev"; mount -t proc proc "$T/proc"; mount --rbind /sys "$T/sys"
        exec chroot "$T" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
            DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"' sh "$TREE" "$@"
}

say "apt-get install --no-install-recommends: $PACKAGES"
in_tree apt-get update -qq > "$WORK/apt.log" 2>&1 || { tail -n 30 "$WORK/apt.log" >&2; die "apt-get update failed"; }
# shellcheck disable=SC2086
in_tree apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 $PACKAGES >> "$WORK/apt.log" 2>&1 \
    || { tail -n 40 "$WORK/apt.log" >&2; die "apt-get install failed (log: $WORK/apt.log)"; }
in_tree dpkg-query -W -f '${Package} ${Version}\n' > "$WORK/manifest.txt"
T2=$(date +%s)
say "packages installed in $((T2 - T1))s"

# ---- guest configuration ------------------------------------------------------------
install -m 0755 "$LAB_DIR/image/vmnet-lab-run" "$TREE/usr/local/sbin/vmnet-lab-run"
install -m 0644 "$LAB_DIR/image/vmnet-lab.service" "$TREE/etc/systemd/system/vmnet-lab.service"
mkdir -p "$TREE/lab" "$TREE/mnt/lab" "$TREE/opt/vmnet-lab"
# libvirt: run QEMU as root (no uid juggling, no cap re-probe), no virtlogd dependency.
QC=$TREE/etc/libvirt/qemu.conf
[ -f "$QC" ] || die "no /etc/libvirt/qemu.conf in the tree"
cat >> "$QC" <<'EOF'

# --- libvmnet lab ---
user = "+0"
group = "+0"
stdio_handler = "file"
EOF
in_tree systemctl enable vmnet-lab.service >&2
# The serial getty hangs up ttyS0 and nothing logs in: keep the console for the kernel.
in_tree systemctl mask serial-getty@ttyS0.service getty@tty1.service \
    systemd-firstboot.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
    fstrim.timer >&2 2>/dev/null || true
echo 'root:lab' | in_tree chpasswd
: > "$TREE/etc/machine-id"
rm -f "$TREE/usr/sbin/policy-rc.d" "$TREE/etc/resolv.conf" "$TREE/etc/dpkg/dpkg.cfg.d/vmnet-lab-unsafe-io"
in_tree apt-get clean

# Kernel and initramfs, for -kernel/-initrd.
KVER=$(ls "$TREE/lib/modules" | sort -V | tail -n1)
[ -n "$KVER" ] || die "no kernel modules in the tree"
cp "$TREE/boot/vmlinuz-$KVER" "$WORK/vmlinuz"
cp "$TREE/boot/initrd.img-$KVER" "$WORK/initrd.img"
echo "$KVER" > "$WORK/kernel-version"

# The same kernel as an uncompressed ELF (vmlinux) for the nested Linux: QEMU boots it
# through its PVH entry point (CONFIG_PVH), skipping the real-mode setup and the
# decompressor, which under TCG inside TCG is a large part of the boot.
extract_vmlinux() {
    local img=$1 out=$2 spec magic tool off
    for spec in '\x28\xb5\x2f\xfd:zstd -qdc' '\xfd\x37\x7a\x58\x5a\x00:xz -qdc --single-stream' '\x1f\x8b\x08:gzip -qdc'; do
        magic=${spec%%:*}; tool=${spec#*:}
        for off in $(LC_ALL=C grep -obUaP "$magic" "$img" | cut -d: -f1); do
            tail -c "+$((off + 1))" "$img" | $tool > "$out" 2>/dev/null || true
            [ "$(head -c 4 "$out" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] && return 0
        done
    done
    return 1
}
extract_vmlinux "$WORK/vmlinuz" "$WORK/vmlinux" || die "cannot extract an ELF vmlinux from the kernel image"

# ---- nested-Linux initramfs (busybox-static + failover/virtio_net/igbvf) -------------
say "building nested initramfs"
N=$WORK/nested
rm -rf "$N"; mkdir -p "$N"/{bin,dev,proc,sys,tmp,lib/modules}
BB=$TREE/usr/bin/busybox; [ -x "$BB" ] || BB=$TREE/bin/busybox
cp "$BB" "$N/bin/busybox"
install -m 0755 "$LAB_DIR/image/nested-init" "$N/init"
MODDIR=$TREE/lib/modules/$KVER
# Resolve dependencies from modules.dep; emit paths in load order (deps first).
resolve() {
    local m=$1 line deps d
    line=$(grep -E "(^|/)$m\.ko(\.[a-z]+)?:" "$MODDIR/modules.dep" | head -n1) || true
    [ -n "$line" ] || { grep -qE "/$m\.ko" "$MODDIR/modules.builtin" && return 0; die "module $m not found"; }
    deps=${line#*:}
    for d in $deps; do
        d=$(basename "$d"); d=${d%%.ko*}; resolve "$d"
    done
    echo "${line%%:*}"
}
: > "$N/lib/modules/order"
for m in failover net_failover virtio_net igbvf; do resolve "$m"; done | awk '!seen[$0]++' |
while read -r p; do
    b=$(basename "$p"); b=${b%%.ko*}.ko
    case "$p" in
        *.ko.xz)  xz -dc "$MODDIR/$p" > "$N/lib/modules/$b" ;;
        *.ko.zst) zstd -qdc "$MODDIR/$p" > "$N/lib/modules/$b" ;;
        *.ko.gz)  gzip -dc "$MODDIR/$p" > "$N/lib/modules/$b" ;;
        *)        cp "$MODDIR/$p" "$N/lib/modules/$b" ;;
    esac
    echo "$b" >> "$N/lib/modules/order"
done
say "nested modules: $(tr '\n' ' ' < "$N/lib/modules/order")"
# Uncompressed (~2.5 MB): the nested kernel need not gunzip it. Only busybox itself: the
# nested /init calls its applets directly.
(cd "$N" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$WORK/nested-initrd.img"
rm -rf "$N"
cp "$WORK/nested-initrd.img" "$TREE/opt/vmnet-lab/nested-initrd.img"
cp "$WORK/vmlinuz" "$TREE/opt/vmnet-lab/vmlinuz"
cp "$WORK/vmlinux" "$TREE/opt/vmnet-lab/vmlinux"
# The nested kernel's command line (checks read it from here). quiet: the boot messages are
# not written to the slow emulated serial port (the nested /init raises the console log level
# before it loads the failover modules); the rest trims work that does not matter in a
# throw-away test guest (about a quarter of the boot under TCG). initcall_blacklist skips the
# costliest initcalls it does not need (~10% of the kernel's boot under TCG inside TCG):
# the jitter entropy self-test, crypto KDF self-test, encrypted keys, IMA and the built-in
# X.509 certificates (modules then load unverified: "tainting kernel"); no IPv6.
echo "console=ttyS0 panic=0 quiet mitigations=off nokaslr cryptomgr.notests tsc=reliable no_timer_check" \
    "initcall_blacklist=jent_mod_init,crypto_kdf108_init,init_encrypted,load_system_certificate_list,init_ima" \
    "ipv6.disable=1" > "$TREE/opt/vmnet-lab/nested-cmdline"

# Self-test: boot the nested Linux as the checks do (vmlinux through PVH, nested-cmdline)
# with the tree's QEMU (plain TCG, ~5 s).
say "nested initramfs self-test"
rm -f "$TREE/tmp/nested-selftest.log"
timeout -k 5 90 unshare -m --propagation private /bin/sh -ec '
    T=$1; mount --rbind /dev "$T/dev"; mount -t proc proc "$T/proc"
    exec chroot "$T" /usr/bin/env -i PATH=/usr/bin:/bin qemu-system-x86_64 -accel tcg -M q35 \
        -m 256 -smp 1 -nic none -display none -no-reboot -monitor none \
        -netdev hubport,id=n0,hubid=0 -device virtio-net-pci,netdev=n0,id=net0,failover=on,mac=52:54:00:00:00:01 \
        -kernel /opt/vmnet-lab/vmlinux -initrd /opt/vmnet-lab/nested-initrd.img \
        -append "$(cat "$T/opt/vmnet-lab/nested-cmdline")" -serial file:/tmp/nested-selftest.log' sh "$TREE" \
    > "$WORK/nested-selftest.qemu.log" 2>&1 &
qpid=$!
for _ in $(seq 1 180); do
    grep -q VMNET-NESTED-READY "$TREE/tmp/nested-selftest.log" 2>/dev/null && break
    kill -0 "$qpid" 2>/dev/null || break
    sleep 0.5
done
kill "$qpid" 2>/dev/null || true
wait "$qpid" 2>/dev/null || true
mv "$TREE/tmp/nested-selftest.log" "$WORK/nested-selftest.log" 2>/dev/null || true
grep -q VMNET-NESTED-READY "$WORK/nested-selftest.log" 2>/dev/null \
    || { tail -n 20 "$WORK/nested-selftest.log" >&2 2>/dev/null; die "nested initramfs did not reach its ready marker"; }
for m in failover net_failover virtio_net igbvf; do
    grep 'nested-init: modules:' "$WORK/nested-selftest.log" | grep -qw "$m" \
        || die "nested initramfs: module $m not loaded"
done
# quiet boot, but the failover lines (after /init raised the log level) reach the console
grep -Eq 'failover master:[^ ]+ registered' "$WORK/nested-selftest.log" \
    && grep -Eq 'failover standby slave:[^ ]+ registered' "$WORK/nested-selftest.log" \
    || die "nested initramfs: no 'failover master/standby ... registered' on the console"
say "nested initramfs reached VMNET-NESTED-READY ($(grep -o 'VMNET-NESTED-READY.*' "$WORK/nested-selftest.log"))"
T3=$(date +%s)

# ---- ext4 image (no loop device) -------------------------------------------------------
used_mb=$(du -smx "$TREE" | cut -f1)
size_mb=$(( used_mb + used_mb / 2 + 1024 ))
say "mkfs.ext4 -d (tree ${used_mb} MB, image ${size_mb} MB sparse)"
rm -f "$WORK/rootfs.img"
truncate -s "${size_mb}M" "$WORK/rootfs.img"
mkfs.ext4 -q -F -L vmnet-lab -d "$TREE" "$WORK/rootfs.img"
T4=$(date +%s)
say "image done in $((T4 - T3))s"

cat > "$WORK/build-info.txt" <<EOF
hash=$HASH
suite=$SUITE
mirror=$MIRROR
kernel=$KVER
qemu=$(grep -E '^qemu-system-x86 ' "$WORK/manifest.txt" | cut -d' ' -f2)
libvirt=$(grep -E '^libvirt-daemon ' "$WORK/manifest.txt" | cut -d' ' -f2)
seconds_debootstrap=$((T1 - T0))
seconds_packages=$((T2 - T1))
seconds_config_nested=$((T3 - T2))
seconds_image=$((T4 - T3))
seconds_total=$((T4 - T0))
EOF
touch "$WORK/complete"
rm -rf "$OUT"
mv "$WORK" "$OUT"
# Drop builds of other cache keys (each is ~2 GB) unless LAB_KEEP_OLD=1.
if [ "${LAB_KEEP_OLD:-0}" != 1 ]; then
    for d in "$CACHE_ROOT"/*/; do
        d=${d%/}
        case "$(basename "$d")" in "$HASH") continue ;; esac
        if [ -f "$d/complete" ] && [ -d "$d/tree" ] && echo "$(basename "$d")" | grep -Eq '^[0-9a-f]{16}$'; then
            say "removing old build $d"; rm -rf "$d" "$CACHE_ROOT/.lock-$(basename "$d")"
        fi
    done
fi
say "build complete in $((T4 - T0))s: $OUT"
echo "$OUT"
