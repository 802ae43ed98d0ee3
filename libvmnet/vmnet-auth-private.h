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
  const gchar *const  permissions[6];
} VmnetAuthOperation;

/* A name of an earlier store standing for a set of operations. */
typedef struct {
  const gchar        *name;
  const gchar *const  operations[6];
} VmnetAuthAlias;

/* A set of operations: bit i is vmnet_auth_catalog[i]. */
typedef guint64 VmnetAuthOps;

#define VMNET_AUTH_N_OPERATIONS 34
#define VMNET_AUTH_N_ALIASES 10
#define VMNET_AUTH_OP_BIT(i) (G_GUINT64_CONSTANT (1) << (i))
#define VMNET_AUTH_ALL_OPERATIONS (VMNET_AUTH_OP_BIT (VMNET_AUTH_N_OPERATIONS) - 1)
/* Moving a VM to another scope: in the store alone, no libvirt permission. */
#define VMNET_AUTH_CHANGE_SCOPE_OPERATION "Change VM authorization scope"

extern const VmnetAuthOperation *const vmnet_auth_catalog;
extern const VmnetAuthAlias *const vmnet_auth_aliases;

/* The index of an operation (case-insensitive), or -1 with
 * VMNET_ERROR_INVALID_ARGUMENT naming the operations. */
gint         vmnet_auth_operation_lookup         (const gchar *name,
                                                  GError     **error);
/* An operation or alias as a set, with its name as the catalog spells it. */
gboolean     vmnet_auth_operation_resolve        (const gchar   *name,
                                                  VmnetAuthOps  *mask,
                                                  const gchar  **canonical,
                                                  GError       **error);
VmnetAuthOps vmnet_auth_alias_mask               (guint alias);
gboolean     vmnet_auth_operations_mask          (const gchar *const *names,
                                                  VmnetAuthOps       *mask,
                                                  GError            **error);
/* A set as names: an alias for each alias whose operations are all in it,
 * then the other operations. (transfer container) */
GPtrArray   *vmnet_auth_operations_names         (VmnetAuthOps mask);
/* The operation that a libvirt permission belongs to (NULL: none). */
const gchar *vmnet_auth_operation_for_permission (const gchar *permission);

/* The store's content (vmnet-auth-store.c), shared by the files that read,
 * change, evaluate and compile it. */
typedef struct {
  gchar *name;
  gchar *description;
  VmnetAuthOps ops;
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

/* A VM placed in a VM scope, by UUID (lower case); every other VM is in the default scope. */
typedef struct {
  gchar *uuid;
  gchar *scope;
} VmnetStoreVm;

struct _VmnetAuthStore {
  GObject    parent_instance;
  gchar     *path;
  GPtrArray *roles;             /* (element-type VmnetStoreRole) */
  GPtrArray *scopes;            /* (element-type VmnetStoreScope), the default scope first */
  GPtrArray *vms;               /* (element-type VmnetStoreVm), the VM→scope map */
};

VmnetStoreRole   *vmnet_store_role_new      (const gchar *name,
                                             const gchar *description,
                                             VmnetAuthOps ops);
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
VmnetStoreVm     *vmnet_store_vm_new        (const gchar *uuid,
                                             const gchar *scope);
/* The entry of the VM with @uuid in the map, or NULL (the default scope). */
VmnetStoreVm     *vmnet_store_find_vm       (VmnetAuthStore *self,
                                             const gchar    *uuid);
/* A VM's UUID as libvirt writes it (36 characters, hex in lower case). */
gboolean          vmnet_auth_check_uuid     (const gchar *uuid,
                                             GError     **error);
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
/* The VMs the rules name (their names in comments); their scopes come from the store. */
typedef struct {
  const gchar *uuid;
  const gchar *name;
} VmnetAuthVm;

/* @text as a JavaScript string literal in double quotes, in printable ASCII:
 * anything else (U+2028 and U+2029 included) and the characters that could
 * end a string or a script (" \ ' / < >) as escapes; characters above U+FFFF
 * as UTF-16 surrogate pairs, bytes that are not UTF-8 as U+FFFD. */
void   vmnet_auth_append_js_string         (GString     *out,
                                            const gchar *text);
/* The host's own libvirt: a local system connection to a real driver
 * (qemu:///system, qemu+unix:///system), through its default socket. */
gboolean vmnet_auth_is_hosts_own_libvirt   (const gchar *uri);
gchar *vmnet_auth_store_generate_rules_for (VmnetAuthStore    *self,
                                            const VmnetAuthVm *vms,
                                            guint              n_vms,
                                            GError           **error);

G_END_DECLS
