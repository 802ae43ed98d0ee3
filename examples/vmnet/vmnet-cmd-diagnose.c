/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <json-glib/json-glib.h>

#include "vmnet-cli.h"

/* test-sriov: Part 8 of the walkthrough as a checklist, in its order: host,
 * firmware/IOMMU, adapter, switch, VM adapter, policies. */

typedef struct {
  gchar *vm_name;
  gchar *name;
} TestOptions;

static void
test_add_options (GOptionContext *context, gpointer options)
{
  TestOptions *o = options;
  const GOptionEntry entries[] = {
    { "vm-name", 0, 0, G_OPTION_ARG_STRING, &o->vm_name, "Also check this VM's adapters", "VM" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &o->name, "Only this adapter of the VM", "ADAPTER" },
    G_OPTION_ENTRY_NULL
  };
  g_option_context_add_main_entries (context, entries, NULL);
}

static void
test_free_options (gpointer options)
{
  TestOptions *o = options;
  g_free (o->vm_name);
  g_free (o->name);
}

static const gchar *
result_word (VmnetCheckResult r)
{
  switch (r)
    {
    case VMNET_CHECK_RESULT_PASS: return "PASS";
    case VMNET_CHECK_RESULT_WARN: return "WARN";
    case VMNET_CHECK_RESULT_FAIL: return "FAIL";
    case VMNET_CHECK_RESULT_SKIP: return "SKIP";
    case VMNET_CHECK_RESULT_UNKNOWN:
    default: return "UNKNOWN";
    }
}

typedef struct {
  VmnetCli    *cli;
  JsonBuilder *json;
} Report;

static void
report_section (Report *r, const gchar *scope, const gchar *object, GPtrArray *checks)
{
  g_autoptr(GEnumClass) codes = g_type_class_ref (VMNET_TYPE_IOV_CHECK_CODE);

  if (!r->json)
    g_print ("\n%s%s%s\n", scope, object ? " " : "", object ? object : "");
  for (guint i = 0; i < checks->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (checks, i);
      GEnumValue *ev = g_enum_get_value (codes, vmnet_iov_check_get_code (c));

      if (r->json)
        {
          json_builder_begin_object (r->json);
          json_builder_set_member_name (r->json, "Scope");
          json_builder_add_string_value (r->json, scope);
          json_builder_set_member_name (r->json, "Object");
          json_builder_add_string_value (r->json, object);
          json_builder_set_member_name (r->json, "Check");
          json_builder_add_string_value (r->json, ev ? ev->value_nick : NULL);
          json_builder_set_member_name (r->json, "Title");
          json_builder_add_string_value (r->json, vmnet_iov_check_get_title (c));
          json_builder_set_member_name (r->json, "Result");
          json_builder_add_string_value (r->json, result_word (vmnet_iov_check_get_result (c)));
          json_builder_set_member_name (r->json, "Message");
          json_builder_add_string_value (r->json, vmnet_iov_check_get_message (c));
          json_builder_set_member_name (r->json, "Fix");
          json_builder_add_string_value (r->json, vmnet_iov_check_get_fix (c));
          json_builder_end_object (r->json);
          continue;
        }
      g_print ("  %-7s %s: %s\n", result_word (vmnet_iov_check_get_result (c)),
               vmnet_iov_check_get_title (c), vmnet_iov_check_get_message (c));
      if (vmnet_iov_check_get_fix (c))
        g_print ("          Fix: %s\n", vmnet_iov_check_get_fix (c));
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
  g_autoptr(JsonBuilder) json = cli->output == VMNET_CLI_OUTPUT_JSON ? json_builder_new () : NULL;
  g_autoptr(GPtrArray) host_checks = vmnet_host_dup_iov_checks (cli->host);
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(GPtrArray) adapters = g_ptr_array_new_with_free_func (g_object_unref);
  Report r = { cli, json };
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

  if (json)
    json_builder_begin_array (json);
  report_section (&r, "Host", vmnet_host_get_computer_name (cli->host), host_checks);
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
          report_section (&r, "Switch", vmnet_switch_get_name (sw), checks);
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
              report_section (&r, "Switch", vmnet_switch_get_name (sw), sw_checks);
            }
          report_section (&r, "Adapter", label, checks);
          any = any || no_blockers (checks);
        }
      /* SR-IOV can work for the VM when one of its adapters has nothing in the way. */
      ok = ok && any;
    }

  if (json)
    {
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree gchar *text = NULL;
      json_builder_end_array (json);
      root = json_builder_get_root (json);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      text = json_generator_to_data (gen, NULL);
      g_print ("%s\n", text);
    }
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
  "test-sriov", "[--vm-name VM [--name ADAPTER]]",
  "Check why SR-IOV is or is not working: host, firmware, adapters, switches, VM adapters",
  sizeof (TestOptions), test_add_options, test_free_options, run_test_sriov,
};
