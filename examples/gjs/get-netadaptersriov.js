// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Get-NetAdapterSriov with libvmnet from gjs: the SR-IOV capable physical adapters,
// and under each the virtual functions that are assigned to a VM.
//
//     gjs -m get-netadaptersriov.js [URI]
//
// URI defaults to $VMNET_DEFAULT_URI, then 'demo'.  This one uses the synchronous
// constructor, which blocks while libvirt answers; get-vmnetworkadapter.js shows the
// asynchronous one.

import GLib from 'gi://GLib';
import Vmnet from 'gi://Vmnet?version=1.0';
import System from 'system';

function printTable(columns, rows) {
    rows = rows.map(r => r.map(v => v === null || v === undefined ? '' : String(v)));
    const widths = columns.map((c, i) => Math.max(c.length, ...rows.map(r => r[i].length)));
    const line = r => r.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
    print(line(columns));
    print(widths.map(w => '-'.repeat(w)).join('  '));
    rows.forEach(r => print(line(r)));
}

function* items(model) {
    for (let i = 0; i < model.get_n_items(); i++)
        yield model.get_item(i);
}

const uri = ARGV[0] ?? GLib.getenv('VMNET_DEFAULT_URI') ?? Vmnet.DEMO_URI;
let host;
try {
    host = Vmnet.Host.new_for_uri(uri, null);
} catch (e) {
    printerr(`get-netadaptersriov.js: error: ${e.message}`);
    System.exit(1);
}

const pfs = [...items(host.get_net_adapters_sriov())];
printTable(['Name', 'InterfaceDescription', 'Enabled', 'SwitchName', 'NumVFs', 'TotalVFs', 'AllocatedVFs'],
    pfs.map(pf => [pf.name, pf.interface_description, pf.enabled ? 'True' : 'False', pf.switch_name,
        pf.num_vfs, pf.max_vfs, pf.allocated_vfs]));

const assigned = pfs.flatMap(pf => [...items(pf.get_virtual_functions())])
    .filter(vf => vf.vm_name !== null);
if (assigned.length > 0) {
    print('');
    printTable(['Name', 'FunctionID', 'PciAddress', 'VmFriendlyName', 'VMNetworkAdapterName'],
        assigned.map(vf => [vf.net_adapter_name, vf.function_id, vf.pci_address, vf.vm_name,
            vf.vm_network_adapter_name]));
}
