/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__VMNET_H_INSIDE__) && !defined(VMNET_COMPILATION)
#error "Only <vmnet/vmnet.h> can be included directly."
#endif

#include <gio/gio.h>
#include <vmnet/vmnet-version.h>
#include <vmnet/vmnet-enums.h>
#include <vmnet/vmnet-network-adapter.h>

G_BEGIN_DECLS

#define VMNET_TYPE_VM (vmnet_vm_get_type ())
VMNET_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (VmnetVm, vmnet_vm, VMNET, VM, GObject)

VMNET_AVAILABLE_IN_0_1
const gchar         *vmnet_vm_get_name                 (VmnetVm *self);
VMNET_AVAILABLE_IN_0_1
const gchar         *vmnet_vm_get_uuid                 (VmnetVm *self);
VMNET_AVAILABLE_IN_0_1
VmnetVmState         vmnet_vm_get_state                (VmnetVm *self);
VMNET_AVAILABLE_IN_0_1
const gchar         *vmnet_vm_get_scope                (VmnetVm *self);
VMNET_AVAILABLE_IN_0_1
GListModel          *vmnet_vm_get_network_adapters     (VmnetVm *self);
VMNET_AVAILABLE_IN_0_1
VmnetNetworkAdapter *vmnet_vm_find_network_adapter     (VmnetVm      *self,
                                                        const gchar  *name,
                                                        GError      **error);

G_END_DECLS
