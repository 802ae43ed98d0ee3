/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The VF planner: which adapters hold a VF (see vmnet-vf-plan-private.h). */

#include "config.h"

#include <string.h>

#include "vmnet-vf-plan-private.h"

gboolean
vmnet_adapter_is_running (const VmnetAdapterInfo *a)
{
  return a->vm_state == VMNET_VM_STATE_RUNNING || a->vm_state == VMNET_VM_STATE_PAUSED;
}

gboolean
vmnet_adapter_wants_vf (const VmnetAdapterInfo *a,
                        gboolean                running,
                        gboolean                switch_iov_enabled,
                        guint                   iov_weight,
                        gboolean                guarded)
{
  return running && switch_iov_enabled && iov_weight > 0 && !guarded && a->failover_ready;
}

/* libvirt's nwfilter that drops frames whose source is not the interface's
 * MAC: what a VF's spoof checking does. */
#define MAC_ONLY_FILTER "no-mac-spoofing"

gboolean
vmnet_filter_is_mac_only (const gchar *filter)
{
  return g_strcmp0 (filter, MAC_ONLY_FILTER) == 0;
}

/* Whether the software path's filter drops frames with another source MAC:
 * no-mac-spoofing, libvirt's clean-traffic (which includes it), or
 * libvmnet's own filters for MacAddressSpoofing off. */
gboolean
vmnet_filter_denies_spoofing (const gchar *filter)
{
  return filter && (vmnet_filter_is_mac_only (filter) || g_str_equal (filter, "clean-traffic") ||
                    g_str_has_prefix (filter, "vmnet-mac-"));
}

/* The refusal kept as the adapter's last error; vmnet_vf_policy_init()
 * reads SETTING back from it. */
gchar *
vmnet_vf_policy_refusal (const gchar *driver, const gchar *setting, guint vf, const gchar *pf, const gchar *message)
{
  return g_strdup_printf ("Driver %s refused %s on VF %u of %s: %s", driver ? driver : "(unknown)", setting, vf,
                          pf, message);
}

static gboolean
refused (const gchar *last_error, const gchar *setting)
{
  g_autofree gchar *needle = g_strdup_printf (" refused %s on VF ", setting);

  return last_error && g_str_has_prefix (last_error, "Driver ") && strstr (last_error, needle) != NULL;
}

/* What a VF needs to hold @a's port policies, and the first one it cannot
 * hold: an nwfilter beyond no-mac-spoofing, an inbound bandwidth limit (a VF
 * has a transmit rate only), or a setting its driver refused while the
 * policy asking for it is still set. RouterGuard and DhcpGuard are the
 * caller's (the guards of the settings). */
void
vmnet_vf_policy_init (VmnetVfPolicy *p, const VmnetAdapterInfo *a)
{
  const VmnetBandwidthFact *bw = &a->bandwidth;
  const gchar *source = a->bandwidth_source ? a->bandwidth_source : "the interface";
  g_autofree gchar *rate = NULL;

  memset (p, 0, sizeof *p);
  /* libvirt's kilobytes per second (1000 bytes) as whole Mbit/s, rounded up. */
  if (bw->out_average > 0)
    p->max_tx_rate = (guint) MIN ((bw->out_average * 8 + 999) / 1000, G_MAXUINT32);
  p->spoof_check = !a->allow_teaming && (!a->mac_address_spoofing || vmnet_filter_denies_spoofing (a->filter));
  p->link_down = a->link_down;
  rate = g_strdup_printf ("max_tx_rate %u Mbit/s", p->max_tx_rate);

  if (a->filter && !vmnet_filter_is_mac_only (a->filter) && !g_str_has_prefix (a->filter, "vmnet-"))
    {
      p->blocked = g_strdup_printf ("nwfilter '%s': its rules hold on the software path only, a VF's traffic "
                                    "bypasses them (only '" MAC_ONLY_FILTER "' maps to the VF's spoof checking)",
                                    a->filter);
      p->blocked_fix = g_strdup_printf ("If the VM is trusted, remove <filterref filter='%s'/> from the adapter's "
                                        "interface (virsh edit %s), or use '" MAC_ONLY_FILTER "'; or keep the "
                                        "software path (--iov-weight 0)", a->filter, a->vm_name);
    }
  else if (bw->inbound)
    {
      p->blocked = g_strdup_printf ("inbound bandwidth of %s: a VF has no receive limit, so traffic to the VM "
                                    "over the VF bypasses it", source);
      p->blocked_fix = g_strdup_printf ("Remove <inbound> from the <bandwidth> of %s (an outbound average maps "
                                        "to the VF's max_tx_rate), or keep the software path (--iov-weight 0)",
                                        source);
    }
  else if ((p->max_tx_rate > 0 && refused (a->last_error, rate)) ||
           refused (a->last_error, p->spoof_check ? "spoofchk on" : "spoofchk off") ||
           (p->link_down && refused (a->last_error, "link_state disable")))
    {
      p->refused = TRUE;
      p->blocked = g_strdup (a->last_error);
      p->blocked_fix = g_strdup ("Change the policy that needs this setting, or use an adapter whose driver "
                                 "supports it; the VF is tried again when the policy changes");
    }
}

void
vmnet_vf_policy_clear (VmnetVfPolicy *p)
{
  g_clear_pointer (&p->blocked, g_free);
  g_clear_pointer (&p->blocked_fix, g_free);
}

/* What the held VF of @a carries unlike @p, as its PF reports it; NULL when
 * it matches or the host cannot tell. */
gchar *
vmnet_vf_policy_mismatch (const VmnetVfPolicy *p, const VmnetAdapterInfo *a)
{
  g_autoptr(GString) s = g_string_new (NULL);

  if (a->vf_max_tx_rate >= 0 && (guint) a->vf_max_tx_rate != p->max_tx_rate)
    g_string_append_printf (s, "%smax_tx_rate %d Mbit/s, not %u", s->len ? "; " : "", a->vf_max_tx_rate,
                            p->max_tx_rate);
  if (a->vf_spoof_check != VMNET_TERNARY_UNKNOWN && (a->vf_spoof_check == VMNET_TERNARY_TRUE) != p->spoof_check)
    g_string_append_printf (s, "%sspoofchk %s, not %s", s->len ? "; " : "",
                            a->vf_spoof_check == VMNET_TERNARY_TRUE ? "on" : "off", p->spoof_check ? "on" : "off");
  if (a->vf_link_state && (g_strcmp0 (a->vf_link_state, "disable") == 0) != p->link_down)
    g_string_append_printf (s, "%slink_state %s, not %s", s->len ? "; " : "", a->vf_link_state,
                            p->link_down ? "disable" : "auto");
  return s->len ? g_string_free (g_steal_pointer (&s), FALSE) : NULL;
}

void
vmnet_vf_step_free (VmnetVfStep *step)
{
  if (!step)
    return;
  vmnet_vf_policy_clear (&step->policy);
  g_free (step->key);
  g_free (step->vm_name);
  g_free (step->vm_uuid);
  g_free (step->adapter_name);
  g_free (step->mac);
  g_free (step->switch_name);
  g_free (step->pool);
  g_free (step->vf_alias);
  g_free (step->virtual_function);
  g_free (step->last_error);
  g_free (step->reason);
  g_free (step->vectors_vf);
  g_free (step);
}

static VmnetVfStep *
step_new (VmnetVfStepKind kind, const VmnetAdapterInfo *a, const gchar *key)
{
  VmnetVfStep *step = g_new0 (VmnetVfStep, 1);

  step->kind = kind;
  step->key = g_strdup (key);
  step->vm_name = g_strdup (a->vm_name);
  step->vm_uuid = g_strdup (a->vm_uuid);
  step->adapter_name = g_strdup (a->name);
  step->mac = g_strdup (a->mac_address);
  step->switch_name = g_strdup (a->switch_name);
  step->vf_alias = g_strdup (a->vf_alias);
  step->virtual_function = g_strdup (a->virtual_function);
  step->vlan_id = a->vlan_id;
  step->allow_teaming = a->allow_teaming;
  step->had_teaming = a->allow_teaming;
  step->iov_weight = a->iov_weight;
  step->last_error = g_strdup (a->last_error);
  vmnet_vf_policy_init (&step->policy, a);
  return step;
}

typedef struct {
  const VmnetAdapterInfo *adapter;
  const VmnetSwitchInfo  *sw;
  gchar                  *key;
  gint64                  since;
  gboolean                news;
} Candidate;

static void
candidate_free (Candidate *c)
{
  g_free (c->key);
  g_free (c);
}

static gint
candidate_compare (gconstpointer pa, gconstpointer pb)
{
  const Candidate *a = *(const Candidate **) pa;
  const Candidate *b = *(const Candidate **) pb;
  gint c;

  if (a->adapter->iov_weight != b->adapter->iov_weight)
    return a->adapter->iov_weight > b->adapter->iov_weight ? -1 : 1;
  if (a->since != b->since)
    return a->since < b->since ? -1 : 1;
  c = g_strcmp0 (a->adapter->vm_name, b->adapter->vm_name);
  return c ? c : g_strcmp0 (a->adapter->name, b->adapter->name);
}

static gchar *
adapter_key (const VmnetAdapterInfo *a)
{
  return g_strdup_printf ("%s/%s", a->vm_uuid, a->mac_address);
}

/* VFs a switch can still give: -1 when the host cannot tell (remote, test
 * driver, or no VFs seen: a restarted libvirtd lists node devices and pool
 * connections late, and an attempt libvirt refuses costs little). */
static gint
free_vfs (const VmnetSwitchInfo *sw)
{
  if (sw->iov_virtual_function_count == 0)
    return -1;
  return MAX (sw->iov_virtual_function_count - sw->iov_virtual_functions_in_use, 0);
}

static const VmnetSwitchInfo *
find_switch (const VmnetModel *model, const gchar *name)
{
  for (guint i = 0; name && i < model->switches->len; i++)
    {
      const VmnetSwitchInfo *sw = g_ptr_array_index (model->switches, i);
      if (g_strcmp0 (sw->name, name) == 0)
        return sw;
    }
  return NULL;
}

static const VmnetPfInfo *
find_pf (const VmnetModel *model, const gchar *name)
{
  for (guint i = 0; name && i < model->pfs->len; i++)
    {
      const VmnetPfInfo *pf = g_ptr_array_index (model->pfs, i);
      if (g_strcmp0 (pf->name, name) == 0)
        return pf;
    }
  return NULL;
}

/* Where the PF shares out MSI-X vectors (sriov_vf_total_msix), the VF the
 * pool will hand out (the @skip-th free one) gets the vectors for
 * @queue_pairs before libvirt binds it; one queue pair means the device's
 * default (0). @vectors is -1 when there is nothing to do. */
void
vmnet_plan_vectors (const VmnetPfInfo *pf, guint skip, guint queue_pairs, gchar **vf_address, gint *vectors)
{
  const VmnetVfInfo *vf;
  gint want;

  *vf_address = NULL;
  *vectors = -1;
  if (!pf || pf->vf_total_msix <= 0 || !(vf = vmnet_pf_next_free_vf (pf, skip)) || !vf->pci_address ||
      vf->msix_count < 0)
    return;
  want = queue_pairs > 1 ? vmnet_vectors_for_queue_pairs (queue_pairs, pf->vf_total_msix) : 0;
  if (want == vf->msix_count)
    return;
  *vf_address = g_strdup (vf->pci_address);
  *vectors = want;
}

static VmnetAdapterMemory *
memory_get (GHashTable *memory, const gchar *key)
{
  VmnetAdapterMemory *m = g_hash_table_lookup (memory, key);

  if (!m)
    {
      m = g_new0 (VmnetAdapterMemory, 1);
      g_hash_table_insert (memory, g_strdup (key), m);
    }
  return m;
}

/* A VF's MSI-X vectors are set before it is plugged: a held VF whose
 * vectors do not give the queue pairs just asked for is plugged again. */
static gboolean
vectors_differ (const VmnetModel *model, const VmnetSwitchInfo *sw, const VmnetAdapterInfo *a)
{
  const VmnetPfInfo *pf = find_pf (model, sw->iov_pf);

  return a->iov_queue_pairs_requested > 1 && pf && pf->vf_total_msix > 0 &&
         a->iov_queue_pairs_assigned !=
           vmnet_queue_pairs_of_vectors (vmnet_vectors_for_queue_pairs (a->iov_queue_pairs_requested,
                                                                        pf->vf_total_msix));
}

static void
free_count_add (GHashTable *free_count, const VmnetSwitchInfo *sw, gint delta)
{
  gint n;

  if (!sw || !sw->iov_enabled)
    return;
  n = GPOINTER_TO_INT (g_hash_table_lookup (free_count, sw->name));
  if (n >= 0)
    g_hash_table_insert (free_count, sw->name, GINT_TO_POINTER (MAX (n + delta, 0)));
}

/* Returns: (element-type VmnetVfStep): the detaches, then attaches and waits
 * in rank order, for the adapters @scope covers (all others still count for
 * the ranking). @memory (key → VmnetAdapterMemory) is updated: waiting times
 * start, entries of adapters that no longer want a VF go. */
GPtrArray *
vmnet_vf_plan (const VmnetModel       *model,
               const VmnetVfPlanScope *scope,
               GHashTable             *memory,
               guint                   generation,
               gint64                  now)
{
  GPtrArray *steps = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_vf_step_free);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
  g_autoptr(GHashTable) free_count = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) attaching = g_hash_table_new (g_str_hash, g_str_equal);   /* switch -> attaches so far */
  g_autoptr(GHashTable) ports_taken = g_hash_table_new (g_str_hash, g_str_equal);  /* VM uuid -> PCIe ports */
  const gchar *only_vm_uuid = scope ? scope->vm_uuid : NULL;

  for (guint i = 0; i < model->switches->len; i++)
    {
      const VmnetSwitchInfo *sw = g_ptr_array_index (model->switches, i);
      if (sw->iov_enabled)
        g_hash_table_insert (free_count, sw->name, GINT_TO_POINTER (free_vfs (sw)));
    }

  for (guint i = 0; i < model->vms->len; i++)
    {
      const VmnetVmInfo *vm = g_ptr_array_index (model->vms, i);

      for (guint j = 0; j < vm->adapters->len; j++)
        {
          const VmnetAdapterInfo *before = g_ptr_array_index (vm->adapters, j);
          const VmnetAdapterInfo *a = before;
          const VmnetSwitchInfo *sw;
          gboolean mine = !only_vm_uuid || g_strcmp0 (only_vm_uuid, before->vm_uuid) == 0;
          gboolean changed = FALSE;
          gboolean want, has;
          g_autofree gchar *key = NULL;
          const gchar *replug = NULL;
          g_autofree gchar *replug_reason = NULL;
          g_autofree gchar *mismatch = NULL;
          g_auto(VmnetVfPolicy) policy = { 0 };

          if (!before->mac_address || !before->vm_uuid || g_strcmp0 (before->model, "hostdev") == 0)
            continue;
          if (scope && scope->changed && g_strcmp0 (scope->changed->vm_uuid, before->vm_uuid) == 0 &&
              g_strcmp0 (scope->changed->mac_address, before->mac_address) == 0)
            {
              a = scope->changed;
              changed = TRUE;
            }
          sw = find_switch (model, a->switch_name);
          key = adapter_key (a);
          vmnet_vf_policy_clear (&policy);
          vmnet_vf_policy_init (&policy, a);
          want = vmnet_adapter_wants_vf (a, vmnet_adapter_is_running (a) || (mine && only_vm_uuid && scope->vm_running),
                                         sw && sw->iov_enabled, a->iov_weight,
                                         a->router_guard || a->dhcp_guard || policy.blocked);
          has = a->vf_plugged && a->vf_alias != NULL;
          g_hash_table_add (seen, g_strdup (key));

          /* Settings a VF only gets when it is plugged: another value, another plug. */
          if (has && want && mine)
            {
              if (a->vf_vlan_id != a->vlan_id)
                replug_reason = g_strdup_printf ("VLAN %d set, the VF carries %d", a->vlan_id, a->vf_vlan_id);
              else if (changed && scope->queue_pairs_changed && vectors_differ (model, sw, a))
                replug_reason = g_strdup_printf ("IovQueuePairsRequested %u set, the VF has %u",
                                                 a->iov_queue_pairs_requested, a->iov_queue_pairs_assigned);
              replug = replug_reason;
              /* Settings a held VF takes at any time: the port policies. */
              if (!replug && (mismatch = vmnet_vf_policy_mismatch (&policy, a)))
                {
                  VmnetVfStep *step = step_new (VMNET_VF_STEP_POLICY, a, key);

                  step->reason = g_strdup_printf ("the VF carries %s", mismatch);
                  g_ptr_array_add (steps, step);
                }
            }
          if (replug)
            {
              VmnetVfStep *step = step_new (VMNET_VF_STEP_DETACH, a, key);

              step->had_teaming = before->allow_teaming;
              step->reason = g_steal_pointer (&replug_reason);
              g_ptr_array_add (steps, step);
              free_count_add (free_count, sw, 1);
              has = FALSE;
            }

          if (has && !want)
            {
              if (mine)
                {
                  VmnetVfStep *step = step_new (VMNET_VF_STEP_DETACH, a, key);

                  step->had_teaming = before->allow_teaming;
                  step->reason = g_strdup (!vmnet_adapter_is_running (a) && !(only_vm_uuid && scope->vm_running)
                                           ? "VM not running"
                                           : a->iov_weight == 0 ? "IovWeight 0"
                                           : (a->router_guard || a->dhcp_guard) ? "RouterGuard or DhcpGuard on"
                                           : policy.blocked ? "a port policy the VF cannot hold"
                                           : !a->failover_ready ? "adapter not ready for failover"
                                           : "switch not in SR-IOV mode");
                  if (policy.blocked && vmnet_adapter_is_running (a) && a->iov_weight > 0)
                    {
                      g_free (step->reason);
                      step->reason = g_strdup_printf ("port policy %s", policy.blocked);
                    }
                  g_ptr_array_add (steps, step);
                  free_count_add (free_count, find_switch (model, before->switch_name), 1);
                }
              g_hash_table_remove (memory, key);
            }
          else if (want && !has)
            {
              VmnetAdapterMemory *m = memory_get (memory, key);
              Candidate *c;

              if (m->failed_generation == generation && generation != 0 && m->failed_weight == a->iov_weight)
                continue;   /* failed already, and nothing has changed since */
              c = g_new0 (Candidate, 1);
              if (!m->waiting_since)
                {
                  m->waiting_since = now;
                  c->news = TRUE;
                }
              c->adapter = a;
              c->sw = sw;
              c->key = g_steal_pointer (&key);
              c->since = m->waiting_since;
              g_ptr_array_add (candidates, c);
            }
          else if (!want)
            g_hash_table_remove (memory, key);
        }
    }

  g_ptr_array_sort (candidates, candidate_compare);
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = g_ptr_array_index (candidates, i);
      gint n = GPOINTER_TO_INT (g_hash_table_lookup (free_count, c->sw->name));
      gboolean mine = !only_vm_uuid || g_strcmp0 (only_vm_uuid, c->adapter->vm_uuid) == 0;
      guint taken = GPOINTER_TO_UINT (g_hash_table_lookup (ports_taken, c->adapter->vm_uuid));
      VmnetVfStep *step;

      /* A q35 VM takes a hot-plugged VF only in an empty PCIe port: without
       * one the attach would fail, so it is not tried. */
      if (c->adapter->pcie_ports >= 0 && (gint) taken >= c->adapter->pcie_ports_free)
        {
          if (!mine)
            continue;
          step = step_new (VMNET_VF_STEP_WAIT, c->adapter, c->key);
          step->pool = g_strdup (c->sw->iov_pool_name);
          step->news = c->news;
          step->reason = g_strdup_printf ("No free PCIe port in VM '%s' for a hot-plugged VF (add pcie-root-port "
                                          "controllers to its definition)", c->adapter->vm_name);
          g_ptr_array_add (steps, step);
          continue;
        }
      if (n != 0)
        g_hash_table_insert (ports_taken, (gpointer) c->adapter->vm_uuid, GUINT_TO_POINTER (taken + 1));

      if (n > 0)
        g_hash_table_insert (free_count, c->sw->name, GINT_TO_POINTER (n - 1));
      if (!mine)
        continue;
      step = step_new (n != 0 ? VMNET_VF_STEP_ATTACH : VMNET_VF_STEP_WAIT, c->adapter, c->key);
      step->pool = g_strdup (c->sw->iov_pool_name);
      step->news = c->news;
      if (n != 0)
        {
          guint k = GPOINTER_TO_UINT (g_hash_table_lookup (attaching, c->sw->name));
          vmnet_plan_vectors (find_pf (model, c->sw->iov_pf), k, c->adapter->iov_queue_pairs_requested,
                              &step->vectors_vf, &step->vectors);
          g_hash_table_insert (attaching, c->sw->name, GUINT_TO_POINTER (k + 1));
        }
      if (n != 0)
        step->reason = g_strdup_printf ("IovWeight %u, rank %u on switch '%s'", c->adapter->iov_weight, i + 1,
                                        c->sw->name);
      else
        step->reason = g_strdup_printf ("No free VF on switch '%s' (%d of %d in use); IovWeight %u waits",
                                        c->sw->name, c->sw->iov_virtual_functions_in_use,
                                        c->sw->iov_virtual_function_count, c->adapter->iov_weight);
      g_ptr_array_add (steps, step);
    }

  /* Forget adapters that are gone (only a full pass sees them all). */
  if (!only_vm_uuid)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, memory);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (seen, key))
          g_hash_table_iter_remove (&iter);
    }

  return steps;
}

/* Returns: (element-type VmnetVfStep): a detach for every VF @vm holds,
 * before a state change that saves its hardware state (save, checkpoint,
 * migration): a VF's state cannot be saved. */
GPtrArray *
vmnet_vf_plan_release (const VmnetVmInfo *vm, const gchar *reason)
{
  GPtrArray *steps = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_vf_step_free);

  for (guint i = 0; i < vm->adapters->len; i++)
    {
      const VmnetAdapterInfo *a = g_ptr_array_index (vm->adapters, i);
      g_autofree gchar *key = NULL;
      VmnetVfStep *step;

      if (!a->vf_plugged || !a->vf_alias || !a->mac_address)
        continue;
      key = adapter_key (a);
      step = step_new (VMNET_VF_STEP_DETACH, a, key);
      step->reason = g_strdup (reason);
      g_ptr_array_add (steps, step);
    }
  return steps;
}

void
vmnet_port_step_free (VmnetPortStep *step)
{
  g_free (step->vm_name);
  g_free (step->adapter_name);
  g_free (step->port);
  g_free (step);
}

/* Returns: (element-type VmnetPortStep): the bridge ports of running
 * adapters (of @only_vm_uuid, or all) that are not yet the access port of
 * their adapter's VLAN, where the kernel's bridge can filter VLANs. A new
 * tap starts in its bridge's default VLAN. */
GPtrArray *
vmnet_plan_port_vlans (const VmnetModel *model, const gchar *only_vm_uuid)
{
  GPtrArray *steps = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_port_step_free);

  for (guint i = 0; i < model->vms->len; i++)
    {
      const VmnetVmInfo *vm = g_ptr_array_index (model->vms, i);

      for (guint j = 0; j < vm->adapters->len; j++)
        {
          const VmnetAdapterInfo *a = g_ptr_array_index (vm->adapters, j);
          const VmnetPortVlanFact *p = a->port_facts;
          VmnetPortStep *step;

          if ((only_vm_uuid && g_strcmp0 (only_vm_uuid, a->vm_uuid) != 0) || !vmnet_adapter_is_running (a) ||
              a->vlan_id <= 0 || a->software_path != VMNET_SOFTWARE_PATH_BRIDGE || !p ||
              p->default_pvid < 0 ||
              (p->pvid == a->vlan_id && p->pvid_untagged && p->n_vlans == 1))
            continue;
          step = g_new0 (VmnetPortStep, 1);
          step->vm_name = g_strdup (a->vm_name);
          step->adapter_name = g_strdup (a->name);
          step->port = g_strdup (a->port);
          step->vlan_id = (guint) a->vlan_id;
          g_ptr_array_add (steps, step);
        }
    }
  return steps;
}
