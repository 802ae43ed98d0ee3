/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Adapter settings as stored in the libvmnet metadata, and their checks. */

#include <glib.h>
#include "vmnet-enums.h"
#include "vmnet-adapter-settings.h"

G_BEGIN_DECLS

typedef enum {
  VMNET_SETTINGS_IOV_WEIGHT,
  VMNET_SETTINGS_IOV_QUEUE_PAIRS_REQUESTED,
  VMNET_SETTINGS_IOV_INTERRUPT_MODERATION,
  VMNET_SETTINGS_ALLOW_TEAMING,
  VMNET_SETTINGS_ROUTER_GUARD,
  VMNET_SETTINGS_DHCP_GUARD,
  VMNET_SETTINGS_MAC_ADDRESS_SPOOFING,
  VMNET_SETTINGS_VLAN_ID,
  VMNET_SETTINGS_N_FIELDS
} VmnetSettingsField;

typedef struct {
  guint                        set;     /* bit per VmnetSettingsField */
  gint                         iov_weight;
  gint                         iov_queue_pairs_requested;
  VmnetIovInterruptModeration  iov_interrupt_moderation;
  gboolean                     allow_teaming;
  gboolean                     router_guard;
  gboolean                     dhcp_guard;
  gboolean                     mac_address_spoofing;
  gint                         vlan_id;
} VmnetSettingsValues;

#define VMNET_IOV_WEIGHT_MAX       100
#define VMNET_IOV_QUEUE_PAIRS_MAX  4096
#define VMNET_VLAN_ID_MAX          4094

const VmnetSettingsValues *vmnet_adapter_settings_get_values (VmnetAdapterSettings *self);

/* The metadata attribute of each field, and its value as text. */
const gchar *vmnet_settings_attribute   (VmnetSettingsField field);
gchar       *vmnet_settings_value_text  (const VmnetSettingsValues *values,
                                         VmnetSettingsField         field);
gboolean     vmnet_settings_validate    (const VmnetSettingsValues *values,
                                         const gchar               *adapter_label,
                                         GError                   **error);

G_END_DECLS
