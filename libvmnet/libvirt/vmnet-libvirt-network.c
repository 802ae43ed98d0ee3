/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Switches as libvirt networks: the software path and its VF pool. */
#include "config.h"

#include <stdlib.h>
#include <libxml/tree.h>

#include "vmnet-error.h"
#include "vmnet-names-private.h"
#include "vmnet-libvirt-private.h"
#include "vmnet-libvirt-xml-private.h"

/* The software path of a switch: macvtap on the adapter, or an existing bridge. */
gchar *
vmnet_libvirt_switch_xml (const gchar *name, const gchar *net_adapter, const gchar *bridge)
{
  g_autoptr(xmlDoc) doc = xmlNewDoc ((const xmlChar *) "1.0");
  xmlNode *root = xmlNewDocNode (doc, NULL, (const xmlChar *) "network", NULL);
  xmlNode *forward;

  xmlDocSetRootElement (doc, root);
  xmlNewTextChild (root, NULL, (const xmlChar *) "name", (const xmlChar *) name);
  forward = xmlNewChild (root, NULL, (const xmlChar *) "forward", NULL);
  xmlSetProp (forward, (const xmlChar *) "mode", (const xmlChar *) "bridge");
  if (bridge)
    {
      xmlNode *b = xmlNewChild (root, NULL, (const xmlChar *) "bridge", NULL);
      xmlSetProp (b, (const xmlChar *) "name", (const xmlChar *) bridge);
    }
  else
    {
      xmlNode *i = xmlNewChild (forward, NULL, (const xmlChar *) "interface", NULL);
      xmlSetProp (i, (const xmlChar *) "dev", (const xmlChar *) net_adapter);
    }
  return vmnet_libvirt_xml_element_string (doc, TRUE);
}

/* The VF pool of an SR-IOV switch: libvirt hands out the PF's VFs atomically. */
gchar *
vmnet_libvirt_pool_xml (const gchar *name, const gchar *pf)
{
  g_autoptr(xmlDoc) doc = xmlNewDoc ((const xmlChar *) "1.0");
  xmlNode *root = xmlNewDocNode (doc, NULL, (const xmlChar *) "network", NULL);
  xmlNode *forward, *pf_node;

  xmlDocSetRootElement (doc, root);
  xmlNewTextChild (root, NULL, (const xmlChar *) "name", (const xmlChar *) name);
  forward = xmlNewChild (root, NULL, (const xmlChar *) "forward", NULL);
  xmlSetProp (forward, (const xmlChar *) "mode", (const xmlChar *) "hostdev");
  xmlSetProp (forward, (const xmlChar *) "managed", (const xmlChar *) "yes");
  pf_node = xmlNewChild (forward, NULL, (const xmlChar *) "pf", NULL);
  xmlSetProp (pf_node, (const xmlChar *) "dev", (const xmlChar *) pf);
  return vmnet_libvirt_xml_element_string (doc, TRUE);
}

static void
drop_network (virConnectPtr ptr, const gchar *name)
{
  virNetworkPtr net = virNetworkLookupByName (ptr, name);

  if (!net)
    {
      virResetLastError ();
      return;
    }
  if (virNetworkIsActive (net) == 1)
    virNetworkDestroy (net);
  virNetworkUndefine (net);
  virNetworkFree (net);
  virResetLastError ();
}

static gboolean
define_and_start (virConnectPtr ptr, const gchar *name, const gchar *xml, GError **error)
{
  virNetworkPtr net = virNetworkDefineXML (ptr, xml);

  if (!net)
    {
      vmnet_libvirt_set_error_for (error, "network.write", "the switches",
                                   "cannot define network '%s'", name);
      return FALSE;
    }
  if (virNetworkCreate (net) < 0)
    {
      vmnet_libvirt_set_error_for (error, "network.start", "the switches",
                                   "cannot start network '%s'", name);
      virNetworkFree (net);
      return FALSE;
    }
  if (virNetworkSetAutostart (net, 1) < 0)
    {
      vmnet_libvirt_set_error_for (error, "network.write", "the switches",
                                   "cannot autostart network '%s'", name);
      virNetworkFree (net);
      return FALSE;
    }
  virNetworkFree (net);
  return TRUE;
}

/* Both networks, or neither. */
gboolean
vmnet_libvirt_conn_create_switch (VmnetLibvirtConn *conn,
                                  const gchar      *name,
                                  const gchar      *net_adapter,
                                  const gchar      *bridge,
                                  const gchar      *pool_pf,
                                  GError          **error)
{
  virConnectPtr ptr = vmnet_libvirt_conn_get_ptr (conn);
  g_autofree gchar *xml = vmnet_libvirt_switch_xml (name, net_adapter, bridge);
  g_autofree gchar *pool_name = g_strconcat (name, VMNET_IOV_POOL_SUFFIX, NULL);

  if (!define_and_start (ptr, name, xml, error))
    {
      drop_network (ptr, name);
      return FALSE;
    }
  if (pool_pf)
    {
      g_autofree gchar *pool_xml = vmnet_libvirt_pool_xml (pool_name, pool_pf);
      if (!define_and_start (ptr, pool_name, pool_xml, error))
        {
          drop_network (ptr, pool_name);
          drop_network (ptr, name);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
vmnet_libvirt_conn_remove_switch (VmnetLibvirtConn *conn,
                                  const gchar      *name,
                                  const gchar      *pool_name,
                                  GError          **error)
{
  virConnectPtr ptr = vmnet_libvirt_conn_get_ptr (conn);
  const gchar *names[] = { pool_name, name };

  /* The pool first: the switch is never left half in SR-IOV mode. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      virNetworkPtr net;
      if (!names[i])
        continue;
      net = virNetworkLookupByName (ptr, names[i]);
      if (!net)
        {
          vmnet_libvirt_set_error_for (error, "network.getattr", "the switches",
                                       "cannot find network '%s'", names[i]);
          return FALSE;
        }
      if (virNetworkIsActive (net) == 1 && virNetworkDestroy (net) < 0)
        {
          vmnet_libvirt_set_error_for (error, "network.stop", "the switches",
                                   "cannot stop network '%s'", names[i]);
          virNetworkFree (net);
          return FALSE;
        }
      if (virNetworkIsPersistent (net) == 1 && virNetworkUndefine (net) < 0)
        {
          vmnet_libvirt_set_error_for (error, "network.delete", "the switches",
                                   "cannot undefine network '%s'", names[i]);
          virNetworkFree (net);
          return FALSE;
        }
      virNetworkFree (net);
    }
  return TRUE;
}
