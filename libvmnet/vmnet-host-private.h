/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the vmnet-host-*.c files share: the host's instance struct, the
 * read/apply engine (vmnet-host-read.c) and the calls the reconciler uses. */

#include "vmnet-host.h"
#include "vmnet-reconciler.h"
#include "vmnet-model-private.h"
#include "vmnet-vf-plan-private.h"
#include "vmnet-vm-job-private.h"
#include "libvirt/vmnet-libvirt-private.h"

G_BEGIN_DECLS

struct _VmnetHost {
  GObject           parent_instance;

  gchar            *uri;
  gchar            *host_root;
  gboolean          read_only;
  gboolean          interactive;
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
  VmnetModel       *model;       /* the last one read; the objects point into it */
  struct _VmnetHostLive *live;   /* following libvirt's events (vmnet-host-live.c) */
  gboolean          use_service;
  gboolean          service_probed;
  struct _VmnetHostService *service; /* vmnetd serving this host (vmnet-host-service.c) */

  /* Reconciling: what is remembered per adapter between passes, and a
   * counter that moves whenever VFs may have come free. */
  GMutex            memory_lock;
  GHashTable       *memory;
  guint             generation;
};


void         vmnet_host_notify_live    (VmnetHost          *self);
void         vmnet_host_emit_refreshed (VmnetHost          *self,
                                        const gchar *const *events);
void         vmnet_host_live_stop      (VmnetHost          *self);
void         vmnet_host_emit_vf_action (VmnetHost       *self,
                                        const VmnetVfStep *step);
const gchar *vmnet_host_label       (VmnetHost        *self);
gboolean     vmnet_host_is_local    (VmnetHost        *self,
                                     VmnetLibvirtConn *conn);
VmnetLibvirtOpenFlags vmnet_host_open_flags (VmnetHost *self);

/* The host-wide lock (vmnet-host-lock.c): held by every change. */
typedef struct _VmnetHostLock VmnetHostLock;

gchar         *vmnet_host_lock_path    (const gchar   *uri);
VmnetHostLock *vmnet_host_lock_acquire (const gchar   *uri,
                                        guint          timeout_ms,
                                        GCancellable  *cancellable,
                                        GError       **error);
void           vmnet_host_lock_release (VmnetHostLock *lock);
VmnetHostLock *vmnet_host_lock         (VmnetHost     *self,
                                        GCancellable  *cancellable,
                                        GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetHostLock, vmnet_host_lock_release)

/* What a read produces in any thread for the host's context to apply. */
typedef struct {
  VmnetLibvirtConn *conn;     /* set when the connection was opened by this read */
  VmnetHostFacts   *facts;
  VmnetModel       *model;
  GVariant         *service_host; /* a read served by vmnetd: its Host properties */
  guint64           service_generation;
} VmnetSnapshot;

void           vmnet_snapshot_free        (VmnetSnapshot *snap);
VmnetSnapshot *vmnet_snapshot_read        (const gchar      *uri,
                                           VmnetLibvirtOpenFlags flags,
                                           VmnetLibvirtConn *conn,
                                           const gchar      *host_root,
                                           GCancellable     *cancellable,
                                           GError          **error);
VmnetSnapshot *vmnet_host_read            (VmnetHost        *self,
                                           VmnetLibvirtConn *conn,
                                           GCancellable     *cancellable,
                                           GError          **error);
void           vmnet_host_apply_snapshot  (VmnetHost        *self,
                                           VmnetSnapshot    *snap);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetSnapshot, vmnet_snapshot_free)

/* An operation: I/O in a worker thread (or the caller's, for the sync
 * form), then the snapshot applied in the host's context. */
typedef gboolean       (*VmnetHostChangeFunc)  (VmnetHost *self, gpointer data, GCancellable *cancellable, GError **error);
typedef VmnetSnapshot *(*VmnetHostProduceFunc) (VmnetHost *self, gpointer data, GCancellable *cancellable, GError **error);
typedef void           (*VmnetHostAppliedFunc) (VmnetHost *self, gpointer data);
typedef gpointer       (*VmnetHostResultFunc)  (VmnetHost *self, gpointer data, GError **error);

typedef struct {
  VmnetHostChangeFunc   change;    /* the change; then the host is read */
  VmnetHostChangeFunc   serve;     /* the change as vmnetd makes it, when the host is attached to it */
  VmnetHostProduceFunc  produce;   /* or: makes the whole snapshot */
  VmnetHostAppliedFunc  applied;   /* in the host's context, once the snapshot is applied (signals) */
  VmnetHostResultFunc   result;    /* in the host's context: the object the call returns; NULL: a boolean call */
  gboolean              own_cancel; /* the result says whether cancelling took effect (not GTask's check) */
} VmnetHostOp;

void     vmnet_host_start              (VmnetHost           *self,
                                        GTask               *outer,
                                        const VmnetHostOp   *op,
                                        gpointer             data,
                                        GDestroyNotify       data_free,
                                        GCancellable        *cancellable);
gpointer vmnet_host_run                (VmnetHost           *self,
                                        const VmnetHostOp   *op,
                                        gpointer             data,
                                        GDestroyNotify       data_free,
                                        GCancellable        *cancellable,
                                        GError             **error);
void     vmnet_host_run_async          (VmnetHost           *self,
                                        const VmnetHostOp   *op,
                                        gpointer             data,
                                        GDestroyNotify       data_free,
                                        GError              *prepare_error,
                                        gpointer             source_tag,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gpointer vmnet_host_run_finish         (VmnetHost           *self,
                                        GAsyncResult        *result,
                                        gpointer             source_tag,
                                        GError             **error);
gboolean vmnet_host_run_finish_boolean (VmnetHost           *self,
                                        GAsyncResult        *result,
                                        gpointer             source_tag,
                                        GError             **error);

/* A boolean call's sync form. */
#define vmnet_host_run_boolean(self, op, data, data_free, cancellable, error) \
  vmnet_host_run_check (vmnet_host_run ((self), (op), (data), (data_free), (cancellable), (error)))
static inline gboolean
vmnet_host_run_check (gpointer object)
{
  if (!object)
    return FALSE;
  g_object_unref (object);
  return TRUE;
}

/* vmnetd serving the host (vmnet-host-service.c): reads from its model,
 * served changes through its methods, the rest straight to libvirt. */
typedef struct _VmnetHostService VmnetHostService;

void           vmnet_host_service_free        (VmnetHostService *service);
void           vmnet_host_service_probe       (VmnetHost        *self);
gboolean       vmnet_host_service_check       (VmnetHost        *self);
gboolean       vmnet_host_service_attached    (VmnetHost        *self);
gboolean       vmnet_host_service_lost        (VmnetHost        *self);
void           vmnet_host_service_detach      (VmnetHost        *self,
                                               const gchar      *why);
gboolean       vmnet_host_service_unserved    (const GError     *error);
VmnetSnapshot *vmnet_host_service_read        (VmnetHost        *self,
                                               GCancellable     *cancellable,
                                               GError          **error);
gboolean       vmnet_host_service_call        (VmnetHost        *self,
                                               const gchar      *kind,
                                               const gchar      *key,
                                               const gchar      *method,
                                               GVariant         *parameters,
                                               GCancellable     *cancellable,
                                               GError          **error);
void           vmnet_host_service_apply       (VmnetHost        *self,
                                               VmnetSnapshot    *snap);
guint64        vmnet_host_service_generation  (VmnetHost        *self);
const gchar   *vmnet_host_service_resolved_uri (VmnetHost       *self);
gboolean       vmnet_host_service_flag        (VmnetHost        *self,
                                               const gchar      *name);
GDBusConnection *vmnet_host_service_bus       (VmnetHost        *self);
gboolean       vmnet_host_ensure_conn         (VmnetHost        *self,
                                               GError          **error);

/* A reconcile pass (vmnet-host-reconcile.c): one VM's adapters or all;
 * planned in the pass unless @steps is given already. */
typedef struct {
  gchar     *vm_uuid;     /* only this VM; NULL: all */
  GPtrArray *steps;       /* (element-type VmnetVfStep) */
} VmnetHostPass;

void           vmnet_host_pass_free      (VmnetHostPass *pass);
VmnetSnapshot *vmnet_host_reconcile_pass (VmnetHost     *self,
                                          gpointer       pass,
                                          GCancellable  *cancellable,
                                          GError       **error);
void           vmnet_host_emit_actions   (VmnetHost     *self,
                                          GPtrArray     *steps);

/* A VM operation (vmnet-host-vm.c, vmnet-host-move.c): the VM, what the
 * call asked, and the VF steps taken on the way. */
typedef struct {
  gchar          *uuid;
  gchar          *name;
  gchar          *path;             /* save, restore */
  gchar          *checkpoint;       /* checkpoint: its name, */
  gchar          *memory_file;      /* and where its memory goes */
  gchar          *destination_uri;  /* move */
  gchar          *migrate_uri;
  VmnetMoveFlags  flags;
  VmnetProgress  *progress;
  GPtrArray      *steps;            /* (element-type VmnetVfStep): what was done to VFs here */
} VmnetVmOpData;

VmnetVmOpData *vmnet_vm_op_data_new     (VmnetVm            *vm);
void           vmnet_vm_op_data_free    (VmnetVmOpData      *data);
/* Their VmnetHostOp.applied: the VF steps taken, as signals. */
void           vmnet_vm_op_applied      (VmnetHost          *self,
                                         gpointer            user_data);
VmnetSnapshot *vmnet_host_read_with_vm  (VmnetHost          *self,
                                         VmnetVmOpData      *data,
                                         const VmnetVmInfo **vm,
                                         GCancellable       *cancellable,
                                         GError            **error);
VmnetSnapshot *vmnet_host_give_back_vfs (VmnetHost          *self,
                                         VmnetVmOpData      *data,
                                         GCancellable       *cancellable,
                                         GError            **error);
gboolean       vmnet_host_release_vfs   (VmnetHost          *self,
                                         VmnetVmOpData      *data,
                                         const VmnetVmInfo  *vm,
                                         const gchar        *reason,
                                         GCancellable       *cancellable,
                                         GError            **error);

gboolean          vmnet_host_execute_step      (VmnetHost   *self,
                                                VmnetVfStep *step,
                                                guint        generation,
                                                GError     **error);
void              vmnet_host_resources_changed (VmnetHost *self);
void              vmnet_host_forget_failures   (VmnetHost   *self,
                                                const gchar *vm_uuid);
VmnetLibvirtConn *vmnet_host_get_libvirt_conn  (VmnetHost *self);
gboolean          vmnet_host_reconcile_started_vm_async (VmnetHost           *self,
                                                         const gchar         *vm_uuid,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
/* For tests: whether a pass is running or due. */
gboolean          vmnet_reconciler_is_busy     (VmnetReconciler *self);

G_END_DECLS
