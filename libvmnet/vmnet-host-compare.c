/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The pre-flight of Move-VM, like Compare-VM: the destination's model
 * against the VM's adapters, as a compatibility report of errors (the move
 * cannot happen) and warnings (the VM moves, an adapter loses its VF). */
#include "config.h"

#include "vmnet-host-private.h"
#include "vmnet-host-compare-private.h"
#include "vmnet-diagnose-private.h"
#include "vmnet-error.h"

#define T_DEST_SWITCH  "Switch on the destination"
#define T_DEST_VM_NAME "VM name free on the destination"
#define T_IOV_MODE     "Destination switch in SR-IOV mode"
#define T_FREE_VFS     "Free VF on the destination"

static const VmnetSwitchInfo *
switch_named (const VmnetModel *model, const gchar *name)
{
  for (guint i = 0; i < model->switches->len; i++)
    {
      const VmnetSwitchInfo *sw = g_ptr_array_index (model->switches, i);
      if (g_strcmp0 (sw->name, name) == 0)
        return sw;
    }
  return NULL;
}

static gboolean
model_has_vm_named (const VmnetModel *model, const gchar *name)
{
  for (guint i = 0; i < model->vms->len; i++)
    if (g_strcmp0 (((const VmnetVmInfo *) g_ptr_array_index (model->vms, i))->name, name) == 0)
      return TRUE;
  return FALSE;
}

/* Free VFs on the destination's SR-IOV switches among @switches (names,
 * each once); -1 when libvirt cannot tell for one of them. */
static gint
free_vfs_of (const VmnetModel *destination, GPtrArray *switches)
{
  gint free = 0;

  for (guint i = 0; i < switches->len; i++)
    {
      const VmnetSwitchInfo *sw = switch_named (destination, g_ptr_array_index (switches, i));

      if (!sw || !sw->iov_enabled)
        continue;
      if (sw->iov_count_unknown)
        return -1;
      free += MAX (sw->iov_virtual_function_count - sw->iov_virtual_functions_in_use, 0);
    }
  return free;
}

static gboolean
contains_name (GPtrArray *names, const gchar *name)
{
  for (guint i = 0; i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), name))
      return TRUE;
  return FALSE;
}

/* What an adapter that asks for a VF finds on the destination's switch;
 * @wanting: the adapters before it on that switch that ask for one too. */
static void
check_vf (GPtrArray *report, const VmnetVmInfo *vm, const VmnetAdapterInfo *a, const VmnetSwitchInfo *sw,
          guint wanting, const gchar *uri)
{
  gint free;

  if (!sw->iov_enabled)
    {
      vmnet_diagnose_add (report, VMNET_IOV_CHECK_SWITCH_IOV_MODE, VMNET_CHECK_RESULT_WARN, T_IOV_MODE,
           g_strdup_printf ("Adapter '%s' of VM '%s' asks for a VF (IovWeight %u), but switch '%s' on '%s' is not "
                            "in SR-IOV mode: the VM moves and the adapter stays on its software path there.",
                            a->name, vm->name, a->iov_weight, sw->name, uri),
           g_strdup_printf ("SR-IOV mode is chosen when a switch is created: vmnet -c %s new-vmswitch --name NAME "
                            "--net-adapter PF --enable-iov, and connect the adapter to it", uri));
      return;
    }
  if (sw->iov_count_unknown)
    {
      vmnet_diagnose_add (report, VMNET_IOV_CHECK_SWITCH_FREE_VFS, VMNET_CHECK_RESULT_UNKNOWN, T_FREE_VFS,
           g_strdup_printf ("Not known whether switch '%s' on '%s' has a free VF for adapter '%s' of VM '%s': %s. "
                            "The VM moves; the adapter gets a VF there if one is free, else it stays on its "
                            "software path.", sw->name, uri, a->name, vm->name, sw->iov_count_unknown),
           sw->pool_active ? g_strdup_printf ("vmnet -c %s test-sriov shows what that host lacks", uri)
                           : g_strdup_printf ("virsh -c %s net-start %s", uri, sw->iov_pool_name));
      return;
    }
  if (sw->iov_virtual_function_count <= 0)
    {
      vmnet_diagnose_add (report, VMNET_IOV_CHECK_SWITCH_FREE_VFS, VMNET_CHECK_RESULT_WARN, T_FREE_VFS,
           g_strdup_printf ("Switch '%s' on '%s' has no VFs for adapter '%s' of VM '%s' (its adapter %s gives "
                            "none): the VM moves and the adapter stays on its software path there.",
                            sw->name, uri, a->name, vm->name, sw->iov_pf ? sw->iov_pf : "(none)"),
           g_strdup_printf ("vmnet -c %s test-sriov shows why", uri));
      return;
    }
  free = sw->iov_virtual_function_count - sw->iov_virtual_functions_in_use - (gint) wanting;
  if (free > 0)
    return;
  vmnet_diagnose_add (report, VMNET_IOV_CHECK_SWITCH_FREE_VFS, VMNET_CHECK_RESULT_WARN, T_FREE_VFS,
       g_strdup_printf ("Switch '%s' on '%s' has no free VF for adapter '%s' of VM '%s' (%d of %d in use%s): the VM "
                        "moves and the adapter stays on its software path there until a VF comes free.",
                        sw->name, uri, a->name, vm->name, sw->iov_virtual_functions_in_use,
                        sw->iov_virtual_function_count, wanting ? ", others of the VM's adapters ask too" : ""),
       g_strdup_printf ("Free a VF there (vmnet -c %s get-netadaptersriovvf shows who holds them) or enable more "
                        "(vmnet -c %s set-netadaptersriov %s --num-vfs N)", uri, uri,
                        sw->iov_pf ? sw->iov_pf : "PF"));
}

/* The compatibility report of moving @vm to @destination: FAIL entries
 * stop the move, WARN and UNKNOWN ones say what it loses. */
GPtrArray *
vmnet_compare_models (const VmnetVmInfo *vm, const VmnetModel *destination, const gchar *destination_uri,
                      gint *free_vfs)
{
  GPtrArray *report = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_iov_check_free);
  g_autoptr(GPtrArray) switches = g_ptr_array_new ();
  g_autoptr(GHashTable) wanting = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < vm->adapters->len; i++)
    {
      const VmnetAdapterInfo *a = g_ptr_array_index (vm->adapters, i);
      const VmnetSwitchInfo *sw;
      guint before;

      if (!a->switch_name)
        continue;
      sw = switch_named (destination, a->switch_name);
      if (!sw)
        {
          vmnet_diagnose_add (report, VMNET_IOV_CHECK_DESTINATION_SWITCH, VMNET_CHECK_RESULT_FAIL, T_DEST_SWITCH,
               g_strdup_printf ("VM '%s' cannot move to '%s': it has no switch '%s' (used by adapter '%s'); "
                                "create it there first (vmnet -c %s new-vmswitch --name %s …)",
                                vm->name, destination_uri, a->switch_name, a->name, destination_uri, a->switch_name),
               g_strdup_printf ("vmnet -c %s new-vmswitch --name %s --net-adapter PF [--enable-iov]",
                                destination_uri, a->switch_name));
          continue;
        }
      if (!contains_name (switches, sw->name))
        g_ptr_array_add (switches, sw->name);
      if (a->iov_weight == 0)
        continue;
      before = GPOINTER_TO_UINT (g_hash_table_lookup (wanting, sw->name));
      check_vf (report, vm, a, sw, before, destination_uri);
      g_hash_table_insert (wanting, sw->name, GUINT_TO_POINTER (before + 1));
    }
  if (model_has_vm_named (destination, vm->name))
    vmnet_diagnose_add (report, VMNET_IOV_CHECK_DESTINATION_VM_NAME, VMNET_CHECK_RESULT_FAIL, T_DEST_VM_NAME,
         g_strdup_printf ("VM '%s' cannot move to '%s': a VM of that name is there already", vm->name,
                          destination_uri),
         g_strdup_printf ("Remove or rename the VM '%s' on '%s' first", vm->name, destination_uri));
  if (free_vfs)
    *free_vfs = free_vfs_of (destination, switches);
  return report;
}

/* FALSE with the first error of @report as a #GError. */
gboolean
vmnet_compare_report_check (GPtrArray *report, GError **error)
{
  for (guint i = 0; i < report->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (report, i);

      if (vmnet_iov_check_get_result (c) != VMNET_CHECK_RESULT_FAIL)
        continue;
      g_set_error_literal (error, VMNET_ERROR,
                           vmnet_iov_check_get_code (c) == VMNET_IOV_CHECK_DESTINATION_VM_NAME
                             ? VMNET_ERROR_ALREADY_EXISTS : VMNET_ERROR_NOT_FOUND,
                           vmnet_iov_check_get_message (c));
      return FALSE;
    }
  return TRUE;
}

static const VmnetVmInfo *
vm_of (VmnetHost *self, VmnetVm *vm, GError **error)
{
  for (guint i = 0; i < self->model->vms->len; i++)
    {
      const VmnetVmInfo *info = g_ptr_array_index (self->model->vms, i);
      if (g_strcmp0 (info->uuid, vmnet_vm_get_uuid (vm)) == 0)
        return info;
    }
  g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "VM '%s' is not on host '%s'",
               vmnet_vm_get_name (vm), vmnet_host_label (self));
  return NULL;
}

/**
 * vmnet_host_compare_vm:
 * @self: a #VmnetHost
 * @vm: a VM of @self
 * @destination: the host to move it to
 * @free_vfs: (out) (optional): how many VFs the destination's switches
 *   (those @vm's adapters use) have free; -1 if libvirt cannot tell for one
 *   of them (vmnet_host_compare_vm_report() says why)
 * @error: return location for a #GError
 *
 * The pre-flight of vmnet_host_move_vm(), like `Compare-VM`: fails with
 * %VMNET_ERROR_NOT_FOUND naming the switch when the destination lacks one
 * of @vm's switches, and with %VMNET_ERROR_ALREADY_EXISTS when it already
 * has a VM of that name. Changes nothing. The warnings (an adapter that
 * will not get a VF there) come from vmnet_host_compare_vm_report().
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
  g_autoptr(GPtrArray) report = NULL;

  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (VMNET_IS_HOST (destination), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  report = vmnet_host_compare_vm_report (self, vm, destination, free_vfs, error);
  return report && vmnet_compare_report_check (report, error);
}

/**
 * vmnet_host_compare_vm_report:
 * @self: a #VmnetHost
 * @vm: a VM of @self
 * @destination: the host to move it to
 * @free_vfs: (out) (optional): how many VFs the destination's switches
 *   (those @vm's adapters use) have free; -1 if libvirt cannot tell for one
 *   of them
 * @error: return location for a #GError
 *
 * The compatibility report of moving @vm to @destination, as `Compare-VM`
 * returns one: every incompatibility, none when the move keeps everything.
 * Entries with %VMNET_CHECK_RESULT_FAIL are errors that stop
 * vmnet_host_move_vm(): the destination lacks the switch of one of @vm's
 * adapters (%VMNET_IOV_CHECK_DESTINATION_SWITCH), or has a VM of that name
 * (%VMNET_IOV_CHECK_DESTINATION_VM_NAME). Entries with
 * %VMNET_CHECK_RESULT_WARN or %VMNET_CHECK_RESULT_UNKNOWN are warnings
 * about an adapter that asks for a VF (IovWeight above 0): the VM moves, and
 * the adapter stays on its software path there because its switch is not in
 * SR-IOV mode (%VMNET_IOV_CHECK_SWITCH_IOV_MODE) or has no free VF
 * (%VMNET_IOV_CHECK_SWITCH_FREE_VFS), or may, because libvirt cannot tell
 * how many VFs are free (%VMNET_CHECK_RESULT_UNKNOWN, saying why). On a
 * remote destination the VF counts come from what libvirt reports: node
 * devices and the running VF pools' live definitions. Changes nothing.
 *
 * Returns: (transfer container) (element-type VmnetIovCheck): the report, or
 *   %NULL with @error set when @vm is not on @self
 *
 * Since: 0.1
 */
GPtrArray *
vmnet_host_compare_vm_report (VmnetHost  *self,
                              VmnetVm    *vm,
                              VmnetHost  *destination,
                              gint       *free_vfs,
                              GError    **error)
{
  const VmnetVmInfo *info;

  g_return_val_if_fail (VMNET_IS_HOST (self), NULL);
  g_return_val_if_fail (VMNET_IS_VM (vm), NULL);
  g_return_val_if_fail (VMNET_IS_HOST (destination), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  info = vm_of (self, vm, error);
  if (!info)
    return NULL;
  return vmnet_compare_models (info, destination->model, vmnet_host_get_uri (destination), free_vfs);
}
