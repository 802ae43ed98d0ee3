/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vmnet-cli.h"

static const VmnetCliColumn switch_columns[] = {
  { "Name", "name", TRUE, NULL },
  { "SwitchType", "switch-type", TRUE, NULL },
  { "NetAdapterInterfaceDescription", "net-adapter-interface-description", TRUE, NULL },
  { "NetAdapterName", "net-adapter-name", FALSE, NULL },
  { "ForwardMode", "forward-mode", FALSE, NULL },
  { "Active", "active", FALSE, NULL },
  { "IovEnabled", "iov-enabled", TRUE, NULL },
  { "IovVirtualFunctionCount", "iov-virtual-function-count", TRUE, NULL },
  { "IovVirtualFunctionsInUse", "iov-virtual-functions-in-use", TRUE, NULL },
  { "IovQueuePairCount", "iov-queue-pair-count", FALSE, NULL },
  { "IovQueuePairsInUse", "iov-queue-pairs-in-use", FALSE, NULL },
  { "IovPoolName", "iov-pool-name", FALSE, NULL },
  { "IovSupport", "iov-support", FALSE, NULL },
  { "IovSupportReasons", "iov-support-reasons", FALSE, NULL },
  { NULL }
};

static gboolean
run_get_vmswitch (VmnetCli *cli, gpointer options, GError **error)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *switches = vmnet_host_get_switches (cli->host);

  if (cli->args && cli->args[0])
    {
      for (guint i = 0; cli->args[i]; i++)
        {
          VmnetSwitch *sw = vmnet_host_find_switch (cli->host, cli->args[i], error);
          if (!sw)
            return FALSE;
          g_ptr_array_add (objects, sw);
        }
    }
  else
    {
      for (guint i = 0; i < g_list_model_get_n_items (switches); i++)
        g_ptr_array_add (objects, g_list_model_get_item (switches, i));
    }
  vmnet_cli_print_objects (cli, switch_columns, objects, FALSE);
  return TRUE;
}

const VmnetCommand vmnet_cmd_get_vmswitch = {
  "get-vmswitch", "[NAME…]", "List virtual switches and their SR-IOV state",
  0, NULL, NULL, run_get_vmswitch,
};
