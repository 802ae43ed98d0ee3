/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The authorization store file: a key file read into a store (new_from_data, new_from_file) and
 * written from one, atomically (save). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "vmnet-error.h"
#include "vmnet-auth-private.h"

#define ROLE_PREFIX "role "
#define SCOPE_PREFIX "scope "
#define ASSIGN_PREFIX "assign "

/* What a malformed file is refused with: the file, then the group and the key at fault. */
static gboolean G_GNUC_PRINTF (5, 6)
data_error (GError     **error,
            const gchar *origin,
            const gchar *group,
            const gchar *key,
            const gchar *format,
            ...)
{
  g_autofree gchar *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (!group)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA, "%s: %s", origin, message);
  else if (!key)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA, "%s: [%s]: %s", origin, group, message);
  else
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA, "%s: [%s] %s: %s", origin, group, key, message);
  return FALSE;
}

/* A value that GKeyFile could not read, or that a check shared with the changes refused. */
static gboolean
data_error_from (GError **error, const gchar *origin, const gchar *group, const gchar *key, GError *local)
{
  return data_error (error, origin, group, key, "%s", local->message);
}

/* A group's keys, refusing a key given twice (GKeyFile would keep the last). */
static GStrv
group_keys (GKeyFile *file, const gchar *origin, const gchar *group, GError **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys (file, group, NULL, NULL);

  for (guint i = 0; keys[i]; i++)
    for (guint j = 0; j < i; j++)
      if (g_str_equal (keys[i], keys[j]))
        {
          data_error (error, origin, group, keys[i], "the key is given twice");
          return NULL;
        }
  return g_steal_pointer (&keys);
}

/* A list value, each item without surrounding spaces. */
static GStrv
get_list (GKeyFile *file, const gchar *origin, const gchar *group, const gchar *key, GError **error)
{
  g_autoptr(GError) local = NULL;
  GStrv items = g_key_file_get_string_list (file, group, key, NULL, &local);

  /* GKeyFile may return what it could read along with the error. */
  if (local)
    {
      g_strfreev (items);
      data_error_from (error, origin, group, key, local);
      return NULL;
    }
  for (guint i = 0; items[i]; i++)
    g_strstrip (items[i]);
  return items;
}

/* An empty description is none. */
static gboolean
get_description (GKeyFile *file, const gchar *origin, const gchar *group, gchar **out, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree gchar *value = g_key_file_get_string (file, group, "description", &local);

  if (local || !vmnet_auth_check_text ("description", value, &local))
    return data_error_from (error, origin, group, "description", local);
  vmnet_auth_set_str (out, *value ? value : NULL);
  return TRUE;
}

static gboolean
read_role (VmnetAuthStore *self, GKeyFile *file, const gchar *origin, const gchar *group,
           const gchar *name, GError **error)
{
  g_auto(GStrv) keys = group_keys (file, origin, group, error);
  VmnetStoreRole *role;

  if (!keys)
    return FALSE;
  if (vmnet_store_find_role (self, name))
    return data_error (error, origin, group, NULL, "role '%s' is defined twice", name);
  role = vmnet_store_role_new (name, NULL, 0);
  g_ptr_array_add (self->roles, role);
  for (guint i = 0; keys[i]; i++)
    {
      if (g_str_equal (keys[i], "operations"))
        {
          g_auto(GStrv) names = get_list (file, origin, group, keys[i], error);
          g_autoptr(GError) local = NULL;

          if (!names)
            return FALSE;
          if (!vmnet_auth_operations_mask ((const gchar *const *) names, &role->ops, &local))
            return data_error_from (error, origin, group, keys[i], local);
        }
      else if (g_str_equal (keys[i], "description"))
        {
          if (!get_description (file, origin, group, &role->description, error))
            return FALSE;
        }
      else
        return data_error (error, origin, group, keys[i], "unknown key: the keys of a role are "
                           "operations and description");
    }
  return TRUE;
}

/* A scope's own keys; its assignments are read once every role is known. */
static gboolean
read_scope (VmnetAuthStore *self, GKeyFile *file, const gchar *origin, const gchar *group,
            const gchar *name, GHashTable *seen, GError **error)
{
  g_auto(GStrv) keys = group_keys (file, origin, group, error);
  VmnetStoreScope *scope;

  if (!keys)
    return FALSE;
  if (!g_hash_table_add (seen, g_strdup (name)))
    return data_error (error, origin, group, NULL, "scope '%s' is defined twice", name);
  scope = vmnet_store_find_scope (self, name);
  if (!scope)
    {
      /* A VM scope is a child of the default scope unless it says otherwise. */
      scope = vmnet_store_scope_new (name, VMNET_AUTH_DEFAULT_SCOPE, NULL);
      g_ptr_array_add (self->scopes, scope);
    }
  for (guint i = 0; keys[i]; i++)
    {
      if (g_str_equal (keys[i], "parent"))
        {
          g_autoptr(GError) local = NULL;
          g_autofree gchar *parent = g_key_file_get_string (file, group, keys[i], &local);

          if (!scope->parent)
            return data_error (error, origin, group, keys[i], "the default scope has no parent");
          if (local || !vmnet_auth_check_object_name ("parent scope", g_strstrip (parent), &local))
            return data_error_from (error, origin, group, keys[i], local);
          vmnet_auth_set_str (&scope->parent, parent);
        }
      else if (g_str_equal (keys[i], "description"))
        {
          if (!get_description (file, origin, group, &scope->description, error))
            return FALSE;
        }
      else if (g_str_equal (keys[i], "vms"))
        {
          g_auto(GStrv) uuids = get_list (file, origin, group, keys[i], error);

          if (!uuids)
            return FALSE;
          if (!scope->parent && uuids[0])
            return data_error (error, origin, group, keys[i], "the default scope lists no VMs: every VM "
                               "not placed in a VM scope is in it");
          for (guint j = 0; uuids[j]; j++)
            {
              g_autoptr(GError) local = NULL;
              VmnetStoreVm *other;

              if (!vmnet_auth_check_uuid (uuids[j], &local))
                return data_error_from (error, origin, group, keys[i], local);
              if ((other = vmnet_store_find_vm (self, uuids[j])))
                return data_error (error, origin, group, keys[i], "VM %s is placed in scope '%s' and in "
                                   "scope '%s'", uuids[j], other->scope, name);
              g_ptr_array_add (self->vms, vmnet_store_vm_new (uuids[j], name));
            }
        }
      else if (!g_str_has_prefix (keys[i], ASSIGN_PREFIX))
        return data_error (error, origin, group, keys[i], "unknown key: the keys of a scope are parent, "
                           "description, vms and " ASSIGN_PREFIX "ROLE");
    }
  return TRUE;
}

/* "assign ROLE = user:alice;group:admins" */
static gboolean
read_assignment (VmnetAuthStore *self, GKeyFile *file, const gchar *origin, const gchar *group,
                 VmnetStoreScope *scope, const gchar *key, GError **error)
{
  g_autofree gchar *role = g_strstrip (g_strdup (key + strlen (ASSIGN_PREFIX)));
  g_auto(GStrv) members = NULL;
  g_autoptr(GError) local = NULL;

  if (!vmnet_auth_check_object_name ("role", role, &local))
    return data_error_from (error, origin, group, key, local);
  if (!vmnet_store_find_role (self, role))
    return data_error (error, origin, group, key, "role '%s' is assigned in scope '%s' but not defined",
                       role, scope->name);
  if (!(members = get_list (file, origin, group, key, error)))
    return FALSE;
  if (!members[0])
    return data_error (error, origin, group, key, "role '%s' is assigned to nobody", role);
  for (guint i = 0; members[i]; i++)
    {
      const gchar *m = members[i];
      gboolean is_group = g_str_has_prefix (m, "group:");
      const gchar *name = strchr (m, ':') ? strchr (m, ':') + 1 : NULL;
      const gchar *user = is_group ? NULL : name;

      if (!is_group && !g_str_has_prefix (m, "user:"))
        return data_error (error, origin, group, key, "member '%s' of role '%s' must be user:NAME or "
                           "group:NAME", m, role);
      if (!vmnet_auth_check_account_name (is_group ? "group" : "user", name, &local))
        return data_error_from (error, origin, group, key, local);
      if (vmnet_store_find_assign (scope, role, user, is_group ? name : NULL) >= 0)
        return data_error (error, origin, group, key, "%s '%s' is assigned role '%s' in scope '%s' twice",
                           is_group ? "group" : "user", name, role, scope->name);
      g_ptr_array_add (scope->assigns, vmnet_store_assign_new (role, user, is_group ? name : NULL));
    }
  return TRUE;
}

/* A scope's parents, then its assignments: each scope's chain of parents ends at the default scope. */
static gboolean
read_scope_links (VmnetAuthStore *self, GKeyFile *file, const gchar *origin, const gchar *group,
                  VmnetStoreScope *scope, GError **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys (file, group, NULL, NULL);
  VmnetStoreScope *at = scope;

  if (scope->parent && !vmnet_store_find_scope (self, scope->parent))
    return data_error (error, origin, group, "parent", "scope '%s' has parent '%s', which is not a scope",
                       scope->name, scope->parent);
  for (guint steps = 0; at && at->parent; steps++)
    {
      if (steps > self->scopes->len)
        return data_error (error, origin, group, "parent", "scope '%s' is its own ancestor (a cycle of "
                           "parents)", scope->name);
      at = vmnet_store_find_scope (self, at->parent);
    }
  for (guint i = 0; keys[i]; i++)
    if (g_str_has_prefix (keys[i], ASSIGN_PREFIX) &&
        !read_assignment (self, file, origin, group, scope, keys[i], error))
      return FALSE;
  return TRUE;
}

/* The name in a group "[role NAME]" or "[scope NAME]"; NULL for another group. */
static gchar *
group_name (const gchar *group, const gchar *prefix)
{
  return g_str_has_prefix (group, prefix) ? g_strstrip (g_strdup (group + strlen (prefix))) : NULL;
}

gboolean
vmnet_auth_store_load_data (VmnetAuthStore *self, const gchar *data, const gchar *origin, GError **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) local = NULL;
  g_auto(GStrv) groups = NULL;

  if (!g_utf8_validate (data, -1, NULL))
    return data_error (error, origin, NULL, NULL, "not UTF-8 text");
  /* Translations kept, so that a key such as description[de] is refused rather than dropped. */
  if (!g_key_file_load_from_data (file, data, -1, G_KEY_FILE_KEEP_TRANSLATIONS, &local))
    return data_error_from (error, origin, NULL, NULL, local);

  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i]; i++)
    {
      g_autofree gchar *role = group_name (groups[i], ROLE_PREFIX);
      g_autofree gchar *scope = group_name (groups[i], SCOPE_PREFIX);

      if (!role && !scope)
        return data_error (error, origin, groups[i], NULL, "unknown group: the groups are [" ROLE_PREFIX
                           "NAME] and [" SCOPE_PREFIX "NAME]");
      if (!vmnet_auth_check_object_name (role ? "role" : "scope", role ? role : scope, &local))
        return data_error_from (error, origin, groups[i], NULL, local);
      if (role ? !read_role (self, file, origin, groups[i], role, error) :
                 !read_scope (self, file, origin, groups[i], scope, seen, error))
        return FALSE;
    }
  for (guint i = 0; groups[i]; i++)
    {
      g_autofree gchar *scope = group_name (groups[i], SCOPE_PREFIX);

      if (scope && !read_scope_links (self, file, origin, groups[i], vmnet_store_find_scope (self, scope), error))
        return FALSE;
    }
  return TRUE;
}

/**
 * vmnet_auth_store_to_data:
 * @self: a #VmnetAuthStore
 *
 * The store in its file format. Comments of a file it was read from are
 * not kept.
 *
 * Returns: (transfer full): the text
 *
 * Since: 0.1
 */
gchar *
vmnet_auth_store_to_data (VmnetAuthStore *self)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), NULL);
  g_key_file_set_comment (file, NULL, NULL,
                          " libvmnet authorization store: see the Authorization guide and vmnet(1).\n"
                          " Written by libvmnet; 'vmnet export-vmauthorization' turns it into polkit rules.",
                          NULL);
  for (guint i = 0; i < self->roles->len; i++)
    {
      VmnetStoreRole *r = g_ptr_array_index (self->roles, i);
      g_autofree gchar *group = g_strconcat (ROLE_PREFIX, r->name, NULL);
      g_autoptr(GPtrArray) names = vmnet_auth_operations_names (r->ops);

      if (r->description)
        g_key_file_set_string (file, group, "description", r->description);
      g_key_file_set_string_list (file, group, "operations", (const gchar *const *) names->pdata, names->len);
    }
  for (guint i = 0; i < self->scopes->len; i++)
    {
      VmnetStoreScope *sc = g_ptr_array_index (self->scopes, i);
      g_autofree gchar *group = g_strconcat (SCOPE_PREFIX, sc->name, NULL);

      /* A VM scope names its parent, so that a scope without assignments has a group too. */
      if (sc->parent)
        g_key_file_set_string (file, group, "parent", sc->parent);
      if (sc->description)
        g_key_file_set_string (file, group, "description", sc->description);
      /* The VMs placed in it, by UUID. */
      {
        g_autoptr(GPtrArray) uuids = g_ptr_array_new ();

        for (guint j = 0; j < self->vms->len; j++)
          {
            VmnetStoreVm *v = g_ptr_array_index (self->vms, j);
            if (g_str_equal (v->scope, sc->name))
              g_ptr_array_add (uuids, v->uuid);
          }
        if (uuids->len)
          g_key_file_set_string_list (file, group, "vms", (const gchar *const *) uuids->pdata, uuids->len);
      }
      /* One key per role, with its members in the order they were assigned. */
      for (guint j = 0; j < sc->assigns->len; j++)
        {
          VmnetStoreAssign *a = g_ptr_array_index (sc->assigns, j);
          g_autofree gchar *key = g_strconcat (ASSIGN_PREFIX, a->role, NULL);
          g_autoptr(GPtrArray) members = NULL;

          if (g_key_file_has_key (file, group, key, NULL))
            continue;
          members = g_ptr_array_new_with_free_func (g_free);
          for (guint k = j; k < sc->assigns->len; k++)
            {
              VmnetStoreAssign *b = g_ptr_array_index (sc->assigns, k);
              if (g_str_equal (b->role, a->role))
                g_ptr_array_add (members, g_strconcat (b->user ? "user:" : "group:",
                                                       b->user ? b->user : b->group, NULL));
            }
          g_key_file_set_string_list (file, group, key, (const gchar *const *) members->pdata, members->len);
        }
    }
  return g_key_file_to_data (file, NULL, NULL);
}

gboolean
vmnet_auth_write_atomically (const gchar *path, const gchar *text, const gchar *what, GError **error)
{
  g_autofree gchar *dir = g_path_get_dirname (path);
  g_autoptr(GError) local = NULL;

  if (g_mkdir_with_parents (dir, 0755) < 0)
    {
      int saved = errno;
      g_set_error (error, VMNET_ERROR, saved == EACCES ? VMNET_ERROR_ACCESS_DENIED : VMNET_ERROR_FAILED,
                   "cannot create '%s' for the %s: %s", dir, what, g_strerror (saved));
      return FALSE;
    }
  /* A temporary file beside it, then rename(): readers see the old or the new file. */
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local))
    {
      g_set_error (error, VMNET_ERROR,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_ACCES) ||
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_PERM) ?
                   VMNET_ERROR_ACCESS_DENIED : VMNET_ERROR_FAILED,
                   "cannot write the %s: %s", what, local->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * vmnet_auth_store_new_from_data:
 * @data: the store's text
 * @origin: (nullable): the name to give in errors, such as a file name
 *
 * Parses a store. An error names the group and key at fault.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error
 *   (%VMNET_ERROR_INVALID_DATA) set
 *
 * Since: 0.1
 */
VmnetAuthStore *
vmnet_auth_store_new_from_data (const gchar *data, const gchar *origin, GError **error)
{
  g_autoptr(VmnetAuthStore) self = g_object_new (VMNET_TYPE_AUTH_STORE, NULL);

  g_return_val_if_fail (data != NULL, NULL);
  if (!vmnet_auth_store_load_data (self, data, origin ? origin : "store", error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * vmnet_auth_store_new_from_file:
 * @path: (nullable): the store file, or %NULL for
 *   vmnet_auth_get_default_store_path()
 * @missing_ok: when the file does not exist, return Hyper-V's default store
 *   (vmnet_auth_store_new()) that will be saved to @path
 * @error: return location for a #GError
 *
 * Loads a store file; a file that does not exist gives the default store when @missing_ok is set.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set
 *
 * Since: 0.1
 */
VmnetAuthStore *
vmnet_auth_store_new_from_file (const gchar *path, gboolean missing_ok, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree gchar *data = NULL;
  VmnetAuthStore *self;

  if (!path)
    path = vmnet_auth_get_default_store_path ();
  if (!g_file_get_contents (path, &data, NULL, &local))
    {
      if (missing_ok && g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          self = vmnet_auth_store_new ();
          self->path = g_strdup (path);
          return self;
        }
      g_set_error (error, VMNET_ERROR,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? VMNET_ERROR_NOT_FOUND :
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_ACCES) ? VMNET_ERROR_ACCESS_DENIED :
                   VMNET_ERROR_FAILED,
                   "cannot read the authorization store: %s", local->message);
      return NULL;
    }
  self = vmnet_auth_store_new_from_data (data, path, error);
  if (self)
    self->path = g_strdup (path);
  return self;
}

/**
 * vmnet_auth_store_save:
 * @self: a #VmnetAuthStore
 * @path: (nullable): where to write, or %NULL for the file the store was read
 *   from (else vmnet_auth_get_default_store_path())
 * @error: return location for a #GError
 *
 * Writes the store atomically (a temporary file renamed over the old one).
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_auth_store_save (VmnetAuthStore *self, const gchar *path, GError **error)
{
  g_autofree gchar *text = NULL;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  if (!path)
    path = self->path ? self->path : vmnet_auth_get_default_store_path ();
  text = vmnet_auth_store_to_data (self);
  if (!vmnet_auth_write_atomically (path, text, "authorization store", error))
    return FALSE;
  if (path != self->path)
    vmnet_auth_set_str (&self->path, path);
  return TRUE;
}
