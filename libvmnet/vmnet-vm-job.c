/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Progress of a save or a move, reported on the caller's context, and the
 * runner of a VM's libvirt job (a save, a migration): the job's bytes polled
 * while it runs, libvirt's job aborted when the call is cancelled. */
#include "config.h"

#include "vmnet-vm-job-private.h"
#include "vmnet-host-private.h"

/* Move or save progress, reported on the caller's context (or at once for
 * the sync form); shared by the reports still queued. */
struct _VmnetProgress {
  VmnetMoveProgressFunc  move;      /* one of the two */
  VmnetSaveProgressFunc  save;
  gpointer               data;
  GDestroyNotify         destroy;
  GMainContext          *context;   /* NULL: report from the calling thread */
};

static void
progress_clear (VmnetProgress *p)
{
  if (p->destroy)
    p->destroy (p->data);
  g_clear_pointer (&p->context, g_main_context_unref);
}

VmnetProgress *
vmnet_progress_new (VmnetMoveProgressFunc move, VmnetSaveProgressFunc save, gpointer data, GDestroyNotify destroy,
                    gboolean async)
{
  VmnetProgress *p = g_atomic_rc_box_new0 (VmnetProgress);

  p->move = move;
  p->save = save;
  p->data = data;
  p->destroy = destroy;
  p->context = async ? g_main_context_ref_thread_default () : NULL;
  return p;
}

static void
progress_unref (VmnetProgress *p)
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
void
vmnet_progress_release (VmnetProgress *p)
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
  VmnetProgress *progress;
  gint           phase;      /* a VmnetMovePhase or a VmnetSavePhase */
  guint64        processed;
  guint64        total;
} Report;

static void
progress_call (VmnetProgress *p, gint phase, guint64 processed, guint64 total)
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
void
vmnet_progress_report (VmnetProgress *p, gint phase, guint64 processed, guint64 total)
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

static gpointer
job_thread (gpointer user_data)
{
  VmnetVmJob *job = user_data;
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
  VmnetVmJob *job = user_data;

  g_mutex_lock (&job->lock);
  job->cancelled = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
}

void
vmnet_vm_job_report (VmnetVmJob *job, guint64 processed, guint64 total)
{
  if (processed == job->processed && total == job->total)
    return;
  job->processed = processed;
  job->total = total;
  vmnet_progress_report (job->progress, job->phase, processed, total);
}

/* Runs @job; %FALSE with the call's error when it failed (job->aborted: it
 * failed because libvirt took the abort). */
gboolean
vmnet_vm_job_run (VmnetVmJob *job, GCancellable *cancellable, GError **error)
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
        vmnet_vm_job_report (job, processed, total);
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
VmnetLibvirtConn *
vmnet_vm_job_open_watch (VmnetHost *self, VmnetLibvirtConn *conn)
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
