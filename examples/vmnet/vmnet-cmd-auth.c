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
  gboolean   force;
} AuthOptions;

/* A VM and the scope the store places it in (get-vmscope --vm-name, set-vmscope). */
#define VM_SCOPE_TYPE (vm_scope_get_type ())
G_DECLARE_FINAL_TYPE (VmScope, vm_scope, VM, SCOPE, GObject)

struct _VmScope {
  GObject  parent_instance;
  gchar   *name;
  gchar   *scope;
};

G_DEFINE_FINAL_TYPE (VmScope, vm_scope, G_TYPE_OBJECT)

enum { VM_SCOPE_PROP_NAME = 1, VM_SCOPE_PROP_SCOPE };

static void
vm_scope_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VmScope *self = VM_SCOPE (object);

  g_value_set_string (value, prop_id == VM_SCOPE_PROP_NAME ? self->name : self->scope);
}

static void
vm_scope_finalize (GObject *object)
{
  VmScope *self = VM_SCOPE (object);

  g_free (self->name);
  g_free (self->scope);
  G_OBJECT_CLASS (vm_scope_parent_class)->finalize (object);
}

static void
vm_scope_class_init (VmScopeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = vm_scope_get_property;
  object_class->finalize = vm_scope_finalize;
  g_object_class_install_property (object_class, VM_SCOPE_PROP_NAME,
                                   g_param_spec_string ("name", NULL, NULL, NULL,
                                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, VM_SCOPE_PROP_SCOPE,
                                   g_param_spec_string ("scope", NULL, NULL, NULL,
                                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
vm_scope_init (VmScope *self)
{
}

/* The store's scope of @vm: the only one the rules and test-vmaccess use. */
static VmScope *
vm_scope_new (VmnetAuthStore *store, VmnetVm *vm)
{
  VmScope *self = g_object_new (VM_SCOPE_TYPE, NULL);

  self->name = g_strdup (vmnet_vm_get_name (vm));
  self->scope = g_strdup (vmnet_auth_store_get_vm_scope (store, vmnet_vm_get_uuid (vm)));
  return self;
}

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

/* get-vmscope's fields: a scope's, or with --vm-name a VM's (for --fields). */
static const VmnetCliColumn get_scope_fields[] = {
  { "Name", "name", TRUE, NULL },
  { "Parent", "parent", TRUE, NULL },
  { "Description", "description", TRUE, NULL },
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

/* The options of the authorization commands: each takes --store and --rules,
 * then its own, in this order. */
#define AUTH_OPTION(field) VMNET_CLI_OPTION (AuthOptions, field)
#define STORE_ENTRIES                                                                                  \
  { "store", 0, 0, G_OPTION_ARG_FILENAME, AUTH_OPTION (store),                                       \
    "The authorization store (default: $VMNET_AUTHORIZATION_STORE, then " VMNET_AUTH_DEFAULT_STORE_PATH ")", \
    "FILE" },                                                                                          \
  { "rules", 0, 0, G_OPTION_ARG_FILENAME, AUTH_OPTION (rules),                                       \
    "The polkit rules file (default: $VMNET_POLKIT_RULES, then " VMNET_AUTH_DEFAULT_RULES_PATH ")", "FILE" }
#define NAME_ENTRY \
  { "name", 0, 0, G_OPTION_ARG_STRING, AUTH_OPTION (name), "The role or scope name", "NAME" }
#define DESCRIPTION_ENTRY \
  { "description", 0, 0, G_OPTION_ARG_STRING, AUTH_OPTION (description), "What it is for", "TEXT" }
#define ROLE_ENTRY \
  { "role", 0, 0, G_OPTION_ARG_STRING, AUTH_OPTION (role), "The role", "ROLE" }
#define USER_ENTRY \
  { "user", 0, 0, G_OPTION_ARG_STRING, AUTH_OPTION (user), "The user", "USER" }
#define FORCE_ENTRY \
  { "force", 0, 0, G_OPTION_ARG_NONE, AUTH_OPTION (force), \
    "Write the system's polkit rules even from a connection that is not this machine's own libvirt", NULL }
#define SCOPE_ENTRY \
  { "scope", 0, 0, G_OPTION_ARG_STRING, AUTH_OPTION (scope), "The scope (default: " VMNET_AUTH_DEFAULT_SCOPE ")", "SCOPE" }
#define VM_NAME_ENTRY \
  { "vm-name", 0, 0, G_OPTION_ARG_STRING, AUTH_OPTION (vm_name), "The VM", "VM" }

static const GOptionEntry store_entries[] = {
  STORE_ENTRIES,
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry new_role_entries[] = {
  STORE_ENTRIES,
  FORCE_ENTRY,
  NAME_ENTRY,
  DESCRIPTION_ENTRY,
  { "operation", 0, 0, G_OPTION_ARG_STRING_ARRAY, AUTH_OPTION (operations),
    "An operation (repeat the option for more)", "OPERATION" },
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry set_role_entries[] = {
  STORE_ENTRIES,
  FORCE_ENTRY,
  NAME_ENTRY,
  DESCRIPTION_ENTRY,
  { "add-operation", 0, 0, G_OPTION_ARG_STRING_ARRAY, AUTH_OPTION (add_operations), "An operation to add", "OPERATION" },
  { "remove-operation", 0, 0, G_OPTION_ARG_STRING_ARRAY, AUTH_OPTION (remove_operations),
    "An operation to remove", "OPERATION" },
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry name_entries[] = {
  STORE_ENTRIES,
  FORCE_ENTRY,
  NAME_ENTRY,
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry grant_entries[] = {
  STORE_ENTRIES,
  FORCE_ENTRY,
  ROLE_ENTRY,
  USER_ENTRY,
  { "group", 0, 0, G_OPTION_ARG_STRING, AUTH_OPTION (group), "The group", "GROUP" },
  SCOPE_ENTRY,
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry new_scope_entries[] = {
  STORE_ENTRIES,
  FORCE_ENTRY,
  NAME_ENTRY,
  DESCRIPTION_ENTRY,
  { "parent", 0, 0, G_OPTION_ARG_STRING, AUTH_OPTION (parent),
    "The parent scope (default: " VMNET_AUTH_DEFAULT_SCOPE ")", "SCOPE" },
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry set_scope_entries[] = {
  STORE_ENTRIES,
  FORCE_ENTRY,
  SCOPE_ENTRY,
  VM_NAME_ENTRY,
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry get_scope_entries[] = {
  STORE_ENTRIES,
  VM_NAME_ENTRY,
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry test_entries[] = {
  STORE_ENTRIES,
  { "operation", 0, 0, G_OPTION_ARG_STRING, AUTH_OPTION (operation), "The operation to check", "OPERATION" },
  USER_ENTRY,
  VM_NAME_ENTRY,
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry export_entries[] = {
  STORE_ENTRIES,
  FORCE_ENTRY,
  { "check", 0, 0, G_OPTION_ARG_NONE, AUTH_OPTION (check), "Validate and show the rules without writing them", NULL },
  G_OPTION_ENTRY_NULL
};

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

/* Where the rules go: --rules, $VMNET_POLKIT_RULES, then the default. */
static const gchar *
rules_path (AuthOptions *o)
{
  if (o->rules)
    return o->rules;
  return g_getenv ("VMNET_POLKIT_RULES") ? g_getenv ("VMNET_POLKIT_RULES") : VMNET_AUTH_DEFAULT_RULES_PATH;
}

/* The rules file named by --rules or $VMNET_POLKIT_RULES; NULL: the system's. */
static const gchar *
given_rules_path (AuthOptions *o)
{
  const gchar *env = g_getenv ("VMNET_POLKIT_RULES");

  return o->rules ? o->rules : env && *env ? env : NULL;
}

static VmnetAuthExportFlags
export_flags (AuthOptions *o)
{
  return o->force ? VMNET_AUTH_EXPORT_FLAGS_FORCE : VMNET_AUTH_EXPORT_FLAGS_NONE;
}

/* The store first, then the rules: the rules never name what the store does
 * not hold. Where the rules go is checked before anything is written. With
 * --what-if, the change made in memory is printed instead; --readonly
 * refuses it. */
static gboolean
commit (VmnetCli *cli, AuthOptions *o, VmnetAuthStore *store, const gchar *what, GError **error)
{
  g_autofree gchar *rules = vmnet_auth_store_generate_rules (store, vmnet_host_get_vms (cli->host), error);

  if (!rules)
    return FALSE;
  if (cli->what_if)
    {
      VmnetCliPlan *plan = vmnet_cli_plan_new (cli, "the authorization store");

      vmnet_cli_plan_note (plan, "%s", what);
      vmnet_cli_plan_note (plan, "Would save the store and write the polkit rules to '%s'", rules_path (o));
      return vmnet_cli_plan_print (plan);
    }
  if (cli->read_only)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_ACCESS_DENIED,
                   "--readonly: %s would change the authorization store; run it without --readonly", cli->verb);
      return FALSE;
    }
  return vmnet_auth_check_rules_target (cli->host, given_rules_path (o), export_flags (o), error) &&
         vmnet_auth_store_save (store, NULL, error) &&
         vmnet_auth_store_export_for_host (store, cli->host, given_rules_path (o), export_flags (o), error);
}

static gboolean
print_one (VmnetCli *cli, const VmnetCliColumn *columns, gpointer object, GError **error)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (objects, object);
  return vmnet_cli_print_objects (cli, columns, objects, FALSE, error);
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
  return vmnet_cli_print_objects (cli, role_columns, shown->len ? shown : roles, FALSE, error);
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
      !vmnet_auth_store_add_role (store, o->name, (const gchar *const *) o->operations, o->description, error))
    return FALSE;
  {
    g_autofree gchar *ops = g_strjoinv (", ", o->operations);
    g_autofree gchar *what = g_strdup_printf ("Would define role '%s' with operations %s", o->name, ops);
    if (!commit (cli, o, store, what, error))
      return FALSE;
  }
  if (cli->what_if)
    return TRUE;
  roles = vmnet_auth_store_get_roles (store);
  return print_one (cli, role_columns, find_named (roles, o->name), error);
}

static gboolean
run_set_vmrole (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;
  g_autoptr(GPtrArray) roles = NULL;

  if (!vmnet_cli_no_positional (cli, error) || !need (o->name, "--name NAME", error) ||
      !(store = load (o, error)) ||
      !(roles = vmnet_auth_store_get_roles (store)))
    return FALSE;
  {
    g_autoptr(GObject) before = find_named (roles, o->name);
    g_auto(GStrv) old_ops = NULL;
    g_autofree gchar *old_text = NULL;
    g_autofree gchar *new_text = NULL;
    g_autofree gchar *what = NULL;
    g_autoptr(GObject) after = NULL;

    if (before)
      g_object_get (before, "operations", &old_ops, NULL);
    if (!vmnet_auth_store_set_role (store, o->name, (const gchar *const *) o->add_operations,
                                    (const gchar *const *) o->remove_operations, o->description, error))
      return FALSE;
    g_clear_pointer (&roles, g_ptr_array_unref);
    roles = vmnet_auth_store_get_roles (store);
    after = find_named (roles, o->name);
    {
      g_auto(GStrv) new_ops = NULL;
      g_object_get (after, "operations", &new_ops, NULL);
      old_text = old_ops ? g_strjoinv (", ", old_ops) : g_strdup ("");
      new_text = new_ops ? g_strjoinv (", ", new_ops) : g_strdup ("");
    }
    what = g_strdup_printf ("Role '%s': Operations {%s} -> {%s}", o->name, old_text, new_text);
    if (!commit (cli, o, store, what, error))
      return FALSE;
    if (cli->what_if)
      return TRUE;
    return print_one (cli, role_columns, g_steal_pointer (&after), error);
  }
}

static gboolean
run_remove_vmrole (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;

  g_autofree gchar *what = g_strdup_printf ("Would remove role '%s'", o->name ? o->name : "");

  return vmnet_cli_no_positional (cli, error) && need (o->name, "--name NAME", error) &&
         (store = load (o, error)) && vmnet_auth_store_remove_role (store, o->name, error) &&
         commit (cli, o, store, what, error);
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
  if (!ok)
    return FALSE;
  {
    g_autofree gchar *what = g_strdup_printf ("Would %s role '%s' %s %s '%s' in scope '%s'", grant ? "grant" : "revoke",
                                              o->role, grant ? "to" : "from", o->user ? "user" : "group",
                                              o->user ? o->user : o->group, o->scope ? o->scope : VMNET_AUTH_DEFAULT_SCOPE);
    if (!commit (cli, o, store, what, error))
      return FALSE;
  }
  if (grant && !cli->what_if)
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
            return print_one (cli, assignment_columns, g_object_ref (a), error);
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
  return vmnet_cli_print_objects (cli, assignment_columns, assignments, FALSE, error);
}

static gboolean
run_new_vmscope (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;
  g_autoptr(GPtrArray) scopes = NULL;

  if (!vmnet_cli_no_positional (cli, error) || !need (o->name, "--name NAME", error) ||
      !(store = load (o, error)) ||
      !vmnet_auth_store_add_scope (store, o->name, o->parent, o->description, error))
    return FALSE;
  {
    g_autofree gchar *what = g_strdup_printf ("Would create scope '%s' under '%s'", o->name,
                                              o->parent ? o->parent : VMNET_AUTH_DEFAULT_SCOPE);
    if (!commit (cli, o, store, what, error))
      return FALSE;
  }
  if (cli->what_if)
    return TRUE;
  scopes = vmnet_auth_store_get_scopes (store);
  return print_one (cli, scope_columns, find_named (scopes, o->name), error);
}

static gboolean
run_remove_vmscope (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;

  g_autofree gchar *what = g_strdup_printf ("Would remove scope '%s' and its assignments", o->name ? o->name : "");

  return vmnet_cli_no_positional (cli, error) && need (o->name, "--name NAME", error) &&
         (store = load (o, error)) && vmnet_auth_store_remove_scope (store, o->name, error) &&
         commit (cli, o, store, what, error);
}

static gboolean
run_set_vmscope (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;
  g_autoptr(VmnetVm) vm = NULL;
  g_autofree gchar *from = NULL;
  g_autofree gchar *what = NULL;

  if (!vmnet_cli_no_positional (cli, error) || !need (o->vm_name, "--vm-name VM", error) ||
      !need (o->scope, "--scope SCOPE", error) || !(store = load (o, error)) ||
      !(vm = vmnet_host_find_vm (cli->host, o->vm_name, error)))
    return FALSE;
  /* The store's map alone places VMs; the tool changes it as the store's owner. */
  from = g_strdup (vmnet_auth_store_get_vm_scope (store, vmnet_vm_get_uuid (vm)));
  if (!vmnet_auth_store_set_vm_scope (store, vmnet_vm_get_uuid (vm), o->scope, NULL, error))
    {
      if (g_error_matches (*error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND))
        g_prefix_error (error, "VM '%s': ", vmnet_vm_get_name (vm));
      return FALSE;
    }
  what = g_strdup_printf ("VM '%s' (%s): Scope '%s' -> '%s'", vmnet_vm_get_name (vm), vmnet_vm_get_uuid (vm),
                          from, vmnet_auth_store_get_vm_scope (store, vmnet_vm_get_uuid (vm)));
  if (!commit (cli, o, store, what, error))
    return FALSE;
  if (cli->what_if)
    return TRUE;
  return print_one (cli, vm_scope_columns, vm_scope_new (store, vm), error);
}

static gboolean
run_get_vmscope (VmnetCli *cli, gpointer options, GError **error)
{
  AuthOptions *o = options;
  g_autoptr(VmnetAuthStore) store = NULL;
  g_autoptr(GPtrArray) scopes = NULL;

  if (!vmnet_cli_no_positional (cli, error) || !(store = load (o, error)))
    return FALSE;
  if (o->vm_name)
    {
      g_autoptr(VmnetVm) vm = vmnet_host_find_vm (cli->host, o->vm_name, error);
      if (!vm)
        return FALSE;
      return print_one (cli, vm_scope_columns, vm_scope_new (store, vm), error);
    }
  scopes = vmnet_auth_store_get_scopes (store);
  return vmnet_cli_print_objects (cli, scope_columns, scopes, FALSE, error);
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
  check = vmnet_auth_store_test_access (store, o->user, o->operation,
                                        vm ? vmnet_auth_store_get_vm_scope (store, vmnet_vm_get_uuid (vm)) : NULL,
                                        error);
  if (!check)
    return FALSE;
  return print_one (cli, access_columns, check, error);
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
  if (cli->what_if)
    {
      VmnetCliPlan *plan = vmnet_cli_plan_new (cli, "the polkit rules");

      vmnet_cli_plan_note (plan, "Would write the rules of the store to '%s'", rules_path (o));
      return vmnet_cli_plan_print (plan);
    }
  if (cli->read_only)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_ACCESS_DENIED,
                           "--readonly: export-vmauthorization would write the polkit rules; use --check to see them");
      return FALSE;
    }
  return vmnet_auth_store_export_for_host (store, cli->host, given_rules_path (o), export_flags (o), error);
}

#define AUTH_COMMAND(var, verb, hint, text, options, run_fn, ...) \
  const VmnetCommand var = { .name = verb, .args_hint = hint, .summary = text,     \
                             .options_size = sizeof (AuthOptions), .entries = options, \
                             .run = run_fn, __VA_ARGS__ }

AUTH_COMMAND (vmnet_cmd_get_vmrole, "get-vmrole", "[NAME…]",
              "List role definitions and their operations", store_entries, run_get_vmrole,
              .args = VMNET_CLI_VALUES_ROLES, .columns = role_columns);
AUTH_COMMAND (vmnet_cmd_new_vmrole, "new-vmrole", "--name NAME --operation OPERATION…",
              "Define a role: a set of operations", new_role_entries, run_new_vmrole,
              .columns = role_columns, .changes = TRUE);
AUTH_COMMAND (vmnet_cmd_set_vmrole, "set-vmrole", "--name NAME [--add-operation OP…] [--remove-operation OP…]",
              "Change a role definition", set_role_entries, run_set_vmrole, .names = VMNET_CLI_VALUES_ROLES,
              .columns = role_columns, .changes = TRUE);
AUTH_COMMAND (vmnet_cmd_remove_vmrole, "remove-vmrole", "--name NAME",
              "Remove a role definition that nobody holds", name_entries, run_remove_vmrole,
              .names = VMNET_CLI_VALUES_ROLES, .changes = TRUE);
AUTH_COMMAND (vmnet_cmd_grant_vmrole, "grant-vmrole", "--role ROLE (--user USER | --group GROUP) [--scope SCOPE]",
              "Assign a role to a user or group in a scope", grant_entries, run_grant_vmrole,
              .columns = assignment_columns, .changes = TRUE);
AUTH_COMMAND (vmnet_cmd_revoke_vmrole, "revoke-vmrole", "--role ROLE (--user USER | --group GROUP) [--scope SCOPE]",
              "Remove a role assignment", grant_entries, run_revoke_vmrole, .changes = TRUE);
AUTH_COMMAND (vmnet_cmd_get_vmroleassignment, "get-vmroleassignment", "",
              "List role assignments", store_entries, run_get_vmroleassignment, .columns = assignment_columns);
AUTH_COMMAND (vmnet_cmd_new_vmscope, "new-vmscope", "--name NAME [--parent SCOPE]",
              "Create a VM scope", new_scope_entries, run_new_vmscope,
              .columns = scope_columns, .changes = TRUE);
AUTH_COMMAND (vmnet_cmd_remove_vmscope, "remove-vmscope", "--name NAME",
              "Remove a VM scope and its assignments", name_entries, run_remove_vmscope,
              .names = VMNET_CLI_VALUES_SCOPES, .changes = TRUE);
AUTH_COMMAND (vmnet_cmd_set_vmscope, "set-vmscope", "--vm-name VM --scope SCOPE",
              "Place a VM in a scope", set_scope_entries, run_set_vmscope,
              .columns = vm_scope_columns, .changes = TRUE);
AUTH_COMMAND (vmnet_cmd_get_vmscope, "get-vmscope", "[--vm-name VM]",
              "List scopes, or show the scope of a VM", get_scope_entries, run_get_vmscope,
              .columns = get_scope_fields);
AUTH_COMMAND (vmnet_cmd_test_vmaccess, "test-vmaccess", "--user USER [--vm-name VM] --operation OPERATION",
              "Say whether a user may do an operation, and by which assignment", test_entries, run_test_vmaccess,
              .columns = access_columns);
AUTH_COMMAND (vmnet_cmd_export_vmauthorization, "export-vmauthorization", "[--check]",
              "Write the polkit rules of the store (--check: validate and show them)", export_entries,
              run_export_vmauthorization, .changes = TRUE);
