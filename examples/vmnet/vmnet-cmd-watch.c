/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* watch-vmhost: follows the host through libvirt's events (a live VmnetHost:
 * one read per burst of events, nothing polled) and prints one line per read
 * (a JSON object with --output json) with the events and what changed, for
 * consoles that show the host live. */
#include <json-glib/json-glib.h>

#include "vmnet-cli.h"

typedef struct {
  VmnetCli     *cli;
  GMainLoop    *loop;
  GError       *error;
  GPtrArray    *changes;        /* (element-type JsonNode): since the last line */
  GHashTable   *watched;        /* objects whose notify is connected */
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

static void
on_refreshed (VmnetHost *host, const gchar *const *events, gpointer user_data)
{
  Watch *w = user_data;
  g_autoptr(GPtrArray) list = g_ptr_array_new ();

  for (guint i = 0; events && events[i]; i++)
    g_ptr_array_add (list, (gpointer) events[i]);
  print_line (w, list);
}

static void
on_live (VmnetHost *host, GParamSpec *pspec, gpointer user_data)
{
  Watch *w = user_data;

  if (vmnet_host_get_live (host))
    return;
  g_set_error (&w->error, VMNET_ERROR, VMNET_ERROR_BACKEND_UNAVAILABLE,
               "lost the connection to libvirt at '%s'", vmnet_host_get_resolved_uri (host));
  g_main_loop_quit (w->loop);
}

static void
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  g_main_loop_quit (user_data);
}

static gboolean
run_watch_vmhost (VmnetCli *cli, gpointer options, GError **error)
{
  GListModel *lists[] = {
    vmnet_host_get_switches (cli->host), vmnet_host_get_net_adapters_sriov (cli->host),
    vmnet_host_get_vms (cli->host), vmnet_host_get_network_adapters (cli->host),
  };
  Watch w = { cli };
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  gulong cancel_id;
  gboolean ok;

  if (!vmnet_cli_no_positional (cli, error))
    return FALSE;
  w.loop = g_main_loop_new (NULL, FALSE);
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

  g_signal_connect (cli->host, "refreshed", G_CALLBACK (on_refreshed), &w);
  g_signal_connect (cli->host, "notify::live", G_CALLBACK (on_live), &w);
  ok = vmnet_host_set_live (cli->host, TRUE, error);
  if (ok)
    {
      /* The first line says the watch is in place: what follows is news. */
      g_ptr_array_set_size (w.changes, 0);
      print_line (&w, none);
      cancel_id = g_cancellable_connect (cli->cancellable, G_CALLBACK (on_cancelled), w.loop, NULL);
      if (!g_cancellable_is_cancelled (cli->cancellable))
        g_main_loop_run (w.loop);
      g_cancellable_disconnect (cli->cancellable, cancel_id);
      if (w.error)
        {
          g_propagate_error (error, g_steal_pointer (&w.error));
          ok = FALSE;
        }
    }
  g_signal_handlers_disconnect_by_data (cli->host, &w);
  vmnet_host_set_live (cli->host, FALSE, NULL);
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
  g_main_loop_unref (w.loop);
  return ok;
}

const VmnetCommand vmnet_cmd_watch_vmhost = {
  .name = "watch-vmhost",
  .args_hint = "",
  .summary = "Follow the host through libvirt's events: one line per change (a JSON object with --output json)",
  .run = run_watch_vmhost,
};
