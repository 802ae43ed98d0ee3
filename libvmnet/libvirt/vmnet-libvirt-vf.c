/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "vmnet-error.h"
#include "vmnet-model-private.h"
#include "vmnet-libvirt-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

/* The VF partner of a failover pair: an interface from the switch's VF pool
 * with the adapter's MAC, teamed (transient) with the virtio adapter's alias,
 * and an alias of its own to detach it by (by XML it would match the virtio
 * device too: same MAC). */
gchar *
vmnet_libvirt_vf_interface_xml (const gchar *mac, const gchar *pool, const gchar *adapter_alias,
                                const gchar *vf_alias, gint vlan_id)
{
  g_autoptr(xmlDoc) doc = xmlNewDoc ((const xmlChar *) "1.0");
  xmlNode *root = xmlNewDocNode (doc, NULL, (const xmlChar *) "interface", NULL);
  xmlNode *n;
  xmlChar *mem = NULL;
  int size = 0;
  gchar *out;

  xmlDocSetRootElement (doc, root);
  xmlSetProp (root, (const xmlChar *) "type", (const xmlChar *) "network");
  n = xmlNewChild (root, NULL, (const xmlChar *) "mac", NULL);
  xmlSetProp (n, (const xmlChar *) "address", (const xmlChar *) mac);
  n = xmlNewChild (root, NULL, (const xmlChar *) "source", NULL);
  xmlSetProp (n, (const xmlChar *) "network", (const xmlChar *) pool);
  if (vlan_id > 0)
    {
      g_autofree gchar *id = g_strdup_printf ("%d", vlan_id);
      xmlNode *tag;
      n = xmlNewChild (root, NULL, (const xmlChar *) "vlan", NULL);
      tag = xmlNewChild (n, NULL, (const xmlChar *) "tag", NULL);
      xmlSetProp (tag, (const xmlChar *) "id", (const xmlChar *) id);
    }
  n = xmlNewChild (root, NULL, (const xmlChar *) "teaming", NULL);
  xmlSetProp (n, (const xmlChar *) "type", (const xmlChar *) "transient");
  xmlSetProp (n, (const xmlChar *) "persistent", (const xmlChar *) adapter_alias);
  n = xmlNewChild (root, NULL, (const xmlChar *) "alias", NULL);
  xmlSetProp (n, (const xmlChar *) "name", (const xmlChar *) vf_alias);

  xmlDocDumpFormatMemory (doc, &mem, &size, 1);
  /* Without the XML declaration. */
  out = g_strdup (g_strstr_len ((const gchar *) mem, size, "<interface"));
  xmlFree (mem);
  return out;
}

static virDomainPtr
lookup (VmnetLibvirtConn *conn, const gchar *uuid, GError **error)
{
  virDomainPtr dom = virDomainLookupByUUIDString (vmnet_libvirt_conn_get_ptr (conn), uuid);

  if (!dom)
    vmnet_libvirt_set_error (error, "cannot find the VM");
  return dom;
}

gboolean
vmnet_libvirt_conn_attach_vf (VmnetLibvirtConn *conn, const gchar *vm_uuid, const gchar *xml, GError **error)
{
  virDomainPtr dom = lookup (conn, vm_uuid, error);
  gboolean ok;

  if (!dom)
    return FALSE;
  /* Live only: a VF is a desire, given again after every start. */
  ok = virDomainAttachDeviceFlags (dom, xml, VIR_DOMAIN_AFFECT_LIVE) == 0;
  if (!ok)
    vmnet_libvirt_set_error (error, "cannot attach a VF");
  virDomainFree (dom);
  return ok;
}

gboolean
vmnet_libvirt_conn_detach_vf (VmnetLibvirtConn *conn, const gchar *vm_uuid, const gchar *vf_alias, GError **error)
{
  virDomainPtr dom = lookup (conn, vm_uuid, error);
  gboolean ok;

  if (!dom)
    return FALSE;
  ok = virDomainDetachDeviceAlias (dom, vf_alias, VIR_DOMAIN_AFFECT_LIVE) == 0;
  if (!ok)
    vmnet_libvirt_set_error (error, "cannot detach VF '%s'", vf_alias);
  virDomainFree (dom);
  return ok;
}

/* A VM network adapter: virtio on the switch's network, ready for failover
 * when the switch is in SR-IOV mode. */
gchar *
vmnet_libvirt_adapter_interface_xml (const gchar *mac, const gchar *network, const gchar *alias, gboolean failover)
{
  g_autoptr(xmlDoc) doc = xmlNewDoc ((const xmlChar *) "1.0");
  xmlNode *root = xmlNewDocNode (doc, NULL, (const xmlChar *) "interface", NULL);
  xmlNode *n;
  xmlChar *mem = NULL;
  int size = 0;
  gchar *out;

  xmlDocSetRootElement (doc, root);
  xmlSetProp (root, (const xmlChar *) "type", (const xmlChar *) "network");
  n = xmlNewChild (root, NULL, (const xmlChar *) "mac", NULL);
  xmlSetProp (n, (const xmlChar *) "address", (const xmlChar *) mac);
  n = xmlNewChild (root, NULL, (const xmlChar *) "source", NULL);
  xmlSetProp (n, (const xmlChar *) "network", (const xmlChar *) network);
  n = xmlNewChild (root, NULL, (const xmlChar *) "model", NULL);
  xmlSetProp (n, (const xmlChar *) "type", (const xmlChar *) "virtio");
  if (failover)
    {
      n = xmlNewChild (root, NULL, (const xmlChar *) "teaming", NULL);
      xmlSetProp (n, (const xmlChar *) "type", (const xmlChar *) "persistent");
    }
  n = xmlNewChild (root, NULL, (const xmlChar *) "alias", NULL);
  xmlSetProp (n, (const xmlChar *) "name", (const xmlChar *) alias);

  xmlDocDumpFormatMemory (doc, &mem, &size, 1);
  out = g_strdup (g_strstr_len ((const gchar *) mem, size, "<interface"));
  xmlFree (mem);
  return out;
}

/* Running: attach live (and to the persistent definition). Stopped: add the
 * interface to the persistent definition and define it again, as virsh edit
 * does. Either the interface is added or nothing changed. */
gboolean
vmnet_libvirt_conn_add_interface (VmnetLibvirtConn *conn, const gchar *vm_uuid, const gchar *xml, GError **error)
{
  virDomainPtr dom = lookup (conn, vm_uuid, error);
  gboolean ok = FALSE;

  if (!dom)
    return FALSE;
  if (virDomainIsActive (dom) == 1)
    {
      unsigned int flags = VIR_DOMAIN_AFFECT_LIVE;
      if (virDomainIsPersistent (dom) == 1)
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
      ok = virDomainAttachDeviceFlags (dom, xml, flags) == 0;
      if (!ok)
        vmnet_libvirt_set_error (error, "cannot add the network adapter");
    }
  else
    {
      char *def = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
      g_autoptr(xmlDoc) doc = def ? xmlReadMemory (def, strlen (def), "domain", NULL, XML_PARSE_NONET) : NULL;
      g_autoptr(xmlDoc) iface = xmlReadMemory (xml, strlen (xml), "interface", NULL, XML_PARSE_NONET);
      xmlNode *devices = NULL;

      free (def);
      if (doc)
        for (xmlNode *c = xmlDocGetRootElement (doc)->children; c && !devices; c = c->next)
          if (c->type == XML_ELEMENT_NODE && xmlStrEqual (c->name, (const xmlChar *) "devices"))
            devices = c;
      if (!doc || !devices || !iface)
        vmnet_libvirt_set_error (error, "cannot read the VM's definition");
      else
        {
          xmlChar *mem = NULL;
          int size = 0;
          virDomainPtr defined;

          xmlAddChild (devices, xmlDocCopyNode (xmlDocGetRootElement (iface), doc, 1));
          xmlDocDumpMemory (doc, &mem, &size);
          defined = virDomainDefineXML (vmnet_libvirt_conn_get_ptr (conn), (const char *) mem);
          xmlFree (mem);
          ok = defined != NULL;
          if (!ok)
            vmnet_libvirt_set_error (error, "cannot add the network adapter");
          else
            virDomainFree (defined);
        }
    }
  virDomainFree (dom);
  return ok;
}

/* Changes the persistent definition of the virtio interface with MAC: with
 * ALIAS, makes it ready for failover (<teaming type='persistent'/> and that
 * alias); with QUEUES > 0, gives it <driver queues='QUEUES'/>. Takes effect
 * when the VM next starts. */
gboolean
vmnet_libvirt_conn_update_interface (VmnetLibvirtConn *conn, const gchar *vm_uuid, const gchar *mac,
                                     const gchar *alias, gint queues, GError **error)
{
  virDomainPtr dom = lookup (conn, vm_uuid, error);
  char *def;
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *devices = NULL, *target = NULL;
  gboolean ok = FALSE;

  if (!dom)
    return FALSE;
  def = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  if (def)
    doc = xmlReadMemory (def, strlen (def), "domain", NULL, XML_PARSE_NONET);
  free (def);
  if (doc)
    for (xmlNode *c = xmlDocGetRootElement (doc)->children; c && !devices; c = c->next)
      if (c->type == XML_ELEMENT_NODE && xmlStrEqual (c->name, (const xmlChar *) "devices"))
        devices = c;
  for (xmlNode *c = devices ? devices->children : NULL; c && !target; c = c->next)
    {
      if (c->type != XML_ELEMENT_NODE || !xmlStrEqual (c->name, (const xmlChar *) "interface"))
        continue;
      for (xmlNode *m = c->children; m; m = m->next)
        {
          xmlChar *address;
          if (m->type != XML_ELEMENT_NODE || !xmlStrEqual (m->name, (const xmlChar *) "mac"))
            continue;
          address = xmlGetProp (m, (const xmlChar *) "address");
          if (address && g_ascii_strcasecmp ((const gchar *) address, mac) == 0)
            target = c;
          xmlFree (address);
        }
    }
  if (!target)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                   "no interface with MAC %s in the VM's persistent definition", mac);
      virDomainFree (dom);
      return FALSE;
    }

  {
    xmlNode *teaming = NULL, *alias_node = NULL, *driver = NULL;
    xmlChar *mem = NULL;
    int size = 0;
    virDomainPtr defined;

    for (xmlNode *c = target->children; c; c = c->next)
      if (c->type == XML_ELEMENT_NODE && xmlStrEqual (c->name, (const xmlChar *) "teaming"))
        teaming = c;
      else if (c->type == XML_ELEMENT_NODE && xmlStrEqual (c->name, (const xmlChar *) "alias"))
        alias_node = c;
      else if (c->type == XML_ELEMENT_NODE && xmlStrEqual (c->name, (const xmlChar *) "driver"))
        driver = c;
    if (alias)
      {
        if (!teaming)
          teaming = xmlNewChild (target, NULL, (const xmlChar *) "teaming", NULL);
        xmlSetProp (teaming, (const xmlChar *) "type", (const xmlChar *) "persistent");
        xmlUnsetProp (teaming, (const xmlChar *) "persistent");
        if (!alias_node)
          alias_node = xmlNewChild (target, NULL, (const xmlChar *) "alias", NULL);
        xmlSetProp (alias_node, (const xmlChar *) "name", (const xmlChar *) alias);
      }
    if (queues > 0)
      {
        g_autofree gchar *text = g_strdup_printf ("%d", queues);
        if (!driver)
          driver = xmlNewChild (target, NULL, (const xmlChar *) "driver", NULL);
        xmlSetProp (driver, (const xmlChar *) "queues", (const xmlChar *) text);
      }

    xmlDocDumpMemory (doc, &mem, &size);
    defined = virDomainDefineXML (vmnet_libvirt_conn_get_ptr (conn), (const char *) mem);
    xmlFree (mem);
    ok = defined != NULL;
    if (!ok)
      vmnet_libvirt_set_error (error, "cannot update the adapter's persistent definition");
    else
      virDomainFree (defined);
  }
  virDomainFree (dom);
  return ok;
}
