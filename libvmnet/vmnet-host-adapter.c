/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A VM's network adapters: Set-VMNetworkAdapter (settings, and what they
 * mean for the VF of a running VM), Add-VMNetworkAdapter, and a VM's scope. */
#include "config.h"

#include <string.h>

#include "vmnet-host-private.h"
#include "vmnet-error.h"
#include "vmnet-enum-types.h"
#include "vmnet-object-private.h"
#include "vmnet-settings-private.h"
#include "vmnet-vf-exec-private.h"
#include "linux/vmnet-linux-private.h"

typedef struct {
  gchar               *label;
  gchar               *vm_uuid;
  gchar               *mac;
  gchar               *name;
  VmnetSettingsValues  values;
  /* What the change means for the VF of a running VM: the planner's steps
   * for this adapter (detaches first), carried out by the VF executor. */
  GPtrArray           *steps;            /* (element-type VmnetVfStep) */
  guint                generation;
  gboolean             clear_last_error;
  /* AllowTeaming changed on a VF the adapter keeps (netlink; the host itself). */
  gchar               *teaming_vf;
  gboolean             teaming;
  gchar               *failover_name;    /* make the persistent definition failover-ready */
  gint                 queues;           /* virtio <driver queues> for the persistent definition, 0: leave */
  gboolean             set_filter;       /* RouterGuard/DhcpGuard/MacAddressSpoofing changed: the software path's nwfilter */
  gboolean             filter_optional;  /* only MacAddressSpoofing: skipped without libvirt's nwfilter driver */
  const gchar         *filter;           /* the filter they need, NULL: none */
  gchar               *port;             /* the software path's bridge port to give the VLAN, NULL: none */
  guint                port_vlan;
} SetAdapterData;

static void
set_adapter_data_free (SetAdapterData *data)
{
  g_free (data->label);
  g_free (data->vm_uuid);
  g_free (data->mac);
  g_free (data->name);
  g_clear_pointer (&data->steps, g_ptr_array_unref);
  g_free (data->teaming_vf);
  g_free (data->failover_name);
  g_free (data->port);
  g_free (data);
}

/* Forgets what plan_change() decided, for a plan made again. */
static void
clear_plan (SetAdapterData *data)
{
  g_clear_pointer (&data->steps, g_ptr_array_unref);
  g_clear_pointer (&data->teaming_vf, g_free);
  g_clear_pointer (&data->failover_name, g_free);
  g_clear_pointer (&data->port, g_free);
  data->teaming = FALSE;
  data->queues = 0;
  data->set_filter = FALSE;
  data->filter = NULL;
  data->port_vlan = 0;
  data->clear_last_error = FALSE;
}

#define VALUE(v, field, FIELD, current) \
  (((v)->set & (1u << VMNET_SETTINGS_##FIELD)) ? (v)->field : (current))

static const VmnetSwitchInfo *
model_switch (const VmnetModel *model, const gchar *name)
{
  for (guint i = 0; name && i < model->switches->len; i++)
    {
      const VmnetSwitchInfo *sw = g_ptr_array_index (model->switches, i);
      if (g_strcmp0 (sw->name, name) == 0)
        return sw;
    }
  return NULL;
}

/* What the change means beyond the settings: the VF planner decides, over
 * @model with this adapter as the change leaves it, whether
 * its VF is plugged, unplugged or plugged again; the rest is the software
 * path (failover readiness, queues, guards' nwfilter, the port's VLAN) and
 * AllowTeaming on a VF the adapter keeps. */
static void
plan_change (VmnetHost *self, const VmnetModel *model, const VmnetAdapterInfo *a, SetAdapterData *data)
{
  const VmnetSettingsValues *v = &data->values;
  const VmnetSwitchInfo *sw = model_switch (model, a->switch_name);
  gboolean local = vmnet_host_is_local (self, self->conn) && !self->host_root;
  VmnetAdapterInfo changed = *a;   /* borrows a's strings for the planner call */
  VmnetVfPlanScope scope = { a->vm_uuid, FALSE, &changed,
                             (v->set & (1u << VMNET_SETTINGS_IOV_QUEUE_PAIRS_REQUESTED)) != 0 };
  g_autoptr(GPtrArray) steps = NULL;
  gboolean has = a->vf_plugged && a->vf_alias != NULL;
  gboolean want, unplugged = FALSE;
  g_auto(VmnetVfPolicy) policy = { 0 };
  guint guard_bits = (1u << VMNET_SETTINGS_ROUTER_GUARD) | (1u << VMNET_SETTINGS_DHCP_GUARD);
  guint mac_bit = 1u << VMNET_SETTINGS_MAC_ADDRESS_SPOOFING;

  changed.iov_weight = (guint) VALUE (v, iov_weight, IOV_WEIGHT, (gint) a->iov_weight);
  changed.iov_queue_pairs_requested = (guint) VALUE (v, iov_queue_pairs_requested, IOV_QUEUE_PAIRS_REQUESTED,
                                                     (gint) a->iov_queue_pairs_requested);
  changed.allow_teaming = VALUE (v, allow_teaming, ALLOW_TEAMING, a->allow_teaming);
  changed.router_guard = VALUE (v, router_guard, ROUTER_GUARD, a->router_guard);
  changed.dhcp_guard = VALUE (v, dhcp_guard, DHCP_GUARD, a->dhcp_guard);
  changed.vlan_id = VALUE (v, vlan_id, VLAN_ID, a->vlan_id);
  changed.mac_address_spoofing = VALUE (v, mac_address_spoofing, MAC_ADDRESS_SPOOFING, a->mac_address_spoofing);
  vmnet_vf_policy_init (&policy, &changed);
  want = vmnet_adapter_wants_vf (&changed, vmnet_adapter_is_running (&changed), sw && sw->iov_enabled,
                                 changed.iov_weight, changed.router_guard || changed.dhcp_guard || policy.blocked);

  g_mutex_lock (&self->memory_lock);
  data->generation = g_atomic_int_get (&self->generation);
  steps = vmnet_vf_plan (model, &scope, self->memory, data->generation, g_get_monotonic_time ());
  g_mutex_unlock (&self->memory_lock);
  data->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_vf_step_free);
  for (guint i = 0; i < steps->len; i++)
    {
      VmnetVfStep *step = g_ptr_array_index (steps, i);

      if (g_strcmp0 (step->mac, a->mac_address) != 0 || step->kind == VMNET_VF_STEP_WAIT)
        continue;
      unplugged |= step->kind == VMNET_VF_STEP_DETACH;
      g_ptr_array_add (data->steps, g_steal_pointer (&steps->pdata[i]));
    }

  /* A virtio adapter created without failover on an SR-IOV switch: its
   * persistent definition is fixed; the pairing starts when the VM restarts. */
  if (changed.iov_weight > 0 && !a->failover_ready && g_strcmp0 (a->model, "virtio") == 0 &&
      sw && sw->iov_enabled)
    data->failover_name = g_strdup (a->name);
  /* RouterGuard, DhcpGuard and MacAddressSpoofing off are enforced by the
   * software switch (nwfilter; the test driver has none). MacAddressSpoofing
   * alone leaves an nwfilter libvmnet does not manage as it is, and does
   * without on macvtap (libvirt puts nwfilters on taps only) and on a
   * libvirt without the nwfilter driver: the port-policy check shows what
   * the software path does then. */
  if ((v->set & (guard_bits | mac_bit)) && !(self->conn && vmnet_libvirt_conn_is_test (self->conn)) &&
      ((v->set & guard_bits) ||
       (vmnet_libvirt_is_own_filter (a->filter) && a->software_path != VMNET_SOFTWARE_PATH_MACVTAP)))
    {
      gboolean deny_mac = (v->set & mac_bit) ? !changed.mac_address_spoofing
                                             : (a->filter && g_str_has_prefix (a->filter, "vmnet-mac-"));
      data->set_filter = TRUE;
      data->filter_optional = !(v->set & guard_bits);
      data->filter = vmnet_libvirt_guard_filter (changed.router_guard, changed.dhcp_guard, deny_mac);
    }
  /* The software path gets as many queues as the VF is asked for. */
  if ((v->set & (1u << VMNET_SETTINGS_IOV_QUEUE_PAIRS_REQUESTED)) && g_strcmp0 (a->model, "virtio") == 0)
    data->queues = v->iov_queue_pairs_requested;

  if (local)
    {
      if (want && has && !unplugged && changed.allow_teaming != a->allow_teaming && a->virtual_function)
        {
          data->teaming_vf = g_strdup (a->virtual_function);
          data->teaming = changed.allow_teaming;
        }
      /* The software path: the tap's port on its bridge. */
      if ((v->set & (1u << VMNET_SETTINGS_VLAN_ID)) && a->port && a->software_path == VMNET_SOFTWARE_PATH_BRIDGE)
        {
          data->port = g_strdup (a->port);
          data->port_vlan = (guint) changed.vlan_id;
        }
    }
  data->clear_last_error = a->last_error != NULL && !want && !policy.refused;
}

/* The plan, and what it cannot do: a filter libvmnet does not manage. */
static gboolean
plan_checked (VmnetHost *self, const VmnetModel *model, const VmnetAdapterInfo *a, SetAdapterData *data,
              GError **error)
{
  plan_change (self, model, a, data);
  if (data->set_filter && !vmnet_libvirt_is_own_filter (a->filter))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                   "%s uses nwfilter '%s', which libvmnet does not manage: RouterGuard and DhcpGuard "
                   "need their own filter there; remove it from the interface first",
                   data->label, a->filter);
      return FALSE;
    }
  return TRUE;
}

static SetAdapterData *
prepare_set_adapter (VmnetHost            *self,
                     VmnetNetworkAdapter  *adapter,
                     VmnetAdapterSettings *settings,
                     GError              **error)
{
  const VmnetAdapterInfo *a = vmnet_network_adapter_get_info (adapter);
  SetAdapterData *data = g_new0 (SetAdapterData, 1);

  data->label = g_strdup_printf ("adapter '%s' of VM '%s'", a->name, a->vm_name);
  data->vm_uuid = g_strdup (a->vm_uuid);
  data->mac = g_strdup (a->mac_address);
  data->name = g_strdup (a->name);
  data->values = *vmnet_adapter_settings_get_values (settings);

  if (!vmnet_settings_validate (&data->values, data->label, error))
    {
      set_adapter_data_free (data);
      return NULL;
    }
  if (!data->mac || !data->vm_uuid)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                   "%s has no MAC address to keep settings for", data->label);
      set_adapter_data_free (data);
      return NULL;
    }
  if ((data->values.set & (1u << VMNET_SETTINGS_VLAN_ID)) && data->values.vlan_id > 0 &&
      a->software_path == VMNET_SOFTWARE_PATH_MACVTAP)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                   "%s: switch '%s' connects VMs through macvtap, which carries no per-adapter VLAN, so VLAN %d "
                   "would hold on the VF only; use a switch over a Linux bridge (vmnet new-vmswitch --bridge BR)",
                   data->label, a->switch_name, data->values.vlan_id);
      set_adapter_data_free (data);
      return NULL;
    }
  if (!plan_checked (self, self->model, a, data, error))
    {
      set_adapter_data_free (data);
      return NULL;
    }
  return data;
}

/* The adapter with @mac of VM @vm_uuid in @model. */
static const VmnetAdapterInfo *
model_adapter (const VmnetModel *model, const gchar *vm_uuid, const gchar *mac)
{
  for (guint i = 0; i < model->vms->len; i++)
    {
      const VmnetVmInfo *vm = g_ptr_array_index (model->vms, i);

      for (guint j = 0; g_strcmp0 (vm->uuid, vm_uuid) == 0 && j < vm->adapters->len; j++)
        {
          const VmnetAdapterInfo *a = g_ptr_array_index (vm->adapters, j);
          if (g_strcmp0 (a->mac_address, mac) == 0)
            return a;
        }
    }
  return NULL;
}

/* Under the host lock: the adapter read again and the change planned from
 * what the host is now, not from what it was when the call was made. */
static gboolean
plan_fresh (VmnetHost *self, SetAdapterData *data, GCancellable *cancellable, GError **error)
{
  g_autoptr(VmnetSnapshot) snap = vmnet_host_read (self, self->conn, cancellable, error);
  const VmnetAdapterInfo *a;

  if (!snap)
    return FALSE;
  a = model_adapter (snap->model, data->vm_uuid, data->mac);
  if (!a)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "%s is gone", data->label);
      return FALSE;
    }
  clear_plan (data);
  return plan_checked (self, snap->model, a, data, error);
}

static gboolean
set_adapter_change (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  SetAdapterData *data = user_data;
  g_autoptr(GError) port_error = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error) || !plan_fresh (self, data, cancellable, error))
    return FALSE;
  /* The VF goes first: if it cannot, nothing has changed. */
  for (guint i = 0; i < data->steps->len; i++)
    {
      VmnetVfStep *step = g_ptr_array_index (data->steps, i);

      if (step->kind == VMNET_VF_STEP_DETACH && !vmnet_host_execute_step (self, step, data->generation, error))
        {
          g_prefix_error (error, "%s: ", data->label);
          return FALSE;
        }
    }
  /* A kernel without bridge VLANs, or a tap that is no bridge port: the
   * setting is kept and the adapter-vlan check says why. */
  if (data->port && !vmnet_netlink_set_port_vlan (data->port, data->port_vlan, &port_error) &&
      !g_error_matches (port_error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED) &&
      !g_error_matches (port_error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&port_error), "%s: ", data->label);
      return FALSE;
    }
  if (data->filter_optional && !vmnet_libvirt_conn_has_nwfilter (self->conn))
    data->set_filter = FALSE;
  if (data->set_filter && data->filter && !vmnet_libvirt_conn_ensure_guard_filters (self->conn, error))
    {
      g_prefix_error (error, "%s: ", data->label);
      return FALSE;
    }
  if ((data->failover_name || data->queues > 0 || data->set_filter) &&
      !vmnet_libvirt_conn_update_interface (self->conn, data->vm_uuid, data->mac, data->failover_name,
                                            data->queues, data->set_filter, data->filter, error))
    {
      g_prefix_error (error, "%s: ", data->label);
      return FALSE;
    }
  if (!vmnet_libvirt_conn_set_adapter_settings (self->conn, data->vm_uuid, data->mac, &data->values, error))
    {
      g_prefix_error (error, "%s: ", data->label);
      return FALSE;
    }
  if (data->teaming_vf)
    {
      VmnetVfTarget t = { self->conn, NULL, TRUE };
      /* Only on the VF the adapter holds now; a failure is its last error. */
      if (!vmnet_vf_apply_teaming (&t, data->vm_uuid, data->name, data->mac, data->teaming_vf, data->teaming))
        return TRUE;
    }
  /* A held VF takes the port policies as they are now (a refusal unplugs it). */
  for (guint i = 0; i < data->steps->len; i++)
    {
      VmnetVfStep *step = g_ptr_array_index (data->steps, i);

      if (step->kind == VMNET_VF_STEP_POLICY)
        vmnet_host_execute_step (self, step, data->generation, NULL);
    }
  /* A VF is a desire, not a guarantee: a failed attach is kept for the
   * status by the executor. */
  for (guint i = 0; i < data->steps->len; i++)
    {
      VmnetVfStep *step = g_ptr_array_index (data->steps, i);
      g_autoptr(GError) attach_error = NULL;

      if (step->kind == VMNET_VF_STEP_ATTACH && !vmnet_host_execute_step (self, step, data->generation, &attach_error))
        g_debug ("%s: %s", data->label, attach_error->message);
    }
  if (data->clear_last_error)
    vmnet_libvirt_conn_set_last_error (self->conn, data->vm_uuid, data->mac, NULL, NULL);
  return TRUE;
}

/* The change as vmnetd makes it (NetworkAdapter.Set). */
static gboolean
set_adapter_serve (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  SetAdapterData *data = user_data;
  const VmnetSettingsValues *v = &data->values;
  g_autofree gchar *key = g_strdup_printf ("%s/%s", data->vm_uuid, data->mac);
  GVariantBuilder settings;

  g_variant_builder_init (&settings, G_VARIANT_TYPE_VARDICT);
  if (v->set & (1u << VMNET_SETTINGS_IOV_WEIGHT))
    g_variant_builder_add (&settings, "{sv}", "IovWeight", g_variant_new_uint32 ((guint32) v->iov_weight));
  if (v->set & (1u << VMNET_SETTINGS_IOV_QUEUE_PAIRS_REQUESTED))
    g_variant_builder_add (&settings, "{sv}", "IovQueuePairsRequested",
                           g_variant_new_uint32 ((guint32) v->iov_queue_pairs_requested));
  if (v->set & (1u << VMNET_SETTINGS_IOV_INTERRUPT_MODERATION))
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (VMNET_TYPE_IOV_INTERRUPT_MODERATION);
      GEnumValue *ev = g_enum_get_value (klass, v->iov_interrupt_moderation);
      g_variant_builder_add (&settings, "{sv}", "IovInterruptModeration",
                             g_variant_new_string (ev ? ev->value_nick : ""));
    }
  if (v->set & (1u << VMNET_SETTINGS_ALLOW_TEAMING))
    g_variant_builder_add (&settings, "{sv}", "AllowTeaming", g_variant_new_boolean (v->allow_teaming));
  if (v->set & (1u << VMNET_SETTINGS_ROUTER_GUARD))
    g_variant_builder_add (&settings, "{sv}", "RouterGuard", g_variant_new_boolean (v->router_guard));
  if (v->set & (1u << VMNET_SETTINGS_DHCP_GUARD))
    g_variant_builder_add (&settings, "{sv}", "DhcpGuard", g_variant_new_boolean (v->dhcp_guard));
  if (v->set & (1u << VMNET_SETTINGS_MAC_ADDRESS_SPOOFING))
    g_variant_builder_add (&settings, "{sv}", "MacAddressSpoofing", g_variant_new_boolean (v->mac_address_spoofing));
  if (v->set & (1u << VMNET_SETTINGS_VLAN_ID))
    g_variant_builder_add (&settings, "{sv}", "VlanId", g_variant_new_int32 (v->vlan_id));
  return vmnet_host_service_call (self, "NetworkAdapter", key, "Set", g_variant_new ("(a{sv})", &settings),
                                  cancellable, error);
}

static const VmnetHostOp set_adapter_op = { .change = set_adapter_change, .serve = set_adapter_serve };

/**
 * vmnet_host_set_network_adapter:
 * @self: a #VmnetHost
 * @adapter: one of the host's adapters
 * @settings: the changes: only the properties set on it change
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Changes an adapter's settings, like `Set-VMNetworkAdapter`. Every value is
 * checked first: one out of range fails the call with
 * %VMNET_ERROR_INVALID_ARGUMENT naming the adapter, the setting and its
 * allowed range, and nothing changes. The settings are kept in the VM's
 * libvmnet metadata, in its running and its persistent definition alike;
 * then the host is read again. When the change takes a running VM's VF away
 * (IovWeight 0, a port policy), the call waits up to 30 s for the guest to
 * release the device, so the host read afterwards shows the VF free again;
 * a guest that does not answer in time keeps the unplug pending, and the VF
 * shows as in use until it does.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_set_network_adapter (VmnetHost            *self,
                                VmnetNetworkAdapter  *adapter,
                                VmnetAdapterSettings *settings,
                                GCancellable         *cancellable,
                                GError              **error)
{
  SetAdapterData *data;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (adapter), FALSE);
  g_return_val_if_fail (VMNET_IS_ADAPTER_SETTINGS (settings), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = prepare_set_adapter (self, adapter, settings, error);
  if (!data)
    return FALSE;
  vmnet_host_resources_changed (self);
  return vmnet_host_run_boolean (self, &set_adapter_op, data, (GDestroyNotify) set_adapter_data_free,
                                 cancellable, error);
}

/**
 * vmnet_host_set_network_adapter_async:
 * @self: a #VmnetHost
 * @adapter: one of the host's adapters
 * @settings: the changes: only the properties set on it change
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_set_network_adapter(). @settings is
 * read before this returns.
 *
 * Since: 0.1
 */
void
vmnet_host_set_network_adapter_async (VmnetHost            *self,
                                      VmnetNetworkAdapter  *adapter,
                                      VmnetAdapterSettings *settings,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data)
{
  GError *error = NULL;
  SetAdapterData *data;

  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (VMNET_IS_NETWORK_ADAPTER (adapter));
  g_return_if_fail (VMNET_IS_ADAPTER_SETTINGS (settings));

  data = prepare_set_adapter (self, adapter, settings, &error);
  if (data)
    vmnet_host_resources_changed (self);
  vmnet_host_run_async (self, &set_adapter_op, data, (GDestroyNotify) set_adapter_data_free, error,
                        vmnet_host_set_network_adapter_async, cancellable, callback, user_data);
}

/**
 * vmnet_host_set_network_adapter_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_set_network_adapter_async().
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_set_network_adapter_finish (VmnetHost     *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return vmnet_host_run_finish_boolean (self, result, vmnet_host_set_network_adapter_async, error);
}


static gboolean
valid_adapter_name (const gchar *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > 60)
    return FALSE;
  for (const gchar *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* A locally administered QEMU-style MAC no adapter on the host has. */
static gchar *
new_mac (VmnetHost *self)
{
  GListModel *adapters = G_LIST_MODEL (self->adapters);

  for (;;)
    {
      guint32 r = g_random_int ();
      g_autofree gchar *mac = g_strdup_printf ("52:54:00:%02x:%02x:%02x", (r >> 16) & 0xff, (r >> 8) & 0xff, r & 0xff);
      gboolean taken = FALSE;

      for (guint i = 0; i < g_list_model_get_n_items (adapters) && !taken; i++)
        {
          g_autoptr(VmnetNetworkAdapter) a = g_list_model_get_item (adapters, i);
          taken = g_ascii_strcasecmp (vmnet_network_adapter_get_mac_address (a) ? vmnet_network_adapter_get_mac_address (a) : "", mac) == 0;
        }
      if (!taken)
        return g_steal_pointer (&mac);
    }
}

typedef struct {
  gchar *vm_uuid;
  gchar *vm_name;
  gchar *mac;
  gchar *xml;      /* add: the interface */
  gchar *scope;    /* scope: NULL for the default one */
} VmChangeData;

static void
vm_change_data_free (VmChangeData *data)
{
  g_free (data->vm_uuid);
  g_free (data->vm_name);
  g_free (data->mac);
  g_free (data->xml);
  g_free (data->scope);
  g_free (data);
}

static VmChangeData *
vm_change_data_new (VmnetVm *vm)
{
  VmChangeData *data = g_new0 (VmChangeData, 1);

  data->vm_uuid = g_strdup (vmnet_vm_get_uuid (vm));
  data->vm_name = g_strdup (vmnet_vm_get_name (vm));
  return data;
}

static gboolean
add_adapter_change (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  VmChangeData *data = user_data;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!vmnet_libvirt_conn_add_interface (self->conn, data->vm_uuid, data->xml, error))
    {
      g_prefix_error (error, "VM '%s': ", data->vm_name);
      return FALSE;
    }
  return TRUE;
}

static gpointer
add_adapter_result (VmnetHost *self, gpointer user_data, GError **error)
{
  VmChangeData *data = user_data;
  g_autoptr(VmnetVm) after = vmnet_host_find_vm (self, data->vm_uuid, error);

  return after ? vmnet_vm_find_network_adapter (after, data->mac, error) : NULL;
}

static const VmnetHostOp add_adapter_op = { .change = add_adapter_change, .result = add_adapter_result };

/* The name (given and free, or the first free netN), a switch with a
 * software path, a new MAC. */
static VmChangeData *
prepare_add_adapter (VmnetHost *self, VmnetVm *vm, VmnetSwitch *sw, const gchar *name, GError **error)
{
  g_autofree gchar *chosen = NULL;
  g_autoptr(VmnetNetworkAdapter) existing = NULL;
  VmChangeData *data;

  if (name && !valid_adapter_name (name))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "adapter name '%s' of VM '%s' is not allowed: 1 to 60 letters, digits, '-' or '_' "
                   "(it becomes the libvirt alias ua-NAME)", name, vmnet_vm_get_name (vm));
      return NULL;
    }
  if (name)
    {
      existing = vmnet_vm_find_network_adapter (vm, name, NULL);
      if (existing)
        {
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS,
                       "VM '%s' has a network adapter '%s' already", vmnet_vm_get_name (vm), name);
          return NULL;
        }
      chosen = g_strdup (name);
    }
  else
    {
      for (guint k = g_list_model_get_n_items (vmnet_vm_get_network_adapters (vm)); !chosen; k++)
        {
          g_autofree gchar *candidate = g_strdup_printf ("net%u", k);
          g_autoptr(VmnetNetworkAdapter) taken = vmnet_vm_find_network_adapter (vm, candidate, NULL);
          if (!taken)
            chosen = g_steal_pointer (&candidate);
        }
    }
  if (g_strcmp0 (vmnet_switch_get_forward_mode (sw), "hostdev") == 0)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                   "switch '%s' is only a VF pool: connect adapters to a switch with a software path",
                   vmnet_switch_get_name (sw));
      return NULL;
    }
  data = vm_change_data_new (vm);
  data->mac = new_mac (self);
  data->xml = vmnet_libvirt_adapter_interface_xml (data->mac, vmnet_switch_get_name (sw), chosen,
                                                   vmnet_switch_get_iov_enabled (sw));
  return data;
}

/**
 * vmnet_host_add_network_adapter:
 * @self: a #VmnetHost
 * @vm: one of the host's VMs
 * @sw: the switch to connect the adapter to
 * @name: (nullable): the adapter name (letters, digits, `-`, `_`), or %NULL for `netN`
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Adds a virtio network adapter, like `Add-VMNetworkAdapter`, with a new MAC
 * address and the user alias `ua-NAME`. On a switch in SR-IOV mode it is
 * created ready for failover (`<teaming type='persistent'/>`), so a VF can be
 * teamed with it while the VM runs. A running VM gets it at once and keeps it;
 * a stopped one in its definition.
 *
 * Returns: (transfer full): the new adapter, or %NULL with %VMNET_ERROR_INVALID_ARGUMENT,
 *   %VMNET_ERROR_ALREADY_EXISTS or libvirt's error
 *
 * Since: 0.1
 */
VmnetNetworkAdapter *
vmnet_host_add_network_adapter (VmnetHost     *self,
                                VmnetVm       *vm,
                                VmnetSwitch   *sw,
                                const gchar   *name,
                                GCancellable  *cancellable,
                                GError       **error)
{
  VmChangeData *data;

  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  g_return_val_if_fail (VMNET_IS_VM (vm), NULL);
  g_return_val_if_fail (VMNET_IS_SWITCH (sw), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = prepare_add_adapter (self, vm, sw, name, error);
  if (!data)
    return NULL;
  return vmnet_host_run (self, &add_adapter_op, data, (GDestroyNotify) vm_change_data_free, cancellable, error);
}

/**
 * vmnet_host_add_network_adapter_async:
 * @self: a #VmnetHost
 * @vm: one of the host's VMs
 * @sw: the switch to connect the adapter to
 * @name: (nullable): the adapter name, or %NULL for `netN`
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_add_network_adapter().
 *
 * Since: 0.1
 */
void
vmnet_host_add_network_adapter_async (VmnetHost           *self,
                                      VmnetVm             *vm,
                                      VmnetSwitch         *sw,
                                      const gchar         *name,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GError *error = NULL;
  VmChangeData *data;

  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (VMNET_IS_VM (vm));
  g_return_if_fail (VMNET_IS_SWITCH (sw));

  data = prepare_add_adapter (self, vm, sw, name, &error);
  vmnet_host_run_async (self, &add_adapter_op, data, (GDestroyNotify) vm_change_data_free, error,
                        vmnet_host_add_network_adapter_async, cancellable, callback, user_data);
}

/**
 * vmnet_host_add_network_adapter_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_add_network_adapter_async().
 *
 * Returns: (transfer full): the new adapter, or %NULL with @error set
 *
 * Since: 0.1
 */
VmnetNetworkAdapter *
vmnet_host_add_network_adapter_finish (VmnetHost     *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return vmnet_host_run_finish (self, result, vmnet_host_add_network_adapter_async, error);
}

static gboolean
scope_change (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  VmChangeData *data = user_data;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!vmnet_libvirt_conn_set_vm_scope (self->conn, data->vm_uuid, data->scope, error))
    {
      g_prefix_error (error, "VM '%s': ", data->vm_name);
      return FALSE;
    }
  return TRUE;
}

static const VmnetHostOp scope_op = { .change = scope_change };

static VmChangeData *
prepare_scope (VmnetVm *vm, const gchar *scope)
{
  VmChangeData *data = vm_change_data_new (vm);

  if (scope && !g_str_equal (scope, VMNET_AUTH_DEFAULT_SCOPE))
    data->scope = g_strdup (scope);
  return data;
}

/**
 * vmnet_host_set_vm_scope:
 * @self: a #VmnetHost
 * @vm: one of the host's VMs
 * @scope: (nullable): the authorization scope to place it in, %NULL or
 *   %VMNET_AUTH_DEFAULT_SCOPE for the default scope
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes a scope name into the VM's libvmnet metadata (live and persistent
 * definitions), as a note that travels with the VM. It places the VM in no
 * scope: anyone who may change the VM may change its metadata, so neither
 * the rules nor vmnet_auth_store_test_access() read it. The store's map
 * places VMs: vmnet_auth_store_set_vm_scope().
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_set_vm_scope (VmnetHost     *self,
                         VmnetVm       *vm,
                         const gchar   *scope,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return vmnet_host_run_boolean (self, &scope_op, prepare_scope (vm, scope), (GDestroyNotify) vm_change_data_free,
                                 cancellable, error);
}

/**
 * vmnet_host_set_vm_scope_async:
 * @self: a #VmnetHost
 * @vm: one of the host's VMs
 * @scope: (nullable): the authorization scope, %NULL or
 *   %VMNET_AUTH_DEFAULT_SCOPE for the default scope
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_set_vm_scope().
 *
 * Since: 0.1
 */
void
vmnet_host_set_vm_scope_async (VmnetHost           *self,
                               VmnetVm             *vm,
                               const gchar         *scope,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (VMNET_IS_VM (vm));

  vmnet_host_run_async (self, &scope_op, prepare_scope (vm, scope), (GDestroyNotify) vm_change_data_free, NULL,
                        vmnet_host_set_vm_scope_async, cancellable, callback, user_data);
}

/**
 * vmnet_host_set_vm_scope_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_set_vm_scope_async().
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_set_vm_scope_finish (VmnetHost     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return vmnet_host_run_finish_boolean (self, result, vmnet_host_set_vm_scope_async, error);
}
