/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A live host: libvirt's events on a connection of its own, each burst of
 * them answered by one read of the host (VmnetHost:live). A host attached
 * to vmnetd follows vmnetd's ModelChanged instead, and libvirt's events
 * again while vmnetd is gone. */
#include "config.h"

#include "vmnet-host-private.h"
#include "vmnet-error.h"

typedef struct _VmnetHostLive {
  VmnetHost         *host;          /* not a reference: the host owns this */
  VmnetLibvirtConn  *conn;
  VmnetLibvirtWatch *watch;
  GCancellable      *cancellable;
  GPtrArray         *events;        /* (element-type utf8): since the running read started */
  GPtrArray         *burst;         /* (element-type utf8): what the running read answers */
  gboolean           reading;
  guint              model_changed; /* vmnetd's ModelChanged subscription */
  guint              name_watch;    /* vmnetd on the bus */
  gchar             *owner;         /* vmnetd's unique name, NULL: not on the bus */
  guint              retry;         /* a source asking vmnetd again whether it serves the host */
  guint              retries;
} VmnetHostLive;

static gboolean watch_libvirt (VmnetHostLive *live, GError **error);
static void     unwatch_libvirt (VmnetHostLive *live);

static void read_again (VmnetHostLive *live);

static void
read_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  VmnetHost *host = VMNET_HOST (source);
  VmnetHostLive *live;
  g_autoptr(GPtrArray) burst = NULL;

  vmnet_host_refresh_finish (host, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (host);
      return;
    }
  live = host->live;
  if (error)
    g_debug ("live host '%s': %s", vmnet_host_label (host), error->message);
  if (live)
    {
      live->reading = FALSE;
      burst = g_steal_pointer (&live->burst);
      g_ptr_array_add (burst, NULL);
      vmnet_host_emit_refreshed (host, (const gchar *const *) burst->pdata);
      /* Events during the read: one more. */
      if (host->live && live->events->len > 0)
        read_again (live);
    }
  g_object_unref (host);
}

static void
read_again (VmnetHostLive *live)
{
  live->reading = TRUE;
  live->burst = g_steal_pointer (&live->events);
  live->events = g_ptr_array_new_with_free_func (g_free);
  vmnet_host_refresh_async (live->host, live->cancellable, read_done, g_object_ref (live->host));
}

typedef struct {
  VmnetHost *host;
  gchar     *what;
  gboolean   closed;
} Event;

static void
event_free (Event *e)
{
  g_object_unref (e->host);
  g_free (e->what);
  g_free (e);
}

static void
add_event (VmnetHostLive *live, gchar *what)
{
  g_ptr_array_add (live->events, what);
  if (!live->reading)
    read_again (live);
}

/* In the host's context. */
static gboolean
event_dispatch (gpointer user_data)
{
  Event *e = user_data;
  VmnetHostLive *live = e->host->live;

  if (!live)
    return G_SOURCE_REMOVE;
  if (e->closed)
    {
      g_debug ("live host '%s': %s", vmnet_host_label (e->host), e->what);
      vmnet_host_live_stop (e->host);
      vmnet_host_notify_live (e->host);
      return G_SOURCE_REMOVE;
    }
  add_event (live, g_steal_pointer (&e->what));
  return G_SOURCE_REMOVE;
}

static gchar *
describe (VmnetHost *host, const gchar *vm_uuid, const gchar *what)
{
  g_autoptr(VmnetVm) vm = vm_uuid ? vmnet_host_find_vm (host, vm_uuid, NULL) : NULL;

  if (vm)
    return g_strdup_printf ("VM '%s' %s", vmnet_vm_get_name (vm), what);
  if (vm_uuid)
    return g_strdup_printf ("VM %s %s", vm_uuid, what);
  return g_strdup (what);
}

/* On the global-default main context, where libvirt-glib runs libvirt's events. */
static void
on_event (VmnetLibvirtEventKind kind, const gchar *vm_uuid, const gchar *what, gpointer user_data)
{
  VmnetHostLive *live = user_data;
  Event *e = g_new0 (Event, 1);

  e->host = g_object_ref (live->host);
  e->closed = kind == VMNET_LIBVIRT_EVENT_CLOSED;
  e->what = describe (live->host, vm_uuid, what);
  g_main_context_invoke_full (live->host->context, G_PRIORITY_DEFAULT, event_dispatch, e,
                              (GDestroyNotify) event_free);
}

/* vmnetd's signals, in the host's context. */
static void
on_model_changed (GDBusConnection *bus, const gchar *sender, const gchar *path, const gchar *iface,
                  const gchar *signal, GVariant *parameters, gpointer user_data)
{
  VmnetHostLive *live = user_data;
  guint64 generation;

  if (g_strcmp0 (sender, live->owner) != 0 || !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(t)")) ||
      !vmnet_host_service_attached (live->host))
    return;
  g_variant_get (parameters, "(t)", &generation);
  if (generation <= vmnet_host_service_generation (live->host))
    return;
  add_event (live, g_strdup_printf ("vmnetd's model %" G_GUINT64_FORMAT, generation));
}

/* Attached again: libvirt's events are vmnetd's business. */
static gboolean
try_attach (VmnetHostLive *live)
{
  if (!vmnet_host_service_check (live->host))
    return FALSE;
  unwatch_libvirt (live);
  add_event (live, g_strdup ("vmnetd on the bus"));
  return TRUE;
}

static gboolean
retry_attach (gpointer user_data)
{
  VmnetHostLive *live = user_data;

  if (!live->owner || try_attach (live) || ++live->retries >= 40)
    {
      live->retry = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_name_appeared (GDBusConnection *bus, const gchar *name, const gchar *owner, gpointer user_data)
{
  VmnetHostLive *live = user_data;
  gboolean again = live->owner != NULL && g_strcmp0 (live->owner, owner) != 0;

  g_free (live->owner);
  live->owner = g_strdup (owner);
  if (vmnet_host_service_attached (live->host) && !again)
    return;
  g_clear_handle_id (&live->retry, g_source_remove);
  live->retries = 0;
  /* vmnetd may take the name before it has read libvirt: asked again for a while. */
  if (!try_attach (live))
    {
      GSource *source = g_timeout_source_new (250);
      g_source_set_callback (source, retry_attach, live, NULL);
      live->retry = g_source_attach (source, live->host->context);
      g_source_unref (source);
    }
}

static void
on_name_vanished (GDBusConnection *bus, const gchar *name, gpointer user_data)
{
  VmnetHostLive *live = user_data;
  VmnetHost *host = live->host;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&live->owner, g_free);
  g_clear_handle_id (&live->retry, g_source_remove);
  if (!vmnet_host_service_attached (host))
    return;
  vmnet_host_service_detach (host, "vmnetd left the bus");
  if (!watch_libvirt (live, &error))
    {
      g_debug ("live host '%s': %s", vmnet_host_label (host), error->message);
      vmnet_host_live_stop (host);
      vmnet_host_notify_live (host);
      return;
    }
  add_event (live, g_strdup ("vmnetd left the bus"));
}

static void
watch_service (VmnetHostLive *live)
{
  VmnetHost *host = live->host;
  GDBusConnection *bus = vmnet_host_service_bus (host);

  if (!bus)
    return;
  /* Signals come to the context that subscribes. */
  g_main_context_push_thread_default (host->context);
  live->model_changed = g_dbus_connection_signal_subscribe (bus, NULL, "org.libvmnet.Vmnet1.Host", "ModelChanged",
                                                            NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_model_changed,
                                                            live, NULL);
  live->name_watch = g_bus_watch_name_on_connection (bus, "org.libvmnet.Vmnet1", G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                     on_name_appeared, on_name_vanished, live, NULL);
  g_main_context_pop_thread_default (host->context);
}

static void
unwatch_libvirt (VmnetHostLive *live)
{
  g_clear_pointer (&live->watch, vmnet_libvirt_watch_free);
  g_clear_pointer (&live->conn, vmnet_libvirt_conn_free);
}

/* libvirt's events on a connection of the live host's own. */
static gboolean
watch_libvirt (VmnetHostLive *live, GError **error)
{
  g_autoptr(VmnetLibvirtConn) conn = NULL;
  VmnetHost *host = live->host;
  const gchar *uri = vmnet_host_get_resolved_uri (host) ? vmnet_host_get_resolved_uri (host) : host->uri;

  if (live->watch)
    return TRUE;
  /* Connections get events only when opened after the event loop is bound. */
  vmnet_libvirt_event_loop_register ();
  conn = vmnet_libvirt_conn_open (uri, vmnet_host_open_flags (host), error);
  if (!conn)
    return FALSE;
  live->watch = vmnet_libvirt_conn_watch (conn, on_event, live, error);
  if (!live->watch)
    return FALSE;
  live->conn = g_steal_pointer (&conn);
  return TRUE;
}

void
vmnet_host_live_stop (VmnetHost *self)
{
  VmnetHostLive *live = g_steal_pointer (&self->live);
  GDBusConnection *bus = vmnet_host_service_bus (self);

  if (!live)
    return;
  g_cancellable_cancel (live->cancellable);
  g_clear_object (&live->cancellable);
  if (live->model_changed)
    g_dbus_connection_signal_unsubscribe (bus, live->model_changed);
  g_clear_handle_id (&live->name_watch, g_bus_unwatch_name);
  g_clear_handle_id (&live->retry, g_source_remove);
  g_clear_pointer (&live->owner, g_free);
  unwatch_libvirt (live);
  g_clear_pointer (&live->events, g_ptr_array_unref);
  g_clear_pointer (&live->burst, g_ptr_array_unref);
  g_free (live);
}

/**
 * vmnet_host_set_live:
 * @self: a #VmnetHost
 * @live: follow libvirt's events, or stop
 * @error: return location for a #GError
 *
 * Makes the host follow libvirt's events (VM lifecycle, devices, libvmnet
 * settings, networks, node devices) on a connection of its own, and read
 * itself again once per burst of them: its objects then change by
 * themselves, and #VmnetHost::refreshed says when. Nothing is polled. If
 * libvirt goes away, #VmnetHost:live turns %FALSE.
 *
 * A host attached to vmnetd (#VmnetHost:attached) follows vmnetd's
 * `ModelChanged` signal instead, in the host's context, and reads vmnetd's
 * model once per newer one; while vmnetd is off the bus it follows
 * libvirt's events, and it attaches again when vmnetd is back.
 *
 * Events arrive through GLib's global-default main context (the one
 * libvirt-glib runs libvirt's event loop on), which must be iterated; the
 * host changes in its own context.
 *
 * On a `test:///…` host with a file of its own, each connection has a copy
 * of its own: only changes made through `test:///default` are seen.
 *
 * Returns: %TRUE on success; %FALSE with %VMNET_ERROR_BACKEND_UNAVAILABLE
 *   when libvirt cannot be watched
 *
 * Since: 0.1
 */
gboolean
vmnet_host_set_live (VmnetHost  *self,
                     gboolean    live,
                     GError    **error)
{
  VmnetHostLive *l;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!live)
    {
      if (self->live)
        {
          vmnet_host_live_stop (self);
          vmnet_host_notify_live (self);
        }
      return TRUE;
    }
  if (self->live)
    return TRUE;
  l = g_new0 (VmnetHostLive, 1);
  l->host = self;
  l->cancellable = g_cancellable_new ();
  l->events = g_ptr_array_new_with_free_func (g_free);
  self->live = l;
  if (!vmnet_host_service_attached (self) && !watch_libvirt (l, error))
    {
      vmnet_host_live_stop (self);
      return FALSE;
    }
  watch_service (l);
  vmnet_host_notify_live (self);
  return TRUE;
}

/**
 * vmnet_host_get_live:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:live].
 *
 * Returns: whether the host follows libvirt's events
 *
 * Since: 0.1
 */
gboolean
vmnet_host_get_live (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  return self->live != NULL;
}
