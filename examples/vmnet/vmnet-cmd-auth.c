/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Authorization: role definitions, role assignments, scopes, access checks
 * and the polkit rules they become. Every change is saved to the store and
 * the rules are exported again at once, so it applies to the next call. */
#include "vmnet-cli.h"

typedef struct {
  gchar     *store;
  gchar     *rules;
  gchar     *name;
  gchar     *description;
  gchar    **operations;
  gchar    **add_operations;
  gchar    **remove_operations;
  gchar     *role;
  gchar     *user;
  gchar     *group;
  gchar     *scope;
  gchar     *parent;
  gchar     *vm_name;
  gchar     *operation;
  gboolean   check;
} AuthOptions;

static const VmnetCliColumn role_columns[] = {
  { "Name", "name", TRUE, NULL },
  { "Operations", "operations", TRUE, NULL },
  { "Description", "description", FALSE, NULL },
  { NULL }
};

static const VmnetCliColumn scope_columns[] = {
  { "Name", "name", TRUE, NULL },
  { "Parent", "parent", TRUE, NULL },
  { "Description", "description", TRUE, NULL },
  { NULL }
};

static const VmnetCliColumn assignment_columns[] = {
  { "Role", "role", TRUE, NULL },
  { "Scope", "scope", TRUE, NULL },
  { "UserName", "user", TRUE, NULL },
  { "GroupName", "group", TRUE, NULL },
  { NULL }
};

static const VmnetCliColumn vm_scope_columns[] = {
  { "VMName", "name", TRUE, NULL },
  { "Scope", "scope", TRUE, NULL },
  { NULL }
};

static const VmnetCliColumn access_columns[] = {
  { "Allowed", "allowed", TRUE, NULL },
  { "User", "user", TRUE, NULL },
  { "Operation", "operation", TRUE, NULL },
  { "Scope", "scope", TRUE, NULL },
  { "Role", "role", FALSE, NULL },
  { "Reason", "reason", TRUE, NULL },
  { NULL }
};

static void
auth_free_options (gpointer options)
{
  AuthOptions *o = options;

  g_free (o->store);
  g_free (o->rules);
  g_free (o->name);
  g_free (o->description);
  g_strfreev (o->operations);
  g_strfreev (o->add_operations);
  g_strfreev (o->remove_operations);
  g_free (o->role);
  g_free (o->user);
  g_free (o->group);
  g_free (o->scope);
  g_free (o->parent);
  g_free (o->vm_name);
  g_free (o->operation);
}

/* The options every authorization command takes, then its own. */
static void
add_entries (GOptionContext *context, AuthOptions *o, const gchar *const *wanted)
{
  const GOptionEntry all[] = {
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &o->store,
      "The authorization store (default: $VMNET_AUTHORIZATION_STORE, then " VMNET_AUTH_DEFAULT_STORE_PATH ")", "FILE" },
    { "rules", 0, 0, G_OPTION_ARG_FILENAME, &o->rules,
      "The polkit rules file (default: $VMNET_POLKIT_RULES, then " VMNET_AUTH_DEFAULT_RULES_PATH ")", "FILE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &o->name, "The role or scope name", "NAME" },
    { "description", 0, 0, G_OPTION_ARG_STRING, &o->description, "What it is for", "TEXT" },
    { "operation", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->operations, "An operation (repeat the option for more)", "OPERATION" },
    { "add-operation", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->add_operations, "An operation to add", "OPERATION" },
    { "remove-operation", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->remove_operations, "An operation to remove", "OPERATION" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &o->role, "The role", "ROLE" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &o->user, "The user", "USER" },
    { "group", 0, 0, G_OPTION_ARG_STRING, &o->group, "The group", "GROUP" },
    { "scope", 0, 0, G_OPTION_ARG_STRING, &o->scope, "The scope (default: " VMNET_AUTH_DEFAULT_SCOPE ")", "SCOPE" },
    { "parent", 0, 0, G_OPTION_ARG_STRING, &o->parent, "The parent scope (default: " VMNET_AUTH_DEFAULT_SCOPE ")", "SCOPE" },
    { "vm-name", 0, 0, G_OPTION_ARG_STRING, &o->vm_name, "The VM", "VM" },
    { "check", 0, 0, G_OPTION_ARG_NONE, &o->check, "Validate and show the rules without writing them", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));

  for (guint i = 0; i < G_N_ELEMENTS (all) - 1; i++)
    {
      gboolean keep = i < 2;  /* --store and --rules */
      for (guint j = 0; !keep && wanted[j]; j++)
        keep = g_str_equal (all[i].long_name, wanted[j]);
      if (keep)
        g_array_append_val (entries, all[i]);
    }
  /* test-vmaccess: --operation names one operation. */
  for (guint i = 0; i < entries->len; i++)
    {
      GOptionEntry *e = &g_array_index (entries, GOptionEntry, i);
      if (g_str_equal (e->long_name, "operation") && g_strv_contains (wanted, "operation1"))
        {
          e->arg = G_OPTION_ARG_STRING;
          e->arg_data = &o->operation;
          e->description = "The operation to check";
        }
    }
  g_option_context_add_main_entries (context, (const GOptionEntry *) (gpointer) entries->data, NULL);
}

#define DEFINE_ADD_OPTIONS(fn, ...)                                             \
  static void                                                                   \
  fn (GOptionContext *context, gpointer options)                                \
  {                                                                             \
    const gchar *const wanted[] = { __VA_ARGS__, NULL };                        \
    add_entries (context, options, wanted);                                     \
  }

DEFINE_ADD_OPTIONS (store_only_options, "none")
DEFINE_ADD_OPTIONS (new_role_options, "name", "operation", "description")
DEFINE_ADD_OPTIONS (set_role_options, "name", "add-operation", "remove-operation", "description")
DEFINE_ADD_OPTIONS (name_options, "name")
DEFINE_ADD_OPTIONS (grant_options, "role", "user", "group", "scope")
DEFINE_ADD_OPTIONS (new_scope_options, "name", "parent", "description")
DEFINE_ADD_OPTIONS (set_scope_options, "vm-name", "scope")
DEFINE_ADD_OPTIONS (get_scope_options, "vm-name")
DEFINE_ADD_OPTIONS (test_options, "user", "vm-name", "operation", "operation1")
DEFINE_ADD_OPTIONS (export_options, "check")

static VmnetAuthStore *
load (AuthOptions *o, GError **error)
{
  return vmnet_auth_store_new_from_file (o->store, TRUE, error);
}

static gboolean
need (const gchar *value, const gchar *option, GError **error)
{
  if (value && *value)
    return TRUE;
  g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "give %s", option);
  return FALSE;
}

/* The store first, then the rules: the rules never name what the store does not hold. */
static gboolean
commit (VmnetCli *cli, AuthOptions *o, VmnetAuthStore *store, GError **error)
{
  g_autofree gchar *rules = vmnet_auth_store_generate_rules (store, vmnet_host_get_vms (cli->host), error);

  if (!rules)
    return FALSE;
  return vmnet_auth_store_save (store, NULL, error) &&
         vmnet_auth_store_export (store, vmnet_host_get_vms (cli->host), o->rules, error);
}

static void
print_one (VmnetCli *cli, const VmnetCliColumn *columns, gpointer object)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (objects, object);
  vmnet_cli_print_objects (cli, columns, objects, FALSE);
}

static gpointer
find_named (GPtrArray *objects, const gchar *name)
{
  for (guint i = 0; i < objects->len; i++)
    {
      g_autofree gchar *n = NULL;
      g_object_get (g_ptr_array_index (objects, i), "name", &n, NULL);
      if (g_strcmp0 (n, name) == 0)
        return g_object_ref (g_ptr_array_index (objects, i));
    }
  return NULL;
}

static gboolean
run_get_vmrole (VmnetCli *cli, gpointer options, GError **error)
{
  g_autoptr(VmnetAuthStore) store = load (options, error);
  g_autoptr(GPtrArray) roles = NULL;
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_object_unref);

  if (!store)
    return FALSE;
  roles = vmnet_auth_store_get_roles (store);
  for (guint i = 0; cli->args && cli->args[i]; i++)
    {
      gpointer role = find_named (roles, cli->args[i]);
      if (!role)
        {
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "no role '%s' in the authorization store",
                       cli->args[i]);
          return FALSE;
        }
      g_ptr_array_add (shown, role);
    }
  vmnet_cli_print_objects (cli, role_columns, shown->len ? shown : roles, FALSE);
  return TRUE;
}

static gboolean
run_new_vmrole (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;
  g_autoptr(GPtrArray) roles = NULL;

  if (!vmnet_cli_no_positional (cli, error) || !need (o->name, "--name NAME", error) ||
      !need (o->operations ? o->operations[0] : NULL, "--operation OPERATION (one or more)", error) ||
      !(store = load (o, error)) ||
      !vmnet_auth_store_add_role (store, o->name, (const gchar *const *) o->operations, o->description, error) ||
      !commit (cli, o, store, error))
    return FALSE;
  roles = vmnet_auth_store_get_roles (store);
  print_one (cli, role_columns, find_named (roles, o->name));
  return TRUE;
}

static gboolean
run_set_vmrole (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;
  g_autoptr(GPtrArray) roles = NULL;

  if (!vmnet_cli_no_positional (cli, error) || !need (o->name, "--name NAME", error) ||
      !(store = load (o, error)) ||
      !vmnet_auth_store_set_role (store, o->name, (const gchar *const *) o->add_operations,
                                  (const gchar *const *) o->remove_operations, o->description, error) ||
      !commit (cli, o, store, error))
    return FALSE;
  roles = vmnet_auth_store_get_roles (store);
  print_one (cli, role_columns, find_named (roles, o->name));
  return TRUE;
}

static gboolean
run_remove_vmrole (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;

  return vmnet_cli_no_positional (cli, error) && need (o->name, "--name NAME", error) &&
         (store = load (o, error)) && vmnet_auth_store_remove_role (store, o->name, error) &&
         commit (cli, o, store, error);
}

static gboolean
run_grant_or_revoke (VmnetCli *cli, AuthOptions *o, gboolean grant, GError **error)
{
  g_autoptr(VmnetAuthStore) store = NULL;
  gboolean ok;

  if (!vmnet_cli_no_positional (cli, error) || !need (o->role, "--role ROLE", error))
    return FALSE;
  if ((o->user == NULL) == (o->group == NULL))
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "give --user USER or --group GROUP");
      return FALSE;
    }
  if (!(store = load (o, error)))
    return FALSE;
  ok = grant ? vmnet_auth_store_grant (store, o->role, o->user, o->group, o->scope, error)
             : vmnet_auth_store_revoke (store, o->role, o->user, o->group, o->scope, error);
  if (!ok || !commit (cli, o, store, error))
    return FALSE;
  if (grant)
    {
      g_autoptr(GPtrArray) all = vmnet_auth_store_get_assignments (store);
      const gchar *scope = o->scope ? o->scope : VMNET_AUTH_DEFAULT_SCOPE;

      for (guint i = 0; i < all->len; i++)
        {
          VmnetAuthAssignment *a = g_ptr_array_index (all, i);
          if (g_str_equal (vmnet_auth_assignment_get_role (a), o->role) &&
              g_str_equal (vmnet_auth_assignment_get_scope (a), scope) &&
              g_strcmp0 (vmnet_auth_assignment_get_user (a), o->user) == 0 &&
              g_strcmp0 (vmnet_auth_assignment_get_group (a), o->group) == 0)
            print_one (cli, assignment_columns, g_object_ref (a));
        }
    }
  return TRUE;
}

static gboolean
run_grant_vmrole (VmnetCli *cli, gpointer options, GError **error)
{
  return run_grant_or_revoke (cli, options, TRUE, error);
}

static gboolean
run_revoke_vmrole (VmnetCli *cli, gpointer options, GError **error)
{
  return run_grant_or_revoke (cli, options, FALSE, error);
}

static gboolean
run_get_vmroleassignment (VmnetCli *cli, gpointer options, GError **error)
{
  g_autoptr(VmnetAuthStore) store = NULL;
  g_autoptr(GPtrArray) assignments = NULL;

  if (!vmnet_cli_no_positional (cli, error) || !(store = load (options, error)))
    return FALSE;
  assignments = vmnet_auth_store_get_assignments (store);
  vmnet_cli_print_objects (cli, assignment_columns, assignments, FALSE);
  return TRUE;
}

static gboolean
run_new_vmscope (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;
  g_autoptr(GPtrArray) scopes = NULL;

  if (!vmnet_cli_no_positional (cli, error) || !need (o->name, "--name NAME", error) ||
      !(store = load (o, error)) ||
      !vmnet_auth_store_add_scope (store, o->name, o->parent, o->description, error) ||
      !commit (cli, o, store, error))
    return FALSE;
  scopes = vmnet_auth_store_get_scopes (store);
  print_one (cli, scope_columns, find_named (scopes, o->name));
  return TRUE;
}

static gboolean
run_remove_vmscope (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;

  return vmnet_cli_no_positional (cli, error) && need (o->name, "--name NAME", error) &&
         (store = load (o, error)) && vmnet_auth_store_remove_scope (store, o->name, error) &&
         commit (cli, o, store, error);
}

static gboolean
run_set_vmscope (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;
  g_autoptr(GPtrArray) scopes = NULL;
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(VmnetVm) after = NULL;
  g_autoptr(GObject) known = NULL;

  if (!vmnet_cli_no_positional (cli, error) || !need (o->vm_name, "--vm-name VM", error) ||
      !need (o->scope, "--scope SCOPE", error) || !(store = load (o, error)))
    return FALSE;
  scopes = vmnet_auth_store_get_scopes (store);
  known = find_named (scopes, o->scope);
  if (!known)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                   "no scope '%s' in the authorization store; create it with new-vmscope", o->scope);
      return FALSE;
    }
  if (!(vm = vmnet_host_find_vm (cli->host, o->vm_name, error)) ||
      !vmnet_host_set_vm_scope (cli->host, vm, o->scope, cli->cancellable, error) ||
      !commit (cli, o, store, error) ||
      !(after = vmnet_host_find_vm (cli->host, o->vm_name, error)))
    return FALSE;
  print_one (cli, vm_scope_columns, g_steal_pointer (&after));
  return TRUE;
}

static gboolean
run_get_vmscope (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;
  g_autoptr(GPtrArray) scopes = NULL;

  if (!vmnet_cli_no_positional (cli, error))
    return FALSE;
  if (o->vm_name)
    {
      VmnetVm *vm = vmnet_host_find_vm (cli->host, o->vm_name, error);
      if (!vm)
        return FALSE;
      print_one (cli, vm_scope_columns, vm);
      return TRUE;
    }
  if (!(store = load (o, error)))
    return FALSE;
  scopes = vmnet_auth_store_get_scopes (store);
  vmnet_cli_print_objects (cli, scope_columns, scopes, FALSE);
  return TRUE;
}

static gboolean
run_test_vmaccess (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;
  g_autoptr(VmnetVm) vm = NULL;
  VmnetAccessCheck *check;

  if (!vmnet_cli_no_positional (cli, error) || !need (o->user, "--user USER", error) ||
      !need (o->operation, "--operation OPERATION", error) || !(store = load (o, error)))
    return FALSE;
  if (o->vm_name && !(vm = vmnet_host_find_vm (cli->host, o->vm_name, error)))
    return FALSE;
  check = vmnet_auth_store_test_access (store, o->user, o->operation, vm ? vmnet_vm_get_scope (vm) : NULL, error);
  if (!check)
    return FALSE;
  print_one (cli, access_columns, check);
  return TRUE;
}

static gboolean
run_export_vmauthorization (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;
  g_autofree gchar *rules = NULL;

  if (!vmnet_cli_no_positional (cli, error) || !(store = vmnet_auth_store_new_from_file (o->store, FALSE, error)))
    return FALSE;
  rules = vmnet_auth_store_generate_rules (store, vmnet_host_get_vms (cli->host), error);
  if (!rules)
    return FALSE;
  if (o->check)
    {
      g_print ("%s", rules);
      return TRUE;
    }
  return vmnet_auth_store_export (store, vmnet_host_get_vms (cli->host), o->rules, error);
}

#define AUTH_COMMAND(var, verb, hint, summary, add, run)                       \
  const VmnetCommand var = { verb, hint, summary, sizeof (AuthOptions), add, auth_free_options, run }

AUTH_COMMAND (vmnet_cmd_get_vmrole, "get-vmrole", "[NAME…]",
              "List role definitions and their operations", store_only_options, run_get_vmrole);
AUTH_COMMAND (vmnet_cmd_new_vmrole, "new-vmrole", "--name NAME --operation OPERATION…",
              "Define a role: a set of operations", new_role_options, run_new_vmrole);
AUTH_COMMAND (vmnet_cmd_set_vmrole, "set-vmrole", "--name NAME [--add-operation OP…] [--remove-operation OP…]",
              "Change a role definition", set_role_options, run_set_vmrole);
AUTH_COMMAND (vmnet_cmd_remove_vmrole, "remove-vmrole", "--name NAME",
              "Remove a role definition that nobody holds", name_options, run_remove_vmrole);
AUTH_COMMAND (vmnet_cmd_grant_vmrole, "grant-vmrole", "--role ROLE (--user USER | --group GROUP) [--scope SCOPE]",
              "Assign a role to a user or group in a scope", grant_options, run_grant_vmrole);
AUTH_COMMAND (vmnet_cmd_revoke_vmrole, "revoke-vmrole", "--role ROLE (--user USER | --group GROUP) [--scope SCOPE]",
              "Remove a role assignment", grant_options, run_revoke_vmrole);
AUTH_COMMAND (vmnet_cmd_get_vmroleassignment, "get-vmroleassignment", "",
              "List role assignments", store_only_options, run_get_vmroleassignment);
AUTH_COMMAND (vmnet_cmd_new_vmscope, "new-vmscope", "--name NAME [--parent SCOPE]",
              "Create a VM scope", new_scope_options, run_new_vmscope);
AUTH_COMMAND (vmnet_cmd_remove_vmscope, "remove-vmscope", "--name NAME",
              "Remove a VM scope and its assignments", name_options, run_remove_vmscope);
AUTH_COMMAND (vmnet_cmd_set_vmscope, "set-vmscope", "--vm-name VM --scope SCOPE",
              "Place a VM in a scope", set_scope_options, run_set_vmscope);
AUTH_COMMAND (vmnet_cmd_get_vmscope, "get-vmscope", "[--vm-name VM]",
              "List scopes, or show the scope of a VM", get_scope_options, run_get_vmscope);
AUTH_COMMAND (vmnet_cmd_test_vmaccess, "test-vmaccess", "--user USER [--vm-name VM] --operation OPERATION",
              "Say whether a user may do an operation, and by which assignment", test_options, run_test_vmaccess);
AUTH_COMMAND (vmnet_cmd_export_vmauthorization, "export-vmauthorization", "[--check]",
              "Write the polkit rules of the store (--check: validate and show them)", export_options,
              run_export_vmauthorization);
