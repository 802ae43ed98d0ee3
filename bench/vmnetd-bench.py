#!/usr/bin/python3
"""vmnetd-bench.py VMNETD VMNET [--domains N] [--idle SECONDS] — what vmnetd costs.

On a private libvirtd (tests/daemon/libvirtd-env.sh) with N defined domains (bench/populate.py)
and a few running ones on an SR-IOV switch whose pool cannot give VFs here:
  1. idle wakeups: context switches of all of vmnetd's threads over --idle seconds once it has
     settled, against a baseline measured at the same time: a python3-libvirt client holding
     one connection with the same keepalive (5 s, 3) on libvirt's default event loop;
  2. memory: vmnetd's VmRSS and VmHWM after settling;
  3. resync after a libvirtd restart: from the restarted daemon answering to vmnetd's first
     finished pass (includes its reconnect backoff, 0.5 s after the loss is noticed);
  4. one pass by hand: `vmnet reconcile-vmhost` on the same host, median of 5.
Prints a markdown table for doc/benchmarks.md. Exit 77 when a private libvirtd cannot run.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

from benchlib import ENV, HERE, NS, Log, kb_field, start_libvirtd, status_kb, stop_libvirtd

BASELINE = r'''
import sys, threading, time, libvirt
libvirt.virEventRegisterDefaultImpl()
conn = libvirt.open(sys.argv[1])
conn.setKeepAlive(5, 3)
print("ready", flush=True)
while True:
    libvirt.virEventRunDefaultImpl()
'''


def ctxt(pid):
    """Context switches per thread: {tid: count}."""
    counts = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                counts[tid] = sum(int(line.split()[1]) for line in f
                                  if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")))
        except FileNotFoundError:
            pass
    return counts


def wakeups(before, after):
    """Switches between two samples: threads present in both, plus threads born in between."""
    return sum(n - before.get(tid, 0) for tid, n in after.items())


def rollup_kb(pid, key):
    return kb_field(f"/proc/{pid}/smaps_rollup", key)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vmnetd")
    ap.add_argument("vmnet")
    ap.add_argument("--domains", type=int, default=200)
    ap.add_argument("--idle", type=int, default=60)
    a = ap.parse_args()

    import libvirt
    state, uri = start_libvirtd("vmnetd-bench-")
    procs = []
    try:
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "populate.py"), uri, str(a.domains)],
                       check=True, capture_output=True, timeout=1800)
        c = libvirt.open(uri)
        c.networkDefineXML("<network><name>sw</name><bridge name='vmnetbsw0'/></network>").create()
        c.networkDefineXML("<network><name>sw-iov</name><forward mode='hostdev' managed='yes'>"
                           "<pf dev='vmnet-nopf0'/></forward></network>")
        for i in range(3):
            mac = f"52:54:00:be:00:{i:02x}"
            c.defineXML(f"""<domain type='qemu'><name>run-{i}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
              <metadata><vmnet:adapters xmlns:vmnet='{NS}'><vmnet:adapter mac='{mac}' iov-weight='50'/>
              </vmnet:adapters></metadata><os><type arch='x86_64' machine='q35'>hvm</type></os><devices>
              <controller type='pci' index='0' model='pcie-root'/>
              <controller type='pci' index='1' model='pcie-root-port'/>
              <controller type='pci' index='2' model='pcie-root-port'/>
              <interface type='network'><mac address='{mac}'/><source network='sw'/><model type='virtio'/>
              <teaming type='persistent'/><alias name='ua-net0'/></interface></devices></domain>""").create()
        c.close()

        d = subprocess.Popen([a.vmnetd, "--connect", uri, "--verbose"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, env={**os.environ, "G_MESSAGES_DEBUG": "vmnetd"})
        procs.append(d)
        log = Log(d, timeout=120)
        log.wait(r"pass \d+ done")
        # GLib's thread pool lets idle workers go after 15 s; sample after that.
        time.sleep(20)
        base = subprocess.Popen(["/usr/bin/python3", "-c", BASELINE, uri], stdout=subprocess.PIPE, text=True)
        procs.append(base)
        base.stdout.readline()
        time.sleep(1)
        passes0 = log.count(r"pass \d+ done")
        c0, b0 = ctxt(d.pid), ctxt(base.pid)
        time.sleep(a.idle)
        c1, b1 = ctxt(d.pid), ctxt(base.pid)
        passes1 = log.count(r"pass \d+ done")
        rss, anon, pss = status_kb(d.pid, "VmRSS"), status_kb(d.pid, "RssAnon"), rollup_kb(d.pid, "Pss")
        threads = len(c1)

        r = subprocess.run([ENV, "restart", state], capture_output=True, text=True, timeout=180)
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
        answered = time.monotonic()
        lost = log.wait(r"lost the connection", after=answered - 60)
        t_pass = log.wait(r"pass \d+ done", after=answered)

        one = []
        for _ in range(5):
            t0 = time.monotonic()
            subprocess.run([a.vmnet, "-c", uri, "reconcile-vmhost"], check=True, capture_output=True, timeout=120)
            one.append(time.monotonic() - t0)

        n = a.domains + 3
        print(f"\n| vmnetd, {n} VMs ({a.domains} defined, 3 running on an SR-IOV switch) | value |")
        print("|---|---|")
        w, bw = wakeups(c0, c1), wakeups(b0, b1)
        print(f"| idle wakeups over {a.idle} s (context switches, all {threads} threads) | {w} |")
        print(f"| baseline: python3-libvirt client, same keepalive, same {a.idle} s | {bw} |")
        print(f"| ratio vmnetd / baseline | {w / max(bw, 1):.2f} |")
        print(f"| reconcile passes while idle | {passes1 - passes0} |")
        print(f"| memory vmnetd owns (RssAnon) / proportional share incl. libraries (Pss) | "
              f"{anon / 1024:.1f} MiB / {pss / 1024:.1f} MiB |")
        print(f"| VmRSS (counts shared library pages whole) | {rss / 1024:.1f} MiB |")
        print(f"| libvirtd restart: loss noticed (before the new daemon answered) | {answered - lost:.2f} s earlier |")
        print(f"| libvirtd restart: new daemon answering -> resync pass done | {t_pass - answered:.2f} s |")
        print(f"| one pass by hand, `vmnet reconcile-vmhost` (process incl.), median of 5 | {statistics.median(one) * 1000:.0f} ms |")
        return 0
    finally:
        for pr in procs:
            pr.kill()
            pr.wait()
        stop_libvirtd(state)


if __name__ == "__main__":
    sys.exit(main())
