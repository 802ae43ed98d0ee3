// SPDX-License-Identifier: LGPL-2.1-or-later
//
// From gjs under a GLib.MainLoop, against a real libvirtd: open the source host asynchronously,
// set a VM's adapter (IovWeight 60) with set_network_adapter_async, then move the VM live with
// move_vm_async and its progress. Run by test_gi_async.py once its daemons are up; prints TAP.
//
//     gjs -m move-async.js SOURCE_URI DESTINATION_URI VM MIGRATE_URI

import GLib from 'gi://GLib';
import System from 'system';
import Vmnet from 'gi://Vmnet?version=1.0';

const [sourceUri, destinationUri, vmName, migrateUri] = ARGV;

function assertEqual(actual, expected, what) {
    if (actual !== expected)
        throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function callAsync(start, finish, timeoutSeconds = 300) {
    const loop = new GLib.MainLoop(null, false);
    let out = null;
    const timer = GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, timeoutSeconds, () => {
        loop.quit();
        return GLib.SOURCE_REMOVE;
    });
    start((source, result) => {
        try {
            out = {value: finish(source, result), error: null};
        } catch (e) {
            out = {value: null, error: e};
        }
        loop.quit();
    });
    loop.run();
    if (!out)
        throw new Error('the operation never called back');
    GLib.source_remove(timer);
    if (out.error)
        throw out.error;
    return out.value;
}

let host = null;
const steps = [
    ['new_for_uri_async opens the source', () => {
        host = callAsync(cb => Vmnet.Host.new_for_uri_async(sourceUri, null, cb),
            (_src, res) => Vmnet.Host.new_for_uri_finish(res));
        assertEqual(host.find_vm(vmName).state, Vmnet.VmState.RUNNING, 'state');
    }],
    ['set_network_adapter_async sets IovWeight 60', () => {
        const a = host.find_vm(vmName).find_network_adapter('net0');
        const s = Vmnet.AdapterSettings.new();
        s.set_iov_weight(60);
        assertEqual(callAsync(cb => host.set_network_adapter_async(a, s, null, cb),
            (src, res) => src.set_network_adapter_finish(res)), true, 'finish');
        assertEqual(a.iov_weight, 60, 'iov_weight');
    }],
    ['move_vm_async moves it live, progress in order before the result', () => {
        const vm = host.find_vm(vmName);
        const phases = [];
        let migrateReports = 0;
        let reportsAtFinish = -1;
        const ok = callAsync(
            cb => host.move_vm_async(vm, destinationUri, migrateUri, Vmnet.MoveFlags.LIVE,
                (phase, processed, total) => {
                    if (phase === Vmnet.MovePhase.MIGRATE)
                        migrateReports++;
                    if (phases[phases.length - 1] !== phase)
                        phases.push(phase);
                }, null, cb),
            (src, res) => {
                reportsAtFinish = phases.length;
                return src.move_vm_finish(res);
            });
        assertEqual(ok, true, 'finish');
        const P = Vmnet.MovePhase;
        assertEqual(phases.join(','), [P.PREFLIGHT, P.DETACH, P.MIGRATE, P.ATTACH, P.DONE].join(','), 'phases');
        assertEqual(reportsAtFinish, phases.length, 'every phase reported before the result');
        assertEqual(migrateReports >= 1, true, 'migrate reports');
        let gone = false;
        try {
            host.find_vm(vmName);
        } catch (e) {
            gone = e.matches(Vmnet.error_quark(), Vmnet.Error.NOT_FOUND);
        }
        assertEqual(gone, true, 'gone from the source');
    }],
];

print(`1..${steps.length}`);
let failed = 0;
steps.forEach(([name, fn], i) => {
    try {
        if (failed)
            throw new Error('an earlier step failed');
        fn();
        print(`ok ${i + 1} - ${name}`);
    } catch (e) {
        failed++;
        print(`not ok ${i + 1} - ${name}`);
        for (const line of String(e.stack ? `${e}\n${e.stack}` : e).split('\n'))
            print(`# ${line}`);
    }
});
System.exit(failed ? 1 : 0);
