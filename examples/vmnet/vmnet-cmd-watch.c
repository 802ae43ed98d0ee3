/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watch-vmhost: follows the host through libvirt's events and prints one line
 * per change (a JSON object with --output json), for consoles that show the
 * host live.
 *
 * The library tells what changed (items-changed and notify on the host's
 * lists) but not when to look: it has no event signal outside the
 * reconciler, which would also move VFs. So this verb opens its own libvirt
 * connection to the host's URI, listens for domain, network and node-device
 * events there, and answers each burst of events with one
 * vmnet_host_refresh_async(). Nothing is polled. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libvirt-glib/libvirt-glib.h>
#include <json-glib/json-glib.h>

#include "vmnet-cli.h"

typedef struct {
  VmnetCli     *cli;
  GMainLoop    *loop;
  GError       *error;
  virConnectPtr conn;
  gint          domain_ids[5];
  gint          network_id;
  gint          nodedev_id;
  gboolean      close_registered;
  GPtrArray    *events;         /* (element-type utf8): since the last refresh started */
  GPtrArray    *burst;          /* (element-type utf8): what the running refresh answers */
  GPtrArray    *changes;        /* (element-type JsonNode): since the last line */
  GHashTable   *watched;        /* objects whose notify is connected */
  gboolean      refreshing;
  gboolean      again;
  guint64       sequence;
} Watch;

static const gchar *
type_title (GObject *object)
{
  if (VMNET_IS_HOST (object))
    return "VMHost";
  if (VMNET_IS_SWITCH (object))
    return "VMSwitch";
  if (VMNET_IS_NET_ADAPTER_SRIOV (object))
    return "NetAdapterSriov";
  if (VMNET_IS_VM (object))
    return "VM";
  if (VMNET_IS_NETWORK_ADAPTER (object))
    return "VMNetworkAdapter";
  return G_OBJECT_TYPE_NAME (object);
}

static JsonNode *
change_node (GObject *object, const gchar *change, const gchar *property)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree gchar *name = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "Type");
  json_builder_add_string_value (b, type_title (object));
  json_builder_set_member_name (b, "Change");
  json_builder_add_string_value (b, change);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (object), "name"))
    {
      g_object_get (object, "name", &name, NULL);
      json_builder_set_member_name (b, "Name");
      json_builder_add_string_value (b, name);
    }
  if (VMNET_IS_NETWORK_ADAPTER (object))
    {
      json_builder_set_member_name (b, "VMName");
      json_builder_add_string_value (b, vmnet_network_adapter_get_vm_name (VMNET_NETWORK_ADAPTER (object)));
    }
  if (property)
    {
      json_builder_set_member_name (b, "Property");
      json_builder_add_string_value (b, property);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
on_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  Watch *w = user_data;

  g_ptr_array_add (w->changes, change_node (object, "Changed", pspec->name));
}

static void
watch_object (Watch *w, GObject *object)
{
  if (g_hash_table_contains (w->watched, object))
    return;
  g_signal_connect (object, "notify", G_CALLBACK (on_notify), w);
  g_hash_table_add (w->watched, g_object_ref (object));
}

static void
on_items_changed (GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
  Watch *w = user_data;
  g_autoptr(GHashTable) present = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer object;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      g_hash_table_add (present, item);
      if (i >= position && i < position + added)
        {
          g_ptr_array_add (w->changes, change_node (item, "Added", NULL));
          watch_object (w, item);
        }
    }
  /* Objects of this list that left it. */
  g_hash_table_iter_init (&iter, w->watched);
  while (g_hash_table_iter_next (&iter, &object, NULL))
    if (G_OBJECT_TYPE (object) == g_list_model_get_item_type (model) && !g_hash_table_contains (present, object))
      {
        g_ptr_array_add (w->changes, change_node (object, "Removed", NULL));
        g_signal_handlers_disconnect_by_data (object, w);
        g_hash_table_iter_remove (&iter);
      }
}

static void
print_line (Watch *w, GPtrArray *events)
{
  if (w->cli->output == VMNET_CLI_OUTPUT_JSON)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree gchar *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "Sequence");
      json_builder_add_int_value (b, (gint64) w->sequence);
      json_builder_set_member_name (b, "Events");
      json_builder_begin_array (b);
      for (guint i = 0; i < events->len; i++)
        json_builder_add_string_value (b, events->pdata[i]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "Changes");
      json_builder_begin_array (b);
      for (guint i = 0; i < w->changes->len; i++)
        json_builder_add_value (b, json_node_copy (w->changes->pdata[i]));
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      text = json_generator_to_data (gen, NULL);
      g_print ("%s\n", text);
    }
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree gchar *stamp = g_date_time_format (now, "%H:%M:%S");
      g_autoptr(GString) line = g_string_new (stamp);

      g_string_append_printf (line, " #%" G_GUINT64_FORMAT, w->sequence);
      for (guint i = 0; i < events->len; i++)
        g_string_append_printf (line, "%s %s", i ? "," : ":", (const gchar *) events->pdata[i]);
      if (w->changes->len)
        g_string_append_printf (line, " (%u change(s))", w->changes->len);
      g_print ("%s\n", line->str);
    }
  w->sequence++;
  g_ptr_array_set_size (w->changes, 0);
}

static void refresh (Watch *w);

static void
refreshed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Watch *w = user_data;
  g_autoptr(GPtrArray) burst = g_steal_pointer (&w->burst);
  g_autoptr(GError) error = NULL;

  w->refreshing = FALSE;
  if (!vmnet_host_refresh_finish (VMNET_HOST (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !w->error)
        w->error = g_steal_pointer (&error);
      g_main_loop_quit (w->loop);
      return;
    }
  if (burst->len || w->changes->len)
    print_line (w, burst);
  if (w->again)
    refresh (w);
}

/* Events that arrive during a refresh lead to one more, after it. */
static void
refresh (Watch *w)
{
  if (w->refreshing)
    {
      w->again = TRUE;
      return;
    }
  w->again = FALSE;
  w->refreshing = TRUE;
  /* The events so far go with the line this refresh prints. */
  w->burst = g_steal_pointer (&w->events);
  w->events = g_ptr_array_new_with_free_func (g_free);
  vmnet_host_refresh_async (w->cli->host, w->cli->cancellable, refreshed, w);
}

static void
event (Watch *w, const gchar *what, const gchar *name)
{
  g_ptr_array_add (w->events, g_strdup_printf ("%s %s", what, name ? name : ""));
  refresh (w);
}

static int
on_lifecycle (virConnectPtr conn, virDomainPtr dom, int kind, int detail, void *opaque)
{
  static const gchar *const names[] = {
    "defined", "undefined", "started", "suspended", "resumed", "stopped", "shutdown", "pmsuspended", "crashed",
  };

  event (opaque, kind >= 0 && kind < (int) G_N_ELEMENTS (names) ? names[kind] : "changed", virDomainGetName (dom));
  return 0;
}

static void
on_device_added (virConnectPtr conn, virDomainPtr dom, const char *alias, void *opaque)
{
  event (opaque, "device-added", virDomainGetName (dom));
}

static void
on_device_removed (virConnectPtr conn, virDomainPtr dom, const char *alias, void *opaque)
{
  event (opaque, "device-removed", virDomainGetName (dom));
}

static void
on_metadata (virConnectPtr conn, virDomainPtr dom, int type, const char *nsuri, void *opaque)
{
  event (opaque, "metadata-changed", virDomainGetName (dom));
}

static void
on_job_completed (virConnectPtr conn, virDomainPtr dom, virTypedParameterPtr params, int n, void *opaque)
{
  event (opaque, "job-completed", virDomainGetName (dom));
}

static void
on_network (virConnectPtr conn, virNetworkPtr net, int kind, int detail, void *opaque)
{
  event (opaque, "network-changed", virNetworkGetName (net));
}

static void
on_nodedev (virConnectPtr conn, virNodeDevicePtr dev, int kind, int detail, void *opaque)
{
  event (opaque, "device-changed", virNodeDeviceGetName (dev));
}

static void
on_close (virConnectPtr conn, int reason, void *opaque)
{
  Watch *w = opaque;

  if (!w->error)
    g_set_error (&w->error, VMNET_ERROR, VMNET_ERROR_BACKEND_UNAVAILABLE,
                 "watch-vmhost: the connection to '%s' was closed (%s)",
                 vmnet_host_get_resolved_uri (w->cli->host),
                 reason == VIR_CONNECT_CLOSE_REASON_KEEPALIVE ? "keepalive timeout" : "connection lost");
  g_main_loop_quit (w->loop);
}

static void
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  g_main_loop_quit (user_data);
}

static gboolean
listen (Watch *w, GError **error)
{
  const gchar *uri = vmnet_host_get_resolved_uri (w->cli->host);
  const struct { gint id; virConnectDomainEventGenericCallback cb; } domain_events[] = {
    { VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK (on_lifecycle) },
    { VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, VIR_DOMAIN_EVENT_CALLBACK (on_device_added) },
    { VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, VIR_DOMAIN_EVENT_CALLBACK (on_device_removed) },
    { VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, VIR_DOMAIN_EVENT_CALLBACK (on_metadata) },
    { VIR_DOMAIN_EVENT_ID_JOB_COMPLETED, VIR_DOMAIN_EVENT_CALLBACK (on_job_completed) },
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (domain_events) == G_N_ELEMENTS (((Watch *) 0)->domain_ids));
  /* Events reach connections opened after this, on the default main context. */
  gvir_event_register ();
  w->conn = virConnectOpen (uri);
  if (!w->conn)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_BACKEND_UNAVAILABLE,
                   "watch-vmhost: cannot open '%s' for events: %s", uri, virGetLastErrorMessage ());
      return FALSE;
    }
  if (!g_str_has_prefix (uri, "test:"))
    virConnectSetKeepAlive (w->conn, 5, 3);
  for (guint i = 0; i < G_N_ELEMENTS (domain_events); i++)
    w->domain_ids[i] = virConnectDomainEventRegisterAny (w->conn, NULL, domain_events[i].id,
                                                         domain_events[i].cb, w, NULL);
  if (w->domain_ids[0] < 0)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                   "watch-vmhost: '%s' does not deliver domain events: %s", uri, virGetLastErrorMessage ());
      return FALSE;
    }
  w->network_id = virConnectNetworkEventRegisterAny (w->conn, NULL, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                                     VIR_NETWORK_EVENT_CALLBACK (on_network), w, NULL);
  /* VFs come and go as node devices; drivers without node devices have none. */
  w->nodedev_id = virConnectNodeDeviceEventRegisterAny (w->conn, NULL, VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
                                                        VIR_NODE_DEVICE_EVENT_CALLBACK (on_nodedev), w, NULL);
  virResetLastError ();
  w->close_registered = virConnectRegisterCloseCallback (w->conn, on_close, w, NULL) == 0;
  return TRUE;
}

static void
unlisten (Watch *w)
{
  if (!w->conn)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (w->domain_ids); i++)
    if (w->domain_ids[i] >= 0)
      virConnectDomainEventDeregisterAny (w->conn, w->domain_ids[i]);
  if (w->network_id >= 0)
    virConnectNetworkEventDeregisterAny (w->conn, w->network_id);
  if (w->nodedev_id >= 0)
    virConnectNodeDeviceEventDeregisterAny (w->conn, w->nodedev_id);
  if (w->close_registered)
    virConnectUnregisterCloseCallback (w->conn, on_close);
  virConnectClose (w->conn);
  w->conn = NULL;
}

static gboolean
run_watch_vmhost (VmnetCli *cli, gpointer options, GError **error)
{
  GListModel *lists[] = {
    vmnet_host_get_switches (cli->host), vmnet_host_get_net_adapters_sriov (cli->host),
    vmnet_host_get_vms (cli->host), vmnet_host_get_network_adapters (cli->host),
  };
  Watch w = { cli, NULL, NULL, NULL, { -1, -1, -1, -1, -1 }, -1, -1, FALSE };
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  gulong cancel_id;
  gboolean ok;

  if (!vmnet_cli_no_positional (cli, error))
    return FALSE;
  w.loop = g_main_loop_new (NULL, FALSE);
  w.events = g_ptr_array_new_with_free_func (g_free);
  w.changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  w.watched = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);

  watch_object (&w, G_OBJECT (cli->host));
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      for (guint i = 0; i < g_list_model_get_n_items (lists[l]); i++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (lists[l], i);
          watch_object (&w, item);
        }
      g_signal_connect (lists[l], "items-changed", G_CALLBACK (on_items_changed), &w);
    }

  ok = listen (&w, error);
  if (ok)
    {
      /* The first line says the watch is in place: what follows is news. */
      print_line (&w, none);
      cancel_id = g_cancellable_connect (cli->cancellable, G_CALLBACK (on_cancelled), w.loop, NULL);
      if (!g_cancellable_is_cancelled (cli->cancellable))
        g_main_loop_run (w.loop);
      g_cancellable_disconnect (cli->cancellable, cancel_id);
      /* A refresh in flight holds w: let it finish. */
      while (w.refreshing)
        g_main_context_iteration (NULL, TRUE);
      if (w.error)
        {
          g_propagate_error (error, g_steal_pointer (&w.error));
          ok = FALSE;
        }
    }
  unlisten (&w);
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    g_signal_handlers_disconnect_by_data (lists[l], &w);
  {
    GHashTableIter iter;
    gpointer object;

    g_hash_table_iter_init (&iter, w.watched);
    while (g_hash_table_iter_next (&iter, &object, NULL))
      g_signal_handlers_disconnect_by_data (object, &w);
  }
  g_hash_table_unref (w.watched);
  g_ptr_array_unref (w.changes);
  g_ptr_array_unref (w.events);
  g_main_loop_unref (w.loop);
  return ok;
}

const VmnetCommand vmnet_cmd_watch_vmhost = {
  .name = "watch-vmhost",
  .args_hint = "",
  .summary = "Follow the host through libvirt's events: one line per change (a JSON object with --output json)",
  .run = run_watch_vmhost,
};
