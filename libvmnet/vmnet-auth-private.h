/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "vmnet-auth.h"

G_BEGIN_DECLS

/* The records handed out (vmnet-auth-records.c). */
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

/* The operation catalogue (vmnet-auth-catalog.c). */
typedef enum {
  VMNET_AUTH_OP_VM,             /* on one VM: decided in the VM's scope and its parents */
  VMNET_AUTH_OP_HOST_READ,      /* reading the host: any assignment in any scope counts */
  VMNET_AUTH_OP_HOST,           /* changing the host: decided in the default scope */
} VmnetAuthOpKind;

typedef struct {
  const gchar        *name;
  VmnetAuthOpKind     kind;
  const gchar *const  permissions[12];
} VmnetAuthOperation;

#define VMNET_AUTH_N_OPERATIONS 10
#define VMNET_AUTH_ALL_OPERATIONS ((1u << VMNET_AUTH_N_OPERATIONS) - 1)

/* Indexed by operation: bit i of a role's operation mask is vmnet_auth_catalog[i]. */
extern const VmnetAuthOperation *const vmnet_auth_catalog;

/* The index of an operation (case-insensitive), or -1 with
 * VMNET_ERROR_INVALID_ARGUMENT naming the operations. */
gint         vmnet_auth_operation_lookup         (const gchar *name,
                                                  GError     **error);
gboolean     vmnet_auth_operations_mask          (const gchar *const *names,
                                                  guint              *mask,
                                                  GError            **error);
/* The operation that a libvirt permission belongs to (NULL: none). */
const gchar *vmnet_auth_operation_for_permission (const gchar *permission);

/* The store's content (vmnet-auth-store.c), shared by the files that read,
 * change, evaluate and compile it. */
typedef struct {
  gchar *name;
  gchar *description;
  guint  ops;                   /* bit i: vmnet_auth_catalog[i] */
} VmnetStoreRole;

typedef struct {
  gchar *role;
  gchar *user;                  /* one of user and group */
  gchar *group;
} VmnetStoreAssign;

typedef struct {
  gchar     *name;
  gchar     *parent;            /* NULL for the default scope */
  gchar     *description;
  GPtrArray *assigns;           /* (element-type VmnetStoreAssign) */
} VmnetStoreScope;

struct _VmnetAuthStore {
  GObject    parent_instance;
  gchar     *path;
  GPtrArray *roles;             /* (element-type VmnetStoreRole) */
  GPtrArray *scopes;            /* (element-type VmnetStoreScope), the default scope first */
};

VmnetStoreRole   *vmnet_store_role_new      (const gchar *name,
                                             const gchar *description,
                                             guint        ops);
VmnetStoreScope  *vmnet_store_scope_new     (const gchar *name,
                                             const gchar *parent,
                                             const gchar *description);
VmnetStoreAssign *vmnet_store_assign_new    (const gchar *role,
                                             const gchar *user,
                                             const gchar *group);
VmnetStoreRole   *vmnet_store_find_role     (VmnetAuthStore *self,
                                             const gchar    *name);
VmnetStoreScope  *vmnet_store_find_scope    (VmnetAuthStore *self,
                                             const gchar    *name);
/* The index of @scope's assignment of @role to @user or @group, or -1. */
gint              vmnet_store_find_assign   (VmnetStoreScope *scope,
                                             const gchar     *role,
                                             const gchar     *user,
                                             const gchar     *group);
/* Names as the store takes them; VMNET_ERROR_INVALID_ARGUMENT saying what
 * is allowed. @what is "role", "scope", "user", "group". */
gboolean          vmnet_auth_check_text         (const gchar *what,
                                                 const gchar *text,
                                                 GError     **error);
gboolean          vmnet_auth_check_object_name  (const gchar *what,
                                                 const gchar *name,
                                                 GError     **error);
gboolean          vmnet_auth_check_account_name (const gchar *what,
                                                 const gchar *name,
                                                 GError     **error);
void              vmnet_auth_set_str            (gchar      **field,
                                                 const gchar *value);

/* The store file (vmnet-auth-file.c). */
gboolean vmnet_auth_store_load_data     (VmnetAuthStore *self,
                                         const gchar    *data,
                                         const gchar    *origin,
                                         GError        **error);
/* Replaces @path by rename (readers see the old or the new file). */
gboolean vmnet_auth_write_atomically    (const gchar *path,
                                         const gchar *text,
                                         const gchar *what,
                                         GError     **error);

/* The rules (vmnet-auth-rules.c). */
typedef struct {
  const gchar *uuid;
  const gchar *name;
  const gchar *scope;           /* NULL: the default scope */
} VmnetAuthVm;

/* @text as a JavaScript string literal in double quotes, in printable ASCII:
 * anything else (U+2028 and U+2029 included) and the characters that could
 * end a string or a script (" \ ' / < >) as escapes; characters above U+FFFF
 * as UTF-16 surrogate pairs, bytes that are not UTF-8 as U+FFFD. */
void   vmnet_auth_append_js_string         (GString     *out,
                                            const gchar *text);
gchar *vmnet_auth_store_generate_rules_for (VmnetAuthStore    *self,
                                            const VmnetAuthVm *vms,
                                            guint              n_vms,
                                            GError           **error);

G_END_DECLS
