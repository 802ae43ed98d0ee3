/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmnetd's D-Bus API (doc/dbus.md): the reconciler's host served as an
 * ObjectManager, its objects' properties copied after every pass (the
 * skeletons emit PropertiesChanged for what changed), objects added and
 * removed as they come and go; the methods, each authorized by polkit with
 * the libvirt action and details libvirt itself would check. */
#include <string.h>
#include "vmnetd-dbus.h"
#include "vmnetd-dbus-generated.h"

#define LOG_DOMAIN "vmnetd"

#define POLKIT_NAME      "org.freedesktop.PolicyKit1"
#define POLKIT_PATH      "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_INTERFACE "org.freedesktop.PolicyKit1.Authority"

struct _VmnetdBus {
  GBusType                  bus_type;
  guint                     owner_id;
  GDBusConnection          *connection;   /* once the bus is acquired */
  GDBusObjectManagerServer *manager;
  VmnetDBusObjectSkeleton  *host_object;
  GHashTable               *objects;      /* path -> Exported */
  VmnetHost                *host;         /* the one last synced, or NULL */
  guint                     pass;         /* marks what the running sync has seen */
};

typedef struct {
  VmnetDBusObjectSkeleton *object;
  GObject                 *source;      /* the library's object */
  gchar                   *vm_uuid;     /* a network adapter's VM */
  guint                    pass;
} Exported;

static void
exported_free (Exported *e)
{
  g_clear_object (&e->object);
  g_clear_object (&e->source);
  g_free (e->vm_uuid);
  g_free (e);
}

/* D-Bus error names for VmnetError codes, in code order. */
static const gchar *const error_names[] = {
  "Failed", "NotFound", "InvalidArgument", "NotSupported", "AlreadyExists", "Busy",
  "NoResources", "AccessDenied", "RemoteUnsupported", "BackendUnavailable", "InvalidData",
};

static void
register_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_names); i++)
    {
      g_autofree gchar *name = g_strconcat (VMNETD_BUS_NAME ".Error.", error_names[i], NULL);
      g_dbus_error_register_error (VMNET_ERROR, (gint) i, name);
    }
}

/* Copies every property the skeleton has from the library's object of the
 * same name: enums as their nicks, unset strings as "", unset lists as
 * empty ones. The skeleton emits PropertiesChanged for what changed. */
static void
copy_properties (GObject *from, gpointer skeleton)
{
  GObject *to = G_OBJECT (skeleton);
  guint n = 0;
  g_autofree GParamSpec **specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (to), &n);

  for (guint i = 0; i < n; i++)
    {
      GParamSpec *src = g_object_class_find_property (G_OBJECT_GET_CLASS (from), specs[i]->name);
      g_auto(GValue) in = G_VALUE_INIT;
      g_auto(GValue) out = G_VALUE_INIT;

      if (!src || !(specs[i]->flags & G_PARAM_WRITABLE))
        continue;
      g_value_init (&in, src->value_type);
      g_object_get_property (from, specs[i]->name, &in);
      g_value_init (&out, specs[i]->value_type);
      if (G_VALUE_HOLDS_ENUM (&in) && G_VALUE_HOLDS_STRING (&out))
        {
          g_autoptr(GEnumClass) klass = g_type_class_ref (src->value_type);
          GEnumValue *ev = g_enum_get_value (klass, g_value_get_enum (&in));
          g_value_set_string (&out, ev ? ev->value_nick : "unknown");
        }
      else if (G_VALUE_HOLDS_STRING (&in) && G_VALUE_HOLDS_STRING (&out))
        g_value_set_string (&out, g_value_get_string (&in) ? g_value_get_string (&in) : "");
      else if (G_VALUE_HOLDS (&out, G_TYPE_STRV) && G_VALUE_HOLDS (&in, G_TYPE_STRV))
        {
          static const gchar *const none[] = { NULL };
          g_value_set_boxed (&out, g_value_get_boxed (&in) ? g_value_get_boxed (&in) : none);
        }
      else if (!g_value_transform (&in, &out))
        {
          g_warning ("D-Bus property '%s' cannot hold a %s", specs[i]->name, g_type_name (src->value_type));
          continue;
        }
      g_object_set_property (to, specs[i]->name, &out);
    }
}

/* A switch's path, as lookup_or_export() makes it. */
static gchar *
switch_path (const gchar *name)
{
  g_autofree gchar *escaped = g_dbus_escape_object_path (name);
  return g_strdup_printf (VMNETD_OBJECT_ROOT "/Switch/%s", escaped);
}

static Exported *
lookup_or_export (VmnetdBus *self, const gchar *kind, const gchar *key, GObject *source, gboolean *created)
{
  g_autofree gchar *escaped = g_dbus_escape_object_path (key);
  g_autofree gchar *path = g_strdup_printf (VMNETD_OBJECT_ROOT "/%s/%s", kind, escaped);
  Exported *e = g_hash_table_lookup (self->objects, path);

  *created = e == NULL;
  if (!e)
    {
      e = g_new0 (Exported, 1);
      e->object = vmnet_dbus_object_skeleton_new (path);
      g_hash_table_insert (self->objects, g_strdup (path), e);
    }
  if (e->source != source)
    g_set_object (&e->source, source);
  e->pass = self->pass;
  return e;
}

static gboolean handle_adapter_set (VmnetDBusNetworkAdapter *iface, GDBusMethodInvocation *invocation,
                                    GVariant *settings, VmnetdBus *self);
static gboolean handle_switch_remove (VmnetDBusSwitch *iface, GDBusMethodInvocation *invocation,
                                      gboolean force, VmnetdBus *self);

static void
sync_switches (VmnetdBus *self, VmnetHost *host)
{
  GListModel *list = vmnet_host_get_switches (host);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(VmnetSwitch) sw = g_list_model_get_item (list, i);
      gboolean created;
      Exported *e = lookup_or_export (self, "Switch", vmnet_switch_get_name (sw), G_OBJECT (sw), &created);

      if (created)
        {
          g_autoptr(VmnetDBusSwitch) iface = vmnet_dbus_switch_skeleton_new ();
          g_signal_connect (iface, "handle-remove", G_CALLBACK (handle_switch_remove), self);
          vmnet_dbus_object_skeleton_set_switch (e->object, iface);
        }
      copy_properties (G_OBJECT (sw), vmnet_dbus_object_peek_switch (VMNET_DBUS_OBJECT (e->object)));
      if (created)
        g_dbus_object_manager_server_export (self->manager, G_DBUS_OBJECT_SKELETON (e->object));
    }
}

static void
sync_pfs (VmnetdBus *self, VmnetHost *host)
{
  GListModel *list = vmnet_host_get_net_adapters_sriov (host);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(VmnetNetAdapterSriov) pf = g_list_model_get_item (list, i);
      GListModel *vfs = vmnet_net_adapter_sriov_get_virtual_functions (pf);
      gboolean created;
      Exported *e = lookup_or_export (self, "NetAdapterSriov", vmnet_net_adapter_sriov_get_pci_address (pf),
                                      G_OBJECT (pf), &created);

      if (created)
        {
          g_autoptr(VmnetDBusNetAdapterSriov) iface = vmnet_dbus_net_adapter_sriov_skeleton_new ();
          vmnet_dbus_object_skeleton_set_net_adapter_sriov (e->object, iface);
        }
      copy_properties (G_OBJECT (pf), vmnet_dbus_object_peek_net_adapter_sriov (VMNET_DBUS_OBJECT (e->object)));
      if (created)
        g_dbus_object_manager_server_export (self->manager, G_DBUS_OBJECT_SKELETON (e->object));

      for (guint j = 0; j < g_list_model_get_n_items (vfs); j++)
        {
          g_autoptr(VmnetVirtualFunction) vf = g_list_model_get_item (vfs, j);
          Exported *v = lookup_or_export (self, "VirtualFunction", vmnet_virtual_function_get_pci_address (vf),
                                          G_OBJECT (vf), &created);
          if (created)
            {
              g_autoptr(VmnetDBusVirtualFunction) iface = vmnet_dbus_virtual_function_skeleton_new ();
              vmnet_dbus_object_skeleton_set_virtual_function (v->object, iface);
            }
          copy_properties (G_OBJECT (vf), vmnet_dbus_object_peek_virtual_function (VMNET_DBUS_OBJECT (v->object)));
          if (created)
            g_dbus_object_manager_server_export (self->manager, G_DBUS_OBJECT_SKELETON (v->object));
        }
    }
}

static void
sync_adapters (VmnetdBus *self, VmnetHost *host)
{
  GListModel *vms = vmnet_host_get_vms (host);

  for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(VmnetVm) vm = g_list_model_get_item (vms, i);
      GListModel *adapters = vmnet_vm_get_network_adapters (vm);
      const gchar *uuid = vmnet_vm_get_uuid (vm) ? vmnet_vm_get_uuid (vm) : vmnet_vm_get_name (vm);

      for (guint j = 0; j < g_list_model_get_n_items (adapters); j++)
        {
          g_autoptr(VmnetNetworkAdapter) a = g_list_model_get_item (adapters, j);
          const gchar *mac = vmnet_network_adapter_get_mac_address (a);
          g_autofree gchar *key = g_strdup_printf ("%s/%s", uuid, mac ? mac : vmnet_network_adapter_get_name (a));
          gboolean created;
          Exported *e = lookup_or_export (self, "NetworkAdapter", key, G_OBJECT (a), &created);
          VmnetDBusNetworkAdapter *iface;

          if (created)
            {
              g_autoptr(VmnetDBusNetworkAdapter) skeleton = vmnet_dbus_network_adapter_skeleton_new ();
              g_signal_connect (skeleton, "handle-set", G_CALLBACK (handle_adapter_set), self);
              vmnet_dbus_object_skeleton_set_network_adapter (e->object, skeleton);
            }
          iface = vmnet_dbus_object_peek_network_adapter (VMNET_DBUS_OBJECT (e->object));
          copy_properties (G_OBJECT (a), iface);
          vmnet_dbus_network_adapter_set_vm_id (iface, vmnet_vm_get_uuid (vm) ? vmnet_vm_get_uuid (vm) : "");
          if (g_strcmp0 (e->vm_uuid, vmnet_vm_get_uuid (vm)) != 0)
            {
              g_free (e->vm_uuid);
              e->vm_uuid = g_strdup (vmnet_vm_get_uuid (vm));
            }
          if (created)
            g_dbus_object_manager_server_export (self->manager, G_DBUS_OBJECT_SKELETON (e->object));
        }
    }
}

/* PropertiesChanged now rather than from an idle callback: a method's reply
 * then follows the signals for what it changed. */
static void
flush (VmnetDBusObjectSkeleton *object)
{
  g_autolist(GDBusInterface) ifaces = g_dbus_object_get_interfaces (G_DBUS_OBJECT (object));

  for (GList *l = ifaces; l; l = l->next)
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (l->data));
}

/**
 * vmnetd_bus_sync:
 * @host: (nullable): the reconciler's host, %NULL while not connected
 *
 * Brings the exported objects in line with @host's: new ones exported, gone
 * ones removed, properties copied (PropertiesChanged for what changed).
 */
void
vmnetd_bus_sync (VmnetdBus *self, VmnetHost *host)
{
  VmnetDBusHost *host_iface = vmnet_dbus_object_peek_host (VMNET_DBUS_OBJECT (self->host_object));
  GHashTableIter iter;
  gpointer path, value;

  if (self->host != host)
    g_set_object (&self->host, host);
  self->pass++;
  vmnet_dbus_host_set_connected (host_iface, host != NULL);
  if (host)
    {
      copy_properties (G_OBJECT (host), host_iface);
      sync_switches (self, host);
      sync_pfs (self, host);
      sync_adapters (self, host);
    }
  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, &path, &value))
    {
      Exported *e = value;

      if (e->pass == self->pass)
        {
          flush (e->object);
          continue;
        }
      g_dbus_object_manager_server_unexport (self->manager, path);
      g_hash_table_iter_remove (&iter);
    }
  flush (self->host_object);
}

/* Authorization: polkit decides, with libvirt's actions and details. */

typedef void (*AuthorizedFunc) (VmnetdBus *self, GDBusMethodInvocation *invocation, gpointer data);

/* One permission libvirt would check, with its attributes. */
typedef struct {
  gchar  *permission;   /* libvirt's, e.g. "domain.write" */
  gchar **details;      /* name, value, name, value, …, NULL */
  gchar  *object;       /* what is acted on, in words */
} AuthCheck;

static void
auth_check_free (AuthCheck *c)
{
  g_free (c->permission);
  g_strfreev (c->details);
  g_free (c->object);
  g_free (c);
}

static void
add_check (GPtrArray *checks, const gchar *permission, const gchar *object, const gchar *const *details)
{
  AuthCheck *c = g_new0 (AuthCheck, 1);

  c->permission = g_strdup (permission);
  c->details = g_strdupv ((gchar **) details);
  c->object = g_strdup (object);
  g_ptr_array_add (checks, c);
}

typedef struct {
  VmnetdBus             *bus;
  GDBusMethodInvocation *invocation;
  GPtrArray             *checks;      /* (element-type AuthCheck): all must pass */
  guint                  next;
  gchar                 *context;     /* the error messages' prefix */
  AuthorizedFunc         func;
  gpointer               data;
  GDestroyNotify         data_free;
} AuthCall;

static void
auth_call_free (AuthCall *c)
{
  g_clear_object (&c->invocation);
  g_ptr_array_unref (c->checks);
  g_free (c->context);
  if (c->data_free)
    c->data_free (c->data);
  g_free (c);
}

/* The store's operation that covers a libvirt permission. */
static const gchar *
operation_for (const gchar *permission)
{
  const gchar *const *ops = vmnet_auth_get_operations ();

  for (guint i = 0; ops[i]; i++)
    {
      const gchar *const *perms = vmnet_auth_operation_get_permissions (ops[i]);
      if (perms && g_strv_contains (perms, permission))
        return ops[i];
    }
  return permission;
}

static void
deny (AuthCall *c, const AuthCheck *check, const gchar *why)
{
  g_dbus_method_invocation_return_error (c->invocation, VMNET_ERROR, VMNET_ERROR_ACCESS_DENIED,
                                         "%s: access denied: the operation '%s' on %s is not granted to "
                                         "this user (%s)", c->context, operation_for (check->permission),
                                         check->object, why);
  g_clear_object (&c->invocation);
}

static void check_next (AuthCall *c);

static void
check_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AuthCall *c = user_data;
  const AuthCheck *check = g_ptr_array_index (c->checks, c->next);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  gboolean authorized = FALSE, challenge = FALSE;
  g_autofree gchar *action = g_strconcat ("org.libvirt.api.", check->permission, NULL);

  if (reply)
    g_variant_get (reply, "((bb@a{ss}))", &authorized, &challenge, NULL);
  if (authorized)
    {
      c->next++;
      check_next (c);
      return;
    }
  if (error)
    {
      g_autofree gchar *why = g_strdup_printf ("polkit could not decide on %s: %s", action, error->message);
      deny (c, check, why);
    }
  else
    {
      g_autofree gchar *why = g_strdup_printf ("polkit refused %s%s", action,
                                               challenge ? " without authentication" : "");
      deny (c, check, why);
    }
  auth_call_free (c);
}

/* The next check, or the method once all passed. */
static void
check_next (AuthCall *c)
{
  const AuthCheck *check;
  GVariantBuilder subject, attrs;
  gboolean interactive;
  g_autofree gchar *action = NULL;

  if (c->next >= c->checks->len)
    {
      c->func (c->bus, g_steal_pointer (&c->invocation), c->data);
      auth_call_free (c);
      return;
    }
  check = g_ptr_array_index (c->checks, c->next);
  action = g_strconcat ("org.libvirt.api.", check->permission, NULL);
  g_variant_builder_init (&subject, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&subject, "{sv}", "name",
                         g_variant_new_string (g_dbus_method_invocation_get_sender (c->invocation)));
  g_variant_builder_init (&attrs, G_VARIANT_TYPE ("a{ss}"));
  for (guint i = 0; check->details[i] && check->details[i + 1]; i += 2)
    g_variant_builder_add (&attrs, "{ss}", check->details[i], check->details[i + 1]);
  /* The caller's message says whether it may wait for an authentication dialog. */
  interactive = (g_dbus_message_get_flags (g_dbus_method_invocation_get_message (c->invocation)) &
                 G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION) != 0;
  g_dbus_connection_call (c->bus->connection, POLKIT_NAME, POLKIT_PATH, POLKIT_INTERFACE, "CheckAuthorization",
                          g_variant_new ("((sa{sv})sa{ss}us)", "system-bus-name", &subject, action, &attrs,
                                         interactive ? 1u : 0u, ""),
                          G_VARIANT_TYPE ("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE,
                          interactive ? G_MAXINT : -1, NULL, check_done, c);
}

/* Asks polkit, one after the other, whether the caller may do each of
 * @checks (what libvirt would check for the same change); @func runs, with
 * the invocation, when all pass. On a session bus, which only the user's
 * own processes reach, nothing is asked. */
static void
authorize (VmnetdBus             *self,
           GDBusMethodInvocation *invocation,
           GPtrArray             *checks,
           const gchar           *context,
           AuthorizedFunc         func,
           gpointer               data,
           GDestroyNotify         data_free)
{
  AuthCall *c = g_new0 (AuthCall, 1);

  c->bus = self;
  c->invocation = invocation;
  c->checks = checks;
  c->next = self->bus_type == G_BUS_TYPE_SESSION ? checks->len : 0;
  c->context = g_strdup (context);
  c->func = func;
  c->data = data;
  c->data_free = data_free;
  check_next (c);
}

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

static gboolean
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

static gboolean
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

static gboolean
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

/* The bus and the name. */

static void
on_bus_acquired (GDBusConnection *connection, const gchar *name, gpointer user_data)
{
  VmnetdBus *self = user_data;

  g_set_object (&self->connection, connection);
  g_dbus_object_manager_server_set_connection (self->manager, connection);
}

static void
on_name_acquired (GDBusConnection *connection, const gchar *name, gpointer user_data)
{
  g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "VMNET_EVENT", "bus-name",
                    "MESSAGE", "serving %s on the %s bus", name,
                    ((VmnetdBus *) user_data)->bus_type == G_BUS_TYPE_SESSION ? "session" : "system");
}

static void
on_name_lost (GDBusConnection *connection, const gchar *name, gpointer user_data)
{
  /* Reconciling goes on without the API. */
  g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_WARNING, "VMNET_EVENT", "bus-name-lost",
                    "MESSAGE", connection ? "not serving %s: the name is taken or not allowed by the bus policy"
                                          : "not serving %s: no connection to the bus", name);
}

VmnetdBus *
vmnetd_bus_new (GBusType bus_type)
{
  VmnetdBus *self = g_new0 (VmnetdBus, 1);
  g_autoptr(VmnetDBusHost) host_iface = vmnet_dbus_host_skeleton_new ();
  static const gchar *const none[] = { NULL };

  register_errors ();
  self->bus_type = bus_type;
  self->objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) exported_free);
  self->manager = g_dbus_object_manager_server_new (VMNETD_OBJECT_ROOT);
  self->host_object = vmnet_dbus_object_skeleton_new (VMNETD_OBJECT_ROOT "/Host");
  /* Strings and lists are never NULL on the bus. */
  g_object_set (host_iface, "uri", "", "resolved-uri", "", "computer-name", "", "hypervisor", "",
                "hypervisor-version", "", "libvirt-version", "", "iov-support", "unknown",
                "iov-support-reasons", none, NULL);
  g_signal_connect (host_iface, "handle-new-switch", G_CALLBACK (handle_new_switch), self);
  vmnet_dbus_object_skeleton_set_host (self->host_object, host_iface);
  g_dbus_object_manager_server_export (self->manager, G_DBUS_OBJECT_SKELETON (self->host_object));
  self->owner_id = g_bus_own_name (bus_type, VMNETD_BUS_NAME, G_BUS_NAME_OWNER_FLAGS_NONE,
                                   on_bus_acquired, on_name_acquired, on_name_lost, self, NULL);
  return self;
}

void
vmnetd_bus_free (VmnetdBus *self)
{
  if (!self)
    return;
  g_bus_unown_name (self->owner_id);
  g_hash_table_unref (self->objects);
  g_clear_object (&self->host_object);
  g_clear_object (&self->manager);
  g_clear_object (&self->connection);
  g_clear_object (&self->host);
  g_free (self);
}
