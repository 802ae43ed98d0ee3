#!/usr/bin/python3
"""populate.py URI N [--prune] — fill a (private, test) libvirt host for the read benchmarks.

Defines (does not start) N q35 TCG domains bench-0000 .. bench-(N-1), each with 2 virtio
interfaces on the isolated network 'bench-net' and a libvmnet metadata element
(namespace http://libvmnet.org/xmlns/vmnet/1.0, prefix vmnet) directly in <metadata>:

  <vmnet:adapters xmlns:vmnet="...">
    <vmnet:adapter mac='52:54:00:..' iov-weight='50' iov-queue-pairs-requested='1'
                   iov-interrupt-moderation='default'/>  (one per interface)
  </vmnet:adapters>

Idempotent: 'bench-net' and domains that already exist are left alone; with --prune,
bench-NNNN domains with an index >= N are undefined so exactly N remain.
Use /usr/bin/python3 (python3-libvirt), not a pyenv python.
"""
import sys
import time

import libvirt

NS = "http://libvmnet.org/xmlns/vmnet/1.0"
NET = "bench-net"
EMULATOR = "/usr/bin/qemu-system-x86_64"

NET_XML = f"""<network>
  <name>{NET}</name>
  <bridge name='virbr-bench' stp='off' delay='0'/>
</network>"""


def name_of(i):
    return f"bench-{i:04d}"


def mac_of(i, nic):
    # 52:54:00:<nic>:<i hi>:<i lo> — unique for i < 65536
    return f"52:54:00:{nic:02x}:{(i >> 8) & 0xff:02x}:{i & 0xff:02x}"


def domain_xml(i):
    macs = [mac_of(i, nic) for nic in (1, 2)]
    adapters = "".join(
        f"<vmnet:adapter mac='{m}' iov-weight='50' iov-queue-pairs-requested='1' "
        f"iov-interrupt-moderation='default'/>" for m in macs)
    ifaces = "".join(
        f"<interface type='network'><mac address='{m}'/><source network='{NET}'/>"
        f"<model type='virtio'/></interface>" for m in macs)
    roots = "".join(
        f"<controller type='pci' index='{k}' model='pcie-root-port'/>" for k in range(1, 5))
    return f"""<domain type='qemu'>
  <name>{name_of(i)}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <metadata><vmnet:adapters xmlns:vmnet='{NS}'>{adapters}</vmnet:adapters></metadata>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <features><acpi/></features>
  <devices>
    <emulator>{EMULATOR}</emulator>
    <controller type='pci' index='0' model='pcie-root'/>
    {roots}
    {ifaces}
    <serial type='null'/>
    <memballoon model='none'/>
  </devices>
</domain>"""


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    prune = "--prune" in argv[1:]
    if len(args) != 2 or not args[1].isdigit():
        print(__doc__, file=sys.stderr)
        return 2
    uri, n = args[0], int(args[1])
    if n > 65535:
        print("populate.py: N must be < 65536 (MAC scheme)", file=sys.stderr)
        return 2

    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    conn = libvirt.open(uri)
    if conn is None:
        return 1

    try:
        net = conn.networkLookupByName(NET)
    except libvirt.libvirtError:
        net = conn.networkDefineXML(NET_XML)
    if not net.isActive():
        net.create()
    if not net.autostart():
        net.setAutostart(1)

    existing = set(conn.listDefinedDomains()) | {
        conn.lookupByID(i).name() for i in conn.listDomainsID()}
    t0 = time.monotonic()
    made = 0
    for i in range(n):
        if name_of(i) in existing:
            continue
        conn.defineXML(domain_xml(i))
        made += 1
    dt = time.monotonic() - t0

    pruned = 0
    if prune:
        for name in sorted(existing):
            if name.startswith("bench-") and name[6:].isdigit() and int(name[6:]) >= n:
                dom = conn.lookupByName(name)
                if dom.isActive():
                    dom.destroy()
                dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_NVRAM)
                pruned += 1

    total = sum(1 for d in conn.listAllDomains() if d.name().startswith("bench-"))
    per = f", {dt / made * 1000:.2f} ms per define" if made else ""
    print(f"populate: {made} defined in {dt:.2f} s{per}; {n - made} already there; "
          f"{pruned} pruned; {total} bench-* domains now", file=sys.stderr)
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
