/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Changes to the authorization store: roles, role assignments and scopes, each checked whole first. */
#include "config.h"

#include "vmnet-error.h"
#include "vmnet-auth-private.h"

/* The name of a new role or scope: valid and not taken. */
static gboolean
check_new_name (const gchar *what, const gchar *name, gboolean taken, GError **error)
{
  if (!vmnet_auth_check_object_name (what, name, error))
    return FALSE;
  if (taken)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS, "%s '%s' exists already", what, name);
  return !taken;
}

static VmnetStoreRole *
lookup_role (VmnetAuthStore *self, const gchar *name, GError **error)
{
  VmnetStoreRole *r = vmnet_store_find_role (self, name);

  if (!r)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "no role '%s' in the authorization store",
                 name ? name : "");
  return r;
}

static VmnetStoreScope *
lookup_scope (VmnetAuthStore *self, const gchar *name, GError **error)
{
  VmnetStoreScope *s = vmnet_store_find_scope (self, name ? name : VMNET_AUTH_DEFAULT_SCOPE);

  if (!s)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "no scope '%s' in the authorization store",
                 name);
  return s;
}
/* Why a role cannot be removed, or NULL. */
static gchar *
role_in_use (VmnetAuthStore *self, const gchar *name)
{
  for (guint i = 0; i < self->scopes->len; i++)
    {
      VmnetStoreScope *s = g_ptr_array_index (self->scopes, i);
      for (guint j = 0; j < s->assigns->len; j++)
        {
          VmnetStoreAssign *a = g_ptr_array_index (s->assigns, j);
          if (g_strcmp0 (a->role, name) == 0)
            return g_strdup_printf ("role '%s' is assigned to %s '%s' in scope '%s'; revoke it first",
                                    name, a->user ? "user" : "group", a->user ? a->user : a->group, s->name);
        }
    }
  return NULL;
}

/* Why a scope (NULL: the default scope) cannot be removed, or NULL. */
static gchar *
scope_in_use (VmnetAuthStore *self, const gchar *name)
{
  if (!name || g_str_equal (name, VMNET_AUTH_DEFAULT_SCOPE))
    return g_strdup ("the default scope cannot be removed");
  for (guint i = 0; i < self->scopes->len; i++)
    {
      VmnetStoreScope *c = g_ptr_array_index (self->scopes, i);
      if (g_strcmp0 (c->parent, name) == 0)
        return g_strdup_printf ("scope '%s' is the parent of scope '%s'", name, c->name);
    }
  for (guint i = 0; i < self->vms->len; i++)
    {
      VmnetStoreVm *v = g_ptr_array_index (self->vms, i);
      if (g_str_equal (v->scope, name))
        return g_strdup_printf ("VM %s is placed in scope '%s'; move it to another scope first", v->uuid, name);
    }
  return NULL;
}

/* Removes @item from @items unless it was not found (NULL, @error set) or
 * @busy (freed here) says why it cannot go. */
static gboolean
remove_unless_busy (GPtrArray *items, gpointer item, gchar *busy, GError **error)
{
  g_autofree gchar *message = busy;

  if (item && message)
    g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_BUSY, message);
  else if (item)
    g_ptr_array_remove (items, item);
  return item && !message;
}

/**
 * vmnet_auth_store_add_role:
 * @self: a #VmnetAuthStore
 * @name: the new role's name
 * @operations: (array zero-terminated=1): the operations it grants
 * @description: (nullable): what the role is for
 * @error: return location for a #GError
 *
 * Defines a role. Fails with %VMNET_ERROR_ALREADY_EXISTS when @name is
 * taken and %VMNET_ERROR_INVALID_ARGUMENT for a bad name or an unknown
 * operation.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_auth_store_add_role (VmnetAuthStore     *self,
                           const gchar        *name,
                           const gchar *const *operations,
                           const gchar        *description,
                           GError            **error)
{
  VmnetAuthOps mask;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  if (!check_new_name ("role", name, vmnet_store_find_role (self, name) != NULL, error) ||
      !vmnet_auth_operations_mask (operations, &mask, error) ||
      !vmnet_auth_check_text ("description of role", description, error))
    return FALSE;
  g_ptr_array_add (self->roles, vmnet_store_role_new (name, description, mask));
  return TRUE;
}

/**
 * vmnet_auth_store_set_role:
 * @self: a #VmnetAuthStore
 * @name: the role
 * @add_operations: (array zero-terminated=1) (nullable): operations to add
 * @remove_operations: (array zero-terminated=1) (nullable): operations to remove
 * @description: (nullable): a new description, or %NULL to keep it
 * @error: return location for a #GError
 *
 * Changes a role definition.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_auth_store_set_role (VmnetAuthStore     *self,
                           const gchar        *name,
                           const gchar *const *add_operations,
                           const gchar *const *remove_operations,
                           const gchar        *description,
                           GError            **error)
{
  VmnetAuthOps add, remove;
  VmnetStoreRole *r;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  if (!(r = lookup_role (self, name, error)) ||
      !vmnet_auth_operations_mask (add_operations, &add, error) ||
      !vmnet_auth_operations_mask (remove_operations, &remove, error) ||
      !vmnet_auth_check_text ("description of role", description, error))
    return FALSE;
  r->ops = (r->ops | add) & ~remove;
  if (description)
    vmnet_auth_set_str (&r->description, *description ? description : NULL);
  return TRUE;
}

/**
 * vmnet_auth_store_remove_role:
 * @self: a #VmnetAuthStore
 * @name: the role
 * @error: return location for a #GError
 *
 * Removes a role definition. A role that is still assigned cannot be
 * removed (%VMNET_ERROR_BUSY): revoke its assignments first.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_auth_store_remove_role (VmnetAuthStore *self, const gchar *name, GError **error)
{
  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  return remove_unless_busy (self->roles, lookup_role (self, name, error), role_in_use (self, name), error);
}

static gboolean
check_member (const gchar *user, const gchar *group, GError **error)
{
  const gchar *name = user ? user : group;

  if ((user == NULL) == (group == NULL))
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                           "give either a user or a group");
      return FALSE;
    }
  return vmnet_auth_check_account_name (user ? "user" : "group", name, error);
}

/**
 * vmnet_auth_store_grant:
 * @self: a #VmnetAuthStore
 * @role: the role
 * @user: (nullable): the user to assign it to
 * @group: (nullable): or the group
 * @scope: (nullable): the scope, %NULL for the default scope
 * @error: return location for a #GError
 *
 * Adds a role assignment: @user or @group holds @role in @scope.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_auth_store_grant (VmnetAuthStore *self,
                        const gchar    *role,
                        const gchar    *user,
                        const gchar    *group,
                        const gchar    *scope,
                        GError        **error)
{
  VmnetStoreScope *s;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  if (!check_member (user, group, error) || !lookup_role (self, role, error) ||
      !(s = lookup_scope (self, scope, error)))
    return FALSE;
  if (vmnet_store_find_assign (s, role, user, group) >= 0)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS,
                   "%s '%s' holds role '%s' in scope '%s' already",
                   user ? "user" : "group", user ? user : group, role, s->name);
      return FALSE;
    }
  g_ptr_array_add (s->assigns, vmnet_store_assign_new (role, user, group));
  return TRUE;
}

/**
 * vmnet_auth_store_revoke:
 * @self: a #VmnetAuthStore
 * @role: the role
 * @user: (nullable): the user holding it
 * @group: (nullable): or the group
 * @scope: (nullable): the scope, %NULL for the default scope
 * @error: return location for a #GError
 *
 * Removes a role assignment (%VMNET_ERROR_NOT_FOUND when there is none).
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_auth_store_revoke (VmnetAuthStore *self,
                         const gchar    *role,
                         const gchar    *user,
                         const gchar    *group,
                         const gchar    *scope,
                         GError        **error)
{
  VmnetStoreScope *s;
  gint j;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  if (!check_member (user, group, error) || !(s = lookup_scope (self, scope, error)))
    return FALSE;
  if ((j = vmnet_store_find_assign (s, role, user, group)) >= 0)
    {
      g_ptr_array_remove_index (s->assigns, j);
      return TRUE;
    }
  g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "%s '%s' does not hold role '%s' in scope '%s'",
               user ? "user" : "group", user ? user : group, role ? role : "", s->name);
  return FALSE;
}

/**
 * vmnet_auth_store_add_scope:
 * @self: a #VmnetAuthStore
 * @name: the new scope
 * @parent: (nullable): its parent scope, %NULL for the default scope
 * @description: (nullable): what the scope is for
 * @error: return location for a #GError
 *
 * Adds a VM scope. The assignments of a scope's parents apply to its VMs too.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_auth_store_add_scope (VmnetAuthStore *self,
                            const gchar    *name,
                            const gchar    *parent,
                            const gchar    *description,
                            GError        **error)
{
  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  if (!check_new_name ("scope", name, vmnet_store_find_scope (self, name) != NULL, error) ||
      !lookup_scope (self, parent, error) ||
      !vmnet_auth_check_text ("description of scope", description, error))
    return FALSE;
  g_ptr_array_add (self->scopes, vmnet_store_scope_new (name, parent ? parent : VMNET_AUTH_DEFAULT_SCOPE,
                                                        description));
  return TRUE;
}

/**
 * vmnet_auth_store_remove_scope:
 * @self: a #VmnetAuthStore
 * @name: the scope
 * @error: return location for a #GError
 *
 * Removes a VM scope with its assignments. The default scope, a scope that
 * is another's parent and a scope that VMs are placed in cannot be removed
 * (%VMNET_ERROR_BUSY).
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_auth_store_remove_scope (VmnetAuthStore *self, const gchar *name, GError **error)
{
  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  return remove_unless_busy (self->scopes, lookup_scope (self, name, error), scope_in_use (self, name), error);
}

/**
 * vmnet_auth_store_get_vm_scope:
 * @self: a #VmnetAuthStore
 * @vm_uuid: the VM's UUID
 *
 * The scope the store places a VM in. The store's map of VMs to scopes is
 * the only one the rules and vmnet_auth_store_test_access() use; a scope
 * in a VM's libvmnet metadata is not trusted.
 *
 * Returns: (transfer none): the VM's scope, %VMNET_AUTH_DEFAULT_SCOPE for a
 *   VM the store does not place in a VM scope
 *
 * Since: 0.1
 */
const gchar *
vmnet_auth_store_get_vm_scope (VmnetAuthStore *self, const gchar *vm_uuid)
{
  VmnetStoreVm *v;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), NULL);
  v = vmnet_store_find_vm (self, vm_uuid);
  return v ? v->scope : VMNET_AUTH_DEFAULT_SCOPE;
}

/* Whether @user may move a VM out of @from and into @to. */
static gboolean
may_move (VmnetAuthStore *self, const gchar *user, const gchar *uuid, const gchar *from, const gchar *to,
          GError **error)
{
  const gchar *scopes[] = { from, to };

  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    {
      g_autoptr(VmnetAccessCheck) check = vmnet_auth_store_test_access (self, user, VMNET_AUTH_CHANGE_SCOPE_OPERATION,
                                                                         scopes[i], error);
      if (!check)
        return FALSE;
      if (!vmnet_access_check_get_allowed (check))
        {
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_ACCESS_DENIED,
                       "user '%s' may not move VM %s %s scope '%s': %s", user, uuid, i ? "into" : "out of",
                       scopes[i], vmnet_access_check_get_reason (check));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * vmnet_auth_store_set_vm_scope:
 * @self: a #VmnetAuthStore
 * @vm_uuid: the VM's UUID
 * @scope: (nullable): the scope to place it in, %NULL or
 *   %VMNET_AUTH_DEFAULT_SCOPE for the default scope
 * @user: (nullable): the user making the change, or %NULL for the store's
 *   owner (whoever may write the store file)
 * @error: return location for a #GError
 *
 * Places a VM in a scope (Hyper-V's SetScope.vbs step): the store keeps
 * which VM is in which scope, by UUID, so that nobody who may only change a
 * VM can move it. As in Hyper-V, moving a VM takes the operation "Change VM
 * authorization scope" both in the scope the VM is in and in the scope it
 * goes to: with @user given, the change is refused
 * (%VMNET_ERROR_ACCESS_DENIED) unless @user holds it in both. Export the
 * rules again afterwards.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_auth_store_set_vm_scope (VmnetAuthStore *self,
                               const gchar    *vm_uuid,
                               const gchar    *scope,
                               const gchar    *user,
                               GError        **error)
{
  VmnetStoreScope *to;
  VmnetStoreVm *v;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  if (!vmnet_auth_check_uuid (vm_uuid, error) || !(to = lookup_scope (self, scope, error)) ||
      (user && !may_move (self, user, vm_uuid, vmnet_auth_store_get_vm_scope (self, vm_uuid), to->name, error)))
    return FALSE;
  if ((v = vmnet_store_find_vm (self, vm_uuid)))
    g_ptr_array_remove (self->vms, v);
  if (to->parent)
    g_ptr_array_add (self->vms, vmnet_store_vm_new (vm_uuid, to->name));
  return TRUE;
}
