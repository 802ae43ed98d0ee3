/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VmnetNetworkAdapter: a VM network adapter. */
#include "config.h"

#include "vmnet-enum-types.h"
#include "vmnet-object-private.h"
#include "vmnet-diagnose-private.h"
/**
 * VmnetNetworkAdapter:
 *
 * A VM network adapter, as `Get-VMNetworkAdapter` shows it: one `<interface>`
 * of a libvirt domain (the software path), its SR-IOV settings from the
 * domain's libvmnet metadata, and the VF backing it, if any.
 *
 * Settings absent from the metadata read as Hyper-V's defaults: IovWeight 0,
 * IovQueuePairsRequested 1, IovInterruptModeration Default.
 *
 * Since: 0.1
 */
struct _VmnetNetworkAdapter {
  GObject parent_instance;
  const VmnetAdapterInfo *info;
  VmnetModel            *model;     /* holds info */
};

G_DEFINE_FINAL_TYPE (VmnetNetworkAdapter, vmnet_network_adapter, G_TYPE_OBJECT)
enum {
  PROP_0,
  PROP_VM_NAME,
  PROP_NAME,
  PROP_MAC_ADDRESS,
  PROP_SWITCH_NAME,
  PROP_MODEL,
  PROP_FAILOVER_READY,
  PROP_IOV_WEIGHT,
  PROP_IOV_QUEUE_PAIRS_REQUESTED,
  PROP_IOV_QUEUE_PAIRS_ASSIGNED,
  PROP_IOV_INTERRUPT_MODERATION,
  PROP_IOV_USAGE,
  PROP_ALLOW_TEAMING,
  PROP_ROUTER_GUARD,
  PROP_DHCP_GUARD,
  PROP_MAC_ADDRESS_SPOOFING,
  PROP_VLAN_ID,
  PROP_VIRTUAL_FUNCTION,
  PROP_SETTINGS_ERROR,
  PROP_STATUS,
  PROP_STATUS_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static void
vmnet_network_adapter_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VmnetNetworkAdapter *self = VMNET_NETWORK_ADAPTER (object);
  const VmnetAdapterInfo *i = self->info;

  switch (prop_id)
    {
    case PROP_VM_NAME: g_value_set_string (value, i->vm_name); break;
    case PROP_NAME: g_value_set_string (value, i->name); break;
    case PROP_MAC_ADDRESS: g_value_set_string (value, i->mac_address); break;
    case PROP_SWITCH_NAME: g_value_set_string (value, i->switch_name); break;
    case PROP_MODEL: g_value_set_string (value, i->model); break;
    case PROP_FAILOVER_READY: g_value_set_boolean (value, i->failover_ready); break;
    case PROP_IOV_WEIGHT: g_value_set_uint (value, i->iov_weight); break;
    case PROP_IOV_QUEUE_PAIRS_REQUESTED: g_value_set_uint (value, i->iov_queue_pairs_requested); break;
    case PROP_IOV_QUEUE_PAIRS_ASSIGNED: g_value_set_uint (value, i->iov_queue_pairs_assigned); break;
    case PROP_IOV_INTERRUPT_MODERATION: g_value_set_enum (value, i->iov_interrupt_moderation); break;
    case PROP_IOV_USAGE: g_value_set_uint (value, i->iov_usage); break;
    case PROP_ALLOW_TEAMING: g_value_set_boolean (value, i->allow_teaming); break;
    case PROP_ROUTER_GUARD: g_value_set_boolean (value, i->router_guard); break;
    case PROP_DHCP_GUARD: g_value_set_boolean (value, i->dhcp_guard); break;
    case PROP_MAC_ADDRESS_SPOOFING: g_value_set_boolean (value, i->mac_address_spoofing); break;
    case PROP_VLAN_ID: g_value_set_int (value, i->vlan_id); break;
    case PROP_VIRTUAL_FUNCTION: g_value_set_string (value, i->virtual_function); break;
    case PROP_SETTINGS_ERROR: g_value_set_string (value, i->settings_error); break;
    case PROP_STATUS: g_value_set_enum (value, i->status); break;
    case PROP_STATUS_DESCRIPTION: g_value_set_boxed (value, i->status_description); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_network_adapter_finalize (GObject *object)
{
  VmnetNetworkAdapter *self = VMNET_NETWORK_ADAPTER (object);

  g_clear_pointer (&self->model, vmnet_model_unref);
  G_OBJECT_CLASS (vmnet_network_adapter_parent_class)->finalize (object);
}

static void
vmnet_network_adapter_class_init (VmnetNetworkAdapterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vmnet_network_adapter_get_property;
  object_class->finalize = vmnet_network_adapter_finalize;

  /**
   * VmnetNetworkAdapter:vm-name:
   *
   * The VM the adapter belongs to.
   *
   * Since: 0.1
   */
  properties[PROP_VM_NAME] = g_param_spec_string ("vm-name", NULL, NULL, NULL, flags);
  /**
   * VmnetNetworkAdapter:name:
   *
   * The adapter name: its user alias without the `ua-` prefix, else `netN` by position.
   *
   * Since: 0.1
   */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  /**
   * VmnetNetworkAdapter:mac-address:
   *
   * The adapter's MAC address, or %NULL if libvirt has not assigned one.
   *
   * Since: 0.1
   */
  properties[PROP_MAC_ADDRESS] = g_param_spec_string ("mac-address", NULL, NULL, NULL, flags);
  /**
   * VmnetNetworkAdapter:switch-name:
   *
   * The switch the adapter is connected to, or %NULL.
   *
   * Since: 0.1
   */
  properties[PROP_SWITCH_NAME] = g_param_spec_string ("switch-name", NULL, NULL, NULL, flags);
  /**
   * VmnetNetworkAdapter:model:
   *
   * The device model of the software path (for example `virtio`), or %NULL.
   *
   * Since: 0.1
   */
  properties[PROP_MODEL] = g_param_spec_string ("model", NULL, NULL, NULL, flags);
  /**
   * VmnetNetworkAdapter:failover-ready:
   *
   * Whether the adapter is a virtio device set up for failover (`<teaming type='persistent'/>`
   * and a user alias), so a VF can be teamed with it while the VM runs.
   *
   * Since: 0.1
   */
  properties[PROP_FAILOVER_READY] = g_param_spec_boolean ("failover-ready", NULL, NULL, FALSE, flags);
  /**
   * VmnetNetworkAdapter:iov-weight:
   *
   * Hyper-V's `IovWeight`: 0 turns SR-IOV off for the adapter; 1 to 100 ask for a VF.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_WEIGHT] = g_param_spec_uint ("iov-weight", NULL, NULL, 0, 100, 0, flags);
  /**
   * VmnetNetworkAdapter:iov-queue-pairs-requested:
   *
   * Hyper-V's `IovQueuePairsRequested`: queue pairs wanted on the VF (at least 1).
   *
   * Since: 0.1
   */
  properties[PROP_IOV_QUEUE_PAIRS_REQUESTED] = g_param_spec_uint ("iov-queue-pairs-requested", NULL, NULL, 1, G_MAXUINT, 1, flags);
  /**
   * VmnetNetworkAdapter:iov-queue-pairs-assigned:
   *
   * Hyper-V's `IovQueuePairsAssigned`: queue pairs of the VF in use (its MSI-X vectors less the one for
   * its mailbox, where the PF shares out vectors; else 1), 0 without a VF.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_QUEUE_PAIRS_ASSIGNED] = g_param_spec_uint ("iov-queue-pairs-assigned", NULL, NULL, 0, G_MAXUINT, 0, flags);
  /**
   * VmnetNetworkAdapter:iov-interrupt-moderation:
   *
   * IovInterruptModeration requested for the VF.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_INTERRUPT_MODERATION] = g_param_spec_enum ("iov-interrupt-moderation", NULL, NULL, VMNET_TYPE_IOV_INTERRUPT_MODERATION, VMNET_IOV_INTERRUPT_MODERATION_DEFAULT, flags);
  /**
   * VmnetNetworkAdapter:iov-usage:
   *
   * Hyper-V's `IovUsage`: 1 while a VF backs the adapter and the guest has
   * it (its driver uses the VF's interrupts, seen on the host itself), else
   * 0. A VF that is plugged but not confirmed is in
   * [property@Vmnet.NetworkAdapter:virtual-function] and the status.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_USAGE] = g_param_spec_uint ("iov-usage", NULL, NULL, 0, 1, 0, flags);
  /**
   * VmnetNetworkAdapter:allow-teaming:
   *
   * Hyper-V's `AllowTeaming`: the guest may team the VF (VF trust on, spoof checking off).
   *
   * Since: 0.1
   */
  properties[PROP_ALLOW_TEAMING] = g_param_spec_boolean ("allow-teaming", NULL, NULL, FALSE, flags);
  /**
   * VmnetNetworkAdapter:router-guard:
   *
   * Hyper-V's `RouterGuard`: only the software switch can enforce it, so the adapter keeps no VF while it is
   * on.
   *
   * Since: 0.1
   */
  properties[PROP_ROUTER_GUARD] = g_param_spec_boolean ("router-guard", NULL, NULL, FALSE, flags);
  /**
   * VmnetNetworkAdapter:dhcp-guard:
   *
   * Hyper-V's `DhcpGuard`: only the software switch can enforce it, so the adapter keeps no VF while it is
   * on.
   *
   * Since: 0.1
   */
  properties[PROP_DHCP_GUARD] = g_param_spec_boolean ("dhcp-guard", NULL, NULL, FALSE, flags);
  /**
   * VmnetNetworkAdapter:mac-address-spoofing:
   *
   * Hyper-V's `MacAddressSpoofing`: the VM may send frames with other source MAC addresses.
   *
   * Since: 0.1
   */
  properties[PROP_MAC_ADDRESS_SPOOFING] = g_param_spec_boolean ("mac-address-spoofing", NULL, NULL, FALSE, flags);
  /**
   * VmnetNetworkAdapter:vlan-id:
   *
   * The access VLAN set for the adapter, 0 for untagged.
   *
   * Since: 0.1
   */
  properties[PROP_VLAN_ID] = g_param_spec_int ("vlan-id", NULL, NULL, 0, 4094, 0, flags);
  /**
   * VmnetNetworkAdapter:virtual-function:
   *
   * The PCI address of the VF plugged for the adapter (in the VM's live
   * definition, whether or not the guest has taken it yet), or %NULL.
   *
   * Since: 0.1
   */
  properties[PROP_VIRTUAL_FUNCTION] = g_param_spec_string ("virtual-function", NULL, NULL, NULL, flags);
  /**
   * VmnetNetworkAdapter:settings-error:
   *
   * Why the adapter's libvmnet metadata could not be used as written (defaults apply), or %NULL.
   *
   * Since: 0.1
   */
  properties[PROP_SETTINGS_ERROR] = g_param_spec_string ("settings-error", NULL, NULL, NULL, flags);
  /**
   * VmnetNetworkAdapter:status:
   *
   * Hyper-V's `Status`: OK (SR-IOV active, or not asked for), Degraded (asked for but not
   * working), or Stopped (the VM is not running).
   *
   * Since: 0.1
   */
  properties[PROP_STATUS] = g_param_spec_enum ("status", NULL, NULL, VMNET_TYPE_OPERATIONAL_STATUS,
                                               VMNET_OPERATIONAL_STATUS_UNKNOWN, flags);
  /**
   * VmnetNetworkAdapter:status-description:
   *
   * Hyper-V's `StatusDescription`: the status in words ("OK (SR-IOV active)"), then one
   * sentence with its fix for each reason SR-IOV is not working.
   *
   * Since: 0.1
   */
  properties[PROP_STATUS_DESCRIPTION] = g_param_spec_boxed ("status-description", NULL, NULL, G_TYPE_STRV, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vmnet_network_adapter_init (VmnetNetworkAdapter *self)
{
}

VmnetNetworkAdapter *
vmnet_network_adapter_new (VmnetModel *model, const VmnetAdapterInfo *info)
{
  VmnetNetworkAdapter *self = g_object_new (VMNET_TYPE_NETWORK_ADAPTER, NULL);
  self->info = info;
  self->model = vmnet_model_ref (model);
  return self;
}

void
vmnet_network_adapter_update (VmnetNetworkAdapter *self, VmnetModel *model, const VmnetAdapterInfo *info)
{
  vmnet_object_replace_info (G_OBJECT (self), (gconstpointer *) &self->info, &self->model, info, model);
}

const VmnetAdapterInfo *
vmnet_network_adapter_get_info (VmnetNetworkAdapter *self)
{
  return self->info;
}

/**
 * vmnet_network_adapter_get_vm_name:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:vm-name].
 *
 * Returns: the VM name
 *
 * Since: 0.1
 */
const gchar *
vmnet_network_adapter_get_vm_name (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), NULL);
  return self->info->vm_name;
}

/**
 * vmnet_network_adapter_get_name:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:name].
 *
 * Returns: the adapter name
 *
 * Since: 0.1
 */
const gchar *
vmnet_network_adapter_get_name (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), NULL);
  return self->info->name;
}

/**
 * vmnet_network_adapter_get_mac_address:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:mac-address].
 *
 * Returns: (nullable): the MAC address, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_network_adapter_get_mac_address (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), NULL);
  return self->info->mac_address;
}

/**
 * vmnet_network_adapter_get_switch_name:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:switch-name].
 *
 * Returns: (nullable): the switch name, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_network_adapter_get_switch_name (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), NULL);
  return self->info->switch_name;
}

/**
 * vmnet_network_adapter_get_model:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:model].
 *
 * Returns: (nullable): the device model, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_network_adapter_get_model (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), NULL);
  return self->info->model;
}

/**
 * vmnet_network_adapter_get_failover_ready:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:failover-ready].
 *
 * Returns: %TRUE if a VF can be hot-plugged as its failover partner
 *
 * Since: 0.1
 */
gboolean
vmnet_network_adapter_get_failover_ready (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), FALSE);
  return self->info->failover_ready;
}

/**
 * vmnet_network_adapter_get_iov_weight:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:iov-weight].
 *
 * Returns: the IovWeight
 *
 * Since: 0.1
 */
guint
vmnet_network_adapter_get_iov_weight (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), 0);
  return self->info->iov_weight;
}

/**
 * vmnet_network_adapter_get_iov_queue_pairs_requested:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:iov-queue-pairs-requested].
 *
 * Returns: the IovQueuePairsRequested
 *
 * Since: 0.1
 */
guint
vmnet_network_adapter_get_iov_queue_pairs_requested (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), 0);
  return self->info->iov_queue_pairs_requested;
}

/**
 * vmnet_network_adapter_get_iov_queue_pairs_assigned:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:iov-queue-pairs-assigned].
 *
 * Returns: the IovQueuePairsAssigned
 *
 * Since: 0.1
 */
guint
vmnet_network_adapter_get_iov_queue_pairs_assigned (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), 0);
  return self->info->iov_queue_pairs_assigned;
}

/**
 * vmnet_network_adapter_get_iov_interrupt_moderation:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:iov-interrupt-moderation].
 *
 * Returns: the IovInterruptModeration
 *
 * Since: 0.1
 */
VmnetIovInterruptModeration
vmnet_network_adapter_get_iov_interrupt_moderation (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), VMNET_IOV_INTERRUPT_MODERATION_DEFAULT);
  return self->info->iov_interrupt_moderation;
}

/**
 * vmnet_network_adapter_get_iov_usage:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:iov-usage].
 *
 * Returns: the IovUsage
 *
 * Since: 0.1
 */
guint
vmnet_network_adapter_get_iov_usage (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), 0);
  return self->info->iov_usage;
}

/**
 * vmnet_network_adapter_get_allow_teaming:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:allow-teaming].
 *
 * Returns: %TRUE if AllowTeaming is on
 *
 * Since: 0.1
 */
gboolean
vmnet_network_adapter_get_allow_teaming (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), FALSE);
  return self->info->allow_teaming;
}

/**
 * vmnet_network_adapter_get_router_guard:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:router-guard].
 *
 * Returns: %TRUE if RouterGuard is on
 *
 * Since: 0.1
 */
gboolean
vmnet_network_adapter_get_router_guard (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), FALSE);
  return self->info->router_guard;
}

/**
 * vmnet_network_adapter_get_dhcp_guard:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:dhcp-guard].
 *
 * Returns: %TRUE if DhcpGuard is on
 *
 * Since: 0.1
 */
gboolean
vmnet_network_adapter_get_dhcp_guard (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), FALSE);
  return self->info->dhcp_guard;
}

/**
 * vmnet_network_adapter_get_mac_address_spoofing:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:mac-address-spoofing].
 *
 * Returns: %TRUE if MAC address spoofing is allowed
 *
 * Since: 0.1
 */
gboolean
vmnet_network_adapter_get_mac_address_spoofing (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), FALSE);
  return self->info->mac_address_spoofing;
}

/**
 * vmnet_network_adapter_get_vlan_id:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:vlan-id].
 *
 * Returns: the VLAN, or 0
 *
 * Since: 0.1
 */
gint
vmnet_network_adapter_get_vlan_id (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), -1);
  return self->info->vlan_id;
}

/**
 * vmnet_network_adapter_get_virtual_function:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:virtual-function].
 *
 * Returns: (nullable): the VF's PCI address, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_network_adapter_get_virtual_function (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), NULL);
  return self->info->virtual_function;
}

/**
 * vmnet_network_adapter_get_settings_error:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:settings-error].
 *
 * Returns: (nullable): the problem with the stored settings, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_network_adapter_get_settings_error (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), NULL);
  return self->info->settings_error;
}

/**
 * vmnet_network_adapter_get_status:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:status].
 *
 * Returns: the adapter's status
 *
 * Since: 0.1
 */
VmnetOperationalStatus
vmnet_network_adapter_get_status (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), VMNET_OPERATIONAL_STATUS_UNKNOWN);
  return self->info->status;
}

/**
 * vmnet_network_adapter_get_status_description:
 * @self: a #VmnetNetworkAdapter
 *
 * Gets [property@Vmnet.NetworkAdapter:status-description].
 *
 * Returns: (transfer none): the StatusDescription
 *
 * Since: 0.1
 */
const gchar * const *
vmnet_network_adapter_get_status_description (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), NULL);
  return (const gchar * const *) self->info->status_description;
}

/**
 * vmnet_network_adapter_dup_iov_checks:
 * @self: a #VmnetNetworkAdapter
 *
 * Every SR-IOV check made for the adapter, passes included, in checklist order.
 *
 * Returns: (transfer container) (element-type VmnetIovCheck): the checks
 *
 * Since: 0.1
 */
GPtrArray *
vmnet_network_adapter_dup_iov_checks (VmnetNetworkAdapter *self)
{
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (self), NULL);
  return vmnet_checks_copy (self->info->checks);
}
