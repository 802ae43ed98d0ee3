/* dbus-read-common.c — see dbus-read-common.h. */
#include "dbus-read-common.h"

#include <stdio.h>
#include <stdlib.h>

static const char *
or_dash (const char *s)
{
  return s && *s ? s : "-";
}

GDBusConnection *
bench_read_connect (int argc, char **argv, const char *name, int *calls, int *status)
{
  GError *error = NULL;
  GDBusConnection *bus;

  *calls = argc > 2 ? atoi (argv[2]) : 1;
  if (argc < 2 || *calls < 1)
    {
      fprintf (stderr, "usage: %s ADDRESS [CALLS]\n", argv[0]);
      *status = 2;
      return NULL;
    }
  bus = g_dbus_connection_new_for_address_sync (argv[1],
                                                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                NULL, NULL, &error);
  if (!bus)
    {
      fprintf (stderr, "%s: %s: %s\n", name, argv[1], error->message);
      g_error_free (error);
      *status = 1;
    }
  return bus;
}

void
bench_read_print_adapter (const char *vm, const char *mac, const char *sw, guint32 iov_weight)
{
  char *lower = g_ascii_strdown (or_dash (mac), -1);

  g_strdelimit (lower, "-", ':');
  printf ("%s\t%s\t%s\t%u\n", or_dash (vm), lower, or_dash (sw), iov_weight);
  g_free (lower);
}
