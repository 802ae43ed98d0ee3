#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fails when the GIR has a public symbol, property, signal, enum value or
callback without documentation (the API reference would show an empty page)."""
import sys
import xml.etree.ElementTree as ET

NS = {"c": "http://www.gtk.org/introspection/core/1.0", "glib": "http://www.gtk.org/introspection/glib/1.0"}
CORE = "{%s}" % NS["c"]
KINDS = ("class", "record", "enumeration", "bitfield", "member", "property", "method", "function",
         "constructor", "signal", "callback", "constant", "interface")


def missing(root):
    for el in root.iter():
        if not el.tag.startswith(CORE):
            continue
        kind = el.tag[len(CORE):]
        if kind not in KINDS:
            continue
        # Class structs that G_DECLARE_* makes have no page of their own.
        if kind == "record" and el.get("{%s}is-gtype-struct-for" % NS["glib"]):
            continue
        if kind == "record" and el.get("disguised") == "1":
            continue
        doc = el.find("c:doc", NS)
        if doc is None or not (doc.text or "").strip():
            owner = el.get("{http://www.gtk.org/introspection/c/1.0}identifier") or el.get("name")
            yield kind, owner


def main():
    root = ET.parse(sys.argv[1]).getroot()
    found = sorted(set(missing(root)))
    for kind, name in found:
        print(f"undocumented {kind}: {name}")
    if found:
        print(f"{len(found)} public items have no documentation")
        return 1
    print("every public item is documented")
    return 0


if __name__ == "__main__":
    sys.exit(main())
