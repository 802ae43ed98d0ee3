#!/bin/bash
# smoke.sh — proves tests/daemon/libvirtd-env.sh: a private libvirtd that runs a real
# (TCG) QEMU domain, keeps domain/network/metadata state across a daemon restart and a
# full stop/start, and can run next to a second private daemon (distinct host UUID) and
# live-migrate a domain to it.  KEEP=1 keeps the state directories for inspection.
#
# Exit: 0 all checks passed, 1 a check failed, 77 skipped (reason on stderr/stdout).
# Prints one "PASS: ..." / "FAIL: ..." line per check and a closing "N passed, N failed".
set -u

here=$(cd "$(dirname "$0")" && pwd)
ENV=$here/libvirtd-env.sh
VIRSH=${VIRSH:-virsh}
QEMU=${QEMU:-/usr/bin/qemu-system-x86_64}
NS=http://libvmnet.org/xmlns/smoke/1.0

npass=0; nfail=0
pass() { echo "PASS: $*"; npass=$((npass + 1)); }
fail() { echo "FAIL: $*"; nfail=$((nfail + 1)); }
# check WHAT CMD...: runs CMD quietly; on failure shows its stderr.
check() {
    local what=$1; shift
    if "$@" >"$work/check.out" 2>"$work/check.err"; then pass "$what"
    else fail "$what${work:+: $(head -c 400 "$work/check.err" | tr '\n' ' ')}"; fi
}
finish() {
    echo "$npass passed, $nfail failed"
    [ "$nfail" -eq 0 ] && exit 0 || exit 1
}

[ -x "$QEMU" ] || { echo "SKIP: $QEMU not found (apt-get install qemu-system-x86)"; exit 77; }

work=$(mktemp -d /tmp/libvmnet-smoke.XXXXXX)
SD1=$work/d1
SD2=$work/d2
cleanup() {
    "$ENV" stop "$SD1" >/dev/null 2>&1
    "$ENV" stop "$SD2" >/dev/null 2>&1
    if [ -n "${KEEP:-}" ]; then echo "state kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

t0=$(date +%s.%N)
URI=$("$ENV" start "$SD1" --host-uuid 11111111-2222-3333-4444-000000000001 2>"$work/start.err")
rc=$?
if [ $rc -eq 77 ]; then cat "$work/start.err"; echo "SKIP: private libvirtd cannot run here"; exit 77; fi
if [ $rc -ne 0 ]; then cat "$work/start.err"; fail "start private libvirtd (rc=$rc)"; finish; fi
pass "start private libvirtd ($(printf '%.2f' "$(echo "$(date +%s.%N) - $t0" | bc)") s): $URI"

v() { "$VIRSH" -q -c "$URI" "$@"; }

cat >"$work/net.xml" <<'EOF'
<network>
  <name>smoke-net</name>
  <bridge name='virbr-smoke' stp='off' delay='0'/>
</network>
EOF
# Diskless TCG q35 domain.  q35 needs explicit controller indexes: pcie-root at 0,
# pcie-root-ports from 1.
cat >"$work/dom.xml" <<EOF
<domain type='qemu'>
  <name>smoke</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>$QEMU</emulator>
    <controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' index='1' model='pcie-root-port'/>
    <controller type='pci' index='2' model='pcie-root-port'/>
    <controller type='pci' index='3' model='pcie-root-port'/>
    <controller type='pci' index='4' model='pcie-root-port'/>
    <interface type='network'>
      <mac address='52:54:00:5e:00:01'/>
      <source network='smoke-net'/>
      <model type='virtio'/>
    </interface>
    <serial type='null'/>
    <memballoon model='none'/>
  </devices>
</domain>
EOF

check "define isolated network" v net-define "$work/net.xml"
check "start network" v net-start smoke-net
check "autostart network" v net-autostart smoke-net
check "define diskless q35 TCG domain" v define "$work/dom.xml"
t0=$(date +%s.%N)
if v start smoke >/dev/null 2>"$work/err"; then
    pass "start domain ($(printf '%.2f' "$(echo "$(date +%s.%N) - $t0" | bc)") s)"
else
    fail "start domain: $(cat "$work/err")"
fi
state() { v domstate "$1" 2>/dev/null | head -n1; }
check "domain is running" test "$(state smoke)" = running
check "virtio interface on smoke-net" bash -c "'$VIRSH' -q -c '$URI' domiflist smoke | grep -q 'smoke-net *virtio *52:54:00:5e:00:01'"

META="<probe value='42' owner='smoke'/>"
check "set metadata (custom namespace, live+config)" \
    v metadata smoke "$NS" --key smk --set "$META" --live --config >/dev/null
meta_ok() { v metadata smoke "$NS" "$@" 2>/dev/null | grep -q 'probe value="42" owner="smoke"'; }
check "metadata reads back" meta_ok

t0=$(date +%s.%N)
if "$ENV" restart "$SD1" >/dev/null 2>"$work/err"; then
    pass "restart daemon ($(printf '%.2f' "$(echo "$(date +%s.%N) - $t0" | bc)") s)"
else
    fail "restart daemon: $(cat "$work/err")"
fi
check "domain still defined after restart" bash -c "'$VIRSH' -q -c '$URI' list --all --name | grep -qx smoke"
check "domain still running after restart" test "$(state smoke)" = running
check "live metadata intact after restart" meta_ok --live
check "persistent metadata intact after restart" meta_ok --config
check "network still active after restart" bash -c "'$VIRSH' -q -c '$URI' net-list --name | grep -qx smoke-net"

# A full stop kills QEMU and the namespace; persistent state must survive it.
"$ENV" stop "$SD1" 2>"$work/err" || fail "stop daemon: $(cat "$work/err")"
check "stop leaves no socket" test ! -S "$SD1/run/libvirt-sock"
URI=$("$ENV" start "$SD1" 2>"$work/err") || fail "start again: $(cat "$work/err")"
check "domain defined after stop/start" bash -c "'$VIRSH' -q -c '$URI' list --all --name | grep -qx smoke"
check "domain shut off after stop/start" test "$(state smoke)" = "shut off"
check "metadata persisted across stop/start" meta_ok --config
check "network autostarted after stop/start" bash -c "'$VIRSH' -q -c '$URI' net-list --name | grep -qx smoke-net"
check "host uuid kept" bash -c "'$VIRSH' -q -c '$URI' capabilities | grep -q '<uuid>11111111-2222-3333-4444-000000000001</uuid>'"

# Two daemons side by side (what live migration tests need): distinct state dirs and host UUIDs.
URI2=$("$ENV" start "$SD2" --host-uuid 11111111-2222-3333-4444-000000000002 2>"$work/err")
if [ -n "$URI2" ]; then pass "second daemon started: $URI2"; else fail "second daemon: $(cat "$work/err")"; fi
u1=$("$VIRSH" -q -c "$URI" capabilities 2>/dev/null | sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' | head -n1)
u2=$("$VIRSH" -q -c "$URI2" capabilities 2>/dev/null | sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' | head -n1)
check "both daemons answer with distinct host UUIDs ($u1 / $u2)" test -n "$u1" -a -n "$u2" -a "$u1" != "$u2"
check "daemons have separate state" bash -c "! '$VIRSH' -q -c '$URI2' list --all --name | grep -qx smoke"
check "domain starts on daemon 1 while daemon 2 runs" v start smoke
# Same network and bridge names in both: possible because each has its own netns.
"$VIRSH" -q -c "$URI2" net-define "$work/net.xml" >/dev/null 2>&1
check "same bridge name on daemon 2 (separate network namespaces)" \
    "$VIRSH" -q -c "$URI2" net-start smoke-net
# Live migration daemon 1 -> daemon 2 over a unix socket that both namespaces see.
t0=$(date +%s.%N)
if v migrate --live --persistent --undefinesource smoke "$URI2" \
        --migrateuri "unix://$work/migrate.sock" --timeout 60 2>"$work/err"; then
    pass "live migration daemon 1 -> daemon 2 ($(printf '%.2f' "$(echo "$(date +%s.%N) - $t0" | bc)") s)"
else
    fail "live migration daemon 1 -> daemon 2: $(cat "$work/err")"
fi
check "domain running on daemon 2" test "$("$VIRSH" -q -c "$URI2" domstate smoke 2>/dev/null | head -n1)" = running
check "metadata travelled with it" bash -c "'$VIRSH' -q -c '$URI2' metadata smoke '$NS' | grep -q 'probe value=\"42\"'"
check "domain gone from daemon 1" bash -c "! '$VIRSH' -q -c '$URI' list --all --name | grep -qx smoke"
check "stop daemon 2" "$ENV" stop "$SD2"
check "daemon 1 still answers" "$VIRSH" -q -c "$URI" uri
check "stop daemon 1" "$ENV" stop "$SD1"
finish
