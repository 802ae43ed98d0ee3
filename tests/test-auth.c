/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The authorization store: file format, changes, evaluator and polkit rules, no daemon involved.
 * The generated rules are run by duktape (the engine of Debian's polkitd) and by gjs against a
 * stand-in for polkit's API and must decide as the evaluator does. */
#include <grp.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#ifdef HAVE_DUKTAPE
#include <duktape.h>
#endif

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
  /* Every operation, listed by the names of earlier stores where a whole set is held. */
  {
    const gchar *const *listed = vmnet_auth_role_get_operations (roles->pdata[0]);
    guint n = 0;

    g_assert_true (g_strv_contains (listed, "Take snapshots"));
    g_assert_true (g_strv_contains (listed, "Reconfigure service"));
    for (guint i = 0; listed[i]; i++)
      n += g_strv_length ((gchar **) vmnet_auth_operation_get_members (listed[i]));
    g_assert_cmpuint (n, ==, g_strv_length ((gchar **) vmnet_auth_get_operations ()));
  }
  g_assert_cmpuint (assignments->len, ==, 2);
  g_assert_cmpstr (vmnet_auth_assignment_get_user (assignments->pdata[0]), ==, "root");
  /* The platform's administrators: sudo on Debian, where these tests run. */
  g_assert_nonnull (getgrnam (vmnet_auth_assignment_get_group (assignments->pdata[1])));
  if (g_file_test ("/etc/debian_version", G_FILE_TEST_EXISTS))
    g_assert_cmpstr (vmnet_auth_assignment_get_group (assignments->pdata[1]), ==, "sudo");
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
  const gchar *where;           /* the group and key named after the file, NULL: none */
  const gchar *message;         /* NULL: GLib's own message */
} BadStore;

static const BadStore bad_stores[] = {
  { "[role R]\noperations = Fly\n", "[role R] operations",
    "unknown operation 'Fly'; operations are 'Connect to the service'" },
  { "[role R]\noperations = Take snapshots\noperations = Migrate VMs\n", "[role R] operations", "given twice" },
  { "[role R]\ncolour = red\n", "[role R] colour", "unknown key: the keys of a role are operations and description" },
  { "[role R]\ndescription[de] = x\n", "[role R] description[de]", "unknown key" },
  { "[role R]\ndescription = a\\qb\n", "[role R] description", NULL },
  { "[role R]\n[role  R]\n", "[role  R]", "role 'R' is defined twice" },
  { "[role -bad]\n", "[role -bad]", "bad role name '-bad'" },
  { "[group G]\n", "[group G]", "unknown group: the groups are [role NAME] and [scope NAME]" },
  { "# c\n[scope default]\nassign Ghost = user:alice\n", "[scope default] assign Ghost",
    "role 'Ghost' is assigned in scope 'default' but not defined" },
  { "[scope A]\nparent = B\n\n[scope B]\nparent = A\n", "[scope A] parent", "scope 'A' is its own ancestor (a cycle of parents)" },
  { "[scope A]\nparent = A\n", "[scope A] parent", "cycle" },
  { "[scope S]\nparent = Nowhere\n", "[scope S] parent", "scope 'S' has parent 'Nowhere', which is not a scope" },
  { "[scope S]\nparent = -x\n", "[scope S] parent", "bad parent scope name '-x'" },
  { "[scope default]\nparent = S\n", "[scope default] parent", "the default scope has no parent" },
  { "[scope S]\n[scope  S]\n", "[scope  S]", "scope 'S' is defined twice" },
  { "[scope S]\nvms = 5b0c2d6e-7f18-4a29-b3c4\n", "[scope S] vms", "bad VM UUID '5b0c2d6e-7f18-4a29-b3c4'" },
  { "[scope S]\nvms = 5b0c2d6e-7f18-4a29-b3c4-d5e6f7a80001\n[scope T]\nvms = 5B0C2D6E-7F18-4A29-B3C4-D5E6F7A80001\n",
    "[scope T] vms", "VM 5B0C2D6E-7F18-4A29-B3C4-D5E6F7A80001 is placed in scope 'S' and in scope 'T'" },
  { "[scope default]\nvms = 5b0c2d6e-7f18-4a29-b3c4-d5e6f7a80001\n", "[scope default] vms",
    "the default scope lists no VMs" },
  { "[scope S]\nassign = user:a\n", "[scope S] assign", "unknown key: the keys of a scope are parent, description, vms and assign ROLE" },
  { "[role R]\noperations = Take snapshots\n[scope default]\nassign R = user:Alice\n", "[scope default] assign R",
    "bad user name 'Alice'" },
  { "[role R]\n[scope default]\nassign R = group:a b\n", "[scope default] assign R", "bad group name 'a b'" },
  { "[role R]\n[scope default]\nassign R = alice\n", "[scope default] assign R", "member 'alice' of role 'R' must be user:NAME or group:NAME" },
  { "[role R]\n[scope default]\nassign R = user:al; user:al\n", "[scope default] assign R",
    "user 'al' is assigned role 'R' in scope 'default' twice" },
  { "[role R]\n[scope default]\nassign R =\n", "[scope default] assign R", "role 'R' is assigned to nobody" },
  { "[role R]\n[scope default]\nassign -R = user:a\n", "[scope default] assign -R", "bad role name '-R'" },
  /* What GKeyFile refuses: it quotes the line. */
  { "operations = Take snapshots\n", NULL, NULL },
  { "[role R\n", NULL, "[role R" },
  { "[scope S]\njunk\n", NULL, "junk" },
  { "[role R]\ndescription = \xff\n", NULL, "not UTF-8 text" },
};

static void
test_parse_errors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_stores); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VmnetAuthStore) store = vmnet_auth_store_new_from_data (bad_stores[i].text, "auth.conf", &error);
      g_autofree gchar *prefix = g_strdup_printf ("auth.conf: %s%s", bad_stores[i].where ? bad_stores[i].where : "",
                                                  bad_stores[i].where ? ": " : "");

      if (store)
        g_error ("store %u loaded: %s", i, bad_stores[i].text);
      g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA);
      if (!g_str_has_prefix (error->message, prefix) ||
          (bad_stores[i].message && !strstr (error->message, bad_stores[i].message)))
        g_error ("store %u: expected '%s…%s', got '%s'", i, prefix,
                 bad_stores[i].message ? bad_stores[i].message : "", error->message);
    }
}

/* Descriptions keep any text a person reads (key-file syntax included); names and members keep
 * their order. */
static void
test_file_format_round_trip (void)
{
  g_autoptr(VmnetAuthStore) store = vmnet_auth_store_new ();
  g_autoptr(VmnetAuthStore) again = NULL;
  g_autoptr(GError) error = NULL;
  const gchar *description = "  one; two # [not a group] \\ back = slash \\n \U0001F600 ";
  g_autofree gchar *text = NULL;
  g_autofree gchar *text2 = NULL;
  g_autoptr(GPtrArray) roles = NULL;
  g_autoptr(GPtrArray) scopes = NULL;
  g_autoptr(GPtrArray) assignments = NULL;

  g_assert_true (vmnet_auth_store_add_role (store, "VM owner", (const gchar *[]) { "Start and stop VMs",
                                            "Read VM configuration", NULL }, description, &error));
  g_assert_true (vmnet_auth_store_add_role (store, "Nothing", NULL, NULL, &error));
  g_assert_true (vmnet_auth_store_add_scope (store, "Test", NULL, "lab", &error));
  g_assert_true (vmnet_auth_store_add_scope (store, "Lab.2_x-y", "Test", NULL, &error));
  g_assert_true (vmnet_auth_store_grant (store, "VM owner", "alice", NULL, "Test", &error));
  g_assert_true (vmnet_auth_store_grant (store, "Administrator", NULL, "ops", "Test", &error));
  g_assert_true (vmnet_auth_store_grant (store, "VM owner", NULL, "testers", "Test", &error));
  g_assert_true (vmnet_auth_store_grant (store, "VM owner", "_svc$", NULL, "Lab.2_x-y", &error));
  g_assert_no_error (error);

  text = vmnet_auth_store_to_data (store);
  g_test_message ("%s", text);
  /* The key file: one group per role and scope, one key per role assigned in a scope. */
  g_assert_nonnull (strstr (text, "\n[role VM owner]\n"));
  g_assert_nonnull (strstr (text, "\noperations=Read VM configuration;Start and stop VMs;\n"));
  g_assert_nonnull (strstr (text, "\n[role Nothing]\noperations=\n"));
  g_assert_nonnull (strstr (text, "\n[scope default]\nassign Administrator=user:root;group:"));
  g_assert_nonnull (strstr (text, "\n[scope Test]\nparent=default\ndescription=lab\n"
                                  "assign VM owner=user:alice;group:testers;\nassign Administrator=group:ops;\n"));
  g_assert_nonnull (strstr (text, "\n[scope Lab.2_x-y]\nparent=Test\nassign VM owner=user:_svc$;\n"));

  again = vmnet_auth_store_new_from_data (text, "t", &error);
  g_assert_no_error (error);
  text2 = vmnet_auth_store_to_data (again);
  g_assert_cmpstr (text, ==, text2);
  roles = vmnet_auth_store_get_roles (again);
  g_assert_cmpuint (roles->len, ==, 3);
  g_assert_cmpstr (vmnet_auth_role_get_name (roles->pdata[1]), ==, "VM owner");
  g_assert_cmpstr (vmnet_auth_role_get_description (roles->pdata[1]), ==, description);
  g_assert_cmpstrv (vmnet_auth_role_get_operations (roles->pdata[1]),
                    ((const gchar *[]) { "Read VM configuration", "Start and stop VMs", NULL }));
  g_assert_null (vmnet_auth_role_get_operations (roles->pdata[2])[0]);
  scopes = vmnet_auth_store_get_scopes (again);
  g_assert_cmpuint (scopes->len, ==, 3);
  g_assert_cmpstr (vmnet_auth_scope_get_parent (scopes->pdata[2]), ==, "Test");
  g_assert_cmpstr (vmnet_auth_scope_get_description (scopes->pdata[1]), ==, "lab");
  assignments = vmnet_auth_store_get_assignments (again);
  g_assert_cmpuint (assignments->len, ==, 6);
  g_assert_cmpstr (vmnet_auth_assignment_get_user (assignments->pdata[2]), ==, "alice");
  g_assert_cmpstr (vmnet_auth_assignment_get_group (assignments->pdata[3]), ==, "testers");
  g_assert_cmpstr (vmnet_auth_assignment_get_role (assignments->pdata[4]), ==, "Administrator");
  g_assert_cmpstr (vmnet_auth_assignment_get_scope (assignments->pdata[5]), ==, "Lab.2_x-y");

  /* Written by hand: spaces around '=' and ';', comments, a scope's parent left out. */
  g_clear_object (&again);
  again = vmnet_auth_store_new_from_data ("# comment\n[role R]\noperations = take snapshots ; Migrate VMs\n"
                                          "[scope S]\n  # indented comment\nassign R = user:a ; group:b\n",
                                          "t", &error);
  g_assert_no_error (error);
  g_clear_pointer (&assignments, g_ptr_array_unref);
  assignments = vmnet_auth_store_get_assignments (again);
  g_assert_cmpuint (assignments->len, ==, 2);
  g_assert_cmpstr (vmnet_auth_assignment_get_group (assignments->pdata[1]), ==, "b");
  g_clear_pointer (&scopes, g_ptr_array_unref);
  scopes = vmnet_auth_store_get_scopes (again);
  g_assert_cmpstr (vmnet_auth_scope_get_parent (scopes->pdata[1]), ==, VMNET_AUTH_DEFAULT_SCOPE);
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
  "operations = Read service configuration; Read VM configuration\n"
  "[role Snapper]\n"
  "operations = Take snapshots\n"
  "[role Net]\n"
  "operations = Change virtual switches\n"
  "[role Starter]\n"
  "operations = Start VM; View switches; Delete virtual switch; Create checkpoints\n"
  "[scope default]\n"
  "assign Reader = user:alice\n"
  "[scope Test]\n"
  "assign Snapper = user:alice; group:daemon\n"
  "assign Net = user:alice\n"
  "[scope Lab]\n"
  "parent = Test\n"
  "assign Net = user:bob\n"
  "assign Starter = user:bob\n"
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

typedef struct {
  const gchar *text;
  const gchar *literal;
} JsString;

static const JsString js_strings[] = {
  { "", "\"\"" },
  { "plain text 0-9 ~", "\"plain text 0-9 ~\"" },
  { "a\"b\\c'd/e", "\"a\\\"b\\\\c\\'d\\/e\"" },
  { "</script><!-- -->", "\"\\u003c\\/script\\u003e\\u003c!-- --\\u003e\"" },
  { "line\u2028para\u2029end", "\"line\\u2028para\\u2029end\"" },
  { "\x01\t\n\r\x1b\x1f\x7f", "\"\\u0001\\u0009\\u000a\\u000d\\u001b\\u001f\\u007f\"" },
  { "*/ // \xc2\x85", "\"*\\/ \\/\\/ \\u0085\"" },
  { "caf\u00e9 \u20ac \ufeff", "\"caf\\u00e9 \\u20ac \\ufeff\"" },
  { "\U0001F600 \U0010FFFF", "\"\\ud83d\\ude00 \\udbff\\udfff\"" },
  { "bad \xff \xed\xa0\x80 end", "\"bad \\ufffd \\ufffd\\ufffd\\ufffd end\"" },
};

/* A JavaScript string's UTF-16 code units, as "u0041,u00e9," … */
static gchar *
utf16_units (const gchar *text)
{
  g_autofree gunichar2 *units = NULL;
  glong n = 0;
  GString *out = g_string_new (NULL);

  units = g_utf8_to_utf16 (text, -1, NULL, &n, NULL);
  g_assert_nonnull (units);
  for (glong i = 0; i < n; i++)
    g_string_append_printf (out, "u%04x,", units[i]);
  return g_string_free (out, FALSE);
}

#ifdef HAVE_DUKTAPE
/* Runs a script with duktape, as polkitd runs rules files; the script's variable 'result'. */
static gchar *
duktape_eval (const gchar *script)
{
  duk_context *ctx = duk_create_heap_default ();
  gchar *out;

  g_assert_nonnull (ctx);
  if (duk_peval_string (ctx, script) != 0)
    g_error ("duktape refused the script: %s\n%s", duk_safe_to_string (ctx, -1), script);
  duk_pop (ctx);
  duk_get_global_string (ctx, "result");
  out = g_strdup (duk_safe_to_string (ctx, -1));
  duk_destroy_heap (ctx);
  return out;
}
#endif

static gchar *
gjs_eval (const gchar *script)
{
  g_autofree gchar *gjs = g_find_program_in_path ("gjs");
  g_autofree gchar *path = NULL;
  g_autofree gchar *full = NULL;
  g_autofree gchar *err = NULL;
  g_autoptr(GError) error = NULL;
  gchar *out = NULL;
  gint fd, status;

  if (!gjs)
    return NULL;
  fd = g_file_open_tmp ("vmnet-rules-XXXXXX.js", &path, &error);
  g_assert_no_error (error);
  close (fd);
  full = g_strconcat (script, "print(result);\n", NULL);
  g_assert_true (g_file_set_contents (path, full, -1, &error));
  g_assert_true (g_spawn_sync (NULL, (gchar *[]) { gjs, path, NULL }, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_unlink (path);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("gjs failed on the script: %s", err);
  return g_strchomp (out);
}

/* Scripts for duktape_eval() and gjs_eval() leave their answer in 'result'. */

/* The escaper's output: printable ASCII, no quote or slash unescaped, and the same string again. */
static void
test_js_string (void)
{
  g_autoptr(GString) script = g_string_new ("var out = [];\n");
  g_autoptr(GString) expected = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (js_strings); i++)
    {
      g_autoptr(GString) literal = g_string_new (NULL);

      vmnet_auth_append_js_string (literal, js_strings[i].text);
      g_assert_cmpstr (literal->str, ==, js_strings[i].literal);
      for (const gchar *p = literal->str; *p; p++)
        g_assert_true (*p >= 0x20 && *p < 0x7f && *p != '<' && *p != '>');
      /* What the engine reads back is the text (bad UTF-8 as U+FFFD). */
      if (g_utf8_validate (js_strings[i].text, -1, NULL))
        {
          g_autofree gchar *units = utf16_units (js_strings[i].text);
          g_string_append_printf (script, "var s = %s, u = '';\n"
                                  "for (var i = 0; i < s.length; i++)\n"
                                  "    u += 'u' + ('000' + s.charCodeAt(i).toString(16)).slice(-4) + ',';\n"
                                  "out.push(u);\n", literal->str);
          g_string_append_printf (expected, "%s|", units);
        }
    }
  g_string_append (script, "var result = out.join('|') + '|';\n");
#ifdef HAVE_DUKTAPE
  {
    g_autofree gchar *out = duktape_eval (script->str);
    g_assert_cmpstr (out, ==, expected->str);
  }
#else
  g_test_message ("duktape is not installed (duktape-dev): only gjs reads the literals back");
#endif
  {
    g_autofree gchar *out = gjs_eval (script->str);
    if (out)
      g_assert_cmpstr (out, ==, expected->str);
  }
}

static const gchar *polkit_stub =
  "var polkit = { Result: { YES: 'yes', NO: 'no', NOT_HANDLED: 'nh' }, rules: [], logged: [],\n"
  "  addRule: function (f) { this.rules.push(f); }, log: function (m) { this.logged.push(m); } };\n";

static const gchar *decide_js =
  "function decide(user, groups, id, uuid) {\n"
  "  var subject = { user: user, isInGroup: function (g) { return groups.split(',').indexOf(g) >= 0; } };\n"
  "  var action = { id: id, lookup: function (k) { return k === 'domain_uuid' ? uuid : k === 'domain_name' ? 'vm-' + uuid : undefined; } };\n"
  "  return polkit.rules[0](action, subject) === 'yes';\n"
  "}\n"
  "var out = [];\n";

typedef struct {
  const gchar *name;
  const gchar *groups;          /* as isInGroup() answers, comma-separated */
} TestUser;

/* A VM of a test and the scope the store is to place it in. */
typedef struct {
  const gchar *uuid;
  const gchar *name;
  const gchar *scope;           /* NULL: the default scope */
} TestVm;

/* Places each VM in its scope in the store's map (a scope the store does
 * not have is refused, and the VM stays in the default scope); the VMs as
 * the rules take them. */
static GArray *
place_vms (VmnetAuthStore *store, const TestVm *vms, guint n_vms)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (VmnetAuthVm));

  for (guint i = 0; i < n_vms; i++)
    {
      VmnetAuthVm v = { vms[i].uuid, vms[i].name };
      g_autoptr(GError) error = NULL;

      if (!vmnet_auth_store_set_vm_scope (store, vms[i].uuid, vms[i].scope, NULL, &error))
        {
          g_assert_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND);
          g_assert_cmpstr (vmnet_auth_store_get_vm_scope (store, vms[i].uuid), ==, VMNET_AUTH_DEFAULT_SCOPE);
        }
      g_array_append_val (out, v);
    }
  return out;
}

/* Runs the rules against polkit's API with every user, VM and operation, in duktape (the
 * engine of Debian's polkitd) and gjs; each must decide as the evaluator does. */
static void
check_rules_decide_as_the_evaluator (VmnetAuthStore *store, const VmnetAuthVm *vms, guint n_vms,
                                     const TestUser *users, guint n_users)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *rules = vmnet_auth_store_generate_rules_for (store, vms, n_vms, &error);
  g_autoptr(GString) script = g_string_new (polkit_stub);
  g_autoptr(GString) expected = g_string_new (NULL);
  gboolean ran = FALSE;

  g_assert_no_error (error);
  /* Only printable ASCII and line ends: no text can end a comment or a string. */
  for (const gchar *p = rules; *p; p++)
    g_assert_true ((*p >= 0x20 && *p < 0x7f) || *p == '\n');

  g_string_append (script, rules);
  g_string_append (script, decide_js);
  for (guint u = 0; u < n_users; u++)
    for (guint v = 0; v < n_vms; v++)
      for (const gchar *const *op = vmnet_auth_get_operations (); *op; op++)
        {
          const gchar *const *perms = vmnet_auth_operation_get_permissions (*op);
          const gchar *perm = NULL;

          /* A permission of this operation alone: OBJECT.getattr comes with the others on the
           * object too. None: kept in the store alone. */
          for (guint p = 0; perms[p] && !perm; p++)
            if (!g_str_has_suffix (perms[p], ".getattr"))
              perm = perms[p];
          if (!perm)
            continue;
          g_string_append_printf (script, "out.push(decide('%s', '%s', 'org.libvirt.api.%s', ",
                                  users[u].name, users[u].groups, perm);
          vmnet_auth_append_js_string (script, vms[v].uuid);
          g_string_append (script, ") ? 1 : 0);\n");
          g_string_append_c (expected, allowed (store, users[u].name, *op,
                                                      vmnet_auth_store_get_vm_scope (store, vms[v].uuid)) ? '1' : '0');
        }
  g_string_append (script,
    "out.push(decide('alice', '', 'org.libvirt.api.storage-pool.start', '') ? 1 : 0);\n"
    "out.push(decide('alice', '', 'org.libvirt.api.hasOwnProperty', '') ? 1 : 0);\n"
    "out.push(polkit.rules[0]({ id: 'org.freedesktop.other', lookup: function () { return undefined; } },\n"
    "                         { user: 'alice' }) === 'nh' ? 1 : 0);\n"
    "var result = out.join('');\n");
  g_string_append (expected, "001");

#ifdef HAVE_DUKTAPE
  {
    g_autofree gchar *out = duktape_eval (script->str);
    g_assert_cmpstr (out, ==, expected->str);
    ran = TRUE;
  }
#endif
  {
    g_autofree gchar *out = gjs_eval (script->str);
    if (out)
      {
        g_assert_cmpstr (out, ==, expected->str);
        ran = TRUE;
      }
  }
  if (!ran)
    g_test_skip ("neither duktape (duktape-dev) nor gjs is installed");
}

static void
test_rules_decide_as_the_evaluator (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetAuthStore) store = vmnet_auth_store_new_from_data (eval_store, "t", &error);
  const TestVm test_vms[] = {
    { "11111111-1111-1111-1111-111111111111", "vm-default", NULL },
    { "22222222-2222-2222-2222-222222222222", "vm \"test\", // tricky */", "Test" },
    { "33333333-3333-3333-3333-333333333333", "vm-lab", "Lab" },
    { "44444444-4444-4444-4444-444444444444", "vm-island", "Island" },
    { "55555555-5555-5555-5555-555555555555", "vm-lost", "Unknown" },
  };
  const TestUser users[] = { { "alice", "" }, { "bob", "" }, { "daemon", "daemon" }, { "root", "root" } };
  g_autofree gchar *rules = NULL;
  g_autoptr(GArray) list = NULL;
  const VmnetAuthVm *vms;

  g_assert_no_error (error);
  list = place_vms (store, test_vms, G_N_ELEMENTS (test_vms));
  vms = (const VmnetAuthVm *) (gpointer) list->data;
  rules = vmnet_auth_store_generate_rules_for (store, vms, list->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (rules, "\"33333333-3333-3333-3333-333333333333\": \"Lab\""));
  g_assert_null (strstr (rules, "11111111"));
  g_assert_nonnull (strstr (rules, "// VM \"vm \\\"test\\\", \\/\\/ tricky *\\/\"\n"));
  check_rules_decide_as_the_evaluator (store, vms, list->len, users, G_N_ELEMENTS (users));
}

/* Scopes named like Object's own members, hostile VM names and scopes, a store file whose path
 * holds line and paragraph separators: the rules still parse and decide as the evaluator. */
static void
test_rules_hostile_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetAuthStore) store = vmnet_auth_store_new ();
  g_autofree gchar *dir = g_dir_make_tmp ("vmnet-auth-XXXXXX", NULL);
  g_autofree gchar *sub = g_build_filename (dir, "a\nb\u2028c\u2029d */ \"'\\ </script>", NULL);
  g_autofree gchar *path = g_build_filename (sub, "auth\r\x01\U0001F600.conf", NULL);
  g_autofree gchar *rules = NULL;
  const TestVm test_vms[] = {
    { "11111111-1111-1111-1111-111111111111", "proto", "hasOwnProperty" },
    { "22222222-2222-2222-2222-222222222222", "x\u2028y\u2029z\n});polkit.addRule(function(){return 'yes';});//",
      "constructor" },
    { "33333333-3333-3333-3333-333333333333", "</script>\x01\x1f\U0001F600", "toString" },
    { "44444444-4444-4444-4444-444444444444", "q", "\"]; x = 1; // \u2028" },
    { "55555555-5555-5555-5555-555555555555", "plain", NULL },
  };
  /* daemon is in group daemon in the user database, which the evaluator reads. */
  const TestUser users[] = { { "alice", "" }, { "bob", "" }, { "daemon", "daemon" } };
  const gchar *ops[] = { "Read service configuration", "Start and stop VMs", NULL };
  g_autoptr(GArray) list = NULL;
  const VmnetAuthVm *vms;

  /* A line separator in a description is refused; quotes are only text. */
  g_assert_false (vmnet_auth_store_add_role (store, "Op", ops, "\u2028\"});", &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (vmnet_auth_store_add_role (store, "Op", ops, "\"}); // */", &error));
  g_assert_true (vmnet_auth_store_add_scope (store, "hasOwnProperty", NULL, NULL, &error));
  g_assert_true (vmnet_auth_store_add_scope (store, "constructor", "hasOwnProperty", NULL, &error));
  g_assert_true (vmnet_auth_store_add_scope (store, "toString", NULL, NULL, &error));
  g_assert_true (vmnet_auth_store_grant (store, "Op", "alice", NULL, "hasOwnProperty", &error));
  g_assert_true (vmnet_auth_store_grant (store, "Op", NULL, "daemon", "toString", &error));
  g_assert_true (vmnet_auth_store_grant (store, "Op", "bob", NULL, "constructor", &error));
  g_assert_true (vmnet_auth_store_save (store, path, &error));
  g_assert_no_error (error);

  /* A scope that is no valid name cannot place a VM: that one stays in the default scope. */
  list = place_vms (store, test_vms, G_N_ELEMENTS (test_vms));
  vms = (const VmnetAuthVm *) (gpointer) list->data;
  rules = vmnet_auth_store_generate_rules_for (store, vms, list->len, &error);
  g_assert_no_error (error);
  g_test_message ("%s", rules);
  g_assert_null (strstr (rules, sub));
  g_assert_null (strstr (rules, "hasOwnProperty("));
  g_assert_nonnull (strstr (rules, "\"constructor\": [\"constructor\", \"hasOwnProperty\", \"default\"]"));
  check_rules_decide_as_the_evaluator (store, vms, list->len, users, G_N_ELEMENTS (users));

  g_unlink (path);
  g_rmdir (sub);
  g_rmdir (dir);
}

/* Every denial is logged with user, permission, VM and scope (as JSON strings: a name cannot
 * forge a log line); an allowed call logs nothing. */
static void
test_rules_log_denials (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetAuthStore) store = vmnet_auth_store_new_from_data (eval_store, "t", &error);
  const TestVm test_vms[] = { { "33333333-3333-3333-3333-333333333333", "vm-lab", "Lab" } };
  g_autoptr(GArray) list = NULL;
  g_autofree gchar *rules = NULL;
  g_autoptr(GString) script = g_string_new (polkit_stub);
  g_autofree gchar *out = NULL;
  const gchar *expected =
    "1|0|0\n"
    "vmnet: denied \"domain.stop\" to user \"bob\" on VM \"vm-33333333-3333-3333-3333-333333333333\" in scope \"Lab\"\n"
    "0|vmnet: denied \"network.write\" to user \"carol\\nroot\"";

  g_assert_no_error (error);
  list = place_vms (store, test_vms, G_N_ELEMENTS (test_vms));
  rules = vmnet_auth_store_generate_rules_for (store, (const VmnetAuthVm *) (gpointer) list->data, list->len, &error);
  g_assert_no_error (error);
  g_string_append (script, rules);
  g_string_append (script, decide_js);
  g_string_append (script,
    "var vm = '33333333-3333-3333-3333-333333333333';\n"
    /* alice may take snapshots in Lab (a child of Test): nothing logged. */
    "var r1 = decide('alice', '', 'org.libvirt.api.domain.snapshot', vm) ? 1 : 0;\n"
    "var n1 = polkit.logged.length;\n"
    "var r2 = decide('bob', '', 'org.libvirt.api.domain.stop', vm) ? 1 : 0;\n"
    "var log2 = polkit.logged.join('|');\n"
    "polkit.logged = [];\n"
    "var r3 = decide('carol\\nroot', '', 'org.libvirt.api.network.write', '') ? 1 : 0;\n"
    "var result = [r1, n1, r2].join('|') + '\\n' + log2 + '\\n' + r3 + '|' + polkit.logged.join('|');\n");
#ifdef HAVE_DUKTAPE
  out = duktape_eval (script->str);
#else
  out = gjs_eval (script->str);
  if (!out)
    {
      g_test_skip ("neither duktape (duktape-dev) nor gjs is installed");
      return;
    }
#endif
  g_assert_cmpstr (out, ==, expected);
}

/* Descriptions cannot carry control characters, line breaks or invalid UTF-8: through the
 * changes (nothing changes) or in a file (refused, naming the group and key). */
static void
test_texts_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetAuthStore) store = vmnet_auth_store_new ();
  g_autofree gchar *before = vmnet_auth_store_to_data (store);
  g_autofree gchar *after = NULL;
  const gchar *ops[] = { "Read VM configuration", NULL };
  const gchar *bad[] = {
    "Lab\nassign Administrator=user:mallory;", "a\rb", "tab\there", "esc\x1b[31m", "nul-free \x7f",
    "\xc2\x85next line", "line\u2028sep", "para\u2029sep", "bad utf-8 \xff\xfe",
  };
  g_autoptr(VmnetAuthStore) loaded = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (vmnet_auth_store_add_scope (store, "Lab", NULL, bad[i], &error));
      g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      g_assert_false (vmnet_auth_store_add_role (store, "R", ops, bad[i], &error));
      g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      g_assert_false (vmnet_auth_store_set_role (store, "Administrator", NULL, NULL, bad[i], &error));
      g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }
  after = vmnet_auth_store_to_data (store);
  g_assert_cmpstr (before, ==, after);

  /* A key file's escapes make the same text: refused when loaded. */
  loaded = vmnet_auth_store_new_from_data ("[scope Lab]\ndescription=Lab\\nassign Administrator=user:mallory;\n",
                                           "t", &error);
  g_assert_null (loaded);
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "[scope Lab] description"));
}

#define VM1 "5b0c2d6e-7f18-4a29-b3c4-d5e6f7a80001"
#define VM2 "5b0c2d6e-7f18-4a29-b3c4-d5e6f7a80002"

/* The store's VM→scope map: kept in the file by UUID, changed only by
 * set_vm_scope, with Hyper-V's authority for a move when a user is named. */
static void
test_vm_scope_map (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetAuthStore) store = vmnet_auth_store_new_from_data (
    "[role Mover]\noperations = Change VM authorization scope; Read VM configuration\n"
    "[scope default]\n"
    "[scope Test]\nassign Mover = user:alice; user:bob\n"
    "[scope Lab]\nassign Mover = user:alice\n"
    "[scope Other]\n", "t", &error);
  g_autoptr(VmnetAuthStore) again = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *text2 = NULL;
  g_autofree gchar *before = NULL;
  g_autofree gchar *after = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (vmnet_auth_store_get_vm_scope (store, VM1), ==, VMNET_AUTH_DEFAULT_SCOPE);
  g_assert_true (vmnet_auth_store_set_vm_scope (store, VM1, "Test", NULL, &error));
  g_assert_true (vmnet_auth_store_set_vm_scope (store, VM2, "Test", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vmnet_auth_store_get_vm_scope (store, VM1), ==, "Test");
  /* Looked up without regard to case, kept as libvirt writes it. */
  g_assert_cmpstr (vmnet_auth_store_get_vm_scope (store, "5B0C2D6E-7F18-4A29-B3C4-D5E6F7A80001"), ==, "Test");

  /* In the file, by UUID, in the scope's group; read back the same. */
  text = vmnet_auth_store_to_data (store);
  g_assert_nonnull (strstr (text, "\n[scope Test]\nparent=default\nvms=" VM1 ";" VM2 ";\n"));
  again = vmnet_auth_store_new_from_data (text, "t", &error);
  g_assert_no_error (error);
  text2 = vmnet_auth_store_to_data (again);
  g_assert_cmpstr (text, ==, text2);
  g_assert_cmpstr (vmnet_auth_store_get_vm_scope (again, VM2), ==, "Test");

  /* Refused, nothing changed: a bad UUID, a scope the store does not have, removing a scope
   * VMs are in, and a user without "Change VM authorization scope" in the scope the VM is in
   * (bob, out of Test into Lab: he holds it in Test only) or in the scope it goes to (alice,
   * into Other). */
  before = vmnet_auth_store_to_data (store);
  g_assert_false (vmnet_auth_store_set_vm_scope (store, "web1", "Test", NULL, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (vmnet_auth_store_set_vm_scope (store, VM1, "Nowhere", NULL, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (vmnet_auth_store_remove_scope (store, "Test", &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "VM " VM1 " is placed in scope 'Test'"));
  g_clear_error (&error);
  g_assert_false (vmnet_auth_store_set_vm_scope (store, VM1, "Lab", "bob", &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "user 'bob' may not move VM " VM1 " into scope 'Lab'"));
  g_clear_error (&error);
  g_assert_false (vmnet_auth_store_set_vm_scope (store, VM1, "Other", "alice", &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_ACCESS_DENIED);
  g_clear_error (&error);
  /* Out of the default scope needs the operation there: nobody but root holds it. */
  g_assert_false (vmnet_auth_store_set_vm_scope (store, "5b0c2d6e-7f18-4a29-b3c4-d5e6f7a80003", "Test", "alice",
                                                 &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "out of scope 'default'"));
  g_clear_error (&error);
  after = vmnet_auth_store_to_data (store);
  g_assert_cmpstr (before, ==, after);

  /* alice holds it in Test and Lab: she may move VM1 between them; root anywhere. */
  g_assert_true (vmnet_auth_store_set_vm_scope (store, VM1, "Lab", "alice", &error));
  g_assert_cmpstr (vmnet_auth_store_get_vm_scope (store, VM1), ==, "Lab");
  g_assert_true (vmnet_auth_store_set_vm_scope (store, VM1, NULL, "root", &error));
  g_assert_true (vmnet_auth_store_set_vm_scope (store, VM2, VMNET_AUTH_DEFAULT_SCOPE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vmnet_auth_store_get_vm_scope (store, VM1), ==, VMNET_AUTH_DEFAULT_SCOPE);
  g_assert_true (vmnet_auth_store_remove_scope (store, "Test", &error));
  g_clear_pointer (&text, g_free);
  text = vmnet_auth_store_to_data (store);
  g_assert_null (strstr (text, "vms="));
}

/* The names of earlier stores stand for disjoint sets of the operations; a store, a role
 * change and an access check take them as before. */
static void
test_operation_aliases (void)
{
  const gchar *const *ops = vmnet_auth_get_operations ();
  const gchar *const aliases[] = {
    "Read service configuration", "Read VM configuration", "Create or change VMs", "Start and stop VMs",
    "Take snapshots", "Interact with VMs", "Migrate VMs", "Change virtual switches",
    "Configure SR-IOV on adapters", "Change physical SR-IOV adapters",
  };
  /* The permissions each name granted before the operations were split. */
  const gchar *const before[][12] = {
    { "connect.getattr", "connect.read", "connect.search-domains", "connect.search-networks",
      "connect.search-node-devices", "network.getattr", "network.read", "node-device.getattr",
      "node-device.read", "nwfilter.getattr", "nwfilter.read", NULL },
    { "domain.getattr", "domain.read", NULL },
    { "domain.write", "domain.save", "domain.delete", "domain.read-secure", "domain.core-dump",
      "domain.block-read", "domain.block-write", "domain.mem-read", NULL },
    { "domain.start", "domain.stop", "domain.reset", "domain.suspend", "domain.hibernate",
      "domain.pm-control", "domain.init-control", "domain.send-signal", NULL },
    { "domain.snapshot", "domain.checkpoint", NULL },
    { "domain.open-graphics", "domain.open-device", "domain.send-input", "domain.screenshot",
      "domain.inject-nmi", "domain.set-password", "domain.set-time", "domain.fs-freeze",
      "domain.fs-trim", "domain.open-namespace", NULL },
    { "domain.migrate", NULL },
    { "network.write", "network.save", "network.delete", "network.start", "network.stop",
      "network.read-secure", "nwfilter.write", "nwfilter.save", NULL },
    { "network.search-ports", "network.create-port", "network-port.create", "network-port.getattr",
      "network-port.read", "network-port.delete", NULL },
    { "node-device.write", "node-device.start", "node-device.stop", "node-device.detach",
      "node-device.delete", NULL },
  };
  g_autoptr(GHashTable) member_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetAuthStore) store = NULL;
  g_autoptr(GPtrArray) roles = NULL;
  g_autofree gchar *text = NULL;

  g_assert_cmpuint (g_strv_length ((gchar **) ops), ==, 34);
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    {
      const gchar *const *members = vmnet_auth_operation_get_members (aliases[i]);
      const gchar *const *perms = vmnet_auth_operation_get_permissions (aliases[i]);

      g_assert_nonnull (members);
      g_assert_false (g_strv_contains (ops, aliases[i]));
      for (guint j = 0; members[j]; j++)
        {
          g_assert_true (g_strv_contains (ops, members[j]));
          g_assert_true (g_hash_table_insert (member_of, (gpointer) members[j], (gpointer) aliases[i]));
        }
      /* The same permissions as before, no more, no fewer. */
      g_assert_cmpuint (g_strv_length ((gchar **) perms), ==, g_strv_length ((gchar **) before[i]));
      for (guint j = 0; before[i][j]; j++)
        g_assert_true (g_strv_contains (perms, before[i][j]));
    }
  /* Only the two operations libvirt had no permission for stand in no set. */
  for (guint i = 0; ops[i]; i++)
    if (!g_hash_table_contains (member_of, ops[i]))
      g_assert_true (g_str_equal (ops[i], "Reconfigure service") ||
                     g_str_equal (ops[i], "Change VM authorization scope"));
  g_assert_cmpstrv (vmnet_auth_operation_get_members ("start vm"), ((const gchar *[]) { "Start VM", NULL }));
  g_assert_null (vmnet_auth_operation_get_members ("Fly"));

  /* A store of the earlier names loads, and writes them back as they were. */
  store = vmnet_auth_store_new_from_data ("[role Owner]\noperations=Start and stop VMs;Take snapshots;\n"
                                          "[role Some]\noperations=Start VM;Create snapshots;\n"
                                          "[scope default]\nassign Owner=user:alice;\nassign Some=user:bob;\n",
                                          "t", &error);
  g_assert_no_error (error);
  text = vmnet_auth_store_to_data (store);
  g_assert_nonnull (strstr (text, "[role Owner]\noperations=Start and stop VMs;Take snapshots;\n"));
  g_assert_nonnull (strstr (text, "[role Some]\noperations=Start VM;Create snapshots;\n"));
  /* An earlier name is allowed when each of its operations is; a finer one on its own. */
  g_assert_true (allowed (store, "alice", "Start and stop VMs", NULL));
  g_assert_true (allowed (store, "alice", "Save VM state", NULL));
  g_assert_true (allowed (store, "bob", "start vm", NULL));
  g_assert_false (allowed (store, "bob", "Stop VM", NULL));
  g_assert_false (allowed (store, "bob", "Start and stop VMs", NULL));
  {
    g_autoptr(VmnetAccessCheck) check = vmnet_auth_store_test_access (store, "bob", "start and stop VMs", NULL, &error);
    g_assert_cmpstr (vmnet_access_check_get_operation (check), ==, "Start and stop VMs");
    g_assert_nonnull (strstr (vmnet_access_check_get_reason (check), "grants 'Stop VM'"));
  }
  /* Removing part of a set leaves the rest, listed by their own names. */
  g_assert_true (vmnet_auth_store_set_role (store, "Owner", NULL, (const gchar *[]) { "Stop VM", NULL }, NULL,
                                            &error));
  roles = vmnet_auth_store_get_roles (store);
  g_assert_cmpstrv (vmnet_auth_role_get_operations (roles->pdata[0]),
                    ((const gchar *[]) { "Take snapshots", "Start VM", "Pause and restart VM", "Save VM state",
                                         "Signal VM processes", NULL }));
}

/* Which connections may write the system's polkit rules. */
static void
test_hosts_own_libvirt (void)
{
  const struct { const gchar *uri; gboolean own; } cases[] = {
    { "qemu:///system", TRUE },
    { "qemu+unix:///system", TRUE },
    { "lxc:///system", TRUE },
    { "test:///default", FALSE },
    { "test:///tmp/host.xml", FALSE },
    { "qemu:///session", FALSE },
    { "qemu+ssh://root@kvm2/system", FALSE },
    { "qemu+tcp://localhost/system", FALSE },
    { "qemu+unix:///system?socket=/tmp/private/libvirt-sock", FALSE },
    { "qemu:///embed?root=/tmp/x", FALSE },
    { "not a uri", FALSE },
    { NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].uri ? cases[i].uri : "(null)");
      g_assert_cmpint (vmnet_auth_is_hosts_own_libvirt (cases[i].uri), ==, cases[i].own);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/auth/default-store", test_default_store);
  g_test_add_func ("/vmnet/auth/operations-partition", test_operations_partition);
  g_test_add_func ("/vmnet/auth/parse-errors", test_parse_errors);
  g_test_add_func ("/vmnet/auth/file-format-round-trip", test_file_format_round_trip);
  g_test_add_func ("/vmnet/auth/file", test_file);
  g_test_add_func ("/vmnet/auth/changes", test_changes);
  g_test_add_func ("/vmnet/auth/evaluate", test_evaluate);
  g_test_add_func ("/vmnet/auth/js-string", test_js_string);
  g_test_add_func ("/vmnet/auth/rules-decide-as-the-evaluator", test_rules_decide_as_the_evaluator);
  g_test_add_func ("/vmnet/auth/rules-hostile-store", test_rules_hostile_store);
  g_test_add_func ("/vmnet/auth/rules-log-denials", test_rules_log_denials);
  g_test_add_func ("/vmnet/auth/texts-refused", test_texts_refused);
  g_test_add_func ("/vmnet/auth/vm-scope-map", test_vm_scope_map);
  g_test_add_func ("/vmnet/auth/operation-aliases", test_operation_aliases);
  g_test_add_func ("/vmnet/auth/hosts-own-libvirt", test_hosts_own_libvirt);
  return g_test_run ();
}
