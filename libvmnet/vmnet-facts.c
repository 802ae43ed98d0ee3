/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Facts: the plain records the libvirt/ and linux/ readers fill. */
#include "config.h"

#include "vmnet-facts-private.h"

VmnetPciFact *
vmnet_pci_fact_new (void)
{
  VmnetPciFact *f = g_new0 (VmnetPciFact, 1);
  f->iommu_group = -1;
  f->max_vfs = -1;
  f->vf_addresses = g_ptr_array_new_with_free_func (g_free);
  return f;
}

void
vmnet_pci_fact_free (VmnetPciFact *f)
{
  if (!f)
    return;
  g_free (f->name);
  g_free (f->address);
  g_free (f->vendor);
  g_free (f->product);
  g_free (f->driver);
  g_ptr_array_unref (f->vf_addresses);
  g_free (f->pf_address);
  g_free (f);
}

VmnetNetdevFact *
vmnet_netdev_fact_new (void)
{
  VmnetNetdevFact *f = g_new0 (VmnetNetdevFact, 1);
  f->speed_mbps = -1;
  return f;
}

void
vmnet_netdev_fact_free (VmnetNetdevFact *f)
{
  if (!f)
    return;
  g_free (f->name);
  g_free (f->parent);
  g_free (f->interface);
  g_free (f->mac);
  g_free (f->link_state);
  g_free (f);
}

VmnetNetworkFact *
vmnet_network_fact_new (void)
{
  VmnetNetworkFact *f = g_new0 (VmnetNetworkFact, 1);
  f->forward_devs = g_ptr_array_new_with_free_func (g_free);
  f->pool_addresses = g_ptr_array_new_with_free_func (g_free);
  f->connections = -1;
  f->portgroups = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_portgroup_fact_free);
  return f;
}

void
vmnet_portgroup_fact_free (VmnetPortgroupFact *f)
{
  if (!f)
    return;
  g_free (f->name);
  g_free (f);
}

void
vmnet_network_fact_free (VmnetNetworkFact *f)
{
  if (!f)
    return;
  g_free (f->name);
  g_free (f->uuid);
  g_free (f->forward_mode);
  g_free (f->bridge);
  g_free (f->pf_dev);
  g_ptr_array_unref (f->forward_devs);
  g_ptr_array_unref (f->pool_addresses);
  g_ptr_array_unref (f->portgroups);
  g_free (f);
}

VmnetIfaceFact *
vmnet_iface_fact_new (void)
{
  return g_new0 (VmnetIfaceFact, 1);
}

void
vmnet_iface_fact_free (VmnetIfaceFact *f)
{
  if (!f)
    return;
  g_free (f->type);
  g_free (f->mac);
  g_free (f->network);
  g_free (f->source_dev);
  g_free (f->model);
  g_free (f->alias);
  g_free (f->adapter_name);
  g_free (f->hostdev_address);
  g_free (f->teaming_persistent);
  g_free (f->filter);
  g_free (f->target_dev);
  g_free (f->portgroup);
  g_free (f);
}

VmnetAdapterSettingsFact *
vmnet_adapter_settings_fact_new (void)
{
  VmnetAdapterSettingsFact *f = g_new0 (VmnetAdapterSettingsFact, 1);
  f->iov_queue_pairs_requested = 1;
  f->iov_interrupt_moderation = VMNET_IOV_INTERRUPT_MODERATION_DEFAULT;
  return f;
}

void
vmnet_adapter_settings_fact_free (VmnetAdapterSettingsFact *f)
{
  if (!f)
    return;
  g_free (f->mac);
  g_free (f->last_error);
  g_free (f->error);
  g_free (f);
}

VmnetDomainFact *
vmnet_domain_fact_new (void)
{
  VmnetDomainFact *f = g_new0 (VmnetDomainFact, 1);
  f->state = VMNET_VM_STATE_OTHER;
  f->pcie_ports = -1;
  f->pcie_ports_free = -1;
  f->interfaces = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_iface_fact_free);
  f->settings = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_adapter_settings_fact_free);
  return f;
}

void
vmnet_domain_fact_free (VmnetDomainFact *f)
{
  if (!f)
    return;
  g_free (f->name);
  g_free (f->uuid);
  g_ptr_array_unref (f->interfaces);
  g_ptr_array_unref (f->settings);
  g_free (f->metadata_error);
  g_free (f->scope);
  g_free (f);
}

VmnetSysfsPciFact *
vmnet_sysfs_pci_fact_new (void)
{
  VmnetSysfsPciFact *f = g_new0 (VmnetSysfsPciFact, 1);
  f->total_vfs = -1;
  f->num_vfs = -1;
  f->vf_total_msix = -1;
  f->vf_msix_count = -1;
  f->iommu_group = -1;
  f->speed_mbps = -1;
  f->netdevs = g_ptr_array_new_with_free_func (g_free);
  f->vf_addresses = g_ptr_array_new_with_free_func (g_free);
  return f;
}

void
vmnet_sysfs_pci_fact_free (VmnetSysfsPciFact *f)
{
  if (!f)
    return;
  g_free (f->address);
  g_free (f->driver);
  g_free (f->operstate);
  g_ptr_array_unref (f->netdevs);
  g_ptr_array_unref (f->vf_addresses);
  g_free (f);
}

VmnetVfLinkFact *
vmnet_vf_link_fact_new (void)
{
  VmnetVfLinkFact *f = g_new0 (VmnetVfLinkFact, 1);
  f->spoof_check = VMNET_TERNARY_UNKNOWN;
  f->trust = VMNET_TERNARY_UNKNOWN;
  f->vlan_id = -1;
  f->max_tx_rate = -1;
  f->min_tx_rate = -1;
  return f;
}

void
vmnet_vf_link_fact_free (VmnetVfLinkFact *f)
{
  if (!f)
    return;
  g_free (f->mac);
  g_free (f->link_state);
  g_free (f);
}

VmnetPfLinkFact *
vmnet_pf_link_fact_new (void)
{
  VmnetPfLinkFact *f = g_new0 (VmnetPfLinkFact, 1);
  f->vfs = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_vf_link_fact_free);
  return f;
}

void
vmnet_pf_link_fact_free (VmnetPfLinkFact *f)
{
  if (!f)
    return;
  g_free (f->pf_netdev);
  g_ptr_array_unref (f->vfs);
  g_free (f);
}

VmnetProbeFact *
vmnet_probe_fact_new (void)
{
  VmnetProbeFact *f = g_new0 (VmnetProbeFact, 1);
  f->dma_remapping = VMNET_TERNARY_UNKNOWN;
  f->interrupt_remapping = VMNET_TERNARY_UNKNOWN;
  f->unsafe_interrupts = VMNET_TERNARY_UNKNOWN;
  f->slat = VMNET_TERNARY_UNKNOWN;
  f->slat_disabled = VMNET_TERNARY_UNKNOWN;
  f->vfio = VMNET_TERNARY_UNKNOWN;
  f->sriov_kernel_errors = g_ptr_array_new_with_free_func (g_free);
  return f;
}

void
vmnet_probe_fact_free (VmnetProbeFact *f)
{
  if (!f)
    return;
  g_free (f->cpu_vendor);
  g_ptr_array_unref (f->sriov_kernel_errors);
  g_free (f->ir_erratum);
  g_clear_pointer (&f->vfio_irq_devices, g_hash_table_unref);
  g_free (f);
}

VmnetPortVlanFact *
vmnet_port_vlan_fact_new (void)
{
  VmnetPortVlanFact *f = g_new0 (VmnetPortVlanFact, 1);
  f->vlan_filtering = VMNET_TERNARY_UNKNOWN;
  f->default_pvid = -1;
  return f;
}

void
vmnet_port_vlan_fact_free (VmnetPortVlanFact *f)
{
  if (!f)
    return;
  g_free (f->name);
  g_free (f->bridge);
  g_free (f);
}

void
vmnet_sriov_config_entry_free (VmnetSriovConfigEntry *e)
{
  if (!e)
    return;
  g_free (e->address);
  g_free (e->name);
  g_free (e);
}

void
vmnet_sriov_boot_result_free (VmnetSriovBootResult *r)
{
  if (!r)
    return;
  g_free (r->address);
  g_free (r->name);
  g_free (r->status);
  g_free (r->reason);
  g_free (r);
}

VmnetHostFacts *
vmnet_host_facts_new (void)
{
  VmnetHostFacts *f = g_new0 (VmnetHostFacts, 1);
  f->hostdev_vfio = VMNET_TERNARY_UNKNOWN;
  f->pci = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_pci_fact_free);
  f->netdevs = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_netdev_fact_free);
  f->networks = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_network_fact_free);
  f->domains = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_domain_fact_free);
  f->sysfs_pci = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) vmnet_sysfs_pci_fact_free);
  f->pf_links = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) vmnet_pf_link_fact_free);
  f->aggregate_kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f->aggregate_members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return f;
}

void
vmnet_host_facts_free (VmnetHostFacts *f)
{
  if (!f)
    return;
  g_free (f->computer_name);
  g_free (f->hypervisor);
  g_free (f->hypervisor_version);
  g_free (f->libvirt_version);
  g_ptr_array_unref (f->pci);
  g_ptr_array_unref (f->netdevs);
  g_ptr_array_unref (f->networks);
  g_ptr_array_unref (f->domains);
  g_hash_table_unref (f->sysfs_pci);
  g_hash_table_unref (f->pf_links);
  g_clear_pointer (&f->ports, g_hash_table_unref);
  g_clear_pointer (&f->sriov_config, g_ptr_array_unref);
  g_free (f->sriov_config_error);
  g_clear_pointer (&f->sriov_boot, g_hash_table_unref);
  g_hash_table_unref (f->aggregate_kinds);
  g_hash_table_unref (f->aggregate_members);
  vmnet_probe_fact_free (f->probe);
  g_free (f);
}
