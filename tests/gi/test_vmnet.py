#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""libvmnet through GObject-Introspection: the demo host and a private test-driver host.

Run from meson (suite 'gi'), which sets GI_TYPELIB_PATH and LD_LIBRARY_PATH to the build
tree, or by hand:

    GI_TYPELIB_PATH=build/introspection LD_LIBRARY_PATH=build/libvmnet \\
        /usr/bin/python3 tests/gi/test_vmnet.py -v
"""
import os
import sys
import tempfile
import threading
import unittest

# Keep the demo host's cache file out of $HOME: GLib reads XDG_CACHE_HOME once, on first use.
_TMP = tempfile.TemporaryDirectory(prefix="vmnet-gi-test-")
os.environ["XDG_CACHE_HOME"] = os.path.join(_TMP.name, "cache")
os.environ.pop("VMNET_DEFAULT_URI", None)

try:
    import gi
    gi.require_version("Vmnet", "1.0")
    from gi.repository import Gio, GLib, GObject, Vmnet  # noqa: E402
except (ImportError, ValueError) as e:  # no PyGObject, or no Vmnet typelib on GI_TYPELIB_PATH
    print(f"SKIP: cannot load Vmnet 1.0 through GI: {e}", file=sys.stderr)
    sys.exit(77)

UNREACHABLE_URI = "qemu+unix:///system?socket=/nonexistent/vmnet-test.sock"

# A small host of our own: one SR-IOV PF with three VFs, a switch in SR-IOV mode (bridge on
# the PF plus a hostdev pool on it), and VMs whose settings exercise the defaults.
PRIVATE_HOST_XML = """<?xml version="1.0"?>
<node>
  <device>
    <name>pci_0000_81_00_0</name>
    <parent>computer</parent>
    <capability type='pci'>
      <class>0x020000</class>
      <domain>0</domain><bus>129</bus><slot>0</slot><function>0</function>
      <product id='0x1572'>Ethernet Controller X710 for 10GbE SFP+</product>
      <vendor id='0x8086'>Intel Corporation</vendor>
      <capability type='virt_functions' maxCount='64'>
        <address domain='0x0000' bus='0x81' slot='0x02' function='0x0'/>
        <address domain='0x0000' bus='0x81' slot='0x02' function='0x1'/>
        <address domain='0x0000' bus='0x81' slot='0x02' function='0x2'/>
      </capability>
      <iommuGroup number='80'>
        <address domain='0x0000' bus='0x81' slot='0x00' function='0x0'/>
      </iommuGroup>
    </capability>
  </device>
  <device>
    <name>net_ens1f0_3c_fd_fe_81_00_00</name>
    <parent>pci_0000_81_00_0</parent>
    <capability type='net'>
      <interface>ens1f0</interface>
      <address>3c:fd:fe:81:00:00</address>
      <link speed='10000' state='up'/>
      <capability type='80203'/>
    </capability>
  </device>
  {vfs}
  <network>
    <name>Fast</name>
    <uuid>0b6f51a2-8a6e-4a40-9a34-000000000001</uuid>
    <forward mode='bridge'><interface dev='ens1f0'/></forward>
  </network>
  <network>
    <name>Fast-iov</name>
    <uuid>0b6f51a2-8a6e-4a40-9a34-000000000002</uuid>
    <forward mode='hostdev' managed='yes'><pf dev='ens1f0'/></forward>
  </network>
  <domain type='test'>
    <name>plain1</name>
    <uuid>0b6f51a2-8a6e-4a40-9a34-000000000101</uuid>
    <memory unit='MiB'>1024</memory>
    <vcpu>1</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <devices>
      <interface type='network'>
        <mac address='52:54:00:aa:00:01'/>
        <source network='Fast'/>
        <model type='virtio'/>
        <alias name='ua-eth0'/>
      </interface>
    </devices>
  </domain>
  <domain type='test'>
    <name>tuned1</name>
    <uuid>0b6f51a2-8a6e-4a40-9a34-000000000102</uuid>
    <metadata>
      <vmnet:adapters xmlns:vmnet='http://libvmnet.org/xmlns/vmnet/1.0'>
        <vmnet:adapter mac='52:54:00:aa:00:02' iov-weight='75' iov-queue-pairs-requested='2' iov-interrupt-moderation='adaptive'/>
      </vmnet:adapters>
    </metadata>
    <memory unit='MiB'>1024</memory>
    <vcpu>1</vcpu>
    <os><type arch='x86_64'>hvm</type></os>
    <devices>
      <interface type='network'>
        <mac address='52:54:00:aa:00:02'/>
        <source network='Fast'/>
        <model type='virtio'/>
        <teaming type='persistent'/>
        <alias name='ua-net0'/>
      </interface>
      <interface type='hostdev' managed='yes'>
        <mac address='52:54:00:aa:00:02'/>
        <source>
          <address type='pci' domain='0x0000' bus='0x81' slot='0x02' function='0x1'/>
        </source>
        <teaming type='transient' persistent='ua-net0'/>
        <alias name='ua-net0-vf'/>
      </interface>
    </devices>
  </domain>
</node>
"""

VF_XML = """<device>
    <name>pci_0000_81_02_{fn}</name>
    <parent>computer</parent>
    <capability type='pci'>
      <class>0x020000</class>
      <domain>0</domain><bus>129</bus><slot>2</slot><function>{fn}</function>
      <product id='0x154c'>Ethernet Virtual Function 700 Series</product>
      <vendor id='0x8086'>Intel Corporation</vendor>
      <capability type='phys_function'>
        <address domain='0x0000' bus='0x81' slot='0x00' function='0x0'/>
      </capability>
      <iommuGroup number='{group}'>
        <address domain='0x0000' bus='0x81' slot='0x02' function='0x{fn}'/>
      </iommuGroup>
    </capability>
  </device>"""


def private_host_uri(directory):
    path = os.path.join(directory, "host.xml")
    vfs = "\n  ".join(VF_XML.format(fn=fn, group=90 + fn) for fn in range(3))
    with open(path, "w") as f:
        f.write(PRIVATE_HOST_XML.replace("{vfs}", vfs))
    return "test://" + os.path.abspath(path)


def by_name(model, prop="name"):
    return {o.get_property(prop): o for o in model}


def all_objects(host):
    """Every object of the host's live sets, in a stable order."""
    objs = [host]
    for model in (host.get_switches(), host.get_net_adapters_sriov(), host.get_vms(),
                  host.get_network_adapters()):
        objs.extend(model)
    for pf in host.get_net_adapters_sriov():
        objs.extend(pf.get_virtual_functions())
    for vm in host.get_vms():
        objs.extend(vm.get_network_adapters())
    return objs


def run_until(loop_check, timeout_s=30):
    """Spin the default main context until loop_check() is true; fail after timeout_s."""
    ctx = GLib.MainContext.default()
    deadline = GLib.get_monotonic_time() + timeout_s * 1_000_000
    while not loop_check():
        if GLib.get_monotonic_time() > deadline:
            raise AssertionError("timed out waiting for the main loop")
        ctx.iteration(True)


def open_async(uri, cancellable=None):
    """Vmnet.Host.new_for_uri_async under a GLib.MainLoop: (host, error, callback thread)."""
    loop = GLib.MainLoop()
    out = {}

    def ready(_source, result, _data=None):
        out["thread"] = threading.current_thread()
        try:
            out["host"] = Vmnet.Host.new_for_uri_finish(result)
        except GLib.Error as e:
            out["error"] = e
        loop.quit()

    Vmnet.Host.new_for_uri_async(uri, cancellable, ready)
    GLib.timeout_add_seconds(30, lambda: (out.setdefault("timeout", True), loop.quit())[1] and False)
    loop.run()
    if out.get("timeout"):
        raise AssertionError(f"new_for_uri_async({uri!r}) never called back")
    return out.get("host"), out.get("error"), out.get("thread")


class DemoHost(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.host = Vmnet.Host.new_for_uri(Vmnet.DEMO_URI, None)

    def adapter(self, vm, name):
        return self.host.find_vm(vm).find_network_adapter(name)

    # -- host ------------------------------------------------------------------------------
    def test_host(self):
        h = self.host
        self.assertEqual(h.props.uri, "demo")
        self.assertTrue(h.props.resolved_uri.startswith("test:///"), h.props.resolved_uri)
        self.assertTrue(h.props.resolved_uri.endswith(".xml"), h.props.resolved_uri)
        self.assertEqual(h.props.hypervisor, "TEST")
        self.assertFalse(h.props.is_remote)
        self.assertTrue(h.props.libvirt_version)

    # The check arrays come to the caller with the checks still owned by the array: each binding
    # copies them (reading a check freed twice crashed).
    def test_check_arrays(self):
        for checks in (self.host.dup_iov_checks(), self.host.find_switch("SRIOV-Switch").dup_iov_checks(),
                       self.adapter("web1", "net0").dup_iov_checks()):
            self.assertTrue(checks)
            for c in checks:
                self.assertTrue(c.get_title())
                self.assertTrue(c.get_message().endswith("."), c.get_message())
        self.assertEqual(self.host.dup_iov_checks()[0].get_code(), Vmnet.IovCheckCode.CONNECTION)

    # -- live sets are GListModels ---------------------------------------------------------
    def test_lists_are_list_models(self):
        h = self.host
        for model, item_type in ((h.get_switches(), Vmnet.Switch),
                                 (h.get_net_adapters_sriov(), Vmnet.NetAdapterSriov),
                                 (h.get_vms(), Vmnet.Vm),
                                 (h.get_network_adapters(), Vmnet.NetworkAdapter),
                                 (h.find_vm("db1").get_network_adapters(), Vmnet.NetworkAdapter),
                                 (h.find_net_adapter_sriov("enp59s0f0").get_virtual_functions(),
                                  Vmnet.VirtualFunction)):
            self.assertIsInstance(model, Gio.ListModel)
            self.assertEqual(model.get_item_type(), item_type.__gtype__)
            self.assertGreater(model.get_n_items(), 0)
            for i in range(model.get_n_items()):
                self.assertIsInstance(model.get_item(i), item_type)
            self.assertIsNone(model.get_item(model.get_n_items()))

    def test_list_model_same_object_every_time(self):
        self.assertIs(self.host.get_switches(), self.host.get_switches())
        self.assertIs(self.host.find_switch("LAN"), self.host.find_switch("LAN"))
        self.assertIs(self.host.find_switch("LAN"), by_name(self.host.get_switches())["LAN"])

    def test_counts(self):
        self.assertEqual(sorted(by_name(self.host.get_switches())),
                         ["Internal", "LAN", "Management", "Private", "SRIOV-Switch"])
        self.assertEqual(sorted(by_name(self.host.get_net_adapters_sriov())),
                         ["enp59s0f0", "enp59s0f1", "enp94s0f0np0"])
        self.assertEqual(len(self.host.get_vms()), 8)
        self.assertEqual(len(self.host.get_network_adapters()), 10)

    # -- switches --------------------------------------------------------------------------
    def test_sriov_switch(self):
        sw = self.host.find_switch("SRIOV-Switch")
        self.assertEqual(sw.props.name, "SRIOV-Switch")
        self.assertEqual(sw.props.switch_type, Vmnet.SwitchType.EXTERNAL)
        self.assertEqual(sw.get_switch_type(), Vmnet.SwitchType.EXTERNAL)
        self.assertEqual(sw.props.net_adapter_name, "enp59s0f0")
        self.assertTrue(sw.props.iov_enabled)
        self.assertEqual(sw.props.iov_pool_name, "SRIOV-Switch-iov")
        self.assertEqual(sw.props.iov_virtual_function_count, 8)
        self.assertEqual(sw.props.iov_virtual_functions_in_use, 2)

    def test_lan_switch(self):
        sw = self.host.find_switch("LAN")
        self.assertEqual(sw.props.switch_type, Vmnet.SwitchType.EXTERNAL)
        self.assertEqual(sw.props.net_adapter_name, "enp94s0f0np0")
        self.assertIs(sw.props.iov_enabled, False)
        self.assertEqual(sw.props.iov_virtual_function_count, 0)
        self.assertIsNone(sw.props.iov_pool_name)

    def test_switch_types(self):
        types = {n: s.props.switch_type for n, s in by_name(self.host.get_switches()).items()}
        self.assertEqual(types["Internal"], Vmnet.SwitchType.INTERNAL)
        self.assertEqual(types["Private"], Vmnet.SwitchType.PRIVATE)
        self.assertEqual(types["Management"], Vmnet.SwitchType.EXTERNAL)

    # -- physical functions ----------------------------------------------------------------
    def test_pf_intel(self):
        pf = self.host.find_net_adapter_sriov("enp59s0f0")
        self.assertEqual(pf.props.max_vfs, 63)      # TotalVFs
        self.assertEqual(pf.props.num_vfs, 8)
        self.assertEqual(pf.props.allocated_vfs, 2)
        self.assertTrue(pf.props.enabled)
        self.assertEqual(pf.props.pci_address, "0000:3b:00.0")
        self.assertEqual(pf.props.switch_name, "SRIOV-Switch")
        self.assertEqual(pf.props.link_speed, 10_000_000_000)
        self.assertEqual(pf.props.link_state, "up")
        self.assertIn("82599ES", pf.props.interface_description)

    def test_pf_mellanox(self):
        pf = self.host.find_net_adapter_sriov("enp94s0f0np0")
        self.assertEqual(pf.props.num_vfs, 16)
        self.assertEqual(pf.props.max_vfs, 32)
        self.assertEqual(pf.props.link_speed, 25_000_000_000)
        self.assertEqual(len(pf.get_virtual_functions()), 16)

    def test_pf_without_vfs(self):
        pf = self.host.find_net_adapter_sriov("enp59s0f1")
        self.assertIs(pf.props.enabled, False)
        self.assertEqual(pf.props.num_vfs, 0)
        self.assertEqual(pf.props.max_vfs, 63)
        self.assertEqual(len(pf.get_virtual_functions()), 0)

    # -- virtual functions -----------------------------------------------------------------
    def test_vfs(self):
        vfs = list(self.host.find_net_adapter_sriov("enp59s0f0").get_virtual_functions())
        self.assertEqual([vf.props.function_id for vf in vfs], list(range(8)))
        self.assertEqual([vf.props.pci_address for vf in vfs],
                         ["0000:3b:10.0", "0000:3b:10.2", "0000:3b:10.4", "0000:3b:10.6",
                          "0000:3b:11.0", "0000:3b:11.2", "0000:3b:11.4", "0000:3b:11.6"])
        self.assertEqual([vf.props.iommu_group for vf in vfs], list(range(40, 48)))
        self.assertTrue(all(vf.props.net_adapter_name == "enp59s0f0" for vf in vfs))
        self.assertEqual(vfs[0].props.vm_name, "web1")
        self.assertEqual(vfs[0].props.vm_network_adapter_name, "net0")
        self.assertEqual(vfs[0].props.mac_address, "52:54:00:00:01:01")
        self.assertEqual(vfs[1].props.vm_name, "db1")
        self.assertEqual(vfs[1].props.vm_network_adapter_name, "frontend")
        self.assertTrue(all(vf.props.vm_name is None for vf in vfs[2:]))
        self.assertEqual(vfs[2].props.spoof_check, Vmnet.Ternary.UNKNOWN)

    # -- VM network adapters ---------------------------------------------------------------
    def test_web1_has_vf(self):
        a = self.adapter("web1", "net0")
        self.assertEqual(a.props.vm_name, "web1")
        self.assertEqual(a.props.iov_usage, 1)
        self.assertEqual(a.props.iov_weight, 100)
        self.assertEqual(a.props.virtual_function, "0000:3b:10.0")
        self.assertEqual(a.props.switch_name, "SRIOV-Switch")
        self.assertTrue(a.props.failover_ready)
        self.assertIsNone(a.props.settings_error)

    def test_find_adapter_by_name_or_mac(self):
        vm = self.host.find_vm("web1")
        net0 = vm.get_network_adapters().get_item(0)
        self.assertIs(vm.find_network_adapter("net0"), net0)
        self.assertIs(vm.find_network_adapter("52:54:00:00:01:01"), net0)
        self.assertIs(vm.find_network_adapter("52:54:00:00:01:01".upper()), net0)
        # no name: the only adapter, or INVALID_ARGUMENT when there are several
        self.assertIs(vm.find_network_adapter(None), net0)
        with self.assertRaises(GLib.Error) as cm:
            self.host.find_vm("db1").find_network_adapter(None)
        self.assertVmnetError(cm, Vmnet.Error.INVALID_ARGUMENT)

    def test_db1_frontend_settings(self):
        a = self.adapter("db1", "frontend")
        self.assertEqual(a.props.iov_weight, 50)
        self.assertEqual(a.props.iov_queue_pairs_requested, 4)
        self.assertEqual(a.props.iov_interrupt_moderation, Vmnet.IovInterruptModeration.HIGH)
        self.assertEqual(int(a.props.iov_interrupt_moderation), 300)
        self.assertEqual(a.get_iov_interrupt_moderation(), Vmnet.IovInterruptModeration.HIGH)
        self.assertEqual(a.props.virtual_function, "0000:3b:10.2")

    def test_db1_adapter_order(self):
        names = [a.props.name for a in self.host.find_vm("db1").get_network_adapters()]
        self.assertEqual(names, ["frontend", "backend"])

    def test_interrupt_moderation_keeps_hyperv_values(self):
        m = Vmnet.IovInterruptModeration
        self.assertEqual([int(m.DEFAULT), int(m.ADAPTIVE), int(m.OFF), int(m.LOW), int(m.MEDIUM),
                          int(m.HIGH)], [0, 1, 2, 100, 200, 300])

    def test_broken1_settings_error(self):
        a = self.adapter("broken1", "net0")
        self.assertIsNotNone(a.props.settings_error)
        self.assertIn("iov-weight", a.props.settings_error)
        # invalid settings are reported, and the defaults used
        self.assertEqual(a.props.iov_weight, 0)
        self.assertEqual(a.props.iov_queue_pairs_requested, 1)
        self.assertEqual(a.props.iov_interrupt_moderation, Vmnet.IovInterruptModeration.DEFAULT)

    def test_defaults_without_metadata(self):
        # router1 has metadata for net0 only; mgmt has none
        a = self.adapter("router1", "mgmt")
        self.assertEqual(a.props.iov_weight, 0)
        self.assertEqual(a.props.iov_queue_pairs_requested, 1)
        self.assertEqual(a.props.iov_interrupt_moderation, Vmnet.IovInterruptModeration.DEFAULT)
        self.assertEqual(a.props.iov_usage, 0)
        self.assertIsNone(a.props.virtual_function)
        self.assertIsNone(a.props.settings_error)

    def test_vm_state(self):
        self.assertEqual(self.host.find_vm("web1").props.state, Vmnet.VmState.RUNNING)
        self.assertEqual(self.host.find_vm("test1").props.state, Vmnet.VmState.OFF)

    # -- errors ----------------------------------------------------------------------------
    def assertVmnetError(self, cm, code):
        e = cm.exception
        self.assertEqual(e.domain, "vmnet-error-quark")
        self.assertTrue(e.matches(Vmnet.error_quark(), code), f"{e.message} (code {e.code})")
        self.assertEqual(e.code, int(code))

    def test_find_vm_not_found(self):
        with self.assertRaises(GLib.Error) as cm:
            self.host.find_vm("nosuch")
        self.assertVmnetError(cm, Vmnet.Error.NOT_FOUND)
        self.assertIn("nosuch", cm.exception.message)

    def test_find_others_not_found(self):
        for call in (lambda: self.host.find_switch("nosuch"),
                     lambda: self.host.find_net_adapter_sriov("nosuch"),
                     lambda: self.host.find_vm("web1").find_network_adapter("nosuch")):
            with self.assertRaises(GLib.Error) as cm:
                call()
            self.assertVmnetError(cm, Vmnet.Error.NOT_FOUND)

    def test_read_only_host(self):
        # Construct-only properties, as GObject construction gives them to any language.
        host = Vmnet.Host(uri=Vmnet.DEMO_URI, read_only=True)
        host.init(None)
        self.assertTrue(host.props.read_only)
        self.assertFalse(host.props.interactive)
        self.assertFalse(self.host.props.read_only)
        adapter = host.find_vm("web1").find_network_adapter("net0")
        settings = Vmnet.AdapterSettings.new()
        settings.set_iov_weight(1)
        with self.assertRaises(GLib.Error) as cm:
            host.set_network_adapter(adapter, settings, None)
        self.assertVmnetError(cm, Vmnet.Error.ACCESS_DENIED)
        self.assertIn("read-only", cm.exception.message)
        self.assertEqual(adapter.props.iov_weight, 100)

    def test_unreachable_uri(self):
        with self.assertRaises(GLib.Error) as cm:
            Vmnet.Host.new_for_uri(UNREACHABLE_URI, None)
        self.assertVmnetError(cm, Vmnet.Error.BACKEND_UNAVAILABLE)
        self.assertIn("/nonexistent/", cm.exception.message)

    def test_cancelled_is_not_converted(self):
        c = Gio.Cancellable()
        c.cancel()
        with self.assertRaises(GLib.Error) as cm:
            Vmnet.Host.new_for_uri(Vmnet.DEMO_URI, c)
        self.assertTrue(cm.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED),
                        f"{cm.exception.domain}: {cm.exception.message}")

    # -- refresh ---------------------------------------------------------------------------
    def test_refresh_without_change_keeps_objects_and_is_quiet(self):
        host = Vmnet.Host.new_for_uri(Vmnet.DEMO_URI, None)
        before = all_objects(host)
        notified, changed = [], []
        handlers = [(o, o.connect("notify", lambda o, p: notified.append((o, p.name))))
                    for o in before]
        models = [host.get_switches(), host.get_net_adapters_sriov(), host.get_vms(),
                  host.get_network_adapters()]
        handlers += [(m, m.connect("items-changed", lambda m, *a: changed.append((m, a))))
                     for m in models]
        self.assertTrue(host.refresh(None))
        while GLib.MainContext.default().iteration(False):
            pass
        after = all_objects(host)
        self.assertEqual(len(before), len(after))
        for a, b in zip(before, after):
            self.assertIs(a, b)
        self.assertEqual(notified, [])
        self.assertEqual(changed, [])
        for o, h in handlers:
            o.disconnect(h)


class AsyncConstruction(unittest.TestCase):
    def test_new_for_uri_async(self):
        host, error, thread = open_async(Vmnet.DEMO_URI)
        self.assertIsNone(error)
        self.assertIsInstance(host, Vmnet.Host)
        # the threading contract: callbacks come on the thread that runs the caller's context
        self.assertIs(thread, threading.main_thread())
        self.assertEqual(host.find_switch("SRIOV-Switch").props.iov_virtual_functions_in_use, 2)
        self.assertEqual(host.find_vm("db1").find_network_adapter("frontend").props.iov_weight, 50)

    def test_new_for_uri_async_unreachable(self):
        host, error, _ = open_async(UNREACHABLE_URI)
        self.assertIsNone(host)
        self.assertIsNotNone(error)
        self.assertTrue(error.matches(Vmnet.error_quark(), Vmnet.Error.BACKEND_UNAVAILABLE), error.message)

    def test_new_for_uri_async_cancelled(self):
        c = Gio.Cancellable()
        c.cancel()
        host, error, _ = open_async(Vmnet.DEMO_URI, c)
        self.assertIsNone(host)
        self.assertTrue(error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED), error.message)

    def test_refresh_async(self):
        host, error, _ = open_async(Vmnet.DEMO_URI)
        self.assertIsNone(error)
        before = all_objects(host)
        notified = []
        for o in before:
            o.connect("notify", lambda o, p: notified.append((threading.current_thread(), p.name)))
        out = {}

        def done(source, result, _data=None):
            out["thread"] = threading.current_thread()
            out["ok"] = source.refresh_finish(result)

        host.refresh_async(None, done)
        run_until(lambda: "ok" in out)
        self.assertTrue(out["ok"])
        self.assertIs(out["thread"], threading.main_thread())
        self.assertEqual(notified, [])
        for a, b in zip(before, all_objects(host)):
            self.assertIs(a, b)


class PrivateHost(unittest.TestCase):
    """A test-driver XML written here; each connection reads its own copy at open time."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="vmnet-gi-host-")
        cls.uri = private_host_uri(cls.tmp.name)
        cls.host = Vmnet.Host.new_for_uri(cls.uri, None)

    @classmethod
    def tearDownClass(cls):
        cls.host = None
        cls.tmp.cleanup()

    def test_uri(self):
        self.assertEqual(self.host.props.uri, self.uri)
        self.assertEqual(self.host.props.resolved_uri, self.uri)

    def test_switch(self):
        self.assertEqual(sorted(by_name(self.host.get_switches())), ["Fast"])
        sw = self.host.find_switch("Fast")
        self.assertEqual(sw.props.switch_type, Vmnet.SwitchType.EXTERNAL)
        self.assertTrue(sw.props.iov_enabled)
        self.assertEqual(sw.props.iov_pool_name, "Fast-iov")
        self.assertEqual(sw.props.iov_virtual_function_count, 3)
        self.assertEqual(sw.props.iov_virtual_functions_in_use, 1)

    def test_pf_and_vfs(self):
        pf = self.host.find_net_adapter_sriov("ens1f0")
        self.assertEqual((pf.props.max_vfs, pf.props.num_vfs, pf.props.allocated_vfs), (64, 3, 1))
        self.assertEqual(pf.props.pci_address, "0000:81:00.0")
        vfs = list(pf.get_virtual_functions())
        self.assertEqual([vf.props.function_id for vf in vfs], [0, 1, 2])
        self.assertEqual([vf.props.pci_address for vf in vfs],
                         ["0000:81:02.0", "0000:81:02.1", "0000:81:02.2"])
        self.assertEqual([vf.props.iommu_group for vf in vfs], [90, 91, 92])
        self.assertEqual([vf.props.vm_name for vf in vfs], [None, "tuned1", None])

    def test_defaults_when_no_metadata(self):
        a = self.host.find_vm("plain1").find_network_adapter("eth0")
        self.assertEqual(a.props.iov_weight, 0)
        self.assertEqual(a.props.iov_queue_pairs_requested, 1)
        self.assertEqual(a.props.iov_interrupt_moderation, Vmnet.IovInterruptModeration.DEFAULT)
        self.assertEqual(a.props.iov_usage, 0)
        self.assertIsNone(a.props.settings_error)
        self.assertIs(a.props.failover_ready, False)

    def test_settings_from_metadata(self):
        a = self.host.find_vm("tuned1").find_network_adapter("net0")
        self.assertEqual(a.props.iov_weight, 75)
        self.assertEqual(a.props.iov_queue_pairs_requested, 2)
        self.assertEqual(a.props.iov_interrupt_moderation, Vmnet.IovInterruptModeration.ADAPTIVE)
        # Plugged in the live XML; whether the guest took it shows on the host
        # only, which this test-driver host has no files of.
        self.assertEqual(a.props.iov_usage, 0)
        self.assertEqual(a.props.status_description[0], "OK (SR-IOV plugged, guest not confirmed)")
        self.assertEqual(a.props.virtual_function, "0000:81:02.1")
        self.assertTrue(a.props.failover_ready)

    def test_refresh_quiet(self):
        before = all_objects(self.host)
        notified = []
        ids = [(o, o.connect("notify", lambda o, p: notified.append(p.name))) for o in before]
        self.assertTrue(self.host.refresh(None))
        while GLib.MainContext.default().iteration(False):
            pass
        self.assertEqual(notified, [])
        for a, b in zip(before, all_objects(self.host)):
            self.assertIs(a, b)
        for o, h in ids:
            o.disconnect(h)

    def test_missing_file(self):
        with self.assertRaises(GLib.Error) as cm:
            Vmnet.Host.new_for_uri("test://" + os.path.join(self.tmp.name, "missing.xml"), None)
        self.assertEqual(cm.exception.domain, "vmnet-error-quark")


class Reconcile(unittest.TestCase):
    """Host.reconcile and Reconciler through GI, on the shared test:///default driver (the
    test driver cannot attach VFs, so every attach fails with its reason)."""

    NS = "http://libvmnet.org/xmlns/vmnet/1.0"

    @classmethod
    def setUpClass(cls):
        try:
            import libvirt
        except ImportError:
            raise unittest.SkipTest("python3-libvirt is not installed")
        cls.conn = libvirt.open("test:///default")
        cls.conn.networkDefineXML("<network><name>gisw</name><bridge name='gisw0'/></network>").create()
        cls.conn.networkDefineXML("<network><name>gisw-iov</name><forward mode='hostdev' managed='yes'>"
                                  "<pf dev='nopf0'/></forward></network>")
        cls.dom = cls.conn.defineXML(f"""<domain type='test'><name>gi-rec</name><memory>1024</memory>
          <os><type>hvm</type></os>
          <metadata><vmnet:adapters xmlns:vmnet='{cls.NS}'>
            <vmnet:adapter mac='52:54:00:9a:00:01' iov-weight='40'/></vmnet:adapters></metadata>
          <devices><interface type='network'><mac address='52:54:00:9a:00:01'/><source network='gisw'/>
            <model type='virtio'/><teaming type='persistent'/><alias name='ua-net0'/></interface></devices>
          </domain>""")
        cls.dom.create()

    @classmethod
    def tearDownClass(cls):
        cls.dom.destroy()
        cls.dom.undefine()
        for name in ("gisw", "gisw-iov"):
            net = cls.conn.networkLookupByName(name)
            if net.isActive():
                net.destroy()
            net.undefine()
        cls.conn.close()

    def test_host_reconcile_reports_actions(self):
        host = Vmnet.Host.new_for_uri("test:///default", None)
        actions = []
        host.connect("vf-action", lambda h, *args: actions.append(args))
        self.assertTrue(host.reconcile(None, None))
        mine = [a for a in actions if a[1] == "gi-rec"]
        self.assertEqual(len(mine), 1, actions)
        action, vm, adapter, vf, reason = mine[0]
        self.assertEqual(action, Vmnet.VfAction.FAILED)
        self.assertEqual(adapter, "net0")
        self.assertTrue(reason)
        # Kept for the status: the adapter reads Degraded with the reason.
        a = host.find_vm("gi-rec").find_network_adapter("net0")
        self.assertEqual(a.props.status, Vmnet.OperationalStatus.DEGRADED)
        self.assertTrue(any(reason in d for d in a.props.status_description), a.props.status_description)

    def test_reconciler(self):
        r = Vmnet.Reconciler.new("test:///default")
        self.assertFalse(r.props.connected)
        failed = []
        r.connect("vf-action", lambda r, action, vm, *rest: failed.append(vm)
                  if action == Vmnet.VfAction.FAILED else None)
        r.start()
        ctx = GLib.MainContext.default()
        deadline = GLib.get_monotonic_time() + 10 * 1000000
        while r.props.passes < 1 and GLib.get_monotonic_time() < deadline:
            ctx.iteration(True)
        self.assertGreaterEqual(r.props.passes, 1)
        # Its first (full) pass tried the running VM's adapter; the test driver refused.
        self.assertIn("gi-rec", failed)
        self.assertTrue(r.props.connected)
        self.assertIsInstance(r.props.host, Vmnet.Host)
        r.stop()
        self.assertFalse(r.props.connected)
class Authorization(unittest.TestCase):
    """The authorization store through GI (against a real polkit: tests/auth)."""

    def test_default_store_and_operations(self):
        store = Vmnet.AuthStore.new()
        roles = store.get_roles()
        self.assertEqual([r.props.name for r in roles], ["Administrator"])
        # Every operation, by the names of earlier stores where a whole set is held.
        members = [m for op in roles[0].props.operations for m in Vmnet.auth_operation_get_members(op)]
        self.assertEqual(sorted(members), sorted(Vmnet.auth_get_operations()))
        self.assertIn("domain.snapshot", Vmnet.auth_operation_get_permissions("Take snapshots"))
        self.assertFalse(Vmnet.auth_operation_get_permissions("Fly"))  # NULL: [] in Python
        check = store.test_access("root", "Take snapshots", None)
        self.assertTrue(check.props.allowed)

    def test_scopes_and_errors(self):
        store = Vmnet.AuthStore.new()
        store.add_role("Operator", ["Start and stop VMs"], "operators")
        store.add_scope("Test", None, None)
        store.grant("Operator", "alice", None, "Test")
        self.assertTrue(store.test_access("alice", "start and stop vms", "Test").props.allowed)
        self.assertFalse(store.test_access("alice", "Start and stop VMs", None).props.allowed)
        with self.assertRaises(GLib.Error) as cm:
            store.grant("Operator", "Alice", None, "Test")
        self.assertEqual(cm.exception.code, Vmnet.Error.INVALID_ARGUMENT)
        with self.assertRaises(GLib.Error) as cm:
            Vmnet.AuthStore.new_from_data(store.to_data() + "[scope  Test]\n", "x.conf")
        self.assertEqual(cm.exception.code, Vmnet.Error.INVALID_DATA)
        self.assertEqual(cm.exception.message, "x.conf: [scope  Test]: scope 'Test' is defined twice")

    def test_vm_scope_and_rules(self):
        """The store's map places VMs; a scope written into a VM's metadata (which whoever may
        change the VM may write) changes neither the rules nor a decision."""
        host = Vmnet.Host.new_for_uri("demo", None)
        vm = host.find_vm("web1")
        uuid = vm.props.uuid
        store = Vmnet.AuthStore.new()
        store.add_scope("Test", None, None)
        store.add_scope("Other", None, None)
        store.add_role("Owner", ["Start and stop VMs"], None)
        store.grant("Owner", "alice", None, "Test")
        self.assertEqual(store.get_vm_scope(uuid), "default")
        before = store.generate_rules(host.get_vms())
        self.assertNotIn(uuid, before)
        # The metadata says Test: nothing changes.
        host.set_vm_scope(vm, "Test", None)
        self.assertEqual(host.find_vm("web1").get_scope(), "Test")
        self.assertEqual(store.generate_rules(host.get_vms()), before)
        self.assertEqual(store.get_vm_scope(uuid), "default")
        self.assertFalse(store.test_access("alice", "Start VM", store.get_vm_scope(uuid)).props.allowed)
        # The store places it in Test; the metadata then says Other: the rules keep Test.
        store.set_vm_scope(uuid, "Test", None)
        placed = store.generate_rules(host.get_vms())
        self.assertIn('"%s": "Test"' % uuid, placed)
        host.set_vm_scope(host.find_vm("web1"), "Other", None)
        self.assertEqual(store.generate_rules(host.get_vms()), placed)
        self.assertTrue(store.test_access("alice", "Start VM", store.get_vm_scope(uuid)).props.allowed)
        self.assertIn("vms=%s;" % uuid, store.to_data())

    def test_system_rules_only_from_the_hosts_own_libvirt(self):
        """The system's rules (no path) are not written from the test driver unless forced;
        a rules file given by path is."""
        host = Vmnet.Host.new_for_uri("demo", None)
        store = Vmnet.AuthStore.new()
        with tempfile.TemporaryDirectory() as d:
            rules = os.path.join(d, "60-vmnet.rules")
            os.environ["VMNET_POLKIT_RULES"] = rules
            try:
                with self.assertRaises(GLib.Error) as cm:
                    store.export_for_host(host, None, Vmnet.AuthExportFlags.NONE)
                self.assertEqual(cm.exception.code, Vmnet.Error.REMOTE_UNSUPPORTED)
                self.assertIn("'test:///", cm.exception.message)
                self.assertFalse(os.path.exists(rules))
                store.export_for_host(host, None, Vmnet.AuthExportFlags.FORCE)
                self.assertTrue(os.path.exists(rules))
                os.unlink(rules)
                store.export_for_host(host, rules, Vmnet.AuthExportFlags.NONE)
                self.assertTrue(os.path.exists(rules))
            finally:
                del os.environ["VMNET_POLKIT_RULES"]

class CompareVm(unittest.TestCase):
    """The compatibility report of a move (tests/cli/compare-*.xml: a destination that libvirt
    describes only by its node devices and networks)."""

    def test_report(self):
        here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli")
        src = Vmnet.Host.new_for_uri("test://" + os.path.abspath(os.path.join(here, "compare-source.xml")), None)
        dst = Vmnet.Host.new_for_uri("test://" + os.path.abspath(os.path.join(here, "compare-destination.xml")), None)
        report, free = src.compare_vm_report(src.find_vm("fits"), dst)
        self.assertEqual((report, free), ([], 2))
        report, free = src.compare_vm_report(src.find_vm("mixed"), dst)
        self.assertEqual(free, -1)
        self.assertEqual([(c.get_code(), c.get_result()) for c in report],
                         [(Vmnet.IovCheckCode.SWITCH_IOV_MODE, Vmnet.CheckResult.WARN),
                          (Vmnet.IovCheckCode.SWITCH_FREE_VFS, Vmnet.CheckResult.WARN),
                          (Vmnet.IovCheckCode.SWITCH_FREE_VFS, Vmnet.CheckResult.UNKNOWN)])
        self.assertTrue(src.compare_vm(src.find_vm("mixed"), dst))
        report, free = src.compare_vm_report(src.find_vm("twin"), dst)
        self.assertEqual([c.get_code() for c in report],
                         [Vmnet.IovCheckCode.DESTINATION_SWITCH, Vmnet.IovCheckCode.DESTINATION_VM_NAME])
        with self.assertRaises(GLib.Error) as e:
            src.compare_vm(src.find_vm("twin"), dst)
        self.assertTrue(e.exception.matches(Vmnet.error_quark(), Vmnet.Error.NOT_FOUND))


if __name__ == "__main__":
    unittest.main(verbosity=2)
