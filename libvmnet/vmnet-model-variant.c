/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The model as one GVariant and back: the wire format of vmnetd's
 * Host.GetModel (doc/dbus.md), every field of every record.
 *
 * Made to be written and read fast and to stay small: every string once,
 * in a table, and the records as arrays of fixed-size tuples of numbers
 * (string k of the table as k + 1, 0 for none), each array written from
 * and read into C structs of the same layout in one copy. A record's
 * children (a PF's VFs, a VM's adapters, checks, status descriptions) are
 * a range of the next array, the ranges following each other in order. */
#include "config.h"

#include <string.h>

#include "vmnet-model-private.h"
#include "vmnet-diagnose-private.h"
#include "vmnet-host-private.h"
#include "vmnet-error.h"
#include "vmnet-enum-types.h"

/* Each struct is laid out as GVariant lays out its tuple: 8-byte members
 * first, then 4-byte ones, padded to the tuple's alignment. */

#define CHECK_TYPE "(iiuuu)"
typedef struct {
  gint32  code;
  gint32  result;
  guint32 title;
  guint32 message;
  guint32 fix;
} WireCheck;

#define VF_TYPE "(uiuiuuiiiuiiuui)"
typedef struct {
  guint32 net_adapter_name;
  gint32  function_id;
  guint32 pci_address;
  gint32  iommu_group;
  guint32 driver;
  guint32 mac_address;
  gint32  vlan_id;
  gint32  spoof_check;
  gint32  trust;
  guint32 link_state;
  gint32  max_tx_rate;
  gint32  min_tx_rate;
  guint32 vm_name;
  guint32 vm_adapter_name;
  gint32  msix_count;
} WireVf;

#define PF_TYPE "(xuuuuuuiiiuiiuu)"
typedef struct {
  gint64  link_speed;
  guint32 name;
  guint32 interface_description;
  guint32 pci_address;
  guint32 driver;
  guint32 link_state;
  guint32 enabled;
  gint32  max_vfs;
  gint32  num_vfs;
  gint32  allocated_vfs;
  guint32 switch_name;
  gint32  vf_total_msix;
  gint32  configured_num_vfs;
  guint32 first_vf;
  guint32 n_vfs;
} WirePf;

#define SWITCH_TYPE "(uiuuuuuuuiiiiuiuuuuuuu)"
typedef struct {
  guint32 name;
  gint32  switch_type;
  guint32 net_adapter_name;
  guint32 net_adapter_interface_description;
  guint32 forward_mode;
  guint32 active;
  guint32 iov_enabled;
  guint32 iov_pool_name;
  guint32 iov_pf;
  gint32  iov_virtual_function_count;
  gint32  iov_virtual_functions_in_use;
  gint32  iov_queue_pair_count;
  gint32  iov_queue_pairs_in_use;
  guint32 adapter_sriov_capable;
  gint32  adapter_num_vfs;
  guint32 adapter_link_state;
  guint32 adapter_aggregate;
  guint32 adapter_members;
  guint32 iov_count_unknown;
  guint32 pool_active;
  guint32 first_check;
  guint32 n_checks;
} WireSwitch;

#define VM_TYPE "(uuiuuu)"
typedef struct {
  guint32 name;
  guint32 uuid;
  gint32  state;
  guint32 scope;
  guint32 first_adapter;
  guint32 n_adapters;
} WireVm;

#define ADAPTER_TYPE "(tt" "uuuuuuuuuu" "iuuiuuuui" "uuuuu" "ii" "uuuu" "ii" "uuuuuu" "iuu" "iiiiii" "uuuu)"
typedef struct {
  guint64 bandwidth_out_average;
  guint64 bandwidth_out_peak;
  guint32 vm_name;
  guint32 vm_uuid;
  guint32 name;
  guint32 mac_address;
  guint32 switch_name;
  guint32 model;
  guint32 failover_ready;
  guint32 iov_weight;
  guint32 iov_queue_pairs_requested;
  guint32 iov_queue_pairs_assigned;
  gint32  iov_interrupt_moderation;
  guint32 iov_usage;
  guint32 vf_plugged;
  gint32  guest_vf;
  guint32 allow_teaming;
  guint32 router_guard;
  guint32 dhcp_guard;
  guint32 mac_address_spoofing;
  gint32  vlan_id;
  guint32 virtual_function;
  guint32 vf_alias;
  guint32 settings_error;
  guint32 last_error;
  guint32 filter;
  gint32  software_path;
  gint32  vf_vlan_id;
  guint32 bandwidth_set;
  guint32 bandwidth_inbound;
  guint32 bandwidth_source;
  guint32 link_down;
  gint32  vf_spoof_check;
  gint32  vf_max_tx_rate;
  guint32 vf_link_state;
  guint32 port;
  guint32 port_read;
  guint32 port_facts;          /* 1: the port_* below are set */
  guint32 port_name;
  guint32 port_bridge;
  gint32  port_pvid;
  guint32 port_n_vlans;
  guint32 port_pvid_untagged;
  gint32  port_vlan_filtering;
  gint32  port_default_pvid;
  gint32  vm_state;
  gint32  pcie_ports;
  gint32  pcie_ports_free;
  gint32  status;
  guint32 first_check;
  guint32 n_checks;
  guint32 first_description;
  guint32 n_description;       /* NO_STRV: no status description at all */
} WireAdapter;

#define NO_STRV G_MAXUINT32

/* version, strings, PFs, VFs, switches, VMs, adapters, checks, status
 * descriptions (string indexes), the host's checks (first, count). */
#define MODEL_TYPE "(uas" "a" PF_TYPE "a" VF_TYPE "a" SWITCH_TYPE "a" VM_TYPE "a" ADAPTER_TYPE "a" CHECK_TYPE \
                   "auuu)"

G_STATIC_ASSERT (sizeof (MODEL_TYPE) == sizeof (VMNET_MODEL_VARIANT_TYPE));
G_STATIC_ASSERT (sizeof (WireCheck) == 20);
G_STATIC_ASSERT (sizeof (WireVf) == 60);
G_STATIC_ASSERT (sizeof (WirePf) == 64);
G_STATIC_ASSERT (sizeof (WireSwitch) == 88);
G_STATIC_ASSERT (sizeof (WireVm) == 24);
G_STATIC_ASSERT (sizeof (WireAdapter) == 224);

/* Writing */

typedef struct {
  GHashTable *index;     /* string -> its number */
  GPtrArray  *strings;   /* the table, in order */
  GPtrArray  *keep;      /* made-valid copies of strings that were not UTF-8, scoped texts */
  GPtrArray  *rewrites;  /* pairs: a text naming VMs not shown, the same text without them */
  GArray     *pfs, *vfs, *switches, *vms, *adapters, *checks, *descriptions;
} Encoder;

/* The number of @s in the table, added when new. */
static guint32
str (Encoder *enc, const gchar *s)
{
  gpointer k;
  const gchar *v = s;

  if (!s)
    return 0;
  k = g_hash_table_lookup (enc->index, s);
  if (k)
    return GPOINTER_TO_UINT (k);
  /* GVariant takes valid UTF-8 only (a kernel log line may not be). */
  if (!g_utf8_validate (s, -1, NULL))
    {
      v = g_utf8_make_valid (s, -1);
      g_ptr_array_add (enc->keep, (gpointer) v);
    }
  g_ptr_array_add (enc->strings, (gpointer) v);
  g_hash_table_insert (enc->index, (gpointer) s, GUINT_TO_POINTER (enc->strings->len));
  return enc->strings->len;
}

/* The number of @s with every text of enc->rewrites in it replaced. */
static guint32
scoped_str (Encoder *enc, const gchar *s)
{
  g_autoptr(GString) out = NULL;

  for (guint i = 0; s && enc->rewrites && i < enc->rewrites->len; i += 2)
    {
      const gchar *from = g_ptr_array_index (enc->rewrites, i);

      if (!strstr (out ? out->str : s, from))
        continue;
      if (!out)
        out = g_string_new (s);
      g_string_replace (out, from, g_ptr_array_index (enc->rewrites, i + 1), 0);
    }
  if (!out)
    return str (enc, s);
  g_ptr_array_add (enc->keep, g_string_free (g_steal_pointer (&out), FALSE));
  return str (enc, g_ptr_array_index (enc->keep, enc->keep->len - 1));
}

/* A new zeroed record at the end of @array (padding stays zero: normal form). */
static gpointer
append (GArray *array)
{
  g_array_set_size (array, array->len + 1);
  return array->data + (gsize) (array->len - 1) * g_array_get_element_size (array);
}

static void
add_checks (Encoder *enc, GPtrArray *checks, guint32 *first, guint32 *n)
{
  *first = enc->checks->len;
  *n = checks ? checks->len : 0;
  for (guint i = 0; checks && i < checks->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (checks, i);
      WireCheck *w = append (enc->checks);

      w->code = vmnet_iov_check_get_code (c);
      w->result = vmnet_iov_check_get_result (c);
      w->title = str (enc, vmnet_iov_check_get_title (c));
      w->message = scoped_str (enc, vmnet_iov_check_get_message (c));
      w->fix = scoped_str (enc, vmnet_iov_check_get_fix (c));
    }
}

static void
add_pf (Encoder *enc, const VmnetPfInfo *pf, const VmnetModelFilter *filter, GHashTable *shown_vms)
{
  WirePf *w = append (enc->pfs);
  guint32 first_vf = enc->vfs->len;

  w->link_speed = pf->link_speed;
  w->name = str (enc, pf->name);
  w->interface_description = str (enc, pf->interface_description);
  w->pci_address = str (enc, pf->pci_address);
  w->driver = str (enc, pf->driver);
  w->link_state = str (enc, pf->link_state);
  w->enabled = pf->enabled != FALSE;
  w->max_vfs = pf->max_vfs;
  w->num_vfs = pf->num_vfs;
  w->allocated_vfs = pf->allocated_vfs;
  /* A switch left out is not named by its adapter either. */
  if (!filter->switches || (pf->switch_name && g_hash_table_contains (filter->switches, pf->switch_name)))
    w->switch_name = str (enc, pf->switch_name);
  w->vf_total_msix = pf->vf_total_msix;
  w->configured_num_vfs = pf->configured_num_vfs;
  for (guint i = 0; pf->vfs && i < pf->vfs->len; i++)
    {
      const VmnetVfInfo *vf = g_ptr_array_index (pf->vfs, i);
      /* A VM left out is not named by its VF either. */
      gboolean named = !shown_vms || (vf->vm_name && g_hash_table_contains (shown_vms, vf->vm_name));
      WireVf *v;

      if (filter->devices && !(vf->pci_address && g_hash_table_contains (filter->devices, vf->pci_address)))
        continue;
      v = append (enc->vfs);

      v->net_adapter_name = str (enc, vf->net_adapter_name);
      v->function_id = vf->function_id;
      v->pci_address = str (enc, vf->pci_address);
      v->iommu_group = vf->iommu_group;
      v->driver = str (enc, vf->driver);
      v->mac_address = str (enc, vf->mac_address);
      v->vlan_id = vf->vlan_id;
      v->spoof_check = vf->spoof_check;
      v->trust = vf->trust;
      v->link_state = str (enc, vf->link_state);
      v->max_tx_rate = vf->max_tx_rate;
      v->min_tx_rate = vf->min_tx_rate;
      v->vm_name = named ? str (enc, vf->vm_name) : 0;
      v->vm_adapter_name = named ? str (enc, vf->vm_adapter_name) : 0;
      v->msix_count = vf->msix_count;
    }
  w->first_vf = first_vf;
  w->n_vfs = enc->vfs->len - first_vf;
}

static void
add_switch (Encoder *enc, const VmnetSwitchInfo *sw)
{
  WireSwitch *w = append (enc->switches);

  w->name = str (enc, sw->name);
  w->switch_type = sw->switch_type;
  w->net_adapter_name = str (enc, sw->net_adapter_name);
  w->net_adapter_interface_description = str (enc, sw->net_adapter_interface_description);
  w->forward_mode = str (enc, sw->forward_mode);
  w->active = sw->active != FALSE;
  w->iov_enabled = sw->iov_enabled != FALSE;
  w->iov_pool_name = str (enc, sw->iov_pool_name);
  w->iov_pf = str (enc, sw->iov_pf);
  w->iov_virtual_function_count = sw->iov_virtual_function_count;
  w->iov_virtual_functions_in_use = sw->iov_virtual_functions_in_use;
  w->iov_queue_pair_count = sw->iov_queue_pair_count;
  w->iov_queue_pairs_in_use = sw->iov_queue_pairs_in_use;
  w->adapter_sriov_capable = sw->adapter_sriov_capable != FALSE;
  w->adapter_num_vfs = sw->adapter_num_vfs;
  w->adapter_link_state = str (enc, sw->adapter_link_state);
  w->adapter_aggregate = str (enc, sw->adapter_aggregate);
  w->adapter_members = str (enc, sw->adapter_members);
  w->iov_count_unknown = str (enc, sw->iov_count_unknown);
  w->pool_active = sw->pool_active != FALSE;
  add_checks (enc, sw->checks, &w->first_check, &w->n_checks);
}

static void
add_adapter (Encoder *enc, const VmnetAdapterInfo *a)
{
  WireAdapter *w = append (enc->adapters);
  const VmnetPortVlanFact *p = a->port_facts;

  w->bandwidth_out_average = a->bandwidth.out_average;
  w->bandwidth_out_peak = a->bandwidth.out_peak;
  w->vm_name = str (enc, a->vm_name);
  w->vm_uuid = str (enc, a->vm_uuid);
  w->name = str (enc, a->name);
  w->mac_address = str (enc, a->mac_address);
  w->switch_name = str (enc, a->switch_name);
  w->model = str (enc, a->model);
  w->failover_ready = a->failover_ready != FALSE;
  w->iov_weight = a->iov_weight;
  w->iov_queue_pairs_requested = a->iov_queue_pairs_requested;
  w->iov_queue_pairs_assigned = a->iov_queue_pairs_assigned;
  w->iov_interrupt_moderation = a->iov_interrupt_moderation;
  w->iov_usage = a->iov_usage;
  w->vf_plugged = a->vf_plugged != FALSE;
  w->guest_vf = a->guest_vf;
  w->allow_teaming = a->allow_teaming != FALSE;
  w->router_guard = a->router_guard != FALSE;
  w->dhcp_guard = a->dhcp_guard != FALSE;
  w->mac_address_spoofing = a->mac_address_spoofing != FALSE;
  w->vlan_id = a->vlan_id;
  w->virtual_function = str (enc, a->virtual_function);
  w->vf_alias = str (enc, a->vf_alias);
  w->settings_error = str (enc, a->settings_error);
  w->last_error = str (enc, a->last_error);
  w->filter = str (enc, a->filter);
  w->software_path = a->software_path;
  w->vf_vlan_id = a->vf_vlan_id;
  w->bandwidth_set = a->bandwidth.set != FALSE;
  w->bandwidth_inbound = a->bandwidth.inbound != FALSE;
  w->bandwidth_source = str (enc, a->bandwidth_source);
  w->link_down = a->link_down != FALSE;
  w->vf_spoof_check = a->vf_spoof_check;
  w->vf_max_tx_rate = a->vf_max_tx_rate;
  w->vf_link_state = str (enc, a->vf_link_state);
  w->port = str (enc, a->port);
  w->port_read = a->port_read != FALSE;
  if (p)
    {
      w->port_facts = 1;
      w->port_name = str (enc, p->name);
      w->port_bridge = str (enc, p->bridge);
      w->port_pvid = p->pvid;
      w->port_n_vlans = p->n_vlans;
      w->port_pvid_untagged = p->pvid_untagged != FALSE;
      w->port_vlan_filtering = p->vlan_filtering;
      w->port_default_pvid = p->default_pvid;
    }
  w->vm_state = a->vm_state;
  w->pcie_ports = a->pcie_ports;
  w->pcie_ports_free = a->pcie_ports_free;
  w->status = a->status;
  w->first_description = enc->descriptions->len;
  w->n_description = a->status_description ? g_strv_length (a->status_description) : NO_STRV;
  for (guint i = 0; a->status_description && a->status_description[i]; i++)
    {
      guint32 k = scoped_str (enc, a->status_description[i]);
      g_array_append_val (enc->descriptions, k);
    }
  /* The checks' array is another one: @w stays where it is. */
  add_checks (enc, a->checks, &w->first_check, &w->n_checks);
}

static GArray *
records (gsize size)
{
  /* Zeroed, and with storage from the start (fixed arrays take a non-NULL pointer). */
  return g_array_sized_new (FALSE, TRUE, size, 16);
}

static GVariant *
fixed (const gchar *type, GArray *array)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE (type), array->data, array->len,
                                    g_array_get_element_size (array));
}

/* The key @filter->vms holds for @vm: its UUID, its name when it has none. */
static const gchar *
vm_key (const VmnetVmInfo *vm)
{
  return vm->uuid ? vm->uuid : vm->name;
}

static gboolean
vm_shown (const VmnetModelFilter *filter, const VmnetVmInfo *vm)
{
  return !filter->vms || (vm_key (vm) && g_hash_table_contains (filter->vms, vm_key (vm)));
}

/* The whole model as one value of type VMNET_MODEL_VARIANT_TYPE, new and
 * not floating; with @filter (NULL: all), only what it holds. A VM left out
 * goes with its adapters, a PF with its VFs; no text written names a VM
 * left out: the VFs it holds name none, and the free-VF fix of a switch
 * (vmnet_diagnose_free_vf_fix()) calls it "another VM" in every check and
 * status description; a PF does not name a switch left out. Counts (VFs in
 * use) stay as they are. */
GVariant *
vmnet_model_to_variant (const VmnetModel *model, const VmnetModelFilter *filter)
{
  static const VmnetModelFilter all = { NULL, NULL, NULL };
  Encoder enc = { 0 };
  g_autoptr(GHashTable) shown_vms = NULL;
  g_autoptr(GPtrArray) rewrites = NULL;
  GVariant *children[11];
  guint32 host_first, host_n;
  GVariant *result;

  g_return_val_if_fail (model != NULL, NULL);

  if (!filter)
    filter = &all;
  if (filter->vms)
    {
      /* By name: what VFs and check texts name a VM by. */
      shown_vms = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < model->vms->len; i++)
        {
          const VmnetVmInfo *vm = g_ptr_array_index (model->vms, i);

          if (vm->name && vm_shown (filter, vm))
            g_hash_table_add (shown_vms, vm->name);
        }
      rewrites = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < model->switches->len; i++)
        {
          const VmnetSwitchInfo *sw = g_ptr_array_index (model->switches, i);
          gchar *whole = vmnet_diagnose_free_vf_fix (model, sw, NULL);
          gchar *scoped = vmnet_diagnose_free_vf_fix (model, sw, shown_vms);

          g_ptr_array_add (rewrites, whole);
          g_ptr_array_add (rewrites, scoped);
          if (g_str_equal (whole, scoped))
            g_ptr_array_set_size (rewrites, rewrites->len - 2);
        }
    }

  enc.index = g_hash_table_new (g_str_hash, g_str_equal);
  enc.strings = g_ptr_array_new ();
  enc.keep = g_ptr_array_new_with_free_func (g_free);
  enc.rewrites = rewrites;
  enc.pfs = records (sizeof (WirePf));
  enc.vfs = records (sizeof (WireVf));
  enc.switches = records (sizeof (WireSwitch));
  enc.vms = records (sizeof (WireVm));
  enc.adapters = records (sizeof (WireAdapter));
  enc.checks = records (sizeof (WireCheck));
  enc.descriptions = records (sizeof (guint32));

  /* Checks in this order: the switches', the adapters', the host's. */
  for (guint i = 0; i < model->switches->len; i++)
    {
      const VmnetSwitchInfo *sw = g_ptr_array_index (model->switches, i);

      if (!filter->switches || (sw->name && g_hash_table_contains (filter->switches, sw->name)))
        add_switch (&enc, sw);
    }
  for (guint i = 0; i < model->vms->len; i++)
    {
      const VmnetVmInfo *vm = g_ptr_array_index (model->vms, i);
      WireVm *w;

      if (!vm_shown (filter, vm))
        continue;
      w = append (enc.vms);
      w->name = str (&enc, vm->name);
      w->uuid = str (&enc, vm->uuid);
      w->state = vm->state;
      w->scope = str (&enc, vm->scope);
      w->first_adapter = enc.adapters->len;
      w->n_adapters = vm->adapters ? vm->adapters->len : 0;
      for (guint j = 0; vm->adapters && j < vm->adapters->len; j++)
        add_adapter (&enc, g_ptr_array_index (vm->adapters, j));
    }
  add_checks (&enc, model->host_checks, &host_first, &host_n);
  for (guint i = 0; i < model->pfs->len; i++)
    {
      const VmnetPfInfo *pf = g_ptr_array_index (model->pfs, i);

      if (!filter->devices || (pf->pci_address && g_hash_table_contains (filter->devices, pf->pci_address)))
        add_pf (&enc, pf, filter, shown_vms);
    }

  children[0] = g_variant_new_uint32 (VMNET_MODEL_VARIANT_VERSION);
  children[1] = g_variant_new_strv ((const gchar *const *) enc.strings->pdata, enc.strings->len);
  children[2] = fixed (PF_TYPE, enc.pfs);
  children[3] = fixed (VF_TYPE, enc.vfs);
  children[4] = fixed (SWITCH_TYPE, enc.switches);
  children[5] = fixed (VM_TYPE, enc.vms);
  children[6] = fixed (ADAPTER_TYPE, enc.adapters);
  children[7] = fixed (CHECK_TYPE, enc.checks);
  children[8] = fixed ("u", enc.descriptions);
  children[9] = g_variant_new_uint32 (host_first);
  children[10] = g_variant_new_uint32 (host_n);
  result = g_variant_ref_sink (g_variant_new_tuple (children, G_N_ELEMENTS (children)));

  g_hash_table_unref (enc.index);
  g_ptr_array_unref (enc.strings);
  g_ptr_array_unref (enc.keep);
  g_array_unref (enc.pfs);
  g_array_unref (enc.vfs);
  g_array_unref (enc.switches);
  g_array_unref (enc.vms);
  g_array_unref (enc.adapters);
  g_array_unref (enc.checks);
  g_array_unref (enc.descriptions);
  return result;
}

/* Reading: every string number, range and enumeration checked, every name
 * a model from vmnet_model_build() always has required. */

typedef struct {
  GError      **error;
  gboolean      failed;
  const gchar **strings;
  gsize         n_strings;
  GEnumClass   *ternary, *switch_type, *moderation, *vm_state, *status, *code, *result;
} Decoder;

static gboolean G_GNUC_PRINTF (2, 3)
fail (Decoder *dec, const gchar *format, ...)
{
  va_list args;
  g_autofree gchar *what = NULL;

  if (dec->failed)
    return FALSE;
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (dec->error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA, "the model's data is malformed: %s", what);
  dec->failed = TRUE;
  return FALSE;
}

/* String @k of the table, a copy; NULL for 0. */
static gchar *
text (Decoder *dec, guint32 k, const gchar *field)
{
  if (k == 0)
    return NULL;
  if (k > dec->n_strings)
    {
      fail (dec, "%s refers to string %u of %zu", field, k, dec->n_strings);
      return NULL;
    }
  return g_strdup (dec->strings[k - 1]);
}

/* @value as a member of the enumeration @klass, or a failure naming @field. */
static gint
enum_value (Decoder *dec, GEnumClass *klass, gint32 value, const gchar *field)
{
  if (!g_enum_get_value (klass, value))
    fail (dec, "%s %d is not one of %s's values (%d to %d)", field, value, G_ENUM_CLASS_TYPE_NAME (klass),
          klass->minimum, klass->maximum);
  return value;
}

static gboolean
required (Decoder *dec, const gchar *value, const gchar *field)
{
  if (!value)
    return fail (dec, "%s is missing", field);
  return TRUE;
}

/* The range [@first, @first + @n) of @what, which must start at *@cursor
 * (the ranges follow each other) and end within @len. */
static gboolean
range (Decoder *dec, guint32 first, guint32 n, gsize *cursor, gsize len, const gchar *what)
{
  if (first != *cursor || n > len - *cursor)
    return fail (dec, "%s %u to %u do not follow the previous ones (%zu of %zu)", what, first, first + n,
                 *cursor, len);
  *cursor += n;
  return TRUE;
}

static GPtrArray *
checks_of (Decoder *dec, const WireCheck *checks, guint32 first, guint32 n, const gchar *owner)
{
  /* @n is within the checks' array (range()). */
  GPtrArray *list = g_ptr_array_new_full (n, (GDestroyNotify) vmnet_iov_check_free);

  for (guint32 i = first; i < first + n && !dec->failed; i++)
    {
      const WireCheck *w = &checks[i];
      g_autofree gchar *title = text (dec, w->title, "a check's title");

      enum_value (dec, dec->code, w->code, "a check's code");
      enum_value (dec, dec->result, w->result, "a check's result");
      if (!title)
        fail (dec, "a check of %s has no title", owner);
      g_ptr_array_add (list, vmnet_iov_check_new (w->code, w->result, title, text (dec, w->message, "a check"),
                                                  text (dec, w->fix, "a check")));
    }
  return list;
}

static VmnetAdapterInfo *
adapter_of (Decoder *dec, const WireAdapter *w, const WireCheck *checks, gsize *check_cursor, gsize n_checks,
            const guint32 *descriptions, gsize *description_cursor, gsize n_descriptions)
{
  VmnetAdapterInfo *a = g_new0 (VmnetAdapterInfo, 1);

  a->vm_name = text (dec, w->vm_name, "an adapter's VM");
  a->vm_uuid = text (dec, w->vm_uuid, "an adapter's VM UUID");
  a->name = text (dec, w->name, "an adapter's name");
  a->mac_address = text (dec, w->mac_address, "an adapter's MAC address");
  a->switch_name = text (dec, w->switch_name, "an adapter's switch");
  a->model = text (dec, w->model, "an adapter's model");
  a->failover_ready = w->failover_ready != 0;
  a->iov_weight = w->iov_weight;
  a->iov_queue_pairs_requested = w->iov_queue_pairs_requested;
  a->iov_queue_pairs_assigned = w->iov_queue_pairs_assigned;
  a->iov_interrupt_moderation = enum_value (dec, dec->moderation, w->iov_interrupt_moderation,
                                            "an adapter's IovInterruptModeration");
  a->iov_usage = w->iov_usage;
  a->vf_plugged = w->vf_plugged != 0;
  a->guest_vf = enum_value (dec, dec->ternary, w->guest_vf, "an adapter's guest VF state");
  a->allow_teaming = w->allow_teaming != 0;
  a->router_guard = w->router_guard != 0;
  a->dhcp_guard = w->dhcp_guard != 0;
  a->mac_address_spoofing = w->mac_address_spoofing != 0;
  a->vlan_id = w->vlan_id;
  a->virtual_function = text (dec, w->virtual_function, "an adapter's VF");
  a->vf_alias = text (dec, w->vf_alias, "an adapter's VF alias");
  a->settings_error = text (dec, w->settings_error, "an adapter's settings error");
  a->last_error = text (dec, w->last_error, "an adapter's last error");
  a->filter = text (dec, w->filter, "an adapter's filter");
  if (w->software_path < VMNET_SOFTWARE_PATH_UNKNOWN || w->software_path > VMNET_SOFTWARE_PATH_MACVTAP)
    fail (dec, "an adapter's software path %d is not 0 (unknown), 1 (bridge) or 2 (macvtap)", w->software_path);
  a->software_path = w->software_path;
  a->vf_vlan_id = w->vf_vlan_id;
  a->bandwidth.set = w->bandwidth_set != 0;
  a->bandwidth.out_average = w->bandwidth_out_average;
  a->bandwidth.out_peak = w->bandwidth_out_peak;
  a->bandwidth.inbound = w->bandwidth_inbound != 0;
  a->bandwidth_source = text (dec, w->bandwidth_source, "an adapter's bandwidth source");
  a->link_down = w->link_down != 0;
  a->vf_spoof_check = enum_value (dec, dec->ternary, w->vf_spoof_check, "an adapter's VF SpoofCheck");
  a->vf_max_tx_rate = w->vf_max_tx_rate;
  a->vf_link_state = text (dec, w->vf_link_state, "an adapter's VF link state");
  a->port = text (dec, w->port, "an adapter's port");
  a->port_read = w->port_read != 0;
  if (w->port_facts)
    {
      VmnetPortVlanFact *p = vmnet_port_vlan_fact_new ();

      p->name = text (dec, w->port_name, "a bridge port's name");
      p->bridge = text (dec, w->port_bridge, "a bridge port's bridge");
      p->pvid = w->port_pvid;
      p->n_vlans = w->port_n_vlans;
      p->pvid_untagged = w->port_pvid_untagged != 0;
      p->vlan_filtering = enum_value (dec, dec->ternary, w->port_vlan_filtering, "a bridge port's VLAN filtering");
      p->default_pvid = w->port_default_pvid;
      a->port_facts = p;
    }
  a->vm_state = enum_value (dec, dec->vm_state, w->vm_state, "an adapter's VM state");
  a->pcie_ports = w->pcie_ports;
  a->pcie_ports_free = w->pcie_ports_free;
  a->status = enum_value (dec, dec->status, w->status, "an adapter's Status");
  if (w->n_description != NO_STRV &&
      range (dec, w->first_description, w->n_description, description_cursor, n_descriptions,
             "status descriptions"))
    {
      a->status_description = g_new0 (gchar *, w->n_description + 1);
      for (guint32 i = 0; i < w->n_description; i++)
        {
          /* A string missing in the middle would end the list early. */
          if (!(a->status_description[i] = text (dec, descriptions[w->first_description + i],
                                                 "a status description")))
            {
              fail (dec, "a status description of adapter '%s' is missing", a->name ? a->name : "?");
              break;
            }
        }
    }
  required (dec, a->name, "a network adapter's name");
  if (range (dec, w->first_check, w->n_checks, check_cursor, n_checks, "checks"))
    a->checks = checks_of (dec, checks, w->first_check, w->n_checks, a->name ? a->name : "a network adapter");
  else
    a->checks = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_iov_check_free);
  return a;
}

/* Each record sorted by name, as vmnet_model_build() sorts them. */
static gboolean
sorted (Decoder *dec, GPtrArray *records_, const gchar *what)
{
  for (guint i = 1; i < records_->len; i++)
    {
      /* name is the first member of every record. */
      const gchar *before = *(const gchar **) g_ptr_array_index (records_, i - 1);
      const gchar *after = *(const gchar **) g_ptr_array_index (records_, i);

      if (g_strcmp0 (before, after) > 0)
        return fail (dec, "the %s are not sorted by name ('%s' before '%s')", what, before, after);
    }
  return TRUE;
}

typedef struct {
  GVariant    *value;
  gconstpointer data;
  gsize         len;
} Fixed;

static void
fixed_get (Fixed *f, GVariant *model, gsize index, gsize size)
{
  f->value = g_variant_get_child_value (model, index);
  f->data = g_variant_get_fixed_array (f->value, &f->len, size);
}

static gboolean
decode (Decoder *dec, GVariant *variant, VmnetModel *model)
{
  g_autoptr(GVariant) strings = g_variant_get_child_value (variant, 1);
  g_autoptr(GVariant) host_first = g_variant_get_child_value (variant, 9);
  g_autoptr(GVariant) host_n = g_variant_get_child_value (variant, 10);
  g_autofree const gchar **table = g_variant_get_strv (strings, &dec->n_strings);
  Fixed pfs, vfs, switches, vms, adapters, checks, descriptions;
  const WirePf *wpf;
  const WireVf *wvf;
  const WireSwitch *wsw;
  const WireVm *wvm;
  gsize vf_cursor = 0, adapter_cursor = 0, check_cursor = 0, description_cursor = 0;

  dec->strings = table;
  fixed_get (&pfs, variant, 2, sizeof (WirePf));
  fixed_get (&vfs, variant, 3, sizeof (WireVf));
  fixed_get (&switches, variant, 4, sizeof (WireSwitch));
  fixed_get (&vms, variant, 5, sizeof (WireVm));
  fixed_get (&adapters, variant, 6, sizeof (WireAdapter));
  fixed_get (&checks, variant, 7, sizeof (WireCheck));
  fixed_get (&descriptions, variant, 8, sizeof (guint32));
  wpf = pfs.data;
  wvf = vfs.data;
  wsw = switches.data;
  wvm = vms.data;

  for (gsize i = 0; i < switches.len && !dec->failed; i++)
    {
      const WireSwitch *w = &wsw[i];
      VmnetSwitchInfo *sw = g_new0 (VmnetSwitchInfo, 1);

      g_ptr_array_add (model->switches, sw);
      sw->name = text (dec, w->name, "a switch's name");
      sw->switch_type = enum_value (dec, dec->switch_type, w->switch_type,
                                    "a switch's SwitchType");
      sw->net_adapter_name = text (dec, w->net_adapter_name, "a switch's adapter");
      sw->net_adapter_interface_description = text (dec, w->net_adapter_interface_description,
                                                    "a switch's adapter description");
      sw->forward_mode = text (dec, w->forward_mode, "a switch's forward mode");
      sw->active = w->active != 0;
      sw->iov_enabled = w->iov_enabled != 0;
      sw->iov_pool_name = text (dec, w->iov_pool_name, "a switch's pool");
      sw->iov_pf = text (dec, w->iov_pf, "a switch's pool PF");
      sw->iov_virtual_function_count = w->iov_virtual_function_count;
      sw->iov_virtual_functions_in_use = w->iov_virtual_functions_in_use;
      sw->iov_queue_pair_count = w->iov_queue_pair_count;
      sw->iov_queue_pairs_in_use = w->iov_queue_pairs_in_use;
      sw->adapter_sriov_capable = w->adapter_sriov_capable != 0;
      sw->adapter_num_vfs = w->adapter_num_vfs;
      sw->adapter_link_state = text (dec, w->adapter_link_state, "a switch's adapter link state");
      sw->adapter_aggregate = text (dec, w->adapter_aggregate, "a switch's adapter aggregate");
      sw->adapter_members = text (dec, w->adapter_members, "a switch's adapter members");
      sw->iov_count_unknown = text (dec, w->iov_count_unknown, "why a switch's VF count is unknown");
      sw->pool_active = w->pool_active != 0;
      required (dec, sw->name, "a switch's name");
      if (range (dec, w->first_check, w->n_checks, &check_cursor, checks.len, "checks"))
        sw->checks = checks_of (dec, checks.data, w->first_check, w->n_checks, sw->name ? sw->name : "a switch");
      else
        sw->checks = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_iov_check_free);
    }

  for (gsize i = 0; i < vms.len && !dec->failed; i++)
    {
      const WireVm *w = &wvm[i];
      VmnetVmInfo *vm = g_new0 (VmnetVmInfo, 1);

      g_ptr_array_add (model->vms, vm);
      vm->name = text (dec, w->name, "a VM's name");
      vm->uuid = text (dec, w->uuid, "a VM's UUID");
      vm->state = enum_value (dec, dec->vm_state, w->state, "a VM's state");
      vm->scope = text (dec, w->scope, "a VM's scope");
      vm->adapters = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_adapter_info_free);
      required (dec, vm->name, "a VM's name");
      if (!range (dec, w->first_adapter, w->n_adapters, &adapter_cursor, adapters.len, "network adapters"))
        break;
      for (guint32 j = w->first_adapter; j < w->first_adapter + w->n_adapters && !dec->failed; j++)
        {
          VmnetAdapterInfo *a = adapter_of (dec, &((const WireAdapter *) adapters.data)[j], checks.data,
                                            &check_cursor, checks.len, descriptions.data, &description_cursor,
                                            descriptions.len);

          g_ptr_array_add (vm->adapters, a);
          if (!dec->failed && g_strcmp0 (a->vm_name, vm->name) != 0)
            fail (dec, "network adapter '%s' is listed under VM '%s' but names VM '%s'", a->name, vm->name,
                  a->vm_name ? a->vm_name : "(none)");
        }
    }

  if (!dec->failed &&
      range (dec, g_variant_get_uint32 (host_first), g_variant_get_uint32 (host_n), &check_cursor, checks.len,
             "checks"))
    {
      g_ptr_array_unref (model->host_checks);
      model->host_checks = checks_of (dec, checks.data, g_variant_get_uint32 (host_first),
                                      g_variant_get_uint32 (host_n), "the host");
    }

  for (gsize i = 0; i < pfs.len && !dec->failed; i++)
    {
      const WirePf *w = &wpf[i];
      VmnetPfInfo *pf = g_new0 (VmnetPfInfo, 1);

      g_ptr_array_add (model->pfs, pf);
      pf->link_speed = w->link_speed;
      pf->name = text (dec, w->name, "a physical adapter's name");
      pf->interface_description = text (dec, w->interface_description, "a physical adapter's description");
      pf->pci_address = text (dec, w->pci_address, "a physical adapter's PCI address");
      pf->driver = text (dec, w->driver, "a physical adapter's driver");
      pf->link_state = text (dec, w->link_state, "a physical adapter's link state");
      pf->enabled = w->enabled != 0;
      pf->max_vfs = w->max_vfs;
      pf->num_vfs = w->num_vfs;
      pf->allocated_vfs = w->allocated_vfs;
      pf->switch_name = text (dec, w->switch_name, "a physical adapter's switch");
      pf->vf_total_msix = w->vf_total_msix;
      pf->configured_num_vfs = w->configured_num_vfs;
      pf->vfs = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_vf_info_free);
      required (dec, pf->name, "a physical adapter's name");
      if (!range (dec, w->first_vf, w->n_vfs, &vf_cursor, vfs.len, "VFs"))
        break;
      for (guint32 j = w->first_vf; j < w->first_vf + w->n_vfs && !dec->failed; j++)
        {
          const WireVf *v = &wvf[j];
          VmnetVfInfo *vf = g_new0 (VmnetVfInfo, 1);

          g_ptr_array_add (pf->vfs, vf);
          vf->net_adapter_name = text (dec, v->net_adapter_name, "a VF's adapter");
          vf->function_id = v->function_id;
          vf->pci_address = text (dec, v->pci_address, "a VF's PCI address");
          vf->iommu_group = v->iommu_group;
          vf->driver = text (dec, v->driver, "a VF's driver");
          vf->mac_address = text (dec, v->mac_address, "a VF's MAC address");
          vf->vlan_id = v->vlan_id;
          vf->spoof_check = enum_value (dec, dec->ternary, v->spoof_check, "a VF's SpoofCheck");
          vf->trust = enum_value (dec, dec->ternary, v->trust, "a VF's Trust");
          vf->link_state = text (dec, v->link_state, "a VF's link state");
          vf->max_tx_rate = v->max_tx_rate;
          vf->min_tx_rate = v->min_tx_rate;
          vf->vm_name = text (dec, v->vm_name, "a VF's VM");
          vf->vm_adapter_name = text (dec, v->vm_adapter_name, "a VF's VM adapter");
          vf->msix_count = v->msix_count;
          required (dec, vf->pci_address, "a VF's PCI address");
        }
    }

  if (!dec->failed && (vf_cursor != vfs.len || adapter_cursor != adapters.len || check_cursor != checks.len ||
                       description_cursor != descriptions.len))
    fail (dec, "records belong to nothing (VFs %zu of %zu, adapters %zu of %zu, checks %zu of %zu, "
          "status descriptions %zu of %zu)", vf_cursor, vfs.len, adapter_cursor, adapters.len, check_cursor,
          checks.len, description_cursor, descriptions.len);
  if (!dec->failed)
    {
      sorted (dec, model->pfs, "physical adapters");
      sorted (dec, model->switches, "switches");
      sorted (dec, model->vms, "VMs");
    }
  g_variant_unref (pfs.value);
  g_variant_unref (vfs.value);
  g_variant_unref (switches.value);
  g_variant_unref (vms.value);
  g_variant_unref (adapters.value);
  g_variant_unref (checks.value);
  g_variant_unref (descriptions.value);
  return !dec->failed;
}

/* The model that vmnet_model_to_variant() wrote. A value of another type or
 * version, a string number or a range out of bounds, an enumeration out of
 * range, a record without its name or records out of order are
 * VMNET_ERROR_INVALID_DATA, saying what is wrong. */
VmnetModel *
vmnet_model_from_variant (GVariant *variant, GError **error)
{
  g_autoptr(VmnetModel) model = NULL;
  g_autoptr(GVariant) first = NULL;
  Decoder dec = { error, FALSE };
  gboolean ok;

  g_return_val_if_fail (variant != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_variant_is_of_type (variant, G_VARIANT_TYPE_TUPLE) && g_variant_n_children (variant) > 0 &&
      (first = g_variant_get_child_value (variant, 0)) && g_variant_is_of_type (first, G_VARIANT_TYPE_UINT32) &&
      g_variant_get_uint32 (first) != VMNET_MODEL_VARIANT_VERSION)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA,
                   "the model's data is of version %u; this library reads version %u",
                   g_variant_get_uint32 (first), VMNET_MODEL_VARIANT_VERSION);
      return NULL;
    }
  if (!g_variant_is_of_type (variant, G_VARIANT_TYPE (VMNET_MODEL_VARIANT_TYPE)))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA,
                   "the model's data is of type '%s', not '%s'", g_variant_get_type_string (variant),
                   VMNET_MODEL_VARIANT_TYPE);
      return NULL;
    }
  dec.ternary = g_type_class_ref (VMNET_TYPE_TERNARY);
  dec.switch_type = g_type_class_ref (VMNET_TYPE_SWITCH_TYPE);
  dec.moderation = g_type_class_ref (VMNET_TYPE_IOV_INTERRUPT_MODERATION);
  dec.vm_state = g_type_class_ref (VMNET_TYPE_VM_STATE);
  dec.status = g_type_class_ref (VMNET_TYPE_OPERATIONAL_STATUS);
  dec.code = g_type_class_ref (VMNET_TYPE_IOV_CHECK_CODE);
  dec.result = g_type_class_ref (VMNET_TYPE_CHECK_RESULT);
  model = vmnet_model_new ();
  ok = decode (&dec, variant, model);
  g_type_class_unref (dec.ternary);
  g_type_class_unref (dec.switch_type);
  g_type_class_unref (dec.moderation);
  g_type_class_unref (dec.vm_state);
  g_type_class_unref (dec.status);
  g_type_class_unref (dec.code);
  g_type_class_unref (dec.result);
  if (!ok)
    return NULL;
  return g_steal_pointer (&model);
}

static GHashTable *
set_of (const gchar *const *strv)
{
  GHashTable *set;

  if (!strv)
    return NULL;
  set = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; strv[i]; i++)
    g_hash_table_add (set, (gpointer) strv[i]);
  return set;
}

/**
 * vmnet_host_dup_model_variant:
 * @self: a #VmnetHost
 * @vm_uuids: (nullable) (array zero-terminated=1): the UUIDs of the VMs to
 *   include (a VM without one: its name), %NULL for all
 * @switch_names: (nullable) (array zero-terminated=1): the names of the
 *   switches to include, %NULL for all
 * @pci_addresses: (nullable) (array zero-terminated=1): the PCI addresses
 *   of the physical adapters and VFs to include, %NULL for all; a VF is
 *   included when its physical adapter is too
 *
 * The host's model as last read, in the form vmnetd serves it
 * (`org.libvmnet.Vmnet1.Host.GetModel`, see the D-Bus API page): the
 * physical adapters with their VFs, the switches and the VMs with their
 * network adapters that the arguments include, and the checks, in one value
 * that starts with its version. No text in it names a VM left out: a VF it
 * holds names no VM, a list of the holders of a switch's VFs calls it
 * "another VM"; a physical adapter names no switch left out. Counts (VFs in
 * use) are the host's.
 *
 * Returns: (transfer full): the model, a non-floating value in normal form
 *
 * Since: 0.1
 */
GVariant *
vmnet_host_dup_model_variant (VmnetHost *self, const gchar *const *vm_uuids, const gchar *const *switch_names,
                              const gchar *const *pci_addresses)
{
  g_autoptr(GHashTable) vms = set_of (vm_uuids);
  g_autoptr(GHashTable) switches = set_of (switch_names);
  g_autoptr(GHashTable) devices = set_of (pci_addresses);
  VmnetModelFilter filter = { vms, switches, devices };
  g_autoptr(VmnetModel) empty = NULL;

  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);

  if (!self->model)
    empty = vmnet_model_new ();
  return vmnet_model_to_variant (self->model ? self->model : empty, &filter);
}
