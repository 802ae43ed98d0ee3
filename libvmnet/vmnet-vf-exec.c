/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The VF executor: one planner step carried out on a host — unplug (and
 * undo AllowTeaming), or plug from the switch's pool (MSI-X vectors first,
 * then the teamed VF found and AllowTeaming set on it or off), the adapter's last
 * error kept in its metadata. */
#include "config.h"

#include "vmnet-vf-exec-private.h"
#include "vmnet-error.h"
#include "linux/vmnet-linux-private.h"

/* AllowTeaming on a VF of this machine: trust on and spoof checking off,
 * through its PF (netlink). */
gboolean
vmnet_vf_set_teaming (const gchar *vf_address, gboolean allow, GError **error)
{
  g_autofree gchar *pf = NULL;
  guint index;

  if (!vmnet_sysfs_vf_position ("/", vf_address, &pf, &index))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "no PF found for VF %s", vf_address);
      return FALSE;
    }
  return vmnet_netlink_set_vf_teaming (pf, index, allow, error);
}

/* Whether libvirt's live definitions still give the VF at @vf_address to
 * adapter @adapter_name of VM @vm_uuid; if not, @reason says who has it. */
gboolean
vmnet_vf_still_held (VmnetLibvirtConn *conn, const gchar *vm_uuid, const gchar *adapter_name,
                     const gchar *vf_address, gchar **reason)
{
  g_autofree gchar *teamed = vmnet_libvirt_conn_teamed_vf (conn, vm_uuid, adapter_name);
  g_autofree gchar *holder = NULL;

  if (g_strcmp0 (teamed, vf_address) == 0)
    return TRUE;
  holder = vmnet_libvirt_conn_vf_holder (conn, vf_address);
  if (holder)
    *reason = g_strdup_printf ("VF %s no longer belongs to adapter '%s' (VM '%s' holds it)", vf_address,
                               adapter_name, holder);
  else
    *reason = g_strdup_printf ("VF %s no longer belongs to adapter '%s' (it is free)", vf_address, adapter_name);
  return FALSE;
}

/* AllowTeaming applied to the VF of adapter @adapter_name (MAC @mac) of VM
 * @vm_uuid, read again from libvirt first: a VF the adapter no longer holds
 * gets nothing (a VF another VM holds would give that VM MAC spoofing).
 * A failure to apply is kept as the adapter's last error. Returns whether
 * the setting was applied. */
gboolean
vmnet_vf_apply_teaming (const VmnetVfTarget *t, const gchar *vm_uuid, const gchar *adapter_name,
                        const gchar *mac, const gchar *vf_address, gboolean allow)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *reason = NULL;

  if (!vmnet_vf_still_held (t->conn, vm_uuid, adapter_name, vf_address, &reason))
    {
      g_info ("AllowTeaming not applied: %s", reason);
      return FALSE;
    }
  if (!vmnet_vf_set_teaming (vf_address, allow, &error))
    {
      g_autofree gchar *message = g_strdup_printf ("AllowTeaming could not be applied to the VF: %s",
                                                   error->message);
      vmnet_libvirt_conn_set_last_error (t->conn, vm_uuid, mac, message, NULL);
      return FALSE;
    }
  return TRUE;
}

/* AllowTeaming undone on a VF just unplugged, unless another VM holds it
 * already. */
static void
undo_teaming (const VmnetVfTarget *t, const gchar *vf_address)
{
  g_autofree gchar *holder = vmnet_libvirt_conn_vf_holder (t->conn, vf_address);

  if (holder)
    g_info ("AllowTeaming not undone: VM '%s' holds VF %s now", holder, vf_address);
  else
    vmnet_vf_set_teaming (vf_address, FALSE, NULL);
}

/* A VF just plugged for an adapter without AllowTeaming has it off: a VF
 * freed by a VM that went away keeps what its last holder had. Best effort
 * (a driver without VF trust has it off anyway). */
static void
reset_teaming (const VmnetVfTarget *t, const VmnetVfStep *step)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *reason = NULL;

  if (!vmnet_vf_still_held (t->conn, step->vm_uuid, step->adapter_name, step->virtual_function, &reason))
    g_info ("AllowTeaming not reset: %s", reason);
  else if (!vmnet_vf_set_teaming (step->virtual_function, FALSE, &error))
    g_info ("VF %s: AllowTeaming not reset: %s", step->virtual_function, error->message);
}

/* The VF the pool hands out next gets MSI-X vectors only while no running
 * VM holds it (its driver is unbound for that). */
static gboolean
vectors_vf_free (const VmnetVfTarget *t, const gchar *vf_address)
{
  g_autofree gchar *holder = vmnet_libvirt_conn_vf_holder (t->conn, vf_address);

  if (holder)
    g_info ("VF %s gets no MSI-X vectors: VM '%s' holds it", vf_address, holder);
  return holder == NULL;
}

/* The driver of the PF that @pf_netdev is, from sysfs; NULL: unknown. */
static gchar *
pf_driver (const gchar *pf_netdev)
{
  g_autofree gchar *link = g_strdup_printf ("/sys/class/net/%s/device/driver", pf_netdev);
  g_autofree gchar *target = g_file_read_link (link, NULL);

  return target ? g_path_get_basename (target) : NULL;
}

/* The port policies of the step's adapter on its VF of this machine (see
 * VmnetVfPolicy). A setting the driver refuses comes back as
 * %VMNET_ERROR_NOT_SUPPORTED with the refusal the planner reads back from
 * the adapter's last error. */
static gboolean
apply_policy (const VmnetVfStep *step, GError **error)
{
  g_autofree gchar *pf = NULL;
  g_autofree gchar *setting = NULL;
  g_autoptr(GError) local_error = NULL;
  guint index;

  if (!vmnet_sysfs_vf_position ("/", step->virtual_function, &pf, &index))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "no PF found for VF %s", step->virtual_function);
      return FALSE;
    }
  if (vmnet_netlink_set_vf_policy (pf, index, step->policy.max_tx_rate, step->policy.spoof_check,
                                   step->policy.link_down, &setting, &local_error))
    return TRUE;
  if (setting)
    {
      g_autofree gchar *driver = pf_driver (pf);
      g_autofree gchar *refusal = vmnet_vf_policy_refusal (driver, setting, index, pf, local_error->message);
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED, refusal);
      return FALSE;
    }
  g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                              "netlink: cannot apply the port policies to VF %u of '%s': ", index, pf);
  return FALSE;
}

/* After a VF was plugged or on a policy step: a VF whose driver refuses a
 * policy setting does not stay, its adapter keeps the refusal as its last
 * error (the planner keeps the VF off while the policy is set); any other
 * failure is kept too, and the VF stays. Returns %FALSE when the VF went. */
static gboolean
hold_policy (const VmnetVfTarget *t, VmnetVfStep *step, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree gchar *alias = NULL;

  if (!t->netlink || !step->virtual_function || apply_policy (step, &local_error))
    return TRUE;
  vmnet_libvirt_conn_set_last_error (t->conn, step->vm_uuid, step->mac, local_error->message, NULL);
  if (!g_error_matches (local_error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED))
    {
      g_info ("adapter '%s' of VM '%s': %s", step->adapter_name, step->vm_name, local_error->message);
      return TRUE;
    }
  alias = step->vf_alias ? g_strdup (step->vf_alias) : vmnet_libvirt_vf_alias (step->adapter_name);
  if (!vmnet_libvirt_conn_detach_vf (t->conn, step->vm_uuid, alias, NULL))
    g_info ("adapter '%s' of VM '%s': the VF could not be unplugged after its driver refused a setting",
            step->adapter_name, step->vm_name);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

void
vmnet_vf_step_set_result (VmnetVfStep *step, VmnetVfAction action, const gchar *reason)
{
  step->action = action;
  step->report = TRUE;
  if (reason)
    {
      g_free (step->reason);
      step->reason = g_strdup (reason);
    }
}

/* Plugs a VF from the pool; the VF the pool hands out next gets its MSI-X
 * vectors first (best effort: what it has is reported as granted). */
static gboolean
attach (const VmnetVfTarget *t, const VmnetVfStep *step, GError **error)
{
  g_autofree gchar *xml = vmnet_libvirt_vf_interface_xml (step->mac, step->pool, step->adapter_name, step->vlan_id);
  gboolean vectors = step->vectors_vf && step->vectors >= 0 && t->sysfs_root && vectors_vf_free (t, step->vectors_vf);
  g_autoptr(GError) vectors_error = NULL;

  if (vectors && !vmnet_sysfs_set_vf_vectors (t->sysfs_root, step->vectors_vf, step->vectors, &vectors_error))
    g_info ("%s", vectors_error->message);
  if (vmnet_libvirt_conn_attach_vf (t->conn, step->vm_uuid, xml, error))
    return TRUE;
  if (vectors)
    vmnet_sysfs_reprobe (t->sysfs_root, step->vectors_vf);
  return FALSE;
}

/* Carries out one step; what happened is in the step (action, reason,
 * virtual_function). Returns %FALSE with @error when a detach or an attach
 * failed: the VF stays where it was (a failed attach is kept as the
 * adapter's last error, for its status). */
gboolean
vmnet_vf_step_execute (const VmnetVfTarget *t, VmnetVfStep *step, GError **error)
{
  g_autoptr(GError) local_error = NULL;

  switch (step->kind)
    {
    case VMNET_VF_STEP_DETACH:
      if (!vmnet_libvirt_conn_detach_vf (t->conn, step->vm_uuid, step->vf_alias, &local_error))
        {
          vmnet_vf_step_set_result (step, VMNET_VF_ACTION_FAILED, local_error->message);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (t->netlink && step->had_teaming && step->virtual_function)
        undo_teaming (t, step->virtual_function);
      vmnet_vf_step_set_result (step, VMNET_VF_ACTION_DETACHED, NULL);
      return TRUE;

    case VMNET_VF_STEP_ATTACH:
      if (!attach (t, step, &local_error))
        {
          if (g_strcmp0 (step->last_error, local_error->message) != 0)
            vmnet_libvirt_conn_set_last_error (t->conn, step->vm_uuid, step->mac, local_error->message, NULL);
          vmnet_vf_step_set_result (step, VMNET_VF_ACTION_FAILED, local_error->message);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_free (step->virtual_function);
      step->virtual_function = vmnet_libvirt_conn_teamed_vf (t->conn, step->vm_uuid, step->adapter_name);
      if (t->netlink && step->allow_teaming && step->virtual_function)
        {
          if (vmnet_vf_apply_teaming (t, step->vm_uuid, step->adapter_name, step->mac, step->virtual_function, TRUE) &&
              step->last_error)
            vmnet_libvirt_conn_set_last_error (t->conn, step->vm_uuid, step->mac, NULL, NULL);
        }
      else
        {
          if (t->netlink && step->virtual_function)
            reset_teaming (t, step);
          if (step->last_error)
            vmnet_libvirt_conn_set_last_error (t->conn, step->vm_uuid, step->mac, NULL, NULL);
        }
      if (!hold_policy (t, step, &local_error))
        {
          vmnet_vf_step_set_result (step, VMNET_VF_ACTION_FAILED, local_error->message);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      vmnet_vf_step_set_result (step, VMNET_VF_ACTION_ATTACHED, NULL);
      return TRUE;

    case VMNET_VF_STEP_POLICY:
      if (t->netlink && step->virtual_function)
        {
          g_autofree gchar *reason = NULL;

          /* Read again: the VF may have gone to another VM since the plan. */
          if (!vmnet_vf_still_held (t->conn, step->vm_uuid, step->adapter_name, step->virtual_function, &reason))
            {
              g_info ("adapter '%s' of VM '%s': port policies not applied: %s", step->adapter_name,
                      step->vm_name, reason);
              return TRUE;
            }
        }
      if (!hold_policy (t, step, &local_error))
        {
          vmnet_vf_step_set_result (step, VMNET_VF_ACTION_DETACHED, local_error->message);
          return TRUE;
        }
      g_info ("adapter '%s' of VM '%s': port policies applied to VF %s (%s)", step->adapter_name, step->vm_name,
              step->virtual_function ? step->virtual_function : "?", step->reason);
      return TRUE;

    case VMNET_VF_STEP_WAIT:
      if (step->news)
        vmnet_vf_step_set_result (step, VMNET_VF_ACTION_WAITING, NULL);
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}
