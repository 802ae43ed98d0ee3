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
  return vmnet_cli_print_objects (cli, switch_columns, objects, FALSE, error);
}

const VmnetCommand vmnet_cmd_get_vmswitch = {
  .name = "get-vmswitch",
  .args_hint = "[NAME…]",
  .summary = "List virtual switches and their SR-IOV state",
  .args = VMNET_CLI_VALUES_SWITCHES,
  .run = run_get_vmswitch,
  .columns = switch_columns,
};

typedef struct {
  gchar    *name;
  gchar    *net_adapter;
  gchar    *bridge;
  gboolean  enable_iov;
} NewOptions;

static const GOptionEntry new_entries[] = {
  { "name", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (NewOptions, name), "The switch name", "NAME" },
  { "net-adapter", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (NewOptions, net_adapter),
    "The physical adapter to bind to (the PF of the VF pool with --enable-iov)", "ADAPTER" },
  /* New-VMSwitch's own name for it. */
  { "net-adapter-name", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (NewOptions, net_adapter),
    "The same as --net-adapter", "ADAPTER" },
  { "bridge", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (NewOptions, bridge),
    "An existing host bridge for the software path", "BRIDGE" },
  { "enable-iov", 0, 0, G_OPTION_ARG_NONE, VMNET_CLI_OPTION (NewOptions, enable_iov),
    "Create the switch in SR-IOV mode (cannot be changed later)", NULL },
  G_OPTION_ENTRY_NULL
};

static gboolean
run_new_vmswitch (VmnetCli *cli, gpointer options, GError **error)
{
  NewOptions *o = options;
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);
  VmnetSwitch *sw;

  if (!vmnet_cli_no_positional (cli, error))
    return FALSE;
  if (!o->name)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "give --name NAME");
      return FALSE;
    }
  if (cli->what_if)
    {
      g_autoptr(VmnetSwitch) existing = vmnet_host_find_switch (cli->host, o->name, NULL);
      VmnetCliPlan *plan;

      if (existing)
        {
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS, "a switch named '%s' already exists", o->name);
          return FALSE;
        }
      if (!o->net_adapter && !o->bridge)
        {
          g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                               "give --net-adapter ADAPTER or --bridge BRIDGE");
          return FALSE;
        }
      plan = vmnet_cli_plan_new (cli, "switch '%s'", o->name);
      vmnet_cli_plan_note (plan, "Would create External switch '%s' on %s '%s'%s", o->name,
                           o->net_adapter ? "adapter" : "bridge", o->net_adapter ? o->net_adapter : o->bridge,
                           o->enable_iov ? " in SR-IOV mode, with a VF pool on the adapter" : "");
      return vmnet_cli_plan_print (plan);
    }
  sw = vmnet_host_create_switch (cli->host, o->name, o->net_adapter, o->bridge, o->enable_iov,
                              cli->cancellable, error);
  if (!sw)
    return FALSE;
  g_ptr_array_add (objects, sw);
  return vmnet_cli_print_objects (cli, switch_columns, objects, FALSE, error);
}

const VmnetCommand vmnet_cmd_new_vmswitch = {
  .name = "new-vmswitch",
  .args_hint = "--name NAME (--net-adapter PF | --bridge BR) [--enable-iov]",
  .summary = "Create an External switch, in SR-IOV mode with --enable-iov",
  .options_size = sizeof (NewOptions),
  .entries = new_entries,
  .run = run_new_vmswitch,
  .columns = switch_columns,
  .changes = TRUE,
};

typedef struct {
  gboolean force;
} RemoveOptions;

static const GOptionEntry remove_entries[] = {
  { "force", 0, 0, G_OPTION_ARG_NONE, VMNET_CLI_OPTION (RemoveOptions, force),
    "Remove it even while VM adapters are connected", NULL },
  G_OPTION_ENTRY_NULL
};

static gboolean
run_remove_vmswitch (VmnetCli *cli, gpointer options, GError **error)
{
  RemoveOptions *o = options;
  g_autoptr(VmnetSwitch) sw = NULL;

  const gchar *name = vmnet_cli_one_name (cli, "switch", error);

  if (!name)
    return FALSE;
  sw = vmnet_host_find_switch (cli->host, name, error);
  if (!sw)
    return FALSE;
  if (cli->what_if)
    {
      VmnetCliPlan *plan = vmnet_cli_plan_new (cli, "switch '%s'", vmnet_switch_get_name (sw));
      GListModel *adapters = vmnet_host_get_network_adapters (cli->host);
      guint connected = 0;

      for (guint i = 0; i < g_list_model_get_n_items (adapters); i++)
        {
          g_autoptr(VmnetNetworkAdapter) a = g_list_model_get_item (adapters, i);
          if (g_strcmp0 (vmnet_network_adapter_get_switch_name (a), vmnet_switch_get_name (sw)) == 0)
            connected++;
        }
      vmnet_cli_plan_note (plan, "Would remove the switch%s", vmnet_switch_get_iov_enabled (sw) ? " and its VF pool" : "");
      if (connected)
        vmnet_cli_plan_note (plan, "%u VM adapter(s) are connected to it%s", connected,
                             o->force ? "" : ": without --force it would be refused");
      return vmnet_cli_plan_print (plan);
    }
  return vmnet_host_remove_switch (cli->host, sw, o->force, cli->cancellable, error);
}

const VmnetCommand vmnet_cmd_remove_vmswitch = {
  .name = "remove-vmswitch",
  .args_hint = "NAME [--force]",
  .summary = "Remove a switch and its VF pool",
  .options_size = sizeof (RemoveOptions),
  .entries = remove_entries,
  .args = VMNET_CLI_VALUES_SWITCHES,
  .run = run_remove_vmswitch,
  .changes = TRUE,
};

typedef struct {
  gchar *enable_iov;
} SetOptions;

static const GOptionEntry set_entries[] = {
  { "enable-iov", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (SetOptions, enable_iov),
    "SR-IOV mode (fixed at creation)", "on|off" },
  G_OPTION_ENTRY_NULL
};

/* Like Hyper-V, SR-IOV mode is chosen when a switch is created. */
static gboolean
run_set_vmswitch (VmnetCli *cli, gpointer options, GError **error)
{
  SetOptions *o = options;
  g_autoptr(VmnetSwitch) sw = NULL;
  gboolean want;

  const gchar *name = vmnet_cli_one_name (cli, "switch", error);

  if (!name)
    return FALSE;
  if (!o->enable_iov)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "nothing to change: give --enable-iov on|off");
      return FALSE;
    }
  if (!vmnet_cli_parse_on_off ("enable-iov", o->enable_iov, &want, error))
    return FALSE;
  sw = vmnet_host_find_switch (cli->host, name, error);
  if (!sw)
    return FALSE;
  if (vmnet_switch_get_iov_enabled (sw) != want)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                   "switch '%s': SR-IOV mode is chosen when a switch is created and cannot be changed; "
                   "create a new switch%s and connect the adapters to it",
                   vmnet_switch_get_name (sw), want ? " with new-vmswitch --enable-iov" : " without --enable-iov");
      return FALSE;
    }
  if (cli->what_if)
    {
      VmnetCliPlan *plan = vmnet_cli_plan_new (cli, "switch '%s'", vmnet_switch_get_name (sw));
      g_auto(GValue) to = G_VALUE_INIT;

      g_value_init (&to, G_TYPE_BOOLEAN);
      g_value_set_boolean (&to, want);
      vmnet_cli_plan_property (plan, G_OBJECT (sw), "IovEnabled", "iov-enabled", &to);
      return vmnet_cli_plan_print (plan);
    }
  return TRUE;
}

const VmnetCommand vmnet_cmd_set_vmswitch = {
  .name = "set-vmswitch",
  .args_hint = "NAME --enable-iov on|off",
  .summary = "Change a switch (SR-IOV mode is fixed at creation)",
  .options_size = sizeof (SetOptions),
  .entries = set_entries,
  .args = VMNET_CLI_VALUES_SWITCHES,
  .run = run_set_vmswitch,
  .changes = TRUE,
};
