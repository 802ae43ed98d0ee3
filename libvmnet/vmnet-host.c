/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host object: construction, properties, signals, lists and lookups.
 * Its verbs live in vmnet-host-<concern>.c. */
#include "config.h"

#include <string.h>

#include "vmnet-host-private.h"
#include "vmnet-error.h"
#include "vmnet-enum-types.h"
#include "vmnet-object-private.h"
#include "vmnet-diagnose-private.h"

/**
 * VmnetHost:
 *
 * A virtualization host, as `Get-VMHost` shows it: one libvirt connection
 * and what it tells about virtual switches, SR-IOV adapters, VMs and their
 * network adapters.
 *
 * A host is created from a libvirt URI (`qemu:///system`,
 * `qemu+ssh://host/system`, `test:///path/host.xml`, or %VMNET_DEMO_URI for
 * the bundled demo host) with vmnet_host_new_for_uri() or its async variant.
 * Construction reads everything once; vmnet_host_refresh() reads it again.
 * The lists (vmnet_host_get_switches() and friends) are #GListModels that
 * keep their objects across refreshes and emit #GListModel::items-changed
 * when members come or go; objects emit #GObject::notify for the
 * properties whose value changed.
 *
 * Threading: a host belongs to the #GMainContext that was the thread-default
 * one when it was created. The async calls do their I/O in worker threads,
 * but objects are only ever changed, and signals emitted, in that context.
 * Sync calls must be made from it too.
 *
 * Facts that only the host itself can tell (sysfs, netlink) are read when
 * the connection is local to this machine, or from #VmnetHost:host-root when
 * it is set; otherwise they read as unknown.
 *
 * Since: 0.1
 */

static void vmnet_host_initable_iface_init (GInitableIface *iface);
static void vmnet_host_async_initable_iface_init (GAsyncInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VmnetHost, vmnet_host, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, vmnet_host_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE, vmnet_host_async_initable_iface_init))

enum {
  VMNET_HOST_PROP_0,
  VMNET_HOST_PROP_URI,
  VMNET_HOST_PROP_HOST_ROOT,
  VMNET_HOST_PROP_READ_ONLY,
  VMNET_HOST_PROP_INTERACTIVE,
  VMNET_HOST_PROP_RESOLVED_URI,
  VMNET_HOST_PROP_COMPUTER_NAME,
  VMNET_HOST_PROP_HYPERVISOR,
  VMNET_HOST_PROP_HYPERVISOR_VERSION,
  VMNET_HOST_PROP_LIBVIRT_VERSION,
  VMNET_HOST_PROP_IS_REMOTE,
  VMNET_HOST_PROP_IS_PRIVILEGED,
  VMNET_HOST_PROP_HOST_FACTS_AVAILABLE,
  VMNET_HOST_PROP_SWITCHES,
  VMNET_HOST_PROP_NET_ADAPTERS_SRIOV,
  VMNET_HOST_PROP_VMS,
  VMNET_HOST_PROP_NETWORK_ADAPTERS,
  VMNET_HOST_PROP_IOV_SUPPORT,
  VMNET_HOST_PROP_IOV_SUPPORT_REASONS,
  VMNET_HOST_PROP_LIVE,
  VMNET_HOST_PROP_USE_SERVICE,
  VMNET_HOST_PROP_ATTACHED,
  VMNET_HOST_N_PROPS
};

static GParamSpec *properties[VMNET_HOST_N_PROPS];

enum {
  SIGNAL_VF_ACTION,
  SIGNAL_REFRESHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
vmnet_host_notify_live (VmnetHost *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[VMNET_HOST_PROP_LIVE]);
}

void
vmnet_host_emit_refreshed (VmnetHost *self, const gchar *const *events)
{
  g_signal_emit (self, signals[SIGNAL_REFRESHED], 0, events);
}

void
vmnet_host_emit_vf_action (VmnetHost *self, const VmnetVfStep *step)
{
  g_signal_emit (self, signals[SIGNAL_VF_ACTION], 0, step->action, step->vm_name, step->adapter_name,
                 step->virtual_function, step->reason);
}

/* The demo host comes with host files of its own unless the caller gave some. */
static gboolean
prepare_demo (VmnetHost *self, GError **error)
{
  if (g_strcmp0 (self->uri, VMNET_DEMO_URI) != 0 || self->host_root)
    return TRUE;
  self->host_root = vmnet_libvirt_demo_root (error);
  return self->host_root != NULL;
}

static gboolean
vmnet_host_initable_init (GInitable     *initable,
                          GCancellable  *cancellable,
                          GError       **error)
{
  VmnetHost *self = VMNET_HOST (initable);

  if (!prepare_demo (self, error))
    return FALSE;
  return vmnet_host_run_boolean (self, NULL, NULL, NULL, cancellable, error);
}

static void
vmnet_host_initable_iface_init (GInitableIface *iface)
{
  iface->init = vmnet_host_initable_init;
}

static void
vmnet_host_async_initable_init_async (GAsyncInitable      *initable,
                                      int                  io_priority,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  VmnetHost *self = VMNET_HOST (initable);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, vmnet_host_async_initable_init_async);
  g_task_set_priority (task, io_priority);
  {
    GError *error = NULL;
    if (!prepare_demo (self, &error))
      {
        g_task_return_error (task, error);
        return;
      }
  }
  vmnet_host_start (self, task, NULL, NULL, NULL, cancellable);
}

static gboolean
vmnet_host_async_initable_init_finish (GAsyncInitable  *initable,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return vmnet_host_run_finish_boolean (VMNET_HOST (initable), result, vmnet_host_async_initable_init_async, error);
}

static void
vmnet_host_async_initable_iface_init (GAsyncInitableIface *iface)
{
  iface->init_async = vmnet_host_async_initable_init_async;
  iface->init_finish = vmnet_host_async_initable_init_finish;
}

static void
vmnet_host_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VmnetHost *self = VMNET_HOST (object);

  switch (prop_id)
    {
    case VMNET_HOST_PROP_URI: g_value_set_string (value, self->uri); break;
    case VMNET_HOST_PROP_HOST_ROOT: g_value_set_string (value, self->host_root); break;
    case VMNET_HOST_PROP_READ_ONLY: g_value_set_boolean (value, self->read_only); break;
    case VMNET_HOST_PROP_INTERACTIVE: g_value_set_boolean (value, self->interactive); break;
    case VMNET_HOST_PROP_RESOLVED_URI: g_value_set_string (value, vmnet_host_get_resolved_uri (self)); break;
    case VMNET_HOST_PROP_COMPUTER_NAME: g_value_set_string (value, self->computer_name); break;
    case VMNET_HOST_PROP_HYPERVISOR: g_value_set_string (value, self->hypervisor); break;
    case VMNET_HOST_PROP_HYPERVISOR_VERSION: g_value_set_string (value, self->hypervisor_version); break;
    case VMNET_HOST_PROP_LIBVIRT_VERSION: g_value_set_string (value, self->libvirt_version); break;
    case VMNET_HOST_PROP_IS_REMOTE: g_value_set_boolean (value, vmnet_host_get_is_remote (self)); break;
    case VMNET_HOST_PROP_IS_PRIVILEGED: g_value_set_boolean (value, vmnet_host_get_is_privileged (self)); break;
    case VMNET_HOST_PROP_HOST_FACTS_AVAILABLE: g_value_set_boolean (value, vmnet_host_get_host_facts_available (self)); break;
    case VMNET_HOST_PROP_SWITCHES: g_value_set_object (value, self->switches); break;
    case VMNET_HOST_PROP_NET_ADAPTERS_SRIOV: g_value_set_object (value, self->pfs); break;
    case VMNET_HOST_PROP_VMS: g_value_set_object (value, self->vms); break;
    case VMNET_HOST_PROP_NETWORK_ADAPTERS: g_value_set_object (value, self->adapters); break;
    case VMNET_HOST_PROP_IOV_SUPPORT: g_value_set_enum (value, vmnet_checks_support (self->model->host_checks)); break;
    case VMNET_HOST_PROP_IOV_SUPPORT_REASONS: g_value_take_boxed (value, vmnet_checks_support_reasons (self->model->host_checks)); break;
    case VMNET_HOST_PROP_LIVE: g_value_set_boolean (value, vmnet_host_get_live (self)); break;
    case VMNET_HOST_PROP_USE_SERVICE: g_value_set_boolean (value, self->use_service); break;
    case VMNET_HOST_PROP_ATTACHED: g_value_set_boolean (value, vmnet_host_get_attached (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_host_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  VmnetHost *self = VMNET_HOST (object);

  switch (prop_id)
    {
    case VMNET_HOST_PROP_URI: self->uri = g_value_dup_string (value); break;
    case VMNET_HOST_PROP_HOST_ROOT: self->host_root = g_value_dup_string (value); break;
    case VMNET_HOST_PROP_READ_ONLY: self->read_only = g_value_get_boolean (value); break;
    case VMNET_HOST_PROP_INTERACTIVE: self->interactive = g_value_get_boolean (value); break;
    case VMNET_HOST_PROP_USE_SERVICE: self->use_service = g_value_get_boolean (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_host_finalize (GObject *object)
{
  VmnetHost *self = VMNET_HOST (object);

  vmnet_host_live_stop (self);
  g_clear_object (&self->adapters);
  g_clear_pointer (&self->model, vmnet_model_unref);
  g_clear_object (&self->vms);
  g_clear_object (&self->switches);
  g_clear_object (&self->pfs);
  g_clear_pointer (&self->conn, vmnet_libvirt_conn_free);
  g_clear_pointer (&self->service, vmnet_host_service_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->memory, g_hash_table_unref);
  g_mutex_clear (&self->memory_lock);
  g_free (self->uri);
  g_free (self->host_root);
  g_free (self->computer_name);
  g_free (self->hypervisor);
  g_free (self->hypervisor_version);
  g_free (self->libvirt_version);
  G_OBJECT_CLASS (vmnet_host_parent_class)->finalize (object);
}

static void
vmnet_host_class_init (VmnetHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = vmnet_host_get_property;
  object_class->set_property = vmnet_host_set_property;
  object_class->finalize = vmnet_host_finalize;

  /**
   * VmnetHost:uri:
   *
   * The libvirt URI the host was opened with, %VMNET_DEMO_URI for the demo
   * host, or %NULL for libvirt's default.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_URI] = g_param_spec_string ("uri", NULL, NULL, NULL, co);
  /**
   * VmnetHost:host-root:
   *
   * A directory to read the host's `/sys` and `/proc` from instead of the
   * machine's own (a fixture tree in tests), or %NULL. When set, these facts
   * are read whatever the connection, and netlink is not used. The demo host
   * brings a tree of its own when none is given.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_HOST_ROOT] = g_param_spec_string ("host-root", NULL, NULL, NULL, co);
  /**
   * VmnetHost:read-only:
   *
   * Whether the libvirt connection is opened read-only, as `virsh -r` does
   * (`VIR_CONNECT_RO`: libvirt's read-only socket, which any local user may
   * use). Every operation that would change the host then fails with
   * %VMNET_ERROR_ACCESS_DENIED before it does anything. libvirt gives no
   * domain capabilities on such a connection, so whether the hypervisor can
   * assign PCI devices reads as unknown in the SR-IOV checks.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_READ_ONLY] = g_param_spec_boolean ("read-only", NULL, NULL, FALSE, co);
  /**
   * VmnetHost:interactive:
   *
   * Whether libvirt may ask for credentials (a SASL user name and password,
   * a key's passphrase on the libssh transports) on the terminal, with
   * libvirt's own prompts on standard output and secrets read without echo,
   * as virsh does. It only
   * applies when standard input is a terminal; otherwise, and when %FALSE, a
   * connection that needs credentials fails with
   * %VMNET_ERROR_ACCESS_DENIED. Set it only in a program that owns its
   * terminal; the connections vmnet_host_move_vm() opens to its destination
   * follow it.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_INTERACTIVE] = g_param_spec_boolean ("interactive", NULL, NULL, FALSE, co);
  /**
   * VmnetHost:resolved-uri:
   *
   * The URI libvirt reports for the open connection.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_RESOLVED_URI] = g_param_spec_string ("resolved-uri", NULL, NULL, NULL, ro);
  /**
   * VmnetHost:computer-name:
   *
   * The host's name, as libvirt reports it.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_COMPUTER_NAME] = g_param_spec_string ("computer-name", NULL, NULL, NULL, ro);
  /**
   * VmnetHost:hypervisor:
   *
   * The hypervisor driver (`QEMU`, `TEST`, …).
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_HYPERVISOR] = g_param_spec_string ("hypervisor", NULL, NULL, NULL, ro);
  /**
   * VmnetHost:hypervisor-version:
   *
   * The hypervisor's version (`major.minor.micro`), or %NULL when unknown.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_HYPERVISOR_VERSION] = g_param_spec_string ("hypervisor-version", NULL, NULL, NULL, ro);
  /**
   * VmnetHost:libvirt-version:
   *
   * The version of the libvirt serving the connection, or %NULL when unknown.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_LIBVIRT_VERSION] = g_param_spec_string ("libvirt-version", NULL, NULL, NULL, ro);
  /**
   * VmnetHost:is-remote:
   *
   * Whether the connection goes to another machine.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_IS_REMOTE] = g_param_spec_boolean ("is-remote", NULL, NULL, FALSE, ro);
  /**
   * VmnetHost:is-privileged:
   *
   * Whether the connection is a system (privileged) one; SR-IOV needs one.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_IS_PRIVILEGED] = g_param_spec_boolean ("is-privileged", NULL, NULL, FALSE, ro);
  /**
   * VmnetHost:host-facts-available:
   *
   * Whether facts only the host can tell (sysfs, netlink) are read.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_HOST_FACTS_AVAILABLE] = g_param_spec_boolean ("host-facts-available", NULL, NULL, FALSE, ro);
  /**
   * VmnetHost:switches:
   *
   * The host's virtual switches, a #GListModel of #VmnetSwitch sorted by name.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_SWITCHES] = g_param_spec_object ("switches", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  /**
   * VmnetHost:net-adapters-sriov:
   *
   * The host's SR-IOV capable adapters, a #GListModel of #VmnetNetAdapterSriov sorted by name.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_NET_ADAPTERS_SRIOV] = g_param_spec_object ("net-adapters-sriov", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  /**
   * VmnetHost:vms:
   *
   * The host's VMs, a #GListModel of #VmnetVm sorted by name.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_VMS] = g_param_spec_object ("vms", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  /**
   * VmnetHost:network-adapters:
   *
   * Every VM's network adapters, a #GListModel of #VmnetNetworkAdapter, by VM name, then device order.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_NETWORK_ADAPTERS] = g_param_spec_object ("network-adapters", NULL, NULL, G_TYPE_LIST_MODEL, ro);

  /**
   * VmnetHost:iov-support:
   *
   * Hyper-V's `IovSupport`: whether the host can do SR-IOV. Unknown when a check cannot
   * be made from here (a remote connection, libvirt's test driver).
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_IOV_SUPPORT] = g_param_spec_enum ("iov-support", NULL, NULL, VMNET_TYPE_TERNARY,
                                                    VMNET_TERNARY_UNKNOWN, ro);
  /**
   * VmnetHost:iov-support-reasons:
   *
   * Hyper-V's `IovSupportReasons`: one sentence with its fix for each host check that is
   * not a pass (or a skip), `OK` alone when there is none; vmnet_host_dup_iov_checks()
   * has them all with their codes.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_IOV_SUPPORT_REASONS] = g_param_spec_boxed ("iov-support-reasons", NULL, NULL, G_TYPE_STRV, ro);

  /**
   * VmnetHost:live:
   *
   * Whether the host follows libvirt's events and reads itself again after
   * each burst of them (vmnet_host_set_live()).
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_LIVE] = g_param_spec_boolean ("live", NULL, NULL, FALSE, ro);
  /**
   * VmnetHost:use-service:
   *
   * Whether the host may attach to vmnetd (doc/dbus.md) when vmnetd serves
   * the same URI on the bus: reads then come from vmnetd's model and the
   * changes it serves go through it, with no libvirt call of the host's
   * own. The bus is the system bus unless `VMNET_DBUS_BUS` says `session`;
   * `VMNET_DBUS_BUS=none` turns attaching off for every host, as %FALSE
   * does for this one. Hosts with a #VmnetHost:host-root never attach.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_USE_SERVICE] = g_param_spec_boolean ("use-service", NULL, NULL, TRUE, co);
  /**
   * VmnetHost:attached:
   *
   * Whether the host is attached to vmnetd (#VmnetHost:use-service) at its
   * last read; it goes back to reading libvirt when vmnetd leaves the bus
   * and attaches again when vmnetd comes back.
   *
   * Since: 0.1
   */
  properties[VMNET_HOST_PROP_ATTACHED] = g_param_spec_boolean ("attached", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, VMNET_HOST_N_PROPS, properties);

  /**
   * VmnetHost::refreshed:
   * @host: the host
   * @events: (array zero-terminated=1): the libvirt events the read answers, in words
   *   ("VM 'web1' started", "network changed", …)
   *
   * Emitted on a live host after the objects were brought up to date for a
   * burst of libvirt events; #GObject::notify and #GListModel::items-changed
   * have been emitted for what changed.
   *
   * Since: 0.1
   */
  signals[SIGNAL_REFRESHED] =
    g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRV);

  /**
   * VmnetHost::vf-action:
   * @host: the host
   * @action: what happened
   * @vm_name: the VM
   * @adapter_name: its network adapter
   * @virtual_function: (nullable): the VF's PCI address, when known
   * @reason: why, in a sentence
   *
   * Emitted, after the host's objects are up to date, for each VF that
   * reconciling attached or detached, each adapter that starts waiting for
   * a free VF, and each attach or detach that failed.
   *
   * Since: 0.1
   */
  signals[SIGNAL_VF_ACTION] =
    g_signal_new ("vf-action", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 5, VMNET_TYPE_VF_ACTION, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING,
                  G_TYPE_STRING);
}

static void
vmnet_host_init (VmnetHost *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->switches = g_list_store_new (VMNET_TYPE_SWITCH);
  self->pfs = g_list_store_new (VMNET_TYPE_NET_ADAPTER_SRIOV);
  self->vms = g_list_store_new (VMNET_TYPE_VM);
  self->adapters = g_list_store_new (VMNET_TYPE_NETWORK_ADAPTER);
  self->model = vmnet_model_new ();
  g_mutex_init (&self->memory_lock);
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->generation = 1;
  self->use_service = TRUE;
}

/**
 * vmnet_host_new_for_uri:
 * @uri: (nullable): a libvirt URI, %VMNET_DEMO_URI, or %NULL for libvirt's default
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Connects to libvirt at @uri and reads the host. Blocks; see
 * vmnet_host_new_for_uri_async() for the non-blocking variant.
 *
 * Returns: (transfer full): a new #VmnetHost, or %NULL with @error set
 *   (%VMNET_ERROR_BACKEND_UNAVAILABLE when libvirt cannot be reached)
 *
 * Since: 0.1
 */
VmnetHost *
vmnet_host_new_for_uri (const gchar   *uri,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (VMNET_TYPE_HOST, cancellable, error, "uri", uri, NULL);
}

/**
 * vmnet_host_new_for_uri_async:
 * @uri: (nullable): a libvirt URI, %VMNET_DEMO_URI, or %NULL for libvirt's default
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the host is ready
 * @user_data: (closure): data for @callback
 *
 * Connects to libvirt at @uri and reads the host in a worker thread.
 *
 * Since: 0.1
 */
void
vmnet_host_new_for_uri_async (const gchar         *uri,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_async_initable_new_async (VMNET_TYPE_HOST, G_PRIORITY_DEFAULT, cancellable,
                              callback, user_data, "uri", uri, NULL);
}

/**
 * vmnet_host_new_for_uri_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_new_for_uri_async().
 *
 * Returns: (transfer full): a new #VmnetHost, or %NULL with @error set
 *
 * Since: 0.1
 */
VmnetHost *
vmnet_host_new_for_uri_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_autoptr(GObject) source = g_async_result_get_source_object (result);
  GObject *object = g_async_initable_new_finish (G_ASYNC_INITABLE (source), result, error);

  return object ? VMNET_HOST (object) : NULL;
}

/**
 * vmnet_host_refresh:
 * @self: a #VmnetHost
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the host again and brings every list and object up to date. On
 * error nothing changes.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_refresh (VmnetHost     *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return vmnet_host_run_boolean (self, NULL, NULL, NULL, cancellable, error);
}

/**
 * vmnet_host_refresh_async:
 * @self: a #VmnetHost
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when the refresh is done
 * @user_data: (closure): data for @callback
 *
 * Reads the host again in a worker thread; the objects change in the host's
 * main context just before @callback runs.
 *
 * Since: 0.1
 */
void
vmnet_host_refresh_async (VmnetHost           *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (VMNET_IS_HOST (self));

  vmnet_host_run_async (self, NULL, NULL, NULL, NULL, vmnet_host_refresh_async, cancellable, callback, user_data);
}

/**
 * vmnet_host_refresh_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_refresh_async().
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_refresh_finish (VmnetHost     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return vmnet_host_run_finish_boolean (self, result, vmnet_host_refresh_async, error);
}


/**
 * vmnet_host_get_uri:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:uri].
 *
 * Returns: (nullable): the URI the host was opened with
 *
 * Since: 0.1
 */
const gchar *
vmnet_host_get_uri (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return self->uri;
}

/**
 * vmnet_host_get_resolved_uri:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:resolved-uri].
 *
 * Returns: (nullable): the URI libvirt reports for the connection
 *
 * Since: 0.1
 */
const gchar *
vmnet_host_get_resolved_uri (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return self->conn ? vmnet_libvirt_conn_get_uri (self->conn) : vmnet_host_service_resolved_uri (self);
}

/**
 * vmnet_host_get_host_root:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:host-root].
 *
 * Returns: (nullable): the directory host facts are read from, if not `/`
 *
 * Since: 0.1
 */
const gchar *
vmnet_host_get_host_root (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return self->host_root;
}

/**
 * vmnet_host_get_computer_name:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:computer-name].
 *
 * Returns: (nullable): the host's name
 *
 * Since: 0.1
 */
const gchar *
vmnet_host_get_computer_name (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return self->computer_name;
}

/**
 * vmnet_host_get_hypervisor:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:hypervisor].
 *
 * Returns: (nullable): the hypervisor driver name
 *
 * Since: 0.1
 */
const gchar *
vmnet_host_get_hypervisor (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return self->hypervisor;
}

/**
 * vmnet_host_get_hypervisor_version:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:hypervisor-version].
 *
 * Returns: (nullable): the hypervisor version, or %NULL when unknown
 *
 * Since: 0.1
 */
const gchar *
vmnet_host_get_hypervisor_version (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return self->hypervisor_version;
}

/**
 * vmnet_host_get_libvirt_version:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:libvirt-version].
 *
 * Returns: (nullable): the libvirt version, or %NULL when unknown
 *
 * Since: 0.1
 */
const gchar *
vmnet_host_get_libvirt_version (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return self->libvirt_version;
}

/**
 * vmnet_host_get_is_remote:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:is-remote].
 *
 * Returns: %TRUE if the connection goes to another machine
 *
 * Since: 0.1
 */
gboolean
vmnet_host_get_is_remote (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  if (!self->conn)
    return vmnet_host_service_flag (self, "IsRemote");
  return vmnet_libvirt_conn_is_remote (self->conn);
}

/**
 * vmnet_host_get_is_privileged:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:is-privileged].
 *
 * Returns: %TRUE for a system (privileged) connection
 *
 * Since: 0.1
 */
gboolean
vmnet_host_get_is_privileged (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  if (!self->conn)
    return vmnet_host_service_flag (self, "IsPrivileged");
  return vmnet_libvirt_conn_is_privileged (self->conn);
}

/**
 * vmnet_host_get_host_facts_available:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:host-facts-available].
 *
 * Returns: %TRUE if facts only the host can tell (sysfs, netlink) are read
 *
 * Since: 0.1
 */
gboolean
vmnet_host_get_host_facts_available (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  return vmnet_host_is_local (self, self->conn);
}

/**
 * vmnet_host_get_switches:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:switches].
 *
 * Returns: (transfer none): a #GListModel of #VmnetSwitch
 *
 * Since: 0.1
 */
GListModel *
vmnet_host_get_switches (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return G_LIST_MODEL (self->switches);
}

/**
 * vmnet_host_get_net_adapters_sriov:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:net-adapters-sriov].
 *
 * Returns: (transfer none): a #GListModel of #VmnetNetAdapterSriov
 *
 * Since: 0.1
 */
GListModel *
vmnet_host_get_net_adapters_sriov (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return G_LIST_MODEL (self->pfs);
}

/**
 * vmnet_host_get_vms:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:vms].
 *
 * Returns: (transfer none): a #GListModel of #VmnetVm
 *
 * Since: 0.1
 */
GListModel *
vmnet_host_get_vms (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return G_LIST_MODEL (self->vms);
}

/**
 * vmnet_host_get_network_adapters:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:network-adapters].
 *
 * Returns: (transfer none): a #GListModel of every VM's #VmnetNetworkAdapter
 *
 * Since: 0.1
 */
GListModel *
vmnet_host_get_network_adapters (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return G_LIST_MODEL (self->adapters);
}

typedef gboolean (*MatchFunc) (gpointer object, const gchar *name, gboolean fold_case);

/* An exact match, else the one match that differs only in case (Hyper-V's
 * names are case-insensitive, libvirt's are not). */
static gpointer
find_in (GListStore *store, MatchFunc match, const gchar *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));
  g_autoptr(GObject) folded = NULL;
  guint n_folded = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) object = g_list_model_get_item (G_LIST_MODEL (store), i);
      if (match (object, name, FALSE))
        return g_steal_pointer (&object);
      if (match (object, name, TRUE) && n_folded++ == 0)
        folded = g_steal_pointer (&object);
    }
  return n_folded == 1 ? g_steal_pointer (&folded) : NULL;
}

static gboolean
same_name (const gchar *a, const gchar *b, gboolean fold_case)
{
  g_autofree gchar *fa = NULL;
  g_autofree gchar *fb = NULL;

  if (!a || !b)
    return FALSE;
  if (!fold_case)
    return g_str_equal (a, b);
  fa = g_utf8_casefold (a, -1);
  fb = g_utf8_casefold (b, -1);
  return g_str_equal (fa, fb);
}

static gboolean
match_switch (gpointer object, const gchar *name, gboolean fold_case)
{
  return same_name (vmnet_switch_get_name (object), name, fold_case);
}

static gboolean
match_vm (gpointer object, const gchar *name, gboolean fold_case)
{
  return same_name (vmnet_vm_get_name (object), name, fold_case) ||
         same_name (vmnet_vm_get_uuid (object), name, TRUE);
}

static gboolean
match_pf (gpointer object, const gchar *name, gboolean fold_case)
{
  return same_name (vmnet_net_adapter_sriov_get_name (object), name, fold_case) ||
         same_name (vmnet_net_adapter_sriov_get_pci_address (object), name, TRUE);
}

/**
 * vmnet_host_find_switch:
 * @self: a #VmnetHost
 * @name: a switch name
 * @error: return location for a #GError
 *
 * Looks a switch up by name (Hyper-V's names are case-insensitive: an exact match first, else the
 * one name that differs only in case).
 *
 * Returns: (transfer full): the switch, or %NULL with %VMNET_ERROR_NOT_FOUND
 *
 * Since: 0.1
 */
VmnetSwitch *
vmnet_host_find_switch (VmnetHost    *self,
                        const gchar  *name,
                        GError      **error)
{
  VmnetSwitch *sw;

  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  sw = find_in (self->switches, match_switch, name);
  if (!sw)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                 "no virtual switch '%s' on host '%s'", name, vmnet_host_label (self));
  return sw;
}

/**
 * vmnet_host_find_vm:
 * @self: a #VmnetHost
 * @name: a VM name or UUID
 * @error: return location for a #GError
 *
 * Looks a VM up by name or UUID (an exact name first, else the one name that differs only in
 * case).
 *
 * Returns: (transfer full): the VM, or %NULL with %VMNET_ERROR_NOT_FOUND
 *
 * Since: 0.1
 */
VmnetVm *
vmnet_host_find_vm (VmnetHost    *self,
                    const gchar  *name,
                    GError      **error)
{
  VmnetVm *vm;

  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  vm = find_in (self->vms, match_vm, name);
  if (!vm)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                 "no VM '%s' on host '%s'", name, vmnet_host_label (self));
  return vm;
}

/**
 * vmnet_host_find_net_adapter_sriov:
 * @self: a #VmnetHost
 * @name: an adapter name or PCI address
 * @error: return location for a #GError
 *
 * Looks an SR-IOV adapter up by interface name or PCI address.
 *
 * Returns: (transfer full): the adapter, or %NULL with %VMNET_ERROR_NOT_FOUND
 *
 * Since: 0.1
 */
VmnetNetAdapterSriov *
vmnet_host_find_net_adapter_sriov (VmnetHost    *self,
                                   const gchar  *name,
                                   GError      **error)
{
  VmnetNetAdapterSriov *pf;

  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  pf = find_in (self->pfs, match_pf, name);
  if (!pf)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                 "no SR-IOV adapter '%s' on host '%s'", name, vmnet_host_label (self));
  return pf;
}

/**
 * vmnet_host_get_iov_support:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:iov-support].
 *
 * Returns: whether the host can do SR-IOV
 *
 * Since: 0.1
 */
VmnetTernary
vmnet_host_get_iov_support (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), VMNET_TERNARY_UNKNOWN);
  return vmnet_checks_support (self->model->host_checks);
}

/**
 * vmnet_host_dup_iov_support_reasons:
 * @self: a #VmnetHost
 *
 * Gets [property@Vmnet.Host:iov-support-reasons].
 *
 * Returns: (transfer full): the IovSupportReasons
 *
 * Since: 0.1
 */
GStrv
vmnet_host_dup_iov_support_reasons (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return vmnet_checks_support_reasons (self->model->host_checks);
}

/**
 * vmnet_host_dup_iov_checks:
 * @self: a #VmnetHost
 *
 * Every host SR-IOV check, passes included, in the order of the checklist:
 * connection, firmware and IOMMU, adapters.
 *
 * Returns: (transfer container) (element-type VmnetIovCheck): the checks
 *
 * Since: 0.1
 */
GPtrArray *
vmnet_host_dup_iov_checks (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return vmnet_checks_copy (self->model->host_checks);
}
