#!/usr/bin/python3
"""baseline.py URI — method (b) of bench/run-bench.sh: python3-libvirt + ElementTree.

Same output as naive-floor.c, one line per <interface>:
    DOMAIN <TAB> MAC <TAB> NETWORK <TAB> IOV-WEIGHT
listAllDomains, then XMLDesc + ElementTree per domain, one at a time.
Use /usr/bin/python3 (python3-libvirt), not a pyenv python.
"""
import sys
import xml.etree.ElementTree as ET

import libvirt

NS = "http://libvmnet.org/xmlns/vmnet/1.0"
ADAPTER = f"metadata/{{{NS}}}adapters/{{{NS}}}adapter"


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    libvirt.registerErrorHandler(lambda ctx, err: None, None)
    conn = libvirt.open(argv[1])
    out = []
    for dom in conn.listAllDomains(0):
        try:
            xml = dom.XMLDesc(0)
        except libvirt.libvirtError:
            continue  # gone between list and fetch
        root = ET.fromstring(xml)
        name = root.findtext("name") or "-"
        weights = {a.get("mac"): a.get("iov-weight") for a in root.iterfind(ADAPTER)}
        for iface in root.iterfind("devices/interface"):
            mac_el = iface.find("mac")
            src = iface.find("source")
            mac = mac_el.get("address") if mac_el is not None else None
            net = src.get("network") if src is not None else None
            out.append(f"{name}\t{mac or '-'}\t{net or '-'}\t{weights.get(mac) or '-'}\n")
    sys.stdout.write("".join(out))
    conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
