#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Get-NetAdapterSriov (and, with --vfs, Get-NetAdapterSriovVf) with libvmnet from Python.

    ./get-netadaptersriov.py --connect demo
    ./get-netadaptersriov.py --connect demo --vfs enp59s0f0

Uses the synchronous constructor: fine for a script, but it blocks the calling thread
while libvirt answers; see get-vmnetworkadapter.py for the asynchronous one.
"""
import argparse
import os
import sys

import gi

gi.require_version("Vmnet", "1.0")
from gi.repository import GLib, Vmnet  # noqa: E402


def print_table(columns, rows):
    rows = [tuple("" if v is None else str(v) for v in r) for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())


def main():
    parser = argparse.ArgumentParser(description="List SR-IOV capable physical adapters")
    parser.add_argument("--connect", "-c", metavar="URI",
                        default=os.environ.get("VMNET_DEFAULT_URI") or Vmnet.DEMO_URI,
                        help="libvirt URI or 'demo' (default: $VMNET_DEFAULT_URI, then 'demo')")
    parser.add_argument("--vfs", action="store_true", help="list the adapters' virtual functions instead")
    parser.add_argument("names", nargs="*", metavar="NAME", help="only these adapters")
    args = parser.parse_args()

    try:
        host = Vmnet.Host.new_for_uri(args.connect, None)
        if args.names:
            pfs = [host.find_net_adapter_sriov(n) for n in args.names]
        else:
            pfs = list(host.get_net_adapters_sriov())
    except GLib.Error as e:
        print(f"{os.path.basename(sys.argv[0])}: error: {e.message}", file=sys.stderr)
        return 1

    if args.vfs:
        print_table(("Name", "FunctionID", "PciAddress", "IommuGroup", "MacAddress", "VmFriendlyName",
                     "VMNetworkAdapterName"),
                    [(vf.props.net_adapter_name, vf.props.function_id, vf.props.pci_address,
                      vf.props.iommu_group, vf.props.mac_address, vf.props.vm_name,
                      vf.props.vm_network_adapter_name)
                     for pf in pfs for vf in pf.get_virtual_functions()])
    else:
        print_table(("Name", "InterfaceDescription", "Enabled", "SwitchName", "NumVFs", "TotalVFs",
                     "AllocatedVFs"),
                    [(pf.props.name, pf.props.interface_description, pf.props.enabled,
                      pf.props.switch_name, pf.props.num_vfs, pf.props.max_vfs, pf.props.allocated_vfs)
                     for pf in pfs])
    return 0


if __name__ == "__main__":
    sys.exit(main())
