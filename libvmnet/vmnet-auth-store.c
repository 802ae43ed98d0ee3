/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The authorization store object: its content, the rules for names, reading and saving it. */
#include "config.h"

#include <grp.h>

#include <string.h>

#include "vmnet-error.h"
#include "vmnet-auth-private.h"
#include "vmnet-names-private.h"

/**
 * VmnetAuthStore:
 *
 * Hyper-V's authorization model on libvirt: operations, role definitions
 * (sets of operations), role assignments (users and groups holding a role in
 * a scope) and scopes (the default scope plus VM scopes that VMs are placed
 * in). The store is kept in one key file (see the Authorization guide); it
 * is compiled into a polkit rules file for libvirt's polkit access driver by
 * vmnet_auth_store_export(), and vmnet_auth_store_test_access() evaluates
 * it directly to explain a decision.
 *
 * A store only holds valid content: loading rejects a malformed file naming
 * the group and key at fault, and every change is checked before it is
 * made. A store is a plain object: use it from one thread at a time.
 *
 * Since: 0.1
 */

G_DEFINE_FINAL_TYPE (VmnetAuthStore, vmnet_auth_store, G_TYPE_OBJECT)

void
vmnet_auth_set_str (gchar **field, const gchar *value)
{
  gchar *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

VmnetStoreRole *
vmnet_store_role_new (const gchar *name, const gchar *description, VmnetAuthOps ops)
{
  VmnetStoreRole r = { g_strdup (name), g_strdup (description), ops };

  return g_memdup2 (&r, sizeof r);
}

static void
role_free (VmnetStoreRole *r)
{
  g_free (r->name);
  g_free (r->description);
  g_free (r);
}

VmnetStoreAssign *
vmnet_store_assign_new (const gchar *role, const gchar *user, const gchar *group)
{
  VmnetStoreAssign a = { g_strdup (role), g_strdup (user), g_strdup (group) };

  return g_memdup2 (&a, sizeof a);
}

static void
assign_free (VmnetStoreAssign *a)
{
  g_free (a->role);
  g_free (a->user);
  g_free (a->group);
  g_free (a);
}

VmnetStoreScope *
vmnet_store_scope_new (const gchar *name, const gchar *parent, const gchar *description)
{
  VmnetStoreScope s = { g_strdup (name), g_strdup (parent), g_strdup (description),
                        g_ptr_array_new_with_free_func ((GDestroyNotify) assign_free) };

  return g_memdup2 (&s, sizeof s);
}

static void
scope_free (VmnetStoreScope *s)
{
  g_free (s->name);
  g_free (s->parent);
  g_free (s->description);
  g_ptr_array_unref (s->assigns);
  g_free (s);
}

VmnetStoreVm *
vmnet_store_vm_new (const gchar *uuid, const gchar *scope)
{
  VmnetStoreVm v = { g_ascii_strdown (uuid, -1), g_strdup (scope) };

  return g_memdup2 (&v, sizeof v);
}

static void
vm_free (VmnetStoreVm *v)
{
  g_free (v->uuid);
  g_free (v->scope);
  g_free (v);
}

VmnetStoreVm *
vmnet_store_find_vm (VmnetAuthStore *self, const gchar *uuid)
{
  for (guint i = 0; uuid && i < self->vms->len; i++)
    {
      VmnetStoreVm *v = g_ptr_array_index (self->vms, i);
      if (g_ascii_strcasecmp (v->uuid, uuid) == 0)
        return v;
    }
  return NULL;
}

gboolean
vmnet_auth_check_uuid (const gchar *uuid, GError **error)
{
  gboolean ok = uuid && strlen (uuid) == 36;

  for (guint i = 0; ok && i < 36; i++)
    ok = (i == 8 || i == 13 || i == 18 || i == 23) ? uuid[i] == '-' : g_ascii_isxdigit (uuid[i]);
  if (!ok)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                 "bad VM UUID '%s': give it as libvirt shows it (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
                 uuid ? uuid : "");
  return ok;
}

static void
vmnet_auth_store_finalize (GObject *object)
{
  VmnetAuthStore *self = VMNET_AUTH_STORE (object);

  g_free (self->path);
  g_ptr_array_unref (self->roles);
  g_ptr_array_unref (self->scopes);
  g_ptr_array_unref (self->vms);
  G_OBJECT_CLASS (vmnet_auth_store_parent_class)->finalize (object);
}

static void
vmnet_auth_store_class_init (VmnetAuthStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = vmnet_auth_store_finalize;
}

static void
vmnet_auth_store_init (VmnetAuthStore *self)
{
  self->roles = g_ptr_array_new_with_free_func ((GDestroyNotify) role_free);
  self->scopes = g_ptr_array_new_with_free_func ((GDestroyNotify) scope_free);
  g_ptr_array_add (self->scopes, vmnet_store_scope_new (VMNET_AUTH_DEFAULT_SCOPE, NULL, NULL));
  self->vms = g_ptr_array_new_with_free_func ((GDestroyNotify) vm_free);
}

VmnetStoreRole *
vmnet_store_find_role (VmnetAuthStore *self, const gchar *name)
{
  for (guint i = 0; i < self->roles->len; i++)
    {
      VmnetStoreRole *r = g_ptr_array_index (self->roles, i);
      if (g_strcmp0 (r->name, name) == 0)
        return r;
    }
  return NULL;
}

VmnetStoreScope *
vmnet_store_find_scope (VmnetAuthStore *self, const gchar *name)
{
  for (guint i = 0; i < self->scopes->len; i++)
    {
      VmnetStoreScope *s = g_ptr_array_index (self->scopes, i);
      if (g_strcmp0 (s->name, name) == 0)
        return s;
    }
  return NULL;
}

gint
vmnet_store_find_assign (VmnetStoreScope *scope, const gchar *role, const gchar *user, const gchar *group)
{
  for (guint i = 0; i < scope->assigns->len; i++)
    {
      VmnetStoreAssign *a = g_ptr_array_index (scope->assigns, i);
      if (g_strcmp0 (a->role, role) == 0 && g_strcmp0 (a->user, user) == 0 &&
          g_strcmp0 (a->group, group) == 0)
        return i;
    }
  return -1;
}

/* Role and scope names: letters, digits, space, '.', '_', '-'; at most 64. */
gboolean
vmnet_auth_check_object_name (const gchar *what, const gchar *name, GError **error)
{
  gsize len = name ? strlen (name) : 0;
  gboolean ok = len > 0 && len <= 64 && g_ascii_isalnum (name[0]) && name[len - 1] != ' ';

  for (const gchar *p = name; ok && *p; p++)
    ok = g_ascii_isalnum (*p) || strchr (" ._-", *p);
  if (!ok)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                 "bad %s name '%s': use letters, digits, spaces, '.', '_' and '-', starting with a "
                 "letter or digit, at most 64", what, name ? name : "");
  return ok;
}

/* User and group names as useradd(8) accepts them by default. */
/* Text kept in the store and shown to people (descriptions): valid UTF-8,
 * at most 256 characters, no control characters and no line or paragraph
 * separators, so that no text can add a line to the file or to a listing. */
gboolean
vmnet_auth_check_text (const gchar *what, const gchar *text, GError **error)
{
  const gchar *end = NULL;
  gunichar c;

  if (!text)
    return TRUE;
  if (!g_utf8_validate (text, -1, &end))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "bad %s: not valid UTF-8 (at byte %" G_GSIZE_FORMAT ")", what, (gsize) (end - text));
      return FALSE;
    }
  if (g_utf8_strlen (text, -1) > 256)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "bad %s: at most 256 characters", what);
      return FALSE;
    }
  c = vmnet_text_first_unprintable (text);
  if (c)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "bad %s: control characters and line breaks (here U+%04X) are not allowed", what, c);
      return FALSE;
    }
  return TRUE;
}

gboolean
vmnet_auth_check_account_name (const gchar *what, const gchar *name, GError **error)
{
  gsize len = name ? strlen (name) : 0;
  gboolean ok = len > 0 && len <= 32 && (g_ascii_islower (name[0]) || name[0] == '_');

  for (gsize i = 1; ok && i < len; i++)
    {
      gchar c = name[i];
      ok = g_ascii_islower (c) || g_ascii_isdigit (c) || c == '_' || c == '-' || (c == '$' && i == len - 1);
    }
  if (!ok)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                 "bad %s name '%s': use lower-case letters, digits, '_' and '-', starting with a "
                 "letter or '_', at most 32", what, name ? name : "");
  return ok;
}

/**
 * vmnet_auth_get_default_store_path:
 *
 * The authorization store file used when none is given.
 *
 * Returns: `$VMNET_AUTHORIZATION_STORE` if set, else
 *   %VMNET_AUTH_DEFAULT_STORE_PATH
 *
 * Since: 0.1
 */
const gchar *
vmnet_auth_get_default_store_path (void)
{
  const gchar *env = g_getenv ("VMNET_AUTHORIZATION_STORE");
  return env && *env ? env : VMNET_AUTH_DEFAULT_STORE_PATH;
}

/* The platform's administrators' group: sudo (Debian, Ubuntu), wheel
 * (Fedora, RHEL, SUSE, Arch), or admin; %NULL when the host has none. */
static const gchar *
admin_group (void)
{
  static const gchar *const candidates[] = { "sudo", "wheel", "admin" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (getgrnam (candidates[i]))
      return candidates[i];
  return NULL;
}

/**
 * vmnet_auth_store_new:
 *
 * The store Hyper-V ships: an Administrator role with every operation,
 * assigned to the user root and to the platform's administrators' group (the
 * first of sudo, wheel and admin that the host has) in the default scope.
 *
 * Returns: (transfer full): a new store with no file
 *
 * Since: 0.1
 */
VmnetAuthStore *
vmnet_auth_store_new (void)
{
  VmnetAuthStore *self = g_object_new (VMNET_TYPE_AUTH_STORE, NULL);
  VmnetStoreScope *def = g_ptr_array_index (self->scopes, 0);

  g_ptr_array_add (self->roles, vmnet_store_role_new ("Administrator", "Every operation",
                                                      VMNET_AUTH_ALL_OPERATIONS));
  g_ptr_array_add (def->assigns, vmnet_store_assign_new ("Administrator", "root", NULL));
  if (admin_group ())
    g_ptr_array_add (def->assigns, vmnet_store_assign_new ("Administrator", NULL, admin_group ()));
  return self;
}

/**
 * vmnet_auth_store_get_path:
 * @self: a #VmnetAuthStore
 *
 * Gets the path.
 *
 * Returns: (nullable): the file the store was read from, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_auth_store_get_path (VmnetAuthStore *self)
{
  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), NULL);
  return self->path;
}

/**
 * vmnet_auth_store_get_roles:
 * @self: a #VmnetAuthStore
 *
 * Gets the roles.
 *
 * Returns: (transfer container) (element-type VmnetAuthRole): the role
 *   definitions, in the store's order
 *
 * Since: 0.1
 */
GPtrArray *
vmnet_auth_store_get_roles (VmnetAuthStore *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), NULL);
  for (guint i = 0; i < self->roles->len; i++)
    {
      VmnetStoreRole *r = g_ptr_array_index (self->roles, i);
      g_autoptr(GPtrArray) names = vmnet_auth_operations_names (r->ops);

      g_ptr_array_add (names, NULL);
      g_ptr_array_add (out, vmnet_auth_role_new_internal (r->name, r->description,
                                                          (const gchar *const *) names->pdata));
    }
  return out;
}

/**
 * vmnet_auth_store_get_scopes:
 * @self: a #VmnetAuthStore
 *
 * Gets the scopes.
 *
 * Returns: (transfer container) (element-type VmnetAuthScope): the scopes,
 *   the default scope first
 *
 * Since: 0.1
 */
GPtrArray *
vmnet_auth_store_get_scopes (VmnetAuthStore *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), NULL);
  for (guint i = 0; i < self->scopes->len; i++)
    {
      VmnetStoreScope *s = g_ptr_array_index (self->scopes, i);
      g_ptr_array_add (out, vmnet_auth_scope_new_internal (s->name, s->parent, s->description));
    }
  return out;
}

/**
 * vmnet_auth_store_get_assignments:
 * @self: a #VmnetAuthStore
 *
 * Gets the assignments.
 *
 * Returns: (transfer container) (element-type VmnetAuthAssignment): every
 *   role assignment, scope by scope
 *
 * Since: 0.1
 */
GPtrArray *
vmnet_auth_store_get_assignments (VmnetAuthStore *self)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), NULL);
  for (guint i = 0; i < self->scopes->len; i++)
    {
      VmnetStoreScope *s = g_ptr_array_index (self->scopes, i);
      for (guint j = 0; j < s->assigns->len; j++)
        {
          VmnetStoreAssign *a = g_ptr_array_index (s->assigns, j);
          g_ptr_array_add (out, vmnet_auth_assignment_new_internal (a->role, s->name, a->user, a->group));
        }
    }
  return out;
}
