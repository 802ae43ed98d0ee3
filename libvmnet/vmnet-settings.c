/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Adapter settings values: their metadata attributes, text and checks. */
#include "config.h"

#include "vmnet-error.h"
#include "vmnet-enum-types.h"
#include "vmnet-settings-private.h"

static const gchar *const attributes[VMNET_SETTINGS_N_FIELDS] = {
  [VMNET_SETTINGS_IOV_WEIGHT] = "iov-weight",
  [VMNET_SETTINGS_IOV_QUEUE_PAIRS_REQUESTED] = "iov-queue-pairs-requested",
  [VMNET_SETTINGS_IOV_INTERRUPT_MODERATION] = "iov-interrupt-moderation",
  [VMNET_SETTINGS_ALLOW_TEAMING] = "allow-teaming",
  [VMNET_SETTINGS_ROUTER_GUARD] = "router-guard",
  [VMNET_SETTINGS_DHCP_GUARD] = "dhcp-guard",
  [VMNET_SETTINGS_MAC_ADDRESS_SPOOFING] = "mac-address-spoofing",
  [VMNET_SETTINGS_VLAN_ID] = "vlan-id",
};

const gchar *
vmnet_settings_attribute (VmnetSettingsField field)
{
  g_return_val_if_fail (field < VMNET_SETTINGS_N_FIELDS, NULL);
  return attributes[field];
}

gchar *
vmnet_settings_value_text (const VmnetSettingsValues *v, VmnetSettingsField field)
{
  switch (field)
    {
    case VMNET_SETTINGS_IOV_WEIGHT:
      return g_strdup_printf ("%d", v->iov_weight);
    case VMNET_SETTINGS_IOV_QUEUE_PAIRS_REQUESTED:
      return g_strdup_printf ("%d", v->iov_queue_pairs_requested);
    case VMNET_SETTINGS_IOV_INTERRUPT_MODERATION:
      {
        g_autoptr(GEnumClass) klass = g_type_class_ref (VMNET_TYPE_IOV_INTERRUPT_MODERATION);
        GEnumValue *ev = g_enum_get_value (klass, v->iov_interrupt_moderation);
        return g_strdup (ev ? ev->value_nick : "default");
      }
    case VMNET_SETTINGS_ALLOW_TEAMING:
      return g_strdup (v->allow_teaming ? "on" : "off");
    case VMNET_SETTINGS_ROUTER_GUARD:
      return g_strdup (v->router_guard ? "on" : "off");
    case VMNET_SETTINGS_DHCP_GUARD:
      return g_strdup (v->dhcp_guard ? "on" : "off");
    case VMNET_SETTINGS_MAC_ADDRESS_SPOOFING:
      return g_strdup (v->mac_address_spoofing ? "on" : "off");
    case VMNET_SETTINGS_VLAN_ID:
      return g_strdup_printf ("%d", v->vlan_id);
    case VMNET_SETTINGS_N_FIELDS:
    default:
      g_return_val_if_reached (NULL);
    }
}

static gboolean
is_set (const VmnetSettingsValues *v, VmnetSettingsField field)
{
  return (v->set & (1u << field)) != 0;
}

/* Checks every value that is set; the first one out of range is the error. */
gboolean
vmnet_settings_validate (const VmnetSettingsValues *v,
                         const gchar               *adapter_label,
                         GError                   **error)
{
  if (is_set (v, VMNET_SETTINGS_IOV_WEIGHT) &&
      (v->iov_weight < 0 || v->iov_weight > VMNET_IOV_WEIGHT_MAX))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "%s: IovWeight %d is out of range: allowed 0 (SR-IOV off) to %d",
                   adapter_label, v->iov_weight, VMNET_IOV_WEIGHT_MAX);
      return FALSE;
    }
  if (is_set (v, VMNET_SETTINGS_IOV_QUEUE_PAIRS_REQUESTED) &&
      (v->iov_queue_pairs_requested < 1 || v->iov_queue_pairs_requested > VMNET_IOV_QUEUE_PAIRS_MAX))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "%s: IovQueuePairsRequested %d is out of range: allowed 1 to %d",
                   adapter_label, v->iov_queue_pairs_requested, VMNET_IOV_QUEUE_PAIRS_MAX);
      return FALSE;
    }
  if (is_set (v, VMNET_SETTINGS_IOV_INTERRUPT_MODERATION))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (VMNET_TYPE_IOV_INTERRUPT_MODERATION);
      if (!g_enum_get_value (klass, v->iov_interrupt_moderation))
        {
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                       "%s: IovInterruptModeration %d is not one of default (0), adaptive (1), "
                       "off (2), low (100), medium (200), high (300)",
                       adapter_label, (gint) v->iov_interrupt_moderation);
          return FALSE;
        }
    }
  if (is_set (v, VMNET_SETTINGS_VLAN_ID) &&
      (v->vlan_id < 0 || v->vlan_id > VMNET_VLAN_ID_MAX))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "%s: VLAN %d is out of range: allowed 1 to %d, or 0 for untagged",
                   adapter_label, v->vlan_id, VMNET_VLAN_ID_MAX);
      return FALSE;
    }
  return TRUE;
}
