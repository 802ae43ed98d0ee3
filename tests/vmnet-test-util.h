/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <vmnet/vmnet.h>

G_BEGIN_DECLS

gchar     *vmnet_test_write_file   (const gchar *dir, const gchar *name, const gchar *contents);
gchar     *vmnet_test_host_xml     (const gchar *devices_networks_domains);
gchar     *vmnet_test_uri_for_xml  (const gchar *xml);
VmnetHost *vmnet_test_open_host    (const gchar *xml, const gchar *host_root);
gpointer   vmnet_test_find_item    (GListModel *list, const gchar *property, const gchar *value);

/* sysfs fixture trees */
void       vmnet_test_sysfs_add_pci (const gchar *root, const gchar *address, const gchar *driver,
                                     gint iommu_group, const gchar *netdev);
void       vmnet_test_sysfs_set     (const gchar *root, const gchar *address,
                                     const gchar *attribute, const gchar *value);
void       vmnet_test_sysfs_add_vf  (const gchar *root, const gchar *pf, guint index, const gchar *vf);

G_END_DECLS
