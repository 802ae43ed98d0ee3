/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Introspect below the object kinds (Switch, NetworkAdapter, …), answered
 * per caller once polkit has decided what it sees: GDBus answers a
 * subtree's Introspect at once, from the enumerate callback, which cannot
 * wait, so a caller's first walk of the tree (busctl tree, d-feet) would
 * list nothing. The calls are taken from GDBus before it dispatches them. */
#include <string.h>
#include "vmnetd-dbus-private.h"

#define INTROSPECTABLE "org.freedesktop.DBus.Introspectable"

/* What GDBus lists for every object. */
static const gchar standard_interfaces[] =
  "  <interface name=\"org.freedesktop.DBus.Properties\">\n"
  "    <method name=\"Get\">\n"
  "      <arg type=\"s\" name=\"interface_name\" direction=\"in\"/>\n"
  "      <arg type=\"s\" name=\"property_name\" direction=\"in\"/>\n"
  "      <arg type=\"v\" name=\"value\" direction=\"out\"/>\n"
  "    </method>\n"
  "    <method name=\"GetAll\">\n"
  "      <arg type=\"s\" name=\"interface_name\" direction=\"in\"/>\n"
  "      <arg type=\"a{sv}\" name=\"properties\" direction=\"out\"/>\n"
  "    </method>\n"
  "    <method name=\"Set\">\n"
  "      <arg type=\"s\" name=\"interface_name\" direction=\"in\"/>\n"
  "      <arg type=\"s\" name=\"property_name\" direction=\"in\"/>\n"
  "      <arg type=\"v\" name=\"value\" direction=\"in\"/>\n"
  "    </method>\n"
  "    <signal name=\"PropertiesChanged\">\n"
  "      <arg type=\"s\" name=\"interface_name\"/>\n"
  "      <arg type=\"a{sv}\" name=\"changed_properties\"/>\n"
  "      <arg type=\"as\" name=\"invalidated_properties\"/>\n"
  "    </signal>\n"
  "  </interface>\n"
  "  <interface name=\"org.freedesktop.DBus.Introspectable\">\n"
  "    <method name=\"Introspect\">\n"
  "      <arg type=\"s\" name=\"xml_data\" direction=\"out\"/>\n"
  "    </method>\n"
  "  </interface>\n"
  "  <interface name=\"org.freedesktop.DBus.Peer\">\n"
  "    <method name=\"Ping\"/>\n"
  "    <method name=\"GetMachineId\">\n"
  "      <arg type=\"s\" name=\"machine_uuid\" direction=\"out\"/>\n"
  "    </method>\n"
  "  </interface>\n";

/* A subtree's path (ROOT/KIND) or one below it. */
static gboolean
in_subtree (const gchar *path)
{
  gsize n = strlen (VMNETD_OBJECT_ROOT "/");

  if (!path || strncmp (path, VMNETD_OBJECT_ROOT "/", n) != 0)
    return FALSE;
  for (guint i = 0; i < N_KINDS; i++)
    {
      gsize k = strlen (vmnetd_kinds[i]);

      if (strncmp (path + n, vmnetd_kinds[i], k) == 0 && (path[n + k] == '\0' || path[n + k] == '/'))
        return TRUE;
    }
  return FALSE;
}

typedef struct {
  VmnetdBus    *bus;
  GDBusMessage *message;
} Introspection;

static void
introspection_free (Introspection *in)
{
  g_object_unref (in->message);
  g_free (in);
}

/* The answer GDBus would give had it known what @p sees. */
static void
introspect_answer (VmnetdBus *self, Peer *p, gpointer data)
{
  Introspection *in = data;
  const gchar *path = g_dbus_message_get_path (in->message);
  gsize n = strlen (path);
  Exported *e = g_hash_table_lookup (self->objects, path);
  g_autoptr(GString) xml = g_string_new ("<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\"\n"
                                          "\"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n<node>\n");
  g_autoptr(GDBusMessage) reply = g_dbus_message_new_method_reply (in->message);
  GHashTableIter iter;
  gpointer key, value;

  g_string_append (xml, standard_interfaces);
  if (e && peer_sees (p, e->visible_key) == 1)
    g_dbus_interface_info_generate_xml (g_dbus_interface_skeleton_get_info (e->iface), 2, xml);
  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const gchar *object = key;

      if (strncmp (object, path, n) == 0 && object[n] == '/' && !strchr (object + n + 1, '/') &&
          peer_sees (p, ((Exported *) value)->visible_key) == 1)
        g_string_append_printf (xml, "  <node name=\"%s\"/>\n", object + n + 1);
    }
  g_string_append (xml, "</node>\n");
  g_dbus_message_set_body (reply, g_variant_new ("(s)", xml->str));
  if (self->connection)
    g_dbus_connection_send_message (self->connection, reply, G_DBUS_SEND_MESSAGE_FLAGS_NONE, NULL, NULL);
}

/* In the main context: once what the caller sees is decided. */
static gboolean
introspect_later (gpointer data)
{
  Introspection *in = data;
  VmnetdBus *self = in->bus;
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) checks = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  if (!self->connection)
    {
      introspection_free (in);
      return G_SOURCE_REMOVE;
    }
  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_ptr_array_add (keys, ((Exported *) value)->visible_key);
      g_ptr_array_add (checks, ((Exported *) value)->visible);
    }
  peer_when_checks (self, peer_get (self, g_dbus_message_get_sender (in->message)), keys, checks,
                    introspect_answer, in, (GDestroyNotify) introspection_free);
  return G_SOURCE_REMOVE;
}

/* In GDBus's worker thread: Introspect calls below the kinds go to the main
 * context; everything else on to GDBus. */
GDBusMessage *
introspect_filter (GDBusConnection *connection, GDBusMessage *message, gboolean incoming, gpointer user_data)
{
  VmnetdBus *self = user_data;
  Introspection *in;

  if (!incoming || g_dbus_message_get_message_type (message) != G_DBUS_MESSAGE_TYPE_METHOD_CALL ||
      g_strcmp0 (g_dbus_message_get_interface (message), INTROSPECTABLE) != 0 ||
      g_strcmp0 (g_dbus_message_get_member (message), "Introspect") != 0 ||
      !in_subtree (g_dbus_message_get_path (message)) || !g_dbus_message_get_sender (message))
    return message;
  in = g_new0 (Introspection, 1);
  in->bus = self;
  in->message = message;
  g_main_context_invoke (self->context, introspect_later, in);
  return NULL;
}
