/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Carrying out the VF planner's steps on one libvirt host. */

#include "vmnet-vf-plan-private.h"
#include "libvirt/vmnet-libvirt-private.h"

G_BEGIN_DECLS

typedef struct {
  VmnetLibvirtConn *conn;
  const gchar      *sysfs_root;  /* the host's files (MSI-X vectors); NULL: not host-local */
  gboolean          netlink;     /* VF settings (AllowTeaming) through netlink: the host is this machine */
} VmnetVfTarget;

gboolean vmnet_vf_set_teaming  (const gchar         *vf_address,
                                gboolean             allow,
                                GError             **error);
gboolean vmnet_vf_still_held   (VmnetLibvirtConn    *conn,
                                const gchar         *vm_uuid,
                                const gchar         *adapter_name,
                                const gchar         *vf_address,
                                gchar              **reason);
gboolean vmnet_vf_apply_teaming (const VmnetVfTarget *target,
                                 const gchar         *vm_uuid,
                                 const gchar         *adapter_name,
                                 const gchar         *mac,
                                 const gchar         *vf_address,
                                 gboolean             allow);
gboolean vmnet_vf_step_execute (const VmnetVfTarget *target,
                                VmnetVfStep         *step,
                                GError             **error);
void     vmnet_vf_step_set_result (VmnetVfStep   *step,
                                   VmnetVfAction  action,
                                   const gchar   *reason);

G_END_DECLS
