/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VmnetVirtualFunction: one VF of a physical adapter. */
#include "config.h"

#include "vmnet-enum-types.h"
#include "vmnet-object-private.h"

/**
 * VmnetVirtualFunction:
 *
 * One SR-IOV virtual function (VF) of a physical adapter, as
 * `Get-NetAdapterSriovVf` shows it: its index, PCI address, IOMMU group, the
 * attributes the PF driver holds for it (MAC, VLAN, spoof checking, trust,
 * link state) and the VM adapter using it, if any.
 *
 * Attributes that only the host can tell (from netlink) read as unknown
 * (%NULL, -1 or %VMNET_TERNARY_UNKNOWN) on a remote connection.
 *
 * Since: 0.1
 */

struct _VmnetVirtualFunction {
  GObject      parent_instance;
  const VmnetVfInfo *info;
  VmnetModel       *model;     /* holds info */
};

G_DEFINE_FINAL_TYPE (VmnetVirtualFunction, vmnet_virtual_function, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NET_ADAPTER_NAME,
  PROP_FUNCTION_ID,
  PROP_PCI_ADDRESS,
  PROP_IOMMU_GROUP,
  PROP_DRIVER,
  PROP_MAC_ADDRESS,
  PROP_VLAN_ID,
  PROP_SPOOF_CHECK,
  PROP_TRUST,
  PROP_LINK_STATE,
  PROP_VM_NAME,
  PROP_VM_NETWORK_ADAPTER_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
vmnet_virtual_function_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VmnetVirtualFunction *self = VMNET_VIRTUAL_FUNCTION (object);
  const VmnetVfInfo *i = self->info;

  switch (prop_id)
    {
    case PROP_NET_ADAPTER_NAME: g_value_set_string (value, i->net_adapter_name); break;
    case PROP_FUNCTION_ID: g_value_set_int (value, i->function_id); break;
    case PROP_PCI_ADDRESS: g_value_set_string (value, i->pci_address); break;
    case PROP_IOMMU_GROUP: g_value_set_int (value, i->iommu_group); break;
    case PROP_DRIVER: g_value_set_string (value, i->driver); break;
    case PROP_MAC_ADDRESS: g_value_set_string (value, i->mac_address); break;
    case PROP_VLAN_ID: g_value_set_int (value, i->vlan_id); break;
    case PROP_SPOOF_CHECK: g_value_set_enum (value, i->spoof_check); break;
    case PROP_TRUST: g_value_set_enum (value, i->trust); break;
    case PROP_LINK_STATE: g_value_set_string (value, i->link_state); break;
    case PROP_VM_NAME: g_value_set_string (value, i->vm_name); break;
    case PROP_VM_NETWORK_ADAPTER_NAME: g_value_set_string (value, i->vm_adapter_name); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_virtual_function_finalize (GObject *object)
{
  VmnetVirtualFunction *self = VMNET_VIRTUAL_FUNCTION (object);

  g_clear_pointer (&self->model, vmnet_model_unref);
  G_OBJECT_CLASS (vmnet_virtual_function_parent_class)->finalize (object);
}

static void
vmnet_virtual_function_class_init (VmnetVirtualFunctionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vmnet_virtual_function_get_property;
  object_class->finalize = vmnet_virtual_function_finalize;

  /**
   * VmnetVirtualFunction:net-adapter-name:
   *
   * The name of the physical adapter (PF) this VF belongs to.
   *
   * Since: 0.1
   */
  properties[PROP_NET_ADAPTER_NAME] = g_param_spec_string ("net-adapter-name", NULL, NULL, NULL, flags);
  /**
   * VmnetVirtualFunction:function-id:
   *
   * The VF's index on its PF (`virtfnN`).
   *
   * Since: 0.1
   */
  properties[PROP_FUNCTION_ID] = g_param_spec_int ("function-id", NULL, NULL, 0, G_MAXINT, 0, flags);
  /**
   * VmnetVirtualFunction:pci-address:
   *
   * The VF's PCI address, `DDDD:BB:SS.F`.
   *
   * Since: 0.1
   */
  properties[PROP_PCI_ADDRESS] = g_param_spec_string ("pci-address", NULL, NULL, NULL, flags);
  /**
   * VmnetVirtualFunction:iommu-group:
   *
   * The IOMMU group of the VF, or -1 when unknown.
   *
   * Since: 0.1
   */
  properties[PROP_IOMMU_GROUP] = g_param_spec_int ("iommu-group", NULL, NULL, -1, G_MAXINT, -1, flags);
  /**
   * VmnetVirtualFunction:driver:
   *
   * The kernel driver bound to the VF (for example `vfio-pci`), or %NULL when unknown.
   *
   * Since: 0.1
   */
  properties[PROP_DRIVER] = g_param_spec_string ("driver", NULL, NULL, NULL, flags);
  /**
   * VmnetVirtualFunction:mac-address:
   *
   * The MAC address the PF holds for the VF, or %NULL when unset or unknown.
   *
   * Since: 0.1
   */
  properties[PROP_MAC_ADDRESS] = g_param_spec_string ("mac-address", NULL, NULL, NULL, flags);
  /**
   * VmnetVirtualFunction:vlan-id:
   *
   * The VLAN the PF tags the VF's traffic with: 0 for none, -1 when unknown.
   *
   * Since: 0.1
   */
  properties[PROP_VLAN_ID] = g_param_spec_int ("vlan-id", NULL, NULL, -1, 4095, -1, flags);
  /**
   * VmnetVirtualFunction:spoof-check:
   *
   * Whether the PF drops frames the VF sends with a foreign source MAC.
   *
   * Since: 0.1
   */
  properties[PROP_SPOOF_CHECK] = g_param_spec_enum ("spoof-check", NULL, NULL, VMNET_TYPE_TERNARY, VMNET_TERNARY_UNKNOWN, flags);
  /**
   * VmnetVirtualFunction:trust:
   *
   * Whether the VF is trusted (may change its MAC and use promiscuous modes).
   *
   * Since: 0.1
   */
  properties[PROP_TRUST] = g_param_spec_enum ("trust", NULL, NULL, VMNET_TYPE_TERNARY, VMNET_TERNARY_UNKNOWN, flags);
  /**
   * VmnetVirtualFunction:link-state:
   *
   * The VF's administrative link state (`auto`, `enable`, `disable`), or %NULL when unknown.
   *
   * Since: 0.1
   */
  properties[PROP_LINK_STATE] = g_param_spec_string ("link-state", NULL, NULL, NULL, flags);
  /**
   * VmnetVirtualFunction:vm-name:
   *
   * The running VM the VF is assigned to, or %NULL if it is free.
   *
   * Since: 0.1
   */
  properties[PROP_VM_NAME] = g_param_spec_string ("vm-name", NULL, NULL, NULL, flags);
  /**
   * VmnetVirtualFunction:vm-network-adapter-name:
   *
   * The VM network adapter the VF backs, or %NULL if it is free.
   *
   * Since: 0.1
   */
  properties[PROP_VM_NETWORK_ADAPTER_NAME] = g_param_spec_string ("vm-network-adapter-name", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vmnet_virtual_function_init (VmnetVirtualFunction *self)
{
}

VmnetVirtualFunction *
vmnet_virtual_function_new (VmnetModel *model, const VmnetVfInfo *info)
{
  VmnetVirtualFunction *self = g_object_new (VMNET_TYPE_VIRTUAL_FUNCTION, NULL);
  self->info = info;
  self->model = vmnet_model_ref (model);
  return self;
}

void
vmnet_virtual_function_update (VmnetVirtualFunction *self, VmnetModel *model, const VmnetVfInfo *info)
{
  vmnet_object_replace_info (G_OBJECT (self), (gconstpointer *) &self->info, &self->model, info, model);
}

const VmnetVfInfo *
vmnet_virtual_function_get_info (VmnetVirtualFunction *self)
{
  return self->info;
}

/**
 * vmnet_virtual_function_get_net_adapter_name:
 * @self: a #VmnetVirtualFunction
 *
 * Gets [property@Vmnet.VirtualFunction:net-adapter-name].
 *
 * Returns: the name of the VF's physical adapter
 *
 * Since: 0.1
 */
const gchar *
vmnet_virtual_function_get_net_adapter_name (VmnetVirtualFunction *self)
{
  g_return_val_if_fail (VMNET_IS_VIRTUAL_FUNCTION (self), NULL);
  return self->info->net_adapter_name;
}

/**
 * vmnet_virtual_function_get_function_id:
 * @self: a #VmnetVirtualFunction
 *
 * Gets [property@Vmnet.VirtualFunction:function-id].
 *
 * Returns: the VF's index on its physical adapter
 *
 * Since: 0.1
 */
gint
vmnet_virtual_function_get_function_id (VmnetVirtualFunction *self)
{
  g_return_val_if_fail (VMNET_IS_VIRTUAL_FUNCTION (self), -1);
  return self->info->function_id;
}

/**
 * vmnet_virtual_function_get_pci_address:
 * @self: a #VmnetVirtualFunction
 *
 * Gets [property@Vmnet.VirtualFunction:pci-address].
 *
 * Returns: the VF's PCI address
 *
 * Since: 0.1
 */
const gchar *
vmnet_virtual_function_get_pci_address (VmnetVirtualFunction *self)
{
  g_return_val_if_fail (VMNET_IS_VIRTUAL_FUNCTION (self), NULL);
  return self->info->pci_address;
}

/**
 * vmnet_virtual_function_get_iommu_group:
 * @self: a #VmnetVirtualFunction
 *
 * Gets [property@Vmnet.VirtualFunction:iommu-group].
 *
 * Returns: the VF's IOMMU group, or -1 when unknown
 *
 * Since: 0.1
 */
gint
vmnet_virtual_function_get_iommu_group (VmnetVirtualFunction *self)
{
  g_return_val_if_fail (VMNET_IS_VIRTUAL_FUNCTION (self), -1);
  return self->info->iommu_group;
}

/**
 * vmnet_virtual_function_get_driver:
 * @self: a #VmnetVirtualFunction
 *
 * Gets [property@Vmnet.VirtualFunction:driver].
 *
 * Returns: (nullable): the driver bound to the VF, or %NULL when unknown
 *
 * Since: 0.1
 */
const gchar *
vmnet_virtual_function_get_driver (VmnetVirtualFunction *self)
{
  g_return_val_if_fail (VMNET_IS_VIRTUAL_FUNCTION (self), NULL);
  return self->info->driver;
}

/**
 * vmnet_virtual_function_get_mac_address:
 * @self: a #VmnetVirtualFunction
 *
 * Gets [property@Vmnet.VirtualFunction:mac-address].
 *
 * Returns: (nullable): the MAC address set for the VF, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_virtual_function_get_mac_address (VmnetVirtualFunction *self)
{
  g_return_val_if_fail (VMNET_IS_VIRTUAL_FUNCTION (self), NULL);
  return self->info->mac_address;
}

/**
 * vmnet_virtual_function_get_vlan_id:
 * @self: a #VmnetVirtualFunction
 *
 * Gets [property@Vmnet.VirtualFunction:vlan-id].
 *
 * Returns: the VF's VLAN, 0 for none, -1 when unknown
 *
 * Since: 0.1
 */
gint
vmnet_virtual_function_get_vlan_id (VmnetVirtualFunction *self)
{
  g_return_val_if_fail (VMNET_IS_VIRTUAL_FUNCTION (self), -1);
  return self->info->vlan_id;
}

/**
 * vmnet_virtual_function_get_spoof_check:
 * @self: a #VmnetVirtualFunction
 *
 * Gets [property@Vmnet.VirtualFunction:spoof-check].
 *
 * Returns: whether spoof checking is on for the VF
 *
 * Since: 0.1
 */
VmnetTernary
vmnet_virtual_function_get_spoof_check (VmnetVirtualFunction *self)
{
  g_return_val_if_fail (VMNET_IS_VIRTUAL_FUNCTION (self), VMNET_TERNARY_UNKNOWN);
  return self->info->spoof_check;
}

/**
 * vmnet_virtual_function_get_trust:
 * @self: a #VmnetVirtualFunction
 *
 * Gets [property@Vmnet.VirtualFunction:trust].
 *
 * Returns: whether the VF is trusted
 *
 * Since: 0.1
 */
VmnetTernary
vmnet_virtual_function_get_trust (VmnetVirtualFunction *self)
{
  g_return_val_if_fail (VMNET_IS_VIRTUAL_FUNCTION (self), VMNET_TERNARY_UNKNOWN);
  return self->info->trust;
}

/**
 * vmnet_virtual_function_get_link_state:
 * @self: a #VmnetVirtualFunction
 *
 * Gets [property@Vmnet.VirtualFunction:link-state].
 *
 * Returns: (nullable): the VF's administrative link state, or %NULL when unknown
 *
 * Since: 0.1
 */
const gchar *
vmnet_virtual_function_get_link_state (VmnetVirtualFunction *self)
{
  g_return_val_if_fail (VMNET_IS_VIRTUAL_FUNCTION (self), NULL);
  return self->info->link_state;
}

/**
 * vmnet_virtual_function_get_vm_name:
 * @self: a #VmnetVirtualFunction
 *
 * Gets [property@Vmnet.VirtualFunction:vm-name].
 *
 * Returns: (nullable): the VM using the VF, or %NULL if it is free
 *
 * Since: 0.1
 */
const gchar *
vmnet_virtual_function_get_vm_name (VmnetVirtualFunction *self)
{
  g_return_val_if_fail (VMNET_IS_VIRTUAL_FUNCTION (self), NULL);
  return self->info->vm_name;
}

/**
 * vmnet_virtual_function_get_vm_network_adapter_name:
 * @self: a #VmnetVirtualFunction
 *
 * Gets [property@Vmnet.VirtualFunction:vm-network-adapter-name].
 *
 * Returns: (nullable): the VM network adapter the VF backs, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_virtual_function_get_vm_network_adapter_name (VmnetVirtualFunction *self)
{
  g_return_val_if_fail (VMNET_IS_VIRTUAL_FUNCTION (self), NULL);
  return self->info->vm_adapter_name;
}
