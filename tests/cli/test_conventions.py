#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Scripting conventions of the vmnet tool against the demo host: --readonly, PowerShell
parameter spelling, -WhatIf, --fields/--terse, tables that fit the terminal, escaped names,
and their completion.

Every vmnet run opens a fresh copy of the demo host, so what -WhatIf leaves unchanged is
checked on a real libvirtd in the daemon suite (tests/daemon/test_daemon.py); here its output,
exit status and the files it must not write."""
import fcntl
import json
import os
import pty
import re
import shlex
import shutil
import struct
import subprocess
import tempfile
import termios
import unittest

VMNET = os.environ.get("VMNET_CLI", "vmnet")
SOURCE_ROOT = os.environ.get("VMNET_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
DEMO_XML = os.path.join(SOURCE_ROOT, "data", "demo-host.xml")


def env(**extra):
    e = dict(os.environ)
    for k in ("VMNET_DEFAULT_URI", "COLUMNS", "VMNET_AUTHORIZATION_STORE", "VMNET_POLKIT_RULES"):
        e.pop(k, None)
    e.update(extra)
    return e


def run(*args, **extra):
    return subprocess.run([VMNET, *args], capture_output=True, text=True, env=env(**extra), timeout=60,
                          stdin=subprocess.DEVNULL)


def demo(*args, **extra):
    return run("-c", "demo", *args, **extra)


def json_of(*args):
    p = demo("-o", "json", *args)
    if p.returncode != 0:
        raise AssertionError(f"vmnet {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return json.loads(p.stdout)


def on_terminal(args, cols=None, extra_env=None):
    """vmnet ARGS with its standard output on a terminal COLS wide; its output as text."""
    master, slave = pty.openpty()
    if cols:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
    p = subprocess.Popen([VMNET, *args], stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                         env=env(**(extra_env or {})))
    os.close(slave)
    out = b""
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
    p.wait(timeout=60)
    p.stderr.close()
    os.close(master)
    assert p.returncode == 0, p.returncode
    return out.decode().replace("\r\n", "\n")


# Every verb that changes something, with arguments that pass its checks on the demo host.
CHANGING = {
    "new-vmswitch": ["--name", "new1", "--bridge", "br0"],
    "set-vmswitch": ["SRIOV-Switch", "--enable-iov", "on"],
    "remove-vmswitch": ["LAN", "--force"],
    "add-vmnetworkadapter": ["--vm-name", "web1", "--switch-name", "LAN"],
    "set-vmnetworkadapter": ["--vm-name", "web1", "--iov-weight", "0"],
    "set-netadaptersriov": ["enp59s0f1", "--num-vfs", "2"],
    "enable-netadaptersriov": ["enp59s0f1"],
    "disable-netadaptersriov": ["enp59s0f1"],
    "reconcile-vmhost": [],
    "start-vm": ["--vm-name", "app1"],
    "save-vm": ["--vm-name", "web1"],
    "restore-vm": ["--path", "/nonexistent/web1.save"],
    "checkpoint-vm": ["--vm-name", "web1", "--name", "cp1"],
    "move-vm": ["--vm-name", "web1", "--destination", "qemu+ssh://other/system"],
    "new-vmrole": ["--name", "Viewer", "--operation", "Read VM configuration"],
    "set-vmrole": ["--name", "Administrator", "--remove-operation", "Migrate VMs"],
    "remove-vmrole": ["--name", "Nobody"],
    "grant-vmrole": ["--role", "Administrator", "--user", "alice"],
    "revoke-vmrole": ["--role", "Administrator", "--user", "root"],
    "new-vmscope": ["--name", "lab2"],
    "remove-vmscope": ["--name", "lab"],
    "set-vmscope": ["--vm-name", "web1", "--scope", "default"],
    "export-vmauthorization": [],
}

AUTH_VERBS = {"new-vmrole", "set-vmrole", "remove-vmrole", "grant-vmrole", "revoke-vmrole", "new-vmscope",
              "remove-vmscope", "set-vmscope", "export-vmauthorization"}


def verbs():
    text = run("--help").stdout
    block = text[text.index("Commands:\n"):].split("\n\n")[0]
    return [line.split()[0] for line in block.splitlines()[1:]]


class TestPowerShellSpelling(unittest.TestCase):
    def test_camel_case_options_are_the_gnu_ones(self):
        gnu = json_of("get-vmnetworkadapter", "--vm-name", "db1", "--name", "frontend")
        for args in (["-VMName", "db1", "-Name", "frontend"], ["-vmname", "db1", "-NAME", "frontend"],
                     ["-VMName:db1", "-Name:frontend"]):
            self.assertEqual(json_of("Get-VMNetworkAdapter", *args), gnu, args)
        # Global options too, before or after the verb.
        p = run("Get-VMHost", "-Connect", "demo", "-Output", "json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("ComputerName", json.loads(p.stdout))

    def test_settings_and_values(self):
        p = demo("Set-VMNetworkAdapter", "-VMName", "web1", "-IovWeight", "50", "-IovQueuePairsRequested", "2",
                 "-AllowTeaming", "On", "-DhcpGuard", "$true", "-RouterGuard", "FALSE", "-VlanId", "10", "-WhatIf")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("IovWeight: 100 -> 50", p.stdout)
        self.assertIn("IovQueuePairsRequested: 1 -> 2", p.stdout)
        self.assertIn("AllowTeaming: False -> True", p.stdout)
        self.assertIn("DhcpGuard: False -> True", p.stdout)
        self.assertIn("RouterGuard: False -> False (unchanged)", p.stdout)
        self.assertIn("VlanId: 0 -> 10", p.stdout)
        for value in ("off", "OFF", "$False", "false", "0", "no"):
            p = demo("set-vmnetworkadapter", "-VMName", "web1", "-AllowTeaming", value, "-WhatIf")
            self.assertEqual(p.returncode, 0, (value, p.stderr))
        p = demo("set-vmnetworkadapter", "-VMName", "web1", "-AllowTeaming", "maybe")
        self.assertEqual(p.returncode, 2)
        self.assertIn("'maybe' is not on or off", p.stderr)

    def test_hyper_v_names_of_other_verbs(self):
        p = demo("New-VMSwitch", "-Name", "ext2", "-NetAdapterName", "enp94s0f0np0", "-EnableIov", "-WhatIf")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("adapter 'enp94s0f0np0' in SR-IOV mode", p.stdout)
        # A switch given as -EnableIov:$false is not given.
        p = demo("New-VMSwitch", "-Name", "ext2", "-NetAdapterName", "enp94s0f0np0", "-EnableIov:$false", "-WhatIf")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("SR-IOV mode", p.stdout)
        p = demo("Set-NetAdapterSriov", "enp59s0f1", "-NumVFs", "3", "-WhatIf")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("NumVFs: 0 -> 3", p.stdout)
        # What the change would meet: VFs in use.
        p = demo("Set-NetAdapterSriov", "enp94s0f0np0", "-NumVFs", "3", "-WhatIf")
        self.assertIn("NumVFs: 16 -> 3", p.stdout)
        self.assertIn("It would be refused now: 1 VF(s) are in use", p.stdout)
        p = demo("Add-VMNetworkAdapter", "-VMName", "web1", "-SwitchName", "LAN", "-WhatIf")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("connected to switch 'LAN'", p.stdout)

    def test_unknown_and_values_left_alone(self):
        p = demo("get-vmswitch", "-NoSuchOption")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown option '-NoSuchOption' for get-vmswitch", p.stderr)
        # Not read as short options it holds (-t, -r): refused, whatever its place.
        for args in (["-SwitchName", "LAN", "get-vmnetworkadapter", "--all"],
                     ["get-vmnetworkadapter", "--all", "-SwitchName", "LAN"]):
            p = demo(*args)
            self.assertEqual(p.returncode, 2, args)
            self.assertEqual(p.stdout, "")
        # Short options together still are.
        p = demo("-rt", "get-vmhost", "-f", "Hypervisor")
        self.assertEqual((p.returncode, p.stdout), (0, "TEST\n"), p.stderr)
        # A value that looks like a PowerShell parameter stays a value.
        p = demo("get-vmnetworkadapter", "--vm-name", "-Name")
        self.assertEqual(p.returncode, 3)
        self.assertIn("-Name", p.stderr)


class TestWhatIf(unittest.TestCase):
    def test_every_changing_verb(self):
        with tempfile.TemporaryDirectory() as d:
            store, rules = os.path.join(d, "store"), os.path.join(d, "rules.js")
            # A store holding what the verbs above change.
            p = demo("new-vmscope", "--store", store, "--rules", rules, "--name", "lab")
            self.assertEqual(p.returncode, 0, p.stderr)
            p = demo("new-vmrole", "--store", store, "--rules", rules, "--name", "Nobody",
                     "--operation", "Read VM configuration")
            self.assertEqual(p.returncode, 0, p.stderr)
            with open(store) as f:
                store_before = f.read()
            os.unlink(rules)
            for verb, args in CHANGING.items():
                extra = ["--store", store, "--rules", rules] if verb in AUTH_VERBS else []
                for spelling in ("--what-if", "-WhatIf"):
                    p = demo(verb, *args, *extra, spelling)
                    self.assertEqual(p.returncode, 0, (verb, spelling, p.stderr))
                    self.assertTrue(p.stdout.startswith(f"What if: {verb} on "), (verb, p.stdout))
                    self.assertTrue(p.stdout.endswith("Nothing was changed.\n"), (verb, p.stdout))
                p = demo("-o", "json", verb, *args, *extra, "--what-if")
                self.assertEqual(p.returncode, 0, (verb, p.stderr))
                plan = json.loads(p.stdout)
                self.assertIs(plan["WhatIf"], True)
                self.assertEqual(plan["Command"], verb)
                self.assertTrue(plan["Changes"] or plan["Notes"], verb)
            # Nothing written: the store as it was, no rules.
            with open(store) as f:
                self.assertEqual(f.read(), store_before)
            self.assertFalse(os.path.exists(rules))

    def test_only_changing_verbs_take_it(self):
        changing = set(CHANGING)
        for verb in verbs():
            has = "--what-if" in run(verb, "--help").stdout
            self.assertEqual(has, verb in changing, verb)
        self.assertEqual(demo("get-vmswitch", "-WhatIf").returncode, 2)

    def test_refuses_what_the_change_would(self):
        p = demo("set-vmnetworkadapter", "--vm-name", "web1", "--iov-weight", "101", "--what-if")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--iov-weight 101 is out of range", p.stderr)
        p = demo("set-netadaptersriov", "enp94s0f0np0", "--num-vfs", "999", "--what-if")
        self.assertEqual(p.returncode, 2)
        self.assertIn("out of range", p.stderr)
        self.assertEqual(demo("set-vmnetworkadapter", "--vm-name", "nosuch", "--iov-weight", "1", "-WhatIf").returncode, 3)
        self.assertEqual(demo("new-vmswitch", "--name", "LAN", "--bridge", "br0", "-WhatIf").returncode, 5)

    def test_what_a_vf_would_do(self):
        p = demo("set-vmnetworkadapter", "--vm-name", "web1", "--iov-weight", "0", "--what-if")
        self.assertIn("Its VF 0000:3b:10.0 would be unplugged", p.stdout)
        p = demo("set-vmnetworkadapter", "--vm-name", "app1", "--iov-weight", "10", "--what-if")
        self.assertIn("A VF would be plugged if the VM runs", p.stdout)


class TestReadOnly(unittest.TestCase):
    def test_reads_work(self):
        for flag in ("-r", "--readonly", "-ReadOnly"):
            p = demo(flag, "-o", "json", "get-vmhost")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(json.loads(p.stdout)["Hypervisor"], "TEST")

    def test_changes_are_refused(self):
        p = demo("-r", "set-vmnetworkadapter", "--vm-name", "web1", "--iov-weight", "50")
        self.assertEqual(p.returncode, 6, p.stderr)
        self.assertIn("host 'demo' is open read-only: changes are refused", p.stderr)
        for verb in ("new-vmswitch", "remove-vmswitch", "add-vmnetworkadapter", "reconcile-vmhost", "start-vm",
                     "set-netadaptersriov"):
            p = demo("--readonly", verb, *CHANGING[verb])
            self.assertEqual(p.returncode, 6, (verb, p.stderr))
            self.assertIn("read-only", p.stderr)
        # The authorization store and the rules are not written either.
        with tempfile.TemporaryDirectory() as d:
            store, rules = os.path.join(d, "store"), os.path.join(d, "rules.js")
            self.assertEqual(demo("new-vmscope", "--store", store, "--rules", rules, "--name", "lab").returncode, 0)
            os.unlink(rules)
            with open(store) as f:
                before = f.read()
            for verb in ("new-vmscope", "remove-vmscope", "grant-vmrole", "export-vmauthorization"):
                p = demo("-r", verb, "--store", store, "--rules", rules, *CHANGING[verb])
                self.assertEqual(p.returncode, 6, (verb, p.stderr))
                self.assertIn("--readonly", p.stderr)
            self.assertEqual(os.listdir(d), ["store"])
            with open(store) as f:
                self.assertEqual(f.read(), before)


class TestFields(unittest.TestCase):
    def test_fields_json(self):
        got = json_of("get-vmswitch", "--fields", "name,IOVENABLED")
        self.assertEqual([list(s) for s in got], [["Name", "IovEnabled"]] * len(got))
        self.assertIn({"Name": "SRIOV-Switch", "IovEnabled": True}, got)
        host = json_of("get-vmhost", "-f", "Hypervisor")
        self.assertEqual(host, {"Hypervisor": "TEST"})

    def test_fields_table_order_and_hidden_columns(self):
        p = demo("get-vmnetworkadapter", "--vm-name", "db1", "-f", "IovQueuePairsRequested,Name")
        lines = [l for l in p.stdout.splitlines() if l]
        self.assertEqual(lines[0].split(), ["IovQueuePairsRequested", "Name"])
        self.assertIn(["4", "frontend"], [l.split() for l in lines[2:]])

    def test_terse(self):
        p = demo("get-vmnetworkadapter", "--vm-name", "web1", "-t", "-f", "Name,MacAddress,IovWeight")
        self.assertEqual(p.returncode, 0, p.stderr)
        # As nmcli -t: colons in values escaped.
        self.assertEqual(p.stdout, "net0:52\\:54\\:00\\:00\\:01\\:01:100\n")
        p = demo("-o", "list", "--terse", "get-vmnetworkadapter", "--vm-name", "web1", "--fields", "Name,IovWeight")
        self.assertEqual(p.stdout, "Name:net0\nIovWeight:100\n")
        # Without --fields: the table's columns, one line per object.
        p = demo("get-vmswitch", "-t")
        self.assertIn("SRIOV-Switch:External:", p.stdout)
        self.assertEqual(len(p.stdout.splitlines()), len(json_of("get-vmswitch")))

    def test_every_get_verb(self):
        with tempfile.TemporaryDirectory() as d:
            store = os.path.join(d, "store")
            for verb, args, field in (("get-vmhost", [], "ComputerName"), ("get-vmswitch", [], "Name"),
                                      ("get-vmnetworkadapter", ["--all"], "VMName"),
                                      ("get-netadaptersriov", [], "Name"), ("get-netadaptersriovvf", [], "PciAddress"),
                                      ("get-vmrole", ["--store", store], "Name"),
                                      ("get-vmroleassignment", ["--store", store], "Role"),
                                      ("get-vmscope", ["--store", store], "Name"),
                                      ("get-vmscope", ["--vm-name", "web1"], "Scope")):
                p = demo(verb, *args, "-t", "-f", field.lower())
                self.assertEqual(p.returncode, 0, (verb, p.stderr))
                self.assertTrue(p.stdout.strip(), verb)
                # One value a line: no title, no padding.
                self.assertNotIn(field, p.stdout, verb)

    def test_bad_fields(self):
        p = demo("get-vmswitch", "-f", "Name,Bogus")
        self.assertEqual(p.returncode, 2)
        self.assertIn("no field 'Bogus'", p.stderr)
        self.assertIn("valid fields are Name, SwitchType,", p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertEqual(demo("-o", "json", "-t", "get-vmswitch").returncode, 2)
        p = demo("reconcile-vmhost", "-f", "Name")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--fields and --terse are for commands that show objects", p.stderr)


def weird_host(tmp):
    """The demo host with a VM named web<LF>1<CSI>, and a switch named Pri<TAB>vate<RLO>."""
    with open(DEMO_XML) as f:
        xml = f.read()
    xml = xml.replace("<name>web1</name>", "<name>web&#10;1&#x9b;31m</name>")
    xml = xml.replace("<name>Private</name>", "<name>Pri&#9;vate&#x202e;</name>")
    path = os.path.join(tmp, "weird.xml")
    with open(path, "w") as f:
        f.write(xml)
    return "test://" + path


class TestTerminal(unittest.TestCase):
    def test_table_fits_the_terminal(self):
        wide = demo("get-vmswitch").stdout
        self.assertTrue(any(len(l) > 60 for l in wide.splitlines()))
        self.assertNotIn("…", wide)
        utf8 = {"LC_ALL": "C.UTF-8"}
        for text, width in ((on_terminal(["-c", "demo", "get-vmswitch"], cols=60, extra_env=utf8), 60),
                            (on_terminal(["-c", "demo", "get-vmswitch"], cols=200,
                                         extra_env=dict(utf8, COLUMNS="50")), 50)):
            lines = text.splitlines()
            self.assertTrue(all(len(l) <= width for l in lines), text)
            self.assertIn("…", text)
            # The names are kept whole while other columns can give way.
            for name in ("Management", "SRIOV-Switch"):
                self.assertIn(name, text)
        # Where the locale has no ellipsis, a tilde.
        text = on_terminal(["-c", "demo", "get-vmswitch"], cols=60, extra_env={"LC_ALL": "C"})
        self.assertIn("~", text)
        self.assertNotIn("…", text)
        # Wide enough: the same as in a pipe.
        self.assertEqual(on_terminal(["-c", "demo", "get-vmswitch"], cols=300), wide)

    def test_control_characters_escaped(self):
        def run(*args):
            # Arguments that are not ASCII need a UTF-8 locale (GOption converts from the locale's).
            return globals()["run"](*args, LC_ALL="C.UTF-8")

        with tempfile.TemporaryDirectory() as d:
            uri = weird_host(d)
            for args in (["get-vmnetworkadapter", "--all"], ["-o", "list", "get-vmnetworkadapter", "--all"],
                         ["get-vmswitch"], ["-o", "list", "get-vmswitch"], ["-t", "get-vmswitch"],
                         ["-t", "get-vmnetworkadapter", "--all"]):
                p = run("-c", uri, *args)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertFalse(re.search("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202e]", p.stdout.replace("\n", "")), args)
                self.assertFalse(any(l.startswith("1") for l in p.stdout.splitlines()), args)
                if "get-vmswitch" in args:
                    self.assertIn("Pri\\tvate\\u202e", p.stdout)
                else:
                    self.assertIn("web\\n1\\u009b31m", p.stdout)
            # JSON keeps the real names, in UTF-8 whatever the locale.
            for locale in ("C.UTF-8", "C"):
                p = subprocess.run([VMNET, "-c", uri, "-o", "json", "get-vmnetworkadapter", "--all"],
                                   capture_output=True, env=env(LC_ALL=locale), timeout=60)
                names = {a["VMName"] for a in json.loads(p.stdout.decode("utf-8"))}
                self.assertIn("web\n1\x9b31m", names, locale)
            # And so does what is given back: -WhatIf names the VM escaped.
            p = run("-c", uri, "set-vmnetworkadapter", "--vm-name", "web\n1\x9b31m", "--iov-weight", "1", "-WhatIf")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("of VM 'web\\n1\\u009b31m'", p.stdout)
            # An error naming a VM does not pass its escape sequences through.
            p = run("-c", uri, "get-vmnetworkadapter", "--vm-name", "x\x1b[2Jy")
            self.assertEqual(p.returncode, 3)
            self.assertIn("x\\e[2Jy", p.stderr)
            self.assertNotIn("\x1b", p.stderr)


class TestCompletion(unittest.TestCase):
    def complete(self, *words):
        p = run("complete", "--", *words)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.splitlines()

    def test_new_options(self):
        self.assertEqual(set(self.complete("get-vmswitch", "--")) & {"--readonly", "--fields", "--terse",
                                                                      "--what-if"},
                         {"--readonly", "--fields", "--terse"})
        self.assertIn("--what-if", self.complete("set-vmnetworkadapter", "--w"))
        self.assertIn("-r", self.complete("get-vmswitch", "-"))

    def test_powershell_spelling(self):
        self.assertEqual(self.complete("set-vmnetworkadapter", "-IovW"), ["-IovWeight"])
        self.assertEqual(self.complete("set-vmnetworkadapter", "-VM"), ["-VMName"])
        self.assertIn("-WhatIf", self.complete("set-vmnetworkadapter", "-W"))
        self.assertIn("-NumVFs", self.complete("set-netadaptersriov", "-N"))
        self.assertEqual(self.complete("-c", "demo", "set-vmnetworkadapter", "-VMName", "we"), ["web1"])
        self.assertEqual(self.complete("-c", "demo", "set-vmnetworkadapter", "-VMName:we"), ["-VMName:web1"])

    def test_fields(self):
        self.assertEqual(self.complete("get-vmswitch", "--fields", "iovP"), ["IovPoolName"])
        self.assertEqual(self.complete("get-vmswitch", "-f", "Name,SwitchT"), ["Name,SwitchType"])
        self.assertEqual(self.complete("get-vmnetworkadapter", "--fields=VMN"), ["--fields=VMName"])


class TestBashScript(unittest.TestCase):
    """The bash script, as bash calls it, with the new spellings (see test_completion.py)."""

    def compreply(self, words, line):
        script = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=%d\n' % (len(words) - 1) +
                  'COMP_LINE=%s; COMP_POINT=${#COMP_LINE}\n' % shlex.quote(line) +
                  '_vmnet; printf "%s\\n" "${COMPREPLY[@]}"\n')
        p = subprocess.run([shutil.which("bash") or "bash", "--norc", "--noprofile", "-c", script, "bash",
                            os.path.join(SOURCE_ROOT, "examples", "vmnet", "vmnet.bash-completion"), *words],
                           capture_output=True, text=True, env=env(), timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return [c for c in p.stdout.split("\n") if c]

    def test_powershell_and_fields(self):
        if not shutil.which("bash"):
            self.skipTest("no bash")
        self.assertEqual(self.compreply([VMNET, "set-vmnetworkadapter", "-IovW"],
                                        f"{VMNET} set-vmnetworkadapter -IovW"), ["-IovWeight"])
        # bash breaks words at ':': what follows -VMName: is completed.
        self.assertEqual(self.compreply([VMNET, "-c", "demo", "set-vmnetworkadapter", "-VMName", ":", "we"],
                                        f"{VMNET} -c demo set-vmnetworkadapter -VMName:we"), ["web1"])
        self.assertEqual(self.compreply([VMNET, "get-vmswitch", "-f", "Name,IovP"],
                                        f"{VMNET} get-vmswitch -f Name,IovP"), ["Name,IovPoolName"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
