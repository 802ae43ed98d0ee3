/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
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
  gchar    *output;
  gchar    *host_root;
  gboolean  verbose;
  gboolean  version;
} GlobalOptions;

static const GOptionEntry global_entries[] = {
  { "connect", 'c', 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (GlobalOptions, connect),
    "libvirt URI of the host, or 'demo' (default: $VMNET_DEFAULT_URI, then libvirt's default)", "URI" },
  { "output", 'o', 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (GlobalOptions, output),
    "Output format: table, list or json", "FORMAT" },
  { "host-root", 0, 0, G_OPTION_ARG_FILENAME, VMNET_CLI_OPTION (GlobalOptions, host_root),
    "Read the host's /sys and /proc under DIR (a mounted image, a test fixture)", "DIR" },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, VMNET_CLI_OPTION (GlobalOptions, verbose), "Print debug messages", NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, VMNET_CLI_OPTION (GlobalOptions, version), "Print the version and exit", NULL },
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
  g_autofree gchar *summary = NULL;
  Run run = { 0 };
  const gchar *uri;
  gboolean want_help = FALSE;
  guint sigint_id;
  int status;

  setlocale (LC_ALL, "");
  /* vmnet complete [--] WORD…: what bash completion offers (vmnet.bash-completion). */
  if (argc > 1 && g_ascii_strcasecmp (argv[1], "complete") == 0)
    return vmnet_cli_complete (commands, global_entries, argv + 2);
  args = g_strdupv (argv);
  summary = commands_summary ();

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

  uri = opt.connect ? opt.connect : g_getenv ("VMNET_DEFAULT_URI");
  run.cli.cancellable = cancellable;
  run.loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_sigint, cancellable);
  g_async_initable_new_async (VMNET_TYPE_HOST, G_PRIORITY_DEFAULT, cancellable, host_ready, &run,
                              "uri", uri, "host-root", opt.host_root, NULL);
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
  g_printerr ("vmnet: error: %s\n", error->message);
out:
  g_strfreev (run.cli.args);
  if (run.options)
    vmnet_cli_free_options (run.command->entries, run.options);
  g_free (run.options);
  return status;
}
