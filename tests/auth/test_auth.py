#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hyper-V's authorization scenarios against a real daemon: a private system bus, polkitd and
libvirtd with access_drivers = [ "polkit" ] (tests/auth/polkit-env.sh), non-root test users,
the store edited with the vmnet tool and its rules enforced by polkit through libvirt.

VMNET_AUTH_SEED sets the seed of the random stores of scenario 7 (printed either way);
VMNET_AUTH_STORES how many there are (default 25)."""
import json
import os
import random
import subprocess
import sys
import time
import unittest

from dbus_stack import HERE, GLib, PolkitStack, Vmnet, domain_xml, ensure_accounts as ensure_users, libvirt

PROBE = os.path.join(HERE, "probe.py")
VMNET = os.environ.get("VMNET_CLI", "vmnet")
PY = "/usr/bin/python3"

USERS = ["vmnt-adm", "vmnt-alice", "vmnt-bob", "vmnt-live", "vmnt-net",
         "vmnt-r0", "vmnt-r1", "vmnt-r2", "vmnt-r3"]
GROUP = "vmnt-grp"                      # vmnt-r1 and vmnt-r2 are in it
GROUP_MEMBERS = ("vmnt-r1", "vmnt-r2")
ALL_OPS = ["Read service configuration", "Read VM configuration", "Create or change VMs",
           "Start and stop VMs", "Take snapshots", "Interact with VMs", "Migrate VMs",
           "Change virtual switches", "Configure SR-IOV on adapters", "Change physical SR-IOV adapters"]
VM_OPS = ALL_OPS[1:7]
HOST_OPS = [ALL_OPS[0]] + ALL_OPS[7:]


def ensure_accounts():
    """Creates the test users and group when missing; nothing is ever removed."""
    ensure_users(USERS, GROUP, GROUP_MEMBERS)


class AuthTest(PolkitStack):
    USERS = USERS
    GROUP = GROUP
    GROUP_MEMBERS = GROUP_MEMBERS
    TOOLS = {"qemu-img": " (apt-get install qemu-utils)"}
    STATE_PREFIX = "vmnet-auth-"

    @classmethod
    def make_vms(cls):
        images = os.path.join(cls.state, "lib", "images")
        for name in ("alice-vm", "bob-vm", "live-vm", "test-vm", "r-vm0", "r-vm1", "r-vm2"):
            disk = os.path.join(images, name + ".qcow2")
            subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "16M"], check=True)
            cls.conn.defineXML(domain_xml(name, disk))
        # An inactive network for the switch probes, and a VM with an adapter on it (never started).
        cls.conn.networkDefineXML("<network><name>r-net</name></network>")
        cls.conn.defineXML(domain_xml("nic-vm", os.path.join(images, "r-vm0.qcow2"), "52:54:00:00:07:01", "r-net"))

    # helpers

    def vmnet(self, *args, user=None, check=True):
        cmd = [VMNET, "--connect", self.uri, *args]
        if args and args[0] not in ("get-vmnetworkadapter", "get-vmswitch", "new-vmswitch",
                                    "remove-vmswitch", "get-vmhost", "set-vmnetworkadapter", "start-vm",
                                    "checkpoint-vm"):
            cmd += ["--store", self.store, "--rules", self.rules]
        if user:
            cmd = ["runuser", "-u", user, "--"] + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            self.fail(f"{' '.join(cmd)} -> {p.returncode}: {p.stderr}")
        return p

    def probe(self, user, pairs):
        p = subprocess.run(["runuser", "-u", user, "--", PY, PROBE, self.uri, json.dumps(pairs)],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def decisions(self, user, pairs):
        r = self.probe(user, pairs)
        return {tuple(pair): res for pair, res in zip(pairs, r["results"])}, r.get("visible")

    def reset_store(self):
        """Hyper-V's default store again, with no VM scope in use."""
        store = Vmnet.AuthStore.new()
        store.save(self.store)
        for vm in ("alice-vm", "bob-vm", "live-vm", "test-vm"):
            dom = self.conn.lookupByName(vm)
            try:
                dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, None, None,
                                "http://libvmnet.org/xmlns/vmnet/1.0", libvirt.VIR_DOMAIN_AFFECT_CONFIG)
            except libvirt.libvirtError:
                pass
        self.vmnet("export-vmauthorization")

    def vm_pairs(self, vm, ops=VM_OPS):
        return [[op, vm] for op in ops]

    # the scenarios

    def test_1_administrator_role_for_a_non_administrator(self):
        self.reset_store()
        before, visible = self.decisions("vmnt-adm", self.vm_pairs("live-vm"))
        self.assertEqual(set(before.values()), {"denied"}, before)
        self.vmnet("grant-vmrole", "--role", "Administrator", "--user", "vmnt-adm")
        pairs = self.vm_pairs("live-vm") + [[op, "r-net"] for op in HOST_OPS]
        after, visible = self.decisions("vmnt-adm", pairs)
        self.assertEqual(set(after.values()), {"allowed"}, after)
        self.assertIn("live-vm", visible)
        # And through libvmnet itself: a switch created and removed, the VMs listed.
        out = self.vmnet("get-vmnetworkadapter", "--all", "--output", "json", user="vmnt-adm")
        self.vmnet("new-vmswitch", "--name", "adm-sw", "--bridge", "virbr-adm", user="vmnt-adm")
        self.vmnet("remove-vmswitch", "adm-sw", user="vmnt-adm")
        # A real snapshot, and a real start and stop.
        self.assertEqual(self.run_as("vmnt-adm", "snapshot", "live-vm"), "ok")
        self.assertEqual(self.run_as("vmnt-adm", "startstop", "live-vm"), "ok")
        self.assertIn("live-vm", {a["VMName"] for a in json.loads(out.stdout)} | set(visible))

    def polkitd_log(self):
        with open(os.path.join(self.state, "log", "polkitd.log"), errors="replace") as f:
            return f.read()

    def run_as(self, user, what, vm):
        code = f"""
import libvirt, sys
libvirt.registerErrorHandler(lambda *a: None, None)
try:
    d = libvirt.open({self.uri!r}).lookupByName({vm!r})
    if {what!r} == "snapshot":
        s = d.snapshotCreateXML("<domainsnapshot><name>s%d</name></domainsnapshot>" % __import__("os").getpid(), 0)
        s.delete(0)
    else:
        d.create(); d.destroy()
    print("ok")
except libvirt.libvirtError as e:
    print("denied" if e.get_error_code() == libvirt.VIR_ERR_ACCESS_DENIED else "error: %s" % e)
"""
        p = subprocess.run(["runuser", "-u", user, "--", PY, "-c", code], capture_output=True, text=True, timeout=120)
        return p.stdout.strip() or p.stderr.strip()

    def test_2_two_owners_each_in_their_own_scope(self):
        self.reset_store()
        owner_ops = ["--operation", "Read service configuration"] + \
            [x for op in VM_OPS for x in ("--operation", op)]
        self.vmnet("new-vmrole", "--name", "VM owner", *owner_ops)
        for who in ("alice", "bob"):
            self.vmnet("new-vmscope", "--name", f"{who}-scope")
            self.vmnet("set-vmscope", "--vm-name", f"{who}-vm", "--scope", f"{who}-scope")
            self.vmnet("grant-vmrole", "--role", "VM owner", "--user", f"vmnt-{who}", "--scope", f"{who}-scope")
        scope = json.loads(self.vmnet("get-vmscope", "--vm-name", "alice-vm", "--output", "json").stdout)
        self.assertEqual(scope[0]["Scope"], "alice-scope")
        for me, other in (("alice", "bob"), ("bob", "alice")):
            mine, visible = self.decisions(f"vmnt-{me}", self.vm_pairs(f"{me}-vm"))
            self.assertEqual(set(mine.values()), {"allowed"}, mine)
            self.assertEqual(visible, [f"{me}-vm"])
            theirs, _ = self.decisions(f"vmnt-{me}", self.vm_pairs(f"{other}-vm"))
            self.assertEqual(set(theirs.values()), {"hidden"}, theirs)
            # libvmnet's listing shows only their VM; the other one is not found.
            out = json.loads(self.vmnet("get-vmscope", "--vm-name", f"{me}-vm", "--output", "json",
                                        user=f"vmnt-{me}").stdout)
            self.assertEqual(out[0]["VMName"], f"{me}-vm")
            p = self.vmnet("get-vmscope", "--vm-name", f"{other}-vm", user=f"vmnt-{me}", check=False)
            self.assertEqual(p.returncode, 3, p.stderr)
            # Managing: a real start and stop of their own VM; the other's is refused by libvirt.
            self.assertEqual(self.run_as(f"vmnt-{me}", "startstop", f"{me}-vm"), "ok")
            self.assertEqual(self.run_as(f"vmnt-{me}", "startstop", f"{other}-vm"), "denied")
            # The rules logged the denial: who, what, which VM in which scope.
            # libvirt looks the VM up first: the lookup (domain.getattr) is what is refused.
            line = (f'vmnet: denied "domain.getattr" to user "vmnt-{me}" on VM "{other}-vm" '
                    f'in scope "{other}-scope"')
            deadline = time.monotonic() + 10
            while line not in self.polkitd_log() and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertIn(line, self.polkitd_log())
        # alice may change her VM, so she may write its metadata: a scope written there is not
        # trusted. The next export gives the same rules, and she still cannot reach bob's VM.
        with open(self.rules) as f:
            rules = f.read()
        code = f"""
import libvirt
d = libvirt.open({self.uri!r}).lookupByName("alice-vm")
for flags in (libvirt.VIR_DOMAIN_AFFECT_CONFIG, libvirt.VIR_DOMAIN_AFFECT_LIVE):
    try:
        d.setMetadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, '<adapters scope="bob-scope"/>', "vmnet",
                      "http://libvmnet.org/xmlns/vmnet/1.0", flags)
    except libvirt.libvirtError as e:
        if flags == libvirt.VIR_DOMAIN_AFFECT_CONFIG:
            raise
print("ok")
"""
        p = subprocess.run(["runuser", "-u", "vmnt-alice", "--", PY, "-c", code], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.stdout.strip(), "ok", p.stderr)
        self.assertIn("bob-scope", self.conn.lookupByName("alice-vm").XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE))
        self.vmnet("export-vmauthorization")
        with open(self.rules) as f:
            self.assertEqual(f.read(), rules)
        scope = json.loads(self.vmnet("get-vmscope", "--vm-name", "alice-vm", "--output", "json").stdout)
        self.assertEqual(scope[0]["Scope"], "alice-scope")
        theirs, _ = self.decisions("vmnt-alice", self.vm_pairs("bob-vm"))
        self.assertEqual(set(theirs.values()), {"hidden"}, theirs)
        mine, _ = self.decisions("vmnt-bob", self.vm_pairs("alice-vm"))
        self.assertEqual(set(mine.values()), {"hidden"}, mine)
        # The evaluator says the same and names the assignment.
        check = json.loads(self.vmnet("test-vmaccess", "--user", "vmnt-alice", "--vm-name", "alice-vm",
                                      "--operation", "Start and stop VMs", "--output", "json").stdout)
        self.assertTrue(check[0]["Allowed"])
        self.assertIn("alice-scope", check[0]["Reason"])
        check = json.loads(self.vmnet("test-vmaccess", "--user", "vmnt-alice", "--vm-name", "bob-vm",
                                      "--operation", "Start and stop VMs", "--output", "json").stdout)
        self.assertFalse(check[0]["Allowed"])

    def test_3_live_and_test_scopes(self):
        self.reset_store()
        every = [x for op in ALL_OPS for x in ("--operation", op)]
        self.vmnet("new-vmrole", "--name", "Live admin", *every)
        self.vmnet("set-vmrole", "--name", "Live admin", "--remove-operation", "Take snapshots")
        roles = json.loads(self.vmnet("get-vmrole", "Live admin", "--output", "json").stdout)
        self.assertNotIn("Take snapshots", roles[0]["Operations"])
        self.vmnet("grant-vmrole", "--role", "Live admin", "--user", "vmnt-live")
        self.vmnet("new-vmscope", "--name", "Test")
        self.vmnet("grant-vmrole", "--role", "Administrator", "--user", "vmnt-live", "--scope", "Test")
        self.vmnet("set-vmscope", "--vm-name", "test-vm", "--scope", "Test")
        self.assertEqual(self.run_as("vmnt-live", "snapshot", "test-vm"), "ok")
        self.assertEqual(self.run_as("vmnt-live", "snapshot", "live-vm"), "denied")
        # Everything else on the live VM is allowed.
        live, _ = self.decisions("vmnt-live", self.vm_pairs("live-vm", [op for op in VM_OPS if op != "Take snapshots"]))
        self.assertEqual(set(live.values()), {"allowed"}, live)
        # Access denied through libvmnet names the operation and the object.
        p = self.vmnet("test-vmaccess", "--user", "vmnt-live", "--vm-name", "live-vm",
                       "--operation", "take snapshots")
        self.assertIn("False", p.stdout)

    def test_4_network_administrator(self):
        self.reset_store()
        self.vmnet("new-vmrole", "--name", "Network administrator", "--operation", "Read service configuration",
                   "--operation", "Change virtual switches", "--operation", "Configure SR-IOV on adapters")
        self.vmnet("grant-vmrole", "--role", "Network administrator", "--user", "vmnt-net")
        self.vmnet("new-vmswitch", "--name", "net-sw", "--bridge", "virbr-net", user="vmnt-net")
        sw = json.loads(self.vmnet("get-vmswitch", "net-sw", "--output", "json", user="vmnt-net").stdout)
        self.assertEqual(sw[0]["Name"], "net-sw")
        self.vmnet("remove-vmswitch", "net-sw", user="vmnt-net")
        res, visible = self.decisions("vmnt-net", [[op, "r-net"] for op in HOST_OPS[:3]])
        self.assertEqual(set(res.values()), {"allowed"}, res)
        res, visible = self.decisions("vmnt-net", self.vm_pairs("live-vm") + [["Change physical SR-IOV adapters", ""]])
        self.assertEqual(set(res.values()) - {"hidden"}, {"denied"}, res)
        self.assertEqual(visible, [])
        adapters = json.loads(self.vmnet("get-vmnetworkadapter", "--all", "--output", "json", user="vmnt-net").stdout)
        self.assertEqual(adapters, [])

    def test_5_a_change_applies_to_the_next_call(self):
        self.reset_store()
        self.vmnet("new-vmrole", "--name", "Starter", "--operation", "Read service configuration",
                   "--operation", "Start and stop VMs")
        with open(os.path.join(self.state, "libvirtd.pid")) as f:
            pid = f.read().strip()
        pair = [["Start and stop VMs", "live-vm"]]
        self.assertEqual(self.probe("vmnt-bob", pair)["results"], ["denied"])
        self.vmnet("grant-vmrole", "--role", "Starter", "--user", "vmnt-bob")
        self.assertEqual(self.probe("vmnt-bob", pair)["results"], ["allowed"])
        self.vmnet("revoke-vmrole", "--role", "Starter", "--user", "vmnt-bob")
        self.assertEqual(self.probe("vmnt-bob", pair)["results"], ["denied"])
        self.vmnet("grant-vmrole", "--role", "Starter", "--group", GROUP)
        self.assertEqual(self.probe("vmnt-r1", pair)["results"], ["allowed"])
        self.vmnet("set-vmrole", "--name", "Starter", "--remove-operation", "Start and stop VMs")
        self.assertIn(self.probe("vmnt-r1", pair)["results"], (["denied"], ["hidden"]))
        # The same daemon throughout.
        with open(os.path.join(self.state, "libvirtd.pid")) as f:
            self.assertEqual(f.read().strip(), pid)

    def test_6_malformed_store_leaves_the_rules(self):
        self.reset_store()
        with open(self.rules) as f:
            good = f.read()
        with open(self.store) as f:
            base = f.read()
        cases = [
            ("[role R]\noperations = Fly to the moon\n", "[role R] operations: unknown operation 'Fly to the moon'"),
            ("[scope X]\nassign Ghost = user:vmnt-bob\n",
             "[scope X] assign Ghost: role 'Ghost' is assigned in scope 'X' but not defined"),
            ("[scope A]\nparent = B\n[scope B]\nparent = A\n", "[scope A] parent: scope 'A' is its own ancestor"),
            ("[role R]\noperations = Take snapshots\n[scope Y]\nassign R = user:Bad User\n",
             "[scope Y] assign R: bad user name 'Bad User'"),
        ]
        for extra, message in cases:
            with self.subTest(message=message):
                with open(self.store, "w") as f:
                    f.write(base + extra)
                p = self.vmnet("export-vmauthorization", check=False)
                self.assertNotEqual(p.returncode, 0)
                self.assertIn(f"{self.store}: {message}", p.stderr)
                p = self.vmnet("export-vmauthorization", "--check", check=False)
                self.assertNotEqual(p.returncode, 0)
                p = self.vmnet("grant-vmrole", "--role", "Administrator", "--user", "vmnt-bob", check=False)
                self.assertNotEqual(p.returncode, 0)
                with open(self.rules) as f:
                    self.assertEqual(f.read(), good)
        # And the rules in place still work.
        self.assertEqual(self.probe("vmnt-bob", [["Start and stop VMs", "live-vm"]])["results"], ["denied"])
        with open(self.store, "w") as f:
            f.write(base)

    def test_8_access_denied_names_the_operation_and_the_object(self):
        self.reset_store()
        self.vmnet("new-vmrole", "--name", "Reader", "--operation", "Read service configuration",
                   "--operation", "Read VM configuration")
        self.vmnet("grant-vmrole", "--role", "Reader", "--user", "vmnt-bob")
        adapters = json.loads(self.vmnet("get-vmnetworkadapter", "--vm-name", "nic-vm", "--output", "json",
                                         user="vmnt-bob").stdout)
        self.assertEqual(len(adapters), 1)
        p = self.vmnet("set-vmnetworkadapter", "--vm-name", "nic-vm", "--iov-weight", "50",
                       user="vmnt-bob", check=False)
        self.assertEqual(p.returncode, 6, p.stderr)
        self.assertIn("VM 'nic-vm'", p.stderr)
        self.assertIn("'Create or reconfigure VM' (libvirt permission domain.write)", p.stderr)
        p = self.vmnet("new-vmswitch", "--name", "bob-sw", "--bridge", "virbr-bob", user="vmnt-bob", check=False)
        self.assertEqual(p.returncode, 6, p.stderr)
        self.assertIn("'Modify switch settings' (libvirt permission network.write)", p.stderr)
        self.assertIn("network 'bob-sw'", p.stderr)
        # One refusal per verb family, each naming the operation a store rule would need.
        for args, operation in ((["start-vm", "--vm-name", "nic-vm"], "'Start VM' (libvirt permission domain.start)"),
                                (["checkpoint-vm", "--vm-name", "nic-vm", "--name", "bob-cp"],
                                 "'Create snapshots' (libvirt permission domain.snapshot)"),
                                (["remove-vmswitch", "r-net", "--force"],
                                 "'Delete virtual switch' (libvirt permission network.delete)")):
            p = self.vmnet(*args, user="vmnt-bob", check=False)
            self.assertEqual(p.returncode, 6, p.stderr)
            self.assertIn(operation, p.stderr)
            self.assertNotIn("Create or change VMs", p.stderr)
        self.assertEqual(self.conn.lookupByName("nic-vm").isActive(), 0)
        self.assertIn("r-net", self.conn.listDefinedNetworks() + self.conn.listNetworks())
        # Nobody at all: the connection itself is refused, naming what is missing.
        p = self.vmnet("get-vmhost", user="vmnt-r3", check=False)
        self.assertEqual(p.returncode, 6, p.stderr)
        self.assertIn("'Connect to the service' (libvirt permission connect.", p.stderr)

    def test_7_random_stores_polkit_equals_evaluator(self):
        seed = int(os.environ.get("VMNET_AUTH_SEED", random.randrange(1 << 30)))
        n_stores = int(os.environ.get("VMNET_AUTH_STORES", "25"))
        print(f"\nscenario 7: seed {seed} (VMNET_AUTH_SEED={seed} repeats it), {n_stores} stores",
              file=sys.stderr)
        rng = random.Random(seed)
        users = ["vmnt-r0", "vmnt-r1", "vmnt-r2", "vmnt-r3"]
        vm_scopes = {"r-vm0": "default", "r-vm1": "S1", "r-vm2": "S2"}
        host = Vmnet.Host.new_for_uri(self.uri, None)
        pairs = [[op, vm] for vm in vm_scopes for op in VM_OPS] + [[op, "r-net"] for op in HOST_OPS]
        compared = allowed = unobservable = 0
        uuids = {vm: host.find_vm(vm).props.uuid for vm in vm_scopes}
        for n in range(n_stores):
            store = self.random_store(rng)
            for vm, scope in vm_scopes.items():
                store.set_vm_scope(uuids[vm], scope, None)
            store.save(self.store)
            store.export(host.get_vms(), self.rules)
            # The four users ask at once.
            procs = {user: subprocess.Popen(["runuser", "-u", user, "--", PY, PROBE, self.uri, json.dumps(pairs)],
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for user in users}
            for user, proc in procs.items():
                out, err = proc.communicate(timeout=60)
                self.assertEqual(proc.returncode, 0, err)
                r = json.loads(out)
                for (op, obj), real in zip(pairs, r["results"]):
                    scope = vm_scopes.get(obj)
                    check = store.test_access(user, op, scope)
                    real_allowed = real == "allowed"
                    if r["connect"] != "allowed":
                        # No connection at all: then the store gives this user no role anywhere.
                        unobservable += 1
                        self.assertFalse(real_allowed)
                        self.assertFalse(check.props.allowed, f"store {n} (seed {seed}): {user} {op}: "
                                         f"allowed by the evaluator, but libvirt refuses the connection")
                        self.assertFalse(any(a.props.user == user or
                                             (a.props.group == GROUP and user in ("vmnt-r1", "vmnt-r2"))
                                             for a in store.get_assignments()),
                                         f"store {n} (seed {seed}): {user} has a role but cannot connect")
                        continue
                    self.assertEqual(real_allowed, check.props.allowed,
                                     f"store {n} (seed {seed}): {user} {op} on {obj} (scope {scope}): "
                                     f"polkit says {real}, the evaluator {check.props.reason}\n"
                                     + store.to_data())
                    compared += 1
                    allowed += real_allowed
        print(f"scenario 7: {compared + unobservable} (user, operation, object) decisions, polkit through "
              f"libvirt = the evaluator for each: {allowed} allowed, {compared - allowed} denied by a call, "
              f"{unobservable} denied with the connection itself (no role at all)", file=sys.stderr)
        self.assertGreater(allowed, 0)
        self.assertGreater(compared - allowed, 0)

    def test_9_finer_operations(self):
        """Start without stop: the finer operations reach libvirt one permission at a time, and
        the evaluator agrees, for an earlier name too (allowed only when all of its set is)."""
        self.reset_store()
        self.vmnet("new-vmrole", "--name", "Starter", "--operation", "Connect to the service",
                   "--operation", "View VM configuration", "--operation", "Start VM")
        self.vmnet("grant-vmrole", "--role", "Starter", "--user", "vmnt-r3")
        code = f"""
import libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
d = libvirt.open({self.uri!r}).lookupByName("live-vm")
out = []
for call in (d.create, d.destroy):
    try:
        call()
        out.append("ok")
    except libvirt.libvirtError as e:
        out.append("denied" if e.get_error_code() == libvirt.VIR_ERR_ACCESS_DENIED else "error: %s" % e)
print(" ".join(out))
"""
        try:
            p = subprocess.run(["runuser", "-u", "vmnt-r3", "--", PY, "-c", code], capture_output=True,
                               text=True, timeout=120)
            self.assertEqual(p.stdout.strip(), "ok denied", p.stderr)
        finally:
            dom = self.conn.lookupByName("live-vm")
            if dom.isActive():
                dom.destroy()
        for op, allowed in (("Start VM", True), ("Stop VM", False), ("Start and stop VMs", False)):
            check = json.loads(self.vmnet("test-vmaccess", "--user", "vmnt-r3", "--vm-name", "live-vm",
                                          "--operation", op, "--output", "json").stdout)[0]
            self.assertEqual(check["Allowed"], allowed, check)
        self.assertIn("grants 'Stop VM'", check["Reason"])

    def random_store(self, rng):
        store = Vmnet.AuthStore.new()
        # Scopes S1..S3 with random parents, no cycles: each parent comes earlier.
        names = ["default"]
        for s in ("S1", "S2", "S3"):
            store.add_scope(s, rng.choice(names), None)
            names.append(s)
        roles = []
        for i in range(rng.randint(1, 4)):
            ops = [op for op in ALL_OPS if rng.random() < 0.4]
            if rng.random() < 0.7:
                ops.append("Read service configuration")
            store.add_role(f"R{i}", sorted(set(ops)), None)
            roles.append(f"R{i}")
        for _ in range(rng.randint(3, 8)):
            role = rng.choice(roles)
            scope = rng.choice(names)
            if rng.random() < 0.2:
                user, group = None, GROUP
            else:
                user, group = rng.choice(["vmnt-r0", "vmnt-r1", "vmnt-r2", "vmnt-r3"]), None
            try:
                store.grant(role, user, group, scope)
            except GLib.Error:
                pass          # the same assignment twice
        return store


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    if result.skipped and result.wasSuccessful() and len(result.skipped) >= result.testsRun:
        sys.exit(77)            # cannot run here (not root, no polkitd, …): said above why
    sys.exit(0 if result.wasSuccessful() else 1)
