// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Host *_async operations from gjs under a GLib.MainLoop, against the demo host: set adapter
// settings, and a move whose pre-flight refuses (the destination lacks the VM's switch). A real
// move from gjs runs between two private daemons: tests/daemon/move-async.js. Prints TAP.
//
//     GI_TYPELIB_PATH=build/introspection LD_LIBRARY_PATH=build/libvmnet gjs -m tests/gi/test-async.js

import GLib from 'gi://GLib';
import System from 'system';
import {assertEqual, callAsync, importVmnet, privateCache, removeTree, runTap} from './tap.js';

const Vmnet = await importVmnet();

const tmp = privateCache('vmnet-gjs-async-XXXXXX');

const tests = [];
const test = (name, fn) => tests.push({name, fn});

function assertVmnetError(error, code, fragments, what) {
    if (!(error instanceof GLib.Error) || !error.matches(Vmnet.error_quark(), code))
        throw new Error(`${what}: expected Vmnet error ${code}, got ${error}`);
    for (const f of fragments) {
        if (!error.message.includes(f))
            throw new Error(`${what}: '${f}' not in '${error.message}'`);
    }
}

const host = Vmnet.Host.new_for_uri(Vmnet.DEMO_URI, null);

test('set_network_adapter_async changes only what was given, on the same object', () => {
    const a = host.find_vm('db1').find_network_adapter('frontend');
    const notified = [];
    const id = a.connect('notify', (_o, pspec) => notified.push(pspec.name));
    const s = Vmnet.AdapterSettings.new();
    s.set_iov_weight(30);
    const {value, error} = callAsync(cb => host.set_network_adapter_async(a, s, null, cb),
        (src, res) => src.set_network_adapter_finish(res));
    a.disconnect(id);
    if (error)
        throw error;
    assertEqual(value, true, 'finish');
    assertEqual(host.find_vm('db1').find_network_adapter('frontend') === a, true, 'same adapter');
    assertEqual(a.iov_weight, 30, 'iov_weight');
    assertEqual(a.iov_queue_pairs_requested, 4, 'iov_queue_pairs_requested kept');
    assertEqual(a.iov_interrupt_moderation, Vmnet.IovInterruptModeration.HIGH, 'moderation kept');
    assertEqual(notified.includes('iov-weight'), true, 'notify::iov-weight');
});

test('set_network_adapter_async refuses IovWeight 101: INVALID_ARGUMENT, nothing changed', () => {
    const a = host.find_vm('web1').find_network_adapter('net0');
    const s = Vmnet.AdapterSettings.new();
    s.set_iov_queue_pairs_requested(2);
    s.set_iov_weight(101);
    const {value, error} = callAsync(cb => host.set_network_adapter_async(a, s, null, cb),
        (src, res) => src.set_network_adapter_finish(res));
    assertEqual(value, null, 'no result');
    assertVmnetError(error, Vmnet.Error.INVALID_ARGUMENT, ['net0', 'web1', '101'], 'error');
    host.refresh(null);
    assertEqual(a.iov_weight, 100, 'iov_weight');
    assertEqual(a.iov_queue_pairs_requested, 1, 'iov_queue_pairs_requested');
});

test('move_vm_async: the pre-flight refuses a destination without the switch', () => {
    const vm = host.find_vm('web1');
    const phases = [];
    const {value, error} = callAsync(
        cb => host.move_vm_async(vm, 'test:///default', null, Vmnet.MoveFlags.LIVE,
            (phase, processed, total) => phases.push([phase, processed, total]), null, cb),
        (src, res) => src.move_vm_finish(res));
    assertEqual(value, null, 'no result');
    assertVmnetError(error, Vmnet.Error.NOT_FOUND, ["VM 'web1'", "no switch 'SRIOV-Switch'"], 'error');
    assertEqual(JSON.stringify(phases), JSON.stringify([[Vmnet.MovePhase.PREFLIGHT, 0, 0]]), 'phases');
    host.refresh(null);
    assertEqual(host.find_vm('web1') === vm, true, 'still here');
    assertEqual(vm.state, Vmnet.VmState.RUNNING, 'still running');
});

const failed = runTap(tests);
removeTree(tmp);
System.exit(failed ? 1 : 0);
