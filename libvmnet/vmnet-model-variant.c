/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The model as one GVariant and back: the wire format of vmnetd's
 * Host.GetModel (doc/dbus.md), every field of every record. */
#include "config.h"

#include "vmnet-model-private.h"
#include "vmnet-diagnose-private.h"
#include "vmnet-host-private.h"
#include "vmnet-error.h"
#include "vmnet-enum-types.h"

/* Nullable strings are "ms"; enumerations "i". */
#define CHECK_TYPE   "(iimsmsms)"
#define VF_TYPE      "(msimsimsmsiiimsiimsmsi)"
#define PF_TYPE      "(msmsmsmsxmsbiiimsiia" VF_TYPE ")"
#define SWITCH_TYPE  "(msimsmsmsbbmsmsiiiibimsmsmsba" CHECK_TYPE ")"
#define PORT_TUPLE   "(msmsiubii)"
#define PORT_TYPE    "m" PORT_TUPLE
#define ADAPTER_TYPE "(msmsmsmsmsms" "buuuiubi" "bbbbi" "msmsmsmsms" "ii" "(bttb)msb" "iims" "msb" PORT_TYPE \
                     "iii" "a" CHECK_TYPE "imas)"
#define VM_TYPE      "(msmsimsa" ADAPTER_TYPE ")"
#define MODEL_TYPE   "(ua" PF_TYPE "a" SWITCH_TYPE "a" VM_TYPE "a" CHECK_TYPE ")"

/* The same with the members built and read as GVariants. */
#define SWITCH_FMT   "(msimsmsmsbbmsmsiiiibimsmsmsb@a" CHECK_TYPE ")"
#define ADAPTER_FMT  "(msmsmsmsmsms" "buuuiubi" "bbbbi" "msmsmsmsms" "ii" "(bttb)msb" "iims" "msb@" PORT_TYPE \
                     "iii" "@a" CHECK_TYPE "i@mas)"

G_STATIC_ASSERT (sizeof (MODEL_TYPE) == sizeof (VMNET_MODEL_VARIANT_TYPE));

/* Strings that GVariant takes: valid UTF-8 (a kernel log line may not be). */
typedef struct {
  GPtrArray *keep;   /* the made-valid copies, freed with the encoder */
} Encoder;

static const gchar *
valid (Encoder *enc, const gchar *s)
{
  gchar *copy;

  if (!s || g_utf8_validate (s, -1, NULL))
    return s;
  copy = g_utf8_make_valid (s, -1);
  g_ptr_array_add (enc->keep, copy);
  return copy;
}

static GVariant *
checks_to_variant (Encoder *enc, GPtrArray *checks)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a" CHECK_TYPE));
  for (guint i = 0; checks && i < checks->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (checks, i);

      g_variant_builder_add (&b, CHECK_TYPE, (gint32) vmnet_iov_check_get_code (c),
                             (gint32) vmnet_iov_check_get_result (c), valid (enc, vmnet_iov_check_get_title (c)),
                             valid (enc, vmnet_iov_check_get_message (c)), valid (enc, vmnet_iov_check_get_fix (c)));
    }
  return g_variant_builder_end (&b);
}

static GVariant *
pf_to_variant (Encoder *enc, const VmnetPfInfo *pf, GHashTable *shown_vms)
{
  GVariantBuilder vfs;

  g_variant_builder_init (&vfs, G_VARIANT_TYPE ("a" VF_TYPE));
  for (guint i = 0; pf->vfs && i < pf->vfs->len; i++)
    {
      const VmnetVfInfo *vf = g_ptr_array_index (pf->vfs, i);
      /* A VM left out is not named by its VF either. */
      gboolean named = !shown_vms || (vf->vm_name && g_hash_table_contains (shown_vms, vf->vm_name));

      g_variant_builder_add (&vfs, VF_TYPE, valid (enc, vf->net_adapter_name), vf->function_id,
                             valid (enc, vf->pci_address), vf->iommu_group, valid (enc, vf->driver),
                             valid (enc, vf->mac_address), vf->vlan_id, (gint32) vf->spoof_check, (gint32) vf->trust,
                             valid (enc, vf->link_state), vf->max_tx_rate, vf->min_tx_rate,
                             named ? valid (enc, vf->vm_name) : NULL,
                             named ? valid (enc, vf->vm_adapter_name) : NULL, vf->msix_count);
    }
  return g_variant_new (PF_TYPE, valid (enc, pf->name), valid (enc, pf->interface_description),
                        valid (enc, pf->pci_address), valid (enc, pf->driver), (gint64) pf->link_speed,
                        valid (enc, pf->link_state), pf->enabled, pf->max_vfs, pf->num_vfs, pf->allocated_vfs,
                        valid (enc, pf->switch_name), pf->vf_total_msix, pf->configured_num_vfs, &vfs);
}

static GVariant *
switch_to_variant (Encoder *enc, const VmnetSwitchInfo *sw)
{
  return g_variant_new (SWITCH_FMT, valid (enc, sw->name), (gint32) sw->switch_type,
                        valid (enc, sw->net_adapter_name), valid (enc, sw->net_adapter_interface_description),
                        valid (enc, sw->forward_mode), sw->active, sw->iov_enabled, valid (enc, sw->iov_pool_name),
                        valid (enc, sw->iov_pf), sw->iov_virtual_function_count, sw->iov_virtual_functions_in_use,
                        sw->iov_queue_pair_count, sw->iov_queue_pairs_in_use, sw->adapter_sriov_capable,
                        sw->adapter_num_vfs, valid (enc, sw->adapter_link_state), valid (enc, sw->adapter_aggregate),
                        valid (enc, sw->adapter_members), sw->pool_active, checks_to_variant (enc, sw->checks));
}

static GVariant *
adapter_to_variant (Encoder *enc, const VmnetAdapterInfo *a)
{
  const VmnetPortVlanFact *p = a->port_facts;
  GVariant *port, *description;

  port = p ? g_variant_new (PORT_TYPE, TRUE, valid (enc, p->name), valid (enc, p->bridge), p->pvid, p->n_vlans,
                            p->pvid_untagged, (gint32) p->vlan_filtering, p->default_pvid)
           : g_variant_new_maybe (G_VARIANT_TYPE (PORT_TUPLE), NULL);
  if (a->status_description)
    {
      GVariantBuilder b;

      g_variant_builder_init (&b, G_VARIANT_TYPE_STRING_ARRAY);
      for (guint i = 0; a->status_description[i]; i++)
        g_variant_builder_add (&b, "s", valid (enc, a->status_description[i]));
      description = g_variant_new_maybe (NULL, g_variant_builder_end (&b));
    }
  else
    description = g_variant_new_maybe (G_VARIANT_TYPE_STRING_ARRAY, NULL);

  return g_variant_new (ADAPTER_FMT,
                        valid (enc, a->vm_name), valid (enc, a->vm_uuid), valid (enc, a->name),
                        valid (enc, a->mac_address), valid (enc, a->switch_name), valid (enc, a->model),
                        a->failover_ready, a->iov_weight, a->iov_queue_pairs_requested, a->iov_queue_pairs_assigned,
                        (gint32) a->iov_interrupt_moderation, a->iov_usage, a->vf_plugged, (gint32) a->guest_vf,
                        a->allow_teaming, a->router_guard, a->dhcp_guard, a->mac_address_spoofing, a->vlan_id,
                        valid (enc, a->virtual_function), valid (enc, a->vf_alias), valid (enc, a->settings_error),
                        valid (enc, a->last_error), valid (enc, a->filter),
                        (gint32) a->software_path, a->vf_vlan_id,
                        a->bandwidth.set, (guint64) a->bandwidth.out_average, (guint64) a->bandwidth.out_peak,
                        a->bandwidth.inbound, valid (enc, a->bandwidth_source), a->link_down,
                        (gint32) a->vf_spoof_check, a->vf_max_tx_rate, valid (enc, a->vf_link_state),
                        valid (enc, a->port), a->port_read, port,
                        (gint32) a->vm_state, a->pcie_ports, a->pcie_ports_free,
                        checks_to_variant (enc, a->checks), (gint32) a->status, description);
}

static GVariant *
vm_to_variant (Encoder *enc, const VmnetVmInfo *vm)
{
  GVariantBuilder adapters;

  g_variant_builder_init (&adapters, G_VARIANT_TYPE ("a" ADAPTER_TYPE));
  for (guint i = 0; vm->adapters && i < vm->adapters->len; i++)
    g_variant_builder_add_value (&adapters, adapter_to_variant (enc, g_ptr_array_index (vm->adapters, i)));
  return g_variant_new (VM_TYPE, valid (enc, vm->name), valid (enc, vm->uuid), (gint32) vm->state,
                        valid (enc, vm->scope), &adapters);
}

/* The key @vm_uuids holds for @vm: its UUID, its name when it has none. */
static const gchar *
vm_key (const VmnetVmInfo *vm)
{
  return vm->uuid ? vm->uuid : vm->name;
}

/* The whole model as one value of type VMNET_MODEL_VARIANT_TYPE, new and
 * not floating. VMs not in @vm_uuids (a set; matched by UUID, by name for a
 * VM without one; NULL: all) are left out with their adapters, and the VFs
 * they hold do not name them; switch counts stay as they are. */
GVariant *
vmnet_model_to_variant (const VmnetModel *model, GHashTable *vm_uuids)
{
  Encoder enc = { g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(GHashTable) shown_vms = NULL;
  GVariantBuilder pfs, switches, vms;
  GVariant *result;

  g_return_val_if_fail (model != NULL, NULL);

  g_variant_builder_init (&vms, G_VARIANT_TYPE ("a" VM_TYPE));
  if (vm_uuids)
    shown_vms = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < model->vms->len; i++)
    {
      const VmnetVmInfo *vm = g_ptr_array_index (model->vms, i);

      if (vm_uuids && !(vm_key (vm) && g_hash_table_contains (vm_uuids, vm_key (vm))))
        continue;
      if (shown_vms && vm->name)
        g_hash_table_add (shown_vms, vm->name);
      g_variant_builder_add_value (&vms, vm_to_variant (&enc, vm));
    }
  g_variant_builder_init (&pfs, G_VARIANT_TYPE ("a" PF_TYPE));
  for (guint i = 0; i < model->pfs->len; i++)
    g_variant_builder_add_value (&pfs, pf_to_variant (&enc, g_ptr_array_index (model->pfs, i), shown_vms));
  g_variant_builder_init (&switches, G_VARIANT_TYPE ("a" SWITCH_TYPE));
  for (guint i = 0; i < model->switches->len; i++)
    g_variant_builder_add_value (&switches, switch_to_variant (&enc, g_ptr_array_index (model->switches, i)));

  result = g_variant_new ("(u@a" PF_TYPE "@a" SWITCH_TYPE "@a" VM_TYPE "@a" CHECK_TYPE ")",
                          (guint32) VMNET_MODEL_VARIANT_VERSION, g_variant_builder_end (&pfs),
                          g_variant_builder_end (&switches), g_variant_builder_end (&vms),
                          checks_to_variant (&enc, model->host_checks));
  g_ptr_array_unref (enc.keep);
  return g_variant_ref_sink (result);
}

/* Decoding: every enumeration checked against its values, every name a
 * model from vmnet_model_build() always has required. */

typedef struct {
  GError **error;
  gboolean failed;
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

/* @value as a member of the enumeration @type, or a failure naming @field. */
static gint
enum_value (Decoder *dec, GType type, gint32 value, const gchar *field)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);

  if (!g_enum_get_value (klass, value))
    fail (dec, "%s %d is not one of %s's values (%d to %d)", field, value, g_type_name (type),
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

static GPtrArray *
checks_from_variant (Decoder *dec, GVariant *array, const gchar *owner)
{
  GPtrArray *checks = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_iov_check_free);
  GVariantIter iter;
  gint32 code, result;
  gchar *title, *message, *fix;

  g_variant_iter_init (&iter, array);
  while (g_variant_iter_next (&iter, CHECK_TYPE, &code, &result, &title, &message, &fix))
    {
      enum_value (dec, VMNET_TYPE_IOV_CHECK_CODE, code, "a check's code");
      enum_value (dec, VMNET_TYPE_CHECK_RESULT, result, "a check's result");
      if (!title)
        fail (dec, "a check of %s has no title", owner);
      g_ptr_array_add (checks, vmnet_iov_check_new (code, result, title, message, fix));
      g_free (title);
    }
  return checks;
}

static VmnetPfInfo *
pf_from_variant (Decoder *dec, GVariant *value)
{
  VmnetPfInfo *pf = g_new0 (VmnetPfInfo, 1);
  g_autoptr(GVariantIter) vfs = NULL;
  gint64 link_speed;
  GVariant *child;

  g_variant_get (value, PF_TYPE, &pf->name, &pf->interface_description, &pf->pci_address, &pf->driver,
                 &link_speed, &pf->link_state, &pf->enabled, &pf->max_vfs, &pf->num_vfs, &pf->allocated_vfs,
                 &pf->switch_name, &pf->vf_total_msix, &pf->configured_num_vfs, &vfs);
  pf->link_speed = link_speed;
  required (dec, pf->name, "a physical adapter's name");
  pf->vfs = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_vf_info_free);
  while ((child = g_variant_iter_next_value (vfs)))
    {
      VmnetVfInfo *vf = g_new0 (VmnetVfInfo, 1);
      gint32 spoof, trust;

      g_variant_get (child, VF_TYPE, &vf->net_adapter_name, &vf->function_id, &vf->pci_address, &vf->iommu_group,
                     &vf->driver, &vf->mac_address, &vf->vlan_id, &spoof, &trust, &vf->link_state,
                     &vf->max_tx_rate, &vf->min_tx_rate, &vf->vm_name, &vf->vm_adapter_name, &vf->msix_count);
      vf->spoof_check = enum_value (dec, VMNET_TYPE_TERNARY, spoof, "a VF's SpoofCheck");
      vf->trust = enum_value (dec, VMNET_TYPE_TERNARY, trust, "a VF's Trust");
      required (dec, vf->pci_address, "a VF's PCI address");
      g_ptr_array_add (pf->vfs, vf);
      g_variant_unref (child);
    }
  return pf;
}

static VmnetSwitchInfo *
switch_from_variant (Decoder *dec, GVariant *value)
{
  VmnetSwitchInfo *sw = g_new0 (VmnetSwitchInfo, 1);
  g_autoptr(GVariant) checks = NULL;
  gint32 type;

  g_variant_get (value, SWITCH_FMT, &sw->name, &type, &sw->net_adapter_name, &sw->net_adapter_interface_description,
                 &sw->forward_mode, &sw->active, &sw->iov_enabled, &sw->iov_pool_name, &sw->iov_pf,
                 &sw->iov_virtual_function_count, &sw->iov_virtual_functions_in_use, &sw->iov_queue_pair_count,
                 &sw->iov_queue_pairs_in_use, &sw->adapter_sriov_capable, &sw->adapter_num_vfs,
                 &sw->adapter_link_state, &sw->adapter_aggregate, &sw->adapter_members, &sw->pool_active, &checks);
  sw->switch_type = enum_value (dec, VMNET_TYPE_SWITCH_TYPE, type, "a switch's SwitchType");
  required (dec, sw->name, "a switch's name");
  sw->checks = checks_from_variant (dec, checks, sw->name ? sw->name : "a switch");
  return sw;
}

static VmnetAdapterInfo *
adapter_from_variant (Decoder *dec, GVariant *value)
{
  VmnetAdapterInfo *a = g_new0 (VmnetAdapterInfo, 1);
  g_autoptr(GVariant) port = NULL;
  g_autoptr(GVariant) checks = NULL;
  g_autoptr(GVariant) description = NULL;
  g_autoptr(GVariant) port_tuple = NULL;
  g_autoptr(GVariant) strv = NULL;
  gint32 moderation, guest_vf, path, vf_spoof, vm_state, status;
  guint64 out_average, out_peak;

  g_variant_get (value, ADAPTER_FMT,
                 &a->vm_name, &a->vm_uuid, &a->name, &a->mac_address, &a->switch_name, &a->model,
                 &a->failover_ready, &a->iov_weight, &a->iov_queue_pairs_requested, &a->iov_queue_pairs_assigned,
                 &moderation, &a->iov_usage, &a->vf_plugged, &guest_vf,
                 &a->allow_teaming, &a->router_guard, &a->dhcp_guard, &a->mac_address_spoofing, &a->vlan_id,
                 &a->virtual_function, &a->vf_alias, &a->settings_error, &a->last_error, &a->filter,
                 &path, &a->vf_vlan_id,
                 &a->bandwidth.set, &out_average, &out_peak, &a->bandwidth.inbound, &a->bandwidth_source,
                 &a->link_down,
                 &vf_spoof, &a->vf_max_tx_rate, &a->vf_link_state,
                 &a->port, &a->port_read, &port,
                 &vm_state, &a->pcie_ports, &a->pcie_ports_free,
                 &checks, &status, &description);
  a->bandwidth.out_average = out_average;
  a->bandwidth.out_peak = out_peak;
  a->iov_interrupt_moderation = enum_value (dec, VMNET_TYPE_IOV_INTERRUPT_MODERATION, moderation,
                                            "an adapter's IovInterruptModeration");
  a->guest_vf = enum_value (dec, VMNET_TYPE_TERNARY, guest_vf, "an adapter's guest VF state");
  a->vf_spoof_check = enum_value (dec, VMNET_TYPE_TERNARY, vf_spoof, "an adapter's VF SpoofCheck");
  a->vm_state = enum_value (dec, VMNET_TYPE_VM_STATE, vm_state, "an adapter's VM state");
  a->status = enum_value (dec, VMNET_TYPE_OPERATIONAL_STATUS, status, "an adapter's Status");
  if (path < VMNET_SOFTWARE_PATH_UNKNOWN || path > VMNET_SOFTWARE_PATH_MACVTAP)
    fail (dec, "an adapter's software path %d is not 0 (unknown), 1 (bridge) or 2 (macvtap)", path);
  a->software_path = path;
  if ((port_tuple = g_variant_get_maybe (port)))
    {
      VmnetPortVlanFact *p = vmnet_port_vlan_fact_new ();
      gint32 filtering;

      g_variant_get (port_tuple, PORT_TUPLE, &p->name, &p->bridge, &p->pvid, &p->n_vlans, &p->pvid_untagged,
                     &filtering, &p->default_pvid);
      p->vlan_filtering = enum_value (dec, VMNET_TYPE_TERNARY, filtering, "a bridge port's VLAN filtering");
      a->port_facts = p;
    }
  if ((strv = g_variant_get_maybe (description)))
    a->status_description = g_variant_dup_strv (strv, NULL);
  required (dec, a->name, "a network adapter's name");
  a->checks = checks_from_variant (dec, checks, a->name ? a->name : "a network adapter");
  return a;
}

static VmnetVmInfo *
vm_from_variant (Decoder *dec, GVariant *value)
{
  VmnetVmInfo *vm = g_new0 (VmnetVmInfo, 1);
  g_autoptr(GVariantIter) adapters = NULL;
  GVariant *child;
  gint32 state;

  g_variant_get (value, VM_TYPE, &vm->name, &vm->uuid, &state, &vm->scope, &adapters);
  vm->state = enum_value (dec, VMNET_TYPE_VM_STATE, state, "a VM's state");
  required (dec, vm->name, "a VM's name");
  vm->adapters = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_adapter_info_free);
  while ((child = g_variant_iter_next_value (adapters)))
    {
      VmnetAdapterInfo *a = adapter_from_variant (dec, child);

      if (!dec->failed && g_strcmp0 (a->vm_name, vm->name) != 0)
        fail (dec, "network adapter '%s' is listed under VM '%s' but names VM '%s'", a->name, vm->name,
              a->vm_name ? a->vm_name : "(none)");
      g_ptr_array_add (vm->adapters, a);
      g_variant_unref (child);
    }
  return vm;
}

/* Each record sorted by name, as vmnet_model_build() sorts them. */
static gboolean
sorted (Decoder *dec, GPtrArray *records, const gchar *what)
{
  for (guint i = 1; i < records->len; i++)
    {
      /* name is the first member of every record. */
      const gchar *before = *(const gchar **) g_ptr_array_index (records, i - 1);
      const gchar *after = *(const gchar **) g_ptr_array_index (records, i);

      if (g_strcmp0 (before, after) > 0)
        return fail (dec, "the %s are not sorted by name ('%s' before '%s')", what, before, after);
    }
  return TRUE;
}

/* The model that vmnet_model_to_variant() wrote. A value of another type or
 * version, an enumeration out of range, a record without its name or records
 * out of order are VMNET_ERROR_INVALID_DATA, saying what is wrong. */
VmnetModel *
vmnet_model_from_variant (GVariant *variant, GError **error)
{
  g_autoptr(VmnetModel) model = NULL;
  g_autoptr(GVariant) first = NULL;
  g_autoptr(GVariantIter) pfs = NULL;
  g_autoptr(GVariantIter) switches = NULL;
  g_autoptr(GVariantIter) vms = NULL;
  g_autoptr(GVariant) host_checks = NULL;
  Decoder dec = { error, FALSE };
  GVariant *child;
  guint32 version;

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
  g_variant_get (variant, "(ua" PF_TYPE "a" SWITCH_TYPE "a" VM_TYPE "@a" CHECK_TYPE ")", &version, &pfs,
                 &switches, &vms, &host_checks);
  model = vmnet_model_new ();
  while (!dec.failed && (child = g_variant_iter_next_value (pfs)))
    {
      g_ptr_array_add (model->pfs, pf_from_variant (&dec, child));
      g_variant_unref (child);
    }
  while (!dec.failed && (child = g_variant_iter_next_value (switches)))
    {
      g_ptr_array_add (model->switches, switch_from_variant (&dec, child));
      g_variant_unref (child);
    }
  while (!dec.failed && (child = g_variant_iter_next_value (vms)))
    {
      g_ptr_array_add (model->vms, vm_from_variant (&dec, child));
      g_variant_unref (child);
    }
  if (!dec.failed)
    {
      g_ptr_array_unref (model->host_checks);
      model->host_checks = checks_from_variant (&dec, host_checks, "the host");
    }
  if (!dec.failed)
    {
      sorted (&dec, model->pfs, "physical adapters");
      sorted (&dec, model->switches, "switches");
      sorted (&dec, model->vms, "VMs");
    }
  if (dec.failed)
    return NULL;
  return g_steal_pointer (&model);
}

/**
 * vmnet_host_dup_model_variant:
 * @self: a #VmnetHost
 * @vm_uuids: (nullable) (array zero-terminated=1): the UUIDs of the VMs to
 *   include, %NULL for all
 *
 * The host's model as last read, in the form vmnetd serves it
 * (`org.libvmnet.Vmnet1.Host.GetModel`, see the D-Bus API page): every
 * physical adapter with its VFs, every switch, the VMs in @vm_uuids (all of
 * them when %NULL) with their network adapters, and the checks, in one value
 * of type `(ua(…)a(…)a(…)a(…))` that starts with its version.
 *
 * Returns: (transfer full): the model, a non-floating value in normal form
 *
 * Since: 0.1
 */
GVariant *
vmnet_host_dup_model_variant (VmnetHost *self, const gchar *const *vm_uuids)
{
  g_autoptr(GHashTable) set = NULL;
  g_autoptr(VmnetModel) empty = NULL;

  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);

  if (vm_uuids)
    {
      set = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; vm_uuids[i]; i++)
        g_hash_table_add (set, (gpointer) vm_uuids[i]);
    }
  if (!self->model)
    empty = vmnet_model_new ();
  return vmnet_model_to_variant (self->model ? self->model : empty, set);
}
