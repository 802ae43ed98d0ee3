/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VmnetNetAdapterSriov: an SR-IOV physical adapter and its VFs. */
#include "config.h"

#include "vmnet-enum-types.h"
#include "vmnet-object-private.h"
#include "vmnet-linux-private.h"
/**
 * VmnetNetAdapterSriov:
 *
 * An SR-IOV capable physical adapter (PF), as `Get-NetAdapterSriov` shows it:
 * from libvirt's node devices (`virt_functions`) and, on the host itself,
 * sysfs (`sriov_totalvfs`, `sriov_numvfs`).
 *
 * Its VFs are in the #GListModel of vmnet_net_adapter_sriov_get_virtual_functions().
 *
 * Since: 0.1
 */
struct _VmnetNetAdapterSriov {
  GObject parent_instance;
  const VmnetPfInfo *info;
  VmnetModel       *model;     /* holds info */
  GListStore  *vfs;
};

G_DEFINE_FINAL_TYPE (VmnetNetAdapterSriov, vmnet_net_adapter_sriov, G_TYPE_OBJECT)
enum {
  PROP_0,
  PROP_NAME,
  PROP_INTERFACE_DESCRIPTION,
  PROP_PCI_ADDRESS,
  PROP_DRIVER,
  PROP_LINK_SPEED,
  PROP_LINK_STATE,
  PROP_ENABLED,
  PROP_MAX_VFS,
  PROP_NUM_VFS,
  PROP_ALLOCATED_VFS,
  PROP_SWITCH_NAME,
  PROP_VIRTUAL_FUNCTIONS,
  PROP_CONFIGURED_NUM_VFS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static void
vmnet_net_adapter_sriov_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VmnetNetAdapterSriov *self = VMNET_NET_ADAPTER_SRIOV (object);
  const VmnetPfInfo *i = self->info;

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, i->name); break;
    case PROP_INTERFACE_DESCRIPTION: g_value_set_string (value, i->interface_description); break;
    case PROP_PCI_ADDRESS: g_value_set_string (value, i->pci_address); break;
    case PROP_DRIVER: g_value_set_string (value, i->driver); break;
    case PROP_LINK_SPEED: g_value_set_int64 (value, i->link_speed); break;
    case PROP_LINK_STATE: g_value_set_string (value, i->link_state); break;
    case PROP_ENABLED: g_value_set_boolean (value, i->enabled); break;
    case PROP_MAX_VFS: g_value_set_int (value, i->max_vfs); break;
    case PROP_NUM_VFS: g_value_set_int (value, i->num_vfs); break;
    case PROP_ALLOCATED_VFS: g_value_set_int (value, i->allocated_vfs); break;
    case PROP_SWITCH_NAME: g_value_set_string (value, i->switch_name); break;
    case PROP_VIRTUAL_FUNCTIONS: g_value_set_object (value, self->vfs); break;
    case PROP_CONFIGURED_NUM_VFS: g_value_set_int (value, i->configured_num_vfs); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_net_adapter_sriov_finalize (GObject *object)
{
  VmnetNetAdapterSriov *self = VMNET_NET_ADAPTER_SRIOV (object);

  g_clear_pointer (&self->model, vmnet_model_unref);
  g_clear_object (&self->vfs);
  G_OBJECT_CLASS (vmnet_net_adapter_sriov_parent_class)->finalize (object);
}

static void
vmnet_net_adapter_sriov_class_init (VmnetNetAdapterSriovClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vmnet_net_adapter_sriov_get_property;
  object_class->finalize = vmnet_net_adapter_sriov_finalize;

  /**
   * VmnetNetAdapterSriov:name:
   *
   * The adapter's network interface name (its PCI address when it has none).
   *
   * Since: 0.1
   */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  /**
   * VmnetNetAdapterSriov:interface-description:
   *
   * Vendor and product name, or %NULL when unknown.
   *
   * Since: 0.1
   */
  properties[PROP_INTERFACE_DESCRIPTION] = g_param_spec_string ("interface-description", NULL, NULL, NULL, flags);
  /**
   * VmnetNetAdapterSriov:pci-address:
   *
   * The PF's PCI address.
   *
   * Since: 0.1
   */
  properties[PROP_PCI_ADDRESS] = g_param_spec_string ("pci-address", NULL, NULL, NULL, flags);
  /**
   * VmnetNetAdapterSriov:driver:
   *
   * The PF's kernel driver, or %NULL when unknown.
   *
   * Since: 0.1
   */
  properties[PROP_DRIVER] = g_param_spec_string ("driver", NULL, NULL, NULL, flags);
  /**
   * VmnetNetAdapterSriov:link-speed:
   *
   * Link speed in bits per second, or -1 when unknown.
   *
   * Since: 0.1
   */
  properties[PROP_LINK_SPEED] = g_param_spec_int64 ("link-speed", NULL, NULL, -1, G_MAXINT64, -1, flags);
  /**
   * VmnetNetAdapterSriov:link-state:
   *
   * The link state (`up`, `down`, …), or %NULL when unknown.
   *
   * Since: 0.1
   */
  properties[PROP_LINK_STATE] = g_param_spec_string ("link-state", NULL, NULL, NULL, flags);
  /**
   * VmnetNetAdapterSriov:enabled:
   *
   * Whether VFs are enabled (NumVFs > 0).
   *
   * Since: 0.1
   */
  properties[PROP_ENABLED] = g_param_spec_boolean ("enabled", NULL, NULL, FALSE, flags);
  /**
   * VmnetNetAdapterSriov:max-vfs:
   *
   * The most VFs the adapter supports (`sriov_totalvfs`), or -1 when unknown.
   *
   * Since: 0.1
   */
  properties[PROP_MAX_VFS] = g_param_spec_int ("max-vfs", NULL, NULL, -1, G_MAXINT, -1, flags);
  /**
   * VmnetNetAdapterSriov:num-vfs:
   *
   * Hyper-V's `NumVFs`: VFs enabled now (`sriov_numvfs`).
   *
   * Since: 0.1
   */
  properties[PROP_NUM_VFS] = g_param_spec_int ("num-vfs", NULL, NULL, -1, G_MAXINT, -1, flags);
  /**
   * VmnetNetAdapterSriov:allocated-vfs:
   *
   * VFs assigned to running VMs.
   *
   * Since: 0.1
   */
  properties[PROP_ALLOCATED_VFS] = g_param_spec_int ("allocated-vfs", NULL, NULL, 0, G_MAXINT, 0, flags);
  /**
   * VmnetNetAdapterSriov:switch-name:
   *
   * The virtual switch bound to this adapter, or %NULL.
   *
   * Since: 0.1
   */
  properties[PROP_SWITCH_NAME] = g_param_spec_string ("switch-name", NULL, NULL, NULL, flags);
  /**
   * VmnetNetAdapterSriov:virtual-functions:
   *
   * The adapter's VFs, a #GListModel of #VmnetVirtualFunction in index order.
   *
   * Since: 0.1
   */
  properties[PROP_VIRTUAL_FUNCTIONS] = g_param_spec_object ("virtual-functions", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  /**
   * VmnetNetAdapterSriov:configured-num-vfs:
   *
   * The lasting `NumVFs`: the count that
   * vmnet_host_set_net_adapter_sriov_num_vfs() recorded in
   * `/etc/vmnet/sriov.conf` and that the host applies at boot
   * (vmnet_net_adapter_sriov_apply_configuration()), or -1 when none is
   * recorded or the host's files cannot be read (remote connection). When it
   * differs from [property@Vmnet.NetAdapterSriov:num-vfs] the adapter's count
   * was changed by another tool or the boot-time apply failed; the host's
   * checks say why.
   *
   * Since: 0.1
   */
  properties[PROP_CONFIGURED_NUM_VFS] = g_param_spec_int ("configured-num-vfs", NULL, NULL, -1, G_MAXINT, -1, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vmnet_net_adapter_sriov_init (VmnetNetAdapterSriov *self)
{
  self->vfs = g_list_store_new (VMNET_TYPE_VIRTUAL_FUNCTION);
}

static const gchar *
vf_info_key (gconstpointer info)
{
  return ((const VmnetVfInfo *) info)->pci_address;
}

static gpointer
vf_create (VmnetModel *model, gconstpointer info)
{
  return vmnet_virtual_function_new (model, info);
}

static void
vf_update (gpointer object, VmnetModel *model, gconstpointer info)
{
  vmnet_virtual_function_update (object, model, info);
}

static const VmnetListSyncFuncs vf_sync = { vf_info_key, vf_create, vf_update };

static void
sync_vfs (VmnetNetAdapterSriov *self, VmnetModel *model, const VmnetPfInfo *info)
{
  vmnet_list_store_sync (self->vfs, model, self->info ? self->info->vfs : NULL, info->vfs, &vf_sync);
}

VmnetNetAdapterSriov *
vmnet_net_adapter_sriov_new (VmnetModel *model, const VmnetPfInfo *info)
{
  VmnetNetAdapterSriov *self = g_object_new (VMNET_TYPE_NET_ADAPTER_SRIOV, NULL);
  sync_vfs (self, model, info);
  self->info = info;
  self->model = vmnet_model_ref (model);
  return self;
}

void
vmnet_net_adapter_sriov_update (VmnetNetAdapterSriov *self, VmnetModel *model, const VmnetPfInfo *info)
{
  sync_vfs (self, model, info);
  vmnet_object_replace_info (G_OBJECT (self), (gconstpointer *) &self->info, &self->model, info, model);
}

const VmnetPfInfo *
vmnet_net_adapter_sriov_get_info (VmnetNetAdapterSriov *self)
{
  return self->info;
}

/**
 * vmnet_net_adapter_sriov_get_name:
 * @self: a #VmnetNetAdapterSriov
 *
 * Gets [property@Vmnet.NetAdapterSriov:name].
 *
 * Returns: the adapter name
 *
 * Since: 0.1
 */
const gchar *
vmnet_net_adapter_sriov_get_name (VmnetNetAdapterSriov *self)
{
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (self), NULL);
  return self->info->name;
}

/**
 * vmnet_net_adapter_sriov_get_interface_description:
 * @self: a #VmnetNetAdapterSriov
 *
 * Gets [property@Vmnet.NetAdapterSriov:interface-description].
 *
 * Returns: (nullable): the description, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_net_adapter_sriov_get_interface_description (VmnetNetAdapterSriov *self)
{
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (self), NULL);
  return self->info->interface_description;
}

/**
 * vmnet_net_adapter_sriov_get_pci_address:
 * @self: a #VmnetNetAdapterSriov
 *
 * Gets [property@Vmnet.NetAdapterSriov:pci-address].
 *
 * Returns: the PCI address
 *
 * Since: 0.1
 */
const gchar *
vmnet_net_adapter_sriov_get_pci_address (VmnetNetAdapterSriov *self)
{
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (self), NULL);
  return self->info->pci_address;
}

/**
 * vmnet_net_adapter_sriov_get_driver:
 * @self: a #VmnetNetAdapterSriov
 *
 * Gets [property@Vmnet.NetAdapterSriov:driver].
 *
 * Returns: (nullable): the driver, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_net_adapter_sriov_get_driver (VmnetNetAdapterSriov *self)
{
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (self), NULL);
  return self->info->driver;
}

/**
 * vmnet_net_adapter_sriov_get_link_speed:
 * @self: a #VmnetNetAdapterSriov
 *
 * Gets [property@Vmnet.NetAdapterSriov:link-speed].
 *
 * Returns: the link speed, or -1
 *
 * Since: 0.1
 */
gint64
vmnet_net_adapter_sriov_get_link_speed (VmnetNetAdapterSriov *self)
{
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (self), -1);
  return self->info->link_speed;
}

/**
 * vmnet_net_adapter_sriov_get_link_state:
 * @self: a #VmnetNetAdapterSriov
 *
 * Gets [property@Vmnet.NetAdapterSriov:link-state].
 *
 * Returns: (nullable): the link state, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_net_adapter_sriov_get_link_state (VmnetNetAdapterSriov *self)
{
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (self), NULL);
  return self->info->link_state;
}

/**
 * vmnet_net_adapter_sriov_get_enabled:
 * @self: a #VmnetNetAdapterSriov
 *
 * Gets [property@Vmnet.NetAdapterSriov:enabled].
 *
 * Returns: %TRUE if VFs are enabled
 *
 * Since: 0.1
 */
gboolean
vmnet_net_adapter_sriov_get_enabled (VmnetNetAdapterSriov *self)
{
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (self), FALSE);
  return self->info->enabled;
}

/**
 * vmnet_net_adapter_sriov_get_max_vfs:
 * @self: a #VmnetNetAdapterSriov
 *
 * Gets [property@Vmnet.NetAdapterSriov:max-vfs].
 *
 * Returns: the maximum number of VFs
 *
 * Since: 0.1
 */
gint
vmnet_net_adapter_sriov_get_max_vfs (VmnetNetAdapterSriov *self)
{
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (self), -1);
  return self->info->max_vfs;
}

/**
 * vmnet_net_adapter_sriov_get_num_vfs:
 * @self: a #VmnetNetAdapterSriov
 *
 * Gets [property@Vmnet.NetAdapterSriov:num-vfs].
 *
 * Returns: the number of VFs enabled
 *
 * Since: 0.1
 */
gint
vmnet_net_adapter_sriov_get_num_vfs (VmnetNetAdapterSriov *self)
{
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (self), -1);
  return self->info->num_vfs;
}

/**
 * vmnet_net_adapter_sriov_get_allocated_vfs:
 * @self: a #VmnetNetAdapterSriov
 *
 * Gets [property@Vmnet.NetAdapterSriov:allocated-vfs].
 *
 * Returns: the number of VFs in use
 *
 * Since: 0.1
 */
gint
vmnet_net_adapter_sriov_get_allocated_vfs (VmnetNetAdapterSriov *self)
{
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (self), -1);
  return self->info->allocated_vfs;
}

/**
 * vmnet_net_adapter_sriov_get_switch_name:
 * @self: a #VmnetNetAdapterSriov
 *
 * Gets [property@Vmnet.NetAdapterSriov:switch-name].
 *
 * Returns: (nullable): the switch name, or %NULL
 *
 * Since: 0.1
 */
const gchar *
vmnet_net_adapter_sriov_get_switch_name (VmnetNetAdapterSriov *self)
{
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (self), NULL);
  return self->info->switch_name;
}

/**
 * vmnet_net_adapter_sriov_get_configured_num_vfs:
 * @self: a #VmnetNetAdapterSriov
 *
 * Gets [property@Vmnet.NetAdapterSriov:configured-num-vfs].
 *
 * Returns: the configured VF count, or -1 when none is configured
 *
 * Since: 0.1
 */
gint
vmnet_net_adapter_sriov_get_configured_num_vfs (VmnetNetAdapterSriov *self)
{
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (self), -1);
  return self->info->configured_num_vfs;
}

/**
 * vmnet_net_adapter_sriov_apply_configuration:
 * @host_root: (nullable) (type filename): where the host's files are, %NULL for `/`
 * @report: (out) (optional) (transfer full) (array zero-terminated=1): one line per configured adapter
 * @error: return location for a #GError
 *
 * Applies the configured `NumVFs` of every adapter in
 * `/etc/vmnet/sriov.conf` to `sriov_numvfs`, as the host does at boot before
 * libvirt starts (`vmnet apply-netadaptersriov --boot` from
 * `vmnet-sriov.service`). It needs no libvirt connection. An adapter is found
 * by its PCI address, or by its interface name when the address is gone. The
 * checks of vmnet_host_set_net_adapter_sriov_num_vfs() hold: a count above
 * the adapter's `sriov_totalvfs` is refused, and so is a change while a VF is
 * bound to vfio-pci (a VM has it); an adapter already at its count is left
 * alone. Each adapter's outcome is recorded in `/run/vmnet/sriov-boot.conf`,
 * where the host's checks read why an apply failed.
 *
 * Returns: %TRUE when every configured adapter has its count; %FALSE with
 *   the first failure's code and every failed adapter in the message
 *   (%VMNET_ERROR_INVALID_DATA naming the file and line when the file is
 *   malformed, and then nothing is changed)
 *
 * Since: 0.1
 */
gboolean
vmnet_net_adapter_sriov_apply_configuration (const gchar   *host_root,
                                             gchar       ***report,
                                             GError      **error)
{
  const gchar *root = host_root ? host_root : "/";
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GStrvBuilder) lines = g_strv_builder_new ();
  g_autoptr(GString) failures = NULL;
  gint code = -1;
  guint n_failed = 0;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  results = vmnet_sriov_config_apply (root, error);
  if (!results)
    return FALSE;
  for (guint i = 0; i < results->len; i++)
    {
      const VmnetSriovBootResult *r = g_ptr_array_index (results, i);
      g_autofree gchar *line = NULL;

      if (g_str_equal (r->status, "failed"))
        {
          line = g_strdup_printf ("%s %s: failed: %s", r->address, r->name ? r->name : "-", r->reason);
          if (code < 0)
            {
              code = r->code;
              failures = g_string_new (NULL);
            }
          g_string_append_printf (failures, "%s%s", n_failed ? "; " : "", r->reason);
          n_failed++;
        }
      else
        line = g_strdup_printf ("%s %s: NumVFs %d %s", r->address, r->name ? r->name : "-", r->configured,
                                r->status);
      g_strv_builder_add (lines, line);
    }
  if (report)
    *report = g_strv_builder_end (lines);
  if (n_failed > 0)
    {
      g_set_error (error, VMNET_ERROR, code, "%u of %u configured adapters did not get their NumVFs: %s",
                   n_failed, results->len, failures->str);
      return FALSE;
    }
  return TRUE;
}

/**
 * vmnet_net_adapter_sriov_get_virtual_functions:
 * @self: a #VmnetNetAdapterSriov
 *
 * The adapter's VFs. The list is owned by the adapter and kept up to date
 * by vmnet_host_refresh().
 *
 * Returns: (transfer none): a #GListModel of #VmnetVirtualFunction
 *
 * Since: 0.1
 */
GListModel *
vmnet_net_adapter_sriov_get_virtual_functions (VmnetNetAdapterSriov *self)
{
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (self), NULL);
  return G_LIST_MODEL (self->vfs);
}
