#!/bin/sh
# Event -> VF attached, against a raw `virsh attach-device` of the same XML, on the lab's
# emulated 82576 (run it as a lab check: tests/lab/run.sh bench/lab-attach-latency.sh --build BUILD).
# A paused nested domain is started N times: (raw) then `virsh attach-device` of the VF
# interface libvmnet would attach, timed as a process; (reconciler) a VmnetReconciler in a
# Python GI process sees the start event and attaches the VF itself, timed from `virsh start`
# returning to its vf-action "attached". Prints a markdown table for doc/benchmarks.md.
. /lab/lib-guest.sh
. /lab/lib-vmnet.sh

export GI_TYPELIB_PATH=$B/introspection
V=$VIRSH
N=${LATENCY_RUNS:-5}

vmnet_wait_libvirtd

setup() {
    ip link set "$PF" up
    $VMNET set-netadaptersriov "$PF" --num-vfs 1 || return 1
    udevadm settle --timeout=30
    $VMNET new-vmswitch --name lab --net-adapter "$PF" --enable-iov >/dev/null || return 1
    vmnet_define_vm lat || return 1
    $VMNET add-vmnetworkadapter --vm-name lat --switch-name lab --name net0 >/dev/null || return 1
    $VMNET set-vmnetworkadapter --vm-name lat --iov-weight 100
}
check latency-setup setup

cat > /tmp/latency.py <<'PY'
import re, statistics, subprocess, sys, time
import gi
gi.require_version("Vmnet", "1.0")
from gi.repository import GLib, Vmnet

N = int(sys.argv[1])
V = ["virsh", "-c", "qemu:///system"]
xml = subprocess.run(V + ["dumpxml", "lat"], capture_output=True, text=True, check=True).stdout
mac = re.search(r"<mac address='([^']+)'", xml).group(1)
vf_xml = f"""<interface type='network'><mac address='{mac}'/><source network='lab-iov'/>
<teaming type='transient' persistent='ua-net0'/><alias name='ua-net0-vf'/></interface>"""
open("/tmp/vf.xml", "w").write(vf_xml)

def run(*args):
    subprocess.run(V + list(args), check=True, capture_output=True)

raw = []
for _ in range(N):
    run("start", "--paused", "lat")
    t0 = time.monotonic()
    run("attach-device", "lat", "/tmp/vf.xml", "--live")
    raw.append(time.monotonic() - t0)
    run("destroy", "lat")

ctx = GLib.MainContext.default()
r = Vmnet.Reconciler.new("qemu:///system")
attached = []
r.connect("vf-action", lambda r, action, vm, *rest: attached.append(time.monotonic())
          if action == Vmnet.VfAction.ATTACHED and vm == "lat" else None)
r.start()
deadline = time.monotonic() + 60
while r.props.passes < 1 and time.monotonic() < deadline:
    ctx.iteration(True)
ours, starts = [], []
for _ in range(N):
    attached.clear()
    t0 = time.monotonic()
    run("start", "--paused", "lat")
    t1 = time.monotonic()
    deadline = t1 + 60
    while not attached and time.monotonic() < deadline:
        ctx.iteration(True)
    if not attached:
        sys.exit("no attach by the reconciler")
    ours.append(attached[0] - t1)
    starts.append(t1 - t0)
    run("destroy", "lat")
    end = time.monotonic() + 1.5   # let the reconciler see the stop
    while time.monotonic() < end:
        ctx.iteration(False)
        time.sleep(0.01)
r.stop()
mr, mo = statistics.median(raw), statistics.median(ours)
print(f"| attach of a teamed VF to a paused nested domain, lab (82576, TCG), median of {N} | ms |")
print("|---|---|")
print(f"| raw: `virsh attach-device` of the same XML (process incl.) | {mr*1000:.0f} |")
print(f"| reconciler: `virsh start` returned -> vf-action attached | {mo*1000:.0f} |")
print(f"| difference (target: within 50 ms of raw) | {(mo-mr)*1000:+.0f} |")
print(f"| (for scale: `virsh start --paused` itself) | {statistics.median(starts)*1000:.0f} |")
print("raw:", [round(x*1000) for x in raw], "reconciler:", [round(x*1000) for x in ours])
PY

latency() {
    python3 /tmp/latency.py "$N" > /lab/out/latency.md || return 1
    cat /lab/out/latency.md
}
check attach-latency latency
