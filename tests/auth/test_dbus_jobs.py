#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""vmnetd's VM operations (Host.StartVM, SaveVM, ManagedSaveVM, MoveVM, CancelVM; doc/dbus.md) on
the real stack (tests/auth/dbus_stack.py): Progress, refusals naming the operation as libvirt decides
them, malformed and hostile arguments, and a move to a second private libvirtd cancelled, then made."""
import json
import os
import re
import subprocess
import sys
import threading
import time
import unittest

from dbus_stack import BUS_NAME, HERE, IFACE, ROOT, DBusStack, domain_xml, libvirt


class DBusJobsTest(DBusStack):
    # -- the VM operations (Host.StartVM, SaveVM, ManagedSaveVM, MoveVM, CancelVM) ---------------

    def vm_call(self, user, method, signature, *args, cancel_at=None, timeout=240):
        """Host.METHOD as @user through a client that listens for Progress: its events as lists,
        ["Progress", operation, step, fraction, processed, total] … then ["Reply"] or
        ["Error", name, message]. With cancel_at, CancelVM at the first Progress of that step with
        bytes counted (STEP@0: at its first Progress)."""
        p = self.as_user(user, "/usr/bin/python3", "-c", VM_CLIENT, method, signature, json.dumps(args),
                         cancel_at or "", timeout=timeout)
        self.assertEqual(p.returncode, 0, p.stderr)
        return [json.loads(line) for line in p.stdout.splitlines()]

    def host_call(self, user, method, *args):
        """Host.METHOD through gdbus as @user: (rc, stderr)."""
        p = self.as_user(user, "gdbus", "call", "--system", "--dest", BUS_NAME, "--object-path", ROOT + "/Host",
                         "--method", IFACE + "Host." + method, *args)
        return p.returncode, p.stderr.strip()

    def ensure_network_active(self, conn, name):
        net = conn.networkLookupByName(name)
        if not net.isActive():
            net.create()

    def libvirt_decides_the_same(self, user, call, vm, permission):
        """@user makes @call on @vm straight through libvirt: refused, and the store's rules log the
        refusal of the same permission that vmnetd asked about (one line more than before)."""
        line = f'vmnet: denied "{permission}" to user "{user}" on VM "{vm}"'
        before = self.polkitd_log().count(line)
        code = f"""
import libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
d = libvirt.open({self.uri!r}).lookupByName({vm!r})
try:
    {call}
    print("allowed")
except libvirt.libvirtError as e:
    print("denied" if e.get_error_code() == libvirt.VIR_ERR_ACCESS_DENIED else "error: %s" % e)
"""
        p = subprocess.run(["runuser", "-u", user, "--", "/usr/bin/python3", "-c", code], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.stdout.strip(), "denied", p.stderr)
        deadline = time.monotonic() + 10
        while self.polkitd_log().count(line) == before and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(self.polkitd_log().count(line), before + 1, line)

    @staticmethod
    def steps(events):
        """The Progress steps in the order they came, a step reported again counted once."""
        out = []
        for e in events:
            if e[0] == "Progress" and (not out or out[-1] != e[2]):
                out.append(e[2])
        return out

    def assert_save_bytes(self, events):
        """libvirt's bytes came in the save step (at least its final count), the fraction their
        ratio, and only there."""
        counted = [e for e in events if e[0] == "Progress" and e[5]]
        self.assertTrue(counted, events)
        for _, _, step, fraction, processed, total in counted:
            self.assertEqual(step, "save", events)
            self.assertTrue(0 < processed <= total, events)
            self.assertAlmostEqual(fraction, processed / total, places=6)

    def test_9y_start_and_save_vm(self):
        self.ensure_network_active(self.conn, "dnet")
        dom = self.conn.lookupByName("alice-vm")
        self.assertFalse(dom.isActive())
        # carol may look at alice-vm, not start it: the operation is named.
        events = self.vm_call("vmnt-carol", "StartVM", "(s)", "alice-vm")
        self.assertEqual(events, [["Error", IFACE + "Error.AccessDenied", events[-1][2]]])
        self.assertIn("'Start VM' on VM 'alice-vm'", events[-1][2])
        self.assertIn("org.libvirt.api.domain.start", events[-1][2])
        self.libvirt_decides_the_same("vmnt-carol", "d.create()", "alice-vm", "domain.start")
        # bob, granted nothing, does not see the host at all (libvirt's connect.getattr).
        events = self.vm_call("vmnt-bob", "StartVM", "(s)", "alice-vm")
        self.assertEqual(events[-1][:2], ["Error", "org.freedesktop.DBus.Error.UnknownMethod"], events)
        self.assertFalse(dom.isActive())
        # alice, by the VM's UUID: Progress, then the reply once the VM runs.
        events = self.vm_call("vmnt-alice", "StartVM", "(s)", dom.UUIDString())
        self.assertEqual(events, [["Progress", "StartVM", "start", -1.0, 0, 0],
                                  ["Progress", "StartVM", "done", 1.0, 0, 0], ["Reply"]])
        self.assertTrue(dom.isActive())
        # Save refused to carol, naming the store's operation and libvirt's action.
        path = os.path.join(self.state, "alice-vm.save")
        events = self.vm_call("vmnt-carol", "SaveVM", "(ss)", "alice-vm", path)
        self.assertEqual(events[-1][:2], ["Error", IFACE + "Error.AccessDenied"], events)
        self.assertIn("'Save VM state' on VM 'alice-vm'", events[-1][2])
        self.assertIn("org.libvirt.api.domain.hibernate", events[-1][2])
        self.libvirt_decides_the_same("vmnt-carol", "d.managedSave()", "alice-vm", "domain.hibernate")
        self.libvirt_decides_the_same("vmnt-carol", f"d.save({path!r})", "alice-vm", "domain.hibernate")
        self.assertTrue(dom.isActive())
        self.assertFalse(os.path.exists(path))
        # alice saves it to a file: its phases, libvirt's bytes, stopped, the file written.
        events = self.vm_call("vmnt-alice", "SaveVM", "(ss)", "alice-vm", path)
        self.assertEqual(events[:2], [["Progress", "SaveVM", "detach", -1.0, 0, 0],
                                      ["Progress", "SaveVM", "save", -1.0, 0, 0]], events)
        self.assertEqual(events[-2:], [["Progress", "SaveVM", "done", 1.0, 0, 0], ["Reply"]])
        self.assertEqual({e[2] for e in events[2:-2]}, {"save"}, events)
        self.assert_save_bytes(events)
        self.assertFalse(dom.isActive())
        self.assertGreater(os.path.getsize(path), 0)
        # Saving a VM that does not run is the library's refusal, and nothing changes.
        events = self.vm_call("vmnt-alice", "ManagedSaveVM", "(s)", "alice-vm")
        self.assertEqual(events[-1][0], "Error", events)
        self.assertIn("alice-vm", events[-1][2])
        self.assertFalse(dom.hasManagedSaveImage())
        # Managed save, and StartVM from it.
        self.assertEqual(self.vm_call("vmnt-alice", "StartVM", "(s)", "alice-vm")[-1], ["Reply"])
        events = self.vm_call("vmnt-alice", "ManagedSaveVM", "(s)", "alice-vm")
        self.assertEqual(events[-1], ["Reply"], events)
        self.assertEqual(self.steps(events), ["detach", "save", "done"], events)
        self.assertEqual({e[1] for e in events[:-1]}, {"ManagedSaveVM"})
        self.assert_save_bytes(events)
        self.assertTrue(dom.hasManagedSaveImage())
        self.assertFalse(dom.isActive())
        self.assertEqual(self.vm_call("vmnt-alice", "StartVM", "(s)", "alice-vm")[-1], ["Reply"])
        self.assertTrue(dom.isActive())
        self.assertFalse(dom.hasManagedSaveImage())
        # Nothing runs now: nothing to cancel.
        rc, err = self.host_call("vmnt-alice", "CancelVM", "alice-vm")
        self.assertIn(IFACE + "Error.NotFound", err)
        self.assertIn("no operation is running", err)
        dom.destroy()
        self.assert_alive()

    def test_9y_save_progress_and_cancel(self):
        """SaveVM of a guest whose memory is really written (256 MiB, filled): CancelVM as the save
        step begins aborts libvirt's save, the VM runs on; then the save that goes through, its
        bytes as libvirt counts them; StartVM cannot be cancelled."""
        sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
        sys.path.insert(0, os.path.join(HERE, "..", "gi"))
        from test_gi_async import memory_filler  # noqa: E402
        mib = 256
        filler = os.path.join(self.state, "fill-saver.mb")
        with open(filler, "wb") as f:
            f.write(memory_filler(mib))
        self.ensure_network_active(self.conn, "dnet")
        xml = domain_xml("saver-vm", "", "52:54:00:19:00:0a")
        xml = re.sub(r"<disk.*?</disk>", "", xml, flags=re.S)
        xml = xml.replace("<memory unit='MiB'>64</memory>", f"<memory unit='MiB'>{mib}</memory>")
        xml = xml.replace("hvm</type></os>", f"hvm</type><kernel>{filler}</kernel></os>")
        dom = self.conn.defineXML(xml)
        path = os.path.join(self.state, "saver-vm.save")
        try:
            dom.create()
            self.cli("set-vmscope", "--vm-name", "saver-vm", "--scope", "alice-scope")
            time.sleep(1.5)     # vmnetd asks polkit again once the rules changed
            # Cancelled as the save step begins: libvirt's job aborted, the VM runs, no file.
            events = self.vm_call("vmnt-alice", "SaveVM", "(ss)", "saver-vm", path, cancel_at="save@0")
            self.assertEqual(self.steps(events), ["detach", "save", "rollback"], events)
            self.assertIn(["Cancelled"], events)
            self.assertEqual(events[-1][:2], ["Error", IFACE + "Error.Cancelled"], events)
            self.assertIn("VM 'saver-vm': the save was cancelled: libvirt aborted the save", events[-1][2])
            self.assertTrue(dom.isActive())
            self.assertEqual(dom.info()[0], libvirt.VIR_DOMAIN_RUNNING)
            self.assertEqual(dom.jobInfo()[0], libvirt.VIR_DOMAIN_JOB_NONE)
            self.assertFalse(os.path.exists(path))
            # The save that goes through: its phases in order, libvirt's bytes, done last.
            t0 = time.monotonic()
            events = self.vm_call("vmnt-alice", "SaveVM", "(ss)", "saver-vm", path)
            seconds = time.monotonic() - t0
            self.assertEqual(self.steps(events), ["detach", "save", "done"], events)
            self.assertEqual(events[-2:], [["Progress", "SaveVM", "done", 1.0, 0, 0], ["Reply"]])
            self.assert_save_bytes(events)
            last = [e for e in events if e[2:3] == ["save"] and e[5]][-1]
            self.assertGreater(last[5], mib << 20)      # libvirt's estimate: all of the guest's memory
            self.assertGreater(last[4], (mib // 2) << 20)   # the filled memory was written
            self.assertFalse(dom.isActive())
            self.assertGreater(os.path.getsize(path), (mib // 2) << 20)
            progress = [e for e in events if e[0] == "Progress"]
            print(f"SaveVM of {mib} MiB: {len(progress)} Progress signals "
                  f"({sum(1 for e in progress if e[5])} with bytes) in {seconds:.2f} s", file=sys.stderr)
            # A start cannot be cancelled: refused while it runs.
            client = subprocess.Popen(
                ["nsenter", "-t", self.holder, "-m", "-n", "--", "runuser", "-u", "vmnt-alice", "--",
                 "/usr/bin/python3", "-c", VM_CLIENT, "StartVM", "(s)", json.dumps(["saver-vm"]), "start@0"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            out, err = client.communicate(timeout=240)
            self.assertEqual(client.returncode, 0, err)
            events = [json.loads(line) for line in out.splitlines()]
            refused = [e for e in events if e[0] == "CancelError"]
            self.assertEqual(refused and refused[0][1], IFACE + "Error.NotSupported", events)
            self.assertIn("StartVM cannot be cancelled", refused[0][2])
            self.assertEqual(events[-1], ["Reply"], events)
            self.assertTrue(dom.isActive())
        finally:
            if dom.isActive():
                dom.destroy()
            dom.undefine()
            if os.path.exists(path):
                os.unlink(path)
        self.assert_alive()

    def test_9y_vm_operations_malformed_and_hostile(self):
        cases = [
            (("StartVM", ""), "InvalidArgument", "vm: a VM's UUID or name has 1 to 255 bytes"),
            (("StartVM", "x" * 100000), "InvalidArgument", "not 100000"),
            (("StartVM", "00000000-0000-0000-0000-00000000000g"), "NotFound",
             "vm: no VM with the UUID or name '00000000-0000-0000-0000-00000000000g'"),
            (("StartVM", "no\nsuch\u0001vm"), "NotFound", "vm: no VM"),
            (("SaveVM", "alice-vm", ""), "InvalidArgument", "path: the save file must be an absolute path"),
            (("SaveVM", "alice-vm", "relative/file"), "InvalidArgument", "'relative/file'"),
            (("MoveVM", "alice-vm", "qemu+ext:///system?command=/bin/true", "", "true"), "InvalidArgument",
             "destination_uri: scheme 'qemu+ext' is not allowed"),
            (("MoveVM", "alice-vm", "gopher://host/", "", "true"), "InvalidArgument",
             "destination_uri: scheme 'gopher'"),
            (("MoveVM", "alice-vm", "", "", "false"), "InvalidArgument", "destination_uri: not a URI"),
            (("MoveVM", "alice-vm", "qemu+tcp://h/system", "file:///etc/passwd", "true"), "InvalidArgument",
             "migrate_uri: scheme 'file'"),
            (("CancelVM", ""), "NotFound", "vm: no operation is running"),
        ]
        for (method, *args), code, named in cases:
            with self.subTest(method=method, args=[a[:40] for a in args]):
                rc, err = self.host_call("vmnt-alice", method, *args)
                self.assertNotEqual(rc, 0)
                self.assertIn(IFACE + "Error." + code, err)
                self.assertIn(named, err)
                self.assertLess(len(err), 2000, "the error message echoes the whole argument")
        # A wrong signature is refused by the bus layer.
        p = self.as_user("vmnt-alice", "dbus-send", "--system", "--print-reply", "--dest=" + BUS_NAME,
                         ROOT + "/Host", IFACE + "Host.MoveVM", "string:alice-vm", "uint32:1")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("InvalidArgs", p.stderr)
        self.assertFalse(self.conn.lookupByName("alice-vm").isActive())
        self.assert_alive()

    def test_9y_move_cancelled(self):
        """MoveVM to a second private libvirtd, cancelled while libvirt migrates (throttled, a guest
        whose memory must really be sent): the VM stays here and runs; meanwhile vmnetd serves
        others. Then the move that succeeds."""
        sys.path.insert(0, os.path.join(HERE, "..", "daemon"))
        sys.path.insert(0, os.path.join(HERE, "..", "gi"))
        from test_gi_async import memory_filler  # noqa: E402
        env = os.path.join(HERE, "..", "daemon", "libvirtd-env.sh")
        dst_state = os.path.join(self.state, "dst")
        p = subprocess.run([env, "start", dst_state, "--host-uuid", "44444444-0000-0000-0000-000000000002"],
                           capture_output=True, text=True, timeout=180)
        if p.returncode == 77:
            self.skipTest("a second private libvirtd cannot run here: " + p.stderr.strip())
        self.assertEqual(p.returncode, 0, p.stderr)
        dst_uri = p.stdout.strip().splitlines()[-1]
        filler = os.path.join(self.state, "fill.mb")
        with open(filler, "wb") as f:
            f.write(memory_filler(32))
        dst = None
        try:
            dst = libvirt.open(dst_uri)
            dst.networkDefineXML("<network><name>dnet</name></network>").create()
            self.ensure_network_active(self.conn, "dnet")
            xml = domain_xml("mover-vm", "", "52:54:00:19:00:09")
            xml = re.sub(r"<disk.*?</disk>", "", xml, flags=re.S)
            xml = xml.replace("<memory unit='MiB'>64</memory>", "<memory unit='MiB'>32</memory>")
            xml = xml.replace("hvm</type></os>", f"hvm</type><kernel>{filler}</kernel></os>")
            dom = self.conn.defineXML(xml)
            dom.create()
            self.cli("set-vmscope", "--vm-name", "mover-vm", "--scope", "alice-scope")
            time.sleep(1.5)     # vmnetd asks polkit again once the rules changed
            dom.migrateSetMaxSpeed(1)
            sock = "unix://" + os.path.join(self.state, "migrate.sock")
            # carol may look, not migrate.
            events = self.vm_call("vmnt-carol", "MoveVM", "(sssb)", "mover-vm", dst_uri, sock, True)
            self.assertEqual(events[-1][:2], ["Error", IFACE + "Error.AccessDenied"], events)
            self.assertIn("'Migrate VM' on VM 'mover-vm'", events[-1][2])
            self.assertIn("org.libvirt.api.domain.migrate", events[-1][2])
            self.libvirt_decides_the_same(
                "vmnt-carol", f"d.migrateToURI3({dst_uri!r}, {{}}, libvirt.VIR_MIGRATE_PEER2PEER)", "mover-vm",
                "domain.migrate")
            # alice moves it; while libvirt migrates, root is served, another operation on the VM is
            # busy, carol (who may not migrate it) cannot cancel it, and alice's client cancels it.
            client = subprocess.Popen(
                ["nsenter", "-t", self.holder, "-m", "-n", "--", "runuser", "-u", "vmnt-alice", "--",
                 "/usr/bin/python3", "-c", VM_CLIENT, "MoveVM", "(sssb)",
                 json.dumps(["mover-vm", dst_uri, sock, True]), "migrate", "4"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            lines = []
            reader = threading.Thread(target=lambda: lines.extend(client.stdout), daemon=True)
            reader.start()
            served = []
            carol = None
            while client.poll() is None:
                t0 = time.monotonic()
                self.managed_objects()
                served.append(time.monotonic() - t0)
                if carol is None and any('"Busy"' in line for line in lines):
                    carol = self.host_call("vmnt-carol", "CancelVM", "mover-vm")
                time.sleep(0.2)
            reader.join(10)
            self.assertEqual(client.wait(), 0, client.stderr.read())
            events = [json.loads(line) for line in lines]
            self.assertIsNotNone(carol, events)
            self.assertIn(IFACE + "Error.AccessDenied", carol[1])
            self.assertIn("'Migrate VM' on VM 'mover-vm'", carol[1])
            steps = [e[2] for e in events if e[0] == "Progress"]
            self.assertEqual(sorted(set(steps), key=steps.index), ["preflight", "detach", "migrate", "rollback"],
                             events)
            busy = [e for e in events if e[0] == "Busy"]
            self.assertEqual(busy[0][1], IFACE + "Error.Busy", events)
            self.assertIn("MoveVM of this VM is running", busy[0][2])
            self.assertIn(["Cancelled"], events)
            migrating = [e for e in events if e[0] == "Progress" and e[2] == "migrate" and e[5]]
            self.assertTrue(migrating and 0 <= migrating[0][3] < 1, events)
            self.assertEqual(events[-1][:2], ["Error", IFACE + "Error.Cancelled"], events)
            self.assertIn("aborted the migration", events[-1][2])
            self.assertTrue(dom.isActive())
            self.assertEqual(dom.jobInfo()[0], libvirt.VIR_DOMAIN_JOB_NONE)
            self.assertNotIn("mover-vm", [d.name() for d in dst.listAllDomains()])
            self.assertTrue(served and max(served) < 2, served)
            print(f"move cancelled: {len(served)} calls served meanwhile, slowest {max(served):.2f} s; "
                  f"first bytes {migrating[0]}", file=sys.stderr)

            # Unthrottled, it moves: every phase, then the reply once its adapter's object is gone.
            dom.migrateSetMaxSpeed(8192)
            uuid = dom.UUIDString()
            events = self.vm_call("vmnt-alice", "MoveVM", "(sssb)", uuid, dst_uri, sock, True)
            steps = [e[2] for e in events if e[0] == "Progress"]
            self.assertEqual(sorted(set(steps), key=steps.index),
                             ["preflight", "detach", "migrate", "attach", "done"], events)
            self.assertEqual(events[-1], ["Reply"], events)
            self.assertFalse(any(a.get(IFACE + "NetworkAdapter", {}).get("VMId") == uuid
                                 for a in self.managed_objects().values()))
            self.assertNotIn("mover-vm", [d.name() for d in self.conn.listAllDomains()])
            self.assertTrue(dst.lookupByName("mover-vm").isActive())
        finally:
            for conn in (self.conn, dst):
                try:
                    d = conn.lookupByName("mover-vm") if conn else None
                    if d and d.isActive():
                        d.destroy()
                    if d:
                        d.undefine()
                except libvirt.libvirtError:
                    pass
            subprocess.run([env, "stop", dst_state], capture_output=True, timeout=120)
        self.assert_alive()


# Run as a test user: Host.ARGV1 with signature ARGV2 and the JSON list ARGV3, listening for Progress;
# prints each event as a JSON list (see DBusJobsTest.vm_call). ARGV4: CancelVM at that step, once bytes count,
# or STEP@0 at its first Progress (a move: StartVM on the VM first, its error as ["Busy", name, message]; a
# refused CancelVM as ["CancelError", name, message]); ARGV5: that many seconds later.
VM_CLIENT = """
import json, sys
from gi.repository import Gio, GLib
method, signature, args, cancel_at = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
delay = int(sys.argv[5]) if len(sys.argv) > 5 else 0
bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
loop = GLib.MainLoop()
cancelled = []
def out(*event):
    print(json.dumps(list(event)), flush=True)
cancel_step, _, at_once = cancel_at.partition("@")
answered = []   # the reply, then CancelVM's answer if one was asked: the client ends after both
def answer():
    answered.append(1)
    if len(answered) == 1 + len(cancelled):
        loop.quit()
def on_cancel(conn, result):
    try:
        conn.call_finish(result)
        out("Cancelled")
    except GLib.Error as e:
        out("CancelError", Gio.DBusError.get_remote_error(e), e.message)
    answer()
def on_progress(conn, sender, path, iface, name, params):
    vm, operation, step, fraction, processed, total = params.unpack()
    out("Progress", operation, step, fraction, processed, total)
    if cancel_step == step and (processed or at_once):
        cancel()
def on_busy(conn, result):
    try:
        conn.call_finish(result)
        out("Busy", "", "")
    except GLib.Error as e:
        out("Busy", Gio.DBusError.get_remote_error(e), e.message)
def cancel():
    if not cancelled:
        cancelled.append(1)
        if method == "MoveVM":
            bus.call("%s", "%s/Host", "%sHost", "StartVM", GLib.Variant("(s)", (args[0],)), None,
                     Gio.DBusCallFlags.NONE, 30000, None, on_busy)
        # timeout_add_seconds() waits for the next whole second even for 0.
        if delay:
            GLib.timeout_add_seconds(delay, send_cancel)
        else:
            GLib.idle_add(send_cancel)
def send_cancel():
    bus.call("%s", "%s/Host", "%sHost", "CancelVM", GLib.Variant("(s)", (args[0],)), None,
             Gio.DBusCallFlags.NONE, 30000, None, on_cancel)
    return False
def on_reply(conn, result):
    try:
        conn.call_finish(result)
        out("Reply")
    except GLib.Error as e:
        out("Error", Gio.DBusError.get_remote_error(e), e.message)
    answer()
bus.signal_subscribe("%s", "%sHost", "Progress", "%s/Host", None, Gio.DBusSignalFlags.NONE, on_progress)
bus.call("%s", "%s/Host", "%sHost", method, GLib.Variant(signature, tuple(args)), None,
         Gio.DBusCallFlags.NONE, 600000, None, on_reply)
loop.run()
""" % (BUS_NAME, ROOT, IFACE, BUS_NAME, ROOT, IFACE, BUS_NAME, IFACE, ROOT, BUS_NAME, ROOT, IFACE)


if __name__ == "__main__":
    unittest.main(verbosity=2)
