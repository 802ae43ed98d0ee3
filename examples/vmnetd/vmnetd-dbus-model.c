/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmnetd's Host.GetModel, Host.ModelChanged and Host.Sync (doc/dbus.md):
 * the host's model serialized once per change and per set of objects that
 * callers see (VMs, switches, PFs and VFs), then handed to every caller with
 * that set as it is; callers that see everything (root) share the whole
 * one. */
#include <string.h>
#include "vmnetd-dbus-private.h"

#define HOST_PATH      VMNETD_OBJECT_ROOT "/Host"
#define HOST_INTERFACE VMNETD_BUS_NAME ".Host"

typedef enum { SEEN_VM, SEEN_SWITCH, SEEN_DEVICE, N_SEEN } SeenKind;

/* What decides whether a caller sees a VM, a switch, a PF or a VF: what it
 * decides for the objects served for it (vmnetd-dbus.c: a VM's network
 * adapters, the Switch, the NetAdapterSriov, the VirtualFunction), so that
 * their answers are shared. */
typedef struct {
  SeenKind   kind;
  gchar     *id;      /* the model's key: a VM's UUID (its name when it has none), a switch's name, a PCI address */
  gchar     *key;
  AuthCheck *check;
} Seen;

struct _VmnetdModel {
  guint64     generation;
  GVariant   *host;      /* a{sv}: the Host object's properties, HostRoot */
  GBytes     *full;      /* the whole model, serialized; empty while there is no host */
  GPtrArray  *seen;      /* (element-type Seen) */
  GHashTable *filtered;  /* checksum of what a caller sees -> GBytes, for this generation */
  GPtrArray  *sync_now;  /* (element-type GDBusMethodInvocation): Sync calls the running read answers */
  GPtrArray  *sync_next; /* (element-type GDBusMethodInvocation): Sync calls since it began */
};

static void
seen_free (Seen *v)
{
  g_free (v->id);
  g_free (v->key);
  auth_check_free (v->check);
  g_free (v);
}

VmnetdModel *
vmnetd_model_new (void)
{
  VmnetdModel *m = g_new0 (VmnetdModel, 1);

  m->seen = g_ptr_array_new_with_free_func ((GDestroyNotify) seen_free);
  m->filtered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  m->sync_next = g_ptr_array_new_with_free_func (g_object_unref);
  return m;
}

void
vmnetd_model_free (VmnetdModel *m)
{
  if (!m)
    return;
  g_clear_pointer (&m->host, g_variant_unref);
  g_clear_pointer (&m->full, g_bytes_unref);
  g_ptr_array_unref (m->seen);
  g_hash_table_unref (m->filtered);
  g_clear_pointer (&m->sync_now, g_ptr_array_unref);
  g_ptr_array_unref (m->sync_next);
  g_free (m);
}

/* The Host object's properties, with the host's file root. */
static GVariant *
host_properties (Exported *host_e, VmnetHost *host)
{
  g_autoptr(GVariant) props = g_dbus_interface_skeleton_get_properties (host_e->iface);
  const gchar *root = host ? vmnet_host_get_host_root (host) : NULL;
  GVariantBuilder b;
  GVariantIter iter;
  const gchar *name;
  GVariant *value;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, props);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
    g_variant_builder_add (&b, "{sv}", name, value);
  g_variant_builder_add (&b, "{sv}", "HostRoot", g_variant_new_string (root ? root : ""));
  return g_variant_ref_sink (g_variant_builder_end (&b));
}

static void
add_seen (VmnetdBus *self, SeenKind kind, const gchar *id, const gchar *permission, const gchar *words,
          const gchar *const *details)
{
  Seen *v = g_new0 (Seen, 1);

  v->kind = kind;
  v->id = g_strdup (id);
  v->key = visibility_key (permission, details);
  v->check = auth_check_new (permission, words, details);
  g_ptr_array_add (self->model->seen, v);
}

static void
device_seen (VmnetdBus *self, const gchar *pci)
{
  g_autofree gchar *device = node_device_name (pci);
  g_autofree gchar *words = g_strdup_printf ("node device '%s'", device);

  add_seen (self, SEEN_DEVICE, pci, "node-device.getattr", words,
            (const gchar *const[]) { "connect_driver", driver_of (self), "node_device_name", device, NULL });
}

/* With the same permission and details as the objects of vmnetd-dbus.c. */
static void
seen_sync (VmnetdBus *self, VmnetHost *host)
{
  GListModel *vms = host ? vmnet_host_get_vms (host) : NULL;
  GListModel *switches = host ? vmnet_host_get_switches (host) : NULL;
  GListModel *pfs = host ? vmnet_host_get_net_adapters_sriov (host) : NULL;

  g_ptr_array_set_size (self->model->seen, 0);
  for (guint i = 0; vms && i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(VmnetVm) vm = g_list_model_get_item (vms, i);
      const gchar *name = vmnet_vm_get_name (vm);
      const gchar *uuid = vmnet_vm_get_uuid (vm);
      g_autofree gchar *words = g_strdup_printf ("VM '%s'", name);

      add_seen (self, SEEN_VM, uuid ? uuid : name, "domain.getattr", words,
                (const gchar *const[]) { "connect_driver", driver_of (self), "domain_name", name,
                                         "domain_uuid", uuid ? uuid : "", NULL });
    }
  for (guint i = 0; switches && i < g_list_model_get_n_items (switches); i++)
    {
      g_autoptr(VmnetSwitch) sw = g_list_model_get_item (switches, i);
      const gchar *name = vmnet_switch_get_name (sw);
      g_autofree gchar *words = g_strdup_printf ("network '%s'", name);

      add_seen (self, SEEN_SWITCH, name, "network.getattr", words,
                (const gchar *const[]) { "connect_driver", driver_of (self), "network_name", name, NULL });
    }
  for (guint i = 0; pfs && i < g_list_model_get_n_items (pfs); i++)
    {
      g_autoptr(VmnetNetAdapterSriov) pf = g_list_model_get_item (pfs, i);
      GListModel *vfs = vmnet_net_adapter_sriov_get_virtual_functions (pf);

      device_seen (self, vmnet_net_adapter_sriov_get_pci_address (pf));
      for (guint j = 0; j < g_list_model_get_n_items (vfs); j++)
        {
          g_autoptr(VmnetVirtualFunction) vf = g_list_model_get_item (vfs, j);

          device_seen (self, vmnet_virtual_function_get_pci_address (vf));
        }
    }
}

static void
announce_changed (VmnetdBus *self)
{
  Exported *host_e = g_hash_table_lookup (self->objects, HOST_PATH);

  if (g_hash_table_size (self->peers) > 0)
    announce (self, host_e, HOST_PATH, HOST_INTERFACE, "ModelChanged",
              g_variant_new ("(t)", self->model->generation));
}

/* The model serialized, and what decides who sees each part of it. */
static void
model_fill (VmnetdBus *self)
{
  VmnetdModel *m = self->model;

  if (m->full)
    return;
  if (self->host)
    {
      g_autoptr(GVariant) model = vmnet_host_dup_model_variant (self->host, NULL, NULL, NULL);
      m->full = g_variant_get_data_as_bytes (model);
    }
  else
    m->full = g_bytes_new (NULL, 0);
  seen_sync (self, self->host);
}

/* After every sync of the objects (each pass, each method before its
 * reply): a new generation when the model or the host's properties
 * changed, announced with ModelChanged. With no caller on the bus, nobody
 * is told and the model is serialized when it is first asked for. */
void
model_sync (VmnetdBus *self, VmnetHost *host, Exported *host_e)
{
  VmnetdModel *m = self->model;
  g_autoptr(GVariant) props = host_properties (host_e, host);
  g_autoptr(GBytes) full = NULL;

  if (g_hash_table_size (self->peers) == 0)
    {
      m->generation++;
      g_clear_pointer (&m->host, g_variant_unref);
      m->host = g_steal_pointer (&props);
      g_clear_pointer (&m->full, g_bytes_unref);
      g_hash_table_remove_all (m->filtered);
      return;
    }
  if (host)
    {
      g_autoptr(GVariant) model = vmnet_host_dup_model_variant (host, NULL, NULL, NULL);
      full = g_variant_get_data_as_bytes (model);
    }
  else
    full = g_bytes_new (NULL, 0);
  if (m->full && g_bytes_equal (m->full, full) && g_variant_equal (m->host, props))
    return;
  m->generation++;
  g_clear_pointer (&m->host, g_variant_unref);
  m->host = g_steal_pointer (&props);
  g_clear_pointer (&m->full, g_bytes_unref);
  m->full = g_steal_pointer (&full);
  g_hash_table_remove_all (m->filtered);
  seen_sync (self, host);
  g_debug ("model generation %" G_GUINT64_FORMAT ": %zu bytes", m->generation, g_bytes_get_size (m->full));
  announce_changed (self);
}

/* What each caller sees may have changed: a new generation. */
void
model_rules_changed (VmnetdBus *self)
{
  self->model->generation++;
  g_hash_table_remove_all (self->model->filtered);
  announce_changed (self);
}

static void
reply (VmnetdModel *m, GDBusMethodInvocation *invocation, GBytes *bytes)
{
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(t@a{sv}@ay)", m->generation, m->host,
                                                        g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING,
                                                                                  bytes, TRUE)));
}

/* The model with what @p sees, serialized once per generation for all
 * callers that see the same. */
static void
get_model_run (VmnetdBus *self, Peer *p, gpointer data)
{
  GDBusMethodInvocation *invocation = data;
  VmnetdModel *m = self->model;
  g_autoptr(GPtrArray) vms = g_ptr_array_new ();
  g_autoptr(GPtrArray) switches = g_ptr_array_new ();
  g_autoptr(GPtrArray) devices = g_ptr_array_new ();
  GPtrArray *ids[N_SEEN] = { vms, switches, devices };
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint shown = 0;
  GBytes *bytes;

  model_fill (self);
  for (guint i = 0; i < m->seen->len; i++)
    {
      const Seen *v = g_ptr_array_index (m->seen, i);
      gchar kind = '0' + v->kind;

      /* An object that came while polkit was asked is not shown yet: ModelChanged follows. */
      if (peer_sees (p, v->key) != 1)
        continue;
      shown++;
      g_ptr_array_add (ids[v->kind], v->id);
      g_checksum_update (sum, (const guchar *) &kind, 1);
      g_checksum_update (sum, (const guchar *) v->id, -1);
      g_checksum_update (sum, (const guchar *) "\n", 1);
    }
  if (shown == m->seen->len || !self->host)
    {
      reply (m, g_object_ref (invocation), m->full);
      return;
    }
  bytes = g_hash_table_lookup (m->filtered, g_checksum_get_string (sum));
  if (!bytes)
    {
      g_autoptr(GVariant) model = NULL;

      for (guint k = 0; k < N_SEEN; k++)
        g_ptr_array_add (ids[k], NULL);
      model = vmnet_host_dup_model_variant (self->host, (const gchar *const *) vms->pdata,
                                            (const gchar *const *) switches->pdata,
                                            (const gchar *const *) devices->pdata);
      bytes = g_variant_get_data_as_bytes (model);
      g_hash_table_insert (m->filtered, g_strdup (g_checksum_get_string (sum)), bytes);
    }
  reply (m, g_object_ref (invocation), bytes);
}

gboolean
handle_get_model (VmnetDBusHost *iface, GDBusMethodInvocation *invocation, VmnetdBus *self)
{
  VmnetdModel *m = self->model;
  Peer *p = peer_get (self, g_dbus_method_invocation_get_sender (invocation));
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) checks = NULL;

  model_fill (self);
  if (peer_sees_all (p))
    {
      reply (m, invocation, m->full);
      return TRUE;
    }
  /* Answered once polkit decided on every object for this caller. */
  keys = g_ptr_array_new ();
  checks = g_ptr_array_new ();
  for (guint i = 0; i < m->seen->len; i++)
    {
      const Seen *v = g_ptr_array_index (m->seen, i);

      g_ptr_array_add (keys, v->key);
      g_ptr_array_add (checks, v->check);
    }
  peer_when_checks (self, p, keys, checks, get_model_run, invocation, g_object_unref);
  return TRUE;
}

/* Host.Sync: each call waits for a read of libvirt that began after it
 * came, and the objects and the model it made. */
static void sync_start (VmnetdBus *self);

static void
sync_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  VmnetdBus *self = user_data;
  VmnetdModel *m = self->model;
  g_autoptr(GPtrArray) calls = g_steal_pointer (&m->sync_now);
  g_autoptr(GError) error = NULL;

  if (vmnet_host_refresh_finish (VMNET_HOST (source), result, &error))
    {
      if (self->host == VMNET_HOST (source))
        vmnetd_bus_sync (self, self->host);
      else
        g_set_error_literal (&error, VMNET_ERROR, VMNET_ERROR_BACKEND_UNAVAILABLE,
                             "the connection to libvirt was made again during the read: call Sync again");
    }
  for (guint i = 0; i < calls->len; i++)
    {
      GDBusMethodInvocation *invocation = g_object_ref (g_ptr_array_index (calls, i));

      if (error)
        g_dbus_method_invocation_return_gerror (invocation, error);
      else
        g_dbus_method_invocation_return_value (invocation, g_variant_new ("(t)", m->generation));
    }
  g_object_unref (source);
  if (m->sync_next->len > 0)
    sync_start (self);
}

static void
sync_start (VmnetdBus *self)
{
  VmnetdModel *m = self->model;

  if (!self->host)
    {
      for (guint i = 0; i < m->sync_next->len; i++)
        g_dbus_method_invocation_return_error (g_object_ref (g_ptr_array_index (m->sync_next, i)), VMNET_ERROR,
                                               VMNET_ERROR_BACKEND_UNAVAILABLE, "not connected to libvirt");
      g_ptr_array_set_size (m->sync_next, 0);
      return;
    }
  m->sync_now = g_steal_pointer (&m->sync_next);
  m->sync_next = g_ptr_array_new_with_free_func (g_object_unref);
  vmnet_host_refresh_async (g_object_ref (self->host), NULL, sync_done, self);
}

gboolean
handle_sync (VmnetDBusHost *iface, GDBusMethodInvocation *invocation, VmnetdBus *self)
{
  VmnetdModel *m = self->model;

  g_ptr_array_add (m->sync_next, g_object_ref (invocation));
  if (!m->sync_now)
    sync_start (self);
  return TRUE;
}
