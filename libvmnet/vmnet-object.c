/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the public objects share: a record of the host's model per object,
 * notify on change, live lists kept in step with the model. */
#include "config.h"

#include "vmnet-object-private.h"

static gboolean
values_equal (GParamSpec *pspec, const GValue *a, const GValue *b)
{
  /* Boxed values compare by pointer in GLib; string arrays by content here. */
  if (pspec->value_type == G_TYPE_STRV)
    {
      const gchar *const *sa = g_value_get_boxed (a);
      const gchar *const *sb = g_value_get_boxed (b);
      if (!sa || !sb)
        return sa == sb;
      return g_strv_equal (sa, sb);
    }
  return g_param_values_cmp (pspec, a, b) == 0;
}

void
vmnet_object_replace_info (GObject        *object,
                           gconstpointer  *slot,
                           VmnetModel    **model_slot,
                           gconstpointer   info,
                           VmnetModel     *model)
{
  g_autofree GParamSpec **pspecs = NULL;
  g_autofree GValue *before = NULL;
  guint n = 0;

  if (*slot == NULL)
    {
      *slot = info;
      *model_slot = vmnet_model_ref (model);
      return;
    }

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n);
  before = g_new0 (GValue, n);
  for (guint i = 0; i < n; i++)
    {
      if (!(pspecs[i]->flags & G_PARAM_READABLE) ||
          G_TYPE_IS_OBJECT (pspecs[i]->value_type) || G_TYPE_IS_INTERFACE (pspecs[i]->value_type))
        continue;
      g_value_init (&before[i], pspecs[i]->value_type);
      g_object_get_property (object, pspecs[i]->name, &before[i]);
    }

  *slot = info;
  vmnet_model_unref (*model_slot);
  *model_slot = vmnet_model_ref (model);

  g_object_freeze_notify (object);
  for (guint i = 0; i < n; i++)
    {
      GValue after = G_VALUE_INIT;

      if (!G_IS_VALUE (&before[i]))
        continue;
      g_value_init (&after, pspecs[i]->value_type);
      g_object_get_property (object, pspecs[i]->name, &after);
      if (!values_equal (pspecs[i], &before[i], &after))
        g_object_notify_by_pspec (object, pspecs[i]);
      g_value_unset (&after);
      g_value_unset (&before[i]);
    }
  g_object_thaw_notify (object);
}

void
vmnet_list_store_sync (GListStore               *store,
                       VmnetModel               *model,
                       GPtrArray                *old_infos,
                       GPtrArray                *infos,
                       const VmnetListSyncFuncs *funcs)
{
  g_autoptr(GHashTable) existing = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (store));
  gboolean same = n_old == infos->len;

  /* The store holds an object per record of the last sync, in its order. */
  g_return_if_fail (n_old == (old_infos ? old_infos->len : 0));
  for (guint i = 0; i < n_old; i++)
    {
      g_autoptr(GObject) object = g_list_model_get_item (G_LIST_MODEL (store), i);
      const gchar *key = funcs->info_key (g_ptr_array_index (old_infos, i));
      if (key && !g_hash_table_contains (existing, key))
        g_hash_table_insert (existing, (gpointer) key, object);
    }

  for (guint i = 0; i < infos->len; i++)
    {
      gpointer info = g_ptr_array_index (infos, i);
      const gchar *key = funcs->info_key (info);
      GObject *object = key ? g_hash_table_lookup (existing, key) : NULL;

      if (object)
        {
          g_hash_table_remove (existing, key);
          g_ptr_array_add (items, g_object_ref (object));
          funcs->update (object, model, info);
        }
      else
        {
          g_ptr_array_add (items, funcs->create (model, info));
        }
    }

  for (guint i = 0; same && i < items->len; i++)
    {
      g_autoptr(GObject) old = g_list_model_get_item (G_LIST_MODEL (store), i);
      same = old == g_ptr_array_index (items, i);
    }
  if (!same)
    g_list_store_splice (store, 0, n_old, items->pdata, items->len);
}
