/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VM state changes around which VFs go out and come back: save, restore,
 * start, move; and one reconcile pass on demand. */
#include <unistd.h>
#include <json-glib/json-glib.h>

#include "vmnet-cli.h"

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree gchar *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

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

/* reconcile-vmhost */

typedef struct {
  gchar *vm_name;
} VmOptions;

static void
vm_add_options (GOptionContext *context, gpointer options)
{
  VmOptions *o = options;
  const GOptionEntry entries[] = {
    { "vm-name", 0, 0, G_OPTION_ARG_STRING, &o->vm_name, "The VM", "VM" },
    { NULL }
  };
  g_option_context_add_main_entries (context, entries, NULL);
}

static void
vm_free_options (gpointer options)
{
  g_free (((VmOptions *) options)->vm_name);
}

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
  static const gchar *words[] = { "Attached", "Detached", "Waiting", "Failed" };
  Action *a = g_new0 (Action, 1);

  a->action = g_strdup (action < G_N_ELEMENTS (words) ? words[action] : "Unknown");
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
  handler = g_signal_connect (cli->host, "vf-action", G_CALLBACK (on_vf_action), actions);
  ok = vmnet_host_reconcile (cli->host, vm, cli->cancellable, error);
  g_signal_handler_disconnect (cli->host, handler);
  if (!ok)
    return FALSE;

  if (cli->output == VMNET_CLI_OUTPUT_JSON)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < actions->len; i++)
        {
          Action *a = g_ptr_array_index (actions, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "Action");
          json_builder_add_string_value (b, a->action);
          json_builder_set_member_name (b, "VMName");
          json_builder_add_string_value (b, a->vm);
          json_builder_set_member_name (b, "Name");
          json_builder_add_string_value (b, a->adapter);
          json_builder_set_member_name (b, "VirtualFunction");
          json_builder_add_string_value (b, a->vf);
          json_builder_set_member_name (b, "Reason");
          json_builder_add_string_value (b, a->reason);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      print_json (b);
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
      g_print ("%-9s %s/%s%s%s: %s\n", a->action, a->vm, a->adapter, a->vf ? " VF " : "", a->vf ? a->vf : "",
               a->reason ? a->reason : "");
    }
  return TRUE;
}

const VmnetCommand vmnet_cmd_reconcile_vmhost = {
  "reconcile-vmhost", "[--vm-name VM]",
  "Give VFs to the adapters that want them now (what vmnetd does on every event)",
  sizeof (VmOptions), vm_add_options, vm_free_options, run_reconcile_vmhost,
};

/* start-vm */

static gboolean
run_start_vm (VmnetCli *cli, gpointer options, GError **error)
{
  VmOptions *o = options;
  g_autoptr(VmnetVm) vm = NULL;

  if (!vmnet_cli_no_positional (cli, error) || !(vm = need_vm (cli, o->vm_name, error)))
    return FALSE;
  return vmnet_host_start_vm (cli->host, vm, cli->cancellable, error);
}

const VmnetCommand vmnet_cmd_start_vm = {
  "start-vm", "--vm-name VM",
  "Start a VM (from its saved state, if any); its adapters get VFs where free",
  sizeof (VmOptions), vm_add_options, vm_free_options, run_start_vm,
};

/* save-vm, restore-vm */

typedef struct {
  gchar *vm_name;
  gchar *path;
} SaveOptions;

static void
save_add_options (GOptionContext *context, gpointer options)
{
  SaveOptions *o = options;
  const GOptionEntry entries[] = {
    { "vm-name", 0, 0, G_OPTION_ARG_STRING, &o->vm_name, "The VM (save-vm)", "VM" },
    { "path", 0, 0, G_OPTION_ARG_FILENAME, &o->path,
      "The save file (save-vm: default is libvirt's managed save, restored by start-vm)", "FILE" },
    { NULL }
  };
  g_option_context_add_main_entries (context, entries, NULL);
}

static void
save_free_options (gpointer options)
{
  SaveOptions *o = options;
  g_free (o->vm_name);
  g_free (o->path);
}

static gboolean
run_save_vm (VmnetCli *cli, gpointer options, GError **error)
{
  SaveOptions *o = options;
  g_autoptr(VmnetVm) vm = NULL;

  if (!vmnet_cli_no_positional (cli, error) || !(vm = need_vm (cli, o->vm_name, error)))
    return FALSE;
  return vmnet_host_save_vm (cli->host, vm, o->path, cli->cancellable, error);
}

const VmnetCommand vmnet_cmd_save_vm = {
  "save-vm", "--vm-name VM [--path FILE]",
  "Save a running VM's state and stop it; its VFs are unplugged first",
  sizeof (SaveOptions), save_add_options, save_free_options, run_save_vm,
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
  vm = vmnet_host_restore_vm (cli->host, o->path, cli->cancellable, error);
  return vm != NULL;
}

const VmnetCommand vmnet_cmd_restore_vm = {
  "restore-vm", "--path FILE",
  "Restore a VM saved with save-vm; its adapters get VFs again where free",
  sizeof (SaveOptions), save_add_options, save_free_options, run_restore_vm,
};

/* checkpoint-vm */

typedef struct {
  gchar *vm_name;
  gchar *name;
  gchar *memory_file;
} CheckpointOptions;

static void
checkpoint_add_options (GOptionContext *context, gpointer options)
{
  CheckpointOptions *o = options;
  const GOptionEntry entries[] = {
    { "vm-name", 0, 0, G_OPTION_ARG_STRING, &o->vm_name, "The VM", "VM" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &o->name, "The checkpoint's name", "NAME" },
    { "memory-file", 0, 0, G_OPTION_ARG_FILENAME, &o->memory_file,
      "Write the VM's memory to FILE (external snapshot; default: libvirt's internal snapshot, which needs qcow2 disks)",
      "FILE" },
    { NULL }
  };
  g_option_context_add_main_entries (context, entries, NULL);
}

static void
checkpoint_free_options (gpointer options)
{
  CheckpointOptions *o = options;
  g_free (o->vm_name);
  g_free (o->name);
  g_free (o->memory_file);
}

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
  return vmnet_host_checkpoint_vm (cli->host, vm, o->name, o->memory_file, cli->cancellable, error);
}

const VmnetCommand vmnet_cmd_checkpoint_vm = {
  "checkpoint-vm", "--vm-name VM --name NAME [--memory-file FILE]",
  "Take a checkpoint with the VM's memory; its VFs go out first and come back after",
  sizeof (CheckpointOptions), checkpoint_add_options, checkpoint_free_options, run_checkpoint_vm,
};

/* compare-vm, move-vm */

typedef struct {
  gchar    *vm_name;
  gchar    *destination;
  gchar    *migrate_uri;
  gboolean  live;
} MoveOptions;

static void
move_add_options (GOptionContext *context, gpointer options)
{
  MoveOptions *o = options;
  const GOptionEntry entries[] = {
    { "vm-name", 0, 0, G_OPTION_ARG_STRING, &o->vm_name, "The VM", "VM" },
    { "destination", 0, 0, G_OPTION_ARG_STRING, &o->destination, "libvirt URI of the destination host", "URI" },
    { "live", 0, 0, G_OPTION_ARG_NONE, &o->live, "move-vm: keep the VM running while its memory is copied", NULL },
    { "migrate-uri", 0, 0, G_OPTION_ARG_STRING, &o->migrate_uri,
      "move-vm: where QEMU sends the migration stream (tcp://HOST:PORT, unix:///PATH)", "URI" },
    { NULL }
  };
  g_option_context_add_main_entries (context, entries, NULL);
}

static void
move_free_options (gpointer options)
{
  MoveOptions *o = options;
  g_free (o->vm_name);
  g_free (o->destination);
  g_free (o->migrate_uri);
}

static gboolean
need_destination (MoveOptions *o, GError **error)
{
  if (o->destination)
    return TRUE;
  g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "give --destination URI");
  return FALSE;
}

static gboolean
run_compare_vm (VmnetCli *cli, gpointer options, GError **error)
{
  MoveOptions *o = options;
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(VmnetHost) destination = NULL;
  gint free_vfs = -1;

  if (!vmnet_cli_no_positional (cli, error) || !(vm = need_vm (cli, o->vm_name, error)) ||
      !need_destination (o, error))
    return FALSE;
  destination = vmnet_host_new_for_uri (o->destination, cli->cancellable, error);
  if (!destination || !vmnet_host_compare_vm (cli->host, vm, destination, &free_vfs, error))
    return FALSE;
  if (cli->output == VMNET_CLI_OUTPUT_JSON)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "VMName");
      json_builder_add_string_value (b, vmnet_vm_get_name (vm));
      json_builder_set_member_name (b, "Destination");
      json_builder_add_string_value (b, o->destination);
      json_builder_set_member_name (b, "Compatible");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_set_member_name (b, "DestinationFreeVFs");
      if (free_vfs >= 0)
        json_builder_add_int_value (b, free_vfs);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
      print_json (b);
    }
  else if (free_vfs >= 0)
    g_print ("VM '%s' can move to %s; its switches there have %d free VFs.\n", vmnet_vm_get_name (vm),
             o->destination, free_vfs);
  else
    g_print ("VM '%s' can move to %s; how many VFs are free there cannot be told.\n", vmnet_vm_get_name (vm),
             o->destination);
  return TRUE;
}

const VmnetCommand vmnet_cmd_compare_vm = {
  "compare-vm", "--vm-name VM --destination URI",
  "Check that a VM can move to another host, and how many VFs are free there",
  sizeof (MoveOptions), move_add_options, move_free_options, run_compare_vm,
};

static const gchar *const phase_names[] = {
  "Preflight", "Detach", "Migrate", "Attach", "Rollback", "Done",
};

typedef struct {
  VmnetCliOutput  output;
  gboolean        tty;
  gint64          start;
  gint64          phase_start;
  gint            phase;
  JsonBuilder    *phases;
  guint64         processed, total;
} MoveProgress;

static void
end_phase (MoveProgress *p, gint64 now)
{
  if (p->phase < 0)
    return;
  if (p->tty && p->phase == VMNET_MOVE_PHASE_MIGRATE)
    g_printerr ("\n");
  json_builder_begin_object (p->phases);
  json_builder_set_member_name (p->phases, "Phase");
  json_builder_add_string_value (p->phases, phase_names[p->phase]);
  json_builder_set_member_name (p->phases, "Seconds");
  json_builder_add_double_value (p->phases, (now - p->phase_start) / 1e6);
  if (p->phase == VMNET_MOVE_PHASE_MIGRATE && p->total)
    {
      json_builder_set_member_name (p->phases, "BytesProcessed");
      json_builder_add_int_value (p->phases, (gint64) p->processed);
      json_builder_set_member_name (p->phases, "BytesTotal");
      json_builder_add_int_value (p->phases, (gint64) p->total);
    }
  json_builder_end_object (p->phases);
}

static void
on_progress (VmnetMovePhase phase, guint64 processed, guint64 total, gpointer user_data)
{
  MoveProgress *p = user_data;
  gint64 now = g_get_monotonic_time ();

  if ((gint) phase != p->phase)
    {
      end_phase (p, now);
      p->phase = phase;
      p->phase_start = now;
      if (phase != VMNET_MOVE_PHASE_DONE && p->output != VMNET_CLI_OUTPUT_JSON)
        g_printerr ("%s…%s", phase_names[phase], p->tty && phase == VMNET_MOVE_PHASE_MIGRATE ? "" : "\n");
      return;
    }
  if (total)
    {
      p->processed = processed;
      p->total = total;
    }
  if (p->tty && total)
    {
      guint pct = (guint) MIN (100, processed * 100 / total);
      gchar bar[41];
      memset (bar, '#', pct * 40 / 100);
      memset (bar + pct * 40 / 100, '.', 40 - pct * 40 / 100);
      bar[40] = '\0';
      g_printerr ("\rMigrate [%s] %3u%% %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " MiB", bar, pct,
                  processed >> 20, total >> 20);
    }
}

static gboolean
run_move_vm (VmnetCli *cli, gpointer options, GError **error)
{
  MoveOptions *o = options;
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(JsonBuilder) phases = json_builder_new ();
  MoveProgress p = { cli->output, FALSE, g_get_monotonic_time (), 0, -1, phases, 0, 0 };
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  if (!vmnet_cli_no_positional (cli, error) || !(vm = need_vm (cli, o->vm_name, error)) ||
      !need_destination (o, error))
    return FALSE;
  p.tty = cli->output != VMNET_CLI_OUTPUT_JSON && isatty (STDERR_FILENO);
  json_builder_begin_array (phases);
  ok = vmnet_host_move_vm (cli->host, vm, o->destination, o->migrate_uri,
                           o->live ? VMNET_MOVE_FLAGS_LIVE : VMNET_MOVE_FLAGS_NONE,
                           on_progress, &p, cli->cancellable, &local_error);
  if (p.phase != VMNET_MOVE_PHASE_DONE)
    end_phase (&p, g_get_monotonic_time ());
  json_builder_end_array (phases);

  if (cli->output == VMNET_CLI_OUTPUT_JSON)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "VMName");
      json_builder_add_string_value (b, o->vm_name);
      json_builder_set_member_name (b, "Destination");
      json_builder_add_string_value (b, o->destination);
      json_builder_set_member_name (b, "Succeeded");
      json_builder_add_boolean_value (b, ok);
      json_builder_set_member_name (b, "Error");
      if (local_error)
        json_builder_add_string_value (b, local_error->message);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "Seconds");
      json_builder_add_double_value (b, (g_get_monotonic_time () - p.start) / 1e6);
      json_builder_set_member_name (b, "Phases");
      json_builder_add_value (b, json_builder_get_root (phases));
      json_builder_end_object (b);
      print_json (b);
    }
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

const VmnetCommand vmnet_cmd_move_vm = {
  "move-vm", "--vm-name VM --destination URI [--live] [--migrate-uri URI]",
  "Migrate a VM to another host: VFs out first, back on the destination if free",
  sizeof (MoveOptions), move_add_options, move_free_options, run_move_vm,
};
