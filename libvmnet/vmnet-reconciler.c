/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VmnetReconciler: follows libvirt's events and runs reconcile passes. */
#include "config.h"

#include "vmnet-reconciler.h"
#include "vmnet-enum-types.h"
#include "vmnet-host-private.h"
#include "vmnet-error.h"

/**
 * VmnetReconciler:
 *
 * Keeps VFs where they belong on one host, driven by libvirt's events: when
 * a VM starts, resumes or arrives by migration, or an adapter's settings
 * change, its adapters with IovWeight above 0 get VFs if any are free; when
 * a VF comes free (a VM stopped, a device or a switch went), it goes at once
 * to the waiting adapter with the highest IovWeight, the one that has waited
 * longest among equals. Each pass is vmnet_host_reconcile(); events that
 * arrive during a pass lead to one more.
 *
 * Nothing is polled: between events the only traffic is libvirt's
 * keepalive. When the connection is lost, the reconciler connects again
 * with a growing delay (0.5 s doubling up to 8 s) and then runs a full
 * pass. Stopping it leaves every VF where it is.
 *
 * libvirt delivers events through GLib's global-default main context
 * (libvirt-glib's event loop), so a reconciler must be used from the thread
 * that runs it; vmnetd is one.
 *
 * Since: 0.1
 */

#define BACKOFF_FIRST_MS 500
#define BACKOFF_MAX_MS   8000

struct _VmnetReconciler {
  GObject            parent_instance;

  gchar             *uri;
  gchar             *host_root;
  VmnetHost         *host;
  VmnetLibvirtWatch *watch;
  gulong             action_handler;
  gboolean           running;
  gboolean           connecting;
  guint              retry_source;
  guint              retry_ms;
  guint              pass_source;
  gboolean           pass_running;
  gboolean           pass_again;
  guint              passes;
  GCancellable      *cancellable;
};

G_DEFINE_FINAL_TYPE (VmnetReconciler, vmnet_reconciler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_URI,
  PROP_HOST_ROOT,
  PROP_HOST,
  PROP_CONNECTED,
  PROP_PASSES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_VF_ACTION,
  SIGNAL_RECONCILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void connect_host (VmnetReconciler *self);

static void
pass_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(VmnetReconciler) self = user_data;
  g_autoptr(GError) error = NULL;

  vmnet_host_reconcile_finish (VMNET_HOST (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->pass_running = FALSE;
  self->passes++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PASSES]);
  g_signal_emit (self, signals[SIGNAL_RECONCILED], 0, error);
  /* Another process held the host's lock for the whole wait (a long move):
   * what happened meanwhile needs a pass once it is done. */
  if (g_error_matches (error, VMNET_ERROR, VMNET_ERROR_BUSY))
    self->pass_again = TRUE;
  if (self->pass_again && self->host)
    {
      self->pass_again = FALSE;
      self->pass_running = TRUE;
      vmnet_host_reconcile_async (self->host, NULL, self->cancellable, pass_done, g_object_ref (self));
    }
}

static gboolean
pass_now (gpointer user_data)
{
  VmnetReconciler *self = user_data;

  self->pass_source = 0;
  if (!self->host)
    return G_SOURCE_REMOVE;
  self->pass_running = TRUE;
  vmnet_host_reconcile_async (self->host, NULL, self->cancellable, pass_done, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* Events come in bursts; they share one pass, or one more after the
 * running one. */
static void
request_pass (VmnetReconciler *self)
{
  if (self->pass_running)
    self->pass_again = TRUE;
  else if (!self->pass_source)
    self->pass_source = g_idle_add (pass_now, self);
}

/* No more events, and the pass in progress (if any) cancelled. */
static void
stop_following (VmnetReconciler *self)
{
  g_clear_pointer (&self->watch, vmnet_libvirt_watch_free);
  g_clear_handle_id (&self->pass_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->pass_running = FALSE;
  self->pass_again = FALSE;
}

static void
drop_host (VmnetReconciler *self)
{
  stop_following (self);
  if (self->host)
    {
      g_clear_signal_handler (&self->action_handler, self->host);
      g_clear_object (&self->host);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
    }
}

static gboolean
retry_now (gpointer user_data)
{
  VmnetReconciler *self = user_data;

  self->retry_source = 0;
  connect_host (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (VmnetReconciler *self)
{
  if (!self->running || self->retry_source)
    return;
  self->retry_ms = self->retry_ms ? MIN (self->retry_ms * 2, BACKOFF_MAX_MS) : BACKOFF_FIRST_MS;
  g_debug ("reconciler: connecting to '%s' again in %u ms", self->uri, self->retry_ms);
  self->retry_source = g_timeout_add (self->retry_ms, retry_now, self);
}

static gboolean
closed_idle (gpointer user_data)
{
  VmnetReconciler *self = user_data;

  drop_host (self);
  schedule_retry (self);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
on_event (VmnetLibvirtEventKind kind, const gchar *vm_uuid, const gchar *what, gpointer user_data)
{
  VmnetReconciler *self = user_data;

  g_debug ("reconciler: %s%s%s", what, vm_uuid ? " " : "", vm_uuid ? vm_uuid : "");
  switch (kind)
    {
    case VMNET_LIBVIRT_EVENT_CLOSED:
      /* Not from inside libvirt's callback: the watch goes with the host. */
      g_idle_add (closed_idle, g_object_ref (self));
      return;
    case VMNET_LIBVIRT_EVENT_RESOURCES:
      if (self->host)
        vmnet_host_resources_changed (self->host);
      break;
    case VMNET_LIBVIRT_EVENT_VM_RUNNING:
      /* An attach that failed while the VM was arriving or paused gets
       * another try now. When nothing else is under way, the VM's VFs are
       * attached from what is known already and the host read afterwards:
       * a started VM gets its VF as fast as libvirt can attach it. */
      if (self->host && vm_uuid)
        {
          vmnet_host_forget_failures (self->host, vm_uuid);
          if (!self->pass_running && !self->pass_source &&
              vmnet_host_reconcile_started_vm_async (self->host, vm_uuid, self->cancellable, pass_done,
                                                     g_object_ref (self)))
            {
              self->pass_running = TRUE;
              return;
            }
        }
      break;
    case VMNET_LIBVIRT_EVENT_DEMAND:
    default:
      break;
    }
  request_pass (self);
}

static void
forward_action (VmnetHost     *host,
                VmnetVfAction  action,
                const gchar   *vm_name,
                const gchar   *adapter_name,
                const gchar   *virtual_function,
                const gchar   *reason,
                gpointer       user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_VF_ACTION], 0, action, vm_name, adapter_name, virtual_function, reason);
}

static void
host_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(VmnetReconciler) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetHost) host = vmnet_host_new_for_uri_finish (result, &error);
  VmnetHost *previous;

  self->connecting = FALSE;
  if (!self->running)
    return;
  if (host)
    self->watch = vmnet_libvirt_conn_watch (vmnet_host_get_libvirt_conn (host), on_event, self, &error);
  if (!host || !self->watch)
    {
      g_debug ("reconciler: %s", error->message);
      g_signal_emit (self, signals[SIGNAL_RECONCILED], 0, error);
      schedule_retry (self);
      return;
    }
  previous = self->host;
  self->host = g_steal_pointer (&host);
  g_clear_object (&previous);
  self->retry_ms = 0;
  self->action_handler = g_signal_connect (self->host, "vf-action", G_CALLBACK (forward_action), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
  /* A full pass: whatever happened while nobody was watching. */
  request_pass (self);
}

static void
connect_host (VmnetReconciler *self)
{
  if (!self->running || self->connecting || self->host)
    return;
  self->connecting = TRUE;
  vmnet_libvirt_event_loop_register ();
  g_async_initable_new_async (VMNET_TYPE_HOST, G_PRIORITY_DEFAULT, self->cancellable, host_ready,
                              g_object_ref (self), "uri", self->uri, "host-root", self->host_root,
                              /* the reconciler reads libvirt itself (vmnetd serves what it reads) */
                              "use-service", FALSE, NULL);
}

static void
vmnet_reconciler_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VmnetReconciler *self = VMNET_RECONCILER (object);

  switch (prop_id)
    {
    case PROP_URI:
      g_value_set_string (value, self->uri);
      break;
    case PROP_HOST_ROOT:
      g_value_set_string (value, self->host_root);
      break;
    case PROP_HOST:
      g_value_set_object (value, self->host);
      break;
    case PROP_CONNECTED:
      g_value_set_boolean (value, vmnet_reconciler_get_connected (self));
      break;
    case PROP_PASSES:
      g_value_set_uint (value, self->passes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_reconciler_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  VmnetReconciler *self = VMNET_RECONCILER (object);

  switch (prop_id)
    {
    case PROP_URI:
      self->uri = g_value_dup_string (value);
      break;
    case PROP_HOST_ROOT:
      self->host_root = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_reconciler_dispose (GObject *object)
{
  VmnetReconciler *self = VMNET_RECONCILER (object);

  self->running = FALSE;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  drop_host (self);
  G_OBJECT_CLASS (vmnet_reconciler_parent_class)->dispose (object);
}

static void
vmnet_reconciler_finalize (GObject *object)
{
  VmnetReconciler *self = VMNET_RECONCILER (object);

  g_clear_object (&self->cancellable);
  g_free (self->uri);
  g_free (self->host_root);
  G_OBJECT_CLASS (vmnet_reconciler_parent_class)->finalize (object);
}

static void
vmnet_reconciler_class_init (VmnetReconcilerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vmnet_reconciler_get_property;
  object_class->set_property = vmnet_reconciler_set_property;
  object_class->dispose = vmnet_reconciler_dispose;
  object_class->finalize = vmnet_reconciler_finalize;

  /**
   * VmnetReconciler:uri:
   *
   * The libvirt URI of the host (as for vmnet_host_new_for_uri()).
   *
   * Since: 0.1
   */
  properties[PROP_URI] = g_param_spec_string ("uri", NULL, NULL, NULL,
                                              G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * VmnetReconciler:host-root:
   *
   * Where the host's files are read from, as [property@Vmnet.Host:host-root]
   * (a copy of a host's /sys and /proc); %NULL: this machine's when the
   * connection is local.
   *
   * Since: 0.1
   */
  properties[PROP_HOST_ROOT] = g_param_spec_string ("host-root", NULL, NULL, NULL,
                                                    G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * VmnetReconciler:host:
   *
   * The host while connected, %NULL otherwise; a new #VmnetHost after each
   * reconnection.
   *
   * Since: 0.1
   */
  properties[PROP_HOST] = g_param_spec_object ("host", NULL, NULL, VMNET_TYPE_HOST, ro);
  /**
   * VmnetReconciler:connected:
   *
   * Whether the reconciler is connected and watching libvirt's events.
   *
   * Since: 0.1
   */
  properties[PROP_CONNECTED] = g_param_spec_boolean ("connected", NULL, NULL, FALSE, ro);
  /**
   * VmnetReconciler:passes:
   *
   * How many reconcile passes have finished.
   *
   * Since: 0.1
   */
  properties[PROP_PASSES] = g_param_spec_uint ("passes", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * VmnetReconciler::vf-action:
   * @reconciler: the reconciler
   * @action: what happened
   * @vm_name: the VM
   * @adapter_name: its network adapter
   * @virtual_function: (nullable): the VF's PCI address, when known
   * @reason: why, in a sentence
   *
   * #VmnetHost::vf-action of the current host.
   *
   * Since: 0.1
   */
  signals[SIGNAL_VF_ACTION] =
    g_signal_new ("vf-action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 5, VMNET_TYPE_VF_ACTION, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                  G_TYPE_STRING);
  /**
   * VmnetReconciler::reconciled:
   * @reconciler: the reconciler
   * @error: (nullable): why the pass (or connecting) failed, or %NULL
   *
   * Emitted after each pass, and after each failed attempt to connect.
   *
   * Since: 0.1
   */
  signals[SIGNAL_RECONCILED] =
    g_signal_new ("reconciled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
vmnet_reconciler_init (VmnetReconciler *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * vmnet_reconciler_new:
 * @uri: (nullable): a libvirt URI, %VMNET_DEMO_URI, or %NULL for libvirt's default
 *
 * Creates a reconciler for the host at @uri; it connects when started.
 *
 * Returns: (transfer full): a new #VmnetReconciler
 *
 * Since: 0.1
 */
VmnetReconciler *
vmnet_reconciler_new (const gchar *uri)
{
  return g_object_new (VMNET_TYPE_RECONCILER, "uri", uri, NULL);
}

/**
 * vmnet_reconciler_start:
 * @self: a #VmnetReconciler
 *
 * Connects (from GLib's global-default main context, which must be
 * running), runs a full pass, then follows libvirt's events. Connection
 * failures are retried; #VmnetReconciler::reconciled reports them.
 *
 * Since: 0.1
 */
void
vmnet_reconciler_start (VmnetReconciler *self)
{
  g_return_if_fail (VMNET_IS_RECONCILER (self));

  if (self->running)
    return;
  self->running = TRUE;
  self->retry_ms = 0;
  connect_host (self);
}

/**
 * vmnet_reconciler_stop:
 * @self: a #VmnetReconciler
 *
 * Stops following events and cancels a pass in progress. Every VF stays
 * where it is.
 *
 * Since: 0.1
 */
void
vmnet_reconciler_stop (VmnetReconciler *self)
{
  g_return_if_fail (VMNET_IS_RECONCILER (self));

  self->running = FALSE;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  stop_following (self);
  self->connecting = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

/**
 * vmnet_reconciler_get_uri:
 * @self: a #VmnetReconciler
 *
 * Gets [property@Vmnet.Reconciler:uri].
 *
 * Returns: (nullable): the URI given at creation
 *
 * Since: 0.1
 */
const gchar *
vmnet_reconciler_get_uri (VmnetReconciler *self)
{
  g_return_val_if_fail (VMNET_IS_RECONCILER (self), NULL);
  return self->uri;
}

/**
 * vmnet_reconciler_get_host:
 * @self: a #VmnetReconciler
 *
 * Gets [property@Vmnet.Reconciler:host].
 *
 * Returns: (transfer none) (nullable): the connected host, or %NULL
 *
 * Since: 0.1
 */
VmnetHost *
vmnet_reconciler_get_host (VmnetReconciler *self)
{
  g_return_val_if_fail (VMNET_IS_RECONCILER (self), NULL);
  return self->host;
}

/**
 * vmnet_reconciler_get_connected:
 * @self: a #VmnetReconciler
 *
 * Gets [property@Vmnet.Reconciler:connected].
 *
 * Returns: whether the reconciler is connected and following events
 *
 * Since: 0.1
 */
gboolean
vmnet_reconciler_get_connected (VmnetReconciler *self)
{
  g_return_val_if_fail (VMNET_IS_RECONCILER (self), FALSE);
  return self->host != NULL && self->watch != NULL;
}

/**
 * vmnet_reconciler_get_passes:
 * @self: a #VmnetReconciler
 *
 * Gets [property@Vmnet.Reconciler:passes].
 *
 * Returns: how many passes have finished
 *
 * Since: 0.1
 */
guint
vmnet_reconciler_get_passes (VmnetReconciler *self)
{
  g_return_val_if_fail (VMNET_IS_RECONCILER (self), 0);
  return self->passes;
}

/* Whether a pass is running or due (one is asked for and not yet begun). */
gboolean
vmnet_reconciler_is_busy (VmnetReconciler *self)
{
  return self->pass_running || self->pass_source || self->pass_again;
}
