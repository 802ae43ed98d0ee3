/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The libvmnet metadata in domain XML: adapter settings, last errors, scope. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "vmnet-error.h"
#include "vmnet-names-private.h"
#include "vmnet-libvirt-private.h"
#include "vmnet-libvirt-xml-private.h"


/* Merges the set values into the adapter entry for MAC of the <adapters>
 * element OLD_XML (NULL: none yet) and returns the new element as text.
 * Always built with libxml2: names and values are escaped by it. */
static gchar *merge (const gchar *old_xml, const gchar *mac, const VmnetSettingsValues *values,
                     gboolean set_last_error, const gchar *last_error, GError **error);

gchar *
vmnet_libvirt_merge_settings (const gchar               *old_xml,
                              const gchar               *mac,
                              const VmnetSettingsValues *values,
                              GError                   **error)
{
  return merge (old_xml, mac, values, FALSE, NULL, error);
}

/* The libvmnet metadata element from its text, or a new empty one. */
static xmlDoc *
metadata_doc (const gchar *old_xml, GError **error)
{
  xmlDoc *doc;

  if (!old_xml || !*old_xml)
    {
      doc = xmlNewDoc ((const xmlChar *) "1.0");
      xmlDocSetRootElement (doc, xmlNewDocNode (doc, NULL, (const xmlChar *) "adapters", NULL));
      return doc;
    }
  doc = xmlReadMemory (old_xml, strlen (old_xml), "metadata", NULL,
                       XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc || !xmlDocGetRootElement (doc))
    {
      g_clear_pointer (&doc, xmlFreeDoc);
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA, "the libvmnet metadata is not well-formed XML");
    }
  return doc;
}

static gchar *
merge (const gchar *old_xml, const gchar *mac, const VmnetSettingsValues *values,
       gboolean set_last_error, const gchar *last_error, GError **error)
{
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root, *entry = NULL;

  doc = metadata_doc (old_xml, error);
  if (!doc)
    return NULL;
  root = xmlDocGetRootElement (doc);

  for (xmlNode *c = root->children; c && !entry; c = c->next)
    {
      xmlChar *m;
      if (c->type != XML_ELEMENT_NODE || !xmlStrEqual (c->name, (const xmlChar *) "adapter"))
        continue;
      m = xmlGetProp (c, (const xmlChar *) "mac");
      if (m && g_ascii_strcasecmp ((const gchar *) m, mac) == 0)
        entry = c;
      xmlFree (m);
    }
  if (!entry)
    {
      entry = xmlNewChild (root, root->ns, (const xmlChar *) "adapter", NULL);
      xmlSetProp (entry, (const xmlChar *) "mac", (const xmlChar *) mac);
    }

  for (guint f = 0; values && f < VMNET_SETTINGS_N_FIELDS; f++)
    {
      g_autofree gchar *text = NULL;
      if (!(values->set & (1u << f)))
        continue;
      text = vmnet_settings_value_text (values, f);
      xmlSetProp (entry, (const xmlChar *) vmnet_settings_attribute (f), (const xmlChar *) text);
    }
  if (set_last_error && last_error)
    xmlSetProp (entry, (const xmlChar *) "iov-last-error", (const xmlChar *) last_error);
  else if (set_last_error)
    xmlUnsetProp (entry, (const xmlChar *) "iov-last-error");

  return vmnet_libvirt_xml_element_string (doc, FALSE);
}

static gchar *
get_metadata (virDomainPtr dom, unsigned int flags, GError **error)
{
  char *xml = virDomainGetMetadata (dom, VIR_DOMAIN_METADATA_ELEMENT, VMNET_METADATA_NS, flags);
  gchar *ret;

  if (!xml)
    {
      virErrorPtr err = virGetLastError ();
      if (err && err->code == VIR_ERR_NO_DOMAIN_METADATA)
        {
          virResetLastError ();
          return g_strdup ("");
        }
      vmnet_libvirt_set_error_for (error, "domain.read", "this VM", "cannot read the libvmnet metadata");
      return NULL;
    }
  ret = g_strdup (xml);
  free (xml);
  return ret;
}

static gboolean
set_metadata (virDomainPtr dom, const gchar *xml, unsigned int flags, GError **error)
{
  if (virDomainSetMetadata (dom, VIR_DOMAIN_METADATA_ELEMENT, xml && *xml ? xml : NULL,
                            VMNET_METADATA_PREFIX, VMNET_METADATA_NS, flags) < 0)
    {
      vmnet_libvirt_set_error_for (error, "domain.write", "this VM", "cannot write the libvmnet metadata");
      return FALSE;
    }
  return TRUE;
}

/* Rewrites the libvmnet metadata with MERGE in the live definition (if the
 * VM runs) and the persistent one (if it has one). Either both change or
 * neither does. */
typedef gchar *(*MergeFunc) (const gchar *old_xml, gconstpointer data, GError **error);

static gboolean
update_metadata (VmnetLibvirtConn *conn, const gchar *vm_uuid, MergeFunc merge_func, gconstpointer data,
                 GError **error)
{
  virDomainPtr dom = vmnet_libvirt_conn_lookup_vm (conn, vm_uuid, error);
  g_autofree gchar *old_live = NULL;
  g_autofree gchar *old_config = NULL;
  g_autofree gchar *new_live = NULL;
  g_autofree gchar *new_config = NULL;
  gboolean active, persistent, ok = FALSE;

  if (!dom)
    return FALSE;
  active = virDomainIsActive (dom) == 1;
  persistent = virDomainIsPersistent (dom) == 1;
  if (active &&
      (!(old_live = get_metadata (dom, VIR_DOMAIN_AFFECT_LIVE, error)) ||
       !(new_live = merge_func (*old_live ? old_live : NULL, data, error))))
    goto out;
  if (persistent &&
      (!(old_config = get_metadata (dom, VIR_DOMAIN_AFFECT_CONFIG, error)) ||
       !(new_config = merge_func (*old_config ? old_config : NULL, data, error))))
    goto out;
  if (active && !set_metadata (dom, new_live, VIR_DOMAIN_AFFECT_LIVE, error))
    goto out;
  if (persistent && !set_metadata (dom, new_config, VIR_DOMAIN_AFFECT_CONFIG, error))
    {
      /* Put the live definition back as it was. */
      if (active)
        set_metadata (dom, old_live, VIR_DOMAIN_AFFECT_LIVE, NULL);
      goto out;
    }
  ok = TRUE;
out:
  virDomainFree (dom);
  return ok;
}

typedef struct {
  const gchar               *mac;
  const VmnetSettingsValues *values;
} SettingsChange;

static gchar *
merge_settings_change (const gchar *old_xml, gconstpointer data, GError **error)
{
  const SettingsChange *c = data;
  return vmnet_libvirt_merge_settings (old_xml, c->mac, c->values, error);
}

/* The settings of one adapter, live and persistent. */
gboolean
vmnet_libvirt_conn_set_adapter_settings (VmnetLibvirtConn          *conn,
                                         const gchar               *vm_uuid,
                                         const gchar               *mac,
                                         const VmnetSettingsValues *values,
                                         GError                   **error)
{
  SettingsChange c = { mac, values };
  return update_metadata (conn, vm_uuid, merge_settings_change, &c, error);
}

/* The last VF attach failure is a fact of the running VM: live metadata only. */
gboolean
vmnet_libvirt_conn_set_last_error (VmnetLibvirtConn *conn,
                                   const gchar      *vm_uuid,
                                   const gchar      *mac,
                                   const gchar      *message,
                                   GError          **error)
{
  virDomainPtr dom = vmnet_libvirt_conn_lookup_vm (conn, vm_uuid, error);
  g_autofree gchar *old = NULL;
  g_autofree gchar *new = NULL;
  gboolean ok = FALSE;

  if (!dom)
    return FALSE;
  old = get_metadata (dom, VIR_DOMAIN_AFFECT_LIVE, error);
  if (old)
    new = merge (*old ? old : NULL, mac, NULL, TRUE, message, error);
  if (new)
    ok = set_metadata (dom, new, VIR_DOMAIN_AFFECT_LIVE, error);
  virDomainFree (dom);
  return ok;
}

/* Sets or removes (SCOPE NULL) the scope attribute of the <adapters> element. */
gchar *
vmnet_libvirt_merge_scope (const gchar *old_xml, const gchar *scope, GError **error)
{
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root;

  doc = metadata_doc (old_xml, error);
  if (!doc)
    return NULL;
  root = xmlDocGetRootElement (doc);
  if (scope)
    xmlSetProp (root, (const xmlChar *) "scope", (const xmlChar *) scope);
  else
    xmlUnsetProp (root, (const xmlChar *) "scope");

  return vmnet_libvirt_xml_element_string (doc, FALSE);
}

static gchar *
merge_scope_change (const gchar *old_xml, gconstpointer data, GError **error)
{
  return vmnet_libvirt_merge_scope (old_xml, data, error);
}

/* The VM's authorization scope lives in its metadata, live and persistent,
 * so it travels with the VM. */
gboolean
vmnet_libvirt_conn_set_vm_scope (VmnetLibvirtConn *conn,
                                 const gchar      *vm_uuid,
                                 const gchar      *scope,
                                 GError          **error)
{
  return update_metadata (conn, vm_uuid, merge_scope_change, scope, error);
}
