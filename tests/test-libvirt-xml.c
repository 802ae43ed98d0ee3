/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt XML to facts: node devices, networks and domains, no connection involved. */
#include <string.h>

#include "vmnet-libvirt-xml-private.h"
#include "vmnet-test-util.h"

static const gchar *pf_xml = VMNET_TEST_NODEDEV_PF_XML;
static const gchar *vf_xml = VMNET_TEST_NODEDEV_VF_XML;
static const gchar *net_xml = VMNET_TEST_NODEDEV_NET_XML;
static const gchar *domain_xml = VMNET_TEST_DOMAIN_WEB1_XML;

static void
test_nodedev_pf (void)
{
  g_autoptr(GError) error = NULL;
  VmnetPciFact *pci = NULL;
  VmnetNetdevFact *net = NULL;

  g_assert_true (vmnet_libvirt_parse_nodedev (pf_xml, &pci, &net, &error));
  g_assert_no_error (error);
  g_assert_null (net);
  g_assert_nonnull (pci);
  g_assert_cmpstr (pci->address, ==, "0000:3b:00.0");
  g_assert_cmpstr (pci->driver, ==, "ixgbe");
  g_assert_cmpuint (pci->pci_class, ==, 0x020000);
  g_assert_true (pci->sriov_capable);
  g_assert_cmpint (pci->max_vfs, ==, 63);
  g_assert_cmpuint (pci->vf_addresses->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (pci->vf_addresses, 1), ==, "0000:3b:10.2");
  g_assert_cmpint (pci->iommu_group, ==, 30);
  g_assert_cmpuint (pci->iommu_group_size, ==, 2);
  g_assert_null (pci->pf_address);
  vmnet_pci_fact_free (pci);
}

static void
test_nodedev_vf_and_net (void)
{
  g_autoptr(GError) error = NULL;
  VmnetPciFact *pci = NULL;
  VmnetNetdevFact *net = NULL;

  g_assert_true (vmnet_libvirt_parse_nodedev (vf_xml, &pci, &net, &error));
  g_assert_cmpstr (pci->pf_address, ==, "0000:3b:00.0");
  g_assert_false (pci->sriov_capable);
  g_assert_cmpint (pci->iommu_group, ==, 41);
  g_assert_null (pci->driver);
  vmnet_pci_fact_free (pci);

  g_assert_true (vmnet_libvirt_parse_nodedev (net_xml, &pci, &net, &error));
  g_assert_null (pci);
  g_assert_cmpstr (net->interface, ==, "enp59s0f0");
  g_assert_cmpstr (net->parent, ==, "pci_0000_3b_00_0");
  g_assert_cmpint (net->speed_mbps, ==, 10000);
  g_assert_cmpstr (net->link_state, ==, "up");
  vmnet_netdev_fact_free (net);
}

static void
test_malformed (void)
{
  g_autoptr(GError) error = NULL;
  VmnetPciFact *pci = NULL;
  VmnetNetdevFact *net = NULL;

  g_assert_false (vmnet_libvirt_parse_nodedev ("<device><name>x", &pci, &net, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (vmnet_libvirt_parse_domain ("not xml at all", &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (vmnet_libvirt_parse_network ("<network/>", &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA);
}

static void
test_network_pool (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetNetworkFact) net = vmnet_libvirt_parse_network (
    "<network connections='3'><name>sw-iov</name>"
    "<forward mode='hostdev' managed='yes'><pf dev='enp59s0f0'/>"
    "<address type='pci' domain='0x0000' bus='0x3b' slot='0x10' function='0x0'/></forward></network>", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (net->forward_mode, ==, "hostdev");
  g_assert_cmpstr (net->pf_dev, ==, "enp59s0f0");
  g_assert_cmpint (net->connections, ==, 3);
  g_assert_cmpuint (net->pool_addresses->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (net->pool_addresses, 0), ==, "0000:3b:10.0");
}

static void
test_domain (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetDomainFact) d = vmnet_libvirt_parse_domain (domain_xml, &error);
  VmnetIfaceFact *i0, *i1;
  VmnetAdapterSettingsFact *s0, *s1;

  g_assert_no_error (error);
  g_assert_cmpstr (d->name, ==, "web1");
  g_assert_cmpint (d->state, ==, VMNET_VM_STATE_RUNNING);
  g_assert_cmpuint (d->interfaces->len, ==, 4);
  i0 = g_ptr_array_index (d->interfaces, 0);
  i1 = g_ptr_array_index (d->interfaces, 1);
  g_assert_cmpint (i0->teaming, ==, VMNET_TEAMING_PERSISTENT);
  g_assert_cmpint (i0->queues, ==, 4);
  g_assert_cmpstr (i0->alias, ==, "ua-front");
  g_assert_cmpint (i1->teaming, ==, VMNET_TEAMING_TRANSIENT);
  g_assert_cmpstr (i1->teaming_persistent, ==, "ua-front");
  g_assert_cmpstr (i1->hostdev_address, ==, "0000:3b:10.2");
  g_assert_cmpint (i1->vlan_id, ==, 10);

  g_assert_cmpuint (d->settings->len, ==, 2);
  s0 = g_ptr_array_index (d->settings, 0);
  s1 = g_ptr_array_index (d->settings, 1);
  g_assert_cmpuint (s0->iov_weight, ==, 100);
  g_assert_cmpuint (s0->iov_queue_pairs_requested, ==, 4);
  g_assert_cmpint (s0->iov_interrupt_moderation, ==, VMNET_IOV_INTERRUPT_MODERATION_ADAPTIVE);
  g_assert_null (s0->error);
  /* A bad value is reported and replaced by its default; the good ones stay. */
  g_assert_cmpuint (s1->iov_weight, ==, 0);
  g_assert_cmpuint (s1->iov_queue_pairs_requested, ==, 2);
  g_assert_nonnull (strstr (s1->error, "iov-weight 'abc'"));
}

/* Bandwidth of a network and its portgroups, and of an interface (with its
 * portgroup and link state): outbound averages in KB/s, any inbound limit
 * or floor as such. */
static void
test_port_policy_facts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetNetworkFact) net = vmnet_libvirt_parse_network (
    "<network><name>sw</name><bandwidth><outbound average='1000' peak='3000' burst='64'/></bandwidth>"
    "<portgroup name='fast'/>"
    "<portgroup name='slow' default='yes'><bandwidth><inbound average='100' floor='50'/></bandwidth></portgroup>"
    "</network>", &error);
  g_autoptr(VmnetDomainFact) d = NULL;
  const VmnetPortgroupFact *pg;
  const VmnetIfaceFact *f;

  g_assert_no_error (error);
  g_assert_true (net->bandwidth.set);
  g_assert_cmpuint (net->bandwidth.out_average, ==, 1000);
  g_assert_cmpuint (net->bandwidth.out_peak, ==, 3000);
  g_assert_false (net->bandwidth.inbound);
  g_assert_cmpuint (net->portgroups->len, ==, 2);
  pg = g_ptr_array_index (net->portgroups, 0);
  g_assert_cmpstr (pg->name, ==, "fast");
  g_assert_false (pg->is_default);
  g_assert_false (pg->bandwidth.set);
  pg = g_ptr_array_index (net->portgroups, 1);
  g_assert_true (pg->is_default);
  g_assert_true (pg->bandwidth.set && pg->bandwidth.inbound);
  g_assert_cmpuint (pg->bandwidth.out_average, ==, 0);

  d = vmnet_libvirt_parse_domain (
    "<domain id='1'><name>p</name><uuid>5b0c2d6e-7f18-4a29-b3c4-d5e6f7a80010</uuid><devices>"
    "<interface type='network'><mac address='52:54:00:00:10:01'/><source network='sw' portgroup='fast'/>"
    "<bandwidth><outbound average='250'/></bandwidth><link state='down'/>"
    "<filterref filter='clean-traffic'><parameter name='IP' value='10.0.0.1'/></filterref></interface>"
    "<interface type='network'><mac address='52:54:00:00:10:02'/><source network='sw'/><link state='up'/>"
    "</interface></devices></domain>", &error);
  g_assert_no_error (error);
  f = g_ptr_array_index (d->interfaces, 0);
  g_assert_cmpstr (f->portgroup, ==, "fast");
  g_assert_true (f->bandwidth.set);
  g_assert_cmpuint (f->bandwidth.out_average, ==, 250);
  g_assert_false (f->bandwidth.inbound);
  g_assert_true (f->link_down);
  g_assert_cmpstr (f->filter, ==, "clean-traffic");
  f = g_ptr_array_index (d->interfaces, 1);
  g_assert_null (f->portgroup);
  g_assert_false (f->bandwidth.set);
  g_assert_false (f->link_down);
}

/* Elements libvirt writes once, given twice: the first counts, and nothing leaks (the
 * sanitizer build checks that). */
static void
test_repeated_elements (void)
{
  g_autoptr(GError) error = NULL;
  VmnetPciFact *pci = NULL;
  VmnetNetdevFact *net = NULL;
  g_autoptr(VmnetDomainFact) d = NULL;
  VmnetIfaceFact *f;

  g_assert_true (vmnet_libvirt_parse_nodedev (
    "<device><name>pci_x</name>"
    "<capability type='pci'><domain>0</domain><bus>1</bus><slot>16</slot><function>2</function>"
    "<capability type='phys_function'><address domain='0' bus='1' slot='0' function='0'/></capability>"
    "<capability type='phys_function'><address domain='0' bus='2' slot='0' function='0'/></capability>"
    "</capability>"
    "<capability type='pci'><domain>0</domain><bus>9</bus><slot>9</slot><function>1</function></capability>"
    "<capability type='net'><interface>first</interface></capability>"
    "<capability type='net'><interface>second</interface></capability>"
    "</device>", &pci, &net, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (pci->address, ==, "0000:01:10.2");
  g_assert_cmpstr (pci->pf_address, ==, "0000:01:00.0");
  g_assert_cmpstr (net->interface, ==, "first");
  vmnet_pci_fact_free (pci);
  vmnet_netdev_fact_free (net);

  d = vmnet_libvirt_parse_domain (
    "<domain id='1'><name>r</name><uuid>5b0c2d6e-7f18-4a29-b3c4-d5e6f7a80009</uuid><devices>"
    "<interface type='hostdev'><mac address='52:54:00:00:09:01'/>"
    "<source network='one' bridge='br1'><address type='pci' domain='0' bus='1' slot='16' function='0'/></source>"
    "<source network='two' dev='eth9'/>"
    "<teaming type='transient' persistent='ua-a'/><teaming type='transient' persistent='ua-b'/>"
    "<teaming type='persistent'/></interface></devices></domain>", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (d->interfaces->len, ==, 1);
  f = g_ptr_array_index (d->interfaces, 0);
  g_assert_cmpstr (f->network, ==, "one");
  g_assert_cmpstr (f->source_dev, ==, "br1");
  g_assert_cmpint (f->teaming, ==, VMNET_TEAMING_TRANSIENT);
  g_assert_cmpstr (f->teaming_persistent, ==, "ua-a");
}

/* Hot-pluggable PCIe ports of a q35 domain and how many hold nothing: a
 * root port with hotplug off does not count, a switch's downstream port does. */
static void
test_domain_pcie_ports (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetDomainFact) q35 = vmnet_libvirt_parse_domain (
    "<domain type='kvm' id='3'><name>q</name><os><type arch='x86_64' machine='pc-q35-8.2'>hvm</type></os><devices>"
    "<controller type='pci' index='0' model='pcie-root'/>"
    "<controller type='pci' index='1' model='pcie-root-port'><address type='pci' bus='0x00' slot='0x02'/></controller>"
    "<controller type='pci' index='2' model='pcie-root-port'><address type='pci' bus='0x00' slot='0x03'/></controller>"
    "<controller type='pci' index='3' model='pcie-root-port'><target hotplug='off'/>"
    "<address type='pci' bus='0x00' slot='0x04'/></controller>"
    "<controller type='pci' index='4' model='pcie-switch-upstream-port'><address type='pci' bus='0x02' slot='0x00'/></controller>"
    "<controller type='pci' index='5' model='pcie-switch-downstream-port'><address type='pci' bus='0x04' slot='0x00'/></controller>"
    "<interface type='network'><mac address='52:54:00:00:00:01'/><source network='sw'/>"
    "<address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></interface>"
    "</devices></domain>", &error);
  g_autoptr(VmnetDomainFact) pc = NULL;

  g_assert_no_error (error);
  /* Ports 1, 2 and 5; 1 holds the interface, 2 the switch: 5 is free. */
  g_assert_cmpint (q35->pcie_ports, ==, 3);
  g_assert_cmpint (q35->pcie_ports_free, ==, 1);

  pc = vmnet_libvirt_parse_domain ("<domain type='kvm'><name>p</name><os><type machine='pc-i440fx-8.2'>hvm</type></os>"
                                   "<devices/></domain>", &error);
  g_assert_no_error (error);
  g_assert_cmpint (pc->pcie_ports, ==, -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/libvirt-xml/nodedev-pf", test_nodedev_pf);
  g_test_add_func ("/vmnet/libvirt-xml/nodedev-vf-and-net", test_nodedev_vf_and_net);
  g_test_add_func ("/vmnet/libvirt-xml/malformed", test_malformed);
  g_test_add_func ("/vmnet/libvirt-xml/network-pool", test_network_pool);
  g_test_add_func ("/vmnet/libvirt-xml/domain", test_domain);
  g_test_add_func ("/vmnet/libvirt-xml/repeated-elements", test_repeated_elements);
  g_test_add_func ("/vmnet/libvirt-xml/domain-pcie-ports", test_domain_pcie_ports);
  g_test_add_func ("/vmnet/libvirt-xml/port-policy-facts", test_port_policy_facts);
  return g_test_run ();
}
