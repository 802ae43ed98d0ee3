/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "vmnet-error.h"
#include "vmnet-enum-types.h"
#include "vmnet-model-private.h"
#include "vmnet-settings-private.h"
#include "vmnet-libvirt-xml-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathObject, xmlXPathFreeObject)

static xmlDoc *
parse_doc (const gchar *xml, const gchar *what, GError **error)
{
  xmlDoc *doc = xmlReadMemory (xml, strlen (xml), what, NULL,
                               XML_PARSE_NONET | XML_PARSE_NOBLANKS |
                               XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc || !xmlDocGetRootElement (doc))
    {
      const xmlError *e = xmlGetLastError ();
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA,
                   "malformed %s XML: %s", what,
                   e && e->message ? g_strchomp (e->message) : "no root element");
      if (doc)
        xmlFreeDoc (doc);
      return NULL;
    }
  return doc;
}

static xmlNode *
child (xmlNode *node, const gchar *name)
{
  for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && g_str_equal ((const gchar *) c->name, name))
      return c;
  return NULL;
}

static gchar *
prop (xmlNode *node, const gchar *name)
{
  xmlChar *v;
  gchar *ret;

  if (!node)
    return NULL;
  v = xmlGetProp (node, (const xmlChar *) name);
  if (!v)
    return NULL;
  ret = g_strdup ((const gchar *) v);
  xmlFree (v);
  return ret;
}

static gchar *
text (xmlNode *node)
{
  xmlChar *v;
  gchar *ret;

  if (!node)
    return NULL;
  v = xmlNodeGetContent (node);
  ret = g_strstrip (g_strdup ((const gchar *) v));
  xmlFree (v);
  return ret;
}

static gboolean
parse_int (const gchar *s, gint64 min, gint64 max, gint64 *out)
{
  return s && g_ascii_string_to_signed (s, 10, min, max, out, NULL);
}

/* A number in C notation (decimal or 0x-hex), as libvirt writes PCI addresses. */
static gboolean
parse_number (const gchar *s, guint64 max, guint64 *out)
{
  gchar *end = NULL;
  guint64 v;

  if (!s || !*s || *s == '-')
    return FALSE;
  v = g_ascii_strtoull (s, &end, 0);
  if (*end != '\0' || v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

/* <address domain='0x0000' bus='0x3b' slot='0x10' function='0x0'/> */
static gchar *
pci_address_of (xmlNode *addr)
{
  g_autofree gchar *d = prop (addr, "domain");
  g_autofree gchar *b = prop (addr, "bus");
  g_autofree gchar *s = prop (addr, "slot");
  g_autofree gchar *f = prop (addr, "function");
  guint64 dv, bv, sv, fv;

  if (!d || !b || !s || !f ||
      !parse_number (d, 0xffff, &dv) ||
      !parse_number (b, 0xff, &bv) ||
      !parse_number (s, 0x1f, &sv) ||
      !parse_number (f, 0x7, &fv))
    return NULL;
  return g_strdup_printf ("%04x:%02x:%02x.%x", (guint) dv, (guint) bv, (guint) sv, (guint) fv);
}

static gchar *
pci_address_from_numbers (xmlNode *cap)
{
  g_autofree gchar *d = text (child (cap, "domain"));
  g_autofree gchar *b = text (child (cap, "bus"));
  g_autofree gchar *s = text (child (cap, "slot"));
  g_autofree gchar *f = text (child (cap, "function"));
  guint64 dv, bv, sv, fv;

  if (!d || !b || !s || !f ||
      !parse_number (d, 0xffff, &dv) ||
      !parse_number (b, 0xff, &bv) ||
      !parse_number (s, 0x1f, &sv) ||
      !parse_number (f, 0x7, &fv))
    return NULL;
  return g_strdup_printf ("%04x:%02x:%02x.%x", (guint) dv, (guint) bv, (guint) sv, (guint) fv);
}

static void
parse_pci_cap (xmlNode *cap, VmnetPciFact *pci)
{
  g_autofree gchar *klass = text (child (cap, "class"));
  xmlNode *group;
  gint64 v;

  pci->address = pci_address_from_numbers (cap);
  if (klass)
    pci->pci_class = (guint) g_ascii_strtoull (klass, NULL, 0);
  pci->vendor = text (child (cap, "vendor"));
  pci->product = text (child (cap, "product"));

  group = child (cap, "iommuGroup");
  if (group)
    {
      g_autofree gchar *number = prop (group, "number");
      if (parse_int (number, 0, G_MAXINT, &v))
        pci->iommu_group = (gint) v;
      for (xmlNode *c = group->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && g_str_equal ((const gchar *) c->name, "address"))
          pci->iommu_group_size++;
    }

  for (xmlNode *c = cap->children; c; c = c->next)
    {
      g_autofree gchar *type = NULL;

      if (c->type != XML_ELEMENT_NODE || !g_str_equal ((const gchar *) c->name, "capability"))
        continue;
      type = prop (c, "type");
      if (g_strcmp0 (type, "virt_functions") == 0)
        {
          g_autofree gchar *max = prop (c, "maxCount");
          pci->sriov_capable = TRUE;
          if (parse_int (max, 0, G_MAXINT, &v))
            pci->max_vfs = (gint) v;
          for (xmlNode *a = c->children; a; a = a->next)
            {
              gchar *address;
              if (a->type != XML_ELEMENT_NODE || !g_str_equal ((const gchar *) a->name, "address"))
                continue;
              address = pci_address_of (a);
              if (address)
                g_ptr_array_add (pci->vf_addresses, address);
            }
        }
      else if (g_strcmp0 (type, "phys_function") == 0)
        {
          pci->pf_address = pci_address_of (child (c, "address"));
        }
    }
}

gboolean
vmnet_libvirt_parse_nodedev (const gchar      *xml,
                             VmnetPciFact    **pci_out,
                             VmnetNetdevFact **netdev_out,
                             GError          **error)
{
  g_autoptr(xmlDoc) doc = parse_doc (xml, "node device", error);
  xmlNode *root, *driver;
  g_autofree gchar *name = NULL;
  g_autofree gchar *parent = NULL;

  *pci_out = NULL;
  *netdev_out = NULL;
  if (!doc)
    return FALSE;

  root = xmlDocGetRootElement (doc);
  name = text (child (root, "name"));
  parent = text (child (root, "parent"));
  driver = child (child (root, "driver"), "name");

  for (xmlNode *cap = root->children; cap; cap = cap->next)
    {
      g_autofree gchar *type = NULL;

      if (cap->type != XML_ELEMENT_NODE || !g_str_equal ((const gchar *) cap->name, "capability"))
        continue;
      type = prop (cap, "type");
      if (g_strcmp0 (type, "pci") == 0)
        {
          VmnetPciFact *pci = vmnet_pci_fact_new ();
          pci->name = g_strdup (name);
          pci->driver = text (driver);
          parse_pci_cap (cap, pci);
          *pci_out = pci;
        }
      else if (g_strcmp0 (type, "net") == 0)
        {
          VmnetNetdevFact *net = vmnet_netdev_fact_new ();
          xmlNode *link = child (cap, "link");
          g_autofree gchar *speed = prop (link, "speed");
          gint64 v;

          net->name = g_strdup (name);
          net->parent = g_strdup (parent);
          net->interface = text (child (cap, "interface"));
          net->mac = text (child (cap, "address"));
          if (parse_int (speed, 0, G_MAXINT64, &v))
            net->speed_mbps = v;
          net->link_state = prop (link, "state");
          *netdev_out = net;
        }
    }
  return TRUE;
}

VmnetNetworkFact *
vmnet_libvirt_parse_network (const gchar *xml, GError **error)
{
  g_autoptr(xmlDoc) doc = parse_doc (xml, "network", error);
  g_autoptr(VmnetNetworkFact) net = NULL;
  g_autofree gchar *connections = NULL;
  xmlNode *root, *forward;
  gint64 v;

  if (!doc)
    return NULL;

  root = xmlDocGetRootElement (doc);
  net = vmnet_network_fact_new ();
  net->name = text (child (root, "name"));
  net->uuid = text (child (root, "uuid"));
  if (!net->name)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA,
                           "network XML without a name");
      return NULL;
    }
  connections = prop (root, "connections");
  if (parse_int (connections, 0, G_MAXINT, &v))
    net->connections = (gint) v;
  net->bridge = prop (child (root, "bridge"), "name");

  forward = child (root, "forward");
  if (forward)
    {
      net->forward_mode = prop (forward, "mode");
      if (!net->forward_mode)
        net->forward_mode = g_strdup ("nat");
      net->pf_dev = prop (child (forward, "pf"), "dev");
      for (xmlNode *c = forward->children; c; c = c->next)
        {
          if (c->type != XML_ELEMENT_NODE)
            continue;
          if (g_str_equal ((const gchar *) c->name, "interface"))
            {
              gchar *dev = prop (c, "dev");
              if (dev)
                g_ptr_array_add (net->forward_devs, dev);
            }
          else if (g_str_equal ((const gchar *) c->name, "address"))
            {
              gchar *address = pci_address_of (c);
              if (address)
                g_ptr_array_add (net->pool_addresses, address);
            }
        }
    }
  return g_steal_pointer (&net);
}

static VmnetIfaceFact *
parse_interface (xmlNode *node)
{
  VmnetIfaceFact *iface = vmnet_iface_fact_new ();
  xmlNode *source = child (node, "source");
  xmlNode *teaming = child (node, "teaming");
  xmlNode *vlan = child (node, "vlan");
  g_autofree gchar *queues = prop (child (node, "driver"), "queues");
  gint64 v;

  iface->type = prop (node, "type");
  iface->mac = prop (child (node, "mac"), "address");
  iface->network = prop (source, "network");
  iface->source_dev = prop (source, "bridge");
  if (!iface->source_dev)
    iface->source_dev = prop (source, "dev");
  iface->model = prop (child (node, "model"), "type");
  iface->alias = prop (child (node, "alias"), "name");
  if (g_strcmp0 (iface->type, "hostdev") == 0)
    iface->hostdev_address = pci_address_of (child (source, "address"));

  if (teaming)
    {
      g_autofree gchar *type = prop (teaming, "type");
      if (g_strcmp0 (type, "persistent") == 0)
        iface->teaming = VMNET_TEAMING_PERSISTENT;
      else if (g_strcmp0 (type, "transient") == 0)
        {
          iface->teaming = VMNET_TEAMING_TRANSIENT;
          iface->teaming_persistent = prop (teaming, "persistent");
        }
    }
  if (vlan)
    {
      g_autofree gchar *id = prop (child (vlan, "tag"), "id");
      if (parse_int (id, 0, 4095, &v))
        iface->vlan_id = (gint) v;
    }
  if (parse_int (queues, 1, G_MAXINT, &v))
    iface->queues = (gint) v;
  return iface;
}

/* An on/off attribute. */
static void
parse_switch (xmlNode *node, const gchar *name, gboolean *out, GPtrArray *problems)
{
  g_autofree gchar *value = prop (node, name);

  if (!value)
    return;
  if (g_str_equal (value, "on"))
    *out = TRUE;
  else if (g_str_equal (value, "off"))
    *out = FALSE;
  else
    g_ptr_array_add (problems, g_strdup_printf ("%s '%s' is not on or off", name, value));
}

static void
parse_settings_node (xmlNode *adapters, VmnetDomainFact *domain)
{
  GEnumClass *moderation = g_type_class_ref (VMNET_TYPE_IOV_INTERRUPT_MODERATION);

  for (xmlNode *c = adapters->children; c; c = c->next)
    {
      VmnetAdapterSettingsFact *s;
      g_autofree gchar *weight = NULL;
      g_autofree gchar *qp = NULL;
      g_autofree gchar *mod = NULL;
      GPtrArray *problems;
      gint64 v;

      if (c->type != XML_ELEMENT_NODE || !g_str_equal ((const gchar *) c->name, "adapter"))
        continue;

      s = vmnet_adapter_settings_fact_new ();
      problems = g_ptr_array_new_with_free_func (g_free);
      s->mac = prop (c, "mac");
      s->last_error = prop (c, "iov-last-error");
      weight = prop (c, "iov-weight");
      qp = prop (c, "iov-queue-pairs-requested");
      mod = prop (c, "iov-interrupt-moderation");

      if (weight)
        {
          if (parse_int (weight, 0, VMNET_IOV_WEIGHT_MAX, &v))
            s->iov_weight = (guint) v;
          else
            g_ptr_array_add (problems, g_strdup_printf ("iov-weight '%s' is not a whole number from 0 to %d", weight, VMNET_IOV_WEIGHT_MAX));
        }
      if (qp)
        {
          if (parse_int (qp, 1, VMNET_IOV_QUEUE_PAIRS_MAX, &v))
            s->iov_queue_pairs_requested = (guint) v;
          else
            g_ptr_array_add (problems, g_strdup_printf ("iov-queue-pairs-requested '%s' is not a whole number from 1 to %d", qp, VMNET_IOV_QUEUE_PAIRS_MAX));
        }
      if (mod)
        {
          GEnumValue *ev = g_enum_get_value_by_nick (moderation, mod);
          if (ev)
            s->iov_interrupt_moderation = ev->value;
          else
            g_ptr_array_add (problems, g_strdup_printf ("iov-interrupt-moderation '%s' is not one of default, adaptive, off, low, medium, high", mod));
        }

      parse_switch (c, "allow-teaming", &s->allow_teaming, problems);
      parse_switch (c, "router-guard", &s->router_guard, problems);
      parse_switch (c, "dhcp-guard", &s->dhcp_guard, problems);
      parse_switch (c, "mac-address-spoofing", &s->mac_address_spoofing, problems);
      {
        g_autofree gchar *vlan = prop (c, "vlan-id");
        if (vlan)
          {
            if (parse_int (vlan, 0, VMNET_VLAN_ID_MAX, &v))
              s->vlan_id = (gint) v;
            else
              g_ptr_array_add (problems, g_strdup_printf ("vlan-id '%s' is not 0 (untagged) or 1 to %d", vlan, VMNET_VLAN_ID_MAX));
          }
      }

      if (!s->mac)
        {
          vmnet_adapter_settings_fact_free (s);
          g_ptr_array_unref (problems);
          continue;
        }
      if (problems->len > 0)
        {
          g_autofree gchar *joined = NULL;
          g_ptr_array_add (problems, NULL);
          joined = g_strjoinv ("; ", (gchar **) problems->pdata);
          s->error = g_strdup_printf ("invalid libvmnet settings, defaults used: %s", joined);
        }
      g_ptr_array_unref (problems);
      g_ptr_array_add (domain->settings, s);
    }
  g_type_class_unref (moderation);
}

void
vmnet_libvirt_parse_settings (const gchar *metadata_xml, VmnetDomainFact *domain)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) doc = parse_doc (metadata_xml, "libvmnet metadata", &error);

  if (!doc)
    {
      domain->metadata_error = g_strdup (error->message);
      return;
    }
  parse_settings_node (xmlDocGetRootElement (doc), domain);
}

static VmnetVmState
state_from_xml (xmlNode *root)
{
  g_autofree gchar *id = prop (root, "id");
  return id ? VMNET_VM_STATE_RUNNING : VMNET_VM_STATE_OFF;
}

VmnetDomainFact *
vmnet_libvirt_parse_domain (const gchar *xml, GError **error)
{
  g_autoptr(xmlDoc) doc = parse_doc (xml, "domain", error);
  g_autoptr(VmnetDomainFact) domain = NULL;
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(xmlXPathObject) ifaces = NULL;
  g_autoptr(xmlXPathObject) meta = NULL;
  xmlNode *root;

  if (!doc)
    return NULL;

  root = xmlDocGetRootElement (doc);
  domain = vmnet_domain_fact_new ();
  domain->name = text (child (root, "name"));
  domain->uuid = text (child (root, "uuid"));
  domain->state = state_from_xml (root);
  if (!domain->name)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA,
                           "domain XML without a name");
      return NULL;
    }

  ctx = xmlXPathNewContext (doc);
  xmlXPathRegisterNs (ctx, (const xmlChar *) VMNET_METADATA_PREFIX,
                      (const xmlChar *) VMNET_METADATA_NS);

  ifaces = xmlXPathEvalExpression ((const xmlChar *) "/domain/devices/interface", ctx);
  if (ifaces && ifaces->nodesetval)
    for (int i = 0; i < ifaces->nodesetval->nodeNr; i++)
      g_ptr_array_add (domain->interfaces, parse_interface (ifaces->nodesetval->nodeTab[i]));

  meta = xmlXPathEvalExpression ((const xmlChar *) "/domain/metadata/" VMNET_METADATA_PREFIX ":adapters", ctx);
  if (meta && meta->nodesetval && meta->nodesetval->nodeNr > 0)
    parse_settings_node (meta->nodesetval->nodeTab[0], domain);

  return g_steal_pointer (&domain);
}

/* <domainCapabilities><devices><hostdev supported='yes'> with subsysType pci
 * and pciBackend vfio. */
VmnetTernary
vmnet_libvirt_parse_hostdev_vfio (const gchar *xml)
{
  g_autoptr(xmlDoc) doc = parse_doc (xml, "domain capabilities", NULL);
  g_autoptr(xmlXPathContext) ctx = NULL;
  g_autoptr(xmlXPathObject) supported = NULL;
  g_autoptr(xmlXPathObject) vfio = NULL;
  g_autoptr(xmlXPathObject) pci = NULL;

  if (!doc)
    return VMNET_TERNARY_UNKNOWN;
  ctx = xmlXPathNewContext (doc);
  supported = xmlXPathEvalExpression ((const xmlChar *) "/domainCapabilities/devices/hostdev[@supported='yes']", ctx);
  if (!supported || !supported->nodesetval || supported->nodesetval->nodeNr == 0)
    return VMNET_TERNARY_FALSE;
  pci = xmlXPathEvalExpression ((const xmlChar *)
    "/domainCapabilities/devices/hostdev/enum[@name='subsysType']/value[text()='pci']", ctx);
  vfio = xmlXPathEvalExpression ((const xmlChar *)
    "/domainCapabilities/devices/hostdev/enum[@name='pciBackend']/value[text()='vfio']", ctx);
  return (pci && pci->nodesetval && pci->nodesetval->nodeNr > 0 &&
          vfio && vfio->nodesetval && vfio->nodesetval->nodeNr > 0) ? VMNET_TERNARY_TRUE : VMNET_TERNARY_FALSE;
}
