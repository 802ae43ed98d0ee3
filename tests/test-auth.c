/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The authorization store: parser, changes, evaluator and polkit rules, no daemon involved.
 * The generated rules are run by gjs against a stand-in for polkit's API and must decide as
 * the evaluator does. */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "vmnet-auth-private.h"
#include "vmnet-error.h"
#include "vmnet-test-util.h"

static void
test_default_store (void)
{
  g_autoptr(VmnetAuthStore) store = vmnet_auth_store_new ();
  g_autoptr(VmnetAuthStore) again = NULL;
  g_autoptr(GPtrArray) roles = vmnet_auth_store_get_roles (store);
  g_autoptr(GPtrArray) assignments = vmnet_auth_store_get_assignments (store);
  g_autoptr(GError) error = NULL;
  g_autofree gchar *text = vmnet_auth_store_to_data (store);
  g_autofree gchar *text2 = NULL;

  g_assert_cmpuint (roles->len, ==, 1);
  g_assert_cmpstr (vmnet_auth_role_get_name (roles->pdata[0]), ==, "Administrator");
  g_assert_cmpuint (g_strv_length ((gchar **) vmnet_auth_role_get_operations (roles->pdata[0])), ==,
                    g_strv_length ((gchar **) vmnet_auth_get_operations ()));
  g_assert_cmpuint (assignments->len, ==, 2);
  g_assert_cmpstr (vmnet_auth_assignment_get_user (assignments->pdata[0]), ==, "root");
  g_assert_cmpstr (vmnet_auth_assignment_get_group (assignments->pdata[1]), ==, "admin");
  g_assert_cmpstr (vmnet_auth_assignment_get_scope (assignments->pdata[1]), ==, VMNET_AUTH_DEFAULT_SCOPE);

  again = vmnet_auth_store_new_from_data (text, "t", &error);
  g_assert_no_error (error);
  text2 = vmnet_auth_store_to_data (again);
  g_assert_cmpstr (text, ==, text2);

  g_assert_nonnull (vmnet_auth_operation_get_permissions ("take SNAPSHOTS"));
  g_assert_true (g_strv_contains (vmnet_auth_operation_get_permissions ("Take snapshots"), "domain.snapshot"));
  g_assert_null (vmnet_auth_operation_get_permissions ("Fly"));
}

/* Every libvirt permission belongs to one operation only. */
static void
test_operations_partition (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const gchar *const *ops = vmnet_auth_get_operations ();

  for (guint i = 0; ops[i]; i++)
    {
      const gchar *const *perms = vmnet_auth_operation_get_permissions (ops[i]);
      g_assert_nonnull (perms);
      for (guint j = 0; perms[j]; j++)
        {
          g_assert_false (g_hash_table_contains (seen, perms[j]));
          g_hash_table_add (seen, (gpointer) perms[j]);
          g_assert_cmpstr (vmnet_auth_operation_for_permission (perms[j]), ==, ops[i]);
        }
    }
}

typedef struct {
  const gchar *text;
  guint        line;
  const gchar *message;
} BadStore;

static const BadStore bad_stores[] = {
  { "[role R]\noperation = Fly\n", 2, "unknown operation 'Fly' in role 'R'; operations are 'Read service configuration'" },
  { "# c\n[scope default]\nassign = Ghost: user:alice\n", 3, "role 'Ghost' is assigned in scope 'default' but not defined" },
  { "[scope A]\nparent = B\n\n[scope B]\nparent = A\n", 2, "scope 'A' is its own ancestor (a cycle of parents)" },
  { "[scope A]\nparent = A\n", 2, "cycle" },
  { "[role R]\noperation = Take snapshots\n[scope default]\nassign = R: user:Alice\n", 4, "bad user name 'Alice'" },
  { "[role R]\noperation = Take snapshots\n[scope default]\nassign = R: group:a b\n", 4, "bad group name 'a b'" },
  { "[role R]\noperation = Take snapshots\n[scope default]\nassign = R: alice\n", 4, "must be user:NAME or group:NAME" },
  { "[role R]\noperation = Take snapshots\n[scope default]\nassign = R: user:al, user:al\n", 4, "twice" },
  { "[role R]\ncolour = red\n", 2, "unknown key 'colour' in role 'R'" },
  { "operation = Take snapshots\n", 1, "outside a [role NAME] or [scope NAME] section" },
  { "[role R\n", 1, "ends with ']'" },
  { "[group G]\n", 1, "unknown section '[group G]'" },
  { "[role R]\n[role R]\n", 2, "role 'R' is defined twice" },
  { "[scope S]\n[scope S]\n", 2, "scope 'S' is defined twice" },
  { "[scope default]\nparent = S\n", 2, "the default scope has no parent" },
  { "[scope S]\nparent = Nowhere\n", 2, "scope 'S' has parent 'Nowhere', which is not a scope" },
  { "[role -bad]\n", 1, "bad role name '-bad'" },
  { "[scope S]\njunk\n", 2, "expected KEY = VALUE" },
};

static void
test_parse_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_stores); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VmnetAuthStore) store = vmnet_auth_store_new_from_data (bad_stores[i].text, "auth.conf", &error);
      g_autofree gchar *prefix = g_strdup_printf ("auth.conf:%u: ", bad_stores[i].line);

      g_assert_null (store);
      g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA);
      if (!g_str_has_prefix (error->message, prefix) || !strstr (error->message, bad_stores[i].message))
        g_error ("store %u: expected '%s…%s', got '%s'", i, prefix, bad_stores[i].message, error->message);
    }
}

static void
test_file (void)
{
  g_autofree gchar *dir = g_dir_make_tmp ("vmnet-auth-XXXXXX", NULL);
  g_autofree gchar *path = g_build_filename (dir, "sub", "authorization.conf", NULL);
  g_autofree gchar *rules = g_build_filename (dir, "rules.d", "60-vmnet.rules", NULL);
  g_autofree gchar *rules_dir = g_path_get_dirname (rules);
  g_autoptr(VmnetAuthStore) missing = NULL;
  g_autoptr(VmnetAuthStore) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  GStatBuf st;

  missing = vmnet_auth_store_new_from_file (path, FALSE, &error);
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND);
  g_assert_null (missing);
  g_clear_error (&error);

  /* A missing store is Hyper-V's default, saved where it was asked for. */
  missing = vmnet_auth_store_new_from_file (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vmnet_auth_store_get_path (missing), ==, path);
  g_assert_true (vmnet_auth_store_add_scope (missing, "Test", NULL, "testing", &error));
  g_assert_true (vmnet_auth_store_save (missing, NULL, &error));
  g_assert_no_error (error);
  loaded = vmnet_auth_store_new_from_file (path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vmnet_auth_store_get_scopes (loaded)->len, ==, 2);
  g_ptr_array_unref (vmnet_auth_store_get_scopes (loaded));

  g_assert_true (vmnet_auth_store_export (loaded, NULL, rules, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (rules, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
  /* Replaced by rename: no temporary file is left beside it. */
  listing = g_dir_open (rules_dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "60-vmnet.rules");
  g_assert_null (g_dir_read_name (listing));

  g_unlink (rules);
  g_unlink (path);
  g_rmdir (rules_dir);
  {
    g_autofree gchar *sub = g_path_get_dirname (path);
    g_rmdir (sub);
  }
  g_rmdir (dir);
}

static void
test_changes (void)
{
  g_autoptr(VmnetAuthStore) store = vmnet_auth_store_new ();
  g_autoptr(GError) error = NULL;
  const gchar *ops[] = { "Read VM configuration", "start and stop vms", NULL };
  const gchar *bad_ops[] = { "Take snapshots", "Fly", NULL };
  g_autofree gchar *before = NULL;
  g_autofree gchar *after = NULL;
  g_autoptr(GPtrArray) roles = NULL;

  g_assert_true (vmnet_auth_store_add_role (store, "Operator", ops, "starts VMs", &error));
  g_assert_no_error (error);
  before = vmnet_auth_store_to_data (store);

#define FAILS(call, code)                                                      \
  G_STMT_START {                                                               \
    g_assert_false (call);                                                     \
    g_assert_error (error, VMNET_ERROR, code);                                 \
    g_test_message ("%s", error->message);                                     \
    g_clear_error (&error);                                                    \
  } G_STMT_END
  FAILS (vmnet_auth_store_add_role (store, "Operator", ops, NULL, &error), VMNET_ERROR_ALREADY_EXISTS);
  FAILS (vmnet_auth_store_add_role (store, "Other", bad_ops, NULL, &error), VMNET_ERROR_INVALID_ARGUMENT);
  FAILS (vmnet_auth_store_add_role (store, "bad\nname", ops, NULL, &error), VMNET_ERROR_INVALID_ARGUMENT);
  FAILS (vmnet_auth_store_set_role (store, "Operator", bad_ops, NULL, NULL, &error), VMNET_ERROR_INVALID_ARGUMENT);
  FAILS (vmnet_auth_store_set_role (store, "Nobody", ops, NULL, NULL, &error), VMNET_ERROR_NOT_FOUND);
  FAILS (vmnet_auth_store_grant (store, "Nobody", "alice", NULL, NULL, &error), VMNET_ERROR_NOT_FOUND);
  FAILS (vmnet_auth_store_grant (store, "Operator", "Alice", NULL, NULL, &error), VMNET_ERROR_INVALID_ARGUMENT);
  FAILS (vmnet_auth_store_grant (store, "Operator", "alice", "ops", NULL, &error), VMNET_ERROR_INVALID_ARGUMENT);
  FAILS (vmnet_auth_store_grant (store, "Operator", "alice", NULL, "Nowhere", &error), VMNET_ERROR_NOT_FOUND);
  FAILS (vmnet_auth_store_grant (store, "Administrator", "root", NULL, NULL, &error), VMNET_ERROR_ALREADY_EXISTS);
  FAILS (vmnet_auth_store_revoke (store, "Operator", "alice", NULL, NULL, &error), VMNET_ERROR_NOT_FOUND);
  FAILS (vmnet_auth_store_remove_role (store, "Administrator", &error), VMNET_ERROR_BUSY);
  FAILS (vmnet_auth_store_remove_scope (store, VMNET_AUTH_DEFAULT_SCOPE, &error), VMNET_ERROR_BUSY);
  FAILS (vmnet_auth_store_add_scope (store, "Test", "Nowhere", NULL, &error), VMNET_ERROR_NOT_FOUND);
  FAILS (vmnet_auth_store_add_scope (store, VMNET_AUTH_DEFAULT_SCOPE, NULL, NULL, &error), VMNET_ERROR_ALREADY_EXISTS);
  FAILS (vmnet_auth_store_test_access (store, "alice", "Fly", NULL, &error) != NULL, VMNET_ERROR_INVALID_ARGUMENT);
#undef FAILS

  /* Nothing half-applied. */
  after = vmnet_auth_store_to_data (store);
  g_assert_cmpstr (before, ==, after);

  g_assert_true (vmnet_auth_store_add_scope (store, "Test", NULL, NULL, &error));
  g_assert_true (vmnet_auth_store_add_scope (store, "Lab", "Test", NULL, &error));
  g_assert_false (vmnet_auth_store_remove_scope (store, "Test", &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_true (vmnet_auth_store_grant (store, "Operator", NULL, "ops", "Lab", &error));
  g_assert_true (vmnet_auth_store_revoke (store, "Operator", NULL, "ops", "Lab", &error));
  g_assert_true (vmnet_auth_store_remove_scope (store, "Lab", &error));
  g_assert_true (vmnet_auth_store_set_role (store, "Operator", (const gchar *[]) { "Take snapshots", NULL },
                                            (const gchar *[]) { "Start and stop VMs", NULL }, "", &error));
  g_assert_no_error (error);
  roles = vmnet_auth_store_get_roles (store);
  g_assert_cmpstrv (vmnet_auth_role_get_operations (roles->pdata[1]),
                    ((const gchar *[]) { "Read VM configuration", "Take snapshots", NULL }));
  g_assert_null (vmnet_auth_role_get_description (roles->pdata[1]));
  g_assert_true (vmnet_auth_store_remove_role (store, "Operator", &error));
}

static const gchar *eval_store =
  "[role Reader]\n"
  "operation = Read service configuration\n"
  "operation = Read VM configuration\n"
  "[role Snapper]\n"
  "operation = Take snapshots\n"
  "[role Net]\n"
  "operation = Change virtual switches\n"
  "[scope default]\n"
  "assign = Reader: user:alice\n"
  "[scope Test]\n"
  "assign = Snapper: user:alice, group:daemon\n"
  "assign = Net: user:alice\n"
  "[scope Lab]\n"
  "parent = Test\n"
  "assign = Net: user:bob\n"
  "[scope Island]\n"
  "description = no assignments\n";

static gboolean
allowed (VmnetAuthStore *store, const gchar *user, const gchar *op, const gchar *scope)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetAccessCheck) check = vmnet_auth_store_test_access (store, user, op, scope, &error);

  g_assert_no_error (error);
  g_test_message ("%s %s in %s: %s", user, op, scope ? scope : "default", vmnet_access_check_get_reason (check));
  return vmnet_access_check_get_allowed (check);
}

static void
test_evaluate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetAuthStore) store = vmnet_auth_store_new_from_data (eval_store, "t", &error);
  g_autoptr(VmnetAccessCheck) check = NULL;

  g_assert_no_error (error);
  /* A VM scope inherits its parents' assignments, down to the default scope. */
  g_assert_true (allowed (store, "alice", "Read VM configuration", NULL));
  g_assert_true (allowed (store, "alice", "Read VM configuration", "Lab"));
  g_assert_true (allowed (store, "alice", "Take snapshots", "Lab"));
  g_assert_false (allowed (store, "alice", "Take snapshots", NULL));
  g_assert_false (allowed (store, "alice", "Start and stop VMs", "Test"));
  /* A scope the store does not know: root alone. */
  g_assert_false (allowed (store, "alice", "Read VM configuration", "Unknown"));
  g_assert_true (allowed (store, "root", "Read VM configuration", "Unknown"));
  /* Groups from the user database: daemon is in group daemon. */
  g_assert_true (allowed (store, "daemon", "Take snapshots", "Test"));
  g_assert_false (allowed (store, "daemon", "Take snapshots", "Island"));
  /* Changing the host: the default scope only; reading it: any scope. */
  g_assert_false (allowed (store, "alice", "Change virtual switches", NULL));
  g_assert_false (allowed (store, "bob", "Change virtual switches", "Lab"));
  g_assert_true (allowed (store, "alice", "Read service configuration", "Island"));
  g_assert_false (allowed (store, "bob", "Read service configuration", NULL));

  check = vmnet_auth_store_test_access (store, "daemon", "take snapshots", "Lab", &error);
  g_assert_cmpstr (vmnet_access_check_get_operation (check), ==, "Take snapshots");
  g_assert_cmpstr (vmnet_access_check_get_role (check), ==, "Snapper");
  g_assert_cmpstr (vmnet_access_check_get_reason (check), ==,
                   "user 'daemon' is in group 'daemon', which holds role 'Snapper' in scope 'Test'");
}

/* The rules, run by gjs with a stand-in for polkit's API, against the evaluator. */
static void
test_rules_decide_as_the_evaluator (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetAuthStore) store = vmnet_auth_store_new_from_data (eval_store, "t", &error);
  const VmnetAuthVm vms[] = {
    { "11111111-1111-1111-1111-111111111111", "vm-default", NULL },
    { "22222222-2222-2222-2222-222222222222", "vm \"test\", // tricky */", "Test" },
    { "33333333-3333-3333-3333-333333333333", "vm-lab", "Lab" },
    { "44444444-4444-4444-4444-444444444444", "vm-island", "Island" },
    { "55555555-5555-5555-5555-555555555555", "vm-lost", "Unknown" },
  };
  const gchar *users[][2] = { { "alice", "" }, { "bob", "" }, { "daemon", "daemon" }, { "root", "root" } };
  g_autofree gchar *rules = NULL;
  g_autofree gchar *gjs = g_find_program_in_path ("gjs");
  g_autoptr(GString) script = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree gchar *path = NULL;
  g_autofree gchar *out = NULL;
  g_autofree gchar *err = NULL;
  gint fd, status;

  g_assert_no_error (error);
  rules = vmnet_auth_store_generate_rules_for (store, vms, G_N_ELEMENTS (vms), &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (rules, "\"33333333-3333-3333-3333-333333333333\": \"Lab\""));
  g_assert_null (strstr (rules, "11111111"));
  if (!gjs)
    {
      g_test_skip ("gjs is not installed");
      return;
    }

  g_string_append (script,
    "const polkit = { Result: { YES: 'yes', NO: 'no', NOT_HANDLED: 'nh' }, rules: [],\n"
    "  addRule(f) { this.rules.push(f); } };\n");
  g_string_append (script, rules);
  g_string_append (script,
    "function decide(user, groups, id, uuid) {\n"
    "  const subject = { user, isInGroup: g => groups.split(',').includes(g) };\n"
    "  const action = { id, lookup: k => (k === 'domain_uuid' ? uuid : undefined) };\n"
    "  return polkit.rules[0](action, subject) === 'yes';\n"
    "}\n"
    "let out = [];\n");
  for (guint u = 0; u < G_N_ELEMENTS (users); u++)
    for (guint v = 0; v < G_N_ELEMENTS (vms); v++)
      for (const gchar *const *op = vmnet_auth_get_operations (); *op; op++)
        {
          const gchar *perm = vmnet_auth_operation_get_permissions (*op)[1] ?
                              vmnet_auth_operation_get_permissions (*op)[1] :
                              vmnet_auth_operation_get_permissions (*op)[0];
          g_string_append_printf (script, "out.push(decide('%s', '%s', 'org.libvirt.api.%s', '%s') ? 1 : 0);\n",
                                  users[u][0], users[u][1], perm, vms[v].uuid);
          g_string_append_c (expected, allowed (store, users[u][0], *op, vms[v].scope) ? '1' : '0');
        }
  g_string_append (script,
    "out.push(decide('alice', '', 'org.libvirt.api.storage-pool.start', '') ? 1 : 0);\n"
    "out.push(polkit.rules[0]({ id: 'org.freedesktop.other', lookup: () => undefined }, { user: 'alice' }) === 'nh' ? 1 : 0);\n"
    "print(out.join(''));\n");
  g_string_append (expected, "01");

  fd = g_file_open_tmp ("vmnet-rules-XXXXXX.js", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, script->str, -1, &error));
  g_assert_true (g_spawn_sync (NULL, (gchar *[]) { gjs, path, NULL }, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_unlink (path);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("gjs failed on the rules: %s", err);
  g_assert_cmpstr (g_strchomp (out), ==, expected->str);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/auth/default-store", test_default_store);
  g_test_add_func ("/vmnet/auth/operations-partition", test_operations_partition);
  g_test_add_func ("/vmnet/auth/parse-errors", test_parse_errors);
  g_test_add_func ("/vmnet/auth/file", test_file);
  g_test_add_func ("/vmnet/auth/changes", test_changes);
  g_test_add_func ("/vmnet/auth/evaluate", test_evaluate);
  g_test_add_func ("/vmnet/auth/rules-decide-as-the-evaluator", test_rules_decide_as_the_evaluator);
  return g_test_run ();
}
