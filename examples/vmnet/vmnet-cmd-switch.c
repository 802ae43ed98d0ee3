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

typedef struct {
  gchar    *name;
  gchar    *net_adapter;
  gchar    *bridge;
  gboolean  enable_iov;
} NewOptions;

static void
new_add_options (GOptionContext *context, gpointer options)
{
  NewOptions *o = options;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &o->name, "The switch name", "NAME" },
    { "net-adapter", 0, 0, G_OPTION_ARG_STRING, &o->net_adapter,
      "The physical adapter to bind to (the PF of the VF pool with --enable-iov)", "ADAPTER" },
    { "bridge", 0, 0, G_OPTION_ARG_STRING, &o->bridge, "An existing host bridge for the software path", "BRIDGE" },
    { "enable-iov", 0, 0, G_OPTION_ARG_NONE, &o->enable_iov, "Create the switch in SR-IOV mode (cannot be changed later)", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_option_context_add_main_entries (context, entries, NULL);
}

static void
new_free_options (gpointer options)
{
  NewOptions *o = options;
  g_free (o->name);
  g_free (o->net_adapter);
  g_free (o->bridge);
}

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
  sw = vmnet_host_create_switch (cli->host, o->name, o->net_adapter, o->bridge, o->enable_iov,
                              cli->cancellable, error);
  if (!sw)
    return FALSE;
  g_ptr_array_add (objects, sw);
  vmnet_cli_print_objects (cli, switch_columns, objects, FALSE);
  return TRUE;
}

const VmnetCommand vmnet_cmd_new_vmswitch = {
  "new-vmswitch", "--name NAME (--net-adapter PF | --bridge BR) [--enable-iov]",
  "Create an External switch, in SR-IOV mode with --enable-iov",
  sizeof (NewOptions), new_add_options, new_free_options, run_new_vmswitch,
};

typedef struct {
  gboolean force;
} RemoveOptions;

static void
remove_add_options (GOptionContext *context, gpointer options)
{
  RemoveOptions *o = options;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &o->force, "Remove it even while VM adapters are connected", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_option_context_add_main_entries (context, entries, NULL);
}

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
  return vmnet_host_remove_switch (cli->host, sw, o->force, cli->cancellable, error);
}

const VmnetCommand vmnet_cmd_remove_vmswitch = {
  "remove-vmswitch", "NAME [--force]", "Remove a switch and its VF pool",
  sizeof (RemoveOptions), remove_add_options, NULL, run_remove_vmswitch,
};

typedef struct {
  gchar *enable_iov;
} SetOptions;

static void
set_add_options (GOptionContext *context, gpointer options)
{
  SetOptions *o = options;
  const GOptionEntry entries[] = {
    { "enable-iov", 0, 0, G_OPTION_ARG_STRING, &o->enable_iov, "SR-IOV mode (fixed at creation)", "on|off" },
    G_OPTION_ENTRY_NULL
  };
  g_option_context_add_main_entries (context, entries, NULL);
}

static void
set_free_options (gpointer options)
{
  g_free (((SetOptions *) options)->enable_iov);
}

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
  return TRUE;
}

const VmnetCommand vmnet_cmd_set_vmswitch = {
  "set-vmswitch", "NAME --enable-iov on|off", "Change a switch (SR-IOV mode is fixed at creation)",
  sizeof (SetOptions), set_add_options, set_free_options, run_set_vmswitch,
};
