#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The VM *_async operations through GObject-Introspection from a GLib.MainLoop, between two real
libvirtds (QEMU driver, TCG domains, migration over a unix socket): save, restore, start,
checkpoint, add adapter, save and move with their progress and their cancellation; and a move
from gjs (move-async.js)."""
import os
import shutil
import struct
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "gi"))
from test_daemon import NS, domain_xml, libvirt  # noqa: E402
from test_move import start_two_daemons, stop_two_daemons  # noqa: E402
from test_async import AsyncCase, MoveProgress, Gio, GLib, Vmnet, call_async  # noqa: E402

Phase = Vmnet.MovePhase
SavePhase = Vmnet.SavePhase
FILLER_MIB = 32
SAVER_MIB = 256     # the save of a filled guest of this size lasts a moment


def memory_filler(mib):
    """A multiboot image (a.out kludge: loaded at 1 MiB, entered in 32-bit flat mode) that fills the
    guest's RAM from 2 MiB to 6 MiB short of its end with a non-zero pattern, then halts: a VM
    whose memory QEMU must really send, so a throttled migration lasts."""
    load = 0x100000
    magic, flags = 0x1BADB002, 0x00010000
    count = ((mib - 8) << 20) // 4
    code = (b"\xbf" + struct.pack("<I", 0x200000)        # mov edi, 2 MiB
            + b"\xb9" + struct.pack("<I", count)         # mov ecx, count
            + b"\xb8" + struct.pack("<I", 0x5A5AA5A5)    # mov eax, pattern
            + b"\xf3\xab"                                # rep stosd
            + b"\xfa\xf4\xeb\xfd")                       # cli; hlt; jmp hlt
    size = 32 + len(code)
    header = struct.pack("<8I", magic, flags, (-(magic + flags)) & 0xFFFFFFFF,
                         load, load, load + size, 0, load + 32)
    return header + code


class GiAsyncDaemon(AsyncCase):
    @classmethod
    def setUpClass(cls):
        if libvirt is None:
            raise unittest.SkipTest("python3-libvirt is not installed")
        start_two_daemons(cls, "vmnet-gi-async-", "33333333", "vmnetga0")
        filler = os.path.join(cls.work, "fill.mb")
        with open(filler, "wb") as f:
            f.write(memory_filler(FILLER_MIB))
        for name, mac, weight in (("mover", "52:54:00:f1:00:01", 50), ("slow", "52:54:00:f1:01:01", 30),
                                  ("saver", "52:54:00:f1:02:01", 20), ("grower", "52:54:00:f1:03:01", 0),
                                  ("jsmover", "52:54:00:f1:06:01", 10)):
            cls.src.defineXML(domain_xml(name, [(mac, "sw", "net0")], [(mac, f"iov-weight='{weight}'")])).create()
        xml = domain_xml("busy", [("52:54:00:f1:05:01", "sw", "net0")], [("52:54:00:f1:05:01", "iov-weight='30'")])
        xml = xml.replace("<memory unit='MiB'>64</memory>", f"<memory unit='MiB'>{FILLER_MIB}</memory>")
        cls.src.defineXML(xml.replace("hvm</type></os>", f"hvm</type><kernel>{filler}</kernel></os>")).create()
        big = os.path.join(cls.work, "fill-big.mb")
        with open(big, "wb") as f:
            f.write(memory_filler(SAVER_MIB))
        xml = domain_xml("bigsaver", [("52:54:00:f1:07:01", "sw", "net0")], [("52:54:00:f1:07:01", "iov-weight='40'")])
        xml = xml.replace("<memory unit='MiB'>64</memory>", f"<memory unit='MiB'>{SAVER_MIB}</memory>")
        cls.src.defineXML(xml.replace("hvm</type></os>", f"hvm</type><kernel>{big}</kernel></os>")).create()
        cls.host = Vmnet.Host.new_for_uri(cls.src_uri, None)

    @classmethod
    def tearDownClass(cls):
        cls.host = None
        stop_two_daemons(cls)

    def names(self, conn):
        return sorted(d.name() for d in conn.listAllDomains())

    # -- save, restore, start, checkpoint ---------------------------------------------------
    def test_save_restore_start(self):
        vm = self.host.find_vm("saver")
        path = os.path.join(self.work, "saver.save")
        ok, error, thread = call_async(lambda cb: self.host.save_vm_async(vm, path, None, cb),
                                       lambda src, res: src.save_vm_finish(res))
        self.assertIsNone(error)
        self.assertIs(ok, True)
        self.assertOnMainThread(thread)
        self.assertFalse(self.src.lookupByName("saver").isActive())
        self.assertGreater(os.path.getsize(path), 0)
        self.assertIs(self.host.find_vm("saver"), vm)
        self.assertEqual(vm.props.state, Vmnet.VmState.OFF)

        restored, error, thread = call_async(lambda cb: self.host.restore_vm_async(path, None, cb),
                                             lambda src, res: src.restore_vm_finish(res))
        self.assertIsNone(error)
        self.assertOnMainThread(thread)
        self.assertIs(restored, vm)
        self.assertEqual(vm.props.state, Vmnet.VmState.RUNNING)
        self.assertTrue(self.src.lookupByName("saver").isActive())
        self.assertEqual(vm.find_network_adapter("net0").props.iov_weight, 20)

        # libvirt's managed save, then Start-VM from it.
        ok, error, _ = call_async(lambda cb: self.host.save_vm_async(vm, None, None, cb),
                                  lambda src, res: src.save_vm_finish(res))
        self.assertIsNone(error)
        self.assertTrue(self.src.lookupByName("saver").hasManagedSaveImage())
        self.assertEqual(vm.props.state, Vmnet.VmState.SAVED)
        ok, error, thread = call_async(lambda cb: self.host.start_vm_async(vm, None, cb),
                                       lambda src, res: src.start_vm_finish(res))
        self.assertIsNone(error)
        self.assertIs(ok, True)
        self.assertOnMainThread(thread)
        dom = self.src.lookupByName("saver")
        self.assertTrue(dom.isActive())
        self.assertFalse(dom.hasManagedSaveImage())
        self.assertEqual(vm.props.state, Vmnet.VmState.RUNNING)

    # -- save with progress -----------------------------------------------------------------
    def save_full(self, name, path, progress, cancellable=None):
        vm = self.host.find_vm(name)
        done_at = []

        def finish(src, res):
            done_at.append(len(progress.reports))
            return src.save_vm_full_finish(res)

        t0 = time.monotonic()
        ok, error, thread = call_async(
            lambda cb: self.host.save_vm_full_async(vm, path, progress, cancellable=cancellable, callback=cb),
            finish, timeout_s=300)
        self.assertOnMainThread(thread)
        # Every report came on the main loop's thread, and before the result.
        self.assertTrue(all(t is threading.main_thread() for t, *_ in progress.reports))
        self.assertEqual(done_at, [len(progress.reports)])
        return ok, error, time.monotonic() - t0

    def test_save_full_progress_and_cancel(self):
        vm = self.host.find_vm("bigsaver")
        path = os.path.join(self.work, "bigsaver.save")
        dom = self.src.lookupByName("bigsaver")
        # Cancelled as the save phase begins: libvirt's save job is aborted, the VM runs on.
        progress = MoveProgress()
        cancellable = Gio.Cancellable()
        progress.on_report = lambda phase, *_: phase == SavePhase.SAVE and cancellable.cancel()
        ok, error, _ = self.save_full("bigsaver", path, progress, cancellable)
        self.assertIsNone(ok)
        self.assertCancelled(error)
        self.assertIn("VM 'bigsaver': the save was cancelled: libvirt aborted the save", error.message)
        self.assertEqual(progress.phases(), [SavePhase.DETACH, SavePhase.SAVE, SavePhase.ROLLBACK])
        self.assertTrue(dom.isActive())
        self.assertEqual(dom.info()[0], libvirt.VIR_DOMAIN_RUNNING)
        self.assertEqual(dom.jobInfo()[0], libvirt.VIR_DOMAIN_JOB_NONE)
        self.assertFalse(os.path.exists(path))
        self.assertEqual(vm.props.state, Vmnet.VmState.RUNNING)
        self.assertEqual(vm.find_network_adapter("net0").props.iov_weight, 40)
        with open(os.path.join(self.states[0], "log", "libvirtd.log")) as f:
            self.assertIn("job 'domain save' canceled by client", f.read())

        # The save that goes through: its phases in order, libvirt's bytes in the Save phase only.
        progress = MoveProgress()
        ok, error, seconds = self.save_full("bigsaver", path, progress)
        self.assertIsNone(error)
        self.assertIs(ok, True)
        self.assertEqual(progress.phases(), [SavePhase.DETACH, SavePhase.SAVE, SavePhase.DONE])
        counted = [(processed, total) for _, phase, processed, total in progress.reports if total]
        for _, phase, processed, total in progress.reports:
            if phase != SavePhase.SAVE:
                self.assertEqual((processed, total), (0, 0))
        self.assertTrue(counted, progress.reports)
        self.assertTrue(all(0 < p <= t for p, t in counted), counted)
        self.assertEqual(counted, sorted(counted))
        # libvirt's final count: the filled memory was written, out of all of the guest's.
        self.assertGreater(counted[-1][1], SAVER_MIB << 20)
        self.assertGreater(counted[-1][0], (SAVER_MIB // 2) << 20)
        self.assertFalse(dom.isActive())
        self.assertGreater(os.path.getsize(path), (SAVER_MIB // 2) << 20)
        self.assertEqual(vm.props.state, Vmnet.VmState.OFF)
        freed = self.watch_release(progress)
        del progress
        self.assertReleasedOnMainThread(freed)
        print(f"save of {SAVER_MIB} MiB: {len(counted)} reports with bytes, {seconds:.2f} s", file=sys.stderr)

        # The sync form reports in the calling thread; a VM that does not run: refused, no phase.
        reports = []
        with self.assertRaises(GLib.Error) as caught:
            self.host.save_vm_full(vm, path, lambda phase, *_: reports.append(phase), cancellable=None)
        self.assertIn("bigsaver", caught.exception.message)
        self.assertEqual(reports, [SavePhase.DETACH, SavePhase.SAVE, SavePhase.ROLLBACK])
        os.unlink(path)

    def test_restore_missing_file(self):
        missing = os.path.join(self.work, "missing.save")
        vm, error, _ = call_async(lambda cb: self.host.restore_vm_async(missing, None, cb),
                                  lambda src, res: src.restore_vm_finish(res))
        self.assertIsNone(vm)
        self.assertEqual(error.domain, "vmnet-error-quark")
        self.assertIn("missing.save", error.message)

    def test_start_running_vm_fails(self):
        vm = self.host.find_vm("grower")
        ok, error, _ = call_async(lambda cb: self.host.start_vm_async(vm, None, cb),
                                  lambda src, res: src.start_vm_finish(res))
        self.assertIsNone(ok)
        self.assertEqual(error.domain, "vmnet-error-quark")
        self.assertIn("grower", error.message)
        self.assertTrue(self.src.lookupByName("grower").isActive())

    def test_checkpoint(self):
        vm = self.host.find_vm("grower")
        mem = os.path.join(self.work, "grower.mem")
        ok, error, thread = call_async(
            lambda cb: self.host.checkpoint_vm_async(vm, "before <upgrade>", mem, None, cb),
            lambda src, res: src.checkpoint_vm_finish(res))
        self.assertIsNone(error)
        self.assertIs(ok, True)
        self.assertOnMainThread(thread)
        dom = self.src.lookupByName("grower")
        self.assertTrue(dom.isActive())
        self.assertEqual(dom.snapshotListNames(), ["before <upgrade>"])
        self.assertGreater(os.path.getsize(mem), 0)
        self.assertEqual(vm.props.state, Vmnet.VmState.RUNNING)
        # No name: refused before anything is done.
        ok, error, _ = call_async(lambda cb: self.host.checkpoint_vm_async(vm, "", None, None, cb),
                                  lambda src, res: src.checkpoint_vm_finish(res))
        self.assertIsNone(ok)
        self.assertVmnetError(error, Vmnet.Error.INVALID_ARGUMENT, "grower", "name")
        self.assertEqual(dom.snapshotListNames(), ["before <upgrade>"])

    def test_add_network_adapter(self):
        vm = self.host.find_vm("grower")
        sw = self.host.find_switch("sw")
        a, error, thread = call_async(lambda cb: self.host.add_network_adapter_async(vm, sw, "extra", None, cb),
                                      lambda src, res: src.add_network_adapter_finish(res))
        self.assertIsNone(error)
        self.assertOnMainThread(thread)
        self.assertIsInstance(a, Vmnet.NetworkAdapter)
        self.assertEqual((a.props.name, a.props.vm_name, a.props.switch_name), ("extra", "grower", "sw"))
        self.assertIs(vm.find_network_adapter("extra"), a)
        self.assertIn(a, list(self.host.get_network_adapters()))
        # The running VM got it, and keeps it: live and persistent definitions alike.
        dom = self.src.lookupByName("grower")
        for flags in (0, libvirt.VIR_DOMAIN_XML_INACTIVE):
            xml = dom.XMLDesc(flags)
            self.assertIn(a.props.mac_address, xml)
            self.assertIn("<alias name='ua-extra'/>", xml)
        # On a switch in SR-IOV mode: ready for failover.
        self.assertIn("<teaming type='persistent'/>", dom.XMLDesc(0).split(a.props.mac_address)[1].split("</interface>")[0])
        a2, error, _ = call_async(lambda cb: self.host.add_network_adapter_async(vm, sw, "extra", None, cb),
                                  lambda src, res: src.add_network_adapter_finish(res))
        self.assertIsNone(a2)
        self.assertVmnetError(error, Vmnet.Error.ALREADY_EXISTS, "grower", "'extra'")

    # -- move ---------------------------------------------------------------------------
    def move(self, name, progress, cancellable=None, migrate_uri=None):
        vm = self.host.find_vm(name)
        sock = migrate_uri or "unix://" + os.path.join(self.work, f"migrate-{name}.sock")
        done_at = []

        def finish(src, res):
            done_at.append(len(progress.reports))
            return src.move_vm_finish(res)

        t0 = time.monotonic()
        ok, error, thread = call_async(
            lambda cb: self.host.move_vm_async(vm, self.dst_uri, sock, Vmnet.MoveFlags.LIVE, progress,
                                               cancellable=cancellable, callback=cb), finish, timeout_s=300)
        self.assertOnMainThread(thread)
        # Every report came on the main loop's thread, and before the result.
        self.assertTrue(all(t is threading.main_thread() for t, *_ in progress.reports))
        self.assertEqual(done_at, [len(progress.reports)])
        return ok, error, time.monotonic() - t0

    def test_move(self):
        progress = MoveProgress()
        vm = self.host.find_vm("mover")
        changes = self.watch_items(self.host.get_vms())
        ok, error, seconds = self.move("mover", progress)
        self.assertIsNone(error)
        self.assertIs(ok, True)
        self.assertEqual(progress.phases(),
                         [Phase.PREFLIGHT, Phase.DETACH, Phase.MIGRATE, Phase.ATTACH, Phase.DONE])
        # Byte counts come with the Migrate phase only.
        for _, phase, processed, total in progress.reports:
            if phase != Phase.MIGRATE:
                self.assertEqual((processed, total), (0, 0))
            elif total:
                self.assertLessEqual(processed, total)
        freed = self.watch_release(progress)
        del progress
        self.assertReleasedOnMainThread(freed)
        # Gone from the source, and from the host's live set, on the main thread.
        self.assertNotIn("mover", self.names(self.src))
        self.assertNotIn(vm, list(self.host.get_vms()))
        with self.assertRaises(GLib.Error):
            self.host.find_vm("mover")
        self.assertTrue(changes and all(t is threading.main_thread() for t, *_ in changes))
        dom = self.dst.lookupByName("mover")
        self.assertTrue(dom.isActive())
        self.assertTrue(dom.isPersistent())
        self.assertIn('iov-weight="50"', dom.metadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, NS,
                                                      libvirt.VIR_DOMAIN_AFFECT_CONFIG))
        print(f"move: {seconds:.1f} s", file=sys.stderr)

    def start_cancelled_move(self, name, when):
        """Moves NAME throttled to 1 MiB/s and cancels at the first MIGRATE report that when() accepts.
        Returns (ok, error, seconds, (processed, total) at the cancel)."""
        self.src.lookupByName(name).migrateSetMaxSpeed(1)
        progress = MoveProgress()
        cancellable = Gio.Cancellable()
        cancelled_at = []

        def on_report(phase, processed, total):
            if phase == Phase.MIGRATE and not cancellable.is_cancelled() and when(processed, total):
                cancelled_at.append((processed, total))
                cancellable.cancel()

        progress.on_report = on_report
        ok, error, seconds = self.move(name, progress, cancellable)
        self.assertEqual(len(cancelled_at), 1, "never cancelled: the migration ended first")
        return ok, error, seconds, progress.phases(), cancelled_at[0]

    def assertStayed(self, name, error, phases):
        """The move failed with G_IO_ERROR_CANCELLED, libvirt's job was aborted by this client, and
        the VM stays running on the source with its settings."""
        self.assertCancelled(error)
        # The library's own error, not GTask's: libvirt took the abort.
        self.assertIn(f"VM '{name}'", error.message)
        self.assertIn("aborted the migration", error.message)
        self.assertEqual(phases, [Phase.PREFLIGHT, Phase.DETACH, Phase.MIGRATE, Phase.ROLLBACK])
        self.assertTrue(self.src.lookupByName(name).isActive())
        self.assertNotIn(name, self.names(self.dst))
        vm = self.host.find_vm(name)
        self.assertEqual(vm.props.state, Vmnet.VmState.RUNNING)
        self.assertEqual(vm.find_network_adapter("net0").props.iov_weight, 30)
        self.assertEqual(self.src.lookupByName(name).jobInfo()[0], libvirt.VIR_DOMAIN_JOB_NONE)
        with open(os.path.join(self.states[0], "log", "libvirtd.log")) as f:
            self.assertIn("canceled by client", f.read())

    def test_move_cancelled_when_migrate_begins(self):
        ok, error, seconds, phases, _ = self.start_cancelled_move("slow", lambda processed, total: True)
        self.assertIsNone(ok)
        self.assertStayed("slow", error, phases)
        print(f"cancelled at the Migrate phase: {seconds:.1f} s in all", file=sys.stderr)

    def test_move_cancelled_while_data_flows(self):
        # QEMU is sending the guest's (non-zero) memory when the cancel comes. libvirt sometimes
        # holds the abort until the migration is over; then the VM has moved, and the call says so.
        ok, error, seconds, phases, (processed, total) = self.start_cancelled_move(
            "busy", lambda processed, total: processed > 0)
        self.assertGreater(total, FILLER_MIB << 19)
        if error is not None:
            self.assertStayed("busy", error, phases)
            print(f"cancelled at {processed}/{total} bytes: {seconds:.1f} s in all", file=sys.stderr)
            return
        self.assertIs(ok, True)
        self.assertEqual(phases, [Phase.PREFLIGHT, Phase.DETACH, Phase.MIGRATE, Phase.ATTACH, Phase.DONE])
        self.assertNotIn("busy", self.names(self.src))
        self.assertTrue(self.dst.lookupByName("busy").isActive())
        print(f"abort held by libvirt until the migration ended: moved, {seconds:.1f} s in all", file=sys.stderr)

    def test_move_from_gjs(self):
        gjs = shutil.which("gjs")
        if not gjs:
            self.skipTest("gjs is not installed")
        sock = "unix://" + os.path.join(self.work, "migrate-jsmover.sock")
        p = subprocess.run([gjs, "-m", os.path.join(HERE, "move-async.js"), self.src_uri, self.dst_uri, "jsmover", sock],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual([line for line in p.stdout.splitlines() if line.startswith("ok ")],
                         ["ok 1 - new_for_uri_async opens the source",
                          "ok 2 - set_network_adapter_async sets IovWeight 60",
                          "ok 3 - move_vm_async moves it live, progress in order before the result"])
        # The setting made from gjs travelled with the VM.
        self.assertNotIn("jsmover", self.names(self.src))
        dom = self.dst.lookupByName("jsmover")
        self.assertTrue(dom.isActive())
        self.assertIn('iov-weight="60"', dom.metadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, NS,
                                                      libvirt.VIR_DOMAIN_AFFECT_CONFIG))

    def test_move_refused_on_destination(self):
        # A VM of that name on the destination: the pre-flight refuses, nothing moves.
        self.dst.defineXML(domain_xml("dup", [], []))
        self.src.defineXML(domain_xml("dup", [("52:54:00:f1:04:01", "sw", "net0")], []))
        self.assertTrue(self.host.refresh(None))
        progress = MoveProgress()
        ok, error, _ = self.move("dup", progress)
        self.assertIsNone(ok)
        self.assertVmnetError(error, Vmnet.Error.ALREADY_EXISTS, "dup", self.dst_uri)
        self.assertEqual(progress.phases(), [Phase.PREFLIGHT])
        self.assertIn("dup", self.names(self.src))


if __name__ == "__main__":
    unittest.main(verbosity=2)
