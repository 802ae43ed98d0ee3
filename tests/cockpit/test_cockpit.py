#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Cockpit page (cockpit/) in a real browser: a fresh cockpit-ws with a local session serves
it from the source tree, headless Chromium drives it over the DevTools protocol (a pipe, standard
library only), and what the page shows is compared with `vmnet --output json` for the same URI.

Against the demo host: every table, NumVFs refused while VFs are in use, a bad IovWeight refused
with the field named, the New virtual switch dialog, a refused move, keyboard use, a narrow
window, the page under Tools in Cockpit's shell. Against private libvirtds
(tests/daemon/libvirtd-env.sh): `vmnet watch-vmhost` alone, the tables, an IovWeight change that
lands in the domain's metadata, changes made by other clients that reach the page without a
reload, a live move with its progress. Against the polkit stack (tests/auth/polkit-env.sh): a
user limited to a scope sees only its VMs, and a refused change names the operation.

Screenshots of each view go to $MESON_BUILD_ROOT/cockpit-screenshots (or VMNET_SCREENSHOTS)."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("VMNET_SOURCE_ROOT", os.path.dirname(os.path.dirname(HERE)))
VMNET = os.path.abspath(os.environ.get("VMNET_CLI", shutil.which("vmnet") or "vmnet"))
BUILD = os.environ.get("G_TEST_BUILDDIR", os.path.dirname(os.path.dirname(VMNET)))
SHOTS = os.environ.get("VMNET_SCREENSHOTS",
                       os.path.join(os.environ.get("MESON_BUILD_ROOT", os.path.dirname(BUILD)),
                                    "cockpit-screenshots"))
COCKPIT_WS = "/usr/lib/cockpit/cockpit-ws"
BRIDGE = "/usr/bin/cockpit-bridge"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
LIBVIRTD_ENV = os.path.join(SOURCE, "tests", "daemon", "libvirtd-env.sh")


def skip_reason():
    for path, pkg in ((COCKPIT_WS, "cockpit-ws"), (BRIDGE, "cockpit-bridge"), (CHROMIUM, "chromium"),
                      ("/usr/share/cockpit/base1/cockpit.js.gz", "cockpit-bridge"),
                      ("/usr/share/cockpit/systemd/overview.css.gz", "cockpit-system")):
        if not os.path.exists(path):
            return f"{path} is missing (apt-get install {pkg})"
    if not os.access(VMNET, os.X_OK):
        return f"the vmnet tool is not built ({VMNET})"
    return None


def vmnet_json(uri, *args, user=None):
    cmd = [VMNET, "--connect", uri, "--output", "json", *args]
    if user:
        cmd = ["runuser", "-u", user, "--", "env", "LD_LIBRARY_PATH=" + os.environ.get("LD_LIBRARY_PATH", "")] + cmd
    p = subprocess.run(cmd,
                       capture_output=True, text=True, timeout=60)
    # test-sriov prints its checklist and exits 4 when a check FAILs.
    if p.returncode != 0 and not (args[0] == "test-sriov" and p.returncode == 4 and p.stdout.strip()):
        raise AssertionError(f"vmnet {' '.join(args)}: {p.stderr}")
    return json.loads(p.stdout) if p.stdout.strip() else None


class Browser:
    """Headless Chromium over --remote-debugging-pipe: fd 3 carries commands in, fd 4 answers out,
    each message a JSON text ended by a NUL byte."""

    def __init__(self, profile):
        cmd_r, self.cmd_w = os.pipe()
        self.res_r, res_w = os.pipe()

        def fds():
            high_r, high_w = os.dup(cmd_r) + 100, os.dup(res_w) + 100
            os.dup2(cmd_r, high_r)
            os.dup2(res_w, high_w)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--disable-quic", "--disable-extensions", "--disable-default-apps",
             "--no-default-browser-check", "--metrics-recording-only", "--mute-audio",
             f"--user-data-dir={profile}", "--remote-debugging-pipe", "--window-size=1280,800",
             "about:blank"],
            preexec_fn=fds, close_fds=False, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(profile + '.log'), 'w'))
        os.close(cmd_r)
        os.close(res_w)
        os.set_inheritable(self.cmd_w, False)
        os.set_inheritable(self.res_r, False)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")

    def _read(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.res_r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        msg, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        os.write(self.cmd_w, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def js(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression[:80]}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait(self, expression, timeout=20, what=None):
        end = time.monotonic() + timeout
        while True:
            value = self.js(expression)
            if value:
                return value
            if time.monotonic() > end:
                raise AssertionError(f"timed out after {timeout} s waiting for {what or expression}")
            time.sleep(0.05)

    def size(self, width, height):
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)

    def screenshot(self, name, selector=None):
        os.makedirs(SHOTS, exist_ok=True)
        params = {"format": "png"}
        if selector:
            rect = self.js(f"""(() => {{ const r = document.querySelector({json.dumps(selector)})
                                .getBoundingClientRect();
                                return [r.x + window.scrollX, r.y + window.scrollY, r.width, r.height]; }})()""")
            params.update(clip={"x": rect[0], "y": rect[1], "width": rect[2], "height": rect[3], "scale": 1},
                          captureBeyondViewport=True)
        else:
            params.update(captureBeyondViewport=False)
        import base64
        path = os.path.join(SHOTS, name + ".png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.call("Page.captureScreenshot", **params)["data"]))
        return path

    def key(self, key, keycode, text=None, shift=False):
        common = dict(key=key, code=key, windowsVirtualKeyCode=keycode, modifiers=8 if shift else 0)
        if text:
            self.call("Input.dispatchKeyEvent", type="keyDown", text=text, **common)
        else:
            self.call("Input.dispatchKeyEvent", type="rawKeyDown", **common)
        self.call("Input.dispatchKeyEvent", type="keyUp", **common)

    def problems(self):
        """Console errors, exceptions and content-policy violations seen so far."""
        out = []
        for e in self.events:
            if e["method"] == "Runtime.exceptionThrown":
                out.append(e["params"]["exceptionDetails"].get("text", "") + " " +
                           str(e["params"]["exceptionDetails"].get("exception", {}).get("description", "")))
            elif e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error":
                text = e["params"]["entry"].get("text", "")
                if "favicon" not in text:
                    out.append(text)
        return out

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.cmd_w)
        os.close(self.res_r)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Reads every table of the page into the same shape as the tool's JSON.
READ_PAGE = r"""(() => {
  const rows = id => [...document.querySelectorAll(`#${id} tbody tr`)].map(tr => {
    const o = { key: tr.dataset.key };
    tr.querySelectorAll('td[data-field]').forEach(td => {
      const list = td.querySelector(':scope > ul, :scope > details > ul');
      o[td.dataset.field] = list && td.dataset.field !== 'IovSupport'
        ? [...list.children].map(li => li.textContent) : td.querySelector('summary')
        ? td.querySelector('summary').textContent : td.textContent.trim();
    });
    return o;
  });
  const facts = {};
  document.querySelectorAll('#host-facts dd[data-field]').forEach(dd => {
    const list = dd.querySelector('ul');
    facts[dd.dataset.field] = list ? [...list.children].map(li => li.textContent) : dd.textContent.trim();
  });
  const pictures = [...document.querySelectorAll('#vf-pictures figure')].map(f => ({
    pf: f.dataset.pf,
    vfs: [...f.querySelectorAll('.vmnet-vf')].map(li => [Number(li.dataset.function),
          li.querySelector('[data-field=Holder]').textContent]),
    waiting: [...f.querySelectorAll('[data-field=Waiting] li')].map(li => li.textContent),
  }));
  return { facts, checks: rows('checks-table'), pfs: rows('pf-table'), switches: rows('switch-table'),
           adapters: rows('adapter-table'), pictures };
})()"""


def yes_no(v):
    return "Yes" if v is True else "No" if v is False else "Unknown"


class PageTestBase(unittest.TestCase):
    ws = None
    browser = None
    opened = 0
    user = None         # the console's user: cockpit-ws and the tool run as this one

    def tool(self, uri, *args):
        return vmnet_json(uri, *args, user=self.user)

    @classmethod
    def start_cockpit(cls):
        reason = skip_reason()
        if reason:
            raise unittest.SkipTest(reason)
        cls.tmp = tempfile.mkdtemp(prefix="vmnet-cockpit-")
        os.chmod(cls.tmp, 0o755)
        data = os.path.join(cls.tmp, "data")
        os.makedirs(os.path.join(data, "cockpit"))
        os.symlink(os.path.join(SOURCE, "cockpit"), os.path.join(data, "cockpit", "vmnet"))
        # The demo host is unpacked under the user's cache directory: one that every user
        # here can write, shared by the page and the comparisons (cockpit-bridge passes XDG_*).
        cls.saved_cache = os.environ.get("XDG_CACHE_HOME")
        os.environ["XDG_CACHE_HOME"] = os.path.join(cls.tmp, "cache")
        os.makedirs(os.environ["XDG_CACHE_HOME"], mode=0o1777)
        os.chmod(os.environ["XDG_CACHE_HOME"], 0o1777)
        env = dict(os.environ)
        env["XDG_DATA_HOME"] = data
        env["PATH"] = os.path.dirname(VMNET) + os.pathsep + env.get("PATH", "/usr/bin:/bin")
        cls.port = free_port()
        ws = [COCKPIT_WS, "--no-tls", "--address", "127.0.0.1", "--port", str(cls.port),
              f"--local-session={BRIDGE}"]
        if cls.user:
            keep = ("XDG_DATA_HOME", "XDG_CACHE_HOME", "PATH", "LD_LIBRARY_PATH", "GI_TYPELIB_PATH")
            ws = ["runuser", "-u", cls.user, "--", "env"] + [f"{k}={env[k]}" for k in keep if k in env] + ws
        cls.ws = subprocess.Popen(ws, env=env,
                                  stdout=subprocess.DEVNULL, stderr=open(os.path.join(cls.tmp, "ws.log"), "w"))
        end = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", cls.port), 0.2).close()
                break
            except OSError:
                if time.monotonic() > end or cls.ws.poll() is not None:
                    raise RuntimeError("cockpit-ws did not start: " + open(os.path.join(cls.tmp, "ws.log")).read())
                time.sleep(0.02)
        t0 = time.monotonic()
        try:
            cls.browser = Browser(os.path.join(cls.tmp, "profile"))
        except Exception:
            cls.stop_cockpit()
            raise
        cls.timings = {"browser start": time.monotonic() - t0}
        cls.class_start = t0
        cls.browser.size(1280, 800)

    @classmethod
    def stop_cockpit(cls):
        if getattr(cls, "class_start", None):
            cls.timings["browser start to last test"] = time.monotonic() - cls.class_start
        if cls.browser:
            cls.browser.close()
            cls.browser = None
        if cls.ws:
            cls.ws.terminate()
            cls.ws.wait(10)
            cls.ws = None
        if getattr(cls, "tmp", None):
            shutil.rmtree(cls.tmp, ignore_errors=True)
            if cls.saved_cache is None:
                os.environ.pop("XDG_CACHE_HOME", None)
            else:
                os.environ["XDG_CACHE_HOME"] = cls.saved_cache
        for k, v in getattr(cls, "timings", {}).items():
            print(f"# timing {cls.__name__}: {k} {v:.2f} s", file=sys.stderr)

    def open_page(self, uri):
        b = self.browser
        t0 = time.monotonic()
        PageTestBase.opened += 1
        url = (f"http://127.0.0.1:{self.port}/cockpit/@localhost/vmnet/index.html?run={self.opened}"
               f"#/?uri={urllib.parse.quote(uri, safe='')}")
        b.call("Page.navigate", url=url)
        try:
            b.wait("document.body && document.body.dataset.loaded >= 1 && document.body.dataset.watching === 'yes'",
                   what="the page to load and watch")
        except AssertionError as e:
            raise AssertionError(f"{e}: the page says " + str(b.js(
                "[document.getElementById('page-alert'), document.getElementById('live-state')]"
                ".map(e => e && e.textContent)"))) from None
        self.timings.setdefault("page load", time.monotonic() - t0)
        return b

    def loads(self):
        return int(self.browser.js("document.body.dataset.loaded"))

    def assert_page_matches(self, uri):
        page = self.browser.js(READ_PAGE)
        host = self.tool(uri, "get-vmhost")
        self.assertEqual(page["facts"]["ComputerName"], host["ComputerName"])
        self.assertEqual(page["facts"]["LibvirtVersion"], host["LibvirtVersion"])
        self.assertEqual(page["facts"]["Uri"], host["Uri"])
        self.assertEqual(page["facts"]["IovSupport"], yes_no(host["IovSupport"]))
        self.assertEqual(page["facts"].get("IovSupportReasons", []), host["IovSupportReasons"])

        checks = self.tool(uri, "test-sriov")
        self.assertEqual([(r["key"], r["Result"], r["Title"], r["Message"], r["Fix"]) for r in page["checks"]],
                         [(f"{c['Scope']}/{c['Object']}/{c['Check']}", c["Result"], c["Title"], c["Message"],
                           c["Fix"] or "") for c in checks])

        pfs = self.tool(uri, "get-netadaptersriov") or []
        self.assertEqual([(r["Name"], r["NumVFs"], r["AllocatedVFs"], r["SwitchName"]) for r in page["pfs"]],
                         [(p["Name"], f"{p['NumVFs']} of {p['TotalVFs']}", str(p["AllocatedVFs"]),
                           p["SwitchName"] or "—") for p in pfs])

        switches = self.tool(uri, "get-vmswitch") or []
        self.assertEqual([(r["Name"], r["SwitchType"], r["NetAdapterName"], r["IovEnabled"],
                           r["IovVirtualFunctionsInUse"], r["IovQueuePairsInUse"], r["IovSupport"])
                          for r in page["switches"]],
                         [(s["Name"], s["SwitchType"], s["NetAdapterName"] or "—",
                           "Enabled" if s["IovEnabled"] else "Disabled",
                           f"{s['IovVirtualFunctionsInUse']} of {s['IovVirtualFunctionCount']}",
                           f"{s['IovQueuePairsInUse']} of {s['IovQueuePairCount']}", yes_no(s["IovSupport"]))
                          for s in switches])

        adapters = self.tool(uri, "get-vmnetworkadapter", "--all") or []
        guards = lambda a: ", ".join(g for g in ("RouterGuard", "DhcpGuard", "MacAddressSpoofing") if a[g]) or "None"
        self.assertEqual([(r["VMName"], r["Name"], r["SwitchName"], r["IovWeight"], r["IovQueuePairs"],
                           r["IovInterruptModeration"], r["AllowTeaming"], r["Guards"], r["IovUsage"], r["Status"],
                           r["StatusDescription"]) for r in page["adapters"]],
                         [(a["VMName"], a["Name"], a["SwitchName"] or "—", str(a["IovWeight"]),
                           f"{a['IovQueuePairsAssigned']} of {a['IovQueuePairsRequested']}",
                           a["IovInterruptModeration"], "On" if a["AllowTeaming"] else "Off", guards(a),
                           str(a["IovUsage"]), a["Status"], a["StatusDescription"]) for a in adapters])

        # The pictures: each PF's VFs with their holders, and who waits, by weight.
        vfs = self.tool(uri, "get-netadaptersriovvf") or []
        pool = {s["Name"] for s in switches if s["IovEnabled"]}
        expected = []
        for p in pfs:
            if p["NumVFs"] <= 0:
                continue
            mine = sorted((v for v in vfs if v["Name"] == p["Name"]), key=lambda v: v["FunctionID"])
            switch_names = {s["Name"] for s in switches if s["NetAdapterName"] == p["Name"]} & pool
            # An adapter its configuration keeps off does not wait: it needs the change its
            # StatusDescription names.
            waiting = sorted((a for a in adapters if a["SwitchName"] in switch_names and a["IovWeight"] > 0
                              and not a["VirtualFunction"] and a["Status"] != "Stopped"
                              and a["StatusDescription"][0] != "Degraded (SR-IOV configuration error)"),
                             key=lambda a: (-a["IovWeight"], a["VMName"]))
            expected.append({"pf": p["Name"],
                             "vfs": [[v["FunctionID"], f"{v['VmFriendlyName']} / {v['VMNetworkAdapterName']}"
                                      if v["VmFriendlyName"] else "free"] for v in mine],
                             "waiting": [f"{a['VMName']} / {a['Name']} ({a['IovWeight']})" for a in waiting]})
        self.assertEqual(page["pictures"], expected)
        return page

    def alert_text(self, slot):
        return self.browser.js(f"document.getElementById({json.dumps(slot)}).textContent")


class DemoPageTest(PageTestBase):
    URI = "demo"

    @classmethod
    def setUpClass(cls):
        cls.start_cockpit()

    @classmethod
    def tearDownClass(cls):
        cls.stop_cockpit()

    def setUp(self):
        self.open_page(self.URI)

    def tearDown(self):
        self.assertEqual(self.browser.problems(), [], "console errors or policy violations")

    def test_tables_match_the_tool(self):
        page = self.assert_page_matches(self.URI)
        self.assertTrue(page["pictures"], "the demo host has PFs with VFs")
        # legacy1's adapter wants a VF on the SR-IOV switch but is defined without failover: it is
        # not shown waiting for one, and its status says what it needs instead.
        self.assertNotIn("legacy1 / net0 (100)", [w for p in page["pictures"] for w in p["waiting"]])
        legacy = next(a for a in page["adapters"] if a["key"] == "legacy1/net0")
        self.assertEqual(legacy["StatusDescription"][0], "Degraded (SR-IOV configuration error)")
        self.assertIn("defined without failover", legacy["StatusDescription"][1])
        # Each status line as the library words it: IovWeight 0 is OK without a list of failures.
        app1 = next(a for a in page["adapters"] if a["key"] == "app1/net0")
        self.assertEqual(app1["StatusDescription"], ["OK (SR-IOV off: IovWeight 0)"])
        b = self.browser
        b.screenshot("page-1280x800")
        for name, selector in (("host", "#host-section"), ("physical-adapters", "#pf-section"),
                               ("switches", "#switch-section"), ("vm-adapters", "#adapter-section"),
                               ("move", "#move-section")):
            b.screenshot(f"view-{name}", selector)

    def test_numvfs_refused_while_in_use(self):
        b = self.browser
        pf = next(p for p in vmnet_json(self.URI, "get-netadaptersriov") if p["AllocatedVFs"] > 0)
        b.js(f"""(() => {{ const i = document.getElementById('numvfs-{pf['Name']}'); i.value = '4';
                 i.form.requestSubmit(); }})()""")
        text = b.wait("document.getElementById('pf-alert').textContent", what="the refusal")
        self.assertIn(f"Set-NetAdapterSriov {pf['Name']} refused", text)
        self.assertIn("in use", text)
        # Nothing changed.
        self.assertEqual(next(p for p in vmnet_json(self.URI, "get-netadaptersriov")
                              if p["Name"] == pf["Name"])["NumVFs"], pf["NumVFs"])
        b.screenshot("numvfs-refused", "#pf-section")

    def test_bad_iov_weight_refused_with_field_named(self):
        b = self.browser
        b.js("document.querySelector('#adapter-table tr[data-key=\"web1/net0\"] button').click()")
        b.wait("document.getElementById('adapter-dialog').open")
        self.assertEqual(b.js("document.activeElement.id"), "field-IovWeight")
        b.js("document.getElementById('field-IovWeight').value = '200';"
             "document.getElementById('adapter-form').requestSubmit()")
        text = b.wait("document.getElementById('adapter-alert').textContent", what="the refusal")
        self.assertIn("Set-VMNetworkAdapter web1 / net0 refused", text)
        self.assertIn("IovWeight", text)
        self.assertEqual(b.js("document.getElementById('field-IovWeight').getAttribute('aria-invalid')"), "true")
        self.assertIsNone(b.js("document.getElementById('field-IovQueuePairsRequested').getAttribute('aria-invalid')"))
        b.screenshot("adapter-dialog-refused")
        b.key("Escape", 27)
        b.wait("!document.getElementById('adapter-dialog').open", what="Escape to close the dialog")

    def test_new_switch_dialog(self):
        b = self.browser
        b.js("document.getElementById('new-switch-button').click()")
        b.wait("document.getElementById('switch-dialog').open")
        self.assertIn("Enable single-root I/O virtualization (SR-IOV)",
                      b.js("document.querySelector('label[for=switch-iov]').textContent"))
        self.assertIn("cannot be turned on or off later", b.js("document.getElementById('switch-iov-note').textContent"))
        pfs = [p["Name"] for p in vmnet_json(self.URI, "get-netadaptersriov")]
        self.assertEqual(b.js("[...document.getElementById('switch-adapter').options].map(o => o.value)"), [""] + pfs)
        b.screenshot("new-switch-dialog")
        # A name that is taken: the tool refuses, the dialog says so.
        existing = vmnet_json(self.URI, "get-vmswitch")[0]["Name"]
        b.js(f"document.getElementById('switch-name').value = {json.dumps(existing)};"
             "document.getElementById('switch-iov').checked = true;"
             "document.getElementById('switch-form').requestSubmit()")
        text = b.wait("document.getElementById('switch-alert').textContent", what="the refusal")
        self.assertIn(f"New-VMSwitch {existing} refused", text)
        self.assertIn(existing, text.split("refused", 1)[1])
        b.js("document.getElementById('switch-cancel').click()")

    def test_move_refused_shows_progress_and_reason(self):
        b = self.browser
        b.js("document.getElementById('move-vm').value = 'web1';"
             "document.getElementById('move-destination').value = 'test:///default';"
             "document.getElementById('move-form').requestSubmit()")
        text = b.wait("document.getElementById('move-alert').textContent", what="the move's end")
        self.assertIn("Move-VM web1 refused", text)
        self.assertIn("cannot move to 'test:///default'", text)
        self.assertFalse(b.js("document.getElementById('move-progress').hidden"))
        self.assertTrue(b.js("document.getElementById('move-cancel').disabled"))
        b.screenshot("move-refused", "#move-section")

    def test_keyboard(self):
        b = self.browser
        b.js("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
        seen = []
        for _ in range(12):
            b.key("Tab", 9)
            seen.append(b.js("document.activeElement.id || document.activeElement.getAttribute('aria-label') || "
                             "document.activeElement.tagName"))
        self.assertEqual(seen[:3], ["connect-uri", "connect-button", "numvfs-" + vmnet_json(
            self.URI, "get-netadaptersriov")[0]["Name"]], seen)
        self.assertIn("new-switch-button", seen)
        # Enter on an Edit button opens its dialog, Escape closes it.
        b.js("document.querySelector('#adapter-table tbody tr button').focus()")
        b.key("Enter", 13, text="\r")
        b.wait("document.getElementById('adapter-dialog').open", what="Enter to open the dialog")
        b.key("Escape", 27)
        b.wait("!document.getElementById('adapter-dialog').open")

    def test_in_the_shell_under_tools(self):
        b = self.browser
        b.call("Page.navigate", url=f"http://127.0.0.1:{self.port}/vmnet#/?uri={self.URI}")
        frame = "document.querySelector('iframe[name=\"cockpit1:localhost/vmnet\"]')"
        b.wait(f"{frame} && {frame}.contentDocument && {frame}.contentDocument.body && "
               f"{frame}.contentDocument.body.dataset.loaded >= 1", what="the page inside the shell")
        tools = b.js("""(() => { const s = [...document.querySelectorAll('section.pf-c-nav__section')]
                        .find(s => s.querySelector('.pf-c-nav__section-title')?.textContent.trim() === 'Tools');
                        return s ? [...s.querySelectorAll('a')].map(a => [a.textContent.trim(), a.getAttribute('href')]) : null; })()""")
        self.assertIn(["SR-IOV", "/vmnet"], tools or [], "SR-IOV under Tools")
        b.screenshot("in-the-shell")

    def test_narrow_window(self):
        b = self.browser
        try:
            b.size(420, 800)
            b.wait("window.innerWidth === 420")
            overflow = b.js("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            self.assertLessEqual(overflow, 0, "the page scrolls sideways at 420 px")
            # Nothing is cut off on the right, inside tables or not.
            cut = b.js("""[...document.querySelectorAll('td, th, button, input, select, label, figure')]
                .filter(e => e.getClientRects().length &&
                        e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .map(e => e.id || e.dataset.field || e.textContent.slice(0, 30))""")
            self.assertEqual(cut, [], "cut off at 420 px")
            b.screenshot("narrow-420")
            b.screenshot("narrow-420-adapters", "#adapter-section")
        finally:
            b.size(1280, 800)


class DaemonPageTest(PageTestBase):
    """A private libvirtd: state that persists and changes from other clients."""

    @classmethod
    def setUpClass(cls):
        reason = skip_reason()
        if reason:
            raise unittest.SkipTest(reason)
        try:
            import libvirt
        except ImportError:
            raise unittest.SkipTest("python3-libvirt is not installed")
        sys.path.insert(0, os.path.join(SOURCE, "tests", "daemon"))
        from test_daemon import domain_xml, start_libvirtd
        cls.state = tempfile.mkdtemp(prefix="vmnet-cockpit-daemon-")
        cls.states = [os.path.join(cls.state, "src"), os.path.join(cls.state, "dst")]
        try:
            # Two daemons (distinct host UUIDs) so that a VM can move between them.
            cls.uri, cls.dst_uri = [start_libvirtd(state, "--host-uuid", host_uuid) for state, host_uuid in
                                    zip(cls.states, ("33333333-0000-0000-0000-000000000001",
                                                     "33333333-0000-0000-0000-000000000002"))]
        except Exception:
            cls.tearDownClass()
            raise
        try:
            cls.conn = libvirt.open(cls.uri)
            cls.dst = libvirt.open(cls.dst_uri)
            for c in (cls.conn, cls.dst):
                c.networkDefineXML("<network><name>sw</name><bridge name='vmnetsw0'/></network>").create()
            for name, nics, settings in (
                    ("run1", [("52:54:00:c0:00:01", "sw", "net0")],
                     [("52:54:00:c0:00:01", "iov-weight='100' iov-queue-pairs-requested='2'")]),
                    ("off1", [("52:54:00:c0:01:01", "sw", "front")], []),
                    ("mover", [("52:54:00:c0:02:01", "sw", "net0")], [("52:54:00:c0:02:01", "iov-weight='30'")])):
                cls.conn.defineXML(domain_xml(name, nics, settings))
            cls.conn.lookupByName("run1").create()
            cls.conn.lookupByName("mover").create()
            cls.start_cockpit()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.stop_cockpit()
            cls.conn.close()
            cls.dst.close()
        except Exception:
            pass
        for state in cls.states:
            if os.path.exists(state):
                subprocess.run([LIBVIRTD_ENV, "stop", state], capture_output=True, timeout=120)
        shutil.rmtree(cls.state, ignore_errors=True)

    def setUp(self):
        if not self._testMethodName.startswith("test_0"):
            self.open_page(self.uri)

    def test_0_watch_vmhost(self):
        """The tool's streaming verb alone: a line when it is in place, one per burst of events,
        each within a second or two, and a clean exit on SIGINT."""
        import select
        import signal
        watch = subprocess.Popen([VMNET, "-c", self.uri, "-o", "json", "watch-vmhost"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        try:
            def line(timeout):
                ready, _, _ = select.select([watch.stdout], [], [], timeout)
                self.assertTrue(ready, f"no line within {timeout} s")
                return json.loads(watch.stdout.readline())
            self.assertEqual(line(10), {"Sequence": 0, "Events": [], "Changes": []})
            t0 = time.monotonic()
            subprocess.run(["virsh", "-q", "-c", self.uri, "start", "off1"], check=True, capture_output=True)
            seen = [line(5)]
            self.timings["watch-vmhost line after virsh start"] = time.monotonic() - t0
            self.assertEqual(seen[0]["Sequence"], 1)
            # libvirt tells "resumed" and "started": one line or two, depending on timing.
            while not any("VM 'off1' started" in l["Events"] for l in seen):
                seen.append(line(5))
            self.assertIn({"Type": "VM", "Change": "Changed", "Name": "off1", "Property": "state"},
                          [c for l in seen for c in l["Changes"]])
            subprocess.run(["virsh", "-q", "-c", self.uri, "destroy", "off1"], check=True, capture_output=True)
            seen = []
            while not any("VM 'off1' stopped" in l["Events"] for l in seen):
                seen.append(line(5))
            self.assertTrue(any(c["Type"] == "VMNetworkAdapter" and c["VMName"] == "off1" and c["Property"] == "status"
                                for l in seen for c in l["Changes"]), seen)
            # Late events of the stop (its tap's node device going) may still come, each line
            # answering events; then nothing happens and nothing is printed: no timer.
            for _ in range(5):
                ready, _, _ = select.select([watch.stdout], [], [], 1.5)
                if not ready:
                    break
                late = json.loads(watch.stdout.readline())
                self.assertTrue(late["Events"], f"a line without an event: {late}")
            else:
                self.fail("lines kept coming without anything happening")
        finally:
            subprocess.run(["virsh", "-q", "-c", self.uri, "destroy", "off1"], capture_output=True)
            watch.send_signal(signal.SIGINT)
            out, err = watch.communicate(timeout=10)
        self.assertEqual(watch.returncode, 0, err)

    def test_1_tables_match_the_tool(self):
        self.assert_page_matches(self.uri)
        self.browser.screenshot("daemon-page")

    def test_2_iov_weight_lands_in_metadata(self):
        b = self.browser
        b.js("document.querySelector('#adapter-table tr[data-key=\"off1/front\"] button').click()")
        b.wait("document.getElementById('adapter-dialog').open")
        b.js("document.getElementById('field-IovWeight').value = '37';"
             "document.getElementById('adapter-form').requestSubmit()")
        b.wait("!document.getElementById('adapter-dialog').open", what="the dialog to close after saving")
        b.wait("document.querySelector('#adapter-table tr[data-key=\"off1/front\"] td[data-field=IovWeight]')"
               ".textContent === '37'", what="the table to show the new weight")
        xml = self.conn.lookupByName("off1").XMLDesc(0)
        self.assertRegex(xml, r"<vmnet:adapter[^>]*mac=.52:54:00:c0:01:01.[^>]*iov-weight=.37.|"
                              r"<vmnet:adapter[^>]*iov-weight=.37.[^>]*mac=.52:54:00:c0:01:01.")

    def test_3_changes_by_other_clients_appear_without_reload(self):
        b = self.browser
        b.js("window.vmnetMarker = 'same page'")
        lines = int(b.js("document.body.dataset.changes || 0"))
        row = "#adapter-table tr[data-key=\"off1/front\"]"
        before = b.js(f"document.querySelector('{row} td[data-field=Status]').textContent")
        self.assertEqual(before, "Stopped")
        # virsh starts the VM: the page follows libvirt's event.
        t0 = time.monotonic()
        subprocess.run(["virsh", "-q", "-c", self.uri, "start", "off1"], check=True, capture_output=True)
        b.wait(f"document.querySelector('{row} td[data-field=Status]').textContent !== 'Stopped'",
               timeout=10, what="the VM started by virsh to show")
        self.timings["event to page (virsh start)"] = time.monotonic() - t0
        # Another vmnet changes a setting: the metadata event reaches the page.
        t0 = time.monotonic()
        subprocess.run([VMNET, "-c", self.uri, "set-vmnetworkadapter", "--vm-name", "off1", "--iov-weight", "55"],
                       check=True, capture_output=True)
        b.wait(f"document.querySelector('{row} td[data-field=IovWeight]').textContent === '55'", timeout=10,
               what="the weight set by another client to show")
        self.timings["event to page (metadata)"] = time.monotonic() - t0
        # Another client hot-plugs a network device into the running VM (a VF is plugged the same
        # way; this host has none, the lab has): the device-added event brings its row.
        count = "document.querySelectorAll('#adapter-table tr[data-key^=\"off1/\"]').length"
        rows = int(b.js(count))
        t0 = time.monotonic()
        subprocess.run(["virsh", "-q", "-c", self.uri, "attach-interface", "off1", "network", "sw", "--model", "virtio",
                        "--mac", "52:54:00:ce:00:99", "--live"], check=True, capture_output=True)
        b.wait(f"{count} === {rows + 1}", timeout=10, what="the device attached by another client to show")
        self.timings["event to page (device added)"] = time.monotonic() - t0
        self.assertEqual(b.js("window.vmnetMarker"), "same page", "the page was reloaded")
        self.assertGreaterEqual(int(b.js("document.body.dataset.changes")), lines + 3,
                                "each change came as a line of watch-vmhost")
        self.assert_page_matches(self.uri)
        subprocess.run(["virsh", "-q", "-c", self.uri, "destroy", "off1"], capture_output=True)

    def test_4_move_with_progress(self):
        b = self.browser
        sock = os.path.join(self.state, "migrate.sock")
        b.js(f"""document.getElementById('move-vm').value = 'mover';
                 document.getElementById('move-destination').value = {json.dumps(self.dst_uri)};
                 document.getElementById('move-migrate-uri').value = {json.dumps('unix://' + sock)};
                 document.getElementById('move-live').checked = true;
                 document.getElementById('move-form').requestSubmit()""")
        self.assertFalse(b.js("document.getElementById('move-cancel').disabled"), "Cancel while moving")
        t0 = time.monotonic()
        text = b.wait("document.getElementById('move-alert').textContent", timeout=120, what="the move's end")
        self.timings["move in the browser"] = time.monotonic() - t0
        self.assertIn("Moved mover to", text)
        self.assertEqual(b.js("document.getElementById('move-progress').dataset.phases"),
                         "Preflight Detach Migrate Attach")
        self.assertEqual(b.js("document.getElementById('move-progress-bar').getAttribute('aria-valuenow')"), "100")
        self.assertTrue(b.js("document.getElementById('move-cancel').disabled"))
        b.screenshot("move-done", "#move-section")
        self.assertTrue(self.dst.lookupByName("mover").isActive())
        # The VM left this host: the page follows without a reload.
        b.wait("!document.querySelector('#adapter-table tr[data-key=\"mover/net0\"]')", timeout=10,
               what="the moved VM to leave the table")
        self.assertEqual([o for o in b.js("[...document.getElementById('move-vm').options].map(o => o.value)")
                          if o == "mover"], [])


class AuthPageTest(PageTestBase):
    """A user limited by the authorization store (tests/auth/polkit-env.sh: a private bus, polkitd and
    libvirtd with the polkit access driver): the page runs as that user and shows what libvirt lets
    them see; a refused change names the operation."""
    user = "vmnt-alice"

    @classmethod
    def setUpClass(cls):
        reason = skip_reason()
        if reason:
            raise unittest.SkipTest(reason)
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root (namespaces, test users)")
        try:
            import libvirt  # noqa: F401  (the stack's helpers use both)
            import gi
            gi.require_version("Vmnet", "1.0")
            from gi.repository import Vmnet  # noqa: F401
        except (ImportError, ValueError) as e:
            raise unittest.SkipTest(f"python3-libvirt or the Vmnet typelib is missing: {e}")
        sys.path.insert(0, os.path.join(SOURCE, "tests", "auth"))
        from test_auth import ensure_accounts
        from dbus_stack import open_as_root, start_polkit_stack, write_default_store
        ensure_accounts()
        cls.state = tempfile.mkdtemp(prefix="vmnet-cockpit-auth-")
        os.chmod(cls.state, 0o755)
        cls.store = os.path.join(cls.state, "authorization.conf")
        cls.rules = os.path.join(cls.state, "rules", "60-vmnet.rules")
        cls.uri = start_polkit_stack(cls.state)
        try:
            store = ["--store", cls.store, "--rules", cls.rules]
            write_default_store(cls.store, cls.rules)
            admin = lambda *a: subprocess.run([VMNET, "-c", cls.uri, *a, *store], check=True,
                                              capture_output=True, text=True, timeout=60)
            cls.conn = open_as_root(cls.uri)
            cls.conn.networkDefineXML("<network><name>r-net</name></network>")
            for vm, mac in (("alice-vm", "52:54:00:00:07:01"), ("bob-vm", "52:54:00:00:07:02")):
                cls.conn.defineXML(f"""<domain type='qemu'><name>{vm}</name><memory unit='MiB'>64</memory>
                  <vcpu>1</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os><devices>
                  <controller type='pci' index='0' model='pcie-root'/><interface type='network'>
                  <mac address='{mac}'/><source network='r-net'/><model type='virtio'/></interface>
                  </devices></domain>""")
            ops = ["Read service configuration", "Read VM configuration", "Create or change VMs",
                   "Start and stop VMs", "Configure SR-IOV on adapters"]
            admin("new-vmrole", "--name", "VM owner", *[x for op in ops for x in ("--operation", op)])
            admin("new-vmscope", "--name", "alice-scope")
            admin("set-vmscope", "--vm-name", "alice-vm", "--scope", "alice-scope")
            admin("grant-vmrole", "--role", "VM owner", "--user", cls.user, "--scope", "alice-scope")
            cls.start_cockpit()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        from dbus_stack import stop_polkit_stack
        try:
            cls.stop_cockpit()
            cls.conn.close()
        except Exception:
            pass
        stop_polkit_stack(cls.state)

    def setUp(self):
        self.open_page(self.uri)

    def test_1_sees_only_the_vms_of_their_scope(self):
        everyone = {a["VMName"] for a in vmnet_json(self.uri, "get-vmnetworkadapter", "--all")}
        self.assertEqual(everyone, {"alice-vm", "bob-vm"})
        page = self.assert_page_matches(self.uri)
        self.assertEqual([a["VMName"] for a in page["adapters"]], ["alice-vm"])
        self.assertEqual(self.browser.js("[...document.getElementById('move-vm').options].map(o => o.value)"),
                         ["alice-vm"])
        self.browser.screenshot("scoped-user", "#adapter-section")

    def test_2_a_refused_change_names_the_operation(self):
        b = self.browser
        b.js("document.getElementById('new-switch-button').click()")
        b.wait("document.getElementById('switch-dialog').open")
        b.js("document.getElementById('switch-name').value = 'alice-sw';"
             "document.getElementById('switch-bridge').value = 'br-alice';"
             "document.getElementById('switch-form').requestSubmit()")
        text = b.wait("document.getElementById('switch-alert').textContent", what="the refusal")
        self.assertIn("New-VMSwitch alice-sw refused", text)
        self.assertIn("'Modify switch settings' (libvirt permission network.write)", text)
        b.screenshot("scoped-user-refused")
        self.assertNotIn("alice-sw", [s["Name"] for s in vmnet_json(self.uri, "get-vmswitch") or []])


if __name__ == "__main__":
    run = unittest.main(verbosity=2, exit=False).result
    if not run.wasSuccessful():
        sys.exit(1)
    reasons = sorted({reason for _, reason in run.skipped})
    if reasons:
        print("SKIP: " + "; ".join(reasons), file=sys.stderr)
    # A class that cannot run is one skip entry, not a run test: nothing ran at all means 77.
    skipped_tests = sum(1 for test, _ in run.skipped if isinstance(test, unittest.TestCase))
    if run.testsRun - skipped_tests == 0:
        sys.exit(77)
