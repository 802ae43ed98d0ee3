/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmnetd: keeps VFs where they belong on one libvirt host (VmnetReconciler),
 * logging each action with structured fields (to the journal under systemd). */
#include <stdlib.h>
#include <glib-unix.h>
#include <vmnet/vmnet.h>

#define LOG_DOMAIN "vmnetd"

typedef struct {
  GMainLoop       *loop;
  VmnetReconciler *reconciler;
  gboolean         was_connected;
  gboolean         stopping;
} Daemon;

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
                    "MESSAGE", "%s", message,
                    "VMNET_ACTION", "%s", action_word (action),
                    "VMNET_VM", "%s", vm_name,
                    "VMNET_ADAPTER", "%s", adapter_name,
                    "VMNET_VF", "%s", virtual_function ? virtual_function : "",
                    "VMNET_REASON", "%s", reason ? reason : "");
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
                      "MESSAGE", "connected to %s; full resync", vmnet_reconciler_get_uri (reconciler)
                                                                 ? vmnet_reconciler_get_uri (reconciler) : "libvirt",
                      "VMNET_EVENT", "connected");
  else
    g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                      "MESSAGE", "lost the connection to libvirt; reconnecting",
                      "VMNET_EVENT", "disconnected");
}

static void
on_reconciled (VmnetReconciler *reconciler, const GError *error, Daemon *d)
{
  if (error)
    g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_MESSAGE,
                      "MESSAGE", "pass failed: %s", error->message,
                      "VMNET_EVENT", "pass-failed");
  else
    g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_DEBUG,
                      "MESSAGE", "pass %u done", vmnet_reconciler_get_passes (reconciler),
                      "VMNET_EVENT", "pass");
}

static gboolean
on_term (gpointer user_data)
{
  Daemon *d = user_data;

  /* Every VF stays where it is. */
  d->stopping = TRUE;
  g_log_structured (LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE", "stopping; VFs left in place",
                    "VMNET_EVENT", "stop");
  vmnet_reconciler_stop (d->reconciler);
  g_main_loop_quit (d->loop);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  g_autofree gchar *uri = NULL;
  gboolean verbose = FALSE, version = FALSE;
  GOptionEntry entries[] = {
    { "connect", 'c', 0, G_OPTION_ARG_STRING, &uri, "libvirt URI of the host (default: VMNET_DEFAULT_URI, then libvirt's default)", "URI" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Also log each event and pass", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- keep SR-IOV VFs where they belong");
  g_autoptr(GError) error = NULL;
  Daemon d = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
    "Gives VFs to the adapters of running VMs as libvirt reports changes: the highest IovWeight first,\n"
    "the longest waiting among equals; reconnects when libvirt restarts; SIGTERM stops it without\n"
    "detaching anything.");
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
  if (!uri && g_getenv ("VMNET_DEFAULT_URI"))
    uri = g_strdup (g_getenv ("VMNET_DEFAULT_URI"));
  /* Our own log domains only: libvirt-glib's event loop logs every timer. */
  if (verbose && !g_getenv ("G_MESSAGES_DEBUG"))
    g_setenv ("G_MESSAGES_DEBUG", "vmnetd Vmnet Vmnet-Libvirt Vmnet-Linux", TRUE);

  d.loop = g_main_loop_new (NULL, FALSE);
  d.reconciler = vmnet_reconciler_new (uri);
  g_signal_connect (d.reconciler, "vf-action", G_CALLBACK (on_vf_action), &d);
  g_signal_connect (d.reconciler, "notify::connected", G_CALLBACK (on_connected), &d);
  g_signal_connect (d.reconciler, "reconciled", G_CALLBACK (on_reconciled), &d);
  g_unix_signal_add (SIGTERM, on_term, &d);
  g_unix_signal_add (SIGINT, on_term, &d);

  vmnet_reconciler_start (d.reconciler);
  g_main_loop_run (d.loop);

  g_clear_object (&d.reconciler);
  g_main_loop_unref (d.loop);
  return EXIT_SUCCESS;
}
