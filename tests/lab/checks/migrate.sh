#!/bin/sh
# Live migration with a real VF between two hosts in the lab: host A is the lab's libvirtd
# (PF 2, switch nest, the nested Linux from nested.sh holding a VF, left running with
# NESTED_KEEP=1), host B a second libvirtd (tests/daemon/libvirtd-env.sh in the host's network
# namespace, its own host UUID) with a switch nest on PF 1. Both PFs get a peer (a macvlan in
# bridge mode, in a network namespace of its own, the same address and MAC on both), which the
# nested Linux pings every 0.2 s when it was started with NESTED_PING=1.
#   move-vm --live A -> B; plain virsh migrate --live B -> A with vmnetd on A; move-vm
#   cancelled with SIGINT; move-vm whose destination dies mid-way.
# Runs inside the lab guest after nested.sh (checks/all.sh); needs boot.sh --build.
. /lab/lib-guest.sh
VMNET_PF_INDEX=2
. /lab/lib-vmnet.sh

VM=nested-linux
SWITCH=nest
POOL=$SWITCH-iov
NLOG=/var/tmp/$VM.console.log
STATE=/var/tmp/migrate.state
rm -rf "$STATE"; mkdir -p "$STATE"
state_set() { printf '%s\n' "$2" > "$STATE/$1"; }
state_get() { cat "$STATE/$1" 2>/dev/null; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

PFA=$PF PFA_ADDR=$PF_ADDR
PFB_ADDR=$(for d in /sys/bus/pci/drivers/igb/0000:*; do [ -e "$d/sriov_totalvfs" ] && basename "$d"; done | sed -n 1p)
PFB=$(ls "/sys/bus/pci/devices/$PFB_ADDR/net" 2>/dev/null | head -n1)
URI_A=qemu:///system
SDB=/var/tmp/host-b
URI_B="qemu+unix:///system?socket=$SDB/run/libvirt-sock"
VMNET_A=$VMNET
VMNET_B="$B/examples/vmnet/vmnet --connect $URI_B"
VIRSH_B="virsh -c $URI_B"
UUID_B=5eb0c3a1-7c1e-4c55-9d3a-000000000b0b
PEER=10.77.0.1 PEER_MAC=02:77:00:00:00:01
note "migrate: host A $URI_A on $PFA ($PFA_ADDR), host B on $PFB ($PFB_ADDR)"

pool_connections() { # VIRSH NET
    n=$($1 net-dumpxml "$2" 2>/dev/null | sed -n "s/^<network[^>]* connections='\([0-9]*\)'.*/\1/p")
    echo "${n:-0}"
}
vf_driver() {
    if [ -e "/sys/bus/pci/devices/$1/driver" ]; then basename "$(readlink "/sys/bus/pci/devices/$1/driver")"; else echo none; fi
}
adapter() { # VMNET [FIELD]: get-vmnetworkadapter of net0 in /tmp/ma.json, or one field
    $1 -o json get-vmnetworkadapter --vm-name "$VM" --name net0 > /tmp/ma.json || return 1
    [ $# -lt 2 ] || $J "import json,sys; v=json.load(open('/tmp/ma.json'))[0][sys.argv[1]]; print('' if v is None else v)" "$2"
}
state_of() { $1 domstate "$VM" 2>/dev/null | head -n1; }
has_vf() { [ "$(adapter "$1" IovUsage 2>/dev/null)" = 1 ]; }
log_mark() { wc -l < "$NLOG"; }
log_since() { tail -n "+$(($1 + 1))" "$NLOG"; }
# The VF's number on its PF, and the PF's view of it (MAC, VLAN, trust).
vf_index() { # PF_ADDR VF_ADDR
    for l in /sys/bus/pci/devices/$1/virtfn*; do
        [ "$(basename "$(readlink "$l")")" = "$2" ] && { basename "$l" | sed 's/virtfn//'; return 0; }
    done
    return 1
}
vf_line() { ip link show "$1" | grep -E "^ +vf $2 "; }
# A's VF is clean: back on igbvf, MAC not the guest's, no VLAN, trust off.
vf_clean() { # PF PF_ADDR VF_ADDR GUEST_MAC
    n=$(vf_index "$2" "$3") || { echo "no VF $3 on $2"; return 1; }
    l=$(vf_line "$1" "$n"); echo "VF $3 (vf $n): $l"
    [ "$(vf_driver "$3")" = igbvf ] || { echo "VF $3 on $(vf_driver "$3"), want igbvf"; return 1; }
    echo "$l" | grep -qi -- "$4" && { echo "VF still has the guest's MAC"; return 1; }
    echo "$l" | grep -q ' vlan [1-9]' && { echo "VF still has a VLAN"; return 1; }
    echo "$l" | grep -q 'trust on' && { echo "VF still trusted"; return 1; }
    return 0
}
# Traffic: the nested Linux's ping replies (busybox: "seq=N") in the console since MARK.
# Prints "received R, lost L of S sent, longest gap G ms" (0.2 s per sequence number).
traffic_since() {
    log_since "$1" | sed -n 's/.*from [0-9.]*: seq=\([0-9]*\) .*/\1/p' > /tmp/seqs.txt
    awk 'NR == 1 { first = $1; prev = $1; next }
         { gap = $1 - prev; if (gap > maxgap) maxgap = gap; prev = $1; n++ }
         END { if (NR == 0) { print "no replies"; exit 1 }
               printf "received %d, lost %d of %d sent, longest gap %d ms\n", NR, prev - first + 1 - NR, prev - first + 1, (maxgap > 0 ? maxgap : 1) * 200 }' /tmp/seqs.txt
}

# ---- host B -----------------------------------------------------------------------------
host_b_starts() {
    LIBVIRTD_ENV_HOST_NET=1 bash /lab/libvirtd-env.sh start "$SDB" --host-uuid "$UUID_B" || return 1
    ua=$(virsh -c "$URI_A" capabilities | sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' | head -n1)
    ub=$($VIRSH_B capabilities | sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' | head -n1)
    echo "host UUIDs: A $ua, B $ub"
    [ -n "$ub" ] && [ "$ua" != "$ub" ] || { echo "host UUIDs not distinct"; return 1; }
    # Both daemons register their QEMUs with the guest's systemd-machined as qemu-ID-NAME: B's
    # domain IDs must not meet A's ID of the nested Linux (B counts from 1). Throwaway starts.
    aid=$(virsh -c "$URI_A" domid "$VM" 2>/dev/null | head -n1)
    cat > /tmp/b-warmup.xml <<XML
<domain type='qemu'><name>b-warmup</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='q35'>hvm</type></os>
<devices><controller type='usb' model='none'/><memballoon model='none'/></devices></domain>
XML
    $VIRSH_B define /tmp/b-warmup.xml >/dev/null || return 1
    bid=0
    while [ "$bid" -le "${aid:-0}" ]; do
        $VIRSH_B start --paused b-warmup >/dev/null || return 1
        bid=$($VIRSH_B domid b-warmup | head -n1)
        $VIRSH_B destroy b-warmup >/dev/null
    done
    $VIRSH_B undefine b-warmup >/dev/null
    echo "nested Linux is domain $aid on A; B's next domain ID is above $bid"
}
check host-b-libvirtd-starts host_b_starts

# PF 1 belongs to host B from now on: host A's switches on it (earlier checks) go.
host_b_switch() {
    for n in $(virsh -c "$URI_A" net-list --all --name); do
        virsh -c "$URI_A" net-dumpxml "$n" | grep -q "dev='$PFB'" || continue
        s=${n%-iov}
        $VMNET_A remove-vmswitch "$s" >/dev/null 2>&1 || { virsh -c "$URI_A" net-destroy "$n"; virsh -c "$URI_A" net-undefine "$n"; } >/dev/null 2>&1
    done
    if [ "$(cat "/sys/bus/pci/devices/$PFB_ADDR/sriov_numvfs")" != 4 ]; then
        $VMNET_B set-netadaptersriov "$PFB" --num-vfs 4 || return 1
        udevadm settle --timeout=30
    fi
    ip link set "$PFB" up
    $VMNET_B -o json new-vmswitch --name "$SWITCH" --net-adapter "$PFB" --enable-iov > /tmp/swb.json || return 1
    $J "
import json
s=json.load(open('/tmp/swb.json'))[0]
print(s['Name'], s['IovVirtualFunctionCount'], s['IovVirtualFunctionsInUse'])
assert s['IovEnabled'] and s['IovVirtualFunctionCount']==4 and s['IovVirtualFunctionsInUse']==0, s"
}
check host-b-switch-nest-on-pf1 host_b_switch

peers() {
    for side in a:$PFA b:$PFB; do
        ns=peer-${side%%:*} pf=${side#*:}
        ip netns add "$ns" || return 1
        ip link add "$ns" link "$pf" address "$PEER_MAC" type macvlan mode bridge || return 1
        ip link set "$ns" netns "$ns" || return 1
        ip -n "$ns" addr add "$PEER/24" dev "$ns" && ip -n "$ns" link set "$ns" up || return 1
    done
}
check peers-on-both-pfs peers

nested_up() {
    [ "$(state_of "virsh -c $URI_A")" = running ] || { echo "$VM is not running on A"; return 1; }
    has_vf "$VMNET_A" || { echo "$VM holds no VF on A"; return 1; }
    v=$(adapter "$VMNET_A" VirtualFunction); echo "VF $v"
}
check nested-runs-on-a-with-vf nested_up || { note "migrate: no nested guest with a VF on A"; exit 0; }

# Replies come only while the guest is on its virtio path: the emulated 82576 has no link
# partner and does not loop a VF's frames back to its PF, so the VF path never reaches the
# peer. The moves below count the replies in their window (VF out, migration, VF in).
pings() {
    m=$(log_mark); sleep 8
    traffic_since "$m" || true
}
note "migrate: peer replies on the VF path (expected none): $(pings)"
state_set pings 1

# ---- move-vm --live A -> B --------------------------------------------------------------
move_a_to_b() {
    vf=$(adapter "$VMNET_A" VirtualFunction); mac=$(adapter "$VMNET_A" MacAddress)
    # The pre-flight tells B's real free VF count (what B's libvirt reports), not "unknown".
    $VMNET_A compare-vm --vm-name "$VM" --destination "$URI_B" || return 1
    $VMNET_A -o json compare-vm --vm-name "$VM" --destination "$URI_B" > /tmp/cmp.json || return 1
    $VMNET_B -o json get-vmswitch "$SWITCH" > /tmp/swb.json || return 1
    $J "
import json
c=json.load(open('/tmp/cmp.json')); s=json.load(open('/tmp/swb.json'))[0]
want=s['IovVirtualFunctionCount']-s['IovVirtualFunctionsInUse']
print('compare-vm: B has', c['DestinationFreeVFs'], 'free VFs; B says', want, '; report', c['Incompatibilities'])
assert c['Compatible'] and c['DestinationFreeVFs'] == want and want > 0, c
assert not c['Incompatibilities'], c['Incompatibilities']" || return 1
    m=$(log_mark); t0=$(now)
    timeout 600 $VMNET_A -o json move-vm --vm-name "$VM" --destination "$URI_B" --live \
        --migrate-uri tcp://127.0.0.1:49152 > /tmp/move.json || { cat /tmp/move.json; echo "move-vm failed"; return 1; }
    t_move=$(since "$t0"); cat /tmp/move.json
    [ "$(state_of "$VIRSH_B")" = running ] || { echo "not running on B"; return 1; }
    virsh -c "$URI_A" domstate "$VM" >/dev/null 2>&1 && { echo "still defined on A: $(state_of "virsh -c $URI_A")"; return 1; }
    log_since "$m" | grep -E 'failover primary slave:[^ ]+ unregistered' >/dev/null || { echo "the guest never released A's VF"; return 1; }
    wait_for 60 has_vf "$VMNET_B" || { cat /tmp/ma.json; echo "no VF from B"; return 1; }
    wait_for 90 sh -c "tail -n +$((m + 1)) $NLOG | grep -E 'failover primary slave:[^ ]+ unregistered' -A 1000 | grep -E 'failover primary slave:[^ ]+ registered' >/dev/null" ||
        { tail -n 20 "$NLOG"; echo "B's VF not paired by net_failover"; return 1; }
    t_pair=$(since "$t0")
    vb=$(adapter "$VMNET_B" VirtualFunction)
    [ "$(pool_connections "$VIRSH_B" "$POOL")" = 1 ] || { echo "B pool connections $(pool_connections "$VIRSH_B" "$POOL"), want 1"; return 1; }
    [ "$(pool_connections "virsh -c $URI_A" "$POOL")" = 0 ] || { echo "A pool connections not 0"; return 1; }
    $VMNET_A -o json get-vmswitch "$SWITCH" > /tmp/swa.json && $VMNET_B -o json get-vmswitch "$SWITCH" > /tmp/swb.json || return 1
    $J "
import json
a=json.load(open('/tmp/swa.json'))[0]; b=json.load(open('/tmp/swb.json'))[0]
print('in use: A', a['IovVirtualFunctionsInUse'], 'B', b['IovVirtualFunctionsInUse'])
assert a['IovVirtualFunctionsInUse']==0 and b['IovVirtualFunctionsInUse']==1" || return 1
    wait_for 30 vf_clean "$PFA" "$PFA_ADDR" "$vf" "$mac" >/dev/null
    vf_clean "$PFA" "$PFA_ADDR" "$vf" "$mac" || return 1
    tr=""; [ "$(state_get pings)" = 1 ] && tr=$(traffic_since "$m")
    log_since "$m" | grep -E 'failover|igbvf' | head -n 8
    note "timing: move-vm --live A -> B ${t_move} s (VF $vf out on A, $vb from B paired after ${t_pair} s); traffic: ${tr:-not counted}"
}
check move-vm-live-a-to-b move_a_to_b

# ---- plain virsh migrate --live B -> A (another actor), vmnetd on A -----------------------
# libvirt carries the VF's <interface type='network'> (teaming transient) in the migrated
# definition: A plugs one from its own pool of that name when the VM arrives; vmnetd on A would
# give one if it did not.
virsh_back() {
    [ "$(state_of "$VIRSH_B")" = running ] || { echo "not on B"; return 1; }
    vb=$(adapter "$VMNET_B" VirtualFunction); mac=$(adapter "$VMNET_B" MacAddress)
    G_MESSAGES_DEBUG="vmnetd Vmnet" $B/examples/vmnetd/vmnetd --connect "$URI_A" > /lab/out/migrate-vmnetd.log 2>&1 &
    echo $! > "$STATE/vmnetd-pid"
    wait_for 60 grep -q "full resync" /lab/out/migrate-vmnetd.log || { echo "vmnetd did not start"; return 1; }
    m=$(log_mark); t0=$(now)
    timeout 600 $VIRSH_B migrate --live --persistent --undefinesource --verbose "$VM" "$URI_A" \
        --migrateuri tcp://127.0.0.1:49153 > /tmp/vmig.txt 2>&1
    rc=$?; t_mig=$(since "$t0"); cat /tmp/vmig.txt
    [ $rc = 0 ] || { echo "virsh migrate exit $rc"; return 1; }
    log_since "$m" | grep -E 'failover|igbvf' | head -n 8
    [ "$(state_of "virsh -c $URI_A")" = running ] || { echo "not running on A"; return 1; }
    unplugged=no; log_since "$m" | grep -E 'failover primary slave:[^ ]+ unregistered' >/dev/null && unplugged=yes
    wait_for 90 has_vf "$VMNET_A" || { tail -n 5 /lab/out/migrate-vmnetd.log; cat /tmp/ma.json; echo "no VF on A after arrival"; return 1; }
    t_vf=$(since "$t0")
    wait_for 90 sh -c "tail -n +$((m + 1)) $NLOG | grep -E 'failover primary slave:[^ ]+ unregistered' -A 1000 | grep -E 'failover primary slave:[^ ]+ registered' >/dev/null" ||
        { echo "A's VF not paired"; return 1; }
    t_pair=$(since "$t0")
    [ "$(pool_connections "$VIRSH_B" "$POOL")" = 0 ] || { echo "B pool connections not 0"; return 1; }
    wait_for 30 vf_clean "$PFB" "$PFB_ADDR" "$vb" "$mac" >/dev/null
    vf_clean "$PFB" "$PFB_ADDR" "$vb" "$mac" || return 1
    tr=""; [ "$(state_get pings)" = 1 ] && tr=$(traffic_since "$m")
    # Let the guest's igbvf finish bringing the VF up before the next unplug request.
    wait_for 30 sh -c "tail -n +$((m + 1)) $NLOG | grep -q 'igbvf .* Link is Up'"; sleep 5
    who=libvirt; grep -q "attached" /lab/out/migrate-vmnetd.log && who=vmnetd
    note "timing: virsh migrate --live B -> A ${t_mig} s (QEMU unplugged B's VF by itself: $unplugged), VF on A (plugged by $who) after ${t_vf} s, paired after ${t_pair} s; traffic: ${tr:-not counted}"
    kill -TERM "$(cat "$STATE/vmnetd-pid")"
}
check virsh-migrate-live-b-to-a virsh_back

# ---- cancel and a dying destination (migration slowed down so that there is a "mid-way") --
migrating() { virsh -c "$URI_A" domjobinfo "$VM" 2>/dev/null | grep -q 'Outgoing migration\|Unbounded'; }
move_bg() { # log file
    $VMNET_A move-vm --vm-name "$VM" --destination "$URI_B" --live --migrate-uri tcp://127.0.0.1:49154 > "$1" 2>&1 &
    echo $! > "$STATE/move-pid"
}
back_on_a() {
    s=$(state_of "virsh -c $URI_A"); [ "$s" = running ] || { echo "state on A '$s'"; return 1; }
    $VIRSH_B domstate "$VM" >/dev/null 2>&1 && { echo "defined on B too"; return 1; }
    wait_for 60 has_vf "$VMNET_A" || { cat /tmp/ma.json; echo "VF not back on A"; return 1; }
    wait_for 90 sh -c "tail -n +$(($1 + 1)) $NLOG | grep -E 'failover primary slave:[^ ]+ unregistered' -A 1000 | grep -E 'failover primary slave:[^ ]+ registered' >/dev/null" ||
        { echo "VF back but not paired"; return 1; }
}
cancel_move() {
    has_vf "$VMNET_A" || { echo "no VF on A before"; return 1; }
    virsh -c "$URI_A" migrate-setspeed "$VM" 4 || return 1
    m=$(log_mark); t0=$(now)
    move_bg /tmp/cancel.txt
    wait_for 120 migrating || { cat /tmp/cancel.txt; echo "no migration job seen"; return 1; }
    sleep 2; t_kill=$(since "$t0")
    kill -INT "$(cat "$STATE/move-pid")"
    wait "$(cat "$STATE/move-pid")"; rc=$?
    cat /tmp/cancel.txt
    [ $rc = 1 ] || { echo "exit $rc, want 1"; return 1; }
    grep -qi cancel /tmp/cancel.txt || { echo "no 'cancelled' in the output"; return 1; }
    back_on_a "$m" || return 1
    wait_for 30 sh -c "tail -n +$((m + 1)) $NLOG | grep -q 'igbvf .* Link is Up'"; sleep 5
    note "timing: move-vm cancelled (SIGINT ${t_kill} s after the start, mid-migration): VM on A with its VF paired again after $(since "$t0") s"
}
check move-vm-cancelled-vf-back-on-a cancel_move

dest_dies() {
    has_vf "$VMNET_A" || { echo "no VF on A before"; return 1; }
    m=$(log_mark); t0=$(now)
    move_bg /tmp/dies.txt
    wait_for 120 migrating || { cat /tmp/dies.txt; echo "no migration job seen"; return 1; }
    sleep 2
    bash /lab/libvirtd-env.sh stop "$SDB"   # B's libvirtd and its incoming QEMU
    t_kill=$(since "$t0")
    wait "$(cat "$STATE/move-pid")"; rc=$?
    cat /tmp/dies.txt
    [ $rc != 0 ] || { echo "move-vm succeeded"; return 1; }
    grep -qi 'migrat' /tmp/dies.txt || { echo "the error does not name the migration"; return 1; }
    s=$(state_of "virsh -c $URI_A"); [ "$s" = running ] || { echo "state on A '$s'"; return 1; }
    wait_for 60 has_vf "$VMNET_A" || { cat /tmp/ma.json; echo "VF not back on A"; return 1; }
    wait_for 90 sh -c "tail -n +$((m + 1)) $NLOG | grep -E 'failover primary slave:[^ ]+ unregistered' -A 1000 | grep -E 'failover primary slave:[^ ]+ registered' >/dev/null" ||
        { echo "VF back but not paired"; return 1; }
    note "timing: destination stopped ${t_kill} s into move-vm: exit $rc, VM on A with its VF paired again after $(since "$t0") s"
}
check move-vm-destination-dies-vm-stays-on-a dest_dies

# ---- wrap-up -------------------------------------------------------------------------------
bash /lab/libvirtd-env.sh stop "$SDB" 2>/dev/null
cp "$NLOG" /lab/out/migrate-console.log 2>/dev/null
cp "$SDB/log/libvirtd.log" /lab/out/host-b-libvirtd.log 2>/dev/null
ip netns del peer-a 2>/dev/null; ip netns del peer-b 2>/dev/null
note "migrate: done"
