/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__VMNET_H_INSIDE__) && !defined(VMNET_COMPILATION)
#error "Only <vmnet/vmnet.h> can be included directly."
#endif

#include <gio/gio.h>
#include <vmnet/vmnet-version.h>
#include <vmnet/vmnet-enums.h>

G_BEGIN_DECLS

#define VMNET_TYPE_NET_ADAPTER_SRIOV (vmnet_net_adapter_sriov_get_type ())
VMNET_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (VmnetNetAdapterSriov, vmnet_net_adapter_sriov, VMNET, NET_ADAPTER_SRIOV, GObject)

VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_net_adapter_sriov_get_name                  (VmnetNetAdapterSriov *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_net_adapter_sriov_get_interface_description (VmnetNetAdapterSriov *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_net_adapter_sriov_get_pci_address           (VmnetNetAdapterSriov *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_net_adapter_sriov_get_driver                (VmnetNetAdapterSriov *self);
VMNET_AVAILABLE_IN_0_1
gint64       vmnet_net_adapter_sriov_get_link_speed            (VmnetNetAdapterSriov *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_net_adapter_sriov_get_link_state            (VmnetNetAdapterSriov *self);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_net_adapter_sriov_get_enabled               (VmnetNetAdapterSriov *self);
VMNET_AVAILABLE_IN_0_1
gint         vmnet_net_adapter_sriov_get_max_vfs               (VmnetNetAdapterSriov *self);
VMNET_AVAILABLE_IN_0_1
gint         vmnet_net_adapter_sriov_get_num_vfs               (VmnetNetAdapterSriov *self);
VMNET_AVAILABLE_IN_0_1
gint         vmnet_net_adapter_sriov_get_allocated_vfs         (VmnetNetAdapterSriov *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_net_adapter_sriov_get_switch_name           (VmnetNetAdapterSriov *self);
VMNET_AVAILABLE_IN_0_1
GListModel  *vmnet_net_adapter_sriov_get_virtual_functions     (VmnetNetAdapterSriov *self);
VMNET_AVAILABLE_IN_0_1
gint         vmnet_net_adapter_sriov_get_configured_num_vfs    (VmnetNetAdapterSriov *self);

VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_net_adapter_sriov_apply_configuration       (const gchar          *host_root,
                                                                gchar              ***report,
                                                                GError              **error);

G_END_DECLS
