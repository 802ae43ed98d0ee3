/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "vmnet-host.h"
#include "libvirt/vmnet-libvirt-private.h"

G_BEGIN_DECLS

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
