#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""vmnetd's D-Bus API (doc/dbus.md) on the real stack: a private system bus with vmnetd's bus
policy, polkitd with the rules the authorization store generates, libvirtd with libvirt's polkit
access driver (tests/auth/polkit-env.sh), vmnetd serving that libvirtd on the bus.

The object tree is compared with a direct read of the host, a change made straight through
libvirt must show up as PropertiesChanged, NetworkAdapter.Set must work for a user the store
allows and be refused, with the operation named, for one it does not; malformed and hostile
calls get errors naming the argument, and vmnetd stays up."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
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
USERS = ["vmnt-alice", "vmnt-bob"]
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
        """alice owns alice-vm (its own scope); bob is granted nothing."""
        ops = ["--operation", "Read service configuration"] + [x for op in VM_OPS for x in ("--operation", op)]
        cls.cli("new-vmrole", "--name", "VM owner", *ops)
        cls.cli("new-vmscope", "--name", "alice-scope")
        cls.cli("set-vmscope", "--vm-name", "alice-vm", "--scope", "alice-scope")
        cls.cli("grant-vmrole", "--role", "VM owner", "--user", "vmnt-alice", "--scope", "alice-scope")

    @classmethod
    def start_vmnetd(cls):
        cls.vmnetd_log = open(os.path.join(cls.state, "log", "vmnetd.log"), "w+")
        cls.vmnetd = subprocess.Popen(
            ["nsenter", "-t", cls.holder, "-m", "-n", "--", VMNETD, "--connect", cls.uri, "--bus", "system",
             "--config", os.path.join(cls.state, "no-vmnetd.conf"), "--verbose"],
            stdout=cls.vmnetd_log, stderr=subprocess.STDOUT)

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
        rc, err = self.call_as("vmnt-bob", alice_path, "{'IovWeight': <uint32 99>}")
        self.assertNotEqual(rc, 0)
        self.assertIn(IFACE + "Error.AccessDenied", err)
        self.assertIn("'Create or reconfigure VM'", err)
        self.assertIn("VM 'alice-vm'", err)
        self.assertIn("org.libvirt.api.domain.write", err)
        self.assertEqual(self.prop(alice_path, "NetworkAdapter", "IovWeight"), before)
        self.assertEqual(self.direct_adapter("alice-vm").get_iov_weight(), before)
        # The store's rules decided, with libvirt's details: their log names the VM and its scope.
        line = 'vmnet: denied "domain.write" to user "vmnt-bob" on VM "alice-vm" in scope "alice-scope"'
        deadline = time.monotonic() + 10
        while line not in self.polkitd_log() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertIn(line, self.polkitd_log())
        # alice owns only her VM.
        rc, err = self.call_as("vmnt-alice", bob_path, "{'IovWeight': <uint32 5>}")
        self.assertNotEqual(rc, 0)
        self.assertIn(IFACE + "Error.AccessDenied", err)
        self.assertIn("VM 'bob-vm'", err)
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
        # A burst of calls in flight at once, by a user who may not change anything.
        procs = [subprocess.Popen(["nsenter", "-t", self.holder, "-m", "-n", "--", "runuser", "-u", "vmnt-bob", "--",
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


if __name__ == "__main__":
    unittest.main(verbosity=2)
