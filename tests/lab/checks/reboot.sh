#!/bin/sh
# A real reboot of the lab host and the boot storm after it: two boots of one persistent disk
# (boot.sh --boots 2; the share's file 'phase' holds the boot's number).
#   Boot 1: the project's binaries and units installed on the disk from the build tree
#     (vmnet-sriov.service, vmnetd.service, both enabled); NumVFs 4 on PF 1 (lasting, in
#     /etc/vmnet/sriov.conf); an SR-IOV switch; six autostarted VMs (diskless, started paused)
#     whose adapters ask for a VF with IovWeight 10..60; libvirt-guests set to suspend them at
#     shutdown; then a clean poweroff (the runner's SuccessAction made 'poweroff' for this boot).
#   Boot 2: vmnet-sriov.service gave the VFs back before libvirtd started; the pool network
#     has them; libvirt's autostart brought the VMs back; vmnetd (a systemd service) gave the
#     four VFs to the four heaviest adapters and the other two wait with the reason; the journal
#     has the actions per VM. Then the time from libvirt's start to the last VF attached,
#     against the same four attaches by hand (virsh start --paused + virsh attach-device).
# Needs boot.sh --build BUILD_DIR. Runs inside the lab guest as /lab/run-in-guest.sh.
. /lab/lib-guest.sh
. /lab/lib-vmnet.sh

V=$VIRSH
PHASE=$(cat /lab/phase 2>/dev/null)
# The share is mounted only when the runner starts, after the boot-time units have run: the
# binaries the units start are copied onto the disk.
OPT=/opt/vmnet
# VM:IovWeight; four VFs for six VMs.
VMS="vm10:10 vm20:20 vm30:30 vm40:40 vm50:50 vm60:60"
HOLDERS="vm30 vm40 vm50 vm60"
WAITERS="vm10 vm20"
SW=lab
NUMVFS=/sys/bus/pci/devices/$PF_ADDR/sriov_numvfs

adapter() { # VM FIELD -> the field of its adapter net0
    $VMNET -o json get-vmnetworkadapter --vm-name "$1" |
        $J "import json,sys; print(json.load(sys.stdin)[0]['$2'])"
}

phase1() {
    note "reboot: boot 1 ($PF, $PF_ADDR)"; t_start=$(date +%s)
    vmnet_wait_libvirtd

    install_units() {
        mkdir -p "$OPT/lib" /etc/vmnet || return 1
        cp "$B/examples/vmnet/vmnet" "$B/examples/vmnetd/vmnetd" "$OPT/" || return 1
        for f in "$B"/libvmnet/libvmnet-*.so*; do
            [ -d "$f" ] || cp -P "$f" "$OPT/lib/" || return 1
        done
        for u in vmnet-sriov vmnetd; do
            bin=$OPT/vmnet; [ "$u" = vmnetd ] && bin=$OPT/vmnetd
            sed "s|^ExecStart=[^ ]*|ExecStart=$bin|" "$B/examples/vmnetd/$u.service" \
                > "/etc/systemd/system/$u.service" || return 1
            mkdir -p "/etc/systemd/system/$u.service.d"
            printf '[Service]\nEnvironment=LD_LIBRARY_PATH=%s/lib\n' "$OPT" \
                > "/etc/systemd/system/$u.service.d/build-tree.conf"
        done
        printf '[vmnetd]\nuri=qemu:///system\nlog-level=info\n' > /etc/vmnet/vmnetd.conf
        systemctl daemon-reload || return 1
        systemctl enable vmnet-sriov.service vmnetd.service || return 1
        grep ExecStart /etc/systemd/system/vmnet-sriov.service /etc/systemd/system/vmnetd.service
        LD_LIBRARY_PATH=$OPT/lib "$OPT/vmnet" --help >/dev/null || { echo "the copied vmnet does not run"; return 1; }
    }
    check reboot-units-installed-enabled install_units

    numvfs_lasting() {
        vmnet_set_4_vfs || return 1
        grep -A2 "^\[$PF_ADDR\]\$" /etc/vmnet/sriov.conf | grep -qx "num-vfs=4" ||
            { cat /etc/vmnet/sriov.conf; echo "num-vfs=4 not in /etc/vmnet/sriov.conf"; return 1; }
    }
    check reboot-numvfs-4-recorded numvfs_lasting

    pf_up_at_boot() {
        # The host's network configuration keeps the PF up (libvirt configures no VF of a PF
        # that is down): systemd-networkd, the link only.
        printf '[Match]\nName=%s\n\n[Link]\nRequiredForOnline=no\n\n[Network]\nLinkLocalAddressing=no\nIPv6AcceptRA=no\nConfigureWithoutCarrier=yes\n' \
            "$PF" > /etc/systemd/network/10-vmnet-pf.network || return 1
        systemctl enable systemd-networkd.service || return 1
        ip link set "$PF" up || return 1
    }
    check reboot-pf-up-at-boot pf_up_at_boot

    switch() {
        vmnet_new_iov_switch "$SW" || return 1
        $V net-info "$SW-iov" | grep -q 'Autostart: *yes' || { echo "pool $SW-iov not autostarted"; return 1; }
    }
    check reboot-iov-switch switch

    guests_suspend() {
        # Suspend (managedsave) the running guests at shutdown; the autostart brings them back.
        # Its ExecStop reads the file when it runs: no restart (which would save them now).
        sed -i -e 's/^#\{0,1\}ON_SHUTDOWN=.*/ON_SHUTDOWN=suspend/' -e 's/^#\{0,1\}ON_BOOT=.*/ON_BOOT=ignore/' \
            /etc/default/libvirt-guests || return 1
        grep -qx ON_SHUTDOWN=suspend /etc/default/libvirt-guests || return 1
        systemctl enable libvirt-guests.service || return 1
        systemctl start libvirt-guests.service || return 1
        [ "$(systemctl is-active libvirt-guests)" = active ]
    }
    check reboot-libvirt-guests-suspend guests_suspend

    define_vms() {
        for p in $VMS; do
            vm=${p%%:*}
            vmnet_define_vm "$vm" || return 1
            $VMNET add-vmnetworkadapter --vm-name "$vm" --switch-name "$SW" --name net0 >/dev/null || return 1
            $VMNET set-vmnetworkadapter --vm-name "$vm" --iov-weight "${p#*:}" || return 1
            $V autostart "$vm" >/dev/null || return 1
            $V start --paused "$vm" >/dev/null || return 1
        done
        # No vmnetd in this boot: nobody hands out VFs yet.
        for p in $VMS; do
            [ "$(adapter "${p%%:*}" VirtualFunction)" = None ] || { echo "${p%%:*} holds a VF before vmnetd runs"; return 1; }
        done
        $V list --all --autostart
    }
    check reboot-autostarted-vms-defined define_vms


    clean_poweroff() {
        # The runner's unit powers off with force (no service stopped); for this boot the
        # ordinary poweroff (as 'systemctl poweroff'), so libvirt-guests and libvirtd stop.
        # /run: gone at the next boot.
        mkdir -p /run/systemd/system/vmnet-lab.service.d || return 1
        printf '[Unit]\nSuccessAction=poweroff\n' > /run/systemd/system/vmnet-lab.service.d/poweroff.conf
        systemctl daemon-reload || return 1
        [ "$(systemctl show -p SuccessAction --value vmnet-lab.service)" = poweroff ]
    }
    check reboot-clean-poweroff-set clean_poweroff
    note "timing: boot 1 checks $(( $(date +%s) - t_start )) s"
    note "reboot: boot 1 done; powering off"
}

mono() { # UNIT PROPERTY -> its monotonic timestamp in µs
    systemctl show -p "$1" --value "$2"
}

phase2() {
    note "reboot: boot 2 ($PF, $PF_ADDR)"; t_start=$(date +%s)
    vmnet_wait_libvirtd

    sriov_before_libvirtd() {
        [ "$(systemctl is-active vmnet-sriov)" = active ] || { systemctl status vmnet-sriov --no-pager; return 1; }
        journalctl -b -u vmnet-sriov -o cat | grep -q "$PF_ADDR $PF: NumVFs 4 applied" ||
            { journalctl -b -u vmnet-sriov -o cat --no-pager; return 1; }
        done_at=$(mono ExecMainExitTimestampMonotonic vmnet-sriov)
        libvirtd_at=$(mono ExecMainStartTimestampMonotonic libvirtd)
        echo "vmnet-sriov done at ${done_at} us, libvirtd started at ${libvirtd_at} us (monotonic)"
        [ "$done_at" -gt 0 ] && [ "$libvirtd_at" -gt "$done_at" ] || { echo "vmnet-sriov did not finish before libvirtd started"; return 1; }
        journalctl -b -o short-monotonic -u vmnet-sriov -u libvirtd --no-pager | grep -E 'NumVFs|Start' | head -n 6
    }
    check reboot-sriov-unit-ran-before-libvirtd sriov_before_libvirtd

    pool_has_vfs() {
        [ "$(cat "$NUMVFS")" = 4 ] || { echo "sriov_numvfs is $(cat "$NUMVFS")"; return 1; }
        ip -o link show "$PF" | grep -q '[<,]UP[,>]' || { ip -o link show "$PF"; echo "$PF is down"; return 1; }
        $V net-info "$SW-iov" | grep -q 'Active: *yes' || { echo "pool $SW-iov not active"; return 1; }
        n=$($V net-dumpxml "$SW-iov" | grep -c "<address type='pci'")
        echo "pool $SW-iov lists $n VFs"
        [ "$n" = 4 ]
    }
    check reboot-pool-has-its-vfs pool_has_vfs

    vmnetd_up() {
        wait_for 180 sh -c '[ "$(systemctl is-active vmnetd)" = active ]' ||
            { systemctl status vmnetd --no-pager; return 1; }
        systemctl show -p StatusText --value vmnetd
    }
    check reboot-vmnetd-service-up vmnetd_up

    vms_back() {
        for p in $VMS; do
            wait_for 300 sh -c "$V domstate ${p%%:*} | grep -Eq 'running|paused'" || { echo "${p%%:*} not started"; return 1; }
        done
        $V list --all
    }
    check reboot-autostart-brought-vms-back vms_back

    saved_at_shutdown() {
        # libvirt-guests saved them at boot 1's poweroff, the autostart restored them: paused,
        # the last QEMU started with -incoming.
        journalctl -b -1 -u libvirt-guests -o cat --no-pager | tail -n 8
        for p in $VMS; do
            vm=${p%%:*}
            $V domstate "$vm" | grep -qx paused || { echo "$vm is $($V domstate "$vm"), not paused"; return 1; }
            # The command line follows each 'starting up' line, one argument a line.
            [ "$(awk '/starting up libvirt/ { inc = 0 } /-incoming/ { inc = 1 } END { print inc }' \
                "/var/log/libvirt/qemu/$vm.log")" = 1 ] || { echo "$vm was not restored from a saved state"; return 1; }
        done
    }
    check reboot-libvirt-guests-saved-autostart-restored saved_at_shutdown

    storm() {
        # VirtualFunction: the VF is plugged (IovUsage also needs a guest that takes it, and
        # these VMs have no OS).
        held() { for vm in $HOLDERS $WAITERS; do [ "$(adapter "$vm" VirtualFunction)" != None ] && echo "$vm"; done; }
        wait_for 300 sh -c "[ \$(journalctl -b -u vmnetd VMNET_ACTION=attached -o cat | wc -l) -ge 4 ]" ||
            { journalctl -b -u vmnetd -o cat --no-pager | tail -n 20; echo "fewer than 4 VFs attached"; return 1; }
        h=$(held | tr '\n' ' ')
        echo "holding a VF: $h"
        [ "$h" = "vm30 vm40 vm50 vm60 " ] || { echo "the holders are '$h', not vm30..vm60"; return 1; }
        for vm in $WAITERS; do
            $VMNET -o json get-vmnetworkadapter --vm-name "$vm" | $J "
import json,sys
a=json.load(sys.stdin)[0]
print('$vm', a['IovWeight'], a['Status'], a['StatusDescription'])
assert a['IovUsage']==0 and a['Status']=='Degraded' and any('No free VF' in d for d in a['StatusDescription']), a" || return 1
        done
        $VMNET -o json get-vmswitch "$SW" | $J "
import json,sys
s=json.load(sys.stdin)[0]
assert (s['IovVirtualFunctionCount'], s['IovVirtualFunctionsInUse'])==(4, 4), s"
    }
    check storm-heaviest-hold-vfs-rest-wait storm

    journal_actions() {
        for vm in $HOLDERS; do
            journalctl -b -u vmnetd VMNET_VM="$vm" VMNET_ACTION=attached -o cat | grep -q "VM '$vm' adapter 'net0': VF .* attached" ||
                { journalctl -b -u vmnetd VMNET_VM="$vm" -o cat --no-pager; echo "no attach of $vm in the journal"; return 1; }
        done
        for vm in $WAITERS; do
            journalctl -b -u vmnetd VMNET_VM="$vm" -o cat | grep -q "VM '$vm' adapter 'net0': waiting for a VF" ||
                { journalctl -b -u vmnetd VMNET_VM="$vm" -o cat --no-pager; echo "no wait of $vm in the journal"; return 1; }
        done
        journalctl -b -u vmnetd VMNET_VM=vm60 -o cat; journalctl -b -u vmnetd VMNET_VM=vm10 -o cat
    }
    check reboot-journal-has-actions-per-vm journal_actions

    # The storm's times (monotonic, this boot): libvirtd's start, each domain's start
    # (libvirt's QEMU log line, realtime), each VF attached (vmnetd's journal).
    storm_times() {
        libvirtd_at=$(mono ExecMainStartTimestampMonotonic libvirtd)
        vmnetd_at=$(mono ExecMainStartTimestampMonotonic vmnetd)
        journalctl -b -u vmnetd VMNET_ACTION=attached -o json > /tmp/attached.json
        $J "
import datetime, glob, json, re, time
off = time.time() - time.clock_gettime(time.CLOCK_MONOTONIC)
starts = []
for f in glob.glob('/var/log/libvirt/qemu/vm*.log'):
    for line in open(f, errors='replace'):
        m = re.match(r'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\+0000: starting up', line)
        if m:
            t = datetime.datetime.strptime(m.group(1), '%Y-%m-%d %H:%M:%S.%f').replace(tzinfo=datetime.timezone.utc).timestamp() - off
            if t > 0: starts.append(t)
att = sorted(int(json.loads(l)['__MONOTONIC_TIMESTAMP']) / 1e6 for l in open('/tmp/attached.json'))
ld, vd = $libvirtd_at / 1e6, $vmnetd_at / 1e6
print(f'libvirtd start {ld:.1f} s, domains started {min(starts):.1f}..{max(starts):.1f} s ({len(starts)}), vmnetd start {vd:.1f} s, VFs attached {att[0]:.1f}..{att[-1]:.1f} s ({len(att)}) (uptime)')
open('/lab/out/storm.txt', 'w').write(f'storm_libvirtd_to_last_attach={att[-1]-ld:.1f}\nstorm_first_start_to_last_attach={att[-1]-min(starts):.1f}\nstorm_last_start_to_last_attach={att[-1]-max(starts):.1f}\nstorm_vmnetd_start_to_last_attach={att[-1]-vd:.1f}\nstorm_attaches={len(att)}\n')
assert len(att) == 4 and len(starts) == 6, (att, starts)
" || return 1
        cat /lab/out/storm.txt
        note "timing: storm libvirtd start to last VF attached $(sed -n 's/storm_libvirtd_to_last_attach=//p' /lab/out/storm.txt) s"
        note "timing: storm first domain start to last VF attached $(sed -n 's/storm_first_start_to_last_attach=//p' /lab/out/storm.txt) s"
    }
    check storm-times-measured storm_times

    # The same four attaches by hand: vmnetd stopped (it leaves the VFs), every VM off, then
    # what an administrator would type: start the four, attach a VF from the pool to each.
    by_hand() {
        systemctl stop vmnetd || return 1
        for p in $VMS; do $V destroy "${p%%:*}" >/dev/null || return 1; done
        wait_for 60 sh -c "[ \"\$($VMNET -o json get-vmswitch $SW | $J 'import json,sys; print(json.load(sys.stdin)[0][\"IovVirtualFunctionsInUse\"])')\" = 0 ]" ||
            { echo "VFs still in use after destroying the VMs"; return 1; }
        for vm in $HOLDERS; do
            mac=$($V dumpxml "$vm" | sed -n "s/.*<mac address='\([^']*\)'.*/\1/p" | head -n1)
            printf "<interface type='network'><mac address='%s'/><source network='%s-iov'/><teaming type='transient' persistent='ua-net0'/><alias name='ua-net0-vf'/></interface>\n" \
                "$mac" "$SW" > "/tmp/$vm-vf.xml"
        done
        t0=$(date +%s%N)
        for vm in $HOLDERS; do $V start --paused "$vm" >/dev/null || return 1; done
        t1=$(date +%s%N)
        for vm in $HOLDERS; do $V attach-device "$vm" "/tmp/$vm-vf.xml" --live >/dev/null || return 1; done
        t2=$(date +%s%N)
        for vm in $HOLDERS; do $V dumpxml "$vm" | grep -q "<alias name='ua-net0-vf'/>" || { echo "$vm has no VF"; return 1; }; done
        start=$(( (t1 - t0) / 1000000 )) attach=$(( (t2 - t1) / 1000000 ))
        printf 'hand_start_4_ms=%s\nhand_attach_4_ms=%s\nhand_total_ms=%s\n' "$start" "$attach" "$((start + attach))" | tee /lab/out/hand.txt
        note "timing: by hand 4 x virsh start --paused $((start / 1000)) s, 4 x virsh attach-device $((attach / 1000)) s"
    }
    check storm-same-attaches-by-hand by_hand
    note "timing: boot 2 checks $(( $(date +%s) - t_start )) s"
    note "reboot: boot 2 done"
}

case "$PHASE" in
    1) phase1 ;;
    2) phase2 ;;
    *) check reboot-phase sh -c "echo 'no phase file in the share: run with boot.sh --boots 2'; false" ;;
esac
