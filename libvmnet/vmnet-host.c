/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "vmnet-host.h"
#include "vmnet-error.h"
#include "vmnet-enum-types.h"
#include "vmnet-object-private.h"
#include "vmnet-settings-private.h"
#include "vmnet-diagnose-private.h"
#include "vmnet-host-private.h"
#include "vmnet-reconcile-private.h"
#include "libvirt/vmnet-libvirt-private.h"
#include "linux/vmnet-linux-private.h"

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

struct _VmnetHost {
  GObject           parent_instance;

  gchar            *uri;
  gchar            *host_root;
  GMainContext     *context;

  VmnetLibvirtConn *conn;
  gchar            *computer_name;
  gchar            *hypervisor;
  gchar            *hypervisor_version;
  gchar            *libvirt_version;

  GListStore       *switches;
  GListStore       *pfs;
  GListStore       *vms;
  GListStore       *adapters;
  GPtrArray        *host_checks;

  /* Reconciling: what is remembered per adapter between passes, and a
   * counter that moves whenever VFs may have come free. */
  GMutex            memory_lock;
  GHashTable       *memory;
  guint             generation;
};

static void vmnet_host_initable_iface_init (GInitableIface *iface);
static void vmnet_host_async_initable_iface_init (GAsyncInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (VmnetHost, vmnet_host, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, vmnet_host_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE, vmnet_host_async_initable_iface_init))

enum {
  PROP_0,
  PROP_URI,
  PROP_HOST_ROOT,
  PROP_RESOLVED_URI,
  PROP_COMPUTER_NAME,
  PROP_HYPERVISOR,
  PROP_HYPERVISOR_VERSION,
  PROP_LIBVIRT_VERSION,
  PROP_IS_REMOTE,
  PROP_IS_PRIVILEGED,
  PROP_HOST_FACTS_AVAILABLE,
  PROP_SWITCHES,
  PROP_NET_ADAPTERS_SRIOV,
  PROP_VMS,
  PROP_NETWORK_ADAPTERS,
  PROP_IOV_SUPPORT,
  PROP_IOV_SUPPORT_REASONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_VF_ACTION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What a worker thread produces for the main context to apply. */
typedef struct {
  VmnetLibvirtConn *conn;     /* set when the connection was opened by this read */
  VmnetHostFacts   *facts;
  VmnetModel       *model;
} Snapshot;

static void
snapshot_free (Snapshot *snap)
{
  g_clear_pointer (&snap->conn, vmnet_libvirt_conn_free);
  g_clear_pointer (&snap->facts, vmnet_host_facts_free);
  g_clear_pointer (&snap->model, vmnet_model_free);
  g_free (snap);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_free)

static const gchar *
host_label (VmnetHost *self)
{
  return self->uri ? self->uri : (self->conn ? vmnet_libvirt_conn_get_uri (self->conn) : "(default)");
}

static gboolean
host_facts_available (VmnetHost *self, VmnetLibvirtConn *conn)
{
  if (self->host_root)
    return TRUE;
  return conn && !vmnet_libvirt_conn_is_remote (conn) && !vmnet_libvirt_conn_is_test (conn);
}

/* The I/O half of a read; safe on any thread. */
static Snapshot *
read_host (VmnetHost        *self,
           VmnetLibvirtConn *conn,
           GCancellable     *cancellable,
           GError          **error)
{
  g_autoptr(Snapshot) snap = g_new0 (Snapshot, 1);
  gint64 t0 = g_get_monotonic_time (), t1, t2;

  if (!conn)
    {
      snap->conn = vmnet_libvirt_conn_open (self->uri, error);
      if (!snap->conn)
        return NULL;
      conn = snap->conn;
    }
  snap->facts = vmnet_libvirt_conn_fetch (conn, cancellable, error);
  if (!snap->facts)
    {
      g_prefix_error (error, "host '%s': ", host_label (self));
      return NULL;
    }
  t1 = g_get_monotonic_time ();
  if (host_facts_available (self, conn))
    vmnet_linux_collect (snap->facts, self->host_root ? self->host_root : "/",
                         self->host_root == NULL);
  t2 = g_get_monotonic_time ();
  snap->model = vmnet_model_build (snap->facts);
  g_debug ("read host '%s': libvirt %.1f ms (%u VMs, %u networks, %u PCI devices), host files %.1f ms, model %.1f ms",
           host_label (self), (t1 - t0) / 1000.0, snap->facts->domains->len, snap->facts->networks->len,
           snap->facts->pci->len, (t2 - t1) / 1000.0, (g_get_monotonic_time () - t2) / 1000.0);
  return g_steal_pointer (&snap);
}

static const gchar *
switch_info_key (gconstpointer info)
{
  return ((const VmnetSwitchInfo *) info)->name;
}

static const gchar *
switch_object_key (gpointer object)
{
  return vmnet_switch_get_info (object)->name;
}

static gpointer
switch_create (gpointer info)
{
  return vmnet_switch_new (info);
}

static void
switch_update (gpointer object, gpointer info)
{
  vmnet_switch_update (object, info);
}

static const gchar *
pf_info_key (gconstpointer info)
{
  return ((const VmnetPfInfo *) info)->pci_address;
}

static const gchar *
pf_object_key (gpointer object)
{
  return vmnet_net_adapter_sriov_get_info (object)->pci_address;
}

static gpointer
pf_create (gpointer info)
{
  return vmnet_net_adapter_sriov_new (info);
}

static void
pf_update (gpointer object, gpointer info)
{
  vmnet_net_adapter_sriov_update (object, info);
}

static const gchar *
vm_info_key (gconstpointer info)
{
  const VmnetVmInfo *vm = info;
  return vm->uuid ? vm->uuid : vm->name;
}

static const gchar *
vm_object_key (gpointer object)
{
  const gchar *uuid = vmnet_vm_get_uuid (object);
  return uuid ? uuid : vmnet_vm_get_name (object);
}

static gpointer
vm_create (gpointer info)
{
  return vmnet_vm_new (info);
}

static void
vm_update (gpointer object, gpointer info)
{
  vmnet_vm_update (object, info);
}

static const VmnetListSyncFuncs switch_sync = { switch_info_key, switch_object_key, switch_create, switch_update };
static const VmnetListSyncFuncs pf_sync = { pf_info_key, pf_object_key, pf_create, pf_update };
static const VmnetListSyncFuncs vm_sync = { vm_info_key, vm_object_key, vm_create, vm_update };

static void
set_string (VmnetHost *self, gchar **field, gchar *value, guint prop)
{
  if (g_strcmp0 (*field, value) == 0)
    {
      g_free (value);
      return;
    }
  g_free (*field);
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
sync_flat_adapters (VmnetHost *self)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_vms = g_list_model_get_n_items (G_LIST_MODEL (self->vms));
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->adapters));
  gboolean same;

  for (guint i = 0; i < n_vms; i++)
    {
      g_autoptr(VmnetVm) vm = g_list_model_get_item (G_LIST_MODEL (self->vms), i);
      GListModel *adapters = vmnet_vm_get_network_adapters (vm);
      for (guint j = 0; j < g_list_model_get_n_items (adapters); j++)
        g_ptr_array_add (all, g_list_model_get_item (adapters, j));
    }

  same = n_old == all->len;
  for (guint i = 0; same && i < all->len; i++)
    {
      g_autoptr(GObject) old = g_list_model_get_item (G_LIST_MODEL (self->adapters), i);
      same = old == g_ptr_array_index (all, i);
    }
  if (!same)
    g_list_store_splice (self->adapters, 0, n_old, all->pdata, all->len);
}

/* The main-context half of a read. */
static void
apply_snapshot (VmnetHost *self, Snapshot *snap)
{
  gboolean had_conn = self->conn != NULL;

  g_object_freeze_notify (G_OBJECT (self));
  if (snap->conn)
    {
      g_clear_pointer (&self->conn, vmnet_libvirt_conn_free);
      self->conn = g_steal_pointer (&snap->conn);
      if (had_conn)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESOLVED_URI]);
    }
  set_string (self, &self->computer_name, g_steal_pointer (&snap->facts->computer_name), PROP_COMPUTER_NAME);
  set_string (self, &self->hypervisor, g_steal_pointer (&snap->facts->hypervisor), PROP_HYPERVISOR);
  set_string (self, &self->hypervisor_version, g_steal_pointer (&snap->facts->hypervisor_version), PROP_HYPERVISOR_VERSION);
  set_string (self, &self->libvirt_version, g_steal_pointer (&snap->facts->libvirt_version), PROP_LIBVIRT_VERSION);

  {
    VmnetTernary old_support = vmnet_checks_support (self->host_checks);
    g_auto(GStrv) old_reasons = vmnet_checks_reasons (self->host_checks);
    g_auto(GStrv) new_reasons = NULL;

    g_clear_pointer (&self->host_checks, g_ptr_array_unref);
    self->host_checks = g_steal_pointer (&snap->model->host_checks);
    new_reasons = vmnet_checks_reasons (self->host_checks);
    if (old_support != vmnet_checks_support (self->host_checks))
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IOV_SUPPORT]);
    if (!g_strv_equal ((const gchar * const *) old_reasons, (const gchar * const *) new_reasons))
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IOV_SUPPORT_REASONS]);
  }
  vmnet_list_store_sync (self->pfs, snap->model->pfs, &pf_sync);
  vmnet_list_store_sync (self->switches, snap->model->switches, &switch_sync);
  vmnet_list_store_sync (self->vms, snap->model->vms, &vm_sync);
  sync_flat_adapters (self);
  g_object_thaw_notify (G_OBJECT (self));
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
  g_autoptr(Snapshot) snap = NULL;

  if (!prepare_demo (self, error))
    return FALSE;
  snap = read_host (self, NULL, cancellable, error);

  if (!snap)
    return FALSE;
  apply_snapshot (self, snap);
  return TRUE;
}

static void
vmnet_host_initable_iface_init (GInitableIface *iface)
{
  iface->init = vmnet_host_initable_init;
}

/* A change to make before reading: set by the calls that change the host. */
typedef gboolean (*ChangeFunc) (VmnetHost *self, gpointer data, GCancellable *cancellable, GError **error);

/* Or a worker that makes the whole snapshot itself, and what to do in the
 * host's context once it is applied. */
typedef Snapshot *(*ProduceFunc) (VmnetHost *self, gpointer data, GCancellable *cancellable, GError **error);
typedef void (*AppliedFunc) (VmnetHost *self, gpointer data);

typedef struct {
  VmnetLibvirtConn *conn;
  ChangeFunc        change;
  ProduceFunc       produce;
  AppliedFunc       applied;
  gpointer          change_data;
  GDestroyNotify    change_data_free;
} ReadData;

static void
read_data_free (ReadData *data)
{
  if (data->change_data_free)
    data->change_data_free (data->change_data);
  g_free (data);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  VmnetHost *self = source_object;
  ReadData *data = task_data;
  GError *error = NULL;
  Snapshot *snap;

  if (data->produce)
    snap = data->produce (self, data->change_data, cancellable, &error);
  else if (data->change && !data->change (self, data->change_data, cancellable, &error))
    snap = NULL;
  else
    snap = read_host (self, data->conn, cancellable, &error);

  if (snap)
    g_task_return_pointer (task, snap, (GDestroyNotify) snapshot_free);
  else
    g_task_return_error (task, error);
}

/* Runs read_thread, then applies its snapshot in the host's context before
 * completing the caller's task. */
static void
read_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  VmnetHost *self = VMNET_HOST (source);
  ReadData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  g_autoptr(Snapshot) snap = g_task_propagate_pointer (G_TASK (result), &error);

  if (!snap)
    {
      g_task_return_error (outer, error);
      return;
    }
  apply_snapshot (self, snap);
  if (data->applied)
    data->applied (self, data->change_data);
  g_task_return_boolean (outer, TRUE);
}

static void
start_task (VmnetHost *self, GTask *outer, ReadData *data, GCancellable *cancellable)
{
  g_autoptr(GTask) inner = g_task_new (self, cancellable, read_done, g_object_ref (outer));

  data->conn = self->conn;
  g_task_set_source_tag (inner, start_task);
  g_task_set_task_data (inner, data, (GDestroyNotify) read_data_free);
  g_task_run_in_thread (inner, read_thread);
}

static void
start_change_and_read (VmnetHost      *self,
                       GTask          *outer,
                       ChangeFunc      change,
                       gpointer        change_data,
                       GDestroyNotify  change_data_free,
                       GCancellable   *cancellable)
{
  ReadData *data = g_new0 (ReadData, 1);

  data->change = change;
  data->change_data = change_data;
  data->change_data_free = change_data_free;
  start_task (self, outer, data, cancellable);
}

static void
start_read (VmnetHost    *self,
            GTask        *outer,
            GCancellable *cancellable)
{
  start_change_and_read (self, outer, NULL, NULL, NULL, cancellable);
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
  start_read (self, task, cancellable);
}

static gboolean
vmnet_host_async_initable_init_finish (GAsyncInitable  *initable,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, initable), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vmnet_host_async_initable_init_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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
    case PROP_URI: g_value_set_string (value, self->uri); break;
    case PROP_HOST_ROOT: g_value_set_string (value, self->host_root); break;
    case PROP_RESOLVED_URI: g_value_set_string (value, vmnet_host_get_resolved_uri (self)); break;
    case PROP_COMPUTER_NAME: g_value_set_string (value, self->computer_name); break;
    case PROP_HYPERVISOR: g_value_set_string (value, self->hypervisor); break;
    case PROP_HYPERVISOR_VERSION: g_value_set_string (value, self->hypervisor_version); break;
    case PROP_LIBVIRT_VERSION: g_value_set_string (value, self->libvirt_version); break;
    case PROP_IS_REMOTE: g_value_set_boolean (value, vmnet_host_get_is_remote (self)); break;
    case PROP_IS_PRIVILEGED: g_value_set_boolean (value, vmnet_host_get_is_privileged (self)); break;
    case PROP_HOST_FACTS_AVAILABLE: g_value_set_boolean (value, vmnet_host_get_host_facts_available (self)); break;
    case PROP_SWITCHES: g_value_set_object (value, self->switches); break;
    case PROP_NET_ADAPTERS_SRIOV: g_value_set_object (value, self->pfs); break;
    case PROP_VMS: g_value_set_object (value, self->vms); break;
    case PROP_NETWORK_ADAPTERS: g_value_set_object (value, self->adapters); break;
    case PROP_IOV_SUPPORT: g_value_set_enum (value, vmnet_checks_support (self->host_checks)); break;
    case PROP_IOV_SUPPORT_REASONS: g_value_take_boxed (value, vmnet_checks_reasons (self->host_checks)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_host_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  VmnetHost *self = VMNET_HOST (object);

  switch (prop_id)
    {
    case PROP_URI: self->uri = g_value_dup_string (value); break;
    case PROP_HOST_ROOT: self->host_root = g_value_dup_string (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_host_finalize (GObject *object)
{
  VmnetHost *self = VMNET_HOST (object);

  g_clear_object (&self->adapters);
  g_clear_pointer (&self->host_checks, g_ptr_array_unref);
  g_clear_object (&self->vms);
  g_clear_object (&self->switches);
  g_clear_object (&self->pfs);
  g_clear_pointer (&self->conn, vmnet_libvirt_conn_free);
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
  properties[PROP_URI] = g_param_spec_string ("uri", NULL, NULL, NULL, co);
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
  properties[PROP_HOST_ROOT] = g_param_spec_string ("host-root", NULL, NULL, NULL, co);
  /**
   * VmnetHost:resolved-uri:
   *
   * The URI libvirt reports for the open connection.
   *
   * Since: 0.1
   */
  properties[PROP_RESOLVED_URI] = g_param_spec_string ("resolved-uri", NULL, NULL, NULL, ro);
  /**
   * VmnetHost:computer-name:
   *
   * The host's name, as libvirt reports it.
   *
   * Since: 0.1
   */
  properties[PROP_COMPUTER_NAME] = g_param_spec_string ("computer-name", NULL, NULL, NULL, ro);
  /**
   * VmnetHost:hypervisor:
   *
   * The hypervisor driver (`QEMU`, `TEST`, …).
   *
   * Since: 0.1
   */
  properties[PROP_HYPERVISOR] = g_param_spec_string ("hypervisor", NULL, NULL, NULL, ro);
  /**
   * VmnetHost:hypervisor-version:
   *
   * The hypervisor's version (`major.minor.micro`), or %NULL when unknown.
   *
   * Since: 0.1
   */
  properties[PROP_HYPERVISOR_VERSION] = g_param_spec_string ("hypervisor-version", NULL, NULL, NULL, ro);
  /**
   * VmnetHost:libvirt-version:
   *
   * The version of the libvirt serving the connection, or %NULL when unknown.
   *
   * Since: 0.1
   */
  properties[PROP_LIBVIRT_VERSION] = g_param_spec_string ("libvirt-version", NULL, NULL, NULL, ro);
  /**
   * VmnetHost:is-remote:
   *
   * Whether the connection goes to another machine.
   *
   * Since: 0.1
   */
  properties[PROP_IS_REMOTE] = g_param_spec_boolean ("is-remote", NULL, NULL, FALSE, ro);
  /**
   * VmnetHost:is-privileged:
   *
   * Whether the connection is a system (privileged) one; SR-IOV needs one.
   *
   * Since: 0.1
   */
  properties[PROP_IS_PRIVILEGED] = g_param_spec_boolean ("is-privileged", NULL, NULL, FALSE, ro);
  /**
   * VmnetHost:host-facts-available:
   *
   * Whether facts only the host can tell (sysfs, netlink) are read.
   *
   * Since: 0.1
   */
  properties[PROP_HOST_FACTS_AVAILABLE] = g_param_spec_boolean ("host-facts-available", NULL, NULL, FALSE, ro);
  /**
   * VmnetHost:switches:
   *
   * The host's virtual switches, a #GListModel of #VmnetSwitch sorted by name.
   *
   * Since: 0.1
   */
  properties[PROP_SWITCHES] = g_param_spec_object ("switches", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  /**
   * VmnetHost:net-adapters-sriov:
   *
   * The host's SR-IOV capable adapters, a #GListModel of #VmnetNetAdapterSriov sorted by name.
   *
   * Since: 0.1
   */
  properties[PROP_NET_ADAPTERS_SRIOV] = g_param_spec_object ("net-adapters-sriov", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  /**
   * VmnetHost:vms:
   *
   * The host's VMs, a #GListModel of #VmnetVm sorted by name.
   *
   * Since: 0.1
   */
  properties[PROP_VMS] = g_param_spec_object ("vms", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  /**
   * VmnetHost:network-adapters:
   *
   * Every VM's network adapters, a #GListModel of #VmnetNetworkAdapter, by VM name, then device order.
   *
   * Since: 0.1
   */
  properties[PROP_NETWORK_ADAPTERS] = g_param_spec_object ("network-adapters", NULL, NULL, G_TYPE_LIST_MODEL, ro);

  /**
   * VmnetHost:iov-support:
   *
   * IovSupport: whether the host can do SR-IOV. Unknown when a check cannot
   * be made from here (a remote connection, libvirt's test driver).
   *
   * Since: 0.1
   */
  properties[PROP_IOV_SUPPORT] = g_param_spec_enum ("iov-support", NULL, NULL, VMNET_TYPE_TERNARY,
                                                    VMNET_TERNARY_UNKNOWN, ro);
  /**
   * VmnetHost:iov-support-reasons:
   *
   * IovSupportReasons: one sentence with its fix for each host check that is
   * not a pass; vmnet_host_dup_iov_checks() has them all with their codes.
   *
   * Since: 0.1
   */
  properties[PROP_IOV_SUPPORT_REASONS] = g_param_spec_boxed ("iov-support-reasons", NULL, NULL, G_TYPE_STRV, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

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
  self->host_checks = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_iov_check_free);
  g_mutex_init (&self->memory_lock);
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->generation = 1;
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
  g_autoptr(Snapshot) snap = NULL;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  snap = read_host (self, self->conn, cancellable, error);
  if (!snap)
    return FALSE;
  apply_snapshot (self, snap);
  return TRUE;
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
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VMNET_IS_HOST (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vmnet_host_refresh_async);
  start_read (self, task, cancellable);
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
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vmnet_host_refresh_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  gchar               *label;
  gchar               *vm_uuid;
  gchar               *mac;
  VmnetSettingsValues  values;
  /* What the change means for the VF of a running VM. */
  gchar               *attach_xml;      /* hot-plug this VF */
  gchar               *detach_alias;    /* unplug the VF with this alias */
  gboolean             clear_last_error;
  /* AllowTeaming on the VF (netlink on the PF; only on the host itself). */
  gchar               *host_root;       /* where sysfs is; NULL: not host-local */
  gchar               *adapter_alias;   /* find the attached VF by its partner */
  gchar               *vf_address;      /* the VF the adapter has now */
  gint                 teaming;         /* -1 leave, else the value to apply */
  gchar               *restore_address; /* a released VF to give trust off / spoofchk on */
  gchar               *failover_alias;  /* make the persistent definition failover-ready */
  gint                 queues;          /* virtio <driver queues> for the persistent definition, 0: leave */
  gboolean             set_filter;      /* RouterGuard/DhcpGuard changed: the software path's nwfilter */
  const gchar         *filter;          /* the filter they need, NULL: none */
  gchar               *port;            /* the software path's bridge port to give the VLAN, NULL: none */
  guint                port_vlan;
  gchar               *sysfs_root;      /* MSI-X vectors for the VF to attach: where sysfs is, */
  gchar               *vectors_vf;      /* the VF the pool hands out next, */
  gint                 vectors;         /* its vectors (0: default) */
} SetAdapterData;

static void
set_adapter_data_free (SetAdapterData *data)
{
  g_free (data->label);
  g_free (data->vm_uuid);
  g_free (data->mac);
  g_free (data->attach_xml);
  g_free (data->detach_alias);
  g_free (data->host_root);
  g_free (data->adapter_alias);
  g_free (data->vf_address);
  g_free (data->restore_address);
  g_free (data->failover_alias);
  g_free (data->port);
  g_free (data->sysfs_root);
  g_free (data->vectors_vf);
  g_free (data);
}

static void
borrowed_pf_free (gpointer data)
{
  VmnetPfInfo *pf = data;

  g_ptr_array_unref (pf->vfs);
  g_free (pf);
}

typedef gconstpointer (*InfoGetter) (gpointer object);

/* The records of a list's objects, borrowed from them. */
static GPtrArray *
borrowed_infos (GListModel *list, InfoGetter get_info)
{
  GPtrArray *infos = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) object = g_list_model_get_item (list, i);
      g_ptr_array_add (infos, (gpointer) get_info (object));
    }
  return infos;
}

/* A PF's record with its VFs' records, all borrowed from the objects; free
 * with borrowed_pf_free(). */
static VmnetPfInfo *
borrowed_pf (VmnetNetAdapterSriov *object)
{
  VmnetPfInfo *pf = g_new (VmnetPfInfo, 1);

  *pf = *vmnet_net_adapter_sriov_get_info (object);
  pf->vfs = borrowed_infos (vmnet_net_adapter_sriov_get_virtual_functions (object),
                            (InfoGetter) vmnet_virtual_function_get_info);
  return pf;
}

#define VALUE(v, field, FIELD, current) \
  (((v)->set & (1u << VMNET_SETTINGS_##FIELD)) ? (v)->field : (current))

/* Realization: a running VM's adapter with IovWeight above 0, failover-ready,
 * on a switch in SR-IOV mode and without a policy only the software switch
 * enforces, gets a VF hot-plugged beside it; otherwise its VF goes. */
static void
plan_vf (VmnetHost *self, const VmnetAdapterInfo *a, SetAdapterData *data)
{
  const VmnetSettingsValues *v = &data->values;
  g_autoptr(VmnetSwitch) sw = a->switch_name ? vmnet_host_find_switch (self, a->switch_name, NULL) : NULL;
  gint weight = VALUE (v, iov_weight, IOV_WEIGHT, (gint) a->iov_weight);
  gboolean guarded = VALUE (v, router_guard, ROUTER_GUARD, a->router_guard) ||
                     VALUE (v, dhcp_guard, DHCP_GUARD, a->dhcp_guard);
  gint vlan = VALUE (v, vlan_id, VLAN_ID, a->vlan_id);
  gboolean want = vmnet_adapter_wants_vf (a, vmnet_adapter_is_running (a), sw && vmnet_switch_get_iov_enabled (sw),
                                          weight, guarded);
  gboolean has = a->iov_usage && a->vf_alias != NULL;
  gboolean allow = VALUE (v, allow_teaming, ALLOW_TEAMING, a->allow_teaming);
  guint queue_pairs = (guint) VALUE (v, iov_queue_pairs_requested, IOV_QUEUE_PAIRS_REQUESTED,
                                    (gint) a->iov_queue_pairs_requested);
  g_autoptr(VmnetNetAdapterSriov) pf_object = NULL;
  VmnetPfInfo *pf = NULL;
  gboolean replug;

  /* The PF's VFs matter only for a VF to plug (its MSI-X vectors). */
  if (want && vmnet_switch_get_info (sw)->iov_pf && host_facts_available (self, self->conn))
    pf_object = vmnet_host_find_net_adapter_sriov (self, vmnet_switch_get_info (sw)->iov_pf, NULL);
  if (pf_object)
    pf = borrowed_pf (pf_object);
  /* libvirt sets a VF's VLAN when it is plugged, and a VF's MSI-X vectors
   * change only while no driver holds it: either change means another plug. */
  replug = want && has &&
           (a->vf_vlan_id != vlan ||
            ((v->set & (1u << VMNET_SETTINGS_IOV_QUEUE_PAIRS_REQUESTED)) && queue_pairs > 1 && pf &&
             pf->vf_total_msix > 0 &&
             a->iov_queue_pairs_assigned !=
               vmnet_queue_pairs_of_vectors (vmnet_vectors_for_queue_pairs (queue_pairs, pf->vf_total_msix))));

  /* A virtio adapter created without failover on an SR-IOV switch: its
   * persistent definition is fixed; the pairing starts when the VM restarts. */
  if (weight > 0 && !a->failover_ready && g_strcmp0 (a->model, "virtio") == 0 &&
      sw && vmnet_switch_get_iov_enabled (sw))
    data->failover_alias = g_strconcat (VMNET_ALIAS_PREFIX, a->name, NULL);
  /* RouterGuard and DhcpGuard are enforced by the software switch (nwfilter;
   * the test driver has none). */
  if ((v->set & ((1u << VMNET_SETTINGS_ROUTER_GUARD) | (1u << VMNET_SETTINGS_DHCP_GUARD))) &&
      !vmnet_libvirt_conn_is_test (self->conn))
    {
      data->set_filter = TRUE;
      data->filter = vmnet_libvirt_guard_filter (VALUE (v, router_guard, ROUTER_GUARD, a->router_guard),
                                                 VALUE (v, dhcp_guard, DHCP_GUARD, a->dhcp_guard));
    }
  /* The software path gets as many queues as the VF is asked for. */
  if ((v->set & (1u << VMNET_SETTINGS_IOV_QUEUE_PAIRS_REQUESTED)) && g_strcmp0 (a->model, "virtio") == 0)
    data->queues = v->iov_queue_pairs_requested;

  data->teaming = -1;
  if (host_facts_available (self, self->conn) && !self->host_root)
    {
      data->host_root = g_strdup ("/");
      data->adapter_alias = g_strconcat (VMNET_ALIAS_PREFIX, a->name, NULL);
      if (want && (!has || replug || allow != a->allow_teaming))
        {
          data->teaming = allow;
          data->vf_address = g_strdup (has && !replug ? a->virtual_function : NULL);
        }
      if ((!want || replug) && has && a->allow_teaming)
        data->restore_address = g_strdup (a->virtual_function);
      /* The software path: the tap's port on its bridge. */
      if ((v->set & (1u << VMNET_SETTINGS_VLAN_ID)) && a->port && a->software_path == VMNET_SOFTWARE_PATH_BRIDGE)
        {
          data->port = g_strdup (a->port);
          data->port_vlan = (guint) vlan;
        }
    }

  if ((want && !has) || replug)
    {
      g_autofree gchar *adapter_alias = g_strconcat (VMNET_ALIAS_PREFIX, a->name, NULL);
      g_autofree gchar *vf_alias = g_strconcat (adapter_alias, "-vf", NULL);
      data->attach_xml = vmnet_libvirt_vf_interface_xml (a->mac_address, vmnet_switch_get_iov_pool_name (sw),
                                                         adapter_alias, vf_alias, vlan);
      vmnet_plan_vectors (pf, 0, queue_pairs, &data->vectors_vf, &data->vectors);
      if (data->vectors_vf)
        data->sysfs_root = g_strdup (self->host_root ? self->host_root : "/");
    }
  if ((!want && has) || replug)
    data->detach_alias = g_strdup (a->vf_alias);
  data->clear_last_error = a->last_error != NULL && (!want || !has);
  g_clear_pointer (&pf, borrowed_pf_free);
}

static SetAdapterData *
prepare_set_adapter (VmnetHost            *self,
                     VmnetNetworkAdapter  *adapter,
                     VmnetAdapterSettings *settings,
                     GError              **error)
{
  const VmnetAdapterInfo *a = vmnet_network_adapter_get_info (adapter);
  SetAdapterData *data = g_new0 (SetAdapterData, 1);

  data->label = g_strdup_printf ("adapter '%s' of VM '%s'", a->name, a->vm_name);
  data->vm_uuid = g_strdup (a->vm_uuid);
  data->mac = g_strdup (a->mac_address);
  data->values = *vmnet_adapter_settings_get_values (settings);

  if (!vmnet_settings_validate (&data->values, data->label, error))
    {
      set_adapter_data_free (data);
      return NULL;
    }
  if (!data->mac || !data->vm_uuid)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                   "%s has no MAC address to keep settings for", data->label);
      set_adapter_data_free (data);
      return NULL;
    }
  if ((data->values.set & (1u << VMNET_SETTINGS_VLAN_ID)) && data->values.vlan_id > 0 &&
      a->software_path == VMNET_SOFTWARE_PATH_MACVTAP)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                   "%s: switch '%s' connects VMs through macvtap, which carries no per-adapter VLAN, so VLAN %d "
                   "would hold on the VF only; use a switch over a Linux bridge (vmnet new-vmswitch --bridge BR)",
                   data->label, a->switch_name, data->values.vlan_id);
      set_adapter_data_free (data);
      return NULL;
    }
  plan_vf (self, a, data);
  if (data->set_filter && !vmnet_libvirt_is_own_filter (a->filter))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                   "%s uses nwfilter '%s', which libvmnet does not manage: RouterGuard and DhcpGuard "
                   "need their own filter there; remove it from the interface first",
                   data->label, a->filter);
      set_adapter_data_free (data);
      return NULL;
    }
  return data;
}

static gboolean
apply_teaming (const gchar *host_root, const gchar *vf_address, gboolean allow, GError **error)
{
  g_autofree gchar *pf = NULL;
  guint index;

  if (!vmnet_sysfs_vf_position (host_root, vf_address, &pf, &index))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "no PF found for VF %s", vf_address);
      return FALSE;
    }
  return vmnet_netlink_set_vf_teaming (pf, index, allow, error);
}

/* Attaches a VF from a pool; with @vectors_vf, that VF gets its MSI-X
 * vectors first (best effort: what it has is reported as granted). */
static gboolean
attach_vf (VmnetHost *self, const gchar *vm_uuid, const gchar *xml, const gchar *sysfs_root,
           const gchar *vectors_vf, gint vectors, GError **error)
{
  g_autoptr(GError) vectors_error = NULL;

  if (vectors_vf && vectors >= 0 &&
      !vmnet_sysfs_set_vf_vectors (sysfs_root, vectors_vf, vectors, &vectors_error))
    g_info ("%s", vectors_error->message);
  if (vmnet_libvirt_conn_attach_vf (self->conn, vm_uuid, xml, error))
    return TRUE;
  if (vectors_vf && vectors >= 0)
    vmnet_sysfs_reprobe (sysfs_root, vectors_vf);
  return FALSE;
}

static gboolean
set_adapter_change (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  SetAdapterData *data = user_data;
  g_autoptr(GError) port_error = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  /* The VF goes first: if it cannot, nothing has changed. */
  if (data->detach_alias &&
      !vmnet_libvirt_conn_detach_vf (self->conn, data->vm_uuid, data->detach_alias, error))
    {
      g_prefix_error (error, "%s: ", data->label);
      return FALSE;
    }
  /* A kernel without bridge VLANs, or a tap that is no bridge port: the
   * setting is kept and the adapter-vlan check says why. */
  if (data->port && !vmnet_netlink_set_port_vlan (data->port, data->port_vlan, &port_error) &&
      !g_error_matches (port_error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED) &&
      !g_error_matches (port_error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&port_error), "%s: ", data->label);
      return FALSE;
    }
  if (data->filter && !vmnet_libvirt_conn_ensure_guard_filters (self->conn, error))
    {
      g_prefix_error (error, "%s: ", data->label);
      return FALSE;
    }
  if ((data->failover_alias || data->queues > 0 || data->set_filter) &&
      !vmnet_libvirt_conn_update_interface (self->conn, data->vm_uuid, data->mac, data->failover_alias,
                                            data->queues, data->set_filter, data->filter, error))
    {
      g_prefix_error (error, "%s: ", data->label);
      return FALSE;
    }
  if (!vmnet_libvirt_conn_set_adapter_settings (self->conn, data->vm_uuid, data->mac, &data->values, error))
    {
      g_prefix_error (error, "%s: ", data->label);
      return FALSE;
    }
  if (data->restore_address)
    apply_teaming (data->host_root, data->restore_address, FALSE, NULL);
  /* A VF is a desire, not a guarantee: a failed attach is kept for the status. */
  if (data->attach_xml)
    {
      g_autoptr(GError) attach_error = NULL;
      if (!attach_vf (self, data->vm_uuid, data->attach_xml, data->sysfs_root, data->vectors_vf, data->vectors,
                      &attach_error))
        {
          g_debug ("%s: %s", data->label, attach_error->message);
          vmnet_libvirt_conn_set_last_error (self->conn, data->vm_uuid, data->mac, attach_error->message, NULL);
          return TRUE;
        }
    }
  if (data->teaming >= 0)
    {
      g_autoptr(GError) teaming_error = NULL;
      g_autofree gchar *address = data->vf_address ? g_strdup (data->vf_address)
                                                   : vmnet_libvirt_conn_teamed_vf (self->conn, data->vm_uuid,
                                                                                   data->adapter_alias);
      if (!address || !apply_teaming (data->host_root, address, data->teaming, &teaming_error))
        {
          g_autofree gchar *message = g_strdup_printf ("AllowTeaming could not be applied to the VF: %s",
                                                       teaming_error ? teaming_error->message : "VF not found");
          vmnet_libvirt_conn_set_last_error (self->conn, data->vm_uuid, data->mac, message, NULL);
          return TRUE;
        }
    }
  if (data->clear_last_error)
    vmnet_libvirt_conn_set_last_error (self->conn, data->vm_uuid, data->mac, NULL, NULL);
  return TRUE;
}

/**
 * vmnet_host_set_network_adapter:
 * @self: a #VmnetHost
 * @adapter: one of the host's adapters
 * @settings: the changes: only the properties set on it change
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Changes an adapter's settings, like `Set-VMNetworkAdapter`. Every value is
 * checked first: one out of range fails the call with
 * %VMNET_ERROR_INVALID_ARGUMENT naming the adapter, the setting and its
 * allowed range, and nothing changes. The settings are kept in the VM's
 * libvmnet metadata, in its running and its persistent definition alike;
 * then the host is read again. When the change takes a running VM's VF away
 * (IovWeight 0, a port policy), the call waits up to 30 s for the guest to
 * release the device, so the host read afterwards shows the VF free again;
 * a guest that does not answer in time keeps the unplug pending, and the VF
 * shows as in use until it does.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_set_network_adapter (VmnetHost            *self,
                                VmnetNetworkAdapter  *adapter,
                                VmnetAdapterSettings *settings,
                                GCancellable         *cancellable,
                                GError              **error)
{
  SetAdapterData *data;
  gboolean ok;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_NETWORK_ADAPTER (adapter), FALSE);
  g_return_val_if_fail (VMNET_IS_ADAPTER_SETTINGS (settings), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = prepare_set_adapter (self, adapter, settings, error);
  if (!data)
    return FALSE;
  vmnet_host_resources_changed (self);
  ok = set_adapter_change (self, data, cancellable, error);
  set_adapter_data_free (data);
  return ok && vmnet_host_refresh (self, cancellable, error);
}

/**
 * vmnet_host_set_network_adapter_async:
 * @self: a #VmnetHost
 * @adapter: one of the host's adapters
 * @settings: the changes: only the properties set on it change
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_set_network_adapter(). @settings is
 * read before this returns.
 *
 * Since: 0.1
 */
void
vmnet_host_set_network_adapter_async (VmnetHost            *self,
                                      VmnetNetworkAdapter  *adapter,
                                      VmnetAdapterSettings *settings,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  SetAdapterData *data;

  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (VMNET_IS_NETWORK_ADAPTER (adapter));
  g_return_if_fail (VMNET_IS_ADAPTER_SETTINGS (settings));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vmnet_host_set_network_adapter_async);
  data = prepare_set_adapter (self, adapter, settings, &error);
  if (!data)
    {
      g_task_return_error (task, error);
      return;
    }
  vmnet_host_resources_changed (self);
  start_change_and_read (self, task, set_adapter_change, data,
                         (GDestroyNotify) set_adapter_data_free, cancellable);
}

/**
 * vmnet_host_set_network_adapter_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_set_network_adapter_async().
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_set_network_adapter_finish (VmnetHost     *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vmnet_host_set_network_adapter_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Reconciling. */

typedef struct {
  gchar     *vm_uuid;     /* only this VM; NULL: all */
  GPtrArray *steps;       /* (element-type VmnetStep) */
} ReconcileData;

static void
reconcile_data_free (ReconcileData *data)
{
  g_free (data->vm_uuid);
  g_clear_pointer (&data->steps, g_ptr_array_unref);
  g_free (data);
}

static void
remember_failure (VmnetHost *self, const VmnetStep *step, guint generation)
{
  VmnetAdapterMemory *m;

  g_mutex_lock (&self->memory_lock);
  m = g_hash_table_lookup (self->memory, step->key);
  if (m)
    {
      m->failed_generation = generation;
      m->failed_weight = step->iov_weight;
    }
  g_mutex_unlock (&self->memory_lock);
}

static void
forget_adapter (VmnetHost *self, const VmnetStep *step)
{
  g_mutex_lock (&self->memory_lock);
  g_hash_table_remove (self->memory, step->key);
  g_mutex_unlock (&self->memory_lock);
}

static void
set_step_result (VmnetStep *step, VmnetVfAction action, const gchar *reason)
{
  step->action = action;
  step->report = TRUE;
  if (reason)
    {
      g_free (step->reason);
      step->reason = g_strdup (reason);
    }
}

/* Carries out one step on the host; failures end up in the step. */
static void
execute_step (VmnetHost *self, VmnetStep *step, guint generation, gboolean local)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *adapter_alias = g_strconcat (VMNET_ALIAS_PREFIX, step->adapter_name, NULL);

  switch (step->kind)
    {
    case VMNET_STEP_DETACH:
      if (!vmnet_libvirt_conn_detach_vf (self->conn, step->vm_uuid, step->vf_alias, &error))
        {
          set_step_result (step, VMNET_VF_ACTION_FAILED, error->message);
          return;
        }
      if (local && step->allow_teaming && step->virtual_function)
        apply_teaming ("/", step->virtual_function, FALSE, NULL);
      set_step_result (step, VMNET_VF_ACTION_DETACHED, NULL);
      break;

    case VMNET_STEP_ATTACH:
      {
        g_autofree gchar *vf_alias = g_strconcat (adapter_alias, "-vf", NULL);
        g_autofree gchar *xml = vmnet_libvirt_vf_interface_xml (step->mac, step->pool, adapter_alias, vf_alias,
                                                                step->vlan_id);

        if (!attach_vf (self, step->vm_uuid, xml, host_facts_available (self, self->conn)
                                                   ? (self->host_root ? self->host_root : "/") : NULL,
                        step->vectors_vf, step->vectors, &error))
          {
            /* A VF is a desire, not a guarantee: the failure is kept for the
             * status, and tried again when the situation changes. */
            if (g_strcmp0 (step->last_error, error->message) != 0)
              vmnet_libvirt_conn_set_last_error (self->conn, step->vm_uuid, step->mac, error->message, NULL);
            remember_failure (self, step, generation);
            set_step_result (step, VMNET_VF_ACTION_FAILED, error->message);
            return;
          }
        g_free (step->virtual_function);
        step->virtual_function = vmnet_libvirt_conn_teamed_vf (self->conn, step->vm_uuid, adapter_alias);
        if (local && step->allow_teaming && step->virtual_function &&
            !apply_teaming ("/", step->virtual_function, TRUE, &error))
          {
            g_autofree gchar *message = g_strdup_printf ("AllowTeaming could not be applied to the VF: %s",
                                                         error->message);
            vmnet_libvirt_conn_set_last_error (self->conn, step->vm_uuid, step->mac, message, NULL);
          }
        else if (step->last_error)
          vmnet_libvirt_conn_set_last_error (self->conn, step->vm_uuid, step->mac, NULL, NULL);
        forget_adapter (self, step);
        set_step_result (step, VMNET_VF_ACTION_ATTACHED, NULL);
      }
      break;

    case VMNET_STEP_WAIT:
      if (step->news)
        set_step_result (step, VMNET_VF_ACTION_WAITING, NULL);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Running adapters' bridge ports get their VLAN; returns whether any changed. */
static gboolean
set_port_vlans (const VmnetModel *model, const gchar *vm_uuid)
{
  g_autoptr(GPtrArray) steps = vmnet_reconcile_port_vlans (model, vm_uuid);
  gboolean changed = FALSE;

  for (guint i = 0; i < steps->len; i++)
    {
      const VmnetPortStep *step = g_ptr_array_index (steps, i);
      g_autoptr(GError) error = NULL;

      if (vmnet_netlink_set_port_vlan (step->port, step->vlan_id, &error))
        {
          g_info ("adapter '%s' of VM '%s': port %s is an access port of VLAN %u", step->adapter_name,
                  step->vm_name, step->port, step->vlan_id);
          changed = TRUE;
        }
      else
        g_info ("adapter '%s' of VM '%s': %s", step->adapter_name, step->vm_name, error->message);
    }
  return changed;
}

/* Reads the host, plans, carries the plan out and reads again if anything
 * was done; then the software paths get their VLANs. Safe on any thread. */
static Snapshot *
reconcile_run (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  ReconcileData *data = user_data;
  g_autoptr(Snapshot) snap = NULL;
  guint generation = g_atomic_int_get (&self->generation);
  gboolean local = host_facts_available (self, self->conn) && !self->host_root;
  gboolean acted = data->steps != NULL;   /* planned already: read afterwards in any case */

  if (!data->steps)
    {
      snap = read_host (self, self->conn, cancellable, error);
      if (!snap)
        return NULL;
      g_mutex_lock (&self->memory_lock);
      data->steps = vmnet_reconcile_plan (snap->model, data->vm_uuid, FALSE, self->memory, generation,
                                          g_get_monotonic_time ());
      g_mutex_unlock (&self->memory_lock);
    }

  for (guint i = 0; i < data->steps->len; i++)
    {
      VmnetStep *step = g_ptr_array_index (data->steps, i);

      if (g_cancellable_is_cancelled (cancellable))
        break;
      execute_step (self, step, generation, local);
      acted |= step->kind != VMNET_STEP_WAIT;
    }
  if (acted)
    {
      g_clear_pointer (&snap, snapshot_free);
      snap = read_host (self, self->conn, cancellable, error);
      if (!snap)
        return NULL;
    }
  if (local && set_port_vlans (snap->model, data->vm_uuid))
    {
      g_clear_pointer (&snap, snapshot_free);
      snap = read_host (self, self->conn, cancellable, error);
    }
  return g_steal_pointer (&snap);
}

static void
emit_actions (VmnetHost *self, GPtrArray *steps)
{
  for (guint i = 0; i < steps->len; i++)
    {
      VmnetStep *step = g_ptr_array_index (steps, i);

      if (step->report)
        g_signal_emit (self, signals[SIGNAL_VF_ACTION], 0, step->action, step->vm_name, step->adapter_name,
                       step->virtual_function, step->reason);
    }
}

static ReconcileData *
prepare_reconcile (VmnetHost *self, VmnetVm *vm)
{
  ReconcileData *data = g_new0 (ReconcileData, 1);

  data->vm_uuid = vm ? g_strdup (vmnet_vm_get_uuid (vm)) : NULL;
  return data;
}

/**
 * vmnet_host_reconcile:
 * @self: a #VmnetHost
 * @vm: (nullable): only this VM's adapters, or %NULL for all
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Brings the VFs in line with the adapters' settings, once: an adapter that
 * no longer wants its VF (IovWeight 0, VM stopping, a port policy only the
 * software switch enforces) loses it; adapters of running VMs that want one
 * get a free VF, the highest IovWeight first and, among equals, the one that
 * has waited longest. No VF is taken from an adapter that still wants it.
 * An attach that fails leaves the adapter on its software path, with the
 * reason in its status; it is tried again once VFs may have come free.
 * #VmnetHost::vf-action is emitted for everything done; then the host is
 * read again.
 *
 * #VmnetReconciler runs this whenever libvirt reports a change.
 *
 * Returns: %TRUE on success (also when some attach failed: see
 *   #VmnetHost::vf-action), %FALSE with @error set if the host could not be
 *   read
 *
 * Since: 0.1
 */
gboolean
vmnet_host_reconcile (VmnetHost     *self,
                      VmnetVm       *vm,
                      GCancellable  *cancellable,
                      GError       **error)
{
  ReconcileData *data;
  g_autoptr(Snapshot) snap = NULL;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (vm == NULL || VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = prepare_reconcile (self, vm);
  snap = reconcile_run (self, data, cancellable, error);
  if (snap)
    {
      apply_snapshot (self, snap);
      emit_actions (self, data->steps);
    }
  reconcile_data_free (data);
  return snap != NULL;
}

static void
reconcile_applied (VmnetHost *self, gpointer data)
{
  emit_actions (self, ((ReconcileData *) data)->steps);
}

static void
start_reconcile (VmnetHost *self, GTask *outer, ReconcileData *data, GCancellable *cancellable)
{
  ReadData *read = g_new0 (ReadData, 1);

  read->produce = reconcile_run;
  read->applied = reconcile_applied;
  read->change_data = data;
  read->change_data_free = (GDestroyNotify) reconcile_data_free;
  start_task (self, outer, read, cancellable);
}

/**
 * vmnet_host_reconcile_async:
 * @self: a #VmnetHost
 * @vm: (nullable): only this VM's adapters, or %NULL for all
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_reconcile(): libvirt is called from a
 * worker thread; objects change and signals are emitted in the host's
 * context.
 *
 * Since: 0.1
 */
void
vmnet_host_reconcile_async (VmnetHost           *self,
                            VmnetVm             *vm,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (vm == NULL || VMNET_IS_VM (vm));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vmnet_host_reconcile_async);
  start_reconcile (self, task, prepare_reconcile (self, vm), cancellable);
}

/**
 * vmnet_host_reconcile_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_reconcile_async().
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_reconcile_finish (VmnetHost     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == vmnet_host_reconcile_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
borrowed_vm_free (gpointer data)
{
  VmnetVmInfo *vm = data;

  g_ptr_array_unref (vm->adapters);
  g_free (vm);
}

/* The host as its objects have it now, as a model whose records are
 * borrowed from them. */
static VmnetModel *
borrowed_model (VmnetHost *self)
{
  VmnetModel *m = g_new0 (VmnetModel, 1);
  GListModel *pfs = G_LIST_MODEL (self->pfs), *vms = G_LIST_MODEL (self->vms);

  m->switches = borrowed_infos (G_LIST_MODEL (self->switches), (InfoGetter) vmnet_switch_get_info);
  m->pfs = g_ptr_array_new_with_free_func (borrowed_pf_free);
  m->vms = g_ptr_array_new_with_free_func (borrowed_vm_free);
  for (guint i = 0; i < g_list_model_get_n_items (pfs); i++)
    {
      g_autoptr(VmnetNetAdapterSriov) pf = g_list_model_get_item (pfs, i);
      g_ptr_array_add (m->pfs, borrowed_pf (pf));
    }
  for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(VmnetVm) vm = g_list_model_get_item (vms, i);
      VmnetVmInfo *info = g_new0 (VmnetVmInfo, 1);

      info->adapters = borrowed_infos (vmnet_vm_get_network_adapters (vm),
                                       (InfoGetter) vmnet_network_adapter_get_info);
      g_ptr_array_add (m->vms, info);
    }
  return m;
}

/* A VM has just started (or arrived, or resumed): its adapters are planned
 * from what the host's objects already know, so the VFs are attached before
 * the host is read again; the read follows. Returns %FALSE, doing nothing,
 * when the objects do not know the VM yet (a full pass is needed). */
gboolean
vmnet_host_reconcile_started_vm_async (VmnetHost           *self,
                                       const gchar         *vm_uuid,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(VmnetModel) model = NULL;
  g_autoptr(GTask) task = NULL;
  ReconcileData *data;

  vm = vmnet_host_find_vm (self, vm_uuid, NULL);
  if (!vm)
    return FALSE;

  data = g_new0 (ReconcileData, 1);
  data->vm_uuid = g_strdup (vm_uuid);
  model = borrowed_model (self);
  g_mutex_lock (&self->memory_lock);
  data->steps = vmnet_reconcile_plan (model, vm_uuid, TRUE, self->memory, g_atomic_int_get (&self->generation),
                                      g_get_monotonic_time ());
  g_mutex_unlock (&self->memory_lock);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vmnet_host_reconcile_async);
  start_reconcile (self, task, data, cancellable);
  return TRUE;
}

/* VFs may have come free (a VM stopped, a device went, a switch changed):
 * adapters whose attach failed are tried again on the next pass. */
void
vmnet_host_resources_changed (VmnetHost *self)
{
  g_atomic_int_inc (&self->generation);
}

/* The VM's adapters whose attach failed are tried again on the next pass. */
void
vmnet_host_forget_failures (VmnetHost *self, const gchar *vm_uuid)
{
  g_autofree gchar *prefix = g_strconcat (vm_uuid, "/", NULL);
  GHashTableIter iter;
  gpointer key, value;

  g_mutex_lock (&self->memory_lock);
  g_hash_table_iter_init (&iter, self->memory);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_prefix (key, prefix))
      ((VmnetAdapterMemory *) value)->failed_generation = 0;
  g_mutex_unlock (&self->memory_lock);
}

VmnetLibvirtConn *
vmnet_host_get_libvirt_conn (VmnetHost *self)
{
  return self->conn;
}

typedef struct {
  gchar    *name;
  gchar    *net_adapter;
  gchar    *bridge;
  gchar    *pool_pf;
  gchar    *pool_name;     /* remove: the switch's pool, if any */
} SwitchData;

static void
switch_data_free (SwitchData *data)
{
  g_free (data->name);
  g_free (data->net_adapter);
  g_free (data->bridge);
  g_free (data->pool_pf);
  g_free (data->pool_name);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SwitchData, switch_data_free)

static gboolean
new_switch_change (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  SwitchData *data = user_data;
  g_autofree gchar *pool_name = g_strconcat (data->name, VMNET_IOV_POOL_SUFFIX, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  /* Asked of libvirt itself: another client may have made one since the last read. */
  if (vmnet_libvirt_conn_network_exists (self->conn, data->name) || (data->pool_pf && vmnet_libvirt_conn_network_exists (self->conn, pool_name)))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS,
                   "a virtual switch (libvirt network) named '%s' exists already on host '%s'",
                   vmnet_libvirt_conn_network_exists (self->conn, data->name) ? data->name : pool_name, host_label (self));
      return FALSE;
    }
  if (!vmnet_libvirt_conn_create_switch (self->conn, data->name, data->net_adapter, data->bridge,
                                         data->pool_pf, error))
    {
      g_prefix_error (error, "switch '%s': ", data->name);
      return FALSE;
    }
  return TRUE;
}

static SwitchData *
prepare_new_switch (VmnetHost    *self,
                    const gchar  *name,
                    const gchar  *net_adapter,
                    const gchar  *bridge,
                    gboolean      enable_iov,
                    GError      **error)
{
  g_autoptr(SwitchData) data = g_new0 (SwitchData, 1);
  g_autoptr(VmnetSwitch) existing = NULL;

  if (!name || !*name || strchr (name, '/') || strlen (name) > 64)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "switch name '%s' is not allowed: 1 to 64 characters, no '/'", name ? name : "");
      return NULL;
    }
  if (g_str_has_suffix (name, VMNET_IOV_POOL_SUFFIX))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "switch name '%s' is not allowed: names ending in '%s' are kept for VF pools",
                   name, VMNET_IOV_POOL_SUFFIX);
      return NULL;
    }
  if (!net_adapter && !bridge)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "switch '%s': give the physical adapter or the bridge it is bound to", name);
      return NULL;
    }
  if (enable_iov && !net_adapter)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "switch '%s': SR-IOV mode needs the physical adapter (PF) the VFs come from", name);
      return NULL;
    }
  existing = vmnet_host_find_switch (self, name, NULL);
  if (existing)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS,
                   "a virtual switch named '%s' exists already on host '%s'",
                   vmnet_switch_get_name (existing), host_label (self));
      return NULL;
    }
  if (enable_iov)
    {
      g_autoptr(VmnetNetAdapterSriov) pf = vmnet_host_find_net_adapter_sriov (self, net_adapter, NULL);
      if (!pf)
        {
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                       "switch '%s': adapter '%s' is not SR-IOV capable, so the switch cannot be in SR-IOV mode "
                       "(vmnet get-netadaptersriov lists the adapters that are)", name, net_adapter);
          return NULL;
        }
      data->pool_pf = g_strdup (vmnet_net_adapter_sriov_get_name (pf));
    }
  data->name = g_strdup (name);
  data->net_adapter = g_strdup (net_adapter);
  data->bridge = g_strdup (bridge);
  return g_steal_pointer (&data);
}

/**
 * vmnet_host_create_switch:
 * @self: a #VmnetHost
 * @name: the switch name
 * @net_adapter: (nullable): the physical adapter to bind to (macvtap), or the PF
 *   of the VF pool when @bridge is given too
 * @bridge: (nullable): an existing host bridge to use as the software path
 * @enable_iov: create the switch in SR-IOV mode, with a VF pool on @net_adapter
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Creates an External switch, like `New-VMSwitch -NetAdapterName … -EnableIov`:
 * a libvirt network for the software path and, in SR-IOV mode, a companion
 * VF-pool network (`NAME-iov`, `<forward mode='hostdev'><pf dev='PF'/></forward>`),
 * both started and autostarted. SR-IOV mode cannot be changed later. On any
 * error nothing is left behind.
 *
 * A macvtap software path and a VF on the same PF both hold the adapter's MAC
 * in the PF's filter; prefer a bridge over the PF (@bridge) where both are used.
 *
 * Returns: (transfer full): the new switch, or %NULL with %VMNET_ERROR_ALREADY_EXISTS,
 *   %VMNET_ERROR_NOT_SUPPORTED (the adapter cannot do SR-IOV) or %VMNET_ERROR_INVALID_ARGUMENT
 *
 * Since: 0.1
 */
VmnetSwitch *
vmnet_host_create_switch (VmnetHost     *self,
                       const gchar   *name,
                       const gchar   *net_adapter,
                       const gchar   *bridge,
                       gboolean       enable_iov,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(SwitchData) data = NULL;

  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = prepare_new_switch (self, name, net_adapter, bridge, enable_iov, error);
  if (!data)
    return NULL;
  if (!new_switch_change (self, data, cancellable, error) ||
      !vmnet_host_refresh (self, cancellable, error))
    return NULL;
  return vmnet_host_find_switch (self, name, error);
}

static gboolean
remove_switch_change (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  SwitchData *data = user_data;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!vmnet_libvirt_conn_remove_switch (self->conn, data->name, data->pool_name, error))
    {
      g_prefix_error (error, "switch '%s': ", data->name);
      return FALSE;
    }
  return TRUE;
}

/**
 * vmnet_host_remove_switch:
 * @self: a #VmnetHost
 * @sw: one of the host's switches
 * @force: remove it even while VM adapters are connected to it
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Removes a switch and its VF pool, like `Remove-VMSwitch`. While VM adapters
 * are connected to it this fails with %VMNET_ERROR_BUSY naming the VMs,
 * unless @force is given: then their adapters stay defined but lose the network.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_remove_switch (VmnetHost     *self,
                          VmnetSwitch   *sw,
                          gboolean       force,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(SwitchData) data = g_new0 (SwitchData, 1);
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_free);
  GListModel *adapters;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_SWITCH (sw), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  adapters = G_LIST_MODEL (self->adapters);
  for (guint i = 0; i < g_list_model_get_n_items (adapters); i++)
    {
      g_autoptr(VmnetNetworkAdapter) a = g_list_model_get_item (adapters, i);
      const gchar *vm = vmnet_network_adapter_get_vm_name (a);
      if (g_strcmp0 (vmnet_network_adapter_get_switch_name (a), vmnet_switch_get_name (sw)) != 0)
        continue;
      if (!g_ptr_array_find_with_equal_func (users, vm, g_str_equal, NULL))
        g_ptr_array_add (users, g_strdup (vm));
    }
  if (users->len > 0 && !force)
    {
      g_autofree gchar *joined = NULL;
      g_ptr_array_add (users, NULL);
      joined = g_strjoinv (", ", (gchar **) users->pdata);
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_BUSY,
                   "switch '%s' is in use by VMs %s: disconnect their adapters first, or force the removal",
                   vmnet_switch_get_name (sw), joined);
      return FALSE;
    }

  data->name = g_strdup (vmnet_switch_get_name (sw));
  data->pool_name = g_strdup (vmnet_switch_get_iov_pool_name (sw));
  return remove_switch_change (self, data, cancellable, error) &&
         vmnet_host_refresh (self, cancellable, error);
}

/**
 * vmnet_host_set_net_adapter_sriov_num_vfs:
 * @self: a #VmnetHost
 * @adapter: one of the host's SR-IOV adapters
 * @num_vfs: the VFs to enable, 0 to turn them off
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Sets NumVFs, like `Set-NetAdapterSriov -NumVFs`: writes `sriov_numvfs`
 * (0 first, then @num_vfs), then reads the host again. Only on the host itself
 * (%VMNET_ERROR_REMOTE_UNSUPPORTED otherwise). More than the adapter's maximum
 * is %VMNET_ERROR_INVALID_ARGUMENT. While any VF is assigned to a running VM
 * this fails with %VMNET_ERROR_BUSY naming the VMs and changes nothing: the
 * kernel itself would pull the device from under them.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_set_net_adapter_sriov_num_vfs (VmnetHost            *self,
                                          VmnetNetAdapterSriov *adapter,
                                          gint                  num_vfs,
                                          GCancellable         *cancellable,
                                          GError              **error)
{
  const VmnetPfInfo *pf;
  g_autoptr(GPtrArray) users = g_ptr_array_new ();
  GListModel *vfs;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (adapter), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pf = vmnet_net_adapter_sriov_get_info (adapter);
  if (num_vfs < 0 || (pf->max_vfs >= 0 && num_vfs > pf->max_vfs))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "adapter '%s': NumVFs %d is out of range: allowed 0 to %d", pf->name, num_vfs, pf->max_vfs);
      return FALSE;
    }
  if (!host_facts_available (self, self->conn))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_REMOTE_UNSUPPORTED,
                   "adapter '%s': NumVFs can only be changed on the host itself, not through '%s'",
                   pf->name, host_label (self));
      return FALSE;
    }
  /* The VF records now live in the adapter's VF objects. */
  vfs = vmnet_net_adapter_sriov_get_virtual_functions (adapter);
  for (guint i = 0; i < g_list_model_get_n_items (vfs); i++)
    {
      g_autoptr(VmnetVirtualFunction) vf = g_list_model_get_item (vfs, i);
      const gchar *vm = vmnet_virtual_function_get_vm_name (vf);
      if (vm && !g_ptr_array_find_with_equal_func (users, vm, g_str_equal, NULL))
        g_ptr_array_add (users, (gpointer) vm);
    }
  if (users->len > 0 || pf->allocated_vfs > 0)
    {
      g_autofree gchar *joined = NULL;
      g_ptr_array_add (users, NULL);
      joined = g_strjoinv (", ", (gchar **) users->pdata);
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_BUSY,
                   "adapter '%s': %d VF(s) are in use%s%s: give them back first (IovWeight 0 or stop the VMs)",
                   pf->name, pf->allocated_vfs, users->len > 1 ? " by VMs " : "", joined);
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!vmnet_sysfs_set_num_vfs (self->host_root ? self->host_root : "/", pf->pci_address, pf->name,
                                num_vfs, error))
    return FALSE;
  return vmnet_host_refresh (self, cancellable, error);
}

static gboolean
valid_adapter_name (const gchar *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > 60)
    return FALSE;
  for (const gchar *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* A locally administered QEMU-style MAC no adapter on the host has. */
static gchar *
new_mac (VmnetHost *self)
{
  GListModel *adapters = G_LIST_MODEL (self->adapters);

  for (;;)
    {
      guint32 r = g_random_int ();
      g_autofree gchar *mac = g_strdup_printf ("52:54:00:%02x:%02x:%02x", (r >> 16) & 0xff, (r >> 8) & 0xff, r & 0xff);
      gboolean taken = FALSE;

      for (guint i = 0; i < g_list_model_get_n_items (adapters) && !taken; i++)
        {
          g_autoptr(VmnetNetworkAdapter) a = g_list_model_get_item (adapters, i);
          taken = g_ascii_strcasecmp (vmnet_network_adapter_get_mac_address (a) ? vmnet_network_adapter_get_mac_address (a) : "", mac) == 0;
        }
      if (!taken)
        return g_steal_pointer (&mac);
    }
}

/**
 * vmnet_host_add_network_adapter:
 * @self: a #VmnetHost
 * @vm: one of the host's VMs
 * @sw: the switch to connect the adapter to
 * @name: (nullable): the adapter name (letters, digits, `-`, `_`), or %NULL for `netN`
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Adds a virtio network adapter, like `Add-VMNetworkAdapter`, with a new MAC
 * address and the user alias `ua-NAME`. On a switch in SR-IOV mode it is
 * created ready for failover (`<teaming type='persistent'/>`), so a VF can be
 * teamed with it while the VM runs. A running VM gets it at once and keeps it;
 * a stopped one in its definition.
 *
 * Returns: (transfer full): the new adapter, or %NULL with %VMNET_ERROR_INVALID_ARGUMENT,
 *   %VMNET_ERROR_ALREADY_EXISTS or libvirt's error
 *
 * Since: 0.1
 */
VmnetNetworkAdapter *
vmnet_host_add_network_adapter (VmnetHost     *self,
                                VmnetVm       *vm,
                                VmnetSwitch   *sw,
                                const gchar   *name,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_autofree gchar *chosen = NULL;
  g_autofree gchar *alias = NULL;
  g_autofree gchar *mac = NULL;
  g_autofree gchar *xml = NULL;
  g_autoptr(VmnetNetworkAdapter) existing = NULL;
  g_autoptr(VmnetVm) after = NULL;

  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  g_return_val_if_fail (VMNET_IS_VM (vm), NULL);
  g_return_val_if_fail (VMNET_IS_SWITCH (sw), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (name && !valid_adapter_name (name))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "adapter name '%s' of VM '%s' is not allowed: 1 to 60 letters, digits, '-' or '_' "
                   "(it becomes the libvirt alias ua-NAME)", name, vmnet_vm_get_name (vm));
      return NULL;
    }
  if (name)
    {
      existing = vmnet_vm_find_network_adapter (vm, name, NULL);
      if (existing)
        {
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS,
                       "VM '%s' has a network adapter '%s' already", vmnet_vm_get_name (vm), name);
          return NULL;
        }
      chosen = g_strdup (name);
    }
  else
    {
      for (guint k = g_list_model_get_n_items (vmnet_vm_get_network_adapters (vm)); !chosen; k++)
        {
          g_autofree gchar *candidate = g_strdup_printf ("net%u", k);
          g_autoptr(VmnetNetworkAdapter) taken = vmnet_vm_find_network_adapter (vm, candidate, NULL);
          if (!taken)
            chosen = g_steal_pointer (&candidate);
        }
    }
  if (g_strcmp0 (vmnet_switch_get_forward_mode (sw), "hostdev") == 0)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                   "switch '%s' is only a VF pool: connect adapters to a switch with a software path",
                   vmnet_switch_get_name (sw));
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  alias = g_strconcat (VMNET_ALIAS_PREFIX, chosen, NULL);
  mac = new_mac (self);
  xml = vmnet_libvirt_adapter_interface_xml (mac, vmnet_switch_get_name (sw), alias, vmnet_switch_get_iov_enabled (sw));
  if (!vmnet_libvirt_conn_add_interface (self->conn, vmnet_vm_get_uuid (vm), xml, error))
    {
      g_prefix_error (error, "VM '%s': ", vmnet_vm_get_name (vm));
      return NULL;
    }
  if (!vmnet_host_refresh (self, cancellable, error))
    return NULL;
  after = vmnet_host_find_vm (self, vmnet_vm_get_uuid (vm), error);
  return after ? vmnet_vm_find_network_adapter (after, mac, error) : NULL;
}

/**
 * vmnet_host_set_vm_scope:
 * @self: a #VmnetHost
 * @vm: one of the host's VMs
 * @scope: (nullable): the authorization scope to place it in, %NULL or
 *   %VMNET_AUTH_DEFAULT_SCOPE for the default scope
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Places a VM in an authorization scope (Hyper-V's SetScope.vbs step). The
 * scope is kept in the VM's libvmnet metadata, in its live and persistent
 * definitions, so it travels with the VM. The polkit rules name the VMs of
 * each VM scope: export them again afterwards (vmnet_auth_store_export()).
 * That the scope exists in the authorization store is the caller's to check.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_set_vm_scope (VmnetHost     *self,
                         VmnetVm       *vm,
                         const gchar   *scope,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (scope && g_str_equal (scope, VMNET_AUTH_DEFAULT_SCOPE))
    scope = NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!vmnet_libvirt_conn_set_vm_scope (self->conn, vmnet_vm_get_uuid (vm), scope, error))
    {
      g_prefix_error (error, "VM '%s': ", vmnet_vm_get_name (vm));
      return FALSE;
    }
  return vmnet_host_refresh (self, cancellable, error);
}

/**
 * vmnet_host_get_uri:
 * @self: a #VmnetHost
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
 * Returns: (nullable): the URI libvirt reports for the connection
 *
 * Since: 0.1
 */
const gchar *
vmnet_host_get_resolved_uri (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return self->conn ? vmnet_libvirt_conn_get_uri (self->conn) : NULL;
}

/**
 * vmnet_host_get_host_root:
 * @self: a #VmnetHost
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
 * Returns: %TRUE if the connection goes to another machine
 *
 * Since: 0.1
 */
gboolean
vmnet_host_get_is_remote (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  return self->conn && vmnet_libvirt_conn_is_remote (self->conn);
}

/**
 * vmnet_host_get_is_privileged:
 * @self: a #VmnetHost
 *
 * Returns: %TRUE for a system (privileged) connection
 *
 * Since: 0.1
 */
gboolean
vmnet_host_get_is_privileged (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  return self->conn && vmnet_libvirt_conn_is_privileged (self->conn);
}

/**
 * vmnet_host_get_host_facts_available:
 * @self: a #VmnetHost
 *
 * Returns: %TRUE if facts only the host can tell (sysfs, netlink) are read
 *
 * Since: 0.1
 */
gboolean
vmnet_host_get_host_facts_available (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  return host_facts_available (self, self->conn);
}

/**
 * vmnet_host_get_switches:
 * @self: a #VmnetHost
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
                 "no virtual switch '%s' on host '%s'", name, host_label (self));
  return sw;
}

/**
 * vmnet_host_find_vm:
 * @self: a #VmnetHost
 * @name: a VM name or UUID
 * @error: return location for a #GError
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
                 "no VM '%s' on host '%s'", name, host_label (self));
  return vm;
}

/**
 * vmnet_host_find_net_adapter_sriov:
 * @self: a #VmnetHost
 * @name: an adapter name or PCI address
 * @error: return location for a #GError
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
                 "no SR-IOV adapter '%s' on host '%s'", name, host_label (self));
  return pf;
}

/**
 * vmnet_host_get_iov_support:
 * @self: a #VmnetHost
 *
 * Returns: whether the host can do SR-IOV
 *
 * Since: 0.1
 */
VmnetTernary
vmnet_host_get_iov_support (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), VMNET_TERNARY_UNKNOWN);
  return vmnet_checks_support (self->host_checks);
}

/**
 * vmnet_host_dup_iov_support_reasons:
 * @self: a #VmnetHost
 *
 * Returns: (transfer full): the IovSupportReasons
 *
 * Since: 0.1
 */
GStrv
vmnet_host_dup_iov_support_reasons (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return vmnet_checks_reasons (self->host_checks);
}

/**
 * vmnet_host_dup_iov_checks:
 * @self: a #VmnetHost
 *
 * Every host SR-IOV check, passes included, in the order of the checklist:
 * connection, firmware and IOMMU, adapters.
 *
 * Returns: (transfer full) (element-type VmnetIovCheck): the checks
 *
 * Since: 0.1
 */
GPtrArray *
vmnet_host_dup_iov_checks (VmnetHost *self)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  return vmnet_checks_copy (self->host_checks);
}
