/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vmnet-cli.h"

static const VmnetCliColumn adapter_columns[] = {
  { "VMName", "vm-name", TRUE, NULL },
  { "Name", "name", TRUE, NULL },
  { "SwitchName", "switch-name", TRUE, NULL },
  { "MacAddress", "mac-address", TRUE, NULL },
  { "IovWeight", "iov-weight", TRUE, NULL },
  { "IovUsage", "iov-usage", TRUE, NULL },
  { "IovQueuePairsRequested", "iov-queue-pairs-requested", FALSE, NULL },
  { "IovQueuePairsAssigned", "iov-queue-pairs-assigned", FALSE, NULL },
  { "IovInterruptModeration", "iov-interrupt-moderation", FALSE, NULL },
  { "VirtualFunction", "virtual-function", TRUE, NULL },
  { "Model", "model", FALSE, NULL },
  { "FailoverReady", "failover-ready", FALSE, NULL },
  { "SettingsError", "settings-error", FALSE, NULL },
  { NULL }
};

typedef struct {
  gchar    *vm_name;
  gchar    *name;
  gboolean  all;
} GetOptions;

static void
get_add_options (GOptionContext *context, gpointer options)
{
  GetOptions *o = options;
  const GOptionEntry entries[] = {
    { "vm-name", 0, 0, G_OPTION_ARG_STRING, &o->vm_name, "The VM whose adapters to show", "VM" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &o->name, "Only the adapter with this name or MAC address", "ADAPTER" },
    { "all", 0, 0, G_OPTION_ARG_NONE, &o->all, "Every VM's adapters", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_option_context_add_main_entries (context, entries, NULL);
}

static void
get_free_options (gpointer options)
{
  GetOptions *o = options;
  g_free (o->vm_name);
  g_free (o->name);
}

static void
add_adapters (GPtrArray *objects, GListModel *adapters, const gchar *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (adapters); i++)
    {
      g_autoptr(VmnetNetworkAdapter) a = g_list_model_get_item (adapters, i);
      const gchar *mac = vmnet_network_adapter_get_mac_address (a);
      if (name && g_strcmp0 (vmnet_network_adapter_get_name (a), name) != 0 &&
          !(mac && g_ascii_strcasecmp (mac, name) == 0))
        continue;
      g_ptr_array_add (objects, g_steal_pointer (&a));
    }
}

static gboolean
run_get_vmnetworkadapter (VmnetCli *cli, gpointer options, GError **error)
{
  GetOptions *o = options;
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);

  if (!vmnet_cli_no_positional (cli, error))
    return FALSE;
  if (!o->vm_name == !o->all)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                           "give either --vm-name VM or --all");
      return FALSE;
    }

  if (o->all)
    {
      add_adapters (objects, vmnet_host_get_network_adapters (cli->host), o->name);
    }
  else
    {
      g_autoptr(VmnetVm) vm = vmnet_host_find_vm (cli->host, o->vm_name, error);
      if (!vm)
        return FALSE;
      if (o->name)
        {
          VmnetNetworkAdapter *a = vmnet_vm_find_network_adapter (vm, o->name, error);
          if (!a)
            return FALSE;
          g_ptr_array_add (objects, a);
        }
      else
        {
          add_adapters (objects, vmnet_vm_get_network_adapters (vm), NULL);
        }
    }
  vmnet_cli_print_objects (cli, adapter_columns, objects, FALSE);
  return TRUE;
}

const VmnetCommand vmnet_cmd_get_vmnetworkadapter = {
  "get-vmnetworkadapter", "--vm-name VM | --all", "List VM network adapters and their SR-IOV settings",
  sizeof (GetOptions), get_add_options, get_free_options, run_get_vmnetworkadapter,
};
