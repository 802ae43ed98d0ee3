#!/bin/sh
# Several vmnet clients change the same VMs' adapters at once while vmnetd hands out scarce VFs
# (two VFs for four adapters; before each round a VM holding a VF is restarted, so vmnetd moves
# VFs while the clients run): every command succeeds, no setting is lost, no VF is given twice,
# and every VF held has the trust and spoof checking (AllowTeaming) of the adapter holding it.
# Needs boot.sh --build BUILD_DIR. Runs inside the lab guest as /lab/run-in-guest.sh.
. /lab/lib-guest.sh
. /lab/lib-vmnet.sh

V=$VIRSH
LOG=/lab/out/vmnetd-race.log
VMS="r1 r2 r3 r4"

note "race: start"
vmnet_wait_libvirtd

setup() {
    # After reconcile.sh in the same boot (checks/all.sh): its VMs go, its switch 'lab' on two
    # VFs stays (service.sh uses it next); alone, the same is made here.
    for vm in hold light heavy mid late $VMS; do $V destroy "$vm"; $V undefine "$vm"; done >/dev/null 2>&1
    if ! $VMNET get-vmswitch lab >/dev/null 2>&1; then
        ip link set "$PF" up
        $VMNET set-netadaptersriov "$PF" --num-vfs 2 || return 1
        udevadm settle --timeout=30
        $VMNET new-vmswitch --name lab --net-adapter "$PF" --enable-iov >/dev/null || return 1
    fi
    [ "$(cat /sys/bus/pci/devices/$PF_ADDR/sriov_numvfs)" = 2 ] || { echo "sriov_numvfs is not 2"; return 1; }
    for vm in $VMS; do
        vmnet_define_vm "$vm" || return 1
        $VMNET add-vmnetworkadapter --vm-name "$vm" --switch-name lab --name net0 >/dev/null || return 1
        $VMNET set-vmnetworkadapter --vm-name "$vm" --iov-weight 50 || return 1
    done
}
check setup-2-vfs-4-adapters setup

G_MESSAGES_DEBUG="vmnetd Vmnet" $B/examples/vmnetd/vmnetd --connect qemu:///system --verbose > "$LOG" 2>&1 &
VMNETD_PID=$!
wait_for 30 grep -q "full resync" "$LOG"

in_use() {
    $VMNET -o json get-vmswitch lab | $J "import json,sys; print(json.load(sys.stdin)[0]['IovVirtualFunctionsInUse'])"
}
both_in_use() { [ "$(in_use)" = 2 ]; }

start_all() {
    for vm in $VMS; do $V start --paused "$vm" >/dev/null || return 1; done
    wait_for 60 both_in_use || { tail -n 5 "$LOG"; echo "in use: $(in_use)"; return 1; }
}
check vms-started-2-vfs-given start_all

# The VM whose live definition holds a VF of the switch's pool, first found.
holder() {
    for vm in $VMS; do
        $V dumpxml "$vm" 2>/dev/null | grep -q "<interface type='hostdev'" && { echo "$vm"; return; }
    done
}

# Round N: every VM's adapter gets AllowTeaming, an interrupt moderation and an IovWeight from
# three clients each, twelve at once, right after a VF holder was restarted.
clients() {
    : > /tmp/race-failed
    for round in 1 2 3 4 5 6; do
        h=$(holder)
        if [ -n "$h" ]; then $V destroy "$h" >/dev/null && $V start --paused "$h" >/dev/null; fi
        pids=""
        for vm in $VMS; do
            n=${vm#r}
            if [ $(( (round + n) % 2 )) = 0 ]; then team=on; mod=low; else team=off; mod=high; fi
            for setting in "--allow-teaming $team" "--iov-interrupt-moderation $mod" "--iov-weight $((40 + round))"; do
                # shellcheck disable=SC2086
                ( $VMNET set-vmnetworkadapter --vm-name "$vm" $setting > /tmp/race-$vm-$round.out 2>&1 ||
                    echo "round $round $vm $setting: $(cat /tmp/race-$vm-$round.out)" >> /tmp/race-failed ) &
                pids="$pids $!"
            done
        done
        # shellcheck disable=SC2086
        wait $pids
    done
    [ ! -s /tmp/race-failed ] || { cat /tmp/race-failed; return 1; }
}
check concurrent-clients-all-succeed clients

# vmnetd has nothing left to do: both VFs held (four adapters want one).
wait_for 60 both_in_use
sleep 3

outcome() {
    $VMNET -o json get-vmnetworkadapter --all > /tmp/race-adapters.json || return 1
    ip -d link show "$PF" > /tmp/race-link.txt || return 1
    $V net-dumpxml lab-iov > /tmp/race-pool.xml || return 1
    for vm in $VMS; do $V dumpxml "$vm" > "/tmp/race-$vm.xml" || return 1; done
    for i in 0 1; do
        echo "$i $(basename "$(readlink "/sys/bus/pci/devices/$PF_ADDR/virtfn$i")")"
    done > /tmp/race-vfs.txt
    cat /tmp/race-link.txt
    VMS="$VMS" $J "
import json, os, re
import xml.etree.ElementTree as ET
vms = os.environ['VMS'].split()
adapters = {a['VMName']: a for a in json.load(open('/tmp/race-adapters.json')) if a['VMName'] in vms}
# No update lost: each VM has what round 6 gave it.
for vm in vms:
    n = int(vm[1:])
    team = (6 + n) % 2 == 0
    want = (team, 'Low' if team else 'High', 46)
    a = adapters[vm]
    got = (a['AllowTeaming'], a['IovInterruptModeration'], a['IovWeight'])
    assert got == want, (vm, got, want)
# No VF given twice: the VMs' live definitions, and libvirt's pool count.
held = {}
for vm in vms:
    root = ET.parse('/tmp/race-%s.xml' % vm).getroot()
    for iface in root.findall(\"devices/interface[@type='hostdev']\"):
        a = iface.find('source/address')
        addr = '%04x:%02x:%02x.%x' % tuple(int(a.get(k), 16) for k in ('domain', 'bus', 'slot', 'function'))
        assert addr not in held, ('given twice', addr, held.get(addr), vm)
        held[addr] = vm
pool = ET.parse('/tmp/race-pool.xml').getroot()
assert int(pool.get('connections', '0')) == len(held) == 2, (pool.get('connections'), held)
# Every VF held has its holder's AllowTeaming: trust on and spoof checking off, or the reverse.
index = dict(line.split() for line in open('/tmp/race-vfs.txt'))
link = open('/tmp/race-link.txt').read()
for i, addr in index.items():
    m = re.search(r'vf %s .*?spoof checking (on|off).*?trust (on|off)' % i, link)
    assert m, ('no VF line', i, link)
    spoof, trust = m.groups()
    if addr in held:
        team = adapters[held[addr]]['AllowTeaming']
        print('VF', i, addr, 'held by', held[addr], 'AllowTeaming', team, 'spoof', spoof, 'trust', trust)
        assert (trust == 'on') == team and (spoof == 'off') == team, (addr, held[addr], team, spoof, trust)
"
}
check no-lost-update-no-vf-twice-settings-on-holders-only outcome

kill -TERM "$VMNETD_PID"
wait "$VMNETD_PID" 2>/dev/null
for vm in $VMS; do $V destroy "$vm" >/dev/null 2>&1; done
note "vmnetd log:"; sed 's/^/  vmnetd: /' "$LOG" | grep -v DEBUG | tail -n 30
note "race: done"
