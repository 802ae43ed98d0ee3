/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vmnet-cli.h"

static const VmnetCliColumn pf_columns[] = {
  { "Name", "name", TRUE, NULL },
  { "InterfaceDescription", "interface-description", TRUE, NULL },
  { "Enabled", "enabled", TRUE, NULL },
  { "SwitchName", "switch-name", TRUE, NULL },
  { "NumVFs", "num-vfs", TRUE, NULL },
  { "TotalVFs", "max-vfs", TRUE, NULL },
  { "AllocatedVFs", "allocated-vfs", TRUE, NULL },
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
run_get_netadaptersriov (VmnetCli *cli, GError **error)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);

  if (!collect_pfs (cli, (const gchar *const *) cli->args, objects, error))
    return FALSE;
  vmnet_cli_print_objects (cli, pf_columns, objects, FALSE);
  return TRUE;
}

static const GOptionEntry no_entries[] = { G_OPTION_ENTRY_NULL };

const VmnetCommand vmnet_cmd_get_netadaptersriov = {
  "get-netadaptersriov", "[NAME…]", "List SR-IOV capable physical adapters", no_entries, run_get_netadaptersriov,
};

static gchar *opt_pf_name;

static const GOptionEntry vf_entries[] = {
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_pf_name, "Only the VFs of this physical adapter", "ADAPTER" },
  G_OPTION_ENTRY_NULL
};

static gboolean
run_get_netadaptersriovvf (VmnetCli *cli, GError **error)
{
  g_autoptr(GPtrArray) pfs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);
  const gchar *names[2] = { opt_pf_name, NULL };

  if (!collect_pfs (cli, opt_pf_name ? names : (const gchar *const *) cli->args, pfs, error))
    return FALSE;
  for (guint i = 0; i < pfs->len; i++)
    {
      GListModel *vfs = vmnet_net_adapter_sriov_get_virtual_functions (g_ptr_array_index (pfs, i));
      for (guint j = 0; j < g_list_model_get_n_items (vfs); j++)
        g_ptr_array_add (objects, g_list_model_get_item (vfs, j));
    }
  vmnet_cli_print_objects (cli, vf_columns, objects, FALSE);
  return TRUE;
}

const VmnetCommand vmnet_cmd_get_netadaptersriovvf = {
  "get-netadaptersriovvf", "[--name ADAPTER]", "List the virtual functions of SR-IOV adapters", vf_entries, run_get_netadaptersriovvf,
};
