/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmnet complete [--] WORD…: the candidates for the last WORD of a command
 * line (the words after "vmnet"), one a line. Verbs and options come from the
 * command table (in their PowerShell spelling too, -VMName, when the word
 * starts with a capital); option values from the option, field names from the
 * command's columns, names from the host given with --connect (or
 * $VMNET_DEFAULT_URI), opened read-only and never prompting, and the
 * authorization store. */
#include <grp.h>
#include <pwd.h>
#include <string.h>

#include "vmnet-cli.h"

/* Values by option name; every FILENAME option takes files, a metavar "a|b" its words. */
static const struct {
  const gchar    *option;
  VmnetCliValues  values;
} option_values[] = {
  { "connect", VMNET_CLI_VALUES_URIS },
  { "destination", VMNET_CLI_VALUES_URIS },
  { "output", VMNET_CLI_VALUES_OUTPUTS },
  { "fields", VMNET_CLI_VALUES_FIELDS },
  { "vm-name", VMNET_CLI_VALUES_VMS },
  { "switch-name", VMNET_CLI_VALUES_SWITCHES },
  { "net-adapter", VMNET_CLI_VALUES_NET_ADAPTERS },
  { "iov-interrupt-moderation", VMNET_CLI_VALUES_MODERATIONS },
  { "role", VMNET_CLI_VALUES_ROLES },
  { "scope", VMNET_CLI_VALUES_SCOPES },
  { "parent", VMNET_CLI_VALUES_SCOPES },
  { "user", VMNET_CLI_VALUES_USERS },
  { "group", VMNET_CLI_VALUES_GROUPS },
  { "operation", VMNET_CLI_VALUES_OPERATIONS },
  { "add-operation", VMNET_CLI_VALUES_OPERATIONS },
  { "remove-operation", VMNET_CLI_VALUES_OPERATIONS },
};

typedef struct {
  const VmnetCommand *command;
  GHashTable         *given;      /* long option name -> the last value given */
  VmnetHost          *host;       /* opened at the first name it is asked for */
  gboolean            host_tried;
  GPtrArray          *candidates;
  gboolean            nocase;     /* candidates match what was typed whatever its case */
} Completion;

static const GOptionEntry *
lookup (const GOptionEntry *entries, const gchar *word, const gchar **inline_value)
{
  for (const GOptionEntry *e = entries; e && e->long_name; e++)
    {
      /* -VMName, -IovWeight:100 */
      if (word[1] != '-' && g_ascii_isalpha (word[1]) && word[2])
        {
          const gchar *colon = strchr (word, ':');
          if (!vmnet_cli_powershell_matches (e->long_name, word + 1, colon ? (gsize) (colon - word - 1) : strlen (word + 1)))
            continue;
          *inline_value = colon ? colon + 1 : NULL;
          return e;
        }
      if (word[1] == '-')
        {
          gsize n = strlen (e->long_name);
          if (strncmp (word + 2, e->long_name, n) != 0 || (word[2 + n] != '\0' && word[2 + n] != '='))
            continue;
          *inline_value = word[2 + n] == '=' ? word + 3 + n : NULL;
          return e;
        }
      if (e->short_name && word[1] == e->short_name)
        {
          *inline_value = word[2] ? word + 2 : NULL;
          return e;
        }
    }
  return NULL;
}

static const GOptionEntry *
find_option (Completion *c, const GOptionEntry *global_entries, const gchar *word, const gchar **inline_value)
{
  const GOptionEntry *e = lookup (global_entries, word, inline_value);

  if (!e && c->command)
    e = lookup (c->command->entries, word, inline_value);
  if (!e && c->command && c->command->changes)
    e = lookup (vmnet_cli_what_if_entries, word, inline_value);
  return e;
}

static VmnetCliValues
values_of (Completion *c, const GOptionEntry *e)
{
  if (e->arg == G_OPTION_ARG_FILENAME || e->arg == G_OPTION_ARG_FILENAME_ARRAY)
    return VMNET_CLI_VALUES_FILES;
  if (c->command && g_str_equal (e->long_name, "name"))
    return c->command->names;
  for (guint i = 0; i < G_N_ELEMENTS (option_values); i++)
    if (g_str_equal (e->long_name, option_values[i].option))
      return option_values[i].values;
  return VMNET_CLI_VALUES_NONE;
}

static VmnetHost *
host (Completion *c)
{
  const gchar *uri = g_hash_table_lookup (c->given, "connect");

  if (!c->host_tried)
    {
      c->host_tried = TRUE;
      c->host = g_initable_new (VMNET_TYPE_HOST, NULL, NULL,
                                "uri", uri ? uri : g_getenv ("VMNET_DEFAULT_URI"),
                                "host-root", g_hash_table_lookup (c->given, "host-root"),
                                "read-only", TRUE, NULL);
    }
  return c->host;
}

static void
add (Completion *c, const gchar *candidate)
{
  if (candidate)
    g_ptr_array_add (c->candidates, g_strdup (candidate));
}

/* Switches, adapters, VMs, roles and scopes all have a name. */
static void
add_name (Completion *c, gpointer object)
{
  g_autofree gchar *name = NULL;

  g_object_get (object, "name", &name, NULL);
  add (c, name);
}

static void
add_names (Completion *c, GListModel *model)
{
  for (guint i = 0; model && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      add_name (c, item);
    }
}

static void
add_store_names (Completion *c, gboolean roles)
{
  g_autoptr(VmnetAuthStore) store = vmnet_auth_store_new_from_file (g_hash_table_lookup (c->given, "store"),
                                                                     TRUE, NULL);
  g_autoptr(GPtrArray) objects = NULL;

  if (!store)
    return;
  objects = roles ? vmnet_auth_store_get_roles (store) : vmnet_auth_store_get_scopes (store);
  for (guint i = 0; i < objects->len; i++)
    add_name (c, g_ptr_array_index (objects, i));
}

static void
add_vm_adapters (Completion *c)
{
  const gchar *vm_name = g_hash_table_lookup (c->given, "vm-name");
  g_autoptr(VmnetVm) vm = NULL;

  if (!host (c))
    return;
  if (vm_name && (vm = vmnet_host_find_vm (c->host, vm_name, NULL)))
    add_names (c, vmnet_vm_get_network_adapters (vm));
  else
    add_names (c, vmnet_host_get_network_adapters (c->host));
}

/* Directory entries starting with what was typed; directories end in '/'. */
static void
add_files (Completion *c, const gchar *typed)
{
  const gchar *slash = strrchr (typed, '/');
  g_autofree gchar *dir = slash ? g_strndup (typed, slash - typed + 1) : g_strdup ("");
  const gchar *base = slash ? slash + 1 : typed;
  g_autoptr(GDir) d = g_dir_open (*dir ? dir : ".", 0, NULL);
  const gchar *entry;

  while (d && (entry = g_dir_read_name (d)))
    {
      g_autofree gchar *path = NULL;

      if (!g_str_has_prefix (entry, base) || (entry[0] == '.' && base[0] != '.'))
        continue;
      path = g_strconcat (dir, entry, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (c->candidates, g_strconcat (path, "/", NULL));
      else
        g_ptr_array_add (c->candidates, g_steal_pointer (&path));
    }
}

static void
add_values (Completion *c, const GOptionEntry *e, VmnetCliValues values, const gchar *typed)
{
  switch (values)
    {
    case VMNET_CLI_VALUES_NONE:
      /* A metavar such as "on|off" lists the values. */
      if (e && e->arg_description && strchr (e->arg_description, '|'))
        {
          g_auto(GStrv) words = g_strsplit (e->arg_description, "|", -1);
          for (guint i = 0; words[i]; i++)
            add (c, words[i]);
        }
      break;
    case VMNET_CLI_VALUES_VMS:
      if (host (c))
        add_names (c, vmnet_host_get_vms (c->host));
      break;
    case VMNET_CLI_VALUES_SWITCHES:
      if (host (c))
        add_names (c, vmnet_host_get_switches (c->host));
      break;
    case VMNET_CLI_VALUES_NET_ADAPTERS:
      if (host (c))
        add_names (c, vmnet_host_get_net_adapters_sriov (c->host));
      break;
    case VMNET_CLI_VALUES_VM_ADAPTERS:
      add_vm_adapters (c);
      break;
    case VMNET_CLI_VALUES_ROLES:
    case VMNET_CLI_VALUES_SCOPES:
      add_store_names (c, values == VMNET_CLI_VALUES_ROLES);
      break;
    case VMNET_CLI_VALUES_OPERATIONS:
      for (const gchar *const *op = vmnet_auth_get_operations (); *op; op++)
        add (c, *op);
      for (const gchar *const *op = vmnet_auth_get_operation_sets (); *op; op++)
        add (c, *op);
      break;
    case VMNET_CLI_VALUES_USERS:
      {
        struct passwd *pw;
        setpwent ();
        while ((pw = getpwent ()))
          add (c, pw->pw_name);
        endpwent ();
      }
      break;
    case VMNET_CLI_VALUES_GROUPS:
      {
        struct group *gr;
        setgrent ();
        while ((gr = getgrent ()))
          add (c, gr->gr_name);
        endgrent ();
      }
      break;
    case VMNET_CLI_VALUES_URIS:
      add (c, "demo");
      add (c, "qemu:///system");
      add (c, "qemu:///session");
      add (c, g_getenv ("VMNET_DEFAULT_URI"));
      break;
    case VMNET_CLI_VALUES_OUTPUTS:
      for (guint i = 0; vmnet_cli_output_names[i]; i++)
        add (c, vmnet_cli_output_names[i]);
      break;
    case VMNET_CLI_VALUES_MODERATIONS:
      {
        g_autoptr(GEnumClass) klass = g_type_class_ref (VMNET_TYPE_IOV_INTERRUPT_MODERATION);
        for (guint i = 0; i < klass->n_values; i++)
          add (c, klass->values[i].value_nick);
      }
      break;
    case VMNET_CLI_VALUES_FILES:
      add_files (c, typed);
      break;
    case VMNET_CLI_VALUES_FIELDS:
      c->nocase = TRUE;
      for (const VmnetCliColumn *col = c->command ? c->command->columns : NULL; col && col->title; col++)
        add (c, col->title);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* GNU options, or with @powershell their PowerShell spelling (-VMName). */
static void
add_options (Completion *c, const GOptionEntry *entries, gboolean powershell)
{
  for (const GOptionEntry *e = entries; e && e->long_name; e++)
    {
      if (e->flags & G_OPTION_FLAG_HIDDEN)
        continue;
      if (powershell)
        {
          g_autofree gchar *name = vmnet_cli_powershell_name (e->long_name);
          g_ptr_array_add (c->candidates, g_strconcat ("-", name, NULL));
          continue;
        }
      g_ptr_array_add (c->candidates, g_strconcat ("--", e->long_name, NULL));
      if (e->short_name)
        g_ptr_array_add (c->candidates, g_strdup_printf ("-%c", e->short_name));
    }
}

int
vmnet_cli_complete (const VmnetCommand *const *commands,
                    const GOptionEntry        *global_entries,
                    gchar                    **words)
{
  g_autoptr(GHashTable) given = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) printed = g_hash_table_new (g_str_hash, g_str_equal);
  Completion c = { NULL, given, NULL, FALSE, candidates, FALSE };
  const GOptionEntry *pending = NULL;   /* an option whose value comes next */
  const GOptionEntry *e;
  gboolean verb_given = FALSE;
  const gchar *typed, *inline_value;
  g_autofree gchar *prefix = NULL;      /* printed before each candidate: "--option=" */
  guint n;

  if (words[0] && g_str_equal (words[0], "--"))
    words++;
  n = g_strv_length (words);
  typed = n ? words[n - 1] : "";

  /* Every word before the last: the verb, and the options given with their values. */
  for (guint i = 0; i + 1 < n; i++)
    {
      const gchar *w = words[i];

      if (pending)
        {
          g_hash_table_insert (given, (gpointer) pending->long_name, (gpointer) w);
          pending = NULL;
        }
      else if (w[0] == '-' && w[1])
        {
          e = find_option (&c, global_entries, w, &inline_value);
          if (e && e->arg == G_OPTION_ARG_NONE)
            g_hash_table_insert (given, (gpointer) e->long_name, (gpointer) "");
          else if (e)
            {
              if (inline_value)
                g_hash_table_insert (given, (gpointer) e->long_name, (gpointer) inline_value);
              else
                pending = e;
            }
        }
      else if (!verb_given)
        {
          verb_given = TRUE;
          for (guint j = 0; commands[j]; j++)
            if (g_ascii_strcasecmp (commands[j]->name, w) == 0)
              c.command = commands[j];
        }
    }

  if (pending)
    {
      if (values_of (&c, pending) == VMNET_CLI_VALUES_FIELDS && strrchr (typed, ','))
        {
          /* Field lists: complete the field after the last comma. */
          prefix = g_strndup (typed, strrchr (typed, ',') - typed + 1);
          typed += strlen (prefix);
        }
      add_values (&c, pending, values_of (&c, pending), typed);
    }
  else if (typed[0] == '-' && (strchr (typed, '=') || (typed[1] != '-' && strchr (typed, ':'))) &&
           (e = find_option (&c, global_entries, typed, &inline_value)) && inline_value)
    {
      prefix = g_strndup (typed, inline_value - typed);
      typed = inline_value;
      add_values (&c, e, values_of (&c, e), typed);
    }
  else if (typed[0] == '-')
    {
      gboolean powershell = g_ascii_isupper (typed[1]);

      c.nocase = powershell;
      add_options (&c, global_entries, powershell);
      if (!powershell)
        {
          add (&c, "--help");
          add (&c, "-h");
        }
      if (c.command)
        add_options (&c, c.command->entries, powershell);
      if (c.command && c.command->changes)
        add_options (&c, vmnet_cli_what_if_entries, powershell);
    }
  else if (!verb_given)
    {
      for (guint j = 0; commands[j]; j++)
        if (g_ascii_strncasecmp (commands[j]->name, typed, strlen (typed)) == 0)
          add (&c, commands[j]->name);
      typed = "";
    }
  else if (c.command)
    add_values (&c, NULL, c.command->args, typed);

  for (guint i = 0; i < candidates->len; i++)
    {
      const gchar *candidate = g_ptr_array_index (candidates, i);

      gboolean match = c.nocase ? g_ascii_strncasecmp (candidate, typed, strlen (typed)) == 0
                                : g_str_has_prefix (candidate, typed);

      if (match && g_hash_table_add (printed, (gpointer) candidate))
        g_print ("%s%s\n", prefix ? prefix : "", candidate);
    }
  g_clear_object (&c.host);
  return 0;
}
