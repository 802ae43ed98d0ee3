/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who gets a VF: the reconcile planner on hand-made models. */
#include <string.h>

#include "vmnet-vf-plan-private.h"

typedef struct {
  VmnetModel *model;
  GHashTable *memory;
} Fixture;

static VmnetSwitchInfo *
add_switch (Fixture *f, const gchar *name, gint vfs, gint in_use)
{
  VmnetSwitchInfo *sw = g_new0 (VmnetSwitchInfo, 1);

  sw->name = g_strdup (name);
  sw->iov_enabled = TRUE;
  sw->iov_pool_name = g_strconcat (name, "-iov", NULL);
  sw->adapter_sriov_capable = vfs >= 0;
  sw->iov_virtual_function_count = MAX (vfs, 0);
  sw->iov_virtual_functions_in_use = in_use;
  g_ptr_array_add (f->model->switches, sw);
  return sw;
}

/* One VM per adapter, named after it; uuid "u-NAME", MAC "m-NAME". */
static VmnetAdapterInfo *
add_adapter (Fixture *f, const gchar *vm, const gchar *sw, guint weight)
{
  VmnetVmInfo *v = NULL;
  VmnetAdapterInfo *a = g_new0 (VmnetAdapterInfo, 1);

  for (guint i = 0; i < f->model->vms->len; i++)
    if (g_str_equal (((VmnetVmInfo *) g_ptr_array_index (f->model->vms, i))->name, vm))
      v = g_ptr_array_index (f->model->vms, i);
  if (!v)
    {
      v = g_new0 (VmnetVmInfo, 1);
      v->name = g_strdup (vm);
      v->uuid = g_strconcat ("u-", vm, NULL);
      v->state = VMNET_VM_STATE_RUNNING;
      v->adapters = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_adapter_info_free);
      g_ptr_array_add (f->model->vms, v);
    }
  a->vm_name = g_strdup (vm);
  a->vm_uuid = g_strdup (v->uuid);
  a->name = g_strdup_printf ("net%u", v->adapters->len);
  a->mac_address = g_strdup_printf ("m-%s-%u", vm, v->adapters->len);
  a->switch_name = g_strdup (sw);
  a->model = g_strdup ("virtio");
  a->failover_ready = TRUE;
  a->pcie_ports = -1;       /* a pc machine: VFs go on its PCI root bus */
  a->pcie_ports_free = -1;
  a->iov_weight = weight;
  a->vlan_id = 0;
  a->vm_state = v->state;
  /* As the model builder leaves them without the host's netlink. */
  a->vf_spoof_check = VMNET_TERNARY_UNKNOWN;
  a->vf_max_tx_rate = -1;
  g_ptr_array_add (v->adapters, a);
  return a;
}

static void
give_vf (VmnetAdapterInfo *a, const gchar *address)
{
  a->vf_plugged = TRUE;
  a->iov_usage = 1;
  a->virtual_function = g_strdup (address);
  a->vf_alias = g_strconcat ("ua-", a->name, "-vf", NULL);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->model = vmnet_model_new ();
  f->memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  vmnet_model_unref (f->model);
  g_hash_table_unref (f->memory);
}

/* "KIND:VM" for each step, space separated. */
static gchar *
describe (GPtrArray *steps)
{
  GString *s = g_string_new (NULL);
  static const gchar *kinds[] = { "detach", "attach", "wait", "policy" };

  for (guint i = 0; i < steps->len; i++)
    {
      VmnetVfStep *step = g_ptr_array_index (steps, i);
      g_string_append_printf (s, "%s%s:%s", i ? " " : "", kinds[step->kind], step->vm_name);
    }
  return g_string_free (s, FALSE);
}

static gchar *
plan (Fixture *f, const gchar *only_vm, guint generation, gint64 now)
{
  VmnetVfPlanScope scope = { only_vm };
  g_autoptr(GPtrArray) steps = vmnet_vf_plan (f->model, &scope, f->memory, generation, now);
  return describe (steps);
}

static void
test_weight_wins (Fixture *f, gconstpointer data)
{
  g_autofree gchar *got = NULL;

  add_switch (f, "sw", 4, 2);
  add_adapter (f, "low", "sw", 10);
  add_adapter (f, "high", "sw", 100);
  add_adapter (f, "mid", "sw", 50);
  got = plan (f, NULL, 1, 1000);
  g_assert_cmpstr (got, ==, "attach:high attach:mid wait:low");
}

/* A q35 VM takes as many hot-plugged VFs as it has empty PCIe ports; the
 * rest wait, without an attach that would fail, and leave the VF to others. */
static void
test_pcie_ports_limit_attaches (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) steps = NULL;
  g_autofree gchar *got = NULL;
  VmnetAdapterInfo *a, *b;

  add_switch (f, "sw", 4, 0);
  a = add_adapter (f, "q35", "sw", 100);
  b = add_adapter (f, "q35", "sw", 90);
  add_adapter (f, "other", "sw", 10);
  a->pcie_ports = b->pcie_ports = 2;
  a->pcie_ports_free = b->pcie_ports_free = 1;
  got = plan (f, NULL, 1, 1000);
  g_assert_cmpstr (got, ==, "attach:q35 wait:q35 attach:other");
  steps = vmnet_vf_plan (f->model, NULL, f->memory, 1, 2000);
  g_assert_nonnull (strstr (((VmnetVfStep *) g_ptr_array_index (steps, 1))->reason, "No free PCIe port in VM 'q35'"));
}

static void
test_ties_go_to_longest_waiting (Fixture *f, gconstpointer data)
{
  g_autofree gchar *first = NULL, *second = NULL;
  VmnetAdapterMemory *m;

  add_switch (f, "sw", 2, 2);
  add_adapter (f, "b-early", "sw", 50);
  first = plan (f, NULL, 1, 1000);
  g_assert_cmpstr (first, ==, "wait:b-early");
  /* "a-late" sorts first by name but started waiting later. */
  add_adapter (f, "a-late", "sw", 50);
  ((VmnetSwitchInfo *) g_ptr_array_index (f->model->switches, 0))->iov_virtual_functions_in_use = 1;
  second = plan (f, NULL, 1, 2000);
  g_assert_cmpstr (second, ==, "attach:b-early wait:a-late");
  m = g_hash_table_lookup (f->memory, "u-a-late/m-a-late-0");
  g_assert_nonnull (m);
  g_assert_cmpint (m->waiting_since, ==, 2000);
}

static void
test_waiting_reported_once (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) first = NULL, second = NULL;

  add_switch (f, "sw", 1, 1);
  add_adapter (f, "vm", "sw", 50);
  first = vmnet_vf_plan (f->model, NULL, f->memory, 1, 1000);
  second = vmnet_vf_plan (f->model, NULL, f->memory, 1, 2000);
  g_assert_cmpuint (first->len, ==, 1);
  g_assert_cmpuint (second->len, ==, 1);
  g_assert_true (((VmnetVfStep *) g_ptr_array_index (first, 0))->news);
  g_assert_false (((VmnetVfStep *) g_ptr_array_index (second, 0))->news);
}

static void
test_no_preemption (Fixture *f, gconstpointer data)
{
  g_autofree gchar *got = NULL;

  add_switch (f, "sw", 1, 1);
  give_vf (add_adapter (f, "holder", "sw", 1), "0000:01:10.0");
  add_adapter (f, "heavy", "sw", 100);
  got = plan (f, NULL, 1, 1000);
  g_assert_cmpstr (got, ==, "wait:heavy");
}

static void
test_freed_vf_handed_on_in_same_pass (Fixture *f, gconstpointer data)
{
  g_autofree gchar *got = NULL;
  VmnetAdapterInfo *a;

  add_switch (f, "sw", 1, 1);
  a = add_adapter (f, "giver", "sw", 0);
  give_vf (a, "0000:01:10.0");
  add_adapter (f, "taker", "sw", 30);
  got = plan (f, NULL, 1, 1000);
  g_assert_cmpstr (got, ==, "detach:giver attach:taker");
}

static void
test_policies_and_state (Fixture *f, gconstpointer data)
{
  g_autofree gchar *got = NULL;
  VmnetAdapterInfo *a;

  add_switch (f, "sw", 8, 0);
  a = add_adapter (f, "guarded", "sw", 100);
  a->dhcp_guard = TRUE;
  give_vf (a, "0000:01:10.0");
  a = add_adapter (f, "nofailover", "sw", 100);
  a->failover_ready = FALSE;
  a = add_adapter (f, "paused", "sw", 100);
  a->vm_state = VMNET_VM_STATE_PAUSED;
  a = add_adapter (f, "off", "sw", 100);
  a->vm_state = VMNET_VM_STATE_OFF;
  add_adapter (f, "plain", "nat", 100);
  got = plan (f, NULL, 1, 1000);
  g_assert_cmpstr (got, ==, "detach:guarded attach:paused");
}

static void
test_failed_attach_waits_for_change (Fixture *f, gconstpointer data)
{
  g_autofree gchar *first = NULL, *same = NULL, *changed = NULL, *reweighted = NULL;
  VmnetAdapterMemory *m;

  add_switch (f, "sw", 4, 0);
  add_adapter (f, "vm", "sw", 50);
  first = plan (f, NULL, 7, 1000);
  g_assert_cmpstr (first, ==, "attach:vm");
  m = g_hash_table_lookup (f->memory, "u-vm/m-vm-0");
  g_assert_nonnull (m);
  m->failed_generation = 7;
  m->failed_weight = 50;
  same = plan (f, NULL, 7, 2000);
  g_assert_cmpstr (same, ==, "");
  changed = plan (f, NULL, 8, 3000);
  g_assert_cmpstr (changed, ==, "attach:vm");
  m->failed_generation = 8;
  ((VmnetAdapterInfo *) g_ptr_array_index (((VmnetVmInfo *) g_ptr_array_index (f->model->vms, 0))->adapters, 0))->iov_weight = 60;
  reweighted = plan (f, NULL, 8, 4000);
  g_assert_cmpstr (reweighted, ==, "attach:vm");
}

static void
test_unknown_pool_size (Fixture *f, gconstpointer data)
{
  g_autofree gchar *got = NULL, *none_seen = NULL;

  add_switch (f, "remote", -1, 0);
  add_adapter (f, "a", "remote", 10);
  add_adapter (f, "b", "remote", 20);
  got = plan (f, NULL, 1, 1000);
  g_assert_cmpstr (got, ==, "attach:b attach:a");
  /* A local PF with no VFs seen (e.g. libvirtd just restarted): libvirt decides too. */
  add_switch (f, "local", 0, 0);
  add_adapter (f, "c", "local", 5);
  g_hash_table_remove_all (f->memory);
  none_seen = plan (f, "u-c", 1, 2000);
  g_assert_cmpstr (none_seen, ==, "attach:c");
}

static void
test_one_vm_keeps_global_order (Fixture *f, gconstpointer data)
{
  g_autofree gchar *got = NULL;

  add_switch (f, "sw", 2, 1);
  add_adapter (f, "other", "sw", 90);
  add_adapter (f, "mine", "sw", 10);
  got = plan (f, "u-mine", 1, 1000);
  /* The only free VF goes to the heavier adapter, on its own pass. */
  g_assert_cmpstr (got, ==, "wait:mine");
  g_assert_true (g_hash_table_contains (f->memory, "u-other/m-other-0"));
}

static void
test_forgets_gone_adapters (Fixture *f, gconstpointer data)
{
  VmnetAdapterMemory *stale = g_new0 (VmnetAdapterMemory, 1);
  g_autoptr(GPtrArray) steps = NULL;

  stale->waiting_since = 5;
  g_hash_table_insert (f->memory, g_strdup ("u-gone/m-gone-0"), stale);
  add_switch (f, "sw", 1, 1);
  add_adapter (f, "here", "sw", 10);
  steps = vmnet_vf_plan (f->model, NULL, f->memory, 1, 1000);
  g_assert_false (g_hash_table_contains (f->memory, "u-gone/m-gone-0"));
  g_assert_true (g_hash_table_contains (f->memory, "u-here/m-here-0"));
  g_assert_cmpuint (steps->len, ==, 1);
  g_assert_cmpint (((VmnetVfStep *) g_ptr_array_index (steps, 0))->kind, ==, VMNET_VF_STEP_WAIT);
  g_assert_cmpstr (((VmnetVfStep *) g_ptr_array_index (steps, 0))->pool, ==, "sw-iov");
}

static void
test_vlan_change_replugs_vf (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) steps = NULL;
  g_autofree gchar *got = NULL;
  VmnetAdapterInfo *a;

  add_switch (f, "sw", 2, 2);
  a = add_adapter (f, "tagged", "sw", 50);
  give_vf (a, "0000:01:10.0");
  a->vf_vlan_id = 10;
  a->vlan_id = 20;
  add_adapter (f, "other", "sw", 10);    /* waits: the freed VF is the replugged adapter's */
  steps = vmnet_vf_plan (f->model, NULL, f->memory, 1, 1000);
  got = describe (steps);
  g_assert_cmpstr (got, ==, "detach:tagged attach:tagged wait:other");
  g_assert_cmpstr (((VmnetVfStep *) g_ptr_array_index (steps, 0))->reason, ==, "VLAN 20 set, the VF carries 10");
  g_assert_cmpint (((VmnetVfStep *) g_ptr_array_index (steps, 1))->vlan_id, ==, 20);

  /* Same VLAN on both: nothing to do. */
  a->vf_vlan_id = 20;
  g_clear_pointer (&got, g_free);
  got = plan (f, NULL, 1, 2000);
  g_assert_cmpstr (got, ==, "wait:other");
}

/* Policies only the software path can hold keep the VF off; the ones a VF
 * holds (outbound bandwidth, no-mac-spoofing) do not. */
static void
test_unenforceable_policies (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) steps = NULL;
  g_autofree gchar *got = NULL;
  VmnetAdapterInfo *a;
  VmnetVfStep *step;

  add_switch (f, "sw", 8, 1);
  a = add_adapter (f, "filtered", "sw", 100);
  a->filter = g_strdup ("clean-traffic");
  give_vf (a, "0000:01:10.0");
  a = add_adapter (f, "inbound", "sw", 100);
  a->bandwidth.set = a->bandwidth.inbound = TRUE;
  a->bandwidth_source = g_strdup ("portgroup 'slow' of network 'sw'");
  a = add_adapter (f, "macfilter", "sw", 90);
  a->filter = g_strdup ("no-mac-spoofing");
  a = add_adapter (f, "limited", "sw", 80);
  a->bandwidth.set = TRUE;
  a->bandwidth.out_average = 1000;     /* KB/s: 8 Mbit/s */
  steps = vmnet_vf_plan (f->model, NULL, f->memory, 1, 1000);
  got = describe (steps);
  g_assert_cmpstr (got, ==, "detach:filtered attach:macfilter attach:limited");
  step = g_ptr_array_index (steps, 0);
  g_assert_true (g_str_has_prefix (step->reason, "port policy nwfilter 'clean-traffic'"));
  step = g_ptr_array_index (steps, 1);
  g_assert_true (step->policy.spoof_check);
  g_assert_cmpuint (step->policy.max_tx_rate, ==, 0);
  g_assert_null (step->policy.blocked);
  step = g_ptr_array_index (steps, 2);
  g_assert_cmpuint (step->policy.max_tx_rate, ==, 8);
}

/* Spoof checking: off with MacAddressSpoofing or AllowTeaming, on while the
 * software path's filter drops spoofed frames (the paths agree); the rate
 * rounds up to whole Mbit/s. */
static void
test_vf_policy_values (Fixture *f, gconstpointer data)
{
  VmnetAdapterInfo *a;
  g_auto(VmnetVfPolicy) p = { 0 };

  add_switch (f, "sw", 8, 0);
  a = add_adapter (f, "vm", "sw", 100);
  vmnet_vf_policy_init (&p, a);
  g_assert_true (p.spoof_check);
  g_assert_false (p.link_down);
  a->mac_address_spoofing = TRUE;
  vmnet_vf_policy_init (&p, a);
  g_assert_false (p.spoof_check);
  a->filter = g_strdup ("no-mac-spoofing");
  vmnet_vf_policy_init (&p, a);
  g_assert_true (p.spoof_check);
  a->allow_teaming = TRUE;
  vmnet_vf_policy_init (&p, a);
  g_assert_false (p.spoof_check);
  a->bandwidth.set = TRUE;
  a->bandwidth.out_average = 1;        /* 8 kbit/s: the VF's least, 1 Mbit/s */
  a->link_down = TRUE;
  vmnet_vf_policy_init (&p, a);
  g_assert_cmpuint (p.max_tx_rate, ==, 1);
  g_assert_true (p.link_down);
  a->bandwidth.out_average = 125000;   /* exactly 1000 Mbit/s */
  vmnet_vf_policy_init (&p, a);
  g_assert_cmpuint (p.max_tx_rate, ==, 1000);
  g_assert_null (p.blocked);
  vmnet_vf_policy_clear (&p);
}

/* A held VF whose settings differ from the policies gets a policy step; one
 * that matches, or whose settings the host cannot read, gets none. */
static void
test_policy_step_on_change (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) steps = NULL;
  g_autofree gchar *got = NULL;
  VmnetAdapterInfo *a;
  VmnetVfStep *step;

  add_switch (f, "sw", 2, 1);
  a = add_adapter (f, "vm", "sw", 50);
  give_vf (a, "0000:01:10.0");
  got = plan (f, NULL, 1, 1000);
  g_assert_cmpstr (got, ==, "");
  a->vf_spoof_check = VMNET_TERNARY_TRUE;
  a->vf_max_tx_rate = 0;
  a->vf_link_state = g_strdup ("auto");
  g_clear_pointer (&got, g_free);
  got = plan (f, NULL, 1, 1000);
  g_assert_cmpstr (got, ==, "");
  a->mac_address_spoofing = TRUE;
  a->bandwidth.set = TRUE;
  a->bandwidth.out_average = 2500;
  a->link_down = TRUE;
  steps = vmnet_vf_plan (f->model, NULL, f->memory, 1, 2000);
  g_clear_pointer (&got, g_free);
  got = describe (steps);
  g_assert_cmpstr (got, ==, "policy:vm");
  step = g_ptr_array_index (steps, 0);
  g_assert_cmpstr (step->reason, ==, "the VF carries max_tx_rate 0 Mbit/s, not 20; spoofchk on, not off; "
                                     "link_state auto, not disable");
  g_assert_cmpuint (step->policy.max_tx_rate, ==, 20);
  g_assert_false (step->policy.spoof_check);
  g_assert_true (step->policy.link_down);
}

/* A setting the driver refused keeps the VF off while the policy asking for
 * it stays; another value is tried again. */
static void
test_refused_setting (Fixture *f, gconstpointer data)
{
  g_autofree gchar *refusal = vmnet_vf_policy_refusal ("igb", "max_tx_rate 8 Mbit/s", 0, "enp1s0",
                                                       "Invalid input data or parameter");
  g_autofree gchar *got = NULL;
  g_auto(VmnetVfPolicy) p = { 0 };
  VmnetAdapterInfo *a;

  g_assert_cmpstr (refusal, ==, "Driver igb refused max_tx_rate 8 Mbit/s on VF 0 of enp1s0: Invalid input data or "
                                "parameter");
  add_switch (f, "sw", 2, 0);
  a = add_adapter (f, "vm", "sw", 50);
  a->bandwidth.set = TRUE;
  a->bandwidth.out_average = 1000;
  a->last_error = g_strdup (refusal);
  vmnet_vf_policy_init (&p, a);
  g_assert_true (p.refused);
  g_assert_cmpstr (p.blocked, ==, refusal);
  got = plan (f, NULL, 1, 1000);
  g_assert_cmpstr (got, ==, "");
  a->bandwidth.out_average = 2000;
  g_clear_pointer (&got, g_free);
  got = plan (f, NULL, 1, 1000);
  g_assert_cmpstr (got, ==, "attach:vm");
}

static VmnetPortVlanFact *
port (const gchar *name, gint pvid, guint n_vlans, gboolean untagged)
{
  VmnetPortVlanFact *p = vmnet_port_vlan_fact_new ();

  p->name = g_strdup (name);
  p->bridge = g_strdup ("br0");
  p->pvid = pvid;
  p->n_vlans = n_vlans;
  p->pvid_untagged = untagged;
  p->vlan_filtering = VMNET_TERNARY_FALSE;
  p->default_pvid = 1;
  return p;
}

static void
test_port_vlans (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) all = NULL, one = NULL;
  GString *got = g_string_new (NULL);
  struct { const gchar *vm; gint vlan; VmnetSoftwarePath path; VmnetPortVlanFact *p; } cases[] = {
    { "fresh", 10, VMNET_SOFTWARE_PATH_BRIDGE, port ("vnet0", 1, 1, TRUE) },     /* new tap: default VLAN */
    { "done", 10, VMNET_SOFTWARE_PATH_BRIDGE, port ("vnet1", 10, 1, TRUE) },
    { "extra", 10, VMNET_SOFTWARE_PATH_BRIDGE, port ("vnet2", 10, 2, TRUE) },    /* also in another VLAN */
    { "tagged", 10, VMNET_SOFTWARE_PATH_BRIDGE, port ("vnet3", 10, 1, FALSE) },  /* egress tagged */
    { "untagged", 0, VMNET_SOFTWARE_PATH_BRIDGE, port ("vnet4", 1, 1, TRUE) },
    { "macvtap", 10, VMNET_SOFTWARE_PATH_MACVTAP, port ("macvtap0", 0, 0, FALSE) },
    { "unseen", 10, VMNET_SOFTWARE_PATH_BRIDGE, NULL },                          /* remote host */
    { "nokernel", 10, VMNET_SOFTWARE_PATH_BRIDGE, port ("vnet5", 0, 0, FALSE) }, /* no bridge VLANs */
  };

  cases[G_N_ELEMENTS (cases) - 1].p->default_pvid = -1;

  add_switch (f, "sw", 0, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      VmnetAdapterInfo *a = add_adapter (f, cases[i].vm, "sw", 0);
      a->vlan_id = cases[i].vlan;
      a->software_path = cases[i].path;
      a->port_facts = cases[i].p;
      a->port = cases[i].p ? g_strdup (cases[i].p->name) : NULL;
    }
  all = vmnet_plan_port_vlans (f->model, NULL);
  for (guint i = 0; i < all->len; i++)
    {
      VmnetPortStep *step = g_ptr_array_index (all, i);
      g_string_append_printf (got, "%s%s:%s=%u", i ? " " : "", step->vm_name, step->port, step->vlan_id);
    }
  g_assert_cmpstr (got->str, ==, "fresh:vnet0=10 extra:vnet2=10 tagged:vnet3=10");
  g_string_free (got, TRUE);

  one = vmnet_plan_port_vlans (f->model, "u-extra");
  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpstr (((VmnetPortStep *) g_ptr_array_index (one, 0))->vm_name, ==, "extra");
}

static VmnetPfInfo *
add_pf (Fixture *f, VmnetSwitchInfo *sw, gint total_msix, guint n_vfs)
{
  VmnetPfInfo *pf = g_new0 (VmnetPfInfo, 1);

  pf->name = g_strdup ("enp1s0");
  pf->vf_total_msix = total_msix;
  pf->vfs = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_vf_info_free);
  for (guint i = 0; i < n_vfs; i++)
    {
      VmnetVfInfo *vf = g_new0 (VmnetVfInfo, 1);
      vf->function_id = (gint) i;
      vf->pci_address = g_strdup_printf ("0000:01:10.%u", i);
      vf->msix_count = 3;
      g_ptr_array_add (pf->vfs, vf);
    }
  g_ptr_array_add (f->model->pfs, pf);
  g_free (sw->iov_pf);
  sw->iov_pf = g_strdup (pf->name);
  return pf;
}

static void
test_vectors (Fixture *f, gconstpointer data)
{
  VmnetSwitchInfo *sw = add_switch (f, "sw", 3, 1);
  VmnetPfInfo *pf = add_pf (f, sw, 64, 3);
  g_autoptr(GPtrArray) steps = NULL;
  g_autofree gchar *vf = NULL;
  gint vectors;
  struct { guint skip, queue_pairs; const gchar *vf; gint vectors; } cases[] = {
    { 0, 4, "0000:01:10.1", 5 },     /* one per queue pair, one for the mailbox */
    { 1, 4, "0000:01:10.2", 5 },     /* the second attach of a pass gets the next free VF */
    { 2, 4, NULL, -1 },              /* no third free VF */
    { 0, 1, "0000:01:10.1", 0 },     /* one queue pair: the device's default */
    { 0, 2, NULL, -1 },              /* 3 vectors already */
    { 0, 100, "0000:01:10.1", 64 },  /* no more than the PF shares out */
  };

  ((VmnetVfInfo *) g_ptr_array_index (pf->vfs, 0))->vm_name = g_strdup ("holder");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      vmnet_plan_vectors (pf, cases[i].skip, cases[i].queue_pairs, &vf, &vectors);
      g_assert_cmpstr (vf, ==, cases[i].vf);
      g_assert_cmpint (vectors, ==, cases[i].vectors);
      g_clear_pointer (&vf, g_free);
    }
  g_assert_cmpuint (vmnet_queue_pairs_of_vectors (5), ==, 4);
  g_assert_cmpuint (vmnet_queue_pairs_of_vectors (1), ==, 1);
  g_assert_cmpuint (vmnet_queue_pairs_of_vectors (-1), ==, 1);

  /* A PF that does not share out vectors (sriov_vf_total_msix 0 or absent). */
  pf->vf_total_msix = 0;
  vmnet_plan_vectors (pf, 0, 4, &vf, &vectors);
  g_assert_null (vf);
  pf->vf_total_msix = 64;

  /* The planner: each attach of a pass is given the VF the pool hands out for it. */
  add_adapter (f, "a", "sw", 90)->iov_queue_pairs_requested = 4;
  add_adapter (f, "b", "sw", 50)->iov_queue_pairs_requested = 8;
  steps = vmnet_vf_plan (f->model, NULL, f->memory, 1, 1000);
  g_assert_cmpuint (steps->len, ==, 2);
  g_assert_cmpstr (((VmnetVfStep *) g_ptr_array_index (steps, 0))->vectors_vf, ==, "0000:01:10.1");
  g_assert_cmpint (((VmnetVfStep *) g_ptr_array_index (steps, 0))->vectors, ==, 5);
  g_assert_cmpstr (((VmnetVfStep *) g_ptr_array_index (steps, 1))->vectors_vf, ==, "0000:01:10.2");
  g_assert_cmpint (((VmnetVfStep *) g_ptr_array_index (steps, 1))->vectors, ==, 9);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/vmnet/vf-plan/pcie-ports-limit-attaches", test_pcie_ports_limit_attaches);
  ADD ("/vmnet/vf-plan/weight-wins", test_weight_wins);
  ADD ("/vmnet/vf-plan/ties-go-to-longest-waiting", test_ties_go_to_longest_waiting);
  ADD ("/vmnet/vf-plan/waiting-reported-once", test_waiting_reported_once);
  ADD ("/vmnet/vf-plan/no-preemption", test_no_preemption);
  ADD ("/vmnet/vf-plan/freed-vf-handed-on", test_freed_vf_handed_on_in_same_pass);
  ADD ("/vmnet/vf-plan/policies-and-state", test_policies_and_state);
  ADD ("/vmnet/vf-plan/failed-attach-waits-for-change", test_failed_attach_waits_for_change);
  ADD ("/vmnet/vf-plan/unknown-pool-size", test_unknown_pool_size);
  ADD ("/vmnet/vf-plan/one-vm-keeps-global-order", test_one_vm_keeps_global_order);
  ADD ("/vmnet/vf-plan/forgets-gone-adapters", test_forgets_gone_adapters);
  ADD ("/vmnet/vf-plan/vlan-change-replugs-vf", test_vlan_change_replugs_vf);
  ADD ("/vmnet/vf-plan/port-vlans", test_port_vlans);
  ADD ("/vmnet/vf-plan/vectors", test_vectors);
  ADD ("/vmnet/vf-plan/unenforceable-policies", test_unenforceable_policies);
  ADD ("/vmnet/vf-plan/vf-policy-values", test_vf_policy_values);
  ADD ("/vmnet/vf-plan/policy-step-on-change", test_policy_step_on_change);
  ADD ("/vmnet/vf-plan/refused-setting", test_refused_setting);
  return g_test_run ();
}
