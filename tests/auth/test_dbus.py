#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""vmnetd's D-Bus API (doc/dbus.md) on the real stack: a private system bus with vmnetd's bus
policy, polkitd with the rules the authorization store generates, libvirtd with libvirt's polkit
access driver (tests/auth/polkit-env.sh), vmnetd serving that libvirtd on the bus.

The object tree is compared with a direct read of the host, a change made straight through
libvirt must show up as PropertiesChanged, NetworkAdapter.Set must work for a user the store
allows and be refused, with the operation named, for one who may only see the VM; a user sees
only the objects libvirt would show them, and gets the signals for those alone; malformed and
hostile calls get errors naming the argument, and vmnetd stays up."""
import json
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

HERE = os.path.dirname(os.path.abspath(__file__))
ENV = os.path.join(HERE, "polkit-env.sh")
VMNET = os.environ.get("VMNET_CLI", "vmnet")
VMNETD = os.environ.get("VMNETD", "vmnetd")
SOURCE_ROOT = os.environ.get("VMNET_SOURCE_ROOT", os.path.join(HERE, "..", ".."))
BUS_NAME = "org.libvmnet.Vmnet1"
ROOT = "/org/libvmnet/Vmnet1"
IFACE = "org.libvmnet.Vmnet1."
USERS = ["vmnt-alice", "vmnt-bob", "vmnt-carol"]
# Host.GetModel's model (libvmnet/vmnet-model-private.h, VMNET_MODEL_VARIANT_TYPE, version 1).
MODEL_TYPE = ("(uasa(xuuuuuuiiiuiiuu)a(uiuiuuiiiuiiuui)a(uiuuuuuuuiiiiuiuuuuuu)a(uuiuuu)"
              "a(ttuuuuuuuuuuiuuiuuuuiuuuuuiiuuuuiiuuuuuuiuuiiiiiiuuuu)a(iiuuu)auuu)")
VM_OPS = ["Read VM configuration", "Create or change VMs", "Start and stop VMs", "Take snapshots",
          "Interact with VMs", "Migrate VMs"]

try:
    import libvirt
    import gi
    gi.require_version("Vmnet", "1.0")
    from gi.repository import Vmnet, Gio, GLib
except (ImportError, ValueError) as e:  # pragma: no cover
    libvirt = None
    IMPORT_ERROR = str(e)


def ensure_accounts():
    """Creates the test users when missing; nothing is ever removed."""
    for u in USERS:
        if subprocess.run(["getent", "passwd", u], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "-M", "-d", "/nonexistent", "-s", "/usr/sbin/nologin", u], check=True)


# An SR-IOV adapter as libvirt's test driver shows it (tests/cli/test_cli.py uses the same).
PF_XML = """<node>
  <device><name>pci_0000_01_00_0</name><parent>computer</parent><capability type='pci'>
    <class>0x020000</class><domain>0</domain><bus>1</bus><slot>0</slot><function>0</function>
    <product id='0x10c9'>82576</product><vendor id='0x8086'>Intel Corporation</vendor>
    <capability type='virt_functions' maxCount='7'/></capability></device>
  <device><name>net_enp1s0</name><parent>pci_0000_01_00_0</parent><capability type='net'>
    <interface>enp1s0</interface><address>52:54:00:12:34:56</address></capability></device>
</node>
"""


def domain_xml(name, disk, mac):
    return f"""<domain type='qemu'>
      <name>{name}</name>
      <memory unit='MiB'>64</memory>
      <vcpu>1</vcpu>
      <os><type arch='x86_64' machine='q35'>hvm</type></os>
      <devices>
        <controller type='pci' index='0' model='pcie-root'/>
        <disk type='file' device='disk'>
          <driver name='qemu' type='qcow2'/>
          <source file='{disk}'/>
          <target dev='vda' bus='virtio'/>
        </disk>
        <interface type='network'><mac address='{mac}'/><source network='dnet'/><model type='virtio'/></interface>
      </devices>
    </domain>"""


def dbus_name_to_property(name):
    """IovWeight -> iov-weight, VMNetworkAdapterName -> vm-network-adapter-name."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", name).lower()


def plain(value):
    """A GObject property value as the D-Bus API carries it."""
    if value is None:
        return ""
    if hasattr(value, "value_nick"):
        return value.value_nick
    if isinstance(value, (list, tuple)):
        return list(value)
    return value


class DBusTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if libvirt is None:
            raise unittest.SkipTest("python3-libvirt or the Vmnet typelib is missing: " + IMPORT_ERROR)
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root (namespaces, test users)")
        for tool in ("qemu-img", "gdbus", "nsenter", "runuser"):
            if not shutil.which(tool):
                raise unittest.SkipTest(f"{tool} is missing")
        ensure_accounts()
        cls.vmnetd = None
        cls.state = tempfile.mkdtemp(prefix="vmnet-dbus-")
        os.chmod(cls.state, 0o755)      # the test users reach libvirt's socket in it
        os.mkdir(os.path.join(cls.state, "dbus-system.d"))
        shutil.copy(os.path.join(SOURCE_ROOT, "data", "dbus", BUS_NAME + ".conf"),
                    os.path.join(cls.state, "dbus-system.d"))
        cls.store = os.path.join(cls.state, "authorization.conf")
        cls.rules = os.path.join(cls.state, "rules", "60-vmnet.rules")
        p = subprocess.run([ENV, "start", cls.state], capture_output=True, text=True, timeout=120)
        if p.returncode == 77:
            shutil.rmtree(cls.state, ignore_errors=True)
            raise unittest.SkipTest(p.stderr.strip())
        if p.returncode != 0:
            raise RuntimeError("cannot start the polkit stack: " + p.stderr)
        cls.uri = p.stdout.strip().splitlines()[-1]
        with open(os.path.join(cls.state, "holder.pid")) as f:
            cls.holder = f.read().strip()
        try:
            store = Vmnet.AuthStore.new()
            store.save(cls.store)
            store.export(None, cls.rules)
            cls.conn = cls.wait_for_root()
            cls.make_vms()
            cls.write_store()
            cls.start_vmnetd()
            cls.bus = Gio.DBusConnection.new_for_address_sync(
                f"unix:path=/proc/{cls.holder}/root/run/dbus/system_bus_socket",
                Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
                None, None)
            cls.wait_for_tree()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def wait_for_root(cls):
        for _ in range(100):
            try:
                return libvirt.open(cls.uri)
            except libvirt.libvirtError:
                time.sleep(0.05)
        return libvirt.open(cls.uri)

    @classmethod
    def make_vms(cls):
        images = os.path.join(cls.state, "lib", "images")
        cls.conn.networkDefineXML("<network><name>dnet</name></network>")
        cls.macs = {"alice-vm": "52:54:00:19:00:01", "bob-vm": "52:54:00:19:00:02"}
        for name, mac in cls.macs.items():
            disk = os.path.join(images, name + ".qcow2")
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "16M"], check=True)
            cls.conn.defineXML(domain_xml(name, disk, mac))

    @classmethod
    def cli(cls, *args):
        cmd = [VMNET, "--connect", cls.uri, *args]
        if args[0] not in ("set-vmnetworkadapter", "get-vmnetworkadapter"):
            cmd += ["--store", cls.store, "--rules", cls.rules]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} -> {p.returncode}: {p.stderr}")
        return p

    @classmethod
    def write_store(cls):
        """alice owns alice-vm (its own scope); carol may only look at it; bob is granted nothing."""
        ops = ["--operation", "Read service configuration"] + [x for op in VM_OPS for x in ("--operation", op)]
        cls.cli("new-vmrole", "--name", "VM owner", *ops)
        cls.cli("new-vmrole", "--name", "VM viewer", "--operation", "Read service configuration",
                "--operation", "Read VM configuration")
        cls.cli("new-vmscope", "--name", "alice-scope")
        cls.cli("set-vmscope", "--vm-name", "alice-vm", "--scope", "alice-scope")
        cls.cli("grant-vmrole", "--role", "VM owner", "--user", "vmnt-alice", "--scope", "alice-scope")
        cls.cli("grant-vmrole", "--role", "VM viewer", "--user", "vmnt-carol", "--scope", "alice-scope")

    @classmethod
    def start_vmnetd(cls, uri=None, *args):
        cls.vmnetd_log = open(os.path.join(cls.state, "log", "vmnetd.log"), "a+")
        cls.vmnetd = subprocess.Popen(
            ["nsenter", "-t", cls.holder, "-m", "-n", "--", VMNETD, "--connect", uri or cls.uri, "--bus", "system",
             "--config", os.path.join(cls.state, "no-vmnetd.conf"), "--verbose", *args],
            stdout=cls.vmnetd_log, stderr=subprocess.STDOUT)

    @classmethod
    def stop_vmnetd(cls):
        cls.vmnetd.terminate()
        try:
            cls.vmnetd.wait(timeout=20)
        except subprocess.TimeoutExpired:
            cls.vmnetd.kill()
            cls.vmnetd.wait()
        cls.vmnetd_log.close()
        # Until the name is released, calls would still reach the old one.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                cls.managed_objects()
            except GLib.Error:
                return
            time.sleep(0.1)

    @classmethod
    def vmnetd_output(cls):
        cls.vmnetd_log.flush()
        with open(cls.vmnetd_log.name, errors="replace") as f:
            return f.read()

    @classmethod
    def wait_for_tree(cls):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if cls.vmnetd.poll() is not None:
                raise RuntimeError("vmnetd exited:\n" + cls.vmnetd_output())
            try:
                objects = cls.managed_objects()
                if len([p for p in objects if "/NetworkAdapter/" in p]) == 2:
                    return
            except GLib.Error:
                pass
            time.sleep(0.1)
        raise RuntimeError("vmnetd did not serve the host:\n" + cls.vmnetd_output())

    @classmethod
    def tearDownClass(cls):
        if cls.vmnetd and cls.vmnetd.poll() is None:
            cls.vmnetd.terminate()
            try:
                cls.vmnetd.wait(timeout=20)
            except subprocess.TimeoutExpired:
                cls.vmnetd.kill()
                cls.vmnetd.wait()
        if os.environ.get("VMNET_AUTH_KEEP"):
            print(f"kept {cls.state} ({cls.uri})", file=sys.stderr)
            return
        try:
            cls.conn.close()
        except Exception:
            pass
        subprocess.run([ENV, "stop", cls.state], capture_output=True, timeout=60)
        shutil.rmtree(cls.state, ignore_errors=True)

    # helpers

    @classmethod
    def managed_objects(cls):
        reply = cls.bus.call_sync(BUS_NAME, ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
                                  None, GLib.VariantType("(a{oa{sa{sv}}})"), Gio.DBusCallFlags.NONE, 10000, None)
        return reply.unpack()[0]

    def adapter_path(self, vm):
        for path, ifaces in self.managed_objects().items():
            a = ifaces.get(IFACE + "NetworkAdapter")
            if a and a["VMName"] == vm:
                return path
        self.fail(f"no NetworkAdapter object of {vm}")

    def prop(self, path, iface, name):
        reply = self.bus.call_sync(BUS_NAME, path, "org.freedesktop.DBus.Properties", "Get",
                                   GLib.Variant("(ss)", (IFACE + iface, name)), GLib.VariantType("(v)"),
                                   Gio.DBusCallFlags.NONE, 10000, None)
        return reply.unpack()[0]

    def call_as(self, user, path, settings_text, signature_ok=True):
        """NetworkAdapter.Set through gdbus on the private bus, as @user; (rc, stderr)."""
        cmd = ["nsenter", "-t", self.holder, "-m", "-n", "--"]
        if user:
            cmd += ["runuser", "-u", user, "--"]
        cmd += ["gdbus", "call", "--system", "--dest", BUS_NAME, "--object-path", path,
                "--method", IFACE + "NetworkAdapter.Set", settings_text]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return p.returncode, p.stderr.strip()

    def direct_adapter(self, vm):
        host = Vmnet.Host.new_for_uri(self.uri, None)
        for a in host.get_network_adapters():
            if a.get_vm_name() == vm:
                return a
        self.fail(f"{vm} has no adapter in a direct read")

    def assert_alive(self):
        self.assertIsNone(self.vmnetd.poll(), "vmnetd exited:\n" + self.vmnetd_output()[-3000:])
        self.assertIn(ROOT + "/Host", self.managed_objects())
        self.assertNotIn("CRITICAL", self.vmnetd_output())

    def polkitd_log(self):
        with open(os.path.join(self.state, "log", "polkitd.log"), errors="replace") as f:
            return f.read()

    # the checks

    def client_objects(self):
        """The tree as GDBus's ObjectManager client caches it: path -> interface -> properties."""
        manager = Gio.DBusObjectManagerClient.new_sync(self.bus, Gio.DBusObjectManagerClientFlags.NONE, BUS_NAME,
                                                       ROOT, None, None, None)
        tree = {}
        for obj in manager.get_objects():
            for proxy in obj.get_interfaces():
                tree.setdefault(obj.get_object_path(), {})[proxy.get_interface_name()] = {
                    name: proxy.get_cached_property(name).unpack() for name in proxy.get_cached_property_names()}
        return tree

    def test_1_tree_matches_direct_read(self):
        objects = self.client_objects()
        self.assertEqual(objects, self.managed_objects())
        host = Vmnet.Host.new_for_uri(self.uri, None)
        expected = {ROOT + "/Host": ("Host", host)}
        for sw in host.get_switches():
            expected[f"{ROOT}/Switch/{Gio.dbus_escape_object_path(sw.get_name())}"] = ("Switch", sw)
        for pf in host.get_net_adapters_sriov():
            expected[f"{ROOT}/NetAdapterSriov/{Gio.dbus_escape_object_path(pf.get_pci_address())}"] = \
                ("NetAdapterSriov", pf)
            for vf in pf.get_virtual_functions():
                expected[f"{ROOT}/VirtualFunction/{Gio.dbus_escape_object_path(vf.get_pci_address())}"] = \
                    ("VirtualFunction", vf)
        uuids = {}
        for vm in host.get_vms():
            uuids[vm.get_name()] = vm.get_uuid()
            for a in vm.get_network_adapters():
                key = Gio.dbus_escape_object_path(f"{vm.get_uuid()}/{a.get_mac_address()}")
                expected[f"{ROOT}/NetworkAdapter/{key}"] = ("NetworkAdapter", a)
        self.assertEqual(set(objects), set(expected))
        self.assertIn("dnet", [sw.get_name() for sw in host.get_switches()])
        compared = 0
        for path, (kind, obj) in expected.items():
            props = objects[path][IFACE + kind]
            for name, value in props.items():
                if name == "Connected":
                    self.assertTrue(value)
                    continue
                if name == "VMId":
                    self.assertEqual(value, uuids[obj.get_vm_name()], path)
                    continue
                self.assertEqual(value, plain(obj.get_property(dbus_name_to_property(name))), f"{path} {name}")
                compared += 1
        self.assertGreater(compared, 40)

    def test_2_change_through_libvirt_is_signalled(self):
        path = self.adapter_path("bob-vm")
        seen = []
        loop = GLib.MainLoop()

        def on_signal(conn, sender, obj, iface, signal, params):
            name, changed, _ = params.unpack()
            if name == IFACE + "NetworkAdapter" and obj == path and changed.get("IovWeight") == 42:
                seen.append(time.monotonic())
                loop.quit()

        sub = self.bus.signal_subscribe(BUS_NAME, "org.freedesktop.DBus.Properties", "PropertiesChanged", path,
                                        None, Gio.DBusSignalFlags.NONE, on_signal)
        try:
            start = time.monotonic()
            # Straight through libvirt, not through vmnetd.
            self.cli("set-vmnetworkadapter", "--vm-name", "bob-vm", "--iov-weight", "42")
            cli_done = time.monotonic()
            GLib.timeout_add_seconds(20, loop.quit)
            loop.run()
        finally:
            self.bus.signal_unsubscribe(sub)
        self.assertTrue(seen, "no PropertiesChanged with IovWeight 42:\n" + self.vmnetd_output()[-3000:])
        print(f"vmnet set-vmnetworkadapter ran {cli_done - start:.3f} s; PropertiesChanged "
              f"{seen[0] - start:.3f} s after it started", file=sys.stderr)
        self.assertEqual(self.prop(path, "NetworkAdapter", "IovWeight"), 42)

    def test_3_set_by_an_allowed_user(self):
        path = self.adapter_path("alice-vm")
        rc, err = self.call_as("vmnt-alice", path,
                               "{'IovWeight': <uint32 17>, 'IovInterruptModeration': <'low'>, 'VlanId': <12>}")
        self.assertEqual(rc, 0, err)
        # The reply comes once the properties show it.
        self.assertEqual(self.prop(path, "NetworkAdapter", "IovWeight"), 17)
        self.assertEqual(self.prop(path, "NetworkAdapter", "IovInterruptModeration"), "low")
        self.assertEqual(self.prop(path, "NetworkAdapter", "VlanId"), 12)
        direct = self.direct_adapter("alice-vm")
        self.assertEqual(direct.get_iov_weight(), 17)
        self.assertEqual(direct.get_vlan_id(), 12)
        # A client caching the properties sees the change before the reply (root may: the rules).
        events = []
        loop = GLib.MainLoop()

        def on_signal(conn, sender, obj, iface, signal, params):
            if params.unpack()[1].get("IovWeight") == 23:
                events.append("signal")

        def on_reply(bus, result):
            bus.call_finish(result)
            events.append("reply")
            loop.quit()

        sub = self.bus.signal_subscribe(BUS_NAME, "org.freedesktop.DBus.Properties", "PropertiesChanged", path,
                                        None, Gio.DBusSignalFlags.NONE, on_signal)
        try:
            self.bus.call(BUS_NAME, path, IFACE + "NetworkAdapter", "Set",
                          GLib.Variant("(a{sv})", ({"IovWeight": GLib.Variant("u", 23)},)), None,
                          Gio.DBusCallFlags.NONE, 30000, None, on_reply)
            GLib.timeout_add_seconds(30, loop.quit)
            loop.run()
        finally:
            self.bus.signal_unsubscribe(sub)
        self.assertEqual(events, ["signal", "reply"])

    def test_4_set_refused_with_the_operation_named(self):
        alice_path = self.adapter_path("alice-vm")
        bob_path = self.adapter_path("bob-vm")
        before = self.prop(alice_path, "NetworkAdapter", "IovWeight")
        # carol sees alice-vm but may not change it.
        rc, err = self.call_as("vmnt-carol", alice_path, "{'IovWeight': <uint32 99>}")
        self.assertNotEqual(rc, 0)
        self.assertIn(IFACE + "Error.AccessDenied", err)
        self.assertIn("'Create or reconfigure VM'", err)
        self.assertIn("VM 'alice-vm'", err)
        self.assertIn("org.libvirt.api.domain.write", err)
        self.assertEqual(self.prop(alice_path, "NetworkAdapter", "IovWeight"), before)
        self.assertEqual(self.direct_adapter("alice-vm").get_iov_weight(), before)
        # The store's rules decided, with libvirt's details: their log names the VM and its scope.
        line = 'vmnet: denied "domain.write" to user "vmnt-carol" on VM "alice-vm" in scope "alice-scope"'
        deadline = time.monotonic() + 10
        while line not in self.polkitd_log() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertIn(line, self.polkitd_log())
        # To bob, who may not see alice-vm, its adapter does not exist; alice's own change is refused
        # the same way for bob-vm.
        for user, path in (("vmnt-bob", alice_path), ("vmnt-alice", bob_path)):
            rc, err = self.call_as(user, path, "{'IovWeight': <uint32 5>}")
            self.assertNotEqual(rc, 0)
            self.assertIn("org.freedesktop.DBus.Error.UnknownMethod", err)
            self.assertNotIn("AccessDenied", err)
        self.assertEqual(self.prop(alice_path, "NetworkAdapter", "IovWeight"), before)
        # root is allowed by the rules, as in libvirt.
        rc, err = self.call_as(None, bob_path, "{'IovWeight': <uint32 7>}")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.prop(bob_path, "NetworkAdapter", "IovWeight"), 7)
        self.assert_alive()

    def test_5_malformed_and_hostile_calls(self):
        path = self.adapter_path("alice-vm")
        before = self.prop(path, "NetworkAdapter", "IovWeight")
        cases = [
            ("{'IovWeight': <uint32 101>}", "InvalidArgument", "settings: IovWeight 101"),
            ("{'IovWeight': <'x'>}", "InvalidArgument", "'IovWeight' must be of type 'u'"),
            ("{'IovWeight': <int32 -1>}", "InvalidArgument", "'IovWeight' must be of type 'u'"),
            ("{'IovWeight': <uint32 4294967295>}", "InvalidArgument", "'IovWeight'"),
            ("{'Bogus': <1>}", "InvalidArgument", "unknown key 'Bogus'"),
            ("{'IovInterruptModeration': <'turbo'>}", "InvalidArgument", "'IovInterruptModeration' 'turbo'"),
            ("{'VlanId': <5000>}", "InvalidArgument", "settings: VLAN 5000"),
            ("{'IovWeight': <uint32 5>, 'Bogus\\n\\u0001': <uint32 5>}", "InvalidArgument", "unknown key"),
            ("@a{sv} {}", "InvalidArgument", "nothing to change"),
            ("{'" + "A" * 100000 + "': <1>}", "InvalidArgument", "unknown key 'AAAA"),
        ]
        for text, code, named in cases:
            with self.subTest(settings=text[:60]):
                rc, err = self.call_as("vmnt-alice", path, text)
                self.assertNotEqual(rc, 0)
                self.assertIn(IFACE + "Error." + code, err)
                self.assertIn(named, err)
                self.assertLess(len(err), 2000, "the error message echoes the whole argument")
        # A wrong signature is refused by the bus layer, naming the type expected.
        p = subprocess.run(["nsenter", "-t", self.holder, "-m", "-n", "--", "runuser", "-u", "vmnt-alice", "--",
                            "dbus-send", "--system", "--print-reply", "--dest=" + BUS_NAME, path,
                            IFACE + "NetworkAdapter.Set", "string:IovWeight"],
                           capture_output=True, text=True, timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("InvalidArgs", p.stderr)
        self.assertIn("a{sv}", p.stderr)
        # An object that does not exist.
        rc, err = self.call_as("vmnt-alice", ROOT + "/NetworkAdapter/nothing", "{'IovWeight': <uint32 1>}")
        self.assertNotEqual(rc, 0)
        self.assertTrue("UnknownObject" in err or "UnknownMethod" in err, err)
        # A burst of calls in flight at once, by a user who may look but not change.
        procs = [subprocess.Popen(["nsenter", "-t", self.holder, "-m", "-n", "--", "runuser", "-u", "vmnt-carol", "--",
                                   "gdbus", "call", "--system", "--dest", BUS_NAME, "--object-path", path,
                                   "--method", IFACE + "NetworkAdapter.Set", "{'IovWeight': <uint32 1>}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(20)]
        for p in procs:
            _, err = p.communicate(timeout=120)
            self.assertIn("AccessDenied", err)
        self.assertEqual(self.prop(path, "NetworkAdapter", "IovWeight"), before)
        self.assert_alive()


    def switch_path(self, name):
        return f"{ROOT}/Switch/{Gio.dbus_escape_object_path(name)}"

    def remove_as(self, user, name, force):
        cmd = ["nsenter", "-t", self.holder, "-m", "-n", "--"]
        if user:
            cmd += ["runuser", "-u", user, "--"]
        cmd += ["gdbus", "call", "--system", "--dest", BUS_NAME, "--object-path", self.switch_path(name),
                "--method", IFACE + "Switch.Remove", "true" if force else "false"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return p.returncode, p.stderr.strip()

    def wait_for_object(self, path, present):
        deadline = time.monotonic() + 20
        while (path in self.managed_objects()) != present and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(path in self.managed_objects(), present, path)

    def test_6_switch_remove(self):
        self.conn.networkDefineXML("<network><name>rm-net</name></network>")
        self.wait_for_object(self.switch_path("rm-net"), True)
        # alice may change her VM, not switches.
        rc, err = self.remove_as("vmnt-alice", "rm-net", False)
        self.assertNotEqual(rc, 0)
        self.assertIn(IFACE + "Error.AccessDenied", err)
        self.assertIn("'Start and stop switches'", err)
        self.assertIn("network 'rm-net'", err)
        self.assertIn("rm-net", self.conn.listDefinedNetworks())
        # A switch with VM adapters on it is busy unless forced, whoever asks.
        rc, err = self.remove_as(None, "dnet", False)
        self.assertNotEqual(rc, 0)
        self.assertIn(IFACE + "Error.Busy", err)
        self.assertIn("alice-vm", err)
        # root: gone from libvirt, and the object before the reply.
        rc, err = self.remove_as(None, "rm-net", False)
        self.assertEqual(rc, 0, err)
        self.assertNotIn(self.switch_path("rm-net"), self.managed_objects())
        self.assertNotIn("rm-net", self.conn.listDefinedNetworks() + self.conn.listNetworks())
        self.assert_alive()


    def new_switch_as(self, user, name, bridge):
        cmd = ["nsenter", "-t", self.holder, "-m", "-n", "--"]
        if user:
            cmd += ["runuser", "-u", user, "--"]
        cmd += ["gdbus", "call", "--system", "--dest", BUS_NAME, "--object-path", ROOT + "/Host",
                "--method", IFACE + "Host.NewSwitch", name, "", bridge, "false"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout.strip(), p.stderr.strip()

    def test_7_new_switch(self):
        rc, out, err = self.new_switch_as("vmnt-alice", "dbus-sw", "virbr-dbus")
        self.assertNotEqual(rc, 0)
        self.assertIn(IFACE + "Error.AccessDenied", err)
        self.assertIn("'Modify switch settings'", err)
        self.assertIn("network 'dbus-sw'", err)
        self.assertNotIn("dbus-sw", self.conn.listDefinedNetworks() + self.conn.listNetworks())
        # Malformed names, refused naming the argument.
        rc, out, err = self.new_switch_as(None, "", "virbr-dbus")
        self.assertIn(IFACE + "Error.InvalidArgument", err)
        self.assertIn("name:", err)
        rc, out, err = self.new_switch_as(None, "x" * 300, "virbr-dbus")
        self.assertIn(IFACE + "Error.InvalidArgument", err)
        self.assertIn("300", err)
        rc, out, err = self.new_switch_as(None, "bad\tname", "virbr-dbus")
        self.assertIn(IFACE + "Error.InvalidArgument", err)
        # root: the switch in libvirt, and its object before the reply.
        rc, out, err = self.new_switch_as(None, "dbus-sw", "virbr-dbus")
        self.assertEqual(rc, 0, err)
        self.assertIn(self.switch_path("dbus-sw"), out)
        self.assertIn(self.switch_path("dbus-sw"), self.managed_objects())
        self.assertIn("dbus-sw", self.conn.listNetworks())
        self.assertEqual(self.prop(self.switch_path("dbus-sw"), "Switch", "SwitchType"), "external")
        rc, out, err = self.new_switch_as(None, "dbus-sw", "virbr-dbus")
        self.assertIn(IFACE + "Error.AlreadyExists", err)
        rc, err = self.remove_as(None, "dbus-sw", False)
        self.assertEqual(rc, 0, err)
        self.assertNotIn(self.switch_path("dbus-sw"), self.managed_objects())
        self.assert_alive()


    def test_8_vm_defined_and_undefined_through_libvirt(self):
        disk = os.path.join(self.state, "lib", "images", "carol-vm.qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "16M"], check=True)
        dom = self.conn.defineXML(domain_xml("carol-vm", disk, "52:54:00:19:00:03"))
        key = Gio.dbus_escape_object_path(f"{dom.UUIDString()}/52:54:00:19:00:03")
        path = f"{ROOT}/NetworkAdapter/{key}"
        self.wait_for_object(path, True)
        self.assertEqual(self.prop(path, "NetworkAdapter", "VMName"), "carol-vm")
        self.assertEqual(self.prop(path, "NetworkAdapter", "VMId"), dom.UUIDString())
        dom.undefine()
        self.wait_for_object(path, False)
        self.assert_alive()

    def as_user(self, user, *argv, timeout=60):
        cmd = ["nsenter", "-t", self.holder, "-m", "-n", "--"]
        if user:
            cmd += ["runuser", "-u", user, "--"]
        return subprocess.run(cmd + list(argv), capture_output=True, text=True, timeout=timeout)

    def user_objects(self, user):
        """GetManagedObjects as @user: path -> interface -> properties."""
        p = self.as_user(user, "/usr/bin/python3", "-c", LISTENER, "0")
        self.assertEqual(p.returncode, 0, p.stderr)
        return eval(p.stdout.splitlines()[0].split(" ", 1)[1])  # the repr of plain dicts, lists, numbers

    @staticmethod
    def decode_model(generation, host, data):
        """GetModel's reply as a client reads it: (generation, host, {VM: {adapter: (MAC, IovWeight)}},
        (switch names, host check titles))."""
        model = GLib.Variant.new_from_bytes(GLib.VariantType(MODEL_TYPE), GLib.Bytes.new(bytes(data)), False)
        assert model.is_normal_form()
        version, strings, pfs, vfs, switches, vms, adapters, checks, _, first, n = model.unpack()
        assert version == 1

        def text(k):
            return strings[k - 1] if k else None

        by_vm = {}
        for vm in vms:
            by_vm[text(vm[0])] = {text(a[4]): (text(a[5]), a[9]) for a in adapters[vm[4]:vm[4] + vm[5]]}
        return generation, host, by_vm, ([text(sw[0]) for sw in switches],
                                         [text(c[2]) for c in checks[first:first + n]])

    def get_model(self):
        reply = self.bus.call_sync(BUS_NAME, ROOT + "/Host", IFACE + "Host", "GetModel", None,
                                   GLib.VariantType("(ta{sv}ay)"), Gio.DBusCallFlags.NONE, 30000, None)
        generation = reply.get_child_value(0).get_uint64()
        host = reply.get_child_value(1).unpack()
        data = reply.get_child_value(2).get_data_as_bytes().get_data()
        return self.decode_model(generation, host, data)

    def user_model(self, user):
        """GetModel as @user: (generation, host, {VM: {adapter: (MAC, IovWeight)}})."""
        p = self.as_user(user, "/usr/bin/python3", "-c", GET_MODEL)
        self.assertEqual(p.returncode, 0, p.stderr)
        generation, data = p.stdout.split()
        return self.decode_model(int(generation), None, bytes.fromhex(data))[:3]

    def test_9_each_user_sees_what_libvirt_shows_them(self):
        alice_path = self.adapter_path("alice-vm")
        bob_path = self.adapter_path("bob-vm")
        # root sees everything.
        adapters = {p for p in self.managed_objects() if "/NetworkAdapter/" in p}
        self.assertEqual(adapters, {alice_path, bob_path})
        # alice: her VM's adapter only; carol the same (she may look at it); bob: none.
        for user, expected in (("vmnt-alice", {alice_path}), ("vmnt-carol", {alice_path}), ("vmnt-bob", set())):
            with self.subTest(user=user):
                objects = self.user_objects(user)
                self.assertEqual({p for p in objects if "/NetworkAdapter/" in p}, expected)
                for path in expected:
                    self.assertEqual(objects[path][IFACE + "NetworkAdapter"]["VMName"], "alice-vm")
        # To bob, Get, GetAll and Introspect on alice's adapter answer as for a path that does not exist.
        nowhere = ROOT + "/NetworkAdapter/nothing"
        for method, args in (("Get", [IFACE + "NetworkAdapter", "IovWeight"]), ("GetAll", [IFACE + "NetworkAdapter"])):
            errors = []
            for path in (alice_path, nowhere):
                p = self.as_user("vmnt-bob", "gdbus", "call", "--system", "--dest", BUS_NAME, "--object-path", path,
                                 "--method", "org.freedesktop.DBus.Properties." + method, *args)
                self.assertNotEqual(p.returncode, 0, p.stdout)
                errors.append(p.stderr.strip().replace(path, "PATH"))
            self.assertEqual(errors[0], errors[1])
            self.assertIn("UnknownMethod", errors[0])
        p = self.as_user("vmnt-alice", "gdbus", "call", "--system", "--dest", BUS_NAME, "--object-path", alice_path,
                         "--method", "org.freedesktop.DBus.Properties.Get", IFACE + "NetworkAdapter", "VMName")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("alice-vm", p.stdout)
        # Introspection lists the nodes a caller sees (known once it called vmnetd).
        listed = {}
        for user in ("vmnt-alice", "vmnt-bob", None):
            p = self.as_user(user, "/usr/bin/python3", "-c", INTROSPECT)
            self.assertEqual(p.returncode, 0, p.stderr)
            listed[user] = set(p.stdout.split())
        self.assertEqual(listed["vmnt-alice"], {alice_path.rsplit("/", 1)[1]})
        self.assertEqual(listed["vmnt-bob"], set())
        self.assertEqual(listed[None], {alice_path.rsplit("/", 1)[1], bob_path.rsplit("/", 1)[1]})
        # A walk of the tree from its root as a connection's first calls lists the same (the
        # answer waits for polkit).
        for user in ("vmnt-alice", "vmnt-bob", None):
            p = self.as_user(user, "/usr/bin/python3", "-c", INTROSPECT_FIRST)
            self.assertEqual(p.returncode, 0, p.stderr)
            kinds, adapters = p.stdout.splitlines()
            self.assertEqual(set(kinds.split()), {"Host", "Switch", "NetAdapterSriov", "VirtualFunction",
                                                  "NetworkAdapter"})
            self.assertEqual(set(adapters.split()), listed[user], user)
        self.assert_alive()

    def test_10_signals_reach_only_who_sees_the_object(self):
        alice_path = self.adapter_path("alice-vm")
        listeners = {}
        for user in ("vmnt-alice", "vmnt-bob"):
            cmd = ["nsenter", "-t", self.holder, "-m", "-n", "--", "runuser", "-u", user, "--",
                   "/usr/bin/python3", "-c", LISTENER, "15"]
            listeners[user] = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for user, proc in listeners.items():
            self.assertTrue(proc.stdout.readline().startswith("objects "), proc.stderr.read() if proc.poll() else user)
        try:
            # Straight through libvirt, and through vmnetd.
            self.cli("set-vmnetworkadapter", "--vm-name", "alice-vm", "--iov-weight", "61")
            rc, err = self.call_as(None, self.adapter_path("bob-vm"), "{'IovWeight': <uint32 62>}")
            self.assertEqual(rc, 0, err)
            rc, err = self.call_as("vmnt-alice", alice_path, "{'IovWeight': <uint32 63>}")
            self.assertEqual(rc, 0, err)
            out = {}
            for user, proc in listeners.items():
                out[user], _ = proc.communicate(timeout=60)
        finally:
            for proc in listeners.values():
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        alice = [line.split(" ", 2) for line in out["vmnt-alice"].splitlines()]
        changed = [eval(rest) for sig, path, rest in alice if sig == "PropertiesChanged" and path == alice_path]
        self.assertIn(61, [c.get("IovWeight") for c in changed], out["vmnt-alice"])
        self.assertIn(63, [c.get("IovWeight") for c in changed], out["vmnt-alice"])
        self.assertNotIn("/NetworkAdapter/", "\n".join(line for line in out["vmnt-alice"].splitlines()
                                                        if alice_path not in line))
        self.assertNotIn("/NetworkAdapter/", out["vmnt-bob"])
        self.assert_alive()

    def test_9b_a_change_of_the_rules_shows_and_hides(self):
        """bob is granted the viewer role on alice's scope, then loses it: the store rewrites polkit's
        rules, and bob, following vmnetd, is told of alice's adapter and then of its going."""
        alice_path = self.adapter_path("alice-vm")
        cmd = ["nsenter", "-t", self.holder, "-m", "-n", "--", "runuser", "-u", "vmnt-bob", "--",
               "/usr/bin/python3", "-c", LISTENER, "20"]
        bob = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        granted = False
        try:
            first = bob.stdout.readline()
            self.assertTrue(first.startswith("objects "), first + (bob.stderr.read() if bob.poll() else ""))
            self.assertNotIn(alice_path, first)
            self.cli("grant-vmrole", "--role", "VM viewer", "--user", "vmnt-bob", "--scope", "alice-scope")
            granted = True
            line = ""
            deadline = time.monotonic() + 10
            while alice_path not in line and time.monotonic() < deadline:
                line = bob.stdout.readline()
            self.assertTrue(line.startswith(f"InterfacesAdded {ROOT} '{alice_path}'"), line)
            self.assertEqual(self.user_objects("vmnt-bob").keys() & {alice_path}, {alice_path})
            self.cli("revoke-vmrole", "--role", "VM viewer", "--user", "vmnt-bob", "--scope", "alice-scope")
            granted = False
            line = ""
            while alice_path not in line and time.monotonic() < deadline + 10:
                line = bob.stdout.readline()
            self.assertTrue(line.startswith(f"InterfacesRemoved {ROOT} '{alice_path}'"), line)
            self.assertNotIn(alice_path, self.user_objects("vmnt-bob"))
        finally:
            bob.kill()
            bob.wait()
            if granted:
                self.cli("revoke-vmrole", "--role", "VM viewer", "--user", "vmnt-bob", "--scope", "alice-scope")
        self.assert_alive()

    def test_9z_set_num_vfs(self):
        """SetNumVFs on an SR-IOV adapter: vmnetd on a host whose files are a fixture tree (the private
        stack has no SR-IOV adapter), on the same bus and polkit; then the usual vmnetd again."""
        root = os.path.join(self.state, "fixture")
        pf = os.path.join(root, "sys/devices/pci0000:00/0000:01:00.0")
        os.makedirs(os.path.join(pf, "net/enp1s0"))
        os.makedirs(os.path.join(root, "sys/bus/pci/devices"))
        os.symlink(pf, os.path.join(root, "sys/bus/pci/devices/0000:01:00.0"))
        os.makedirs(os.path.join(root, "sys/class/net"))
        os.symlink(os.path.join(pf, "net/enp1s0"), os.path.join(root, "sys/class/net/enp1s0"))
        for name, value in (("sriov_totalvfs", "7"), ("sriov_numvfs", "0")):
            with open(os.path.join(pf, name), "w") as f:
                f.write(value + "\n")
        xml = os.path.join(self.state, "fixture.xml")
        with open(xml, "w") as f:
            f.write(PF_XML)
        path = ROOT + "/NetAdapterSriov/" + Gio.dbus_escape_object_path("0000:01:00.0")
        self.stop_vmnetd()
        try:
            self.start_vmnetd("test://" + xml, "--host-root", root)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and self.vmnetd.poll() is None:
                try:
                    if path in self.managed_objects():
                        break
                except GLib.Error:
                    pass
                time.sleep(0.1)
            self.assertIn(path, self.managed_objects(), self.vmnetd_output()[-3000:])
            self.assertEqual(self.prop(path, "NetAdapterSriov", "MaxVfs"), 7)
            # GetModel holds the adapter for each caller who sees its object (carol may look at it).
            for user in (None, "vmnt-carol"):
                self.assertEqual(self.assert_model_is_objects(user, [])[2], {"0000:01:00.0"}, user)

            def set_as(user, count):
                p = self.as_user(user, "gdbus", "call", "--system", "--dest", BUS_NAME, "--object-path", path,
                                 "--method", IFACE + "NetAdapterSriov.SetNumVFs", str(count))
                return p.returncode, p.stderr.strip()

            # carol may look at the adapter, not change it; bob does not see it.
            rc, err = set_as("vmnt-carol", 4)
            self.assertNotEqual(rc, 0)
            self.assertIn(IFACE + "Error.AccessDenied", err)
            self.assertIn("'Change external Ethernet ports'", err)
            self.assertIn("node device 'pci_0000_01_00_0'", err)
            self.assertIn("org.libvirt.api.node-device.write", err)
            rc, err = set_as("vmnt-bob", 4)
            self.assertIn("org.freedesktop.DBus.Error.UnknownMethod", err)
            # The library's range check, naming the allowed values.
            rc, err = set_as(None, 9)
            self.assertIn(IFACE + "Error.InvalidArgument", err)
            self.assertIn("7", err)
            rc, err = set_as(None, 4294967295)
            self.assertIn(IFACE + "Error.InvalidArgument", err)
            self.assertIn("num_vfs", err)
            with open(os.path.join(pf, "sriov_numvfs")) as f:
                self.assertEqual(f.read().strip(), "0")
            # root: the kernel's file, the lasting record and the property before the reply.
            rc, err = set_as(None, 4)
            self.assertEqual(rc, 0, err)
            self.assertEqual(self.prop(path, "NetAdapterSriov", "NumVfs"), 4)
            with open(os.path.join(pf, "sriov_numvfs")) as f:
                self.assertEqual(f.read().strip(), "4")
            with open(os.path.join(root, "etc/vmnet/sriov.conf")) as f:
                self.assertIn("num-vfs=4", f.read())
            self.assertIsNone(self.vmnetd.poll())
        finally:
            self.stop_vmnetd()
            self.start_vmnetd()
            self.wait_for_tree()
        self.assert_alive()

    # A VmnetHost attached to vmnetd (doc/dbus.md, "Clients of the library"): the CLI and Python, unchanged,
    # read vmnetd's model instead of libvirt and make the changes vmnetd serves through it.

    def vmnet_in_ns(self, user, *args, env=None, timeout=60):
        cmd = ["nsenter", "-t", self.holder, "-m", "-n", "--"]
        if user:
            cmd += ["runuser", "-u", user, "--"]
        if env:
            cmd += ["env", *[f"{k}={v}" for k, v in env.items()]]
        return subprocess.run(cmd + [VMNET, "--connect", self.uri, *args], capture_output=True, text=True,
                              timeout=timeout)

    def libvirtd_pid(self):
        with open(os.path.join(self.state, "libvirtd.pid")) as f:
            pid = int(f.read().strip())
        self.assertTrue(os.readlink(f"/proc/{pid}/exe").endswith("libvirtd"), "libvirtd.pid is not libvirtd")
        return pid

    def assert_attached(self, user):
        """The CLI, as @user, reads vmnetd's model (its debug messages say so)."""
        p = self.vmnet_in_ns(user, "--verbose", "get-vmhost")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("from vmnetd", p.stdout + p.stderr)
        self.assertNotIn("reading libvirt", p.stdout + p.stderr)

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
        pid = self.libvirtd_pid()
        os.kill(pid, signal.SIGSTOP)
        try:
            p = self.vmnet_in_ns(None, "get-vmnetworkadapter", "--vm-name", "alice-vm", "--output", "json",
                                 timeout=20)
        finally:
            os.kill(pid, signal.SIGCONT)
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

    def test_11_get_model_matches_direct_read(self):
        generation, host, adapters, (switches, checks) = self.get_model()
        direct = Vmnet.Host.new_for_uri(self.uri, None)
        self.assertGreaterEqual(generation, 1)
        self.assertTrue(host["Connected"])
        self.assertEqual(host["Uri"], self.uri)
        self.assertEqual(host["ComputerName"], direct.get_computer_name())
        self.assertEqual(host["LibvirtVersion"], direct.get_libvirt_version())
        self.assertEqual(host["HostRoot"], direct.get_host_root() or "")
        expected = {vm.get_name(): {a.get_name(): (a.get_mac_address(), a.get_iov_weight())
                                    for a in vm.get_network_adapters()} for vm in direct.get_vms()}
        self.assertEqual(adapters, expected)
        self.assertIn("alice-vm", adapters)
        self.assertEqual(sorted(switches), sorted(sw.get_name() for sw in direct.get_switches()))
        self.assertIn("DMA remapping (IOMMU)", checks)
        # The same bytes again while nothing changes.
        self.assertEqual(self.get_model()[:3], (generation, host, adapters))
        self.assert_alive()

    def test_12_get_model_holds_what_each_user_sees(self):
        root_generation, _, everything, _ = self.get_model()
        for user, expected in (("vmnt-alice", {"alice-vm"}), ("vmnt-carol", {"alice-vm"})):
            with self.subTest(user=user):
                generation, _, adapters = self.user_model(user)
                self.assertEqual(set(adapters), expected)
                self.assertEqual(generation, root_generation)
                for vm in expected:
                    self.assertEqual(adapters[vm], everything[vm])
        # bob, granted nothing, does not see the host: as for any object he does not see.
        p = self.as_user("vmnt-bob", "/usr/bin/python3", "-c", GET_MODEL)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("org.freedesktop.DBus.Error.UnknownMethod", p.stderr)
        self.assert_alive()

    @staticmethod
    def model_contents(data):
        """The objects a served model holds: (VMs, switch names, PF PCI addresses, VF PCI addresses),
        and its string table (every string the model holds)."""
        model = GLib.Variant.new_from_bytes(GLib.VariantType(MODEL_TYPE), GLib.Bytes.new(bytes(data)), False)
        version, strings, pfs, vfs, switches, vms, *_ = model.unpack()
        assert version == 1

        def text(k):
            return strings[k - 1] if k else None

        return ({text(vm[0]) for vm in vms}, {text(sw[0]) for sw in switches}, {text(pf[3]) for pf in pfs},
                {text(vf[2]) for vf in vfs}), strings

    @staticmethod
    def served_contents(objects):
        """The same of a caller's served objects (a VM by its adapters)."""
        def values(kind, name):
            return {ifaces[IFACE + kind][name] for ifaces in objects.values() if IFACE + kind in ifaces}

        return (values("NetworkAdapter", "VMName"), values("Switch", "Name"), values("NetAdapterSriov", "PciAddress"),
                values("VirtualFunction", "PciAddress"))

    def assert_model_is_objects(self, user, hidden_vms):
        """@user's GetModel holds what its served objects are, and no string in it names @hidden_vms."""
        objects = self.user_objects(user)
        p = self.as_user(user, "/usr/bin/python3", "-c", GET_MODEL)
        self.assertEqual(p.returncode, 0, p.stderr)
        data = bytes.fromhex(p.stdout.split()[1])
        contents, strings = self.model_contents(data)
        self.assertEqual(contents, self.served_contents(objects), user)
        for vm in hidden_vms:
            self.assertNotIn(vm.encode(), data, user)
            self.assertEqual([t for t in strings if vm in t], [], user)
        return contents

    def test_12b_get_model_holds_only_the_objects_a_user_sees(self):
        """Switches, PFs and VFs too: a user who may read a VM but not the switches gets a model without
        them, and it names no VM the user does not see; the library attached to vmnetd reads it."""
        everything = self.assert_model_is_objects(None, [])
        self.assertEqual(everything[0], {"alice-vm", "bob-vm"})
        self.assertTrue(everything[1], "the host has no switch: nothing to leave out")
        # alice and carol may read the service's configuration (switches, adapters): every switch.
        for user in ("vmnt-alice", "vmnt-carol"):
            with self.subTest(user=user):
                got = self.assert_model_is_objects(user, ["bob-vm"])
                self.assertEqual(got[0], {"alice-vm"})
                self.assertEqual(got[1:], everything[1:])
        # bob may connect and read alice-vm, nothing of the switches or adapters.
        alice_path = self.adapter_path("alice-vm")
        self.cli("new-vmrole", "--name", "VM reader", "--operation", "Connect to the service",
                 "--operation", "View VM configuration")
        self.cli("grant-vmrole", "--role", "VM reader", "--user", "vmnt-bob", "--scope", "alice-scope")
        try:
            deadline = time.monotonic() + 30
            while alice_path not in self.user_objects("vmnt-bob") and time.monotonic() < deadline:
                time.sleep(0.2)
            got = self.assert_model_is_objects("vmnt-bob", ["bob-vm"])
            self.assertEqual(got, ({"alice-vm"}, set(), set(), set()))
            # The library attached to vmnetd reads a model without switches as a direct read shows them.
            self.assert_attached("vmnt-bob")
            served = self.vmnet_in_ns("vmnt-bob", "get-vmnetworkadapter", "--all", "--output", "json")
            self.assertEqual(served.returncode, 0, served.stderr)
            adapters = json.loads(served.stdout)
            self.assertEqual([(a["VMName"], a["SwitchName"]) for a in adapters], [("alice-vm", "dnet")])
            switches = self.vmnet_in_ns("vmnt-bob", "get-vmswitch", "--output", "json")
            self.assertEqual((switches.returncode, switches.stdout.strip()), (0, "[]"), switches.stderr)
        finally:
            self.cli("revoke-vmrole", "--role", "VM reader", "--user", "vmnt-bob", "--scope", "alice-scope")
            self.cli("remove-vmrole", "--name", "VM reader")
        deadline = time.monotonic() + 30
        while alice_path in self.user_objects("vmnt-bob") and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertNotIn(alice_path, self.user_objects("vmnt-bob"))
        self.assert_alive()

    def test_13_model_changes_through_libvirt_and_methods(self):
        before = self.get_model()[0]
        seen = []
        loop = GLib.MainLoop()

        def on_signal(conn, sender, obj, iface, signal, params):
            seen.append(params.unpack()[0])
            loop.quit()

        sub = self.bus.signal_subscribe(BUS_NAME, IFACE + "Host", "ModelChanged", ROOT + "/Host", None,
                                        Gio.DBusSignalFlags.NONE, on_signal)
        try:
            # Straight through libvirt: the pass that follows changes the model once.
            self.cli("set-vmnetworkadapter", "--vm-name", "bob-vm", "--iov-weight", "31")
            GLib.timeout_add_seconds(20, loop.quit)
            loop.run()
            self.assertTrue(seen, "no ModelChanged:\n" + self.vmnetd_output()[-3000:])
            generation, _, adapters, _ = self.get_model()
            self.assertGreater(generation, before)
            self.assertEqual(generation, seen[-1])
            self.assertEqual(list(adapters["bob-vm"].values())[0][1], 31)
            # Through vmnetd: GetModel right after the reply shows the change.
            for weight in (32, 33):
                rc, err = self.call_as(None, self.adapter_path("bob-vm"), "{'IovWeight': <uint32 %d>}" % weight)
                self.assertEqual(rc, 0, err)
                after, _, adapters, _ = self.get_model()
                self.assertEqual(list(adapters["bob-vm"].values())[0][1], weight)
                self.assertGreater(after, generation)
                generation = after
            # Each change one generation, whoever made it.
            ctx = GLib.MainContext.default()
            while ctx.pending():
                ctx.iteration(False)
            self.assertEqual(seen, list(range(seen[0], generation + 1)))
        finally:
            self.bus.signal_unsubscribe(sub)
        self.assert_alive()

    # -- the VM operations (Host.StartVM, SaveVM, ManagedSaveVM, MoveVM, CancelVM) ---------------

    def vm_call(self, user, method, signature, *args, cancel_at=None, timeout=240):
        """Host.METHOD as @user through a client that listens for Progress: its events as lists,
        ["Progress", operation, step, fraction, processed, total] … then ["Reply"] or
        ["Error", name, message]. With cancel_at, CancelVM at the first Progress of that step with
        bytes counted."""
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
        # alice saves it to a file: stopped, the file written.
        events = self.vm_call("vmnt-alice", "SaveVM", "(ss)", "alice-vm", path)
        self.assertEqual(events, [["Progress", "SaveVM", "save", -1.0, 0, 0],
                                  ["Progress", "SaveVM", "done", 1.0, 0, 0], ["Reply"]])
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
        self.assertEqual(events[0][:3], ["Progress", "ManagedSaveVM", "save"])
        self.assertTrue(dom.hasManagedSaveImage())
        self.assertFalse(dom.isActive())
        self.assertEqual(self.vm_call("vmnt-alice", "StartVM", "(s)", "alice-vm")[-1], ["Reply"])
        self.assertTrue(dom.isActive())
        self.assertFalse(dom.hasManagedSaveImage())
        # Only a move can be cancelled; nothing runs now.
        rc, err = self.host_call("vmnt-alice", "CancelVM", "alice-vm")
        self.assertIn(IFACE + "Error.NotFound", err)
        self.assertIn("no operation is running", err)
        dom.destroy()
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


# Run as a test user: Host.ARGV1 with signature ARGV2 and the JSON list ARGV3, listening for Progress;
# prints each event as a JSON list (see DBusTest.vm_call). ARGV4: CancelVM at that step, once bytes count
# (a move: StartVM on the VM first, its error as ["Busy", name, message]); ARGV5: that many seconds later.
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
def on_cancel(conn, result):
    conn.call_finish(result)
    out("Cancelled")
def on_progress(conn, sender, path, iface, name, params):
    vm, operation, step, fraction, processed, total = params.unpack()
    out("Progress", operation, step, fraction, processed, total)
    if cancel_at == step and processed:
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
        GLib.timeout_add_seconds(delay, send_cancel)
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
    loop.quit()
bus.signal_subscribe("%s", "%sHost", "Progress", "%s/Host", None, Gio.DBusSignalFlags.NONE, on_progress)
bus.call("%s", "%s/Host", "%sHost", method, GLib.Variant(signature, tuple(args)), None,
         Gio.DBusCallFlags.NONE, 600000, None, on_reply)
loop.run()
""" % (BUS_NAME, ROOT, IFACE, BUS_NAME, ROOT, IFACE, BUS_NAME, IFACE, ROOT, BUS_NAME, ROOT, IFACE)


# Run as a test user: prints "objects {GetManagedObjects}", then every signal from vmnetd as
# "NAME PATH ARGS" for argv[1] seconds.
LISTENER = """
import sys
from gi.repository import Gio, GLib
bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
def on_signal(conn, sender, path, iface, name, params):
    args = params.unpack()
    print(name, path, repr(args[1] if name == "PropertiesChanged" else args[0]), flush=True)
bus.signal_subscribe("%s", None, None, None, None, Gio.DBusSignalFlags.NONE, on_signal)
reply = bus.call_sync("%s", "%s", "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", None, None,
                      Gio.DBusCallFlags.NONE, 30000, None)
print("objects", repr(reply.unpack()[0]), flush=True)
loop = GLib.MainLoop()
GLib.timeout_add_seconds(int(sys.argv[1]), loop.quit)
loop.run()
""" % (BUS_NAME, BUS_NAME, ROOT)

# Run as a test user: GetManagedObjects, then the nodes that Introspect lists below NetworkAdapter.
INTROSPECT = """
from gi.repository import Gio
bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
bus.call_sync("%s", "%s", "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", None, None,
              Gio.DBusCallFlags.NONE, 30000, None)
xml = bus.call_sync("%s", "%s/NetworkAdapter", "org.freedesktop.DBus.Introspectable", "Introspect", None, None,
                    Gio.DBusCallFlags.NONE, 30000, None).unpack()[0]
print(" ".join(n.path for n in Gio.DBusNodeInfo.new_for_xml(xml).nodes))
""" % (BUS_NAME, ROOT, BUS_NAME, ROOT)
# Run as a test user, the connection's first calls: Introspect on the root, then below NetworkAdapter.
INTROSPECT_FIRST = """
from gi.repository import Gio
bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
for path in ("%s", "%s/NetworkAdapter"):
    xml = bus.call_sync("%s", path, "org.freedesktop.DBus.Introspectable", "Introspect", None, None,
                        Gio.DBusCallFlags.NONE, 30000, None).unpack()[0]
    print(" ".join(n.path for n in Gio.DBusNodeInfo.new_for_xml(xml).nodes))
""" % (ROOT, ROOT, BUS_NAME)

# Run as a test user: Host.GetModel, printed as "GENERATION HEX-OF-THE-MODEL".
GET_MODEL = """
from gi.repository import Gio, GLib
bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
reply = bus.call_sync("%s", "%s/Host", "%sHost", "GetModel", None, GLib.VariantType("(ta{sv}ay)"),
                      Gio.DBusCallFlags.NONE, 30000, None)
print(reply.get_child_value(0).get_uint64(), reply.get_child_value(2).get_data_as_bytes().get_data().hex())
""" % (BUS_NAME, ROOT, IFACE)


if __name__ == "__main__":
    unittest.main(verbosity=2)
