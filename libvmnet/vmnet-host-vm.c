/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VM state changes that need hardware state saved (Save-VM, Checkpoint-VM,
 * Move-VM) and the ones that bring a VM back (restore, Start-VM): the VFs go
 * out first and come back afterwards, as Hyper-V does. Each runs its I/O as
 * one operation of the host (vmnet-host-read.c). */
#include "config.h"

#include "vmnet-host-private.h"
#include "vmnet-host-compare-private.h"
#include "vmnet-error.h"
#include "vmnet-object-private.h"
#include "vmnet-vf-exec-private.h"

/* Move or save progress, reported on the caller's context (or at once for
 * the sync form); shared by the reports still queued. */
typedef struct {
  VmnetMoveProgressFunc  move;      /* one of the two */
  VmnetSaveProgressFunc  save;
  gpointer               data;
  GDestroyNotify         destroy;
  GMainContext          *context;   /* NULL: report from the calling thread */
} Progress;

static void
progress_clear (Progress *p)
{
  if (p->destroy)
    p->destroy (p->data);
  g_clear_pointer (&p->context, g_main_context_unref);
}

static Progress *
progress_new (VmnetMoveProgressFunc move, VmnetSaveProgressFunc save, gpointer data, GDestroyNotify destroy,
              gboolean async)
{
  Progress *p = g_atomic_rc_box_new0 (Progress);

  p->move = move;
  p->save = save;
  p->data = data;
  p->destroy = destroy;
  p->context = async ? g_main_context_ref_thread_default () : NULL;
  return p;
}

static void
progress_unref (Progress *p)
{
  g_atomic_rc_box_release_full (p, (GDestroyNotify) progress_clear);
}

static gboolean
progress_released (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

/* The operation's reference, dropped on the caller's context: the caller's
 * data is freed where its reports run, not in a worker. */
static void
progress_release (Progress *p)
{
  g_autoptr(GSource) source = NULL;

  if (!p->context)
    {
      progress_unref (p);
      return;
    }
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, progress_released, p, (GDestroyNotify) progress_unref);
  g_source_set_static_name (source, "[vmnet] progress release");
  g_source_attach (source, p->context);
}

typedef struct {
  Progress *progress;
  gint      phase;      /* a VmnetMovePhase or a VmnetSavePhase */
  guint64   processed;
  guint64   total;
} Report;

static void
progress_call (Progress *p, gint phase, guint64 processed, guint64 total)
{
  if (p->move)
    p->move ((VmnetMovePhase) phase, processed, total, p->data);
  else
    p->save ((VmnetSavePhase) phase, processed, total, p->data);
}

static void
report_free (Report *r)
{
  progress_unref (r->progress);
  g_free (r);
}

static gboolean
report_dispatch (gpointer user_data)
{
  Report *r = user_data;

  progress_call (r->progress, r->phase, r->processed, r->total);
  return G_SOURCE_REMOVE;
}

/* Queued on the caller's context, never run in place: g_main_context_invoke()
 * would run it in the worker whenever that context is not owned at the time
 * (between iterations, before the caller's loop runs). */
static void
report (Progress *p, gint phase, guint64 processed, guint64 total)
{
  g_autoptr(GSource) source = NULL;
  Report *r;

  if (!p || (!p->move && !p->save))
    return;
  if (!p->context)
    {
      progress_call (p, phase, processed, total);
      return;
    }
  r = g_new0 (Report, 1);
  r->progress = g_atomic_rc_box_acquire (p);
  r->phase = phase;
  r->processed = processed;
  r->total = total;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, report_dispatch, r, (GDestroyNotify) report_free);
  g_source_set_static_name (source, "[vmnet] progress");
  g_source_attach (source, p->context);
}

typedef struct {
  gchar          *uuid;
  gchar          *name;
  gchar          *path;             /* save, restore */
  gchar          *checkpoint;       /* checkpoint: its name, */
  gchar          *memory_file;      /* and where its memory goes */
  gchar          *destination_uri;  /* move */
  gchar          *migrate_uri;
  VmnetMoveFlags  flags;
  Progress       *progress;
  GPtrArray      *steps;            /* (element-type VmnetVfStep): what was done to VFs here */
} VmOpData;

static void
vm_op_data_free (VmOpData *data)
{
  g_free (data->uuid);
  g_free (data->name);
  g_free (data->path);
  g_free (data->checkpoint);
  g_free (data->memory_file);
  g_free (data->destination_uri);
  g_free (data->migrate_uri);
  g_clear_pointer (&data->progress, progress_release);
  g_ptr_array_unref (data->steps);
  g_free (data);
}

static VmOpData *
vm_op_data_new (VmnetVm *vm)
{
  VmOpData *data = g_new0 (VmOpData, 1);

  data->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_vf_step_free);
  if (vm)
    {
      data->uuid = g_strdup (vmnet_vm_get_uuid (vm));
      data->name = g_strdup (vmnet_vm_get_name (vm));
    }
  return data;
}

static void
vm_op_applied (VmnetHost *self, gpointer user_data)
{
  vmnet_host_emit_actions (self, ((VmOpData *) user_data)->steps);
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
static VmnetSnapshot *
read_with_vm (VmnetHost *self, VmOpData *data, const VmnetVmInfo **vm, GCancellable *cancellable, GError **error)
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
static VmnetSnapshot *
give_back (VmnetHost *self, VmOpData *data, GCancellable *cancellable, GError **error)
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
static gboolean
release_vfs (VmnetHost *self, VmOpData *data, const VmnetVmInfo *vm, const gchar *reason,
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
              back = give_back (self, data, cancellable, NULL);
            }
          return FALSE;
        }
      released++;
      g_ptr_array_add (data->steps, g_steal_pointer (&steps->pdata[i]));
    }
  return TRUE;
}

/* A libvirt call that runs a job of the VM (a migration, a save): made in a
 * thread of its own while this one reports the job's progress in @phase a
 * few times a second (when the bytes changed). Cancelling aborts libvirt's
 * job at once, again every 20 ms until libvirt takes an abort (it refuses
 * one before the job has begun), then every 100 ms until it refuses one (the
 * job is over), in case one taken early did not stop it. */
typedef struct _Job Job;
typedef gboolean (*JobCall) (Job *job, GError **error);

struct _Job {
  VmnetLibvirtConn *conn;
  VmnetLibvirtConn *watch;              /* polled and aborted through, if not @conn */
  const gchar      *uuid;
  JobCall           call;
  gpointer          call_data;
  Progress         *progress;
  gint              phase;
  guint64           processed, total;   /* the last bytes reported */
  gboolean          aborted;            /* libvirt took the abort */
  GError           *error;
  GMutex            lock;
  GCond             cond;
  gboolean          done;
  gboolean          cancelled;
};

static gpointer
job_thread (gpointer user_data)
{
  Job *job = user_data;
  GError *error = NULL;

  job->call (job, &error);
  g_mutex_lock (&job->lock);
  job->error = error;
  job->done = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
  return NULL;
}

static void
job_cancelled (GCancellable *cancellable, gpointer user_data)
{
  Job *job = user_data;

  g_mutex_lock (&job->lock);
  job->cancelled = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
}

static void
job_report (Job *job, guint64 processed, guint64 total)
{
  if (processed == job->processed && total == job->total)
    return;
  job->processed = processed;
  job->total = total;
  report (job->progress, job->phase, processed, total);
}

/* Runs @job; %FALSE with the call's error when it failed (job->aborted: it
 * failed because libvirt took the abort). */
static gboolean
job_run (Job *job, GCancellable *cancellable, GError **error)
{
  GThread *thread;
  guint aborts = 0;
  gboolean over = FALSE;
  gulong handler = 0;

  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  if (cancellable)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (job_cancelled), job, NULL);
  thread = g_thread_new ("vmnet-job", job_thread, job);
  g_mutex_lock (&job->lock);
  while (!job->done)
    {
      guint64 processed, total;
      gboolean cancelled;

      if (over)
        {
          g_cond_wait (&job->cond, &job->lock);
          continue;
        }
      if (!job->cancelled || aborts)
        g_cond_wait_until (&job->cond, &job->lock,
                           g_get_monotonic_time () +
                           (!job->cancelled ? 200 : job->aborted ? 100 : 20) * G_TIME_SPAN_MILLISECOND);
      if (job->done)
        break;
      cancelled = job->cancelled;
      g_mutex_unlock (&job->lock);
      if (cancelled)
        {
          aborts++;
          if (vmnet_libvirt_conn_abort_job (job->watch ? job->watch : job->conn, job->uuid))
            job->aborted = TRUE;
          else if (job->aborted)
            over = TRUE;    /* libvirt's job has ended: the call returns */
        }
      else if (vmnet_libvirt_conn_job_progress (job->watch ? job->watch : job->conn, job->uuid, &processed, &total))
        job_report (job, processed, total);
      g_mutex_lock (&job->lock);
    }
  g_mutex_unlock (&job->lock);
  g_cancellable_disconnect (cancellable, handler);
  g_thread_join (thread);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);

  if (!job->error)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&job->error));
  return FALSE;
}

/* A connection of its own to poll and abort a save through: on the one the
 * save runs on, libvirt may answer them only once the save is over. Opened
 * without prompting for credentials again; %NULL (the save's connection is
 * used) when it cannot be opened, and for the test driver, whose VMs live
 * in their own connection. */
static VmnetLibvirtConn *
open_watch (VmnetHost *self, VmnetLibvirtConn *conn)
{
  g_autoptr(GError) error = NULL;
  VmnetLibvirtConn *watch;

  if (vmnet_libvirt_conn_is_test (conn))
    return NULL;
  watch = vmnet_libvirt_conn_open (vmnet_libvirt_conn_get_uri (conn),
                                   vmnet_host_open_flags (self) & ~VMNET_LIBVIRT_OPEN_INTERACTIVE, &error);
  if (!watch)
    g_debug ("host '%s': the save is watched on its own connection: %s", vmnet_libvirt_conn_get_uri (conn),
             error->message);
  return watch;
}

static gboolean
save_call (Job *job, GError **error)
{
  VmOpData *data = job->call_data;

  return vmnet_libvirt_conn_save_vm (job->conn, data->uuid, data->path, error);
}

/* The VFs out, libvirt's save (its bytes reported while it runs, and its
 * final count), and the VFs back if it failed or was cancelled. */
static VmnetSnapshot *
save_produce (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  VmOpData *data = user_data;
  const VmnetVmInfo *vm;
  g_autoptr(VmnetSnapshot) snap = read_with_vm (self, data, &vm, cancellable, error);
  Job job = { 0 };
  guint64 processed, total;
  gboolean ok;

  if (!snap)
    return NULL;
  report (data->progress, VMNET_SAVE_PHASE_DETACH, 0, 0);
  if (!release_vfs (self, data, vm, "VM saving", cancellable, error))
    return NULL;
  job.conn = vmnet_host_get_libvirt_conn (self);
  job.uuid = data->uuid;
  job.call = save_call;
  job.call_data = data;
  job.progress = data->progress;
  job.phase = VMNET_SAVE_PHASE_SAVE;
  job.watch = open_watch (self, job.conn);
  ok = !g_cancellable_set_error_if_cancelled (cancellable, error);
  if (ok)
    {
      report (data->progress, VMNET_SAVE_PHASE_SAVE, 0, 0);
      ok = job_run (&job, cancellable, error);
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
      report (data->progress, VMNET_SAVE_PHASE_ROLLBACK, 0, 0);
      vmnet_host_resources_changed (self);
      back = give_back (self, data, NULL, NULL);
      return NULL;
    }
  if (vmnet_libvirt_conn_saved_bytes (job.conn, data->uuid, &processed, &total))
    job_report (&job, processed, total);
  vmnet_host_resources_changed (self);
  report (data->progress, VMNET_SAVE_PHASE_DONE, 0, 0);
  return vmnet_host_read (self, vmnet_host_get_libvirt_conn (self), NULL, error);
}

/* A save that ends before the abort takes effect has saved the VM: the
 * call says so even when @cancellable was cancelled. */
static const VmnetHostOp save_op = { .produce = save_produce, .applied = vm_op_applied, .own_cancel = TRUE };

static VmOpData *
prepare_save (VmnetVm *vm, const gchar *path, Progress *progress)
{
  VmOpData *data = vm_op_data_new (vm);

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

  return vmnet_host_run_boolean (self, &save_op, prepare_save (vm, path, NULL), (GDestroyNotify) vm_op_data_free,
                                 cancellable, error);
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

  vmnet_host_run_async (self, &save_op, prepare_save (vm, path, NULL), (GDestroyNotify) vm_op_data_free, NULL,
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
                                 prepare_save (vm, path, progress_new (NULL, progress, user_data, NULL, FALSE)),
                                 (GDestroyNotify) vm_op_data_free, cancellable, error);
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
                        prepare_save (vm, path, progress_new (NULL, progress, progress_data, progress_data_free, TRUE)),
                        (GDestroyNotify) vm_op_data_free, NULL, vmnet_host_save_vm_full_async, cancellable, callback,
                        user_data);
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
  VmOpData *data = user_data;

  data->uuid = vmnet_libvirt_conn_restore_vm (vmnet_host_get_libvirt_conn (self), data->path, error);
  if (!data->uuid)
    return NULL;
  return give_back (self, data, cancellable, error);
}

static gpointer
vm_result (VmnetHost *self, gpointer user_data, GError **error)
{
  return vmnet_host_find_vm (self, ((VmOpData *) user_data)->uuid, error);
}

static const VmnetHostOp restore_op = { .produce = restore_produce, .applied = vm_op_applied, .result = vm_result };

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

  return vmnet_host_run (self, &restore_op, prepare_save (NULL, path, NULL), (GDestroyNotify) vm_op_data_free,
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

  vmnet_host_run_async (self, &restore_op, prepare_save (NULL, path, NULL), (GDestroyNotify) vm_op_data_free, NULL,
                        vmnet_host_restore_vm_async, cancellable, callback, user_data);
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
  VmOpData *data = user_data;

  if (!vmnet_libvirt_conn_start_vm (vmnet_host_get_libvirt_conn (self), data->uuid, error))
    {
      g_prefix_error (error, "VM '%s': ", data->name);
      return NULL;
    }
  return give_back (self, data, cancellable, error);
}

static const VmnetHostOp start_op = { .produce = start_produce, .applied = vm_op_applied };

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

  return vmnet_host_run_boolean (self, &start_op, vm_op_data_new (vm), (GDestroyNotify) vm_op_data_free,
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

  vmnet_host_run_async (self, &start_op, vm_op_data_new (vm), (GDestroyNotify) vm_op_data_free, NULL,
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

typedef struct {
  VmnetLibvirtConn *source;
  VmnetLibvirtConn *dest;
  const gchar      *uuid;
  const gchar      *migrate_uri;
  gboolean          live;
  gboolean          offline;
} Migration;

static gboolean
migrate_call (Job *job, GError **error)
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
  VmOpData *data = user_data;
  g_autoptr(VmnetSnapshot) there = NULL;
  g_autoptr(VmnetSnapshot) here = NULL;
  g_autoptr(GPtrArray) compat = NULL;
  const VmnetVmInfo *vm;
  Migration m = { 0 };
  Job job = { 0 };

  report (data->progress, VMNET_MOVE_PHASE_PREFLIGHT, 0, 0);
  there = vmnet_snapshot_read (data->destination_uri, vmnet_host_open_flags (self) & VMNET_LIBVIRT_OPEN_INTERACTIVE,
                               NULL, NULL, cancellable, error);
  if (!there)
    {
      g_prefix_error (error, "VM '%s' cannot move: ", data->name);
      return NULL;
    }
  here = read_with_vm (self, data, &vm, cancellable, error);
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
      report (data->progress, VMNET_MOVE_PHASE_DETACH, 0, 0);
      if (!release_vfs (self, data, vm, "VM moving", cancellable, error))
        return NULL;
    }

  report (data->progress, VMNET_MOVE_PHASE_MIGRATE, 0, 0);
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
  if (!job_run (&job, cancellable, error))
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
          report (data->progress, VMNET_MOVE_PHASE_ROLLBACK, 0, 0);
          vmnet_host_resources_changed (self);
          back = give_back (self, data, NULL, NULL);
        }
      return NULL;
    }

  if (!m.offline)
    {
      report (data->progress, VMNET_MOVE_PHASE_ATTACH, 0, 0);
      attach_on_destination (there->conn, data->uuid, NULL);
    }
  vmnet_host_resources_changed (self);
  report (data->progress, VMNET_MOVE_PHASE_DONE, 0, 0);
  return vmnet_host_read (self, vmnet_host_get_libvirt_conn (self), NULL, error);
}

/* A migration that ends before the abort takes effect has moved the VM:
 * the call says so even when @cancellable was cancelled. */
static const VmnetHostOp move_op = { .produce = move_produce, .applied = vm_op_applied, .own_cancel = TRUE };

static VmOpData *
prepare_move (VmnetVm *vm, const gchar *destination_uri, const gchar *migrate_uri, VmnetMoveFlags flags,
              Progress *progress)
{
  VmOpData *data = vm_op_data_new (vm);

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
                                               progress_new (progress, NULL, user_data, NULL, FALSE)),
                                 (GDestroyNotify) vm_op_data_free, cancellable, error);
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
                                      progress_new (progress, NULL, progress_data, progress_data_free, TRUE)),
                        (GDestroyNotify) vm_op_data_free, NULL, vmnet_host_move_vm_async, cancellable, callback,
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

static VmnetSnapshot *
checkpoint_produce (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  VmOpData *data = user_data;
  const VmnetVmInfo *vm;
  g_autoptr(VmnetSnapshot) snap = read_with_vm (self, data, &vm, cancellable, error);
  g_autoptr(GError) checkpoint_error = NULL;
  VmnetSnapshot *back;

  if (!snap || !release_vfs (self, data, vm, "VM checkpoint", cancellable, error))
    return NULL;
  if (!vmnet_libvirt_conn_checkpoint_vm (vmnet_host_get_libvirt_conn (self), data->uuid, data->checkpoint,
                                         data->memory_file, &checkpoint_error))
    g_prefix_error (&checkpoint_error, "VM '%s': ", data->name);
  vmnet_host_resources_changed (self);
  back = give_back (self, data, cancellable, checkpoint_error ? NULL : error);
  if (checkpoint_error)
    {
      g_clear_pointer (&back, vmnet_snapshot_free);
      g_propagate_error (error, g_steal_pointer (&checkpoint_error));
    }
  return back;
}

static const VmnetHostOp checkpoint_op = { .produce = checkpoint_produce, .applied = vm_op_applied };

static VmOpData *
prepare_checkpoint (VmnetVm *vm, const gchar *name, const gchar *memory_file, GError **error)
{
  VmOpData *data;

  if (!*name)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "VM '%s': a checkpoint needs a name", vmnet_vm_get_name (vm));
      return NULL;
    }
  data = vm_op_data_new (vm);
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
  VmOpData *data;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = prepare_checkpoint (vm, name, memory_file, error);
  if (!data)
    return FALSE;
  return vmnet_host_run_boolean (self, &checkpoint_op, data, (GDestroyNotify) vm_op_data_free, cancellable, error);
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
  VmOpData *data;

  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (VMNET_IS_VM (vm));
  g_return_if_fail (name != NULL);

  data = prepare_checkpoint (vm, name, memory_file, &error);
  vmnet_host_run_async (self, &checkpoint_op, data, (GDestroyNotify) vm_op_data_free, error,
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
