/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a caller of vmnetd's D-Bus API reads of an object (doc/dbus.md,
 * "Visibility"): its properties without the VMs (and switches) the caller
 * may not see, decided once per pass from what the properties name. */
#include <string.h>
#include "vmnetd-dbus-private.h"

static void
named_free (Named *n)
{
  g_free (n->key);
  g_clear_pointer (&n->check, auth_check_free);
  g_free (n->item);
  g_free (n);
}

static Named *
named_new (const gchar *permission, const gchar *words, const gchar *const *details, const gchar *const *blank,
           const gchar *item)
{
  Named *n = g_new0 (Named, 1);

  n->key = visibility_key (permission, details);
  n->check = auth_check_new (permission, words, details);
  n->blank = blank;
  n->item = g_strdup (item);
  return n;
}

/* A VF's holder names no VM the caller does not see; a PF no switch. */
static const gchar *const vf_blank[] = { "VMName", "VMNetworkAdapterName", NULL };
static const gchar *const pf_blank[] = { "SwitchName", NULL };

/* Calls @func on each entry of the lists of holders in @s, "(A/a, B/b)"
 * (the library's fix for a switch without a free VF; an entry is
 * "VM/ADAPTER"), once per entry in one pass over @s. With @out, appends @s
 * to it with each entry written as @func says (NULL: as it is). */
typedef const gchar *(*ItemFunc) (const gchar *item, gpointer data);

static void
each_item (const gchar *s, ItemFunc func, gpointer data, GString *out)
{
  const gchar *p = s;

  for (;;)
    {
      const gchar *open = strchr (p, '(');
      const gchar *close = open ? strchr (open + 1, ')') : NULL;

      if (!close)
        {
          if (out)
            g_string_append (out, p);
          return;
        }
      if (out)
        g_string_append_len (out, p, open + 1 - p);
      for (const gchar *at = open + 1; at <= close;)
        {
          const gchar *comma = g_strstr_len (at, close - at, ", ");
          const gchar *end = comma ? comma : close;
          const gchar *instead = NULL;

          if (memchr (at, '/', end - at))
            {
              g_autofree gchar *item = g_strndup (at, end - at);
              instead = func (item, data);
            }
          if (out)
            {
              if (instead)
                g_string_append (out, instead);
              else
                g_string_append_len (out, at, end - at);
              g_string_append (out, comma ? ", " : ")");
            }
          at = comma ? comma + 2 : close + 1;
        }
      p = close + 1;
    }
}

/* Calls each_item() on every text of @props (a{sv}). */
static void
each_item_of (GVariant *props, ItemFunc func, gpointer data)
{
  GVariantIter iter;
  const gchar *name;
  GVariant *value;

  g_variant_iter_init (&iter, props);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        each_item (g_variant_get_string (value, NULL), func, data, NULL);
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
        {
          g_autofree const gchar **texts = g_variant_get_strv (value, NULL);

          for (guint i = 0; texts[i]; i++)
            each_item (texts[i], func, data, NULL);
        }
    }
}

static const gchar *
hide_item (const gchar *item, gpointer data)
{
  GHashTable *hidden = data;

  return g_hash_table_contains (hidden, item) ? "another VM" : NULL;
}

/* @s with every entry of @hidden (item -> Named) in a list of holders
 * written "another VM". */
static gchar *
without_items (const gchar *s, GHashTable *hidden)
{
  GString *out = g_string_sized_new (strlen (s) + 16);

  each_item (s, hide_item, hidden, out);
  return g_string_free (out, FALSE);
}

/* Every VF's holder, by how a list of holders writes it: once per pass. */
static GHashTable *
host_holders (VmnetdBus *self)
{
  GListModel *pfs = self->host ? vmnet_host_get_net_adapters_sriov (self->host) : NULL;
  GListModel *vms = self->host ? vmnet_host_get_vms (self->host) : NULL;
  g_autoptr(GHashTable) uuids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_object_unref);

  if (self->holders && self->holders_pass == self->pass)
    return self->holders;
  g_clear_pointer (&self->holders, g_hash_table_unref);
  self->holders = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) named_free);
  self->holders_pass = self->pass;
  for (guint i = 0; vms && i < g_list_model_get_n_items (vms); i++)
    {
      VmnetVm *vm = g_list_model_get_item (vms, i);

      g_ptr_array_add (keep, vm);
      if (vmnet_vm_get_name (vm))
        g_hash_table_insert (uuids, (gpointer) vmnet_vm_get_name (vm), (gpointer) vmnet_vm_get_uuid (vm));
    }
  for (guint i = 0; pfs && i < g_list_model_get_n_items (pfs); i++)
    {
      g_autoptr(VmnetNetAdapterSriov) pf = g_list_model_get_item (pfs, i);
      GListModel *vfs = vmnet_net_adapter_sriov_get_virtual_functions (pf);

      for (guint j = 0; j < g_list_model_get_n_items (vfs); j++)
        {
          g_autoptr(VmnetVirtualFunction) vf = g_list_model_get_item (vfs, j);
          const gchar *vm = vmnet_virtual_function_get_vm_name (vf);
          const gchar *adapter = vmnet_virtual_function_get_vm_network_adapter_name (vf);
          const gchar *uuid;
          Named *n;
          g_autofree gchar *item = NULL;
          g_autofree gchar *words = NULL;

          if (!vm)
            continue;
          uuid = g_hash_table_lookup (uuids, vm);
          item = g_strdup_printf ("%s/%s", vm, adapter ? adapter : "?");
          words = g_strdup_printf ("VM '%s'", vm);
          /* What libvirt's polkit access driver sends before it lists a VM. */
          n = named_new ("domain.getattr", words,
                         (const gchar *const[]) { "connect_driver", driver_of (self), "domain_name", vm,
                                                  "domain_uuid", uuid ? uuid : "", NULL },
                         NULL, item);
          g_hash_table_replace (self->holders, n->item, n);
        }
    }
  return self->holders;
}

static Named *
named_copy (const Named *n, const gchar *const *blank, const gchar *item)
{
  return named_new (n->check->permission, n->check->object, (const gchar *const *) n->check->details, blank, item);
}

typedef struct {
  GHashTable *holders;  /* host_holders() */
  GPtrArray  *names;    /* what the properties name, in the order they name it */
  GHashTable *seen;     /* the items in @names */
} Mentions;

static const gchar *
add_mention (const gchar *item, gpointer data)
{
  Mentions *m = data;
  const Named *n = g_hash_table_lookup (m->holders, item);

  if (n && !g_hash_table_contains (m->seen, n->item))
    {
      g_hash_table_add (m->seen, n->item);
      g_ptr_array_add (m->names, named_copy (n, NULL, n->item));
    }
  return NULL;
}

/* What @e's properties (@props, if known) name, as they are in this pass. */
GPtrArray *
names_of (VmnetdBus *self, Exported *e, GVariant *props)
{
  if (e->names && e->names_pass == self->pass)
    return e->names;
  g_clear_pointer (&e->names, g_ptr_array_unref);
  e->names = g_ptr_array_new_with_free_func ((GDestroyNotify) named_free);
  e->names_pass = self->pass;
  if (VMNET_IS_VIRTUAL_FUNCTION (e->source))
    {
      VmnetVirtualFunction *vf = VMNET_VIRTUAL_FUNCTION (e->source);
      const gchar *vm = vmnet_virtual_function_get_vm_name (vf);
      const gchar *adapter = vmnet_virtual_function_get_vm_network_adapter_name (vf);
      g_autofree gchar *item = vm ? g_strdup_printf ("%s/%s", vm, adapter ? adapter : "?") : NULL;
      const Named *holder = vm ? g_hash_table_lookup (host_holders (self), item) : NULL;

      if (holder)
        g_ptr_array_add (e->names, named_copy (holder, vf_blank, NULL));
    }
  else if (VMNET_IS_NET_ADAPTER_SRIOV (e->source))
    {
      const gchar *sw = vmnet_net_adapter_sriov_get_switch_name (VMNET_NET_ADAPTER_SRIOV (e->source));
      g_autofree gchar *words = sw ? g_strdup_printf ("network '%s'", sw) : NULL;

      if (sw)
        g_ptr_array_add (e->names, named_new ("network.getattr", words,
                                              (const gchar *const[]) { "connect_driver", driver_of (self),
                                                                       "network_name", sw, NULL },
                                              pf_blank, NULL));
    }
  else if (VMNET_IS_SWITCH (e->source) || VMNET_IS_NETWORK_ADAPTER (e->source))
    {
      /* Their checks' fixes list the holders of a switch's VFs. */
      Mentions m = { host_holders (self), e->names, NULL };
      g_autoptr(GVariant) read = NULL;

      if (g_hash_table_size (m.holders) > 0)
        {
          if (!props)
            props = read = g_dbus_interface_skeleton_get_properties (e->iface);
          m.seen = g_hash_table_new (g_str_hash, g_str_equal);
          each_item_of (props, add_mention, &m);
          g_hash_table_unref (m.seen);
        }
    }
  return e->names;
}

GPtrArray *
exported_names (VmnetdBus *self, Exported *e)
{
  return names_of (self, e, NULL);
}

gboolean
names_equal (GPtrArray *a, GPtrArray *b)
{
  if (!a || !b || a->len != b->len)
    return a == b;
  for (guint i = 0; i < a->len; i++)
    {
      const Named *x = g_ptr_array_index (a, i);
      const Named *y = g_ptr_array_index (b, i);

      if (!g_str_equal (x->key, y->key) || g_strcmp0 (x->item, y->item) != 0 || x->blank != y->blank)
        return FALSE;
    }
  return TRUE;
}

/* @props (a{sv}) as @p may read them, with @names (what they name)
 * decided: a VM or switch it does not see, or not yet, is left out. */
GVariant *
object_view (Peer *p, GVariant *props, GPtrArray *names)
{
  g_autoptr(GPtrArray) hidden = g_ptr_array_new ();
  g_autoptr(GHashTable) hidden_items = NULL;
  GVariantBuilder b;
  GVariantIter iter;
  const gchar *name;
  GVariant *value;

  for (guint i = 0; names && !peer_sees_all (p) && i < names->len; i++)
    if (peer_sees (p, ((Named *) g_ptr_array_index (names, i))->key) != 1)
      g_ptr_array_add (hidden, g_ptr_array_index (names, i));
  if (!hidden->len)
    return g_variant_ref (props);
  hidden_items = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < hidden->len; i++)
    if (((Named *) g_ptr_array_index (hidden, i))->item)
      g_hash_table_add (hidden_items, ((Named *) g_ptr_array_index (hidden, i))->item);
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, props);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
    {
      gboolean blank = FALSE;

      for (guint i = 0; i < hidden->len && !blank; i++)
        {
          const Named *n = g_ptr_array_index (hidden, i);
          blank = n->blank && g_strv_contains (n->blank, name);
        }
      if (blank)
        g_variant_builder_add (&b, "{sv}", name, g_variant_new_string (""));
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        {
          g_autofree gchar *text = without_items (g_variant_get_string (value, NULL), hidden_items);
          g_variant_builder_add (&b, "{sv}", name, g_variant_new_string (text));
        }
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
        {
          g_autofree const gchar **texts = g_variant_get_strv (value, NULL);
          g_autoptr(GStrvBuilder) out = g_strv_builder_new ();
          g_auto(GStrv) strv = NULL;

          for (guint i = 0; texts[i]; i++)
            {
              g_autofree gchar *text = without_items (texts[i], hidden_items);
              g_strv_builder_add (out, text);
            }
          strv = g_strv_builder_end (out);
          g_variant_builder_add (&b, "{sv}", name, g_variant_new_strv ((const gchar *const *) strv, -1));
        }
      else
        g_variant_builder_add (&b, "{sv}", name, value);
    }
  return g_variant_ref_sink (g_variant_builder_end (&b));
}
