#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""vmnetd's D-Bus API (doc/dbus.md) on the real stack (tests/auth/dbus_stack.py): the served objects.

The object tree is compared with a direct read of the host, a change made straight through
libvirt must show up as PropertiesChanged, NetworkAdapter.Set must work for a user the store
allows and be refused, with the operation named, for one who may only see the VM; a user sees
only the objects libvirt would show them, and gets the signals for those alone; malformed and
hostile calls get errors naming the argument, and vmnetd stays up. GetModel holds what each
caller sees and changes with the host."""
import json
import os
import shutil
import subprocess
import sys
import time
import unittest

from dbus_stack import (BUS_NAME, IFACE, MODEL_TYPE, PF_XML, ROOT, VMNET, DBusStack, GLib, Gio, Vmnet,
                        dbus_name_to_property, domain_xml, plain)


class DBusTest(DBusStack):
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

    def test_9y_vf_holders_as_each_user_may_see_them(self):
        """A VF's holder, and the list of the holders of a switch's VFs, as each caller may see them:
        vmnetd on a test-driver host whose VMs hold VFs (the private libvirtd has no SR-IOV adapter), on
        the same bus and polkit. carol sees the VFs and names only the holders in her scope; a holder that
        changes (StartVM) and rules that change (the store moves a VM in and out of her scope) reach her as
        PropertiesChanged with what she may see then. bob, who may see the adapter and its VFs alone, reads
        neither its switch nor any holder."""
        xml = os.path.join(self.state, "held.xml")
        with open(xml, "w") as f:
            f.write(held_host_xml([("vf-seen", True), ("vf-other", True), ("vf-late", False),
                                   ("vf-stranger", False)]))
        root = os.path.join(self.state, "held-root")
        os.makedirs(os.path.join(root, "sys"), exist_ok=True)
        uri = "test://" + xml

        def scope(vm, name):
            p = subprocess.run([VMNET, "--connect", uri, "set-vmscope", "--vm-name", vm, "--scope", name,
                                "--store", self.store, "--rules", self.rules], capture_output=True, text=True,
                               timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)

        def vf(fn):
            return f"{ROOT}/VirtualFunction/{Gio.dbus_escape_object_path(f'0000:81:02.{fn}')}"

        def holders(objects):
            return {fn: (objects[vf(fn)][IFACE + "VirtualFunction"]["VMName"],
                         objects[vf(fn)][IFACE + "VirtualFunction"]["VMNetworkAdapterName"]) for fn in range(4)}

        def start(vm):
            p = self.as_user(None, "gdbus", "call", "--system", "--dest", BUS_NAME, "--object-path", ROOT + "/Host",
                             "--method", IFACE + "Host.StartVM", vm)
            self.assertEqual(p.returncode, 0, p.stderr)

        carol_lines = []

        def carol_until(match, what):
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                line = carol.stdout.readline()
                if not line:
                    break
                carol_lines.append(line)
                name, path, args = line.rstrip("\n").split(" ", 2)
                if match(name, path, eval(args)):
                    return
            self.fail(f"carol was not told {what}:\n" + "".join(carol_lines)[-3000:])

        def vm_name_changed(fn, value):
            adapter = "net0" if value else ""
            return lambda name, path, args: (name == "PropertiesChanged" and path == vf(fn) and
                                             args[1].get("VMName") == value and
                                             args[1].get("VMNetworkAdapterName") == adapter)

        sw = self.switch_path("Fast")
        carol = None
        scope("vf-seen", "alice-scope")
        scope("vf-late", "alice-scope")
        self.stop_vmnetd()
        try:
            self.start_vmnetd(uri, "--host-root", root)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and self.vmnetd.poll() is None:
                try:
                    if vf(3) in self.managed_objects():
                        break
                except GLib.Error:
                    pass
                time.sleep(0.1)
            # root sees every holder; carol (who may read the service's configuration and the VMs of
            # alice's scope) sees every VF, and the holders in her scope.
            self.assertEqual(holders(self.managed_objects()),
                             {0: ("vf-seen", "net0"), 1: ("vf-other", "net0"), 2: ("", ""), 3: ("", "")},
                             self.vmnetd_output()[-3000:])
            mine = self.user_objects("vmnt-carol")
            self.assertEqual(holders(mine), {0: ("vf-seen", "net0"), 1: ("", ""), 2: ("", ""), 3: ("", "")})
            self.assertNotIn("vf-other", repr(mine))
            # Get and GetAll the same.
            p = self.as_user("vmnt-carol", "gdbus", "call", "--system", "--dest", BUS_NAME, "--object-path", vf(1),
                             "--method", "org.freedesktop.DBus.Properties.Get", IFACE + "VirtualFunction", "VMName")
            self.assertEqual((p.returncode, p.stdout.strip()), (0, "(<''>,)"), p.stderr)
            p = self.as_user("vmnt-carol", "gdbus", "call", "--system", "--dest", BUS_NAME, "--object-path", vf(1),
                             "--method", "org.freedesktop.DBus.Properties.GetAll", IFACE + "VirtualFunction")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("'VMName': <''>, 'VMNetworkAdapterName': <''>", p.stdout)
            self.assertIn("'0000:81:02.1'", p.stdout)
            self.assertNotIn("vf-other", p.stdout)
            p = self.as_user("vmnt-carol", "gdbus", "call", "--system", "--dest", BUS_NAME, "--object-path", vf(0),
                             "--method", "org.freedesktop.DBus.Properties.Get", IFACE + "VirtualFunction", "VMName")
            self.assertEqual((p.returncode, p.stdout.strip()), (0, "(<'vf-seen'>,)"), p.stderr)

            cmd = ["nsenter", "-t", self.holder, "-m", "-n", "--", "runuser", "-u", "vmnt-carol", "--",
                   "/usr/bin/python3", "-c", LISTENER_ALL, "60"]
            carol = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            first = carol.stdout.readline()
            self.assertTrue(first.startswith("objects "), first + (carol.stderr.read() if carol.poll() else ""))
            # The holder changes: a VM in her scope takes a VF, and one outside it.
            start("vf-late")
            carol_until(vm_name_changed(2, "vf-late"), "that vf-late holds VF 2")
            start("vf-stranger")
            deadline = time.monotonic() + 20
            while self.prop(vf(3), "VirtualFunction", "VMName") != "vf-stranger" and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertEqual(self.prop(vf(3), "VirtualFunction", "VMName"), "vf-stranger")
            # Every VF is in use: the switch's fix lists the holders, those outside her scope as
            # "another VM", as her GetModel writes them.
            everything = "\n".join(self.managed_objects()[sw][IFACE + "Switch"]["IovSupportReasons"])
            self.assertIn("(vf-seen/net0, vf-other/net0, vf-late/net0, vf-stranger/net0)", everything)
            reasons = self.user_objects("vmnt-carol")[sw][IFACE + "Switch"]["IovSupportReasons"]
            self.assertIn("(vf-seen/net0, another VM, vf-late/net0, another VM)", "\n".join(reasons))
            p = self.as_user("vmnt-carol", "/usr/bin/python3", "-c", GET_MODEL)
            self.assertEqual(p.returncode, 0, p.stderr)
            strings = self.model_contents(bytes.fromhex(p.stdout.split()[1]))[1]
            fixes = [line.split(" Fix: ", 1)[1] for line in reasons if " Fix: " in line]
            self.assertTrue(fixes)
            for fix in fixes:
                self.assertIn(fix, strings)
            carol_until(lambda name, path, args: (name == "PropertiesChanged" and path == sw and
                                                  "another VM, vf-late/net0, another VM)" in
                                                  "\n".join(args[1].get("IovSupportReasons", []))),
                        "the switch's holders")
            # The rules change: vf-other comes into her scope, then leaves it.
            scope("vf-other", "alice-scope")
            carol_until(vm_name_changed(1, "vf-other"), "that vf-other holds VF 1")
            self.assertEqual(holders(self.user_objects("vmnt-carol"))[1], ("vf-other", "net0"))
            scope("vf-other", "default")
            carol_until(vm_name_changed(1, ""), "that VF 1's holder is gone from her sight")
            carol_until(lambda name, path, args: (name == "PropertiesChanged" and path == sw and
                                                  "(vf-seen/net0, another VM, vf-late/net0, another VM)" in
                                                  "\n".join(args[1].get("IovSupportReasons", []))),
                        "the switch's holders without vf-other")
            mine = self.user_objects("vmnt-carol")
            self.assertEqual(holders(mine), {0: ("vf-seen", "net0"), 1: ("", ""), 2: ("vf-late", "net0"),
                                             3: ("", "")})
            self.assertNotIn("vf-other", repr(mine))
            self.assertNotIn("vf-stranger", "".join(carol_lines))
            # bob may see the adapter and its VFs, neither the switch nor any VM: he reads no name of them.
            pf = f"{ROOT}/NetAdapterSriov/{Gio.dbus_escape_object_path('0000:81:00.0')}"
            self.assertEqual(self.managed_objects()[pf][IFACE + "NetAdapterSriov"]["SwitchName"], "Fast")
            self.cli("new-vmrole", "--name", "Port viewer", "--operation", "Connect to the service",
                     "--operation", "View external Ethernet ports")
            self.cli("grant-vmrole", "--role", "Port viewer", "--user", "vmnt-bob", "--scope", "alice-scope")
            try:
                deadline = time.monotonic() + 30
                while pf not in self.user_objects("vmnt-bob") and time.monotonic() < deadline:
                    time.sleep(0.2)
                his = self.user_objects("vmnt-bob")
                self.assertEqual(his[pf][IFACE + "NetAdapterSriov"]["SwitchName"], "")
                self.assertEqual(holders(his), {fn: ("", "") for fn in range(4)})
                self.assertNotIn(sw, his)
                self.assertNotIn("vf-", repr(his))
            finally:
                self.cli("revoke-vmrole", "--role", "Port viewer", "--user", "vmnt-bob", "--scope", "alice-scope")
                self.cli("remove-vmrole", "--name", "Port viewer")
            self.assertIsNone(self.vmnetd.poll())
        finally:
            if carol and carol.poll() is None:
                carol.kill()
                carol.wait()
            for vm in ("vf-seen", "vf-other", "vf-late"):
                scope(vm, "default")
            self.stop_vmnetd()
            self.start_vmnetd()
            self.wait_for_tree()
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
        shutil.copy(PF_XML, xml)
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
            # The rules the test before left may change a moment later (ModelChanged too): wait for the pass.
            deadline = time.monotonic() + 20
            while list(adapters["bob-vm"].values())[0][1] != 31 and time.monotonic() < deadline:
                GLib.timeout_add(100, loop.quit)
                loop.run()
                generation, _, adapters, _ = self.get_model()
            ctx = GLib.MainContext.default()
            while ctx.pending():
                ctx.iteration(False)
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
            while ctx.pending():
                ctx.iteration(False)
            self.assertEqual(seen, list(range(seen[0], generation + 1)))
        finally:
            self.bus.signal_unsubscribe(sub)
        self.assert_alive()


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

# A test-driver host whose VMs hold VFs: one SR-IOV adapter with a VF per VM, a switch in SR-IOV mode
# on it, and a VM per (name, running) in @vms, the n-th holding VF n (teamed with its virtio adapter,
# IovWeight 100, as vmnetd attaches them) once it runs.
HELD_PF = """<device><name>pci_0000_81_00_0</name><parent>computer</parent><capability type='pci'>
    <class>0x020000</class><domain>0</domain><bus>129</bus><slot>0</slot><function>0</function>
    <product id='0x1572'>Ethernet Controller X710 for 10GbE SFP+</product><vendor id='0x8086'>Intel Corporation</vendor>
    <capability type='virt_functions' maxCount='8'>{addresses}</capability></capability></device>
  <device><name>net_ens1f0_3c_fd_fe_81_00_00</name><parent>pci_0000_81_00_0</parent><capability type='net'>
    <interface>ens1f0</interface><address>3c:fd:fe:81:00:00</address><link speed='10000' state='up'/>
    <capability type='80203'/></capability></device>"""
HELD_VF = """<device><name>pci_0000_81_02_{fn}</name><parent>computer</parent><capability type='pci'>
    <class>0x020000</class><domain>0</domain><bus>129</bus><slot>2</slot><function>{fn}</function>
    <product id='0x154c'>Ethernet Virtual Function 700 Series</product><vendor id='0x8086'>Intel Corporation</vendor>
    <capability type='phys_function'><address domain='0x0000' bus='0x81' slot='0x00' function='0x0'/></capability>
    <iommuGroup number='{group}'><address domain='0x0000' bus='0x81' slot='0x02' function='0x{fn}'/></iommuGroup>
    </capability></device>"""
HELD_VM = """<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
    <name>{name}</name><uuid>0b6f51a2-8a6e-4a40-9a34-0000000002{fn:02d}</uuid>
    <metadata><vmnet:adapters xmlns:vmnet='http://libvmnet.org/xmlns/vmnet/1.0'>
      <vmnet:adapter mac='52:54:00:bb:00:{fn:02d}' iov-weight='100'/></vmnet:adapters></metadata>
    <memory unit='MiB'>256</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>
    <devices>
      <interface type='network'><mac address='52:54:00:bb:00:{fn:02d}'/><source network='Fast'/>
        <model type='virtio'/><teaming type='persistent'/><alias name='ua-net0'/></interface>
      <interface type='hostdev' managed='yes'><mac address='52:54:00:bb:00:{fn:02d}'/>
        <source><address type='pci' domain='0x0000' bus='0x81' slot='0x02' function='0x{fn}'/></source>
        <teaming type='transient' persistent='ua-net0'/><alias name='ua-net0-vf'/></interface>
    </devices>{state}
  </domain>"""


def held_host_xml(vms):
    addresses = "".join(f"<address domain='0x0000' bus='0x81' slot='0x02' function='0x{fn}'/>"
                        for fn in range(len(vms)))
    vfs = "\n  ".join(HELD_VF.format(fn=fn, group=90 + fn) for fn in range(len(vms)))
    domains = "\n  ".join(HELD_VM.format(name=name, fn=fn, state="" if running else "<test:runstate>5</test:runstate>")
                          for fn, (name, running) in enumerate(vms))
    return f"""<?xml version="1.0"?>
<node>
  {HELD_PF.format(addresses=addresses)}
  {vfs}
  <network><name>Fast</name><forward mode='bridge'><interface dev='ens1f0'/></forward></network>
  <network><name>Fast-iov</name><forward mode='hostdev' managed='yes'><pf dev='ens1f0'/></forward></network>
  {domains}
</node>
"""


# Run as a test user: LISTENER with every signal's arguments whole.
LISTENER_ALL = LISTENER.replace('args[1] if name == "PropertiesChanged" else args[0]', "args")

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
