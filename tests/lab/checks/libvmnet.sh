#!/bin/sh
# libvmnet on a real SR-IOV host (the lab's emulated 82576 behind an emulated IOMMU):
# the flows of the SR-IOV walkthrough through the vmnet tool built on the host.
# Needs boot.sh --build BUILD_DIR. Runs inside the lab guest as /lab/run-in-guest.sh.
. /lab/lib-guest.sh
. /lab/lib-vmnet.sh

note "libvmnet: start"
vmnet_wait_libvirtd
note "PF $PF ($PF_ADDR)"

get_pf() {
    $VMNET -o json get-netadaptersriov "$PF" > /tmp/pf.json || return 1
    $J "import json; p=json.load(open('/tmp/pf.json'))[0]; print(p); assert p['TotalVFs']==7 and p['Driver']=='igb', p"
}
check get-netadaptersriov-82576-max-7 get_pf

check set-netadaptersriov-4-vfs vmnet_set_4_vfs

test_sriov_host() {
    $VMNET -o json test-sriov > /tmp/checks.json
    rc=$?
    $J "
import json
c={x['Check']: x['Result'] for x in json.load(open('/tmp/checks.json')) if x['Scope']=='Host'}
print(c)
for k in ('connection','hostdev','dma-remapping','interrupt-remapping','vfio','sriov-adapter','vfs-enabled','vf-isolation'):
    assert c[k]=='PASS', (k, c[k])" || return 1
    echo "test-sriov exit $rc"
}
check test-sriov-host-passes test_sriov_host

pf_down_is_diagnosed() {
    ip link set "$PF" down
    $VMNET -o json test-sriov > /tmp/checks.json
    $J "
import json
c=[x for x in json.load(open('/tmp/checks.json')) if x['Scope']=='Switch' and x['Object']=='lab' and x['Check']=='switch-adapter-up']
print(c)
assert c and c[0]['Result']=='FAIL' and 'ip link set' in c[0]['Fix'], c" || return 1
    ip link set "$PF" up
}

check new-vmswitch-enable-iov vmnet_new_iov_switch lab
check pf-down-is-diagnosed pf_down_is_diagnosed

vf_attach() {
    vmnet_define_vm nested1 6 || return 1
    $VMNET -o json add-vmnetworkadapter --vm-name nested1 --switch-name lab --name net0 > /tmp/a.json || return 1
    MAC=$($J "import json; print(json.load(open('/tmp/a.json'))[0]['MacAddress'])")
    echo "$MAC" > /tmp/mac
    virsh -c qemu:///system start --paused nested1 >/dev/null || return 1
    $VMNET set-vmnetworkadapter --vm-name nested1 --name net0 --iov-weight 100 || return 1
    $VMNET -o json get-vmnetworkadapter --vm-name nested1 > /tmp/a.json || return 1
    $J "
import json
a=json.load(open('/tmp/a.json'))[0]
print(a['IovUsage'], a['VirtualFunction'], a['Status'], a['StatusDescription'])
# Plugged, but the paused guest has not taken it: IovUsage counts what the guest has.
assert a['IovUsage']==0 and a['VirtualFunction'], a
assert a['StatusDescription'][0]=='Degraded (SR-IOV guest error)', a" || return 1
    virsh -c qemu:///system dumpxml nested1 > /tmp/live.xml
    grep -q "<interface type='hostdev'" /tmp/live.xml || { echo "no hostdev interface"; return 1; }
    grep -q "teaming type='transient' persistent='ua-net0'" /tmp/live.xml || { echo "no transient teaming"; return 1; }
    ip link show "$PF" | grep -i "$MAC" || { ip link show "$PF"; echo "VF MAC $MAC not set on the PF"; return 1; }
    $VMNET -o json get-vmswitch lab > /tmp/sw.json
    $J "import json; s=json.load(open('/tmp/sw.json'))[0]; print(s['IovVirtualFunctionsInUse']); assert s['IovVirtualFunctionsInUse']==1, s"
}
check vf-attached-with-failover vf_attach

vf_line() {
    $VMNET -o json get-netadaptersriovvf --name "$PF" > /tmp/vfs.json
    idx=$($J "import json; print([v['FunctionID'] for v in json.load(open('/tmp/vfs.json')) if v['VmFriendlyName']=='nested1'][0])")
    ip link show "$PF" | grep "vf $idx "
}

allow_teaming() {
    $VMNET set-vmnetworkadapter --vm-name nested1 --name net0 --allow-teaming on || return 1
    line=$(vf_line) || return 1
    echo "$line"
    echo "$line" | grep -q "spoof checking off" || { echo "spoof checking not off"; return 1; }
    echo "$line" | grep -q "trust on" || { echo "trust not on"; return 1; }
    $VMNET set-vmnetworkadapter --vm-name nested1 --name net0 --allow-teaming off || return 1
    line=$(vf_line) || return 1
    echo "$line"
    echo "$line" | grep -q "spoof checking on" || { echo "spoof checking not restored"; return 1; }
    echo "$line" | grep -q "trust off" || { echo "trust not restored"; return 1; }
}
check allow-teaming-trust-and-spoofchk allow_teaming

more_adapters_than_vfs() {
    vmnet_define_vm nested2 10 || return 1
    for n in a b c d; do
        $VMNET add-vmnetworkadapter --vm-name nested2 --switch-name lab --name "$n" >/dev/null || return 1
    done
    virsh -c qemu:///system start --paused nested2 >/dev/null || return 1
    for n in a b c d; do
        $VMNET set-vmnetworkadapter --vm-name nested2 --name "$n" --iov-weight 50 || return 1
    done
    $VMNET -o json get-vmnetworkadapter --vm-name nested2 > /tmp/n2.json
    $VMNET -o json get-vmswitch lab > /tmp/sw.json
    $J "
import json
a=json.load(open('/tmp/n2.json')); s=json.load(open('/tmp/sw.json'))[0]
print([(x['Name'], x['VirtualFunction'], x['Status']) for x in a], s['IovVirtualFunctionsInUse'])
assert s['IovVirtualFunctionsInUse']==4, s
assert sum(1 for x in a if x['VirtualFunction'])==3, a
waiting=[x for x in a if not x['VirtualFunction']]
assert len(waiting)==1 and waiting[0]['Status']=='Degraded', waiting
assert any('No free VF' in d for d in waiting[0]['StatusDescription']), waiting[0]['StatusDescription']"
}
check more-adapters-than-vfs more_adapters_than_vfs

numvfs_busy() {
    $VMNET set-netadaptersriov "$PF" --num-vfs 2
    rc=$?
    [ "$rc" = 5 ] || { echo "exit $rc, want 5 (busy)"; return 1; }
    [ "$(cat /sys/bus/pci/devices/$PF_ADDR/sriov_numvfs)" = 4 ] || { echo "sriov_numvfs changed"; return 1; }
}
check set-netadaptersriov-busy-while-in-use numvfs_busy

destroy_frees() {
    virsh -c qemu:///system destroy nested1 >/dev/null || return 1
    virsh -c qemu:///system destroy nested2 >/dev/null || return 1
    $VMNET -o json get-vmswitch lab > /tmp/sw.json
    $J "import json; s=json.load(open('/tmp/sw.json'))[0]; print(s['IovVirtualFunctionsInUse']); assert s['IovVirtualFunctionsInUse']==0, s"
}
check destroy-frees-the-vf destroy_frees

note "libvmnet: done"
