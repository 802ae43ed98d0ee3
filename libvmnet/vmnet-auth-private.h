/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "vmnet-auth.h"

G_BEGIN_DECLS

VmnetAuthRole       *vmnet_auth_role_new_internal       (const gchar        *name,
                                                         const gchar        *description,
                                                         const gchar *const *operations);
VmnetAuthScope      *vmnet_auth_scope_new_internal      (const gchar        *name,
                                                         const gchar        *parent,
                                                         const gchar        *description);
VmnetAuthAssignment *vmnet_auth_assignment_new_internal (const gchar        *role,
                                                         const gchar        *scope,
                                                         const gchar        *user,
                                                         const gchar        *group);
VmnetAccessCheck    *vmnet_access_check_new_internal    (gboolean            allowed,
                                                         const gchar        *user,
                                                         const gchar        *operation,
                                                         const gchar        *scope,
                                                         const gchar        *role,
                                                         const gchar        *reason);

/* The libvirt permission an operation is probed by, and the operation that a
 * libvirt permission belongs to (NULL: none). */
const gchar *vmnet_auth_operation_for_permission (const gchar *permission);

/* Whether a VM (uuid, name, scope) list is given: the rules generator reads these. */
typedef struct {
  const gchar *uuid;
  const gchar *name;
  const gchar *scope;           /* NULL: the default scope */
} VmnetAuthVm;

gchar *vmnet_auth_store_generate_rules_for (VmnetAuthStore    *self,
                                            const VmnetAuthVm *vms,
                                            guint              n_vms,
                                            GError           **error);

G_END_DECLS
