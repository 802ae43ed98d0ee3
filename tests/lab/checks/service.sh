#!/bin/sh
# vmnetd as a systemd service on the lab host (its systemd, its libvirtd, real VFs): from the
# project's Debian packages when the build tree carries them (BUILD/debs, put there by
# tools/test.sh after the install test), else the unit built by the project with ExecStart
# pointed at the build tree. Type=notify, the status line, the actions in the journal with their
# fields, reload and stop leaving the VF where it is, the unit's exposure as this systemd rates
# it, and the packages purged. After reconcile.sh in the same boot (checks/all.sh): its switch
# 'lab' (2 VFs) is reused.
# Needs boot.sh --build BUILD_DIR. Runs inside the lab guest as /lab/run-in-guest.sh.
. /lab/lib-guest.sh
. /lab/lib-vmnet.sh

V=$VIRSH
note "service: start"
vmnet_wait_libvirtd

usage() { # VM -> 1 when a VF is plugged for its adapter (these guests run no OS, so none takes
          # the VF and IovUsage stays 0: "Degraded (SR-IOV guest error)")
    $VMNET -o json get-vmnetworkadapter --vm-name "$1" | $J "import json,sys; print(1 if json.load(sys.stdin)[0]['VirtualFunction'] else 0)"
}
has_vf() { [ "$(usage "$1")" = 1 ]; }

DEBS=$(ls $B/debs/libvmnet0_*.deb $B/debs/vmnet_*.deb $B/debs/vmnetd_*.deb 2>/dev/null)

install_unit() {
    for vm in hold light heavy mid late; do $V destroy "$vm"; $V undefine "$vm"; done >/dev/null 2>&1
    $VMNET get-vmswitch lab >/dev/null || { echo "no switch 'lab' (reconcile.sh runs first)"; return 1; }
    if [ -n "$DEBS" ]; then
        echo "installing $(echo $DEBS | wc -w) packages: $(for d in $DEBS; do basename "$d"; done | tr '\n' ' ')"
        # The NumVFs that earlier checks recorded with the build's tool are not the packages':
        # kept aside until the purge has been checked.
        if [ -e /etc/vmnet/sriov.conf ]; then mv /etc/vmnet/sriov.conf /var/tmp/lab-sriov.conf || return 1; fi
        # The package enables and starts the service; the checks start it themselves.
        DEBIAN_FRONTEND=noninteractive dpkg -i $DEBS || return 1
        systemctl stop vmnetd
        [ "$(systemctl show -p FragmentPath --value vmnetd)" = /lib/systemd/system/vmnetd.service ] ||
            [ "$(systemctl show -p FragmentPath --value vmnetd)" = /usr/lib/systemd/system/vmnetd.service ] ||
            { systemctl show -p FragmentPath vmnetd; return 1; }
        [ "$(systemctl is-enabled vmnetd)" = enabled ] || { echo "not enabled by the package"; return 1; }
        grep -q '^uri=qemu:///system' /etc/vmnet/vmnetd.conf || return 1
        return 0
    fi
    note "no packages in $B/debs: the unit from the build tree"
    sed "s|^ExecStart=.*|ExecStart=$B/examples/vmnetd/vmnetd|" "$B/examples/vmnetd/vmnetd.service" \
        > /etc/systemd/system/vmnetd.service || return 1
    mkdir -p /etc/systemd/system/vmnetd.service.d /etc/vmnet
    printf '[Service]\nEnvironment=LD_LIBRARY_PATH=%s/libvmnet\n' "$B" \
        > /etc/systemd/system/vmnetd.service.d/build-tree.conf
    printf '[vmnetd]\nuri=qemu:///system\nlog-level=info\n' > /etc/vmnet/vmnetd.conf
    systemctl daemon-reload || return 1
    systemd-analyze verify /etc/systemd/system/vmnetd.service 2>&1 | grep -v 'man vmnetd' | grep . && return 1
    return 0
}
check service-unit-installs install_unit

exposure() {
    out=$(systemd-analyze security vmnetd.service | tail -n 1)
    echo "$out"
    systemd-analyze security --threshold=30 vmnetd.service >/dev/null || { echo "exposure above 3.0"; return 1; }
}
check service-exposure-at-most-3 exposure

start_ready() {
    t0=$(date +%s%N)
    # Type=notify: start returns once vmnetd has said READY=1 (after its first full pass).
    timeout 120 systemctl start vmnetd || { systemctl status vmnetd --no-pager; journalctl -u vmnetd --no-pager | tail -n 20; return 1; }
    note "systemctl start vmnetd -> ready: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
    [ "$(systemctl is-active vmnetd)" = active ] || return 1
    status=$(systemctl show -p StatusText --value vmnetd)
    echo "StatusText: $status"
    echo "$status" | grep -Eq '^[0-9]+ VF\(s\) handed out, [0-9]+ adapter\(s\) waiting for a VF$'
}
check service-type-notify-ready-with-status start_ready

vf_through_service() {
    vmnet_define_vm svc || return 1
    $VMNET add-vmnetworkadapter --vm-name svc --switch-name lab --name net0 >/dev/null || return 1
    $VMNET set-vmnetworkadapter --vm-name svc --iov-weight 40 || return 1
    $V start --paused svc >/dev/null || return 1
    wait_for 60 has_vf svc || { journalctl -u vmnetd --no-pager | tail -n 20; echo "svc got no VF"; return 1; }
    # The journal has the action with its fields.
    wait_for 10 sh -c "journalctl -u vmnetd VMNET_VM=svc VMNET_ACTION=attached -o cat | grep -q \"VM 'svc' adapter 'net0': VF .* attached\"" ||
        { journalctl -u vmnetd -o verbose --no-pager | tail -n 40; return 1; }
    journalctl -u vmnetd VMNET_VM=svc -o cat | head -n 3
    wait_for 10 sh -c "systemctl show -p StatusText --value vmnetd | grep -q '^1 VF(s) handed out'" ||
        { systemctl show -p StatusText --value vmnetd; return 1; }
}
check service-gives-vf-journal-has-it vf_through_service

reload_keeps_vf() {
    systemctl reload vmnetd || return 1
    wait_for 20 sh -c "journalctl -u vmnetd -o cat | grep -q 'configuration reloaded'" || return 1
    [ "$(systemctl is-active vmnetd)" = active ] || return 1
    has_vf svc || { echo "svc lost its VF"; return 1; }
}
check service-reload-keeps-vf reload_keeps_vf

stop_leaves_vf() {
    systemctl stop vmnetd || return 1
    journalctl -u vmnetd -o cat | grep -q "stopping; VFs left in place" || return 1
    has_vf svc || { echo "svc lost its VF"; return 1; }
}
check service-stop-leaves-vf stop_leaves_vf

$V destroy svc >/dev/null 2>&1
$V undefine svc >/dev/null 2>&1

purge() {
    DEBIAN_FRONTEND=noninteractive dpkg --purge vmnetd vmnet libvmnet0 || return 1
    left=$(find /usr /etc /lib /var/lib/dpkg/info -path /usr/share/doc -prune -o -name '*vmnet*' ! -name 'vmnet-lab*' -print 2>/dev/null |
           grep -v "^$B" | head -n 5)
    [ -z "$left" ] || { echo "left after purge: $left"; return 1; }
    [ "$(systemctl is-enabled vmnetd 2>/dev/null)" != enabled ] || { echo "still enabled"; return 1; }
}
if [ -n "$DEBS" ]; then
    check service-packages-purge-clean purge
    if [ -e /var/tmp/lab-sriov.conf ]; then mkdir -p /etc/vmnet && mv /var/tmp/lab-sriov.conf /etc/vmnet/sriov.conf; fi
else
    rm -rf /etc/systemd/system/vmnetd.service /etc/systemd/system/vmnetd.service.d
    systemctl daemon-reload
fi
note "service: done"
