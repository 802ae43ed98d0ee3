// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Get-VMNetworkAdapter with libvmnet from gjs: every VM's network adapters and their
// SR-IOV settings and state.
//
//     gjs -m get-vmnetworkadapter.js [URI]
//
// URI defaults to $VMNET_DEFAULT_URI, then 'demo'.  The host is opened with the
// asynchronous constructor: libvirt is talked to in a worker thread, and the callback
// (like every notify/items-changed libvmnet emits afterwards) runs on this thread's
// main context, so a GLib.MainLoop must be running.

import GLib from 'gi://GLib';
import Vmnet from 'gi://Vmnet?version=1.0';
import System from 'system';

const COLUMNS = ['VMName', 'Name', 'SwitchName', 'MacAddress', 'IovWeight', 'IovUsage',
    'IovQueuePairsRequested', 'IovInterruptModeration', 'VirtualFunction'];

// The enum's nick ('high') is the canonical string; Hyper-V shows it capitalised.
function moderationName(value) {
    const nick = Object.keys(Vmnet.IovInterruptModeration)
        .find(k => Vmnet.IovInterruptModeration[k] === value) ?? String(value);
    return nick.charAt(0) + nick.slice(1).toLowerCase();
}

function printTable(columns, rows) {
    rows = rows.map(r => r.map(v => v === null || v === undefined ? '' : String(v)));
    const widths = columns.map((c, i) => Math.max(c.length, ...rows.map(r => r[i].length)));
    const line = r => r.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
    print(line(columns));
    print(widths.map(w => '-'.repeat(w)).join('  '));
    rows.forEach(r => print(line(r)));
}

const uri = ARGV[0] ?? GLib.getenv('VMNET_DEFAULT_URI') ?? Vmnet.DEMO_URI;
const loop = new GLib.MainLoop(null, false);
let status = 0;

Vmnet.Host.new_for_uri_async(uri, null, (_source, result) => {
    try {
        const host = Vmnet.Host.new_for_uri_finish(result);
        const adapters = host.get_network_adapters();   // a Gio.ListModel
        const rows = [];
        for (let i = 0; i < adapters.get_n_items(); i++) {
            const a = adapters.get_item(i);
            rows.push([a.vm_name, a.name, a.switch_name, a.mac_address, a.iov_weight, a.iov_usage,
                a.iov_queue_pairs_requested, moderationName(a.iov_interrupt_moderation),
                a.virtual_function]);
        }
        printTable(COLUMNS, rows);
    } catch (e) {
        printerr(`get-vmnetworkadapter.js: error: ${e.message}`);
        status = 1;
    }
    loop.quit();
});
loop.run();
System.exit(status);
