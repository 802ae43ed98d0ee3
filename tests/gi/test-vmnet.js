// SPDX-License-Identifier: LGPL-2.1-or-later
//
// libvmnet from gjs against the demo host; prints TAP, exits non-zero on a failure.
//
//     GI_TYPELIB_PATH=build/introspection LD_LIBRARY_PATH=build/libvmnet gjs -m tests/gi/test-vmnet.js

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';
import {assertEqual, importVmnet, privateCache, removeTree, runTap} from './tap.js';

const Vmnet = await importVmnet();

const tmp = privateCache('vmnet-gjs-test-XXXXXX');

const tests = [];
const test = (name, fn) => tests.push({name, fn});

function assertThrowsVmnet(fn, code, what) {
    try {
        fn();
    } catch (e) {
        if (!(e instanceof GLib.Error) || !e.matches(Vmnet.error_quark(), code))
            throw new Error(`${what}: wrong error ${e}`);
        return e;
    }
    throw new Error(`${what}: did not throw`);
}

function items(model) {
    const out = [];
    for (let i = 0; i < model.get_n_items(); i++)
        out.push(model.get_item(i));
    return out;
}

function openAsync(uri) {
    const loop = new GLib.MainLoop(null, false);
    let host = null, error = null, timedOut = false;
    Vmnet.Host.new_for_uri_async(uri, null, (_source, result) => {
        try {
            host = Vmnet.Host.new_for_uri_finish(result);
        } catch (e) {
            error = e;
        }
        loop.quit();
    });
    const timeout = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, 30, () => {
        timedOut = true;
        loop.quit();
        return GLib.SOURCE_REMOVE;
    });
    loop.run();
    if (timedOut)
        throw new Error(`new_for_uri_async('${uri}') never called back`);
    GLib.source_remove(timeout);
    return {host, error};
}

const host = Vmnet.Host.new_for_uri(Vmnet.DEMO_URI, null);

test('switches are a Gio.ListModel of Vmnet.Switch', () => {
    const switches = host.get_switches();
    if (!(switches instanceof Gio.ListModel))
        throw new Error('not a Gio.ListModel');
    assertEqual(switches.get_item_type(), Vmnet.Switch.$gtype, 'item type');
    assertEqual(items(switches).map(s => s.name).sort().join(','),
        'Internal,LAN,Management,Private,SRIOV-Switch', 'names');
});

test('SRIOV-Switch: External, IovEnabled, 8 VFs, 2 in use', () => {
    const sw = host.find_switch('SRIOV-Switch');
    assertEqual(sw.switch_type, Vmnet.SwitchType.EXTERNAL, 'switch_type');
    assertEqual(sw.iov_enabled, true, 'iov_enabled');
    assertEqual(sw.iov_virtual_function_count, 8, 'iov_virtual_function_count');
    assertEqual(sw.iov_virtual_functions_in_use, 2, 'iov_virtual_functions_in_use');
});

test('LAN: External, IovEnabled false', () => {
    const sw = host.find_switch('LAN');
    assertEqual(sw.switch_type, Vmnet.SwitchType.EXTERNAL, 'switch_type');
    assertEqual(sw.iov_enabled, false, 'iov_enabled');
});

test('enp59s0f0: 8 of 63 VFs, 2 allocated', () => {
    const pf = host.find_net_adapter_sriov('enp59s0f0');
    assertEqual(pf.max_vfs, 63, 'max_vfs');
    assertEqual(pf.num_vfs, 8, 'num_vfs');
    assertEqual(pf.allocated_vfs, 2, 'allocated_vfs');
    const vfs = items(pf.get_virtual_functions());
    assertEqual(vfs.map(v => v.function_id).join(','), '0,1,2,3,4,5,6,7', 'function ids');
    assertEqual(vfs[0].pci_address, '0000:3b:10.0', 'VF 0 pci_address');
    assertEqual(vfs[0].iommu_group, 40, 'VF 0 iommu_group');
    assertEqual(vfs[0].vm_name, 'web1', 'VF 0 vm_name');
    assertEqual(vfs[7].vm_name, null, 'VF 7 vm_name');
});

test('enp94s0f0np0: 16 of 32 VFs', () => {
    const pf = host.find_net_adapter_sriov('enp94s0f0np0');
    assertEqual(pf.num_vfs, 16, 'num_vfs');
    assertEqual(pf.max_vfs, 32, 'max_vfs');
});

test('web1 net0 uses VF 0000:3b:10.0', () => {
    const a = host.find_vm('web1').find_network_adapter('net0');
    assertEqual(a.iov_usage, 1, 'iov_usage');
    assertEqual(a.virtual_function, '0000:3b:10.0', 'virtual_function');
});

test('db1 frontend: weight 50, 4 queue pairs, moderation High (300)', () => {
    const a = host.find_vm('db1').find_network_adapter('frontend');
    assertEqual(a.iov_weight, 50, 'iov_weight');
    assertEqual(a.iov_queue_pairs_requested, 4, 'iov_queue_pairs_requested');
    assertEqual(a.iov_interrupt_moderation, Vmnet.IovInterruptModeration.HIGH, 'iov_interrupt_moderation');
    assertEqual(Vmnet.IovInterruptModeration.HIGH, 300, 'HIGH value');
});

test('broken1: settings_error names iov-weight, defaults used', () => {
    const a = host.find_vm('broken1').find_network_adapter('net0');
    if (!a.settings_error?.includes('iov-weight'))
        throw new Error(`settings_error: ${a.settings_error}`);
    assertEqual(a.iov_weight, 0, 'iov_weight');
    assertEqual(a.iov_queue_pairs_requested, 1, 'iov_queue_pairs_requested');
    assertEqual(a.iov_interrupt_moderation, Vmnet.IovInterruptModeration.DEFAULT, 'moderation');
});

test('find_vm("nosuch") throws NOT_FOUND in vmnet-error-quark', () => {
    const e = assertThrowsVmnet(() => host.find_vm('nosuch'), Vmnet.Error.NOT_FOUND, 'find_vm');
    assertEqual(GLib.quark_to_string(e.domain), 'vmnet-error-quark', 'domain');
});

test('an unreachable URI is BACKEND_UNAVAILABLE', () => {
    assertThrowsVmnet(() => Vmnet.Host.new_for_uri('qemu+unix:///system?socket=/nonexistent/sock', null),
        Vmnet.Error.BACKEND_UNAVAILABLE, 'new_for_uri');
});

test('async construction under a GLib.MainLoop', () => {
    const {host: h, error} = openAsync(Vmnet.DEMO_URI);
    if (error)
        throw error;
    assertEqual(h.find_switch('SRIOV-Switch').iov_virtual_functions_in_use, 2, 'in use');
});

test('refresh() without a change keeps objects and emits no notify', () => {
    const sw = host.find_switch('SRIOV-Switch');
    const a = host.find_vm('db1').find_network_adapter('frontend');
    let notified = 0;
    const ids = [[sw, sw.connect('notify', () => notified++)], [a, a.connect('notify', () => notified++)]];
    host.refresh(null);
    while (GLib.MainContext.default().iteration(false))
        ;
    ids.forEach(([o, id]) => o.disconnect(id));
    assertEqual(notified, 0, 'notify count');
    assertEqual(host.find_switch('SRIOV-Switch') === sw, true, 'same switch');
    assertEqual(host.find_vm('db1').find_network_adapter('frontend') === a, true, 'same adapter');
});

const failed = runTap(tests);
removeTree(tmp);
System.exit(failed ? 1 : 0);
