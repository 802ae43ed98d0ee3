/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The access evaluator: the decision the generated polkit rules make, with the assignment behind it. */
#include "config.h"

#include <grp.h>
#include <pwd.h>

#include "vmnet-error.h"
#include "vmnet-auth-private.h"

static GStrv
user_groups (const gchar *user)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  struct passwd pw, *found = NULL;
  gchar buf[4096];
  gid_t groups[256];
  int n = G_N_ELEMENTS (groups);

  if (getpwnam_r (user, &pw, buf, sizeof buf, &found) == 0 && found)
    {
      if (getgrouplist (user, pw.pw_gid, groups, &n) < 0)
        n = G_N_ELEMENTS (groups);
      for (int i = 0; i < n; i++)
        {
          struct group gr, *g = NULL;
          gchar gbuf[4096];
          if (getgrgid_r (groups[i], &gr, gbuf, sizeof gbuf, &g) == 0 && g)
            g_ptr_array_add (names, g_strdup (g->gr_name));
        }
    }
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* The decision on one operation of the catalogue; @operation is the name reported. */
static VmnetAccessCheck *
check_one (VmnetAuthStore *self, const gchar *user, const gchar *const *groups, guint op,
           const gchar *operation, const gchar *scope)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  const gchar *checked;

  switch (vmnet_auth_catalog[op].kind)
    {
    case VMNET_AUTH_OP_VM:
      checked = scope;
      for (VmnetStoreScope *s = vmnet_store_find_scope (self, scope); s && chain->len <= self->scopes->len;
           s = s->parent ? vmnet_store_find_scope (self, s->parent) : NULL)
        g_ptr_array_add (chain, s);
      if (chain->len == 0)
        {
          g_autofree gchar *reason = g_strdup_printf ("scope '%s' is not in the authorization store: "
                                                      "only root may act on its VMs", scope);
          return vmnet_access_check_new_internal (FALSE, user, operation, scope, NULL, reason);
        }
      break;
    case VMNET_AUTH_OP_HOST:
      checked = VMNET_AUTH_DEFAULT_SCOPE;
      g_ptr_array_add (chain, g_ptr_array_index (self->scopes, 0));
      break;
    case VMNET_AUTH_OP_HOST_READ:
    default:
      checked = "any";
      g_ptr_array_extend (chain, self->scopes, NULL, NULL);
      break;
    }

  for (guint i = 0; i < chain->len; i++)
    {
      VmnetStoreScope *s = g_ptr_array_index (chain, i);
      for (guint j = 0; j < s->assigns->len; j++)
        {
          VmnetStoreAssign *a = g_ptr_array_index (s->assigns, j);
          VmnetStoreRole *r = vmnet_store_find_role (self, a->role);
          g_autofree gchar *reason = NULL;

          if (!r || !(r->ops & VMNET_AUTH_OP_BIT (op)))
            continue;
          if (a->user && g_str_equal (a->user, user))
            reason = g_strdup_printf ("user '%s' holds role '%s' in scope '%s'", user, r->name, s->name);
          else if (a->group && g_strv_contains (groups, a->group))
            reason = g_strdup_printf ("user '%s' is in group '%s', which holds role '%s' in scope '%s'",
                                      user, a->group, r->name, s->name);
          if (reason)
            return vmnet_access_check_new_internal (TRUE, user, operation, checked, r->name, reason);
        }
    }

  {
    const gchar *name = vmnet_auth_catalog[op].name;
    g_autofree gchar *reason = NULL;

    switch (vmnet_auth_catalog[op].kind)
      {
      case VMNET_AUTH_OP_VM:
        reason = g_strdup_printf ("no role of user '%s' or its groups in scope '%s'%s grants '%s'",
                                  user, scope, chain->len > 1 ? " or its parents" : "", name);
        break;
      case VMNET_AUTH_OP_HOST:
        reason = g_strdup_printf ("no role of user '%s' or its groups in the default scope grants '%s'",
                                  user, name);
        break;
      default:
        reason = g_strdup_printf ("no role of user '%s' or its groups in any scope grants '%s'",
                                  user, name);
      }
    return vmnet_access_check_new_internal (FALSE, user, operation, checked, NULL, reason);
  }
}

/**
 * vmnet_auth_store_test_access:
 * @self: a #VmnetAuthStore
 * @user: a user name
 * @operation: an operation (see vmnet_auth_get_operations()), or a name of
 *   an earlier store, which is allowed when each of its operations is
 * @scope: (nullable): the scope of the VM the operation is on, %NULL for the
 *   default scope; not used for operations on the host
 * @error: return location for a #GError
 *
 * Decides whether @user may do @operation, as the generated polkit rules
 * decide it: root always may; an operation on a VM is allowed by an
 * assignment in the VM's scope or one of its parents; reading the host by an
 * assignment in any scope; changing the host by one in the default scope.
 * The user's groups are those of the system's user database.
 *
 * Returns: (transfer full) (nullable): the decision with the assignment that
 *   allows it, or %NULL with @error set for an unknown operation
 *
 * Since: 0.1
 */
VmnetAccessCheck *
vmnet_auth_store_test_access (VmnetAuthStore *self,
                              const gchar    *user,
                              const gchar    *operation,
                              const gchar    *scope,
                              GError        **error)
{
  g_auto(GStrv) groups = NULL;
  VmnetAccessCheck *first = NULL;
  VmnetAuthOps mask;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), NULL);
  if (!vmnet_auth_operation_resolve (operation, &mask, &operation, error))
    return NULL;
  if (!user || !*user)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "give a user name");
      return NULL;
    }
  if (!scope)
    scope = VMNET_AUTH_DEFAULT_SCOPE;

  if (g_str_equal (user, "root"))
    return vmnet_access_check_new_internal (TRUE, user, operation, scope, NULL,
                                            "root may do everything (the store's owner)");

  /* A name of an earlier store is allowed when each of its operations is. */
  groups = user_groups (user);
  for (guint op = 0; op < VMNET_AUTH_N_OPERATIONS; op++)
    {
      VmnetAccessCheck *check;

      if (!(mask & VMNET_AUTH_OP_BIT (op)))
        continue;
      check = check_one (self, user, (const gchar *const *) groups, op, operation, scope);
      if (!vmnet_access_check_get_allowed (check))
        {
          g_clear_object (&first);
          return check;
        }
      if (first)
        g_object_unref (check);
      else
        first = check;
    }
  return first;
}
