/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>

#include "vmnet-cli.h"

static const VmnetCommand *const commands[] = {
  &vmnet_cmd_get_vmhost,
  &vmnet_cmd_watch_vmhost,
  &vmnet_cmd_get_vmswitch,
  &vmnet_cmd_new_vmswitch,
  &vmnet_cmd_set_vmswitch,
  &vmnet_cmd_remove_vmswitch,
  &vmnet_cmd_get_vmnetworkadapter,
  &vmnet_cmd_add_vmnetworkadapter,
  &vmnet_cmd_set_vmnetworkadapter,
  &vmnet_cmd_get_netadaptersriov,
  &vmnet_cmd_get_netadaptersriovvf,
  &vmnet_cmd_set_netadaptersriov,
  &vmnet_cmd_enable_netadaptersriov,
  &vmnet_cmd_disable_netadaptersriov,
  &vmnet_cmd_apply_netadaptersriov,
  &vmnet_cmd_test_sriov,
  &vmnet_cmd_reconcile_vmhost,
  &vmnet_cmd_start_vm,
  &vmnet_cmd_save_vm,
  &vmnet_cmd_restore_vm,
  &vmnet_cmd_checkpoint_vm,
  &vmnet_cmd_compare_vm,
  &vmnet_cmd_move_vm,
  &vmnet_cmd_get_vmrole,
  &vmnet_cmd_new_vmrole,
  &vmnet_cmd_set_vmrole,
  &vmnet_cmd_remove_vmrole,
  &vmnet_cmd_grant_vmrole,
  &vmnet_cmd_revoke_vmrole,
  &vmnet_cmd_get_vmroleassignment,
  &vmnet_cmd_new_vmscope,
  &vmnet_cmd_remove_vmscope,
  &vmnet_cmd_set_vmscope,
  &vmnet_cmd_get_vmscope,
  &vmnet_cmd_test_vmaccess,
  &vmnet_cmd_export_vmauthorization,
  NULL
};

/* The options every command takes, before or after the verb. */
typedef struct {
  gchar    *connect;
  gboolean  readonly;
  gchar    *output;
  gchar    *fields;
  gboolean  terse;
  gchar    *host_root;
  gboolean  verbose;
  gboolean  version;
} GlobalOptions;

static const GOptionEntry global_entries[] = {
  { "connect", 'c', 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (GlobalOptions, connect),
    "libvirt URI of the host, or 'demo' (default: $VMNET_DEFAULT_URI, then libvirt's default)", "URI" },
  { "readonly", 'r', 0, G_OPTION_ARG_NONE, VMNET_CLI_OPTION (GlobalOptions, readonly),
    "Open the connection read-only (as virsh -r): every change is refused", NULL },
  { "output", 'o', 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (GlobalOptions, output),
    "Output format: table, list or json", "FORMAT" },
  { "fields", 'f', 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (GlobalOptions, fields),
    "Only these properties, in this order (comma-separated, case-insensitive)", "A,B" },
  { "terse", 't', 0, G_OPTION_ARG_NONE, VMNET_CLI_OPTION (GlobalOptions, terse),
    "Values only, colon-separated, ':' and '\\' escaped (as nmcli -t)", NULL },
  { "host-root", 0, 0, G_OPTION_ARG_FILENAME, VMNET_CLI_OPTION (GlobalOptions, host_root),
    "Read the host's /sys and /proc under DIR (a mounted image, a test fixture)", "DIR" },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, VMNET_CLI_OPTION (GlobalOptions, verbose), "Print debug messages", NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, VMNET_CLI_OPTION (GlobalOptions, version), "Print the version and exit", NULL },
  G_OPTION_ENTRY_NULL
};

/* A changing command's --what-if (PowerShell's -WhatIf). */
const GOptionEntry vmnet_cli_what_if_entries[] = {
  { "what-if", 0, 0, G_OPTION_ARG_NONE, NULL, "Print the planned change and change nothing", NULL },
  G_OPTION_ENTRY_NULL
};

static void
global_options_clear (GlobalOptions *opt)
{
  vmnet_cli_free_options (global_entries, opt);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GlobalOptions, global_options_clear)

/* Exit statuses, documented in vmnet(1). */
enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
  EXIT_NOT_FOUND = 3,
  EXIT_NOT_SUPPORTED = 4,
  EXIT_CONFLICT = 5,
  EXIT_ACCESS_DENIED = 6,
  EXIT_UNAVAILABLE = 7,
};

static int
exit_status_for (const GError *error)
{
  if (error->domain == G_OPTION_ERROR)
    return EXIT_USAGE;
  if (error->domain != VMNET_ERROR)
    return EXIT_FAILED;
  switch ((VmnetError) error->code)
    {
    case VMNET_ERROR_NOT_FOUND:
      return EXIT_NOT_FOUND;
    case VMNET_ERROR_INVALID_ARGUMENT:
      return EXIT_USAGE;
    case VMNET_ERROR_NOT_SUPPORTED:
    case VMNET_ERROR_REMOTE_UNSUPPORTED:
      return EXIT_NOT_SUPPORTED;
    case VMNET_ERROR_ALREADY_EXISTS:
    case VMNET_ERROR_BUSY:
    case VMNET_ERROR_NO_RESOURCES:
      return EXIT_CONFLICT;
    case VMNET_ERROR_ACCESS_DENIED:
      return EXIT_ACCESS_DENIED;
    case VMNET_ERROR_BACKEND_UNAVAILABLE:
      return EXIT_UNAVAILABLE;
    case VMNET_ERROR_FAILED:
    case VMNET_ERROR_INVALID_DATA:
    default:
      return EXIT_FAILED;
    }
}

typedef struct {
  const VmnetCommand *command;
  gpointer            options;
  VmnetCli            cli;
  GMainLoop          *loop;
  GError             *error;
} Run;

static const VmnetCommand *
find_command (const gchar *verb)
{
  for (guint i = 0; commands[i]; i++)
    if (g_ascii_strcasecmp (commands[i]->name, verb) == 0)
      return commands[i];
  return NULL;
}

/* GOption's own -h. */
static const GOptionEntry help_entry = { "help", 'h', 0, G_OPTION_ARG_NONE, NULL, NULL, NULL };

/* The option tables a command line can use: the global ones, the command's,
 * --what-if for a changing command. */
typedef struct {
  const GOptionEntry *tables[3];
} OptionTables;

static void
option_tables_init (OptionTables *t, const VmnetCommand *command)
{
  t->tables[0] = global_entries;
  t->tables[1] = command ? command->entries : NULL;
  t->tables[2] = command && command->changes ? vmnet_cli_what_if_entries : NULL;
}

static const GOptionEntry *
find_entry (const OptionTables *t, const gchar *word, gsize len, gboolean powershell)
{
  for (guint i = 0; i < G_N_ELEMENTS (t->tables); i++)
    for (const GOptionEntry *e = t->tables[i]; e && e->long_name; e++)
      {
        if (powershell ? vmnet_cli_powershell_matches (e->long_name, word, len)
                       : (strlen (e->long_name) == len && strncmp (e->long_name, word, len) == 0))
          return e;
      }
  return NULL;
}

static const GOptionEntry *
find_short (const OptionTables *t, gchar c)
{
  if (c == 'h')
    return &help_entry;
  for (guint i = 0; i < G_N_ELEMENTS (t->tables); i++)
    for (const GOptionEntry *e = t->tables[i]; e && e->long_name; e++)
      if (e->short_name == c)
        return e;
  return NULL;
}

static gboolean
short_takes_value (const OptionTables *t, gchar c)
{
  const GOptionEntry *e = find_short (t, c);
  return e && e->arg != G_OPTION_ARG_NONE;
}

/* Walks the words after argv[0] as GOption will, skipping option values and
 * what follows "--". Without @command it finds the verb (the first word that
 * names one) and returns it; with it, it rewrites the PowerShell spelling of
 * the options into the GNU one: -VMName web1 is --vm-name web1,
 * -IovWeight:100 is --iov-weight=100, -WhatIf is --what-if, a switch given as
 * -EnableIov:$false is dropped. */
static const VmnetCommand *
walk_words (gchar **args, const VmnetCommand *command, GError **error)
{
  OptionTables t;
  gboolean value_next = FALSE;

  option_tables_init (&t, command);
  for (guint i = 1; args[i]; i++)
    {
      gchar *w = args[i];
      const GOptionEntry *e;

      if (value_next)
        {
          value_next = FALSE;
          continue;
        }
      if (g_str_equal (w, "--"))
        break;
      if (g_str_has_prefix (w, "--"))
        {
          const gchar *eq = strchr (w, '=');
          e = find_entry (&t, w + 2, eq ? (gsize) (eq - w - 2) : strlen (w + 2), FALSE);
          value_next = e && e->arg != G_OPTION_ARG_NONE && !eq;
          continue;
        }
      if (w[0] == '-' && g_ascii_isalpha (w[1]) && w[2])
        {
          const gchar *colon = strchr (w, ':');
          gsize len = colon ? (gsize) (colon - w - 1) : strlen (w + 1);

          e = find_entry (&t, w + 1, len, TRUE);
          if (!e && command)
            {
              /* Short options together (-rv) go to GOption; anything else would
               * be read as some of them (-SwitchName holds -t). */
              for (const gchar *c = w + 1; *c; c++)
                if (!find_short (&t, *c))
                  {
                    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
                                 "unknown option '%s'%s%s", w, command->name ? " for " : "",
                                 command->name ? command->name : "");
                    return NULL;
                  }
              continue;
            }
          if (!e)
            continue;
          if (!command)
            {
              value_next = e->arg != G_OPTION_ARG_NONE && !colon;
              continue;
            }
          if (e->arg == G_OPTION_ARG_NONE && colon)
            {
              gboolean on;
              if (!vmnet_cli_parse_on_off (e->long_name, colon + 1, &on, error))
                return NULL;
              if (!on)
                {
                  g_free (w);
                  memmove (&args[i], &args[i + 1], (g_strv_length (args + i + 1) + 1) * sizeof (gchar *));
                  i--;
                  continue;
                }
              args[i] = g_strconcat ("--", e->long_name, NULL);
            }
          else if (colon)
            args[i] = g_strconcat ("--", e->long_name, "=", colon + 1, NULL);
          else
            {
              args[i] = g_strconcat ("--", e->long_name, NULL);
              value_next = e->arg != G_OPTION_ARG_NONE;
            }
          g_free (w);
          continue;
        }
      if (w[0] == '-' && w[1] && !w[2])
        {
          value_next = short_takes_value (&t, w[1]);
          continue;
        }
      if (!command && w[0] != '-' && find_command (w))
        return find_command (w);
    }
  return command;
}

/* The PowerShell spelling of the options, before GOption sees them (each
 * word that names an option of the verb's, or a global one). */
static gboolean
rewrite_powershell (gchar **args, GError **error)
{
  const VmnetCommand *command = walk_words (args, NULL, NULL);

  if (!command)
    {
      /* No verb: only the global options can be meant. */
      static const VmnetCommand none = { 0 };
      command = &none;
    }
  walk_words (args, command, error);
  return error == NULL || *error == NULL;
}

static gchar *
commands_summary (void)
{
  GString *s = g_string_new ("Commands:\n");

  for (guint i = 0; commands[i]; i++)
    g_string_append_printf (s, "  %-24s %s\n", commands[i]->name, commands[i]->summary);
  g_string_append (s, "\nVerbs are case-insensitive: Get-VMSwitch works too.\n"
                      "Run 'vmnet COMMAND --help' for a command's options.");
  return g_string_free (s, FALSE);
}

static void
host_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;

  run->cli.host = vmnet_host_new_for_uri_finish (result, &run->error);
  if (run->cli.host)
    run->command->run (&run->cli, run->options, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
on_sigint (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  g_auto(GlobalOptions) opt = { 0 };
  g_autofree GOptionEntry *global_bound = vmnet_cli_bind_entries (global_entries, &opt);
  g_autofree GOptionEntry *local_bound = NULL;
  g_autoptr(GOptionContext) global = NULL;
  g_autoptr(GOptionContext) local = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = NULL;
  g_auto(GStrv) fields = NULL;
  g_autofree gchar *summary = NULL;
  g_autofree GOptionEntry *what_if_bound = NULL;
  Run run = { 0 };
  const gchar *uri;
  gboolean want_help = FALSE;
  gboolean what_if = FALSE;
  guint sigint_id;
  int status;

  setlocale (LC_ALL, "");
  /* Messages go to stderr, never into the output a script reads. */
  g_log_writer_default_set_use_stderr (TRUE);
  /* vmnet complete [--] WORD…: what bash completion offers (vmnet.bash-completion). */
  if (argc > 1 && g_ascii_strcasecmp (argv[1], "complete") == 0)
    return vmnet_cli_complete (commands, global_entries, argv + 2);
  args = g_strdupv (argv);
  summary = commands_summary ();
  if (!rewrite_powershell (args, &error))
    goto fail;

  /* Pass 1: global options anywhere on the line; the verb is the first word left. */
  global = g_option_context_new ("COMMAND [ARGS…]");
  g_option_context_set_summary (global, "Manage SR-IOV networking of libvirt/KVM hosts the Hyper-V way.");
  g_option_context_set_description (global, summary);
  g_option_context_add_main_entries (global, global_bound, NULL);
  g_option_context_set_ignore_unknown_options (global, TRUE);
  g_option_context_set_help_enabled (global, FALSE);
  if (!g_option_context_parse_strv (global, &args, &error))
    goto fail;

  for (guint i = 1; args[i]; i++)
    if (g_str_equal (args[i], "--help") || g_str_equal (args[i], "-h"))
      want_help = TRUE;

  if (opt.version)
    {
      g_print ("vmnet %d.%d.%d\n", VMNET_MAJOR_VERSION, VMNET_MINOR_VERSION, VMNET_MICRO_VERSION);
      return EXIT_OK;
    }
  if (!args[1] || args[1][0] == '-')
    {
      g_autofree gchar *help = g_option_context_get_help (global, TRUE, NULL);
      if (want_help || !args[1])
        {
          g_print ("%s", help);
          return want_help ? EXIT_OK : EXIT_USAGE;
        }
      g_printerr ("vmnet: error: unknown option '%s'\n", args[1]);
      return EXIT_USAGE;
    }

  run.command = find_command (args[1]);
  if (!run.command)
    {
      g_printerr ("vmnet: error: unknown command '%s'; run 'vmnet --help' for the list\n", args[1]);
      return EXIT_USAGE;
    }

  if (opt.verbose)
    {
      g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
      g_log_set_debug_enabled (TRUE);
    }

  run.cli.output = VMNET_CLI_OUTPUT_TABLE;
  if (opt.output)
    {
      guint i = 0;
      while (vmnet_cli_output_names[i] && !g_str_equal (vmnet_cli_output_names[i], opt.output))
        i++;
      if (!vmnet_cli_output_names[i])
        {
          g_set_error (&error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                       "--output must be table, list or json, not '%s'", opt.output);
          goto fail;
        }
      run.cli.output = (VmnetCliOutput) i;
    }
  if ((opt.fields || opt.terse) && !run.command->columns)
    {
      g_set_error (&error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "--fields and --terse are for commands that show objects (get-…); %s does not",
                   run.command->name);
      goto fail;
    }
  if (opt.terse && run.cli.output == VMNET_CLI_OUTPUT_JSON)
    {
      g_set_error_literal (&error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                           "--terse is for table and list output, not json");
      goto fail;
    }
  run.cli.verb = run.command->name;
  run.cli.terse = opt.terse;
  run.cli.read_only = opt.readonly;
  run.cli.host_root = opt.host_root;
  if (opt.fields)
    {
      fields = g_strsplit (opt.fields, ",", -1);
      for (guint i = 0; fields[i]; i++)
        g_strstrip (fields[i]);
      run.cli.fields = fields;
      /* Before anything is read or changed. */
      if (!vmnet_cli_check_fields (&run.cli, run.command->columns, &error))
        goto fail;
    }

  /* Pass 2: the command's own options over what is left after the verb. */
  {
    g_autofree gchar *param = g_strdup_printf ("%s %s", run.command->name, run.command->args_hint);
    g_autofree gchar **rest = NULL;
    guint n = g_strv_length (args);

    local = g_option_context_new (param);
    g_option_context_set_summary (local, run.command->summary);
    run.options = g_malloc0 (MAX (run.command->options_size, 1));
    if (run.command->entries)
      {
        local_bound = vmnet_cli_bind_entries (run.command->entries, run.options);
        g_option_context_add_main_entries (local, local_bound, NULL);
      }
    if (run.command->changes)
      {
        what_if_bound = vmnet_cli_bind_entries (vmnet_cli_what_if_entries, &what_if);
        g_option_context_add_main_entries (local, what_if_bound, NULL);
      }
    g_option_context_add_main_entries (local, global_bound, NULL);
    /* argv[0] stays, the verb goes. */
    g_free (args[1]);
    memmove (&args[1], &args[2], (n - 1) * sizeof (gchar *));
    if (!g_option_context_parse_strv (local, &args, &error))
      goto fail;
    rest = g_new0 (gchar *, g_strv_length (args));
    for (guint i = 1; args[i]; i++)
      rest[i - 1] = args[i];
    run.cli.args = g_strdupv (rest);
  }
  run.cli.what_if = what_if;

  uri = opt.connect ? opt.connect : g_getenv ("VMNET_DEFAULT_URI");
  run.cli.cancellable = cancellable;
  if (run.command->offline)
    {
      /* Before libvirt runs (at boot): the host's files only. */
      if (opt.connect)
        {
          g_set_error (&error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                       "%s works on this host's files without libvirt: --connect does not apply", run.command->name);
          goto fail;
        }
      if (!run.command->run (&run.cli, run.options, &error))
        goto fail;
      status = EXIT_OK;
      goto out;
    }
  run.loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_sigint, cancellable);
  /* libvirt may prompt for credentials only when someone can answer. */
  g_async_initable_new_async (VMNET_TYPE_HOST, G_PRIORITY_DEFAULT, cancellable, host_ready, &run,
                              "uri", uri, "host-root", opt.host_root, "read-only", opt.readonly,
                              "interactive", (gboolean) isatty (STDIN_FILENO), NULL);
  g_main_loop_run (run.loop);
  g_source_remove (sigint_id);
  g_main_loop_unref (run.loop);
  g_clear_object (&run.cli.host);

  if (run.error)
    {
      g_propagate_error (&error, run.error);
      goto fail;
    }
  status = EXIT_OK;
  goto out;

fail:
  status = exit_status_for (error);
  {
    /* A name in the message cannot forge lines or terminal sequences. */
    g_autofree gchar *message = vmnet_cli_escape (error->message, VMNET_CLI_ESCAPE_MESSAGE);
    g_printerr ("vmnet: error: %s\n", message);
  }
out:
  g_strfreev (run.cli.args);
  if (run.options)
    vmnet_cli_free_options (run.command->entries, run.options);
  g_free (run.options);
  return status;
}
