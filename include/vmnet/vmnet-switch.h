/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__VMNET_H_INSIDE__) && !defined(VMNET_COMPILATION)
#error "Only <vmnet/vmnet.h> can be included directly."
#endif

#include <glib-object.h>
#include <vmnet/vmnet-version.h>
#include <vmnet/vmnet-enums.h>

G_BEGIN_DECLS

#define VMNET_TYPE_SWITCH (vmnet_switch_get_type ())
VMNET_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (VmnetSwitch, vmnet_switch, VMNET, SWITCH, GObject)

VMNET_AVAILABLE_IN_0_1
const gchar     *vmnet_switch_get_name                          (VmnetSwitch *self);
VMNET_AVAILABLE_IN_0_1
VmnetSwitchType  vmnet_switch_get_switch_type                   (VmnetSwitch *self);
VMNET_AVAILABLE_IN_0_1
const gchar     *vmnet_switch_get_net_adapter_name              (VmnetSwitch *self);
VMNET_AVAILABLE_IN_0_1
const gchar     *vmnet_switch_get_net_adapter_interface_description (VmnetSwitch *self);
VMNET_AVAILABLE_IN_0_1
const gchar     *vmnet_switch_get_forward_mode                  (VmnetSwitch *self);
VMNET_AVAILABLE_IN_0_1
gboolean         vmnet_switch_get_active                        (VmnetSwitch *self);
VMNET_AVAILABLE_IN_0_1
gboolean         vmnet_switch_get_iov_enabled                   (VmnetSwitch *self);
VMNET_AVAILABLE_IN_0_1
const gchar     *vmnet_switch_get_iov_pool_name                 (VmnetSwitch *self);
VMNET_AVAILABLE_IN_0_1
gint             vmnet_switch_get_iov_virtual_function_count    (VmnetSwitch *self);
VMNET_AVAILABLE_IN_0_1
gint             vmnet_switch_get_iov_virtual_functions_in_use  (VmnetSwitch *self);
VMNET_AVAILABLE_IN_0_1
gint             vmnet_switch_get_iov_queue_pair_count          (VmnetSwitch *self);
VMNET_AVAILABLE_IN_0_1
gint             vmnet_switch_get_iov_queue_pairs_in_use        (VmnetSwitch *self);
VMNET_AVAILABLE_IN_0_1
VmnetTernary     vmnet_switch_get_iov_support                   (VmnetSwitch *self);
VMNET_AVAILABLE_IN_0_1
GStrv            vmnet_switch_dup_iov_support_reasons           (VmnetSwitch *self);
VMNET_AVAILABLE_IN_0_1
GPtrArray       *vmnet_switch_dup_iov_checks                    (VmnetSwitch *self);

G_END_DECLS
