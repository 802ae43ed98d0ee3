/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reconcile passes: the VF plan carried out on the host (attach, detach,
 * teaming, the last error), the failure memory between passes, and the
 * fast path for a VM that has just started. */
#include "config.h"

#include "vmnet-host-private.h"
#include "vmnet-error.h"
#include "vmnet-object-private.h"
#include "vmnet-vf-exec-private.h"
#include "linux/vmnet-linux-private.h"

/* Reconciling. */

void
vmnet_host_pass_free (VmnetHostPass *pass)
{
  g_free (pass->vm_uuid);
  g_clear_pointer (&pass->steps, g_ptr_array_unref);
  g_free (pass);
}

static void
remember_failure (VmnetHost *self, const VmnetVfStep *step, guint generation)
{
  VmnetAdapterMemory *m;

  g_mutex_lock (&self->memory_lock);
  m = g_hash_table_lookup (self->memory, step->key);
  if (m)
    {
      m->failed_generation = generation;
      m->failed_weight = step->iov_weight;
    }
  g_mutex_unlock (&self->memory_lock);
}

static void
forget_adapter (VmnetHost *self, const VmnetVfStep *step)
{
  g_mutex_lock (&self->memory_lock);
  g_hash_table_remove (self->memory, step->key);
  g_mutex_unlock (&self->memory_lock);
}

/* The host as a target of VF steps. */
static void
vf_target (VmnetHost *self, VmnetVfTarget *t)
{
  gboolean local = vmnet_host_is_local (self, self->conn);

  t->conn = self->conn;
  t->sysfs_root = local ? (self->host_root ? self->host_root : "/") : NULL;
  t->netlink = local && !self->host_root;
}

/* Carries out one step on the host, remembering a failed attach (tried
 * again once something changes) and forgetting an adapter that got its VF.
 * Safe on any thread. */
gboolean
vmnet_host_execute_step (VmnetHost *self, VmnetVfStep *step, guint generation, GError **error)
{
  VmnetVfTarget t;
  gboolean ok;

  vf_target (self, &t);
  ok = vmnet_vf_step_execute (&t, step, error);
  if (step->kind == VMNET_VF_STEP_ATTACH)
    {
      if (ok)
        forget_adapter (self, step);
      else
        remember_failure (self, step, generation);
    }
  return ok;
}

/* Running adapters' bridge ports get their VLAN; returns whether any changed. */
static gboolean
set_port_vlans (const VmnetModel *model, const gchar *vm_uuid)
{
  g_autoptr(GPtrArray) steps = vmnet_plan_port_vlans (model, vm_uuid);
  gboolean changed = FALSE;

  for (guint i = 0; i < steps->len; i++)
    {
      const VmnetPortStep *step = g_ptr_array_index (steps, i);
      g_autoptr(GError) error = NULL;

      if (vmnet_netlink_set_port_vlan (step->port, step->vlan_id, &error))
        {
          g_info ("adapter '%s' of VM '%s': port %s is an access port of VLAN %u", step->adapter_name,
                  step->vm_name, step->port, step->vlan_id);
          changed = TRUE;
        }
      else
        g_info ("adapter '%s' of VM '%s': %s", step->adapter_name, step->vm_name, error->message);
    }
  return changed;
}

/* Reads the host, plans (unless planned already), carries the plan out and
 * reads again if anything was done; then the software paths get their VLANs.
 * Safe on any thread. */
VmnetSnapshot *
vmnet_host_reconcile_pass (VmnetHost *self, gpointer user_data, GCancellable *cancellable, GError **error)
{
  VmnetHostPass *data = user_data;
  g_autoptr(VmnetSnapshot) snap = NULL;
  guint generation = g_atomic_int_get (&self->generation);
  gboolean local = vmnet_host_is_local (self, self->conn) && !self->host_root;
  VmnetVfPlanScope scope = { data->vm_uuid };
  gboolean acted = data->steps != NULL;   /* planned already: read afterwards in any case */

  if (!data->steps)
    {
      snap = vmnet_host_read (self, self->conn, cancellable, error);
      if (!snap)
        return NULL;
      g_mutex_lock (&self->memory_lock);
      data->steps = vmnet_vf_plan (snap->model, &scope, self->memory, generation, g_get_monotonic_time ());
      g_mutex_unlock (&self->memory_lock);
    }

  for (guint i = 0; i < data->steps->len; i++)
    {
      VmnetVfStep *step = g_ptr_array_index (data->steps, i);

      if (g_cancellable_is_cancelled (cancellable))
        break;
      vmnet_host_execute_step (self, step, generation, NULL);
      acted |= step->kind != VMNET_VF_STEP_WAIT;
    }
  if (acted)
    {
      g_clear_pointer (&snap, vmnet_snapshot_free);
      snap = vmnet_host_read (self, self->conn, cancellable, error);
      if (!snap)
        return NULL;
    }
  if (local && set_port_vlans (snap->model, data->vm_uuid))
    {
      g_clear_pointer (&snap, vmnet_snapshot_free);
      snap = vmnet_host_read (self, self->conn, cancellable, error);
    }
  return g_steal_pointer (&snap);
}

void
vmnet_host_emit_actions (VmnetHost *self, GPtrArray *steps)
{
  for (guint i = 0; i < steps->len; i++)
    {
      VmnetVfStep *step = g_ptr_array_index (steps, i);

      if (step->report)
        vmnet_host_emit_vf_action (self, step);
    }
}

static void
reconcile_applied (VmnetHost *self, gpointer data)
{
  vmnet_host_emit_actions (self, ((VmnetHostPass *) data)->steps);
}

static const VmnetHostOp reconcile_op = { .produce = vmnet_host_reconcile_pass, .applied = reconcile_applied };

static VmnetHostPass *
prepare_reconcile (VmnetHost *self, VmnetVm *vm)
{
  VmnetHostPass *data = g_new0 (VmnetHostPass, 1);

  data->vm_uuid = vm ? g_strdup (vmnet_vm_get_uuid (vm)) : NULL;
  return data;
}

/**
 * vmnet_host_reconcile:
 * @self: a #VmnetHost
 * @vm: (nullable): only this VM's adapters, or %NULL for all
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Brings the VFs in line with the adapters' settings, once: an adapter that
 * no longer wants its VF (IovWeight 0, VM stopping, a port policy only the
 * software switch enforces) loses it; adapters of running VMs that want one
 * get a free VF, the highest IovWeight first and, among equals, the one that
 * has waited longest. No VF is taken from an adapter that still wants it.
 * An attach that fails leaves the adapter on its software path, with the
 * reason in its status; it is tried again once VFs may have come free.
 * #VmnetHost::vf-action is emitted for everything done; then the host is
 * read again.
 *
 * #VmnetReconciler runs this whenever libvirt reports a change.
 *
 * Returns: %TRUE on success (also when some attach failed: see
 *   #VmnetHost::vf-action), %FALSE with @error set if the host could not be
 *   read
 *
 * Since: 0.1
 */
gboolean
vmnet_host_reconcile (VmnetHost     *self,
                      VmnetVm       *vm,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (VMNET_IS_HOST (self), FALSE);
  g_return_val_if_fail (vm == NULL || VMNET_IS_VM (vm), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return vmnet_host_run_boolean (self, &reconcile_op, prepare_reconcile (self, vm),
                                 (GDestroyNotify) vmnet_host_pass_free, cancellable, error);
}


/**
 * vmnet_host_reconcile_async:
 * @self: a #VmnetHost
 * @vm: (nullable): only this VM's adapters, or %NULL for all
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called when done
 * @user_data: (closure): data for @callback
 *
 * The non-blocking form of vmnet_host_reconcile(): libvirt is called from a
 * worker thread; objects change and signals are emitted in the host's
 * context.
 *
 * Since: 0.1
 */
void
vmnet_host_reconcile_async (VmnetHost           *self,
                            VmnetVm             *vm,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (VMNET_IS_HOST (self));
  g_return_if_fail (vm == NULL || VMNET_IS_VM (vm));

  vmnet_host_run_async (self, &reconcile_op, prepare_reconcile (self, vm), (GDestroyNotify) vmnet_host_pass_free,
                        NULL, vmnet_host_reconcile_async, cancellable, callback, user_data);
}

/**
 * vmnet_host_reconcile_finish:
 * @self: a #VmnetHost
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes vmnet_host_reconcile_async().
 *
 * Returns: %TRUE on success
 *
 * Since: 0.1
 */
gboolean
vmnet_host_reconcile_finish (VmnetHost     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return vmnet_host_run_finish_boolean (self, result, vmnet_host_reconcile_async, error);
}

/* A VM has just started (or arrived, or resumed): its adapters are planned
 * from the host's last model, so the VFs are attached before
 * the host is read again; the read follows. Returns %FALSE, doing nothing,
 * when the objects do not know the VM yet (a full pass is needed). */
gboolean
vmnet_host_reconcile_started_vm_async (VmnetHost           *self,
                                       const gchar         *vm_uuid,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(VmnetVm) vm = NULL;
  VmnetVfPlanScope scope = { vm_uuid, TRUE };
  VmnetHostPass *data;

  vm = vmnet_host_find_vm (self, vm_uuid, NULL);
  if (!vm)
    return FALSE;

  data = g_new0 (VmnetHostPass, 1);
  data->vm_uuid = g_strdup (vm_uuid);
  g_mutex_lock (&self->memory_lock);
  data->steps = vmnet_vf_plan (self->model, &scope, self->memory, g_atomic_int_get (&self->generation),
                               g_get_monotonic_time ());
  g_mutex_unlock (&self->memory_lock);

  vmnet_host_run_async (self, &reconcile_op, data, (GDestroyNotify) vmnet_host_pass_free, NULL,
                        vmnet_host_reconcile_async, cancellable, callback, user_data);
  return TRUE;
}

/* VFs may have come free (a VM stopped, a device went, a switch changed):
 * adapters whose attach failed are tried again on the next pass. */
void
vmnet_host_resources_changed (VmnetHost *self)
{
  g_atomic_int_inc (&self->generation);
}

/* The VM's adapters whose attach failed are tried again on the next pass. */
void
vmnet_host_forget_failures (VmnetHost *self, const gchar *vm_uuid)
{
  g_autofree gchar *prefix = g_strconcat (vm_uuid, "/", NULL);
  GHashTableIter iter;
  gpointer key, value;

  g_mutex_lock (&self->memory_lock);
  g_hash_table_iter_init (&iter, self->memory);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_prefix (key, prefix))
      ((VmnetAdapterMemory *) value)->failed_generation = 0;
  g_mutex_unlock (&self->memory_lock);
}

VmnetLibvirtConn *
vmnet_host_get_libvirt_conn (VmnetHost *self)
{
  return self->conn;
}
