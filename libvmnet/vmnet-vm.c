/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VmnetVm: a VM and its network adapters. */
#include "config.h"

#include "vmnet-enum-types.h"
#include "vmnet-object-private.h"
/**
 * VmnetVm:
 *
 * A virtual machine (a libvirt domain) and its network adapters.
 *
 * Since: 0.1
 */
struct _VmnetVm {
  GObject parent_instance;
  const VmnetVmInfo *info;
  VmnetModel       *model;     /* holds info */
  GListStore  *adapters;
};

G_DEFINE_FINAL_TYPE (VmnetVm, vmnet_vm, G_TYPE_OBJECT)
enum {
  PROP_0,
  PROP_NAME,
  PROP_UUID,
  PROP_STATE,
  PROP_SCOPE,
  PROP_NETWORK_ADAPTERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static void
vmnet_vm_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VmnetVm *self = VMNET_VM (object);
  const VmnetVmInfo *i = self->info;

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, i->name); break;
    case PROP_UUID: g_value_set_string (value, i->uuid); break;
    case PROP_STATE: g_value_set_enum (value, i->state); break;
    case PROP_SCOPE: g_value_set_string (value, i->scope ? i->scope : "default"); break;
    case PROP_NETWORK_ADAPTERS: g_value_set_object (value, self->adapters); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_vm_finalize (GObject *object)
{
  VmnetVm *self = VMNET_VM (object);

  g_clear_pointer (&self->model, vmnet_model_unref);
  g_clear_object (&self->adapters);
  G_OBJECT_CLASS (vmnet_vm_parent_class)->finalize (object);
}

static void
vmnet_vm_class_init (VmnetVmClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vmnet_vm_get_property;
  object_class->finalize = vmnet_vm_finalize;

  /**
   * VmnetVm:name:
   *
   * The VM name.
   *
   * Since: 0.1
   */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  /**
   * VmnetVm:uuid:
   *
   * The VM's UUID.
   *
   * Since: 0.1
   */
  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, flags);
  /**
   * VmnetVm:state:
   *
   * Running, Off, Paused, Saved or Other.
   *
   * Since: 0.1
   */
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, VMNET_TYPE_VM_STATE, VMNET_VM_STATE_OTHER, flags);
  /**
   * VmnetVm:scope:
   *
   * The scope name written in the VM's libvmnet metadata ("default" when
   * none is): a note that whoever may change the VM may change, never used
   * to decide access. The scope that counts is the authorization store's
   * (vmnet_auth_store_get_vm_scope()).
   *
   * Since: 0.1
   */
  properties[PROP_SCOPE] = g_param_spec_string ("scope", NULL, NULL, NULL, flags);
  /**
   * VmnetVm:network-adapters:
   *
   * The VM's network adapters, a #GListModel of #VmnetNetworkAdapter in device order.
   *
   * Since: 0.1
   */
  properties[PROP_NETWORK_ADAPTERS] = g_param_spec_object ("network-adapters", NULL, NULL, G_TYPE_LIST_MODEL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vmnet_vm_init (VmnetVm *self)
{
  self->adapters = g_list_store_new (VMNET_TYPE_NETWORK_ADAPTER);
}

static const gchar *
adapter_info_key (gconstpointer info)
{
  const VmnetAdapterInfo *a = info;
  return a->mac_address ? a->mac_address : a->name;
}

static gpointer
adapter_create (VmnetModel *model, gconstpointer info)
{
  return vmnet_network_adapter_new (model, info);
}

static void
adapter_update (gpointer object, VmnetModel *model, gconstpointer info)
{
  vmnet_network_adapter_update (object, model, info);
}

static const VmnetListSyncFuncs adapter_sync = { adapter_info_key, adapter_create, adapter_update };

static void
sync_adapters (VmnetVm *self, VmnetModel *model, const VmnetVmInfo *info)
{
  vmnet_list_store_sync (self->adapters, model, self->info ? self->info->adapters : NULL, info->adapters,
                         &adapter_sync);
}

VmnetVm *
vmnet_vm_new (VmnetModel *model, const VmnetVmInfo *info)
{
  VmnetVm *self = g_object_new (VMNET_TYPE_VM, NULL);
  sync_adapters (self, model, info);
  self->info = info;
  self->model = vmnet_model_ref (model);
  return self;
}

void
vmnet_vm_update (VmnetVm *self, VmnetModel *model, const VmnetVmInfo *info)
{
  sync_adapters (self, model, info);
  vmnet_object_replace_info (G_OBJECT (self), (gconstpointer *) &self->info, &self->model, info, model);
}

/**
 * vmnet_vm_get_name:
 * @self: a #VmnetVm
 *
 * Gets [property@Vmnet.Vm:name].
 *
 * Returns: the VM name
 *
 * Since: 0.1
 */
const gchar *
vmnet_vm_get_name (VmnetVm *self)
{
  g_return_val_if_fail (VMNET_IS_VM (self), NULL);
  return self->info->name;
}

/**
 * vmnet_vm_get_uuid:
 * @self: a #VmnetVm
 *
 * Gets [property@Vmnet.Vm:uuid].
 *
 * Returns: (nullable): the UUID
 *
 * Since: 0.1
 */
const gchar *
vmnet_vm_get_uuid (VmnetVm *self)
{
  g_return_val_if_fail (VMNET_IS_VM (self), NULL);
  return self->info->uuid;
}

/**
 * vmnet_vm_get_state:
 * @self: a #VmnetVm
 *
 * Gets [property@Vmnet.Vm:state].
 *
 * Returns: the VM state
 *
 * Since: 0.1
 */
VmnetVmState
vmnet_vm_get_state (VmnetVm *self)
{
  g_return_val_if_fail (VMNET_IS_VM (self), VMNET_VM_STATE_OTHER);
  return self->info->state;
}

/**
 * vmnet_vm_get_network_adapters:
 * @self: a #VmnetVm
 *
 * The VM's network adapters. The list is owned by the VM and kept up to
 * date by vmnet_host_refresh().
 *
 * Returns: (transfer none): a #GListModel of #VmnetNetworkAdapter
 *
 * Since: 0.1
 */
GListModel *
vmnet_vm_get_network_adapters (VmnetVm *self)
{
  g_return_val_if_fail (VMNET_IS_VM (self), NULL);
  return G_LIST_MODEL (self->adapters);
}

/**
 * vmnet_vm_find_network_adapter:
 * @self: a #VmnetVm
 * @name: (nullable): an adapter name or MAC address, or %NULL for the VM's only adapter
 * @error: return location for a #GError
 *
 * Finds one of the VM's network adapters by name or MAC address. Without a
 * name the VM must have exactly one adapter.
 *
 * Returns: (transfer full): the adapter, or %NULL with %VMNET_ERROR_NOT_FOUND
 *   (no such adapter) or %VMNET_ERROR_INVALID_ARGUMENT (several adapters and no name)
 *
 * Since: 0.1
 */
VmnetNetworkAdapter *
vmnet_vm_find_network_adapter (VmnetVm      *self,
                               const gchar  *name,
                               GError      **error)
{
  GListModel *list;
  guint n;

  g_return_val_if_fail (VMNET_IS_VM (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  list = G_LIST_MODEL (self->adapters);
  n = g_list_model_get_n_items (list);
  if (!name)
    {
      if (n == 1)
        return g_list_model_get_item (list, 0);
      if (n == 0)
        g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                     "VM '%s' has no network adapter", self->info->name);
      else
        g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                     "VM '%s' has %u network adapters: name one", self->info->name, n);
      return NULL;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VmnetNetworkAdapter) adapter = g_list_model_get_item (list, i);
      const VmnetAdapterInfo *a = vmnet_network_adapter_get_info (adapter);
      if (g_strcmp0 (a->name, name) == 0 ||
          (a->mac_address && g_ascii_strcasecmp (a->mac_address, name) == 0))
        return g_steal_pointer (&adapter);
    }
  /* Hyper-V's names are case-insensitive: accept a unique match in another case. */
  {
    VmnetNetworkAdapter *folded = NULL;
    guint n_folded = 0;
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(VmnetNetworkAdapter) adapter = g_list_model_get_item (list, i);
        if (g_ascii_strcasecmp (vmnet_network_adapter_get_info (adapter)->name, name) == 0 &&
            n_folded++ == 0)
          folded = g_steal_pointer (&adapter);
      }
    if (n_folded == 1)
      return folded;
    g_clear_object (&folded);
  }
  g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
               "VM '%s' has no network adapter '%s'", self->info->name, name);
  return NULL;
}

/**
 * vmnet_vm_get_scope:
 * @self: a #VmnetVm
 *
 * Gets [property@Vmnet.Vm:scope].
 *
 * Returns: the scope named in the VM's metadata, %VMNET_AUTH_DEFAULT_SCOPE
 *   when none is; not the one that decides access
 *   (vmnet_auth_store_get_vm_scope())
 *
 * Since: 0.1
 */
const gchar *
vmnet_vm_get_scope (VmnetVm *self)
{
  g_return_val_if_fail (VMNET_IS_VM (self), NULL);
  return self->info->scope ? self->info->scope : "default";
}
