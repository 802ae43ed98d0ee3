/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VmnetSwitch: a virtual switch. */
#include "config.h"

#include "vmnet-enum-types.h"
#include "vmnet-object-private.h"
#include "vmnet-diagnose-private.h"
/**
 * VmnetSwitch:
 *
 * A virtual switch, as `Get-VMSwitch` shows it: a libvirt network, with the
 * companion VF-pool network of a switch created in SR-IOV mode folded into it.
 *
 * See the #VmnetSwitchType values for how libvirt forward modes map to
 * External, Internal and Private.
 *
 * Since: 0.1
 */
struct _VmnetSwitch {
  GObject parent_instance;
  const VmnetSwitchInfo *info;
  VmnetModel           *model;     /* holds info */
};

G_DEFINE_FINAL_TYPE (VmnetSwitch, vmnet_switch, G_TYPE_OBJECT)
enum {
  PROP_0,
  PROP_NAME,
  PROP_SWITCH_TYPE,
  PROP_NET_ADAPTER_NAME,
  PROP_NET_ADAPTER_INTERFACE_DESCRIPTION,
  PROP_FORWARD_MODE,
  PROP_ACTIVE,
  PROP_IOV_ENABLED,
  PROP_IOV_POOL_NAME,
  PROP_IOV_VIRTUAL_FUNCTION_COUNT,
  PROP_IOV_VIRTUAL_FUNCTIONS_IN_USE,
  PROP_IOV_QUEUE_PAIR_COUNT,
  PROP_IOV_QUEUE_PAIRS_IN_USE,
  PROP_IOV_SUPPORT,
  PROP_IOV_SUPPORT_REASONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static void
vmnet_switch_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VmnetSwitch *self = VMNET_SWITCH (object);
  const VmnetSwitchInfo *i = self->info;

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, i->name); break;
    case PROP_SWITCH_TYPE: g_value_set_enum (value, i->switch_type); break;
    case PROP_NET_ADAPTER_NAME: g_value_set_string (value, i->net_adapter_name); break;
    case PROP_NET_ADAPTER_INTERFACE_DESCRIPTION: g_value_set_string (value, i->net_adapter_interface_description); break;
    case PROP_FORWARD_MODE: g_value_set_string (value, i->forward_mode); break;
    case PROP_ACTIVE: g_value_set_boolean (value, i->active); break;
    case PROP_IOV_ENABLED: g_value_set_boolean (value, i->iov_enabled); break;
    case PROP_IOV_POOL_NAME: g_value_set_string (value, i->iov_pool_name); break;
    case PROP_IOV_VIRTUAL_FUNCTION_COUNT: g_value_set_int (value, i->iov_virtual_function_count); break;
    case PROP_IOV_VIRTUAL_FUNCTIONS_IN_USE: g_value_set_int (value, i->iov_virtual_functions_in_use); break;
    case PROP_IOV_QUEUE_PAIR_COUNT: g_value_set_int (value, i->iov_queue_pair_count); break;
    case PROP_IOV_QUEUE_PAIRS_IN_USE: g_value_set_int (value, i->iov_queue_pairs_in_use); break;
    case PROP_IOV_SUPPORT: g_value_set_enum (value, vmnet_checks_support (i->checks)); break;
    case PROP_IOV_SUPPORT_REASONS: g_value_take_boxed (value, vmnet_checks_support_reasons (i->checks)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_switch_finalize (GObject *object)
{
  VmnetSwitch *self = VMNET_SWITCH (object);

  g_clear_pointer (&self->model, vmnet_model_unref);
  G_OBJECT_CLASS (vmnet_switch_parent_class)->finalize (object);
}

static void
vmnet_switch_class_init (VmnetSwitchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vmnet_switch_get_property;
  object_class->finalize = vmnet_switch_finalize;

  /**
   * VmnetSwitch:name:
   *
   * The switch name (the libvirt network name).
   *
   * Since: 0.1
   */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  /**
   * VmnetSwitch:switch-type:
   *
   * External, Internal or Private.
   *
   * Since: 0.1
   */
  properties[PROP_SWITCH_TYPE] = g_param_spec_enum ("switch-type", NULL, NULL, VMNET_TYPE_SWITCH_TYPE, VMNET_SWITCH_TYPE_PRIVATE, flags);
  /**
   * VmnetSwitch:net-adapter-name:
   *
   * The physical adapter an External switch is bound to, or %NULL.
   *
   * Since: 0.1
   */
  properties[PROP_NET_ADAPTER_NAME] = g_param_spec_string ("net-adapter-name", NULL, NULL, NULL, flags);
  /**
   * VmnetSwitch:net-adapter-interface-description:
   *
   * The description (vendor and product) of the bound adapter, or %NULL when unknown.
   *
   * Since: 0.1
   */
  properties[PROP_NET_ADAPTER_INTERFACE_DESCRIPTION] = g_param_spec_string ("net-adapter-interface-description", NULL, NULL, NULL, flags);
  /**
   * VmnetSwitch:forward-mode:
   *
   * The libvirt forward mode of the software path (`none` for an isolated network).
   *
   * Since: 0.1
   */
  properties[PROP_FORWARD_MODE] = g_param_spec_string ("forward-mode", NULL, NULL, NULL, flags);
  /**
   * VmnetSwitch:active:
   *
   * Whether the libvirt network is running.
   *
   * Since: 0.1
   */
  properties[PROP_ACTIVE] = g_param_spec_boolean ("active", NULL, NULL, FALSE, flags);
  /**
   * VmnetSwitch:iov-enabled:
   *
   * Whether the switch was created in SR-IOV mode (it has a VF pool). Fixed at creation, as in
   * Hyper-V.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_ENABLED] = g_param_spec_boolean ("iov-enabled", NULL, NULL, FALSE, flags);
  /**
   * VmnetSwitch:iov-pool-name:
   *
   * The name of the VF-pool network of an SR-IOV switch, or %NULL.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_POOL_NAME] = g_param_spec_string ("iov-pool-name", NULL, NULL, NULL, flags);
  /**
   * VmnetSwitch:iov-virtual-function-count:
   *
   * VFs enabled on the bound adapter of an SR-IOV switch (0 otherwise).
   *
   * Since: 0.1
   */
  properties[PROP_IOV_VIRTUAL_FUNCTION_COUNT] = g_param_spec_int ("iov-virtual-function-count", NULL, NULL, 0, G_MAXINT, 0, flags);
  /**
   * VmnetSwitch:iov-virtual-functions-in-use:
   *
   * VFs of the switch assigned to running VMs.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_VIRTUAL_FUNCTIONS_IN_USE] = g_param_spec_int ("iov-virtual-functions-in-use", NULL, NULL, 0, G_MAXINT, 0, flags);
  /**
   * VmnetSwitch:iov-queue-pair-count:
   *
   * Queue pairs the switch's VFs offer: where the PF shares out MSI-X vectors
   * (`sriov_vf_total_msix`), its total less one per VF for their mailboxes; else one per VF.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_QUEUE_PAIR_COUNT] = g_param_spec_int ("iov-queue-pair-count", NULL, NULL, 0, G_MAXINT, 0, flags);
  /**
   * VmnetSwitch:iov-queue-pairs-in-use:
   *
   * Queue pairs of the VFs in use.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_QUEUE_PAIRS_IN_USE] = g_param_spec_int ("iov-queue-pairs-in-use", NULL, NULL, 0, G_MAXINT, 0, flags);
  /**
   * VmnetSwitch:iov-support:
   *
   * Hyper-V's `IovSupport`: whether the switch can give VFs (the host included); unknown
   * when a check cannot be made from here.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_SUPPORT] = g_param_spec_enum ("iov-support", NULL, NULL, VMNET_TYPE_TERNARY, VMNET_TERNARY_UNKNOWN, flags);
  /**
   * VmnetSwitch:iov-support-reasons:
   *
   * Hyper-V's `IovSupportReasons`: one sentence with its fix for each check that is not a pass
   * (or a skip), `OK` alone when there is none.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_SUPPORT_REASONS] = g_param_spec_boxed ("iov-support-reasons", NULL, NULL, G_TYPE_STRV, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vmnet_switch_init (VmnetSwitch *self)
{
}

VmnetSwitch *
vmnet_switch_new (VmnetModel *model, const VmnetSwitchInfo *info)
{
  VmnetSwitch *self = g_object_new (VMNET_TYPE_SWITCH, NULL);
  self->info = info;
  self->model = vmnet_model_ref (model);
  return self;
}

void
vmnet_switch_update (VmnetSwitch *self, VmnetModel *model, const VmnetSwitchInfo *info)
{
  vmnet_object_replace_info (G_OBJECT (self), (gconstpointer *) &self->info, &self->model, info, model);
}

const VmnetSwitchInfo *
vmnet_switch_get_info (VmnetSwitch *self)
{
  return self->info;
}

/**
 * vmnet_switch_get_name:
 * @self: a #VmnetSwitch
 *
 * Gets [property@Vmnet.Switch:name].
 *
 * Returns: the switch name
 *
 * Since: 0.1
 */
const gchar *
vmnet_switch_get_name (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), NULL);
  return self->info->name;
}

/**
 * vmnet_switch_get_switch_type:
 * @self: a #VmnetSwitch
 *
 * Gets [property@Vmnet.Switch:switch-type].
 *
 * Returns: the switch type
 *
 * Since: 0.1
 */
VmnetSwitchType
vmnet_switch_get_switch_type (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), VMNET_SWITCH_TYPE_PRIVATE);
  return self->info->switch_type;
}

/**
 * vmnet_switch_get_net_adapter_name:
 * @self: a #VmnetSwitch
 *
 * Gets [property@Vmnet.Switch:net-adapter-name].
 *
 * Returns: (nullable): the bound adapter, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_switch_get_net_adapter_name (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), NULL);
  return self->info->net_adapter_name;
}

/**
 * vmnet_switch_get_net_adapter_interface_description:
 * @self: a #VmnetSwitch
 *
 * Gets [property@Vmnet.Switch:net-adapter-interface-description].
 *
 * Returns: (nullable): the bound adapter's description, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_switch_get_net_adapter_interface_description (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), NULL);
  return self->info->net_adapter_interface_description;
}

/**
 * vmnet_switch_get_forward_mode:
 * @self: a #VmnetSwitch
 *
 * Gets [property@Vmnet.Switch:forward-mode].
 *
 * Returns: the libvirt forward mode
 *
 * Since: 0.1
 */
const gchar *
vmnet_switch_get_forward_mode (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), NULL);
  return self->info->forward_mode;
}

/**
 * vmnet_switch_get_active:
 * @self: a #VmnetSwitch
 *
 * Gets [property@Vmnet.Switch:active].
 *
 * Returns: %TRUE if the switch is running
 *
 * Since: 0.1
 */
gboolean
vmnet_switch_get_active (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), FALSE);
  return self->info->active;
}

/**
 * vmnet_switch_get_iov_enabled:
 * @self: a #VmnetSwitch
 *
 * Gets [property@Vmnet.Switch:iov-enabled].
 *
 * Returns: %TRUE if the switch is in SR-IOV mode
 *
 * Since: 0.1
 */
gboolean
vmnet_switch_get_iov_enabled (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), FALSE);
  return self->info->iov_enabled;
}

/**
 * vmnet_switch_get_iov_pool_name:
 * @self: a #VmnetSwitch
 *
 * Gets [property@Vmnet.Switch:iov-pool-name].
 *
 * Returns: (nullable): the VF-pool network name, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_switch_get_iov_pool_name (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), NULL);
  return self->info->iov_pool_name;
}

/**
 * vmnet_switch_get_iov_virtual_function_count:
 * @self: a #VmnetSwitch
 *
 * Gets [property@Vmnet.Switch:iov-virtual-function-count].
 *
 * Returns: the number of VFs the switch can hand out
 *
 * Since: 0.1
 */
gint
vmnet_switch_get_iov_virtual_function_count (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), -1);
  return self->info->iov_virtual_function_count;
}

/**
 * vmnet_switch_get_iov_virtual_functions_in_use:
 * @self: a #VmnetSwitch
 *
 * Gets [property@Vmnet.Switch:iov-virtual-functions-in-use].
 *
 * Returns: the number of VFs in use
 *
 * Since: 0.1
 */
gint
vmnet_switch_get_iov_virtual_functions_in_use (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), -1);
  return self->info->iov_virtual_functions_in_use;
}

/**
 * vmnet_switch_get_iov_queue_pair_count:
 * @self: a #VmnetSwitch
 *
 * Gets [property@Vmnet.Switch:iov-queue-pair-count].
 *
 * Returns: the number of queue pairs
 *
 * Since: 0.1
 */
gint
vmnet_switch_get_iov_queue_pair_count (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), -1);
  return self->info->iov_queue_pair_count;
}

/**
 * vmnet_switch_get_iov_queue_pairs_in_use:
 * @self: a #VmnetSwitch
 *
 * Gets [property@Vmnet.Switch:iov-queue-pairs-in-use].
 *
 * Returns: the number of queue pairs in use
 *
 * Since: 0.1
 */
gint
vmnet_switch_get_iov_queue_pairs_in_use (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), -1);
  return self->info->iov_queue_pairs_in_use;
}

/**
 * vmnet_switch_get_iov_support:
 * @self: a #VmnetSwitch
 *
 * Gets [property@Vmnet.Switch:iov-support].
 *
 * Returns: whether the switch can give VFs
 *
 * Since: 0.1
 */
VmnetTernary
vmnet_switch_get_iov_support (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), VMNET_TERNARY_UNKNOWN);
  return vmnet_checks_support (self->info->checks);
}

/**
 * vmnet_switch_dup_iov_support_reasons:
 * @self: a #VmnetSwitch
 *
 * Gets [property@Vmnet.Switch:iov-support-reasons].
 *
 * Returns: (transfer full): the IovSupportReasons
 *
 * Since: 0.1
 */
GStrv
vmnet_switch_dup_iov_support_reasons (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), NULL);
  return vmnet_checks_support_reasons (self->info->checks);
}

/**
 * vmnet_switch_dup_iov_checks:
 * @self: a #VmnetSwitch
 *
 * Every SR-IOV check made for the switch, passes included, in checklist order.
 *
 * Returns: (transfer container) (element-type VmnetIovCheck): the checks
 *
 * Since: 0.1
 */
GPtrArray *
vmnet_switch_dup_iov_checks (VmnetSwitch *self)
{
  g_return_val_if_fail (VMNET_IS_SWITCH (self), NULL);
  return vmnet_checks_copy (self->info->checks);
}
