/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Diagnosis of what each path of an adapter holds: its VLAN on the software
 * path and the VF, the port policies, and the state changes other tools make
 * while a VF is plugged. */
#include "config.h"

#include <string.h>

#include "vmnet-diagnose-private.h"
#include "vmnet-vf-plan-private.h"

#define T_AD_POLICY       "Port policies"
#define T_AD_VLAN         "VLAN on the software path"
#define T_AD_STATE        "Save, snapshot and migration by other tools"

/* A VLAN the VF carries but the virtio partner does not would change the
 * VM's network whenever failover switches paths. */
static void
software_path_vlan_check (GPtrArray *checks, const VmnetAdapterInfo *a, const VmnetSwitchInfo *sw, gboolean running)
{
  const VmnetPortVlanFact *p = a->port_facts;
  const gchar *uplink = sw && sw->net_adapter_name ? sw->net_adapter_name : "the bridge's uplink";

  if (a->software_path == VMNET_SOFTWARE_PATH_MACVTAP)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VLAN, VMNET_CHECK_RESULT_WARN, T_AD_VLAN,
         g_strdup_printf ("VLAN %d cannot be set on the software path: switch '%s' connects VMs through macvtap, "
                          "which carries no per-adapter VLAN.", a->vlan_id, a->switch_name ? a->switch_name : "?"),
         g_strdup ("Connect the adapter to a switch over a Linux bridge (vmnet new-vmswitch --bridge BR), "
                   "or set it untagged (--untagged)"));
  else if (!running)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VLAN, VMNET_CHECK_RESULT_SKIP, T_AD_VLAN,
         g_strdup_printf ("Not checked: VLAN %d is set on the software path when the VM runs.", a->vlan_id), NULL);
  else if (!a->port_read || !a->port)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VLAN, VMNET_CHECK_RESULT_SKIP, T_AD_VLAN,
         g_strdup_printf ("Not checked: the software path's port is seen on the host itself only (VLAN %d is set "
                          "there by vmnetd).", a->vlan_id), NULL);
  else if (!p)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VLAN, VMNET_CHECK_RESULT_WARN, T_AD_VLAN,
         g_strdup_printf ("'%s' is not a bridge port, so VLAN %d is not set on the software path.", a->port,
                          a->vlan_id), NULL);
  else if (p->default_pvid < 0)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VLAN, VMNET_CHECK_RESULT_WARN, T_AD_VLAN,
         g_strdup_printf ("The kernel's bridge cannot filter VLANs (built without CONFIG_BRIDGE_VLAN_FILTERING), "
                          "so VLAN %d holds on the VF only, not on port %s of the software path.", a->vlan_id,
                          p->name),
         g_strdup ("Run a kernel with bridge VLAN filtering (distribution kernels have it)"));
  else if (p->pvid != a->vlan_id || p->n_vlans != 1 || !p->pvid_untagged)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VLAN, VMNET_CHECK_RESULT_WARN, T_AD_VLAN,
         p->pvid > 0
         ? g_strdup_printf ("Port %s on bridge %s is in VLAN %d%s, not an access port of VLAN %d.", p->name,
                            p->bridge ? p->bridge : "?", p->pvid, p->n_vlans > 1 ? " and others" : "", a->vlan_id)
         : g_strdup_printf ("Port %s on bridge %s has no VLAN, not VLAN %d.", p->name, p->bridge ? p->bridge : "?",
                            a->vlan_id),
         g_strdup_printf ("vmnetd sets it when the VM starts; now: vmnet reconcile-vmhost --vm-name %s", a->vm_name));
  else if (p->vlan_filtering != VMNET_TERNARY_TRUE)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VLAN, VMNET_CHECK_RESULT_WARN, T_AD_VLAN,
         g_strdup_printf ("Port %s is in VLAN %d, but bridge %s does not filter VLANs, so the software path is "
                          "not separated.", p->name, a->vlan_id, p->bridge ? p->bridge : "?"),
         g_strdup_printf ("ip link set dev %s type bridge vlan_filtering 1; bridge vlan add dev %s vid %d "
                          "(the uplink carries the VLAN tagged)", p->bridge ? p->bridge : "BRIDGE", uplink,
                          a->vlan_id));
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VLAN, VMNET_CHECK_RESULT_PASS, T_AD_VLAN,
         g_strdup_printf ("Port %s on bridge %s is an access port of VLAN %d%s.", p->name, p->bridge, a->vlan_id,
                          a->vf_plugged && a->vf_vlan_id == a->vlan_id ? ", as is the VF" : ""), NULL);
}

void
vmnet_diagnose_vlan_check (GPtrArray *checks, const VmnetAdapterInfo *a, const VmnetSwitchInfo *sw, gboolean running)
{
  if (a->vlan_id > 0)
    software_path_vlan_check (checks, a, sw, running);
  if (a->vf_plugged && a->vf_vlan_id != a->vlan_id)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VLAN, VMNET_CHECK_RESULT_WARN, T_AD_VLAN,
         g_strdup_printf ("The VF carries VLAN %d, the adapter is set to VLAN %d.", a->vf_vlan_id, a->vlan_id),
         g_strdup_printf ("vmnet reconcile-vmhost --vm-name %s plugs the VF again with the adapter's VLAN",
                          a->vm_name));
}

/* MAC address spoofing as each path holds it: the software path drops
 * frames with another source MAC only under an nwfilter that says so; the
 * VF under its spoof checking, as its PF reports it or as libvmnet sets it. */
static gchar *
mac_spoofing_paths (const VmnetAdapterInfo *a, const VmnetVfPolicy *p, gboolean *differ)
{
  gboolean software_denies = vmnet_filter_denies_spoofing (a->filter);
  gboolean vf_known = a->vf_plugged && a->vf_spoof_check != VMNET_TERNARY_UNKNOWN;
  gboolean vf_denies = vf_known ? a->vf_spoof_check == VMNET_TERNARY_TRUE : p->spoof_check;

  *differ = software_denies != vf_denies;
  return g_strdup_printf ("MAC address spoofing: the software path %s (%s%s%s), the VF %s (spoofchk %s%s)",
                          software_denies ? "denies it" : "allows it",
                          software_denies ? "nwfilter '"
                          : a->software_path == VMNET_SOFTWARE_PATH_MACVTAP ? "macvtap, which takes no nwfilter"
                          : "no nwfilter drops frames with another source MAC",
                          software_denies ? a->filter : "", software_denies ? "'" : "",
                          vf_denies ? "denies it" : "allows it", vf_denies ? "on" : "off",
                          vf_known ? "" : a->vf_plugged ? ", as libvmnet sets it" : " when it gets one");
}

/* What the VF carries for the port policies, for the status: rate, spoof
 * checking, link state. */
static gchar *
vf_policy_text (const VmnetAdapterInfo *a, const VmnetVfPolicy *p)
{
  g_autoptr(GString) s = g_string_new ("The VF holds the port policies: ");

  if (p->max_tx_rate > 0)
    g_string_append_printf (s, "max_tx_rate %u Mbit/s (outbound average %" G_GUINT64_FORMAT " KB/s of %s), ",
                            p->max_tx_rate, a->bandwidth.out_average,
                            a->bandwidth_source ? a->bandwidth_source : "the interface");
  else
    g_string_append (s, "no rate limit, ");
  g_string_append_printf (s, "spoofchk %s (%s), link state %s.", p->spoof_check ? "on" : "off",
                          a->allow_teaming ? "AllowTeaming on"
                          : a->mac_address_spoofing && !p->spoof_check ? "MacAddressSpoofing on"
                          : a->mac_address_spoofing ? "nwfilter on the software path" : "MacAddressSpoofing off",
                          p->link_down ? "disable (the interface's link is down)" : "auto");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Port policies: the ones only the software switch can hold keep the VF
 * off (RouterGuard, DhcpGuard, nwfilters beyond no-mac-spoofing, inbound
 * bandwidth, a setting the VF's driver refused); the others the VF holds
 * (outbound bandwidth as max_tx_rate, spoof checking, link state). Returns
 * whether a policy keeps the VF off. */
gboolean
vmnet_diagnose_port_policy_check (GPtrArray *checks, const VmnetAdapterInfo *a, const VmnetSwitchInfo *sw, gchar **applied)
{
  g_auto(VmnetVfPolicy) p = { 0 };
  g_autofree gchar *mismatch = NULL;
  g_autofree gchar *spoofing = NULL;
  gboolean differ = FALSE;
  /* A VF assigned directly has no software path to compare with. */
  gboolean vf_path = g_strcmp0 (a->model, "hostdev") != 0 &&
                     (a->vf_plugged || (a->iov_weight > 0 && sw && sw->iov_enabled));

  vmnet_vf_policy_init (&p, a);
  if (a->router_guard || a->dhcp_guard)
    {
      const gchar *enforced = a->filter && g_str_has_prefix (a->filter, "vmnet-") ? a->filter : NULL;
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_PORT_POLICY, VMNET_CHECK_RESULT_FAIL, T_AD_POLICY,
         g_strdup_printf ("%s%s%s on: only the software switch can enforce %s, so SR-IOV is off for this adapter.%s%s%s",
                          a->router_guard ? "RouterGuard" : "", a->router_guard && a->dhcp_guard ? " and " : "",
                          a->dhcp_guard ? "DhcpGuard" : "", a->router_guard && a->dhcp_guard ? "them" : "it",
                          enforced ? " Enforced by nwfilter '" : "", enforced ? enforced : "", enforced ? "'." : ""),
         g_strdup_printf ("Turn it off if the VM is trusted: vmnet set-vmnetworkadapter --vm-name %s --name %s%s%s",
                          a->vm_name, a->name, a->router_guard ? " --router-guard off" : "",
                          a->dhcp_guard ? " --dhcp-guard off" : ""));
      return TRUE;
    }
  if (p.blocked)
    {
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_PORT_POLICY, VMNET_CHECK_RESULT_FAIL, T_AD_POLICY,
           p.refused ? g_strdup_printf ("%s: SR-IOV is off for this adapter while the policy needing it is set.",
                                        p.blocked)
                     : g_strdup_printf ("Port policy %s: SR-IOV is off for this adapter.", p.blocked),
           g_strdup (p.blocked_fix));
      return TRUE;
    }

  spoofing = mac_spoofing_paths (a, &p, &differ);
  if (vf_path && differ)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_PORT_POLICY, VMNET_CHECK_RESULT_WARN, T_AD_POLICY,
         g_strdup_printf ("%s: a guest that sends other MACs (a bridge, a team) loses them whenever failover moves "
                          "its traffic between the paths.", spoofing),
         a->software_path == VMNET_SOFTWARE_PATH_MACVTAP && !vmnet_filter_denies_spoofing (a->filter)
         ? g_strdup_printf ("Allow it on both (vmnet set-vmnetworkadapter --vm-name %s --name %s "
                            "--mac-address-spoofing on), or connect the adapter to a switch over a Linux bridge "
                            "(vmnet new-vmswitch --bridge BR), where --mac-address-spoofing off filters the software "
                            "path too", a->vm_name, a->name)
         : !vmnet_filter_denies_spoofing (a->filter)
         ? g_strdup_printf ("Make the paths agree: vmnet set-vmnetworkadapter --vm-name %s --name %s "
                            "--mac-address-spoofing off (nwfilter on the software path; needs libvirt's nwfilter "
                            "driver; on a running VM at once), or "
                            "--mac-address-spoofing on (allowed on both)", a->vm_name, a->name)
         : g_strdup_printf ("Remove <filterref filter='%s'/> from the interface (virsh edit %s), or "
                            "vmnet set-vmnetworkadapter --vm-name %s --name %s --mac-address-spoofing off",
                            a->filter, a->vm_name, a->vm_name, a->name));
  if (a->vf_plugged && (mismatch = vmnet_vf_policy_mismatch (&p, a)))
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_PORT_POLICY, VMNET_CHECK_RESULT_WARN, T_AD_POLICY,
         g_strdup_printf ("The VF carries %s.", mismatch),
         g_strdup_printf ("vmnet reconcile-vmhost --vm-name %s applies the port policies to the VF", a->vm_name));
  else if (a->vf_plugged)
    {
      g_autofree gchar *held = vf_policy_text (a, &p);

      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_PORT_POLICY, VMNET_CHECK_RESULT_PASS, T_AD_POLICY,
           g_strdup_printf ("%s %s.", held, spoofing), NULL);
      /* A rate or link state is shown in the status too (spoof checking
       * is MacAddressSpoofing's). */
      if (p.max_tx_rate > 0 || p.link_down)
        *applied = g_steal_pointer (&held);
    }
  else if (!(vf_path && differ))
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_PORT_POLICY, VMNET_CHECK_RESULT_PASS, T_AD_POLICY,
         g_strdup_printf ("No port policy keeps SR-IOV off; a VF would hold them (%s%s%s).",
                          p.max_tx_rate > 0 ? "max_tx_rate from the outbound bandwidth, " : "",
                          p.spoof_check ? "spoofchk on" : "spoofchk off", p.link_down ? ", link state disable" : ""),
         NULL);
  return FALSE;
}

/* What libvirt and QEMU do by themselves with a teamed VF attached (measured
 * with libvirt 11.3 and QEMU 10; libvirt 9.0 pauses before saving the same
 * way): a save, managed save or snapshot with memory pauses the VM, then QEMU
 * asks the guest to release the VF and waits, which a paused guest never
 * does; a live migration keeps the guest running, so the VF is released, and
 * the destination plugs one from its pool of the same name. */
void
vmnet_diagnose_state_changes_check (GPtrArray *checks, const VmnetAdapterInfo *a, gboolean direct)
{
  /* Also a VF the guest has not taken: unless QEMU still hides it (the guest
   * never negotiated failover), its unplug is waited for all the same. */
  if (!a->vf_plugged || direct)
    return;
  vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_STATE_CHANGES, VMNET_CHECK_RESULT_WARN, T_AD_STATE,
       g_strdup_printf ("While VF %s is attached, virsh save, virsh managedsave (also libvirt-guests' suspend at "
                        "host shutdown) and snapshots with memory of VM '%s' hang: libvirt pauses the VM, then QEMU "
                        "waits for the guest to release the VF, which a paused guest cannot do (virsh migrate "
                        "--live is fine: the running guest releases it).",
                        a->virtual_function ? a->virtual_function : "?", a->vm_name),
       g_strdup_printf ("vmnet save-vm, checkpoint-vm and move-vm --vm-name %s take the VF out first and give it "
                        "back; at host shutdown vmnet-guests.service does the same before libvirt-guests",
                        a->vm_name));
}
