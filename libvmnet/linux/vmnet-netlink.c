/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/sriov.h>

#include "vmnet-error.h"
#include "vmnet-linux-private.h"


static void
free_sock (struct nl_sock *sock)
{
  nl_socket_free (sock);
}

static void
put_link (struct rtnl_link *link)
{
  rtnl_link_put (link);
}

/* Reads IFLA_VFINFO_LIST of a PF: MAC, VLAN, spoof check, trust, link state per VF. */
VmnetPfLinkFact *
vmnet_netlink_read_pf (const gchar *netdev, GError **error)
{
  g_autoptr(VmnetPfLinkFact) fact = NULL;
  struct nl_sock *sock = nl_socket_alloc ();
  struct rtnl_link *link = NULL;
  uint32_t num_vf = 0;
  int rc;

  if (!sock)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_FAILED, "out of memory for a netlink socket");
      return NULL;
    }
  rc = nl_connect (sock, NETLINK_ROUTE);
  if (rc < 0)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_FAILED, "netlink: %s", nl_geterror (rc));
      free_sock (sock);
      return NULL;
    }
  rc = rtnl_link_get_kernel (sock, 0, netdev, &link);
  if (rc < 0)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                   "netlink: cannot read link '%s': %s", netdev, nl_geterror (rc));
      free_sock (sock);
      return NULL;
    }

  fact = vmnet_pf_link_fact_new ();
  fact->pf_netdev = g_strdup (netdev);
  if (rtnl_link_get_num_vf (link, &num_vf) < 0)
    num_vf = 0;

  for (uint32_t i = 0; i < num_vf; i++)
    {
      struct rtnl_link_vf *vf = rtnl_link_vf_get (link, i);
      VmnetVfLinkFact *f = vmnet_vf_link_fact_new ();
      struct nl_addr *addr = NULL;
      nl_vf_vlans_t *vlans = NULL;
      uint32_t value;

      f->vf = i;
      if (vf)
        {
          if (rtnl_link_vf_get_addr (vf, &addr) == 0 && addr)
            {
              static const guint8 zero[6] = { 0 };
              if (nl_addr_get_len (addr) == 6 && memcmp (nl_addr_get_binary_addr (addr), zero, 6) != 0)
                {
                  char buf[64];
                  f->mac = g_strdup (nl_addr2str (addr, buf, sizeof buf));
                }
            }
          f->vlan_id = 0;
          if (rtnl_link_vf_get_vlans (vf, &vlans) == 0 && vlans && vlans->size > 0)
            f->vlan_id = vlans->vlans[0].vf_vlan;
          if (vlans)
            rtnl_link_vf_vlan_put (vlans);
          if (rtnl_link_vf_get_spoofchk (vf, &value) == 0)
            f->spoof_check = value ? VMNET_TERNARY_TRUE : VMNET_TERNARY_FALSE;
          if (rtnl_link_vf_get_trust (vf, &value) == 0)
            f->trust = value ? VMNET_TERNARY_TRUE : VMNET_TERNARY_FALSE;
          if (rtnl_link_vf_get_linkstate (vf, &value) == 0)
            {
              char buf[32];
              f->link_state = g_strdup (rtnl_link_vf_linkstate2str (value, buf, sizeof buf));
            }
          rtnl_link_vf_put (vf);
        }
      g_ptr_array_add (fact->vfs, f);
    }

  put_link (link);
  free_sock (sock);
  return g_steal_pointer (&fact);
}

/* Trust on / spoof checking off for AllowTeaming, and back. */
gboolean
vmnet_netlink_set_vf_teaming (const gchar *pf_netdev, guint vf, gboolean allow, GError **error)
{
  struct nl_sock *sock = nl_socket_alloc ();
  struct rtnl_link *orig = NULL, *change = NULL;
  struct rtnl_link_vf *vf_data = NULL;
  gboolean ok = FALSE;
  int rc;

  if (!sock)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_FAILED, "out of memory for a netlink socket");
      return FALSE;
    }
  rc = nl_connect (sock, NETLINK_ROUTE);
  if (rc >= 0)
    rc = rtnl_link_get_kernel (sock, 0, pf_netdev, &orig);
  if (rc < 0)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_FAILED, "netlink: cannot read link '%s': %s",
                   pf_netdev, nl_geterror (rc));
      goto out;
    }
  change = rtnl_link_alloc ();
  vf_data = rtnl_link_vf_alloc ();
  rtnl_link_vf_set_index (vf_data, vf);
  rtnl_link_vf_set_trust (vf_data, allow ? 1 : 0);
  rtnl_link_vf_set_spoofchk (vf_data, allow ? 0 : 1);
  rc = rtnl_link_vf_add (change, vf_data);
  if (rc >= 0)
    rc = rtnl_link_change (sock, orig, change, 0);
  if (rc < 0)
    {
      g_set_error (error, VMNET_ERROR, rc == -NLE_PERM ? VMNET_ERROR_ACCESS_DENIED : VMNET_ERROR_FAILED,
                   "netlink: cannot set trust %s / spoof checking %s on VF %u of '%s': %s%s",
                   allow ? "on" : "off", allow ? "off" : "on", vf, pf_netdev, nl_geterror (rc),
                   rc == -NLE_PERM ? " (the operation 'Configure SR-IOV on adapters' on this VF needs root "
                                     "on the host)" : "");
      goto out;
    }
  ok = TRUE;

out:
  if (vf_data)
    rtnl_link_vf_put (vf_data);
  if (change)
    rtnl_link_put (change);
  if (orig)
    rtnl_link_put (orig);
  nl_socket_free (sock);
  return ok;
}
