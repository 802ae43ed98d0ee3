/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Move-VM: the pre-flight against the destination, the VM's VFs out, libvirt's
 * migration run as a job of the VM (vmnet-vm-job.c), and the adapters given
 * VFs on the destination, or back here when the migration fails. */
#include "config.h"

#include "vmnet-host-private.h"
#include "vmnet-host-compare-private.h"
#include "vmnet-vf-exec-private.h"

typedef struct {
  VmnetLibvirtConn *source;
  VmnetLibvirtConn *dest;
  const gchar      *uuid;
  const gchar      *migrate_uri;
  gboolean          live;
  gboolean          offline;
} Migration;

static gboolean
migrate_call (VmnetVmJob *job, GError **error)
{
  Migration *m = job->call_data;

  return vmnet_libvirt_conn_migrate_vm (m->source, m->dest, m->uuid, m->migrate_uri, m->live, m->offline, error);
}

/* The destination after the move: its adapters get VFs where VFs are free. */
static void
attach_on_destination (VmnetLibvirtConn *dest, const gchar *uuid, GCancellable *cancellable)
{
  g_autoptr(VmnetSnapshot) snap = vmnet_snapshot_read (NULL, 0, dest, NULL, cancellable, NULL);
  g_autoptr(GHashTable) memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) steps = NULL;
  VmnetVfPlanScope scope = { uuid, TRUE };
  gboolean local = !vmnet_libvirt_conn_is_remote (dest) && !vmnet_libvirt_conn_is_test (dest);
  VmnetVfTarget target = { dest, local ? "/" : NULL, local };

  if (!snap)
    return;
  steps = vmnet_vf_plan (snap->model, &scope, memory, 0, g_get_monotonic_time ());
  for (guint i = 0; i < steps->len; i++)
    {
      g_autoptr(GError) error = NULL;
      VmnetVfStep *step = g_ptr_array_index (steps, i);

      if (!vmnet_vf_step_execute (&target, step, &error))
        g_debug ("VM %s on '%s': %s", uuid, vmnet_libvirt_conn_get_uri (dest), error->message);
    }
}

static VmnetSnapshot *
move_produce (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  VmnetVmOpData *data = user_data;
  g_autoptr(VmnetSnapshot) there = NULL;
  g_autoptr(VmnetSnapshot) here = NULL;
  g_autoptr(GPtrArray) compat = NULL;
  const VmnetVmInfo *vm;
  Migration m = { 0 };
  VmnetVmJob job = { 0 };

  vmnet_progress_report (data->progress, VMNET_MOVE_PHASE_PREFLIGHT, 0, 0);
  there = vmnet_snapshot_read (data->destination_uri, vmnet_host_open_flags (self) & VMNET_LIBVIRT_OPEN_INTERACTIVE,
                               NULL, NULL, cancellable, error);
  if (!there)
    {
      g_prefix_error (error, "VM '%s' cannot move: ", data->name);
      return NULL;
    }
  here = vmnet_host_read_with_vm (self, data, &vm, cancellable, error);
  if (!here)
    return NULL;
  compat = vmnet_compare_models (vm, there->model, data->destination_uri, NULL);
  if (!vmnet_compare_report_check (compat, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  m.offline = vm->state != VMNET_VM_STATE_RUNNING && vm->state != VMNET_VM_STATE_PAUSED;
  if (!m.offline)
    {
      vmnet_progress_report (data->progress, VMNET_MOVE_PHASE_DETACH, 0, 0);
      if (!vmnet_host_release_vfs (self, data, vm, "VM moving", cancellable, error))
        return NULL;
    }

  vmnet_progress_report (data->progress, VMNET_MOVE_PHASE_MIGRATE, 0, 0);
  m.source = vmnet_host_get_libvirt_conn (self);
  m.dest = there->conn;
  m.uuid = data->uuid;
  m.migrate_uri = data->migrate_uri;
  m.live = (data->flags & VMNET_MOVE_FLAGS_LIVE) != 0;
  job.conn = m.source;
  job.uuid = data->uuid;
  job.call = migrate_call;
  job.call_data = &m;
  job.progress = data->progress;
  job.phase = VMNET_MOVE_PHASE_MIGRATE;
  if (!vmnet_vm_job_run (&job, cancellable, error))
    {
      if (job.aborted)
        {
          g_clear_error (error);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "the move was cancelled: libvirt aborted the migration");
        }
      g_prefix_error (error, "VM '%s': ", data->name);
      if (!m.offline)
        {
          g_autoptr(VmnetSnapshot) back = NULL;
          vmnet_progress_report (data->progress, VMNET_MOVE_PHASE_ROLLBACK, 0, 0);
          vmnet_host_resources_changed (self);
          back = vmnet_host_give_back_vfs (self, data, NULL, NULL);
        }
      return NULL;
    }

  if (!m.offline)
    {
      vmnet_progress_report (data->progress, VMNET_MOVE_PHASE_ATTACH, 0, 0);
      attach_on_destination (there->conn, data->uuid, NULL);
    }
  vmnet_host_resources_changed (self);
  vmnet_progress_report (data->progress, VMNET_MOVE_PHASE_DONE, 0, 0);
  return vmnet_host_read (self, vmnet_host_get_libvirt_conn (self), NULL, error);
}

/* A migration that ends before the abort takes effect has moved the VM:
 * the call says so even when @cancellable was cancelled. */
static const VmnetHostOp move_op = { .produce = move_produce, .applied = vmnet_vm_op_applied, .own_cancel = TRUE };

static VmnetVmOpData *
prepare_move (VmnetVm *vm, const gchar *destination_uri, const gchar *migrate_uri, VmnetMoveFlags flags,
              VmnetProgress *progress)
{
  VmnetVmOpData *data = vmnet_vm_op_data_new (vm);

  data->destination_uri = g_strdup (destination_uri);
  data->migrate_uri = g_strdup (migrate_uri);
  data->flags = flags;
  data->progress = progress;
  return data;
}

/**
 * vmnet_host_move_vm:
 * @self: a #VmnetHost
 * @vm: a VM of @self
 * @destination_uri: the libvirt URI of the destination host
 * @migrate_uri: (nullable): where QEMU sends the migration stream
 *   (libvirt's migrateuri, e.g. `tcp://host:49152` or `unix:///path`), or
 *   %NULL for libvirt's choice
 * @flags: #VmnetMoveFlags
 * @progress: (scope call) (nullable): told of each phase and of the
 *   migration's progress
 * @user_data: (closure progress): data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Moves a VM to another host, like `Move-VM`. First the pre-flight
 * (vmnet_host_compare_vm()): if the destination lacks a switch, nothing is
 * touched; its warnings (vmnet_host_compare_vm_report()) do not stop the
 * move. Then the VM's VFs are unplugged (the virtio path carries the
 * traffic), libvirt migrates it (managed direct migration: this process
 * talks to both daemons; the VM becomes persistent on the destination and
 * leaves the source), and on the destination its adapters get VFs where VFs
 * are free. If the migration fails, the VFs go back on the source.
 *
 * A VM that is not running moves as its definition only. Cancelling
 * @cancellable while libvirt migrates aborts libvirt's migration job: the
 * VM stays on this host, gets its VFs back, and the call fails with
 * %G_IO_ERROR_CANCELLED.
 *
 * Returns: %TRUE when the VM is on the destination
 *
 * Since: 0.1
 */
gboolean
vmnet_host_move_vm (VmnetHost             *self,
                    VmnetVm               *vm,
                    const gchar           *destination_uri,
                    const gchar           *migrate_uri,
                    VmnetMoveFlags         flags,
                    VmnetMoveProgressFunc  progress,
                    gpointer               user_data,
                    GCancellable          *cancellable,
                    GError               **error)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (destination_uri != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return vmnet_host_run_boolean (self, &move_op,
                                 prepare_move (vm, destination_uri, migrate_uri, flags,
                                               vmnet_progress_new (progress, NULL, user_data, NULL, FALSE)),
                                 (GDestroyNotify) vmnet_vm_op_data_free, cancellable, error);
}

/**
 * vmnet_host_move_vm_async:
 * @self: a #VmnetHost
 * @vm: a VM of @self
 * @destination_uri: the libvirt URI of the destination host
 * @migrate_uri: (nullable): where QEMU sends the migration stream, or %NULL
 *   for libvirt's choice
 * @flags: #VmnetMoveFlags
 * @progress: (scope notified) (nullable) (closure progress_data) (destroy progress_data_free):
 *   told of each phase and of the migration's progress, in the thread-default
 *   main context of this call
 * @progress_data: data for @progress
 * @progress_data_free: (nullable): frees @progress_data once no report is left
 * @cancellable: (nullable): a #GCancellable: cancelling it while libvirt
 *   migrates aborts the migration
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_move_vm().
 *
 * Since: 0.1
 */
void
vmnet_host_move_vm_async (VmnetHost             *self,
                          VmnetVm               *vm,
                          const gchar           *destination_uri,
                          const gchar           *migrate_uri,
                          VmnetMoveFlags         flags,
                          VmnetMoveProgressFunc  progress,
                          gpointer               progress_data,
                          GDestroyNotify         progress_data_free,
                          GCancellable          *cancellable,
                          GAsyncReadyCallback    callback,
                          gpointer               user_data)
{
  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (VMNET_IS_VM (vm));
  g_return_if_fail (destination_uri != NULL);

  vmnet_host_run_async (self, &move_op,
                        prepare_move (vm, destination_uri, migrate_uri, flags,
                                      vmnet_progress_new (progress, NULL, progress_data, progress_data_free, TRUE)),
                        (GDestroyNotify) vmnet_vm_op_data_free, NULL, vmnet_host_move_vm_async, cancellable, callback,
                        user_data);
}

/**
 * vmnet_host_move_vm_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_move_vm_async().
 *
 * Returns: %TRUE when the VM is on the destination
 *
 * Since: 0.1
 */
gboolean
vmnet_host_move_vm_finish (VmnetHost     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return vmnet_host_run_finish_boolean (self, result, vmnet_host_move_vm_async, error);
}
