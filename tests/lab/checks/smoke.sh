#!/bin/sh
# Lab smoke test: proves the lab itself works (emulated IOMMU with interrupt remapping,
# igb SR-IOV PF + VFs in separate IOMMU groups, libvirtd, binaries from the share).
# Runs inside the lab guest as /lab/run-in-guest.sh.
. /lab/lib-guest.sh

note "smoke: start"

iommu_enabled() {
    dmesg | grep 'DMAR: IOMMU enabled' >/dev/null || { echo "no 'DMAR: IOMMU enabled' in dmesg"; return 1; }
    [ -e /sys/class/iommu/dmar0 ] || { echo "/sys/class/iommu/dmar0 missing"; return 1; }
}
check iommu-enabled iommu_enabled

irq_remapping() {
    dmesg | grep 'DMAR-IR: Enabled IRQ remapping' >/dev/null || { echo "no 'DMAR-IR: Enabled IRQ remapping' in dmesg"; return 1; }
    grep -q 'IR-' /proc/interrupts || { echo "no IR- controllers in /proc/interrupts"; return 1; }
}
check interrupt-remapping irq_remapping

# The igb PF(s): PCI functions bound to igb that have SR-IOV capability.
find_pfs() {
    for d in /sys/bus/pci/drivers/igb/0000:*; do
        [ -e "$d/sriov_totalvfs" ] && basename "$d"
    done
}
PF=$(find_pfs | head -n1)
PF_SYS=/sys/bus/pci/devices/$PF

igb_pf() {
    [ -n "$PF" ] || { lspci -nn; echo "no igb PF bound to igb"; return 1; }
    total=$(cat "$PF_SYS/sriov_totalvfs")
    echo "PF $PF sriov_totalvfs=$total"
    [ "$total" = 7 ] || { echo "sriov_totalvfs=$total, want 7"; return 1; }
}
check igb-pf-totalvfs-7 igb_pf

make_vfs() {
    [ -n "$PF" ] || { echo "no PF"; return 1; }
    t0=$(date +%s.%N)
    echo 4 > "$PF_SYS/sriov_numvfs" || { echo "write sriov_numvfs failed"; return 1; }
    udevadm settle --timeout=30
    t1=$(date +%s.%N)
    echo "sriov_numvfs=4 took $(echo "$t0 $t1" | awk '{printf "%.2f", $2-$1}')s"
    n=$(ls -d "$PF_SYS"/virtfn* 2>/dev/null | wc -l)
    [ "$n" = 4 ] || { echo "$n virtfn links, want 4"; return 1; }
}
check sriov-4-vfs make_vfs

vf_groups() {
    pg=$(basename "$(readlink "$PF_SYS/iommu_group")")
    seen=" $pg "
    for v in "$PF_SYS"/virtfn*; do
        g=$(basename "$(readlink "$v/iommu_group")") || { echo "$v has no iommu_group"; return 1; }
        n=$(ls "$v/iommu_group/devices" | wc -l)
        echo "$(basename "$(readlink "$v")") group $g ($n devices)"
        [ "$n" = 1 ] || { echo "group $g has $n devices"; return 1; }
        case "$seen" in *" $g "*) echo "group $g shared"; return 1;; esac
        seen="$seen$g "
    done
}
check vfs-own-iommu-groups vf_groups

libvirtd_up() {
    virsh -c qemu:///system version || return 1
}
check libvirtd-connect wait_for 60 libvirtd_up

nodedev_lists() {
    list=$(virsh -c qemu:///system nodedev-list --cap pci) || return 1
    pfname=pci_$(echo "$PF" | tr ':.' '__')
    echo "$list" | grep -qx "$pfname" || { echo "$list"; echo "PF $pfname not listed"; return 1; }
    for v in "$PF_SYS"/virtfn*; do
        a=pci_$(basename "$(readlink "$v")" | tr ':.' '__')
        echo "$list" | grep -qx "$a" || { echo "VF $a not listed"; return 1; }
    done
    virsh -c qemu:///system nodedev-dumpxml "$pfname" | grep -q "capability type='virt_functions'" \
        || { echo "PF XML has no virt_functions"; return 1; }
}
check nodedev-pf-and-vfs nodedev_lists

nested_assets() {
    [ -s /opt/vmnet-lab/nested-initrd.img ] && [ -s /opt/vmnet-lab/vmlinuz ]
}
check nested-assets nested_assets

# A build tree from the host (boot.sh --build DIR mounts it read-only at /lab/build):
# every ELF file in it must resolve all its libraries in the guest; executables are run
# with --help, shared libraries are loaded (dlopen via python3 ctypes) from the 9p share.
if [ -d /lab/build ] && [ -n "$(ls -A /lab/build 2>/dev/null)" ]; then
    build_binaries() {
        n=0
        find /lab/build -type f \( -name '*.so*' -o -perm -u+x \) \
            ! -path '*/meson-private/*' ! -path '*.p/*' > /tmp/lab-build-files 2>/dev/null
        while IFS= read -r f; do
            [ "$(head -c4 "$f" | tail -c3)" = ELF ] || continue
            n=$((n + 1))
            missing=$(ldd "$f" 2>&1 | grep 'not found')
            [ -z "$missing" ] || { echo "$f: $missing"; return 1; }
            case "$f" in
                *.so|*.so.*)
                    python3 -c 'import ctypes, sys; ctypes.CDLL(sys.argv[1])' "$f" \
                        || { echo "$f: cannot be loaded"; return 1; } ;;
                *)
                    timeout 30 "$f" --help >/dev/null 2>&1; rc=$?
                    [ "$rc" -lt 124 ] || { echo "$f --help: status $rc"; return 1; } ;;
            esac
            echo "$f: ok"
        done < /tmp/lab-build-files
        [ "$n" -gt 0 ] || { echo "no ELF files in /lab/build"; return 1; }
    }
    check share-build-binaries build_binaries
else
    skip share-build-binaries "no build tree at /lab/build (boot.sh --build DIR)"
fi

note "smoke: end"
