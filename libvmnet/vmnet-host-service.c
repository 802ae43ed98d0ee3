/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A host attached to vmnetd (doc/dbus.md): when vmnetd serves the host's URI
 * on the bus, reads take its model (Host.GetModel) and the changes it serves
 * go through its methods; libvirt is not called for either. */
#include "config.h"

#include <string.h>

#include "vmnet-host-private.h"
#include "vmnet-error.h"

#define SERVICE_NAME  "org.libvmnet.Vmnet1"
#define SERVICE_ROOT  "/org/libvmnet/Vmnet1"
#define HOST_PATH     SERVICE_ROOT "/Host"
#define HOST_IFACE    SERVICE_NAME ".Host"
#define CHECK_TIMEOUT 5000   /* ms: a service that does not answer this is not used */

struct _VmnetHostService {
  GDBusConnection *bus;
  GMutex           lock;     /* what follows: read in worker threads */
  gboolean         attached;
  gboolean         was_attached;
  gchar           *resolved_uri;
  gboolean         is_remote;
  gboolean         is_privileged;
  gboolean         host_facts_available;
  guint64          generation;
  gboolean         shown;    /* VmnetHost:attached as last notified */
};

/* The D-Bus names of the VmnetError codes, as vmnetd sends them. */
static void
register_errors (void)
{
  static gsize done = 0;
  static const gchar *const names[] = {
    "Failed", "NotFound", "InvalidArgument", "NotSupported", "AlreadyExists", "Busy",
    "NoResources", "AccessDenied", "RemoteUnsupported", "BackendUnavailable", "InvalidData",
  };

  if (!g_once_init_enter (&done))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree gchar *name = g_strconcat (SERVICE_NAME ".Error.", names[i], NULL);
      g_dbus_error_register_error (VMNET_ERROR, (gint) i, name);
    }
  g_once_init_leave (&done, 1);
}

void
vmnet_host_service_free (VmnetHostService *service)
{
  g_clear_object (&service->bus);
  g_mutex_clear (&service->lock);
  g_free (service->resolved_uri);
  g_free (service);
}

static gchar *
lookup_string (GVariant *dict, const gchar *key)
{
  const gchar *s = NULL;

  if (!g_variant_lookup (dict, key, "&s", &s) || !*s)
    return NULL;
  return g_strdup (s);
}

static gboolean
lookup_flag (GVariant *dict, const gchar *key)
{
  gboolean b = FALSE;

  g_variant_lookup (dict, key, "b", &b);
  return b;
}

/* Whether vmnetd's Host properties @dict say it serves this host's URI. */
static gboolean
serves_this_host (VmnetHost *self, GVariant *dict, gchar **why)
{
  const gchar *mine = self->uri && *self->uri ? self->uri : g_getenv ("LIBVIRT_DEFAULT_URI");
  g_autofree gchar *uri = lookup_string (dict, "Uri");
  g_autofree gchar *resolved = lookup_string (dict, "ResolvedUri");

  if (!mine || !*mine)
    *why = g_strdup ("the host has no URI of its own (libvirt's default)");
  else if (g_strcmp0 (mine, uri) != 0 && g_strcmp0 (mine, resolved) != 0)
    *why = g_strdup_printf ("vmnetd serves '%s', not '%s'", uri ? uri : resolved ? resolved : "", mine);
  else if (!lookup_flag (dict, "Connected"))
    *why = g_strdup ("vmnetd is not connected to libvirt");
  else
    return TRUE;
  return FALSE;
}

/* Takes vmnetd's Host properties as the host's own (in the host's context,
 * under the lock). */
static void
take_host (VmnetHostService *service, GVariant *dict)
{
  g_free (service->resolved_uri);
  service->resolved_uri = lookup_string (dict, "ResolvedUri");
  service->is_remote = lookup_flag (dict, "IsRemote");
  service->is_privileged = lookup_flag (dict, "IsPrivileged");
  service->host_facts_available = lookup_flag (dict, "HostFactsAvailable");
}

/* Asks vmnetd, if it is on the bus, whether it serves this host; attaches
 * when it does. Never starts it. Returns: whether the host is attached. */
gboolean
vmnet_host_service_check (VmnetHost *self)
{
  VmnetHostService *service = self->service;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) dict = NULL;
  g_autofree gchar *why = NULL;
  gboolean attached;

  if (!service)
    return FALSE;
  reply = g_dbus_connection_call_sync (service->bus, SERVICE_NAME, HOST_PATH, "org.freedesktop.DBus.Properties",
                                       "GetAll", g_variant_new ("(s)", HOST_IFACE), G_VARIANT_TYPE ("(a{sv})"),
                                       G_DBUS_CALL_FLAGS_NO_AUTO_START, CHECK_TIMEOUT, NULL, &error);
  if (!reply)
    {
      g_debug ("host '%s': no vmnetd to attach to: %s", vmnet_host_label (self), error->message);
      attached = FALSE;
    }
  else
    {
      g_variant_get (reply, "(@a{sv})", &dict);
      attached = serves_this_host (self, dict, &why);
      if (!attached)
        g_debug ("host '%s': not attached to vmnetd: %s", vmnet_host_label (self), why);
      else
        g_debug ("host '%s': attached to vmnetd: reads come from its model", vmnet_host_label (self));
    }
  g_mutex_lock (&service->lock);
  service->attached = attached;
  service->was_attached |= attached;
  g_mutex_unlock (&service->lock);
  return attached;
}

/* Looks for vmnetd once, in the host's first read (any thread): on the bus
 * $VMNET_DBUS_BUS names ("system", the default; "session"; "none" turns
 * this off), unless the host was made with #VmnetHost:use-service %FALSE or
 * reads host files of its own. A missing bus means no service. */
void
vmnet_host_service_probe (VmnetHost *self)
{
  const gchar *which = g_getenv ("VMNET_DBUS_BUS");
  GBusType type = G_BUS_TYPE_SYSTEM;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *address = NULL;
  GDBusConnection *bus;

  if (self->service_probed)
    return;
  self->service_probed = TRUE;
  if (!self->use_service || self->host_root || g_strcmp0 (which, "none") == 0)
    return;
  if (g_strcmp0 (which, "session") == 0)
    type = G_BUS_TYPE_SESSION;
  else if (which && *which && g_strcmp0 (which, "system") != 0)
    g_debug ("VMNET_DBUS_BUS='%s' is none of system, session, none: looking on the system bus", which);
  /* A connection of the host's own: the process's shared one would end the
   * process when the bus goes away. */
  address = g_dbus_address_get_for_bus_sync (type, NULL, &error);
  bus = address ? g_dbus_connection_new_for_address_sync (address,
                                                          G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                          G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                          NULL, NULL, &error)
                : NULL;
  if (!bus)
    {
      g_debug ("host '%s': no bus to find vmnetd on: %s", vmnet_host_label (self), error->message);
      return;
    }
  register_errors ();
  self->service = g_new0 (VmnetHostService, 1);
  g_mutex_init (&self->service->lock);
  self->service->bus = bus;
  vmnet_host_service_check (self);
}

/* Whether the host was attached once and is not now: a restarted vmnetd
 * is looked for again. */
gboolean
vmnet_host_service_lost (VmnetHost *self)
{
  VmnetHostService *service = self->service;
  gboolean lost;

  if (!service)
    return FALSE;
  g_mutex_lock (&service->lock);
  lost = service->was_attached && !service->attached;
  g_mutex_unlock (&service->lock);
  return lost;
}

gboolean
vmnet_host_service_attached (VmnetHost *self)
{
  VmnetHostService *service = self->service;
  gboolean attached;

  if (!service)
    return FALSE;
  g_mutex_lock (&service->lock);
  attached = service->attached;
  g_mutex_unlock (&service->lock);
  return attached;
}

void
vmnet_host_service_detach (VmnetHost *self, const gchar *why)
{
  VmnetHostService *service = self->service;

  if (!service)
    return;
  g_mutex_lock (&service->lock);
  if (service->attached)
    g_debug ("host '%s': detached from vmnetd (%s): reading libvirt", vmnet_host_label (self), why);
  service->attached = FALSE;
  g_mutex_unlock (&service->lock);
}

/* Errors that say vmnetd is not there. */
static gboolean
is_gone (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

/* Errors that say vmnetd did not take the call: it is gone, or it has no
 * such method or object (an older vmnetd; an object it does not show this
 * caller, or not yet). The caller goes to libvirt instead. */
gboolean
vmnet_host_service_unserved (const GError *error)
{
  return is_gone (error) || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE);
}

/* The host read from vmnetd's model; any thread. An error means the read
 * was not served (the caller reads libvirt). */
VmnetSnapshot *
vmnet_host_service_read (VmnetHost     *self,
                         GCancellable  *cancellable,
                         GError       **error)
{
  VmnetHostService *service = self->service;
  g_autoptr(VmnetSnapshot) snap = g_new0 (VmnetSnapshot, 1);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) host = NULL;
  g_autoptr(GVariant) bytes = NULL;
  g_autoptr(GVariant) model = NULL;
  g_autofree gchar *why = NULL;
  gint64 t0 = g_get_monotonic_time (), t1;
  guint64 generation;

  reply = g_dbus_connection_call_sync (service->bus, SERVICE_NAME, HOST_PATH, HOST_IFACE, "GetModel", NULL,
                                       G_VARIANT_TYPE ("(ta{sv}ay)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                                       cancellable, error);
  if (!reply)
    {
      if (error && is_gone (*error))
        vmnet_host_service_detach (self, (*error)->message);
      return NULL;
    }
  t1 = g_get_monotonic_time ();
  g_variant_get (reply, "(t@a{sv}@ay)", &generation, &host, &bytes);
  /* vmnetd may have been restarted for another host. */
  if (!serves_this_host (self, host, &why))
    {
      vmnet_host_service_detach (self, why);
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_BACKEND_UNAVAILABLE, "%s", why);
      return NULL;
    }
  model = g_variant_new_from_data (G_VARIANT_TYPE (VMNET_MODEL_VARIANT_TYPE), g_variant_get_data (bytes),
                                   g_variant_get_size (bytes), FALSE, (GDestroyNotify) g_variant_unref,
                                   g_variant_ref (bytes));
  /* Checked whole once (GLib then trusts it): cheaper than checking each value read. */
  if (!g_variant_is_normal_form (model))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA, "vmnetd's model is malformed");
      return NULL;
    }
  snap->model = vmnet_model_from_variant (model, error);
  if (!snap->model)
    return NULL;
  snap->facts = vmnet_host_facts_new ();
  snap->facts->computer_name = lookup_string (host, "ComputerName");
  snap->facts->hypervisor = lookup_string (host, "Hypervisor");
  snap->facts->hypervisor_version = lookup_string (host, "HypervisorVersion");
  snap->facts->libvirt_version = lookup_string (host, "LibvirtVersion");
  snap->service_host = g_steal_pointer (&host);
  snap->service_generation = generation;
  g_debug ("read host '%s' from vmnetd: model %" G_GUINT64_FORMAT ", %" G_GSIZE_FORMAT " bytes, %u VMs: "
           "the call %.1f ms, the model %.1f ms", vmnet_host_label (self), generation, g_variant_get_size (bytes),
           snap->model->vms->len, (t1 - t0) / 1000.0, (g_get_monotonic_time () - t1) / 1000.0);
  return g_steal_pointer (&snap);
}

/* In the host's context: what a served read says of the host beyond the model. */
void
vmnet_host_service_apply (VmnetHost *self, VmnetSnapshot *snap)
{
  VmnetHostService *service = self->service;
  gboolean attached;

  if (!service)
    return;
  g_mutex_lock (&service->lock);
  if (snap->service_host)
    {
      take_host (service, snap->service_host);
      /* Not the highest seen: a restarted vmnetd counts from the start again. */
      service->generation = snap->service_generation;
    }
  attached = service->attached;
  g_mutex_unlock (&service->lock);
  if (attached != service->shown)
    {
      service->shown = attached;
      g_object_notify (G_OBJECT (self), "attached");
    }
}

guint64
vmnet_host_service_generation (VmnetHost *self)
{
  VmnetHostService *service = self->service;
  guint64 generation;

  if (!service)
    return 0;
  g_mutex_lock (&service->lock);
  generation = service->generation;
  g_mutex_unlock (&service->lock);
  return generation;
}

/* In the host's context. */
const gchar *
vmnet_host_service_resolved_uri (VmnetHost *self)
{
  return self->service ? self->service->resolved_uri : NULL;
}

/* In the host's context: IsRemote, IsPrivileged or HostFactsAvailable as
 * vmnetd last said. */
gboolean
vmnet_host_service_flag (VmnetHost *self, const gchar *name)
{
  VmnetHostService *service = self->service;

  if (!service)
    return FALSE;
  if (g_str_equal (name, "IsRemote"))
    return service->is_remote;
  if (g_str_equal (name, "IsPrivileged"))
    return service->is_privileged;
  return service->host_facts_available;
}

GDBusConnection *
vmnet_host_service_bus (VmnetHost *self)
{
  return self->service ? self->service->bus : NULL;
}

/* Calls @method of vmnetd's object of @kind ("Switch", "NetworkAdapter",
 * …) with @key, or of its Host when @kind is %NULL; it replies once the
 * change is in the model it serves. vmnetd's errors come back as the
 * VmnetError they were. Takes @parameters when floating. */
gboolean
vmnet_host_service_call (VmnetHost     *self,
                         const gchar   *kind,
                         const gchar   *key,
                         const gchar   *method,
                         GVariant      *parameters,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autofree gchar *escaped = kind ? g_dbus_escape_object_path (key) : NULL;
  g_autofree gchar *path = kind ? g_strdup_printf (SERVICE_ROOT "/%s/%s", kind, escaped) : g_strdup (HOST_PATH);
  g_autofree gchar *iface = g_strconcat (SERVICE_NAME ".", kind ? kind : "Host", NULL);
  g_autoptr(GVariant) reply = NULL;
  GDBusCallFlags flags = G_DBUS_CALL_FLAGS_NO_AUTO_START;

  if (self->interactive)
    flags |= G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION;
  reply = g_dbus_connection_call_sync (self->service->bus, SERVICE_NAME, path, iface, method, parameters, NULL,
                                       flags, G_MAXINT, cancellable, error);
  if (reply)
    return TRUE;
  if (error && is_gone (*error))
    vmnet_host_service_detach (self, (*error)->message);
  else if (error && !vmnet_host_service_unserved (*error))
    g_dbus_error_strip_remote_error (*error);
  return FALSE;
}

/* The host's own libvirt connection, opened now if reads have not needed
 * it (an attached host); any thread. */
gboolean
vmnet_host_ensure_conn (VmnetHost *self, GError **error)
{
  VmnetLibvirtConn *conn;

  if (g_atomic_pointer_get (&self->conn))
    return TRUE;
  conn = vmnet_libvirt_conn_open (self->uri, vmnet_host_open_flags (self), error);
  if (!conn)
    return FALSE;
  if (!g_atomic_pointer_compare_and_exchange (&self->conn, NULL, conn))
    vmnet_libvirt_conn_free (conn);
  return TRUE;
}

/**
 * vmnet_host_get_attached:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:attached].
 *
 * Returns: whether reads come from vmnetd's model
 *
 * Since: 0.1
 */
gboolean
vmnet_host_get_attached (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  return vmnet_host_service_attached (self);
}
