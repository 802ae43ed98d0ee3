/* dbus-read.c — the served read of bench/dbus-bench.py: every VM network
 * adapter from vmnetd's object tree (doc/dbus.md), one GetManagedObjects.
 *
 *   dbus-read ADDRESS [CALLS]
 *
 * Connects to the bus at ADDRESS (a D-Bus address, e.g. unix:path=…), calls
 * org.freedesktop.DBus.ObjectManager.GetManagedObjects on org.libvmnet.Vmnet1
 * CALLS times (default 1) on the same connection, prints each call's time on
 * stderr ("call N: SECONDS") and, from the last reply, one line per network
 * adapter as bench/naive-floor.c does (dbus-read-common.h).
 *
 * Build: cc -O2 -o dbus-read dbus-read.c dbus-read-common.c $(pkg-config --cflags --libs gio-2.0)
 */
#include <stdio.h>

#include <gio/gio.h>

#include "dbus-read-common.h"

#define ADAPTER "org.libvmnet.Vmnet1.NetworkAdapter"

int
main (int argc, char **argv)
{
  GError *error = NULL;
  GDBusConnection *bus;
  GVariant *reply = NULL;
  GVariantIter *objects;
  const char *path;
  GVariant *ifaces;
  int calls, status;

  bus = bench_read_connect (argc, argv, "dbus-read", &calls, &status);
  if (!bus)
    return status;
  for (int i = 1; i <= calls; i++)
    {
      gint64 t0 = g_get_monotonic_time ();

      if (reply)
        g_variant_unref (reply);
      reply = g_dbus_connection_call_sync (bus, "org.libvmnet.Vmnet1", "/org/libvmnet/Vmnet1",
                                           "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL,
                                           G_VARIANT_TYPE ("(a{oa{sa{sv}}})"), G_DBUS_CALL_FLAGS_NONE,
                                           600000, NULL, &error);
      if (!reply)
        {
          fprintf (stderr, "dbus-read: GetManagedObjects: %s\n", error->message);
          return 1;
        }
      fprintf (stderr, "call %d: %.6f\n", i, (g_get_monotonic_time () - t0) / 1e6);
    }

  g_variant_get (reply, "(a{oa{sa{sv}}})", &objects);
  while (g_variant_iter_next (objects, "{&o@a{sa{sv}}}", &path, &ifaces))
    {
      GVariant *props = g_variant_lookup_value (ifaces, ADAPTER, G_VARIANT_TYPE ("a{sv}"));

      if (props)
        {
          const char *vm = NULL, *mac = NULL, *sw = NULL;
          guint32 weight = 0;

          g_variant_lookup (props, "VMName", "&s", &vm);
          g_variant_lookup (props, "MacAddress", "&s", &mac);
          g_variant_lookup (props, "SwitchName", "&s", &sw);
          g_variant_lookup (props, "IovWeight", "u", &weight);
          bench_read_print_adapter (vm, mac, sw, weight);
          g_variant_unref (props);
        }
      g_variant_unref (ifaces);
    }
  g_variant_iter_free (objects);
  g_variant_unref (reply);
  g_object_unref (bus);
  return 0;
}
