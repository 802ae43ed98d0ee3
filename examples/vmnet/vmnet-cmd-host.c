/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vmnet-cli.h"

static const VmnetCliColumn host_columns[] = {
  { "ComputerName", "computer-name", TRUE, NULL },
  { "Hypervisor", "hypervisor", TRUE, NULL },
  { "HypervisorVersion", "hypervisor-version", TRUE, NULL },
  { "LibvirtVersion", "libvirt-version", TRUE, NULL },
  { "IovSupport", "iov-support", TRUE, NULL },
  { "IovSupportReasons", "iov-support-reasons", FALSE, NULL },
  { "Uri", "resolved-uri", FALSE, NULL },
  { "IsRemote", "is-remote", FALSE, NULL },
  { "IsPrivileged", "is-privileged", FALSE, NULL },
  { "HostFactsAvailable", "host-facts-available", FALSE, NULL },
  { NULL }
};

static gboolean
run_get_vmhost (VmnetCli *cli, gpointer options, GError **error)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new ();

  if (!vmnet_cli_no_positional (cli, error))
    return FALSE;
  g_ptr_array_add (objects, cli->host);
  return vmnet_cli_print_objects (cli, host_columns, objects, TRUE, error);
}

const VmnetCommand vmnet_cmd_get_vmhost = {
  .name = "get-vmhost",
  .args_hint = "",
  .summary = "Show the host: name, hypervisor and libvirt versions, connection",
  .run = run_get_vmhost,
  .columns = host_columns,
};
