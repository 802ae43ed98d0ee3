/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmnet-error.h"
#include "vmnet-auth-private.h"

/**
 * VmnetAuthStore:
 *
 * Hyper-V's authorization model on libvirt: operations, role definitions
 * (sets of operations), role assignments (users and groups holding a role in
 * a scope) and scopes (the default scope plus VM scopes that VMs are placed
 * in). The store is kept in one text file (see the Authorization guide); it
 * is compiled into a polkit rules file for libvirt's polkit access driver by
 * vmnet_auth_store_export(), and vmnet_auth_store_test_access() evaluates
 * it directly to explain a decision.
 *
 * A store only holds valid content: loading rejects a malformed file with
 * the line at fault, and every change is checked before it is made. A store
 * is a plain object: use it from one thread at a time.
 *
 * Since: 0.1
 */

typedef enum {
  OP_VM,          /* on one VM: decided in the VM's scope and its parents */
  OP_HOST_READ,   /* reading the host: any assignment in any scope counts */
  OP_HOST,        /* changing the host: decided in the default scope */
} OpKind;

typedef struct {
  const gchar        *name;
  OpKind              kind;
  const gchar *const  permissions[12];
} Operation;

/* Each libvirt permission belongs to exactly one operation, so what libvirt
 * decides for a permission is what the store decides for its operation. */
static const Operation catalog[] = {
  { "Read service configuration", OP_HOST_READ,
    { "connect.getattr", "connect.read", "connect.search-domains", "connect.search-networks",
      "connect.search-node-devices", "network.getattr", "network.read", "node-device.getattr",
      "node-device.read", "nwfilter.getattr", "nwfilter.read", NULL } },
  { "Read VM configuration", OP_VM,
    { "domain.getattr", "domain.read", NULL } },
  { "Create or change VMs", OP_VM,
    { "domain.write", "domain.save", "domain.delete", "domain.read-secure", "domain.core-dump",
      "domain.block-read", "domain.block-write", "domain.mem-read", NULL } },
  { "Start and stop VMs", OP_VM,
    { "domain.start", "domain.stop", "domain.reset", "domain.suspend", "domain.hibernate",
      "domain.pm-control", "domain.init-control", "domain.send-signal", NULL } },
  { "Take snapshots", OP_VM,
    { "domain.snapshot", "domain.checkpoint", NULL } },
  { "Interact with VMs", OP_VM,
    { "domain.open-graphics", "domain.open-device", "domain.send-input", "domain.screenshot",
      "domain.inject-nmi", "domain.set-password", "domain.set-time", "domain.fs-freeze",
      "domain.fs-trim", "domain.open-namespace", NULL } },
  { "Migrate VMs", OP_VM,
    { "domain.migrate", NULL } },
  { "Change virtual switches", OP_HOST,
    { "network.write", "network.save", "network.delete", "network.start", "network.stop",
      "network.read-secure", "nwfilter.write", "nwfilter.save", NULL } },
  { "Configure SR-IOV on adapters", OP_HOST,
    { "network.search-ports", "network.create-port", "network-port.create", "network-port.getattr",
      "network-port.read", "network-port.delete", NULL } },
  { "Change physical SR-IOV adapters", OP_HOST,
    { "node-device.write", "node-device.start", "node-device.stop", "node-device.detach",
      "node-device.delete", NULL } },
};

#define N_OPERATIONS G_N_ELEMENTS (catalog)
#define ALL_OPERATIONS ((1u << N_OPERATIONS) - 1)

typedef struct {
  gchar *name;
  gchar *description;
  guint  ops;                   /* bit i: catalog[i] */
  guint  line;
} Role;

typedef struct {
  gchar *role;
  gchar *user;                  /* one of user and group */
  gchar *group;
  guint  line;
} Assign;

typedef struct {
  gchar     *name;
  gchar     *parent;            /* NULL for the default scope */
  gchar     *description;
  GPtrArray *assigns;           /* (element-type Assign) */
  guint      line;
  guint      parent_line;
} Scope;

struct _VmnetAuthStore {
  GObject    parent_instance;
  gchar     *path;
  GPtrArray *roles;             /* (element-type Role) */
  GPtrArray *scopes;            /* (element-type Scope), the default scope first */
};

G_DEFINE_FINAL_TYPE (VmnetAuthStore, vmnet_auth_store, G_TYPE_OBJECT)

static void
set_str (gchar **field, const gchar *value)
{
  gchar *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

static void
role_free (Role *r)
{
  g_free (r->name);
  g_free (r->description);
  g_free (r);
}

static void
assign_free (Assign *a)
{
  g_free (a->role);
  g_free (a->user);
  g_free (a->group);
  g_free (a);
}

static void
scope_free (Scope *s)
{
  g_free (s->name);
  g_free (s->parent);
  g_free (s->description);
  g_ptr_array_unref (s->assigns);
  g_free (s);
}

static Scope *
scope_new (const gchar *name, const gchar *parent, guint line)
{
  Scope *s = g_new0 (Scope, 1);

  s->name = g_strdup (name);
  s->parent = g_strdup (parent);
  s->assigns = g_ptr_array_new_with_free_func ((GDestroyNotify) assign_free);
  s->line = line;
  return s;
}

static void
vmnet_auth_store_finalize (GObject *object)
{
  VmnetAuthStore *self = VMNET_AUTH_STORE (object);

  g_free (self->path);
  g_ptr_array_unref (self->roles);
  g_ptr_array_unref (self->scopes);
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
  g_ptr_array_add (self->scopes, scope_new (VMNET_AUTH_DEFAULT_SCOPE, NULL, 0));
}

/* Operations and permissions */

static gint
operation_index (const gchar *name)
{
  for (guint i = 0; name && i < N_OPERATIONS; i++)
    if (g_ascii_strcasecmp (catalog[i].name, name) == 0)
      return i;
  return -1;
}

static gchar *
operation_list (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < N_OPERATIONS; i++)
    g_string_append_printf (s, "%s'%s'", i ? ", " : "", catalog[i].name);
  return g_string_free (s, FALSE);
}

/**
 * vmnet_auth_get_operations:
 *
 * The operations an access check guards, named for people ("Start and stop
 * VMs"). Each maps to a fixed set of libvirt permissions, see
 * vmnet_auth_operation_get_permissions().
 *
 * Returns: (array zero-terminated=1) (transfer none): the operation names
 *
 * Since: 0.1
 */
const gchar *const *
vmnet_auth_get_operations (void)
{
  static const gchar *names[N_OPERATIONS + 1];

  if (!names[0])
    for (guint i = 0; i < N_OPERATIONS; i++)
      names[i] = catalog[i].name;
  return names;
}

/**
 * vmnet_auth_operation_get_permissions:
 * @operation: an operation name (case-insensitive)
 *
 * The libvirt ACL permissions an operation grants, as polkit sees them
 * (`domain.start` is the action `org.libvirt.api.domain.start`).
 *
 * Returns: (array zero-terminated=1) (transfer none) (nullable): the
 *   permissions, or %NULL when @operation is not an operation
 *
 * Since: 0.1
 */
const gchar *const *
vmnet_auth_operation_get_permissions (const gchar *operation)
{
  gint i = operation_index (operation);

  return i < 0 ? NULL : catalog[i].permissions;
}

const gchar *
vmnet_auth_operation_for_permission (const gchar *permission)
{
  for (guint i = 0; i < N_OPERATIONS; i++)
    for (guint j = 0; catalog[i].permissions[j]; j++)
      if (g_str_equal (catalog[i].permissions[j], permission))
        return catalog[i].name;
  return NULL;
}

/**
 * vmnet_auth_get_default_store_path:
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

/**
 * vmnet_auth_get_default_rules_path:
 *
 * Returns: `$VMNET_POLKIT_RULES` if set, else %VMNET_AUTH_DEFAULT_RULES_PATH
 *
 * Since: 0.1
 */
const gchar *
vmnet_auth_get_default_rules_path (void)
{
  const gchar *env = g_getenv ("VMNET_POLKIT_RULES");
  return env && *env ? env : VMNET_AUTH_DEFAULT_RULES_PATH;
}

/* Names */

/* Role and scope names: letters, digits, space, '.', '_', '-'; at most 64. */
static gboolean
valid_object_name (const gchar *name)
{
  gsize len = name ? strlen (name) : 0;

  if (len == 0 || len > 64 || !g_ascii_isalnum (name[0]) || name[len - 1] == ' ')
    return FALSE;
  for (const gchar *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr (" ._-", *p))
      return FALSE;
  return TRUE;
}

/* User and group names as useradd(8) accepts them by default. */
static gboolean
valid_account_name (const gchar *name)
{
  gsize len = name ? strlen (name) : 0;

  if (len == 0 || len > 32 || !(g_ascii_islower (name[0]) || name[0] == '_'))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    {
      gchar c = name[i];
      if (g_ascii_islower (c) || g_ascii_isdigit (c) || c == '_' || c == '-')
        continue;
      if (c == '$' && i == len - 1)
        continue;
      return FALSE;
    }
  return TRUE;
}

static Role *
find_role (VmnetAuthStore *self, const gchar *name)
{
  for (guint i = 0; i < self->roles->len; i++)
    {
      Role *r = g_ptr_array_index (self->roles, i);
      if (g_strcmp0 (r->name, name) == 0)
        return r;
    }
  return NULL;
}

static Scope *
find_scope (VmnetAuthStore *self, const gchar *name)
{
  for (guint i = 0; i < self->scopes->len; i++)
    {
      Scope *s = g_ptr_array_index (self->scopes, i);
      if (g_strcmp0 (s->name, name) == 0)
        return s;
    }
  return NULL;
}

static gboolean
assign_matches (const Assign *a, const gchar *role, const gchar *user, const gchar *group)
{
  return g_strcmp0 (a->role, role) == 0 && g_strcmp0 (a->user, user) == 0 &&
         g_strcmp0 (a->group, group) == 0;
}

/* The parser */

typedef struct {
  const gchar *origin;
  guint        line;
} Where;

static void G_GNUC_PRINTF (3, 4)
set_data_error (GError **error, const Where *w, const gchar *format, ...)
{
  g_autofree gchar *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA, "%s:%u: %s", w->origin, w->line, message);
}

/* "user:alice, group:admins" */
static gboolean
parse_members (Scope *scope, const gchar *role, const gchar *text, const Where *w, GError **error)
{
  g_auto(GStrv) members = g_strsplit (text, ",", -1);
  guint n = 0;

  for (guint i = 0; members[i]; i++)
    {
      gchar *m = g_strstrip (members[i]);
      const gchar *name;
      gboolean group;
      Assign *a;

      if (g_str_has_prefix (m, "user:"))
        group = FALSE, name = m + 5;
      else if (g_str_has_prefix (m, "group:"))
        group = TRUE, name = m + 6;
      else
        {
          set_data_error (error, w, "member '%s' of role '%s' must be user:NAME or group:NAME", m, role);
          return FALSE;
        }
      if (!valid_account_name (name))
        {
          set_data_error (error, w, "bad %s name '%s': use lower-case letters, digits, '_' and '-', "
                          "starting with a letter or '_', at most 32", group ? "group" : "user", name);
          return FALSE;
        }
      for (guint j = 0; j < scope->assigns->len; j++)
        if (assign_matches (g_ptr_array_index (scope->assigns, j), role,
                            group ? NULL : name, group ? name : NULL))
          {
            set_data_error (error, w, "%s '%s' is assigned role '%s' in scope '%s' twice",
                            group ? "group" : "user", name, role, scope->name);
            return FALSE;
          }
      a = g_new0 (Assign, 1);
      a->role = g_strdup (role);
      a->user = group ? NULL : g_strdup (name);
      a->group = group ? g_strdup (name) : NULL;
      a->line = w->line;
      g_ptr_array_add (scope->assigns, a);
      n++;
    }
  if (n == 0)
    {
      set_data_error (error, w, "role '%s' is assigned to nobody", role);
      return FALSE;
    }
  return TRUE;
}

/* Each scope's chain of parents ends at the default scope. */
static gboolean
check_scopes (VmnetAuthStore *self, const gchar *origin, GError **error)
{
  for (guint i = 0; i < self->scopes->len; i++)
    {
      Scope *s = g_ptr_array_index (self->scopes, i);
      Scope *at = s;
      Where w = { origin, s->parent_line ? s->parent_line : s->line };

      if (s->parent && !find_scope (self, s->parent))
        {
          set_data_error (error, &w, "scope '%s' has parent '%s', which is not a scope", s->name, s->parent);
          return FALSE;
        }
      for (guint steps = 0; at && at->parent; steps++)
        {
          if (steps > self->scopes->len)
            {
              set_data_error (error, &w, "scope '%s' is its own ancestor (a cycle of parents)", s->name);
              return FALSE;
            }
          at = find_scope (self, at->parent);
        }
    }
  for (guint i = 0; i < self->scopes->len; i++)
    {
      Scope *s = g_ptr_array_index (self->scopes, i);
      for (guint j = 0; j < s->assigns->len; j++)
        {
          Assign *a = g_ptr_array_index (s->assigns, j);
          Where w = { origin, a->line };
          if (!find_role (self, a->role))
            {
              set_data_error (error, &w, "role '%s' is assigned in scope '%s' but not defined", a->role, s->name);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static gboolean
parse (VmnetAuthStore *self, const gchar *data, const gchar *origin, GError **error)
{
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);
  Role *role = NULL;
  Scope *scope = NULL;
  Where w = { origin, 0 };

  for (guint i = 0; lines[i]; i++)
    {
      gchar *line = g_strstrip (lines[i]);
      gchar *eq, *key, *value;

      w.line = i + 1;
      if (!*line || line[0] == '#' || line[0] == ';')
        continue;

      if (line[0] == '[')
        {
          gsize len = strlen (line);
          gchar *name;

          if (line[len - 1] != ']')
            {
              set_data_error (error, &w, "a section header ends with ']'");
              return FALSE;
            }
          line[len - 1] = '\0';
          name = line + 1;
          role = NULL;
          scope = NULL;
          if (g_str_has_prefix (name, "role ") || g_str_has_prefix (name, "scope "))
            {
              gboolean is_role = name[0] == 'r';
              name = g_strstrip (name + (is_role ? 5 : 6));
              if (!valid_object_name (name))
                {
                  set_data_error (error, &w, "bad %s name '%s': use letters, digits, spaces, '.', '_' and '-', "
                                  "starting with a letter or digit, at most 64", is_role ? "role" : "scope", name);
                  return FALSE;
                }
              if (is_role)
                {
                  if (find_role (self, name))
                    {
                      set_data_error (error, &w, "role '%s' is defined twice", name);
                      return FALSE;
                    }
                  role = g_new0 (Role, 1);
                  role->name = g_strdup (name);
                  role->line = w.line;
                  g_ptr_array_add (self->roles, role);
                }
              else
                {
                  scope = find_scope (self, name);
                  if (scope && (scope->line || !g_str_equal (name, VMNET_AUTH_DEFAULT_SCOPE)))
                    {
                      set_data_error (error, &w, "scope '%s' is defined twice", name);
                      return FALSE;
                    }
                  if (!scope)
                    {
                      /* A VM scope is a child of the default scope unless it says otherwise. */
                      scope = scope_new (name, VMNET_AUTH_DEFAULT_SCOPE, w.line);
                      g_ptr_array_add (self->scopes, scope);
                    }
                  scope->line = w.line;
                }
              continue;
            }
          set_data_error (error, &w, "unknown section '[%s]': sections are [role NAME] and [scope NAME]", name);
          return FALSE;
        }

      eq = strchr (line, '=');
      if (!eq)
        {
          set_data_error (error, &w, "expected KEY = VALUE, a [section] or a # comment");
          return FALSE;
        }
      *eq = '\0';
      key = g_strstrip (line);
      value = g_strstrip (eq + 1);

      if (role)
        {
          if (g_str_equal (key, "operation"))
            {
              gint op = operation_index (value);
              if (op < 0)
                {
                  g_autofree gchar *list = operation_list ();
                  set_data_error (error, &w, "unknown operation '%s' in role '%s'; operations are %s",
                                  value, role->name, list);
                  return FALSE;
                }
              role->ops |= 1u << op;
            }
          else if (g_str_equal (key, "description"))
            set_str (&role->description, *value ? value : NULL);
          else
            {
              set_data_error (error, &w, "unknown key '%s' in role '%s': keys are operation and description",
                              key, role->name);
              return FALSE;
            }
        }
      else if (scope)
        {
          if (g_str_equal (key, "parent"))
            {
              if (g_str_equal (scope->name, VMNET_AUTH_DEFAULT_SCOPE))
                {
                  set_data_error (error, &w, "the default scope has no parent");
                  return FALSE;
                }
              if (!valid_object_name (value))
                {
                  set_data_error (error, &w, "bad parent scope name '%s'", value);
                  return FALSE;
                }
              set_str (&scope->parent, value);
              scope->parent_line = w.line;
            }
          else if (g_str_equal (key, "description"))
            set_str (&scope->description, *value ? value : NULL);
          else if (g_str_equal (key, "assign"))
            {
              gchar *colon = strchr (value, ':');
              gchar *role_name;

              if (!colon)
                {
                  set_data_error (error, &w, "expected assign = ROLE: user:NAME, group:NAME");
                  return FALSE;
                }
              *colon = '\0';
              role_name = g_strstrip (value);
              if (!valid_object_name (role_name))
                {
                  set_data_error (error, &w, "bad role name '%s'", role_name);
                  return FALSE;
                }
              if (!parse_members (scope, role_name, colon + 1, &w, error))
                return FALSE;
            }
          else
            {
              set_data_error (error, &w, "unknown key '%s' in scope '%s': keys are parent, description and assign",
                              key, scope->name);
              return FALSE;
            }
        }
      else
        {
          set_data_error (error, &w, "'%s' outside a [role NAME] or [scope NAME] section", key);
          return FALSE;
        }
    }

  return check_scopes (self, origin, error);
}

/**
 * vmnet_auth_store_new:
 *
 * The store Hyper-V ships: an Administrator role with every operation,
 * assigned to the user root and the group admin in the default scope.
 *
 * Returns: (transfer full): a new store with no file
 *
 * Since: 0.1
 */
VmnetAuthStore *
vmnet_auth_store_new (void)
{
  VmnetAuthStore *self = g_object_new (VMNET_TYPE_AUTH_STORE, NULL);
  Scope *def = g_ptr_array_index (self->scopes, 0);
  Role *admin = g_new0 (Role, 1);
  Assign *a;

  admin->name = g_strdup ("Administrator");
  admin->description = g_strdup ("Every operation");
  admin->ops = ALL_OPERATIONS;
  g_ptr_array_add (self->roles, admin);
  a = g_new0 (Assign, 1);
  a->role = g_strdup ("Administrator");
  a->user = g_strdup ("root");
  g_ptr_array_add (def->assigns, a);
  a = g_new0 (Assign, 1);
  a->role = g_strdup ("Administrator");
  a->group = g_strdup ("admin");
  g_ptr_array_add (def->assigns, a);
  return self;
}

/**
 * vmnet_auth_store_new_from_data:
 * @data: the store's text
 * @origin: (nullable): the name to give in errors, such as a file name
 *
 * Parses a store. An error names the line at fault.
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
  if (!g_utf8_validate (data, -1, NULL))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA, "%s: not UTF-8 text",
                   origin ? origin : "store");
      return NULL;
    }
  if (!parse (self, data, origin ? origin : "store", error))
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
 * vmnet_auth_store_get_path:
 * @self: a #VmnetAuthStore
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
  GString *s = g_string_new ("# libvmnet authorization store: see the Authorization guide and vmnet(1).\n"
                             "# Written by libvmnet; 'vmnet export-vmauthorization' turns it into polkit rules.\n");

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), NULL);
  for (guint i = 0; i < self->roles->len; i++)
    {
      Role *r = g_ptr_array_index (self->roles, i);
      g_string_append_printf (s, "\n[role %s]\n", r->name);
      if (r->description)
        g_string_append_printf (s, "description = %s\n", r->description);
      for (guint op = 0; op < N_OPERATIONS; op++)
        if (r->ops & (1u << op))
          g_string_append_printf (s, "operation = %s\n", catalog[op].name);
    }
  for (guint i = 0; i < self->scopes->len; i++)
    {
      Scope *sc = g_ptr_array_index (self->scopes, i);
      g_autoptr(GPtrArray) done = g_ptr_array_new ();

      g_string_append_printf (s, "\n[scope %s]\n", sc->name);
      if (sc->parent && !g_str_equal (sc->parent, VMNET_AUTH_DEFAULT_SCOPE))
        g_string_append_printf (s, "parent = %s\n", sc->parent);
      if (sc->description)
        g_string_append_printf (s, "description = %s\n", sc->description);
      /* One assign line per role. */
      for (guint j = 0; j < sc->assigns->len; j++)
        {
          Assign *a = g_ptr_array_index (sc->assigns, j);
          gboolean first = TRUE;

          if (g_ptr_array_find_with_equal_func (done, a->role, g_str_equal, NULL))
            continue;
          g_ptr_array_add (done, a->role);
          g_string_append_printf (s, "assign = %s:", a->role);
          for (guint k = j; k < sc->assigns->len; k++)
            {
              Assign *b = g_ptr_array_index (sc->assigns, k);
              if (!g_str_equal (b->role, a->role))
                continue;
              g_string_append_printf (s, "%s %s:%s", first ? "" : ",", b->user ? "user" : "group",
                                      b->user ? b->user : b->group);
              first = FALSE;
            }
          g_string_append_c (s, '\n');
        }
    }
  return g_string_free (s, FALSE);
}

static gboolean
write_atomically (const gchar *path, const gchar *text, const gchar *what, GError **error)
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
  if (!write_atomically (path, text, "authorization store", error))
    return FALSE;
  if (path != self->path)
    set_str (&self->path, path);
  return TRUE;
}

/**
 * vmnet_auth_store_get_roles:
 * @self: a #VmnetAuthStore
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
      Role *r = g_ptr_array_index (self->roles, i);
      g_autoptr(GPtrArray) names = g_ptr_array_new ();

      for (guint op = 0; op < N_OPERATIONS; op++)
        if (r->ops & (1u << op))
          g_ptr_array_add (names, (gpointer) catalog[op].name);
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
      Scope *s = g_ptr_array_index (self->scopes, i);
      g_ptr_array_add (out, vmnet_auth_scope_new_internal (s->name, s->parent, s->description));
    }
  return out;
}

/**
 * vmnet_auth_store_get_assignments:
 * @self: a #VmnetAuthStore
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
      Scope *s = g_ptr_array_index (self->scopes, i);
      for (guint j = 0; j < s->assigns->len; j++)
        {
          Assign *a = g_ptr_array_index (s->assigns, j);
          g_ptr_array_add (out, vmnet_auth_assignment_new_internal (a->role, s->name, a->user, a->group));
        }
    }
  return out;
}

/* Changes: each checks everything first, then changes the store. */

static gboolean
check_name (const gchar *what, const gchar *name, GError **error)
{
  if (valid_object_name (name))
    return TRUE;
  g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
               "bad %s name '%s': use letters, digits, spaces, '.', '_' and '-', starting with a "
               "letter or digit, at most 64", what, name ? name : "");
  return FALSE;
}

static gboolean
ops_mask (const gchar *const *names, guint *mask, GError **error)
{
  *mask = 0;
  for (guint i = 0; names && names[i]; i++)
    {
      gint op = operation_index (names[i]);
      if (op < 0)
        {
          g_autofree gchar *list = operation_list ();
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                       "unknown operation '%s'; operations are %s", names[i], list);
          return FALSE;
        }
      *mask |= 1u << op;
    }
  return TRUE;
}

static Role *
lookup_role (VmnetAuthStore *self, const gchar *name, GError **error)
{
  Role *r = find_role (self, name);

  if (!r)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "no role '%s' in the authorization store",
                 name ? name : "");
  return r;
}

static Scope *
lookup_scope (VmnetAuthStore *self, const gchar *name, GError **error)
{
  Scope *s = find_scope (self, name ? name : VMNET_AUTH_DEFAULT_SCOPE);

  if (!s)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "no scope '%s' in the authorization store",
                 name);
  return s;
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
  Role *r;
  guint mask;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  if (!check_name ("role", name, error) || !ops_mask (operations, &mask, error))
    return FALSE;
  if (find_role (self, name))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS, "role '%s' exists already", name);
      return FALSE;
    }
  r = g_new0 (Role, 1);
  r->name = g_strdup (name);
  r->description = g_strdup (description);
  r->ops = mask;
  g_ptr_array_add (self->roles, r);
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
  guint add, remove;
  Role *r;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  if (!(r = lookup_role (self, name, error)) ||
      !ops_mask (add_operations, &add, error) || !ops_mask (remove_operations, &remove, error))
    return FALSE;
  r->ops = (r->ops | add) & ~remove;
  if (description)
    set_str (&r->description, *description ? description : NULL);
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
  Role *r;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  if (!(r = lookup_role (self, name, error)))
    return FALSE;
  for (guint i = 0; i < self->scopes->len; i++)
    {
      Scope *s = g_ptr_array_index (self->scopes, i);
      for (guint j = 0; j < s->assigns->len; j++)
        {
          Assign *a = g_ptr_array_index (s->assigns, j);
          if (g_str_equal (a->role, name))
            {
              g_set_error (error, VMNET_ERROR, VMNET_ERROR_BUSY,
                           "role '%s' is assigned to %s '%s' in scope '%s'; revoke it first",
                           name, a->user ? "user" : "group", a->user ? a->user : a->group, s->name);
              return FALSE;
            }
        }
    }
  g_ptr_array_remove (self->roles, r);
  return TRUE;
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
  if (!valid_account_name (name))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "bad %s name '%s': use lower-case letters, digits, '_' and '-', starting with a "
                   "letter or '_', at most 32", user ? "user" : "group", name);
      return FALSE;
    }
  return TRUE;
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
  Scope *s;
  Assign *a;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  if (!check_member (user, group, error) || !lookup_role (self, role, error) ||
      !(s = lookup_scope (self, scope, error)))
    return FALSE;
  for (guint j = 0; j < s->assigns->len; j++)
    if (assign_matches (g_ptr_array_index (s->assigns, j), role, user, group))
      {
        g_set_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS,
                     "%s '%s' holds role '%s' in scope '%s' already",
                     user ? "user" : "group", user ? user : group, role, s->name);
        return FALSE;
      }
  a = g_new0 (Assign, 1);
  a->role = g_strdup (role);
  a->user = g_strdup (user);
  a->group = g_strdup (group);
  g_ptr_array_add (s->assigns, a);
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
  Scope *s;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  if (!check_member (user, group, error) || !(s = lookup_scope (self, scope, error)))
    return FALSE;
  for (guint j = 0; j < s->assigns->len; j++)
    if (assign_matches (g_ptr_array_index (s->assigns, j), role, user, group))
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
  Scope *s;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  if (!check_name ("scope", name, error) || !lookup_scope (self, parent, error))
    return FALSE;
  if (find_scope (self, name))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS, "scope '%s' exists already", name);
      return FALSE;
    }
  s = scope_new (name, parent ? parent : VMNET_AUTH_DEFAULT_SCOPE, 0);
  s->description = g_strdup (description);
  g_ptr_array_add (self->scopes, s);
  return TRUE;
}

/**
 * vmnet_auth_store_remove_scope:
 * @self: a #VmnetAuthStore
 * @name: the scope
 * @error: return location for a #GError
 *
 * Removes a VM scope with its assignments. The default scope and a scope
 * that is another's parent cannot be removed (%VMNET_ERROR_BUSY). VMs still
 * placed in it are then governed by root alone until they are moved.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_auth_store_remove_scope (VmnetAuthStore *self, const gchar *name, GError **error)
{
  Scope *s;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  if (!(s = lookup_scope (self, name, error)))
    return FALSE;
  if (!s->parent)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_BUSY, "the default scope cannot be removed");
      return FALSE;
    }
  for (guint i = 0; i < self->scopes->len; i++)
    {
      Scope *c = g_ptr_array_index (self->scopes, i);
      if (g_strcmp0 (c->parent, name) == 0)
        {
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_BUSY, "scope '%s' is the parent of scope '%s'",
                       name, c->name);
          return FALSE;
        }
    }
  g_ptr_array_remove (self->scopes, s);
  return TRUE;
}

/* The evaluator: the same decision the generated rules make. */

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

/**
 * vmnet_auth_store_test_access:
 * @self: a #VmnetAuthStore
 * @user: a user name
 * @operation: an operation (see vmnet_auth_get_operations())
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
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  const gchar *checked;
  gint op;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), NULL);
  op = operation_index (operation);
  if (op < 0)
    {
      g_autofree gchar *list = operation_list ();
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "unknown operation '%s'; operations are %s", operation ? operation : "", list);
      return NULL;
    }
  if (!user || !*user)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "give a user name");
      return NULL;
    }
  operation = catalog[op].name;
  if (!scope)
    scope = VMNET_AUTH_DEFAULT_SCOPE;

  if (g_str_equal (user, "root"))
    return vmnet_access_check_new_internal (TRUE, user, operation, scope, NULL,
                                            "root may do everything (the store's owner)");

  switch (catalog[op].kind)
    {
    case OP_VM:
      checked = scope;
      for (Scope *s = find_scope (self, scope); s && chain->len <= self->scopes->len;
           s = s->parent ? find_scope (self, s->parent) : NULL)
        g_ptr_array_add (chain, s);
      if (chain->len == 0)
        {
          g_autofree gchar *reason = g_strdup_printf ("scope '%s' is not in the authorization store: "
                                                      "only root may act on its VMs", scope);
          return vmnet_access_check_new_internal (FALSE, user, operation, scope, NULL, reason);
        }
      break;
    case OP_HOST:
      checked = VMNET_AUTH_DEFAULT_SCOPE;
      g_ptr_array_add (chain, g_ptr_array_index (self->scopes, 0));
      break;
    case OP_HOST_READ:
    default:
      checked = "any";
      g_ptr_array_extend (chain, self->scopes, NULL, NULL);
      break;
    }

  groups = user_groups (user);
  for (guint i = 0; i < chain->len; i++)
    {
      Scope *s = g_ptr_array_index (chain, i);
      for (guint j = 0; j < s->assigns->len; j++)
        {
          Assign *a = g_ptr_array_index (s->assigns, j);
          Role *r = find_role (self, a->role);
          g_autofree gchar *reason = NULL;

          if (!r || !(r->ops & (1u << op)))
            continue;
          if (a->user && g_str_equal (a->user, user))
            reason = g_strdup_printf ("user '%s' holds role '%s' in scope '%s'", user, r->name, s->name);
          else if (a->group && g_strv_contains ((const gchar *const *) groups, a->group))
            reason = g_strdup_printf ("user '%s' is in group '%s', which holds role '%s' in scope '%s'",
                                      user, a->group, r->name, s->name);
          if (reason)
            return vmnet_access_check_new_internal (TRUE, user, operation, checked, r->name, reason);
        }
    }

  {
    g_autofree gchar *reason = NULL;
    switch (catalog[op].kind)
      {
      case OP_VM:
        reason = g_strdup_printf ("no role of user '%s' or its groups in scope '%s'%s grants '%s'",
                                  user, scope, chain->len > 1 ? " or its parents" : "", operation);
        break;
      case OP_HOST:
        reason = g_strdup_printf ("no role of user '%s' or its groups in the default scope grants '%s'",
                                  user, operation);
        break;
      default:
        reason = g_strdup_printf ("no role of user '%s' or its groups in any scope grants '%s'",
                                  user, operation);
      }
    return vmnet_access_check_new_internal (FALSE, user, operation, checked, NULL, reason);
  }
}

/* The rules generator */

static void
append_js_string (GString *s, const gchar *text)
{
  g_string_append_c (s, '"');
  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (s, "\\%c", *p);
      else if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>')
        g_string_append_printf (s, "\\u%04x", *p);
      else
        g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

gchar *
vmnet_auth_store_generate_rules_for (VmnetAuthStore    *self,
                                     const VmnetAuthVm *vms,
                                     guint              n_vms,
                                     GError           **error)
{
  GString *s = g_string_new (NULL);
  GPtrArray *entries[N_OPERATIONS + 1];
  gboolean first;

  g_string_append_printf (s,
    "// Generated by libvmnet from the authorization store %s.\n"
    "// Do not edit: change the store and run 'vmnet export-vmauthorization'.\n"
    "// Every libvirt action is decided here: allowed by a role assignment, else denied.\n"
    "polkit.addRule(function (action, subject) {\n"
    "    if (action.id.indexOf(\"org.libvirt.api.\") !== 0)\n"
    "        return polkit.Result.NOT_HANDLED;\n"
    "    if (subject.user === \"root\")\n"
    "        return polkit.Result.YES;\n",
    self->path ? self->path : "(in memory)");

  /* VMs placed in a VM scope; every other VM is in the default scope. */
  g_string_append (s, "    var vmScope = {");
  first = TRUE;
  for (guint i = 0; i < n_vms; i++)
    {
      if (!vms[i].uuid || !vms[i].scope || g_str_equal (vms[i].scope, VMNET_AUTH_DEFAULT_SCOPE))
        continue;
      g_string_append (s, first ? "\n        // " : ",\n        // ");
      for (const gchar *p = vms[i].name ? vms[i].name : ""; *p; p++)
        g_string_append_c (s, g_ascii_isprint (*p) ? *p : '?');
      g_string_append (s, "\n        ");
      append_js_string (s, vms[i].uuid);
      g_string_append (s, ": ");
      append_js_string (s, vms[i].scope);
      first = FALSE;
    }
  g_string_append (s, first ? "};\n" : "\n    };\n");

  /* Each scope and its parents, nearest first. */
  g_string_append (s, "    var chain = {");
  for (guint i = 0; i < self->scopes->len; i++)
    {
      Scope *sc = g_ptr_array_index (self->scopes, i);
      guint steps = 0;

      g_string_append (s, i ? ",\n        " : "\n        ");
      append_js_string (s, sc->name);
      g_string_append (s, ": [");
      for (Scope *at = sc; at && steps <= self->scopes->len;
           at = at->parent ? find_scope (self, at->parent) : NULL, steps++)
        {
          if (steps)
            g_string_append (s, ", ");
          append_js_string (s, at->name);
        }
      g_string_append_c (s, ']');
    }
  g_string_append (s, "\n    };\n");

  /* permission: [[scope, isGroup, name], …] of the assignments granting it. */
  for (guint op = 0; op <= N_OPERATIONS; op++)
    {
      entries[op] = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < self->scopes->len; i++)
        {
          Scope *sc = g_ptr_array_index (self->scopes, i);
          if (op < N_OPERATIONS && catalog[op].kind == OP_HOST && sc->parent)
            continue;
          for (guint j = 0; j < sc->assigns->len; j++)
            {
              Assign *a = g_ptr_array_index (sc->assigns, j);
              Role *r = find_role (self, a->role);
              GString *e;

              /* entries[N_OPERATIONS]: every assignment of a defined role. */
              if (!r || (op < N_OPERATIONS && !(r->ops & (1u << op))))
                continue;
              e = g_string_new ("[");
              append_js_string (e, sc->name);
              g_string_append (e, a->group ? ", 1, " : ", 0, ");
              append_js_string (e, a->user ? a->user : a->group);
              g_string_append_c (e, ']');
              g_ptr_array_add (entries[op], g_string_free (e, FALSE));
            }
        }
    }
  g_string_append (s, "    var grants = {");
  first = TRUE;
  for (guint op = 0; op < N_OPERATIONS; op++)
    {
      g_string_append_printf (s, "%s\n        // %s\n", first ? "" : ",", catalog[op].name);
      for (guint p = 0; catalog[op].permissions[p]; p++)
        {
          const gchar *perm = catalog[op].permissions[p];
          g_autoptr(GPtrArray) list = g_ptr_array_new ();
          g_autofree gchar *joined = NULL;

          g_ptr_array_extend (list, entries[op], NULL, NULL);
          /* Seeing an object (OBJECT.getattr) comes with every operation on it,
           * and opening a connection (connect.getattr) with every role
           * assignment: libvirt looks an object up before it checks the
           * permission asked for. */
          if (g_str_equal (perm, "connect.getattr"))
            g_ptr_array_extend (list, entries[N_OPERATIONS], NULL, NULL);
          else if (g_str_has_suffix (perm, ".getattr"))
            for (guint other = 0; other < N_OPERATIONS; other++)
              {
                gsize prefix = strlen (perm) - strlen ("getattr");
                gboolean same_object = FALSE;

                for (guint q = 0; !same_object && catalog[other].permissions[q]; q++)
                  same_object = strncmp (catalog[other].permissions[q], perm, prefix) == 0;
                if (other != op && same_object)
                  g_ptr_array_extend (list, entries[other], NULL, NULL);
              }
          /* Once each. */
          for (guint i = 0; i < list->len; i++)
            for (guint j = list->len - 1; j > i; j--)
              if (g_str_equal (g_ptr_array_index (list, i), g_ptr_array_index (list, j)))
                g_ptr_array_remove_index (list, j);
          g_ptr_array_add (list, NULL);
          joined = g_strjoinv (", ", (gchar **) list->pdata);
          g_string_append_printf (s, "%s        \"%s\": [%s]", p ? ",\n" : "", perm, joined);
        }
      first = FALSE;
    }
  g_string_append (s, "\n    };\n");
  for (guint op = 0; op <= N_OPERATIONS; op++)
    g_ptr_array_unref (entries[op]);

  g_string_append (s,
    "    var permission = action.id.substring(16);\n"
    "    if (!grants.hasOwnProperty(permission))\n"
    "        return polkit.Result.NO;\n"
    "    var list = grants[permission];\n"
    "    var scopes = null;\n"
    "    if (permission.indexOf(\"domain.\") === 0) {\n"
    "        var uuid = action.lookup(\"domain_uuid\");\n"
    "        var scope = (uuid && vmScope.hasOwnProperty(uuid)) ? vmScope[uuid] : \"default\";\n"
    "        scopes = chain.hasOwnProperty(scope) ? chain[scope] : [];\n"
    "    }\n"
    "    for (var i = 0; i < list.length; i++) {\n"
    "        var g = list[i];\n"
    "        if (scopes !== null && scopes.indexOf(g[0]) < 0)\n"
    "            continue;\n"
    "        if (g[1] ? subject.isInGroup(g[2]) : subject.user === g[2])\n"
    "            return polkit.Result.YES;\n"
    "    }\n"
    "    return polkit.Result.NO;\n"
    "});\n");
  return g_string_free (s, FALSE);
}

static GArray *
vm_list (GListModel *vms)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (VmnetAuthVm));

  for (guint i = 0; vms && i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(VmnetVm) vm = g_list_model_get_item (vms, i);
      VmnetAuthVm v = { vmnet_vm_get_uuid (vm), vmnet_vm_get_name (vm), vmnet_vm_get_scope (vm) };
      /* The strings belong to the VM objects, which the model keeps. */
      g_array_append_val (out, v);
    }
  return out;
}

/**
 * vmnet_auth_store_generate_rules:
 * @self: a #VmnetAuthStore
 * @vms: (nullable): the host's VMs (vmnet_host_get_vms()): those placed in a
 *   VM scope are named in the rules by UUID; any other VM is in the default scope
 * @error: return location for a #GError
 *
 * The polkit rules (JavaScript) for libvirt's polkit access driver that
 * enforce the store. They decide every `org.libvirt.api.*` action: YES when
 * a role assignment grants its permission, NO otherwise.
 *
 * Returns: (transfer full) (nullable): the rules text
 *
 * Since: 0.1
 */
gchar *
vmnet_auth_store_generate_rules (VmnetAuthStore *self, GListModel *vms, GError **error)
{
  g_autoptr(GArray) list = NULL;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), NULL);
  g_return_val_if_fail (vms == NULL || G_IS_LIST_MODEL (vms), NULL);
  list = vm_list (vms);
  return vmnet_auth_store_generate_rules_for (self, (const VmnetAuthVm *) (gpointer) list->data,
                                              list->len, error);
}

static gboolean
polkitd_runs (void)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const gchar *entry;

  while (proc && (entry = g_dir_read_name (proc)))
    {
      g_autofree gchar *comm_path = NULL;
      g_autofree gchar *comm = NULL;

      if (!g_ascii_isdigit (entry[0]))
        continue;
      comm_path = g_build_filename ("/proc", entry, "comm", NULL);
      if (g_file_get_contents (comm_path, &comm, NULL, NULL) && g_str_equal (g_strchomp (comm), "polkitd"))
        return TRUE;
    }
  return FALSE;
}

/* A directory polkitd reads rules from belongs to the polkitd user. */
static gboolean
polkit_rules_dir (const gchar *path)
{
  g_autofree gchar *dir = g_path_get_dirname (path);
  struct passwd pw, *found = NULL;
  gchar buf[1024];
  struct stat st;

  return stat (dir, &st) == 0 &&
         getpwuid_r (st.st_uid, &pw, buf, sizeof buf, &found) == 0 && found &&
         g_str_equal (pw.pw_name, "polkitd");
}

/* polkitd reloads a rules directory when it changes (inotify), a few
 * milliseconds later. Reading the new file moves its access time past its
 * modification time (relatime), so that is waited for, at most two seconds,
 * when the file is in polkitd's directory and a polkitd runs: then the very
 * next libvirt call is decided by it. */
static void
wait_until_read (const gchar *path)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  struct stat st;

  if (!polkit_rules_dir (path) || !polkitd_runs ())
    return;
  while (g_get_monotonic_time () < deadline)
    {
      if (stat (path, &st) < 0)
        return;
      if (st.st_atim.tv_sec > st.st_mtim.tv_sec ||
          (st.st_atim.tv_sec == st.st_mtim.tv_sec && st.st_atim.tv_nsec > st.st_mtim.tv_nsec))
        return;
      g_usleep (2000);
    }
  g_debug ("polkitd did not read %s within 2 s (noatime mount?)", path);
}

/**
 * vmnet_auth_store_export:
 * @self: a #VmnetAuthStore
 * @vms: (nullable): the host's VMs, as for vmnet_auth_store_generate_rules()
 * @path: (nullable): the rules file, or %NULL for
 *   vmnet_auth_get_default_rules_path()
 * @error: return location for a #GError
 *
 * Writes the polkit rules of the store, replacing the file atomically
 * (polkitd never reads half a file). polkitd applies a changed file by
 * itself; libvirtd needs no restart. When the file is in a directory of
 * polkitd's (owned by the polkitd user) and a polkitd runs on this machine,
 * this returns once it has read the new file (at most two seconds), so the
 * very next libvirt call is decided by the new rules.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_auth_store_export (VmnetAuthStore *self, GListModel *vms, const gchar *path, GError **error)
{
  g_autofree gchar *rules = NULL;

  g_return_val_if_fail (VMNET_IS_AUTH_STORE (self), FALSE);
  rules = vmnet_auth_store_generate_rules (self, vms, error);
  if (!rules)
    return FALSE;
  if (!path)
    path = vmnet_auth_get_default_rules_path ();
  if (!write_atomically (path, rules, "polkit rules", error))
    return FALSE;
  wait_until_read (path);
  return TRUE;
}
