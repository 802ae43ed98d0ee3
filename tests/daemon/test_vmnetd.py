#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""vmnetd against a real libvirtd (QEMU driver, TCG domains) in a private namespace.

No SR-IOV hardware here: the switch's VF pool is on a PF this machine lacks, so every attach
fails with libvirt's reason. That is enough to see what the service reacts to (events, not
polling), that a failed attach is not retried until something changes, that it resyncs after a
libvirtd restart, and that SIGTERM leaves everything in place. Real VFs: tests/lab."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_daemon import ENV_SCRIPT, NS, add_switch, domain_xml, libvirt, start_libvirtd, stop_libvirtd  # noqa: E402

VMNETD = os.environ.get("VMNETD", "vmnetd")


class Log:
    """vmnetd's output, collected by a thread."""

    def __init__(self, proc):
        self.lines = []
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self.thread.start()

    def _read(self, proc):
        for line in proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def count(self, pattern):
        with self.cond:
            return sum(1 for line in self.lines if re.search(pattern, line))

    def wait(self, pattern, n=1, timeout=60):
        deadline = time.monotonic() + timeout
        with self.cond:
            while sum(1 for line in self.lines if re.search(pattern, line)) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {n}× {pattern!r} in vmnetd's log within {timeout} s:\n"
                                         + "\n".join(self.lines[-40:]))
                self.cond.wait(left)

    def text(self):
        with self.cond:
            return "\n".join(self.lines)


class VmnetdTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if libvirt is None:
            raise unittest.SkipTest("python3-libvirt is not installed")
        cls.state = tempfile.mkdtemp(prefix="vmnetd-daemon-")
        cls.uri = start_libvirtd(cls.state, skip_removes=cls.state)
        c = cls.conn = libvirt.open(cls.uri)
        add_switch(c, "sw", "vmnetdsw0")
        c.defineXML(domain_xml("early", [("52:54:00:e0:00:01", "sw", "net0")],
                               [("52:54:00:e0:00:01", "iov-weight='60'")])).create()
        c.defineXML(domain_xml("bystander", [], [])).create()
        cls.proc = subprocess.Popen([VMNETD, "--connect", cls.uri, "--verbose"], stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True,
                                    env={**os.environ, "G_MESSAGES_DEBUG": "vmnetd"})
        cls.log = Log(cls.proc)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "proc", None) and cls.proc.poll() is None:
            cls.proc.kill()
            cls.proc.wait()
        stop_libvirtd(cls.state, getattr(cls, "conn", None))
        shutil.rmtree(cls.state, ignore_errors=True)

    def metadata(self, name):
        return self.conn.lookupByName(name).metadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, NS,
                                                     libvirt.VIR_DOMAIN_AFFECT_LIVE)

    def settle(self, quiet=2.0, timeout=30):
        """Waits until no pass has finished for `quiet` seconds; returns the pass count."""
        deadline = time.monotonic() + timeout
        last, since = self.log.count(r"pass \d+ done"), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.2)
            n = self.log.count(r"pass \d+ done")
            if n != last:
                last, since = n, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return n
        self.fail("vmnetd kept reconciling:\n" + self.log.text()[-3000:])

    def test_1_resync_at_start(self):
        self.log.wait(r"connected to .*full resync")
        # The running VM's adapter asked for a VF; the pool cannot give one here.
        self.log.wait(r"VM 'early' adapter 'net0': VF attach failed: .*sw-iov")
        self.assertIn("iov-last-error", self.metadata("early"))
        self.assertEqual(self.conn.lookupByName("early").XMLDesc().count("<interface "), 1)

    def test_2_failed_attach_not_retried_until_something_changes(self):
        self.log.wait(r"VM 'early' adapter 'net0': VF attach failed")
        self.settle()
        failures = self.log.count(r"VM 'early' adapter 'net0': VF attach failed")
        # Its own metadata write, idle time: no new attempt.
        time.sleep(3)
        self.assertEqual(self.log.count(r"VM 'early' adapter 'net0': VF attach failed"), failures)
        # A VM stops: VFs may have come free, so the waiting adapter is tried again.
        self.conn.lookupByName("bystander").destroy()
        self.log.wait(r"VM 'early' adapter 'net0': VF attach failed", n=failures + 1, timeout=30)

    def test_3_new_vm_is_handled_by_event(self):
        self.settle()
        passes = self.log.count(r"pass \d+ done")
        time.sleep(3)
        self.assertEqual(self.log.count(r"pass \d+ done"), passes, "vmnetd ran a pass with nothing happening")
        self.conn.defineXML(domain_xml("late", [("52:54:00:e0:01:01", "sw", "net0")],
                                       [("52:54:00:e0:01:01", "iov-weight='40'")])).create()
        self.log.wait(r"VM 'late' adapter 'net0': VF attach failed", timeout=30)
        # Raising the weight from another client is an event too: tried again.
        subprocess.run([os.environ.get("VMNET_CLI", "vmnet"), "-c", self.uri, "set-vmnetworkadapter",
                        "--vm-name", "late", "--iov-weight", "90"], check=True, capture_output=True, timeout=60)
        self.log.wait(r"VM 'late' adapter 'net0': VF attach failed", n=2, timeout=30)

    def test_4_resync_after_libvirtd_restart(self):
        self.settle()
        connects = self.log.count(r"connected to .*full resync")
        self.conn.close()
        p = subprocess.run([ENV_SCRIPT, "restart", self.state], capture_output=True, text=True, timeout=180)
        self.assertEqual(p.returncode, 0, p.stderr)
        type(self).conn = libvirt.open(self.uri)
        self.log.wait(r"lost the connection to libvirt", timeout=60)
        self.log.wait(r"connected to .*full resync", n=connects + 1, timeout=90)
        # Events are followed on the new connection.
        before = self.log.count(r"VM 'early' adapter 'net0': VF attach failed")
        self.conn.defineXML(domain_xml("after", [], [])).create()
        self.conn.lookupByName("after").destroy()
        self.log.wait(r"VM 'early' adapter 'net0': VF attach failed", n=before + 1, timeout=30)

    def test_5_sigterm_leaves_everything(self):
        self.settle()
        xml = {d.name(): d.XMLDesc() for d in self.conn.listAllDomains()}
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(timeout=30), 0)
        self.log.thread.join(timeout=10)
        self.assertIn("stopping; VFs left in place", self.log.text())
        self.assertEqual({d.name(): d.XMLDesc() for d in self.conn.listAllDomains()}, xml)


if __name__ == "__main__":
    unittest.main(verbosity=2)
