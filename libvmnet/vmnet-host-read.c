/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading the host: the I/O half of a read (any thread), the half that
 * applies it to the host's objects (the host's context), and the task
 * runner that joins the two for every operation. */
#include "config.h"

#include "vmnet-host-private.h"
#include "vmnet-error.h"
#include "vmnet-object-private.h"
#include "vmnet-diagnose-private.h"
#include "linux/vmnet-linux-private.h"

void
vmnet_snapshot_free (VmnetSnapshot *snap)
{
  g_clear_pointer (&snap->conn, vmnet_libvirt_conn_free);
  g_clear_pointer (&snap->facts, vmnet_host_facts_free);
  g_clear_pointer (&snap->model, vmnet_model_unref);
  g_clear_pointer (&snap->service_host, g_variant_unref);
  g_free (snap);
}

const gchar *
vmnet_host_label (VmnetHost *self)
{
  return self->uri ? self->uri : (self->conn ? vmnet_libvirt_conn_get_uri (self->conn) : "(default)");
}

gboolean
vmnet_host_is_local (VmnetHost *self, VmnetLibvirtConn *conn)
{
  if (self->host_root)
    return TRUE;
  if (!conn && vmnet_host_service_attached (self))
    return vmnet_host_service_flag (self, "HostFactsAvailable");
  return conn && !vmnet_libvirt_conn_is_remote (conn) && !vmnet_libvirt_conn_is_test (conn);
}

VmnetLibvirtOpenFlags
vmnet_host_open_flags (VmnetHost *self)
{
  return (self->read_only ? VMNET_LIBVIRT_OPEN_READ_ONLY : 0) |
         (self->interactive ? VMNET_LIBVIRT_OPEN_INTERACTIVE : 0);
}

/* Reads a libvirt host through @conn (opened from @uri with @flags when %NULL): its
 * libvirt facts, its host files from @host_root when given or from this
 * machine when the connection is local, and the model. Safe on any thread. */
VmnetSnapshot *
vmnet_snapshot_read (const gchar      *uri,
                     VmnetLibvirtOpenFlags flags,
                     VmnetLibvirtConn *conn,
                     const gchar      *host_root,
                     GCancellable     *cancellable,
                     GError          **error)
{
  g_autoptr(VmnetSnapshot) snap = g_new0 (VmnetSnapshot, 1);
  gint64 t0 = g_get_monotonic_time (), t1, t2;
  gboolean local;

  if (!conn)
    {
      snap->conn = vmnet_libvirt_conn_open (uri, flags, error);
      if (!snap->conn)
        return NULL;
      conn = snap->conn;
    }
  snap->facts = vmnet_libvirt_conn_fetch (conn, cancellable, error);
  if (!snap->facts)
    {
      g_prefix_error (error, "host '%s': ", uri ? uri : vmnet_libvirt_conn_get_uri (conn));
      return NULL;
    }
  t1 = g_get_monotonic_time ();
  local = host_root || (!vmnet_libvirt_conn_is_remote (conn) && !vmnet_libvirt_conn_is_test (conn));
  if (local)
    vmnet_linux_collect (snap->facts, host_root ? host_root : "/", host_root == NULL);
  t2 = g_get_monotonic_time ();
  snap->model = vmnet_model_build (snap->facts);
  g_debug ("read host '%s': libvirt %.1f ms (%u VMs, %u networks, %u PCI devices), host files %.1f ms, model %.1f ms",
           vmnet_libvirt_conn_get_uri (conn), (t1 - t0) / 1000.0, snap->facts->domains->len,
           snap->facts->networks->len, snap->facts->pci->len, (t2 - t1) / 1000.0,
           (g_get_monotonic_time () - t2) / 1000.0);
  return g_steal_pointer (&snap);
}

/* The host read through @conn (its own when %NULL is given before the
 * first read); safe on any thread. */
VmnetSnapshot *
vmnet_host_read (VmnetHost        *self,
                 VmnetLibvirtConn *conn,
                 GCancellable     *cancellable,
                 GError          **error)
{
  return vmnet_snapshot_read (self->uri, vmnet_host_open_flags (self), conn, self->host_root, cancellable, error);
}

static const gchar *
switch_info_key (gconstpointer info)
{
  return ((const VmnetSwitchInfo *) info)->name;
}

static gpointer
switch_create (VmnetModel *model, gconstpointer info)
{
  return vmnet_switch_new (model, info);
}

static void
switch_update (gpointer object, VmnetModel *model, gconstpointer info)
{
  vmnet_switch_update (object, model, info);
}

static const gchar *
pf_info_key (gconstpointer info)
{
  return ((const VmnetPfInfo *) info)->pci_address;
}

static gpointer
pf_create (VmnetModel *model, gconstpointer info)
{
  return vmnet_net_adapter_sriov_new (model, info);
}

static void
pf_update (gpointer object, VmnetModel *model, gconstpointer info)
{
  vmnet_net_adapter_sriov_update (object, model, info);
}

static const gchar *
vm_info_key (gconstpointer info)
{
  const VmnetVmInfo *vm = info;
  return vm->uuid ? vm->uuid : vm->name;
}

static gpointer
vm_create (VmnetModel *model, gconstpointer info)
{
  return vmnet_vm_new (model, info);
}

static void
vm_update (gpointer object, VmnetModel *model, gconstpointer info)
{
  vmnet_vm_update (object, model, info);
}

static const VmnetListSyncFuncs switch_sync = { switch_info_key, switch_create, switch_update };
static const VmnetListSyncFuncs pf_sync = { pf_info_key, pf_create, pf_update };
static const VmnetListSyncFuncs vm_sync = { vm_info_key, vm_create, vm_update };

static void
set_string (VmnetHost *self, gchar **field, gchar *value, const gchar *property)
{
  if (g_strcmp0 (*field, value) == 0)
    {
      g_free (value);
      return;
    }
  g_free (*field);
  *field = value;
  g_object_notify (G_OBJECT (self), property);
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
void
vmnet_host_apply_snapshot (VmnetHost *self, VmnetSnapshot *snap)
{
  gboolean had_conn = self->conn != NULL;

  g_object_freeze_notify (G_OBJECT (self));
  if (snap->conn)
    {
      g_clear_pointer (&self->conn, vmnet_libvirt_conn_free);
      self->conn = g_steal_pointer (&snap->conn);
      if (had_conn)
        g_object_notify (G_OBJECT (self), "resolved-uri");
    }
  set_string (self, &self->computer_name, g_steal_pointer (&snap->facts->computer_name), "computer-name");
  set_string (self, &self->hypervisor, g_steal_pointer (&snap->facts->hypervisor), "hypervisor");
  set_string (self, &self->hypervisor_version, g_steal_pointer (&snap->facts->hypervisor_version), "hypervisor-version");
  set_string (self, &self->libvirt_version, g_steal_pointer (&snap->facts->libvirt_version), "libvirt-version");

  {
    VmnetTernary old_support = vmnet_checks_support (self->model->host_checks);
    g_auto(GStrv) old_reasons = vmnet_checks_reasons (self->model->host_checks);
    g_auto(GStrv) new_reasons = vmnet_checks_reasons (snap->model->host_checks);

    if (old_support != vmnet_checks_support (snap->model->host_checks))
      g_object_notify (G_OBJECT (self), "iov-support");
    if (!g_strv_equal ((const gchar * const *) old_reasons, (const gchar * const *) new_reasons))
      g_object_notify (G_OBJECT (self), "iov-support-reasons");
  }
  vmnet_host_service_apply (self, snap);
  vmnet_list_store_sync (self->pfs, snap->model, self->model->pfs, snap->model->pfs, &pf_sync);
  vmnet_list_store_sync (self->switches, snap->model, self->model->switches, snap->model->switches, &switch_sync);
  vmnet_list_store_sync (self->vms, snap->model, self->model->vms, snap->model->vms, &vm_sync);
  sync_flat_adapters (self);
  vmnet_model_unref (self->model);
  self->model = vmnet_model_ref (snap->model);
  g_object_thaw_notify (G_OBJECT (self));
}


typedef struct {
  VmnetLibvirtConn  *conn;
  const VmnetHostOp *op;
  gpointer           data;
  GDestroyNotify     data_free;
} RunData;

static void
run_data_free (RunData *run)
{
  if (run->data_free)
    run->data_free (run->data);
  g_free (run);
}

/* The host read: from vmnetd's model when the host is attached to it, else
 * from libvirt through @conn (the host's own connection once vmnetd is in
 * the picture: its model and a direct read may take turns). */
static VmnetSnapshot *
read_any (VmnetHost *self, VmnetLibvirtConn *conn, GCancellable *cancellable, GError **error)
{
  vmnet_host_service_probe (self);
  if (vmnet_host_service_lost (self))
    vmnet_host_service_check (self);
  if (vmnet_host_service_attached (self))
    {
      g_autoptr(GError) local = NULL;
      VmnetSnapshot *snap = vmnet_host_service_read (self, cancellable, &local);

      if (snap)
        return snap;
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      g_debug ("host '%s': vmnetd did not serve the read (%s): reading libvirt", vmnet_host_label (self),
               local->message);
    }
  if (self->service)
    {
      if (!vmnet_host_ensure_conn (self, error))
        return NULL;
      conn = self->conn;
    }
  return vmnet_host_read (self, conn, cancellable, error);
}

/* After a change an attached host made through libvirt: vmnetd reads
 * libvirt again (Host.Sync), so that its model, and every attached read
 * after this one, in this process or another, shows the change. */
static gboolean
service_catch_up (VmnetHost *self, GCancellable *cancellable)
{
  g_autoptr(GError) local = NULL;

  if (!vmnet_host_service_attached (self))
    return FALSE;
  if (vmnet_host_service_call (self, NULL, NULL, "Sync", NULL, cancellable, &local))
    {
      g_debug ("host '%s': vmnetd read the change", vmnet_host_label (self));
      return TRUE;
    }
  g_debug ("host '%s': vmnetd did not read the change (%s): its model shows it after its next pass",
           vmnet_host_label (self), local->message);
  return FALSE;
}

/* The part of an operation that does I/O: on a worker thread for the async
 * form, on the caller's for the sync one. Every operation changes the host:
 * it holds the host-wide lock from before its first read to after its last
 * (a read alone takes none). A change vmnetd serves goes to vmnetd, which
 * takes the lock itself; libvirt is not called. Another change of an
 * attached host is made through libvirt under the lock, then read from
 * vmnetd once vmnetd has read it too. */
static VmnetSnapshot *
run_produce (VmnetHost *self, const VmnetHostOp *op, gpointer data, VmnetLibvirtConn *conn,
             GCancellable *cancellable, GError **error)
{
  g_autoptr(VmnetHostLock) lock = NULL;

  if (op && self->read_only)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_ACCESS_DENIED,
                   "host '%s' is open read-only: changes are refused", vmnet_host_label (self));
      return NULL;
    }
  if (!op)
    return read_any (self, conn, cancellable, error);
  if (op->serve && vmnet_host_service_attached (self))
    {
      g_autoptr(GError) local = NULL;

      if (op->serve (self, data, cancellable, &local))
        return read_any (self, conn, cancellable, error);
      if (!vmnet_host_service_unserved (local))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      g_debug ("host '%s': vmnetd did not serve the change (%s): making it through libvirt",
               vmnet_host_label (self), local->message);
    }
  if (!(lock = vmnet_host_lock (self, cancellable, error)))
    return NULL;
  if (self->service && !vmnet_host_ensure_conn (self, error))
    return NULL;
  if (op->produce)
    {
      VmnetSnapshot *snap = op->produce (self, data, cancellable, error);

      /* vmnetd reads without the lock; it is not held while vmnetd is waited for.
       * A failed operation (a move rolled back) may have changed things too. */
      g_clear_pointer (&lock, vmnet_host_lock_release);
      service_catch_up (self, cancellable);
      return snap;
    }
  if (op->change && !op->change (self, data, cancellable, error))
    return NULL;
  if (vmnet_host_service_attached (self))
    {
      g_clear_pointer (&lock, vmnet_host_lock_release);
      if (service_catch_up (self, cancellable))
        return read_any (self, conn, cancellable, error);
    }
  /* What the change did is read where it was made. */
  return vmnet_host_read (self, self->service ? self->conn : conn, cancellable, error);
}

/* The part in the host's context: the snapshot applied, then what the call
 * returns (an object, or %NULL with @error; a boolean call gives @self). */
static gpointer
run_apply (VmnetHost *self, const VmnetHostOp *op, gpointer data, VmnetSnapshot *snap, GError **error)
{
  vmnet_host_apply_snapshot (self, snap);
  if (op && op->applied)
    op->applied (self, data);
  if (op && op->result)
    return op->result (self, data, error);
  return g_object_ref (self);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *run = task_data;
  GError *error = NULL;
  VmnetSnapshot *snap = run_produce (source_object, run->op, run->data, run->conn, cancellable, &error);

  if (snap)
    g_task_return_pointer (task, snap, (GDestroyNotify) vmnet_snapshot_free);
  else
    g_task_return_error (task, error);
}

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  VmnetHost *self = VMNET_HOST (source);
  RunData *run = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  g_autoptr(VmnetSnapshot) snap = g_task_propagate_pointer (G_TASK (result), &error);
  gpointer object;

  if (!snap)
    {
      g_task_return_error (outer, error);
      return;
    }
  object = run_apply (self, run->op, run->data, snap, &error);
  if (object)
    g_task_return_pointer (outer, object, g_object_unref);
  else
    g_task_return_error (outer, error);
}

/* Starts @op for the caller's task @outer: its I/O in a worker thread,
 * then the snapshot applied in the host's context before @outer returns
 * (a #GObject: what the call gives back, or the host for a boolean call).
 * @op %NULL reads the host. Takes @data. */
void
vmnet_host_start (VmnetHost         *self,
                  GTask             *outer,
                  const VmnetHostOp *op,
                  gpointer           data,
                  GDestroyNotify     data_free,
                  GCancellable      *cancellable)
{
  g_autoptr(GTask) inner = g_task_new (self, cancellable, run_done, g_object_ref (outer));
  RunData *run = g_new0 (RunData, 1);

  run->conn = self->conn;
  run->op = op;
  run->data = data;
  run->data_free = data_free;
  g_task_set_source_tag (inner, vmnet_host_start);
  if (op && op->own_cancel)
    g_task_set_check_cancellable (inner, FALSE);
  g_task_set_task_data (inner, run, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (inner, run_thread);
}

/* The sync form of an operation. Takes @data. Returns: (transfer full)
 * (nullable): what the call gives back (the host for a boolean call). */
gpointer
vmnet_host_run (VmnetHost         *self,
                const VmnetHostOp *op,
                gpointer           data,
                GDestroyNotify     data_free,
                GCancellable      *cancellable,
                GError           **error)
{
  g_autoptr(VmnetSnapshot) snap = run_produce (self, op, data, self->conn, cancellable, error);
  gpointer object = snap ? run_apply (self, op, data, snap, error) : NULL;

  if (data_free)
    data_free (data);
  return object;
}

/* The async form: a caller's task with @source_tag; prepared data, or the
 * error that preparing it gave. */
void
vmnet_host_run_async (VmnetHost           *self,
                      const VmnetHostOp   *op,
                      gpointer             data,
                      GDestroyNotify       data_free,
                      GError              *prepare_error,
                      gpointer             source_tag,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (op && op->own_cancel)
    g_task_set_check_cancellable (task, FALSE);
  if (prepare_error)
    {
      g_task_return_error (task, prepare_error);
      return;
    }
  vmnet_host_start (self, task, op, data, data_free, cancellable);
}

/* Returns: (transfer full) (nullable): what the call gives back (the host
 * for a boolean call). */
gpointer
vmnet_host_run_finish (VmnetHost     *self,
                       GAsyncResult  *result,
                       gpointer       source_tag,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
vmnet_host_run_finish_boolean (VmnetHost     *self,
                               GAsyncResult  *result,
                               gpointer       source_tag,
                               GError       **error)
{
  g_autoptr(GObject) object = vmnet_host_run_finish (self, result, source_tag, error);
  return object != NULL;
}
