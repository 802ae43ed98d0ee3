/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__VMNET_H_INSIDE__) && !defined(VMNET_COMPILATION)
#error "Only <vmnet/vmnet.h> can be included directly."
#endif

#include <glib-object.h>
#include <vmnet/vmnet-version.h>
#include <vmnet/vmnet-enums.h>

G_BEGIN_DECLS

#define VMNET_TYPE_VIRTUAL_FUNCTION (vmnet_virtual_function_get_type ())
VMNET_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (VmnetVirtualFunction, vmnet_virtual_function, VMNET, VIRTUAL_FUNCTION, GObject)

VMNET_AVAILABLE_IN_0_1
const gchar  *vmnet_virtual_function_get_net_adapter_name (VmnetVirtualFunction *self);
VMNET_AVAILABLE_IN_0_1
gint          vmnet_virtual_function_get_function_id      (VmnetVirtualFunction *self);
VMNET_AVAILABLE_IN_0_1
const gchar  *vmnet_virtual_function_get_pci_address      (VmnetVirtualFunction *self);
VMNET_AVAILABLE_IN_0_1
gint          vmnet_virtual_function_get_iommu_group      (VmnetVirtualFunction *self);
VMNET_AVAILABLE_IN_0_1
const gchar  *vmnet_virtual_function_get_driver           (VmnetVirtualFunction *self);
VMNET_AVAILABLE_IN_0_1
const gchar  *vmnet_virtual_function_get_mac_address      (VmnetVirtualFunction *self);
VMNET_AVAILABLE_IN_0_1
gint          vmnet_virtual_function_get_vlan_id          (VmnetVirtualFunction *self);
VMNET_AVAILABLE_IN_0_1
VmnetTernary  vmnet_virtual_function_get_spoof_check      (VmnetVirtualFunction *self);
VMNET_AVAILABLE_IN_0_1
VmnetTernary  vmnet_virtual_function_get_trust            (VmnetVirtualFunction *self);
VMNET_AVAILABLE_IN_0_1
const gchar  *vmnet_virtual_function_get_link_state       (VmnetVirtualFunction *self);
VMNET_AVAILABLE_IN_0_1
const gchar  *vmnet_virtual_function_get_vm_name          (VmnetVirtualFunction *self);
VMNET_AVAILABLE_IN_0_1
const gchar  *vmnet_virtual_function_get_vm_network_adapter_name (VmnetVirtualFunction *self);

G_END_DECLS
