/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Progress reports on the caller's context and the runner of a VM's
 * libvirt job (vmnet-vm-job.c), shared by save and move. */

#include "vmnet-host.h"
#include "libvirt/vmnet-libvirt-private.h"

G_BEGIN_DECLS

/* Move or save progress: a VmnetMoveProgressFunc or a VmnetSaveProgressFunc,
 * called on the thread-default context of the call that made it (@async),
 * else at once in the reporting thread. */
typedef struct _VmnetProgress VmnetProgress;

VmnetProgress *vmnet_progress_new     (VmnetMoveProgressFunc  move,
                                       VmnetSaveProgressFunc  save,
                                       gpointer               data,
                                       GDestroyNotify         destroy,
                                       gboolean               async);
void           vmnet_progress_release (VmnetProgress         *p);
void           vmnet_progress_report  (VmnetProgress         *p,
                                       gint                   phase,
                                       guint64                processed,
                                       guint64                total);

/* A libvirt call that runs a job of the VM (a migration, a save): made in a
 * thread of its own while this one reports the job's progress in @phase a
 * few times a second (when the bytes changed). Cancelling aborts libvirt's
 * job at once, again every 20 ms until libvirt takes an abort (it refuses
 * one before the job has begun), then every 100 ms until it refuses one (the
 * job is over), in case one taken early did not stop it. */
typedef struct _VmnetVmJob VmnetVmJob;
typedef gboolean (*VmnetVmJobCall) (VmnetVmJob *job, GError **error);

struct _VmnetVmJob {
  VmnetLibvirtConn *conn;
  VmnetLibvirtConn *watch;              /* polled and aborted through, if not @conn */
  const gchar      *uuid;
  VmnetVmJobCall    call;
  gpointer          call_data;
  VmnetProgress    *progress;
  gint              phase;
  guint64           processed, total;   /* the last bytes reported */
  gboolean          aborted;            /* libvirt took the abort */
  GError           *error;
  GMutex            lock;
  GCond             cond;
  gboolean          done;
  gboolean          cancelled;
};

gboolean          vmnet_vm_job_run        (VmnetVmJob       *job,
                                           GCancellable     *cancellable,
                                           GError          **error);
void              vmnet_vm_job_report     (VmnetVmJob       *job,
                                           guint64           processed,
                                           guint64           total);
VmnetLibvirtConn *vmnet_vm_job_open_watch (VmnetHost        *self,
                                           VmnetLibvirtConn *conn);

G_END_DECLS
