#!/bin/sh
# Port policies on the igb VFs: an outbound bandwidth limit becomes the VF's max_tx_rate (or,
# where the driver refuses it, the adapter keeps no VF and names the driver), a change of it
# reaches the held VF, MacAddressSpoofing on/off turns the VF's spoof checking off/on and the
# status shows each path, and an nwfilter beyond no-mac-spoofing (clean-traffic) keeps the VF off.
# Uses a switch of its own over a Linux bridge on the first PF (libvirt filters taps only).
# Needs boot.sh --build BUILD_DIR. Runs inside the lab guest (checks/all.sh, or alone).
. /lab/lib-guest.sh
. /lab/lib-vmnet.sh
vmnet_wait_libvirtd

# An IOV switch of our own on PF whose software path is a Linux bridge: libvirt puts nwfilters
# on taps only, not on macvtap.
policy_switch() {
    ip link set "$PF" up
    [ "$(cat /sys/bus/pci/devices/$PF_ADDR/sriov_numvfs)" = 4 ] || vmnet_set_4_vfs || return 1
    ip link add vmnetpol0 type bridge 2>/dev/null; ip link set vmnetpol0 up || return 1
    $VMNET new-vmswitch --name polbr --net-adapter "$PF" --bridge vmnetpol0 --enable-iov > /dev/null || return 1
    SW=polbr
}

# The software path's tap (the failover VF has the same MAC, so the MAC does not name it).
soft_dev() { $VIRSH domiflist pol1 | awk 'NR > 2 && $1 != "" && $1 != "-" { print $1; exit }'; }

# The VF index (on PF) of the adapter's VF, from get-vmnetworkadapter; empty: none.
vf_index() {
    addr=$($VMNET -o json get-vmnetworkadapter --vm-name pol1 | $J "
import json, sys
print(json.load(sys.stdin)[0]['VirtualFunction'] or '')")
    [ -n "$addr" ] || return 1
    for l in /sys/bus/pci/devices/$PF_ADDR/virtfn*; do
        [ "$(basename "$(readlink "$l")")" = "$addr" ] && { basename "$l" | sed 's/virtfn//'; return 0; }
    done
    return 1
}

# The VF's line of `ip link show PF`.
vf_line() { ip link show "$PF" | grep "^ *vf $1 "; }

adapter_json() { $VMNET -o json get-vmnetworkadapter --vm-name pol1 > /tmp/pol.json; }

# The running adapter has nwfilter $1 (on its tap: libvirt's own view) and is still connected to
# its switch: the live XML names network polbr and the network holds one port (a live filter
# change that gave libvirt the live XML's type='bridge' took the adapter out of the network).
live_filter_kept_switch() {
    $VIRSH dumpxml pol1 > /tmp/pol-live.xml
    grep -q "filterref filter='$1'" /tmp/pol-live.xml || { echo "no live filter $1"; grep -A12 "<interface type='\(bridge\|network\)'" /tmp/pol-live.xml; return 1; }
    grep -q "<source network='polbr'" /tmp/pol-live.xml || { echo "out of network polbr:"; grep -A3 "<interface type='\(bridge\|network\)'" /tmp/pol-live.xml; return 1; }
    ports=$($VIRSH net-port-list polbr | grep -c "^ *[0-9a-f]\{8\}-")
    [ "$ports" = 1 ] || { echo "network polbr has $ports ports"; return 1; }
    echo "live: filter $1, network polbr, 1 port"
    adapter_json
    $J "
import json
a=json.load(open('/tmp/pol.json'))[0]
assert a['SwitchName']=='polbr', a" || return 1
}

policy_check() { # the adapter-port-policy check results and messages, one per line
    $VMNET -o json test-sriov --vm-name pol1 > /tmp/pol-checks.json
    $J "
import json
for x in json.load(open('/tmp/pol-checks.json')):
    if x['Check']=='adapter-port-policy':
        print(x['Result'] + ': ' + x['Message'] + (' Fix: ' + x['Fix'] if x.get('Fix') else ''))"
}

policy_bandwidth() {
    policy_switch || return 1
    vmnet_define_vm pol1 || return 1
    $VMNET -o json add-vmnetworkadapter --vm-name pol1 --switch-name "$SW" --name net0 > /tmp/pol.json || return 1
    MAC=$($J "import json; print(json.load(open('/tmp/pol.json'))[0]['MacAddress'])")
    # 1000 KB/s out of the VM: 8 Mbit/s on the VF.
    $VIRSH domiftune pol1 "$MAC" --outbound 1000 --config > /dev/null || return 1
    $VIRSH start --paused pol1 > /dev/null || return 1
    $VMNET set-vmnetworkadapter --vm-name pol1 --name net0 --iov-weight 100 || return 1
    adapter_json
    if idx=$(vf_index); then
        line=$(vf_line "$idx"); echo "VF $idx: $line"
        echo "$line" | grep -q "max_tx_rate 8Mbps" || return 1
        $J "
import json
a=json.load(open('/tmp/pol.json'))[0]
print(a['StatusDescription'])
# An OS-less VM never takes the VF: plugged, and said so (IovUsage counts the guest's use).
assert a['VirtualFunction'] and a['StatusDescription'][0] in ('OK (SR-IOV active)', 'Degraded (SR-IOV guest error)'), a
assert any('max_tx_rate 8 Mbit/s' in d for d in a['StatusDescription']), a" || return 1
        # A change of the limit reaches the held VF on the next pass.
        $VIRSH domiftune pol1 "$(soft_dev)" --outbound 2000 --live > /dev/null || return 1
        $VIRSH domiftune pol1 "$MAC" --outbound 2000 --config > /dev/null || return 1
        $VMNET reconcile-vmhost --vm-name pol1 > /dev/null || return 1
        line=$(vf_line "$idx"); echo "after --outbound 2000 and a pass: $line"
        echo "$line" | grep -q "max_tx_rate 16Mbps" || return 1
    else
        # igb refused the rate: no VF, and the status names the driver and the setting.
        $J "
import json
a=json.load(open('/tmp/pol.json'))[0]
print(a['IovUsage'], a['StatusDescription'])
assert a['IovUsage']==0, a
assert any('Driver igb refused max_tx_rate 8 Mbit/s' in d for d in a['StatusDescription']), a" || return 1
        policy_check
    fi
}
check policy-bandwidth-on-vf policy_bandwidth

# Spoof checking of the VF follows MacAddressSpoofing; the status says what each path does.
policy_mac_spoofing() {
    if ! vf_index > /dev/null; then
        # igb refused the rate: without the limit the VF comes.
        $VIRSH domiftune pol1 "$(soft_dev)" --outbound 0 --live > /dev/null || return 1
        $VMNET reconcile-vmhost --vm-name pol1 > /dev/null || return 1
    fi
    idx=$(vf_index) || { echo "pol1 holds no VF"; return 1; }
    $VMNET set-vmnetworkadapter --vm-name pol1 --name net0 --mac-address-spoofing on || return 1
    line=$(vf_line "$idx"); echo "--mac-address-spoofing on: $line"
    echo "$line" | grep -q "spoof checking off" || return 1
    got=$(policy_check); echo "$got"
    echo "$got" | grep -q "spoofchk off (MacAddressSpoofing on)" || return 1
    $VMNET --verbose set-vmnetworkadapter --vm-name pol1 --name net0 --mac-address-spoofing off \
        > /tmp/pol-set.log 2>&1 || { cat /tmp/pol-set.log; return 1; }
    line=$(vf_line "$idx"); echo "--mac-address-spoofing off: $line"
    echo "$line" | grep -q "spoof checking on" ||
        { grep -iv "^$" /tmp/pol-set.log | grep -i "vf\|polic\|refus\|detach\|filter" | tail -15
          adapter_json; cat /tmp/pol.json; return 1; }
    got=$(policy_check); echo "$got"
    adapter_json
    $J "
import json
a=json.load(open('/tmp/pol.json'))[0]
assert a['SwitchName'] and a['VirtualFunction'], a" || return 1
    if $VIRSH nwfilter-list > /dev/null 2>&1; then
        # The software path drops spoofed frames too, at once: libvmnet's nwfilter on the running
        # tap, while the adapter keeps its switch, its network port and its VF.
        live_filter_kept_switch vmnet-mac-guard || return 1
        idx=$(vf_index) || { echo "pol1 lost its VF with the live filter change"; return 1; }
        echo "$got" | grep -q "the software path denies it (nwfilter 'vmnet-mac-guard'), the VF denies it" ||
            return 1
    else
        # Without libvirt's nwfilter driver the software path cannot: the status says so.
        echo "$got" | grep -q "^WARN: MAC address spoofing: the software path allows it" || return 1
    fi
}
check policy-mac-spoofing-spoofchk policy_mac_spoofing

# A guard set on the running adapter that holds a VF: the guard's filter reaches the tap at once,
# the adapter keeps its switch, and the VF goes (it would bypass the guard), the status saying why.
# With the guard off again, the VF comes back.
policy_live_guard() {
    $VIRSH nwfilter-list > /dev/null 2>&1 || { echo "no nwfilter driver: guards cannot be set"; return 0; }
    vf_index > /dev/null || { echo "pol1 holds no VF"; return 1; }
    $VMNET set-vmnetworkadapter --vm-name pol1 --name net0 --router-guard on || return 1
    live_filter_kept_switch vmnet-mac-router-guard || return 1
    $VMNET reconcile-vmhost --vm-name pol1 > /dev/null || return 1
    adapter_json
    $J "
import json
a=json.load(open('/tmp/pol.json'))[0]
print(a['IovUsage'], a['VirtualFunction'], a['StatusDescription'][:2])
assert not a['VirtualFunction'] and a['IovUsage']==0 and a['Status']=='Degraded', a
assert any('RouterGuard' in d for d in a['StatusDescription']), a" || return 1
    $VMNET set-vmnetworkadapter --vm-name pol1 --name net0 --router-guard off || return 1
    live_filter_kept_switch vmnet-mac-guard || return 1
    $VMNET reconcile-vmhost --vm-name pol1 > /dev/null || return 1
    idx=$(vf_index) || { echo "no VF with the guard off"; return 1; }
    echo "guard off: VF $idx back"
}
check policy-live-guard-filter policy_live_guard

# clean-traffic holds on the software path only: the VF goes and stays off, with the reason.
policy_clean_traffic() {
    $VIRSH destroy pol1 > /dev/null 2>&1
    $VIRSH dumpxml --inactive pol1 > /tmp/pol1.xml || return 1
    $J "
import re
x=open('/tmp/pol1.xml').read()
x=re.sub(r'<filterref[^>]*/>', '', x)
x=re.sub(r'(<interface type=.(?:network|bridge).>)', r\"\\1<filterref filter='clean-traffic'/>\", x, count=1)
assert 'clean-traffic' in x, x
open('/tmp/pol1.xml','w').write(x)" || return 1
    $VIRSH define /tmp/pol1.xml > /dev/null || return 1
    if ! $VIRSH nwfilter-list > /dev/null 2>&1; then
        # A domain with a filterref needs libvirt's nwfilter driver to start.
        got=$(policy_check); echo "(no nwfilter driver: defined, not started) $got"
        echo "$got" | grep -q "^FAIL: Port policy nwfilter 'clean-traffic'" || return 1
        $VIRSH start --paused pol1 > /tmp/pol-start.txt 2>&1 && { echo "started without nwfilter?"; return 1; }
        echo "start: $(cat /tmp/pol-start.txt)"
        return 0
    fi
    $VIRSH start --paused pol1 > /dev/null || return 1
    $VMNET reconcile-vmhost --vm-name pol1 > /dev/null || return 1
    adapter_json
    $J "
import json
a=json.load(open('/tmp/pol.json'))[0]
print(a['IovUsage'], a['Status'], a['StatusDescription'])
assert a['IovUsage']==0 and a['Status']=='Degraded', a
assert any(\"Port policy nwfilter 'clean-traffic'\" in d for d in a['StatusDescription']), a" || return 1
    got=$(policy_check); echo "$got"
    echo "$got" | grep -q "^FAIL: Port policy nwfilter 'clean-traffic'" || return 1
}
check policy-clean-traffic-keeps-vf-off policy_clean_traffic

# A bond or a team as a switch's adapter: test-sriov names it, with its ports, and why VFs
# cannot pass through it. What the kernel shows of each (uevent, sysfs, link kind) is printed:
# the unit tests' fixture trees are written from it.
policy_aggregates() {
    ip link add aggp0 type dummy || { echo "no dummy links: cannot build a bond or team here"; return 1; }
    rc=0
    for kind in bond team; do
        if ! ip link add agg0 type "$kind" 2> /tmp/agg.err; then
            echo "$kind: cannot create one: $(cat /tmp/agg.err)"
            [ "$kind" = team ] && ! modprobe -n team 2> /dev/null && { echo "no team module"; continue; }
            rc=1; continue
        fi
        ip link set aggp0 down; ip link set aggp0 master agg0 || { echo "$kind: cannot enslave aggp0"; rc=1; }
        ip link set agg0 up
        echo "== $kind: uevent: $(tr '\n' ' ' < /sys/class/net/agg0/uevent)"
        echo "   sysfs: $(ls /sys/class/net/agg0 | tr '\n' ' ')"
        echo "   port's sysfs: $(ls /sys/class/net/aggp0 | grep -i "upper\|master\|bond\|team" | tr '\n' ' ')"
        echo "   link: $(ip -d link show agg0 | sed -n 2,3p | tr '\n' ' ')"
        echo "   ethtool: $(ethtool -i agg0 2>&1 | head -2 | tr '\n' ' ')"
        $VMNET new-vmswitch --name aggsw --net-adapter agg0 > /dev/null || { echo "$kind: new-vmswitch failed"; rc=1; }
        $VMNET -o json test-sriov > /tmp/agg.json
        got=$($J "
import json
for x in json.load(open('/tmp/agg.json')):
    if x['Check']=='switch-adapter-sriov' and 'aggsw' in x['Message']:
        print(x['Result'] + ': ' + x['Message'])")
        echo "   test-sriov: $got"
        echo "$got" | grep -q "^FAIL: Adapter agg0 of switch 'aggsw' is a $kind over aggp0" || rc=1
        $VMNET remove-vmswitch aggsw > /dev/null 2>&1
        ip link set aggp0 nomaster 2> /dev/null
        ip link del agg0
    done
    ip link del aggp0
    return $rc
}
check policy-bond-team-adapter policy_aggregates

$VIRSH destroy pol1 > /dev/null 2>&1
$VIRSH undefine pol1 > /dev/null 2>&1
$VMNET remove-vmswitch polbr > /dev/null 2>&1
ip link del vmnetpol0 2>/dev/null
# libvmnet's nwfilters stay in libvirt (its data, not the packages'): later checks of the same
# boot (service.sh's purge) look for leftovers of the packages by name. A filter another one
# uses goes in a second round.
for round in 1 2; do
    for f in $($VIRSH nwfilter-list 2>/dev/null | awk '$2 ~ /^vmnet-/ { print $2 }'); do
        $VIRSH nwfilter-undefine "$f" > /dev/null 2>&1
    done
done
true
