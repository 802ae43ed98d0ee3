#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Connections that need credentials: a private libvirtd whose read-only socket asks for a SASL
user name and password (the read-write one stays open, for the daemon's own start-up check).
vmnet on a terminal lets libvirt ask for them, as virsh does, the password without echo;
without a terminal nothing is asked and the connection is refused."""
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import termios
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_daemon import ENV_SCRIPT, start_libvirtd, stop_libvirtd  # noqa: E402

VMNET = os.environ.get("VMNET_CLI", "vmnet")
USER, PASSWORD = "alice", "s3cret-pass"


def echo_off(fd):
    """Whether the terminal of pty master FD has echo turned off (as for a password)."""
    return not termios.tcgetattr(fd)[3] & termios.ECHO


def on_terminal(args, answers, timeout=60):
    """vmnet ARGS on a new terminal (its controlling one); each (prompt, reply) of ANSWERS is
    typed once PROMPT has been printed, a reply to a prompt for a password only once the
    terminal's echo is off (typed before, it would be echoed, then flushed away).
    Returns (exit status, everything the terminal showed)."""
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.execv(VMNET, [VMNET, *args])
        finally:
            os._exit(127)
    shown, typed_at, pending, deadline = b"", b"", list(answers), time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            shown += data
        if pending and pending[0][0].encode() in shown[len(typed_at):] and \
                ("assword" not in pending[0][0] or echo_off(fd)):
            typed_at = shown
            os.write(fd, pending.pop(0)[1].encode() + b"\n")
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


class Credentials(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not shutil.which("saslpasswd2"):
            raise unittest.SkipTest("saslpasswd2 is not installed (apt-get install sasl2-bin)")
        cls.state = tempfile.mkdtemp(prefix="vmnet-sasl-")
        cls.uri = start_libvirtd(cls.state, skip_removes=cls.state)
        cls.ro_uri = cls.uri.replace("libvirt-sock", "libvirt-sock-ro")
        try:
            # SASL on the read-only socket: a user of its own database.
            sasl = os.path.join(cls.state, "sasl2")
            os.makedirs(sasl)
            db = os.path.join(sasl, "passwd.db")
            with open(os.path.join(sasl, "libvirt.conf"), "w") as f:
                f.write(f"mech_list: scram-sha-256\nsasldb_path: {db}\n")
            subprocess.run(["saslpasswd2", "-p", "-a", "libvirt", "-f", db, USER], input=PASSWORD + "\n",
                           text=True, check=True, timeout=30)
            env = dict(os.environ, SASL_CONF_PATH=sasl, LIBVIRTD_ENV_AUTH_UNIX_RO="sasl")
            p = subprocess.run([ENV_SCRIPT, "restart", cls.state], capture_output=True, text=True, timeout=180,
                               env=env)
            if p.returncode != 0:
                raise RuntimeError("cannot restart libvirtd with SASL: " + p.stderr)
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        stop_libvirtd(cls.state)
        shutil.rmtree(cls.state, ignore_errors=True)

    def test_asked_on_the_terminal(self):
        status, shown = on_terminal(["-c", self.ro_uri, "-r", "-o", "json", "get-vmhost"],
                                    [("name", USER), ("assword", PASSWORD)])
        self.assertEqual(status, 0, shown)
        self.assertIn('"Hypervisor" : "QEMU"', shown)
        # The user name is echoed as typed; the password is not.
        self.assertIn(USER, shown)
        self.assertNotIn(PASSWORD, shown)

    def test_wrong_password(self):
        status, shown = on_terminal(["-c", self.ro_uri, "-r", "get-vmhost"], [("name", USER), ("assword", "wrong")])
        self.assertEqual(status, 6, shown)
        self.assertIn("vmnet: error: cannot connect to libvirt", shown)

    def test_no_terminal_no_question(self):
        start = time.monotonic()
        p = subprocess.run([VMNET, "-c", self.ro_uri, "-r", "get-vmhost"], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 6, p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertNotIn("name", p.stderr.split("cannot connect")[0])
        self.assertLess(time.monotonic() - start, 30)

    def test_read_write_socket_unchanged(self):
        # The socket without SASL: no question even on a terminal.
        status, shown = on_terminal(["-c", self.uri, "-o", "json", "get-vmhost"], [])
        self.assertEqual(status, 0, shown)
        self.assertNotIn("name", shown.split("{")[0])


if __name__ == "__main__":
    unittest.main(verbosity=2)
