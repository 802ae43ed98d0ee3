/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VM state changes that need hardware state saved (save, migration): the
 * VFs go out first and come back afterwards, as Hyper-V does. */
#include "config.h"

#include "vmnet-host-private.h"
#include "vmnet-error.h"
#include "vmnet-object-private.h"

/* Unplugs every VF of @vm (the detach waits for the guest to let go); if
 * one is still there, the others come back: a VM holding a VF cannot be
 * saved or moved. */
static gboolean
detach_vfs (VmnetHost *self, VmnetVm *vm, GCancellable *cancellable, GError **error)
{
  GListModel *adapters = vmnet_vm_get_network_adapters (vm);
  VmnetLibvirtConn *conn = vmnet_host_get_libvirt_conn (self);
  guint detached = 0;

  for (guint i = 0; i < g_list_model_get_n_items (adapters); i++)
    {
      g_autoptr(VmnetNetworkAdapter) adapter = g_list_model_get_item (adapters, i);
      const VmnetAdapterInfo *a = vmnet_network_adapter_get_info (adapter);

      if (!a->iov_usage || !a->vf_alias)
        continue;
      if (!vmnet_libvirt_conn_detach_vf (conn, a->vm_uuid, a->vf_alias, error) ||
          !vmnet_libvirt_conn_wait_device_gone (conn, a->vm_uuid, a->vf_alias, 0, error))
        {
          g_prefix_error (error, "VM '%s' adapter '%s': ", a->vm_name, a->name);
          if (detached)
            {
              vmnet_host_resources_changed (self);
              vmnet_host_reconcile (self, vm, cancellable, NULL);
            }
          return FALSE;
        }
      detached++;
    }
  return TRUE;
}

/* The host read again, and the VM with this UUID as it is now. */
static VmnetVm *
refreshed_vm (VmnetHost *self, const gchar *uuid, GCancellable *cancellable, GError **error)
{
  VmnetVm *vm;

  if (!vmnet_host_refresh (self, cancellable, error))
    return NULL;
  vm = vmnet_host_find_vm (self, uuid, NULL);
  if (!vm)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "VM %s is gone", uuid);
  return vm;
}

/**
 * vmnet_host_save_vm:
 * @self: a #VmnetHost
 * @vm: a running VM of @self
 * @path: (nullable) (type filename): the file to save to, or %NULL for
 *   libvirt's managed save (restored by vmnet_host_start_vm())
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Saves a VM's memory and stops it, like `Save-VM`. Its VFs are unplugged
 * first (the guest carries on over virtio): a VM holding a VF cannot be
 * saved. If saving fails, the VFs come back.
 *
 * Returns: %TRUE when the VM is saved
 *
 * Since: 0.1
 */
gboolean
vmnet_host_save_vm (VmnetHost     *self,
                    VmnetVm       *vm,
                    const gchar   *path,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree gchar *uuid = NULL;
  g_autoptr(VmnetVm) current = NULL;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  uuid = g_strdup (vmnet_vm_get_uuid (vm));
  current = refreshed_vm (self, uuid, cancellable, error);
  if (!current)
    return FALSE;
  if (!detach_vfs (self, current, cancellable, error))
    return FALSE;
  if (!vmnet_libvirt_conn_save_vm (vmnet_host_get_libvirt_conn (self), uuid, path, error))
    {
      g_prefix_error (error, "VM '%s': ", vmnet_vm_get_name (current));
      vmnet_host_resources_changed (self);
      vmnet_host_reconcile (self, current, cancellable, NULL);
      return FALSE;
    }
  vmnet_host_resources_changed (self);
  return vmnet_host_refresh (self, cancellable, error);
}

/* After a VM came back: its adapters get VFs if any are free. */
static VmnetVm *
give_back (VmnetHost *self, const gchar *uuid, GCancellable *cancellable, GError **error)
{
  g_autoptr(VmnetVm) vm = refreshed_vm (self, uuid, cancellable, error);

  if (!vm)
    return NULL;
  if (!vmnet_host_reconcile (self, vm, cancellable, error))
    return NULL;
  return g_steal_pointer (&vm);
}

/**
 * vmnet_host_restore_vm:
 * @self: a #VmnetHost
 * @path: (type filename): a file written by vmnet_host_save_vm()
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Restores a saved VM; then its adapters get VFs again where VFs are free
 * (vmnet_host_reconcile() for this VM).
 *
 * Returns: (transfer full): the restored VM, or %NULL with @error set
 *
 * Since: 0.1
 */
VmnetVm *
vmnet_host_restore_vm (VmnetHost     *self,
                       const gchar   *path,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autofree gchar *uuid = NULL;

  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uuid = vmnet_libvirt_conn_restore_vm (vmnet_host_get_libvirt_conn (self), path, error);
  if (!uuid)
    return NULL;
  return give_back (self, uuid, cancellable, error);
}

/**
 * vmnet_host_start_vm:
 * @self: a #VmnetHost
 * @vm: a VM of @self that is not running
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Starts a VM (from its managed save, if it has one, like `Start-VM`); then
 * its adapters get VFs where VFs are free.
 *
 * Returns: %TRUE when the VM runs
 *
 * Since: 0.1
 */
gboolean
vmnet_host_start_vm (VmnetHost     *self,
                     VmnetVm       *vm,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autofree gchar *uuid = NULL;
  g_autoptr(VmnetVm) started = NULL;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  uuid = g_strdup (vmnet_vm_get_uuid (vm));
  if (!vmnet_libvirt_conn_start_vm (vmnet_host_get_libvirt_conn (self), uuid, error))
    {
      g_prefix_error (error, "VM '%s': ", vmnet_vm_get_name (vm));
      return FALSE;
    }
  started = give_back (self, uuid, cancellable, error);
  return started != NULL;
}

/* Free VFs on the destination's switches that @vm's adapters use. */
static gint
destination_free_vfs (VmnetHost *destination, GPtrArray *switches)
{
  gint free = 0;

  for (guint i = 0; i < switches->len; i++)
    {
      g_autoptr(VmnetSwitch) sw = vmnet_host_find_switch (destination, g_ptr_array_index (switches, i), NULL);
      const VmnetSwitchInfo *info = sw ? vmnet_switch_get_info (sw) : NULL;

      if (!info || !info->iov_enabled)
        continue;
      if (info->iov_virtual_function_count == 0 && !info->adapter_sriov_capable)
        return -1;
      free += MAX (info->iov_virtual_function_count - info->iov_virtual_functions_in_use, 0);
    }
  return free;
}

/**
 * vmnet_host_compare_vm:
 * @self: a #VmnetHost
 * @vm: a VM of @self
 * @destination: the host to move it to
 * @free_vfs: (out) (optional): how many VFs the destination's switches
 *   (those @vm's adapters use) have free; -1 if the destination cannot tell
 * @error: return location for a #GError
 *
 * The pre-flight of vmnet_host_move_vm(), like `Compare-VM`: fails with
 * %VMNET_ERROR_NOT_FOUND naming the switch when the destination lacks one
 * of @vm's switches, and with %VMNET_ERROR_ALREADY_EXISTS when it already
 * has a VM of that name. Changes nothing.
 *
 * Returns: %TRUE when @vm can move to @destination
 *
 * Since: 0.1
 */
gboolean
vmnet_host_compare_vm (VmnetHost  *self,
                       VmnetVm    *vm,
                       VmnetHost  *destination,
                       gint       *free_vfs,
                       GError    **error)
{
  GListModel *adapters;
  g_autoptr(GPtrArray) switches = g_ptr_array_new ();
  g_autoptr(VmnetVm) clash = NULL;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (VMNET_IS_HOST (destination), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  adapters = vmnet_vm_get_network_adapters (vm);
  for (guint i = 0; i < g_list_model_get_n_items (adapters); i++)
    {
      g_autoptr(VmnetNetworkAdapter) adapter = g_list_model_get_item (adapters, i);
      const gchar *name = vmnet_network_adapter_get_switch_name (adapter);
      g_autoptr(VmnetSwitch) there = NULL;

      if (!name)
        continue;
      there = vmnet_host_find_switch (destination, name, NULL);
      if (!there)
        {
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                       "VM '%s' cannot move to '%s': it has no switch '%s' (used by adapter '%s'); "
                       "create it there first (vmnet -c %s new-vmswitch --name %s …)",
                       vmnet_vm_get_name (vm), vmnet_host_get_uri (destination), name,
                       vmnet_network_adapter_get_name (adapter), vmnet_host_get_uri (destination), name);
          return FALSE;
        }
      g_ptr_array_add (switches, (gpointer) name);
    }
  clash = vmnet_host_find_vm (destination, vmnet_vm_get_name (vm), NULL);
  if (clash)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS,
                   "VM '%s' cannot move to '%s': a VM of that name is there already",
                   vmnet_vm_get_name (vm), vmnet_host_get_uri (destination));
      return FALSE;
    }
  if (free_vfs)
    *free_vfs = destination_free_vfs (destination, switches);
  return TRUE;
}

typedef struct {
  VmnetLibvirtConn *source;
  VmnetLibvirtConn *dest;
  gchar            *uuid;
  const gchar      *migrate_uri;
  gboolean          live;
  gboolean          offline;
  GError           *error;
  gint              done;
} Migration;

static gpointer
migrate_thread (gpointer user_data)
{
  Migration *m = user_data;

  vmnet_libvirt_conn_migrate_vm (m->source, m->dest, m->uuid, m->migrate_uri, m->live, m->offline, &m->error);
  g_atomic_int_set (&m->done, 1);
  return NULL;
}

static void
report (VmnetMoveProgressFunc progress, gpointer user_data, VmnetMovePhase phase, guint64 processed, guint64 total)
{
  if (progress)
    progress (phase, processed, total, user_data);
}

/**
 * vmnet_host_move_vm:
 * @self: a #VmnetHost
 * @vm: a VM of @self
 * @destination_uri: the libvirt URI of the destination host
 * @migrate_uri: (nullable): where QEMU sends the migration stream
 *   (libvirt's migrateuri, e.g. `tcp://host:49152` or `unix:///path`), or
 *   %NULL for libvirt's choice
 * @flags: #VmnetMoveFlags
 * @progress: (scope call) (nullable): told of each phase and of the
 *   migration's progress
 * @user_data: (closure progress): data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Moves a VM to another host, like `Move-VM`. First the pre-flight
 * (vmnet_host_compare_vm()): if the destination lacks a switch, nothing is
 * touched. Then the VM's VFs are unplugged (the virtio path carries the
 * traffic), libvirt migrates it (managed direct migration: this process
 * talks to both daemons; the VM becomes persistent on the destination and
 * leaves the source), and on the destination its adapters get VFs where VFs
 * are free. If the migration fails, the VFs go back on the source.
 *
 * A VM that is not running moves as its definition only.
 *
 * Returns: %TRUE when the VM is on the destination
 *
 * Since: 0.1
 */
gboolean
vmnet_host_move_vm (VmnetHost             *self,
                    VmnetVm               *vm,
                    const gchar           *destination_uri,
                    const gchar           *migrate_uri,
                    VmnetMoveFlags         flags,
                    VmnetMoveProgressFunc  progress,
                    gpointer               user_data,
                    GCancellable          *cancellable,
                    GError               **error)
{
  g_autoptr(VmnetHost) destination = NULL;
  g_autoptr(VmnetVm) arrived = NULL;
  Migration m = { 0 };
  GThread *thread;
  VmnetVmState state;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (destination_uri != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  report (progress, user_data, VMNET_MOVE_PHASE_PREFLIGHT, 0, 0);
  destination = vmnet_host_new_for_uri (destination_uri, cancellable, error);
  if (!destination)
    {
      g_prefix_error (error, "VM '%s' cannot move: ", vmnet_vm_get_name (vm));
      return FALSE;
    }
  if (!vmnet_host_compare_vm (self, vm, destination, NULL, error))
    return FALSE;

  m.uuid = g_strdup (vmnet_vm_get_uuid (vm));
  state = vmnet_vm_get_state (vm);
  m.offline = state != VMNET_VM_STATE_RUNNING && state != VMNET_VM_STATE_PAUSED;
  if (!m.offline)
    {
      report (progress, user_data, VMNET_MOVE_PHASE_DETACH, 0, 0);
      if (!detach_vfs (self, vm, cancellable, error))
        {
          g_free (m.uuid);
          return FALSE;
        }
    }

  report (progress, user_data, VMNET_MOVE_PHASE_MIGRATE, 0, 0);
  m.source = vmnet_host_get_libvirt_conn (self);
  m.dest = vmnet_host_get_libvirt_conn (destination);
  m.migrate_uri = migrate_uri;
  m.live = (flags & VMNET_MOVE_FLAGS_LIVE) != 0;
  thread = g_thread_new ("vmnet-migrate", migrate_thread, &m);
  while (!g_atomic_int_get (&m.done))
    {
      guint64 processed, total;

      g_usleep (200 * 1000);
      if (!g_atomic_int_get (&m.done) && vmnet_libvirt_conn_job_progress (m.source, m.uuid, &processed, &total))
        report (progress, user_data, VMNET_MOVE_PHASE_MIGRATE, processed, total);
    }
  g_thread_join (thread);

  if (m.error)
    {
      g_propagate_prefixed_error (error, m.error, "VM '%s': ", vmnet_vm_get_name (vm));
      if (!m.offline)
        {
          report (progress, user_data, VMNET_MOVE_PHASE_ROLLBACK, 0, 0);
          vmnet_host_resources_changed (self);
          g_clear_object (&arrived);
          arrived = give_back (self, m.uuid, cancellable, NULL);
        }
      g_free (m.uuid);
      return FALSE;
    }

  if (!m.offline)
    {
      report (progress, user_data, VMNET_MOVE_PHASE_ATTACH, 0, 0);
      arrived = give_back (destination, m.uuid, cancellable, NULL);
    }
  vmnet_host_resources_changed (self);
  g_free (m.uuid);
  report (progress, user_data, VMNET_MOVE_PHASE_DONE, 0, 0);
  return vmnet_host_refresh (self, cancellable, error);
}

/**
 * vmnet_host_checkpoint_vm:
 * @self: a #VmnetHost
 * @vm: a running VM of @self
 * @name: the checkpoint's name
 * @memory_file: (nullable) (type filename): where to write the VM's memory
 *   (an external memory snapshot), or %NULL for libvirt's internal snapshot
 *   (which needs qcow2 disks)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Takes a checkpoint with the VM's memory, like `Checkpoint-VM`. Its VFs are
 * unplugged first (their state cannot be saved) and given back afterwards,
 * whether the checkpoint worked or not; the VM keeps running.
 *
 * Returns: %TRUE when the checkpoint was taken
 *
 * Since: 0.1
 */
gboolean
vmnet_host_checkpoint_vm (VmnetHost     *self,
                          VmnetVm       *vm,
                          const gchar   *name,
                          const gchar   *memory_file,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autofree gchar *uuid = NULL;
  g_autoptr(VmnetVm) current = NULL;
  g_autoptr(VmnetVm) back = NULL;
  gboolean ok;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!*name)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "VM '%s': a checkpoint needs a name", vmnet_vm_get_name (vm));
      return FALSE;
    }
  uuid = g_strdup (vmnet_vm_get_uuid (vm));
  current = refreshed_vm (self, uuid, cancellable, error);
  if (!current)
    return FALSE;
  if (!detach_vfs (self, current, cancellable, error))
    return FALSE;
  ok = vmnet_libvirt_conn_checkpoint_vm (vmnet_host_get_libvirt_conn (self), uuid, name, memory_file, error);
  if (!ok)
    g_prefix_error (error, "VM '%s': ", vmnet_vm_get_name (current));
  vmnet_host_resources_changed (self);
  back = give_back (self, uuid, cancellable, ok ? error : NULL);
  return ok && back != NULL;
}
