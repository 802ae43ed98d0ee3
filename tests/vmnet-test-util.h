/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <vmnet/vmnet.h>

G_BEGIN_DECLS

gchar     *vmnet_test_write_file   (const gchar *dir, const gchar *name, const gchar *contents);
gchar     *vmnet_test_host_xml     (const gchar *devices_networks_domains);
gchar     *vmnet_test_uri_for_xml  (const gchar *xml);
VmnetHost *vmnet_test_open_host    (const gchar *xml, const gchar *host_root);
gpointer   vmnet_test_find_item    (GListModel *list, const gchar *property, const gchar *value);

/* Sample libvirt XML shared by the parser and model tests: an 82599 PF with two
 * VFs (one of them assigned), its netdev, and a running VM 'web1' whose adapter
 * 'front' is teamed with that VF. */
#define VMNET_TEST_NS "http://libvmnet.org/xmlns/vmnet/1.0"

#define VMNET_TEST_NODEDEV_PF_XML \
  "<device><name>pci_0000_3b_00_0</name><parent>computer</parent>" \
  "<driver><name>ixgbe</name></driver>" \
  "<capability type='pci'><class>0x020000</class><domain>0</domain><bus>59</bus><slot>0</slot><function>0</function>" \
  "<product id='0x10fb'>82599ES</product><vendor id='0x8086'>Intel Corporation</vendor>" \
  "<capability type='virt_functions' maxCount='63'>" \
  "<address domain='0x0000' bus='0x3b' slot='0x10' function='0x0'/>" \
  "<address domain='0x0000' bus='0x3b' slot='0x10' function='0x2'/>" \
  "</capability>" \
  "<iommuGroup number='30'><address domain='0x0000' bus='0x3b' slot='0x00' function='0x0'/>" \
  "<address domain='0x0000' bus='0x3b' slot='0x00' function='0x1'/></iommuGroup>" \
  "</capability></device>"

#define VMNET_TEST_NODEDEV_VF_XML \
  "<device><name>pci_0000_3b_10_2</name><parent>computer</parent>" \
  "<capability type='pci'><class>0x020000</class><domain>0</domain><bus>59</bus><slot>16</slot><function>2</function>" \
  "<capability type='phys_function'><address domain='0x0000' bus='0x3b' slot='0x00' function='0x0'/></capability>" \
  "<iommuGroup number='41'><address domain='0x0000' bus='0x3b' slot='0x10' function='0x2'/></iommuGroup>" \
  "</capability></device>"

#define VMNET_TEST_NODEDEV_NET_XML \
  "<device><name>net_enp59s0f0_a0_36_9f_3b_00_00</name><parent>pci_0000_3b_00_0</parent>" \
  "<capability type='net'><interface>enp59s0f0</interface><address>a0:36:9f:3b:00:00</address>" \
  "<link speed='10000' state='up'/></capability></device>"

#define VMNET_TEST_DOMAIN_WEB1_XML \
  "<domain type='kvm' id='7'><name>web1</name><uuid>5b0c2d6e-7f18-4a29-b3c4-d5e6f7a80001</uuid>" \
  "<metadata><vmnet:adapters xmlns:vmnet='" VMNET_TEST_NS "'>" \
  "<vmnet:adapter mac='52:54:00:00:01:01' iov-weight='100' iov-queue-pairs-requested='4' iov-interrupt-moderation='adaptive'/>" \
  "<vmnet:adapter mac='52:54:00:00:01:03' iov-weight='abc' iov-queue-pairs-requested='2'/>" \
  "</vmnet:adapters></metadata><devices>" \
  "<interface type='network'><mac address='52:54:00:00:01:01'/><source network='sw'/><model type='virtio'/>" \
  "<driver queues='4'/><teaming type='persistent'/><alias name='ua-front'/></interface>" \
  "<interface type='hostdev' managed='yes'><mac address='52:54:00:00:01:01'/>" \
  "<source><address type='pci' domain='0x0000' bus='0x3b' slot='0x10' function='0x2'/></source>" \
  "<vlan><tag id='10'/></vlan><teaming type='transient' persistent='ua-front'/><alias name='ua-front-vf'/></interface>" \
  "<interface type='network'><mac address='52:54:00:00:01:02'/><source network='private'/><model type='e1000'/></interface>" \
  "<interface type='network'><mac address='52:54:00:00:01:03'/><source network='sw'/><model type='virtio'/></interface>" \
  "</devices></domain>"

/* Out-of-range settings, each with what its error must name. */
typedef struct {
  const gchar *property;
  gint         value;
  const gchar *needle;
} VmnetTestBadSetting;

extern const VmnetTestBadSetting vmnet_test_bad_settings[];
extern const guint               vmnet_test_n_bad_settings;

/* sysfs fixture trees */
void       vmnet_test_sysfs_add_pci (const gchar *root, const gchar *address, const gchar *driver,
                                     gint iommu_group, const gchar *netdev);
void       vmnet_test_sysfs_set     (const gchar *root, const gchar *address,
                                     const gchar *attribute, const gchar *value);
void       vmnet_test_sysfs_add_vf  (const gchar *root, const gchar *pf, guint index, const gchar *vf);
gchar     *vmnet_test_sysfs_root    (void);
void       vmnet_test_sysfs_add_82576 (const gchar *root);

G_END_DECLS
