/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__VMNET_H_INSIDE__) && !defined(VMNET_COMPILATION)
#error "Only <vmnet/vmnet.h> can be included directly."
#endif

#include <glib-object.h>
#include <vmnet/vmnet-version.h>
#include <vmnet/vmnet-enums.h>

G_BEGIN_DECLS

#define VMNET_TYPE_NETWORK_ADAPTER (vmnet_network_adapter_get_type ())
VMNET_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (VmnetNetworkAdapter, vmnet_network_adapter, VMNET, NETWORK_ADAPTER, GObject)

VMNET_AVAILABLE_IN_0_1
const gchar                 *vmnet_network_adapter_get_vm_name                   (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
const gchar                 *vmnet_network_adapter_get_name                      (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
const gchar                 *vmnet_network_adapter_get_mac_address               (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
const gchar                 *vmnet_network_adapter_get_switch_name               (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
const gchar                 *vmnet_network_adapter_get_model                     (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
gboolean                     vmnet_network_adapter_get_failover_ready            (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
guint                        vmnet_network_adapter_get_iov_weight                (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
guint                        vmnet_network_adapter_get_iov_queue_pairs_requested (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
guint                        vmnet_network_adapter_get_iov_queue_pairs_assigned  (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
VmnetIovInterruptModeration  vmnet_network_adapter_get_iov_interrupt_moderation  (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
guint                        vmnet_network_adapter_get_iov_usage                 (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
gboolean                     vmnet_network_adapter_get_allow_teaming             (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
gboolean                     vmnet_network_adapter_get_router_guard              (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
gboolean                     vmnet_network_adapter_get_dhcp_guard                (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
gboolean                     vmnet_network_adapter_get_mac_address_spoofing      (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
gint                         vmnet_network_adapter_get_vlan_id                   (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
const gchar                 *vmnet_network_adapter_get_virtual_function          (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
const gchar                 *vmnet_network_adapter_get_settings_error            (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
VmnetOperationalStatus       vmnet_network_adapter_get_status                    (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
const gchar * const         *vmnet_network_adapter_get_status_description        (VmnetNetworkAdapter *self);
VMNET_AVAILABLE_IN_0_1
GPtrArray                   *vmnet_network_adapter_dup_iov_checks                (VmnetNetworkAdapter *self);

G_END_DECLS
