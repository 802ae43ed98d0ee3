/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A program built against the installed libvmnet-dev (pkg-config vmnet-1.0): opens a host
 * and prints its computer name and each switch with its SR-IOV mode. */
#include <vmnet/vmnet.h>

int
main (int argc, char **argv)
{
  const char *uri = argc > 1 ? argv[1] : "demo";
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetHost) host = vmnet_host_new_for_uri (uri, NULL, &error);
  GListModel *switches;
  guint i, n;

  if (host == NULL)
    {
      g_printerr ("hello-vmnet: %s\n", error->message);
      return 1;
    }
  g_print ("libvmnet %d.%d.%d, host %s\n", VMNET_MAJOR_VERSION, VMNET_MINOR_VERSION,
           VMNET_MICRO_VERSION, vmnet_host_get_computer_name (host));
  switches = vmnet_host_get_switches (host);
  n = g_list_model_get_n_items (switches);
  for (i = 0; i < n; i++)
    {
      g_autoptr(VmnetSwitch) sw = g_list_model_get_item (switches, i);

      g_print ("switch %s iov=%s\n", vmnet_switch_get_name (sw),
               vmnet_switch_get_iov_enabled (sw) ? "yes" : "no");
    }
  g_print ("%u switches\n", n);
  return n > 0 ? 0 : 1;
}
