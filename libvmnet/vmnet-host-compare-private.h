/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The pre-flight of a move over two models (vmnet-host-compare.c). */

#include "vmnet-model-private.h"

G_BEGIN_DECLS

GPtrArray *vmnet_compare_models       (const VmnetVmInfo *vm,
                                       const VmnetModel  *destination,
                                       const gchar       *destination_uri,
                                       gint              *free_vfs);
gboolean   vmnet_compare_report_check (GPtrArray         *report,
                                       GError           **error);

G_END_DECLS
