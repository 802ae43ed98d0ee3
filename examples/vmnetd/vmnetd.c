/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmnetd: keeps VFs where they belong on one libvirt host (VmnetReconciler),
 * serving the host it keeps over D-Bus (vmnetd-dbus.c), logging each action
 * with structured fields (to the journal under systemd), telling systemd
 * when it is ready and alive (sd_notify protocol), and reading its
 * configuration again on SIGHUP. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <glib-unix.h>
#include <vmnet/vmnet.h>
#include "vmnetd-dbus.h"

#define LOG_DOMAIN "vmnetd"

typedef struct {
  GMainLoop       *loop;
  VmnetReconciler *reconciler;
  gboolean         was_connected;
  gboolean         stopping;
  gboolean         ready;
  gchar           *config_path;
  gchar           *uri_option;     /* --connect: wins over the file */
  gboolean         verbose_option;
  gchar           *uri;            /* in use */
  gulong           handlers[4];
  VmnetdBus       *bus;            /* NULL: --bus none */
  gchar           *host_root;      /* --host-root */
  gboolean         unsafe_checked; /* the unsafe-interrupts override was looked for */
} Daemon;

/* systemd's notification protocol: one datagram to $NOTIFY_SOCKET (an
 * abstract socket when it starts with '@'). Without systemd, nothing. */
static void
notify (const gchar *state)
{
  const gchar *path = g_getenv ("NOTIFY_SOCKET");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  socklen_t len;
  int fd;

  if (!path || !*path || strlen (path) >= sizeof addr.sun_path)
    return;
  memcpy (addr.sun_path, path, strlen (path));
  if (addr.sun_path[0] == '@')
    addr.sun_path[0] = '\0';
  len = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + strlen (path));
  fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return;
  if (sendto (fd, state, strlen (state), MSG_NOSIGNAL, (struct sockaddr *) &addr, len) < 0)
    g_debug ("sd_notify: %s", g_strerror (errno));
  close (fd);
}

/* STATUS=: VFs handed out, and adapters of running VMs that want one and
 * have none. */
static void
notify_status (Daemon *d)
{
  VmnetHost *host = vmnet_reconciler_get_host (d->reconciler);
  guint held = 0, waiting = 0;
  g_autofree gchar *state = NULL;
  g_autoptr(GHashTable) iov_switches = g_hash_table_new (g_str_hash, g_str_equal);
  GListModel *vms, *switches;

  if (!host)
    {
      notify ("STATUS=Connecting to libvirt");
      return;
    }
  /* Once per pass over every adapter: the switches in SR-IOV mode first. */
  switches = vmnet_host_get_switches (host);
  for (guint i = 0; i < g_list_model_get_n_items (switches); i++)
    {
      g_autoptr(VmnetSwitch) sw = g_list_model_get_item (switches, i);
      if (vmnet_switch_get_iov_enabled (sw))
        g_hash_table_add (iov_switches, (gpointer) vmnet_switch_get_name (sw));
    }
  vms = vmnet_host_get_vms (host);
  for (guint i = 0; i < g_list_model_get_n_items (vms); i++)
    {
      g_autoptr(VmnetVm) vm = g_list_model_get_item (vms, i);
      GListModel *adapters = vmnet_vm_get_network_adapters (vm);
      VmnetVmState vm_state = vmnet_vm_get_state (vm);

      for (guint j = 0; j < g_list_model_get_n_items (adapters); j++)
        {
          g_autoptr(VmnetNetworkAdapter) a = g_list_model_get_item (adapters, j);
          const gchar *sw_name = vmnet_network_adapter_get_switch_name (a);

          /* Handed out: plugged, whether or not the guest has taken it yet. */
          if (vmnet_network_adapter_get_virtual_function (a))
            held++;
          else if ((vm_state == VMNET_VM_STATE_RUNNING || vm_state == VMNET_VM_STATE_PAUSED) &&
                   vmnet_network_adapter_get_iov_weight (a) > 0 && sw_name &&
                   g_hash_table_contains (iov_switches, sw_name))
            waiting++;
        }
    }
  state = g_strdup_printf ("STATUS=%u VF(s) handed out, %u adapter(s) waiting for a VF", held, waiting);
  notify (state);
}

static gboolean
on_watchdog (gpointer user_data)
{
  notify ("WATCHDOG=1");
  return G_SOURCE_CONTINUE;
}

/* The watchdog is fed from the main loop: a loop that hangs stops it. */
static void
start_watchdog (void)
{
  const gchar *usec = g_getenv ("WATCHDOG_USEC");
  const gchar *pid = g_getenv ("WATCHDOG_PID");
  guint64 interval;

  if (!usec || (pid && g_ascii_strtoull (pid, NULL, 10) != (guint64) getpid ()))
    return;
  interval = g_ascii_strtoull (usec, NULL, 10);
  if (interval > 0)
    g_timeout_add (MAX (interval / 2000, 1), on_watchdog, NULL);
}

/* VMNET_ACTION: the action's nick (attached, detached, waiting, failed). */
static const gchar *
action_word (VmnetVfAction action)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (VMNET_TYPE_VF_ACTION);
  GEnumValue *ev = g_enum_get_value (klass, action);

  /* A static type's class outlives the reference: the nick stays valid. */
  return ev ? ev->value_nick : "unknown";
}

static void
on_vf_action (VmnetReconciler *reconciler,
              VmnetVfAction    action,
              const gchar     *vm_name,
              const gchar     *adapter_name,
              const gchar     *virtual_function,
              const gchar     *reason,
              gpointer         user_data)
{
  g_autofree gchar *message = NULL;

  if (action == VMNET_VF_ACTION_ATTACHED)
    message = g_strdup_printf ("VM '%s' adapter '%s': VF %s attached (%s)", vm_name, adapter_name,
                               virtual_function ? virtual_function : "?", reason);
  else if (action == VMNET_VF_ACTION_DETACHED)
    message = g_strdup_printf ("VM '%s' adapter '%s': VF %s detached (%s)", vm_name, adapter_name,
                               virtual_function ? virtual_function : "?", reason);
  else if (action == VMNET_VF_ACTION_WAITING)
    message = g_strdup_printf ("VM '%s' adapter '%s': waiting for a VF (%s)", vm_name, adapter_name, reason);
  else
    message = g_strdup_printf ("VM '%s' adapter '%s': VF %s failed: %s", vm_name, adapter_name,
                               virtual_function ? "detach" : "attach", reason);

  g_log_structured (LOG_DOMAIN, action == VMNET_VF_ACTION_FAILED ? G_LOG_LEVEL_WARNING : G_LOG_LEVEL_MESSAGE,
                    "VMNET_ACTION", action_word (action),
                    "VMNET_VM", vm_name,
                    "VMNET_ADAPTER", adapter_name,
                    "VMNET_VF", virtual_function ? virtual_function : "",
                    "VMNET_REASON", reason ? reason : "",
                    "MESSAGE", "%s", message);
}

/* A new host (connected) or none (lost): the served objects follow. */
static void
on_host (VmnetReconciler *reconciler, GParamSpec *pspec, Daemon *d)
{
  if (d->bus && !d->stopping)
    vmnetd_bus_sync (d->bus, vmnet_reconciler_get_host (reconciler));
}

static void
on_connected (VmnetReconciler *reconciler, GParamSpec *pspec, Daemon *d)
{
  gboolean connected = vmnet_reconciler_get_connected (reconciler);

  if (connected == d->was_connected || d->stopping)
    return;
  d->was_connected = connected;
  if (connected)
    g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                      "VMNET_EVENT", "connected",
                      "MESSAGE", "connected to %s; full resync", vmnet_reconciler_get_uri (reconciler)
                                                                 ? vmnet_reconciler_get_uri (reconciler) : "libvirt");
  else
    g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                      "VMNET_EVENT", "disconnected",
                      "MESSAGE", "lost the connection to libvirt; reconnecting");
}

/* Once, after the first pass: VFs assigned without interrupt remapping
 * (vfio_iommu_type1 allow_unsafe_interrupts=1) leave the host open to
 * interrupts a VM forges; Hyper-V logs its IOVEnableOverride the same way. */
static void
log_unsafe_interrupts (Daemon *d)
{
  VmnetHost *host = vmnet_reconciler_get_host (d->reconciler);
  g_autoptr(GPtrArray) checks = NULL;

  if (d->unsafe_checked || !host)
    return;
  d->unsafe_checked = TRUE;
  checks = vmnet_host_dup_iov_checks (host);
  for (guint i = 0; i < checks->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (checks, i);
      if (vmnet_iov_check_get_code (c) == VMNET_IOV_CHECK_INTERRUPT_REMAPPING &&
          vmnet_iov_check_get_result (c) == VMNET_CHECK_RESULT_WARN)
        g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                          "VMNET_EVENT", "unsafe-interrupts",
                          "MESSAGE", "the unsafe-interrupts override is in effect "
                          "(vfio_iommu_type1 allow_unsafe_interrupts=1): %s Fix: %s",
                          vmnet_iov_check_get_message (c), vmnet_iov_check_get_fix (c));
    }
}

static void
on_reconciled (VmnetReconciler *reconciler, const GError *error, Daemon *d)
{
  if (d->bus)
    vmnetd_bus_sync (d->bus, vmnet_reconciler_get_host (reconciler));
  if (!error && !d->ready)
    {
      d->ready = TRUE;
      notify ("READY=1");
    }
  if (!error)
    log_unsafe_interrupts (d);
  notify_status (d);
  if (error)
    g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                      "VMNET_EVENT", "pass-failed",
                      "MESSAGE", "pass failed: %s", error->message);
  else
    g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_DEBUG,
                      "VMNET_EVENT", "pass",
                      "MESSAGE", "pass %u done", vmnet_reconciler_get_passes (reconciler));
}

/* --bus and bus=: system, session or none. */
static gboolean
parse_bus (const gchar *word, const gchar *where, GBusType *bus_type, GError **error)
{
  if (g_str_equal (word, "system"))
    *bus_type = G_BUS_TYPE_SYSTEM;
  else if (g_str_equal (word, "session"))
    *bus_type = G_BUS_TYPE_SESSION;
  else if (g_str_equal (word, "none"))
    *bus_type = G_BUS_TYPE_NONE;
  else
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "%s must be system, session or none, not '%s'", where, word);
      return FALSE;
    }
  return TRUE;
}

/* The configuration file (see vmnetd.conf(5)): [vmnetd] uri=, log-level=,
 * bus=. A missing file means the defaults. */
static gboolean
read_config (const gchar *path, gchar **uri, gboolean *verbose, GBusType *bus_type, GError **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree gchar *level = NULL;
  g_autofree gchar *bus = NULL;
  g_autofree gchar *where = NULL;

  *uri = NULL;
  *verbose = FALSE;
  *bus_type = G_BUS_TYPE_SYSTEM;
  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
      return FALSE;
    }
  *uri = g_key_file_get_string (file, "vmnetd", "uri", NULL);
  if (*uri && !**uri)
    g_clear_pointer (uri, g_free);
  level = g_key_file_get_string (file, "vmnetd", "log-level", NULL);
  if (level && !g_str_equal (level, "info") && !g_str_equal (level, "debug"))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "%s: [vmnetd] log-level must be info or debug, not '%s'", path, level);
      g_clear_pointer (uri, g_free);
      return FALSE;
    }
  *verbose = level && g_str_equal (level, "debug");
  bus = g_key_file_get_string (file, "vmnetd", "bus", NULL);
  where = g_strdup_printf ("%s: [vmnetd] bus", path);
  if (bus && !parse_bus (bus, where, bus_type, error))
    {
      g_clear_pointer (uri, g_free);
      return FALSE;
    }
  return TRUE;
}

/* Debug messages of our own log domains only (libvirt-glib's event loop
 * logs every timer), through G_MESSAGES_DEBUG; a value the environment gave
 * is left alone. */
static void
set_verbose (gboolean verbose)
{
  static gboolean ours;

  if (g_getenv ("G_MESSAGES_DEBUG") && !ours)
    return;
  if (verbose)
    g_setenv ("G_MESSAGES_DEBUG", "vmnetd Vmnet Vmnet-Libvirt Vmnet-Linux", TRUE);
  else
    g_unsetenv ("G_MESSAGES_DEBUG");
  ours = verbose;
}

static void connect_reconciler (Daemon *d);

/* SIGHUP: the configuration again. A new URI means another host: the old
 * reconciler stops (its VFs stay where they are) and a new one starts. */
static gboolean
on_hup (gpointer user_data)
{
  Daemon *d = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *uri = NULL;
  gboolean verbose;
  GBusType bus_type;

  notify ("RELOADING=1");
  /* The bus is chosen at start; a changed bus= takes a restart. */
  if (!read_config (d->config_path, &uri, &verbose, &bus_type, &error))
    {
      g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_WARNING, "VMNET_EVENT", "reload-failed",
                        "MESSAGE", "configuration not reloaded: %s", error->message);
      notify ("READY=1");
      return G_SOURCE_CONTINUE;
    }
  set_verbose (verbose || d->verbose_option);
  if (d->uri_option)
    {
      g_free (uri);
      uri = g_strdup (d->uri_option);
    }
  if (g_strcmp0 (uri, d->uri) != 0)
    {
      g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "VMNET_EVENT", "reload",
                        "MESSAGE", "configuration reloaded: now %s; VFs left in place",
                        uri ? uri : "libvirt's default URI");
      vmnet_reconciler_stop (d->reconciler);
      for (guint i = 0; i < G_N_ELEMENTS (d->handlers); i++)
        g_clear_signal_handler (&d->handlers[i], d->reconciler);
      g_clear_object (&d->reconciler);
      if (d->bus)
        vmnetd_bus_sync (d->bus, NULL);
      g_free (d->uri);
      d->uri = g_steal_pointer (&uri);
      d->was_connected = FALSE;
      connect_reconciler (d);
    }
  else
    g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "VMNET_EVENT", "reload",
                      "MESSAGE", "configuration reloaded");
  notify ("READY=1");
  return G_SOURCE_CONTINUE;
}

static gboolean
on_term (gpointer user_data)
{
  Daemon *d = user_data;

  /* Every VF stays where it is. */
  d->stopping = TRUE;
  g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "VMNET_EVENT", "stop",
                    "MESSAGE", "stopping; VFs left in place");
  notify ("STOPPING=1");
  vmnet_reconciler_stop (d->reconciler);
  g_main_loop_quit (d->loop);
  return G_SOURCE_CONTINUE;
}

static void
connect_reconciler (Daemon *d)
{
  d->reconciler = g_object_new (VMNET_TYPE_RECONCILER, "uri", d->uri, "host-root", d->host_root, NULL);
  d->handlers[0] = g_signal_connect (d->reconciler, "vf-action", G_CALLBACK (on_vf_action), d);
  d->handlers[1] = g_signal_connect (d->reconciler, "notify::connected", G_CALLBACK (on_connected), d);
  d->handlers[2] = g_signal_connect (d->reconciler, "reconciled", G_CALLBACK (on_reconciled), d);
  d->handlers[3] = g_signal_connect (d->reconciler, "notify::host", G_CALLBACK (on_host), d);
  vmnet_reconciler_start (d->reconciler);
}

int
main (int argc, char **argv)
{
  g_autofree gchar *uri = NULL;
  g_autofree gchar *config = NULL;
  g_autofree gchar *bus = NULL;
  g_autofree gchar *host_root = NULL;
  gboolean verbose = FALSE, version = FALSE, file_verbose;
  GBusType bus_type;
  GOptionEntry entries[] = {
    { "connect", 'c', 0, G_OPTION_ARG_STRING, &uri, "libvirt URI of the host (default: the configuration file's, then VMNET_DEFAULT_URI, then libvirt's default)", "URI" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config, "Configuration file (default: " VMNET_SYSCONFDIR "/vmnet/vmnetd.conf)", "FILE" },
    { "bus", 0, 0, G_OPTION_ARG_STRING, &bus, "Serve the host on this D-Bus bus: system, session or none (default: the configuration file's, then system)", "BUS" },
    { "host-root", 0, 0, G_OPTION_ARG_FILENAME, &host_root, "Read the host's /sys and /proc from DIR (a copy of them)", "DIR" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Also log each event and pass", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- keep SR-IOV VFs where they belong");
  g_autoptr(GError) error = NULL;
  g_autofree gchar *file_uri = NULL;
  Daemon d = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Gives VFs to the adapters of running VMs as libvirt reports changes: the highest IovWeight first,\n"
    "the longest waiting among equals; reconnects when libvirt restarts; SIGHUP reads the configuration\n"
    "again; SIGTERM stops it without detaching anything.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("vmnetd: %s\n", error->message);
      return 2;
    }
  if (version)
    {
      g_print ("vmnetd %d.%d.%d\n", VMNET_MAJOR_VERSION, VMNET_MINOR_VERSION, VMNET_MICRO_VERSION);
      return 0;
    }
  d.config_path = config ? g_strdup (config) : g_build_filename (VMNET_SYSCONFDIR, "vmnet", "vmnetd.conf", NULL);
  if (!read_config (d.config_path, &file_uri, &file_verbose, &bus_type, &error) ||
      (bus && !parse_bus (bus, "--bus", &bus_type, &error)))
    {
      g_printerr ("vmnetd: %s\n", error->message);
      return 2;
    }
  d.uri_option = g_strdup (uri);
  d.verbose_option = verbose;
  d.host_root = g_steal_pointer (&host_root);
  d.uri = g_strdup (uri ? uri : file_uri ? file_uri : g_getenv ("VMNET_DEFAULT_URI"));
  set_verbose (verbose || file_verbose);

  d.loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_term, &d);
  g_unix_signal_add (SIGINT, on_term, &d);
  g_unix_signal_add (SIGHUP, on_hup, &d);
  start_watchdog ();
  notify ("STATUS=Connecting to libvirt");
  if (bus_type != G_BUS_TYPE_NONE)
    d.bus = vmnetd_bus_new (bus_type);
  connect_reconciler (&d);
  g_main_loop_run (d.loop);

  g_clear_pointer (&d.bus, vmnetd_bus_free);
  g_clear_object (&d.reconciler);
  g_main_loop_unref (d.loop);
  g_free (d.config_path);
  g_free (d.uri_option);
  g_free (d.uri);
  g_free (d.host_root);
  return EXIT_SUCCESS;
}
