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
import {assertEqual, callAsync as callAsyncOut, runTap} from '../gi/tap.js';

// The value, or the error thrown.
function callAsync(start, finish) {
    const {value, error} = callAsyncOut(start, finish, 300);
    if (error)
        throw error;
    return value;
}

const [sourceUri, destinationUri, vmName, migrateUri] = ARGV;

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

System.exit(runTap(steps.map(([name, fn]) => ({name, fn})), true) ? 1 : 0);
