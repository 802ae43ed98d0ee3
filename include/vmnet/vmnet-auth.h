/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__VMNET_H_INSIDE__) && !defined(VMNET_COMPILATION)
#error "Only <vmnet/vmnet.h> can be included directly."
#endif

#include <gio/gio.h>
#include <vmnet/vmnet-version.h>
#include <vmnet/vmnet-vm.h>

G_BEGIN_DECLS

/**
 * VMNET_AUTH_DEFAULT_SCOPE:
 *
 * The name of the default scope: every VM not placed in a VM scope belongs to it,
 * and operations on the host itself are decided by its assignments.
 *
 * Since: 0.1
 */
#define VMNET_AUTH_DEFAULT_SCOPE "default"

/**
 * VMNET_AUTH_DEFAULT_STORE_PATH:
 *
 * Where the authorization store is kept unless a path is given or
 * `$VMNET_AUTHORIZATION_STORE` names another file.
 *
 * Since: 0.1
 */
#define VMNET_AUTH_DEFAULT_STORE_PATH "/etc/vmnet/authorization.conf"

/**
 * VMNET_AUTH_DEFAULT_RULES_PATH:
 *
 * Where the generated polkit rules are written unless a path is given or
 * `$VMNET_POLKIT_RULES` names another file.
 *
 * Since: 0.1
 */
#define VMNET_AUTH_DEFAULT_RULES_PATH "/etc/polkit-1/rules.d/60-vmnet.rules"

#define VMNET_TYPE_AUTH_ROLE (vmnet_auth_role_get_type ())
VMNET_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (VmnetAuthRole, vmnet_auth_role, VMNET, AUTH_ROLE, GObject)

VMNET_AVAILABLE_IN_0_1
const gchar        *vmnet_auth_role_get_name        (VmnetAuthRole *self);
VMNET_AVAILABLE_IN_0_1
const gchar        *vmnet_auth_role_get_description (VmnetAuthRole *self);
VMNET_AVAILABLE_IN_0_1
const gchar *const *vmnet_auth_role_get_operations  (VmnetAuthRole *self);

#define VMNET_TYPE_AUTH_SCOPE (vmnet_auth_scope_get_type ())
VMNET_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (VmnetAuthScope, vmnet_auth_scope, VMNET, AUTH_SCOPE, GObject)

VMNET_AVAILABLE_IN_0_1
const gchar        *vmnet_auth_scope_get_name        (VmnetAuthScope *self);
VMNET_AVAILABLE_IN_0_1
const gchar        *vmnet_auth_scope_get_parent      (VmnetAuthScope *self);
VMNET_AVAILABLE_IN_0_1
const gchar        *vmnet_auth_scope_get_description (VmnetAuthScope *self);

#define VMNET_TYPE_AUTH_ASSIGNMENT (vmnet_auth_assignment_get_type ())
VMNET_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (VmnetAuthAssignment, vmnet_auth_assignment, VMNET, AUTH_ASSIGNMENT, GObject)

VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_auth_assignment_get_role  (VmnetAuthAssignment *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_auth_assignment_get_scope (VmnetAuthAssignment *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_auth_assignment_get_user  (VmnetAuthAssignment *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_auth_assignment_get_group (VmnetAuthAssignment *self);

#define VMNET_TYPE_ACCESS_CHECK (vmnet_access_check_get_type ())
VMNET_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (VmnetAccessCheck, vmnet_access_check, VMNET, ACCESS_CHECK, GObject)

VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_access_check_get_allowed   (VmnetAccessCheck *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_access_check_get_user      (VmnetAccessCheck *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_access_check_get_operation (VmnetAccessCheck *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_access_check_get_scope     (VmnetAccessCheck *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_access_check_get_role      (VmnetAccessCheck *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_access_check_get_reason    (VmnetAccessCheck *self);

#define VMNET_TYPE_AUTH_STORE (vmnet_auth_store_get_type ())
VMNET_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (VmnetAuthStore, vmnet_auth_store, VMNET, AUTH_STORE, GObject)

VMNET_AVAILABLE_IN_0_1
const gchar *const *vmnet_auth_get_operations           (void);
VMNET_AVAILABLE_IN_0_1
const gchar *const *vmnet_auth_get_operation_sets       (void);
VMNET_AVAILABLE_IN_0_1
const gchar *const *vmnet_auth_operation_get_permissions (const gchar *operation);
VMNET_AVAILABLE_IN_0_1
const gchar *const *vmnet_auth_operation_get_members     (const gchar *operation);
VMNET_AVAILABLE_IN_0_1
const gchar        *vmnet_auth_get_default_store_path    (void);
VMNET_AVAILABLE_IN_0_1
const gchar        *vmnet_auth_get_default_rules_path    (void);

VMNET_AVAILABLE_IN_0_1
VmnetAuthStore *vmnet_auth_store_new            (void);
VMNET_AVAILABLE_IN_0_1
VmnetAuthStore *vmnet_auth_store_new_from_data  (const gchar     *data,
                                                 const gchar     *origin,
                                                 GError         **error);
VMNET_AVAILABLE_IN_0_1
VmnetAuthStore *vmnet_auth_store_new_from_file  (const gchar     *path,
                                                 gboolean         missing_ok,
                                                 GError         **error);
VMNET_AVAILABLE_IN_0_1
const gchar    *vmnet_auth_store_get_path       (VmnetAuthStore  *self);
VMNET_AVAILABLE_IN_0_1
gchar          *vmnet_auth_store_to_data        (VmnetAuthStore  *self);
VMNET_AVAILABLE_IN_0_1
gboolean        vmnet_auth_store_save           (VmnetAuthStore  *self,
                                                 const gchar     *path,
                                                 GError         **error);

VMNET_AVAILABLE_IN_0_1
GPtrArray      *vmnet_auth_store_get_roles       (VmnetAuthStore *self);
VMNET_AVAILABLE_IN_0_1
GPtrArray      *vmnet_auth_store_get_scopes      (VmnetAuthStore *self);
VMNET_AVAILABLE_IN_0_1
GPtrArray      *vmnet_auth_store_get_assignments (VmnetAuthStore *self);

VMNET_AVAILABLE_IN_0_1
gboolean        vmnet_auth_store_add_role    (VmnetAuthStore     *self,
                                              const gchar        *name,
                                              const gchar *const *operations,
                                              const gchar        *description,
                                              GError            **error);
VMNET_AVAILABLE_IN_0_1
gboolean        vmnet_auth_store_set_role    (VmnetAuthStore     *self,
                                              const gchar        *name,
                                              const gchar *const *add_operations,
                                              const gchar *const *remove_operations,
                                              const gchar        *description,
                                              GError            **error);
VMNET_AVAILABLE_IN_0_1
gboolean        vmnet_auth_store_remove_role (VmnetAuthStore     *self,
                                              const gchar        *name,
                                              GError            **error);
VMNET_AVAILABLE_IN_0_1
gboolean        vmnet_auth_store_grant       (VmnetAuthStore     *self,
                                              const gchar        *role,
                                              const gchar        *user,
                                              const gchar        *group,
                                              const gchar        *scope,
                                              GError            **error);
VMNET_AVAILABLE_IN_0_1
gboolean        vmnet_auth_store_revoke      (VmnetAuthStore     *self,
                                              const gchar        *role,
                                              const gchar        *user,
                                              const gchar        *group,
                                              const gchar        *scope,
                                              GError            **error);
VMNET_AVAILABLE_IN_0_1
gboolean        vmnet_auth_store_add_scope   (VmnetAuthStore     *self,
                                              const gchar        *name,
                                              const gchar        *parent,
                                              const gchar        *description,
                                              GError            **error);
VMNET_AVAILABLE_IN_0_1
gboolean        vmnet_auth_store_remove_scope (VmnetAuthStore    *self,
                                               const gchar       *name,
                                               GError           **error);

VMNET_AVAILABLE_IN_0_1
const gchar    *vmnet_auth_store_get_vm_scope (VmnetAuthStore *self,
                                               const gchar    *vm_uuid);
VMNET_AVAILABLE_IN_0_1
gboolean        vmnet_auth_store_set_vm_scope (VmnetAuthStore *self,
                                               const gchar    *vm_uuid,
                                               const gchar    *scope,
                                               const gchar    *user,
                                               GError        **error);

VMNET_AVAILABLE_IN_0_1
VmnetAccessCheck *vmnet_auth_store_test_access (VmnetAuthStore *self,
                                                const gchar    *user,
                                                const gchar    *operation,
                                                const gchar    *scope,
                                                GError        **error);

VMNET_AVAILABLE_IN_0_1
gchar          *vmnet_auth_store_generate_rules (VmnetAuthStore  *self,
                                                 GListModel      *vms,
                                                 GError         **error);
VMNET_AVAILABLE_IN_0_1
gboolean        vmnet_auth_store_export         (VmnetAuthStore  *self,
                                                 GListModel      *vms,
                                                 const gchar     *path,
                                                 GError         **error);

G_END_DECLS
