/* dbus-read-common.h — what bench/dbus-read.c and bench/dbus-model-read.c
 * share: their command line "PROG ADDRESS [CALLS]", the connection to the bus
 * at ADDRESS and the line printed per network adapter, as bench/naive-floor.c
 * prints it:
 *
 *   VM-NAME <TAB> MAC <TAB> SWITCH <TAB> IOV-WEIGHT
 *
 * with the MAC address in lower case and colons ("-" for an empty string). */
#pragma once

#include <gio/gio.h>

/* The connection to the bus that argv[1] names, and in *calls argv[2]
 * (default 1); or NULL, said on stderr (prefixed with @name when the
 * connection fails), with the exit status in *status: 2 for a bad command
 * line, 1 when the connection fails. */
GDBusConnection *bench_read_connect (int argc, char **argv, const char *name, int *calls, int *status);

/* Prints the line of one adapter on stdout. */
void bench_read_print_adapter (const char *vm, const char *mac, const char *sw, guint32 iov_weight);
