/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__VMNET_H_INSIDE__) && !defined(VMNET_COMPILATION)
#error "Only <vmnet/vmnet.h> can be included directly."
#endif

#include <gio/gio.h>
#include <vmnet/vmnet-version.h>
#include <vmnet/vmnet-host.h>

G_BEGIN_DECLS

#define VMNET_TYPE_RECONCILER (vmnet_reconciler_get_type ())
VMNET_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (VmnetReconciler, vmnet_reconciler, VMNET, RECONCILER, GObject)

VMNET_AVAILABLE_IN_0_1
VmnetReconciler *vmnet_reconciler_new           (const gchar     *uri);
VMNET_AVAILABLE_IN_0_1
void             vmnet_reconciler_start         (VmnetReconciler *self);
VMNET_AVAILABLE_IN_0_1
void             vmnet_reconciler_stop          (VmnetReconciler *self);
VMNET_AVAILABLE_IN_0_1
const gchar     *vmnet_reconciler_get_uri       (VmnetReconciler *self);
VMNET_AVAILABLE_IN_0_1
VmnetHost       *vmnet_reconciler_get_host      (VmnetReconciler *self);
VMNET_AVAILABLE_IN_0_1
gboolean         vmnet_reconciler_get_connected (VmnetReconciler *self);
VMNET_AVAILABLE_IN_0_1
guint            vmnet_reconciler_get_passes    (VmnetReconciler *self);

G_END_DECLS
