#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Completion: "vmnet complete" against the command table as --help shows it, and the bash
script run by bash the way bash runs it."""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

VMNET = os.environ.get("VMNET_CLI", "vmnet")
SCRIPT = os.path.join(os.environ.get("VMNET_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", "..")),
                      "examples", "vmnet", "vmnet.bash-completion")
BASH = shutil.which("bash")


def env_without_uri():
    e = dict(os.environ)
    e.pop("VMNET_DEFAULT_URI", None)
    return e


def complete(*words):
    p = subprocess.run([VMNET, "complete", "--", *words], capture_output=True, text=True,
                       env=env_without_uri(), timeout=60)
    if p.returncode != 0:
        raise AssertionError(f"vmnet complete {words} failed ({p.returncode}): {p.stderr}")
    return p.stdout.splitlines()


def help_text(*args):
    p = subprocess.run([VMNET, *args, "--help"], capture_output=True, text=True, env=env_without_uri(),
                       timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout


def verbs_in_help():
    """The commands 'vmnet --help' lists (the command table)."""
    text = help_text()
    block = text[text.index("Commands:\n"):].split("\n\n")[0]
    return [line.split()[0] for line in block.splitlines()[1:]]


def options_in_help(verb):
    """The long options 'vmnet VERB --help' lists (the verb's GOptionEntry table and the global ones)."""
    return set(re.findall(r"^\s+(?:-\w, )?(--[\w-]+)", help_text(verb), re.M)) - {"--help-all"}


class TestCompleteVerb(unittest.TestCase):
    def test_every_verb(self):
        verbs = verbs_in_help()
        self.assertGreater(len(verbs), 30)
        self.assertEqual(sorted(complete("")), sorted(verbs))
        # Case-insensitive, like the verbs themselves; hidden verb not offered.
        self.assertEqual(complete("Get-VMSw"), ["get-vmswitch"])
        self.assertNotIn("complete", complete("comp"))

    def test_every_option_of_some_verbs(self):
        for verb in ("set-vmnetworkadapter", "move-vm", "grant-vmrole", "test-vmaccess", "get-vmhost",
                     "new-vmswitch", "get-netadaptersriovvf"):
            with self.subTest(verb=verb):
                wanted = options_in_help(verb)
                self.assertIn("--connect", wanted)
                got = set(complete(verb, "--"))
                self.assertEqual(got, wanted)
                # Global options before the verb, the verb in any case.
                self.assertEqual(set(complete("-o", "json", verb.upper(), "--")), wanted)
        self.assertEqual(complete("set-vmnetworkadapter", "--iov-w"), ["--iov-weight"])

    def test_option_values(self):
        self.assertEqual(complete("--output", ""), ["table", "list", "json"])
        self.assertEqual(complete("--output=j"), ["--output=json"])
        self.assertEqual(complete("set-vmnetworkadapter", "--iov-interrupt-moderation", ""),
                         ["default", "adaptive", "off", "low", "medium", "high"])
        self.assertEqual(complete("set-vmnetworkadapter", "--router-guard=o"),
                         ["--router-guard=on", "--router-guard=off"])
        self.assertIn("Start and stop VMs", complete("new-vmrole", "--operation", ""))
        self.assertIn("root", complete("grant-vmrole", "--user", "ro"))
        # --vm-name takes a value: the word after it is no verb.
        self.assertEqual(complete("--vm-name", "x", ""), [])

    def test_names_from_the_host(self):
        self.assertEqual(sorted(complete("-c", "demo", "get-vmswitch", "")),
                         ["Internal", "LAN", "Management", "Private", "SRIOV-Switch"])
        self.assertIn("web1", complete("--connect=demo", "get-vmnetworkadapter", "--vm-name", ""))
        self.assertEqual(complete("-c", "demo", "set-vmnetworkadapter", "--vm-name", "db1", "--name", ""),
                         ["frontend", "backend"])
        self.assertEqual(sorted(complete("-c", "demo", "get-netadaptersriovvf", "--name", "enp59")),
                         ["enp59s0f0", "enp59s0f1"])
        self.assertEqual(complete("-c", "demo", "new-vmswitch", "--name", ""), [])

    def test_names_from_the_store(self):
        with tempfile.TemporaryDirectory() as d:
            store = os.path.join(d, "authorization.conf")
            # No store file: the default roles.
            self.assertEqual(complete("get-vmrole", "--store", store, ""), ["Administrator"])
            with open(store, "w") as f:
                f.write("[role Operator]\noperations=Read VM configuration;\n\n[scope Lab]\n")
            self.assertIn("Operator", complete("remove-vmrole", f"--store={store}", "--name", ""))
            self.assertIn("Lab", complete("grant-vmrole", "--store", store, "--scope", ""))

    def test_unreachable_host_offers_nothing(self):
        self.assertEqual(complete("-c", "qemu+unix:///system?socket=/nonexistent/s", "get-vmswitch", ""), [])
        self.assertIn("--vm-name", complete("-c", "qemu+unix:///system?socket=/nonexistent/s", "start-vm", "--"))

    def test_files(self):
        with tempfile.TemporaryDirectory() as d:
            os.mkdir(os.path.join(d, "saves"))
            open(os.path.join(d, "web1.save"), "w").close()
            self.assertEqual(sorted(complete("save-vm", "--path", d + "/")),
                             [d + "/saves/", d + "/web1.save"])
            self.assertEqual(complete("restore-vm", f"--path={d}/w"), [f"--path={d}/web1.save"])


class TestBashScript(unittest.TestCase):
    """Sources the script in bash, sets what bash sets for a completion, calls _vmnet."""

    def compreply(self, words, cword=None, line=None):
        cword = len(words) - 1 if cword is None else cword
        script = 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=%d\n' % cword
        if line is not None:
            script += 'COMP_LINE=%s; COMP_POINT=${#COMP_LINE}\n' % shlex.quote(line)
        script += '_vmnet; printf "%s\\n" "${COMPREPLY[@]}"; complete -p vmnet >&2\n'
        p = subprocess.run([BASH, "--norc", "--noprofile", "-c", script, "bash", SCRIPT, *words],
                           capture_output=True, text=True, env=env_without_uri(), timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("-F _vmnet vmnet", p.stderr)
        return [c for c in p.stdout.split("\n") if c]

    def test_verbs(self):
        self.assertEqual(sorted(self.compreply([VMNET, ""])), sorted(verbs_in_help()))
        self.assertEqual(self.compreply([VMNET, "get-vmsw"]), ["get-vmswitch"])

    def test_options(self):
        self.assertEqual(set(self.compreply([VMNET, "move-vm", "--"])), options_in_help("move-vm"))
        # The cursor on an earlier word: what is after it does not count.
        self.assertEqual(self.compreply([VMNET, "get-vmsw", "--bogus"], cword=1), ["get-vmswitch"])

    def test_values_and_names(self):
        self.assertEqual(self.compreply([VMNET, "-c", "demo", "set-vmnetworkadapter", "--vm-name", "db1",
                                         "--name", ""]), ["frontend", "backend"])
        self.assertEqual(self.compreply([VMNET, "-c", "demo", "get-vmswitch", "SR"]), ["SRIOV-Switch"])
        # An operation has blanks: escaped, so it stays one word.
        self.assertEqual(self.compreply([VMNET, "new-vmrole", "--operation", "Start"]),
                         ["Start\\ VM", "Start\\ and\\ stop\\ switches", "Start\\ and\\ stop\\ VMs"])

    def test_word_breaks(self):
        # As bash splits "--output=j" at '=': the line is what the script reads, and bash takes
        # everything up to the last break character as typed.
        self.assertEqual(self.compreply([VMNET, "--output", "=", "j"], line=f"{VMNET} --output=j"), ["json"])
        self.assertEqual(self.compreply([VMNET, "-c", "qemu", ":", "///s"], line=f"{VMNET} -c qemu:///s"),
                         ["///system", "///session"])


if __name__ == "__main__":
    if BASH is None:
        print("SKIP: no bash to run the completion script with")
        sys.exit(77)
    unittest.main(verbosity=2)
