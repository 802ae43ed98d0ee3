/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Netlink (libnl-route-3): VF attributes of PFs, bridge port VLANs. */
#include "config.h"

#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/sriov.h>
#include <net/if.h>
#include <linux/if_bridge.h>
#include <linux/rtnetlink.h>

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

static gboolean
open_route_socket (struct nl_sock **out, GError **error)
{
  struct nl_sock *sock = nl_socket_alloc ();
  int rc;

  if (!sock)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_FAILED, "out of memory for a netlink socket");
      return FALSE;
    }
  rc = nl_connect (sock, NETLINK_ROUTE);
  if (rc < 0)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_FAILED, "netlink: %s", nl_geterror (rc));
      nl_socket_free (sock);
      return FALSE;
    }
  *out = sock;
  return TRUE;
}

/* The link's kind (IFLA_INFO_KIND: "bond", "team", "bridge", …), or NULL. */
gchar *
vmnet_netlink_link_kind (const gchar *netdev)
{
  struct nl_sock *sock;
  struct rtnl_link *link = NULL;
  gchar *kind = NULL;

  if (!open_route_socket (&sock, NULL))
    return NULL;
  if (rtnl_link_get_kernel (sock, 0, netdev, &link) >= 0)
    {
      kind = g_strdup (rtnl_link_get_type (link));
      put_link (link);
    }
  free_sock (sock);
  return kind;
}

/* Reads IFLA_VFINFO_LIST of a PF: MAC, VLAN, spoof check, trust, link state per VF. */
VmnetPfLinkFact *
vmnet_netlink_read_pf (const gchar *netdev, GError **error)
{
  g_autoptr(VmnetPfLinkFact) fact = NULL;
  struct nl_sock *sock;
  struct rtnl_link *link = NULL;
  uint32_t num_vf = 0;
  int rc;

  if (!open_route_socket (&sock, error))
    return NULL;
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
          {
            struct nl_vf_rate rate = { 0 };
            if (rtnl_link_vf_get_rate (vf, &rate) == 0)
              {
                f->max_tx_rate = (gint) MIN (rate.api == RTNL_LINK_VF_RATE_API_OLD ? rate.rate : rate.max_tx_rate,
                                             G_MAXINT);
                f->min_tx_rate = rate.api == RTNL_LINK_VF_RATE_API_OLD ? 0 : (gint) MIN (rate.min_tx_rate, G_MAXINT);
              }
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
  struct nl_sock *sock;
  struct rtnl_link *orig = NULL, *change = NULL;
  struct rtnl_link_vf *vf_data = NULL;
  gboolean ok = FALSE;
  int rc;

  if (!open_route_socket (&sock, error))
    return FALSE;
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
                   rc == -NLE_PERM ? " (a VF's settings need CAP_NET_ADMIN on the host: no operation of "
                                     "the authorization store grants it)" : "");
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

/* One VF attribute change on a PF; returns libnl's code. */
static int
change_vf (struct nl_sock *sock, struct rtnl_link *orig, struct rtnl_link_vf *vf_data)
{
  struct rtnl_link *change = rtnl_link_alloc ();
  int rc;

  if (!change)
    return -NLE_NOMEM;
  rc = rtnl_link_vf_add (change, vf_data);
  if (rc >= 0)
    rc = rtnl_link_change (sock, orig, change, 0);
  rtnl_link_put (change);
  return rc;
}

/* The port policies a VF holds (see VmnetVfPolicy): its transmit rate
 * (min_tx_rate 0: libvirt has no outbound floor), spoof checking and link
 * state, each changed only where the PF reports another value, one at a
 * time so that a refusal names its setting (@refused, e.g. "spoofchk off").
 * A driver that does not support a setting or its value fails with
 * %VMNET_ERROR_NOT_SUPPORTED. */
gboolean
vmnet_netlink_set_vf_policy (const gchar *pf_netdev, guint vf, guint max_tx_rate, gboolean spoof_check,
                             gboolean link_down, gchar **refused, GError **error)
{
  g_autoptr(VmnetPfLinkFact) now = NULL;
  const VmnetVfLinkFact *cur;
  struct nl_sock *sock;
  struct rtnl_link *orig = NULL;
  g_autofree gchar *setting = NULL;
  int rc = 0;

  *refused = NULL;
  now = vmnet_netlink_read_pf (pf_netdev, error);
  if (!now)
    return FALSE;
  if (vf >= now->vfs->len)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "'%s' has no VF %u", pf_netdev, vf);
      return FALSE;
    }
  cur = g_ptr_array_index (now->vfs, vf);
  if (!open_route_socket (&sock, error))
    return FALSE;
  rc = rtnl_link_get_kernel (sock, 0, pf_netdev, &orig);
  if (rc < 0)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_FAILED, "netlink: cannot read link '%s': %s", pf_netdev,
                   nl_geterror (rc));
      nl_socket_free (sock);
      return FALSE;
    }

  if (cur->max_tx_rate < 0 || (guint) cur->max_tx_rate != max_tx_rate || cur->min_tx_rate > 0)
    {
      struct rtnl_link_vf *v = rtnl_link_vf_alloc ();
      struct nl_vf_rate rate = { .api = RTNL_LINK_VF_RATE_API_NEW, .max_tx_rate = max_tx_rate };

      setting = g_strdup_printf ("max_tx_rate %u Mbit/s", max_tx_rate);
      rtnl_link_vf_set_index (v, vf);
      rtnl_link_vf_set_rate (v, &rate);
      rc = change_vf (sock, orig, v);
      rtnl_link_vf_put (v);
    }
  if (rc >= 0 && (cur->spoof_check == VMNET_TERNARY_UNKNOWN || (cur->spoof_check == VMNET_TERNARY_TRUE) != spoof_check))
    {
      struct rtnl_link_vf *v = rtnl_link_vf_alloc ();

      g_free (setting);
      setting = g_strdup_printf ("spoofchk %s", spoof_check ? "on" : "off");
      rtnl_link_vf_set_index (v, vf);
      rtnl_link_vf_set_spoofchk (v, spoof_check ? 1 : 0);
      rc = change_vf (sock, orig, v);
      rtnl_link_vf_put (v);
    }
  if (rc >= 0 && (g_strcmp0 (cur->link_state, "disable") == 0) != link_down)
    {
      struct rtnl_link_vf *v = rtnl_link_vf_alloc ();

      g_free (setting);
      setting = g_strdup_printf ("link_state %s", link_down ? "disable" : "auto");
      rtnl_link_vf_set_index (v, vf);
      rtnl_link_vf_set_linkstate (v, link_down ? IFLA_VF_LINK_STATE_DISABLE : IFLA_VF_LINK_STATE_AUTO);
      rc = change_vf (sock, orig, v);
      rtnl_link_vf_put (v);
    }
  rtnl_link_put (orig);
  nl_socket_free (sock);
  if (rc < 0)
    {
      gboolean refusal = rc == -NLE_OPNOTSUPP || rc == -NLE_INVAL || rc == -NLE_RANGE;

      g_set_error (error, VMNET_ERROR,
                   rc == -NLE_PERM ? VMNET_ERROR_ACCESS_DENIED : refusal ? VMNET_ERROR_NOT_SUPPORTED : VMNET_ERROR_FAILED,
                   "%s", nl_geterror (rc));
      if (refusal)
        *refused = g_steal_pointer (&setting);
      return FALSE;
    }
  return TRUE;
}

/* Bridge ports and their VLANs. */

typedef struct {
  GHashTable *ports;            /* name -> VmnetPortVlanFact */
  GHashTable *bridge_of;        /* port name -> master ifindex */
  const gchar *only;            /* NULL: every port */
  GArray      *vids;            /* (element-type guint16) with @only: its VLANs */
} PortDump;

static int
on_port (struct nl_msg *msg, void *arg)
{
  PortDump *dump = arg;
  struct nlmsghdr *h = nlmsg_hdr (msg);
  struct ifinfomsg *ifi = nlmsg_data (h);
  struct nlattr *tb[IFLA_MAX + 1];
  VmnetPortVlanFact *f;
  const gchar *name;
  guint32 master;

  if (h->nlmsg_type != RTM_NEWLINK || nlmsg_parse (h, sizeof *ifi, tb, IFLA_MAX, NULL) < 0 ||
      !tb[IFLA_IFNAME] || !tb[IFLA_MASTER])
    return NL_OK;
  name = nla_get_string (tb[IFLA_IFNAME]);
  master = nla_get_u32 (tb[IFLA_MASTER]);
  if (master == (guint32) ifi->ifi_index || (dump->only && g_strcmp0 (dump->only, name) != 0))
    return NL_OK;   /* the bridge itself */

  f = vmnet_port_vlan_fact_new ();
  f->name = g_strdup (name);
  if (tb[IFLA_AF_SPEC])
    {
      struct nlattr *a;
      int rem;
      nla_for_each_nested (a, tb[IFLA_AF_SPEC], rem)
        {
          const struct bridge_vlan_info *vi;
          if (nla_type (a) != IFLA_BRIDGE_VLAN_INFO || nla_len (a) < (int) sizeof *vi)
            continue;
          vi = nla_data (a);
          f->n_vlans++;
          if (dump->vids)
            g_array_append_val (dump->vids, vi->vid);
          if (vi->flags & BRIDGE_VLAN_INFO_PVID)
            {
              f->pvid = vi->vid;
              f->pvid_untagged = (vi->flags & BRIDGE_VLAN_INFO_UNTAGGED) != 0;
            }
        }
    }
  g_hash_table_replace (dump->bridge_of, f->name, GUINT_TO_POINTER (master));
  g_hash_table_replace (dump->ports, f->name, f);
  return NL_OK;
}

typedef struct {
  gchar        *name;
  VmnetTernary  vlan_filtering;
  gint          default_pvid;
} BridgeInfo;

static int
on_bridge (struct nl_msg *msg, void *arg)
{
  BridgeInfo *info = arg;
  struct nlmsghdr *h = nlmsg_hdr (msg);
  struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1], *br[IFLA_BR_MAX + 1];

  if (h->nlmsg_type != RTM_NEWLINK ||
      nlmsg_parse (h, sizeof (struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
    return NL_OK;
  if (tb[IFLA_IFNAME])
    info->name = g_strdup (nla_get_string (tb[IFLA_IFNAME]));
  if (!tb[IFLA_LINKINFO] || nla_parse_nested (li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) < 0 ||
      !li[IFLA_INFO_KIND] || g_strcmp0 (nla_get_string (li[IFLA_INFO_KIND]), "bridge") != 0 ||
      !li[IFLA_INFO_DATA] || nla_parse_nested (br, IFLA_BR_MAX, li[IFLA_INFO_DATA], NULL) < 0)
    return NL_OK;
  if (br[IFLA_BR_VLAN_FILTERING])
    info->vlan_filtering = nla_get_u8 (br[IFLA_BR_VLAN_FILTERING]) ? VMNET_TERNARY_TRUE : VMNET_TERNARY_FALSE;
  if (br[IFLA_BR_VLAN_DEFAULT_PVID])
    info->default_pvid = nla_get_u16 (br[IFLA_BR_VLAN_DEFAULT_PVID]);
  return NL_OK;
}

static int
send_link_request (struct nl_sock *sock, int type, int flags, int family, int ifindex, guint32 ext_mask,
                   nl_recvmsg_msg_cb_t cb, void *arg)
{
  struct ifinfomsg ifi = { .ifi_family = family, .ifi_index = ifindex };
  struct nl_msg *msg = nlmsg_alloc_simple (type, flags);
  int rc;

  if (!msg)
    return -NLE_NOMEM;
  rc = nlmsg_append (msg, &ifi, sizeof ifi, NLMSG_ALIGNTO);
  if (rc >= 0 && ext_mask)
    rc = nla_put_u32 (msg, IFLA_EXT_MASK, ext_mask);
  if (rc >= 0)
    rc = nl_send_auto (sock, msg);
  nlmsg_free (msg);
  if (rc < 0)
    return rc;
  nl_socket_modify_cb (sock, NL_CB_VALID, NL_CB_CUSTOM, cb, arg);
  return nl_recvmsgs_default (sock);
}

/* Kernels list bridge ports' VLANs in dumps only. */
static GHashTable *
read_ports (struct nl_sock *sock, const gchar *only, GArray *vids, GError **error)
{
  g_autoptr(GHashTable) ports = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       (GDestroyNotify) vmnet_port_vlan_fact_free);
  g_autoptr(GHashTable) bridge_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) bridges = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  PortDump dump = { ports, bridge_of, only, vids };
  GHashTableIter iter;
  gpointer key, value;
  int rc;

  rc = send_link_request (sock, RTM_GETLINK, NLM_F_DUMP, AF_BRIDGE, 0, RTEXT_FILTER_BRVLAN, on_port, &dump);
  if (rc < 0)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_FAILED, "netlink: cannot list bridge ports: %s",
                   nl_geterror (rc));
      return NULL;
    }
  g_hash_table_iter_init (&iter, bridge_of);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      VmnetPortVlanFact *f = g_hash_table_lookup (ports, key);
      BridgeInfo *info = g_hash_table_lookup (bridges, value);

      if (!info)
        {
          info = g_new0 (BridgeInfo, 1);
          info->vlan_filtering = VMNET_TERNARY_UNKNOWN;
          info->default_pvid = -1;
          if (send_link_request (sock, RTM_GETLINK, 0, AF_UNSPEC, GPOINTER_TO_INT (value), 0, on_bridge, info) < 0)
            g_clear_pointer (&info->name, g_free);
          g_hash_table_insert (bridges, value, info);
        }
      f->bridge = g_strdup (info->name);
      f->vlan_filtering = info->vlan_filtering;
      f->default_pvid = info->default_pvid;
    }
  g_hash_table_iter_init (&iter, bridges);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_free (((BridgeInfo *) value)->name);
  return g_steal_pointer (&ports);
}

/* Every bridge port of the host's network namespace, by name. */
GHashTable *
vmnet_netlink_read_bridge_ports (GError **error)
{
  struct nl_sock *sock;
  GHashTable *ports;

  if (!open_route_socket (&sock, error))
    return NULL;
  ports = read_ports (sock, NULL, NULL, error);
  nl_socket_free (sock);
  return ports;
}

static int
change_port_vlans (struct nl_sock *sock, int type, int ifindex, const guint16 *vids, guint n, guint16 flags)
{
  struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE, .ifi_index = ifindex };
  struct nl_msg *msg = nlmsg_alloc_simple (type, NLM_F_ACK);
  struct nlattr *spec;
  int rc;

  if (!msg)
    return -NLE_NOMEM;
  rc = nlmsg_append (msg, &ifi, sizeof ifi, NLMSG_ALIGNTO);
  spec = rc >= 0 ? nla_nest_start (msg, IFLA_AF_SPEC) : NULL;
  if (!spec)
    rc = -NLE_NOMEM;
  for (guint i = 0; rc >= 0 && i < n; i++)
    {
      struct bridge_vlan_info vi = { .flags = flags, .vid = vids[i] };
      rc = nla_put (msg, IFLA_BRIDGE_VLAN_INFO, sizeof vi, &vi);
    }
  if (rc >= 0)
    {
      nla_nest_end (msg, spec);
      rc = nl_send_sync (sock, msg);   /* frees msg */
    }
  else
    nlmsg_free (msg);
  return rc;
}

/* Makes bridge port @port an access port of VLAN @vid: its only VLAN, the
 * port's PVID, untagged on egress. @vid 0 gives the port back its bridge's
 * default VLAN. The bridge enforces it while its vlan_filtering is on. */
gboolean
vmnet_netlink_set_port_vlan (const gchar *port, guint vid, GError **error)
{
  g_autoptr(GHashTable) ports = NULL;
  g_autoptr(GArray) current = g_array_new (FALSE, FALSE, sizeof (guint16));
  g_autoptr(GArray) stale = g_array_new (FALSE, FALSE, sizeof (guint16));
  struct nl_sock *sock;
  VmnetPortVlanFact *f;
  guint16 want;
  int ifindex, rc = 0;
  gboolean ok = FALSE;

  if (!open_route_socket (&sock, error))
    return FALSE;
  ports = read_ports (sock, port, current, error);
  if (!ports)
    goto out;
  f = g_hash_table_lookup (ports, port);
  ifindex = f ? (int) if_nametoindex (port) : 0;
  if (!f || ifindex <= 0)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "'%s' is not a bridge port", port);
      goto out;
    }
  want = vid > 0 ? vid : (f->default_pvid > 0 ? (guint16) f->default_pvid : 0);
  for (guint i = 0; i < current->len; i++)
    if (g_array_index (current, guint16, i) != want)
      g_array_append_val (stale, g_array_index (current, guint16, i));
  if (rc >= 0 && want > 0)
    rc = change_port_vlans (sock, RTM_SETLINK, ifindex, &want, 1,
                            BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED);
  if (rc >= 0 && stale->len > 0)
    rc = change_port_vlans (sock, RTM_DELLINK, ifindex, (const guint16 *) (gpointer) stale->data, stale->len, 0);
  if (rc < 0)
    {
      g_set_error (error, VMNET_ERROR,
                   rc == -NLE_PERM ? VMNET_ERROR_ACCESS_DENIED
                   : rc == -NLE_OPNOTSUPP ? VMNET_ERROR_NOT_SUPPORTED : VMNET_ERROR_FAILED,
                   "netlink: cannot make bridge port '%s' %s%u: %s", port,
                   vid > 0 ? "an access port of VLAN " : "untagged, in its bridge's default VLAN ",
                   want, nl_geterror (rc));
      goto out;
    }
  ok = TRUE;

out:
  nl_socket_free (sock);
  return ok;
}
