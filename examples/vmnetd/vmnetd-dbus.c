/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmnetd's D-Bus API (doc/dbus.md): the reconciler's host served as an
 * ObjectManager, its objects' properties copied after every pass, objects
 * added and removed as they come and go (what each caller may see, and the
 * methods' authorization: vmnetd-dbus-callers.c; what it reads of a
 * property that names a VM or switch: vmnetd-dbus-views.c; the methods:
 * vmnetd-dbus-methods.c, vmnetd-dbus-jobs.c, vmnetd-dbus-model.c).
 *
 * Each caller sees only what libvirt would show it (domain.getattr,
 * network.getattr, node-device.getattr, connect.getattr): the objects are
 * registered by hand rather than through GDBusObjectManagerServer, so that
 * GetManagedObjects, Get, GetAll, Introspect and the methods answer per
 * caller, and the signals go to each caller that called vmnetd, unicast, for
 * the objects it sees. polkit's answers are kept per caller until it leaves
 * the bus or polkit's rules change. */
#include <string.h>
#include "vmnetd-dbus-private.h"

#define PROPERTIES       "org.freedesktop.DBus.Properties"

/* The object kinds below the root, one subtree each. */
const gchar *const vmnetd_kinds[N_KINDS] = { "Switch", "NetAdapterSriov", "VirtualFunction", "NetworkAdapter" };

static void
exported_free (Exported *e)
{
  g_clear_object (&e->object);
  g_clear_object (&e->iface);
  g_clear_object (&e->source);
  g_free (e->vm_uuid);
  g_clear_pointer (&e->visible, auth_check_free);
  g_free (e->visible_key);
  g_clear_pointer (&e->names, g_ptr_array_unref);
  g_free (e);
}

/* What a caller's answer for @permission with @details is kept under. */
gchar *
visibility_key (const gchar *permission, const gchar *const *details)
{
  g_autofree gchar *joined = g_strjoinv ("\x1f", (gchar **) details);
  return g_strconcat (permission, "\x1f", joined, NULL);
}

/* Sets what libvirt checks before it shows the object to a caller. */
static void
set_visibility (Exported *e, const gchar *permission, const gchar *object, const gchar *const *details)
{
  g_autofree gchar *key = visibility_key (permission, details);

  if (g_strcmp0 (key, e->visible_key) == 0)
    return;
  g_clear_pointer (&e->visible, auth_check_free);
  e->visible = auth_check_new (permission, object, details);
  g_free (e->visible_key);
  e->visible_key = g_steal_pointer (&key);
}

/* libvirt's name of a PCI device, e.g. pci_0000_03_00_0. */
gchar *
node_device_name (const gchar *pci_address)
{
  gchar *name = g_strconcat ("pci_", pci_address ? pci_address : "", NULL);

  g_strdelimit (name, ":.", '_');
  return name;
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
 * empty ones. */
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

/* Signals, sent to each caller for the objects it sees. */

typedef enum { SIGNAL_PLAIN, SIGNAL_ADDED, SIGNAL_CHANGED, SIGNAL_REMOVED } SignalKind;

typedef struct {
  SignalKind kind;
  gchar     *path;      /* the object's */
  gchar     *key;       /* its visibility */
  gchar     *from;      /* the object the signal comes from */
  gchar     *interface;
  gchar     *member;
  GVariant  *params;    /* a plain signal's, InterfacesRemoved's */
  gchar     *object_interface;  /* added, changed: the object's interface, */
  GVariant  *before;    /* its properties before (changed) */
  GVariant  *after;     /* and after */
  GPtrArray *names;     /* what @after names */
} Signal;

static void
signal_free (Signal *s)
{
  g_free (s->path);
  g_free (s->key);
  g_free (s->from);
  g_free (s->interface);
  g_free (s->member);
  g_clear_pointer (&s->params, g_variant_unref);
  g_free (s->object_interface);
  g_clear_pointer (&s->before, g_variant_unref);
  g_clear_pointer (&s->after, g_variant_unref);
  g_clear_pointer (&s->names, g_ptr_array_unref);
  g_free (s);
}

static GVariant *
added_params (const gchar *path, const gchar *interface, GVariant *props)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sa{sv}}"));
  g_variant_builder_add (&b, "{s@a{sv}}", interface, props);
  return g_variant_new ("(o@a{sa{sv}})", path, g_variant_builder_end (&b));
}

GVariant *
interfaces_added (Exported *e, GVariant *props)
{
  return added_params (g_dbus_object_get_object_path (G_DBUS_OBJECT (e->object)),
                       g_dbus_interface_skeleton_get_info (e->iface)->name, props);
}

/* PropertiesChanged's arguments for what @to changes of @from, or NULL. */
GVariant *
properties_changed (const gchar *interface, GVariant *from, GVariant *to)
{
  GVariantBuilder changed;
  GVariantIter iter;
  const gchar *name;
  GVariant *value;
  gboolean any = FALSE;

  g_variant_builder_init (&changed, G_VARIANT_TYPE ("a{sv}"));
  g_variant_iter_init (&iter, to);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
    {
      g_autoptr(GVariant) old = from ? g_variant_lookup_value (from, name, NULL) : NULL;
      if (old && g_variant_equal (old, value))
        continue;
      g_variant_builder_add (&changed, "{sv}", name, value);
      any = TRUE;
    }
  if (!any)
    {
      g_variant_builder_clear (&changed);
      return NULL;
    }
  return g_variant_ref_sink (g_variant_new ("(sa{sv}as)", interface, &changed, NULL));
}

static void
signal_send (VmnetdBus *self, Peer *p, gpointer data)
{
  Signal *s = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) params = NULL;
  g_autoptr(GVariant) view = NULL;

  if (peer_sees (p, s->key) != 1 || !self->connection)
    return;
  switch (s->kind)
    {
    case SIGNAL_ADDED:
      view = object_view (p, s->after, s->names);
      params = g_variant_ref_sink (added_params (s->path, s->object_interface, view));
      peer_tell (p, s->path, view, s->names);
      break;
    case SIGNAL_CHANGED:
      if (peer_sees_all (p))
        params = properties_changed (s->object_interface, s->before, s->after);
      else
        {
          /* Against what this caller was told, which may leave out another VM. */
          g_autoptr(GVariant) told = peer_told (p, s->path);

          view = object_view (p, s->after, s->names);
          if (!told)
            told = object_view (p, s->before, s->names);
          params = properties_changed (s->object_interface, told, view);
          peer_tell (p, s->path, view, s->names);
        }
      break;
    case SIGNAL_REMOVED:
      peer_tell (p, s->path, NULL, NULL);
      params = g_variant_ref (s->params);
      break;
    case SIGNAL_PLAIN:
    default:
      params = g_variant_ref (s->params);
      break;
    }
  if (params &&
      !g_dbus_connection_emit_signal (self->connection, peer_name (p), s->from, s->interface, s->member, params,
                                      &error))
    g_debug ("signal %s to %s: %s", s->member, peer_name (p), error->message);
}

static Signal *
signal_new (SignalKind kind, Exported *e, const gchar *from, const gchar *interface, const gchar *member)
{
  Signal *s = g_new0 (Signal, 1);

  s->kind = kind;
  s->path = g_strdup (g_dbus_object_get_object_path (G_DBUS_OBJECT (e->object)));
  s->key = g_strdup (e->visible_key);
  s->from = g_strdup (from);
  s->interface = g_strdup (interface);
  s->member = g_strdup (member);
  s->object_interface = g_strdup (g_dbus_interface_skeleton_get_info (e->iface)->name);
  return s;
}

/* Sends a copy of @model to each caller, once it is decided whether it
 * sees @e (and what @e's properties name). */
static void
announce_each (VmnetdBus *self, Exported *e, Signal *model)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Signal *s = signal_new (model->kind, e, model->from, model->interface, model->member);

      s->params = model->params ? g_variant_ref (model->params) : NULL;
      s->before = model->before ? g_variant_ref (model->before) : NULL;
      s->after = model->after ? g_variant_ref (model->after) : NULL;
      s->names = model->names ? g_ptr_array_ref (model->names) : NULL;
      peer_when (self, value, e, signal_send, s, (GDestroyNotify) signal_free);
    }
  signal_free (model);
}

void
announce (VmnetdBus *self, Exported *e, const gchar *from, const gchar *interface, const gchar *member,
          GVariant *params)
{
  Signal *model = signal_new (SIGNAL_PLAIN, e, from, interface, member);

  model->params = g_variant_ref_sink (params);
  announce_each (self, e, model);
}

static void
announce_added (VmnetdBus *self, Exported *e, GVariant *after, GPtrArray *names)
{
  Signal *model = signal_new (SIGNAL_ADDED, e, VMNETD_OBJECT_ROOT, OBJECT_MANAGER, "InterfacesAdded");

  model->after = g_variant_ref (after);
  model->names = g_ptr_array_ref (names);
  announce_each (self, e, model);
}

static void
announce_removed (VmnetdBus *self, Exported *e)
{
  const gchar *names[] = { g_dbus_interface_skeleton_get_info (e->iface)->name, NULL };
  const gchar *path = g_dbus_object_get_object_path (G_DBUS_OBJECT (e->object));
  Signal *model = signal_new (SIGNAL_REMOVED, e, VMNETD_OBJECT_ROOT, OBJECT_MANAGER, "InterfacesRemoved");

  model->params = g_variant_ref_sink (g_variant_new ("(o^as)", path, names));
  announce_each (self, e, model);
}

/* PropertiesChanged for what differs from @before, to each caller as it
 * may read them. */
static void
announce_changes (VmnetdBus *self, Exported *e, GVariant *before, GVariant *after, GPtrArray *names)
{
  Signal *model = signal_new (SIGNAL_CHANGED, e, g_dbus_object_get_object_path (G_DBUS_OBJECT (e->object)),
                              PROPERTIES, "PropertiesChanged");

  model->before = g_variant_ref (before);
  model->after = g_variant_ref (after);
  model->names = g_ptr_array_ref (names);
  announce_each (self, e, model);
}

/* Exporting: the objects as the host has them. */

static gchar *
object_path (const gchar *kind, const gchar *key)
{
  g_autofree gchar *escaped = g_dbus_escape_object_path (key);
  return g_strdup_printf (VMNETD_OBJECT_ROOT "/%s/%s", kind, escaped);
}

/* A switch's path, as update() makes it. */
gchar *
switch_path (const gchar *name)
{
  return object_path ("Switch", name);
}

/* The object at @path for @source, made when new; @iface is its interface
 * (taken only for a new one). */
static Exported *
lookup_or_add (VmnetdBus *self, const gchar *path, GObject *source, gpointer iface, gboolean *created)
{
  Exported *e = g_hash_table_lookup (self->objects, path);

  *created = e == NULL;
  if (!e)
    {
      e = g_new0 (Exported, 1);
      e->object = vmnet_dbus_object_skeleton_new (path);
      e->iface = g_object_ref (iface);
      g_dbus_object_skeleton_add_interface (G_DBUS_OBJECT_SKELETON (e->object), e->iface);
      g_hash_table_insert (self->objects, g_strdup (path), e);
    }
  if (e->source != source)
    g_set_object (&e->source, source);
  e->pass = self->pass;
  return e;
}

/* Copies @source's properties into @e and tells the callers that see it. */
static void
update (VmnetdBus *self, Exported *e, gboolean created, void (*extra) (Exported *e, gpointer data), gpointer data)
{
  g_autoptr(GVariant) before = NULL;
  g_autoptr(GVariant) after = NULL;
  g_autoptr(GPtrArray) names_before = NULL;
  GPtrArray *names;
  gboolean watched = g_hash_table_size (self->peers) > 0;

  if (watched && !created)
    {
      before = g_dbus_interface_skeleton_get_properties (e->iface);
      names_before = e->names ? g_ptr_array_ref (e->names) : NULL;
    }
  if (e->source)
    copy_properties (e->source, e->iface);
  if (extra)
    extra (e, data);
  if (!watched)
    return;
  after = g_dbus_interface_skeleton_get_properties (e->iface);
  names = names_of (self, e, after);
  if (created)
    announce_added (self, e, after, names);
  /* A change of what they name changes them for a caller that does not see it. */
  else if (!g_variant_equal (before, after) || !names_equal (names_before, names))
    announce_changes (self, e, before, after, names);
}


const gchar *
driver_of (VmnetdBus *self)
{
  const gchar *driver = self->host ? vmnet_host_get_hypervisor (self->host) : NULL;
  return driver ? driver : "";
}

static void
sync_switches (VmnetdBus *self, VmnetHost *host)
{
  GListModel *list = vmnet_host_get_switches (host);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(VmnetSwitch) sw = g_list_model_get_item (list, i);
      const gchar *name = vmnet_switch_get_name (sw);
      g_autofree gchar *path = switch_path (name);
      g_autofree gchar *words = g_strdup_printf ("network '%s'", name);
      g_autoptr(VmnetDBusSwitch) iface = NULL;
      gboolean created;
      Exported *e;

      if (!g_hash_table_contains (self->objects, path))
        {
          iface = vmnet_dbus_switch_skeleton_new ();
          g_signal_connect (iface, "handle-remove", G_CALLBACK (handle_switch_remove), self);
        }
      e = lookup_or_add (self, path, G_OBJECT (sw), iface, &created);
      set_visibility (e, "network.getattr", words,
                      (const gchar *const[]) { "connect_driver", driver_of (self), "network_name", name, NULL });
      update (self, e, created, NULL, NULL);
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
      const gchar *pci = vmnet_net_adapter_sriov_get_pci_address (pf);
      g_autofree gchar *path = object_path ("NetAdapterSriov", pci);
      g_autofree gchar *device = node_device_name (pci);
      g_autofree gchar *words = g_strdup_printf ("node device '%s'", device);
      g_autoptr(VmnetDBusNetAdapterSriov) iface = NULL;
      gboolean created;
      Exported *e;

      if (!g_hash_table_contains (self->objects, path))
        {
          iface = vmnet_dbus_net_adapter_sriov_skeleton_new ();
          g_signal_connect (iface, "handle-set-num-vfs", G_CALLBACK (handle_set_num_vfs), self);
        }
      e = lookup_or_add (self, path, G_OBJECT (pf), iface, &created);
      set_visibility (e, "node-device.getattr", words,
                      (const gchar *const[]) { "connect_driver", driver_of (self), "node_device_name", device, NULL });
      update (self, e, created, NULL, NULL);

      for (guint j = 0; j < g_list_model_get_n_items (vfs); j++)
        {
          g_autoptr(VmnetVirtualFunction) vf = g_list_model_get_item (vfs, j);
          const gchar *vf_pci = vmnet_virtual_function_get_pci_address (vf);
          g_autofree gchar *vf_path = object_path ("VirtualFunction", vf_pci);
          g_autofree gchar *vf_device = node_device_name (vf_pci);
          g_autofree gchar *vf_words = g_strdup_printf ("node device '%s'", vf_device);
          g_autoptr(VmnetDBusVirtualFunction) vf_iface = NULL;
          Exported *v;

          if (!g_hash_table_contains (self->objects, vf_path))
            vf_iface = vmnet_dbus_virtual_function_skeleton_new ();
          v = lookup_or_add (self, vf_path, G_OBJECT (vf), vf_iface, &created);
          set_visibility (v, "node-device.getattr", vf_words,
                          (const gchar *const[]) { "connect_driver", driver_of (self),
                                                   "node_device_name", vf_device, NULL });
          update (self, v, created, NULL, NULL);
        }
    }
}

static void
set_vm_id (Exported *e, gpointer data)
{
  vmnet_dbus_network_adapter_set_vm_id (VMNET_DBUS_NETWORK_ADAPTER (e->iface), data ? data : "");
}

static void
sync_adapters (VmnetdBus *self, VmnetHost *host)
{
  GListModel *vms = vmnet_host_get_vms (host);

  for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(VmnetVm) vm = g_list_model_get_item (vms, i);
      GListModel *adapters = vmnet_vm_get_network_adapters (vm);
      const gchar *vm_uuid = vmnet_vm_get_uuid (vm);
      const gchar *vm_name = vmnet_vm_get_name (vm);
      const gchar *uuid = vm_uuid ? vm_uuid : vm_name;
      g_autofree gchar *words = g_strdup_printf ("VM '%s'", vm_name);

      for (guint j = 0; j < g_list_model_get_n_items (adapters); j++)
        {
          g_autoptr(VmnetNetworkAdapter) a = g_list_model_get_item (adapters, j);
          const gchar *mac = vmnet_network_adapter_get_mac_address (a);
          g_autofree gchar *key = g_strdup_printf ("%s/%s", uuid, mac ? mac : vmnet_network_adapter_get_name (a));
          g_autofree gchar *path = object_path ("NetworkAdapter", key);
          g_autoptr(VmnetDBusNetworkAdapter) iface = NULL;
          gboolean created;
          Exported *e;

          if (!g_hash_table_contains (self->objects, path))
            {
              iface = vmnet_dbus_network_adapter_skeleton_new ();
              g_signal_connect (iface, "handle-set", G_CALLBACK (handle_adapter_set), self);
            }
          e = lookup_or_add (self, path, G_OBJECT (a), iface, &created);
          if (g_strcmp0 (e->vm_uuid, vm_uuid) != 0)
            {
              g_free (e->vm_uuid);
              e->vm_uuid = g_strdup (vm_uuid);
            }
          /* What libvirt's polkit access driver sends before it lists a VM. */
          set_visibility (e, "domain.getattr", words,
                          (const gchar *const[]) { "connect_driver", driver_of (self), "domain_name", vm_name,
                                                   "domain_uuid", vm_uuid ? vm_uuid : "", NULL });
          update (self, e, created, set_vm_id, (gpointer) vm_uuid);
        }
    }
}

static void
set_connected (Exported *e, gpointer data)
{
  vmnet_dbus_host_set_connected (VMNET_DBUS_HOST (e->iface), data != NULL);
}

/**
 * vmnetd_bus_sync:
 * @host: (nullable): the reconciler's host, %NULL while not connected
 *
 * Brings the exported objects in line with @host's: new ones added, gone
 * ones removed, properties copied; the callers are told what changed in the
 * objects they see.
 */
void
vmnetd_bus_sync (VmnetdBus *self, VmnetHost *host)
{
  Exported *host_e = g_hash_table_lookup (self->objects, VMNETD_OBJECT_ROOT "/Host");
  GHashTableIter iter;
  gpointer value;

  if (self->host != host)
    g_set_object (&self->host, host);
  self->pass++;
  host_e->pass = self->pass;
  if (host_e->source != (GObject *) host)
    {
      g_clear_object (&host_e->source);
      if (host)
        host_e->source = g_object_ref (G_OBJECT (host));
    }
  set_visibility (host_e, "connect.getattr", "the host",
                  (const gchar *const[]) { "connect_driver", driver_of (self), NULL });
  update (self, host_e, FALSE, set_connected, host);
  if (host)
    {
      sync_switches (self, host);
      sync_pfs (self, host);
      sync_adapters (self, host);
    }
  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Exported *e = value;

      if (e->pass == self->pass)
        continue;
      if (g_hash_table_size (self->peers) > 0)
        announce_removed (self, e);
      g_hash_table_iter_remove (&iter);
    }
  /* Before any method's reply: GetModel right after it shows the change. */
  model_sync (self, host, host_e);
}

/* Dispatch: every call answers for what the caller sees. */

/* What GDBus answers for a path below a subtree where nothing is. */
static void
return_not_there (GDBusMethodInvocation *invocation)
{
  GDBusMessage *message = g_dbus_method_invocation_get_message (invocation);
  g_autofree gchar *text = g_strdup_printf ("Method \u201c%s\u201d on interface \u201c%s\u201d with signature "
                                            "\u201c%s\u201d does not exist", g_dbus_message_get_member (message),
                                            g_dbus_message_get_interface (message),
                                            g_dbus_message_get_signature (message));

  g_dbus_method_invocation_return_dbus_error (invocation, "org.freedesktop.DBus.Error.UnknownMethod", text);
}

typedef struct {
  GDBusMethodInvocation *invocation;
  gchar                 *path;
} ObjectCall;

static void
object_call_free (ObjectCall *c)
{
  g_clear_object (&c->invocation);
  g_free (c->path);
  g_free (c);
}

static void
object_call_run (VmnetdBus *self, Peer *p, gpointer data)
{
  ObjectCall *c = data;
  GDBusMethodInvocation *invocation = c->invocation;
  const gchar *interface = g_dbus_method_invocation_get_interface_name (invocation);
  const gchar *method = g_dbus_method_invocation_get_method_name (invocation);
  GVariant *params = g_dbus_method_invocation_get_parameters (invocation);
  Exported *e = g_hash_table_lookup (self->objects, c->path);
  gint sees = e ? peer_sees (p, e->visible_key) : 0;
  GPtrArray *names = e ? exported_names (self, e) : NULL;

  for (guint i = 0; sees > 0 && names && i < names->len; i++)
    if (peer_sees (p, ((Named *) g_ptr_array_index (names, i))->key) < 0)
      sees = -1;
  if (sees < 0)
    {
      /* Its attributes (or what it names) changed while polkit was asked: ask again. */
      ObjectCall *again = g_new0 (ObjectCall, 1);

      again->invocation = g_steal_pointer (&c->invocation);
      again->path = g_strdup (c->path);
      peer_when (self, p, e, object_call_run, again, (GDestroyNotify) object_call_free);
      return;
    }
  c->invocation = NULL;
  if (!sees)
    {
      return_not_there (invocation);
      return;
    }
  if (g_str_equal (interface, PROPERTIES))
    {
      const GDBusInterfaceVTable *vtable = g_dbus_interface_skeleton_get_vtable (e->iface);
      const gchar *name = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) all = g_dbus_interface_skeleton_get_properties (e->iface);
      g_autoptr(GVariant) props = object_view (p, all, names);
      GVariant *value;

      if (g_str_equal (method, "GetAll"))
        {
          g_dbus_method_invocation_return_value (invocation, g_variant_new ("(@a{sv})", props));
          return;
        }
      if (!g_str_equal (method, "Get"))
        {
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_PROPERTY_READ_ONLY,
                                                 "Property is not writable");
          return;
        }
      g_variant_get (params, "(&s&s)", NULL, &name);
      value = g_variant_lookup_value (props, name, NULL);
      if (!value)
        value = vtable->get_property (self->connection, g_dbus_method_invocation_get_sender (invocation), c->path,
                                      g_dbus_interface_skeleton_get_info (e->iface)->name, name, &error, e->iface);
      if (!value)
        g_dbus_method_invocation_return_gerror (invocation, error);
      else
        g_dbus_method_invocation_return_value (invocation, g_variant_new ("(v)", value));
      if (value)
        g_variant_unref (value);
      return;
    }
  /* The generated skeleton's dispatch: it emits handle-<method>. */
  g_dbus_interface_skeleton_get_vtable (e->iface)->method_call (self->connection,
                                                                g_dbus_method_invocation_get_sender (invocation),
                                                                c->path, interface, method, params, invocation,
                                                                e->iface);
}

static void
object_method_call (GDBusConnection *connection, const gchar *sender, const gchar *path, const gchar *interface,
                    const gchar *method, GVariant *params, GDBusMethodInvocation *invocation, gpointer user_data)
{
  VmnetdBus *self = user_data;
  Exported *e = g_hash_table_lookup (self->objects, path);
  ObjectCall *c;

  if (!e)
    {
      return_not_there (invocation);
      return;
    }
  c = g_new0 (ObjectCall, 1);
  c->invocation = invocation;
  c->path = g_strdup (path);
  peer_when (self, peer_get (self, sender), e, object_call_run, c, (GDestroyNotify) object_call_free);
}

/* get_property and set_property NULL: Properties calls come to method_call,
 * where they can wait for polkit. */
static const GDBusInterfaceVTable object_vtable = { object_method_call, NULL, NULL, { 0 } };

static void
nothing (VmnetdBus *self, Peer *p, gpointer data)
{
}

static gchar **
subtree_enumerate (GDBusConnection *connection, const gchar *sender, const gchar *path, gpointer user_data)
{
  VmnetdBus *self = user_data;
  Peer *p = sender ? peer_get (self, sender) : NULL;
  GPtrArray *nodes = g_ptr_array_new ();
  gsize n = strlen (path);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->objects);
  while (p && g_hash_table_iter_next (&iter, &key, &value))
    {
      const gchar *object = key;

      if (strncmp (object, path, n) == 0 && object[n] == '/' && peer_sees (p, ((Exported *) value)->visible_key) == 1)
        g_ptr_array_add (nodes, g_strdup (object + n + 1));
    }
  /* Introspect comes to introspect_filter (vmnetd-dbus-introspect.c), which
   * waits for polkit; this answer cannot: what is decided. */
  if (p)
    peer_when (self, p, NULL, nothing, NULL, NULL);
  g_ptr_array_add (nodes, NULL);
  return (gchar **) g_ptr_array_free (nodes, FALSE);
}

static GDBusInterfaceInfo **
subtree_introspect (GDBusConnection *connection, const gchar *sender, const gchar *path, const gchar *node,
                    gpointer user_data)
{
  VmnetdBus *self = user_data;
  /* GDBus passes the subtree's path when introspecting, the node's when
   * dispatching a call. */
  gboolean at_node = node && strchr (path + strlen (VMNETD_OBJECT_ROOT "/"), '/');
  g_autofree gchar *object = node && !at_node ? g_strconcat (path, "/", node, NULL) : g_strdup (path);
  Exported *e = node ? g_hash_table_lookup (self->objects, object) : NULL;
  Peer *p = sender ? g_hash_table_lookup (self->peers, sender) : NULL;
  GDBusInterfaceInfo **infos;

  /* Not yet decided: the call is dispatched, and answers once it is. */
  if (!e || (p && peer_sees (p, e->visible_key) == 0))
    return NULL;
  infos = g_new0 (GDBusInterfaceInfo *, 2);
  infos[0] = g_dbus_interface_info_ref (g_dbus_interface_skeleton_get_info (e->iface));
  return infos;
}

static const GDBusInterfaceVTable *
subtree_dispatch (GDBusConnection *connection, const gchar *sender, const gchar *path, const gchar *interface,
                  const gchar *node, gpointer *out_user_data, gpointer user_data)
{
  *out_user_data = user_data;
  return &object_vtable;
}

static const GDBusSubtreeVTable subtree_vtable = { subtree_enumerate, subtree_introspect, subtree_dispatch, { 0 } };

/* org.freedesktop.DBus.ObjectManager at the root. */

static const gchar manager_xml[] =
  "<node><interface name='org.freedesktop.DBus.ObjectManager'>"
  "<method name='GetManagedObjects'><arg type='a{oa{sa{sv}}}' name='objects' direction='out'/></method>"
  "<signal name='InterfacesAdded'><arg type='o' name='object_path'/>"
  "<arg type='a{sa{sv}}' name='interfaces_and_properties'/></signal>"
  "<signal name='InterfacesRemoved'><arg type='o' name='object_path'/><arg type='as' name='interfaces'/></signal>"
  "</interface></node>";

static void
managed_objects (VmnetdBus *self, Peer *p, gpointer data)
{
  GDBusMethodInvocation *invocation = data;
  GVariantBuilder objects;
  GHashTableIter iter;
  gpointer key, value;

  g_variant_builder_init (&objects, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Exported *e = value;
      g_autoptr(GVariant) all = NULL;
      g_autoptr(GVariant) props = NULL;

      /* Objects that came meanwhile are announced with InterfacesAdded. */
      if (peer_sees (p, e->visible_key) != 1)
        continue;
      /* A full reference, not a floating one: the builder takes its own. A
       * VM named since the call came is left out until the signal that
       * follows. */
      all = g_dbus_interface_skeleton_get_properties (e->iface);
      props = object_view (p, all, exported_names (self, e));
      peer_tell (p, key, props, exported_names (self, e));
      g_variant_builder_open (&objects, G_VARIANT_TYPE ("{oa{sa{sv}}}"));
      g_variant_builder_add (&objects, "o", key);
      g_variant_builder_open (&objects, G_VARIANT_TYPE ("a{sa{sv}}"));
      g_variant_builder_add (&objects, "{s@a{sv}}", g_dbus_interface_skeleton_get_info (e->iface)->name, props);
      g_variant_builder_close (&objects);
      g_variant_builder_close (&objects);
    }
  g_dbus_method_invocation_return_value (g_object_ref (invocation), g_variant_new ("(a{oa{sa{sv}}})", &objects));
}

static void
manager_method_call (GDBusConnection *connection, const gchar *sender, const gchar *path, const gchar *interface,
                     const gchar *method, GVariant *params, GDBusMethodInvocation *invocation, gpointer user_data)
{
  VmnetdBus *self = user_data;

  /* GDBus checked the method: GetManagedObjects is the only one. */
  peer_when (self, peer_get (self, sender), NULL, managed_objects, invocation, g_object_unref);
}

static const GDBusInterfaceVTable manager_vtable = { manager_method_call, NULL, NULL, { 0 } };

/* The bus and the name. */

static void
on_bus_acquired (GDBusConnection *connection, const gchar *name, gpointer user_data)
{
  VmnetdBus *self = user_data;
  g_autoptr(GDBusNodeInfo) manager = g_dbus_node_info_new_for_xml (manager_xml, NULL);
  Exported *host = g_hash_table_lookup (self->objects, VMNETD_OBJECT_ROOT "/Host");
  g_autoptr(GError) error = NULL;

  g_set_object (&self->connection, connection);
  self->filter_id = g_dbus_connection_add_filter (connection, introspect_filter, self, NULL);
  self->object_ids[0] = g_dbus_connection_register_object (connection, VMNETD_OBJECT_ROOT, manager->interfaces[0],
                                                           &manager_vtable, self, NULL, &error);
  if (!self->object_ids[0])
    g_warning ("cannot serve %s: %s", VMNETD_OBJECT_ROOT, error->message);
  g_clear_error (&error);
  self->object_ids[1] = g_dbus_connection_register_object (connection, VMNETD_OBJECT_ROOT "/Host",
                                                           g_dbus_interface_skeleton_get_info (host->iface),
                                                           &object_vtable, self, NULL, &error);
  if (!self->object_ids[1])
    g_warning ("cannot serve %s/Host: %s", VMNETD_OBJECT_ROOT, error->message);
  g_clear_error (&error);
  for (guint i = 0; i < G_N_ELEMENTS (vmnetd_kinds); i++)
    {
      g_autofree gchar *path = g_strconcat (VMNETD_OBJECT_ROOT "/", vmnetd_kinds[i], NULL);

      self->subtree_ids[i] = g_dbus_connection_register_subtree (connection, path, &subtree_vtable,
                                                                 G_DBUS_SUBTREE_FLAGS_DISPATCH_TO_UNENUMERATED_NODES,
                                                                 self, NULL, &error);
      if (!self->subtree_ids[i])
        g_warning ("cannot serve %s: %s", path, error->message);
      g_clear_error (&error);
    }
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
  gboolean created;
  Exported *host;

  register_errors ();
  self->bus_type = bus_type;
  self->context = g_main_context_ref_thread_default ();
  self->objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) exported_free);
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) peer_free);
  g_queue_init (&self->asks);
  /* Strings and lists are never NULL on the bus. */
  g_object_set (host_iface, "uri", "", "resolved-uri", "", "computer-name", "", "hypervisor", "",
                "hypervisor-version", "", "libvirt-version", "", "iov-support", "unknown",
                "iov-support-reasons", none, NULL);
  g_signal_connect (host_iface, "handle-new-switch", G_CALLBACK (handle_new_switch), self);
  g_signal_connect (host_iface, "handle-get-model", G_CALLBACK (handle_get_model), self);
  g_signal_connect (host_iface, "handle-sync", G_CALLBACK (handle_sync), self);
  self->model = vmnetd_model_new ();
  vmnetd_jobs_init (self, host_iface);
  host = lookup_or_add (self, VMNETD_OBJECT_ROOT "/Host", NULL, host_iface, &created);
  set_visibility (host, "connect.getattr", "the host", (const gchar *const[]) { "connect_driver", "", NULL });
  self->monitors = g_ptr_array_new_with_free_func (g_object_unref);
  if (bus_type != G_BUS_TYPE_SESSION)
    vmnetd_rules_watch (self);
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
  if (self->connection)
    {
      g_dbus_connection_remove_filter (self->connection, self->filter_id);
      for (guint i = 0; i < G_N_ELEMENTS (self->object_ids); i++)
        if (self->object_ids[i])
          g_dbus_connection_unregister_object (self->connection, self->object_ids[i]);
      for (guint i = 0; i < G_N_ELEMENTS (self->subtree_ids); i++)
        if (self->subtree_ids[i])
          g_dbus_connection_unregister_subtree (self->connection, self->subtree_ids[i]);
    }
  if (self->rules_timeout)
    g_source_remove (self->rules_timeout);
  g_ptr_array_unref (self->monitors);
  g_hash_table_unref (self->peers);
  g_hash_table_unref (self->jobs);
  g_queue_clear_full (&self->asks, (GDestroyNotify) ask_free);
  g_hash_table_unref (self->objects);
  vmnetd_model_free (self->model);
  g_clear_pointer (&self->holders, g_hash_table_unref);
  g_clear_object (&self->connection);
  g_clear_object (&self->host);
  g_main_context_unref (self->context);
  g_free (self);
}
