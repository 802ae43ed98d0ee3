#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Get-NetAdapterSriov on a big host: a libvirt test-driver host with PFS PFs x VFS VFs each.

Times, in the same run, `vmnet get-netadaptersriov` and `get-netadaptersriovvf` against a
python3-libvirt baseline that lists the node devices and parses every one's XML, and prints
medians and ratios. Usage: sriov-fixture.py VMNET [--pfs 8] [--vfs 64] [--runs 7]"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET


def host_xml(pfs, vfs):
    out = ["<node>"]
    for p in range(pfs):
        bus = 0x20 + p
        addrs = []
        for v in range(vfs):
            fn = 2 + v  # VFs follow the PF at function offsets, like a ConnectX
            addrs.append((bus, fn // 8, fn % 8))
        vf_caps = "".join(f"<address domain='0x0000' bus='0x{b:02x}' slot='0x{s:02x}' function='0x{f:x}'/>"
                          for b, s, f in addrs)
        out.append(f"""<device><name>pci_0000_{bus:02x}_00_0</name><parent>computer</parent>
<capability type='pci'><class>0x020000</class><domain>0</domain><bus>{bus}</bus><slot>0</slot><function>0</function>
<product id='0x1017'>MT27800 Family [ConnectX-5]</product><vendor id='0x15b3'>Mellanox Technologies</vendor>
<capability type='virt_functions' maxCount='127'>{vf_caps}</capability>
<iommuGroup number='{100 + p}'><address domain='0x0000' bus='0x{bus:02x}' slot='0x00' function='0x0'/></iommuGroup>
</capability></device>
<device><name>net_pf{p}</name><parent>pci_0000_{bus:02x}_00_0</parent><capability type='net'>
<interface>enp{bus}s0f0np0</interface><address>b8:ce:f6:00:{p:02x}:00</address><link speed='25000' state='up'/>
</capability></device>""")
        for i, (b, s, f) in enumerate(addrs):
            out.append(f"""<device><name>pci_0000_{b:02x}_{s:02x}_{f:x}</name><parent>computer</parent>
<capability type='pci'><class>0x020000</class><domain>0</domain><bus>{b}</bus><slot>{s}</slot><function>{f}</function>
<product id='0x1018'>MT27800 Family [ConnectX-5 Virtual Function]</product><vendor id='0x15b3'>Mellanox Technologies</vendor>
<capability type='phys_function'><address domain='0x0000' bus='0x{bus:02x}' slot='0x00' function='0x0'/></capability>
<iommuGroup number='{1000 + p * 1000 + i}'><address domain='0x0000' bus='0x{b:02x}' slot='0x{s:02x}' function='0x{f:x}'/></iommuGroup>
</capability></device>""")
    out.append("</node>")
    return "\n".join(out)


BASELINE = r"""
import sys, libvirt, xml.etree.ElementTree as ET
c = libvirt.open(sys.argv[1])
pfs = 0; vfs = 0
for d in c.listAllDevices(libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV):
    root = ET.fromstring(d.XMLDesc())
    cap = root.find("capability[@type='pci']/capability[@type='virt_functions']")
    if cap is not None:
        pfs += 1; vfs += len(cap.findall('address'))
print(pfs, vfs)
"""


def timed(cmd, runs):
    times = []
    out = None
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        times.append(time.perf_counter() - t)
        if p.returncode != 0:
            sys.exit(f"{cmd[0]} failed: {p.stderr}")
        out = p.stdout
    return statistics.median(times), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vmnet")
    ap.add_argument("--pfs", type=int, default=8)
    ap.add_argument("--vfs", type=int, default=64)
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "host.xml")
        with open(path, "w") as f:
            f.write(host_xml(a.pfs, a.vfs))
        uri = "test://" + path
        base, out = timed([sys.executable, "-c", BASELINE, uri], a.runs)
        assert out.split() == [str(a.pfs), str(a.pfs * a.vfs)], out
        pf_t, out = timed([a.vmnet, "-c", uri, "-o", "json", "get-netadaptersriov"], a.runs)
        pfs = json.loads(out)
        assert len(pfs) == a.pfs and all(p["NumVFs"] == a.vfs for p in pfs)
        vf_t, out = timed([a.vmnet, "-c", uri, "-o", "json", "get-netadaptersriovvf"], a.runs)
        assert len(json.loads(out)) == a.pfs * a.vfs
    print(f"host: {a.pfs} PFs x {a.vfs} VFs (test driver), median of {a.runs}")
    print(f"{'method':44} {'median':>9} {'x baseline':>10}")
    for name, t in (("python3-libvirt + ElementTree (baseline)", base),
                    ("vmnet get-netadaptersriov --output json", pf_t),
                    ("vmnet get-netadaptersriovvf --output json", vf_t)):
        print(f"{name:44} {t * 1000:7.1f}ms {t / base:10.2f}")


if __name__ == "__main__":
    main()
