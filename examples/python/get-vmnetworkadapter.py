#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Get-VMNetworkAdapter with libvmnet from Python.

Lists the network adapters of one VM (--vm-name) or of every VM with their SR-IOV
settings and state, like Hyper-V's

    Get-VMNetworkAdapter -VMName web1 | ft VMName,Name,SwitchName,IovWeight,IovUsage

The host is opened with the asynchronous constructor: the connection and the first read
run in a worker thread, and the callback runs here, on the main loop's thread.  Every
signal (notify, items-changed) libvmnet emits later is emitted on that thread too.

    ./get-vmnetworkadapter.py --connect demo --vm-name db1
"""
import argparse
import os
import sys

import gi

gi.require_version("Vmnet", "1.0")
from gi.repository import GLib, Vmnet  # noqa: E402

COLUMNS = ("VMName", "Name", "SwitchName", "MacAddress", "IovWeight", "IovUsage",
           "IovQueuePairsRequested", "IovInterruptModeration", "VirtualFunction")


def row(adapter):
    moderation = adapter.props.iov_interrupt_moderation
    return (adapter.props.vm_name, adapter.props.name, adapter.props.switch_name or "",
            adapter.props.mac_address or "", adapter.props.iov_weight, adapter.props.iov_usage,
            adapter.props.iov_queue_pairs_requested,
            # the enum nick ("high") is the canonical string; Hyper-V shows it capitalised
            moderation.value_nick.capitalize(),
            adapter.props.virtual_function or "")


def print_table(rows):
    rows = [tuple(str(v) for v in r) for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(COLUMNS)]
    print("  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())


def main():
    parser = argparse.ArgumentParser(description="List VM network adapters and their SR-IOV settings")
    parser.add_argument("--connect", "-c", metavar="URI",
                        default=os.environ.get("VMNET_DEFAULT_URI") or Vmnet.DEMO_URI,
                        help="libvirt URI or 'demo' (default: $VMNET_DEFAULT_URI, then 'demo')")
    parser.add_argument("--vm-name", metavar="VM", help="only this VM's adapters (default: all VMs)")
    args = parser.parse_args()

    loop = GLib.MainLoop()
    result = {"status": 0}

    def host_ready(_source, res, _data=None):
        try:
            host = Vmnet.Host.new_for_uri_finish(res)
            if args.vm_name:
                adapters = host.find_vm(args.vm_name).get_network_adapters()
            else:
                adapters = host.get_network_adapters()
            # A GListModel: iterate it like a Python sequence.
            print_table([row(a) for a in adapters])
        except GLib.Error as e:
            print(f"{os.path.basename(sys.argv[0])}: error: {e.message}", file=sys.stderr)
            result["status"] = 1
        loop.quit()

    Vmnet.Host.new_for_uri_async(args.connect, None, host_ready)
    loop.run()
    return result["status"]


if __name__ == "__main__":
    sys.exit(main())
