/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmnetd's Host.GetModel and Host.ModelChanged (doc/dbus.md): the host's
 * model serialized once per change and per set of VMs that callers see,
 * then handed to every caller with that set as it is; callers that see
 * everything (root) share the whole one. */
#include <string.h>
#include "vmnetd-dbus-private.h"

#define HOST_PATH      VMNETD_OBJECT_ROOT "/Host"
#define HOST_INTERFACE VMNETD_BUS_NAME ".Host"

/* What decides whether a caller sees a VM: what it decides for the VM's
 * network adapters (vmnetd-dbus.c), so that their answers are shared. */
typedef struct {
  gchar     *uuid;    /* the model's key for it: its UUID, its name when it has none */
  gchar     *key;
  AuthCheck *check;
} VmSeen;

struct _VmnetdModel {
  guint64     generation;
  GVariant   *host;      /* a{sv}: the Host object's properties, HostRoot */
  GBytes     *full;      /* the whole model, serialized; empty while there is no host */
  GPtrArray  *vms;       /* (element-type VmSeen) */
  GHashTable *filtered;  /* checksum of the UUIDs a caller sees -> GBytes, for this generation */
};

static void
vm_seen_free (VmSeen *v)
{
  g_free (v->uuid);
  g_free (v->key);
  auth_check_free (v->check);
  g_free (v);
}

VmnetdModel *
vmnetd_model_new (void)
{
  VmnetdModel *m = g_new0 (VmnetdModel, 1);

  m->vms = g_ptr_array_new_with_free_func ((GDestroyNotify) vm_seen_free);
  m->filtered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  return m;
}

void
vmnetd_model_free (VmnetdModel *m)
{
  if (!m)
    return;
  g_clear_pointer (&m->host, g_variant_unref);
  g_clear_pointer (&m->full, g_bytes_unref);
  g_ptr_array_unref (m->vms);
  g_hash_table_unref (m->filtered);
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
vms_seen (VmnetdBus *self, VmnetHost *host)
{
  GListModel *vms = host ? vmnet_host_get_vms (host) : NULL;

  g_ptr_array_set_size (self->model->vms, 0);
  for (guint i = 0; vms && i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(VmnetVm) vm = g_list_model_get_item (vms, i);
      const gchar *name = vmnet_vm_get_name (vm);
      const gchar *uuid = vmnet_vm_get_uuid (vm);
      const gchar *const details[] = { "connect_driver", driver_of (self), "domain_name", name,
                                       "domain_uuid", uuid ? uuid : "", NULL };
      g_autofree gchar *words = g_strdup_printf ("VM '%s'", name);
      VmSeen *v = g_new0 (VmSeen, 1);

      v->uuid = g_strdup (uuid ? uuid : name);
      v->key = visibility_key ("domain.getattr", details);
      v->check = auth_check_new ("domain.getattr", words, details);
      g_ptr_array_add (self->model->vms, v);
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

/* After every sync of the objects (each pass, each method before its
 * reply): a new generation when the model or the host's properties
 * changed, announced with ModelChanged. */
void
model_sync (VmnetdBus *self, VmnetHost *host, Exported *host_e)
{
  VmnetdModel *m = self->model;
  g_autoptr(GVariant) props = host_properties (host_e, host);
  g_autoptr(GBytes) full = NULL;

  if (host)
    {
      g_autoptr(GVariant) model = vmnet_host_dup_model_variant (host, NULL);
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
  vms_seen (self, host);
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

/* The model with the VMs @p sees, serialized once per generation for all
 * callers that see the same VMs. */
static void
get_model_run (VmnetdBus *self, Peer *p, gpointer data)
{
  GDBusMethodInvocation *invocation = data;
  VmnetdModel *m = self->model;
  g_autoptr(GPtrArray) uuids = g_ptr_array_new ();
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  GBytes *bytes;

  for (guint i = 0; i < m->vms->len; i++)
    {
      const VmSeen *v = g_ptr_array_index (m->vms, i);

      /* A VM that came while polkit was asked is not shown yet: ModelChanged follows. */
      if (peer_sees (p, v->key) != 1)
        continue;
      g_ptr_array_add (uuids, v->uuid);
      g_checksum_update (sum, (const guchar *) v->uuid, -1);
      g_checksum_update (sum, (const guchar *) "\n", 1);
    }
  if (uuids->len == m->vms->len || !self->host)
    {
      reply (m, g_object_ref (invocation), m->full);
      return;
    }
  g_ptr_array_add (uuids, NULL);
  bytes = g_hash_table_lookup (m->filtered, g_checksum_get_string (sum));
  if (!bytes)
    {
      g_autoptr(GVariant) model = vmnet_host_dup_model_variant (self->host, (const gchar *const *) uuids->pdata);

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

  if (peer_sees_all (p))
    {
      reply (m, invocation, m->full);
      return TRUE;
    }
  /* Answered once polkit decided on every VM for this caller. */
  keys = g_ptr_array_new ();
  checks = g_ptr_array_new ();
  for (guint i = 0; i < m->vms->len; i++)
    {
      const VmSeen *v = g_ptr_array_index (m->vms, i);

      g_ptr_array_add (keys, v->key);
      g_ptr_array_add (checks, v->check);
    }
  peer_when_checks (self, p, keys, checks, get_model_run, invocation, g_object_unref);
  return TRUE;
}
