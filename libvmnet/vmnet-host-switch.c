/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Virtual switches (New-/Remove-VMSwitch) and NumVFs of SR-IOV adapters. */
#include "config.h"

#include <string.h>

#include "vmnet-host-private.h"
#include "vmnet-error.h"
#include "vmnet-object-private.h"
#include "linux/vmnet-linux-private.h"

typedef struct {
  gchar    *name;
  gchar    *net_adapter;
  gchar    *bridge;
  gchar    *pool_pf;
  gchar    *pool_name;     /* remove: the switch's pool, if any */
  gboolean  force;         /* remove: even while VM adapters use it */
} SwitchData;

static void
switch_data_free (SwitchData *data)
{
  g_free (data->name);
  g_free (data->net_adapter);
  g_free (data->bridge);
  g_free (data->pool_pf);
  g_free (data->pool_name);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SwitchData, switch_data_free)

static gboolean
new_switch_change (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  SwitchData *data = user_data;
  g_autofree gchar *pool_name = g_strconcat (data->name, VMNET_IOV_POOL_SUFFIX, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  /* Asked of libvirt itself: another client may have made one since the last read. */
  if (vmnet_libvirt_conn_network_exists (self->conn, data->name) || (data->pool_pf && vmnet_libvirt_conn_network_exists (self->conn, pool_name)))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS,
                   "a virtual switch (libvirt network) named '%s' exists already on host '%s'",
                   vmnet_libvirt_conn_network_exists (self->conn, data->name) ? data->name : pool_name, vmnet_host_label (self));
      return FALSE;
    }
  if (!vmnet_libvirt_conn_create_switch (self->conn, data->name, data->net_adapter, data->bridge,
                                         data->pool_pf, error))
    {
      g_prefix_error (error, "switch '%s': ", data->name);
      return FALSE;
    }
  return TRUE;
}

static SwitchData *
prepare_new_switch (VmnetHost    *self,
                    const gchar  *name,
                    const gchar  *net_adapter,
                    const gchar  *bridge,
                    gboolean      enable_iov,
                    GError      **error)
{
  g_autoptr(SwitchData) data = g_new0 (SwitchData, 1);
  g_autoptr(VmnetSwitch) existing = NULL;

  if (!name || !*name || strchr (name, '/') || strlen (name) > 64 || !g_utf8_validate (name, -1, NULL) ||
      vmnet_text_first_unprintable (name))
    {
      /* A name that is no valid text is not shown back. */
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "switch name '%s' is not allowed: 1 to 64 bytes of UTF-8 text, no control characters "
                   "or line breaks, no '/'", name && g_utf8_validate (name, -1, NULL) && !vmnet_text_first_unprintable (name) ? name : "…");
      return NULL;
    }
  if (g_str_has_suffix (name, VMNET_IOV_POOL_SUFFIX))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "switch name '%s' is not allowed: names ending in '%s' are kept for VF pools",
                   name, VMNET_IOV_POOL_SUFFIX);
      return NULL;
    }
  if (!net_adapter && !bridge)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "switch '%s': give the physical adapter or the bridge it is bound to", name);
      return NULL;
    }
  if (enable_iov && !net_adapter)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "switch '%s': SR-IOV mode needs the physical adapter (PF) the VFs come from", name);
      return NULL;
    }
  existing = vmnet_host_find_switch (self, name, NULL);
  if (existing)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS,
                   "a virtual switch named '%s' exists already on host '%s'",
                   vmnet_switch_get_name (existing), vmnet_host_label (self));
      return NULL;
    }
  if (enable_iov)
    {
      g_autoptr(VmnetNetAdapterSriov) pf = vmnet_host_find_net_adapter_sriov (self, net_adapter, NULL);
      if (!pf)
        {
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                       "switch '%s': adapter '%s' is not SR-IOV capable, so the switch cannot be in SR-IOV mode "
                       "(vmnet get-netadaptersriov lists the adapters that are)", name, net_adapter);
          return NULL;
        }
      data->pool_pf = g_strdup (vmnet_net_adapter_sriov_get_name (pf));
    }
  data->name = g_strdup (name);
  data->net_adapter = g_strdup (net_adapter);
  data->bridge = g_strdup (bridge);
  return g_steal_pointer (&data);
}

static gpointer
create_switch_result (VmnetHost *self, gpointer user_data, GError **error)
{
  return vmnet_host_find_switch (self, ((SwitchData *) user_data)->name, error);
}

/* The change as vmnetd makes it (Host.NewSwitch). */
static gboolean
new_switch_serve (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  SwitchData *data = user_data;

  return vmnet_host_service_call (self, NULL, NULL, "NewSwitch",
                                  g_variant_new ("(sssb)", data->name, data->net_adapter ? data->net_adapter : "",
                                                 data->bridge ? data->bridge : "", data->pool_pf != NULL),
                                  cancellable, error);
}

static const VmnetHostOp create_switch_op = { .change = new_switch_change, .serve = new_switch_serve,
                                              .result = create_switch_result };

/**
 * vmnet_host_create_switch:
 * @self: a #VmnetHost
 * @name: the switch name
 * @net_adapter: (nullable): the physical adapter to bind to (macvtap), or the PF
 *   of the VF pool when @bridge is given too
 * @bridge: (nullable): an existing host bridge to use as the software path
 * @enable_iov: create the switch in SR-IOV mode, with a VF pool on @net_adapter
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Creates an External switch, like `New-VMSwitch -NetAdapterName … -EnableIov`:
 * a libvirt network for the software path and, in SR-IOV mode, a companion
 * VF-pool network (`NAME-iov`, `<forward mode='hostdev'><pf dev='PF'/></forward>`),
 * both started and autostarted. SR-IOV mode cannot be changed later. On any
 * error nothing is left behind.
 *
 * A macvtap software path and a VF on the same PF both hold the adapter's MAC
 * in the PF's filter; prefer a bridge over the PF (@bridge) where both are used.
 *
 * Returns: (transfer full): the new switch, or %NULL with %VMNET_ERROR_ALREADY_EXISTS,
 *   %VMNET_ERROR_NOT_SUPPORTED (the adapter cannot do SR-IOV) or %VMNET_ERROR_INVALID_ARGUMENT
 *
 * Since: 0.1
 */
VmnetSwitch *
vmnet_host_create_switch (VmnetHost     *self,
                          const gchar   *name,
                          const gchar   *net_adapter,
                          const gchar   *bridge,
                          gboolean       enable_iov,
                          GCancellable  *cancellable,
                          GError       **error)
{
  SwitchData *data;

  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = prepare_new_switch (self, name, net_adapter, bridge, enable_iov, error);
  if (!data)
    return NULL;
  return vmnet_host_run (self, &create_switch_op, data, (GDestroyNotify) switch_data_free, cancellable, error);
}

/**
 * vmnet_host_create_switch_async:
 * @self: a #VmnetHost
 * @name: the switch name
 * @net_adapter: (nullable): the physical adapter to bind to, or the PF of
 *   the VF pool when @bridge is given too
 * @bridge: (nullable): an existing host bridge to use as the software path
 * @enable_iov: create the switch in SR-IOV mode
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_create_switch().
 *
 * Since: 0.1
 */
void
vmnet_host_create_switch_async (VmnetHost           *self,
                                const gchar         *name,
                                const gchar         *net_adapter,
                                const gchar         *bridge,
                                gboolean             enable_iov,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GError *error = NULL;
  SwitchData *data;

  g_return_if_fail (VMNET_IS_HOST (self));

  data = prepare_new_switch (self, name, net_adapter, bridge, enable_iov, &error);
  vmnet_host_run_async (self, &create_switch_op, data, (GDestroyNotify) switch_data_free, error,
                        vmnet_host_create_switch_async, cancellable, callback, user_data);
}

/**
 * vmnet_host_create_switch_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_create_switch_async().
 *
 * Returns: (transfer full): the new switch, or %NULL with @error set
 *
 * Since: 0.1
 */
VmnetSwitch *
vmnet_host_create_switch_finish (VmnetHost     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return vmnet_host_run_finish (self, result, vmnet_host_create_switch_async, error);
}

static gboolean
remove_switch_change (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  SwitchData *data = user_data;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!vmnet_libvirt_conn_remove_switch (self->conn, data->name, data->pool_name, error))
    {
      g_prefix_error (error, "switch '%s': ", data->name);
      return FALSE;
    }
  return TRUE;
}

/* The change as vmnetd makes it (Switch.Remove): it checks again for users
 * this caller may not see. */
static gboolean
remove_switch_serve (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  SwitchData *data = user_data;

  return vmnet_host_service_call (self, "Switch", data->name, "Remove", g_variant_new ("(b)", data->force),
                                  cancellable, error);
}

static const VmnetHostOp remove_switch_op = { .change = remove_switch_change, .serve = remove_switch_serve };

/* Refuses while VM adapters use the switch, unless forced. */
static SwitchData *
prepare_remove_switch (VmnetHost *self, VmnetSwitch *sw, gboolean force, GError **error)
{
  g_autoptr(SwitchData) data = g_new0 (SwitchData, 1);
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_free);
  GListModel *adapters;

  adapters = G_LIST_MODEL (self->adapters);
  for (guint i = 0; i < g_list_model_get_n_items (adapters); i++)
    {
      g_autoptr(VmnetNetworkAdapter) a = g_list_model_get_item (adapters, i);
      const gchar *vm = vmnet_network_adapter_get_vm_name (a);
      if (g_strcmp0 (vmnet_network_adapter_get_switch_name (a), vmnet_switch_get_name (sw)) != 0)
        continue;
      if (!g_ptr_array_find_with_equal_func (users, vm, g_str_equal, NULL))
        g_ptr_array_add (users, g_strdup (vm));
    }
  if (users->len > 0 && !force)
    {
      g_autofree gchar *joined = NULL;
      g_ptr_array_add (users, NULL);
      joined = g_strjoinv (", ", (gchar **) users->pdata);
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_BUSY,
                   "switch '%s' is in use by VMs %s: disconnect their adapters first, or force the removal",
                   vmnet_switch_get_name (sw), joined);
      return NULL;
    }

  data->name = g_strdup (vmnet_switch_get_name (sw));
  data->force = force;
  data->pool_name = g_strdup (vmnet_switch_get_iov_pool_name (sw));
  return g_steal_pointer (&data);
}


/**
 * vmnet_host_remove_switch:
 * @self: a #VmnetHost
 * @sw: one of the host's switches
 * @force: remove it even while VM adapters are connected to it
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Removes a switch and its VF pool, like `Remove-VMSwitch`. While VM adapters
 * are connected to it this fails with %VMNET_ERROR_BUSY naming the VMs,
 * unless @force is given: then their adapters stay defined but lose the network.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_remove_switch (VmnetHost     *self,
                          VmnetSwitch   *sw,
                          gboolean       force,
                          GCancellable  *cancellable,
                          GError       **error)
{
  SwitchData *data;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_SWITCH (sw), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = prepare_remove_switch (self, sw, force, error);
  if (!data)
    return FALSE;
  return vmnet_host_run_boolean (self, &remove_switch_op, data, (GDestroyNotify) switch_data_free, cancellable,
                                 error);
}

/**
 * vmnet_host_remove_switch_async:
 * @self: a #VmnetHost
 * @sw: one of the host's switches
 * @force: remove it even while VM adapters are connected to it
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_remove_switch().
 *
 * Since: 0.1
 */
void
vmnet_host_remove_switch_async (VmnetHost           *self,
                                VmnetSwitch         *sw,
                                gboolean             force,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GError *error = NULL;
  SwitchData *data;

  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (VMNET_IS_SWITCH (sw));

  data = prepare_remove_switch (self, sw, force, &error);
  vmnet_host_run_async (self, &remove_switch_op, data, (GDestroyNotify) switch_data_free, error,
                        vmnet_host_remove_switch_async, cancellable, callback, user_data);
}

/**
 * vmnet_host_remove_switch_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_remove_switch_async().
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_remove_switch_finish (VmnetHost     *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return vmnet_host_run_finish_boolean (self, result, vmnet_host_remove_switch_async, error);
}

typedef struct {
  gchar *pci_address;
  gchar *name;
  gint   num_vfs;
  gint   previous;
} NumVfsData;

static void
num_vfs_data_free (NumVfsData *data)
{
  g_free (data->pci_address);
  g_free (data->name);
  g_free (data);
}

static gboolean
num_vfs_change (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  NumVfsData *data = user_data;
  const gchar *root = self->host_root ? self->host_root : "/";
  g_autoptr(GPtrArray) config = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GError) undo = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  /* A file that cannot be read or kept stops the change before sysfs is touched. */
  config = vmnet_sriov_config_load (root, error);
  if (!config)
    return FALSE;
  if (!vmnet_sysfs_set_num_vfs (root, data->pci_address, data->name, data->num_vfs, error))
    return FALSE;
  /* The lasting count follows the one the kernel took; if it cannot be
   * recorded, the adapter goes back to the count it had. */
  if (vmnet_sriov_config_store (root, data->pci_address, data->name, data->num_vfs, &local))
    return TRUE;
  if (data->previous >= 0 && !vmnet_sysfs_set_num_vfs (root, data->pci_address, data->name, data->previous, &undo))
    g_prefix_error (&local, "restoring NumVFs %d failed too (%s); ", data->previous, undo->message);
  g_propagate_prefixed_error (error, g_steal_pointer (&local),
                              "adapter '%s': NumVFs %d was not kept, so the adapter has %d again: ", data->name,
                              data->num_vfs, data->previous);
  return FALSE;
}

/* The change as vmnetd makes it (NetAdapterSriov.SetNumVFs). */
static gboolean
num_vfs_serve (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  NumVfsData *data = user_data;

  return vmnet_host_service_call (self, "NetAdapterSriov", data->pci_address, "SetNumVFs",
                                  g_variant_new ("(u)", (guint32) data->num_vfs), cancellable, error);
}

static const VmnetHostOp num_vfs_op = { .change = num_vfs_change, .serve = num_vfs_serve };

/* The range, a host-local connection, and no VF in use. */
static NumVfsData *
prepare_num_vfs (VmnetHost *self, VmnetNetAdapterSriov *adapter, gint num_vfs, GError **error)
{
  const VmnetPfInfo *pf;
  g_autoptr(GPtrArray) users = g_ptr_array_new ();
  GListModel *vfs;
  NumVfsData *data;

  pf = vmnet_net_adapter_sriov_get_info (adapter);
  if (num_vfs < 0 || (pf->max_vfs >= 0 && num_vfs > pf->max_vfs))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "adapter '%s': NumVFs %d is out of range: allowed 0 to %d", pf->name, num_vfs, pf->max_vfs);
      return NULL;
    }
  if (!vmnet_host_is_local (self, self->conn))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_REMOTE_UNSUPPORTED,
                   "adapter '%s': NumVFs can only be changed on the host itself, not through '%s'",
                   pf->name, vmnet_host_label (self));
      return NULL;
    }
  /* The VF records now live in the adapter's VF objects. */
  vfs = vmnet_net_adapter_sriov_get_virtual_functions (adapter);
  for (guint i = 0; i < g_list_model_get_n_items (vfs); i++)
    {
      g_autoptr(VmnetVirtualFunction) vf = g_list_model_get_item (vfs, i);
      const gchar *vm = vmnet_virtual_function_get_vm_name (vf);
      if (vm && !g_ptr_array_find_with_equal_func (users, vm, g_str_equal, NULL))
        g_ptr_array_add (users, (gpointer) vm);
    }
  if (users->len > 0 || pf->allocated_vfs > 0)
    {
      g_autofree gchar *joined = NULL;
      g_ptr_array_add (users, NULL);
      joined = g_strjoinv (", ", (gchar **) users->pdata);
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_BUSY,
                   "adapter '%s': %d VF(s) are in use%s%s: give them back first (IovWeight 0 or stop the VMs)",
                   pf->name, pf->allocated_vfs, users->len > 1 ? " by VMs " : "", joined);
      return NULL;
    }
  data = g_new0 (NumVfsData, 1);
  data->pci_address = g_strdup (pf->pci_address);
  data->name = g_strdup (pf->name);
  data->num_vfs = num_vfs;
  data->previous = pf->num_vfs;
  return data;
}

/**
 * vmnet_host_set_net_adapter_sriov_num_vfs:
 * @self: a #VmnetHost
 * @adapter: one of the host's SR-IOV adapters
 * @num_vfs: the VFs to enable, 0 to turn them off
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Sets NumVFs, like `Set-NetAdapterSriov -NumVFs`: writes `sriov_numvfs`
 * (0 first, then @num_vfs), records the count in `/etc/vmnet/sriov.conf` (see
 * [property@Vmnet.NetAdapterSriov:configured-num-vfs]; 0 is recorded too),
 * then reads the host again. The file is written only once the kernel took
 * the count; when it cannot be written the adapter gets its previous count
 * back and this fails. A malformed file fails with
 * %VMNET_ERROR_INVALID_DATA before anything changes. Only on the host itself
 * (%VMNET_ERROR_REMOTE_UNSUPPORTED otherwise). More than the adapter's maximum
 * is %VMNET_ERROR_INVALID_ARGUMENT. While any VF is assigned to a running VM
 * this fails with %VMNET_ERROR_BUSY naming the VMs and changes nothing: the
 * kernel itself would pull the device from under them.
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_set_net_adapter_sriov_num_vfs (VmnetHost            *self,
                                          VmnetNetAdapterSriov *adapter,
                                          gint                  num_vfs,
                                          GCancellable         *cancellable,
                                          GError              **error)
{
  NumVfsData *data;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (adapter), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = prepare_num_vfs (self, adapter, num_vfs, error);
  if (!data)
    return FALSE;
  return vmnet_host_run_boolean (self, &num_vfs_op, data, (GDestroyNotify) num_vfs_data_free, cancellable, error);
}

/**
 * vmnet_host_set_net_adapter_sriov_num_vfs_async:
 * @self: a #VmnetHost
 * @adapter: one of the host's SR-IOV adapters
 * @num_vfs: the VFs to enable, 0 to turn them off
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_set_net_adapter_sriov_num_vfs().
 *
 * Since: 0.1
 */
void
vmnet_host_set_net_adapter_sriov_num_vfs_async (VmnetHost            *self,
                                                VmnetNetAdapterSriov *adapter,
                                                gint                  num_vfs,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data)
{
  GError *error = NULL;
  NumVfsData *data;

  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (VMNET_IS_NET_ADAPTER_SRIOV (adapter));

  data = prepare_num_vfs (self, adapter, num_vfs, &error);
  vmnet_host_run_async (self, &num_vfs_op, data, (GDestroyNotify) num_vfs_data_free, error,
                        vmnet_host_set_net_adapter_sriov_num_vfs_async, cancellable, callback, user_data);
}

/**
 * vmnet_host_set_net_adapter_sriov_num_vfs_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_set_net_adapter_sriov_num_vfs_async().
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_set_net_adapter_sriov_num_vfs_finish (VmnetHost     *self,
                                                 GAsyncResult  *result,
                                                 GError       **error)
{
  return vmnet_host_run_finish_boolean (self, result, vmnet_host_set_net_adapter_sriov_num_vfs_async, error);
}
