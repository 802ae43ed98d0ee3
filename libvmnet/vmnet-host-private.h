/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the vmnet-host-*.c files share: the host's instance struct, the
 * read/apply engine (vmnet-host-read.c) and the calls the reconciler uses. */

#include "vmnet-host.h"
#include "vmnet-model-private.h"
#include "vmnet-vf-plan-private.h"
#include "libvirt/vmnet-libvirt-private.h"

G_BEGIN_DECLS

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
  VmnetModel       *model;       /* the last one read; the objects point into it */

  /* Reconciling: what is remembered per adapter between passes, and a
   * counter that moves whenever VFs may have come free. */
  GMutex            memory_lock;
  GHashTable       *memory;
  guint             generation;
};

typedef enum {
  VMNET_HOST_PROP_0,
  VMNET_HOST_PROP_URI,
  VMNET_HOST_PROP_HOST_ROOT,
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
  VMNET_HOST_N_PROPS
} VmnetHostProp;

void         vmnet_host_notify      (VmnetHost     *self,
                                     VmnetHostProp  prop);
void         vmnet_host_emit_vf_action (VmnetHost       *self,
                                        const VmnetVfStep *step);
const gchar *vmnet_host_label       (VmnetHost        *self);
gboolean     vmnet_host_is_local    (VmnetHost        *self,
                                     VmnetLibvirtConn *conn);

/* What a read produces in any thread for the host's context to apply. */
typedef struct {
  VmnetLibvirtConn *conn;     /* set when the connection was opened by this read */
  VmnetHostFacts   *facts;
  VmnetModel       *model;
} VmnetSnapshot;

void           vmnet_snapshot_free        (VmnetSnapshot *snap);
VmnetSnapshot *vmnet_host_read            (VmnetHost        *self,
                                           VmnetLibvirtConn *conn,
                                           GCancellable     *cancellable,
                                           GError          **error);
void           vmnet_host_apply_snapshot  (VmnetHost        *self,
                                           VmnetSnapshot    *snap);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetSnapshot, vmnet_snapshot_free)

/* An operation: a change made in a worker thread (or the caller's, for the
 * sync form), then the host read and applied in its context. */
typedef gboolean       (*VmnetHostChangeFunc)  (VmnetHost *self, gpointer data, GCancellable *cancellable, GError **error);
/* Or a worker that makes the whole snapshot itself, */
typedef VmnetSnapshot *(*VmnetHostProduceFunc) (VmnetHost *self, gpointer data, GCancellable *cancellable, GError **error);
/* and what to do in the host's context once it is applied. */
typedef void           (*VmnetHostAppliedFunc) (VmnetHost *self, gpointer data);

typedef struct {
  VmnetLibvirtConn     *conn;
  VmnetHostChangeFunc   change;
  VmnetHostProduceFunc  produce;
  VmnetHostAppliedFunc  applied;
  gpointer              change_data;
  GDestroyNotify        change_data_free;
} VmnetHostTask;

void vmnet_host_start_task            (VmnetHost      *self,
                                       GTask          *outer,
                                       VmnetHostTask  *data,
                                       GCancellable   *cancellable);
void vmnet_host_start_read            (VmnetHost      *self,
                                       GTask          *outer,
                                       GCancellable   *cancellable);
void vmnet_host_start_change_and_read (VmnetHost           *self,
                                       GTask               *outer,
                                       VmnetHostChangeFunc  change,
                                       gpointer             change_data,
                                       GDestroyNotify       change_data_free,
                                       GCancellable        *cancellable);

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

G_END_DECLS
