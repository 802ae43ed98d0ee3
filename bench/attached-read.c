/* attached-read.c — a long-lived client of the library attached to vmnetd
 * (doc/dbus.md), for bench/dbus-bench.py --attached: a live VmnetHost keeps
 * its objects current from vmnetd's ModelChanged, as libnm keeps
 * NetworkManager's, so a whole read of every VM network adapter is a walk
 * of those objects, with no call.
 *
 *   attached-read URI [WALKS]
 *
 * Prints on stderr "open: SECONDS" (attaching: one GetModel, the objects
 * made) and "walk N: SECONDS" for each of WALKS (default 1) walks that read
 * every property of every VM network adapter; then on stdout one line per
 * adapter as the other readers do (bench/dbus-read-common.h).
 *
 * Exits 1 when the host is not attached to vmnetd. */
#include <stdio.h>
#include <stdlib.h>
#include <vmnet/vmnet.h>
#include "dbus-read-common.h"

/* Every property of every adapter, as get-vmnetworkadapter reads them. */
static void
walk (GListModel *adapters)
{
  guint n = g_list_model_get_n_items (adapters);
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) adapter = g_list_model_get_item (adapters, i);

      if (!pspecs)
        pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (adapter), &n_pspecs);
      for (guint k = 0; k < n_pspecs; k++)
        {
          g_auto(GValue) value = G_VALUE_INIT;

          g_value_init (&value, pspecs[k]->value_type);
          g_object_get_property (adapter, pspecs[k]->name, &value);
        }
    }
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetHost) host = NULL;
  int walks = argc > 2 ? atoi (argv[2]) : 1;
  GListModel *adapters;
  gint64 t0;

  if (argc < 2 || walks < 1)
    {
      fprintf (stderr, "usage: %s URI [WALKS]\n", argv[0]);
      return 2;
    }
  t0 = g_get_monotonic_time ();
  host = vmnet_host_new_for_uri (argv[1], NULL, &error);
  if (!host || !vmnet_host_set_live (host, TRUE, &error))
    {
      fprintf (stderr, "attached-read: %s: %s\n", argv[1], error->message);
      return 1;
    }
  fprintf (stderr, "open: %.6f\n", (g_get_monotonic_time () - t0) / 1e6);
  if (!vmnet_host_get_attached (host))
    {
      fprintf (stderr, "attached-read: %s: not attached to vmnetd\n", argv[1]);
      return 1;
    }
  adapters = vmnet_host_get_network_adapters (host);
  for (int i = 1; i <= walks; i++)
    {
      /* What vmnetd announced meanwhile is applied first, as in any program's main loop. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      t0 = g_get_monotonic_time ();
      walk (adapters);
      fprintf (stderr, "walk %d: %.6f\n", i, (g_get_monotonic_time () - t0) / 1e6);
    }
  for (guint i = 0; i < g_list_model_get_n_items (adapters); i++)
    {
      g_autoptr(VmnetNetworkAdapter) a = g_list_model_get_item (adapters, i);

      bench_read_print_adapter (vmnet_network_adapter_get_vm_name (a), vmnet_network_adapter_get_mac_address (a),
                                vmnet_network_adapter_get_switch_name (a), vmnet_network_adapter_get_iov_weight (a));
    }
  return 0;
}
