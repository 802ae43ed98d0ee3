#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes fuzz/corpus/model-variant/ from the demo host (with and without its file root, whole and
two VMs), as vmnetd's Host.GetModel serializes it; run after a change of the model's layout:
GI_TYPELIB_PATH=_build/introspection LD_LIBRARY_PATH=_build/libvmnet tools/fuzz-model-seeds.py"""
import os
import gi
gi.require_version("Vmnet", "1.0")
from gi.repository import Vmnet, GObject
src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = src + "/fuzz/corpus/model-variant/"
uri = "test://" + src + "/data/demo-host.xml"
def host(root):
    kw = {"uri": uri}
    if root:
        kw["host_root"] = src + "/data/demo-root"
    h = GObject.new(Vmnet.Host, **kw)
    h.init(None)
    return h
for name, root in (("demo", False), ("demo-root", True)):
    h = host(root)
    full = h.dup_model_variant(None, None, None)
    open(out + name + ".gvariant", "wb").write(full.get_data_as_bytes().get_data())
    vms = [h.get_vms().get_item(i).get_uuid() for i in range(2)]
    part = h.dup_model_variant(vms, None, None)
    open(out + name + "-2vms.gvariant", "wb").write(part.get_data_as_bytes().get_data())
    print(name, h.get_vms().get_n_items(), len(full.get_data_as_bytes().get_data()))
