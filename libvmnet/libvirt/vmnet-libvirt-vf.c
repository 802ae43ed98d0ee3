/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VFs and adapters in domain XML: the failover pair, hot-plug, the alias
 * convention, persistent interface edits. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "vmnet-error.h"
#include "vmnet-names-private.h"
#include "vmnet-libvirt-private.h"
#include "vmnet-libvirt-xml-private.h"

/* <interface type='network'> with a MAC on a network, in a new document. */
static xmlNode *
network_interface (xmlDoc **doc, const gchar *mac, const gchar *network)
{
  xmlNode *root, *n;

  *doc = xmlNewDoc ((const xmlChar *) "1.0");
  root = xmlNewDocNode (*doc, NULL, (const xmlChar *) "interface", NULL);
  xmlDocSetRootElement (*doc, root);
  xmlSetProp (root, (const xmlChar *) "type", (const xmlChar *) "network");
  n = xmlNewChild (root, NULL, (const xmlChar *) "mac", NULL);
  xmlSetProp (n, (const xmlChar *) "address", (const xmlChar *) mac);
  n = xmlNewChild (root, NULL, (const xmlChar *) "source", NULL);
  xmlSetProp (n, (const xmlChar *) "network", (const xmlChar *) network);
  return root;
}

/* The VF partner of a failover pair: an interface from the switch's VF pool
 * with the adapter's MAC, teamed (transient) with the virtio adapter's alias,
 * and an alias of its own to detach it by (by XML it would match the virtio
 * device too: same MAC). */
gchar *
vmnet_libvirt_vf_interface_xml (const gchar *mac, const gchar *pool, const gchar *adapter_name, gint vlan_id)
{
  g_autofree gchar *adapter_alias = vmnet_libvirt_adapter_alias (adapter_name);
  g_autofree gchar *vf_alias = vmnet_libvirt_vf_alias (adapter_name);
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root = network_interface (&doc, mac, pool);
  xmlNode *n;

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
  return vmnet_libvirt_xml_element_string (doc, TRUE);
}

#define lookup vmnet_libvirt_conn_lookup_vm

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
    vmnet_libvirt_set_error_for (error, "domain.write", "this VM", "cannot attach a VF");
  virDomainFree (dom);
  return ok;
}

/* Whether the running VM still has a device with this alias. */
static gboolean
live_has_alias (virDomainPtr dom, const gchar *alias)
{
  g_autoptr(VmnetDomainFact) d = NULL;
  char *xml = virDomainGetXMLDesc (dom, 0);

  if (!xml)
    {
      virResetLastError ();
      return FALSE;
    }
  d = vmnet_libvirt_parse_domain (xml, NULL);
  free (xml);
  for (guint i = 0; d && i < d->interfaces->len; i++)
    if (g_strcmp0 (((VmnetIfaceFact *) g_ptr_array_index (d->interfaces, i))->alias, alias) == 0)
      return TRUE;
  return FALSE;
}

/* Polls until the device with ALIAS has left the running VM, or the VM
 * stopped, for at most TIMEOUT_US. */
static gboolean
wait_gone (virDomainPtr dom, const gchar *alias, gint64 timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  for (;;)
    {
      if (virDomainIsActive (dom) != 1 || !live_has_alias (dom, alias))
        {
          virResetLastError ();
          return TRUE;
        }
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      g_usleep (G_USEC_PER_SEC / 10);
    }
}

/* Unplugging a PCI device is asynchronous: QEMU asks the guest, and libvirt
 * removes the device (and gives the VF back to the pool and the host driver)
 * only when the guest's OS has let it go. Wait for that, as libvirt's own
 * synchronous detach does (5 s there; guests under emulation need longer),
 * so the caller reads the host after the VF is gone. A paused VM cannot
 * answer; a guest that does not answer in time keeps the request pending and
 * its VF shows as still in use. */
#define VF_DETACH_WAIT_US (30 * G_USEC_PER_SEC)

gboolean
vmnet_libvirt_conn_detach_vf (VmnetLibvirtConn *conn, const gchar *vm_uuid, const gchar *vf_alias, GError **error)
{
  virDomainPtr dom = lookup (conn, vm_uuid, error);
  gboolean ok;
  int state = VIR_DOMAIN_NOSTATE;

  if (!dom)
    return FALSE;
  ok = virDomainDetachDeviceAlias (dom, vf_alias, VIR_DOMAIN_AFFECT_LIVE) == 0;
  if (!ok)
    vmnet_libvirt_set_error_for (error, "domain.write", "this VM", "cannot detach VF '%s'", vf_alias);
  else if (virDomainGetState (dom, &state, NULL, 0) == 0 && state == VIR_DOMAIN_RUNNING &&
           !wait_gone (dom, vf_alias, VF_DETACH_WAIT_US))
    g_debug ("VF '%s' not released by the guest yet; the unplug request stays pending", vf_alias);
  virResetLastError ();
  virDomainFree (dom);
  return ok;
}

/* libvirt's detach by alias only asks the guest; this says whether the
 * device has left the running VM (the guest OS must acknowledge the unplug),
 * after waiting up to TIMEOUT_MS for it. A VM that stopped has let go too. */
gboolean
vmnet_libvirt_conn_wait_device_gone (VmnetLibvirtConn *conn, const gchar *vm_uuid, const gchar *alias,
                                     guint timeout_ms, GError **error)
{
  virDomainPtr dom = lookup (conn, vm_uuid, error);
  gboolean gone;

  if (!dom)
    return FALSE;
  gone = wait_gone (dom, alias, (gint64) timeout_ms * 1000);
  virDomainFree (dom);
  if (!gone)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_BUSY,
                 "the guest has not released '%s': its OS must acknowledge the unplug", alias);
  return gone;
}

/* A VM network adapter: virtio on the switch's network, ready for failover
 * when the switch is in SR-IOV mode. */
gchar *
vmnet_libvirt_adapter_interface_xml (const gchar *mac, const gchar *network, const gchar *adapter_name,
                                     gboolean failover)
{
  g_autofree gchar *alias = vmnet_libvirt_adapter_alias (adapter_name);
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root = network_interface (&doc, mac, network);
  xmlNode *n;

  n = xmlNewChild (root, NULL, (const xmlChar *) "model", NULL);
  xmlSetProp (n, (const xmlChar *) "type", (const xmlChar *) "virtio");
  if (failover)
    {
      n = xmlNewChild (root, NULL, (const xmlChar *) "teaming", NULL);
      xmlSetProp (n, (const xmlChar *) "type", (const xmlChar *) "persistent");
    }
  n = xmlNewChild (root, NULL, (const xmlChar *) "alias", NULL);
  xmlSetProp (n, (const xmlChar *) "name", (const xmlChar *) alias);
  return vmnet_libvirt_xml_element_string (doc, TRUE);
}

/* Edits the persistent definition and defines it again, as virsh edit does:
 * the change is in place or nothing changed. */
typedef gboolean (*EditFunc) (xmlNode *devices, gconstpointer data, GError **error);

static gboolean
edit_definition (VmnetLibvirtConn *conn, virDomainPtr dom, EditFunc edit, gconstpointer data,
                 const gchar *what, GError **error)
{
  char *def = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
  g_autoptr(xmlDoc) doc = def ? xmlReadMemory (def, strlen (def), "domain", NULL, XML_PARSE_NONET) : NULL;
  xmlNode *devices = NULL;
  xmlChar *mem = NULL;
  int size = 0;
  virDomainPtr defined;

  free (def);
  for (xmlNode *c = doc ? xmlDocGetRootElement (doc)->children : NULL; c && !devices; c = c->next)
    if (c->type == XML_ELEMENT_NODE && xmlStrEqual (c->name, (const xmlChar *) "devices"))
      devices = c;
  if (!devices)
    {
      vmnet_libvirt_set_error_for (error, "domain.read-secure", "this VM", "cannot read the VM's definition");
      return FALSE;
    }
  if (!edit (devices, data, error))
    return FALSE;
  xmlDocDumpMemory (doc, &mem, &size);
  defined = virDomainDefineXML (vmnet_libvirt_conn_get_ptr (conn), (const char *) mem);
  xmlFree (mem);
  if (!defined)
    {
      vmnet_libvirt_set_error_for (error, "domain.write", "this VM", "cannot %s", what);
      return FALSE;
    }
  virDomainFree (defined);
  return TRUE;
}

static gboolean
append_interface (xmlNode *devices, gconstpointer data, GError **error)
{
  const gchar *xml = data;
  g_autoptr(xmlDoc) iface = xmlReadMemory (xml, strlen (xml), "interface", NULL, XML_PARSE_NONET);

  g_return_val_if_fail (iface != NULL, FALSE);
  xmlAddChild (devices, xmlDocCopyNode (xmlDocGetRootElement (iface), devices->doc, 1));
  return TRUE;
}

/* Running: attach live (and to the persistent definition). Stopped: add it to
 * the definition. Either the interface is added or nothing changed. */
gboolean
vmnet_libvirt_conn_add_interface (VmnetLibvirtConn *conn, const gchar *vm_uuid, const gchar *xml, GError **error)
{
  virDomainPtr dom = lookup (conn, vm_uuid, error);
  gboolean ok;

  if (!dom)
    return FALSE;
  if (virDomainIsActive (dom) == 1)
    {
      unsigned int flags = VIR_DOMAIN_AFFECT_LIVE;
      if (virDomainIsPersistent (dom) == 1)
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
      ok = virDomainAttachDeviceFlags (dom, xml, flags) == 0;
      if (!ok)
        vmnet_libvirt_set_error_for (error, "domain.write", "this VM", "cannot add the network adapter");
    }
  else
    ok = edit_definition (conn, dom, append_interface, xml, "add the network adapter", error);
  virDomainFree (dom);
  return ok;
}

typedef struct {
  const gchar *mac;
  const gchar *alias;
  gint         queues;
  gboolean     set_filter;
  const gchar *filter;
} InterfaceUpdate;

static xmlNode *
child_named (xmlNode *node, const gchar *name)
{
  for (xmlNode *c = node->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && xmlStrEqual (c->name, (const xmlChar *) name))
      return c;
  return NULL;
}

/* The software-path interface with MAC among DEVICES (not its VF: same MAC). */
static xmlNode *
find_interface (xmlNode *devices, const gchar *mac)
{
  for (xmlNode *c = devices->children; c; c = c->next)
    {
      xmlNode *m;
      xmlChar *address, *type;
      gboolean match;

      if (c->type != XML_ELEMENT_NODE || !xmlStrEqual (c->name, (const xmlChar *) "interface") ||
          !(m = child_named (c, "mac")))
        continue;
      address = xmlGetProp (m, (const xmlChar *) "address");
      type = xmlGetProp (c, (const xmlChar *) "type");
      match = address && g_ascii_strcasecmp ((const gchar *) address, mac) == 0 &&
              !xmlStrEqual (type, (const xmlChar *) "hostdev");
      xmlFree (address);
      xmlFree (type);
      if (match)
        return c;
    }
  return NULL;
}

static gboolean
edit_interface (xmlNode *target, const InterfaceUpdate *u, GError **error)
{
  if (u->set_filter)
    {
      xmlNode *ref = child_named (target, "filterref");
      xmlChar *current = ref ? xmlGetProp (ref, (const xmlChar *) "filter") : NULL;
      gboolean own = vmnet_libvirt_is_own_filter ((const gchar *) current);

      if (!own)
        g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                     "the interface uses nwfilter '%s', which libvmnet does not manage; "
                     "RouterGuard and DhcpGuard need its own filter there", (const gchar *) current);
      xmlFree (current);
      if (!own)
        return FALSE;
      if (ref)
        {
          xmlUnlinkNode (ref);
          xmlFreeNode (ref);
        }
      if (u->filter)
        {
          ref = xmlNewChild (target, NULL, (const xmlChar *) "filterref", NULL);
          xmlSetProp (ref, (const xmlChar *) "filter", (const xmlChar *) u->filter);
        }
    }
  if (u->alias)
    {
      xmlNode *teaming = child_named (target, "teaming");
      xmlNode *alias = child_named (target, "alias");
      if (!teaming)
        teaming = xmlNewChild (target, NULL, (const xmlChar *) "teaming", NULL);
      xmlSetProp (teaming, (const xmlChar *) "type", (const xmlChar *) "persistent");
      xmlUnsetProp (teaming, (const xmlChar *) "persistent");
      if (!alias)
        alias = xmlNewChild (target, NULL, (const xmlChar *) "alias", NULL);
      xmlSetProp (alias, (const xmlChar *) "name", (const xmlChar *) u->alias);
    }
  if (u->queues > 0)
    {
      g_autofree gchar *text = g_strdup_printf ("%d", u->queues);
      xmlNode *driver = child_named (target, "driver");
      if (!driver)
        driver = xmlNewChild (target, NULL, (const xmlChar *) "driver", NULL);
      xmlSetProp (driver, (const xmlChar *) "queues", (const xmlChar *) text);
    }
  return TRUE;
}

static gboolean
update_interface (xmlNode *devices, gconstpointer data, GError **error)
{
  const InterfaceUpdate *u = data;
  xmlNode *target = find_interface (devices, u->mac);

  if (!target)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                   "no interface with MAC %s in the VM's persistent definition", u->mac);
      return FALSE;
    }
  return edit_interface (target, u, error);
}

/* The live XML shows an interface of a network by the connection the
 * network gave it: a network over a host bridge (forward mode 'bridge')
 * appears as <interface type='bridge'> with <source network='N'
 * portid='…' bridge='BR'/>. Given back to virDomainUpdateDeviceFlags as it
 * is, libvirt takes it for a plain bridge interface: it releases the
 * network's port and the adapter leaves its switch (measured with libvirt
 * 11.3). So the device to update names the network again, as the
 * definition does, and no port: libvirt allocates the same connection and,
 * the change being a filter, keeps the running device. */
static void
restore_network_source (xmlNode *iface)
{
  xmlNode *source = child_named (iface, "source");
  xmlChar *network = source ? xmlGetProp (source, (const xmlChar *) "network") : NULL;
  xmlChar *portgroup = source ? xmlGetProp (source, (const xmlChar *) "portgroup") : NULL;

  if (network)
    {
      while (source->properties)
        xmlRemoveProp (source->properties);
      xmlSetProp (source, (const xmlChar *) "network", network);
      if (portgroup)
        xmlSetProp (source, (const xmlChar *) "portgroup", portgroup);
      xmlSetProp (iface, (const xmlChar *) "type", (const xmlChar *) "network");
    }
  xmlFree (network);
  xmlFree (portgroup);
}

/* The running VM's interface gets the new filter at once, also while it
 * holds a VF (the VF keeps its place: a filter is a change libvirt makes on
 * the tap). */
static gboolean
update_live_filter (virDomainPtr dom, const InterfaceUpdate *u, GError **error)
{
  char *xml = virDomainGetXMLDesc (dom, 0);
  g_autoptr(xmlDoc) doc = xml ? xmlReadMemory (xml, strlen (xml), "domain", NULL, XML_PARSE_NONET) : NULL;
  InterfaceUpdate filter_only = { u->mac, NULL, 0, TRUE, u->filter };
  xmlNode *devices, *target;
  g_autoptr(xmlDoc) one = NULL;
  g_autofree gchar *device = NULL;

  free (xml);
  devices = doc ? child_named (xmlDocGetRootElement (doc), "devices") : NULL;
  target = devices ? find_interface (devices, u->mac) : NULL;
  if (!target)
    {
      vmnet_libvirt_set_error (error, "no interface with MAC %s in the running VM", u->mac);
      return FALSE;
    }
  if (!edit_interface (target, &filter_only, error))
    return FALSE;
  restore_network_source (target);
  one = xmlNewDoc ((const xmlChar *) "1.0");
  xmlDocSetRootElement (one, xmlDocCopyNode (target, one, 1));
  device = vmnet_libvirt_xml_element_string (one, TRUE);
  if (virDomainUpdateDeviceFlags (dom, device, VIR_DOMAIN_AFFECT_LIVE) < 0)
    {
      vmnet_libvirt_set_error_for (error, "domain.write", "this VM", "cannot change the running adapter's filter");
      return FALSE;
    }
  return TRUE;
}

/* Changes the virtio interface with MAC: with FAILOVER_NAME, makes its
 * persistent definition ready for failover (<teaming type='persistent'/> and
 * the alias of adapter FAILOVER_NAME; from the next start); with QUEUES > 0, gives it <driver
 * queues='QUEUES'/> (from the next start); with SET_FILTER, gives it the
 * nwfilter FILTER (NULL: none) in the persistent definition and, when the VM
 * runs, at once. A filter libvmnet does not manage is never replaced. */
gboolean
vmnet_libvirt_conn_update_interface (VmnetLibvirtConn *conn, const gchar *vm_uuid, const gchar *mac,
                                     const gchar *failover_name, gint queues, gboolean set_filter,
                                     const gchar *filter, GError **error)
{
  g_autofree gchar *alias = failover_name ? vmnet_libvirt_adapter_alias (failover_name) : NULL;
  virDomainPtr dom = lookup (conn, vm_uuid, error);
  InterfaceUpdate u = { mac, alias, queues, set_filter, filter };
  gboolean ok = TRUE;

  if (!dom)
    return FALSE;
  if (set_filter && virDomainIsActive (dom) == 1)
    ok = update_live_filter (dom, &u, error);
  if (ok && (alias || queues > 0 || set_filter) && virDomainIsPersistent (dom) == 1)
    ok = edit_definition (conn, dom, update_interface, &u, "update the adapter's persistent definition", error);
  virDomainFree (dom);
  return ok;
}

/* The PCI address of the VF teamed with adapter ADAPTER_NAME, from the live XML. */
gchar *
vmnet_libvirt_conn_teamed_vf (VmnetLibvirtConn *conn, const gchar *vm_uuid, const gchar *adapter_name)
{
  g_autofree gchar *adapter_alias = vmnet_libvirt_adapter_alias (adapter_name);
  virDomainPtr dom = lookup (conn, vm_uuid, NULL);
  g_autoptr(VmnetDomainFact) d = NULL;
  char *xml;

  virResetLastError ();
  if (!dom)
    return NULL;
  xml = virDomainGetXMLDesc (dom, 0);
  virDomainFree (dom);
  virResetLastError ();
  if (!xml)
    return NULL;
  d = vmnet_libvirt_parse_domain (xml, NULL);
  free (xml);
  for (guint i = 0; d && i < d->interfaces->len; i++)
    {
      VmnetIfaceFact *iface = g_ptr_array_index (d->interfaces, i);
      if (iface->teaming == VMNET_TEAMING_TRANSIENT && iface->hostdev_address &&
          g_strcmp0 (iface->teaming_persistent, adapter_alias) == 0)
        return g_strdup (iface->hostdev_address);
    }
  return NULL;
}

/* The running VM whose live definition holds the VF at VF_ADDRESS (its
 * name), or NULL when none does. */
gchar *
vmnet_libvirt_conn_vf_holder (VmnetLibvirtConn *conn, const gchar *vf_address)
{
  virDomainPtr *doms = NULL;
  gchar *holder = NULL;
  int n = virConnectListAllDomains (vmnet_libvirt_conn_get_ptr (conn), &doms, VIR_CONNECT_LIST_DOMAINS_ACTIVE);

  for (int i = 0; i < n; i++)
    {
      char *xml = holder ? NULL : virDomainGetXMLDesc (doms[i], 0);
      g_autoptr(VmnetDomainFact) d = xml ? vmnet_libvirt_parse_domain (xml, NULL) : NULL;

      free (xml);
      for (guint j = 0; d && !holder && j < d->interfaces->len; j++)
        {
          VmnetIfaceFact *iface = g_ptr_array_index (d->interfaces, j);
          if (g_strcmp0 (iface->hostdev_address, vf_address) == 0)
            holder = g_strdup (d->name);
        }
      virDomainFree (doms[i]);
    }
  free (doms);
  virResetLastError ();
  return holder;
}
