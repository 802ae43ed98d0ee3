/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmnetd's callers (doc/dbus.md): what each may see, asked of polkit with
 * the libvirt action and details libvirt itself would check, kept per caller
 * until it leaves the bus or polkit's rules change; and the authorization of
 * the methods (vmnetd-dbus-methods.c, vmnetd-dbus-jobs.c). The objects they
 * see: vmnetd-dbus.c. */
#include "vmnetd-dbus-private.h"

#define POLKIT_NAME      "org.freedesktop.PolicyKit1"
#define POLKIT_PATH      "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_INTERFACE "org.freedesktop.PolicyKit1.Authority"

/* polkit questions in flight at once: the system bus limits a connection's
 * pending calls (max_replies_per_connection). */
#define MAX_ASKING 32

/* Where polkit's rules live: a change there may change what a caller sees. */
static const gchar *const rules_dirs[] = { "/etc/polkit-1/rules.d", "/usr/share/polkit-1/rules.d" };

void
auth_check_free (AuthCheck *c)
{
  g_free (c->permission);
  g_strfreev (c->details);
  g_free (c->object);
  g_free (c);
}

AuthCheck *
auth_check_new (const gchar *permission, const gchar *object, const gchar *const *details)
{
  AuthCheck *c = g_new0 (AuthCheck, 1);

  c->permission = g_strdup (permission);
  c->details = g_strdupv ((gchar **) details);
  c->object = g_strdup (object);
  return c;
}

static AuthCheck *
auth_check_copy (const AuthCheck *c)
{
  return auth_check_new (c->permission, c->object, (const gchar *const *) c->details);
}

/* Asks polkit whether @sender may do @check (libvirt's action, with the
 * attributes libvirt's polkit access driver sends). */
static void
polkit_check (GDBusConnection *connection, const gchar *sender, const AuthCheck *check, gboolean interactive,
              GAsyncReadyCallback callback, gpointer data)
{
  GVariantBuilder subject, attrs;
  g_autofree gchar *action = g_strconcat ("org.libvirt.api.", check->permission, NULL);

  g_variant_builder_init (&subject, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&subject, "{sv}", "name", g_variant_new_string (sender));
  g_variant_builder_init (&attrs, G_VARIANT_TYPE ("a{ss}"));
  for (guint i = 0; check->details[i] && check->details[i + 1]; i += 2)
    g_variant_builder_add (&attrs, "{ss}", check->details[i], check->details[i + 1]);
  g_dbus_connection_call (connection, POLKIT_NAME, POLKIT_PATH, POLKIT_INTERFACE, "CheckAuthorization",
                          g_variant_new ("((sa{sv})sa{ss}us)", "system-bus-name", &subject, action, &attrs,
                                         interactive ? 1u : 0u, ""),
                          G_VARIANT_TYPE ("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE,
                          interactive ? G_MAXINT : -1, NULL, callback, data);
}


/* Callers: what each may see, and the signals on their way to it. */

enum { SEES_UNKNOWN = 0, SEES_ASKED, SEES_SHOWN, SEES_HIDDEN };

typedef enum {
  PEER_UID_ASKED,   /* its uid is being asked */
  PEER_SEES_ALL,    /* root, or anyone on a session bus */
  PEER_ASKS_POLKIT,
} PeerMode;


struct _Peer {
  gchar      *name;        /* unique bus name */
  PeerMode    mode;
  guint       generation;  /* bumped when polkit's rules change */
  GHashTable *decisions;   /* visibility key -> SEES_* */
  GHashTable *wanted;      /* visibility key -> AuthCheck, asked once the uid is known */
  GHashTable *told;        /* object path -> the properties it was last sent, unless it sees all */
  GQueue      waiters;     /* Waiter, run in order once their keys are decided */
  guint       watch;
};

typedef struct {
  GPtrArray      *keys;    /* visibility keys that must be decided first */
  PeerFunc        func;
  gpointer        data;
  GDestroyNotify  data_free;
} Waiter;

struct _Ask {
  VmnetdBus *bus;
  gchar     *peer;
  guint      generation;
  gchar     *key;
  AuthCheck *check;
};

static void
waiter_free (Waiter *w)
{
  g_ptr_array_unref (w->keys);
  if (w->data_free)
    w->data_free (w->data);
  g_free (w);
}

void
ask_free (Ask *a)
{
  g_free (a->peer);
  g_free (a->key);
  auth_check_free (a->check);
  g_free (a);
}

void
peer_free (Peer *p)
{
  g_queue_clear_full (&p->waiters, (GDestroyNotify) waiter_free);
  if (p->watch)
    g_bus_unwatch_name (p->watch);
  g_hash_table_unref (p->decisions);
  g_hash_table_unref (p->wanted);
  g_hash_table_unref (p->told);
  g_free (p->name);
  g_free (p);
}

/* 1: @peer sees what @key stands for, 0: it does not, -1: not decided yet. */
const gchar *
peer_name (Peer *p)
{
  return p->name;
}

gint
peer_sees (Peer *p, const gchar *key)
{
  switch (p->mode)
    {
    case PEER_SEES_ALL:
      return 1;
    case PEER_UID_ASKED:
      return -1;
    case PEER_ASKS_POLKIT:
    default:
      switch (GPOINTER_TO_INT (g_hash_table_lookup (p->decisions, key)))
        {
        case SEES_SHOWN:  return 1;
        case SEES_HIDDEN: return 0;
        default:          return -1;
        }
    }
}

/* Whether @p sees everything (root, or a session bus) without polkit. */
gboolean
peer_sees_all (Peer *p)
{
  return p->mode == PEER_SEES_ALL;
}

/* The properties of the object at @path that @p was last sent (nullable). */
GVariant *
peer_told (Peer *p, const gchar *path)
{
  GVariant *props = g_hash_table_lookup (p->told, path);

  return props ? g_variant_ref (props) : NULL;
}

/* Remembers what @p was sent of the object at @path (%NULL: it was told it
 * went), when it may leave out something @names (what the properties name)
 * holds; else what it was sent is the object's properties. */
void
peer_tell (Peer *p, const gchar *path, GVariant *props, GPtrArray *names)
{
  if (!props || !names || !names->len || p->mode == PEER_SEES_ALL)
    g_hash_table_remove (p->told, path);
  else
    g_hash_table_insert (p->told, g_strdup (path), g_variant_ref (props));
}

static void ask_pump (VmnetdBus *self);
static void peer_run (VmnetdBus *self, Peer *p);

static void
ask_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Ask *a = user_data;
  VmnetdBus *self = a->bus;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  gboolean shown = FALSE;
  Peer *p;

  self->asking--;
  p = g_hash_table_lookup (self->peers, a->peer);
  if (reply)
    g_variant_get (reply, "((bb@a{ss}))", &shown, NULL, NULL);
  /* A caller that left before polkit looked at it. */
  else if (!p || strstr (error->message, "org.freedesktop.DBus.Error.NameHasNoOwner"))
    g_debug ("polkit on %s for %s, gone: %s", a->check->permission, a->peer, error->message);
  else
    g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_WARNING, "VMNET_EVENT", "polkit-failed",
                      "MESSAGE", "polkit could not decide on org.libvirt.api.%s for %s: %s",
                      a->check->permission, a->peer, error->message);
  if (p && p->generation == a->generation)
    {
      g_hash_table_insert (p->decisions, g_strdup (a->key), GINT_TO_POINTER (shown ? SEES_SHOWN : SEES_HIDDEN));
      peer_run (self, p);
    }
  ask_free (a);
  ask_pump (self);
}

static void
ask_pump (VmnetdBus *self)
{
  while (self->asking < MAX_ASKING && !g_queue_is_empty (&self->asks) && self->connection)
    {
      Ask *a = g_queue_pop_head (&self->asks);
      Peer *p = g_hash_table_lookup (self->peers, a->peer);

      if (!p || p->generation != a->generation)
        {
          ask_free (a);
          continue;
        }
      self->asking++;
      polkit_check (self->connection, a->peer, a->check, FALSE, ask_done, a);
    }
}

static void
peer_ask (VmnetdBus *self, Peer *p, const gchar *key, const AuthCheck *check)
{
  Ask *a = g_new0 (Ask, 1);

  a->bus = self;
  a->peer = g_strdup (p->name);
  a->generation = p->generation;
  a->key = g_strdup (key);
  a->check = auth_check_copy (check);
  g_queue_push_tail (&self->asks, a);
}

/* Makes sure polkit is asked, once, whether @p sees what @key stands for. */
static void
peer_want (VmnetdBus *self, Peer *p, const gchar *key, const AuthCheck *check)
{
  if (p->mode == PEER_SEES_ALL || g_hash_table_contains (p->decisions, key))
    return;
  g_hash_table_insert (p->decisions, g_strdup (key), GINT_TO_POINTER (SEES_ASKED));
  if (p->mode == PEER_UID_ASKED)
    g_hash_table_insert (p->wanted, g_strdup (key), auth_check_copy (check));
  else
    peer_ask (self, p, key, check);
}

/* Runs the waiters whose keys are decided, in order. */
static void
peer_run (VmnetdBus *self, Peer *p)
{
  Waiter *w;

  while ((w = g_queue_peek_head (&p->waiters)))
    {
      for (guint i = 0; i < w->keys->len; i++)
        if (peer_sees (p, g_ptr_array_index (w->keys, i)) < 0)
          return;
      g_queue_pop_head (&p->waiters);
      w->func (self, p, w->data);
      waiter_free (w);
    }
}

/* Runs @func once what @p sees of each of @keys (with the @checks that
 * decide them, as many) is decided. */
void
peer_when_checks (VmnetdBus *self, Peer *p, GPtrArray *keys, GPtrArray *checks, PeerFunc func, gpointer data,
                  GDestroyNotify data_free)
{
  Waiter *w = g_new0 (Waiter, 1);

  w->keys = g_ptr_array_new_full (keys->len, g_free);
  w->func = func;
  w->data = data;
  w->data_free = data_free;
  for (guint i = 0; i < keys->len; i++)
    {
      g_ptr_array_add (w->keys, g_strdup (g_ptr_array_index (keys, i)));
      peer_want (self, p, g_ptr_array_index (keys, i), g_ptr_array_index (checks, i));
    }
  g_queue_push_tail (&p->waiters, w);
  ask_pump (self);
  peer_run (self, p);
}

static void
add_object_checks (VmnetdBus *self, Exported *e, GPtrArray *keys, GPtrArray *checks)
{
  GPtrArray *names = exported_names (self, e);

  g_ptr_array_add (keys, e->visible_key);
  g_ptr_array_add (checks, e->visible);
  for (guint i = 0; i < names->len; i++)
    {
      g_ptr_array_add (keys, ((Named *) g_ptr_array_index (names, i))->key);
      g_ptr_array_add (checks, ((Named *) g_ptr_array_index (names, i))->check);
    }
}

/* Runs @func once what @p sees of @e (all objects when %NULL), and of what
 * its properties name, is decided. */
void
peer_when (VmnetdBus *self, Peer *p, Exported *e, PeerFunc func, gpointer data, GDestroyNotify data_free)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();

  if (e)
    add_object_checks (self, e, keys, checks);
  else
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->objects);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        add_object_checks (self, value, keys, checks);
    }
  peer_when_checks (self, p, keys, checks, func, data, data_free);
}

typedef struct {
  VmnetdBus *bus;
  gchar     *name;
} UidCall;

static void
uid_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UidCall *u = user_data;
  VmnetdBus *self = u->bus;
  g_autofree gchar *name = u->name;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  Peer *p = g_hash_table_lookup (self->peers, name);
  GHashTableIter iter;
  gpointer key, check;
  guint32 uid = G_MAXUINT32;

  g_free (u);
  if (!p)
    return;
  if (reply)
    g_variant_get (reply, "(u)", &uid);
  /* root sees everything, as the rules that the store generates let it. */
  p->mode = uid == 0 ? PEER_SEES_ALL : PEER_ASKS_POLKIT;
  g_hash_table_iter_init (&iter, p->wanted);
  while (g_hash_table_iter_next (&iter, &key, &check))
    if (p->mode == PEER_ASKS_POLKIT)
      peer_ask (self, p, key, check);
  g_hash_table_remove_all (p->wanted);
  ask_pump (self);
  peer_run (self, p);
}

static void
peer_vanished (GDBusConnection *connection, const gchar *name, gpointer user_data)
{
  VmnetdBus *self = user_data;

  g_hash_table_remove (self->peers, name);
}

/* The caller @name, known from its first call on: it gets the signals for
 * the objects it sees until it leaves the bus. */
Peer *
peer_get (VmnetdBus *self, const gchar *name)
{
  Peer *p = g_hash_table_lookup (self->peers, name);

  if (p)
    return p;
  p = g_new0 (Peer, 1);
  p->name = g_strdup (name);
  p->decisions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p->wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) auth_check_free);
  p->told = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
  g_queue_init (&p->waiters);
  g_hash_table_insert (self->peers, p->name, p);
  if (self->bus_type == G_BUS_TYPE_SESSION)
    p->mode = PEER_SEES_ALL;
  else
    {
      UidCall *u = g_new0 (UidCall, 1);

      u->bus = self;
      u->name = g_strdup (name);
      g_dbus_connection_call (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "GetConnectionUnixUser", g_variant_new ("(s)", name),
                              G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, uid_done, u);
    }
  p->watch = g_bus_watch_name_on_connection (self->connection, name, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                             NULL, peer_vanished, self, NULL);
  return p;
}

/* When polkit's rules change, what each caller sees is asked again; it is
 * told of the objects that appeared or disappeared for it, and of the
 * properties that now name a VM it sees, or no longer do. */

static void
reseen (VmnetdBus *self, Peer *p, gpointer data)
{
  GHashTable *before = data;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Exported *e = value;
      gboolean was = GPOINTER_TO_INT (g_hash_table_lookup (before, e->visible_key)) == SEES_SHOWN;
      gboolean is = peer_sees (p, e->visible_key) == 1;
      g_autoptr(GVariant) params = NULL;
      g_autoptr(GVariant) all = NULL;
      g_autoptr(GVariant) view = NULL;
      GPtrArray *names = exported_names (self, e);

      if ((!was && !is) || !self->connection)
        continue;
      if (is)
        {
          all = g_dbus_interface_skeleton_get_properties (e->iface);
          view = object_view (p, all, names);
        }
      if (was && is)
        {
          g_autoptr(GVariant) told = peer_told (p, key);

          params = told ? properties_changed (g_dbus_interface_skeleton_get_info (e->iface)->name, told, view) : NULL;
          if (params)
            g_dbus_connection_emit_signal (self->connection, p->name, key, "org.freedesktop.DBus.Properties",
                                           "PropertiesChanged", params, NULL);
          if (told)
            peer_tell (p, key, view, names);
          continue;
        }
      if (is)
        {
          params = g_variant_ref_sink (interfaces_added (e, view));
          peer_tell (p, key, view, names);
        }
      else
        {
          const gchar *ifaces[] = { g_dbus_interface_skeleton_get_info (e->iface)->name, NULL };
          params = g_variant_ref_sink (g_variant_new ("(o^as)",
                                                      g_dbus_object_get_object_path (G_DBUS_OBJECT (e->object)),
                                                      ifaces));
          peer_tell (p, key, NULL, NULL);
        }
      g_dbus_connection_emit_signal (self->connection, p->name, VMNETD_OBJECT_ROOT, OBJECT_MANAGER,
                                     is ? "InterfacesAdded" : "InterfacesRemoved", params, NULL);
    }
}

static gboolean
rules_changed_later (gpointer user_data)
{
  VmnetdBus *self = user_data;
  GHashTableIter iter;
  gpointer value;
  g_autoptr(GHashTable) checks = g_hash_table_new (g_str_hash, g_str_equal);

  self->rules_timeout = 0;

  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Exported *e = value;
      GPtrArray *names = exported_names (self, e);

      g_hash_table_insert (checks, e->visible_key, e->visible);
      for (guint i = 0; i < names->len; i++)
        g_hash_table_insert (checks, ((Named *) g_ptr_array_index (names, i))->key,
                             ((Named *) g_ptr_array_index (names, i))->check);
    }
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Peer *p = value;
      GHashTable *before;

      if (p->mode != PEER_ASKS_POLKIT)
        continue;
      before = p->decisions;
      p->decisions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      p->generation++;
      /* What is waiting is asked again too; an object gone meanwhile is hidden. */
      for (GList *l = p->waiters.head; l; l = l->next)
        {
          Waiter *w = l->data;
          for (guint i = 0; i < w->keys->len; i++)
            {
              const gchar *key = g_ptr_array_index (w->keys, i);
              const AuthCheck *check = g_hash_table_lookup (checks, key);

              if (check)
                peer_want (self, p, key, check);
              else if (!g_hash_table_contains (p->decisions, key))
                g_hash_table_insert (p->decisions, g_strdup (key), GINT_TO_POINTER (SEES_HIDDEN));
            }
        }
      peer_when (self, p, NULL, reseen, before, (GDestroyNotify) g_hash_table_unref);
    }
  model_rules_changed (self);
  return G_SOURCE_REMOVE;
}

static void
rules_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event, gpointer user_data)
{
  VmnetdBus *self = user_data;

  /* polkitd reloads its rules on the same notification: give it time. */
  if (self->rules_timeout)
    g_source_remove (self->rules_timeout);
  self->rules_timeout = g_timeout_add (500, rules_changed_later, self);
}

/* Follows polkit's rules directories (not on a session bus, where nobody is asked). */
void
vmnetd_rules_watch (VmnetdBus *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (rules_dirs); i++)
    {
      g_autoptr(GFile) dir = g_file_new_for_path (rules_dirs[i]);
      GFileMonitor *monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_NONE, NULL, NULL);

      if (!monitor)
        continue;
      g_signal_connect (monitor, "changed", G_CALLBACK (rules_changed), self);
      g_ptr_array_add (self->monitors, monitor);
    }
}

/* Authorization: polkit decides, with libvirt's actions and details. */

void
add_check (GPtrArray *checks, const gchar *permission, const gchar *object, const gchar *const *details)
{
  g_ptr_array_add (checks, auth_check_new (permission, object, details));
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
  gboolean interactive;

  if (c->next >= c->checks->len)
    {
      c->func (c->bus, g_steal_pointer (&c->invocation), c->data);
      auth_call_free (c);
      return;
    }
  /* The caller's message says whether it may wait for an authentication dialog. */
  interactive = (g_dbus_message_get_flags (g_dbus_method_invocation_get_message (c->invocation)) &
                 G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION) != 0;
  polkit_check (c->bus->connection, g_dbus_method_invocation_get_sender (c->invocation),
                g_ptr_array_index (c->checks, c->next), interactive, check_done, c);
}

/* Asks polkit, one after the other, whether the caller may do each of
 * @checks (what libvirt would check for the same change); @func runs, with
 * the invocation, when all pass. On a session bus, which only the user's
 * own processes reach, nothing is asked. */
void
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

