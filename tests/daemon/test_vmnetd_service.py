#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""vmnetd as a systemd service, without systemd: the notification protocol (READY after the first
full pass, STATUS, WATCHDOG, RELOADING, STOPPING) read from a socket of the test's own, the
configuration file, and SIGHUP (log level, a broken file, another URI) leaving every VF and
domain as it was. Against a real libvirtd (QEMU driver) in a private namespace."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_daemon import add_switch, domain_xml, libvirt, start_libvirtd, stop_libvirtd  # noqa: E402
from test_vmnetd import VMNETD, Log  # noqa: E402


class Notifications:
    """Datagrams vmnetd sends to $NOTIFY_SOCKET, collected by a thread."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self.messages = []
        self.cond = threading.Condition()
        self.running = True
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while self.running:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            with self.cond:
                self.messages.append((time.monotonic(), data.decode()))
                self.cond.notify_all()

    def wait(self, predicate, what, timeout=60):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for i, (_, m) in enumerate(self.messages):
                    if predicate(m):
                        return i, m
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {what} from vmnetd within {timeout} s: {self.messages[-20:]}")
                self.cond.wait(left)

    def since(self, index):
        with self.cond:
            return [m for _, m in self.messages[index:]]

    def close(self):
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close()


class VmnetdServiceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if libvirt is None:
            raise unittest.SkipTest("python3-libvirt is not installed")
        cls.work = tempfile.mkdtemp(prefix="vmnetd-service-")
        cls.state = os.path.join(cls.work, "daemon")
        cls.uri = start_libvirtd(cls.state, skip_removes=cls.work)
        c = cls.conn = libvirt.open(cls.uri)
        add_switch(c, "sw", "vmnetdsv0")
        c.defineXML(domain_xml("wants", [("52:54:00:e1:00:01", "sw", "net0")],
                               [("52:54:00:e1:00:01", "iov-weight='70'")])).create()
        cls.config = os.path.join(cls.work, "vmnetd.conf")
        cls.write_config(f"[vmnetd]\nuri={cls.uri}\nlog-level=info\n")
        cls.notes = Notifications(os.path.join(cls.work, "notify"))
        env = {**os.environ, "NOTIFY_SOCKET": os.path.join(cls.work, "notify"), "WATCHDOG_USEC": "200000"}
        env.pop("G_MESSAGES_DEBUG", None)
        env.pop("VMNET_DEFAULT_URI", None)
        cls.proc = subprocess.Popen([VMNETD, "--config", cls.config], stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True, env=env)
        cls.log = Log(cls.proc)

    @classmethod
    def write_config(cls, text):
        with open(cls.config + ".new", "w") as f:
            f.write(text)
        os.replace(cls.config + ".new", cls.config)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "proc", None) and cls.proc.poll() is None:
            cls.proc.kill()
            cls.proc.wait()
        if getattr(cls, "notes", None):
            cls.notes.close()
        stop_libvirtd(cls.state, getattr(cls, "conn", None))
        shutil.rmtree(cls.work, ignore_errors=True)

    def domains(self):
        return {d.name(): d.XMLDesc() for d in self.conn.listAllDomains()}

    def test_1_ready_after_the_first_pass_with_status(self):
        ready, _ = self.notes.wait(lambda m: m == "READY=1", "READY=1")
        connecting, _ = self.notes.wait(lambda m: m.startswith("STATUS=Connecting"), "the connecting status")
        self.assertLess(connecting, ready)
        # The URI came from the configuration file, and the first pass ran before READY.
        self.log.wait(r"connected to " + self.uri.replace("?", r"\?").replace("+", r"\+"))
        self.log.wait(r"VM 'wants' adapter 'net0': VF attach failed")
        # The adapter wants a VF and the pool has none to give here: it waits.
        _, status = self.notes.wait(lambda m: m.startswith("STATUS=") and "handed out" in m, "a pass status")
        self.assertEqual(status, "STATUS=0 VF(s) handed out, 1 adapter(s) waiting for a VF")

    def test_2_watchdog_is_fed(self):
        first, _ = self.notes.wait(lambda m: m == "WATCHDOG=1", "WATCHDOG=1")
        time.sleep(1.0)
        pings = [m for m in self.notes.since(first) if m == "WATCHDOG=1"]
        # WATCHDOG_USEC=200000: a ping every 100 ms from the main loop.
        self.assertGreaterEqual(len(pings), 5, pings)

    def test_3_sighup_reloads_without_touching_domains(self):
        self.notes.wait(lambda m: m == "READY=1", "READY=1")
        before = self.domains()
        mark = len(self.notes.since(0))
        self.write_config(f"[vmnetd]\nuri={self.uri}\nlog-level=debug\n")
        self.proc.send_signal(signal.SIGHUP)
        self.log.wait(r"configuration reloaded$")
        deadline = time.monotonic() + 30
        while True:
            after = self.notes.since(mark)
            if "RELOADING=1" in after and "READY=1" in after[after.index("RELOADING=1"):]:
                break
            self.assertLess(time.monotonic(), deadline, f"no RELOADING=1 then READY=1: {after}")
            time.sleep(0.05)
        self.assertIsNone(self.proc.poll())
        self.assertEqual(self.domains(), before)

    def test_4_broken_file_keeps_the_running_configuration(self):
        self.write_config("[vmnetd]\nuri=qemu:///system\nlog-level=loud\n")
        self.proc.send_signal(signal.SIGHUP)
        self.log.wait(r"configuration not reloaded: .*log-level must be info or debug, not 'loud'")
        self.assertIsNone(self.proc.poll())
        # Still on the private daemon: a new VM there is seen.
        n = self.log.count(r"VM 'late' adapter 'net0'")
        self.conn.defineXML(domain_xml("late", [("52:54:00:e1:00:02", "sw", "net0")],
                                       [("52:54:00:e1:00:02", "iov-weight='10'")])).create()
        self.log.wait(r"VM 'late' adapter 'net0'", n=n + 1, timeout=60)

    def test_5_another_uri_leaves_every_vf_in_place(self):
        before = self.domains()
        self.write_config("[vmnetd]\nuri=test:///default\n")
        self.proc.send_signal(signal.SIGHUP)
        self.log.wait(r"configuration reloaded: now test:///default; VFs left in place")
        self.log.wait(r"connected to test:///default")
        self.assertIsNone(self.proc.poll())
        self.assertEqual(self.domains(), before)

    def test_6_sigterm_says_stopping(self):
        mark = len(self.notes.since(0))
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=30), 0)
        self.notes.wait(lambda m: m == "STOPPING=1", "STOPPING=1")
        self.assertIn("STOPPING=1", self.notes.since(mark))


if __name__ == "__main__":
    unittest.main(verbosity=2)
