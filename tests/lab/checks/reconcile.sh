#!/bin/sh
# vmnetd on a real SR-IOV host (the lab's emulated 82576): VFs handed out as VMs start and as
# VFs come free, by IovWeight, with the longest waiting first among equals, and nothing taken
# from an adapter that still wants its VF. Two VFs for five adapters. The nested domains are
# started paused (no guest OS is needed to attach a VF, nor to free it by destroying the VM).
# Needs boot.sh --build BUILD_DIR. Runs inside the lab guest as /lab/run-in-guest.sh.
. /lab/lib-guest.sh
. /lab/lib-vmnet.sh

V=$VIRSH
LOG=/lab/out/vmnetd.log

note "reconcile: start"
vmnet_wait_libvirtd
note "PF $PF ($PF_ADDR)"

setup() {
    # After checks/libvmnet.sh in the same boot (checks/all.sh runs both): its VMs and
    # switch go first.
    for vm in nested1 nested2; do $V destroy "$vm"; $V undefine "$vm"; done >/dev/null 2>&1
    $VMNET remove-vmswitch lab --force >/dev/null 2>&1
    # libvirt refuses VFs of a PF that is down.
    ip link set "$PF" up
    $VMNET set-netadaptersriov "$PF" --num-vfs 2 || return 1
    udevadm settle --timeout=30
    $VMNET new-vmswitch --name lab --net-adapter "$PF" --enable-iov >/dev/null || return 1
    for vm in hold light heavy mid late; do
        vmnet_define_vm "$vm" || return 1
        $VMNET add-vmnetworkadapter --vm-name "$vm" --switch-name lab --name net0 >/dev/null || return 1
    done
    # Settings of stopped VMs are stored; VFs come when they run.
    for pair in hold:10 light:20 heavy:90 mid:50 late:50; do
        $VMNET set-vmnetworkadapter --vm-name "${pair%%:*}" --iov-weight "${pair#*:}" || return 1
    done
}
check setup-2-vfs-5-adapters setup

G_MESSAGES_DEBUG="vmnetd Vmnet" $B/examples/vmnetd/vmnetd --connect qemu:///system --verbose > "$LOG" 2>&1 &
VMNETD_PID=$!
wait_for 30 grep -q "full resync" "$LOG"

usage() { # VM -> 1 when a VF is plugged for its adapter (these guests run no OS, so none takes
          # the VF and IovUsage stays 0: "Degraded (SR-IOV guest error)")
    $VMNET -o json get-vmnetworkadapter --vm-name "$1" | $J "import json,sys; print(1 if json.load(sys.stdin)[0]['VirtualFunction'] else 0)"
}
has_vf() { [ "$(usage "$1")" = 1 ]; }
no_vf() { [ "$(usage "$1")" = 0 ]; }
in_use() {
    $VMNET -o json get-vmswitch lab | $J "import json,sys; print(json.load(sys.stdin)[0]['IovVirtualFunctionsInUse'])"
}

start_gets_vf() {
    t0=$(date +%s%N)
    $V start --paused hold >/dev/null || return 1
    wait_for 60 has_vf hold || { tail -n 5 "$LOG"; echo "hold got no VF"; return 1; }
    note "start -> VF attached by vmnetd: $(( ($(date +%s%N) - t0) / 1000000 )) ms (incl. polling the result)"
    grep -q "VM 'hold' adapter 'net0': VF .* attached" "$LOG" || { echo "no log line"; return 1; }
    $V start --paused light >/dev/null || return 1
    wait_for 60 has_vf light || { echo "light got no VF"; return 1; }
    [ "$(in_use)" = 2 ] || { echo "in use: $(in_use)"; return 1; }
}
check vm-start-gets-vf-from-vmnetd start_gets_vf

no_preemption() {
    $V start --paused mid >/dev/null || return 1
    sleep 1
    $V start --paused heavy >/dev/null || return 1
    wait_for 30 grep -q "VM 'heavy' adapter 'net0': waiting" "$LOG" || { tail -n 5 "$LOG"; return 1; }
    wait_for 30 grep -q "VM 'mid' adapter 'net0': waiting" "$LOG" || { tail -n 5 "$LOG"; return 1; }
    sleep 2
    # Heavier adapters wait; nobody loses a VF to them.
    has_vf hold && has_vf light && no_vf heavy && no_vf mid || { echo "VFs moved"; return 1; }
    $VMNET -o json get-vmnetworkadapter --vm-name heavy | $J "
import json,sys
a=json.load(sys.stdin)[0]
print(a['Status'], a['StatusDescription'])
assert a['Status']=='Degraded' and any('No free VF' in d for d in a['StatusDescription'])"
}
check heavier-adapters-wait-no-preemption no_preemption

freed_vf_goes_to_highest_weight() {
    $V destroy hold >/dev/null || return 1
    wait_for 60 has_vf heavy || { tail -n 5 "$LOG"; echo "heavy got no VF"; return 1; }
    no_vf mid || { echo "mid got a VF too"; return 1; }
    [ "$(in_use)" = 2 ] || { echo "in use: $(in_use)"; return 1; }
}
check destroyed-vm-vf-goes-to-highest-weight freed_vf_goes_to_highest_weight

ties_go_to_longest_waiting() {
    # mid (50) has waited since before late (50) started.
    $V start --paused late >/dev/null || return 1
    wait_for 30 grep -q "VM 'late' adapter 'net0': waiting" "$LOG" || return 1
    $V destroy light >/dev/null || return 1
    wait_for 60 has_vf mid || { tail -n 5 "$LOG"; echo "mid got no VF"; return 1; }
    no_vf late || { echo "late got one"; return 1; }
}
check equal-weights-longest-waiting-first ties_go_to_longest_waiting

last_waiting_gets_it() {
    $V destroy mid >/dev/null || return 1
    wait_for 60 has_vf late || { tail -n 5 "$LOG"; echo "late got no VF"; return 1; }
}
check last-waiting-adapter-gets-freed-vf last_waiting_gets_it

pool_connections() {
    $V net-dumpxml lab-iov | sed -n "s/.*<network connections='\([0-9]*\)'.*/\1/p"
}
hostdevs() { # VM -> number of hostdev interfaces in its live XML
    $V dumpxml "$1" | grep -c "<interface type='hostdev'"
}

libvirtd_restart_resync() {
    before=$(pool_connections)
    connects=$(grep -c "full resync" "$LOG")
    unit=libvirtd
    systemctl is-active --quiet virtqemud && unit=virtqemud
    systemctl restart "$unit" || return 1
    wait_for 240 sh -c "[ \$(grep -c 'full resync' '$LOG') -gt $connects ]" || { tail -n 5 "$LOG"; echo "no resync"; return 1; }
    grep -q "lost the connection" "$LOG" || { echo "loss not logged"; return 1; }
    # Nothing leaked, nothing given twice, as libvirt itself counts (a restarted libvirtd lists
    # its node devices only minutes later here, so libvmnet's per-PF counts are not used).
    [ "$(pool_connections)" = "$before" ] || { echo "pool connections $before -> $(pool_connections)"; return 1; }
    [ "$(hostdevs heavy)" = 1 ] && [ "$(hostdevs late)" = 1 ] || { echo "hostdevs: heavy $(hostdevs heavy) late $(hostdevs late)"; return 1; }
    has_vf heavy && has_vf late || { echo "an adapter lost its VF"; return 1; }
    # Still following events: a new VM gets the VF its neighbour frees.
    $V start --paused hold >/dev/null || return 1
    sleep 2
    $V destroy late >/dev/null || return 1
    wait_for 90 has_vf hold || { tail -n 5 "$LOG"; echo "hold got no VF after the restart"; return 1; }
}
check libvirtd-restart-resync-no-leak libvirtd_restart_resync

sigterm_leaves_vfs() {
    before=$(pool_connections)
    kill -TERM "$VMNETD_PID"
    # Gone, or a zombie: the script's shell reaps it only after this check.
    wait_for 30 sh -c "! kill -0 $VMNETD_PID 2>/dev/null || grep -q '^State:.*Z' /proc/$VMNETD_PID/status" ||
        { echo "vmnetd still running"; return 1; }
    grep -q "VFs left in place" "$LOG" || return 1
    [ "$(pool_connections)" = "$before" ] || { echo "pool connections $before -> $(pool_connections)"; return 1; }
    has_vf heavy || { echo "heavy lost its VF"; return 1; }
}
check sigterm-leaves-vfs sigterm_leaves_vfs

for vm in heavy hold late; do $V destroy "$vm" >/dev/null 2>&1; done
note "vmnetd log:"; sed 's/^/  vmnetd: /' "$LOG" | grep -v DEBUG | tail -n 40
note "reconcile: done"
