/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* libvirt XML (node devices, networks, domains) to facts. Thread-safe: each
 * call parses its own document. */

#include <glib.h>
#include <libxml/tree.h>
#include "vmnet-facts-private.h"

G_BEGIN_DECLS

gboolean          vmnet_libvirt_parse_nodedev  (const gchar       *xml,
                                                VmnetPciFact     **pci,
                                                VmnetNetdevFact  **netdev,
                                                GError           **error);
VmnetNetworkFact *vmnet_libvirt_parse_network  (const gchar       *xml,
                                                GError           **error);
VmnetDomainFact  *vmnet_libvirt_parse_domain   (const gchar       *xml,
                                                GError           **error);
VmnetTernary      vmnet_libvirt_parse_hostdev_vfio (const gchar *domcaps_xml);

/* The document's root element as text, without the XML declaration. */
gchar *vmnet_libvirt_xml_element_string (xmlDoc *doc, gboolean indent);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

G_END_DECLS
