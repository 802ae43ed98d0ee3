/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VmnetAdapterSettings: the values a Set-VMNetworkAdapter call changes. */
#include "config.h"

#include "vmnet-adapter-settings.h"
#include "vmnet-enum-types.h"
#include "vmnet-settings-private.h"

/**
 * VmnetAdapterSettings:
 *
 * A set of changes to a VM network adapter's settings, for
 * vmnet_host_set_network_adapter(), like the parameters of
 * `Set-VMNetworkAdapter`: only the properties that were set (with a setter,
 * g_object_set() or at construction) change; the others keep their value.
 *
 * Values are not checked here but by vmnet_host_set_network_adapter(), which
 * rejects the whole change with %VMNET_ERROR_INVALID_ARGUMENT naming the
 * first value out of range.
 *
 * Since: 0.1
 */

struct _VmnetAdapterSettings {
  GObject            parent_instance;
  VmnetSettingsValues values;
};

G_DEFINE_FINAL_TYPE (VmnetAdapterSettings, vmnet_adapter_settings, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_IOV_WEIGHT,
  PROP_IOV_QUEUE_PAIRS_REQUESTED,
  PROP_IOV_INTERRUPT_MODERATION,
  PROP_ALLOW_TEAMING,
  PROP_ROUTER_GUARD,
  PROP_DHCP_GUARD,
  PROP_MAC_ADDRESS_SPOOFING,
  PROP_VLAN_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const VmnetSettingsField prop_fields[N_PROPS] = {
  [PROP_IOV_WEIGHT] = VMNET_SETTINGS_IOV_WEIGHT,
  [PROP_IOV_QUEUE_PAIRS_REQUESTED] = VMNET_SETTINGS_IOV_QUEUE_PAIRS_REQUESTED,
  [PROP_IOV_INTERRUPT_MODERATION] = VMNET_SETTINGS_IOV_INTERRUPT_MODERATION,
  [PROP_ALLOW_TEAMING] = VMNET_SETTINGS_ALLOW_TEAMING,
  [PROP_ROUTER_GUARD] = VMNET_SETTINGS_ROUTER_GUARD,
  [PROP_DHCP_GUARD] = VMNET_SETTINGS_DHCP_GUARD,
  [PROP_MAC_ADDRESS_SPOOFING] = VMNET_SETTINGS_MAC_ADDRESS_SPOOFING,
  [PROP_VLAN_ID] = VMNET_SETTINGS_VLAN_ID,
};

static void
vmnet_adapter_settings_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VmnetSettingsValues *v = &VMNET_ADAPTER_SETTINGS (object)->values;

  switch (prop_id)
    {
    case PROP_IOV_WEIGHT: g_value_set_int (value, v->iov_weight); break;
    case PROP_IOV_QUEUE_PAIRS_REQUESTED: g_value_set_int (value, v->iov_queue_pairs_requested); break;
    case PROP_IOV_INTERRUPT_MODERATION: g_value_set_enum (value, v->iov_interrupt_moderation); break;
    case PROP_ALLOW_TEAMING: g_value_set_boolean (value, v->allow_teaming); break;
    case PROP_ROUTER_GUARD: g_value_set_boolean (value, v->router_guard); break;
    case PROP_DHCP_GUARD: g_value_set_boolean (value, v->dhcp_guard); break;
    case PROP_MAC_ADDRESS_SPOOFING: g_value_set_boolean (value, v->mac_address_spoofing); break;
    case PROP_VLAN_ID: g_value_set_int (value, v->vlan_id); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_adapter_settings_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  VmnetSettingsValues *v = &VMNET_ADAPTER_SETTINGS (object)->values;

  switch (prop_id)
    {
    case PROP_IOV_WEIGHT: v->iov_weight = g_value_get_int (value); break;
    case PROP_IOV_QUEUE_PAIRS_REQUESTED: v->iov_queue_pairs_requested = g_value_get_int (value); break;
    case PROP_IOV_INTERRUPT_MODERATION: v->iov_interrupt_moderation = g_value_get_enum (value); break;
    case PROP_ALLOW_TEAMING: v->allow_teaming = g_value_get_boolean (value); break;
    case PROP_ROUTER_GUARD: v->router_guard = g_value_get_boolean (value); break;
    case PROP_DHCP_GUARD: v->dhcp_guard = g_value_get_boolean (value); break;
    case PROP_MAC_ADDRESS_SPOOFING: v->mac_address_spoofing = g_value_get_boolean (value); break;
    case PROP_VLAN_ID: v->vlan_id = g_value_get_int (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); return;
    }
  v->set |= 1u << prop_fields[prop_id];
  g_object_notify_by_pspec (object, pspec);
}

static void
vmnet_adapter_settings_class_init (VmnetAdapterSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vmnet_adapter_settings_get_property;
  object_class->set_property = vmnet_adapter_settings_set_property;

  /**
   * VmnetAdapterSettings:iov-weight:
   *
   * Hyper-V's `IovWeight`: 0 turns SR-IOV off, 1 to 100 ask for a VF. Other values are rejected when applied.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_WEIGHT] = g_param_spec_int ("iov-weight", NULL, NULL, G_MININT, G_MAXINT, 0, flags);
  /**
   * VmnetAdapterSettings:iov-queue-pairs-requested:
   *
   * Hyper-V's `IovQueuePairsRequested`: 1 to 4096.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_QUEUE_PAIRS_REQUESTED] = g_param_spec_int ("iov-queue-pairs-requested", NULL, NULL, G_MININT, G_MAXINT, 1, flags);
  /**
   * VmnetAdapterSettings:iov-interrupt-moderation:
   *
   * IovInterruptModeration.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_INTERRUPT_MODERATION] = g_param_spec_enum ("iov-interrupt-moderation", NULL, NULL,
                                                                  VMNET_TYPE_IOV_INTERRUPT_MODERATION,
                                                                  VMNET_IOV_INTERRUPT_MODERATION_DEFAULT, flags);
  /**
   * VmnetAdapterSettings:allow-teaming:
   *
   * Hyper-V's `AllowTeaming`: the guest may team the VF (VF trust on, spoof checking off).
   *
   * Since: 0.1
   */
  properties[PROP_ALLOW_TEAMING] = g_param_spec_boolean ("allow-teaming", NULL, NULL, FALSE, flags);
  /**
   * VmnetAdapterSettings:router-guard:
   *
   * Hyper-V's `RouterGuard`: drop router advertisements and redirects from the VM. Only the
   * software switch can enforce it, so an adapter with it keeps no VF.
   *
   * Since: 0.1
   */
  properties[PROP_ROUTER_GUARD] = g_param_spec_boolean ("router-guard", NULL, NULL, FALSE, flags);
  /**
   * VmnetAdapterSettings:dhcp-guard:
   *
   * Hyper-V's `DhcpGuard`: drop DHCP server messages from the VM. Only the software switch
   * can enforce it, so an adapter with it keeps no VF.
   *
   * Since: 0.1
   */
  properties[PROP_DHCP_GUARD] = g_param_spec_boolean ("dhcp-guard", NULL, NULL, FALSE, flags);
  /**
   * VmnetAdapterSettings:mac-address-spoofing:
   *
   * Hyper-V's `MacAddressSpoofing`: the VM may send frames with other source MAC addresses.
   *
   * Since: 0.1
   */
  properties[PROP_MAC_ADDRESS_SPOOFING] = g_param_spec_boolean ("mac-address-spoofing", NULL, NULL, FALSE, flags);
  /**
   * VmnetAdapterSettings:vlan-id:
   *
   * The access VLAN, 1 to 4094, or 0 for untagged.
   *
   * Since: 0.1
   */
  properties[PROP_VLAN_ID] = g_param_spec_int ("vlan-id", NULL, NULL, G_MININT, G_MAXINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vmnet_adapter_settings_init (VmnetAdapterSettings *self)
{
  self->values.iov_queue_pairs_requested = 1;
}

/**
 * vmnet_adapter_settings_new:
 *
 * Creates an empty set of changes: every setting is kept until it is set.
 *
 * Returns: (transfer full): an empty set of changes
 *
 * Since: 0.1
 */
VmnetAdapterSettings *
vmnet_adapter_settings_new (void)
{
  return g_object_new (VMNET_TYPE_ADAPTER_SETTINGS, NULL);
}

/**
 * vmnet_adapter_settings_is_set:
 * @self: a #VmnetAdapterSettings
 * @property: a property name, such as `iov-weight`
 *
 * Whether @property (a property name such as `iov-weight`) is among the changes.
 *
 * Returns: %TRUE if @property was given a value, so applying the settings changes it
 *
 * Since: 0.1
 */
gboolean
vmnet_adapter_settings_is_set (VmnetAdapterSettings *self, const gchar *property)
{
  GParamSpec *pspec;

  g_return_val_if_fail (VMNET_IS_ADAPTER_SETTINGS (self), FALSE);
  g_return_val_if_fail (property != NULL, FALSE);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), property);
  g_return_val_if_fail (pspec != NULL, FALSE);
  for (guint i = 1; i < N_PROPS; i++)
    if (properties[i] == pspec)
      return (self->values.set & (1u << prop_fields[i])) != 0;
  return FALSE;
}

const VmnetSettingsValues *
vmnet_adapter_settings_get_values (VmnetAdapterSettings *self)
{
  return &self->values;
}

#define SETTER(name, type, PROP)                                               \
  void                                                                         \
  vmnet_adapter_settings_set_##name (VmnetAdapterSettings *self, type value)   \
  {                                                                            \
    GValue v = G_VALUE_INIT;                                                   \
    g_return_if_fail (VMNET_IS_ADAPTER_SETTINGS (self));                       \
    g_value_init (&v, properties[PROP]->value_type);                           \
    if (G_TYPE_IS_ENUM (properties[PROP]->value_type))                         \
      g_value_set_enum (&v, (gint) value);                                     \
    else if (properties[PROP]->value_type == G_TYPE_BOOLEAN)                   \
      g_value_set_boolean (&v, (gboolean) value);                              \
    else                                                                       \
      g_value_set_int (&v, (gint) value);                                      \
    vmnet_adapter_settings_set_property (G_OBJECT (self), PROP, &v, properties[PROP]); \
    g_value_unset (&v);                                                        \
  }

/**
 * vmnet_adapter_settings_set_iov_weight:
 * @self: a #VmnetAdapterSettings
 * @weight: the IovWeight, 0 to 100
 *
 * Sets [property@Vmnet.AdapterSettings:iov-weight], marking it as a change to make.
 *
 * Since: 0.1
 */
SETTER (iov_weight, gint, PROP_IOV_WEIGHT)

/**
 * vmnet_adapter_settings_set_iov_queue_pairs_requested:
 * @self: a #VmnetAdapterSettings
 * @queue_pairs: the IovQueuePairsRequested, 1 to 4096
 *
 * Sets [property@Vmnet.AdapterSettings:iov-queue-pairs-requested], marking it as a change to
 * make.
 *
 * Since: 0.1
 */
SETTER (iov_queue_pairs_requested, gint, PROP_IOV_QUEUE_PAIRS_REQUESTED)

/**
 * vmnet_adapter_settings_set_iov_interrupt_moderation:
 * @self: a #VmnetAdapterSettings
 * @moderation: the IovInterruptModeration
 *
 * Sets [property@Vmnet.AdapterSettings:iov-interrupt-moderation], marking it as a change to make.
 *
 * Since: 0.1
 */
SETTER (iov_interrupt_moderation, VmnetIovInterruptModeration, PROP_IOV_INTERRUPT_MODERATION)

/**
 * vmnet_adapter_settings_set_allow_teaming:
 * @self: a #VmnetAdapterSettings
 * @allow: whether the guest may team the VF
 *
 * Sets [property@Vmnet.AdapterSettings:allow-teaming], marking it as a change to make.
 *
 * Since: 0.1
 */
SETTER (allow_teaming, gboolean, PROP_ALLOW_TEAMING)

/**
 * vmnet_adapter_settings_set_router_guard:
 * @self: a #VmnetAdapterSettings
 * @guard: whether RouterGuard is on
 *
 * Sets [property@Vmnet.AdapterSettings:router-guard], marking it as a change to make.
 *
 * Since: 0.1
 */
SETTER (router_guard, gboolean, PROP_ROUTER_GUARD)

/**
 * vmnet_adapter_settings_set_dhcp_guard:
 * @self: a #VmnetAdapterSettings
 * @guard: whether DhcpGuard is on
 *
 * Sets [property@Vmnet.AdapterSettings:dhcp-guard], marking it as a change to make.
 *
 * Since: 0.1
 */
SETTER (dhcp_guard, gboolean, PROP_DHCP_GUARD)

/**
 * vmnet_adapter_settings_set_mac_address_spoofing:
 * @self: a #VmnetAdapterSettings
 * @allow: whether MAC address spoofing is allowed
 *
 * Sets [property@Vmnet.AdapterSettings:mac-address-spoofing], marking it as a change to make.
 *
 * Since: 0.1
 */
SETTER (mac_address_spoofing, gboolean, PROP_MAC_ADDRESS_SPOOFING)

/**
 * vmnet_adapter_settings_set_vlan_id:
 * @self: a #VmnetAdapterSettings
 * @vlan_id: 1 to 4094, or 0 for untagged
 *
 * Sets [property@Vmnet.AdapterSettings:vlan-id], marking it as a change to make.
 *
 * Since: 0.1
 */
SETTER (vlan_id, gint, PROP_VLAN_ID)
