#!/bin/sh
# VLAN on the software path (a kernel with bridge VLAN filtering, unlike many CI hosts): the tap of
# a VM on a switch over a Linux bridge becomes an access port of the adapter's VLAN, through
# set-vmnetworkadapter and, after a restart made a new tap, through reconcile-vmhost and vmnetd.
# Needs boot.sh --build BUILD_DIR. Runs inside the lab guest (checks/all.sh, or alone).
. /lab/lib-guest.sh
. /lab/lib-vmnet.sh
vmnet_wait_libvirtd

# "VID:FLAGS" of the VM's tap on its bridge, e.g. "10:Egress Untagged,PVID".
vlan_port() {
    tap=$($VIRSH domiflist vlan1 | awk 'NR > 2 && $1 != "" { print $1; exit }')
    bridge -j vlan show dev "$tap" | $J "
import json, sys
print(' '.join('%d:%s' % (v['vlan'], ','.join(sorted(v.get('flags', [])))) for e in json.load(sys.stdin) for v in e['vlans']))"
}

vlan_port_is_10() { [ "$(vlan_port 2>/dev/null)" = "10:Egress Untagged,PVID" ]; }

vlan_check_result() {
    $VMNET -o json test-sriov --vm-name vlan1 > /tmp/vlan-checks.json
    $J "
import json
c=[x for x in json.load(open('/tmp/vlan-checks.json')) if x['Check']=='adapter-vlan']
print(c[0]['Result'] + ': ' + c[0]['Message'] if c else 'none')"
}

vlan_software_path() {
    ip link add vmnetbr0 type bridge vlan_filtering 1 || return 1
    ip link set vmnetbr0 up
    $VMNET new-vmswitch --name brsw --bridge vmnetbr0 > /dev/null || return 1
    vmnet_define_vm vlan1 || return 1
    $VMNET add-vmnetworkadapter --vm-name vlan1 --switch-name brsw --name net0 > /dev/null || return 1
    $VIRSH start --paused vlan1 > /dev/null || return 1
    got=$(vlan_port); echo "new tap: $got"
    [ "$got" = "1:Egress Untagged,PVID" ] || return 1
    $VMNET set-vmnetworkadapter --vm-name vlan1 --vlan-id 10 || return 1
    got=$(vlan_port); echo "after --vlan-id 10: $got"
    [ "$got" = "10:Egress Untagged,PVID" ] || return 1
    got=$(vlan_check_result); echo "$got"
    case $got in "PASS: Port "*" on bridge vmnetbr0 is an access port of VLAN 10"*) ;; *) return 1 ;; esac
    # A restart makes a new tap, in the bridge's default VLAN; the status says so; a pass fixes it.
    $VIRSH destroy vlan1 > /dev/null && $VIRSH start --paused vlan1 > /dev/null || return 1
    got=$(vlan_port); echo "after restart: $got"
    [ "$got" = "1:Egress Untagged,PVID" ] || return 1
    got=$(vlan_check_result); echo "$got"
    case $got in "WARN: "*"is in VLAN 1, not an access port of VLAN 10"*) ;; *) return 1 ;; esac
    $VMNET reconcile-vmhost --vm-name vlan1 > /dev/null || return 1
    got=$(vlan_port); echo "after reconcile-vmhost: $got"
    [ "$got" = "10:Egress Untagged,PVID" ] || return 1
    # vmnetd does the same when the VM starts.
    G_MESSAGES_DEBUG="vmnetd Vmnet" $B/examples/vmnetd/vmnetd --connect qemu:///system --verbose \
        > /lab/out/vmnetd-vlan.log 2>&1 &
    vmnetd_pid=$!
    sleep 3
    $VIRSH destroy vlan1 > /dev/null && $VIRSH start --paused vlan1 > /dev/null || { kill $vmnetd_pid; return 1; }
    t0=$(date +%s%N)
    wait_for 30 vlan_port_is_10
    got=$(vlan_port); echo "after restart under vmnetd: $got ($(( ($(date +%s%N) - t0) / 1000000 )) ms)"
    kill $vmnetd_pid; wait $vmnetd_pid 2>/dev/null
    [ "$got" = "10:Egress Untagged,PVID" ] || { grep -i vlan /lab/out/vmnetd-vlan.log | tail -5; return 1; }
    $VMNET set-vmnetworkadapter --vm-name vlan1 --untagged || return 1
    got=$(vlan_port); echo "after --untagged: $got"
    [ "$got" = "1:Egress Untagged,PVID" ] || return 1
}
check vlan-on-software-path vlan_software_path
$VIRSH destroy vlan1 > /dev/null 2>&1
$VIRSH undefine vlan1 > /dev/null 2>&1
$VMNET remove-vmswitch brsw > /dev/null 2>&1
ip link del vmnetbr0 2>/dev/null
