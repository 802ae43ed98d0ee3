#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every VmnetHost *_async operation through GObject-Introspection, from a running GLib.MainLoop,
against libvirt's test driver: the _finish result, the host's objects afterwards, the thread the
callbacks come on, and the errors (domain and code). Save with its progress as far as the test
driver goes; restore, start, checkpoint, a save that counts bytes and a real move need QEMU:
tests/daemon/test_gi_async.py.

    GI_TYPELIB_PATH=build/introspection LD_LIBRARY_PATH=build/libvmnet \\
        /usr/bin/python3 tests/gi/test_async.py -v
"""
import gc
import os
import shutil
import sys
import tempfile
import threading
import time
import unittest
import weakref

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_vmnet import Gio, GLib, Vmnet, by_name, private_host_uri  # noqa: E402

try:
    import libvirt
except ImportError:
    libvirt = None

NS = "http://libvmnet.org/xmlns/vmnet/1.0"


def call_async(start, finish, timeout_s=60):
    """Runs start(callback) under a GLib.MainLoop and finish(source, result) in the callback.

    Returns (value, error, callback thread); fails when nothing called back in timeout_s."""
    loop = GLib.MainLoop()
    out = {}

    def ready(source, result, *_):
        out["thread"] = threading.current_thread()
        try:
            out["value"] = finish(source, result)
        except GLib.Error as e:
            out["error"] = e
        loop.quit()

    def expired():
        out["timeout"] = True
        loop.quit()
        return GLib.SOURCE_REMOVE

    timer = GLib.timeout_add_seconds(timeout_s, expired)
    start(ready)
    loop.run()
    if out.get("timeout"):
        raise AssertionError("the operation never called back")
    GLib.source_remove(timer)
    return out.get("value"), out.get("error"), out["thread"]


class MoveProgress:
    """A move's progress callback: (thread, phase, processed, total) of each report.

    PyGObject takes the progress data by keyword or as a tuple (the call has a second user_data,
    the callback's): leave it out."""

    def __init__(self):
        self.reports = []
        self.on_report = None

    def __call__(self, phase, processed, total, *_):
        self.reports.append((threading.current_thread(), phase, processed, total))
        if self.on_report:
            self.on_report(phase, processed, total)

    def phases(self):
        """The phases in the order they came, a phase reported again counted once."""
        out = []
        for _, phase, _, _ in self.reports:
            if not out or out[-1] != phase:
                out.append(phase)
        return out


class AsyncCase(unittest.TestCase):
    def assertVmnetError(self, error, code, *fragments):
        self.assertIsNotNone(error, "no error")
        self.assertEqual(error.domain, "vmnet-error-quark", error.message)
        self.assertTrue(error.matches(Vmnet.error_quark(), code), f"{error.message} (code {error.code})")
        for f in fragments:
            self.assertIn(f, error.message)

    def assertCancelled(self, error):
        self.assertIsNotNone(error, "no error")
        self.assertTrue(error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED),
                        f"{error.domain}: {error.message}")

    @staticmethod
    def watch_release(obj):
        """A list that gets the thread obj is freed on."""
        freed = []
        weakref.finalize(obj, lambda: freed.append(threading.current_thread()))
        return freed

    def assertReleasedOnMainThread(self, freed):
        """(scope notified): once the call is done, the library lets go of the progress callback
        (its destroy notify), on the main loop's thread. The caller has dropped its references."""
        ctx = GLib.MainContext.default()
        deadline = GLib.get_monotonic_time() + 10 * 1_000_000
        while not freed and GLib.get_monotonic_time() < deadline:
            ctx.iteration(False)
            gc.collect()
            time.sleep(0.01)
        self.assertEqual(freed, [threading.main_thread()])

    def assertOnMainThread(self, thread):
        self.assertIs(thread, threading.main_thread())

    def watch_items(self, model):
        """(thread, position, removed, added) of every items-changed of model."""
        seen = []
        model.connect("items-changed", lambda m, pos, rem, add: seen.append(
            (threading.current_thread(), pos, rem, add)))
        return seen


class PrivateHost(AsyncCase):
    """Each test opens its own connection to a test-driver XML, so what one changes the next does
    not see."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="vmnet-gi-async-")
        cls.uri = private_host_uri(cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def setUp(self):
        self.host = Vmnet.Host.new_for_uri(self.uri, None)

    # -- switches ------------------------------------------------------------------------
    def create_switch(self, name, net_adapter, bridge, enable_iov, cancellable=None):
        return call_async(lambda cb: self.host.create_switch_async(name, net_adapter, bridge, enable_iov,
                                                                   cancellable, cb),
                          lambda src, res: src.create_switch_finish(res))

    def test_create_and_remove_switch(self):
        changes = self.watch_items(self.host.get_switches())
        sw, error, thread = self.create_switch("Fast2", "ens1f0", None, True)
        self.assertIsNone(error)
        self.assertOnMainThread(thread)
        self.assertIsInstance(sw, Vmnet.Switch)
        self.assertEqual(sw.props.name, "Fast2")
        self.assertEqual(sw.props.switch_type, Vmnet.SwitchType.EXTERNAL)
        self.assertEqual(sw.props.net_adapter_name, "ens1f0")
        self.assertTrue(sw.props.iov_enabled)
        self.assertEqual(sw.props.iov_pool_name, "Fast2-iov")
        # The host's live set has it, as the same object, and told so on the main thread.
        self.assertEqual(sorted(by_name(self.host.get_switches())), ["Fast", "Fast2"])
        self.assertIs(self.host.find_switch("Fast2"), sw)
        self.assertTrue(changes)
        self.assertTrue(all(t is threading.main_thread() for t, *_ in changes))

        ok, error, thread = call_async(lambda cb: self.host.remove_switch_async(sw, False, None, cb),
                                       lambda src, res: src.remove_switch_finish(res))
        self.assertIsNone(error)
        self.assertIs(ok, True)
        self.assertOnMainThread(thread)
        self.assertEqual(sorted(by_name(self.host.get_switches())), ["Fast"])
        with self.assertRaises(GLib.Error):
            self.host.find_switch("Fast2")
        # Its VF pool went with it: a switch of that name can be made again.
        again, error, _ = self.create_switch("Fast2", "ens1f0", None, True)
        self.assertIsNone(error)
        self.assertEqual(again.props.iov_pool_name, "Fast2-iov")

    def test_create_switch_bad_input(self):
        for args, code, fragment in ((("a/b", "ens1f0", None, False), Vmnet.Error.INVALID_ARGUMENT, "'a/b'"),
                                     (("x-iov", "ens1f0", None, False), Vmnet.Error.INVALID_ARGUMENT, "-iov"),
                                     (("NoUplink", None, None, False), Vmnet.Error.INVALID_ARGUMENT, "NoUplink"),
                                     (("Fast", "ens1f0", None, False), Vmnet.Error.ALREADY_EXISTS, "'Fast'"),
                                     (("Sw", "eth9", None, True), Vmnet.Error.NOT_SUPPORTED, "'eth9'")):
            with self.subTest(args=args):
                sw, error, thread = self.create_switch(*args)
                self.assertIsNone(sw)
                self.assertOnMainThread(thread)
                self.assertVmnetError(error, code, fragment)
        self.assertEqual(sorted(by_name(self.host.get_switches())), ["Fast"])

    def test_create_switch_cancelled(self):
        c = Gio.Cancellable()
        c.cancel()
        sw, error, _ = self.create_switch("Never", "ens1f0", None, False, c)
        self.assertIsNone(sw)
        self.assertCancelled(error)
        self.assertTrue(self.host.refresh(None))
        self.assertEqual(sorted(by_name(self.host.get_switches())), ["Fast"])

    def test_remove_switch_in_use(self):
        sw = self.host.find_switch("Fast")
        ok, error, _ = call_async(lambda cb: self.host.remove_switch_async(sw, False, None, cb),
                                  lambda src, res: src.remove_switch_finish(res))
        self.assertIsNone(ok)
        self.assertVmnetError(error, Vmnet.Error.BUSY, "'Fast'", "plain1", "tuned1")
        self.assertTrue(self.host.refresh(None))
        self.assertIs(self.host.find_switch("Fast"), sw)

    # -- adapters ------------------------------------------------------------------------
    def add_adapter(self, vm, sw, name):
        return call_async(lambda cb: self.host.add_network_adapter_async(vm, sw, name, None, cb),
                          lambda src, res: src.add_network_adapter_finish(res))

    def test_add_network_adapter_bad_input(self):
        vm = self.host.find_vm("plain1")
        sw = self.host.find_switch("Fast")
        for name, code in (("bad name!", Vmnet.Error.INVALID_ARGUMENT), ("", Vmnet.Error.INVALID_ARGUMENT),
                           ("eth0", Vmnet.Error.ALREADY_EXISTS)):
            with self.subTest(name=name):
                a, error, _ = self.add_adapter(vm, sw, name)
                self.assertIsNone(a)
                self.assertVmnetError(error, code, "plain1", f"'{name}'")
        self.assertEqual([x.props.name for x in vm.get_network_adapters()], ["eth0"])

    def set_adapter(self, adapter, settings):
        return call_async(lambda cb: self.host.set_network_adapter_async(adapter, settings, None, cb),
                          lambda src, res: src.set_network_adapter_finish(res))

    def test_set_network_adapter(self):
        a = self.host.find_vm("plain1").find_network_adapter("eth0")
        notified = []
        a.connect("notify", lambda o, p: notified.append((threading.current_thread(), p.name)))
        s = Vmnet.AdapterSettings.new()
        s.set_iov_weight(60)
        s.set_iov_interrupt_moderation(Vmnet.IovInterruptModeration.LOW)
        ok, error, thread = self.set_adapter(a, s)
        self.assertIsNone(error)
        self.assertIs(ok, True)
        self.assertOnMainThread(thread)
        # The same object, changed, and only what was given.
        self.assertIs(self.host.find_vm("plain1").find_network_adapter("eth0"), a)
        self.assertEqual(a.props.iov_weight, 60)
        self.assertEqual(a.props.iov_interrupt_moderation, Vmnet.IovInterruptModeration.LOW)
        self.assertEqual(a.props.iov_queue_pairs_requested, 1)
        names = {n for _, n in notified}
        self.assertIn("iov-weight", names)
        self.assertIn("iov-interrupt-moderation", names)
        self.assertTrue(all(t is threading.main_thread() for t, _ in notified))

    def test_set_network_adapter_out_of_range(self):
        a = self.host.find_vm("tuned1").find_network_adapter("net0")
        for setter, value, fragment in (("set_iov_weight", 101, "0"), ("set_iov_queue_pairs_requested", 0, "1"),
                                        ("set_vlan_id", 4095, "4094")):
            with self.subTest(setter=setter):
                s = Vmnet.AdapterSettings.new()
                s.set_iov_weight(10)  # valid, and must not be applied either
                getattr(s, setter)(value)
                ok, error, thread = self.set_adapter(a, s)
                self.assertIsNone(ok)
                self.assertOnMainThread(thread)
                self.assertVmnetError(error, Vmnet.Error.INVALID_ARGUMENT, "net0", "tuned1", str(value), fragment)
        self.assertTrue(self.host.refresh(None))
        self.assertEqual((a.props.iov_weight, a.props.iov_queue_pairs_requested), (75, 2))

    # -- VM scope ------------------------------------------------------------------------
    def test_set_vm_scope(self):
        vm = self.host.find_vm("plain1")
        self.assertEqual(vm.props.scope, "default")
        for scope, expected in (("Lab", "Lab"), (None, "default"), ("default", "default")):
            with self.subTest(scope=scope):
                ok, error, thread = call_async(lambda cb: self.host.set_vm_scope_async(vm, scope, None, cb),
                                               lambda src, res: src.set_vm_scope_finish(res))
                self.assertIsNone(error)
                self.assertIs(ok, True)
                self.assertOnMainThread(thread)
                self.assertIs(self.host.find_vm("plain1"), vm)
                self.assertEqual(vm.props.scope, expected)
        self.assertEqual(self.host.find_vm("tuned1").props.scope, "default")

    # -- refresh ---------------------------------------------------------------------------
    def test_refresh_async_cancelled(self):
        c = Gio.Cancellable()
        c.cancel()
        ok, error, _ = call_async(lambda cb: self.host.refresh_async(c, cb),
                                  lambda src, res: src.refresh_finish(res))
        self.assertIsNone(ok)
        self.assertCancelled(error)

    # -- save with progress (the test driver saves at once and counts no bytes) ---------------
    def test_save_full(self):
        vm = self.host.find_vm("plain1")
        path = os.path.join(self.tmp.name, "plain1.save")
        reports = []
        self.assertTrue(self.host.save_vm_full(vm, path, lambda *a: reports.append((threading.current_thread(), *a[:3])),
                                               cancellable=None))
        # The sync form reports in the calling thread.
        self.assertEqual(reports, [(threading.main_thread(), Vmnet.SavePhase.DETACH, 0, 0),
                                   (threading.main_thread(), Vmnet.SavePhase.SAVE, 0, 0),
                                   (threading.main_thread(), Vmnet.SavePhase.DONE, 0, 0)])
        self.assertEqual(vm.props.state, Vmnet.VmState.OFF)
        self.assertTrue(os.path.exists(path))

    def test_save_full_cancelled_before_save(self):
        # Cancelled while the VFs go out (the sync form reports as it goes): libvirt's save is not
        # begun, the VM runs on.
        vm = self.host.find_vm("plain1")
        path = os.path.join(self.tmp.name, "plain1-cancelled.save")
        cancellable = Gio.Cancellable()
        phases = []

        def progress(phase, *_):
            phases.append(phase)
            if phase == Vmnet.SavePhase.DETACH:
                cancellable.cancel()

        with self.assertRaises(GLib.Error) as caught:
            self.host.save_vm_full(vm, path, progress, cancellable=cancellable)
        self.assertCancelled(caught.exception)
        self.assertIn("VM 'plain1'", caught.exception.message)
        self.assertEqual(phases, [Vmnet.SavePhase.DETACH, Vmnet.SavePhase.ROLLBACK])
        self.assertTrue(self.host.refresh(None))
        self.assertEqual(vm.props.state, Vmnet.VmState.RUNNING)
        self.assertFalse(os.path.exists(path))

    def test_save_full_refused(self):
        # tuned1 holds a VF, which the test driver cannot unplug: refused in the Detach phase, the VM
        # runs on with its VF.
        vm = self.host.find_vm("tuned1")
        progress = MoveProgress()
        ok, error, _ = call_async(lambda cb: self.host.save_vm_full_async(vm, None, progress, callback=cb),
                                  lambda src, res: src.save_vm_full_finish(res))
        self.assertIsNone(ok)
        self.assertVmnetError(error, Vmnet.Error.NOT_SUPPORTED, "VM 'tuned1' adapter 'net0'", "cannot detach VF")
        self.assertEqual(progress.phases(), [Vmnet.SavePhase.DETACH])
        self.assertEqual(vm.props.state, Vmnet.VmState.RUNNING)
        self.assertIsNotNone(vm.find_network_adapter("net0").props.virtual_function)

    # -- move: the pre-flight against a destination that lacks the VM's switch ---------------
    def move(self, vm, destination):
        held = [MoveProgress()]  # emptied below: then only the library holds the callback
        value = call_async(lambda cb: self.host.move_vm_async(vm, destination, None, Vmnet.MoveFlags.LIVE, held[0],
                                                              cancellable=None, callback=cb),
                           lambda src, res: src.move_vm_finish(res))
        phases = held[0].reports
        freed = self.watch_release(held.pop())
        self.assertReleasedOnMainThread(freed)
        return value, [(t, phase) for t, phase, _, _ in phases]

    def test_move_preflight_refuses(self):
        vm = self.host.find_vm("plain1")
        (ok, error, thread), phases = self.move(vm, "test:///default")
        self.assertIsNone(ok)
        self.assertOnMainThread(thread)
        self.assertVmnetError(error, Vmnet.Error.NOT_FOUND, "plain1", "no switch 'Fast'", "test:///default")
        self.assertEqual([p for _, p in phases], [Vmnet.MovePhase.PREFLIGHT])
        self.assertTrue(all(t is threading.main_thread() for t, _ in phases))
        self.assertTrue(self.host.refresh(None))
        self.assertIs(self.host.find_vm("plain1"), vm)
        self.assertEqual(vm.props.state, Vmnet.VmState.RUNNING)

    def test_move_destination_unreachable(self):
        (ok, error, _), phases = self.move(self.host.find_vm("plain1"),
                                           "qemu+unix:///system?socket=/nonexistent/vmnet.sock")
        self.assertIsNone(ok)
        self.assertVmnetError(error, Vmnet.Error.BACKEND_UNAVAILABLE, "plain1", "/nonexistent/")
        self.assertEqual([p for _, p in phases], [Vmnet.MovePhase.PREFLIGHT])


def write_pf_root(root, address="0000:01:00.0", netdev="enp1s0", total=7, vfs=("0000:01:10.0", "0000:01:10.2")):
    """A sysfs tree with one SR-IOV PF and its VFs, laid out as the kernel does."""
    def device(addr, driver, group, net=None):
        dev = os.path.join(root, "sys/devices/pci0000:00", addr)
        os.makedirs(dev)
        os.makedirs(os.path.join(root, "sys/bus/pci/devices"), exist_ok=True)
        os.symlink(dev, os.path.join(root, "sys/bus/pci/devices", addr))
        drv = os.path.join(root, "sys/bus/pci/drivers", driver)
        os.makedirs(drv, exist_ok=True)
        os.symlink(drv, os.path.join(dev, "driver"))
        grp = os.path.join(root, "sys/kernel/iommu_groups", str(group))
        os.makedirs(os.path.join(grp, "devices"), exist_ok=True)
        os.symlink(dev, os.path.join(grp, "devices", addr))
        os.symlink(grp, os.path.join(dev, "iommu_group"))
        if net:
            os.makedirs(os.path.join(dev, "net", net))
            os.makedirs(os.path.join(root, "sys/class/net"), exist_ok=True)
            os.symlink(os.path.join(dev, "net", net), os.path.join(root, "sys/class/net", net))
        return dev

    pf = device(address, "igb", 10, netdev)
    for name, value in (("sriov_totalvfs", total), ("sriov_numvfs", len(vfs))):
        with open(os.path.join(pf, name), "w") as f:
            f.write(f"{value}\n")
    for i, vf in enumerate(vfs):
        os.symlink(device(vf, "igbvf", 11 + i), os.path.join(pf, f"virtfn{i}"))


PF_XML = """<node>
  <device><name>pci_0000_01_00_0</name><parent>computer</parent><capability type='pci'>
    <class>0x020000</class><domain>0</domain><bus>1</bus><slot>0</slot><function>0</function>
    <product id='0x10c9'>82576 Gigabit Network Connection</product><vendor id='0x8086'>Intel Corporation</vendor>
    <capability type='virt_functions' maxCount='7'/></capability></device>
  <device><name>net_enp1s0</name><parent>pci_0000_01_00_0</parent><capability type='net'>
    <interface>enp1s0</interface><address>52:54:00:12:34:56</address></capability></device>
  {domains}
</node>
"""

BUSY_DOMAIN = """<domain type='test'><name>vfuser</name><memory>1024</memory><os><type>hvm</type></os><devices>
    <interface type='hostdev' managed='yes'><mac address='52:54:00:aa:00:01'/>
    <source><address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x2'/></source></interface>
  </devices></domain>"""


class NumVfs(AsyncCase):
    """Set-NetAdapterSriov -NumVFs on a host whose files are a fixture tree (host-root)."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vmnet-gi-numvfs-")
        self.root = os.path.join(self.tmp, "root")
        write_pf_root(self.root)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def open(self, domains="", host_root=True):
        path = os.path.join(self.tmp, f"host{len(os.listdir(self.tmp))}.xml")
        with open(path, "w") as f:
            f.write(PF_XML.replace("{domains}", domains))
        props = {"uri": "test://" + path}
        if host_root:
            props["host_root"] = self.root
        host = Vmnet.Host(**props)
        host.init(None)
        return host

    def numvfs_file(self):
        with open(os.path.join(self.root, "sys/bus/pci/devices/0000:01:00.0/sriov_numvfs")) as f:
            return f.read().strip()

    def set_num_vfs(self, host, pf, n):
        return call_async(lambda cb: host.set_net_adapter_sriov_num_vfs_async(pf, n, None, cb),
                          lambda src, res: src.set_net_adapter_sriov_num_vfs_finish(res))

    def test_set(self):
        host = self.open()
        pf = host.find_net_adapter_sriov("enp1s0")
        self.assertEqual((pf.props.num_vfs, pf.props.max_vfs), (2, 7))
        notified = []
        pf.connect("notify::num-vfs", lambda o, p: notified.append(threading.current_thread()))
        ok, error, thread = self.set_num_vfs(host, pf, 5)
        self.assertIsNone(error)
        self.assertIs(ok, True)
        self.assertOnMainThread(thread)
        self.assertEqual(self.numvfs_file(), "5")
        self.assertIs(host.find_net_adapter_sriov("enp1s0"), pf)
        self.assertEqual(pf.props.num_vfs, 5)
        self.assertEqual(notified, [threading.main_thread()])
        self.assertEqual(pf.props.configured_num_vfs, 5)
        self.assertEqual(pf.get_configured_num_vfs(), 5)
        ok, error, _ = self.set_num_vfs(host, pf, 0)
        self.assertIsNone(error)
        self.assertEqual((self.numvfs_file(), pf.props.num_vfs, pf.props.enabled), ("0", 0, False))
        self.assertEqual(pf.props.configured_num_vfs, 0)
        with open(os.path.join(self.root, "etc/vmnet/sriov.conf")) as f:
            self.assertIn("[0000:01:00.0]\nname=enp1s0\nnum-vfs=0\n", f.read())

    def test_apply_configuration(self):
        os.makedirs(os.path.join(self.root, "etc/vmnet"))
        with open(os.path.join(self.root, "etc/vmnet/sriov.conf"), "w") as f:
            f.write("[0000:01:00.0]\nnum-vfs=3\n")
        ok, report = Vmnet.NetAdapterSriov.apply_configuration(self.root)
        self.assertIs(ok, True)
        self.assertEqual(report, ["0000:01:00.0 enp1s0: NumVFs 3 applied"])
        self.assertEqual(self.numvfs_file(), "3")
        with open(os.path.join(self.root, "sys/bus/pci/devices/0000:01:00.0/sriov_totalvfs"), "w") as f:
            f.write("2\n")
        with open(os.path.join(self.root, "sys/bus/pci/devices/0000:01:00.0/sriov_numvfs"), "w") as f:
            f.write("0\n")
        with self.assertRaises(GLib.Error) as caught:
            Vmnet.NetAdapterSriov.apply_configuration(self.root)
        self.assertTrue(caught.exception.matches(Vmnet.error_quark(), Vmnet.Error.NO_RESOURCES))
        self.assertIn("offers only 2", caught.exception.message)

    def test_out_of_range(self):
        host = self.open()
        pf = host.find_net_adapter_sriov("enp1s0")
        for n in (8, -1):
            with self.subTest(n=n):
                ok, error, _ = self.set_num_vfs(host, pf, n)
                self.assertIsNone(ok)
                self.assertVmnetError(error, Vmnet.Error.INVALID_ARGUMENT, "'enp1s0'", str(n), "allowed 0 to 7")
        self.assertEqual(self.numvfs_file(), "2")

    def test_busy(self):
        host = self.open(BUSY_DOMAIN)
        ok, error, _ = self.set_num_vfs(host, host.find_net_adapter_sriov("enp1s0"), 0)
        self.assertIsNone(ok)
        self.assertVmnetError(error, Vmnet.Error.BUSY, "'enp1s0'", "vfuser")
        self.assertEqual(self.numvfs_file(), "2")

    def test_without_host_files(self):
        host = self.open(host_root=False)
        ok, error, _ = self.set_num_vfs(host, host.find_net_adapter_sriov("enp1s0"), 1)
        self.assertIsNone(ok)
        self.assertVmnetError(error, Vmnet.Error.REMOTE_UNSUPPORTED, "'enp1s0'")
        self.assertEqual(self.numvfs_file(), "2")


@unittest.skipIf(libvirt is None, "python3-libvirt is not installed")
class SharedDriver(AsyncCase):
    """refresh and reconcile on test:///default, which this process's libvirt connections share:
    what python3-libvirt changes, the host sees on its next read."""

    @classmethod
    def setUpClass(cls):
        cls.conn = libvirt.open("test:///default")
        cls.conn.networkDefineXML("<network><name>gia</name><bridge name='gia0'/></network>").create()
        cls.conn.networkDefineXML("<network><name>gia-iov</name><forward mode='hostdev' managed='yes'>"
                                  "<pf dev='nopf0'/></forward></network>")
        for name, mac in (("gia-one", "52:54:00:9b:00:01"), ("gia-two", "52:54:00:9b:00:02")):
            cls.conn.defineXML(f"""<domain type='test'><name>{name}</name><memory>1024</memory>
              <os><type>hvm</type></os>
              <metadata><vmnet:adapters xmlns:vmnet='{NS}'>
                <vmnet:adapter mac='{mac}' iov-weight='40'/></vmnet:adapters></metadata>
              <devices><interface type='network'><mac address='{mac}'/><source network='gia'/>
                <model type='virtio'/><teaming type='persistent'/><alias name='ua-net0'/></interface></devices>
              </domain>""").create()

    @classmethod
    def tearDownClass(cls):
        for name in ("gia-one", "gia-two"):
            dom = cls.conn.lookupByName(name)
            dom.destroy()
            dom.undefine()
        for name in ("gia", "gia-iov", "gia-late"):
            try:
                net = cls.conn.networkLookupByName(name)
            except libvirt.libvirtError:
                continue
            if net.isActive():
                net.destroy()
            net.undefine()
        cls.conn.close()

    def test_refresh_async_sees_a_new_switch(self):
        host = Vmnet.Host.new_for_uri("test:///default", None)
        switches = host.get_switches()
        before = list(switches)
        changes = self.watch_items(switches)
        self.conn.networkDefineXML("<network><name>gia-late</name><bridge name='gial0'/></network>")
        ok, error, thread = call_async(lambda cb: host.refresh_async(None, cb),
                                       lambda src, res: src.refresh_finish(res))
        self.assertIsNone(error)
        self.assertIs(ok, True)
        self.assertOnMainThread(thread)
        late = host.find_switch("gia-late")
        self.assertIn(late, list(switches))
        self.assertEqual(len(switches), len(before) + 1)
        for sw in before:
            self.assertIn(sw, list(switches))
        self.assertTrue(changes)
        self.assertTrue(all(t is threading.main_thread() for t, *_ in changes))
        self.assertEqual(sum(added - removed for _, _, removed, added in changes), 1)

    def reconcile(self, host, vm):
        actions = []
        host.connect("vf-action", lambda h, action, vm_name, adapter, vf, reason:
                     actions.append((threading.current_thread(), action, vm_name, adapter, reason)))
        value = call_async(lambda cb: host.reconcile_async(vm, None, cb),
                           lambda src, res: src.reconcile_finish(res))
        return value, [a for a in actions if a[2].startswith("gia-")]

    def test_reconcile_async(self):
        # The test driver cannot attach VFs: each wanted VF is a FAILED action with its reason.
        host = Vmnet.Host.new_for_uri("test:///default", None)
        (ok, error, thread), actions = self.reconcile(host, None)
        self.assertIsNone(error)
        self.assertIs(ok, True)
        self.assertOnMainThread(thread)
        self.assertEqual(sorted(a[2] for a in actions), ["gia-one", "gia-two"])
        for t, action, _, adapter, reason in actions:
            self.assertIs(t, threading.main_thread())
            self.assertEqual((action, adapter), (Vmnet.VfAction.FAILED, "net0"))
            self.assertTrue(reason)
        a = host.find_vm("gia-one").find_network_adapter("net0")
        self.assertEqual(a.props.status, Vmnet.OperationalStatus.DEGRADED)
        self.assertTrue(any(actions[0][4] in d for d in a.props.status_description), a.props.status_description)

    def test_reconcile_async_one_vm(self):
        host = Vmnet.Host.new_for_uri("test:///default", None)
        (ok, error, _), actions = self.reconcile(host, host.find_vm("gia-two"))
        self.assertIsNone(error)
        self.assertIs(ok, True)
        self.assertEqual([a[2] for a in actions], ["gia-two"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
