#!/usr/bin/python3
"""dbus-bench.py VMNETD VMNET [--domains N]... [--runs R] [--events E] [--no-polkit] [--model-reader PATH]
                [--attached [--attached-reader PATH]]
— what vmnetd's D-Bus service (doc/dbus.md) costs and gives, in one run.

On a private libvirtd (tests/daemon/libvirtd-env.sh) with N defined domains (bench/populate.py),
for each N, ascending, on the same daemon:
  1. reading every VM network adapter, round-robin, medians of R:
       (a) the naive C floor, bench/naive-floor.c (a process);
       (e) direct: VMNET get-vmnetworkadapter --all --output json (a process);
       (s) served: bench/dbus-read.c, a process that connects to a session bus (dbus-daemon
           --session, started here) and calls GetManagedObjects on vmnetd --bus session; the
           process and the call alone are timed, first call and cached (3rd on one connection);
       (m) served through Host.GetModel, with --model-reader (bench/dbus-model-read.c, built by
           meson): the process (connect, call, the library's model from the reply, print), the
           call alone (first and 3rd on a connection) and the model made from the reply;
     and, unless --no-polkit or the private polkit stack cannot run (tests/auth/polkit-env.sh,
     root only), vmnetd --bus system on that stack's system bus, read by dbus-read as root and
     as a user the authorization store lets view every VM (polkit asked once per VM on a
     connection's first call, then cached);
  2. the time from a libvirt change to the signal a subscriber (this process, one connection,
     after its GetManagedObjects) gets, E times each: a metadata change of IovWeight through
     python3-libvirt (-> PropertiesChanged), `vmnet set-vmnetworkadapter --iov-weight` (a process;
     -> PropertiesChanged), a defined domain (-> InterfacesAdded, both adapters) and its undefine
     (-> InterfacesRemoved); and, for the same metadata change, libvirt's call returning ->
     vmnetd's "pass done" with --bus none and with --bus session (what serving adds to a pass);
  3. vmnetd's VmRSS/VmHWM (/proc/PID/status): --bus none after its first pass; --bus session
     after its first pass, after the reads and after the events.
The CLI attaches to vmnetd on the bus VMNET_DBUS_BUS names (system by default, doc/dbus.md); (e) is not
told of the bench's session bus and reads libvirt itself.
With --attached, only: the CLI attached to vmnetd --bus session (VMNET_DBUS_BUS=session) against the
same command with VMNET_DBUS_BUS=none and the floor, a long-lived VmnetHost's refresh both ways, the
Host.Sync call, and with --attached-reader (bench/attached-read.c, built by meson) a live attached
host's whole read from its objects (rows checked against the floor's) and its opening.
Prints markdown tables for doc/benchmarks.md. Exit 0 ok, 1 failure (including a served read that
differs from the floor's), 77 cannot run here.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import populate  # its domain XML, for the defined-domain event
from benchlib import HERE, NS, TOP, Log, start_libvirtd, status_kb, stop_libvirtd

POLKIT_ENV = os.path.join(TOP, "tests", "auth", "polkit-env.sh")
BUS_NAME = "org.libvmnet.Vmnet1"
ROOT = "/org/libvmnet/Vmnet1"
ADAPTER = BUS_NAME + ".NetworkAdapter"
VIEWER = "vmnt-carol"      # the auth tests' user who may only look


def mem(pid):
    return status_kb(pid, "VmRSS") / 1024, status_kb(pid, "VmHWM") / 1024


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def timed(cmd, **kw):
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=1200, **kw)
    dt = time.monotonic() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} -> {p.returncode}: {p.stderr[-2000:]}")
    return dt, p


def call_times(stderr):
    return [float(x) for x in re.findall(r"^call \d+: ([0-9.]+)$", stderr, re.M)]


def model_times(stderr):
    """dbus-model-read's (seconds, bytes) per call: the model made from the reply."""
    return [(float(t), int(b)) for t, b in re.findall(r"^model \d+: ([0-9.]+) (\d+)$", stderr, re.M)]


def rows_of(text):
    return sorted(line for line in text.splitlines() if line)


class Vmnetd:
    def __init__(self, argv, env=None):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env={**os.environ, **(env or {}), "G_MESSAGES_DEBUG": "vmnetd"})
        self.log = Log(self.proc, timeout=600)

    def pid(self):
        # Under nsenter, vmnetd is nsenter's child (nsenter execs it: same pid).
        return self.proc.pid

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def wait_served(d, read_cmd, n, timeout=900):
    """Until vmnetd answers with 2 n adapters."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if d.proc.poll() is not None:
            raise RuntimeError("vmnetd exited:\n" + "\n".join(l for _, l in d.log.events[-20:]))
        p = subprocess.run(read_cmd, capture_output=True, text=True, timeout=600)
        if p.returncode == 0 and len(rows_of(p.stdout)) >= 2 * n:
            return
        time.sleep(0.5)
    raise RuntimeError("vmnetd did not serve the host in time")


class Subscriber:
    """One connection to the bus, a GetManagedObjects, then every signal with its arrival time."""

    def __init__(self, address):
        from gi.repository import Gio, GLib
        self.GLib = GLib
        self.bus = Gio.DBusConnection.new_for_address_sync(
            address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)
        self.cond = threading.Condition()
        self.signals = []      # (monotonic, member, path, args)
        self.bus.signal_subscribe(BUS_NAME, None, None, None, None, Gio.DBusSignalFlags.NONE, self._on, None)
        self.loop = GLib.MainLoop()
        threading.Thread(target=self.loop.run, daemon=True).start()
        reply = self.bus.call_sync(BUS_NAME, ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
                                   None, GLib.VariantType("(a{oa{sa{sv}}})"), Gio.DBusCallFlags.NONE, 600000, None)
        self.paths = {}
        for path, ifaces in reply.unpack()[0].items():
            a = ifaces.get(ADAPTER)
            if a:
                self.paths[(a["VMName"], a["MacAddress"].lower().replace("-", ":"))] = path

    def _on(self, conn, sender, path, iface, member, params, data):
        t = time.monotonic()
        with self.cond:
            self.signals.append((t, member, path, params.unpack()))
            self.cond.notify_all()

    def wait(self, pred, after, timeout=600):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for t, member, path, args in self.signals:
                    if t >= after and pred(member, path, args):
                        return t
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError("no such signal from vmnetd")
                self.cond.wait(left)

    def close(self):
        self.loop.quit()
        self.bus.close_sync(None)


def metadata_xml(i, weight):
    macs = [populate.mac_of(i, nic) for nic in (1, 2)]
    return "<adapters>" + "".join(
        f"<adapter mac='{m}' iov-weight='{weight}' iov-queue-pairs-requested='1' "
        f"iov-interrupt-moderation='default'/>" for m in macs) + "</adapters>"


def set_weight(conn, i, weight):
    import libvirt
    dom = conn.lookupByName(populate.name_of(i))
    dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, metadata_xml(i, weight), "vmnet", NS,
                    libvirt.VIR_DOMAIN_AFFECT_CONFIG)


def pass_latency(conn, d, n, runs, weight0):
    """libvirt's metadata call returning -> vmnetd's next "pass done"."""
    out = []
    for r in range(runs):
        t0 = time.monotonic()
        set_weight(conn, n - 1, weight0 + r)
        t1 = time.monotonic()
        out.append(d.log.wait(r"pass \d+ done", after=t0) - t1)
        time.sleep(0.3)
    return out


def event_latencies(conn, uri, vmnet, sub, d, n, runs):
    """{name: [(call start, call return, signal, pass done)]}."""
    import libvirt
    res = {"metadata": [], "cli": [], "define": [], "undefine": []}
    i = n // 2
    vm = populate.name_of(i)
    mac = populate.mac_of(i, 1)
    path = sub.paths[(vm, mac)]

    def changed_to(w):
        return lambda m, p, a: m == "PropertiesChanged" and p == path and a[1].get("IovWeight") == w

    for r in range(runs):
        w = 60 + r
        t0 = time.monotonic()
        set_weight(conn, i, w)
        t1 = time.monotonic()
        ts = sub.wait(changed_to(w), t0)
        res["metadata"].append((t0, t1, ts, d.log.wait(r"pass \d+ done", after=t0)))
        time.sleep(0.3)

        w = 80 + r
        t0 = time.monotonic()
        subprocess.run([vmnet, "--connect", uri, "set-vmnetworkadapter", "--vm-name", vm, "--name", mac,
                        "--iov-weight", str(w)], check=True, capture_output=True, timeout=600)
        t1 = time.monotonic()
        ts = sub.wait(changed_to(w), t0)
        res["cli"].append((t0, t1, ts, d.log.wait(r"pass \d+ done", after=t0)))
        time.sleep(0.3)

        k = 60000 + r      # above any --domains: its own name and MACs
        name = populate.name_of(k)
        macs = {populate.mac_of(k, nic) for nic in (1, 2)}
        seen = set()
        added_paths = set()

        def added(m, p, a):
            if m != "InterfacesAdded" or ADAPTER not in a[1]:
                return False
            props = a[1][ADAPTER]
            if props["VMName"] == name:
                seen.add(props["MacAddress"].lower().replace("-", ":"))
                added_paths.add(a[0])
            return seen >= macs

        t0 = time.monotonic()
        dom = conn.defineXML(populate.domain_xml(k))
        t1 = time.monotonic()
        ts = sub.wait(added, t0)
        res["define"].append((t0, t1, ts, d.log.wait(r"pass \d+ done", after=t0)))
        time.sleep(0.3)

        gone = set()

        def removed(m, p, a):
            if m == "InterfacesRemoved" and "/NetworkAdapter/" in a[0] and a[0] in added_paths:
                gone.add(a[0])
            return len(gone) >= 2

        t0 = time.monotonic()
        dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_NVRAM)
        t1 = time.monotonic()
        ts = sub.wait(removed, t0)
        res["undefine"].append((t0, t1, ts, d.log.wait(r"pass \d+ done", after=t0)))
        time.sleep(0.3)
    return res


def polkit_stack(tmp, uri, vmnet):
    """The private system bus + polkitd (tests/auth/polkit-env.sh) with vmnetd's bus policy and
    rules that let VIEWER view every VM; returns (state dir, holder pid) or (None, reason)."""
    if os.geteuid() != 0:
        return None, "needs root"
    for tool in ("nsenter", "runuser"):
        if not shutil.which(tool):
            return None, f"{tool} is missing"
    if subprocess.run(["getent", "passwd", VIEWER], capture_output=True).returncode != 0:
        subprocess.run(["useradd", "-M", "-d", "/nonexistent", "-s", "/usr/sbin/nologin", VIEWER], check=True)
    state = os.path.join(tmp, "polkit")
    os.makedirs(os.path.join(state, "dbus-system.d"))
    shutil.copy(os.path.join(TOP, "data", "dbus", BUS_NAME + ".conf"), os.path.join(state, "dbus-system.d"))
    t0 = time.monotonic()
    p = subprocess.run([POLKIT_ENV, "start", state], capture_output=True, text=True, timeout=300)
    if p.returncode == 77:
        return None, p.stderr.strip()
    if p.returncode != 0:
        raise RuntimeError("cannot start the polkit stack: " + p.stderr)
    started = time.monotonic() - t0
    with open(os.path.join(state, "holder.pid")) as f:
        holder = f.read().strip()
    store = os.path.join(tmp, "authorization.conf")
    rules = os.path.join(state, "rules", "60-vmnet.rules")
    for args in (["new-vmrole", "--name", "VM viewer", "--operation", "Read service configuration",
                  "--operation", "Read VM configuration"],
                 ["grant-vmrole", "--role", "VM viewer", "--user", VIEWER]):
        subprocess.run([vmnet, "--connect", uri, *args, "--store", store, "--rules", rules],
                       check=True, capture_output=True, timeout=120)
    return (state, holder, started), None


# A VmnetHost attached to vmnetd (doc/dbus.md): run as a process under /usr/bin/python3; prints the
# seconds of R refreshes of one host, one line each.
REFRESH = """
import sys, time, gi
gi.require_version("Vmnet", "1.0")
from gi.repository import Vmnet
host = Vmnet.Host.new_for_uri(sys.argv[1], None)
assert host.props.attached == (sys.argv[3] == "attached"), host.props.attached
for _ in range(int(sys.argv[2])):
    t0 = time.monotonic()
    host.refresh(None)
    print(time.monotonic() - t0, flush=True)
"""

SYNC = """
import sys, time
from gi.repository import Gio
bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
for _ in range(int(sys.argv[1])):
    t0 = time.monotonic()
    bus.call_sync("org.libvmnet.Vmnet1", "/org/libvmnet/Vmnet1/Host", "org.libvmnet.Vmnet1.Host", "Sync", None,
                  None, Gio.DBusCallFlags.NONE, 600000, None)
    print(time.monotonic() - t0, flush=True)
"""


def attached_rows(a, uri, n, floor, address, no_config, daemons):
    """--attached: `vmnet get-vmnetworkadapter --all` attached to vmnetd --bus session, against the same
    command reading libvirt (VMNET_DBUS_BUS=none) and the floor; and a long-lived host's refresh, both
    ways. Returns 1 when the attached output differs from the direct one."""
    d = Vmnetd([a.vmnetd, "--connect", uri, "--bus", "session", "--config", no_config, "--verbose"],
               {"DBUS_SESSION_BUS_ADDRESS": address})
    daemons.append(d)
    d.log.wait(r"pass \d+ done")
    cmd = [a.vmnet, "--connect", uri, "get-vmnetworkadapter", "--all", "--output", "json"]
    build = os.path.dirname(os.path.dirname(os.path.dirname(a.vmnet)))     # BUILD/examples/vmnet/vmnet
    gi_path = os.environ.get("GI_TYPELIB_PATH", os.path.join(build, "introspection"))
    attached = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address, "VMNET_DBUS_BUS": "session",
                "GI_TYPELIB_PATH": gi_path}
    direct = {**os.environ, "VMNET_DBUS_BUS": "none", "GI_TYPELIB_PATH": gi_path}
    deadline = time.monotonic() + 600
    while True:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=1200,
                           env={**attached, "G_MESSAGES_DEBUG": "Vmnet"})
        if p.returncode == 0 and "from vmnetd" in p.stdout + p.stderr:
            break
        if time.monotonic() > deadline:
            raise RuntimeError("the CLI did not attach to vmnetd: " + (p.stdout + p.stderr)[-2000:])
        time.sleep(1)
    status = 0
    out_t = subprocess.run(cmd, capture_output=True, text=True, check=True, env=attached).stdout
    out_e = subprocess.run(cmd, capture_output=True, text=True, check=True, env=direct).stdout
    if out_t != out_e:
        print("dbus-bench: the attached CLI's output differs from the direct one")
        status = 1
    times = {k: [] for k in ("a", "e", "t")}
    for _ in range(a.runs):
        times["a"].append(timed([floor, uri])[0])
        times["e"].append(timed(cmd, env=direct)[0])
        times["t"].append(timed(cmd, env=attached)[0])
    refresh = {}
    for how, env in (("attached", attached), ("direct", direct)):
        p = timed(["/usr/bin/python3", "-c", REFRESH, uri, str(a.runs), how], env=env)[1]
        refresh[how] = [float(x) for x in p.stdout.split()]
    syncs = [float(x) for x in timed(["/usr/bin/python3", "-c", SYNC, str(a.runs)], env=attached)[1].stdout.split()]
    live = None
    if a.attached_reader:
        p = timed([a.attached_reader, uri, str(a.runs)], env=attached)[1]
        fl = subprocess.run([floor, uri], capture_output=True, text=True, check=True).stdout
        if rows_of(p.stdout) != rows_of(fl):
            print("dbus-bench: the attached host's rows differ from the floor's")
            status = 1
        live = (float(re.search(r"^open: (\S+)", p.stderr, re.M).group(1)),
                med([float(x) for x in re.findall(r"^walk \d+: (\S+)", p.stderr, re.M)]))
    d.stop()
    daemons.remove(d)
    ta = med(times["a"])
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    print(f"\n### attached to vmnetd: {n} defined domains, {2 * n} adapters; median of {a.runs}; load {load}")
    print("\n| read every VM network adapter | time | × (a) |")
    print("|---|---|---|")
    for label, t in (("(a) naive C floor (a process)", ta),
                     ("(e) `vmnet get-vmnetworkadapter --all --output json`, `VMNET_DBUS_BUS=none` (reads libvirt)",
                      med(times["e"])),
                     ("(t) the same command attached to vmnetd (`VMNET_DBUS_BUS=session`: one GetModel)",
                      med(times["t"])),
                     ("a VmnetHost's refresh, direct (python3 process, in-process time)", med(refresh["direct"])),
                     ("a VmnetHost's refresh, attached (one GetModel)", med(refresh["attached"])),
                     *((("a live attached VmnetHost (attached-read): made, attached, first GetModel", live[0]),
                        ("the same host: a whole read, every property of every adapter from its objects",
                         live[1])) if live else ()),
                     ("`Host.Sync` (vmnetd reads libvirt again; after each change not served)", med(syncs))):
        print(f"| {label} | {t * 1000:.1f} ms | {t / ta:.3f} |")
    sys.stdout.flush()
    return status


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vmnetd")
    ap.add_argument("vmnet")
    ap.add_argument("--domains", type=int, action="append")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--events", type=int, default=5)
    ap.add_argument("--no-polkit", action="store_true")
    ap.add_argument("--attached", action="store_true",
                    help="only the CLI attached to vmnetd against direct and the floor (attached_rows)")
    ap.add_argument("--model-reader", help="bench/dbus-model-read (Host.GetModel)")
    ap.add_argument("--attached-reader", help="bench/attached-read (a live attached host), with --attached")
    a = ap.parse_args()
    a.vmnetd, a.vmnet = os.path.abspath(a.vmnetd), os.path.abspath(a.vmnet)
    sizes = sorted(set(a.domains or [1000]))

    try:
        import libvirt
        import gi
        gi.require_version("Gio", "2.0")
    except (ImportError, ValueError) as e:
        print(f"SKIP: {e}")
        return 77
    if not shutil.which("dbus-daemon") or not shutil.which("cc"):
        print("SKIP: dbus-daemon or cc missing")
        return 77

    tmp = tempfile.mkdtemp(prefix="libvmnet-dbus-bench-")
    os.chmod(tmp, 0o755)          # the viewer runs dbus-read from here
    cflags = subprocess.run(["pkg-config", "--cflags", "--libs", "libvirt", "libxml-2.0", "gio-2.0"],
                            capture_output=True, text=True, check=True).stdout.split()
    floor = os.path.join(tmp, "naive-floor")
    reader = os.path.join(tmp, "dbus-read")
    subprocess.run(["cc", "-O2", "-Wall", "-o", floor, os.path.join(HERE, "naive-floor.c"), *cflags], check=True)
    subprocess.run(["cc", "-O2", "-Wall", "-o", reader, os.path.join(HERE, "dbus-read.c"),
                    os.path.join(HERE, "dbus-read-common.c"), *cflags], check=True)
    model_reader = None
    if a.model_reader:
        model_reader = os.path.join(tmp, "dbus-model-read")   # where the viewer may run it
        shutil.copy(a.model_reader, model_reader)

    state, uri = start_libvirtd("libvmnet-dbus-bench-state-")
    daemons = []
    bus = None
    pk = None
    status = 0
    no_config = os.path.join(tmp, "no-vmnetd.conf")
    try:
        bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1",
                                f"--address=unix:path={tmp}/session-bus"],
                               stdout=subprocess.PIPE, text=True)
        address = bus.stdout.readline().strip()
        if a.no_polkit or a.attached:
            pk, why = None, "--no-polkit"
        else:
            pk, why = polkit_stack(tmp, uri, a.vmnet)
        print(f"dbus-bench: libvirt {subprocess.run(['virsh', '-v'], capture_output=True, text=True).stdout.strip()}, "
              f"{os.cpu_count()} cores, load {open('/proc/loadavg').read().split()[0]}; session bus {address}; "
              + (f"polkit stack up in {pk[2]:.1f} s" if pk else f"no polkit stack ({why})"))
        conn = libvirt.open(uri)
        for n in sizes:
            subprocess.run(["/usr/bin/python3", os.path.join(HERE, "populate.py"), uri, str(n), "--prune"],
                           check=True, timeout=3600)
            load = " ".join(open("/proc/loadavg").read().split()[:3])
            if a.attached:
                status |= attached_rows(a, uri, n, floor, address, no_config, daemons)
                continue

            # --bus none: memory, and libvirt call -> pass done.
            d = Vmnetd([a.vmnetd, "--connect", uri, "--bus", "none", "--config", no_config, "--verbose"])
            daemons.append(d)
            t_start = time.monotonic()
            first = d.log.wait(r"pass \d+ done") - t_start
            time.sleep(2)
            mem_none = mem(d.pid())
            pass_none = pass_latency(conn, d, n, a.events, 20)
            mem_none_after = mem(d.pid())
            d.stop()
            daemons.remove(d)

            # --bus session.
            d = Vmnetd([a.vmnetd, "--connect", uri, "--bus", "session", "--config", no_config, "--verbose"],
                       {"DBUS_SESSION_BUS_ADDRESS": address})
            daemons.append(d)
            t_start = time.monotonic()
            first_s = d.log.wait(r"pass \d+ done") - t_start
            read = [reader, address]
            wait_served(d, read, n)
            time.sleep(2)
            mem_s = mem(d.pid())

            fl = subprocess.run([floor, uri], capture_output=True, text=True, check=True).stdout
            sv = subprocess.run(read, capture_output=True, text=True, check=True).stdout
            if rows_of(fl) != rows_of(sv):
                a_, b_ = set(rows_of(fl)), set(rows_of(sv))
                print(f"dbus-bench: served rows differ from the floor's: {len(a_ - b_)} only in the floor "
                      f"(e.g. {sorted(a_ - b_)[:2]}), {len(b_ - a_)} only served (e.g. {sorted(b_ - a_)[:2]})")
                status = 1
            subprocess.run([a.vmnet, "--connect", uri, "get-vmnetworkadapter", "--all", "--output", "json"],
                           check=True, capture_output=True)
            mread = [model_reader, address] if model_reader else None
            if mread:
                mv = subprocess.run(mread, capture_output=True, text=True, check=True).stdout
                if rows_of(fl) != rows_of(mv):
                    print(f"dbus-bench: GetModel rows differ from the floor's: {len(rows_of(mv))} rows")
                    status = 1

            times = {k: [] for k in ("a", "e", "s", "s_call", "s_cached", "m", "m_call", "m_model", "m_cached",
                                     "m_bytes")}
            for r in range(a.runs):
                times["a"].append(timed([floor, uri])[0])
                times["e"].append(timed([a.vmnet, "--connect", uri, "get-vmnetworkadapter", "--all",
                                         "--output", "json"])[0])
                dt, pr = timed(read)
                times["s"].append(dt)
                times["s_call"].append(call_times(pr.stderr)[0])
                if mread:
                    dt, pr = timed(mread)
                    times["m"].append(dt)
                    times["m_call"].append(call_times(pr.stderr)[0])
                    times["m_model"].append(model_times(pr.stderr)[0][0])
                    times["m_bytes"].append(model_times(pr.stderr)[0][1])
            for r in range(a.runs):
                times["s_cached"].append(call_times(timed(read + ["3"])[1].stderr)[2])
                if mread:
                    times["m_cached"].append(call_times(timed(mread + ["3"])[1].stderr)[2])
            mem_s_read = mem(d.pid())

            sub = Subscriber(address)
            ev = event_latencies(conn, uri, a.vmnet, sub, d, n, a.events)
            sub.close()
            pass_s = pass_latency(conn, d, n, a.events, 20)
            mem_s_ev = mem(d.pid())
            d.stop()
            daemons.remove(d)

            # --bus system on the polkit stack: root and the viewer.
            pk_times = None
            if pk:
                pstate, holder, _ = pk
                d = Vmnetd(["nsenter", "-t", holder, "-m", "-n", "--", a.vmnetd, "--connect", uri, "--bus", "system",
                            "--config", no_config, "--verbose"])
                daemons.append(d)
                sys_addr = f"unix:path=/proc/{holder}/root/run/dbus/system_bus_socket"
                wait_served(d, [reader, sys_addr], n)
                as_viewer = ["nsenter", "-t", holder, "-m", "-n", "--", "runuser", "-u", VIEWER, "--",
                             reader, "unix:path=/run/dbus/system_bus_socket"]
                fl = subprocess.run([floor, uri], capture_output=True, text=True, check=True).stdout
                vr = subprocess.run(as_viewer, capture_output=True, text=True, timeout=1200)
                if vr.returncode != 0 or rows_of(vr.stdout) != rows_of(fl):
                    print(f"dbus-bench: the viewer's read differs: rc {vr.returncode}, {len(rows_of(vr.stdout))} "
                          f"rows: {vr.stderr[-500:]}")
                    status = 1
                pk_times = {k: [] for k in ("root", "root_call", "root_cached", "viewer", "viewer_call",
                                            "viewer_cached", "m_root", "m_viewer", "m_viewer_cached")}
                m_viewer = None
                if model_reader:
                    m_viewer = ["nsenter", "-t", holder, "-m", "-n", "--", "runuser", "-u", VIEWER, "--",
                                model_reader, "unix:path=/run/dbus/system_bus_socket"]
                    vm = subprocess.run(m_viewer, capture_output=True, text=True, timeout=1200)
                    if vm.returncode != 0 or rows_of(vm.stdout) != rows_of(fl):
                        print(f"dbus-bench: the viewer's GetModel differs: rc {vm.returncode}, "
                              f"{len(rows_of(vm.stdout))} rows: {vm.stderr[-500:]}")
                        status = 1
                for r in range(a.runs):
                    dt, pr = timed([reader, sys_addr, "3"])
                    c = call_times(pr.stderr)
                    pk_times["root"].append(dt - c[1] - c[2])
                    pk_times["root_call"].append(c[0])
                    pk_times["root_cached"].append(c[2])
                    dt, pr = timed(as_viewer + ["3"])
                    c = call_times(pr.stderr)
                    pk_times["viewer"].append(dt - c[1] - c[2])
                    pk_times["viewer_call"].append(c[0])
                    pk_times["viewer_cached"].append(c[2])
                    if m_viewer:
                        pk_times["m_root"].append(call_times(timed([model_reader, sys_addr, "3"])[1].stderr)[2])
                        c = call_times(timed(m_viewer + ["3"])[1].stderr)
                        pk_times["m_viewer"].append(c[0])
                        pk_times["m_viewer_cached"].append(c[2])
                pk_mem = mem(d.pid())
                d.stop()
                daemons.remove(d)

            ta = med(times["a"])

            def row(label, t):
                print(f"| {label} | {t * 1000:.1f} ms | {t / ta:.3f} |")

            print(f"\n### {n} defined domains, {2 * n} adapters; median of {a.runs}; load before {load}")
            print("\n| read every VM network adapter | time | × (a) |")
            print("|---|---|---|")
            row("(a) naive C floor (a process)", ta)
            row("(e) direct: `vmnet get-vmnetworkadapter --all --output json` (a process; reads libvirt)",
                med(times["e"]))
            row("(s) served, session bus: dbus-read process (connect, GetManagedObjects, print)", med(times["s"]))
            row("(s) served, session bus: the GetManagedObjects call, first on a connection", med(times["s_call"]))
            row("(s) served, session bus: the call again on the same connection (3rd)", med(times["s_cached"]))
            if mread:
                row("(m) GetModel, session bus: dbus-model-read process (connect, call, the library's model, print)",
                    med(times["m"]))
                row("(m) GetModel, session bus: the call, first on a connection", med(times["m_call"]))
                row("(m) GetModel, session bus: the call again on the same connection (3rd)", med(times["m_cached"]))
                row(f"(m) GetModel: the library's model from the reply ({med(times['m_bytes']) / 1e6:.2f} MB, "
                    "normal-form check and vmnet_model_from_variant)", med(times["m_model"]))
            if pk_times:
                row("served, system bus, root: dbus-read process with one call", med(pk_times["root"]))
                row("served, system bus, root: first call", med(pk_times["root_call"]))
                row("served, system bus, root: 3rd call on the connection", med(pk_times["root_cached"]))
                row(f"served, system bus, {VIEWER} (polkit): process with one call (under runuser)",
                    med(pk_times["viewer"]))
                row(f"served, system bus, {VIEWER}: first call ({n} polkit checks)", med(pk_times["viewer_call"]))
                row(f"served, system bus, {VIEWER}: 3rd call on the connection (cached)",
                    med(pk_times["viewer_cached"]))
                if pk_times["m_root"]:
                    row("GetModel, system bus, root: 3rd call on the connection", med(pk_times["m_root"]))
                    row(f"GetModel, system bus, {VIEWER}: first call ({n} polkit checks)", med(pk_times["m_viewer"]))
                    row(f"GetModel, system bus, {VIEWER}: 3rd call on the connection (the visible set's bytes kept)",
                        med(pk_times["m_viewer_cached"]))

            print(f"\n| libvirt change → subscriber's signal (session bus), median of {a.events} | "
                  "call returned → signal | call started → signal | call returned → pass done |")
            print("|---|---|---|---|")
            for key, label in (("metadata", "IovWeight by `virDomainSetMetadata` (python3-libvirt) → PropertiesChanged"),
                               ("cli", "`vmnet set-vmnetworkadapter --iov-weight` (a process) → PropertiesChanged"),
                               ("define", "`virDomainDefineXML` → InterfacesAdded ×2"),
                               ("undefine", "`virDomainUndefine` → InterfacesRemoved ×2")):
                xs = ev[key]
                print(f"| {label} | {med([s - r for _, r, s, _ in xs]) * 1000:.0f} ms | "
                      f"{med([s - q for q, _, s, _ in xs]) * 1000:.0f} ms | "
                      f"{med([p - r for _, r, _, p in xs]) * 1000:.0f} ms |")
            print(f"| metadata change → pass done, `--bus none` | | | {med(pass_none) * 1000:.0f} ms |")
            print(f"| metadata change → pass done, `--bus session`, no caller connected | | | "
                  f"{med(pass_s) * 1000:.0f} ms |")

            print("\n| vmnetd memory | VmRSS | VmHWM |")
            print("|---|---|---|")
            print(f"| `--bus none`, after its first pass ({first:.1f} s after start) | {mem_none[0]:.1f} MiB | "
                  f"{mem_none[1]:.1f} MiB |")
            print(f"| `--bus none`, after {a.events} more passes | {mem_none_after[0]:.1f} MiB | {mem_none_after[1]:.1f} MiB |")
            print(f"| `--bus session`, after its first pass ({first_s:.1f} s after start) and one read | "
                  f"{mem_s[0]:.1f} MiB | {mem_s[1]:.1f} MiB |")
            print(f"| `--bus session`, after the reads above | {mem_s_read[0]:.1f} MiB | {mem_s_read[1]:.1f} MiB |")
            print(f"| `--bus session`, after the events above | {mem_s_ev[0]:.1f} MiB | {mem_s_ev[1]:.1f} MiB |")
            if pk_times:
                print(f"| `--bus system`, after the polkit reads | {pk_mem[0]:.1f} MiB | {pk_mem[1]:.1f} MiB |")
            sys.stdout.flush()
        conn.close()
        return status
    finally:
        for d in daemons:
            d.stop()
        if bus:
            bus.kill()
            bus.wait()
        if pk:
            subprocess.run([POLKIT_ENV, "stop", pk[0]], capture_output=True, timeout=120)
        stop_libvirtd(state)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
