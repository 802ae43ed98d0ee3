/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "vmnet-cli.h"

/* -1: none configured. */
static gchar *
format_configured (const GValue *value)
{
  gint n = g_value_get_int (value);
  return n < 0 ? g_strdup ("") : g_strdup_printf ("%d", n);
}

static const VmnetCliColumn pf_columns[] = {
  { "Name", "name", TRUE, NULL },
  { "InterfaceDescription", "interface-description", TRUE, NULL },
  { "Enabled", "enabled", TRUE, NULL },
  { "SwitchName", "switch-name", TRUE, NULL },
  { "NumVFs", "num-vfs", TRUE, NULL },
  { "TotalVFs", "max-vfs", TRUE, NULL },
  { "AllocatedVFs", "allocated-vfs", TRUE, NULL },
  { "ConfiguredNumVFs", "configured-num-vfs", FALSE, format_configured },
  { "PciAddress", "pci-address", FALSE, NULL },
  { "Driver", "driver", FALSE, NULL },
  { "LinkSpeed", "link-speed", FALSE, vmnet_cli_format_link_speed },
  { "LinkState", "link-state", FALSE, NULL },
  { NULL }
};

static const VmnetCliColumn vf_columns[] = {
  { "Name", "net-adapter-name", TRUE, NULL },
  { "FunctionID", "function-id", TRUE, NULL },
  { "PciAddress", "pci-address", TRUE, NULL },
  { "IommuGroup", "iommu-group", TRUE, NULL },
  { "MacAddress", "mac-address", TRUE, NULL },
  { "VlanID", "vlan-id", FALSE, NULL },
  { "SpoofCheck", "spoof-check", FALSE, NULL },
  { "Trust", "trust", FALSE, NULL },
  { "LinkState", "link-state", FALSE, NULL },
  { "Driver", "driver", FALSE, NULL },
  { "VmFriendlyName", "vm-name", TRUE, NULL },
  { "VMNetworkAdapterName", "vm-network-adapter-name", TRUE, NULL },
  { NULL }
};

static gboolean
collect_pfs (VmnetCli *cli, const gchar *const *names, GPtrArray *objects, GError **error)
{
  GListModel *pfs = vmnet_host_get_net_adapters_sriov (cli->host);

  if (names && names[0])
    {
      for (guint i = 0; names[i]; i++)
        {
          VmnetNetAdapterSriov *pf = vmnet_host_find_net_adapter_sriov (cli->host, names[i], error);
          if (!pf)
            return FALSE;
          g_ptr_array_add (objects, pf);
        }
      return TRUE;
    }
  for (guint i = 0; i < g_list_model_get_n_items (pfs); i++)
    g_ptr_array_add (objects, g_list_model_get_item (pfs, i));
  return TRUE;
}

static gboolean
run_get_netadaptersriov (VmnetCli *cli, gpointer options, GError **error)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);

  VmnetCliColumn columns[G_N_ELEMENTS (pf_columns)];
  gboolean differs = FALSE;

  if (!collect_pfs (cli, (const gchar *const *) cli->args, objects, error))
    return FALSE;
  for (guint i = 0; i < objects->len; i++)
    {
      gint configured = vmnet_net_adapter_sriov_get_configured_num_vfs (g_ptr_array_index (objects, i));
      if (configured >= 0 && configured != vmnet_net_adapter_sriov_get_num_vfs (g_ptr_array_index (objects, i)))
        differs = TRUE;
    }
  /* The table shows the configured count when an adapter does not have it. */
  memcpy (columns, pf_columns, sizeof columns);
  for (guint i = 0; differs && columns[i].title; i++)
    if (g_str_equal (columns[i].property, "configured-num-vfs"))
      columns[i].in_table = TRUE;
  return vmnet_cli_print_objects (cli, columns, objects, FALSE, error);
}

const VmnetCommand vmnet_cmd_get_netadaptersriov = {
  .name = "get-netadaptersriov",
  .args_hint = "[NAME…]",
  .summary = "List SR-IOV capable physical adapters",
  .args = VMNET_CLI_VALUES_NET_ADAPTERS,
  .run = run_get_netadaptersriov,
  .columns = pf_columns,
};

typedef struct {
  gchar **names;
} VfOptions;

static const GOptionEntry vf_entries[] = {
  { "name", 0, 0, G_OPTION_ARG_STRING_ARRAY, VMNET_CLI_OPTION (VfOptions, names),
    "Only the VFs of this physical adapter (repeatable)", "ADAPTER" },
  G_OPTION_ENTRY_NULL
};

static gboolean
run_get_netadaptersriovvf (VmnetCli *cli, gpointer options, GError **error)
{
  VfOptions *o = options;
  g_autoptr(GPtrArray) pfs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  /* Adapters by --name and as arguments alike. */
  if (o->names)
    g_strv_builder_addv (builder, (const gchar **) o->names);
  if (cli->args)
    g_strv_builder_addv (builder, (const gchar **) cli->args);
  names = g_strv_builder_end (builder);
  if (!collect_pfs (cli, (const gchar *const *) names, pfs, error))
    return FALSE;
  for (guint i = 0; i < pfs->len; i++)
    {
      GListModel *vfs = vmnet_net_adapter_sriov_get_virtual_functions (g_ptr_array_index (pfs, i));
      for (guint j = 0; j < g_list_model_get_n_items (vfs); j++)
        g_ptr_array_add (objects, g_list_model_get_item (vfs, j));
    }
  return vmnet_cli_print_objects (cli, vf_columns, objects, FALSE, error);
}

const VmnetCommand vmnet_cmd_get_netadaptersriovvf = {
  .name = "get-netadaptersriovvf",
  .args_hint = "[--name ADAPTER…] [ADAPTER…]",
  .summary = "List the virtual functions of SR-IOV adapters",
  .options_size = sizeof (VfOptions),
  .entries = vf_entries,
  .args = VMNET_CLI_VALUES_NET_ADAPTERS,
  .names = VMNET_CLI_VALUES_NET_ADAPTERS,
  .run = run_get_netadaptersriovvf,
  .columns = vf_columns,
};

typedef struct {
  gchar *num_vfs;
} NumVfsOptions;

static const GOptionEntry num_vfs_entries[] = {
  { "num-vfs", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (NumVfsOptions, num_vfs),
    "VFs to enable (enable: default the maximum)", "N" },
  G_OPTION_ENTRY_NULL
};

static VmnetNetAdapterSriov *
one_adapter (VmnetCli *cli, GError **error)
{
  const gchar *name = vmnet_cli_one_name (cli, "adapter", error);

  return name ? vmnet_host_find_net_adapter_sriov (cli->host, name, error) : NULL;
}

static gboolean
apply_num_vfs (VmnetCli *cli, VmnetNetAdapterSriov *pf, const gchar *text, gint fallback, GError **error)
{
  gint64 n = fallback;
  gint max = vmnet_net_adapter_sriov_get_max_vfs (pf);

  if (text && !g_ascii_string_to_signed (text, 10, G_MININT, G_MAXINT, &n, NULL))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "--num-vfs '%s' is not a whole number: allowed 0 to %d", text, max);
      return FALSE;
    }
  if (cli->what_if)
    {
      VmnetCliPlan *plan;
      g_auto(GValue) to = G_VALUE_INIT;

      /* The range the library checks, so that -WhatIf refuses what the change would. */
      if (n < 0 || (max >= 0 && n > max))
        {
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                       "adapter '%s': NumVFs %d is out of range: allowed 0 to %d",
                       vmnet_net_adapter_sriov_get_name (pf), (gint) n, max);
          return FALSE;
        }
      plan = vmnet_cli_plan_new (cli, "adapter '%s'", vmnet_net_adapter_sriov_get_name (pf));
      g_value_init (&to, G_TYPE_INT);
      g_value_set_int (&to, (gint) n);
      vmnet_cli_plan_property (plan, G_OBJECT (pf), "NumVFs", "num-vfs", &to);
      vmnet_cli_plan_note (plan, "It would be recorded in /etc/vmnet/sriov.conf and applied at every boot");
      if (vmnet_net_adapter_sriov_get_allocated_vfs (pf) > 0)
        vmnet_cli_plan_note (plan, "It would be refused now: %d VF(s) are in use; give them back first",
                             vmnet_net_adapter_sriov_get_allocated_vfs (pf));
      return vmnet_cli_plan_print (plan);
    }
  return vmnet_host_set_net_adapter_sriov_num_vfs (cli->host, pf, (gint) n, cli->cancellable, error);
}

static gboolean
run_set_netadaptersriov (VmnetCli *cli, gpointer options, GError **error)
{
  NumVfsOptions *o = options;
  g_autoptr(VmnetNetAdapterSriov) pf = one_adapter (cli, error);

  if (!pf)
    return FALSE;
  if (!o->num_vfs)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "nothing to change: give --num-vfs N");
      return FALSE;
    }
  return apply_num_vfs (cli, pf, o->num_vfs, 0, error);
}

const VmnetCommand vmnet_cmd_set_netadaptersriov = {
  .name = "set-netadaptersriov",
  .args_hint = "ADAPTER --num-vfs N",
  .summary = "Set how many VFs an SR-IOV adapter has (host-local)",
  .options_size = sizeof (NumVfsOptions),
  .entries = num_vfs_entries,
  .args = VMNET_CLI_VALUES_NET_ADAPTERS,
  .run = run_set_netadaptersriov,
  .changes = TRUE,
};

static gboolean
run_enable_netadaptersriov (VmnetCli *cli, gpointer options, GError **error)
{
  NumVfsOptions *o = options;
  g_autoptr(VmnetNetAdapterSriov) pf = one_adapter (cli, error);

  if (!pf)
    return FALSE;
  return apply_num_vfs (cli, pf, o->num_vfs, vmnet_net_adapter_sriov_get_max_vfs (pf), error);
}

const VmnetCommand vmnet_cmd_enable_netadaptersriov = {
  .name = "enable-netadaptersriov",
  .args_hint = "ADAPTER [--num-vfs N]",
  .summary = "Enable VFs on an SR-IOV adapter (all it has, by default)",
  .options_size = sizeof (NumVfsOptions),
  .entries = num_vfs_entries,
  .args = VMNET_CLI_VALUES_NET_ADAPTERS,
  .run = run_enable_netadaptersriov,
  .changes = TRUE,
};

static gboolean
run_disable_netadaptersriov (VmnetCli *cli, gpointer options, GError **error)
{
  g_autoptr(VmnetNetAdapterSriov) pf = one_adapter (cli, error);

  if (!pf)
    return FALSE;
  return apply_num_vfs (cli, pf, NULL, 0, error);
}

static gboolean
run_apply_netadaptersriov (VmnetCli *cli, gpointer options, GError **error)
{
  g_auto(GStrv) report = NULL;
  gboolean ok;

  if (!vmnet_cli_no_positional (cli, error))
    return FALSE;
  ok = vmnet_net_adapter_sriov_apply_configuration (cli->host_root, &report, error);
  for (guint i = 0; report && report[i]; i++)
    {
      g_autofree gchar *line = vmnet_cli_escape (report[i], VMNET_CLI_ESCAPE_TEXT);
      g_print ("%s\n", line);
    }
  return ok;
}

const VmnetCommand vmnet_cmd_apply_netadaptersriov = {
  .name = "apply-netadaptersriov",
  .args_hint = "",
  .summary = "Give every SR-IOV adapter its configured NumVFs (at boot, without libvirt)",
  .run = run_apply_netadaptersriov,
  .offline = TRUE,
};

const VmnetCommand vmnet_cmd_disable_netadaptersriov = {
  .name = "disable-netadaptersriov",
  .args_hint = "ADAPTER",
  .summary = "Turn an SR-IOV adapter's VFs off",
  .args = VMNET_CLI_VALUES_NET_ADAPTERS,
  .run = run_disable_netadaptersriov,
  .changes = TRUE,
};
