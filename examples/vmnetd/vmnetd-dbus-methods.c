/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmnetd's D-Bus methods (doc/dbus.md): NetworkAdapter.Set, Switch.Remove,
 * Host.NewSwitch and NetAdapterSriov.SetNumVFs, each checked with polkit as
 * libvirt would check the same change, then made through the library. */
#include <string.h>
#include "vmnetd-dbus-private.h"

/* NetworkAdapter.Set */

typedef struct {
  const gchar *key;
  const gchar *type;
  void       (*set_int) (VmnetAdapterSettings *settings, gint value);
  void       (*set_bool) (VmnetAdapterSettings *settings, gboolean value);
} SettingKey;

static const SettingKey setting_keys[] = {
  { "IovWeight", "u", vmnet_adapter_settings_set_iov_weight, NULL },
  { "IovQueuePairsRequested", "u", vmnet_adapter_settings_set_iov_queue_pairs_requested, NULL },
  { "IovInterruptModeration", "s", NULL, NULL },
  { "AllowTeaming", "b", NULL, vmnet_adapter_settings_set_allow_teaming },
  { "RouterGuard", "b", NULL, vmnet_adapter_settings_set_router_guard },
  { "DhcpGuard", "b", NULL, vmnet_adapter_settings_set_dhcp_guard },
  { "MacAddressSpoofing", "b", NULL, vmnet_adapter_settings_set_mac_address_spoofing },
  { "VlanId", "i", vmnet_adapter_settings_set_vlan_id, NULL },
};

static gchar *
setting_keys_list (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (setting_keys); i++)
    g_string_append_printf (s, "%s%s (%s)", i ? ", " : "", setting_keys[i].key, setting_keys[i].type);
  return g_string_free (s, FALSE);
}

static gchar *
enum_nicks (GType type)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    g_string_append_printf (s, "%s'%s'", i ? ", " : "", klass->values[i].value_nick);
  return g_string_free (s, FALSE);
}

/* The settings argument, checked as a whole before anything is done. */
static VmnetAdapterSettings *
parse_settings (GVariant *dict, GError **error)
{
  g_autoptr(VmnetAdapterSettings) settings = vmnet_adapter_settings_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GVariantIter iter;
  const gchar *key;
  GVariant *value;

  if (g_variant_n_children (dict) == 0)
    {
      g_autofree gchar *keys = setting_keys_list ();
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "settings: nothing to change; give at least one of %s", keys);
      return NULL;
    }
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      const SettingKey *k = NULL;

      for (guint i = 0; !k && i < G_N_ELEMENTS (setting_keys); i++)
        if (g_str_equal (key, setting_keys[i].key))
          k = &setting_keys[i];
      if (!k)
        {
          g_autofree gchar *keys = setting_keys_list ();
          g_autofree gchar *shown = g_strescape (key, NULL);
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                       "settings: unknown key '%.64s'; keys are %s", shown, keys);
          g_variant_unref (value);
          return NULL;
        }
      if (!g_hash_table_add (seen, (gpointer) k->key))
        {
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                       "settings: '%s' is given twice", k->key);
          g_variant_unref (value);
          return NULL;
        }
      if (!g_str_equal (g_variant_get_type_string (value), k->type))
        {
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                       "settings: '%s' must be of type '%s', not '%.16s'", k->key, k->type,
                       g_variant_get_type_string (value));
          g_variant_unref (value);
          return NULL;
        }
      if (g_str_equal (k->type, "u"))
        {
          guint32 n = g_variant_get_uint32 (value);
          /* The library's range check names the allowed values; only what an
           * int cannot hold is refused here. */
          if (n > G_MAXINT)
            {
              g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                           "settings: '%s' %u is out of range", k->key, n);
              g_variant_unref (value);
              return NULL;
            }
          k->set_int (settings, (gint) n);
        }
      else if (g_str_equal (k->type, "i"))
        k->set_int (settings, g_variant_get_int32 (value));
      else if (g_str_equal (k->type, "b"))
        k->set_bool (settings, g_variant_get_boolean (value));
      else
        {
          g_autoptr(GEnumClass) klass = g_type_class_ref (VMNET_TYPE_IOV_INTERRUPT_MODERATION);
          const gchar *nick = g_variant_get_string (value, NULL);
          GEnumValue *ev = g_enum_get_value_by_nick (klass, nick);

          if (!ev)
            {
              g_autofree gchar *nicks = enum_nicks (VMNET_TYPE_IOV_INTERRUPT_MODERATION);
              g_autofree gchar *shown = g_strescape (nick, NULL);
              g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                           "settings: '%s' '%.64s' is not one of %s", k->key, shown, nicks);
              g_variant_unref (value);
              return NULL;
            }
          vmnet_adapter_settings_set_iov_interrupt_moderation (settings, ev->value);
        }
    }
  return g_steal_pointer (&settings);
}

typedef struct {
  gchar                *path;
  gchar                *context;
  VmnetAdapterSettings *settings;
} SetCall;

static void
set_call_free (SetCall *s)
{
  g_free (s->path);
  g_free (s->context);
  g_clear_object (&s->settings);
  g_free (s);
}

typedef struct {
  VmnetdBus             *bus;
  GDBusMethodInvocation *invocation;
  gchar                 *context;
} SetDone;

static void
set_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SetDone *d = user_data;
  g_autoptr(GError) error = NULL;

  if (!vmnet_host_set_network_adapter_finish (VMNET_HOST (source), result, &error))
    {
      gsize n = strlen (d->context);

      /* A value out of range: the argument is named, as for the checks here. */
      if (g_error_matches (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT) &&
          strncmp (error->message, d->context, n) == 0 && strncmp (error->message + n, ": ", 2) == 0)
        {
          g_autofree gchar *rest = g_strdup (error->message + n + 2);
          g_free (error->message);
          error->message = g_strdup_printf ("%s: settings: %s", d->context, rest);
        }
      g_dbus_method_invocation_return_gerror (d->invocation, error);
    }
  else
    {
      /* The host shows the change: so do the properties, before the reply. */
      if (d->bus->host == VMNET_HOST (source))
        vmnetd_bus_sync (d->bus, d->bus->host);
      g_dbus_method_invocation_return_value (d->invocation, NULL);
    }
  g_object_unref (d->invocation);
  g_free (d->context);
  g_free (d);
}

static void
set_authorized (VmnetdBus *self, GDBusMethodInvocation *invocation, gpointer data)
{
  SetCall *s = data;
  Exported *e = g_hash_table_lookup (self->objects, s->path);
  SetDone *d;

  /* The adapter may have gone while polkit was asked. */
  if (!e || !self->host)
    {
      g_dbus_method_invocation_return_error (invocation, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                                             "%s: the network adapter is gone", s->path);
      g_object_unref (invocation);
      return;
    }
  d = g_new0 (SetDone, 1);
  d->bus = self;
  d->invocation = invocation;
  d->context = g_strdup (s->context);
  vmnet_host_set_network_adapter_async (self->host, VMNET_NETWORK_ADAPTER (e->source), s->settings, NULL,
                                        set_done, d);
}

gboolean
handle_adapter_set (VmnetDBusNetworkAdapter *iface, GDBusMethodInvocation *invocation,
                    GVariant *dict, VmnetdBus *self)
{
  const gchar *path = g_dbus_method_invocation_get_object_path (invocation);
  Exported *e = g_hash_table_lookup (self->objects, path);
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetAdapterSettings) settings = NULL;
  VmnetNetworkAdapter *adapter;
  const gchar *vm_name, *driver;
  g_autofree gchar *context = NULL;
  g_autofree gchar *object = NULL;
  GPtrArray *checks;
  SetCall *s;

  if (!e || !self->host)
    {
      g_dbus_method_invocation_return_error (invocation, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                                             "%s: the network adapter is gone", path);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  adapter = VMNET_NETWORK_ADAPTER (e->source);
  vm_name = vmnet_network_adapter_get_vm_name (adapter);
  context = g_strdup_printf ("adapter '%s' of VM '%s'", vmnet_network_adapter_get_name (adapter), vm_name);
  settings = parse_settings (dict, &error);
  if (!settings)
    {
      g_prefix_error (&error, "%s: ", context);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  driver = vmnet_host_get_hypervisor (self->host);
  object = g_strdup_printf ("VM '%s'", vm_name);
  s = g_new0 (SetCall, 1);
  s->path = g_strdup (path);
  s->context = g_strdup (context);
  s->settings = g_steal_pointer (&settings);
  /* What libvirt's polkit access driver sends for a change of a domain's
   * metadata. */
  checks = g_ptr_array_new_with_free_func ((GDestroyNotify) auth_check_free);
  add_check (checks, "domain.write", object,
             (const gchar *const[]) { "connect_driver", driver ? driver : "",
                                      "domain_name", vm_name ? vm_name : "",
                                      "domain_uuid", e->vm_uuid ? e->vm_uuid : "", NULL });
  authorize (self, g_object_ref (invocation), checks, context, set_authorized, s,
             (GDestroyNotify) set_call_free);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Switch.Remove */

typedef struct {
  VmnetdBus             *bus;
  GDBusMethodInvocation *invocation;
  gchar                 *path;
  gboolean               force;
} RemoveCall;

static void
remove_call_free (RemoveCall *r)
{
  g_clear_object (&r->invocation);
  g_free (r->path);
  g_free (r);
}

static void
remove_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RemoveCall *r = user_data;
  g_autoptr(GError) error = NULL;

  if (!vmnet_host_remove_switch_finish (VMNET_HOST (source), result, &error))
    g_dbus_method_invocation_return_gerror (g_steal_pointer (&r->invocation), error);
  else
    {
      /* The object goes before the reply. */
      if (r->bus->host == VMNET_HOST (source))
        vmnetd_bus_sync (r->bus, r->bus->host);
      g_dbus_method_invocation_return_value (g_steal_pointer (&r->invocation), NULL);
    }
  remove_call_free (r);
}

static void
remove_authorized (VmnetdBus *self, GDBusMethodInvocation *invocation, gpointer data)
{
  RemoveCall *r = data;
  Exported *e = g_hash_table_lookup (self->objects, r->path);
  RemoveCall *run;

  if (!e || !self->host)
    {
      g_dbus_method_invocation_return_error (invocation, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                                             "%s: the switch is gone", r->path);
      g_object_unref (invocation);
      return;
    }
  run = g_new0 (RemoveCall, 1);
  run->bus = self;
  run->invocation = invocation;
  run->path = g_strdup (r->path);
  vmnet_host_remove_switch_async (self->host, VMNET_SWITCH (e->source), r->force, NULL, remove_done, run);
}

gboolean
handle_switch_remove (VmnetDBusSwitch *iface, GDBusMethodInvocation *invocation,
                      gboolean force, VmnetdBus *self)
{
  const gchar *path = g_dbus_method_invocation_get_object_path (invocation);
  Exported *e = g_hash_table_lookup (self->objects, path);
  const gchar *driver, *names[2];
  g_autofree gchar *context = NULL;
  GPtrArray *checks;
  RemoveCall *r;

  if (!e || !self->host)
    {
      g_dbus_method_invocation_return_error (invocation, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                                             "%s: the switch is gone", path);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  driver = vmnet_host_get_hypervisor (self->host);
  names[0] = vmnet_switch_get_name (VMNET_SWITCH (e->source));
  names[1] = vmnet_switch_get_iov_pool_name (VMNET_SWITCH (e->source));
  context = g_strdup_printf ("switch '%s'", names[0]);
  /* libvirt checks network.stop to stop a network and network.delete to
   * undefine it, for the switch's network and its VF pool's. */
  checks = g_ptr_array_new_with_free_func ((GDestroyNotify) auth_check_free);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree gchar *object = NULL;

      if (!names[i] || !*names[i])
        continue;
      object = g_strdup_printf ("network '%s'", names[i]);
      for (guint p = 0; p < 2; p++)
        add_check (checks, p ? "network.delete" : "network.stop", object,
                   (const gchar *const[]) { "connect_driver", driver ? driver : "",
                                            "network_name", names[i], NULL });
    }
  r = g_new0 (RemoveCall, 1);
  r->path = g_strdup (path);
  r->force = force;
  authorize (self, g_object_ref (invocation), checks, context, remove_authorized, r,
             (GDestroyNotify) remove_call_free);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Host.NewSwitch */

typedef struct {
  VmnetdBus             *bus;
  GDBusMethodInvocation *invocation;
  gchar                 *name;
  gchar                 *net_adapter;
  gchar                 *bridge;
  gboolean               enable_iov;
} NewSwitchCall;

static void
new_switch_call_free (NewSwitchCall *n)
{
  g_clear_object (&n->invocation);
  g_free (n->name);
  g_free (n->net_adapter);
  g_free (n->bridge);
  g_free (n);
}

static void
new_switch_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  NewSwitchCall *n = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetSwitch) sw = vmnet_host_create_switch_finish (VMNET_HOST (source), result, &error);

  if (!sw)
    g_dbus_method_invocation_return_gerror (g_steal_pointer (&n->invocation), error);
  else
    {
      g_autofree gchar *path = switch_path (vmnet_switch_get_name (sw));

      /* The object exists before the reply. */
      if (n->bus->host == VMNET_HOST (source))
        vmnetd_bus_sync (n->bus, n->bus->host);
      g_dbus_method_invocation_return_value (g_steal_pointer (&n->invocation), g_variant_new ("(o)", path));
    }
  new_switch_call_free (n);
}

static void
new_switch_authorized (VmnetdBus *self, GDBusMethodInvocation *invocation, gpointer data)
{
  NewSwitchCall *n = data;
  NewSwitchCall *run;

  if (!self->host)
    {
      g_dbus_method_invocation_return_error (invocation, VMNET_ERROR, VMNET_ERROR_BACKEND_UNAVAILABLE,
                                             "switch '%s': not connected to libvirt", n->name);
      g_object_unref (invocation);
      return;
    }
  run = g_new0 (NewSwitchCall, 1);
  run->bus = self;
  run->invocation = invocation;
  vmnet_host_create_switch_async (self->host, n->name, *n->net_adapter ? n->net_adapter : NULL,
                                  *n->bridge ? n->bridge : NULL, n->enable_iov, NULL, new_switch_done, run);
}

gboolean
handle_new_switch (VmnetDBusHost *iface, GDBusMethodInvocation *invocation, const gchar *name,
                   const gchar *net_adapter, const gchar *bridge, gboolean enable_iov, VmnetdBus *self)
{
  const gchar *driver;
  g_autofree gchar *pool = NULL;
  g_autofree gchar *context = NULL;
  const gchar *names[2];
  GPtrArray *checks;
  NewSwitchCall *n;

  if (!self->host)
    {
      g_dbus_method_invocation_return_error (invocation, VMNET_ERROR, VMNET_ERROR_BACKEND_UNAVAILABLE,
                                             "not connected to libvirt");
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  /* The library checks the name as a whole; what goes to polkit and into
   * messages is kept short here. */
  if (!*name || strlen (name) > 255)
    {
      g_dbus_method_invocation_return_error (invocation, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                                             "name: a switch name has 1 to 255 bytes, not %" G_GSIZE_FORMAT,
                                             strlen (name));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  driver = vmnet_host_get_hypervisor (self->host);
  /* The VF pool's name, as vmnet_host_create_switch() documents it. */
  pool = g_strconcat (name, "-iov", NULL);
  names[0] = name;
  names[1] = enable_iov ? pool : NULL;
  context = g_strdup_printf ("switch '%s'", name);
  /* libvirt checks network.write and network.save to define a network (and
   * to mark it autostarted), network.start to start it. */
  checks = g_ptr_array_new_with_free_func ((GDestroyNotify) auth_check_free);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      static const gchar *const perms[] = { "network.write", "network.save", "network.start" };
      g_autofree gchar *object = NULL;

      if (!names[i])
        continue;
      object = g_strdup_printf ("network '%s'", names[i]);
      for (guint p = 0; p < G_N_ELEMENTS (perms); p++)
        add_check (checks, perms[p], object,
                   (const gchar *const[]) { "connect_driver", driver ? driver : "",
                                            "network_name", names[i], NULL });
    }
  n = g_new0 (NewSwitchCall, 1);
  n->name = g_strdup (name);
  n->net_adapter = g_strdup (net_adapter);
  n->bridge = g_strdup (bridge);
  n->enable_iov = enable_iov;
  authorize (self, g_object_ref (invocation), checks, context, new_switch_authorized, n,
             (GDestroyNotify) new_switch_call_free);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}


/* NetAdapterSriov.SetNumVFs */

typedef struct {
  VmnetdBus             *bus;
  GDBusMethodInvocation *invocation;
  gchar                 *path;
  gint                   num_vfs;
} NumVfsCall;

static void
num_vfs_call_free (NumVfsCall *n)
{
  g_clear_object (&n->invocation);
  g_free (n->path);
  g_free (n);
}

static void
num_vfs_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  NumVfsCall *n = user_data;
  g_autoptr(GError) error = NULL;

  if (!vmnet_host_set_net_adapter_sriov_num_vfs_finish (VMNET_HOST (source), result, &error))
    g_dbus_method_invocation_return_gerror (g_steal_pointer (&n->invocation), error);
  else
    {
      /* The adapter and its VFs show the count before the reply. */
      if (n->bus->host == VMNET_HOST (source))
        vmnetd_bus_sync (n->bus, n->bus->host);
      g_dbus_method_invocation_return_value (g_steal_pointer (&n->invocation), NULL);
    }
  num_vfs_call_free (n);
}

static void
num_vfs_authorized (VmnetdBus *self, GDBusMethodInvocation *invocation, gpointer data)
{
  NumVfsCall *n = data;
  Exported *e = g_hash_table_lookup (self->objects, n->path);
  NumVfsCall *run;

  if (!e || !self->host)
    {
      g_dbus_method_invocation_return_error (invocation, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                                             "%s: the adapter is gone", n->path);
      g_object_unref (invocation);
      return;
    }
  run = g_new0 (NumVfsCall, 1);
  run->bus = self;
  run->invocation = invocation;
  vmnet_host_set_net_adapter_sriov_num_vfs_async (self->host, VMNET_NET_ADAPTER_SRIOV (e->source), n->num_vfs,
                                                  NULL, num_vfs_done, run);
}

gboolean
handle_set_num_vfs (VmnetDBusNetAdapterSriov *iface, GDBusMethodInvocation *invocation,
                    guint num_vfs, VmnetdBus *self)
{
  const gchar *path = g_dbus_method_invocation_get_object_path (invocation);
  Exported *e = g_hash_table_lookup (self->objects, path);
  VmnetNetAdapterSriov *pf;
  g_autofree gchar *device = NULL;
  g_autofree gchar *object = NULL;
  g_autofree gchar *context = NULL;
  GPtrArray *checks;
  NumVfsCall *n;

  if (!e || !self->host)
    {
      g_dbus_method_invocation_return_error (invocation, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                                             "%s: the adapter is gone", path);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  pf = VMNET_NET_ADAPTER_SRIOV (e->source);
  context = g_strdup_printf ("adapter '%s'", vmnet_net_adapter_sriov_get_name (pf));
  /* The library names the allowed range; only what an int cannot hold is
   * refused here. */
  if (num_vfs > G_MAXINT)
    {
      g_dbus_method_invocation_return_error (invocation, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                                             "%s: num_vfs %u is out of range: allowed 0 to %d", context, num_vfs,
                                             vmnet_net_adapter_sriov_get_max_vfs (pf));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  device = node_device_name (vmnet_net_adapter_sriov_get_pci_address (pf));
  object = g_strdup_printf ("node device '%s'", device);
  /* libvirt has no call that changes a PCI device's VF count; the one that
   * changes a node device, virNodeDeviceDefineXML and the like, checks
   * node-device.write. */
  checks = g_ptr_array_new_with_free_func ((GDestroyNotify) auth_check_free);
  add_check (checks, "node-device.write", object,
             (const gchar *const[]) { "connect_driver", driver_of (self), "node_device_name", device, NULL });
  n = g_new0 (NumVfsCall, 1);
  n->path = g_strdup (path);
  n->num_vfs = (gint) num_vfs;
  authorize (self, g_object_ref (invocation), checks, context, num_vfs_authorized, n,
             (GDestroyNotify) num_vfs_call_free);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

