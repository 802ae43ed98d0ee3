#!/bin/sh
# NumVFs across a reboot on the lab host: set-netadaptersriov records the count in
# /etc/vmnet/sriov.conf; the reboot is simulated (the pool network stopped, sriov_numvfs back
# to 0, as the kernel starts) and vmnet-sriov.service, the unit the project ships with ExecStart
# pointed at the build tree, gives the VFs back under the guest's systemd; the pool network
# started again sees them. A configured count above the adapter's sriov_totalvfs fails the unit,
# and test-sriov says why. After service.sh in the same boot (checks/all.sh) its switch 'lab'
# on PF 1 is reused, else one is made; PF 1's count and the files are put back at the end.
# Needs boot.sh --build BUILD_DIR. Runs inside the lab guest as /lab/run-in-guest.sh.
. /lab/lib-guest.sh
. /lab/lib-vmnet.sh

V=$VIRSH
UNIT=/etc/systemd/system/vmnet-sriov.service
NUMVFS=/sys/bus/pci/devices/$PF_ADDR/sriov_numvfs
note "boot-numvfs: start ($PF, $PF_ADDR)"
vmnet_wait_libvirtd
ORIG=$(cat "$NUMVFS")
# Checks run in subshells: what they share is decided here.
if $VMNET get-vmswitch lab >/dev/null 2>&1; then SW=lab MADE_SW=; else SW=bootsw MADE_SW=1; fi

vf_count() { # SWITCH -> IovVirtualFunctionCount
    $VMNET -o json get-vmswitch "$1" | $J "import json,sys; print(json.load(sys.stdin)[0]['IovVirtualFunctionCount'])"
}

set_and_record() {
    for vm in hold light heavy mid late svc; do $V destroy "$vm"; $V undefine "$vm"; done >/dev/null 2>&1
    vmnet_set_4_vfs || return 1
    [ -z "$MADE_SW" ] || vmnet_new_iov_switch "$SW" || return 1
    cat /etc/vmnet/sriov.conf
    grep -A2 "^\[$PF_ADDR\]\$" /etc/vmnet/sriov.conf | grep -qx "num-vfs=4" || { echo "num-vfs=4 not recorded"; return 1; }
    grep -A2 "^\[$PF_ADDR\]\$" /etc/vmnet/sriov.conf | grep -qx "name=$PF" || { echo "name=$PF not recorded"; return 1; }
    $VMNET -o json get-netadaptersriov "$PF" | $J "
import json,sys
p=json.load(sys.stdin)[0]
assert (p['NumVFs'], p['ConfiguredNumVFs'])==(4, 4), p"
}
check boot-numvfs-set-records set_and_record

install_unit() {
    sed "s|^ExecStart=[^ ]*|ExecStart=$B/examples/vmnet/vmnet|" "$B/examples/vmnetd/vmnet-sriov.service" > "$UNIT" || return 1
    mkdir -p "$UNIT.d"
    printf '[Service]\nEnvironment=LD_LIBRARY_PATH=%s/libvmnet\n' "$B" > "$UNIT.d/build-tree.conf"
    systemctl daemon-reload || return 1
    systemd-analyze verify "$UNIT" 2>&1 | grep -v 'man vmnet' | grep . && return 1
    # Ordered before every libvirt daemon and vmnetd.
    before=$(systemctl show -p Before --value vmnet-sriov.service)
    echo "Before=$before"
    for u in libvirtd.service virtqemud.service virtnetworkd.service virtnodedevd.service libvirt-guests.service vmnetd.service; do
        echo "$before" | tr ' ' '\n' | grep -qx "$u" || { echo "not before $u"; return 1; }
    done
    out=$(systemd-analyze security vmnet-sriov.service | tail -n 1)
    echo "$out"
    systemd-analyze security --threshold=30 vmnet-sriov.service >/dev/null || { echo "exposure above 3.0"; return 1; }
}
check boot-numvfs-unit-installs install_unit

reboot_gives_vfs_back() {
    # What a reboot leaves: no pool network running, no VFs.
    $V net-destroy "$SW-iov" >/dev/null || return 1
    echo 0 > "$NUMVFS" || return 1
    udevadm settle --timeout=30
    [ "$(cat "$NUMVFS")" = 0 ] || return 1
    rm -f /run/vmnet/sriov-boot.conf
    t0=$(date +%s%N)
    timeout 60 systemctl start vmnet-sriov.service || { systemctl status vmnet-sriov --no-pager; return 1; }
    note "systemctl start vmnet-sriov: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
    udevadm settle --timeout=30
    [ "$(systemctl is-active vmnet-sriov)" = active ] || return 1
    [ "$(cat "$NUMVFS")" = 4 ] || { echo "sriov_numvfs is $(cat "$NUMVFS"), not 4"; return 1; }
    journalctl -u vmnet-sriov -o cat --no-pager | grep "$PF_ADDR"
    journalctl -u vmnet-sriov -o cat | grep -q "$PF_ADDR $PF: NumVFs 4 applied" || return 1
    cat /run/vmnet/sriov-boot.conf
    grep -A3 "^\[$PF_ADDR\]\$" /run/vmnet/sriov-boot.conf | grep -qx status=applied || return 1
    # libvirt starts its networks after the unit: the pool has the VFs again.
    $V net-start "$SW-iov" >/dev/null || return 1
    wait_for 30 sh -c "[ \"\$($VMNET -o json get-vmswitch $SW | $J 'import json,sys; print(json.load(sys.stdin)[0][\"IovVirtualFunctionCount\"])')\" = 4 ]" ||
        { echo "switch $SW has $(vf_count "$SW") VFs, not 4"; return 1; }
    n=$($V net-dumpxml "$SW-iov" | grep -c "<address type='pci'")
    echo "pool $SW-iov lists $n VFs"
    [ "$n" = 4 ]
}
check boot-numvfs-reboot-gives-vfs-back reboot_gives_vfs_back

too_many_says_why() {
    total=$(cat "/sys/bus/pci/devices/$PF_ADDR/sriov_totalvfs")
    sed -i "/^\[$PF_ADDR\]\$/,/^\[/ s/^num-vfs=.*/num-vfs=$((total + 1))/" /etc/vmnet/sriov.conf || return 1
    echo 0 > "$NUMVFS"
    udevadm settle --timeout=30
    if timeout 60 systemctl restart vmnet-sriov.service; then echo "the unit did not fail"; return 1; fi
    [ "$(systemctl is-failed vmnet-sriov)" = failed ] || return 1
    journalctl -u vmnet-sriov -o cat --no-pager | tail -n 3
    grep -A6 "^\[$PF_ADDR\]\$" /run/vmnet/sriov-boot.conf | grep -qx code=no-resources || return 1
    [ "$(cat "$NUMVFS")" = 0 ] || return 1
    $VMNET -o json test-sriov > /tmp/test-sriov.json
    $J "
import json
c=[c for c in json.load(open('/tmp/test-sriov.json')) if c['Check']=='configured-num-vfs']
print(c)
assert len(c)==1 and c[0]['Result']=='WARN', c
assert 'the boot-time apply failed' in c[0]['Message'] and 'offers only $total' in c[0]['Message'], c
assert 'firmware' in c[0]['Fix'], c"
}
check boot-numvfs-too-many-says-why too_many_says_why

set_again_passes() {
    systemctl reset-failed vmnet-sriov.service
    $VMNET set-netadaptersriov "$PF" --num-vfs 4 || return 1
    udevadm settle --timeout=30
    $VMNET -o json test-sriov | $J "
import json,sys
c=[c for c in json.load(sys.stdin) if c['Check']=='configured-num-vfs']
print(c)
assert len(c)==1 and c[0]['Result']=='PASS', c"
}
check boot-numvfs-set-again-passes set_again_passes

# Back as it was: the unit and the files gone, PF 1's count and switch as before.
systemctl stop vmnet-sriov.service >/dev/null 2>&1
rm -rf "$UNIT" "$UNIT.d"
systemctl daemon-reload
systemctl reset-failed vmnet-sriov.service >/dev/null 2>&1
[ -n "$MADE_SW" ] && $VMNET remove-vmswitch "$SW" --force >/dev/null 2>&1
$V net-info "$SW-iov" 2>/dev/null | grep -q 'Active: *no' && $V net-start "$SW-iov" >/dev/null 2>&1
[ "$(cat "$NUMVFS")" = "$ORIG" ] || $VMNET set-netadaptersriov "$PF" --num-vfs "$ORIG" >/dev/null 2>&1
rm -f /etc/vmnet/sriov.conf /run/vmnet/sriov-boot.conf
note "boot-numvfs: done"
