#!/bin/sh
# Lifecycle paths of a VM holding a teamed VF (meson test lab-lifecycle: boot.sh --boots 2
# --igb-count 2 --build BUILD_DIR). Boot 1: the nested Linux on PF 2 (switch nest, pinging a
# peer on its failover interface every 0.2 s) holds a VF, then
#   - the warning: StatusDescription and test-sriov name the verbs while the VF is attached;
#   - a raw `virsh managedsave` and a raw `virsh snapshot-create-as --memspec` do not finish
#     (45 s each); `virsh domjobabort` ends them, the VM runs, the guest releases the VF and
#     vmnetd gives one again, paired (libvirt 11.3 / QEMU 10, doc/reconcile.md);
#   - `vmnet checkpoint-vm` (an external memory snapshot): VF out, the guest on virtio, VF back;
#   - `virsh snapshot-revert` to that checkpoint with vmnetd running: vmnetd gives a VF again;
#   - `vmnet save-vm` (managed save) then a plain `virsh start`: vmnetd gives a VF again;
#   - `vmnet save-vm --path FILE` then a raw `virsh restore FILE`: vmnetd gives a VF again;
#   - the units installed from the build tree (vmnet-sriov, vmnetd, vmnet-guests) and
#     libvirt-guests with ON_SHUTDOWN=suspend; a clean poweroff with the VM holding a VF.
# Boot 2: vmnet-guests saved the VM at the shutdown (VF out first) and started it at boot; it
# runs on (not booted again) with a VF, paired by the guest's net_failover.
# The guest pairs each VF (net_failover). When no nested-linux is defined yet, the script
# starts it first (nested.sh's start phase); after nested.sh with NESTED_KEEP=1 it uses that one.
# Runs inside the lab guest as /lab/run-in-guest.sh.
. /lab/lib-guest.sh
VMNET_PF_INDEX=${VMNET_PF_INDEX:-2}
. /lab/lib-vmnet.sh

VM=nested-linux
SWITCH=${NESTED_SWITCH:-nest}
POOL=$SWITCH-iov
NLOG=/var/tmp/$VM.console.log
STATE=/var/tmp/lifecycle.state
VMNETD_LOG=/lab/out/lifecycle-vmnetd.log
EVENTS=/var/tmp/lifecycle.events.log
PEER=10.77.0.1 PEER_MAC=02:77:00:00:00:01
rm -rf "$STATE"; mkdir -p "$STATE"
state_set() { printf '%s\n' "$2" > "$STATE/$1"; }
state_get() { cat "$STATE/$1" 2>/dev/null; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

vmnet_wait_libvirtd
PHASE=$(cat /lab/phase 2>/dev/null || echo 1)
if [ "$PHASE" = 1 ] && ! $VIRSH dominfo "$VM" >/dev/null 2>&1; then
    _t0=$(date +%s)
    env NESTED_PHASE=start VMNET_PF_INDEX="$VMNET_PF_INDEX" NESTED_SWITCH="$SWITCH" NESTED_PING=1 sh /lab/checks/nested.sh
    note "timing: nested-start $(( $(date +%s) - _t0 )) s"
fi
note "lifecycle: $VM on $PF ($PF_ADDR), switch $SWITCH"

adapter() { # [FIELD]: get-vmnetworkadapter of net0 in /tmp/la.json, or one field
    $VMNET -o json get-vmnetworkadapter --vm-name "$VM" --name net0 > /tmp/la.json || return 1
    [ $# -eq 0 ] || $J "import json,sys; v=json.load(open('/tmp/la.json'))[0][sys.argv[1]]; print('' if v is None else v)" "$1"
}
has_vf() { [ "$(adapter IovUsage 2>/dev/null)" = 1 ]; }
pool_connections() {
    n=$($VIRSH net-dumpxml "$POOL" | sed -n "s/^<network[^>]* connections='\([0-9]*\)'.*/\1/p")
    echo "${n:-0}"
}
hostdevs() { $VIRSH dumpxml "$VM" 2>/dev/null | grep -c "<interface type='hostdev'"; }
st() { $VIRSH domstate "$VM" --reason 2>/dev/null | head -n1; }
state_is() { case "$(st)" in "$1"*) return 0 ;; esac; return 1; }
log_mark() { wc -l < "$NLOG"; }
log_since() { tail -n "+$(($1 + 1))" "$NLOG"; }
log_has_since() { log_since "$1" | grep -E -- "$2" >/dev/null; }
log_wait() { # MARK PATTERN SECS
    wait_for "$3" log_has_since "$1" "$2" && return 0
    log_since "$1" | grep -E 'failover|igbvf' | tail -n 6
    echo "no '$2' in the nested console within $3 s"
    return 1
}
guest_lines() { log_since "$1" | grep -E 'failover primary|igbvf' | tr '\n' '|' | cut -c1-300; }
# The guest's ping replies (busybox "seq=N") since MARK: only the virtio path reaches the peer
# (the emulated 82576 does not loop a VF's frames back to its PF, checks/migrate.sh).
replies_since() { log_since "$1" | grep -c 'from [0-9.]*: seq='; }
# A VF held and paired by the guest's net_failover since MARK, with the pool counting it.
vf_back() { # MARK SECS WHO
    wait_for "$2" has_vf || { cat /tmp/la.json; echo "no VF after $3"; return 1; }
    log_wait "$1" 'failover primary slave:[^ ]+ registered' 90 || return 1
    c=$(pool_connections); [ "$c" = 1 ] || { echo "pool connections $c after $3, want 1"; return 1; }
    echo "VF $(adapter VirtualFunction) after $3"
}

vmnetd_up() {
    G_MESSAGES_DEBUG="vmnetd Vmnet" $B/examples/vmnetd/vmnetd --connect qemu:///system >> "$VMNETD_LOG" 2>&1 &
    state_set vmnetd-pid $!
    n=$(grep -c "full resync" "$VMNETD_LOG")
    wait_for 60 sh -c "[ \$(grep -c 'full resync' $VMNETD_LOG) -gt $n ]" || { echo "vmnetd did not start"; return 1; }
}
# vmnet save-vm and checkpoint-vm run with vmnetd running, as an administrator runs them: they
# hold the host lock from the VF's release to the save, so a pass of vmnetd waits for it.
vmnetd_down() {
    p=$(state_get vmnetd-pid); [ -n "$p" ] || return 0
    kill -TERM "$p" 2>/dev/null; wait_for 30 sh -c "! kill -0 $p 2>/dev/null"
    rm -f "$STATE/vmnetd-pid"
}

# A registered primary after the guest's last "unregistered" line since MARK.
repaired_since() { # MARK SECS
    k=$(log_since "$1" | grep -n 'failover primary slave:[^ ]* unregistered' | tail -n1 | cut -d: -f1)
    log_wait $(($1 + ${k:-0})) 'failover primary slave:[^ ]+ registered' "$2"
}

# ---- boot 2 (boot.sh --boots 2): the nested Linux back after the host's shutdown ----------
if [ "$PHASE" = 2 ]; then
    note "lifecycle: boot 2"
    B1=/var/tmp/lifecycle.boot1
    saved_at_shutdown() {
        journalctl -b -1 -u vmnet-guests -o cat --no-pager > /tmp/g1.txt 2>&1; cat /tmp/g1.txt
        grep -q "vmnet-guests: VM '$VM' saved, its VFs taken out first" /tmp/g1.txt ||
            { echo "no save by vmnet-guests in the last boot's journal"; return 1; }
        journalctl -b -1 -u libvirt-guests -o cat --no-pager | tail -n 5
        log_has_since "$(cat "$B1/mark")" 'failover primary slave:[^ ]+ unregistered' ||
            { echo "the guest never released its VF at shutdown"; return 1; }
    }
    check host-shutdown-vmnet-guests-saved-vm-with-vf saved_at_shutdown

    resumed_with_vf() {
        wait_for 300 sh -c "[ \"\$(systemctl is-active vmnet-guests)\" = active ]" ||
            { systemctl status vmnet-guests --no-pager; return 1; }
        journalctl -b -u vmnet-guests -o cat --no-pager > /tmp/g2.txt; cat /tmp/g2.txt
        grep -q "vmnet-guests: VM '$VM' started from its saved state" /tmp/g2.txt || { echo "no start by vmnet-guests"; return 1; }
        state_is running || { echo "state '$(st)'"; return 1; }
        # Resumed, not booted again: the nested Linux's ready line is still the one of boot 1.
        r=$(grep -c VMNET-NESTED-READY "$NLOG")
        [ "$r" = "$(cat "$B1/ready")" ] || { echo "the nested Linux booted again ($r ready lines)"; return 1; }
        m=$(cat "$B1/mark")
        wait_for 120 has_vf || { cat /tmp/la.json; echo "no VF after the boot"; return 1; }
        repaired_since "$m" 120 || return 1
        c=$(pool_connections); [ "$c" = 1 ] || { echo "pool connections $c, want 1"; return 1; }
        note "lifecycle: boot 2: $VM running with VF $(adapter VirtualFunction), guest: $(guest_lines "$m")"
        note "timing: lifecycle: boot 2: vmnet-guests start $(systemctl show -p ExecMainStartTimestamp --value vmnet-guests) to exit $(systemctl show -p ExecMainExitTimestamp --value vmnet-guests); VF paired by $(date +%T) (uptime $(cut -d' ' -f1 /proc/uptime) s)"
    }
    check host-boot-vm-resumed-vf-back-paired resumed_with_vf
    journalctl -b -u vmnetd -o cat --no-pager > /lab/out/lifecycle-boot2-vmnetd.log 2>&1
    cp "$NLOG" /lab/out/lifecycle-console.log 2>/dev/null
    $VIRSH destroy "$VM" >/dev/null 2>&1
    exit 0
fi

# ---- the nested Linux with a VF ----------------------------------------------------------
peer() {
    ip netns add lc-peer || return 1
    ip link add lc-peer link "$PF" address "$PEER_MAC" type macvlan mode bridge || return 1
    ip link set lc-peer netns lc-peer || return 1
    ip -n lc-peer addr add "$PEER/24" dev lc-peer && ip -n lc-peer link set lc-peer up
}
ip netns list 2>/dev/null | grep -q '^peer-a' || check lifecycle-peer-on-pf peer

nested_ready() {
    t0=$(now)
    wait_for "${NESTED_BOOT_TIMEOUT:-1200}" grep -q VMNET-NESTED-READY "$NLOG" || { tail -n 5 "$NLOG"; echo "nested Linux not ready"; return 1; }
    note "timing: lifecycle: nested Linux ready (waited $(since "$t0") s; $(grep -o 'VMNET-NESTED-READY.*' "$NLOG" | tail -n1))"
    if ! has_vf; then
        m=$(log_mark)
        $VMNET set-vmnetworkadapter --vm-name "$VM" --name net0 --iov-weight 100 || return 1
        vf_back "$m" 60 "set-vmnetworkadapter --iov-weight 100" || return 1
    fi
    state_is running || { echo "state '$(st)'"; return 1; }
    echo "VF $(adapter VirtualFunction)"
}
check lifecycle-nested-holds-vf nested_ready || { note "lifecycle: no nested Linux with a VF"; exit 0; }

# ---- the warning while the VF is attached --------------------------------------------------
warning() {
    adapter || return 1
    $J "
import json
a=json.load(open('/tmp/la.json'))[0]
d=' '.join(a['StatusDescription'])
print(a['StatusDescription'])
assert 'virsh managedsave' in d and 'hang' in d, 'StatusDescription does not warn'
assert 'vmnet save-vm' in d and 'checkpoint-vm' in d and 'vmnet-guests.service' in d, 'StatusDescription names no verb'" || return 1
    $VMNET -o json test-sriov --vm-name "$VM" > /tmp/ts.json 2>/dev/null
    $J "
import json
c=[x for x in json.load(open('/tmp/ts.json')) if x['Check']=='adapter-state-changes']
print(c)
assert c and c[0]['Result'].upper()=='WARN', 'test-sriov has no adapter-state-changes warning'
assert 'virsh managedsave' in c[0]['Message'] and 'vmnet save-vm' in c[0]['Fix'], 'test-sriov names no verb'"
}
check warning-names-verbs-while-vf-attached warning

# ---- raw virsh managedsave / memory snapshot: neither finishes (libvirt pauses the VM, QEMU
# waits for the paused guest to release the VF); after domjobabort the VM runs, the guest lets
# the VF go, and vmnetd (running here) gives it one again
raw_hangs() { # WHAT REASON_AFTER_ABORT CMD...
    what=$1 want=$2; shift 2
    m=$(log_mark); t0=$(now); a=$(grep -c "VM '$VM' adapter 'net0': VF .* attached" "$VMNETD_LOG")
    timeout 45 "$@" > /tmp/raw.txt 2>&1; rc=$?
    s=$(st); job=$($VIRSH domjobinfo "$VM" 2>&1 | grep -E 'Job type|Operation' | tr -s ' ' | tr '\n' ' ')
    note "lifecycle: raw $what: exit $rc after $(since "$t0") s, state '$s', $job, guest: $(guest_lines "$m")"
    [ $rc = 124 ] || { cat /tmp/raw.txt; echo "$what ended (exit $rc) instead of hanging: doc/reconcile.md is out of date"; return 1; }
    case "$s" in paused*) ;; *) echo "state '$s' while $what hangs, want paused"; return 1 ;; esac
    # QEMU ends the job only when its unplug wait gives up: ~30 s under TCG in the lab.
    t1=$(now)
    $VIRSH domjobabort "$VM" || return 1
    wait_for 180 state_is running || { echo "state '$(st)' 180 s after domjobabort"; return 1; }
    t_abort=$(since "$t1")
    note "lifecycle: $t_abort s after domjobabort: state '$(st)', hostdev interfaces $(hostdevs)"
    [ -z "$want" ] || state_is "$want" || { echo "state '$(st)' after domjobabort, want $want"; return 1; }
    # The resumed guest acts on the unplug request QEMU made when the job began: it releases
    # the VF and libvirt drops it from the VM ("partially unplugged device on failure" in
    # QEMU's log: QEMU does not plug it back). vmnetd answers the removal with a VF again.
    log_wait "$m" 'failover primary slave:[^ ]+ unregistered' 90 || return 1
    t_gone=$(since "$t1")
    wait_for 120 sh -c "[ \$(grep -c \"VM '$VM' adapter 'net0': VF .* attached\" $VMNETD_LOG) -gt $a ]" ||
        { tail -n 5 "$VMNETD_LOG"; echo "vmnetd attached no VF after domjobabort"; return 1; }
    vf_back "$m" 60 "domjobabort (vmnetd)" || return 1
    repaired_since "$m" 90 || return 1
    [ "$(hostdevs)" = 1 ] || { echo "hostdev interfaces $(hostdevs), want 1"; return 1; }
    note "lifecycle: after domjobabort, guest: $(guest_lines "$m")"
    note "timing: lifecycle: raw $what stopped after 45 s, domjobabort took ${t_abort} s, VF released by the guest ${t_gone} s after it; a VF from vmnetd paired $(since "$t1") s after domjobabort"
}
raw_managedsave() {
    raw_hangs "virsh managedsave" "running (save canceled)" $VIRSH managedsave "$VM" || return 1
    $VIRSH dominfo "$VM" | grep -q 'Managed save: *no' || { echo "a managed save image is left"; return 1; }
}
vmnetd_up >/dev/null || note "lifecycle: vmnetd did not start"
check raw-virsh-managedsave-hangs-domjobabort-vf-back raw_managedsave
raw_snapshot() {
    rm -f /var/tmp/lc-raw.mem
    raw_hangs "virsh snapshot-create-as --memspec" "" \
        $VIRSH snapshot-create-as "$VM" raw1 --memspec file=/var/tmp/lc-raw.mem,snapshot=external || return 1
    $VIRSH snapshot-list "$VM" --name | grep -qx raw1 && { echo "snapshot raw1 exists after domjobabort"; return 1; }
    rm -f /var/tmp/lc-raw.mem
}
check raw-virsh-snapshot-memory-hangs-domjobabort-vf-back raw_snapshot

# ---- vmnet checkpoint-vm: VF out, memory snapshot, VF back; the guest on virtio meanwhile --
checkpoint() {
    [ -n "$(state_get vmnetd-pid)" ] || vmnetd_up || return 1
    vf=$(adapter VirtualFunction)
    rm -f /var/tmp/lc-cp1.mem; m=$(log_mark); t0=$(now)
    timeout 300 $VMNET checkpoint-vm --vm-name "$VM" --name cp1 --memory-file /var/tmp/lc-cp1.mem || { echo "checkpoint-vm failed or hung"; return 1; }
    t_cp=$(since "$t0")
    state_is running || { echo "state '$(st)' after checkpoint-vm"; return 1; }
    $VIRSH snapshot-list "$VM" --name | grep -qx cp1 || { echo "no snapshot cp1"; return 1; }
    [ -s /var/tmp/lc-cp1.mem ] || { echo "no memory file"; return 1; }
    log_has_since "$m" 'failover primary slave:[^ ]+ unregistered' || { echo "the guest never released the VF"; return 1; }
    vf_back "$m" 60 checkpoint-vm || return 1
    r=$(replies_since "$m")
    note "lifecycle: checkpoint-vm: VF $vf out and $(adapter VirtualFunction) back, $r ping replies over virtio meanwhile, memory file $(stat -c %s /var/tmp/lc-cp1.mem) bytes"
    [ "$r" -gt 0 ] || { echo "no ping replies while the VF was out (virtio path)"; return 1; }
    note "timing: lifecycle: checkpoint-vm ${t_cp} s (VF back, paired in the guest after $(since "$t0") s)"
}
check checkpoint-vm-vf-out-virtio-on-vf-back checkpoint

# Domain events from here on: which ones libvirt sends for a revert, a start, a restore.
$VIRSH event --domain "$VM" --all --loop --timestamp > "$EVENTS" 2>&1 &
state_set events-pid $!

# ---- virsh snapshot-revert to the checkpoint: vmnetd gives a VF again ----------------------
revert() {
    [ -n "$(state_get vmnetd-pid)" ] || vmnetd_up || return 1
    m=$(log_mark); e=$(wc -l < "$EVENTS"); t0=$(now)
    timeout 300 $VIRSH snapshot-revert "$VM" cp1 || { echo "snapshot-revert failed or hung"; return 1; }
    t_rev=$(since "$t0")
    note "lifecycle: snapshot-revert ${t_rev} s: state '$(st)', events: $(tail -n "+$((e + 1))" "$EVENTS" | grep -o "event 'lifecycle'.*" | tr '\n' '|')"
    state_is running || { echo "state '$(st)' after snapshot-revert"; return 1; }
    vf_back "$m" 120 "snapshot-revert (vmnetd)" || { tail -n 5 "$VMNETD_LOG"; return 1; }
    grep -q "VM '$VM' adapter 'net0': VF .* attached" "$VMNETD_LOG" || { echo "no attach by vmnetd in its log"; return 1; }
    note "timing: lifecycle: snapshot-revert ${t_rev} s, VF from vmnetd paired in the guest $(since "$t0") s after the revert started"
}
check snapshot-revert-vmnetd-gives-vf revert

# ---- vmnet save-vm (managed save) then a plain virsh start: vmnetd gives a VF again -------
managed_save_start() {
    [ -n "$(state_get vmnetd-pid)" ] || vmnetd_up || return 1
    has_vf || { echo "no VF before save-vm"; return 1; }
    m=$(log_mark); t0=$(now)
    timeout 300 $VMNET save-vm --vm-name "$VM" || { echo "save-vm failed or hung"; return 1; }
    t_save=$(since "$t0")
    log_has_since "$m" 'failover primary slave:[^ ]+ unregistered' || { echo "the guest never released the VF"; return 1; }
    $VIRSH dominfo "$VM" | grep -q 'Managed save: *yes' || { $VIRSH dominfo "$VM"; echo "no managed save image"; return 1; }
    state_is "shut off" || { echo "state '$(st)' after save-vm"; return 1; }
    c=$(pool_connections); [ "$c" = 0 ] || { echo "pool connections $c after save-vm, want 0"; return 1; }
    m=$(log_mark); e=$(wc -l < "$EVENTS"); t0=$(now)
    timeout 300 $VIRSH start "$VM" || { echo "virsh start failed"; return 1; }
    t_start=$(since "$t0")
    state_is running || { echo "state '$(st)' after virsh start"; return 1; }
    vf_back "$m" 120 "virsh start of the managed save (vmnetd)" || { tail -n 5 "$VMNETD_LOG"; return 1; }
    note "lifecycle: virsh start events: $(tail -n "+$((e + 1))" "$EVENTS" | grep -o "event 'lifecycle'.*" | tr '\n' '|')"
    note "timing: lifecycle: save-vm (managed) ${t_save} s, virsh start ${t_start} s, VF from vmnetd paired $(since "$t0") s after the start"
}
check save-vm-managed-virsh-start-vmnetd-gives-vf managed_save_start

# ---- vmnet save-vm --path FILE then a raw virsh restore: vmnetd gives a VF again ----------
save_virsh_restore() {
    [ -n "$(state_get vmnetd-pid)" ] || vmnetd_up || return 1
    rm -f /var/tmp/lc.save; m=$(log_mark); t0=$(now)
    timeout 300 $VMNET save-vm --vm-name "$VM" --path /var/tmp/lc.save || { echo "save-vm failed or hung"; return 1; }
    t_save=$(since "$t0")
    state_is "shut off" || { echo "state '$(st)' after save-vm"; return 1; }
    [ -s /var/tmp/lc.save ] || { echo "empty save file"; return 1; }
    m=$(log_mark); t0=$(now)
    timeout 300 $VIRSH restore /var/tmp/lc.save || { echo "virsh restore failed"; return 1; }
    t_restore=$(since "$t0")
    state_is running || { echo "state '$(st)' after virsh restore"; return 1; }
    vf_back "$m" 120 "virsh restore (vmnetd)" || { tail -n 5 "$VMNETD_LOG"; return 1; }
    note "timing: lifecycle: save-vm --path ${t_save} s, virsh restore ${t_restore} s, VF from vmnetd paired $(since "$t0") s after the restore started"
}
check save-vm-file-virsh-restore-vmnetd-gives-vf save_virsh_restore

# ---- wrap-up -------------------------------------------------------------------------------
vmnetd_down
p=$(state_get events-pid); [ -z "$p" ] || kill "$p" 2>/dev/null
cp "$NLOG" /lab/out/lifecycle-console.log 2>/dev/null
cp "$EVENTS" /lab/out/lifecycle-events.log 2>/dev/null
cp "/var/log/libvirt/qemu/$VM.log" /lab/out/lifecycle-qemu.log 2>/dev/null
$VIRSH snapshot-delete "$VM" cp1 --metadata >/dev/null 2>&1
ip netns del lc-peer 2>/dev/null
rm -f /var/tmp/lc-cp1.mem /var/tmp/lc.save

# ---- host shutdown with libvirt-guests (suspend) and vmnet-guests.service, for boot 2 ------
# The units installed on the disk with the build tree's binaries copied to /opt/vmnet (the
# share is mounted only when the runner starts); NumVFs on the PF recorded by nested.sh's
# set-netadaptersriov (vmnet-sriov.service gives them back before libvirtd); the PF kept up.
# The VM holds a VF now; at the clean poweroff vmnet-guests saves it (VF out first) before
# libvirt-guests, and starts it at the next boot.
OPT=/opt/vmnet
shutdown_prepared() {
    has_vf && state_is running || { echo "no running VM with a VF"; return 1; }
    mkdir -p "$OPT/lib" /etc/vmnet || return 1
    cp "$B/examples/vmnet/vmnet" "$B/examples/vmnetd/vmnetd" "$B/examples/vmnetd/vmnet-guests" "$OPT/" || return 1
    for f in "$B"/libvmnet/libvmnet-*.so*; do
        [ -d "$f" ] || cp -P "$f" "$OPT/lib/" || return 1
    done
    for u in vmnet-sriov vmnetd vmnet-guests; do
        bin=$OPT/vmnet; [ "$u" = vmnetd ] && bin=$OPT/vmnetd; [ "$u" = vmnet-guests ] && bin=$OPT/vmnet-guests
        sed -e "s|^ExecStart=[^ ]*|ExecStart=$bin|" -e "s|^ExecStop=[^ ]*|ExecStop=$bin|" \
            "$B/examples/vmnetd/$u.service" > "/etc/systemd/system/$u.service" || return 1
        mkdir -p "/etc/systemd/system/$u.service.d"
        printf '[Service]\nEnvironment=LD_LIBRARY_PATH=%s/lib VMNET=%s/vmnet\n' "$OPT" "$OPT" \
            > "/etc/systemd/system/$u.service.d/build-tree.conf"
    done
    printf '[vmnetd]\nuri=qemu:///system\nlog-level=info\n' > /etc/vmnet/vmnetd.conf
    grep -A2 "^\[$PF_ADDR\]\$" /etc/vmnet/sriov.conf | grep -qx "num-vfs=4" ||
        { cat /etc/vmnet/sriov.conf; echo "num-vfs=4 of $PF_ADDR not recorded"; return 1; }
    printf '[Match]\nName=%s\n\n[Link]\nRequiredForOnline=no\n\n[Network]\nLinkLocalAddressing=no\nIPv6AcceptRA=no\nConfigureWithoutCarrier=yes\n' \
        "$PF" > /etc/systemd/network/10-vmnet-pf.network || return 1
    sed -i -e 's/^#\{0,1\}ON_SHUTDOWN=.*/ON_SHUTDOWN=suspend/' -e 's/^#\{0,1\}ON_BOOT=.*/ON_BOOT=ignore/' \
        /etc/default/libvirt-guests || return 1
    grep -qx ON_SHUTDOWN=suspend /etc/default/libvirt-guests || return 1
    # The journal kept across the boot (vmnet-guests' stop is read at boot 2).
    mkdir -p /var/log/journal && systemd-tmpfiles --create --prefix /var/log/journal >/dev/null 2>&1
    journalctl --flush >/dev/null 2>&1
    systemctl daemon-reload || return 1
    systemctl enable systemd-networkd.service libvirt-guests.service vmnet-sriov.service vmnetd.service \
        vmnet-guests.service || return 1
    # Active now, so that their stop actions run at the poweroff (vmnet-guests' start finds
    # nothing listed).
    systemctl start libvirt-guests.service vmnet-guests.service || { systemctl status vmnet-guests --no-pager; return 1; }
    [ "$(systemctl is-active vmnet-guests)" = active ] || return 1
    for n in $($VIRSH net-list --name); do $VIRSH net-autostart "$n" >/dev/null || return 1; done
    mkdir -p /var/tmp/lifecycle.boot1 || return 1
    grep -c VMNET-NESTED-READY "$NLOG" > /var/tmp/lifecycle.boot1/ready
    log_mark > /var/tmp/lifecycle.boot1/mark
    # The runner's unit powers off with force (no service stopped); for this boot the
    # ordinary poweroff, so vmnet-guests, libvirt-guests and libvirtd stop (/run: this boot only).
    mkdir -p /run/systemd/system/vmnet-lab.service.d || return 1
    printf '[Unit]\nSuccessAction=poweroff\n' > /run/systemd/system/vmnet-lab.service.d/poweroff.conf
    systemctl daemon-reload || return 1
    [ "$(systemctl show -p SuccessAction --value vmnet-lab.service)" = poweroff ]
}
check host-shutdown-prepared-vm-holds-vf shutdown_prepared
note "lifecycle: done"
