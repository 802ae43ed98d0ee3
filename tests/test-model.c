/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Facts to the Hyper-V model: switches, adapters, PFs and checks, no connection involved. */
#include <string.h>

#include "vmnet-model-private.h"
#include "vmnet-libvirt-xml-private.h"
#include "vmnet-test-util.h"

#define NS VMNET_TEST_NS

static const gchar *pf_xml = VMNET_TEST_NODEDEV_PF_XML;
static const gchar *vf_xml = VMNET_TEST_NODEDEV_VF_XML;
static const gchar *net_xml = VMNET_TEST_NODEDEV_NET_XML;
static const gchar *domain_xml = VMNET_TEST_DOMAIN_WEB1_XML;

static VmnetHostFacts *
facts_from (const gchar *const *nodedevs, const gchar *const *networks, const gchar *const *domains)
{
  VmnetHostFacts *facts = vmnet_host_facts_new ();

  for (guint i = 0; nodedevs && nodedevs[i]; i++)
    {
      VmnetPciFact *pci = NULL;
      VmnetNetdevFact *net = NULL;
      g_assert_true (vmnet_libvirt_parse_nodedev (nodedevs[i], &pci, &net, NULL));
      if (pci)
        g_ptr_array_add (facts->pci, pci);
      if (net)
        g_ptr_array_add (facts->netdevs, net);
    }
  for (guint i = 0; networks && networks[i]; i++)
    g_ptr_array_add (facts->networks, vmnet_libvirt_parse_network (networks[i], NULL));
  for (guint i = 0; domains && domains[i]; i++)
    g_ptr_array_add (facts->domains, vmnet_libvirt_parse_domain (domains[i], NULL));
  return facts;
}

static const gchar *sw_xml = "<network><name>sw</name><forward mode='bridge'><interface dev='enp59s0f0'/></forward></network>";
static const gchar *pool_xml = "<network><name>sw-iov</name><forward mode='hostdev' managed='yes'><pf dev='enp59s0f0'/></forward></network>";
static const gchar *lone_pool_xml = "<network><name>vfs</name><forward mode='hostdev' managed='yes'><pf dev='enp59s0f0'/></forward></network>";
static const gchar *nat_xml = "<network><name>nat</name><forward mode='nat'/></network>";
static const gchar *private_xml = "<network><name>private</name></network>";

static VmnetSwitchInfo *
switch_named (VmnetModel *model, const gchar *name)
{
  for (guint i = 0; i < model->switches->len; i++)
    {
      VmnetSwitchInfo *sw = g_ptr_array_index (model->switches, i);
      if (g_str_equal (sw->name, name))
        return sw;
    }
  return NULL;
}

static void
test_model_switches (void)
{
  const gchar *devs[] = { pf_xml, vf_xml, net_xml, NULL };
  const gchar *nets[] = { sw_xml, pool_xml, lone_pool_xml, nat_xml, private_xml, NULL };
  const gchar *doms[] = { domain_xml, NULL };
  g_autoptr(VmnetHostFacts) facts = facts_from (devs, nets, doms);
  g_autoptr(VmnetModel) model = vmnet_model_build (facts);
  VmnetSwitchInfo *sw, *lone;

  /* sw-iov is folded into sw; "vfs" has no software network and stands alone. */
  g_assert_cmpuint (model->switches->len, ==, 4);
  g_assert_null (switch_named (model, "sw-iov"));
  sw = switch_named (model, "sw");
  g_assert_cmpint (sw->switch_type, ==, VMNET_SWITCH_TYPE_EXTERNAL);
  g_assert_true (sw->iov_enabled);
  g_assert_cmpstr (sw->iov_pool_name, ==, "sw-iov");
  g_assert_cmpstr (sw->net_adapter_name, ==, "enp59s0f0");
  g_assert_cmpstr (sw->net_adapter_interface_description, ==, "Intel Corporation 82599ES");
  g_assert_cmpint (sw->iov_virtual_function_count, ==, 2);
  g_assert_cmpint (sw->iov_virtual_functions_in_use, ==, 1);
  g_assert_cmpint (sw->iov_queue_pair_count, ==, 2);
  g_assert_cmpint (sw->iov_queue_pairs_in_use, ==, 1);
  lone = switch_named (model, "vfs");
  g_assert_true (lone->iov_enabled);
  g_assert_cmpint (lone->switch_type, ==, VMNET_SWITCH_TYPE_EXTERNAL);
  g_assert_cmpint (switch_named (model, "nat")->switch_type, ==, VMNET_SWITCH_TYPE_INTERNAL);
  g_assert_false (switch_named (model, "nat")->iov_enabled);
  g_assert_cmpint (switch_named (model, "private")->switch_type, ==, VMNET_SWITCH_TYPE_PRIVATE);
  g_assert_cmpstr (switch_named (model, "private")->forward_mode, ==, "none");
}

static void
test_model_adapters (void)
{
  const gchar *devs[] = { pf_xml, vf_xml, net_xml, NULL };
  const gchar *nets[] = { sw_xml, pool_xml, NULL };
  const gchar *doms[] = { domain_xml, NULL };
  g_autoptr(VmnetHostFacts) facts = facts_from (devs, nets, doms);
  g_autoptr(VmnetModel) model = vmnet_model_build (facts);
  VmnetVmInfo *vm = g_ptr_array_index (model->vms, 0);
  VmnetAdapterInfo *front, *second, *third;
  VmnetPfInfo *pf = g_ptr_array_index (model->pfs, 0);
  VmnetVfInfo *vf1 = g_ptr_array_index (pf->vfs, 1);

  /* The teamed VF is not an adapter of its own. */
  g_assert_cmpuint (vm->adapters->len, ==, 3);
  front = g_ptr_array_index (vm->adapters, 0);
  second = g_ptr_array_index (vm->adapters, 1);
  third = g_ptr_array_index (vm->adapters, 2);
  g_assert_cmpstr (front->name, ==, "front");
  g_assert_cmpstr (second->name, ==, "net1");
  g_assert_cmpstr (third->name, ==, "net2");
  g_assert_true (front->failover_ready);
  g_assert_false (second->failover_ready);
  /* Plugged, but whether the guest has it shows on the host only: no IovUsage yet. */
  g_assert_true (front->vf_plugged);
  g_assert_cmpint (front->guest_vf, ==, VMNET_TERNARY_UNKNOWN);
  g_assert_cmpuint (front->iov_usage, ==, 0);
  g_assert_cmpstr (front->status_description[0], ==, "OK (SR-IOV plugged, guest not confirmed)");
  g_assert_cmpstr (front->virtual_function, ==, "0000:3b:10.2");
  g_assert_cmpuint (front->iov_queue_pairs_assigned, ==, 1);
  g_assert_cmpuint (front->iov_weight, ==, 100);
  g_assert_cmpstr (front->switch_name, ==, "sw");
  /* No metadata entry: Hyper-V's defaults. */
  g_assert_cmpuint (second->iov_weight, ==, 0);
  g_assert_cmpuint (second->iov_queue_pairs_requested, ==, 1);
  g_assert_cmpint (second->iov_interrupt_moderation, ==, VMNET_IOV_INTERRUPT_MODERATION_DEFAULT);
  g_assert_cmpuint (second->iov_usage, ==, 0);
  g_assert_null (second->settings_error);
  g_assert_nonnull (third->settings_error);

  g_assert_cmpint (pf->num_vfs, ==, 2);
  g_assert_cmpint (pf->allocated_vfs, ==, 1);
  g_assert_cmpstr (pf->switch_name, ==, "sw");
  g_assert_cmpstr (vf1->vm_name, ==, "web1");
  g_assert_cmpstr (vf1->vm_adapter_name, ==, "front");
  g_assert_cmpint (vf1->function_id, ==, 1);
  g_assert_cmpint (vf1->iommu_group, ==, 41);
  /* libvirt set the VF's MAC and VLAN from the interface. */
  g_assert_cmpstr (vf1->mac_address, ==, "52:54:00:00:01:01");
  g_assert_cmpint (vf1->vlan_id, ==, 10);
}

static void
test_model_stopped_vm_holds_no_vf (void)
{
  g_autofree gchar *stopped = NULL;
  const gchar *devs[] = { pf_xml, vf_xml, net_xml, NULL };
  const gchar *nets[] = { sw_xml, pool_xml, NULL };
  const gchar *doms[] = { NULL, NULL };
  g_autoptr(VmnetHostFacts) facts = NULL;
  g_autoptr(VmnetModel) model = NULL;
  VmnetVmInfo *vm;
  VmnetAdapterInfo *front;
  VmnetPfInfo *pf;

  /* Without id= the XML is an inactive definition. */
  stopped = g_strdup (domain_xml);
  memcpy (strstr (stopped, " id='7'"), "       ", 7);
  doms[0] = stopped;
  facts = facts_from (devs, nets, doms);
  model = vmnet_model_build (facts);
  vm = g_ptr_array_index (model->vms, 0);
  front = g_ptr_array_index (vm->adapters, 0);
  pf = g_ptr_array_index (model->pfs, 0);
  g_assert_cmpint (vm->state, ==, VMNET_VM_STATE_OFF);
  g_assert_cmpuint (front->iov_usage, ==, 0);
  g_assert_null (front->virtual_function);
  g_assert_cmpint (pf->allocated_vfs, ==, 0);
  g_assert_cmpint (switch_named (model, "sw")->iov_virtual_functions_in_use, ==, 0);
}

/* The adapter-vlan check of a running VM's adapter with VLAN 10, from what
 * netlink says of its tap (a table made here as the reader would). */
#define VLAN_DOMAIN_XML \
  "<domain type='kvm' id='8'><name>tagged</name><uuid>5b0c2d6e-7f18-4a29-b3c4-d5e6f7a80002</uuid>" \
  "<metadata><vmnet:adapters xmlns:vmnet='" NS "'><vmnet:adapter mac='52:54:00:00:02:01' vlan-id='10'/>" \
  "</vmnet:adapters></metadata><devices>" \
  "<interface type='network'><mac address='52:54:00:00:02:01'/><source network='%s' bridge='br0'/>" \
  "<target dev='vnet7'/><model type='virtio'/></interface></devices></domain>"

static gchar *
vlan_check_of (const gchar *network, gboolean ports_read, gint pvid, guint n_vlans, VmnetTernary filtering,
               gint default_pvid)
{
  g_autofree gchar *dom = g_strdup_printf (VLAN_DOMAIN_XML, network);
  const gchar *nets[] = { sw_xml, "<network><name>bridged</name><bridge name='br0'/></network>", NULL };
  const gchar *doms[] = { dom, NULL };
  g_autoptr(VmnetHostFacts) facts = facts_from (NULL, nets, doms);
  g_autoptr(VmnetModel) model = NULL;
  g_autoptr(GEnumClass) results = g_type_class_ref (VMNET_TYPE_CHECK_RESULT);
  VmnetAdapterInfo *a;

  g_assert_cmpstr (((VmnetIfaceFact *) g_ptr_array_index (((VmnetDomainFact *) g_ptr_array_index (facts->domains, 0))->interfaces, 0))->target_dev, ==, "vnet7");
  if (ports_read)
    {
      facts->ports = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) vmnet_port_vlan_fact_free);
      if (pvid >= 0)
        {
          VmnetPortVlanFact *p = vmnet_port_vlan_fact_new ();
          p->name = g_strdup ("vnet7");
          p->bridge = g_strdup ("br0");
          p->pvid = pvid;
          p->n_vlans = n_vlans;
          p->pvid_untagged = TRUE;
          p->vlan_filtering = filtering;
          p->default_pvid = default_pvid;
          g_hash_table_insert (facts->ports, p->name, p);
        }
    }
  model = vmnet_model_build (facts);
  a = g_ptr_array_index (((VmnetVmInfo *) g_ptr_array_index (model->vms, 0))->adapters, 0);
  for (guint i = 0; i < a->checks->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (a->checks, i);
      if (vmnet_iov_check_get_code (c) == VMNET_IOV_CHECK_ADAPTER_VLAN)
        return g_strdup_printf ("%s: %s", g_enum_get_value (results, vmnet_iov_check_get_result (c))->value_nick,
                                vmnet_iov_check_get_message (c));
    }
  return g_strdup ("none");
}

static void
test_model_vlan_check (void)
{
  struct {
    const gchar *network; gboolean read; gint pvid; guint n; VmnetTernary filtering; gint def; const gchar *expected;
  } cases[] = {
    { "bridged", TRUE, 10, 1, VMNET_TERNARY_TRUE, 1, "pass: Port vnet7 on bridge br0 is an access port of VLAN 10." },
    { "bridged", TRUE, 10, 1, VMNET_TERNARY_FALSE, 1,
      "warn: Port vnet7 is in VLAN 10, but bridge br0 does not filter VLANs, so the software path is not separated." },
    { "bridged", TRUE, 1, 1, VMNET_TERNARY_TRUE, 1, "warn: Port vnet7 on bridge br0 is in VLAN 1, not an access port of VLAN 10." },
    { "bridged", TRUE, 10, 2, VMNET_TERNARY_TRUE, 1,
      "warn: Port vnet7 on bridge br0 is in VLAN 10 and others, not an access port of VLAN 10." },
    { "bridged", TRUE, 0, 0, VMNET_TERNARY_FALSE, -1,
      "warn: The kernel's bridge cannot filter VLANs (built without CONFIG_BRIDGE_VLAN_FILTERING), so VLAN 10 holds on the VF only, not on port vnet7 of the software path." },
    { "bridged", TRUE, -1, 0, VMNET_TERNARY_TRUE, 1, "warn: 'vnet7' is not a bridge port, so VLAN 10 is not set on the software path." },
    { "bridged", FALSE, -1, 0, VMNET_TERNARY_TRUE, 1,
      "skip: Not checked: the software path's port is seen on the host itself only (VLAN 10 is set there by vmnetd)." },
    { "sw", TRUE, 0, 0, VMNET_TERNARY_TRUE, 1,
      "warn: VLAN 10 cannot be set on the software path: switch 'sw' connects VMs through macvtap, which carries no per-adapter VLAN." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree gchar *got = vlan_check_of (cases[i].network, cases[i].read, cases[i].pvid, cases[i].n,
                                             cases[i].filtering, cases[i].def);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

/* A remote connection: the host's files are out of reach; what libvirt
 * reports (vfio in the domain capabilities) is used, the rest names its
 * files and the way to read them. */
static void
test_model_remote_unknowns (void)
{
  const gchar *devs[] = { pf_xml, vf_xml, net_xml, NULL };
  const gchar *nets[] = { sw_xml, pool_xml, NULL };
  const gchar *doms[] = { domain_xml, NULL };
  g_autoptr(VmnetHostFacts) facts = facts_from (devs, nets, doms);
  g_autoptr(VmnetModel) model = NULL;
  gboolean saw_ir = FALSE;

  facts->remote = TRUE;
  facts->privileged = TRUE;
  facts->hostdev_vfio = VMNET_TERNARY_TRUE;
  model = vmnet_model_build (facts);
  for (guint i = 0; i < model->host_checks->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (model->host_checks, i);
      VmnetIovCheckCode code = vmnet_iov_check_get_code (c);

      if (code == VMNET_IOV_CHECK_DMA_REMAPPING || code == VMNET_IOV_CHECK_VFIO)
        {
          g_assert_cmpint (vmnet_iov_check_get_result (c), ==, VMNET_CHECK_RESULT_PASS);
          g_assert_nonnull (strstr (vmnet_iov_check_get_message (c), "domain capabilities"));
        }
      if (code == VMNET_IOV_CHECK_INTERRUPT_REMAPPING)
        {
          saw_ir = TRUE;
          g_assert_cmpint (vmnet_iov_check_get_result (c), ==, VMNET_CHECK_RESULT_UNKNOWN);
          g_assert_cmpstr (vmnet_iov_check_get_message (c), ==,
                           "Not known: whether interrupt remapping is active is read from the host's "
                           "/proc/interrupts, which a remote connection does not reach and libvirt does not report.");
          g_assert_nonnull (strstr (vmnet_iov_check_get_fix (c), "--host-root"));
        }
    }
  g_assert_true (saw_ir);
}

/* A remote host without its PF among the node devices: the running pool's
 * live definition (its VFs, its connections) gives the switch's VF counts;
 * a pool that is not running leaves them unknown, saying why. */
static void
test_model_remote_pool_counts (void)
{
  const gchar *live_pool =
    "<network connections='2'><name>sw-iov</name><forward mode='hostdev' managed='yes'><pf dev='ens9f0'/>"
    "<address type='pci' domain='0x0000' bus='0x3b' slot='0x10' function='0x0'/>"
    "<address type='pci' domain='0x0000' bus='0x3b' slot='0x10' function='0x2'/>"
    "<address type='pci' domain='0x0000' bus='0x3b' slot='0x10' function='0x4'/>"
    "</forward></network>";
  const gchar *remote_sw = "<network><name>sw</name><forward mode='bridge'><interface dev='ens9f0'/></forward></network>";
  const gchar *nets[] = { remote_sw, live_pool, NULL };
  g_autoptr(VmnetHostFacts) facts = facts_from (NULL, nets, NULL);
  g_autoptr(VmnetModel) model = NULL;
  g_autoptr(VmnetModel) stopped = NULL;
  VmnetSwitchInfo *sw;
  gboolean found_check = FALSE;

  facts->remote = TRUE;
  for (guint i = 0; i < facts->networks->len; i++)
    ((VmnetNetworkFact *) g_ptr_array_index (facts->networks, i))->active = TRUE;
  model = vmnet_model_build (facts);
  sw = switch_named (model, "sw");
  g_assert_true (sw->iov_enabled);
  g_assert_null (sw->iov_count_unknown);
  g_assert_cmpint (sw->iov_virtual_function_count, ==, 3);
  g_assert_cmpint (sw->iov_virtual_functions_in_use, ==, 2);
  g_assert_true (sw->adapter_sriov_capable);

  for (guint i = 0; i < facts->networks->len; i++)
    ((VmnetNetworkFact *) g_ptr_array_index (facts->networks, i))->active = FALSE;
  stopped = vmnet_model_build (facts);
  sw = switch_named (stopped, "sw");
  g_assert_cmpint (sw->iov_virtual_function_count, ==, 0);
  g_assert_cmpstr (sw->iov_count_unknown, ==,
                   "its VF pool 'sw-iov' is not running (libvirt lists a pool's VFs only while it runs) and libvirt "
                   "reports no node device for its adapter ens9f0");
  /* test-sriov's free-VF check says the count is not known, and why. */
  for (guint i = 0; i < sw->checks->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (sw->checks, i);

      if (vmnet_iov_check_get_code (c) != VMNET_IOV_CHECK_SWITCH_FREE_VFS)
        continue;
      g_assert_cmpint (vmnet_iov_check_get_result (c), ==, VMNET_CHECK_RESULT_UNKNOWN);
      g_assert_nonnull (strstr (vmnet_iov_check_get_message (c), "its VF pool 'sw-iov' is not running"));
      found_check = TRUE;
    }
  g_assert_true (found_check);
}

/* Without the host's files, the PF's node device (virt_functions) counts
 * its VFs: the count is known. */
static void
test_model_remote_nodedev_counts (void)
{
  const gchar *devs[] = { pf_xml, vf_xml, net_xml, NULL };
  const gchar *nets[] = { sw_xml, pool_xml, NULL };
  g_autoptr(VmnetHostFacts) facts = facts_from (devs, nets, NULL);
  g_autoptr(VmnetModel) model = NULL;
  VmnetSwitchInfo *sw;

  facts->remote = TRUE;
  model = vmnet_model_build (facts);
  sw = switch_named (model, "sw");
  g_assert_null (sw->iov_count_unknown);
  g_assert_cmpint (sw->iov_virtual_function_count, ==, 2);
  g_assert_cmpint (sw->iov_virtual_functions_in_use, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/model/switches", test_model_switches);
  g_test_add_func ("/vmnet/model/adapters", test_model_adapters);
  g_test_add_func ("/vmnet/model/stopped-vm-holds-no-vf", test_model_stopped_vm_holds_no_vf);
  g_test_add_func ("/vmnet/model/vlan-check", test_model_vlan_check);
  g_test_add_func ("/vmnet/model/remote-unknowns", test_model_remote_unknowns);
  g_test_add_func ("/vmnet/model/remote-pool-counts", test_model_remote_pool_counts);
  g_test_add_func ("/vmnet/model/remote-nodedev-counts", test_model_remote_nodedev_counts);
  return g_test_run ();
}
