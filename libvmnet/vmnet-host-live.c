/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A live host: libvirt's events on a connection of its own, each burst of
 * them answered by one read of the host (VmnetHost:live). */
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
} VmnetHostLive;

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
  g_ptr_array_add (live->events, g_steal_pointer (&e->what));
  if (!live->reading)
    read_again (live);
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

void
vmnet_host_live_stop (VmnetHost *self)
{
  VmnetHostLive *live = g_steal_pointer (&self->live);

  if (!live)
    return;
  g_cancellable_cancel (live->cancellable);
  g_clear_object (&live->cancellable);
  g_clear_pointer (&live->watch, vmnet_libvirt_watch_free);
  g_clear_pointer (&live->conn, vmnet_libvirt_conn_free);
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
  g_autoptr(VmnetLibvirtConn) conn = NULL;
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
  /* Connections get events only when opened after the event loop is bound. */
  vmnet_libvirt_event_loop_register ();
  conn = vmnet_libvirt_conn_open (vmnet_host_get_resolved_uri (self), vmnet_host_open_flags (self), error);
  if (!conn)
    return FALSE;
  l = g_new0 (VmnetHostLive, 1);
  l->host = self;
  l->cancellable = g_cancellable_new ();
  l->events = g_ptr_array_new_with_free_func (g_free);
  l->watch = vmnet_libvirt_conn_watch (conn, on_event, l, error);
  if (!l->watch)
    {
      g_object_unref (l->cancellable);
      g_ptr_array_unref (l->events);
      g_free (l);
      return FALSE;
    }
  l->conn = g_steal_pointer (&conn);
  self->live = l;
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
