#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The vmnet tool against the demo host: exit statuses, JSON, table and list output."""
import json
import os
import subprocess
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
VMNET = os.environ.get("VMNET_CLI", "vmnet")
# An SR-IOV adapter as libvirt's test driver shows it (tests/auth/test_dbus.py uses it too).
PF_XML = os.path.join(HERE, "sriov-pf.xml")


def run(*args, env=None):
    e = dict(os.environ)
    e.pop("VMNET_DEFAULT_URI", None)
    if env:
        e.update(env)
    return subprocess.run([VMNET, *args], capture_output=True, text=True, env=e, timeout=60)


def json_of(*args):
    p = run("--connect", "demo", "--output", "json", *args)
    if p.returncode != 0:
        raise AssertionError(f"vmnet {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return json.loads(p.stdout)


class TestCli(unittest.TestCase):
    def test_adapters_all_json(self):
        adapters = json_of("get-vmnetworkadapter", "--all")
        self.assertEqual(len(adapters), 10)
        by = {(a["VMName"], a["Name"]): a for a in adapters}
        web = by[("web1", "net0")]
        self.assertEqual(web["IovWeight"], 100)
        self.assertEqual(web["IovUsage"], 1)
        self.assertEqual(web["VirtualFunction"], "0000:3b:10.0")
        self.assertEqual(web["SwitchName"], "SRIOV-Switch")
        self.assertIs(web["FailoverReady"], True)
        db = by[("db1", "frontend")]
        self.assertEqual(db["IovQueuePairsRequested"], 4)
        self.assertEqual(db["IovInterruptModeration"], "High")
        app = by[("app1", "net0")]
        self.assertEqual(app["IovWeight"], 0)
        self.assertEqual(app["IovQueuePairsRequested"], 1)
        self.assertEqual(app["IovInterruptModeration"], "Default")
        self.assertIsNone(app["VirtualFunction"])
        self.assertIsNone(app["SettingsError"])
        self.assertIn("iov-weight 'abc'", by[("broken1", "net0")]["SettingsError"])

    def test_verbose_messages_go_to_stderr(self):
        p = run("--verbose", "--connect", "demo", "--output", "json", "get-vmnetworkadapter", "--vm-name", "db1")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([x["Name"] for x in json.loads(p.stdout)], ["frontend", "backend"])
        self.assertIn("-DEBUG:", p.stderr)
        self.assertNotIn("-DEBUG:", p.stdout)

    def test_verbs_are_case_insensitive(self):
        a = run("-c", "demo", "-o", "json", "Get-VMNetworkAdapter", "--vm-name", "db1")
        b = run("-c", "demo", "-o", "json", "get-vmnetworkadapter", "--vm-name", "db1")
        self.assertEqual(a.returncode, 0, a.stderr)
        self.assertEqual(json.loads(a.stdout), json.loads(b.stdout))
        self.assertEqual([x["Name"] for x in json.loads(a.stdout)], ["frontend", "backend"])

    def test_global_options_after_verb(self):
        p = run("get-vmswitch", "SRIOV-Switch", "--output", "json", "--connect", "demo")
        self.assertEqual(p.returncode, 0, p.stderr)
        sw = json.loads(p.stdout)
        self.assertEqual(len(sw), 1)
        self.assertEqual(sw[0]["IovVirtualFunctionCount"], 8)
        self.assertEqual(sw[0]["IovVirtualFunctionsInUse"], 2)
        self.assertEqual(sw[0]["SwitchType"], "External")
        self.assertIs(sw[0]["IovEnabled"], True)

    def test_switch_types(self):
        types = {s["Name"]: s["SwitchType"] for s in json_of("get-vmswitch")}
        self.assertEqual(types, {"Internal": "Internal", "LAN": "External", "Management": "External",
                                 "Private": "Private", "SRIOV-Switch": "External"})

    def test_netadaptersriov(self):
        pfs = {p["Name"]: p for p in json_of("get-netadaptersriov")}
        self.assertEqual(sorted(pfs), ["enp59s0f0", "enp59s0f1", "enp94s0f0np0"])
        self.assertEqual(pfs["enp59s0f0"]["NumVFs"], 8)
        self.assertEqual(pfs["enp59s0f0"]["TotalVFs"], 63)
        self.assertEqual(pfs["enp59s0f0"]["AllocatedVFs"], 2)
        self.assertEqual(pfs["enp59s0f0"]["LinkSpeed"], 10_000_000_000)
        self.assertIs(pfs["enp59s0f1"]["Enabled"], False)
        self.assertEqual(pfs["enp94s0f0np0"]["NumVFs"], 16)
        # The test driver does not say which driver is bound: unknown, not guessed.
        self.assertIsNone(pfs["enp59s0f0"]["Driver"])

    def test_netadaptersriovvf(self):
        vfs = json_of("get-netadaptersriovvf", "--name", "enp59s0f0")
        self.assertEqual([v["FunctionID"] for v in vfs], list(range(8)))
        self.assertEqual(vfs[0]["VmFriendlyName"], "web1")
        self.assertEqual(vfs[0]["MacAddress"], "52:54:00:00:01:01")
        self.assertIsNone(vfs[2]["VmFriendlyName"])
        self.assertIsNone(vfs[2]["SpoofCheck"])
        self.assertEqual(len(json_of("get-netadaptersriovvf")), 24)
        both = json_of("get-netadaptersriovvf", "--name", "enp59s0f0", "enp94s0f0np0")
        self.assertEqual(len(both), 24)

    def test_vmhost(self):
        h = json_of("get-vmhost")
        self.assertIsInstance(h, dict)
        self.assertEqual(h["Hypervisor"], "TEST")
        self.assertIs(h["IsRemote"], False)

    def test_table_output(self):
        p = run("-c", "demo", "get-vmswitch")
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = [l for l in p.stdout.splitlines() if l.strip()]
        self.assertTrue(lines[0].startswith("Name"))
        self.assertIn("IovEnabled", lines[0])
        self.assertTrue(set(lines[1].replace(" ", "")) == {"-"})
        row = next(l for l in lines if l.startswith("SRIOV-Switch"))
        self.assertEqual(row.split()[1], "External")
        # Columns line up under their titles.
        self.assertEqual(lines[0].index("IovEnabled"), row.index("True"))

    def test_list_output(self):
        p = run("-c", "demo", "-o", "list", "get-vmnetworkadapter", "--vm-name", "web1")
        self.assertEqual(p.returncode, 0, p.stderr)
        fields = {k.strip(): v for k, v in (l.split(" : ", 1) for l in p.stdout.splitlines() if " : " in l)}
        self.assertEqual(fields["IovWeight"].strip(), "100")
        self.assertEqual(fields["VMName"].strip(), "web1")

    def test_not_found(self):
        for args, needle in ((["get-vmnetworkadapter", "--vm-name", "nosuch"], "'nosuch'"),
                             (["get-vmswitch", "NoSwitch"], "'NoSwitch'"),
                             (["get-netadaptersriov", "eth9"], "'eth9'"),
                             (["get-vmnetworkadapter", "--vm-name", "db1", "--name", "zz"], "'zz'")):
            p = run("-c", "demo", *args)
            self.assertEqual(p.returncode, 3, args)
            self.assertEqual(p.stdout, "")
            self.assertTrue(p.stderr.startswith("vmnet: error: "), p.stderr)
            self.assertIn(needle, p.stderr)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1)

    def test_names_ignore_case(self):
        a = json_of("get-vmnetworkadapter", "--vm-name", "WEB1", "--name", "NET0")
        self.assertEqual([(x["VMName"], x["Name"]) for x in a], [("web1", "net0")])
        self.assertEqual(json_of("get-vmswitch", "sriov-switch")[0]["Name"], "SRIOV-Switch")

    def test_usage_errors(self):
        self.assertEqual(run("-c", "demo", "get-vmnetworkadapter").returncode, 2)
        self.assertEqual(run("-c", "demo", "get-vmnetworkadapter", "--all", "--vm-name", "x").returncode, 2)
        self.assertEqual(run("-c", "demo", "no-such-verb").returncode, 2)
        self.assertEqual(run("-c", "demo", "-o", "yaml", "get-vmswitch").returncode, 2)
        self.assertEqual(run("-c", "demo", "get-vmhost", "--bogus").returncode, 2)
        self.assertEqual(run().returncode, 2)
        self.assertEqual(run("--help").returncode, 0)
        self.assertIn("get-vmnetworkadapter", run("--help").stdout)
        self.assertIn("--vm-name", run("get-vmnetworkadapter", "--help").stdout)

    def test_save_vm_phases(self):
        """save-vm names each phase on stderr as it begins; the JSON gives them with their seconds
        (the demo's test driver counts no bytes)."""
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "app1.save")
            p = run("-c", "demo", "-o", "json", "save-vm", "--vm-name", "app1", "--path", path)
            self.assertEqual(p.returncode, 0, p.stderr)
            r = json.loads(p.stdout)
            self.assertEqual((r["VMName"], r["Path"], r["Succeeded"], r["Error"]), ("app1", path, True, None))
            self.assertEqual([ph["Phase"] for ph in r["Phases"]], ["Detach", "Save"])
            self.assertNotIn("BytesTotal", r["Phases"][1])
            self.assertEqual(p.stderr, "")
            p = run("-c", "demo", "save-vm", "--vm-name", "app1", "--path", path)
            self.assertEqual((p.returncode, p.stdout, p.stderr), (0, "", "Detach…\nSave…\n"))
        # db1 holds a VF, which the test driver cannot unplug: refused in the Detach phase.
        p = run("-c", "demo", "-o", "json", "save-vm", "--vm-name", "db1")
        self.assertEqual(p.returncode, 4, p.stderr)
        r = json.loads(p.stdout)
        self.assertEqual((r["Path"], r["Succeeded"]), (None, False))
        self.assertIn("VM 'db1' adapter 'frontend': cannot detach VF", r["Error"])
        self.assertEqual([ph["Phase"] for ph in r["Phases"]], ["Detach"])

    def test_state_change_verbs_usage(self):
        for args in (("save-vm",), ("restore-vm",), ("start-vm",), ("checkpoint-vm", "--vm-name", "web1"),
                     ("compare-vm", "--vm-name", "web1"), ("move-vm", "--vm-name", "web1"), ("move-vm",)):
            p = run("-c", "demo", *args)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertIn("give --", p.stderr)
        self.assertEqual(run("-c", "demo", "save-vm", "--vm-name", "nosuch").returncode, 3)
        # Every demo host is a fresh copy: the destination already has a VM of that name.
        p = run("-c", "demo", "compare-vm", "--vm-name", "web1", "--destination", "demo")
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn("a VM of that name is there already", p.stderr)
        p = run("-c", "demo", "move-vm", "--vm-name", "web1", "--destination", "qemu+unix:///system?socket=/nonexistent/s")
        self.assertEqual(p.returncode, 7, p.stderr)

    def test_reconcile_on_demo(self):
        # The demo's VFs are where they belong: a pass changes nothing.
        self.assertEqual(json_of("reconcile-vmhost"), [])
        p = run("-c", "demo", "reconcile-vmhost", "--vm-name", "web1")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("Nothing to do", p.stdout)

    def test_unreachable_host(self):
        p = run("-c", "qemu+unix:///system?socket=/nonexistent/sock", "get-vmhost")
        self.assertEqual(p.returncode, 7)
        self.assertIn("/nonexistent/sock", p.stderr)

    def test_default_uri_from_environment(self):
        p = run("-o", "json", "get-vmhost", env={"VMNET_DEFAULT_URI": "demo"})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["Hypervisor"], "TEST")

    def test_custom_host_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "h.xml")
            with open(path, "w") as f:
                f.write("<node><network><name>solo</name></network></node>")
            sw = json.loads(run("-c", "test://" + path, "-o", "json", "get-vmswitch").stdout)
            self.assertEqual([s["Name"] for s in sw], ["solo"])
            self.assertEqual(sw[0]["SwitchType"], "Private")
            self.assertEqual(json.loads(run("-c", "test://" + path, "-o", "json",
                                            "get-vmnetworkadapter", "--all").stdout), [])

    def test_set_adapter_bad_input(self):
        cases = [
            (["--iov-weight", "101"], "IovWeight 101"),
            (["--iov-weight", "-1"], "IovWeight -1"),
            (["--iov-weight", "abc"], "'abc' is not a whole number"),
            (["--iov-queue-pairs-requested", "0"], "IovQueuePairsRequested 0"),
            (["--iov-interrupt-moderation", "fast"], "'fast' is not one of default"),
            (["--vlan-id", "0"], "--vlan-id 0"),
            (["--vlan-id", "4095"], "VLAN 4095"),
            (["--allow-teaming", "maybe"], "'maybe' is not on or off"),
            (["--vlan-id", "5", "--untagged"], "not both"),
            ([], "nothing to change"),
        ]
        for extra, needle in cases:
            p = run("-c", "demo", "set-vmnetworkadapter", "--vm-name", "web1", *extra)
            self.assertEqual(p.returncode, 2, (extra, p.stderr))
            self.assertIn(needle, p.stderr)
        p = run("-c", "demo", "set-vmnetworkadapter", "--vm-name", "db1", "--iov-weight", "5")
        self.assertEqual(p.returncode, 2)
        self.assertIn("2 network adapters", p.stderr)
        p = run("-c", "demo", "set-vmnetworkadapter", "--vm-name", "ghost", "--iov-weight", "5")
        self.assertEqual(p.returncode, 3)
        p = run("-c", "demo", "set-vmnetworkadapter", "--vm-name", "db1", "--name", "zz", "--iov-weight", "5")
        self.assertEqual(p.returncode, 3)

    def test_set_adapter_on_demo(self):
        # Each demo connection has its own copy of the host: the change is accepted and read back
        # by the same process only, so this checks the call succeeds and prints nothing.
        p = run("-c", "demo", "set-vmnetworkadapter", "--vm-name", "app1", "--iov-weight", "0",
                "--router-guard", "on", "--untagged")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "")
        # IovWeight 0 on web1 means unplugging its VF, which libvirt's test driver cannot do:
        # the error says so and nothing changes.
        p = run("-c", "demo", "set-vmnetworkadapter", "--vm-name", "web1", "--iov-weight", "0")
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn("cannot detach VF 'ua-net0-vf'", p.stderr)

    def test_version(self):
        p = run("--version")
        self.assertEqual(p.returncode, 0)
        self.assertRegex(p.stdout, r"^vmnet \d+\.\d+\.\d+$")


class TestLastingNumVfs(unittest.TestCase):
    """set-netadaptersriov keeps NumVFs in etc/vmnet/sriov.conf; apply-netadaptersriov gives it back
    after a reboot (a fixture tree stands for the host's files)."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = os.path.join(self.tmp.name, "root")
        self.pf = os.path.join(self.root, "sys/devices/pci0000:00/0000:01:00.0")
        os.makedirs(os.path.join(self.pf, "net/enp1s0"))
        os.makedirs(os.path.join(self.root, "sys/bus/pci/devices"))
        os.symlink(self.pf, os.path.join(self.root, "sys/bus/pci/devices/0000:01:00.0"))
        os.makedirs(os.path.join(self.root, "sys/class/net"))
        os.symlink(os.path.join(self.pf, "net/enp1s0"), os.path.join(self.root, "sys/class/net/enp1s0"))
        self.sysfs("sriov_totalvfs", "7")
        self.sysfs("sriov_numvfs", "0")
        self.connect = ["-c", "test://" + PF_XML, "--host-root", self.root]

    def tearDown(self):
        self.tmp.cleanup()

    def sysfs(self, name, value=None):
        path = os.path.join(self.pf, name)
        if value is not None:
            with open(path, "w") as f:
                f.write(value + "\n")
        with open(path) as f:
            return f.read().strip()

    def config(self):
        with open(os.path.join(self.root, "etc/vmnet/sriov.conf")) as f:
            return f.read()

    def pf_json(self):
        p = run(*self.connect, "-o", "json", "get-netadaptersriov", "enp1s0")
        self.assertEqual(p.returncode, 0, p.stderr)
        [pf] = json.loads(p.stdout)
        return pf

    def test_set_then_reboot(self):
        p = run(*self.connect, "set-netadaptersriov", "enp1s0", "--num-vfs", "4")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.sysfs("sriov_numvfs"), "4")
        self.assertIn("\n[0000:01:00.0]\nname=enp1s0\nnum-vfs=4\n", self.config())
        pf = self.pf_json()
        self.assertEqual((pf["NumVFs"], pf["ConfiguredNumVFs"]), (4, 4))
        # The table shows the configured count only when the adapter does not have it.
        self.assertNotIn("ConfiguredNumVFs", run(*self.connect, "get-netadaptersriov").stdout)

        self.sysfs("sriov_numvfs", "0")  # the reboot
        table = run(*self.connect, "get-netadaptersriov").stdout
        self.assertIn("ConfiguredNumVFs", table)
        self.assertEqual(table.split()[-1], "4")
        p = run("--host-root", self.root, "apply-netadaptersriov")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "0000:01:00.0 enp1s0: NumVFs 4 applied\n")
        self.assertEqual(self.sysfs("sriov_numvfs"), "4")
        with open(os.path.join(self.root, "run/vmnet/sriov-boot.conf")) as f:
            self.assertIn("status=applied", f.read())
        p = run("--host-root", self.root, "Apply-NetAdapterSriov")
        self.assertEqual(p.stdout, "0000:01:00.0 enp1s0: NumVFs 4 unchanged\n")

        # 0 is kept too: the adapter stays off after the next boot.
        p = run(*self.connect, "disable-netadaptersriov", "enp1s0")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("num-vfs=0\n", self.config())

    def test_what_if_changes_nothing(self):
        p = run(*self.connect, "set-netadaptersriov", "enp1s0", "--num-vfs", "3", "--what-if")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("/etc/vmnet/sriov.conf", p.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.root, "etc/vmnet")))
        self.assertEqual(self.sysfs("sriov_numvfs"), "0")

    def test_fewer_vfs_at_boot(self):
        self.assertEqual(run(*self.connect, "set-netadaptersriov", "enp1s0", "--num-vfs", "4").returncode, 0)
        self.sysfs("sriov_numvfs", "0")
        self.sysfs("sriov_totalvfs", "2")
        p = run("--host-root", self.root, "apply-netadaptersriov")
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn("NumVFs 4 is configured but the adapter offers only 2 (sriov_totalvfs)", p.stderr)
        self.assertTrue(p.stdout.startswith("0000:01:00.0 enp1s0: failed: "), p.stdout)
        self.assertEqual(self.sysfs("sriov_numvfs"), "0")
        pf = self.pf_json()
        self.assertEqual((pf["NumVFs"], pf["ConfiguredNumVFs"]), (0, 4))
        p = run(*self.connect, "-o", "json", "test-sriov")
        checks = [c for c in json.loads(p.stdout) if c["Check"] == "configured-num-vfs"]
        self.assertEqual(len(checks), 1)
        self.assertEqual(checks[0]["Result"], "WARN")
        self.assertIn("the boot-time apply failed", checks[0]["Message"])
        self.assertIn("offers only 2", checks[0]["Message"])
        self.assertIn("firmware", checks[0]["Fix"])

    def test_bad_file_and_usage(self):
        os.makedirs(os.path.join(self.root, "etc/vmnet"))
        with open(os.path.join(self.root, "etc/vmnet/sriov.conf"), "w") as f:
            f.write("[0000:01:00.0]\nnum-vfs=lots\n")
        p = run("--host-root", self.root, "apply-netadaptersriov")
        self.assertEqual(p.returncode, 1)
        self.assertIn("etc/vmnet/sriov.conf:2: num-vfs must be a whole number", p.stderr)
        p = run(*self.connect, "set-netadaptersriov", "enp1s0", "--num-vfs", "1")
        self.assertEqual(p.returncode, 1)
        self.assertIn("sriov.conf:2:", p.stderr)
        self.assertEqual(self.sysfs("sriov_numvfs"), "0")
        p = run("-c", "demo", "apply-netadaptersriov")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--connect does not apply", p.stderr)
        p = run("--host-root", self.root, "apply-netadaptersriov", "extra")
        self.assertEqual(p.returncode, 2)


DEMO_WEB1_UUID = "5b0c2d6e-7f18-4a29-b3c4-d5e6f7a80001"      # data/demo-host.xml


class TestAuthorizationCli(unittest.TestCase):
    """The authorization verbs on a store and rules file of their own; the demo host gives
    the VMs. Against a real polkit: tests/auth."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.store = os.path.join(self.dir.name, "authorization.conf")
        self.rules = os.path.join(self.dir.name, "rules.d", "60-vmnet.rules")
        self.env = {"VMNET_AUTHORIZATION_STORE": self.store, "VMNET_POLKIT_RULES": self.rules}

    def tearDown(self):
        self.dir.cleanup()

    def vmnet(self, *args, status=0):
        p = run("-c", "demo", *args, env=self.env)
        self.assertEqual(p.returncode, status, p.stderr)
        return p

    def test_default_store(self):
        roles = json.loads(self.vmnet("Get-VMRole", "-o", "json").stdout)
        self.assertEqual([r["Name"] for r in roles], ["Administrator"])
        self.assertIn("Take snapshots", roles[0]["Operations"])
        assignments = json.loads(self.vmnet("get-vmroleassignment", "-o", "json").stdout)
        self.assertEqual([(a["UserName"], a["GroupName"], a["Scope"]) for a in assignments],
                         [("root", None, "default"), (None, "sudo", "default")])
        self.assertFalse(os.path.exists(self.store))

    def test_roles_scopes_and_access(self):
        p = self.vmnet("new-vmrole", "--name", "Operator", "--operation", "read vm configuration",
                       "--operation", "Start and stop VMs", "-o", "json")
        self.assertEqual(json.loads(p.stdout)[0]["Operations"], ["Read VM configuration", "Start and stop VMs"])
        self.vmnet("New-VMScope", "--name", "Test")
        self.vmnet("grant-vmrole", "--role", "Operator", "--user", "alice", "--scope", "Test")
        web1 = DEMO_WEB1_UUID
        p = self.vmnet("set-vmscope", "--vm-name", "web1", "--scope", "Test", "-o", "json")
        self.assertEqual(json.loads(p.stdout), [{"VMName": "web1", "Scope": "Test"}])
        # The store places web1 (by UUID), not its metadata: every run of the demo host is a
        # new test driver that forgets its metadata, and the store still knows.
        with open(self.store) as f:
            self.assertIn(f"\n[scope Test]\nparent=default\nvms={web1};\nassign Operator=user:alice;\n", f.read())
        with open(self.rules) as f:
            rules = f.read()
        self.assertIn('"Test": ["Test", "default"]', rules)
        self.assertIn('["Test", 0, "alice"]', rules)
        self.assertIn(f'"{web1}": "Test"', rules)
        scope = json.loads(self.vmnet("get-vmscope", "--vm-name", "web1", "-o", "json").stdout)
        self.assertEqual(scope, [{"VMName": "web1", "Scope": "Test"}])
        check = json.loads(self.vmnet("test-vmaccess", "--user", "alice", "--vm-name", "web1",
                                      "--operation", "Start VM", "-o", "json").stdout)[0]
        self.assertTrue(check["Allowed"])
        self.assertEqual(check["Scope"], "Test")
        self.vmnet("remove-vmscope", "--name", "Test", status=5)     # web1 is in it
        check = json.loads(self.vmnet("test-vmaccess", "--user", "alice", "--operation", "Start and stop VMs",
                                      "-o", "json").stdout)[0]
        self.assertFalse(check["Allowed"])
        self.assertIn("scope 'default'", check["Reason"])
        self.vmnet("set-vmscope", "--vm-name", "web1", "--scope", "default")
        self.vmnet("grant-vmrole", "--role", "Operator", "--user", "alice")
        check = json.loads(self.vmnet("test-vmaccess", "--user", "alice", "--vm-name", "web1",
                                      "--operation", "start and stop vms", "-o", "json").stdout)[0]
        self.assertTrue(check["Allowed"])
        self.assertEqual(check["Role"], "Operator")
        self.vmnet("set-vmrole", "--name", "Operator", "--remove-operation", "Start and stop VMs")
        check = json.loads(self.vmnet("test-vmaccess", "--user", "alice", "--operation", "Start and stop VMs",
                                      "-o", "json").stdout)[0]
        self.assertFalse(check["Allowed"])
        self.vmnet("remove-vmrole", "--name", "Operator", status=5)
        self.vmnet("revoke-vmrole", "--role", "Operator", "--user", "alice")
        self.vmnet("revoke-vmrole", "--role", "Operator", "--user", "alice", "--scope", "Test")
        self.vmnet("remove-vmrole", "--name", "Operator")
        self.vmnet("remove-vmscope", "--name", "Test")
        scopes = json.loads(self.vmnet("get-vmscope", "-o", "json").stdout)
        self.assertEqual([s["Name"] for s in scopes], ["default"])

    def test_bad_input(self):
        p = self.vmnet("new-vmrole", "--name", "R", "--operation", "Fly", status=2)
        self.assertIn("unknown operation 'Fly'; operations are 'Connect to the service'", p.stderr)
        self.assertIn("or a set of them: 'Read service configuration'", p.stderr)
        self.vmnet("new-vmrole", "--name", "R", status=2)
        self.vmnet("grant-vmrole", "--role", "Administrator", "--user", "Bad User", status=2)
        self.vmnet("grant-vmrole", "--role", "Administrator", "--user", "a", "--group", "b", status=2)
        self.vmnet("grant-vmrole", "--role", "Nobody", "--user", "alice", status=3)
        self.vmnet("grant-vmrole", "--role", "Administrator", "--user", "root", status=5)
        self.vmnet("set-vmscope", "--vm-name", "web1", "--scope", "Nowhere", status=3)
        self.vmnet("test-vmaccess", "--user", "alice", "--operation", "Fly", status=2)
        self.assertFalse(os.path.exists(self.store))
        self.assertFalse(os.path.exists(self.rules))

    def test_system_rules_from_a_test_host(self):
        """With no rules file given, the rules are the system's: the demo host (the test driver)
        does not write them, and nothing is changed; a rules file given is written."""
        env = {"VMNET_AUTHORIZATION_STORE": self.store}

        def refused(*args):
            p = run("-c", "demo", *args, env=env)
            self.assertEqual(p.returncode, 4, p.stderr)
            self.assertIn("will not write the system's polkit rules (/etc/polkit-1/rules.d/60-vmnet.rules) "
                          "from the connection 'test:///", p.stderr)
            self.assertIn("or force it", p.stderr)

        refused("new-vmscope", "--name", "Test")
        refused("grant-vmrole", "--role", "Administrator", "--user", "alice")
        self.assertFalse(os.path.exists(self.store))
        p = run("-c", "demo", "new-vmscope", "--name", "Test", "--rules", self.rules, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(self.rules))
        os.unlink(self.rules)
        refused("export-vmauthorization")
        with open(self.store) as f:
            before = f.read()
        refused("set-vmscope", "--vm-name", "web1", "--scope", "Test")
        with open(self.store) as f:
            self.assertEqual(f.read(), before)
        self.assertFalse(os.path.exists(self.rules))
        self.assertIn("--force", run("-c", "demo", "export-vmauthorization", "--help").stdout)

    def test_export_and_malformed_store(self):
        self.vmnet("export-vmauthorization", status=3)          # no store file yet
        self.vmnet("new-vmscope", "--name", "Test")
        p = self.vmnet("export-vmauthorization", "--check")
        self.assertIn("polkit.addRule", p.stdout)
        with open(self.rules) as f:
            good = f.read()
        with open(self.store, "a") as f:
            f.write("[role Broken]\noperations = Read VM configuration; Teleport\n")
        for args in (["export-vmauthorization"], ["export-vmauthorization", "--check"],
                     ["new-vmscope", "--name", "Other"]):
            p = self.vmnet(*args, status=1)
            self.assertIn(f"{self.store}: [role Broken] operations: unknown operation 'Teleport'", p.stderr)
            with open(self.rules) as f:
                self.assertEqual(f.read(), good)


class TestVmnetdUnsafeInterrupts(unittest.TestCase):
    """vmnetd says once, at start, that VFs are assigned through vfio's unsafe-interrupts override."""

    def vmnetd_log(self, unsafe):
        vmnetd = os.environ.get("VMNETD")
        if not vmnetd:
            self.skipTest("VMNETD is not set")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "h.xml")
            with open(path, "w") as f:
                f.write("<node><network><name>solo</name></network></node>")
            files = {
                "proc/interrupts": "           CPU0\n  0:         42   IO-APIC    2-edge      timer\n",
                "sys/class/iommu/dmar0/uevent": "\n",
                "sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts": "Y\n" if unsafe else "N\n",
            }
            for name, text in files.items():
                os.makedirs(os.path.dirname(os.path.join(d, "root", name)), exist_ok=True)
                with open(os.path.join(d, "root", name), "w") as f:
                    f.write(text)
            env = dict(os.environ, G_MESSAGES_DEBUG="vmnetd Vmnet")
            proc = subprocess.Popen([vmnetd, "--connect", "test://" + path, "--host-root", os.path.join(d, "root"),
                                     "--config", os.path.join(d, "none.conf"), "--verbose"],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
            lines = []
            try:
                for line in proc.stdout:
                    lines.append(line)
                    # The warning comes with the first pass.
                    if "pass 1 done" in line or len(lines) > 200:
                        break
            finally:
                proc.terminate()
                rest, _ = proc.communicate(timeout=30)
            return "".join(lines) + rest

    def test_logged_once_when_in_effect(self):
        log = self.vmnetd_log(True)
        self.assertEqual(log.count("unsafe-interrupts override is in effect"), 1, log)
        self.assertIn("allow_unsafe_interrupts=1", log)

    def test_silent_without_override(self):
        log = self.vmnetd_log(False)
        self.assertIn("pass 1 done", log)
        self.assertNotIn("unsafe-interrupts override", log)


COMPARE_SRC = "test://" + os.path.join(HERE, "compare-source.xml")
COMPARE_DST = "test://" + os.path.join(HERE, "compare-destination.xml")


class TestCompareVm(unittest.TestCase):
    """compare-vm's compatibility report against a destination that libvirt describes only by its
    node devices and networks (compare-destination.xml), as a remote host."""

    def compare(self, vm, *extra):
        return run("-c", COMPARE_SRC, *extra, "compare-vm", "--vm-name", vm, "--destination", COMPARE_DST)

    def report(self, vm):
        p = self.compare(vm, "-o", "json")
        return p, json.loads(p.stdout)

    def test_free_vfs_counted_from_the_pool(self):
        # fast-iov lists three VFs; a running VM there holds one.
        p, r = self.report("fits")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual((r["Compatible"], r["DestinationFreeVFs"], r["Incompatibilities"]), (True, 2, []))
        p = self.compare("fits")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("its switches there have 2 free VFs.", p.stdout)
        self.assertNotIn("WARNING", p.stdout)
        sw = json.loads(run("-c", COMPARE_DST, "-o", "json", "get-vmswitch", "fast").stdout)[0]
        self.assertEqual((sw["IovVirtualFunctionCount"], sw["IovVirtualFunctionsInUse"]), (3, 1))

    def test_warnings_name_adapter_switch_and_outcome(self):
        p, r = self.report("mixed")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(r["Compatible"])
        # One switch's count cannot be told: the total is unknown.
        self.assertIsNone(r["DestinationFreeVFs"])
        got = [(i["Severity"], i["Check"]) for i in r["Incompatibilities"]]
        self.assertEqual(got, [("Warning", "switch-iov-mode"), ("Warning", "switch-free-vfs"),
                               ("Warning", "switch-free-vfs")])
        mode, full, blind = (i["Message"] for i in r["Incompatibilities"])
        self.assertIn("Adapter 'net1' of VM 'mixed' asks for a VF (IovWeight 50), but switch 'plain'", mode)
        self.assertIn("not in SR-IOV mode: the VM moves and the adapter stays on its software path there", mode)
        # full: the PF's node device lists one VF, which a running VM holds.
        self.assertIn("Switch 'full' on '" + COMPARE_DST + "' has no free VF for adapter 'net2' of VM 'mixed' "
                      "(1 of 1 in use)", full)
        self.assertIn("software path", full)
        self.assertIn("Not known whether switch 'blind'", blind)
        self.assertIn("adapter 'net3'", blind)
        self.assertIn("libvirt's test driver lists no VFs in pool 'blind-iov' and libvirt reports no node device "
                      "for its adapter ens3f0", blind)
        # The adapter that asks for no VF (net4 on mgmt) and the one with a free VF (net0) are not named.
        self.assertNotIn("net4", json.dumps(r))
        self.assertNotIn("'net0'", json.dumps(r))
        p = self.compare("mixed")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("how many VFs are free there cannot be told", p.stdout)
        self.assertEqual(p.stdout.count("WARNING: "), 3)

    def test_move_prints_warnings_and_goes_on(self):
        # The test driver cannot migrate: the move goes past its pre-flight and fails at Migrate.
        p = run("-c", COMPARE_SRC, "move-vm", "--vm-name", "mixed", "--destination", COMPARE_DST)
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertEqual(p.stderr.count("WARNING: "), 3)
        self.assertLess(p.stderr.index("WARNING: "), p.stderr.index("Preflight"))
        self.assertIn("Migrate", p.stderr)
        p = run("-c", COMPARE_SRC, "-o", "json", "move-vm", "--vm-name", "mixed", "--destination", COMPARE_DST)
        r = json.loads(p.stdout)
        self.assertEqual([w["Check"] for w in r["Warnings"]], ["switch-iov-mode", "switch-free-vfs", "switch-free-vfs"])
        self.assertEqual([ph["Phase"] for ph in r["Phases"]], ["Preflight", "Detach", "Migrate", "Rollback"])

    def test_errors_fail(self):
        p, r = self.report("twin")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertFalse(r["Compatible"])
        self.assertEqual([(i["Severity"], i["Check"]) for i in r["Incompatibilities"]],
                         [("Error", "destination-switch"), ("Error", "destination-vm-name")])
        self.assertIn("it has no switch 'lab-only' (used by adapter 'net0')", r["Incompatibilities"][0]["Message"])
        # The first error is the command's; the other one is said too.
        self.assertIn("error: VM 'twin' cannot move to '" + COMPARE_DST + "': it has no switch 'lab-only'", p.stderr)
        self.assertIn("a VM of that name is there already", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
