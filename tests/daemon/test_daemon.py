#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The read model against a real libvirtd (QEMU driver, TCG domains) in a private namespace.

What vmnet reports is checked against what libvirt itself reports, before and after a daemon
restart, and with several clients at once."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ENV_SCRIPT = os.path.join(HERE, "libvirtd-env.sh")
VMNET = os.environ.get("VMNET_CLI", "vmnet")
NS = "http://libvmnet.org/xmlns/vmnet/1.0"

try:
    import libvirt
except ImportError:  # pragma: no cover
    libvirt = None


def domain_xml(name, nics, settings):
    ifaces = "".join(
        f"""<interface type='network'><mac address='{mac}'/><source network='{net}'/>
            <model type='virtio'/>{"<teaming type='persistent'/>" if alias else ""}
            {f"<alias name='ua-{alias}'/>" if alias else ""}</interface>"""
        for mac, net, alias in nics)
    meta = "".join(f"<vmnet:adapter mac='{mac}' {attrs}/>" for mac, attrs in settings)
    return f"""<domain type='qemu'>
      <name>{name}</name>
      <memory unit='MiB'>64</memory>
      <vcpu>1</vcpu>
      <metadata><vmnet:adapters xmlns:vmnet='{NS}'>{meta}</vmnet:adapters></metadata>
      <os><type arch='x86_64' machine='q35'>hvm</type></os>
      <devices>
        <controller type='pci' index='0' model='pcie-root'/>
        <controller type='pci' index='1' model='pcie-root-port'/>
        <controller type='pci' index='2' model='pcie-root-port'/>
        <controller type='pci' index='3' model='pcie-root-port'/>
        <controller type='pci' index='4' model='pcie-root-port'/>
        <controller type='pci' index='5' model='pcie-root-port'/>
        <controller type='pci' index='6' model='pcie-root-port'/>
        <controller type='pci' index='7' model='pcie-root-port'/>
        <controller type='pci' index='8' model='pcie-root-port'/>
        {ifaces}
      </devices>
    </domain>"""


def start_libvirtd(state, *args, skip_removes=None):
    """A private libvirtd (libvirtd-env.sh start STATE ARGS): its URI. When it cannot run here,
    removes the directory @skip_removes and skips."""
    p = subprocess.run([ENV_SCRIPT, "start", state, *args], capture_output=True, text=True, timeout=180)
    if p.returncode == 77:
        if skip_removes:
            shutil.rmtree(skip_removes, ignore_errors=True)
        raise unittest.SkipTest("a private libvirtd cannot run here: " + p.stderr.strip())
    if p.returncode != 0:
        raise RuntimeError("cannot start libvirtd: " + p.stderr)
    return p.stdout.strip().splitlines()[-1]


def stop_libvirtd(state, conn=None):
    """Closes @conn, when there is one, and stops the private libvirtd of @state."""
    if conn:
        try:
            conn.close()
        except Exception:
            pass
    subprocess.run([ENV_SCRIPT, "stop", state], capture_output=True, timeout=120)


def add_switch(conn, name, bridge):
    """A switch on a new bridge, its VF pool on a PF this machine does not have (defined, cannot start)."""
    conn.networkDefineXML(f"<network><name>{name}</name><bridge name='{bridge}'/></network>").create()
    conn.networkDefineXML(f"<network><name>{name}-iov</name><forward mode='hostdev' managed='yes'>"
                          "<pf dev='vmnet-nopf0'/></forward></network>")


def kernel_bridge_vlans():
    """Whether this kernel's bridge can filter VLANs (CONFIG_BRIDGE_VLAN_FILTERING), tried in a scratch namespace."""
    p = subprocess.run(["unshare", "-n", "sh", "-c",
                        "ip link add vmnetprobe0 type bridge && ip link set vmnetprobe0 type bridge vlan_filtering 1"],
                       capture_output=True)
    return p.returncode == 0


class DaemonTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if libvirt is None:
            raise unittest.SkipTest("python3-libvirt is not installed")
        cls.state = tempfile.mkdtemp(prefix="vmnet-daemon-")
        cls.uri = start_libvirtd(cls.state, skip_removes=cls.state)
        try:
            cls.conn = libvirt.open(cls.uri)
            cls.populate()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        stop_libvirtd(cls.state, getattr(cls, "conn", None))
        shutil.rmtree(cls.state, ignore_errors=True)

    @classmethod
    def populate(cls):
        c = cls.conn
        net = c.networkDefineXML("<network><name>sw</name><bridge name='vmnetsw0'/></network>")
        net.create()
        net.setAutostart(True)
        # A VF pool on a PF this machine does not have: defined, cannot start.
        c.networkDefineXML("<network><name>sw-iov</name><forward mode='hostdev' managed='yes'>"
                           "<pf dev='vmnet-nopf0'/></forward></network>")
        c.networkDefineXML("<network><name>nat</name><forward mode='nat'/><bridge name='vmnetnat0'/>"
                           "<ip address='10.231.0.1' netmask='255.255.255.0'/></network>")
        cls.doms = {
            "run1": ([("52:54:00:d0:00:01", "sw", "net0"), ("52:54:00:d0:00:02", "sw", None)],
                     [("52:54:00:d0:00:01", "iov-weight='100' iov-queue-pairs-requested='2'")]),
            "off1": ([("52:54:00:d0:01:01", "sw", "front")],
                     [("52:54:00:d0:01:01", "iov-weight='7' iov-interrupt-moderation='low'")]),
            "plain": ([("52:54:00:d0:02:01", "sw", None)], []),
            "run2": ([], []),
        }
        for name, (nics, settings) in cls.doms.items():
            c.defineXML(domain_xml(name, nics, settings))
        c.lookupByName("run1").create()
        c.lookupByName("run2").create()

    def vmnet(self, *args, check=True):
        p = subprocess.run([VMNET, "--connect", self.uri, "--output", "json", *args],
                           capture_output=True, text=True, timeout=120)
        if check and p.returncode != 0:
            self.fail(f"vmnet {' '.join(args)}: exit {p.returncode}: {p.stderr}")
        return json.loads(p.stdout) if p.returncode == 0 else p

    def libvirt_view(self):
        """(vm, mac) -> (network, weight) as libvirt itself reports them."""
        import xml.etree.ElementTree as ET
        view = {}
        for dom in self.conn.listAllDomains():
            root = ET.fromstring(dom.XMLDesc())
            weights = {}
            meta = root.find(f"metadata/{{{NS}}}adapters")
            if meta is not None:
                for a in meta:
                    weights[a.get("mac")] = int(a.get("iov-weight", "0"))
            for iface in root.findall("devices/interface"):
                mac = iface.find("mac").get("address")
                view[(dom.name(), mac)] = (iface.find("source").get("network"), weights.get(mac, 0))
        return view

    def vmnet_view(self):
        return {(a["VMName"], a["MacAddress"]): (a["SwitchName"], a["IovWeight"])
                for a in self.vmnet("get-vmnetworkadapter", "--all")}

    def test_adapters_match_libvirt(self):
        self.assertEqual(self.vmnet_view(), self.libvirt_view())
        adapters = {(a["VMName"], a["Name"]): a for a in self.vmnet("get-vmnetworkadapter", "--all")}
        self.assertEqual(adapters[("run1", "net0")]["IovQueuePairsRequested"], 2)
        self.assertIs(adapters[("run1", "net0")]["FailoverReady"], True)
        self.assertEqual(adapters[("run1", "net1")]["SwitchName"], "sw")
        self.assertEqual(adapters[("off1", "front")]["IovInterruptModeration"], "Low")
        self.assertEqual(adapters[("plain", "net0")]["IovWeight"], 0)
        # No VF can exist here: nothing reports one.
        self.assertTrue(all(a["IovUsage"] == 0 for a in adapters.values()))

    def test_switches(self):
        sw = {s["Name"]: s for s in self.vmnet("get-vmswitch")}
        self.assertEqual(sorted(sw), ["nat", "sw"])
        self.assertIs(sw["sw"]["IovEnabled"], True)
        self.assertEqual(sw["sw"]["IovPoolName"], "sw-iov")
        self.assertEqual(sw["sw"]["SwitchType"], "Private")
        self.assertIs(sw["sw"]["Active"], True)
        self.assertEqual(sw["nat"]["SwitchType"], "Internal")
        self.assertIs(sw["nat"]["Active"], False)

    def test_host(self):
        h = self.vmnet("get-vmhost")
        self.assertEqual(h["Hypervisor"], "QEMU")
        self.assertIs(h["IsRemote"], False)
        self.assertIs(h["IsPrivileged"], True)
        self.assertIs(h["HostFactsAvailable"], True)
        self.assertEqual(h["LibvirtVersion"], "%d.%d.%d" % (
            self.conn.getLibVersion() // 1000000, self.conn.getLibVersion() // 1000 % 1000,
            self.conn.getLibVersion() % 1000))

    def test_live_metadata_change(self):
        dom = self.conn.lookupByName("run1")
        new = (f"<adapters><adapter mac='52:54:00:d0:00:01' iov-weight='33'/></adapters>")
        dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, new, "vmnet", NS,
                        libvirt.VIR_DOMAIN_AFFECT_LIVE)
        try:
            a = self.vmnet("get-vmnetworkadapter", "--vm-name", "run1", "--name", "net0")[0]
            self.assertEqual(a["IovWeight"], 33)
            self.assertEqual(self.vmnet_view(), self.libvirt_view())
        finally:
            dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT,
                            "<adapters><adapter mac='52:54:00:d0:00:01' iov-weight='100' "
                            "iov-queue-pairs-requested='2'/></adapters>", "vmnet", NS,
                            libvirt.VIR_DOMAIN_AFFECT_LIVE)

    def assert_refused(self, dom, args, expected):
        """vmnet ARGS exits 4 (NOT_SUPPORTED) naming EXPECTED, and DOM's definition is unchanged."""
        before = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
        p = subprocess.run([VMNET, "-c", self.uri, *args], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 4, p.stderr)
        self.assertIn(expected, p.stderr)
        self.assertEqual(dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE), before)

    def metadata(self, name, flags):
        try:
            return self.conn.lookupByName(name).metadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, NS, flags)
        except libvirt.libvirtError:
            return None

    def test_set_adapter_running_and_stopped(self):
        p = subprocess.run([VMNET, "-c", self.uri, "set-vmnetworkadapter", "--vm-name", "run1",
                            "--name", "net0", "--iov-weight", "80", "--allow-teaming", "on",
                            "--vlan-id", "12"], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        live = self.metadata("run1", libvirt.VIR_DOMAIN_AFFECT_LIVE)
        config = self.metadata("run1", libvirt.VIR_DOMAIN_AFFECT_CONFIG)
        for xml in (live, config):
            self.assertIn('iov-weight="80"', xml)
            self.assertIn('allow-teaming="on"', xml)
            self.assertIn('vlan-id="12"', xml)
            # Untouched settings stay.
            self.assertIn('iov-queue-pairs-requested="2"', xml)
        a = self.vmnet("get-vmnetworkadapter", "--vm-name", "run1", "--name", "net0")[0]
        self.assertEqual((a["IovWeight"], a["AllowTeaming"], a["VlanId"]), (80, True, 12))

        # A VM without metadata gets its first entry; stopped: the persistent definition only.
        p = subprocess.run([VMNET, "-c", self.uri, "set-vmnetworkadapter", "--vm-name", "plain",
                            "--iov-weight", "3"], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('iov-weight="3"', self.metadata("plain", libvirt.VIR_DOMAIN_AFFECT_CONFIG))

        # Bad input changes nothing, live or persistent.
        before = (self.conn.lookupByName("run1").XMLDesc(0),
                  self.conn.lookupByName("run1").XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
        p = subprocess.run([VMNET, "-c", self.uri, "set-vmnetworkadapter", "--vm-name", "run1",
                            "--name", "net0", "--iov-weight", "7", "--vlan-id", "4095"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(before, (self.conn.lookupByName("run1").XMLDesc(0),
                                  self.conn.lookupByName("run1").XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)))

        # Put run1 back for the other tests.
        subprocess.run([VMNET, "-c", self.uri, "set-vmnetworkadapter", "--vm-name", "run1", "--name",
                        "net0", "--iov-weight", "100", "--allow-teaming", "off", "--untagged"],
                       check=True, capture_output=True, timeout=60)

    def test_what_if_and_readonly_change_nothing(self):
        """-WhatIf prints the plan and --readonly refuses: libvirt's domains and networks stay as they were."""
        def state():
            doms = {d.name(): (d.isActive(), d.XMLDesc(0), d.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
                    for d in self.conn.listAllDomains()}
            nets = {n.name(): (n.isActive(), n.XMLDesc(0)) for n in self.conn.listAllNetworks()}
            return doms, nets

        before = state()
        changes = (
            ["Set-VMNetworkAdapter", "-VMName", "run1", "-Name", "net0", "-IovWeight", "5", "-AllowTeaming", "On",
             "-VlanId", "9"],
            ["add-vmnetworkadapter", "--vm-name", "plain", "--switch-name", "sw"],
            ["new-vmswitch", "--name", "sw2", "--bridge", "vmnetsw0"],
            ["remove-vmswitch", "nat", "--force"],
            ["start-vm", "--vm-name", "off1"],
            ["save-vm", "--vm-name", "run2"],
            ["checkpoint-vm", "--vm-name", "run2", "--name", "c1"],
            ["reconcile-vmhost"],
        )
        for args in changes:
            p = subprocess.run([VMNET, "-c", self.uri, *args, "-WhatIf"], capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, (args, p.stderr))
            self.assertTrue(p.stdout.endswith("Nothing was changed.\n"), (args, p.stdout))
            p = subprocess.run([VMNET, "-c", self.uri, "--readonly", *args], capture_output=True, text=True,
                               timeout=60)
            self.assertEqual(p.returncode, 6, (args, p.stderr))
            self.assertIn("read-only", p.stderr)
        p = subprocess.run([VMNET, "-c", self.uri, "Set-VMNetworkAdapter", "-VMName", "run1", "-Name", "net0",
                            "-IovWeight", "5", "-WhatIf"], capture_output=True, text=True, timeout=60)
        self.assertIn("IovWeight: 100 -> 5", p.stdout)
        self.assertEqual(state(), before)
        # A read-only connection reads the same adapters and settings. (Not the same checks:
        # libvirt gives no domain capabilities there, so PCI device assignment reads unknown.)
        fields = ["-f", "VMName,Name,MacAddress,SwitchName,IovWeight,IovQueuePairsRequested,VirtualFunction,VlanId"]
        ro = subprocess.run([VMNET, "-c", self.uri, "-r", "-o", "json", "get-vmnetworkadapter", "--all", *fields],
                            capture_output=True, text=True, timeout=60)
        self.assertEqual(ro.returncode, 0, ro.stderr)
        self.assertEqual(json.loads(ro.stdout), self.vmnet("get-vmnetworkadapter", "--all", *fields))

    def test_concurrent_clients(self):
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda _: self.vmnet("get-vmnetworkadapter", "--all"), range(8)))
        self.maxDiff = None
        for r in results[1:]:
            self.assertEqual(r, results[0])

    def test_concurrent_changes_lose_nothing(self):
        """Several vmnet processes change different settings of the same adapters at once (a
        running VM: live and persistent metadata; a stopped one: metadata and a redefinition for
        the queues): every command succeeds and every setting is there afterwards."""
        import xml.etree.ElementTree as ET
        c = self.conn
        c.defineXML(domain_xml("race-run", [("52:54:00:d0:09:01", "sw", "net0")], []))
        c.defineXML(domain_xml("race-off", [("52:54:00:d0:09:02", "sw", "net0")], []))
        c.lookupByName("race-run").create()
        self.addCleanup(lambda: [(d.isActive() and d.destroy(), d.undefine())
                                 for d in map(c.lookupByName, ("race-run", "race-off"))])
        rounds = [
            {"weight": 11, "queues": 2, "moderation": ("low", "Low"), "vlan": 21, "teaming": ("on", True)},
            {"weight": 12, "queues": 3, "moderation": ("high", "High"), "vlan": 22, "teaming": ("off", False)},
            {"weight": 13, "queues": 4, "moderation": ("medium", "Medium"), "vlan": 23, "teaming": ("on", True)},
        ]
        for r in rounds:
            commands = []
            for vm in ("race-run", "race-off"):
                base = ["set-vmnetworkadapter", "--vm-name", vm, "--name", "net0"]
                commands += [base + ["--iov-weight", str(r["weight"])],
                             base + ["--iov-queue-pairs-requested", str(r["queues"])],
                             base + ["--iov-interrupt-moderation", r["moderation"][0]],
                             base + ["--vlan-id", str(r["vlan"])],
                             base + ["--allow-teaming", r["teaming"][0]]]
            procs = [subprocess.Popen([VMNET, "-c", self.uri, *args], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for args in commands]
            for args, p in zip(commands, procs):
                out, err = p.communicate(timeout=300)
                self.assertEqual(p.returncode, 0, (args, err))
            got = {a["VMName"]: a for a in self.vmnet("get-vmnetworkadapter", "--all")
                   if a["VMName"] in ("race-run", "race-off")}
            for vm in ("race-run", "race-off"):
                a = got[vm]
                self.assertEqual((a["IovWeight"], a["IovQueuePairsRequested"], a["IovInterruptModeration"],
                                  a["VlanId"], a["AllowTeaming"]),
                                 (r["weight"], r["queues"], r["moderation"][1], r["vlan"], r["teaming"][1]), vm)
            # The running VM's live and persistent settings agree (the last attach error is live only).
            live, config = ([{k: v for k, v in e.attrib.items() if k != "iov-last-error"}
                             for e in ET.fromstring(self.metadata("race-run", flags))]
                            for flags in (libvirt.VIR_DOMAIN_AFFECT_LIVE, libvirt.VIR_DOMAIN_AFFECT_CONFIG))
            self.assertEqual(live, config)
            # The stopped VM's redefinition kept what the others wrote, and has its queues.
            root = ET.fromstring(c.lookupByName("race-off").XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
            self.assertEqual(root.find("devices/interface/driver").get("queues"), str(r["queues"]))

    def test_zz_survives_daemon_restart(self):
        before = self.vmnet("get-vmnetworkadapter", "--all")
        self.conn.close()
        p = subprocess.run([ENV_SCRIPT, "restart", self.state], capture_output=True, text=True, timeout=180)
        self.assertEqual(p.returncode, 0, p.stderr)
        type(self).conn = libvirt.open(self.uri)
        self.assertTrue(self.conn.lookupByName("run1").isActive())
        after = self.vmnet("get-vmnetworkadapter", "--all")
        self.assertEqual(after, before)
        # Settings written through vmnet survive the restart too.
        self.assertIn('iov-weight="3"', self.metadata("plain", libvirt.VIR_DOMAIN_AFFECT_CONFIG))
        self.assertEqual(self.vmnet_view(), self.libvirt_view())

    def test_add_adapter_running_and_stopped(self):
        a = self.vmnet("add-vmnetworkadapter", "--vm-name", "run2", "--switch-name", "sw", "--name", "extra")[0]
        self.assertIs(a["FailoverReady"], True)
        dom = self.conn.lookupByName("run2")
        live, config = dom.XMLDesc(), dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
        for xml in (live, config):
            self.assertIn("<alias name='ua-extra'/>", xml)
            self.assertIn(a["MacAddress"], xml)
        # QEMU got a failover-ready virtio device (teaming persistent) hot-plugged.
        self.assertIn("<teaming type='persistent'/>", live.split("ua-extra")[0].rsplit("<interface", 1)[1])
        b = self.vmnet("add-vmnetworkadapter", "--vm-name", "off1", "--switch-name", "sw")[0]
        self.assertEqual(b["Name"], "net1")
        self.assertIn("<alias name='ua-net1'/>", self.conn.lookupByName("off1").XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))

    def test_vf_attach_failure_is_reported(self):
        # sw is in SR-IOV mode, but its pool cannot start here (no such PF): the setting is kept,
        # the VF is not there, and the adapter's status carries libvirt's reason.
        p = subprocess.run([VMNET, "-c", self.uri, "set-vmnetworkadapter", "--vm-name", "run1", "--name", "net0",
                            "--iov-weight", "90"], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        a = self.vmnet("get-vmnetworkadapter", "--vm-name", "run1", "--name", "net0")[0]
        self.assertEqual(a["IovWeight"], 90)
        self.assertEqual(a["IovUsage"], 0)
        self.assertEqual(a["StatusDescription"][0], "Degraded (SR-IOV configuration error)")
        self.assertTrue(any("The last VF attach failed" in d and "sw-iov" in d for d in a["StatusDescription"]),
                        a["StatusDescription"])
        live = self.metadata("run1", libvirt.VIR_DOMAIN_AFFECT_LIVE)
        self.assertIn("iov-last-error", live)
        # Only the running definition knows about the failure.
        self.assertNotIn("iov-last-error", self.metadata("run1", libvirt.VIR_DOMAIN_AFFECT_CONFIG))
        # The VM still has exactly its two virtio interfaces.
        self.assertEqual(self.conn.lookupByName("run1").XMLDesc().count("<interface "), 2)
        subprocess.run([VMNET, "-c", self.uri, "set-vmnetworkadapter", "--vm-name", "run1", "--name", "net0",
                        "--iov-weight", "100"], check=True, capture_output=True, timeout=60)

    def test_guards_enforced_by_nwfilter(self):
        c = self.conn
        dom = c.defineXML(domain_xml("guarded", [("52:54:00:d0:03:01", "sw", "net0")], []))
        dom.create()

        def filters():
            live, config = dom.XMLDesc(), dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
            return [re.findall(r"<filterref filter='([^']+)'", x) for x in (live, config)]

        def set_guards(*args):
            p = subprocess.run([VMNET, "-c", self.uri, "set-vmnetworkadapter", "--vm-name", "guarded", *args],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)

        set_guards("--router-guard", "on")
        self.assertEqual(filters(), [["vmnet-router-guard"], ["vmnet-router-guard"]])
        self.assertIn("vmnet-router-guard", c.listNWFilters())
        # Enforced now, in the daemon's own firewall: router advertisements from the VM are dropped.
        with open(os.path.join(self.state, "holder.pid")) as f:
            holder = f.read().strip()
        rules = subprocess.run(["nsenter", "-t", holder, "-n", "ip6tables", "-S"], capture_output=True,
                               text=True).stdout
        self.assertRegex(rules, r"icmpv6-type 134 -j DROP")
        set_guards("--dhcp-guard", "on")
        self.assertEqual(filters(), [["vmnet-guards"], ["vmnet-guards"]])
        p = subprocess.run([VMNET, "-c", self.uri, "-o", "json", "test-sriov", "--vm-name", "guarded"],
                           capture_output=True, text=True, timeout=60)
        policy = [x for x in json.loads(p.stdout) if x["Check"] == "adapter-port-policy"][0]
        self.assertEqual(policy["Result"], "FAIL")
        self.assertIn("Enforced by nwfilter 'vmnet-guards'", policy["Message"])
        set_guards("--router-guard", "off", "--dhcp-guard", "off")
        self.assertEqual(filters(), [[], []])

        # A filter libvmnet does not manage is never replaced: refused, nothing written.
        foreign = domain_xml("foreign", [("52:54:00:d0:04:01", "sw", "net0")], []).replace(
            "<model type='virtio'/>", "<model type='virtio'/><filterref filter='clean-traffic'/>")
        fdom = c.defineXML(foreign)
        self.assert_refused(fdom, ["set-vmnetworkadapter", "--vm-name", "foreign", "--dhcp-guard", "on"],
                            "clean-traffic")
        dom.destroy()
        dom.undefine()
        fdom.undefine()

    def test_vlan_on_the_software_path(self):
        """The virtio path's tap becomes an access port of the adapter's VLAN on its bridge, through
        netlink in the daemon's network namespace (where vmnet then has to run: it is the host)."""
        c = self.conn
        with open(os.path.join(self.state, "holder.pid")) as f:
            ns = ["nsenter", "-t", f.read().strip(), "-n"]
        dom = c.defineXML(domain_xml("vlan1", [("52:54:00:d0:05:01", "sw", "net0")], []))
        dom.create()

        def vmnet_ns(*args, codes=(0,)):
            p = subprocess.run([*ns, VMNET, "-c", self.uri, "-o", "json", *args], capture_output=True, text=True,
                               timeout=120)
            self.assertIn(p.returncode, codes, p.stderr)
            return json.loads(p.stdout) if p.stdout.strip() else None

        def port_vlans():
            tap = re.search(r"<target dev='([^']+)'", dom.XMLDesc()).group(1)
            out = subprocess.run([*ns, "bridge", "-j", "vlan", "show", "dev", tap], capture_output=True,
                                 text=True, check=True).stdout
            entries = [e for e in json.loads(out or "[]") if e.get("ifname") == tap]
            return sorted((v["vlan"], tuple(sorted(v.get("flags", [])))) for e in entries for v in e["vlans"])

        def vlan_check():
            checks = [x for x in vmnet_ns("test-sriov", "--vm-name", "vlan1", codes=(0, 4)) if x["Check"] == "adapter-vlan"]
            return checks[0] if checks else None

        default = [(1, ("Egress Untagged", "PVID"))]
        access10 = [(10, ("Egress Untagged", "PVID"))]
        try:
            if not kernel_bridge_vlans():
                # This kernel's bridge has no VLANs at all: stored, the port left as it is, the status says why.
                self.assertEqual(port_vlans(), [])
                vmnet_ns("set-vmnetworkadapter", "--vm-name", "vlan1", "--vlan-id", "10")
                self.assertIn('vlan-id="10"', self.metadata("vlan1", libvirt.VIR_DOMAIN_AFFECT_CONFIG))
                check = vlan_check()
                self.assertEqual(check["Result"], "WARN")
                self.assertIn("built without CONFIG_BRIDGE_VLAN_FILTERING", check["Message"])
                vmnet_ns("reconcile-vmhost", "--vm-name", "vlan1")
                self.assertEqual(port_vlans(), [])
            else:
                self.assertEqual(port_vlans(), default)
                self.assertIsNone(vlan_check())
                vmnet_ns("set-vmnetworkadapter", "--vm-name", "vlan1", "--vlan-id", "10")
                self.assertEqual(port_vlans(), access10)
                check = vlan_check()
                self.assertEqual(check["Result"], "WARN")
                self.assertIn("bridge vmnetsw0 does not filter VLANs", check["Message"])
                subprocess.run([*ns, "ip", "link", "set", "dev", "vmnetsw0", "type", "bridge", "vlan_filtering", "1"],
                               check=True)
                check = vlan_check()
                self.assertEqual(check["Result"], "PASS", check)
                self.assertIn("access port of VLAN 10", check["Message"])

                # A restart gives the VM a new tap, in the bridge's default VLAN; a pass puts it back.
                dom.destroy()
                dom.create()
                self.assertEqual(port_vlans(), default)
                check = vlan_check()
                self.assertEqual(check["Result"], "WARN")
                self.assertIn("is in VLAN 1, not an access port of VLAN 10", check["Message"])
                vmnet_ns("reconcile-vmhost", "--vm-name", "vlan1")
                self.assertEqual(port_vlans(), access10)
                self.assertEqual(vlan_check()["Result"], "PASS")

                vmnet_ns("set-vmnetworkadapter", "--vm-name", "vlan1", "--untagged")
                self.assertEqual(port_vlans(), default)
                self.assertIsNone(vlan_check())
            vmnet_ns("set-vmnetworkadapter", "--vm-name", "vlan1", "--untagged")
            self.assertIsNone(vlan_check())
            self.assertIn('vlan-id="0"', self.metadata("vlan1", libvirt.VIR_DOMAIN_AFFECT_CONFIG))
        finally:
            if kernel_bridge_vlans():
                subprocess.run([*ns, "ip", "link", "set", "dev", "vmnetsw0", "type", "bridge", "vlan_filtering", "0"])
            dom.destroy()
            dom.undefine()

        # A macvtap switch carries no per-adapter VLAN: refused, nothing written.
        c.networkDefineXML("<network><name>mv</name><forward mode='bridge'><interface dev='vmnet-nodev0'/>"
                           "</forward></network>")
        mdom = c.defineXML(domain_xml("onmacvtap", [("52:54:00:d0:06:01", "mv", "net0")], []))
        try:
            self.assert_refused(mdom, ["set-vmnetworkadapter", "--vm-name", "onmacvtap", "--vlan-id", "10"],
                                "switch 'mv' connects VMs through macvtap")
        finally:
            mdom.undefine()
            c.networkLookupByName("mv").undefine()

    def test_test_sriov_on_a_real_daemon(self):
        p = subprocess.run([VMNET, "-c", self.uri, "-o", "json", "test-sriov", "--vm-name", "run1"],
                           capture_output=True, text=True, timeout=60)
        checks = {(c["Scope"], c["Object"], c["Check"]): c for c in json.loads(p.stdout)}
        host = {k[2]: v["Result"] for k, v in checks.items() if k[0] == "Host"}
        self.assertEqual(host["connection"], "PASS")
        # QEMU's domain capabilities are read for real.
        self.assertIn(host["hostdev"], ("PASS", "FAIL"))
        has_iommu = os.path.isdir("/sys/class/iommu") and bool(os.listdir("/sys/class/iommu"))
        self.assertEqual(host["dma-remapping"], "PASS" if has_iommu else "FAIL")
        # No SR-IOV adapter on this machine: SR-IOV cannot work, and the tool says so.
        self.assertEqual(host["sriov-adapter"], "FAIL")
        self.assertEqual(p.returncode, 4, p.stderr)
        adapter = {k[2]: v["Result"] for k, v in checks.items() if k == ("Adapter", "run1/net0", k[2])}
        self.assertEqual(adapter["adapter-failover"], "PASS")
        self.assertEqual(adapter["adapter-vm-running"], "PASS")
        a = self.vmnet("get-vmnetworkadapter", "--vm-name", "run1", "--name", "net0")[0]
        self.assertEqual(a["Status"], "Degraded")
        self.assertEqual(a["StatusDescription"][0], "Degraded (SR-IOV configuration error)")

    def test_switch_create_and_remove(self):
        sw = self.vmnet("new-vmswitch", "--name", "ext & co", "--bridge", "vmnetext0")[0]
        self.assertEqual((sw["Name"], sw["SwitchType"], sw["IovEnabled"]), ("ext & co", "External", False))
        net = self.conn.networkLookupByName("ext & co")
        self.assertTrue(net.isActive())
        self.assertTrue(net.autostart())
        self.assertIn("<bridge name='vmnetext0'", net.XMLDesc())
        # SR-IOV mode needs an SR-IOV capable adapter; this machine has none.
        p = self.vmnet("new-vmswitch", "--name", "iov", "--net-adapter", "lo", "--enable-iov", check=False)
        self.assertEqual(p.returncode, 4)
        self.assertRaises(libvirt.libvirtError, self.conn.networkLookupByName, "iov")
        self.assertRaises(libvirt.libvirtError, self.conn.networkLookupByName, "iov-iov")
        # In use: refused, nothing removed.
        p = self.vmnet("remove-vmswitch", "sw", check=False)
        self.assertEqual(p.returncode, 5)
        self.assertIn("run1", p.stderr)
        self.assertTrue(self.conn.networkLookupByName("sw").isActive())
        p = subprocess.run([VMNET, "-c", self.uri, "remove-vmswitch", "ext & co"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRaises(libvirt.libvirtError, self.conn.networkLookupByName, "ext & co")

    def test_not_found_names_the_vm(self):
        p = self.vmnet("get-vmnetworkadapter", "--vm-name", "ghost", check=False)
        self.assertEqual(p.returncode, 3)
        self.assertIn("'ghost'", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
