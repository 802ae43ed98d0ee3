#!/bin/sh
# What libvirt and QEMU do by themselves with a VM holding a teamed VF (no libvmnet verb):
# virsh save + restore, managedsave + start, an external memory snapshot + revert. Each
# attempt has a timeout (a hang is a finding); the outcome goes to "note probe: ..." lines.
# Runs after nested.sh with NESTED_KEEP=1 (the nested Linux on A, PF 2, switch nest).
. /lab/lib-guest.sh
VMNET_PF_INDEX=2
. /lab/lib-vmnet.sh
VM=nested-linux
POOL=nest-iov
NLOG=/var/tmp/$VM.console.log
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
iov() { $VMNET -o json get-vmnetworkadapter --vm-name "$VM" --name net0 > /tmp/pa.json 2>/dev/null &&
    $J "import json; a=json.load(open('/tmp/pa.json'))[0]; print(a['IovUsage'], a['VirtualFunction'], a['StatusDescription'])"; }
conns() { n=$($VIRSH net-dumpxml "$POOL" | sed -n "s/^<network[^>]* connections='\([0-9]*\)'.*/\1/p"); echo "${n:-0}"; }
hostdevs() { $VIRSH dumpxml "$VM" 2>/dev/null | grep -c "<interface type='hostdev'"; }
st() { $VIRSH domstate "$VM" --reason 2>/dev/null | head -n1; }
failover_lines() { tail -n "+$(($1 + 1))" "$NLOG" | grep -E 'failover primary|igbvf' | tr '\n' '|' | cut -c1-300; }
ensure_vf() {
    [ "$(st)" = "running (unpaused)" ] || [ "$(st | cut -d' ' -f1)" = running ] || return 1
    $VMNET set-vmnetworkadapter --vm-name "$VM" --name net0 --iov-weight 0 >/dev/null 2>&1
    $VMNET set-vmnetworkadapter --vm-name "$VM" --name net0 --iov-weight 100 >/dev/null 2>&1
    m=$(wc -l < "$NLOG"); wait_for 60 sh -c "tail -n +$((m + 1)) $NLOG | grep -q 'failover primary slave:.* registered'"
    [ "$(hostdevs)" = 1 ]
}
# After a hang: abort the job, resume; report what is left.
recover() {
    note "probe: $1 after timeout: state '$(st)', job: $($VIRSH domjobinfo "$VM" 2>&1 | grep -E 'Job type|Operation' | tr -s ' ' | tr '\n' ' ')"
    $VIRSH domjobabort "$VM" >/dev/null 2>&1; sleep 5
    case "$(st)" in paused*) $VIRSH resume "$VM" >/dev/null 2>&1 ;; esac
    note "probe: $1 after domjobabort+resume: state '$(st)', hostdev ifaces $(hostdevs), pool connections $(conns), adapter $(iov)"
}

probe_save() {
    ensure_vf || { echo "no VF before"; return 1; }
    rm -f /var/tmp/p.save; m=$(wc -l < "$NLOG"); t0=$(now)
    timeout 150 $VIRSH save "$VM" /var/tmp/p.save > /tmp/p.txt 2>&1; rc=$?
    note "probe: virsh save with a VF: exit $rc after $(since "$t0") s ($(tr '\n' ' ' < /tmp/p.txt | cut -c1-200)); state '$(st)', file $(stat -c %s /var/tmp/p.save 2>/dev/null || echo none) bytes, pool connections $(conns), guest: $(failover_lines "$m")"
    if [ $rc = 124 ]; then recover "virsh save"; pkill -f "virsh -c qemu:///system save" 2>/dev/null; return 0; fi
    [ $rc = 0 ] || return 0
    m=$(wc -l < "$NLOG"); t0=$(now)
    timeout 300 $VIRSH restore /var/tmp/p.save > /tmp/p.txt 2>&1; rc=$?
    sleep 20
    note "probe: virsh restore: exit $rc after $(since "$t0") s ($(tr '\n' ' ' < /tmp/p.txt | cut -c1-200)); state '$(st)', hostdev ifaces $(hostdevs), pool connections $(conns), adapter $(iov), guest: $(failover_lines "$m")"
}
check probe-virsh-save-restore probe_save

probe_managedsave() {
    ensure_vf || { echo "no VF before"; return 1; }
    m=$(wc -l < "$NLOG"); t0=$(now)
    timeout 150 $VIRSH managedsave "$VM" > /tmp/p.txt 2>&1; rc=$?
    note "probe: virsh managedsave with a VF: exit $rc after $(since "$t0") s ($(tr '\n' ' ' < /tmp/p.txt | cut -c1-200)); state '$(st)', pool connections $(conns), guest: $(failover_lines "$m")"
    if [ $rc = 124 ]; then recover "virsh managedsave"; return 0; fi
    [ $rc = 0 ] || return 0
    m=$(wc -l < "$NLOG"); t0=$(now)
    timeout 300 $VIRSH start "$VM" > /tmp/p.txt 2>&1; rc=$?
    sleep 20
    note "probe: virsh start (managed save): exit $rc after $(since "$t0") s ($(tr '\n' ' ' < /tmp/p.txt | cut -c1-200)); state '$(st)', hostdev ifaces $(hostdevs), pool connections $(conns), adapter $(iov), guest: $(failover_lines "$m")"
}
check probe-virsh-managedsave-start probe_managedsave

probe_snapshot() {
    ensure_vf || { echo "no VF before"; return 1; }
    rm -f /var/tmp/p.mem; m=$(wc -l < "$NLOG"); t0=$(now)
    timeout 150 $VIRSH snapshot-create-as "$VM" p1 --memspec file=/var/tmp/p.mem,snapshot=external > /tmp/p.txt 2>&1; rc=$?
    note "probe: virsh snapshot-create-as --memspec with a VF: exit $rc after $(since "$t0") s ($(tr '\n' ' ' < /tmp/p.txt | cut -c1-200)); state '$(st)', hostdev ifaces $(hostdevs), file $(stat -c %s /var/tmp/p.mem 2>/dev/null || echo none) bytes, guest: $(failover_lines "$m")"
    if [ $rc = 124 ]; then recover "snapshot-create-as"; return 0; fi
    [ $rc = 0 ] || return 0
    m=$(wc -l < "$NLOG"); t0=$(now)
    timeout 300 $VIRSH snapshot-revert "$VM" p1 > /tmp/p.txt 2>&1; rc=$?
    sleep 20
    note "probe: virsh snapshot-revert: exit $rc after $(since "$t0") s ($(tr '\n' ' ' < /tmp/p.txt | cut -c1-200)); state '$(st)', hostdev ifaces $(hostdevs), pool connections $(conns), adapter $(iov), guest: $(failover_lines "$m")"
}
check probe-virsh-snapshot-memory-revert probe_snapshot
cp "$NLOG" /lab/out/probe-console.log 2>/dev/null
cp "/var/log/libvirt/qemu/$VM.log" /lab/out/probe-qemu.log 2>/dev/null
