/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading libvirt's XML (domains, networks, node devices) into facts. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "vmnet-error.h"
#include "vmnet-enum-types.h"
#include "vmnet-names-private.h"
#include "vmnet-settings-private.h"
#include "vmnet-libvirt-private.h"
#include "vmnet-libvirt-xml-private.h"

/* Device aliases libvmnet gives: ua-NAME for adapter NAME (libvirt takes
 * user aliases with the "ua-" prefix), ua-NAME-vf for the VF teamed with it. */
#define ALIAS_PREFIX "ua-"
#define VF_SUFFIX    "-vf"

gchar *
vmnet_libvirt_adapter_alias (const gchar *adapter_name)
{
  return g_strconcat (ALIAS_PREFIX, adapter_name, NULL);
}

gchar *
vmnet_libvirt_vf_alias (const gchar *adapter_name)
{
  return g_strconcat (ALIAS_PREFIX, adapter_name, VF_SUFFIX, NULL);
}

/* The adapter name of a user alias ua-NAME, or NULL. */
gchar *
vmnet_libvirt_alias_adapter_name (const gchar *alias)
{
  if (!alias || !g_str_has_prefix (alias, ALIAS_PREFIX) || alias[strlen (ALIAS_PREFIX)] == '\0')
    return NULL;
  return g_strdup (alias + strlen (ALIAS_PREFIX));
}

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

/* "0000:3b:10.0" from the four numbers as libvirt writes them (decimal or 0x-hex). */
static gchar *
pci_address_from (const gchar *d, const gchar *b, const gchar *sl, const gchar *f)
{
  guint64 dv, bv, sv, fv;

  if (!parse_number (d, 0xffff, &dv) || !parse_number (b, 0xff, &bv) ||
      !parse_number (sl, 0x1f, &sv) || !parse_number (f, 0x7, &fv))
    return NULL;
  return g_strdup_printf ("%04x:%02x:%02x.%x", (guint) dv, (guint) bv, (guint) sv, (guint) fv);
}

/* <address domain='0x0000' bus='0x3b' slot='0x10' function='0x0'/> */
static gchar *
pci_address_of (xmlNode *addr)
{
  g_autofree gchar *d = prop (addr, "domain");
  g_autofree gchar *b = prop (addr, "bus");
  g_autofree gchar *s = prop (addr, "slot");
  g_autofree gchar *f = prop (addr, "function");

  return pci_address_from (d, b, s, f);
}

/* <domain>0</domain><bus>59</bus>… inside a node device's pci capability */
static gchar *
pci_address_from_numbers (xmlNode *cap)
{
  g_autofree gchar *d = text (child (cap, "domain"));
  g_autofree gchar *b = text (child (cap, "bus"));
  g_autofree gchar *s = text (child (cap, "slot"));
  g_autofree gchar *f = text (child (cap, "function"));

  return pci_address_from (d, b, s, f);
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
      else if (g_strcmp0 (type, "phys_function") == 0 && !pci->pf_address)
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
      /* A capability given twice: the first one counts. */
      if (g_strcmp0 (type, "pci") == 0 && !*pci_out)
        {
          VmnetPciFact *pci = vmnet_pci_fact_new ();
          pci->name = g_strdup (name);
          pci->driver = text (driver);
          parse_pci_cap (cap, pci);
          *pci_out = pci;
        }
      else if (g_strcmp0 (type, "net") == 0 && !*netdev_out)
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

/* One <inbound> or <outbound> of a <bandwidth>. */
static void
parse_bandwidth_direction (const gchar *name, const gchar *average, const gchar *peak, VmnetBandwidthFact *bw)
{
  gint64 v;

  if (g_str_equal (name, "inbound"))
    {
      bw->set = bw->inbound = TRUE;
      return;
    }
  if (!g_str_equal (name, "outbound"))
    return;
  bw->set = TRUE;
  if (parse_int (average, 0, G_MAXUINT32, &v))
    bw->out_average = (guint64) v;
  if (parse_int (peak, 0, G_MAXUINT32, &v))
    bw->out_peak = (guint64) v;
}

static void
parse_bandwidth (xmlNode *node, VmnetBandwidthFact *bw)
{
  for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
    {
      g_autofree gchar *average = NULL, *peak = NULL;

      if (c->type != XML_ELEMENT_NODE)
        continue;
      average = prop (c, "average");
      peak = prop (c, "peak");
      parse_bandwidth_direction ((const gchar *) c->name, average, peak, bw);
    }
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
  parse_bandwidth (child (root, "bandwidth"), &net->bandwidth);
  for (xmlNode *c = root->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && g_str_equal ((const gchar *) c->name, "portgroup"))
      {
        VmnetPortgroupFact *pg = g_new0 (VmnetPortgroupFact, 1);
        g_autofree gchar *is_default = prop (c, "default");

        pg->name = prop (c, "name");
        pg->is_default = g_strcmp0 (is_default, "yes") == 0;
        parse_bandwidth (child (c, "bandwidth"), &pg->bandwidth);
        g_ptr_array_add (net->portgroups, pg);
      }

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

/* Attributes, from a DOM node or from SAX. */
typedef gchar *(*AttrFunc) (gconstpointer source, const gchar *name);

/* An on/off attribute. */
static void
parse_switch (AttrFunc attr, gconstpointer source, const gchar *name, gboolean *out, GPtrArray *problems)
{
  g_autofree gchar *value = attr (source, name);

  if (!value)
    return;
  if (g_str_equal (value, "on"))
    *out = TRUE;
  else if (g_str_equal (value, "off"))
    *out = FALSE;
  else
    g_ptr_array_add (problems, g_strdup_printf ("%s '%s' is not on or off", name, value));
}

/* One <vmnet:adapter> entry; NULL without a MAC address. */
static VmnetAdapterSettingsFact *
parse_settings_entry (AttrFunc attr, gconstpointer source)
{
  g_autoptr(GEnumClass) moderation = g_type_class_ref (VMNET_TYPE_IOV_INTERRUPT_MODERATION);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  VmnetAdapterSettingsFact *s;
  g_autofree gchar *mac = attr (source, "mac");
  g_autofree gchar *weight = NULL;
  g_autofree gchar *qp = NULL;
  g_autofree gchar *mod = NULL;
  g_autofree gchar *vlan = NULL;
  gint64 v;

  if (!mac)
    return NULL;
  s = vmnet_adapter_settings_fact_new ();
  s->mac = g_steal_pointer (&mac);
  s->last_error = attr (source, "iov-last-error");
  weight = attr (source, "iov-weight");
  qp = attr (source, "iov-queue-pairs-requested");
  mod = attr (source, "iov-interrupt-moderation");
  vlan = attr (source, "vlan-id");

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
  parse_switch (attr, source, "allow-teaming", &s->allow_teaming, problems);
  parse_switch (attr, source, "router-guard", &s->router_guard, problems);
  parse_switch (attr, source, "dhcp-guard", &s->dhcp_guard, problems);
  parse_switch (attr, source, "mac-address-spoofing", &s->mac_address_spoofing, problems);
  if (vlan)
    {
      if (parse_int (vlan, 0, VMNET_VLAN_ID_MAX, &v))
        s->vlan_id = (gint) v;
      else
        g_ptr_array_add (problems, g_strdup_printf ("vlan-id '%s' is not 0 (untagged) or 1 to %d", vlan, VMNET_VLAN_ID_MAX));
    }

  if (problems->len > 0)
    {
      g_autofree gchar *joined = NULL;
      g_ptr_array_add (problems, NULL);
      joined = g_strjoinv ("; ", (gchar **) problems->pdata);
      s->error = g_strdup_printf ("invalid libvmnet settings, defaults used: %s", joined);
    }
  return s;
}

/* Domains are the many: they are read with SAX, building no tree, keeping
 * only the name, UUID, interfaces and the libvmnet metadata. */

typedef struct {
  const xmlChar **attrs;   /* localname, prefix, URI, value, end; five per attribute */
  int             n;
} SaxAttrs;

/* Attribute values reach SAX with entity references as written. */
static gchar *
decode_entities (const gchar *start, const gchar *end)
{
  GString *out = g_string_sized_new (end - start);

  for (const gchar *p = start; p < end; p++)
    {
      const gchar *semi;
      if (*p != '&' || !(semi = memchr (p, ';', end - p)))
        {
          g_string_append_c (out, *p);
          continue;
        }
      if (g_str_has_prefix (p, "&amp;"))
        g_string_append_c (out, '&');
      else if (g_str_has_prefix (p, "&lt;"))
        g_string_append_c (out, '<');
      else if (g_str_has_prefix (p, "&gt;"))
        g_string_append_c (out, '>');
      else if (g_str_has_prefix (p, "&quot;"))
        g_string_append_c (out, '"');
      else if (g_str_has_prefix (p, "&apos;"))
        g_string_append_c (out, '\'');
      else if (p[1] == '#')
        {
          gunichar c = (gunichar) (p[2] == 'x' ? g_ascii_strtoull (p + 3, NULL, 16)
                                               : g_ascii_strtoull (p + 2, NULL, 10));
          g_string_append_unichar (out, c);
        }
      else
        {
          g_string_append_c (out, *p);
          continue;
        }
      p = semi;
    }
  return g_string_free (out, FALSE);
}

static gchar *
sax_attr (gconstpointer source, const gchar *name)
{
  const SaxAttrs *a = source;

  for (int i = 0; i < a->n; i++)
    {
      const xmlChar **at = a->attrs + i * 5;
      if (at[2] == NULL && g_str_equal ((const gchar *) at[0], name))
        {
          const gchar *start = (const gchar *) at[3], *end = (const gchar *) at[4];
          return memchr (start, '&', end - start) ? decode_entities (start, end) : g_strndup (start, end - start);
        }
    }
  return NULL;
}

static gchar *
sax_pci_address (gconstpointer source)
{
  g_autofree gchar *d = sax_attr (source, "domain");
  g_autofree gchar *b = sax_attr (source, "bus");
  g_autofree gchar *sl = sax_attr (source, "slot");
  g_autofree gchar *f = sax_attr (source, "function");

  return pci_address_from (d, b, sl, f);
}

typedef enum {
  IN_OTHER,
  IN_NAME,
  IN_UUID,
} TextTarget;

typedef struct {
  VmnetDomainFact *domain;
  guint            depth;
  const gchar     *path[6];     /* local names of the open elements, up to depth 5 */
  VmnetIfaceFact  *iface;       /* the <interface> being read */
  gboolean         in_adapters; /* inside <vmnet:adapters> */
  TextTarget       text;
  GString         *buffer;
  gboolean         pcie;        /* <os><type machine='…q35…'> */
  GHashTable      *ports;       /* hot-pluggable PCIe port controller indexes */
  GHashTable      *used_buses;  /* buses devices sit on */
  gchar           *port_index;  /* the PCIe port <controller> being read */
} SaxState;

static gboolean
is_hotplug_port (const gchar *model)
{
  return g_strcmp0 (model, "pcie-root-port") == 0 || g_strcmp0 (model, "pcie-switch-downstream-port") == 0;
}

/* A bus number as libvirt writes it ("0x01" or "1"), or -1. */
static gint64
bus_number (const gchar *s)
{
  guint64 v;

  if (!s)
    return -1;
  if (g_str_has_prefix (s, "0x") && g_ascii_string_to_unsigned (s + 2, 16, 0, 255, &v, NULL))
    return (gint64) v;
  if (g_ascii_string_to_unsigned (s, 10, 0, 255, &v, NULL))
    return (gint64) v;
  return -1;
}

static gboolean
at (SaxState *st, guint depth, const gchar *name)
{
  return st->depth == depth && g_str_equal (st->path[depth - 1], name);
}

static void
sax_start (void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
           int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
           const xmlChar **attributes)
{
  SaxState *st = ctx;
  SaxAttrs a = { attributes, nb_attributes };
  const gchar *name = (const gchar *) localname;
  const gchar *parent = st->depth > 0 && st->depth <= G_N_ELEMENTS (st->path) ? st->path[st->depth - 1] : NULL;

  st->depth++;
  if (st->depth <= G_N_ELEMENTS (st->path))
    st->path[st->depth - 1] = name;

  switch (st->depth)
    {
    case 1:
      {
        g_autofree gchar *id = sax_attr (&a, "id");
        st->domain->state = id ? VMNET_VM_STATE_RUNNING : VMNET_VM_STATE_OFF;
      }
      break;
    case 2:
      if (g_str_equal (name, "name") || g_str_equal (name, "uuid"))
        {
          st->text = g_str_equal (name, "name") ? IN_NAME : IN_UUID;
          g_string_truncate (st->buffer, 0);
        }
      break;
    case 3:
      if (g_strcmp0 (parent, "os") == 0 && g_str_equal (name, "type"))
        {
          g_autofree gchar *machine = sax_attr (&a, "machine");
          st->pcie = machine && strstr (machine, "q35") != NULL;
        }
      else if (g_strcmp0 (parent, "devices") == 0 && g_str_equal (name, "controller"))
        {
          g_autofree gchar *type = sax_attr (&a, "type");
          g_autofree gchar *model = sax_attr (&a, "model");
          g_autofree gchar *index = sax_attr (&a, "index");
          gint64 n = bus_number (index);

          if (g_strcmp0 (type, "pci") == 0 && is_hotplug_port (model) && n >= 0)
            {
              g_hash_table_add (st->ports, GINT_TO_POINTER ((gint) n));
              g_free (st->port_index);
              st->port_index = g_steal_pointer (&index);
            }
        }
      if (g_strcmp0 (parent, "devices") == 0 && g_str_equal (name, "interface"))
        {
          st->iface = vmnet_iface_fact_new ();
          st->iface->type = sax_attr (&a, "type");
        }
      else if (g_strcmp0 (parent, "metadata") == 0 && g_str_equal (name, "adapters") &&
               g_strcmp0 ((const gchar *) uri, VMNET_METADATA_NS) == 0)
        {
          st->in_adapters = TRUE;
          g_free (st->domain->scope);
          st->domain->scope = sax_attr (&a, "scope");
        }
      break;
    case 4:
      if (g_strcmp0 (st->path[1], "devices") == 0 && g_str_equal (name, "address"))
        {
          g_autofree gchar *type = sax_attr (&a, "type");
          g_autofree gchar *bus = sax_attr (&a, "bus");
          gint64 n = bus_number (bus);
          if (g_strcmp0 (type, "pci") == 0 && n > 0)
            g_hash_table_add (st->used_buses, GINT_TO_POINTER ((gint) n));
        }
      else if (st->port_index && g_strcmp0 (parent, "controller") == 0 && g_str_equal (name, "target"))
        {
          g_autofree gchar *hotplug = sax_attr (&a, "hotplug");
          if (g_strcmp0 (hotplug, "off") == 0)
            g_hash_table_remove (st->ports, GINT_TO_POINTER ((gint) bus_number (st->port_index)));
        }
      if (st->in_adapters && g_str_equal (name, "adapter"))
        {
          VmnetAdapterSettingsFact *s = parse_settings_entry (sax_attr, &a);
          if (s)
            g_ptr_array_add (st->domain->settings, s);
        }
      else if (st->iface)
        {
          VmnetIfaceFact *f = st->iface;
          if (g_str_equal (name, "mac") && !f->mac)
            f->mac = sax_attr (&a, "address");
          else if (g_str_equal (name, "source") && !f->network && !f->source_dev)
            {
              f->network = sax_attr (&a, "network");
              f->portgroup = sax_attr (&a, "portgroup");
              f->source_dev = sax_attr (&a, "bridge");
              if (!f->source_dev)
                f->source_dev = sax_attr (&a, "dev");
            }
          else if (g_str_equal (name, "model") && !f->model)
            f->model = sax_attr (&a, "type");
          else if (g_str_equal (name, "alias") && !f->alias)
            {
              f->alias = sax_attr (&a, "name");
              f->adapter_name = vmnet_libvirt_alias_adapter_name (f->alias);
            }
          else if (g_str_equal (name, "teaming") && f->teaming == VMNET_TEAMING_NONE)
            {
              g_autofree gchar *type = sax_attr (&a, "type");
              if (g_strcmp0 (type, "persistent") == 0)
                f->teaming = VMNET_TEAMING_PERSISTENT;
              else if (g_strcmp0 (type, "transient") == 0)
                {
                  f->teaming = VMNET_TEAMING_TRANSIENT;
                  f->teaming_persistent = sax_attr (&a, "persistent");
                }
            }
          else if (g_str_equal (name, "filterref") && !f->filter)
            f->filter = sax_attr (&a, "filter");
          else if (g_str_equal (name, "target") && !f->target_dev)
            f->target_dev = sax_attr (&a, "dev");
          else if (g_str_equal (name, "link"))
            {
              g_autofree gchar *state = sax_attr (&a, "state");
              f->link_down = g_strcmp0 (state, "down") == 0;
            }
          else if (g_str_equal (name, "driver"))
            {
              g_autofree gchar *queues = sax_attr (&a, "queues");
              gint64 v;
              if (parse_int (queues, 1, G_MAXINT, &v))
                f->queues = (gint) v;
            }
        }
      break;
    case 5:
      if (st->iface && g_strcmp0 (parent, "source") == 0 && g_str_equal (name, "address") &&
          g_strcmp0 (st->iface->type, "hostdev") == 0 && !st->iface->hostdev_address)
        st->iface->hostdev_address = sax_pci_address (&a);
      else if (st->iface && g_strcmp0 (parent, "vlan") == 0 && g_str_equal (name, "tag") && !st->iface->vlan_id)
        {
          g_autofree gchar *id = sax_attr (&a, "id");
          gint64 v;
          if (parse_int (id, 0, 4095, &v))
            st->iface->vlan_id = (gint) v;
        }
      else if (st->iface && g_strcmp0 (parent, "bandwidth") == 0)
        {
          g_autofree gchar *average = sax_attr (&a, "average");
          g_autofree gchar *peak = sax_attr (&a, "peak");
          parse_bandwidth_direction (name, average, peak, &st->iface->bandwidth);
        }
      break;
    default:
      break;
    }
}

static void
sax_end (void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
  SaxState *st = ctx;

  if (st->text != IN_OTHER && st->depth == 2)
    {
      gchar **field = st->text == IN_NAME ? &st->domain->name : &st->domain->uuid;
      g_free (*field);
      *field = g_strstrip (g_strdup (st->buffer->str));
      st->text = IN_OTHER;
    }
  if (st->iface && at (st, 3, "interface"))
    g_ptr_array_add (st->domain->interfaces, g_steal_pointer (&st->iface));
  if (st->port_index && at (st, 3, "controller"))
    g_clear_pointer (&st->port_index, g_free);
  if (st->in_adapters && st->depth == 3)
    st->in_adapters = FALSE;
  st->depth--;
}

static void
sax_characters (void *ctx, const xmlChar *ch, int len)
{
  SaxState *st = ctx;

  if (st->text != IN_OTHER && st->depth == 2)
    g_string_append_len (st->buffer, (const gchar *) ch, len);
}

static void
sax_error (void *ctx, const char *msg, ...)
{
}

VmnetDomainFact *
vmnet_libvirt_parse_domain (const gchar *xml, GError **error)
{
  xmlSAXHandler handler = { 0 };
  g_autoptr(VmnetDomainFact) domain = vmnet_domain_fact_new ();
  SaxState st = { .domain = domain, .buffer = g_string_new (NULL) };
  int rc;

  st.ports = g_hash_table_new (NULL, NULL);
  st.used_buses = g_hash_table_new (NULL, NULL);
  handler.initialized = XML_SAX2_MAGIC;
  handler.startElementNs = sax_start;
  handler.endElementNs = sax_end;
  handler.characters = sax_characters;
  handler.error = sax_error;
  handler.warning = sax_error;

  rc = xmlSAXUserParseMemory (&handler, &st, xml, strlen (xml));
  g_string_free (st.buffer, TRUE);
  g_clear_pointer (&st.iface, vmnet_iface_fact_free);
  g_free (st.port_index);
  if (st.pcie)
    {
      GHashTableIter iter;
      gpointer index;

      domain->pcie_ports = (gint) g_hash_table_size (st.ports);
      domain->pcie_ports_free = 0;
      g_hash_table_iter_init (&iter, st.ports);
      while (g_hash_table_iter_next (&iter, &index, NULL))
        if (!g_hash_table_contains (st.used_buses, index))
          domain->pcie_ports_free++;
    }
  g_hash_table_unref (st.ports);
  g_hash_table_unref (st.used_buses);
  if (rc != 0 || st.depth != 0 || !domain->name)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA,
                   rc != 0 || st.depth != 0 ? "malformed domain XML" : "domain XML without a name");
      return NULL;
    }
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

/* The root element as libvirt is given it, without XML declaration;
 * @indent for device and network XML, not for metadata. */
gchar *
vmnet_libvirt_xml_element_string (xmlDoc *doc, gboolean indent)
{
  xmlBuffer *buffer = xmlBufferCreate ();
  gchar *out;

  xmlNodeDump (buffer, doc, xmlDocGetRootElement (doc), 0, indent ? 1 : 0);
  out = g_strdup ((const gchar *) xmlBufferContent (buffer));
  xmlBufferFree (buffer);
  return out;
}
