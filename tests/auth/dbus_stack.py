# SPDX-License-Identifier: LGPL-2.1-or-later
"""The stack of the tests of vmnetd's D-Bus API (doc/dbus.md): a private system bus with vmnetd's
bus policy, polkitd with the rules the authorization store generates, libvirtd with libvirt's polkit
access driver (tests/auth/polkit-env.sh), vmnetd serving that libvirtd on the bus. Each test class
(test_dbus.py, test_dbus_attached.py, test_dbus_jobs.py) starts its own in setUpClass. The
authorization scenarios (test_auth.py) use the same stack without vmnetd (PolkitStack)."""
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
USERS = ["vmnt-alice", "vmnt-bob", "vmnt-carol"]


def model_type():
    """Host.GetModel's model type, VMNET_MODEL_VARIANT_TYPE as libvmnet/vmnet-model-private.h defines it."""
    with open(os.path.join(SOURCE_ROOT, "libvmnet", "vmnet-model-private.h")) as f:
        text = f.read()
    define = re.search(r"#define VMNET_MODEL_VARIANT_TYPE((?:.*\\\n)*.*\n)", text).group(1)
    return "".join(re.findall(r'"([^"]*)"', define))


MODEL_TYPE = model_type()
VM_OPS = ["Read VM configuration", "Create or change VMs", "Start and stop VMs", "Take snapshots",
          "Interact with VMs", "Migrate VMs"]

try:
    import libvirt
    import gi
    gi.require_version("Vmnet", "1.0")
    from gi.repository import Vmnet, Gio, GLib
except (ImportError, ValueError) as e:  # pragma: no cover
    libvirt = Vmnet = Gio = GLib = None
    IMPORT_ERROR = str(e)


def ensure_accounts(users, group=None, members=()):
    """Creates the test users (and @group, with @members in it) when missing; nothing is ever removed."""
    if group and subprocess.run(["getent", "group", group], capture_output=True).returncode != 0:
        subprocess.run(["groupadd", group], check=True)
    for u in users:
        if subprocess.run(["getent", "passwd", u], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "-M", "-d", "/nonexistent", "-s", "/usr/sbin/nologin", u], check=True)
    for u in members:
        subprocess.run(["usermod", "-a", "-G", group, u], check=True)


# An SR-IOV adapter as libvirt's test driver shows it (tests/cli/test_cli.py uses it too).
PF_XML = os.path.join(SOURCE_ROOT, "tests", "cli", "sriov-pf.xml")


def domain_xml(name, disk, mac=None, network="dnet"):
    """A stopped VM on @disk; with @mac, an adapter on @network."""
    nic = (f"<interface type='network'><mac address='{mac}'/><source network='{network}'/>"
           "<model type='virtio'/></interface>" if mac else "")
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
        {nic}
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


def start_polkit_stack(state):
    """polkit-env.sh start STATE: libvirtd's URI. When the stack cannot run here, removes @state
    and skips."""
    p = subprocess.run([ENV, "start", state], capture_output=True, text=True, timeout=120)
    if p.returncode == 77:
        shutil.rmtree(state, ignore_errors=True)
        raise unittest.SkipTest(p.stderr.strip())
    if p.returncode != 0:
        raise RuntimeError("cannot start the polkit stack: " + p.stderr)
    return p.stdout.strip().splitlines()[-1]


def write_default_store(store, rules):
    """Until the first rules exist, polkit denies everyone, root too: Hyper-V's out-of-the-box
    store and its rules, written with the library, without a connection."""
    default = Vmnet.AuthStore.new()
    default.save(store)
    default.export(None, rules)


def open_as_root(uri):
    """libvirt.open(@uri) as root, retried for about 5 s until libvirtd lets root in."""
    for _ in range(100):
        try:
            return libvirt.open(uri)
        except libvirt.libvirtError:
            time.sleep(0.05)
    return libvirt.open(uri)


def stop_polkit_stack(state):
    """Stops the stack of @state and removes @state."""
    subprocess.run([ENV, "stop", state], capture_output=True, timeout=60)
    shutil.rmtree(state, ignore_errors=True)


class PolkitStack(unittest.TestCase):
    """polkitd and libvirtd with libvirt's polkit access driver on a private system bus, started once
    per test class in a state directory of its own, with Hyper-V's out-of-the-box store and its rules;
    the class adds its VMs (make_vms) and what it serves on the stack (start_services)."""
    USERS = USERS
    GROUP = None
    GROUP_MEMBERS = ()
    TOOLS = {"qemu-img": ""}        # each needed tool, with what its skip message adds
    STATE_PREFIX = "vmnet-auth-"

    @classmethod
    def setUpClass(cls):
        if libvirt is None:
            raise unittest.SkipTest("python3-libvirt or the Vmnet typelib is missing: " + IMPORT_ERROR)
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root (namespaces, test users)")
        for tool, hint in cls.TOOLS.items():
            if not shutil.which(tool):
                raise unittest.SkipTest(f"{tool} is missing{hint}")
        ensure_accounts(cls.USERS, cls.GROUP, cls.GROUP_MEMBERS)
        cls.state = tempfile.mkdtemp(prefix=cls.STATE_PREFIX)
        os.chmod(cls.state, 0o755)      # the test users reach libvirt's socket in it
        cls.prepare_state()
        cls.store = os.path.join(cls.state, "authorization.conf")
        cls.rules = os.path.join(cls.state, "rules", "60-vmnet.rules")
        cls.uri = start_polkit_stack(cls.state)
        with open(os.path.join(cls.state, "holder.pid")) as f:
            cls.holder = f.read().strip()
        try:
            write_default_store(cls.store, cls.rules)
            cls.conn = open_as_root(cls.uri)
            cls.make_vms()
            cls.start_services()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def prepare_state(cls):
        """What the state directory needs before the stack starts."""

    @classmethod
    def start_services(cls):
        """What runs on the stack once the VMs are defined."""

    @classmethod
    def tearDownClass(cls):
        if os.environ.get("VMNET_AUTH_KEEP"):
            print(f"kept {cls.state} ({cls.uri})", file=sys.stderr)
            return
        try:
            cls.conn.close()
        except Exception:
            pass
        stop_polkit_stack(cls.state)


class DBusStack(PolkitStack):
    """The stack, started once per test class: vmnetd serving the private libvirtd on the bus."""
    TOOLS = {"qemu-img": "", "gdbus": "", "nsenter": "", "runuser": ""}
    STATE_PREFIX = "vmnet-dbus-"
    vmnetd = None

    @classmethod
    def prepare_state(cls):
        os.mkdir(os.path.join(cls.state, "dbus-system.d"))
        shutil.copy(os.path.join(SOURCE_ROOT, "data", "dbus", BUS_NAME + ".conf"),
                    os.path.join(cls.state, "dbus-system.d"))

    @classmethod
    def start_services(cls):
        cls.write_store()
        cls.start_vmnetd()
        cls.bus = Gio.DBusConnection.new_for_address_sync(
            f"unix:path=/proc/{cls.holder}/root/run/dbus/system_bus_socket",
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)
        cls.wait_for_tree()

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
    def end_vmnetd(cls):
        """SIGTERM, SIGKILL when vmnetd has not exited 20 s later."""
        cls.vmnetd.terminate()
        try:
            cls.vmnetd.wait(timeout=20)
        except subprocess.TimeoutExpired:
            cls.vmnetd.kill()
            cls.vmnetd.wait()

    @classmethod
    def stop_vmnetd(cls):
        cls.end_vmnetd()
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
            cls.end_vmnetd()
        super().tearDownClass()

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

    def as_user(self, user, *argv, timeout=60):
        cmd = ["nsenter", "-t", self.holder, "-m", "-n", "--"]
        if user:
            cmd += ["runuser", "-u", user, "--"]
        return subprocess.run(cmd + list(argv), capture_output=True, text=True, timeout=timeout)


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
