# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the vmnetd benchmarks (dbus-bench.py, vmnetd-bench.py) share: the private libvirtd,
vmnetd's output with arrival times, and /proc readings."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
ENV = os.path.join(TOP, "tests", "daemon", "libvirtd-env.sh")
NS = "http://libvmnet.org/xmlns/vmnet/1.0"


def start_libvirtd(prefix):
    """A private libvirtd (tests/daemon/libvirtd-env.sh) in a new state directory under /dev/shm:
    (state, uri). Exits 77 when it cannot run here, 1 when it fails."""
    state = tempfile.mkdtemp(prefix=prefix, dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    p = subprocess.run([ENV, "start", state], capture_output=True, text=True, timeout=180)
    if p.returncode == 77:
        print("SKIP: " + p.stderr.strip())
        sys.exit(77)
    if p.returncode != 0:
        print(p.stderr, file=sys.stderr)
        sys.exit(1)
    return state, p.stdout.strip().splitlines()[-1]


def stop_libvirtd(state):
    subprocess.run([ENV, "stop", state], capture_output=True, timeout=120)
    shutil.rmtree(state, ignore_errors=True)


def kb_field(path, key):
    """The kB value of the line "KEY: N kB" of @path (/proc/PID/status, smaps_rollup); -1 without it."""
    with open(path) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def status_kb(pid, key):
    return kb_field(f"/proc/{pid}/status", key)


class Log:
    """vmnetd's output, each line with the time it arrived; wait() gives up after @timeout seconds."""

    def __init__(self, proc, timeout):
        self.events = []          # (monotonic, line)
        self.timeout = timeout
        self.cond = threading.Condition()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc):
        for line in proc.stdout:
            with self.cond:
                self.events.append((time.monotonic(), line.rstrip()))
                self.cond.notify_all()

    def wait(self, pattern, after=0.0):
        """The arrival time of the first line from @after on that matches @pattern."""
        deadline = time.monotonic() + self.timeout
        with self.cond:
            while True:
                for t, line in self.events:
                    if t >= after and re.search(pattern, line):
                        return t
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError(f"no {pattern!r} from vmnetd:\n" +
                                       "\n".join(l for _, l in self.events[-20:]))
                self.cond.wait(left)

    def count(self, pattern):
        with self.cond:
            return sum(1 for _, line in self.events if re.search(pattern, line))
