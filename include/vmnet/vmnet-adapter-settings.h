/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__VMNET_H_INSIDE__) && !defined(VMNET_COMPILATION)
#error "Only <vmnet/vmnet.h> can be included directly."
#endif

#include <glib-object.h>
#include <vmnet/vmnet-version.h>
#include <vmnet/vmnet-enums.h>

G_BEGIN_DECLS

#define VMNET_TYPE_ADAPTER_SETTINGS (vmnet_adapter_settings_get_type ())
VMNET_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (VmnetAdapterSettings, vmnet_adapter_settings, VMNET, ADAPTER_SETTINGS, GObject)

VMNET_AVAILABLE_IN_0_1
VmnetAdapterSettings *vmnet_adapter_settings_new                           (void);
VMNET_AVAILABLE_IN_0_1
gboolean              vmnet_adapter_settings_is_set                        (VmnetAdapterSettings *self,
                                                                            const gchar          *property);
VMNET_AVAILABLE_IN_0_1
void                  vmnet_adapter_settings_set_iov_weight                (VmnetAdapterSettings *self,
                                                                            gint                  weight);
VMNET_AVAILABLE_IN_0_1
void                  vmnet_adapter_settings_set_iov_queue_pairs_requested (VmnetAdapterSettings *self,
                                                                            gint                  queue_pairs);
VMNET_AVAILABLE_IN_0_1
void                  vmnet_adapter_settings_set_iov_interrupt_moderation  (VmnetAdapterSettings *self,
                                                                            VmnetIovInterruptModeration moderation);
VMNET_AVAILABLE_IN_0_1
void                  vmnet_adapter_settings_set_allow_teaming             (VmnetAdapterSettings *self,
                                                                            gboolean              allow);
VMNET_AVAILABLE_IN_0_1
void                  vmnet_adapter_settings_set_router_guard              (VmnetAdapterSettings *self,
                                                                            gboolean              guard);
VMNET_AVAILABLE_IN_0_1
void                  vmnet_adapter_settings_set_dhcp_guard                (VmnetAdapterSettings *self,
                                                                            gboolean              guard);
VMNET_AVAILABLE_IN_0_1
void                  vmnet_adapter_settings_set_mac_address_spoofing      (VmnetAdapterSettings *self,
                                                                            gboolean              allow);
VMNET_AVAILABLE_IN_0_1
void                  vmnet_adapter_settings_set_vlan_id                   (VmnetAdapterSettings *self,
                                                                            gint                  vlan_id);

G_END_DECLS
