#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Asks libvirt, as the user running it, for one call per (operation, VM) and says what
polkit decided: "allowed" (the call passed the access check, whatever happened next),
"denied" (VIR_ERR_ACCESS_DENIED) or "hidden" (the VM is not in this user's listing).

    probe.py URI '[["Start and stop VMs", "vm1"], ["Change virtual switches", "net1"], …]'

Each probe is a call whose access check is one permission of the operation, which no other
operation grants, and which changes nothing (it fails after the check, or sets what is there):
"""
import json
import sys

import libvirt

NS = "http://libvmnet.org/xmlns/vmnet-test/probe"


def probe_domain(dom, op):
    if op == "Read VM configuration":
        dom.XMLDesc(0)                                            # domain.read
    elif op == "Create or change VMs":
        dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, None, None, NS,
                        libvirt.VIR_DOMAIN_AFFECT_CONFIG)         # domain.write, domain.save
    elif op == "Start and stop VMs":
        dom.suspend()                                             # domain.suspend (VM is off)
    elif op == "Take snapshots":
        dom.snapshotCreateXML("<domainsnapshot><bad", 0)          # domain.snapshot, then bad XML
    elif op == "Interact with VMs":
        dom.injectNMI(0)                                          # domain.inject-nmi (VM is off)
    elif op == "Migrate VMs":
        dom.migrateGetMaxSpeed(0)                                 # domain.migrate
    else:
        raise ValueError(op)


def probe_host(conn, op, name):
    if op == "Read service configuration":
        conn.listAllNetworks(0)                                   # connect.search-networks
    elif op == "Change virtual switches":
        conn.networkLookupByName(name).destroy()                  # network.stop (it is inactive)
    elif op == "Configure SR-IOV on adapters":
        conn.networkLookupByName(name).listAllPorts(0)            # network.search-ports
    elif op == "Change physical SR-IOV adapters":
        conn.nodeDeviceLookupByName("computer").destroy()         # node-device.stop
    else:
        raise ValueError(op)


HOST_OPS = {"Read service configuration", "Change virtual switches",
            "Configure SR-IOV on adapters", "Change physical SR-IOV adapters"}


def main():
    uri, pairs = sys.argv[1], json.loads(sys.argv[2])
    libvirt.registerErrorHandler(lambda *a: None, None)
    out = []
    try:
        conn = libvirt.open(uri)
    except libvirt.libvirtError as e:
        code = e.get_error_code()
        print(json.dumps({"connect": "denied" if code == libvirt.VIR_ERR_ACCESS_DENIED else "error: " + str(e),
                          "results": ["denied"] * len(pairs)}))
        return
    try:
        visible = sorted(d.name() for d in conn.listAllDomains(0))
    except libvirt.libvirtError:
        visible = None                                            # connect.search-domains denied
    for op, obj in pairs:
        try:
            if op in HOST_OPS:
                probe_host(conn, op, obj)
            else:
                try:
                    dom = conn.lookupByName(obj)
                except libvirt.libvirtError as e:
                    if e.get_error_code() == libvirt.VIR_ERR_ACCESS_DENIED:
                        out.append("hidden")
                        continue
                    raise
                probe_domain(dom, op)
            out.append("allowed")
        except libvirt.libvirtError as e:
            out.append("denied" if e.get_error_code() == libvirt.VIR_ERR_ACCESS_DENIED else "allowed")
    print(json.dumps({"connect": "allowed", "visible": visible, "results": out}))


if __name__ == "__main__":
    main()
