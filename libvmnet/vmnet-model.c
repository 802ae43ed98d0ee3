/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The model: facts turned into what Hyper-V would show (PFs, switches, VMs,
 * adapters), without I/O. */
#include "config.h"

#include <string.h>

#include "vmnet-model-private.h"
#include "vmnet-diagnose-private.h"

void
vmnet_vf_info_free (VmnetVfInfo *info)
{
  if (!info)
    return;
  g_free (info->net_adapter_name);
  g_free (info->pci_address);
  g_free (info->driver);
  g_free (info->mac_address);
  g_free (info->link_state);
  g_free (info->vm_name);
  g_free (info->vm_adapter_name);
  g_free (info);
}

void
vmnet_pf_info_free (VmnetPfInfo *info)
{
  if (!info)
    return;
  g_free (info->name);
  g_free (info->interface_description);
  g_free (info->pci_address);
  g_free (info->driver);
  g_free (info->link_state);
  g_free (info->switch_name);
  g_clear_pointer (&info->vfs, g_ptr_array_unref);
  g_free (info);
}

void
vmnet_switch_info_free (VmnetSwitchInfo *info)
{
  if (!info)
    return;
  g_free (info->name);
  g_free (info->net_adapter_name);
  g_free (info->net_adapter_interface_description);
  g_free (info->forward_mode);
  g_free (info->iov_pool_name);
  g_free (info->iov_pf);
  g_free (info->iov_count_unknown);
  g_free (info->adapter_link_state);
  g_free (info->adapter_aggregate);
  g_free (info->adapter_members);
  g_clear_pointer (&info->checks, g_ptr_array_unref);
  g_free (info);
}

void
vmnet_adapter_info_free (VmnetAdapterInfo *info)
{
  if (!info)
    return;
  g_free (info->vm_name);
  g_free (info->vm_uuid);
  g_free (info->name);
  g_free (info->mac_address);
  g_free (info->switch_name);
  g_free (info->model);
  g_free (info->virtual_function);
  g_free (info->vf_alias);
  g_free (info->settings_error);
  g_free (info->last_error);
  g_free (info->filter);
  g_free (info->bandwidth_source);
  g_free (info->vf_link_state);
  g_free (info->port);
  vmnet_port_vlan_fact_free (info->port_facts);
  g_clear_pointer (&info->checks, g_ptr_array_unref);
  g_strfreev (info->status_description);
  g_free (info);
}

void
vmnet_vm_info_free (VmnetVmInfo *info)
{
  if (!info)
    return;
  g_free (info->name);
  g_free (info->uuid);
  g_free (info->scope);
  g_clear_pointer (&info->adapters, g_ptr_array_unref);
  g_free (info);
}

static void
model_clear (VmnetModel *model)
{
  g_clear_pointer (&model->pfs, g_ptr_array_unref);
  g_clear_pointer (&model->switches, g_ptr_array_unref);
  g_clear_pointer (&model->vms, g_ptr_array_unref);
  g_clear_pointer (&model->host_checks, g_ptr_array_unref);
}

/* An empty model, to be filled and then never changed. */
VmnetModel *
vmnet_model_new (void)
{
  VmnetModel *model = g_atomic_rc_box_new0 (VmnetModel);

  model->pfs = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_pf_info_free);
  model->switches = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_switch_info_free);
  model->vms = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_vm_info_free);
  model->host_checks = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_iov_check_free);
  return model;
}

VmnetModel *
vmnet_model_ref (VmnetModel *model)
{
  return g_atomic_rc_box_acquire (model);
}

void
vmnet_model_unref (VmnetModel *model)
{
  if (model)
    g_atomic_rc_box_release_full (model, (GDestroyNotify) model_clear);
}

/* Where a VF is used: filled from running domains. */
typedef struct {
  const gchar *vm_name;
  gchar       *adapter_name;
  const gchar *mac;       /* the MAC libvirt set on the VF */
  gint         vlan_id;
} VfUse;

static void
vf_use_free (VfUse *use)
{
  g_free (use->adapter_name);
  g_free (use);
}

typedef struct {
  const VmnetHostFacts *facts;
  GHashTable *pci_by_address;     /* address -> VmnetPciFact */
  GHashTable *pci_by_name;        /* nodedev name -> VmnetPciFact */
  GHashTable *netdevs_by_parent;  /* nodedev name -> VmnetNetdevFact (first) */
  GHashTable *networks_by_name;   /* name -> VmnetNetworkFact */
  GHashTable *vf_uses;            /* VF address -> VfUse */
  GHashTable *pf_by_name;         /* PF name -> VmnetPfInfo */
  GHashTable *pf_by_vf;           /* VF address -> VmnetPfInfo */
  GHashTable *vf_by_address;      /* VF address -> VmnetVfInfo */
} Builder;

static gchar *
adapter_name_for (const VmnetIfaceFact *iface, guint index)
{
  if (iface->adapter_name)
    return g_strdup (iface->adapter_name);
  return g_strdup_printf ("net%u", index);
}

static gboolean
is_teamed_vf (const VmnetIfaceFact *iface)
{
  return iface->teaming == VMNET_TEAMING_TRANSIENT;
}

static gchar *
describe (const gchar *vendor, const gchar *product)
{
  if (vendor && product)
    return g_strdup_printf ("%s %s", vendor, product);
  return g_strdup (product ? product : vendor);
}

static const VmnetSysfsPciFact *
sysfs_for (Builder *b, const gchar *address)
{
  if (!b->facts->host_facts || !address)
    return NULL;
  return g_hash_table_lookup (b->facts->sysfs_pci, address);
}

/* Record which VF each running domain holds and for which adapter. */
static void
collect_vf_uses (Builder *b)
{
  for (guint i = 0; i < b->facts->domains->len; i++)
    {
      VmnetDomainFact *d = g_ptr_array_index (b->facts->domains, i);
      guint adapter_index = 0;

      if (d->state != VMNET_VM_STATE_RUNNING && d->state != VMNET_VM_STATE_PAUSED)
        continue;

      for (guint j = 0; j < d->interfaces->len; j++)
        {
          VmnetIfaceFact *iface = g_ptr_array_index (d->interfaces, j);
          VfUse *use;

          if (!is_teamed_vf (iface))
            adapter_index++;
          if (!iface->hostdev_address)
            continue;

          use = g_new0 (VfUse, 1);
          use->vm_name = d->name;
          use->mac = iface->mac;
          use->vlan_id = iface->vlan_id;
          if (is_teamed_vf (iface) && iface->teaming_persistent)
            {
              /* The adapter is the virtio device whose alias the VF names. */
              guint k = 0;
              for (guint m = 0; m < d->interfaces->len; m++)
                {
                  VmnetIfaceFact *other = g_ptr_array_index (d->interfaces, m);
                  if (is_teamed_vf (other))
                    continue;
                  if (g_strcmp0 (other->alias, iface->teaming_persistent) == 0)
                    {
                      use->adapter_name = adapter_name_for (other, k);
                      break;
                    }
                  k++;
                }
            }
          else
            {
              use->adapter_name = adapter_name_for (iface, adapter_index - 1);
            }
          g_hash_table_replace (b->vf_uses, g_strdup (iface->hostdev_address), use);
        }
    }
}

static VmnetVfInfo *
build_vf (Builder *b, const gchar *pf_name, const VmnetPfLinkFact *links,
          guint index, const gchar *address)
{
  VmnetVfInfo *vf = g_new0 (VmnetVfInfo, 1);
  const VmnetPciFact *pci = g_hash_table_lookup (b->pci_by_address, address);
  const VmnetSysfsPciFact *sys = sysfs_for (b, address);
  const VfUse *use = g_hash_table_lookup (b->vf_uses, address);

  vf->net_adapter_name = g_strdup (pf_name);
  vf->function_id = index;
  vf->pci_address = g_strdup (address);
  vf->iommu_group = sys && sys->iommu_group >= 0 ? sys->iommu_group : pci ? pci->iommu_group : -1;
  vf->driver = g_strdup (sys && sys->driver ? sys->driver : pci ? pci->driver : NULL);
  vf->msix_count = sys ? sys->vf_msix_count : -1;
  vf->vlan_id = -1;
  vf->spoof_check = VMNET_TERNARY_UNKNOWN;
  vf->trust = VMNET_TERNARY_UNKNOWN;
  vf->max_tx_rate = -1;
  vf->min_tx_rate = -1;

  if (links && index < links->vfs->len)
    {
      const VmnetVfLinkFact *l = g_ptr_array_index (links->vfs, index);
      vf->mac_address = g_strdup (l->mac);
      vf->vlan_id = l->vlan_id;
      vf->spoof_check = l->spoof_check;
      vf->trust = l->trust;
      vf->link_state = g_strdup (l->link_state);
      vf->max_tx_rate = l->max_tx_rate;
      vf->min_tx_rate = l->min_tx_rate;
    }

  if (use)
    {
      vf->vm_name = g_strdup (use->vm_name);
      vf->vm_adapter_name = g_strdup (use->adapter_name);
      /* libvirt sets the assigned VF's MAC and VLAN on the PF itself. */
      if (!vf->mac_address)
        vf->mac_address = g_strdup (use->mac);
      if (vf->vlan_id < 0)
        vf->vlan_id = use->vlan_id;
    }
  return vf;
}

static void
build_pfs (Builder *b, VmnetModel *model)
{
  const VmnetHostFacts *facts = b->facts;

  for (guint i = 0; i < facts->pci->len; i++)
    {
      VmnetPciFact *pci = g_ptr_array_index (facts->pci, i);
      const VmnetSysfsPciFact *sys = sysfs_for (b, pci->address);
      const VmnetNetdevFact *net = g_hash_table_lookup (b->netdevs_by_parent, pci->name);
      GPtrArray *vf_addresses = pci->vf_addresses;
      const VmnetPfLinkFact *links;
      VmnetPfInfo *pf;
      gint64 speed;

      if (!pci->sriov_capable && !(sys && sys->total_vfs > 0))
        continue;

      pf = g_new0 (VmnetPfInfo, 1);
      pf->vfs = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_vf_info_free);
      if (sys && sys->netdevs->len > 0)
        pf->name = g_strdup (g_ptr_array_index (sys->netdevs, 0));
      else if (net && net->interface)
        pf->name = g_strdup (net->interface);
      else
        pf->name = g_strdup (pci->address);
      pf->interface_description = describe (pci->vendor, pci->product);
      pf->pci_address = g_strdup (pci->address);
      pf->driver = g_strdup (sys && sys->driver ? sys->driver : pci->driver);
      pf->max_vfs = sys && sys->total_vfs >= 0 ? sys->total_vfs : pci->max_vfs;
      if (sys && sys->vf_addresses->len > 0)
        vf_addresses = sys->vf_addresses;
      pf->num_vfs = sys && sys->num_vfs >= 0 ? sys->num_vfs : (gint) vf_addresses->len;
      pf->enabled = pf->num_vfs > 0;
      pf->vf_total_msix = sys ? sys->vf_total_msix : -1;
      pf->configured_num_vfs = -1;
      for (guint j = 0; facts->sriov_config && j < facts->sriov_config->len; j++)
        {
          const VmnetSriovConfigEntry *e = g_ptr_array_index (facts->sriov_config, j);
          if (g_str_equal (e->address, pci->address))
            pf->configured_num_vfs = e->num_vfs;
        }

      speed = sys && sys->speed_mbps >= 0 ? sys->speed_mbps : net ? net->speed_mbps : -1;
      pf->link_speed = speed >= 0 ? speed * 1000000 : -1;
      pf->link_state = g_strdup (sys && sys->operstate ? sys->operstate : net ? net->link_state : NULL);

      links = facts->host_facts ? g_hash_table_lookup (facts->pf_links, pf->name) : NULL;
      for (guint j = 0; j < vf_addresses->len; j++)
        {
          const gchar *address = g_ptr_array_index (vf_addresses, j);
          VmnetVfInfo *vf = build_vf (b, pf->name, links, j, address);
          if (vf->vm_name)
            pf->allocated_vfs++;
          g_hash_table_insert (b->pf_by_vf, vf->pci_address, pf);
          g_hash_table_insert (b->vf_by_address, vf->pci_address, vf);
          g_ptr_array_add (pf->vfs, vf);
        }

      g_hash_table_insert (b->pf_by_name, pf->name, pf);
      g_ptr_array_add (model->pfs, pf);
    }
}

static VmnetSwitchType
switch_type_for (const gchar *forward_mode)
{
  if (!forward_mode)
    return VMNET_SWITCH_TYPE_PRIVATE;
  if (g_str_equal (forward_mode, "nat") || g_str_equal (forward_mode, "route") ||
      g_str_equal (forward_mode, "open"))
    return VMNET_SWITCH_TYPE_INTERNAL;
  return VMNET_SWITCH_TYPE_EXTERNAL;
}

static gboolean
is_hostdev_pool (const VmnetNetworkFact *net)
{
  return g_strcmp0 (net->forward_mode, "hostdev") == 0;
}

/* The switch a VF-pool network belongs to, or NULL if it stands alone. */
static const VmnetNetworkFact *
owner_of_pool (Builder *b, const VmnetNetworkFact *pool)
{
  g_autofree gchar *base = NULL;
  const VmnetNetworkFact *owner;

  if (!g_str_has_suffix (pool->name, VMNET_IOV_POOL_SUFFIX))
    return NULL;
  base = g_strndup (pool->name, strlen (pool->name) - strlen (VMNET_IOV_POOL_SUFFIX));
  owner = g_hash_table_lookup (b->networks_by_name, base);
  if (!owner || is_hostdev_pool (owner))
    return NULL;
  return owner;
}

static const VmnetNetworkFact *
pool_of_switch (Builder *b, const VmnetNetworkFact *net)
{
  g_autofree gchar *pool_name = g_strconcat (net->name, VMNET_IOV_POOL_SUFFIX, NULL);
  const VmnetNetworkFact *pool = g_hash_table_lookup (b->networks_by_name, pool_name);

  return pool && is_hostdev_pool (pool) ? pool : NULL;
}

static const gchar *
bound_adapter_of (Builder *b, const VmnetNetworkFact *net)
{
  if (is_hostdev_pool (net))
    return net->pf_dev;
  if (net->forward_devs->len > 0 && net->forward_mode &&
      !g_str_equal (net->forward_mode, "nat") && !g_str_equal (net->forward_mode, "route") &&
      !g_str_equal (net->forward_mode, "open"))
    return g_ptr_array_index (net->forward_devs, 0);
  return NULL;
}

static gchar *
description_of_netdev (Builder *b, const gchar *netdev)
{
  const VmnetHostFacts *facts = b->facts;

  if (!netdev)
    return NULL;
  for (guint i = 0; i < facts->netdevs->len; i++)
    {
      VmnetNetdevFact *net = g_ptr_array_index (facts->netdevs, i);
      VmnetPciFact *pci;

      if (g_strcmp0 (net->interface, netdev) != 0 || !net->parent)
        continue;
      pci = g_hash_table_lookup (b->pci_by_name, net->parent);
      if (pci)
        return describe (pci->vendor, pci->product);
    }
  return NULL;
}

/* A pool whose PF is not among the node devices (a remote host that does
 * not report it, the test driver): a running pool's live definition lists
 * the VFs libvirt hands out and its connections those handed out. */
static void
fill_iov_from_pool (Builder *b, VmnetSwitchInfo *sw, const VmnetNetworkFact *pool)
{
  g_autofree gchar *no_pf = pool->pf_dev ? g_strdup_printf (" and libvirt reports no node device for its adapter %s",
                                                            pool->pf_dev)
                                         : g_strdup ("");

  if (pool->active && pool->pool_addresses->len > 0)
    {
      gint held = 0;

      /* In use: what the pool counts, or more where running VMs hold its VFs. */
      for (guint i = 0; i < pool->pool_addresses->len; i++)
        if (g_hash_table_contains (b->vf_uses, g_ptr_array_index (pool->pool_addresses, i)))
          held++;
      sw->iov_virtual_function_count = pool->pool_addresses->len;
      sw->iov_queue_pair_count = sw->iov_virtual_function_count;
      sw->iov_virtual_functions_in_use = MAX (MAX (pool->connections, 0), held);
      sw->iov_queue_pairs_in_use = sw->iov_virtual_functions_in_use;
      return;
    }
  /* The host's own files tell: its adapter gives no VFs. */
  if (b->facts->host_facts)
    return;
  if (!pool->active)
    sw->iov_count_unknown = g_strdup_printf ("its VF pool '%s' is not running (libvirt lists a pool's VFs only while "
                                             "it runs)%s", pool->name, no_pf);
  else if (b->facts->test_driver)
    sw->iov_count_unknown = g_strdup_printf ("libvirt's test driver lists no VFs in pool '%s'%s", pool->name, no_pf);
  else
    sw->iov_count_unknown = g_strdup_printf ("its running VF pool '%s' lists no VFs%s", pool->name, no_pf);
}

static void
fill_iov (Builder *b, VmnetSwitchInfo *sw, const VmnetNetworkFact *pool)
{
  VmnetPfInfo *pf;

  sw->iov_enabled = TRUE;
  sw->iov_pool_name = g_strdup (pool->name);
  sw->iov_pf = g_strdup (pool->pf_dev);
  pf = pool->pf_dev ? g_hash_table_lookup (b->pf_by_name, pool->pf_dev) : NULL;
  if (!pf)
    {
      fill_iov_from_pool (b, sw, pool);
      return;
    }

  sw->iov_virtual_function_count = pf->num_vfs;
  /* Node devices that list no VFs of the PF (a remote host's udev that has
   * not seen them yet): the running pool's list is what libvirt hands out. */
  if (pf->num_vfs == 0 && !b->facts->host_facts && pool->active)
    sw->iov_virtual_function_count = pool->pool_addresses->len;
  sw->iov_queue_pair_count = pf->vf_total_msix > 0 ? MAX (pf->vf_total_msix - pf->num_vfs, pf->num_vfs)
                                                  : sw->iov_virtual_function_count;
  for (guint i = 0; i < pf->vfs->len; i++)
    {
      VmnetVfInfo *vf = g_ptr_array_index (pf->vfs, i);
      if (!vf->vm_name)
        continue;
      sw->iov_virtual_functions_in_use++;
      sw->iov_queue_pairs_in_use += vmnet_queue_pairs_of_vectors (vf->msix_count);
    }
  /* Another client may hold VFs we cannot see; the pool's count is authoritative. */
  if (pool->connections > sw->iov_virtual_functions_in_use)
    {
      sw->iov_queue_pairs_in_use += pool->connections - sw->iov_virtual_functions_in_use;
      sw->iov_virtual_functions_in_use = pool->connections;
    }
  if (!pf->switch_name || g_strcmp0 (pf->switch_name, sw->name) != 0)
    {
      g_free (pf->switch_name);
      pf->switch_name = g_strdup (sw->name);
    }
}

static void
build_switches (Builder *b, VmnetModel *model)
{
  const VmnetHostFacts *facts = b->facts;

  for (guint i = 0; i < facts->networks->len; i++)
    {
      VmnetNetworkFact *net = g_ptr_array_index (facts->networks, i);
      VmnetSwitchInfo *sw;
      const VmnetNetworkFact *pool;
      const gchar *bound;

      if (is_hostdev_pool (net) && owner_of_pool (b, net))
        continue;

      sw = g_new0 (VmnetSwitchInfo, 1);
      sw->name = g_strdup (net->name);
      sw->switch_type = switch_type_for (net->forward_mode);
      sw->forward_mode = g_strdup (net->forward_mode ? net->forward_mode : "none");
      sw->active = net->active;

      pool = is_hostdev_pool (net) ? net : pool_of_switch (b, net);
      bound = bound_adapter_of (b, net);
      if (!bound && pool)
        bound = pool->pf_dev;
      sw->net_adapter_name = g_strdup (bound);
      if (bound)
        {
          VmnetPfInfo *pf = g_hash_table_lookup (b->pf_by_name, bound);
          sw->net_adapter_interface_description =
            pf ? g_strdup (pf->interface_description) : description_of_netdev (b, bound);
          if (pf && !pf->switch_name)
            pf->switch_name = g_strdup (sw->name);
        }
      if (pool)
        {
          fill_iov (b, sw, pool);
          sw->pool_active = pool->active;
        }
      if (bound)
        {
          VmnetPfInfo *pf = g_hash_table_lookup (b->pf_by_name, bound);
          sw->adapter_aggregate = g_strdup (g_hash_table_lookup (facts->aggregate_kinds, bound));
          sw->adapter_members = g_strdup (g_hash_table_lookup (facts->aggregate_members, bound));
          sw->adapter_sriov_capable = pf != NULL;
          sw->adapter_num_vfs = pf ? pf->num_vfs : 0;
          /* No node device for it, but its running pool lists VFs of it. */
          if (!pf && pool && sw->iov_virtual_function_count > 0)
            {
              sw->adapter_sriov_capable = TRUE;
              sw->adapter_num_vfs = sw->iov_virtual_function_count;
            }
          sw->adapter_link_state = g_strdup (pf ? pf->link_state : NULL);
        }

      g_ptr_array_add (model->switches, sw);
    }
}

/* The switch an interface is plugged into, in Hyper-V's terms. */
static gchar *
switch_name_for (Builder *b, const VmnetIfaceFact *iface)
{
  if (iface->network)
    {
      const VmnetNetworkFact *net = g_hash_table_lookup (b->networks_by_name, iface->network);
      const VmnetNetworkFact *owner = net && is_hostdev_pool (net) ? owner_of_pool (b, net) : NULL;
      return g_strdup (owner ? owner->name : iface->network);
    }
  if (iface->hostdev_address)
    {
      VmnetPfInfo *pf = g_hash_table_lookup (b->pf_by_vf, iface->hostdev_address);
      return pf ? g_strdup (pf->switch_name) : NULL;
    }
  return NULL;
}

static VmnetSoftwarePath
software_path_of (Builder *b, const VmnetIfaceFact *iface)
{
  const VmnetNetworkFact *net;

  if (g_strcmp0 (iface->type, "bridge") == 0)
    return VMNET_SOFTWARE_PATH_BRIDGE;
  if (g_strcmp0 (iface->type, "direct") == 0)
    return VMNET_SOFTWARE_PATH_MACVTAP;
  net = iface->network ? g_hash_table_lookup (b->networks_by_name, iface->network) : NULL;
  if (!net || is_hostdev_pool (net))
    return VMNET_SOFTWARE_PATH_UNKNOWN;
  if (net->bridge || !net->forward_mode || g_str_equal (net->forward_mode, "nat") ||
      g_str_equal (net->forward_mode, "route") || g_str_equal (net->forward_mode, "open"))
    return VMNET_SOFTWARE_PATH_BRIDGE;
  return net->forward_devs->len > 0 ? VMNET_SOFTWARE_PATH_MACVTAP : VMNET_SOFTWARE_PATH_UNKNOWN;
}

static VmnetPortVlanFact *
port_facts_copy (const VmnetPortVlanFact *f)
{
  VmnetPortVlanFact *copy = vmnet_port_vlan_fact_new ();

  *copy = *f;
  copy->name = g_strdup (f->name);
  copy->bridge = g_strdup (f->bridge);
  return copy;
}

static const VmnetAdapterSettingsFact *
settings_for (const VmnetDomainFact *d, const gchar *mac)
{
  if (!mac)
    return NULL;
  for (guint i = 0; i < d->settings->len; i++)
    {
      const VmnetAdapterSettingsFact *s = g_ptr_array_index (d->settings, i);
      if (s->mac && g_ascii_strcasecmp (s->mac, mac) == 0)
        return s;
    }
  return NULL;
}

static const VmnetIfaceFact *
teamed_vf_of (const VmnetDomainFact *d, const VmnetIfaceFact *iface)
{
  if (!iface->alias)
    return NULL;
  for (guint i = 0; i < d->interfaces->len; i++)
    {
      const VmnetIfaceFact *other = g_ptr_array_index (d->interfaces, i);
      if (is_teamed_vf (other) && other->hostdev_address &&
          g_strcmp0 (other->teaming_persistent, iface->alias) == 0)
        return other;
    }
  return NULL;
}

/* The bandwidth that holds on the software path: the interface's own, else
 * its portgroup's (the network's default one without a portgroup), else the
 * network's. */
static void
bandwidth_of (Builder *b, const VmnetIfaceFact *iface, VmnetAdapterInfo *a)
{
  const VmnetNetworkFact *net = iface->network ? g_hash_table_lookup (b->networks_by_name, iface->network) : NULL;

  if (iface->bandwidth.set)
    {
      a->bandwidth = iface->bandwidth;
      a->bandwidth_source = g_strdup ("the interface");
      return;
    }
  if (!net)
    return;
  for (guint i = 0; i < net->portgroups->len; i++)
    {
      const VmnetPortgroupFact *pg = g_ptr_array_index (net->portgroups, i);
      if (iface->portgroup ? g_strcmp0 (pg->name, iface->portgroup) == 0 : pg->is_default)
        {
          if (pg->bandwidth.set)
            {
              a->bandwidth = pg->bandwidth;
              a->bandwidth_source = g_strdup_printf ("portgroup '%s' of network '%s'", pg->name, net->name);
              return;
            }
          break;
        }
    }
  if (net->bandwidth.set)
    {
      a->bandwidth = net->bandwidth;
      a->bandwidth_source = g_strdup_printf ("network '%s'", net->name);
    }
}

static void
build_vms (Builder *b, VmnetModel *model)
{
  const VmnetHostFacts *facts = b->facts;

  for (guint i = 0; i < facts->domains->len; i++)
    {
      VmnetDomainFact *d = g_ptr_array_index (facts->domains, i);
      gboolean running = d->state == VMNET_VM_STATE_RUNNING || d->state == VMNET_VM_STATE_PAUSED;
      VmnetVmInfo *vm = g_new0 (VmnetVmInfo, 1);
      guint index = 0;

      vm->name = g_strdup (d->name);
      vm->uuid = g_strdup (d->uuid);
      vm->state = d->state;
      vm->scope = g_strdup (d->scope);
      vm->adapters = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_adapter_info_free);

      for (guint j = 0; j < d->interfaces->len; j++)
        {
          const VmnetIfaceFact *iface = g_ptr_array_index (d->interfaces, j);
          const VmnetAdapterSettingsFact *s;
          const VmnetIfaceFact *vf_iface;
          const gchar *vf_address = NULL;
          VmnetAdapterInfo *a;

          if (is_teamed_vf (iface))
            continue;

          a = g_new0 (VmnetAdapterInfo, 1);
          a->vm_name = g_strdup (d->name);
          a->vm_uuid = g_strdup (d->uuid);
          a->name = adapter_name_for (iface, index++);
          a->mac_address = g_strdup (iface->mac);
          a->switch_name = switch_name_for (b, iface);
          a->model = g_strdup (iface->model ? iface->model : (g_strcmp0 (iface->type, "hostdev") == 0 ? "hostdev" : NULL));
          a->failover_ready = g_strcmp0 (iface->model, "virtio") == 0 &&
                              iface->teaming == VMNET_TEAMING_PERSISTENT && iface->alias != NULL;

          s = settings_for (d, iface->mac);
          a->iov_weight = s ? s->iov_weight : 0;
          a->iov_queue_pairs_requested = s ? s->iov_queue_pairs_requested : 1;
          a->iov_interrupt_moderation = s ? s->iov_interrupt_moderation : VMNET_IOV_INTERRUPT_MODERATION_DEFAULT;
          if (s)
            {
              a->allow_teaming = s->allow_teaming;
              a->router_guard = s->router_guard;
              a->dhcp_guard = s->dhcp_guard;
              a->mac_address_spoofing = s->mac_address_spoofing;
              a->vlan_id = s->vlan_id;
            }
          a->vm_state = d->state;
          a->pcie_ports = running ? d->pcie_ports : -1;
          a->pcie_ports_free = running ? d->pcie_ports_free : -1;
          a->guest_vf = VMNET_TERNARY_UNKNOWN;
          a->filter = g_strdup (iface->filter);
          a->software_path = software_path_of (b, iface);
          a->link_down = iface->link_down;
          bandwidth_of (b, iface, a);
          a->vf_spoof_check = VMNET_TERNARY_UNKNOWN;
          a->vf_max_tx_rate = -1;
          if (running && iface->target_dev)
            {
              const VmnetPortVlanFact *port = facts->ports ? g_hash_table_lookup (facts->ports, iface->target_dev)
                                                           : NULL;
              a->port = g_strdup (iface->target_dev);
              a->port_read = facts->ports != NULL;
              if (port)
                a->port_facts = port_facts_copy (port);
            }
          if (s)
            a->last_error = g_strdup (s->last_error);
          if (s && s->error)
            a->settings_error = g_strdup (s->error);
          else if (d->metadata_error)
            a->settings_error = g_strdup (d->metadata_error);

          if (running)
            {
              vf_iface = teamed_vf_of (d, iface);
              if (vf_iface)
                {
                  vf_address = vf_iface->hostdev_address;
                  a->vf_alias = g_strdup (vf_iface->alias);
                  a->vf_vlan_id = vf_iface->vlan_id;
                }
              else if (iface->hostdev_address)
                vf_address = iface->hostdev_address;
            }
          if (vf_address)
            {
              VmnetVfInfo *vf = g_hash_table_lookup (b->vf_by_address, vf_address);
              const GHashTable *irqs = facts->host_facts && facts->probe ? facts->probe->vfio_irq_devices : NULL;

              a->vf_plugged = TRUE;
              /* QEMU keeps a failover VF hidden until the guest's virtio-net
               * driver negotiates failover; a guest that has it enables the
               * VF's interrupts, which vfio registers on the host. */
              if (irqs)
                {
                  g_autofree gchar *lower = g_ascii_strdown (vf_address, -1);
                  a->guest_vf = g_hash_table_contains ((GHashTable *) irqs, lower) ? VMNET_TERNARY_TRUE
                                                                                   : VMNET_TERNARY_FALSE;
                }
              a->iov_usage = a->guest_vf == VMNET_TERNARY_TRUE ? 1 : 0;
              a->virtual_function = g_strdup (vf_address);
              a->iov_queue_pairs_assigned = vmnet_queue_pairs_of_vectors (vf ? vf->msix_count : -1);
              if (vf)
                {
                  a->vf_spoof_check = vf->spoof_check;
                  a->vf_max_tx_rate = vf->max_tx_rate;
                  a->vf_link_state = g_strdup (vf->link_state);
                }
            }
          g_ptr_array_add (vm->adapters, a);
        }
      g_ptr_array_add (model->vms, vm);
    }
}

static gint
compare_pf (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 ((*(VmnetPfInfo **) a)->name, (*(VmnetPfInfo **) b)->name);
}

static gint
compare_switch (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 ((*(VmnetSwitchInfo **) a)->name, (*(VmnetSwitchInfo **) b)->name);
}

static gint
compare_vm (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 ((*(VmnetVmInfo **) a)->name, (*(VmnetVmInfo **) b)->name);
}

VmnetModel *
vmnet_model_build (const VmnetHostFacts *facts)
{
  VmnetModel *model = vmnet_model_new ();
  Builder b = { .facts = facts };

  b.pci_by_address = g_hash_table_new (g_str_hash, g_str_equal);
  b.pci_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  b.netdevs_by_parent = g_hash_table_new (g_str_hash, g_str_equal);
  b.networks_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  b.vf_uses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) vf_use_free);
  b.pf_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  b.pf_by_vf = g_hash_table_new (g_str_hash, g_str_equal);
  b.vf_by_address = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < facts->pci->len; i++)
    {
      VmnetPciFact *pci = g_ptr_array_index (facts->pci, i);
      if (pci->address)
        g_hash_table_insert (b.pci_by_address, pci->address, pci);
      if (pci->name)
        g_hash_table_insert (b.pci_by_name, pci->name, pci);
    }
  for (guint i = 0; i < facts->netdevs->len; i++)
    {
      VmnetNetdevFact *net = g_ptr_array_index (facts->netdevs, i);
      if (net->parent && !g_hash_table_contains (b.netdevs_by_parent, net->parent))
        g_hash_table_insert (b.netdevs_by_parent, net->parent, net);
    }
  for (guint i = 0; i < facts->networks->len; i++)
    {
      VmnetNetworkFact *net = g_ptr_array_index (facts->networks, i);
      g_hash_table_insert (b.networks_by_name, net->name, net);
    }

  collect_vf_uses (&b);
  build_pfs (&b, model);
  build_switches (&b, model);
  build_vms (&b, model);

  g_ptr_array_sort (model->pfs, compare_pf);
  g_ptr_array_sort (model->switches, compare_switch);
  g_ptr_array_sort (model->vms, compare_vm);
  vmnet_diagnose (facts, model);

  g_hash_table_unref (b.pci_by_address);
  g_hash_table_unref (b.pci_by_name);
  g_hash_table_unref (b.netdevs_by_parent);
  g_hash_table_unref (b.networks_by_name);
  g_hash_table_unref (b.vf_uses);
  g_hash_table_unref (b.pf_by_name);
  g_hash_table_unref (b.pf_by_vf);
  g_hash_table_unref (b.vf_by_address);
  return model;
}

/* A VF's MSI-X vectors: one per queue pair, and one for its mailbox and
 * link events. */
guint
vmnet_queue_pairs_of_vectors (gint msix_count)
{
  return msix_count > 1 ? (guint) msix_count - 1 : 1;
}

gint
vmnet_vectors_for_queue_pairs (guint queue_pairs, gint total_msix)
{
  return (gint) MIN ((gint64) queue_pairs + 1, (gint64) total_msix);
}

/* The VF libvirt's pool on @pf hands out next: its first VF no VM holds, in
 * VF order, after @skip others; NULL if none. */
const VmnetVfInfo *
vmnet_pf_next_free_vf (const VmnetPfInfo *pf, guint skip)
{
  for (guint i = 0; pf && i < pf->vfs->len; i++)
    {
      const VmnetVfInfo *vf = g_ptr_array_index (pf->vfs, i);
      if (vf->vm_name)
        continue;
      if (skip-- == 0)
        return vf;
    }
  return NULL;
}
