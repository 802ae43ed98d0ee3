/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vmnet-cli.h"

/* test-sriov: Part 8 of the walkthrough as a checklist, in its order: host,
 * firmware/IOMMU, adapter, switch, VM adapter, policies. */

typedef struct {
  gchar *vm_name;
  gchar *name;
} TestOptions;

static const GOptionEntry test_entries[] = {
  { "vm-name", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (TestOptions, vm_name), "Also check this VM's adapters", "VM" },
  { "name", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (TestOptions, name), "Only this adapter of the VM", "ADAPTER" },
  G_OPTION_ENTRY_NULL
};

/* A check's result as the checklist shows it: the nick in capitals (PASS). */
static gchar *
result_word (VmnetCheckResult r)
{
  const gchar *nick = vmnet_cli_enum_nick (VMNET_TYPE_CHECK_RESULT, r);

  return g_ascii_strup (nick ? nick : "unknown", -1);
}

/* JSON: the checks in one array; text: a section per object. */
static void
report_section (JsonArray *json, const gchar *scope, const gchar *object, GPtrArray *checks)
{
  if (!json)
    {
      g_autofree gchar *name = vmnet_cli_escape (object, VMNET_CLI_ESCAPE_TEXT);
      g_print ("\n%s%s%s\n", scope, object ? " " : "", name);
    }
  for (guint i = 0; i < checks->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (checks, i);
      g_autofree gchar *result = result_word (vmnet_iov_check_get_result (c));

      if (json)
        {
          JsonObject *o = json_object_new ();

          json_object_set_string_member (o, "Scope", scope);
          json_object_set_string_member (o, "Object", object);
          json_object_set_string_member (o, "Check",
                                         vmnet_cli_enum_nick (VMNET_TYPE_IOV_CHECK_CODE, vmnet_iov_check_get_code (c)));
          json_object_set_string_member (o, "Title", vmnet_iov_check_get_title (c));
          json_object_set_string_member (o, "Result", result);
          json_object_set_string_member (o, "Message", vmnet_iov_check_get_message (c));
          json_object_set_string_member (o, "Fix", vmnet_iov_check_get_fix (c));
          json_array_add_object_element (json, o);
          continue;
        }
      {
        g_autofree gchar *message = vmnet_cli_escape (vmnet_iov_check_get_message (c), VMNET_CLI_ESCAPE_TEXT);
        g_autofree gchar *fix = vmnet_cli_escape (vmnet_iov_check_get_fix (c), VMNET_CLI_ESCAPE_TEXT);

        g_print ("  %-7s %s: %s\n", result, vmnet_iov_check_get_title (c), message);
        if (vmnet_iov_check_get_fix (c))
          g_print ("          Fix: %s\n", fix);
      }
    }
}

static gboolean
no_blockers (GPtrArray *checks)
{
  for (guint i = 0; i < checks->len; i++)
    {
      VmnetCheckResult r = vmnet_iov_check_get_result (g_ptr_array_index (checks, i));
      if (r == VMNET_CHECK_RESULT_FAIL || r == VMNET_CHECK_RESULT_UNKNOWN)
        return FALSE;
    }
  return TRUE;
}

static gboolean
run_test_sriov (VmnetCli *cli, gpointer options, GError **error)
{
  TestOptions *o = options;
  g_autoptr(JsonArray) json = cli->output == VMNET_CLI_OUTPUT_JSON ? json_array_new () : NULL;
  g_autoptr(GPtrArray) host_checks = vmnet_host_dup_iov_checks (cli->host);
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(GPtrArray) adapters = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean ok;

  if (!vmnet_cli_no_positional (cli, error))
    return FALSE;
  if (o->name && !o->vm_name)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "--name needs --vm-name");
      return FALSE;
    }
  if (o->vm_name)
    {
      vm = vmnet_host_find_vm (cli->host, o->vm_name, error);
      if (!vm)
        return FALSE;
      if (o->name)
        {
          VmnetNetworkAdapter *a = vmnet_vm_find_network_adapter (vm, o->name, error);
          if (!a)
            return FALSE;
          g_ptr_array_add (adapters, a);
        }
      else
        {
          GListModel *list = vmnet_vm_get_network_adapters (vm);
          for (guint i = 0; i < g_list_model_get_n_items (list); i++)
            g_ptr_array_add (adapters, g_list_model_get_item (list, i));
        }
    }

  report_section (json, "Host", vmnet_host_get_computer_name (cli->host), host_checks);
  ok = no_blockers (host_checks);

  if (!vm)
    {
      /* The host, then every switch that is or could be in SR-IOV mode. */
      GListModel *switches = vmnet_host_get_switches (cli->host);
      for (guint i = 0; i < g_list_model_get_n_items (switches); i++)
        {
          g_autoptr(VmnetSwitch) sw = g_list_model_get_item (switches, i);
          g_autoptr(GPtrArray) checks = NULL;
          if (vmnet_switch_get_switch_type (sw) != VMNET_SWITCH_TYPE_EXTERNAL)
            continue;
          checks = vmnet_switch_dup_iov_checks (sw);
          report_section (json, "Switch", vmnet_switch_get_name (sw), checks);
        }
    }
  else
    {
      gboolean any = FALSE;
      for (guint i = 0; i < adapters->len; i++)
        {
          VmnetNetworkAdapter *a = g_ptr_array_index (adapters, i);
          g_autoptr(GPtrArray) checks = vmnet_network_adapter_dup_iov_checks (a);
          g_autofree gchar *label = g_strdup_printf ("%s/%s", vmnet_network_adapter_get_vm_name (a),
                                                     vmnet_network_adapter_get_name (a));
          const gchar *switch_name = vmnet_network_adapter_get_switch_name (a);
          g_autoptr(VmnetSwitch) sw = switch_name ? vmnet_host_find_switch (cli->host, switch_name, NULL) : NULL;

          if (sw)
            {
              g_autoptr(GPtrArray) sw_checks = vmnet_switch_dup_iov_checks (sw);
              report_section (json, "Switch", vmnet_switch_get_name (sw), sw_checks);
            }
          report_section (json, "Adapter", label, checks);
          any = any || no_blockers (checks);
        }
      /* SR-IOV can work for the VM when one of its adapters has nothing in the way. */
      ok = ok && any;
    }

  if (json)
    vmnet_cli_print_json (json_node_init_array (json_node_alloc (), json));
  else
    g_print ("\nSR-IOV %s\n", ok ? (vm ? "can work for this VM." : "can work on this host.")
                                 : "cannot work: see the FAIL and UNKNOWN lines.");

  if (!ok)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED, "SR-IOV cannot work %s%s%s",
                   vm ? "for VM '" : "on this host", vm ? o->vm_name : "", vm ? "'" : "");
      return FALSE;
    }
  return TRUE;
}

const VmnetCommand vmnet_cmd_test_sriov = {
  .name = "test-sriov",
  .args_hint = "[--vm-name VM [--name ADAPTER]]",
  .summary = "Check why SR-IOV is or is not working: host, firmware, adapters, switches, VM adapters",
  .options_size = sizeof (TestOptions),
  .entries = test_entries,
  .names = VMNET_CLI_VALUES_VM_ADAPTERS,
  .run = run_test_sriov,
};
