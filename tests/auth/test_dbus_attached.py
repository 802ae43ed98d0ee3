#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The library attached to vmnetd (doc/dbus.md, "Clients of the library") on the real stack
(tests/auth/dbus_stack.py): the CLI and Python, unchanged, read vmnetd's model instead of libvirt,
make their changes through vmnetd, and a live host follows vmnetd going and coming back."""
import json
import os
import signal
import subprocess
import time
import unittest

from gi.repository import Gio, GLib

from dbus_stack import BUS_NAME, IFACE, ROOT, DBusStack, domain_xml


class DBusAttachedTest(DBusStack):
    def read_while_libvirtd_stopped(self, *args):
        """vmnet ARGS as root, attached, while libvirtd answers nothing: a read that reached libvirtd would
        hang until the timeout, so what it shows comes from vmnetd's model."""
        pid = self.libvirtd_pid()
        os.kill(pid, signal.SIGSTOP)
        try:
            return self.vmnet_in_ns(None, *args, timeout=20)
        finally:
            os.kill(pid, signal.SIGCONT)

    def test_11a_attached_read_makes_no_libvirt_call(self):
        self.assert_attached(None)
        direct = self.vmnet_in_ns(None, "get-vmnetworkadapter", "--all", "--output", "json",
                                  env={"VMNET_DBUS_BUS": "none"})
        self.assertEqual(direct.returncode, 0, direct.stderr)
        pid = self.libvirtd_pid()
        os.kill(pid, signal.SIGSTOP)
        try:
            # libvirtd answers nothing now: a read that reached it would hang until the timeout.
            served = self.vmnet_in_ns(None, "get-vmnetworkadapter", "--all", "--output", "json", timeout=20)
            with self.assertRaises(subprocess.TimeoutExpired):
                self.vmnet_in_ns(None, "get-vmnetworkadapter", "--all", "--output", "json",
                                 env={"VMNET_DBUS_BUS": "none"}, timeout=3)
        finally:
            os.kill(pid, signal.SIGCONT)
        self.assertEqual(served.returncode, 0, served.stderr)
        self.assertEqual(served.stdout, direct.stdout)
        self.assertEqual({a["VMName"] for a in json.loads(served.stdout)}, {"alice-vm", "bob-vm"})
        self.assert_alive()

    def test_11b_write_through_vmnetd_then_read(self):
        p = self.vmnet_in_ns(None, "--verbose", "set-vmnetworkadapter", "--vm-name", "alice-vm", "--iov-weight", "44")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("from vmnetd", p.stdout + p.stderr)
        self.assertNotIn("through libvirt", p.stdout + p.stderr)
        self.assertNotIn("reading libvirt", p.stdout + p.stderr)
        # In libvirt, and in the next served read (libvirtd stopped meanwhile).
        self.assertEqual(self.direct_adapter("alice-vm").get_iov_weight(), 44)
        p = self.read_while_libvirtd_stopped("get-vmnetworkadapter", "--vm-name", "alice-vm", "--output", "json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([a["IovWeight"] for a in json.loads(p.stdout)], [44])
        # vmnetd's errors come back as the library's own: the same code (exit status) and message.
        args = ("set-vmnetworkadapter", "--vm-name", "alice-vm", "--router-guard", "on", "--iov-weight", "101")
        served = self.vmnet_in_ns(None, *args)
        direct = self.vmnet_in_ns(None, *args, env={"VMNET_DBUS_BUS": "none"})
        self.assertNotEqual(served.returncode, 0)
        self.assertEqual((served.returncode, served.stderr), (direct.returncode, direct.stderr))
        self.assert_alive()

    def test_11c_a_user_sees_their_vms_through_vmnetd(self):
        for user, expected in (("vmnt-alice", ["alice-vm"]), ("vmnt-carol", ["alice-vm"])):
            with self.subTest(user=user):
                self.assert_attached(user)
                served = self.vmnet_in_ns(user, "get-vmnetworkadapter", "--all", "--output", "json")
                direct = self.vmnet_in_ns(user, "get-vmnetworkadapter", "--all", "--output", "json",
                                          env={"VMNET_DBUS_BUS": "none"})
                self.assertEqual(served.returncode, 0, served.stderr)
                self.assertEqual(direct.returncode, 0, direct.stderr)
                got, want = json.loads(served.stdout), json.loads(direct.stdout)
                self.assertEqual(sorted({a["VMName"] for a in got}), expected)
                # The host-wide SR-IOV checks in an adapter's status are vmnetd's: it reads what
                # libvirt does not tell a user (domain capabilities); the rest is the user's own read.
                host_wide = ("Status", "StatusDescription")
                self.assertEqual([{k: v for k, v in a.items() if k not in host_wide} for a in got],
                                 [{k: v for k, v in a.items() if k not in host_wide} for a in want])
        # alice changes her VM through vmnetd; carol, who may only look, is refused by vmnetd with the
        # exit status libvirt's refusal gives (access denied), the operation named.
        p = self.vmnet_in_ns("vmnt-alice", "set-vmnetworkadapter", "--vm-name", "alice-vm", "--iov-weight", "45")
        self.assertEqual(p.returncode, 0, p.stderr)
        args = ("set-vmnetworkadapter", "--vm-name", "alice-vm", "--iov-weight", "46")
        served = self.vmnet_in_ns("vmnt-carol", *args)
        direct = self.vmnet_in_ns("vmnt-carol", *args, env={"VMNET_DBUS_BUS": "none"})
        self.assertNotEqual(direct.returncode, 0)
        self.assertEqual(served.returncode, direct.returncode, served.stderr + direct.stderr)
        self.assertIn("domain.write", served.stderr)
        self.assertEqual(self.direct_adapter("alice-vm").get_iov_weight(), 45)
        self.assert_alive()

    def test_11d_live_python_host_follows_and_rejoins(self):
        """Python (gi) through an attached live host: a change made straight through libvirt shows up in it,
        a change of its own is there when the call returns; vmnetd restarted, it resyncs."""
        proc = subprocess.Popen(["nsenter", "-t", self.holder, "-m", "-n", "--", "/usr/bin/python3", "-c",
                                 ATTACHED_CLIENT, self.uri], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

        def ask(line):
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            answer = proc.stdout.readline()
            self.assertTrue(answer, proc.stderr.read() if proc.poll() is not None else "no answer")
            return answer.split()

        try:
            self.assertEqual(ask("state"), ["attached", "True", "live", "True"])
            # A change of its own, through vmnetd: shown when the call returns.
            self.assertEqual(ask("set 46"), ["weight", "46"])
            # Straight through libvirt (the CLI outside the bus's namespace): one event, one served read.
            self.cli("set-vmnetworkadapter", "--vm-name", "alice-vm", "--iov-weight", "47")
            self.assertEqual(ask("wait 47"), ["weight", "47", "attached", "True"])
            # vmnetd goes: the host reads libvirt; it comes back: attached again, and in step.
            self.stop_vmnetd()
            self.cli("set-vmnetworkadapter", "--vm-name", "alice-vm", "--iov-weight", "48")
            self.assertEqual(ask("wait 48"), ["weight", "48", "attached", "False"])
            self.start_vmnetd()
            self.wait_for_tree()
            self.assertEqual(ask("attached"), ["attached", "True"])
            self.cli("set-vmnetworkadapter", "--vm-name", "alice-vm", "--iov-weight", "49")
            self.assertEqual(ask("wait 49"), ["weight", "49", "attached", "True"])
            proc.stdin.write("quit\n")
            proc.stdin.close()
            proc.wait(timeout=20)
            err = proc.stderr.read()
            self.assertEqual(proc.returncode, 0, err)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assert_alive()

    def test_11e_a_change_through_libvirt_is_in_the_next_served_read(self):
        """A change vmnetd does not serve (adding an adapter) is made through libvirt; vmnetd reads
        libvirt again before the call returns (Host.Sync), so the next attached read, in another
        process, shows it."""
        disk = os.path.join(self.state, "lib", "images", "sync-vm.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "16M"], check=True)
        dom = self.conn.defineXML(domain_xml("sync-vm", disk, "52:54:00:19:00:03"))
        try:
            deadline = time.monotonic() + 30
            while True:     # vmnetd shows the VM: one libvirt event to it
                p = self.vmnet_in_ns(None, "get-vmnetworkadapter", "--vm-name", "sync-vm", "--output", "json")
                if p.returncode == 0 and len(json.loads(p.stdout)) == 1:
                    break
                self.assertLess(time.monotonic(), deadline, p.stdout + p.stderr)
                time.sleep(0.2)
            p = self.vmnet_in_ns(None, "--verbose", "add-vmnetworkadapter", "--vm-name", "sync-vm",
                                 "--switch-name", "dnet", "--name", "net9")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("vmnetd read the change", p.stderr)
            # What the next read shows is in vmnetd's model already.
            served = self.read_while_libvirtd_stopped("get-vmnetworkadapter", "--vm-name", "sync-vm",
                                                      "--output", "json")
            self.assertEqual(served.returncode, 0, served.stderr)
            direct = self.vmnet_in_ns(None, "get-vmnetworkadapter", "--vm-name", "sync-vm", "--output", "json",
                                      env={"VMNET_DBUS_BUS": "none"})
            self.assertEqual(len(json.loads(direct.stdout)), 2, direct.stdout)
            self.assertIn("net9", [a["Name"] for a in json.loads(direct.stdout)])
            self.assertEqual(served.stdout, direct.stdout)
        finally:
            dom.undefine()
        self.assert_alive()

    def test_11f_sync_calls_together_share_reads(self):
        """Host.Sync: six calls sent together all get the generation of a model read after them, from at
        most two reads of libvirt (the one the first call starts, one more for the calls that came
        during it)."""
        reads, quiet_since = self.vmnetd_output().count("read host "), time.monotonic()
        while time.monotonic() - quiet_since < 1.5:     # no pass under way (earlier tests' events)
            time.sleep(0.1)
            now = self.vmnetd_output().count("read host ")
            if now != reads:
                reads, quiet_since = now, time.monotonic()
        replies = []
        ctx = GLib.MainContext.default()

        def done(bus, result):
            try:
                replies.append(bus.call_finish(result).unpack()[0])
            except GLib.Error as e:
                replies.append(e.message)

        for _ in range(6):
            self.bus.call(BUS_NAME, ROOT + "/Host", IFACE + "Host", "Sync", None, GLib.VariantType("(t)"),
                          Gio.DBusCallFlags.NONE, 30000, None, done)
        deadline = time.monotonic() + 30
        while len(replies) < 6 and time.monotonic() < deadline:
            ctx.iteration(False) or time.sleep(0.01)
        self.assertEqual(len(replies), 6, replies)
        self.assertTrue(all(isinstance(g, int) for g in replies), replies)
        model = self.bus.call_sync(BUS_NAME, ROOT + "/Host", IFACE + "Host", "GetModel", None, None,
                                   Gio.DBusCallFlags.NONE, 30000, None).unpack()
        self.assertEqual(max(replies), model[0])
        self.assertIn(self.vmnetd_output().count("read host ") - reads, (1, 2))
        self.assert_alive()


# Run as root in the bus's namespace: a live host attached to vmnetd, answering commands on stdin.
ATTACHED_CLIENT = """
import sys
import gi
gi.require_version("Vmnet", "1.0")
from gi.repository import GLib, Vmnet
host = Vmnet.Host.new_for_uri(sys.argv[1], None)
host.set_live(True)
ctx = GLib.MainContext.default()
def adapter():
    return next(a for a in host.get_network_adapters() if a.get_vm_name() == "alice-vm")
def until(predicate, seconds=30):
    deadline = GLib.get_monotonic_time() + seconds * 1000000
    while not predicate() and GLib.get_monotonic_time() < deadline:
        ctx.iteration(False) or GLib.usleep(10000)
    return predicate()
for line in sys.stdin:
    words = line.split()
    if words[0] == "state":
        print("attached", host.props.attached, "live", host.props.live, flush=True)
    elif words[0] == "set":
        settings = Vmnet.AdapterSettings.new()
        settings.set_iov_weight(int(words[1]))
        host.set_network_adapter(adapter(), settings, None)
        print("weight", adapter().get_iov_weight(), flush=True)
    elif words[0] == "wait":
        until(lambda: adapter().get_iov_weight() == int(words[1]))
        print("weight", adapter().get_iov_weight(), "attached", host.props.attached, flush=True)
    elif words[0] == "attached":
        until(lambda: host.props.attached)
        print("attached", host.props.attached, flush=True)
    elif words[0] == "quit":
        break
"""


if __name__ == "__main__":
    unittest.main(verbosity=2)
