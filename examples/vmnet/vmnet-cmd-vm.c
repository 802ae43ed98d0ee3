/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VM state changes around which VFs go out and come back: save, restore,
 * start, move; and one reconcile pass on demand. */
#include <unistd.h>

#include "vmnet-cli.h"

static VmnetVm *
need_vm (VmnetCli *cli, const gchar *name, GError **error)
{
  if (!name)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "give --vm-name VM");
      return NULL;
    }
  return vmnet_host_find_vm (cli->host, name, error);
}

/* -WhatIf for a VM: its state from now to @to (-1: unchanged), and the
 * VFs its adapters hold that would be unplugged first. */
static gboolean
plan_vm (VmnetCli *cli, VmnetVm *vm, gint to, gboolean unplug, const gchar *what)
{
  VmnetCliPlan *plan = vmnet_cli_plan_new (cli, "VM '%s'", vmnet_vm_get_name (vm));
  GListModel *adapters = vmnet_vm_get_network_adapters (vm);

  if (to >= 0)
    {
      g_auto(GValue) value = G_VALUE_INIT;

      g_value_init (&value, VMNET_TYPE_VM_STATE);
      g_value_set_enum (&value, to);
      vmnet_cli_plan_property (plan, G_OBJECT (vm), "State", "state", &value);
    }
  vmnet_cli_plan_note (plan, "%s", what);
  for (guint i = 0; unplug && i < g_list_model_get_n_items (adapters); i++)
    {
      g_autoptr(VmnetNetworkAdapter) a = g_list_model_get_item (adapters, i);
      const gchar *vf = vmnet_network_adapter_get_virtual_function (a);

      if (vf)
        vmnet_cli_plan_note (plan, "Adapter '%s': its VF %s would be unplugged first",
                             vmnet_network_adapter_get_name (a), vf);
    }
  return vmnet_cli_plan_print (plan);
}

/* reconcile-vmhost */

typedef struct {
  gchar *vm_name;
} VmOptions;

static const GOptionEntry vm_entries[] = {
  { "vm-name", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (VmOptions, vm_name), "The VM", "VM" },
  G_OPTION_ENTRY_NULL
};

typedef struct {
  gchar *action, *vm, *adapter, *vf, *reason;
} Action;

static void
action_free (Action *a)
{
  g_free (a->action);
  g_free (a->vm);
  g_free (a->adapter);
  g_free (a->vf);
  g_free (a->reason);
  g_free (a);
}

static void
on_vf_action (VmnetHost *host, VmnetVfAction action, const gchar *vm, const gchar *adapter,
              const gchar *vf, const gchar *reason, GPtrArray *actions)
{
  Action *a = g_new0 (Action, 1);

  a->action = vmnet_cli_enum_title (VMNET_TYPE_VF_ACTION, action);
  a->vm = g_strdup (vm);
  a->adapter = g_strdup (adapter);
  a->vf = g_strdup (vf);
  a->reason = g_strdup (reason);
  g_ptr_array_add (actions, a);
}

static gboolean
run_reconcile_vmhost (VmnetCli *cli, gpointer options, GError **error)
{
  VmOptions *o = options;
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func ((GDestroyNotify) action_free);
  gulong handler;
  gboolean ok;

  if (!vmnet_cli_no_positional (cli, error))
    return FALSE;
  if (o->vm_name && !(vm = vmnet_host_find_vm (cli->host, o->vm_name, error)))
    return FALSE;
  if (cli->what_if)
    {
      /* No public planner: what the adapters' settings and VFs tell. */
      VmnetCliPlan *plan = vm ? vmnet_cli_plan_new (cli, "VM '%s'", vmnet_vm_get_name (vm))
                              : vmnet_cli_plan_new (cli, "host '%s'", vmnet_host_get_computer_name (cli->host));
      GListModel *adapters = vm ? vmnet_vm_get_network_adapters (vm) : vmnet_host_get_network_adapters (cli->host);

      for (guint i = 0; i < g_list_model_get_n_items (adapters); i++)
        {
          g_autoptr(VmnetNetworkAdapter) a = g_list_model_get_item (adapters, i);
          const gchar *vf = vmnet_network_adapter_get_virtual_function (a);
          guint weight = vmnet_network_adapter_get_iov_weight (a);

          if (weight > 0 && !vf)
            vmnet_cli_plan_note (plan, "%s/%s wants a VF (IovWeight %u): one would be plugged if free and the VM runs",
                                 vmnet_network_adapter_get_vm_name (a), vmnet_network_adapter_get_name (a), weight);
          else if (weight == 0 && vf)
            vmnet_cli_plan_note (plan, "%s/%s has VF %s but IovWeight 0: it would be unplugged",
                                 vmnet_network_adapter_get_vm_name (a), vmnet_network_adapter_get_name (a), vf);
        }
      return vmnet_cli_plan_print (plan);
    }
  handler = g_signal_connect (cli->host, "vf-action", G_CALLBACK (on_vf_action), actions);
  ok = vmnet_host_reconcile (cli->host, vm, cli->cancellable, error);
  g_signal_handler_disconnect (cli->host, handler);
  if (!ok)
    return FALSE;

  if (cli->output == VMNET_CLI_OUTPUT_JSON)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      for (guint i = 0; i < actions->len; i++)
        {
          Action *a = g_ptr_array_index (actions, i);
          JsonObject *row = json_object_new ();

          json_object_set_string_member (row, "Action", a->action);
          json_object_set_string_member (row, "VMName", a->vm);
          json_object_set_string_member (row, "Name", a->adapter);
          json_object_set_string_member (row, "VirtualFunction", a->vf);
          json_object_set_string_member (row, "Reason", a->reason);
          json_array_add_object_element (array, row);
        }
      vmnet_cli_print_json (json_node_init_array (json_node_alloc (), array));
      return TRUE;
    }
  if (actions->len == 0)
    {
      g_print ("Nothing to do: every VF is where it belongs.\n");
      return TRUE;
    }
  for (guint i = 0; i < actions->len; i++)
    {
      Action *a = g_ptr_array_index (actions, i);
      g_autofree gchar *line = g_strdup_printf ("%s/%s%s%s: %s", a->vm, a->adapter, a->vf ? " VF " : "",
                                                a->vf ? a->vf : "", a->reason ? a->reason : "");
      g_autofree gchar *text = vmnet_cli_escape (line, VMNET_CLI_ESCAPE_TEXT);

      g_print ("%-9s %s\n", a->action, text);
    }
  return TRUE;
}

const VmnetCommand vmnet_cmd_reconcile_vmhost = {
  .name = "reconcile-vmhost",
  .args_hint = "[--vm-name VM]",
  .summary = "Give VFs to the adapters that want them now (what vmnetd does on every event)",
  .options_size = sizeof (VmOptions),
  .entries = vm_entries,
  .run = run_reconcile_vmhost,
  .changes = TRUE,
};

/* start-vm */

static gboolean
run_start_vm (VmnetCli *cli, gpointer options, GError **error)
{
  VmOptions *o = options;
  g_autoptr(VmnetVm) vm = NULL;

  if (!vmnet_cli_no_positional (cli, error) || !(vm = need_vm (cli, o->vm_name, error)))
    return FALSE;
  if (cli->what_if)
    return plan_vm (cli, vm, VMNET_VM_STATE_RUNNING, FALSE,
                    "Would start the VM; its adapters that want a VF would get one where free");
  return vmnet_host_start_vm (cli->host, vm, cli->cancellable, error);
}

const VmnetCommand vmnet_cmd_start_vm = {
  .name = "start-vm",
  .args_hint = "--vm-name VM",
  .summary = "Start a VM (from its saved state, if any); its adapters get VFs where free",
  .options_size = sizeof (VmOptions),
  .entries = vm_entries,
  .run = run_start_vm,
  .changes = TRUE,
};

/* The progress of a save or a move: each phase on stderr as it begins (a
 * bar for the phase that counts bytes, on a terminal), and each phase's
 * seconds and bytes for the JSON result. */
typedef struct {
  VmnetCliOutput  output;
  gboolean        tty;
  GType           phase_type;
  gint            counted;    /* the phase that counts bytes */
  gint            done;       /* the last phase */
  gint64          start;
  gint64          phase_start;
  gint            phase;
  JsonArray      *phases;
  guint64         processed, total;
} PhaseProgress;

static void
phase_progress_init (PhaseProgress *p, VmnetCli *cli, GType phase_type, gint counted, gint done, JsonArray *phases)
{
  *p = (PhaseProgress) { cli->output, FALSE, phase_type, counted, done, g_get_monotonic_time (), 0, -1, phases, 0, 0 };
  p->tty = cli->output != VMNET_CLI_OUTPUT_JSON && isatty (STDERR_FILENO);
}

static void
end_phase (PhaseProgress *p, gint64 now)
{
  g_autofree gchar *name = NULL;
  JsonObject *o;

  if (p->phase < 0 || p->phase == p->done)
    return;
  if (p->tty && p->phase == p->counted)
    g_printerr ("\n");
  name = vmnet_cli_enum_title (p->phase_type, p->phase);
  o = json_object_new ();
  json_object_set_string_member (o, "Phase", name);
  json_object_set_double_member (o, "Seconds", (now - p->phase_start) / 1e6);
  if (p->phase == p->counted && p->total)
    {
      json_object_set_int_member (o, "BytesProcessed", (gint64) p->processed);
      json_object_set_int_member (o, "BytesTotal", (gint64) p->total);
    }
  json_array_add_object_element (p->phases, o);
}

static void
on_phase (PhaseProgress *p, gint phase, guint64 processed, guint64 total)
{
  gint64 now = g_get_monotonic_time ();

  if (phase != p->phase)
    {
      end_phase (p, now);
      p->phase = phase;
      p->phase_start = now;
      if (phase != p->done && p->output != VMNET_CLI_OUTPUT_JSON)
        {
          g_autofree gchar *name = vmnet_cli_enum_title (p->phase_type, phase);
          g_printerr ("%s…%s", name, p->tty && phase == p->counted ? "" : "\n");
        }
      return;
    }
  if (total)
    {
      p->processed = processed;
      p->total = total;
    }
  if (p->tty && total)
    {
      g_autofree gchar *name = vmnet_cli_enum_title (p->phase_type, phase);
      guint pct = (guint) MIN (100, processed * 100 / total);
      gchar bar[41];
      memset (bar, '#', pct * 40 / 100);
      memset (bar + pct * 40 / 100, '.', 40 - pct * 40 / 100);
      bar[40] = '\0';
      g_printerr ("\r%s [%s] %3u%% %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " MiB", name, bar, pct,
                  processed >> 20, total >> 20);
    }
}

static void
on_move_progress (VmnetMovePhase phase, guint64 processed, guint64 total, gpointer user_data)
{
  on_phase (user_data, phase, processed, total);
}

static void
on_save_progress (VmnetSavePhase phase, guint64 processed, guint64 total, gpointer user_data)
{
  on_phase (user_data, phase, processed, total);
}

/* Async calls, so that the main loop runs: progress on this thread, and
 * SIGINT cancels. */
typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
wait_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->result = g_object_ref (result);
  g_main_loop_quit (w->loop);
}

/* save-vm, restore-vm */

typedef struct {
  gchar *vm_name;
  gchar *path;
} SaveOptions;

static const GOptionEntry save_entries[] = {
  { "vm-name", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (SaveOptions, vm_name), "The VM (save-vm)", "VM" },
  { "path", 0, 0, G_OPTION_ARG_FILENAME, VMNET_CLI_OPTION (SaveOptions, path),
    "The save file (save-vm: default is libvirt's managed save, restored by start-vm)", "FILE" },
  G_OPTION_ENTRY_NULL
};

static gboolean
run_save_vm (VmnetCli *cli, gpointer options, GError **error)
{
  SaveOptions *o = options;
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(JsonArray) phases = json_array_new ();
  g_autoptr(GError) local_error = NULL;
  PhaseProgress p;
  gboolean ok;

  if (!vmnet_cli_no_positional (cli, error) || !(vm = need_vm (cli, o->vm_name, error)))
    return FALSE;
  if (cli->what_if)
    {
      g_autofree gchar *what = g_strdup_printf ("Would save its memory to %s%s%s and stop it",
                                                o->path ? "'" : "libvirt's managed save", o->path ? o->path : "",
                                                o->path ? "'" : "");
      return plan_vm (cli, vm, o->path ? VMNET_VM_STATE_OFF : VMNET_VM_STATE_SAVED, TRUE, what);
    }
  phase_progress_init (&p, cli, VMNET_TYPE_SAVE_PHASE, VMNET_SAVE_PHASE_SAVE, VMNET_SAVE_PHASE_DONE, phases);
  /* SIGINT aborts libvirt's save: the VM runs on. */
  {
    Wait w = { g_main_loop_new (NULL, FALSE), NULL };

    vmnet_host_save_vm_full_async (cli->host, vm, o->path, on_save_progress, &p, NULL, cli->cancellable,
                                   wait_done, &w);
    g_main_loop_run (w.loop);
    ok = vmnet_host_save_vm_full_finish (cli->host, w.result, &local_error);
    g_object_unref (w.result);
    g_main_loop_unref (w.loop);
  }
  end_phase (&p, g_get_monotonic_time ());

  if (cli->output == VMNET_CLI_OUTPUT_JSON)
    {
      g_autoptr(JsonObject) b = json_object_new ();

      json_object_set_string_member (b, "VMName", vmnet_vm_get_name (vm));
      json_object_set_string_member (b, "Path", o->path);
      json_object_set_boolean_member (b, "Succeeded", ok);
      json_object_set_string_member (b, "Error", local_error ? local_error->message : NULL);
      json_object_set_double_member (b, "Seconds", (g_get_monotonic_time () - p.start) / 1e6);
      json_object_set_array_member (b, "Phases", json_array_ref (phases));
      vmnet_cli_print_json (json_node_init_object (json_node_alloc (), b));
    }
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

const VmnetCommand vmnet_cmd_save_vm = {
  .name = "save-vm",
  .args_hint = "--vm-name VM [--path FILE]",
  .summary = "Save a running VM's state and stop it; its VFs are unplugged first",
  .options_size = sizeof (SaveOptions),
  .entries = save_entries,
  .run = run_save_vm,
  .changes = TRUE,
};

static gboolean
run_restore_vm (VmnetCli *cli, gpointer options, GError **error)
{
  SaveOptions *o = options;
  g_autoptr(VmnetVm) vm = NULL;

  if (!vmnet_cli_no_positional (cli, error))
    return FALSE;
  if (!o->path)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "give --path FILE");
      return FALSE;
    }
  if (cli->what_if)
    {
      VmnetCliPlan *plan = vmnet_cli_plan_new (cli, "save file '%s'", o->path);

      vmnet_cli_plan_note (plan, "Would restore the VM saved there and give its adapters VFs where free");
      return vmnet_cli_plan_print (plan);
    }
  vm = vmnet_host_restore_vm (cli->host, o->path, cli->cancellable, error);
  return vm != NULL;
}

const VmnetCommand vmnet_cmd_restore_vm = {
  .name = "restore-vm",
  .args_hint = "--path FILE",
  .summary = "Restore a VM saved with save-vm; its adapters get VFs again where free",
  .options_size = sizeof (SaveOptions),
  .entries = save_entries,
  .run = run_restore_vm,
  .changes = TRUE,
};

/* checkpoint-vm */

typedef struct {
  gchar *vm_name;
  gchar *name;
  gchar *memory_file;
} CheckpointOptions;

static const GOptionEntry checkpoint_entries[] = {
  { "vm-name", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (CheckpointOptions, vm_name), "The VM", "VM" },
  { "name", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (CheckpointOptions, name), "The checkpoint's name", "NAME" },
  { "memory-file", 0, 0, G_OPTION_ARG_FILENAME, VMNET_CLI_OPTION (CheckpointOptions, memory_file),
    "Write the VM's memory to FILE (external snapshot; default: libvirt's internal snapshot, which needs qcow2 disks)",
    "FILE" },
  G_OPTION_ENTRY_NULL
};

static gboolean
run_checkpoint_vm (VmnetCli *cli, gpointer options, GError **error)
{
  CheckpointOptions *o = options;
  g_autoptr(VmnetVm) vm = NULL;

  if (!vmnet_cli_no_positional (cli, error) || !(vm = need_vm (cli, o->vm_name, error)))
    return FALSE;
  if (!o->name)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "give --name NAME");
      return FALSE;
    }
  if (cli->what_if)
    {
      g_autofree gchar *what = g_strdup_printf ("Would take checkpoint '%s'%s%s%s; its VFs come back after", o->name,
                                                o->memory_file ? " with its memory in '" : "",
                                                o->memory_file ? o->memory_file : "", o->memory_file ? "'" : "");
      return plan_vm (cli, vm, -1, TRUE, what);
    }
  return vmnet_host_checkpoint_vm (cli->host, vm, o->name, o->memory_file, cli->cancellable, error);
}

const VmnetCommand vmnet_cmd_checkpoint_vm = {
  .name = "checkpoint-vm",
  .args_hint = "--vm-name VM --name NAME [--memory-file FILE]",
  .summary = "Take a checkpoint with the VM's memory; its VFs go out first and come back after",
  .options_size = sizeof (CheckpointOptions),
  .entries = checkpoint_entries,
  .run = run_checkpoint_vm,
  .changes = TRUE,
};

/* compare-vm, move-vm */

typedef struct {
  gchar    *vm_name;
  gchar    *destination;
  gchar    *migrate_uri;
  gboolean  live;
} MoveOptions;

static const GOptionEntry move_entries[] = {
  { "vm-name", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (MoveOptions, vm_name), "The VM", "VM" },
  { "destination", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (MoveOptions, destination),
    "libvirt URI of the destination host", "URI" },
  { "live", 0, 0, G_OPTION_ARG_NONE, VMNET_CLI_OPTION (MoveOptions, live),
    "move-vm: keep the VM running while its memory is copied", NULL },
  { "migrate-uri", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (MoveOptions, migrate_uri),
    "move-vm: where QEMU sends the migration stream (tcp://HOST:PORT, unix:///PATH)", "URI" },
  G_OPTION_ENTRY_NULL
};

static gboolean
need_destination (MoveOptions *o, GError **error)
{
  if (o->destination)
    return TRUE;
  g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "give --destination URI");
  return FALSE;
}

static gboolean
is_error (const VmnetIovCheck *c)
{
  return vmnet_iov_check_get_result (c) == VMNET_CHECK_RESULT_FAIL;
}

/* A compatibility report's entries as JSON: Severity (Error or Warning),
 * Check, Message, Fix. */
static JsonArray *
report_json (GPtrArray *report)
{
  JsonArray *a = json_array_new ();

  for (guint i = 0; i < report->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (report, i);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "Severity", is_error (c) ? "Error" : "Warning");
      json_object_set_string_member (o, "Check",
                                     vmnet_cli_enum_nick (VMNET_TYPE_IOV_CHECK_CODE, vmnet_iov_check_get_code (c)));
      json_object_set_string_member (o, "Message", vmnet_iov_check_get_message (c));
      json_object_set_string_member (o, "Fix", vmnet_iov_check_get_fix (c));
      json_array_add_object_element (a, o);
    }
  return a;
}

/* Each warning of @report on a line of its own ("WARNING: …"), with its fix;
 * on stderr where stdout is the command's result. */
static void
print_warnings (GPtrArray *report, gboolean to_stderr)
{
  for (guint i = 0; i < report->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (report, i);
      g_autofree gchar *line = NULL;
      g_autofree gchar *text = NULL;

      if (is_error (c))
        continue;
      line = vmnet_iov_check_get_fix (c)
               ? g_strdup_printf ("WARNING: %s (%s)", vmnet_iov_check_get_message (c), vmnet_iov_check_get_fix (c))
               : g_strdup_printf ("WARNING: %s", vmnet_iov_check_get_message (c));
      text = vmnet_cli_escape (line, VMNET_CLI_ESCAPE_TEXT);
      if (to_stderr)
        g_printerr ("%s\n", text);
      else
        g_print ("%s\n", text);
    }
}

/* The first error of @report as @error; the others on stderr. */
static gboolean
report_errors (GPtrArray *report, GError **error)
{
  gboolean first = TRUE;

  for (guint i = 0; i < report->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (report, i);
      g_autofree gchar *text = NULL;

      if (!is_error (c))
        continue;
      if (first)
        {
          g_set_error_literal (error, VMNET_ERROR,
                               vmnet_iov_check_get_code (c) == VMNET_IOV_CHECK_DESTINATION_VM_NAME
                                 ? VMNET_ERROR_ALREADY_EXISTS : VMNET_ERROR_NOT_FOUND,
                               vmnet_iov_check_get_message (c));
          first = FALSE;
          continue;
        }
      text = vmnet_cli_escape (vmnet_iov_check_get_message (c), VMNET_CLI_ESCAPE_TEXT);
      g_printerr ("vmnet: error: %s\n", text);
    }
  return first;
}

static gboolean
run_compare_vm (VmnetCli *cli, gpointer options, GError **error)
{
  MoveOptions *o = options;
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(VmnetHost) destination = NULL;
  g_autoptr(GPtrArray) report = NULL;
  gint free_vfs = -1;
  gboolean compatible = TRUE;

  if (!vmnet_cli_no_positional (cli, error) || !(vm = need_vm (cli, o->vm_name, error)) ||
      !need_destination (o, error))
    return FALSE;
  destination = vmnet_host_new_for_uri (o->destination, cli->cancellable, error);
  if (!destination || !(report = vmnet_host_compare_vm_report (cli->host, vm, destination, &free_vfs, error)))
    return FALSE;
  for (guint i = 0; i < report->len; i++)
    if (is_error (g_ptr_array_index (report, i)))
      compatible = FALSE;
  if (cli->output == VMNET_CLI_OUTPUT_JSON)
    {
      g_autoptr(JsonObject) b = json_object_new ();

      json_object_set_string_member (b, "VMName", vmnet_vm_get_name (vm));
      json_object_set_string_member (b, "Destination", o->destination);
      json_object_set_boolean_member (b, "Compatible", compatible);
      if (free_vfs >= 0)
        json_object_set_int_member (b, "DestinationFreeVFs", free_vfs);
      else
        json_object_set_null_member (b, "DestinationFreeVFs");
      json_object_set_array_member (b, "Incompatibilities", report_json (report));
      vmnet_cli_print_json (json_node_init_object (json_node_alloc (), b));
    }
  else if (compatible)
    {
      g_autofree gchar *line = NULL;
      g_autofree gchar *text = NULL;

      if (free_vfs >= 0)
        line = g_strdup_printf ("VM '%s' can move to %s; its switches there have %d free VFs.", vmnet_vm_get_name (vm),
                                o->destination, free_vfs);
      else
        line = g_strdup_printf ("VM '%s' can move to %s; how many VFs are free there cannot be told.",
                                vmnet_vm_get_name (vm), o->destination);
      text = vmnet_cli_escape (line, VMNET_CLI_ESCAPE_TEXT);
      g_print ("%s\n", text);
      print_warnings (report, FALSE);
    }
  else
    print_warnings (report, FALSE);
  return report_errors (report, error);
}

const VmnetCommand vmnet_cmd_compare_vm = {
  .name = "compare-vm",
  .args_hint = "--vm-name VM --destination URI",
  .summary = "Check that a VM can move to another host: errors, warnings, and how many VFs are free there",
  .options_size = sizeof (MoveOptions),
  .entries = move_entries,
  .run = run_compare_vm,
};

static gboolean
run_move_vm (VmnetCli *cli, gpointer options, GError **error)
{
  MoveOptions *o = options;
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(JsonArray) phases = json_array_new ();
  PhaseProgress p;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  gboolean ok;

  if (!vmnet_cli_no_positional (cli, error) || !(vm = need_vm (cli, o->vm_name, error)) ||
      !need_destination (o, error))
    return FALSE;
  if (cli->what_if)
    {
      g_autofree gchar *what = g_strdup_printf ("Would move the VM%s to %s; its adapters get VFs there where free",
                                                o->live ? " while it runs" : "", o->destination);
      return plan_vm (cli, vm, -1, TRUE, what);
    }
  phase_progress_init (&p, cli, VMNET_TYPE_MOVE_PHASE, VMNET_MOVE_PHASE_MIGRATE, VMNET_MOVE_PHASE_DONE, phases);
  /* The pre-flight's warnings: the VM moves, the adapters named lose their
   * VF there. Errors (and an unreachable destination) are the move's own
   * pre-flight's to report. */
  {
    g_autoptr(VmnetHost) destination = vmnet_host_new_for_uri (o->destination, cli->cancellable, NULL);

    if (destination)
      warnings = vmnet_host_compare_vm_report (cli->host, vm, destination, NULL, NULL);
    if (warnings && cli->output != VMNET_CLI_OUTPUT_JSON)
      print_warnings (warnings, TRUE);
  }
  /* Async, so that the main loop runs: progress on this thread, and SIGINT
   * cancels (libvirt's migration job is aborted, the VM stays here). */
  {
    Wait w = { g_main_loop_new (NULL, FALSE), NULL };

    vmnet_host_move_vm_async (cli->host, vm, o->destination, o->migrate_uri,
                              o->live ? VMNET_MOVE_FLAGS_LIVE : VMNET_MOVE_FLAGS_NONE,
                              on_move_progress, &p, NULL, cli->cancellable, wait_done, &w);
    g_main_loop_run (w.loop);
    ok = vmnet_host_move_vm_finish (cli->host, w.result, &local_error);
    g_object_unref (w.result);
    g_main_loop_unref (w.loop);
  }
  end_phase (&p, g_get_monotonic_time ());

  if (cli->output == VMNET_CLI_OUTPUT_JSON)
    {
      g_autoptr(JsonObject) b = json_object_new ();

      json_object_set_string_member (b, "VMName", o->vm_name);
      json_object_set_string_member (b, "Destination", o->destination);
      json_object_set_boolean_member (b, "Succeeded", ok);
      json_object_set_string_member (b, "Error", local_error ? local_error->message : NULL);
      json_object_set_double_member (b, "Seconds", (g_get_monotonic_time () - p.start) / 1e6);
      json_object_set_array_member (b, "Phases", json_array_ref (phases));
      if (warnings)
        {
          for (guint i = warnings->len; i > 0; i--)
            if (is_error (g_ptr_array_index (warnings, i - 1)))
              g_ptr_array_remove_index (warnings, i - 1);
          json_object_set_array_member (b, "Warnings", report_json (warnings));
        }
      vmnet_cli_print_json (json_node_init_object (json_node_alloc (), b));
    }
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

const VmnetCommand vmnet_cmd_move_vm = {
  .name = "move-vm",
  .args_hint = "--vm-name VM --destination URI [--live] [--migrate-uri URI]",
  .summary = "Migrate a VM to another host: VFs out first, back on the destination if free",
  .options_size = sizeof (MoveOptions),
  .entries = move_entries,
  .run = run_move_vm,
  .changes = TRUE,
};
