// SPDX-License-Identifier: LGPL-2.1-or-later
//
// What the gjs tests share: loading Vmnet, a private cache directory, assertions, an async call
// under a GLib.MainLoop, and a TAP runner.

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import System from 'system';

// Vmnet 1.0 through GI; without it, a TAP skip and exit 77.
export async function importVmnet() {
    try {
        return (await import('gi://Vmnet?version=1.0')).default;
    } catch (e) {
        print(`1..0 # SKIP cannot load Vmnet 1.0 through GI: ${e.message}`);
        System.exit(77);
    }
}

// Keeps the demo host's cache file out of $HOME: a new directory (g_dir_make_tmp's @template)
// with XDG_CACHE_HOME in it; returns the directory.
export function privateCache(template) {
    const tmp = GLib.dir_make_tmp(template);
    GLib.setenv('XDG_CACHE_HOME', GLib.build_filenamev([tmp, 'cache']), true);
    return tmp;
}

export function removeTree(path) {
    const file = Gio.File.new_for_path(path);
    if (file.query_file_type(Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null) === Gio.FileType.DIRECTORY) {
        const children = file.enumerate_children('standard::name', Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
        let info;
        while ((info = children.next_file(null)) !== null)
            removeTree(GLib.build_filenamev([path, info.get_name()]));
    }
    file.delete(null);
}

export function assertEqual(actual, expected, what = '') {
    if (actual !== expected)
        throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// start(callback) under a GLib.MainLoop, finish(source, result) in the callback: {value, error}.
export function callAsync(start, finish, timeoutSeconds = 60) {
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
    return out;
}

// Runs [{name, fn}] and prints TAP; with stopOnFailure, the tests after a failure fail too.
// Returns the number of failures.
export function runTap(tests, stopOnFailure = false) {
    print(`1..${tests.length}`);
    let failed = 0;
    tests.forEach(({name, fn}, i) => {
        try {
            if (stopOnFailure && failed)
                throw new Error('an earlier test failed');
            fn();
            print(`ok ${i + 1} - ${name}`);
        } catch (e) {
            failed++;
            print(`not ok ${i + 1} - ${name}`);
            for (const line of String(e.stack ? `${e}\n${e.stack}` : e).split('\n'))
                print(`# ${line}`);
        }
    });
    return failed;
}
