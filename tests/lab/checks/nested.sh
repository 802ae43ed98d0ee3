#!/bin/sh
# libvmnet with a live OS in the nested domain: the minimal nested Linux (the lab kernel +
# the busybox initramfs with failover, net_failover, virtio_net and igbvf) acknowledges
# PCI hot-unplug, so IovWeight 0 really detaches the VF. One nested guest is booted once
# (~3 min from `virsh start` under TCG inside TCG on a quiet host); every check below runs
# against it.
# Needs boot.sh --build BUILD_DIR. Runs inside the lab guest as /lab/run-in-guest.sh.
#
# NESTED_PHASE=start only sets up and starts the nested domain (its boot goes on meanwhile);
# NESTED_PHASE=checks then waits for it and runs the checks (checks/all.sh runs other checks
# in between); unset = both. VMNET_PF_INDEX picks the PF (lib-vmnet.sh), NESTED_SWITCH the
# switch name (default lab). NESTED_PING=1 (start phase) makes the nested Linux ping
# $NESTED_PEER (default 10.77.0.1) from 10.77.0.2/24 on its failover interface every 0.2 s,
# the replies on its console (checks/migrate.sh counts them). NESTED_KEEP=1 leaves the nested
# domain running at the end (holding a VF) for a later script (checks/migrate.sh).
#
# To add a check against the running nested guest, append it to the section
# "checks against the running nested guest" as   nested_check NAME FUNCTION
# (it fails at once when the nested guest never came up). Helpers:
#   nested_log_mark                 remember where the nested console log ends now
#   nested_log_wait PATTERN SECS    wait until the log after the mark matches PATTERN (grep -E)
#   nested_adapter [FIELD]          get-vmnetworkadapter of net0 as JSON in /tmp/na.json,
#                                   or the value of FIELD
#   pool_connections NET            the live <network connections='N'> of NET (0 if absent)
#   vf_driver PCI                   the driver bound to a PCI device on the lab host, or none
#   domain_state                    virsh domstate of the nested domain
#   now / since T                   timestamps and elapsed seconds (one decimal)
#   state_set KEY VALUE / state_get KEY   values kept across checks (each check runs in a
#                                   subshell, so plain variables set inside one are lost)
. /lab/lib-guest.sh
. /lab/lib-vmnet.sh

PHASE=${NESTED_PHASE:-all}
SWITCH=${NESTED_SWITCH:-lab}
POOL=$SWITCH-iov
VM=nested-linux
NLOG=/var/tmp/$VM.console.log
EVENTS=/var/tmp/$VM.events.log
NESTED_UP=0
NESTED_BOOT_TIMEOUT=${NESTED_BOOT_TIMEOUT:-1200}  # 2-4 min on a quiet host; 15 min seen on a loaded one
NESTED_MARK=0
STATE=/var/tmp/$VM.state
[ "$PHASE" = checks ] || { rm -rf "$STATE"; mkdir -p "$STATE"; }
state_set() { printf '%s\n' "$2" > "$STATE/$1"; }
state_get() { cat "$STATE/$1" 2>/dev/null; }

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

nested_log_mark() {
    NESTED_MARK=$(wc -l < "$NLOG" 2>/dev/null || echo 0)
}
nested_log_has() {
    tail -n "+$((NESTED_MARK + 1))" "$NLOG" 2>/dev/null | grep -E -- "$1" >/dev/null
}
nested_log_wait() {
    wait_for "$2" nested_log_has "$1" && return 0
    echo "--- nested console, last lines:"
    tail -n 15 "$NLOG" 2>/dev/null
    echo "no '$1' in the nested console log within $2 s"
    return 1
}

nested_adapter() {
    $VMNET -o json get-vmnetworkadapter --vm-name "$VM" --name net0 > /tmp/na.json || return 1
    [ $# -eq 0 ] || $J "import json,sys; v=json.load(open('/tmp/na.json'))[0][sys.argv[1]]; print('' if v is None else v)" "$1"
}
pool_connections() {
    n=$($VIRSH net-dumpxml "$1" | sed -n "s/^<network[^>]* connections='\([0-9]*\)'.*/\1/p")
    echo "${n:-0}"
}
vf_driver() {
    if [ -e "/sys/bus/pci/devices/$1/driver" ]; then basename "$(readlink "/sys/bus/pci/devices/$1/driver")"; else echo none; fi
}
domain_state() { $VIRSH domstate "$VM" 2>/dev/null | head -n1; }

# A check that needs the nested guest up: fails at once (no long timeouts) when it is not.
nested_check() {
    if [ "$NESTED_UP" != 1 ]; then
        _n=$1; shift
        check "$_n" sh -c 'echo "nested guest not up"; exit 1'
        return 1
    fi
    check "$@"
}

note "nested: $PHASE"
vmnet_wait_libvirtd
note "PF $PF ($PF_ADDR), switch $SWITCH"

# ---- setup: VFs, an SR-IOV switch, the nested domain with a failover-ready adapter ------
if [ "$PHASE" != checks ]; then
check set-netadaptersriov-4-vfs vmnet_set_4_vfs
check new-vmswitch-enable-iov vmnet_new_iov_switch "$SWITCH"

# The nested kernel: the lab kernel as an ELF booted through PVH where the image has it.
NKERNEL=/opt/vmnet-lab/vmlinux; [ -e "$NKERNEL" ] || NKERNEL=/opt/vmnet-lab/vmlinuz
NCMDLINE=$(cat /opt/vmnet-lab/nested-cmdline 2>/dev/null || echo "console=ttyS0 panic=0")
if [ "${NESTED_PING:-0}" = 1 ]; then
    # The image's /init cannot change without rebuilding the image: busybox runs it instead,
    # after forking a pinger that waits for the failover master (eth0), addresses it and pings
    # the peer. Arguments after "--" go to init (the kernel strips the double quotes), and so
    # do words without "=" it does not know (nokaslr: dropped). A background job needs
    # /dev/null, hence devtmpfs first.
    bb=/bin/busybox
    NCMDLINE="rdinit=$bb $(echo "$NCMDLINE" | sed 's/ nokaslr//') -- sh -c \"$bb mount -t devtmpfs devtmpfs /dev; ($bb sleep 5; until [ -e /sys/class/net/eth0 ]; do $bb sleep 2; done; $bb sleep 2; $bb ip addr add 10.77.0.2/24 dev eth0; $bb ip link set eth0 up; echo nested-ping: start; $bb ping -i 0.2 ${NESTED_PEER:-10.77.0.1} || $bb ping ${NESTED_PEER:-10.77.0.1}) &amp; exec /init\""
fi
cat > /tmp/$VM.xml <<XML
<domain type='qemu'>
  <name>$VM</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$NKERNEL</kernel>
    <initrd>/opt/vmnet-lab/nested-initrd.img</initrd>
    <cmdline>$NCMDLINE</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <on_reboot>destroy</on_reboot>
  <devices>
    <controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' index='1' model='pcie-root-port'/>
    <controller type='pci' index='2' model='pcie-root-port'/>
    <controller type='pci' index='3' model='pcie-root-port'/>
    <controller type='pci' index='4' model='pcie-root-port'/>
    <controller type='usb' model='none'/>
    <serial type='file'>
      <source path='$NLOG' append='on'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
XML

nested_start() {
    rm -f "$NLOG"
    $VIRSH define /tmp/$VM.xml >/dev/null || return 1
    $VMNET -o json add-vmnetworkadapter --vm-name "$VM" --switch-name "$SWITCH" --name net0 > /tmp/na.json || return 1
    $J "
import json
a=json.load(open('/tmp/na.json'))[0]
print(a['MacAddress'], a['Model'], a['FailoverReady'])
assert a['FailoverReady'], a" || return 1
    $VIRSH dumpxml --inactive "$VM" | grep -q "<teaming type='persistent'/>" || { echo "no persistent teaming in the definition"; return 1; }
    state_set t-start "$(now)"
    $VIRSH start "$VM" >/dev/null || return 1
    [ "$(domain_state)" = running ] || { echo "state $(domain_state)"; return 1; }
}
check nested-domain-starts nested_start
fi
[ "$PHASE" != start ] || { note "nested: started, booting"; exit 0; }

# Domain events from here on (a libvirtd restart in between would end an earlier listener).
$VIRSH event --domain "$VM" --all --loop --timestamp > "$EVENTS" 2>&1 &
state_set events-pid $!

nested_qemu_cpu() {
    p=$(cat "/run/libvirt/qemu/$VM.pid" 2>/dev/null) && awk '{ printf "%.0f", ($14 + $15) / 100 }' "/proc/$p/stat" 2>/dev/null
}
# CPU seconds per thread of the nested QEMU ("CPU 0/TCG", the main loop, ...).
nested_qemu_threads() {
    p=$(cat "/run/libvirt/qemu/$VM.pid" 2>/dev/null) || return 0
    for t in /proc/"$p"/task/*; do
        printf '%s=%s ' "$(tr ' ' _ < "$t/comm")" "$(sed 's/.*) //' "$t/stat" | awk '{ printf "%.0f", ($12 + $13) / 100 }')"
    done
}
nested_boot() {
    t0=$(state_get t-start); [ -n "$t0" ] || { echo "not started"; return 1; }
    # The kernel boots quietly (nested-cmdline): show progress from the outside meanwhile.
    start=${t0%.*}; next=$(( $(date +%s) + 60 ))
    until nested_log_has 'VMNET-NESTED-READY'; do
        now_s=$(date +%s)
        if [ $((now_s - start)) -ge "$NESTED_BOOT_TIMEOUT" ]; then
            echo "--- nested console, last lines:"; tail -n 15 "$NLOG" 2>/dev/null
            echo "--- $($VIRSH qemu-monitor-command --hmp "$VM" 'info registers' 2>&1 | grep -m1 -o 'RIP=[0-9a-f]*')"
            echo "no VMNET-NESTED-READY after ${NESTED_BOOT_TIMEOUT} s (domain $(domain_state), QEMU cpu $(nested_qemu_cpu) s, console $(wc -c < "$NLOG") bytes)"
            return 1
        fi
        if [ "$now_s" -ge "$next" ]; then
            note "nested boot: $((now_s - start)) s, QEMU cpu $(nested_qemu_cpu) s ($(nested_qemu_threads)), load $(cut -d' ' -f1-3 /proc/loadavg)"
            next=$((now_s + 60))
        fi
        sleep 2
    done
    # The console file is last written by the ready line (until a hot-plug): when checks ran
    # meanwhile (checks/all.sh), its mtime tells when the guest was ready.
    t_ready=$(awk -v a="$t0" -v b="$(stat -c %Y "$NLOG")" 'BEGIN { printf "%.0f", b - a }')
    note "timing: nested Linux boot (virsh start to VMNET-NESTED-READY) ${t_ready} s (noticed after $(since "$t0") s), QEMU cpu $(nested_qemu_cpu) s ($(nested_qemu_threads)), load $(cut -d' ' -f1-3 /proc/loadavg); nested $(grep -o 'VMNET-NESTED-READY.*' "$NLOG")"
    grep -E 'nested-init: modules:|failover (master|standby)' "$NLOG"
    grep -E 'failover master:[^ ]+ registered' "$NLOG" >/dev/null || { echo "no failover master"; return 1; }
    grep -E 'failover standby slave:[^ ]+ registered' "$NLOG" >/dev/null || { echo "no failover standby"; return 1; }
}
check nested-linux-boots-with-failover-pair nested_boot && NESTED_UP=1

# ---- checks against the running nested guest ---------------------------------------------
attach_vf() {
    nested_log_mark
    t0=$(now)
    $VMNET set-vmnetworkadapter --vm-name "$VM" --name net0 --iov-weight 100 || return 1
    t_call=$(since "$t0")
    nested_log_wait 'failover primary slave:[^ ]+ registered' 60 || return 1
    t_pair=$(since "$t0")
    nested_adapter || return 1
    $J "
import json
a=json.load(open('/tmp/na.json'))[0]
print(a['IovWeight'], a['IovUsage'], a['VirtualFunction'], a['StatusDescription'])
assert a['IovUsage']==1 and a['VirtualFunction'], a
assert a['StatusDescription'][0]=='OK (SR-IOV active)', a" || return 1
    VF=$(nested_adapter VirtualFunction); state_set vf "$VF"
    c=$(pool_connections "$POOL"); [ "$c" = 1 ] || { echo "pool connections $c, want 1"; return 1; }
    d=$(vf_driver "$VF"); [ "$d" = vfio-pci ] || { echo "VF $VF driver $d, want vfio-pci"; return 1; }
    tail -n "+$((NESTED_MARK + 1))" "$NLOG" | grep -E 'failover|igbvf' | head -n 8
    note "timing: attach (--iov-weight 100): call ${t_call} s, failover primary registered after ${t_pair} s; VF $VF"
}
nested_check iov-weight-100-attaches-vf attach_vf

vf_gone() {
    [ "$(nested_adapter IovUsage)" = 0 ] && [ -z "$(nested_adapter VirtualFunction)" ] &&
        [ "$(pool_connections "$POOL")" = 0 ] && [ "$(vf_driver "$(state_get vf)")" = igbvf ]
}
detach_vf() {
    VF=$(state_get vf); [ -n "$VF" ] || { echo "no VF attached before"; return 1; }
    nested_log_mark
    t0=$(now)
    $VMNET set-vmnetworkadapter --vm-name "$VM" --name net0 --iov-weight 0 || return 1
    t_call=$(since "$t0")
    # The unplug is asynchronous in QEMU; the library waits until the guest let the VF go,
    # so the state read right after the call already has it free.
    nested_adapter || return 1
    $J "
import json
a=json.load(open('/tmp/na.json'))[0]
print('right after the call: IovUsage', a['IovUsage'], 'VirtualFunction', a['VirtualFunction'], a['StatusDescription'])
assert a['IovUsage']==0 and not a['VirtualFunction'], 'the call returned before the VF was released'" || return 1
    nested_log_wait 'failover primary slave:[^ ]+ unregistered' 10 || return 1
    wait_for 60 vf_gone
    t_clean=$(since "$t0")
    tail -n "+$((NESTED_MARK + 1))" "$NLOG" | grep -E 'failover|igbvf' | head -n 8
    nested_adapter || return 1
    $J "
import json
a=json.load(open('/tmp/na.json'))[0]
print(a['IovWeight'], a['IovUsage'], a['VirtualFunction'], a['Status'], a['StatusDescription'])
assert a['IovWeight']==0 and a['IovUsage']==0 and not a['VirtualFunction'], a
assert a['Status']=='Ok' and a['StatusDescription'][0]=='OK (SR-IOV off: IovWeight 0)', a" || return 1
    c=$(pool_connections "$POOL"); [ "$c" = 0 ] || { echo "pool connections $c, want 0"; return 1; }
    d=$(vf_driver "$VF"); [ "$d" = igbvf ] || { echo "VF $VF driver $d, want igbvf"; return 1; }
    s=$(domain_state); [ "$s" = running ] || { echo "domain state '$s'"; return 1; }
    $VIRSH domiflist "$VM" > /tmp/domiflist.txt; cat /tmp/domiflist.txt
    mac=$(nested_adapter MacAddress)
    [ "$(grep -ci -- "$mac" /tmp/domiflist.txt)" = 1 ] || { echo "want exactly one interface with $mac"; return 1; }
    grep -i -- "$mac" /tmp/domiflist.txt | grep -q ' virtio ' || { echo "the virtio interface is gone"; return 1; }
    $VIRSH dumpxml "$VM" | grep -q "<interface type='hostdev'" && { echo "hostdev interface still in the live XML"; return 1; }
    grep -q "device-removed.*ua-net0-vf" "$EVENTS" || { cat "$EVENTS"; echo "no device-removed event for ua-net0-vf"; return 1; }
    note "timing: detach (--iov-weight 0): call (returns once the guest released the VF) ${t_call} s, VF back on igbvf and pool released after ${t_clean} s"
}
nested_check iov-weight-0-detaches-vf detach_vf

reattach_vf() {
    nested_log_mark
    t0=$(now)
    $VMNET set-vmnetworkadapter --vm-name "$VM" --name net0 --iov-weight 100 || return 1
    nested_log_wait 'failover primary slave:[^ ]+ registered' 60 || return 1
    t_pair=$(since "$t0")
    [ "$(nested_adapter IovUsage)" = 1 ] || { cat /tmp/na.json; echo "IovUsage is not 1"; return 1; }
    VF=$(nested_adapter VirtualFunction); state_set vf "$VF"
    c=$(pool_connections "$POOL"); [ "$c" = 1 ] || { echo "pool connections $c, want 1"; return 1; }
    d=$(vf_driver "$VF"); [ "$d" = vfio-pci ] || { echo "VF $VF driver $d, want vfio-pci"; return 1; }
    note "timing: re-attach (--iov-weight 100): failover primary registered after ${t_pair} s; VF $VF"
}
nested_check iov-weight-100-again-reattaches-vf reattach_vf

# Save and restore of a VM holding a VF (a plain `virsh save` hangs): save-vm takes the VF out
# first, the guest lets go of it, the VM is saved; restore-vm brings it back with a VF.
has_vf() { [ "$(nested_adapter IovUsage)" = 1 ]; }
save_restore_with_vf() {
    has_vf || { echo "the nested guest holds no VF before save-vm"; return 1; }
    nested_log_mark
    t0=$(now)
    timeout 300 $VMNET save-vm --vm-name "$VM" --path /var/tmp/$VM.save || { echo "save-vm failed or hung"; return 1; }
    t_save=$(since "$t0")
    nested_log_has 'failover primary slave:[^ ]+ unregistered' || { echo "the guest never released the VF"; return 1; }
    s=$(domain_state); [ "$s" = "shut off" ] || { echo "domain state '$s' after save-vm"; return 1; }
    c=$(pool_connections "$POOL"); [ "$c" = 0 ] || { echo "pool connections $c after save, want 0"; return 1; }
    [ -s /var/tmp/$VM.save ] || { echo "empty save file"; return 1; }
    t0=$(now)
    timeout 300 $VMNET restore-vm --path /var/tmp/$VM.save || { echo "restore-vm failed"; return 1; }
    t_restore=$(since "$t0")
    s=$(domain_state); [ "$s" = running ] || { echo "domain state '$s' after restore-vm"; return 1; }
    wait_for 60 has_vf || { cat /tmp/na.json; echo "no VF after restore"; return 1; }
    c=$(pool_connections "$POOL"); [ "$c" = 1 ] || { echo "pool connections $c after restore, want 1"; return 1; }
    # The restored QEMU appends to the same console file (append='on').
    nested_log_wait 'failover primary slave:[^ ]+ registered' 90 || return 1
    note "timing: save-vm with a VF ${t_save} s (VF out first), restore-vm ${t_restore} s (VF back, paired in the guest after $(since "$t0") s)"
}
nested_check save-restore-vm-with-vf save_restore_with_vf

# vmnetd: weight 0 from another client takes the VF out for real; raising it again is an event
# the service answers with a VF (the guest pairs it again).
vmnetd_weight_events() {
    G_MESSAGES_DEBUG="vmnetd Vmnet" $B/examples/vmnetd/vmnetd --connect qemu:///system > /lab/out/nested-vmnetd.log 2>&1 &
    echo $! > "$STATE/vmnetd-pid"
    wait_for 60 grep -q "full resync" /lab/out/nested-vmnetd.log || { echo "vmnetd did not start"; return 1; }
    $VMNET set-vmnetworkadapter --vm-name "$VM" --name net0 --iov-weight 0 || return 1
    wait_for 60 vf_gone || { echo "VF still attached"; return 1; }
    # The metadata alone says IovWeight 40: vmnetd sees the change and attaches.
    nested_log_mark
    t0=$(now)
    $VIRSH metadata "$VM" http://libvmnet.org/xmlns/vmnet/1.0 --live > /tmp/meta.xml || return 1
    cat /tmp/meta.xml
    sed -i 's/iov-weight="0"/iov-weight="40"/' /tmp/meta.xml
    $VIRSH metadata "$VM" http://libvmnet.org/xmlns/vmnet/1.0 --key vmnet --set "$(cat /tmp/meta.xml)" --live --config || return 1
    wait_for 60 has_vf || { tail -n 5 /lab/out/nested-vmnetd.log; echo "vmnetd gave no VF"; return 1; }
    nested_log_wait 'failover primary slave:[^ ]+ registered' 90 || return 1
    grep -q "VM '$VM' adapter 'net0': VF .* attached" /lab/out/nested-vmnetd.log || { echo "no log line"; return 1; }
    note "timing: metadata change -> VF attached by vmnetd and paired in the guest $(since "$t0") s"
    kill -TERM "$(cat "$STATE/vmnetd-pid")"
}
nested_check vmnetd-answers-a-weight-change vmnetd_weight_events

# (Append further checks against the running nested guest here; it holds a VF now.)

# ---- wrap-up -------------------------------------------------------------------------------
p=$(state_get events-pid); [ -z "$p" ] || kill "$p" 2>/dev/null
cp "$NLOG" /lab/out/nested-console.log 2>/dev/null
cp "$EVENTS" /lab/out/nested-events.log 2>/dev/null
cp "/var/log/libvirt/qemu/$VM.log" /lab/out/nested-qemu.log 2>/dev/null
if [ "${NESTED_KEEP:-0}" = 1 ]; then note "nested: done, $VM left running"; exit 0; fi
$VIRSH destroy "$VM" >/dev/null 2>&1
note "nested: done"
