/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The nwfilters that enforce RouterGuard, DhcpGuard and MacAddressSpoofing
 * off on the software path. */
#include "config.h"

#include "vmnet-libvirt-private.h"

/* RouterGuard and DhcpGuard on the software path: libvirt nwfilters that
 * drop what Hyper-V's port ACLs drop, for traffic leaving the VM. */

#define DHCP_GUARD   "vmnet-dhcp-guard"
#define ROUTER_GUARD "vmnet-router-guard"
#define BOTH_GUARDS  "vmnet-guards"
/* MacAddressSpoofing off: libvirt's no-mac-spoofing (frames the VM sends
 * with another source MAC are dropped), alone or with the guards. */
#define MAC_GUARD        "vmnet-mac-guard"
#define MAC_DHCP_GUARD   "vmnet-mac-dhcp-guard"
#define MAC_ROUTER_GUARD "vmnet-mac-router-guard"
#define MAC_GUARDS       "vmnet-mac-guards"
#define NO_MAC_SPOOFING  "<filterref filter='no-mac-spoofing'/>"

static const struct {
  const gchar *name;
  const gchar *xml;
} filters[] = {
  /* DHCP and DHCPv6 server messages. */
  { DHCP_GUARD,
    "<filter name='" DHCP_GUARD "'>"
    "<rule action='drop' direction='out' priority='100'><udp srcportstart='67' dstportstart='68'/></rule>"
    "<rule action='drop' direction='out' priority='100'><udp-ipv6 srcportstart='547' dstportstart='546'/></rule>"
    "</filter>" },
  /* Router advertisements and redirects (ICMPv6 134 and 137, ICMP 5). */
  { ROUTER_GUARD,
    "<filter name='" ROUTER_GUARD "'>"
    "<rule action='drop' direction='out' priority='100'><icmpv6 type='134'/></rule>"
    "<rule action='drop' direction='out' priority='100'><icmpv6 type='137'/></rule>"
    "<rule action='drop' direction='out' priority='100'><icmp type='5'/></rule>"
    "</filter>" },
  { BOTH_GUARDS,
    "<filter name='" BOTH_GUARDS "'>"
    "<filterref filter='" DHCP_GUARD "'/><filterref filter='" ROUTER_GUARD "'/>"
    "</filter>" },
  { MAC_GUARD, "<filter name='" MAC_GUARD "'>" NO_MAC_SPOOFING "</filter>" },
  { MAC_DHCP_GUARD,
    "<filter name='" MAC_DHCP_GUARD "'>" NO_MAC_SPOOFING "<filterref filter='" DHCP_GUARD "'/></filter>" },
  { MAC_ROUTER_GUARD,
    "<filter name='" MAC_ROUTER_GUARD "'>" NO_MAC_SPOOFING "<filterref filter='" ROUTER_GUARD "'/></filter>" },
  { MAC_GUARDS,
    "<filter name='" MAC_GUARDS "'>" NO_MAC_SPOOFING "<filterref filter='" BOTH_GUARDS "'/></filter>" },
};

/* The filter an interface needs for these policies; NULL: none. */
const gchar *
vmnet_libvirt_guard_filter (gboolean router_guard, gboolean dhcp_guard, gboolean deny_mac_spoofing)
{
  if (router_guard && dhcp_guard)
    return deny_mac_spoofing ? MAC_GUARDS : BOTH_GUARDS;
  if (router_guard)
    return deny_mac_spoofing ? MAC_ROUTER_GUARD : ROUTER_GUARD;
  if (dhcp_guard)
    return deny_mac_spoofing ? MAC_DHCP_GUARD : DHCP_GUARD;
  return deny_mac_spoofing ? MAC_GUARD : NULL;
}

/* Whether the connection's libvirt has its nwfilter driver. */
gboolean
vmnet_libvirt_conn_has_nwfilter (VmnetLibvirtConn *conn)
{
  gboolean has = virConnectNumOfNWFilters (vmnet_libvirt_conn_get_ptr (conn)) >= 0;

  virResetLastError ();
  return has;
}

/* Whether libvmnet may replace this filterref (none, or one of its own). */
gboolean
vmnet_libvirt_is_own_filter (const gchar *name)
{
  return name == NULL || g_str_has_prefix (name, "vmnet-");
}

/* Defines the filters that are missing; existing ones are left as they are. */
gboolean
vmnet_libvirt_conn_ensure_guard_filters (VmnetLibvirtConn *conn, GError **error)
{
  virConnectPtr ptr = vmnet_libvirt_conn_get_ptr (conn);

  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      virNWFilterPtr f = virNWFilterLookupByName (ptr, filters[i].name);

      virResetLastError ();
      if (!f)
        f = virNWFilterDefineXML (ptr, filters[i].xml);
      if (!f)
        {
          vmnet_libvirt_set_error_for (error, "nwfilter.write", "the host's network filters",
                                       "cannot define nwfilter '%s'", filters[i].name);
          return FALSE;
        }
      virNWFilterFree (f);
    }
  return TRUE;
}
