#!/bin/sh
# The whole lab in one boot (meson test lab-all; boot.sh --igb-count 2 --build BUILD_DIR):
# the nested Linux needs minutes to boot under TCG inside TCG, so its domain is started
# first on the second PF (switch nest) and the other checks run on the first PF meanwhile:
#   1. nested.sh, start phase: 4 VFs and switch nest on PF 2, nested domain started
#   2. smoke.sh: the lab itself (IOMMU, interrupt remapping, VFs, libvirt, build binaries)
#   3. libvmnet.sh: the walkthrough's flows on PF 1 (paused nested domains); vlan.sh: VLAN on
#      the software path (a bridge of its own); policy.sh: port policies on PF 1's VFs
#   4. reconcile.sh: vmnetd on PF 1 (restarts libvirtd; the nested domain keeps running);
#      service.sh: vmnetd under the guest's systemd, from the unit the project ships
#      (race.sh and boot-numvfs.sh have a boot of their own: checks/host.sh, lab-host)
#   5. nested.sh, checks phase: waits for the nested Linux, then attach/detach/save/restore/vmnetd
#   6. migrate.sh: a second libvirtd on PF 1; the nested Linux (pinging a peer all along) moves
#      there with move-vm and back with virsh migrate; a cancelled move; a dying destination
# Every script records its own PASS/FAIL lines. Runs inside the lab guest as /lab/run-in-guest.sh.
. /lab/lib-guest.sh

part() { # NAME SCRIPT [VAR=VALUE...]
    _t0=$(date +%s); _n=$1 _s=$2; shift 2
    env "$@" sh "/lab/checks/$_s"
    note "timing: $_n $(( $(date +%s) - _t0 )) s"
}

part nested-start nested.sh NESTED_PHASE=start VMNET_PF_INDEX=2 NESTED_SWITCH=nest NESTED_PING=1
part smoke smoke.sh
part libvmnet libvmnet.sh
part vlan vlan.sh
part policy policy.sh
part reconcile reconcile.sh
part service service.sh
# libvirtd was restarted by reconcile.sh: give it time to list PF 2's VFs again (the nested
# guest is most likely still booting meanwhile).
pf2=$(for d in /sys/bus/pci/drivers/igb/0000:*; do [ -e "$d/sriov_totalvfs" ] && basename "$d"; done | sed -n 2p)
vf_listed() {
    v=$(basename "$(readlink "/sys/bus/pci/devices/$pf2/virtfn0")")
    virsh -c qemu:///system nodedev-list --cap pci 2>/dev/null | grep -qx "pci_$(echo "$v" | tr ':.' '__')"
}
_t0=$(date +%s)
wait_for 180 vf_listed || note "PF 2's VFs still not listed by libvirt"
note "timing: node devices listed again $(( $(date +%s) - _t0 )) s after reconcile"
part nested-checks nested.sh NESTED_PHASE=checks VMNET_PF_INDEX=2 NESTED_SWITCH=nest NESTED_KEEP=1
part migrate migrate.sh
virsh -c qemu:///system destroy nested-linux >/dev/null 2>&1
