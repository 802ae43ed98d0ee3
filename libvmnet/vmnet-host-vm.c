/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VM state changes that need hardware state saved (Save-VM, Checkpoint-VM)
 * and the ones that bring a VM back (restore, Start-VM): the VFs go out
 * first and come back afterwards, as Hyper-V does. Each runs its I/O as one
 * operation of the host (vmnet-host-read.c). The helpers here (the VM read
 * again, its VFs out and back) serve the move too (vmnet-host-move.c). */
#include "config.h"

#include "vmnet-host-private.h"
#include "vmnet-error.h"

void
vmnet_vm_op_data_free (VmnetVmOpData *data)
{
  g_free (data->uuid);
  g_free (data->name);
  g_free (data->path);
  g_free (data->checkpoint);
  g_free (data->memory_file);
  g_free (data->destination_uri);
  g_free (data->migrate_uri);
  g_clear_pointer (&data->progress, vmnet_progress_release);
  g_ptr_array_unref (data->steps);
  g_free (data);
}

VmnetVmOpData *
vmnet_vm_op_data_new (VmnetVm *vm)
{
  VmnetVmOpData *data = g_new0 (VmnetVmOpData, 1);

  data->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_vf_step_free);
  if (vm)
    {
      data->uuid = g_strdup (vmnet_vm_get_uuid (vm));
      data->name = g_strdup (vmnet_vm_get_name (vm));
    }
  return data;
}

void
vmnet_vm_op_applied (VmnetHost *self, gpointer user_data)
{
  vmnet_host_emit_actions (self, ((VmnetVmOpData *) user_data)->steps);
}

static const VmnetVmInfo *
model_vm (const VmnetModel *model, const gchar *uuid)
{
  for (guint i = 0; i < model->vms->len; i++)
    {
      const VmnetVmInfo *vm = g_ptr_array_index (model->vms, i);
      if (g_strcmp0 (vm->uuid, uuid) == 0)
        return vm;
    }
  return NULL;
}

/* The host read again, and the VM as it is now. */
VmnetSnapshot *
vmnet_host_read_with_vm (VmnetHost *self, VmnetVmOpData *data, const VmnetVmInfo **vm, GCancellable *cancellable,
                         GError **error)
{
  g_autoptr(VmnetSnapshot) snap = vmnet_host_read (self, vmnet_host_get_libvirt_conn (self), cancellable, error);

  if (!snap)
    return NULL;
  *vm = model_vm (snap->model, data->uuid);
  if (!*vm)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "VM '%s' is gone", data->name);
      return NULL;
    }
  return g_steal_pointer (&snap);
}

/* After a VM came back (or stayed): a reconcile pass for it, so its
 * adapters get VFs if any are free. */
VmnetSnapshot *
vmnet_host_give_back_vfs (VmnetHost *self, VmnetVmOpData *data, GCancellable *cancellable, GError **error)
{
  VmnetHostPass pass = { data->uuid, NULL };
  VmnetSnapshot *snap = vmnet_host_reconcile_pass (self, &pass, cancellable, error);

  if (pass.steps)
    {
      for (guint i = 0; i < pass.steps->len; i++)
        g_ptr_array_add (data->steps, g_steal_pointer (&pass.steps->pdata[i]));
      g_ptr_array_unref (pass.steps);
    }
  return snap;
}

/* Unplugs every VF of @vm through the VF executor and waits for the guest
 * to let go of each; if one stays, the others come back: a VM holding a VF
 * cannot be saved or moved. */
gboolean
vmnet_host_release_vfs (VmnetHost *self, VmnetVmOpData *data, const VmnetVmInfo *vm, const gchar *reason,
                        GCancellable *cancellable, GError **error)
{
  g_autoptr(GPtrArray) steps = vmnet_vf_plan_release (vm, reason);
  VmnetLibvirtConn *conn = vmnet_host_get_libvirt_conn (self);
  guint released = 0;

  for (guint i = 0; i < steps->len; i++)
    {
      VmnetVfStep *step = g_ptr_array_index (steps, i);

      if (!vmnet_host_execute_step (self, step, 0, error) ||
          !vmnet_libvirt_conn_wait_device_gone (conn, step->vm_uuid, step->vf_alias, 0, error))
        {
          g_prefix_error (error, "VM '%s' adapter '%s': ", step->vm_name, step->adapter_name);
          if (released)
            {
              g_autoptr(VmnetSnapshot) back = NULL;
              vmnet_host_resources_changed (self);
              back = vmnet_host_give_back_vfs (self, data, cancellable, NULL);
            }
          return FALSE;
        }
      released++;
      g_ptr_array_add (data->steps, g_steal_pointer (&steps->pdata[i]));
    }
  return TRUE;
}

static gboolean
save_call (VmnetVmJob *job, GError **error)
{
  VmnetVmOpData *data = job->call_data;

  return vmnet_libvirt_conn_save_vm (job->conn, data->uuid, data->path, error);
}

/* The VFs out, libvirt's save (its bytes reported while it runs, and its
 * final count), and the VFs back if it failed or was cancelled. */
static VmnetSnapshot *
save_produce (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  VmnetVmOpData *data = user_data;
  const VmnetVmInfo *vm;
  g_autoptr(VmnetSnapshot) snap = vmnet_host_read_with_vm (self, data, &vm, cancellable, error);
  VmnetVmJob job = { 0 };
  guint64 processed, total;
  gboolean ok;

  if (!snap)
    return NULL;
  vmnet_progress_report (data->progress, VMNET_SAVE_PHASE_DETACH, 0, 0);
  if (!vmnet_host_release_vfs (self, data, vm, "VM saving", cancellable, error))
    return NULL;
  job.conn = vmnet_host_get_libvirt_conn (self);
  job.uuid = data->uuid;
  job.call = save_call;
  job.call_data = data;
  job.progress = data->progress;
  job.phase = VMNET_SAVE_PHASE_SAVE;
  job.watch = vmnet_vm_job_open_watch (self, job.conn);
  ok = !g_cancellable_set_error_if_cancelled (cancellable, error);
  if (ok)
    {
      vmnet_progress_report (data->progress, VMNET_SAVE_PHASE_SAVE, 0, 0);
      ok = vmnet_vm_job_run (&job, cancellable, error);
    }
  g_clear_pointer (&job.watch, vmnet_libvirt_conn_free);
  if (!ok)
    {
      g_autoptr(VmnetSnapshot) back = NULL;

      if (job.aborted)
        {
          g_clear_error (error);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "the save was cancelled: libvirt aborted the save");
        }
      g_prefix_error (error, "VM '%s': ", data->name);
      vmnet_progress_report (data->progress, VMNET_SAVE_PHASE_ROLLBACK, 0, 0);
      vmnet_host_resources_changed (self);
      back = vmnet_host_give_back_vfs (self, data, NULL, NULL);
      return NULL;
    }
  if (vmnet_libvirt_conn_saved_bytes (job.conn, data->uuid, &processed, &total))
    vmnet_vm_job_report (&job, processed, total);
  vmnet_host_resources_changed (self);
  vmnet_progress_report (data->progress, VMNET_SAVE_PHASE_DONE, 0, 0);
  return vmnet_host_read (self, vmnet_host_get_libvirt_conn (self), NULL, error);
}

/* A save that ends before the abort takes effect has saved the VM: the
 * call says so even when @cancellable was cancelled. */
static const VmnetHostOp save_op = { .produce = save_produce, .applied = vmnet_vm_op_applied, .own_cancel = TRUE };

static VmnetVmOpData *
prepare_save (VmnetVm *vm, const gchar *path, VmnetProgress *progress)
{
  VmnetVmOpData *data = vmnet_vm_op_data_new (vm);

  data->path = g_strdup (path);
  data->progress = progress;
  return data;
}

/**
 * vmnet_host_save_vm:
 * @self: a #VmnetHost
 * @vm: a running VM of @self
 * @path: (nullable) (type filename): the file to save to, or %NULL for
 *   libvirt's managed save (restored by vmnet_host_start_vm())
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Saves a VM's memory and stops it, like `Save-VM`. Its VFs are unplugged
 * first (the guest carries on over virtio): a VM holding a VF cannot be
 * saved. If saving fails, the VFs come back.
 *
 * Cancelling @cancellable while libvirt saves aborts libvirt's save job: the
 * VM keeps running, gets its VFs back, and the call fails with
 * %G_IO_ERROR_CANCELLED. A save that ends before the abort takes effect has
 * saved the VM, and the call says so. vmnet_host_save_vm_full() also reports
 * the save's progress.
 *
 * Returns: %TRUE when the VM is saved
 *
 * Since: 0.1
 */
gboolean
vmnet_host_save_vm (VmnetHost     *self,
                    VmnetVm       *vm,
                    const gchar   *path,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return vmnet_host_run_boolean (self, &save_op, prepare_save (vm, path, NULL),
                                 (GDestroyNotify) vmnet_vm_op_data_free, cancellable, error);
}

/**
 * vmnet_host_save_vm_async:
 * @self: a #VmnetHost
 * @vm: a running VM of @self
 * @path: (nullable) (type filename): the file to save to, or %NULL for
 *   libvirt's managed save
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_save_vm().
 *
 * Since: 0.1
 */
void
vmnet_host_save_vm_async (VmnetHost           *self,
                          VmnetVm             *vm,
                          const gchar         *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (VMNET_IS_VM (vm));

  vmnet_host_run_async (self, &save_op, prepare_save (vm, path, NULL), (GDestroyNotify) vmnet_vm_op_data_free, NULL,
                        vmnet_host_save_vm_async, cancellable, callback, user_data);
}

/**
 * vmnet_host_save_vm_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_save_vm_async().
 *
 * Returns: %TRUE when the VM is saved
 *
 * Since: 0.1
 */
gboolean
vmnet_host_save_vm_finish (VmnetHost     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return vmnet_host_run_finish_boolean (self, result, vmnet_host_save_vm_async, error);
}

/**
 * vmnet_host_save_vm_full:
 * @self: a #VmnetHost
 * @vm: a running VM of @self
 * @path: (nullable) (type filename): the file to save to, or %NULL for
 *   libvirt's managed save (restored by vmnet_host_start_vm())
 * @progress: (scope call) (nullable): told of each phase and of the save's
 *   progress
 * @user_data: (closure progress): data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * vmnet_host_save_vm() with its progress: %VMNET_SAVE_PHASE_DETACH while the
 * VM's VFs are unplugged, %VMNET_SAVE_PHASE_SAVE while libvirt saves (the
 * bytes of memory saved and libvirt's estimate of all, a few times a second
 * as libvirt counts them, and libvirt's final count once the save is
 * written), %VMNET_SAVE_PHASE_ROLLBACK when the save failed or was
 * cancelled and the VFs come back, %VMNET_SAVE_PHASE_DONE last when the VM
 * is saved.
 *
 * Returns: %TRUE when the VM is saved
 *
 * Since: 0.1
 */
gboolean
vmnet_host_save_vm_full (VmnetHost              *self,
                         VmnetVm                *vm,
                         const gchar            *path,
                         VmnetSaveProgressFunc   progress,
                         gpointer                user_data,
                         GCancellable           *cancellable,
                         GError                **error)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return vmnet_host_run_boolean (self, &save_op,
                                 prepare_save (vm, path, vmnet_progress_new (NULL, progress, user_data, NULL, FALSE)),
                                 (GDestroyNotify) vmnet_vm_op_data_free, cancellable, error);
}

/**
 * vmnet_host_save_vm_full_async:
 * @self: a #VmnetHost
 * @vm: a running VM of @self
 * @path: (nullable) (type filename): the file to save to, or %NULL for
 *   libvirt's managed save
 * @progress: (scope notified) (nullable) (closure progress_data) (destroy progress_data_free):
 *   told of each phase and of the save's progress, in the thread-default
 *   main context of this call
 * @progress_data: data for @progress
 * @progress_data_free: (nullable): frees @progress_data once no report is left
 * @cancellable: (nullable): a #GCancellable: cancelling it while libvirt
 *   saves aborts the save
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_save_vm_full(). Every report comes
 * before @callback.
 *
 * Since: 0.1
 */
void
vmnet_host_save_vm_full_async (VmnetHost              *self,
                               VmnetVm                *vm,
                               const gchar            *path,
                               VmnetSaveProgressFunc   progress,
                               gpointer                progress_data,
                               GDestroyNotify          progress_data_free,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (VMNET_IS_VM (vm));

  vmnet_host_run_async (self, &save_op,
                        prepare_save (vm, path,
                                      vmnet_progress_new (NULL, progress, progress_data, progress_data_free, TRUE)),
                        (GDestroyNotify) vmnet_vm_op_data_free, NULL, vmnet_host_save_vm_full_async, cancellable,
                        callback, user_data);
}

/**
 * vmnet_host_save_vm_full_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_save_vm_full_async().
 *
 * Returns: %TRUE when the VM is saved
 *
 * Since: 0.1
 */
gboolean
vmnet_host_save_vm_full_finish (VmnetHost     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return vmnet_host_run_finish_boolean (self, result, vmnet_host_save_vm_full_async, error);
}

static VmnetSnapshot *
restore_produce (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  VmnetVmOpData *data = user_data;

  data->uuid = vmnet_libvirt_conn_restore_vm (vmnet_host_get_libvirt_conn (self), data->path, error);
  if (!data->uuid)
    return NULL;
  return vmnet_host_give_back_vfs (self, data, cancellable, error);
}

static gpointer
vm_result (VmnetHost *self, gpointer user_data, GError **error)
{
  return vmnet_host_find_vm (self, ((VmnetVmOpData *) user_data)->uuid, error);
}

static const VmnetHostOp restore_op = { .produce = restore_produce, .applied = vmnet_vm_op_applied,
                                        .result = vm_result };

/**
 * vmnet_host_restore_vm:
 * @self: a #VmnetHost
 * @path: (type filename): a file written by vmnet_host_save_vm()
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Restores a saved VM; then its adapters get VFs again where VFs are free
 * (vmnet_host_reconcile() for this VM).
 *
 * Returns: (transfer full): the restored VM, or %NULL with @error set
 *
 * Since: 0.1
 */
VmnetVm *
vmnet_host_restore_vm (VmnetHost     *self,
                       const gchar   *path,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return vmnet_host_run (self, &restore_op, prepare_save (NULL, path, NULL), (GDestroyNotify) vmnet_vm_op_data_free,
                         cancellable, error);
}

/**
 * vmnet_host_restore_vm_async:
 * @self: a #VmnetHost
 * @path: (type filename): a file written by vmnet_host_save_vm()
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_restore_vm().
 *
 * Since: 0.1
 */
void
vmnet_host_restore_vm_async (VmnetHost           *self,
                             const gchar         *path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (path != NULL);

  vmnet_host_run_async (self, &restore_op, prepare_save (NULL, path, NULL), (GDestroyNotify) vmnet_vm_op_data_free,
                        NULL, vmnet_host_restore_vm_async, cancellable, callback, user_data);
}

/**
 * vmnet_host_restore_vm_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_restore_vm_async().
 *
 * Returns: (transfer full): the restored VM, or %NULL with @error set
 *
 * Since: 0.1
 */
VmnetVm *
vmnet_host_restore_vm_finish (VmnetHost     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return vmnet_host_run_finish (self, result, vmnet_host_restore_vm_async, error);
}

static VmnetSnapshot *
start_produce (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  VmnetVmOpData *data = user_data;

  if (!vmnet_libvirt_conn_start_vm (vmnet_host_get_libvirt_conn (self), data->uuid, error))
    {
      g_prefix_error (error, "VM '%s': ", data->name);
      return NULL;
    }
  return vmnet_host_give_back_vfs (self, data, cancellable, error);
}

static const VmnetHostOp start_op = { .produce = start_produce, .applied = vmnet_vm_op_applied };

/**
 * vmnet_host_start_vm:
 * @self: a #VmnetHost
 * @vm: a VM of @self that is not running
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Starts a VM (from its managed save, if it has one, like `Start-VM`); then
 * its adapters get VFs where VFs are free.
 *
 * Returns: %TRUE when the VM runs
 *
 * Since: 0.1
 */
gboolean
vmnet_host_start_vm (VmnetHost     *self,
                     VmnetVm       *vm,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return vmnet_host_run_boolean (self, &start_op, vmnet_vm_op_data_new (vm), (GDestroyNotify) vmnet_vm_op_data_free,
                                 cancellable, error);
}

/**
 * vmnet_host_start_vm_async:
 * @self: a #VmnetHost
 * @vm: a VM of @self that is not running
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_start_vm().
 *
 * Since: 0.1
 */
void
vmnet_host_start_vm_async (VmnetHost           *self,
                           VmnetVm             *vm,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (VMNET_IS_VM (vm));

  vmnet_host_run_async (self, &start_op, vmnet_vm_op_data_new (vm), (GDestroyNotify) vmnet_vm_op_data_free, NULL,
                        vmnet_host_start_vm_async, cancellable, callback, user_data);
}

/**
 * vmnet_host_start_vm_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_start_vm_async().
 *
 * Returns: %TRUE when the VM runs
 *
 * Since: 0.1
 */
gboolean
vmnet_host_start_vm_finish (VmnetHost     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return vmnet_host_run_finish_boolean (self, result, vmnet_host_start_vm_async, error);
}

static VmnetSnapshot *
checkpoint_produce (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  VmnetVmOpData *data = user_data;
  const VmnetVmInfo *vm;
  g_autoptr(VmnetSnapshot) snap = vmnet_host_read_with_vm (self, data, &vm, cancellable, error);
  g_autoptr(GError) checkpoint_error = NULL;
  VmnetSnapshot *back;

  if (!snap || !vmnet_host_release_vfs (self, data, vm, "VM checkpoint", cancellable, error))
    return NULL;
  if (!vmnet_libvirt_conn_checkpoint_vm (vmnet_host_get_libvirt_conn (self), data->uuid, data->checkpoint,
                                         data->memory_file, &checkpoint_error))
    g_prefix_error (&checkpoint_error, "VM '%s': ", data->name);
  vmnet_host_resources_changed (self);
  back = vmnet_host_give_back_vfs (self, data, cancellable, checkpoint_error ? NULL : error);
  if (checkpoint_error)
    {
      g_clear_pointer (&back, vmnet_snapshot_free);
      g_propagate_error (error, g_steal_pointer (&checkpoint_error));
    }
  return back;
}

static const VmnetHostOp checkpoint_op = { .produce = checkpoint_produce, .applied = vmnet_vm_op_applied };

static VmnetVmOpData *
prepare_checkpoint (VmnetVm *vm, const gchar *name, const gchar *memory_file, GError **error)
{
  VmnetVmOpData *data;

  if (!*name)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "VM '%s': a checkpoint needs a name", vmnet_vm_get_name (vm));
      return NULL;
    }
  data = vmnet_vm_op_data_new (vm);
  data->checkpoint = g_strdup (name);
  data->memory_file = g_strdup (memory_file);
  return data;
}

/**
 * vmnet_host_checkpoint_vm:
 * @self: a #VmnetHost
 * @vm: a running VM of @self
 * @name: the checkpoint's name
 * @memory_file: (nullable) (type filename): where to write the VM's memory
 *   (an external memory snapshot), or %NULL for libvirt's internal snapshot
 *   (which needs qcow2 disks)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Takes a checkpoint with the VM's memory, like `Checkpoint-VM`. Its VFs are
 * unplugged first (their state cannot be saved) and given back afterwards,
 * whether the checkpoint worked or not; the VM keeps running.
 *
 * Returns: %TRUE when the checkpoint was taken
 *
 * Since: 0.1
 */
gboolean
vmnet_host_checkpoint_vm (VmnetHost     *self,
                          VmnetVm       *vm,
                          const gchar   *name,
                          const gchar   *memory_file,
                          GCancellable  *cancellable,
                          GError       **error)
{
  VmnetVmOpData *data;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = prepare_checkpoint (vm, name, memory_file, error);
  if (!data)
    return FALSE;
  return vmnet_host_run_boolean (self, &checkpoint_op, data, (GDestroyNotify) vmnet_vm_op_data_free, cancellable,
                                 error);
}

/**
 * vmnet_host_checkpoint_vm_async:
 * @self: a #VmnetHost
 * @vm: a running VM of @self
 * @name: the checkpoint's name
 * @memory_file: (nullable) (type filename): where to write the VM's memory,
 *   or %NULL for libvirt's internal snapshot
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_checkpoint_vm().
 *
 * Since: 0.1
 */
void
vmnet_host_checkpoint_vm_async (VmnetHost           *self,
                                VmnetVm             *vm,
                                const gchar         *name,
                                const gchar         *memory_file,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GError *error = NULL;
  VmnetVmOpData *data;

  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (VMNET_IS_VM (vm));
  g_return_if_fail (name != NULL);

  data = prepare_checkpoint (vm, name, memory_file, &error);
  vmnet_host_run_async (self, &checkpoint_op, data, (GDestroyNotify) vmnet_vm_op_data_free, error,
                        vmnet_host_checkpoint_vm_async, cancellable, callback, user_data);
}

/**
 * vmnet_host_checkpoint_vm_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_checkpoint_vm_async().
 *
 * Returns: %TRUE when the checkpoint was taken
 *
 * Since: 0.1
 */
gboolean
vmnet_host_checkpoint_vm_finish (VmnetHost     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return vmnet_host_run_finish_boolean (self, result, vmnet_host_checkpoint_vm_async, error);
}
