/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The model as one GVariant (vmnetd's GetModel) and back: every field, the
 * VM filter, and what malformed data gives. */
#include <string.h>

#include "vmnet-model-private.h"
#include "vmnet-diagnose-private.h"
#include "vmnet-host-private.h"
#include "vmnet-test-util.h"

/* The hosts the other tests use: the demo host (with and without its host
 * root), and a PF whose VFs come from sysfs with a VM holding one. */
typedef struct {
  const gchar *name;
  gchar       *uri;
  gchar       *root;
} Fixture;

static void
fixture_free (Fixture *f)
{
  g_free (f->uri);
  g_free (f->root);
  g_free (f);
}

static GPtrArray *
fixtures (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) fixture_free);
  const gchar *top = g_getenv ("VMNET_SOURCE_ROOT");
  g_autofree gchar *demo = g_build_filename (top, "data", "demo-host.xml", NULL);
  gchar *sysfs_root = vmnet_test_sysfs_root ();
  g_autofree gchar *sysfs_xml = vmnet_test_host_xml (
    "<device><name>pci_0000_01_00_0</name><parent>computer</parent><capability type='pci'>"
    "<class>0x020000</class><domain>0</domain><bus>1</bus><slot>0</slot><function>0</function>"
    "<product id='0x10c9'>82576 Gigabit Network Connection</product><vendor id='0x8086'>Intel Corporation</vendor>"
    "<capability type='virt_functions' maxCount='7'/></capability></device>"
    "<device><name>net_enp1s0_52_54_00_12_34_56</name><parent>pci_0000_01_00_0</parent>"
    "<capability type='net'><interface>enp1s0</interface><address>52:54:00:12:34:56</address></capability></device>"
    "<network><name>sw</name><forward mode='bridge'><interface dev='enp1s0'/></forward></network>"
    "<network><name>sw-iov</name><forward mode='hostdev' managed='yes'><pf dev='enp1s0'/></forward></network>"
    "<domain type='test'><name>vm1</name><memory>1024</memory><os><type machine='pc-q35-7.2'>hvm</type></os>"
    "<metadata><vmnet:adapters xmlns:vmnet='http://libvmnet.org/xmlns/vmnet/1.0'>"
    "<vmnet:adapter mac='52:54:00:aa:00:01' iov-weight='100' router-guard='on'/></vmnet:adapters></metadata>"
    "<devices><interface type='network'><mac address='52:54:00:aa:00:01'/><source network='sw'/>"
    "<model type='virtio'/><bandwidth><outbound average='1000' peak='2000'/></bandwidth>"
    "<teaming type='persistent'/><alias name='ua-net0'/></interface>"
    "<interface type='hostdev' managed='yes'><mac address='52:54:00:aa:00:01'/>"
    "<source><address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x0'/></source>"
    "<teaming type='transient' persistent='ua-net0'/><alias name='ua-net0-vf'/></interface></devices></domain>");
  Fixture *f;

  g_assert_nonnull (top);
  vmnet_test_sysfs_add_82576 (sysfs_root);
  f = g_new0 (Fixture, 1);
  f->name = "demo";
  f->uri = g_strconcat ("test://", demo, NULL);
  g_ptr_array_add (list, f);
  f = g_new0 (Fixture, 1);
  f->name = "demo with its host root";
  f->uri = g_strconcat ("test://", demo, NULL);
  f->root = g_build_filename (top, "data", "demo-root", NULL);
  g_ptr_array_add (list, f);
  f = g_new0 (Fixture, 1);
  f->name = "82576 from sysfs";
  f->uri = vmnet_test_uri_for_xml (sysfs_xml);
  f->root = sysfs_root;
  g_ptr_array_add (list, f);
  return list;
}

static VmnetHost *
open_fixture (const Fixture *f)
{
  g_autoptr(GError) error = NULL;
  VmnetHost *host = g_initable_new (VMNET_TYPE_HOST, NULL, &error, "uri", f->uri, "host-root", f->root, NULL);

  g_assert_no_error (error);
  return host;
}

static void
assert_checks_equal (GPtrArray *a, GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const VmnetIovCheck *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

      g_assert_cmpint (vmnet_iov_check_get_code (x), ==, vmnet_iov_check_get_code (y));
      g_assert_cmpint (vmnet_iov_check_get_result (x), ==, vmnet_iov_check_get_result (y));
      g_assert_cmpstr (vmnet_iov_check_get_title (x), ==, vmnet_iov_check_get_title (y));
      g_assert_cmpstr (vmnet_iov_check_get_message (x), ==, vmnet_iov_check_get_message (y));
      g_assert_cmpstr (vmnet_iov_check_get_fix (x), ==, vmnet_iov_check_get_fix (y));
    }
}

/* The model, through its serialized bytes as a client gets them. */
static VmnetModel *
through_bytes (GVariant *variant, GError **error)
{
  g_autoptr(GBytes) bytes = g_variant_get_data_as_bytes (variant);
  g_autoptr(GVariant) copy = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (VMNET_MODEL_VARIANT_TYPE),
                                                                           bytes, FALSE));

  g_assert_true (g_variant_is_normal_form (copy));
  return vmnet_model_from_variant (copy, error);
}

/* Every fixture host: direct read → variant → model → the same variant. */
static void
test_round_trip_hosts (void)
{
  g_autoptr(GPtrArray) list = fixtures ();

  g_assert_true (g_variant_type_string_is_valid (VMNET_MODEL_VARIANT_TYPE));
  for (guint i = 0; i < list->len; i++)
    {
      const Fixture *f = g_ptr_array_index (list, i);
      g_autoptr(VmnetHost) host = open_fixture (f);
      VmnetModel *model = host->model;
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) v1 = vmnet_model_to_variant (model, NULL);
      g_autoptr(GVariant) v2 = NULL;
      g_autoptr(GVariant) served = vmnet_host_dup_model_variant (host, NULL, NULL, NULL);
      g_autoptr(VmnetModel) back = NULL;

      g_test_message ("host %s: %u PFs, %u switches, %u VMs", f->name, model->pfs->len, model->switches->len,
                      model->vms->len);
      g_assert_false (g_variant_is_floating (v1));
      g_assert_true (g_variant_is_of_type (v1, G_VARIANT_TYPE (VMNET_MODEL_VARIANT_TYPE)));
      g_assert_true (g_variant_equal (v1, served));
      back = through_bytes (v1, &error);
      g_assert_no_error (error);
      v2 = vmnet_model_to_variant (back, NULL);
      g_assert_true (g_variant_equal (v1, v2));

      /* Spot checks, record by record. */
      g_assert_cmpuint (back->pfs->len, ==, model->pfs->len);
      g_assert_cmpuint (back->switches->len, ==, model->switches->len);
      g_assert_cmpuint (back->vms->len, ==, model->vms->len);
      assert_checks_equal (back->host_checks, model->host_checks);
      g_assert_cmpuint (model->host_checks->len, >, 0);
      for (guint j = 0; j < model->pfs->len; j++)
        {
          const VmnetPfInfo *a = g_ptr_array_index (model->pfs, j), *b = g_ptr_array_index (back->pfs, j);

          g_assert_cmpstr (a->name, ==, b->name);
          g_assert_cmpint (a->link_speed, ==, b->link_speed);
          g_assert_cmpint (a->configured_num_vfs, ==, b->configured_num_vfs);
          g_assert_cmpuint (a->vfs->len, ==, b->vfs->len);
          for (guint k = 0; k < a->vfs->len; k++)
            {
              const VmnetVfInfo *x = g_ptr_array_index (a->vfs, k), *y = g_ptr_array_index (b->vfs, k);

              g_assert_cmpstr (x->pci_address, ==, y->pci_address);
              g_assert_cmpstr (x->vm_name, ==, y->vm_name);
              g_assert_cmpint (x->spoof_check, ==, y->spoof_check);
              g_assert_cmpint (x->msix_count, ==, y->msix_count);
            }
        }
      for (guint j = 0; j < model->switches->len; j++)
        {
          const VmnetSwitchInfo *a = g_ptr_array_index (model->switches, j);
          const VmnetSwitchInfo *b = g_ptr_array_index (back->switches, j);

          g_assert_cmpstr (a->name, ==, b->name);
          g_assert_cmpint (a->switch_type, ==, b->switch_type);
          g_assert_cmpint (a->iov_virtual_functions_in_use, ==, b->iov_virtual_functions_in_use);
          assert_checks_equal (a->checks, b->checks);
        }
      for (guint j = 0; j < model->vms->len; j++)
        {
          const VmnetVmInfo *a = g_ptr_array_index (model->vms, j), *b = g_ptr_array_index (back->vms, j);

          g_assert_cmpstr (a->name, ==, b->name);
          g_assert_cmpstr (a->uuid, ==, b->uuid);
          g_assert_cmpstr (a->scope, ==, b->scope);
          g_assert_cmpint (a->state, ==, b->state);
          g_assert_cmpuint (a->adapters->len, ==, b->adapters->len);
          for (guint k = 0; k < a->adapters->len; k++)
            {
              const VmnetAdapterInfo *x = g_ptr_array_index (a->adapters, k);
              const VmnetAdapterInfo *y = g_ptr_array_index (b->adapters, k);

              g_assert_cmpstr (x->name, ==, y->name);
              g_assert_cmpstr (x->mac_address, ==, y->mac_address);
              g_assert_cmpuint (x->iov_weight, ==, y->iov_weight);
              g_assert_cmpint (x->iov_interrupt_moderation, ==, y->iov_interrupt_moderation);
              g_assert_cmpint (x->status, ==, y->status);
              g_assert_true (g_strv_equal ((const gchar *const *) x->status_description,
                                           (const gchar *const *) y->status_description));
              g_assert_cmpint (x->bandwidth.out_average, ==, y->bandwidth.out_average);
              g_assert_true ((x->port_facts == NULL) == (y->port_facts == NULL));
              assert_checks_equal (x->checks, y->checks);
            }
        }
    }
}

static VmnetIovCheck *
check_new (VmnetIovCheckCode code, const gchar *title, const gchar *message, const gchar *fix)
{
  return vmnet_iov_check_new (code, VMNET_CHECK_RESULT_WARN, title, g_strdup (message), g_strdup (fix));
}

/* A model with every field set to a value other than its default. */
static VmnetModel *
model_with_every_field (void)
{
  VmnetModel *model = vmnet_model_new ();
  VmnetPfInfo *pf = g_new0 (VmnetPfInfo, 1);
  VmnetVfInfo *vf = g_new0 (VmnetVfInfo, 1);
  VmnetSwitchInfo *sw = g_new0 (VmnetSwitchInfo, 1);
  VmnetVmInfo *vm = g_new0 (VmnetVmInfo, 1);
  VmnetAdapterInfo *a = g_new0 (VmnetAdapterInfo, 1);
  const gchar *description[] = { "Degraded: one", "two", NULL };

  vf->net_adapter_name = g_strdup ("enp1s0");
  vf->function_id = 3;
  vf->pci_address = g_strdup ("0000:01:10.6");
  vf->iommu_group = 17;
  vf->driver = g_strdup ("vfio-pci");
  vf->mac_address = g_strdup ("52:54:00:00:00:01");
  vf->vlan_id = 42;
  vf->spoof_check = VMNET_TERNARY_FALSE;
  vf->trust = VMNET_TERNARY_TRUE;
  vf->link_state = g_strdup ("enable");
  vf->max_tx_rate = 1000;
  vf->min_tx_rate = 10;
  vf->vm_name = g_strdup ("vm1");
  vf->vm_adapter_name = g_strdup ("net0");
  vf->msix_count = 5;
  pf->name = g_strdup ("enp1s0");
  pf->interface_description = g_strdup ("Intel 82576");
  pf->pci_address = g_strdup ("0000:01:00.0");
  pf->driver = g_strdup ("igb");
  pf->link_speed = G_GINT64_CONSTANT (10000000000);
  pf->link_state = g_strdup ("up");
  pf->enabled = TRUE;
  pf->max_vfs = 7;
  pf->num_vfs = 4;
  pf->allocated_vfs = 1;
  pf->switch_name = g_strdup ("ext");
  pf->vf_total_msix = 64;
  pf->configured_num_vfs = 4;
  pf->vfs = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_vf_info_free);
  g_ptr_array_add (pf->vfs, vf);
  g_ptr_array_add (model->pfs, pf);

  sw->name = g_strdup ("ext");
  sw->switch_type = VMNET_SWITCH_TYPE_EXTERNAL;
  sw->net_adapter_name = g_strdup ("enp1s0");
  sw->net_adapter_interface_description = g_strdup ("Intel 82576");
  sw->forward_mode = g_strdup ("bridge");
  sw->active = TRUE;
  sw->iov_enabled = TRUE;
  sw->iov_pool_name = g_strdup ("ext-iov");
  sw->iov_pf = g_strdup ("enp1s0");
  sw->iov_virtual_function_count = 4;
  sw->iov_virtual_functions_in_use = 1;
  sw->iov_queue_pair_count = 8;
  sw->iov_queue_pairs_in_use = 2;
  sw->adapter_sriov_capable = TRUE;
  sw->adapter_num_vfs = 4;
  sw->adapter_link_state = g_strdup ("down");
  sw->adapter_aggregate = g_strdup ("bond");
  sw->adapter_members = g_strdup ("enp1s0, enp2s0");
  sw->iov_count_unknown = g_strdup ("its VF pool 'ext-iov' is not running");
  sw->pool_active = TRUE;
  sw->checks = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_iov_check_free);
  g_ptr_array_add (sw->checks, check_new (VMNET_IOV_CHECK_SWITCH_IOV_MODE, "switch", "msg", NULL));
  g_ptr_array_add (model->switches, sw);

  a->vm_name = g_strdup ("vm1");
  a->vm_uuid = g_strdup ("11111111-2222-3333-4444-555555555555");
  a->name = g_strdup ("net0");
  a->mac_address = g_strdup ("52:54:00:00:00:01");
  a->switch_name = g_strdup ("ext");
  a->model = g_strdup ("virtio");
  a->failover_ready = TRUE;
  a->iov_weight = 77;
  a->iov_queue_pairs_requested = 4;
  a->iov_queue_pairs_assigned = 2;
  a->iov_interrupt_moderation = VMNET_IOV_INTERRUPT_MODERATION_HIGH;
  a->iov_usage = 1;
  a->vf_plugged = TRUE;
  a->guest_vf = VMNET_TERNARY_FALSE;
  a->allow_teaming = TRUE;
  a->router_guard = TRUE;
  a->dhcp_guard = TRUE;
  a->mac_address_spoofing = TRUE;
  a->vlan_id = 100;
  a->virtual_function = g_strdup ("0000:01:10.6");
  a->vf_alias = g_strdup ("ua-vf0");
  a->settings_error = g_strdup ("settings error");
  a->last_error = g_strdup ("last error");
  a->filter = g_strdup ("clean-traffic");
  a->software_path = VMNET_SOFTWARE_PATH_MACVTAP;
  a->vf_vlan_id = 101;
  a->bandwidth.set = TRUE;
  a->bandwidth.out_average = G_GUINT64_CONSTANT (5000000000);
  a->bandwidth.out_peak = 6000;
  a->bandwidth.inbound = TRUE;
  a->bandwidth_source = g_strdup ("portgroup 'P' of network 'N'");
  a->link_down = TRUE;
  a->vf_spoof_check = VMNET_TERNARY_TRUE;
  a->vf_max_tx_rate = 300;
  a->vf_link_state = g_strdup ("disable");
  a->port = g_strdup ("vnet7");
  a->port_read = TRUE;
  a->port_facts = vmnet_port_vlan_fact_new ();
  a->port_facts->name = g_strdup ("vnet7");
  a->port_facts->bridge = g_strdup ("br0");
  a->port_facts->pvid = 9;
  a->port_facts->n_vlans = 3;
  a->port_facts->pvid_untagged = TRUE;
  a->port_facts->vlan_filtering = VMNET_TERNARY_TRUE;
  a->port_facts->default_pvid = 1;
  a->vm_state = VMNET_VM_STATE_PAUSED;
  a->pcie_ports = 6;
  a->pcie_ports_free = 2;
  a->checks = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_iov_check_free);
  g_ptr_array_add (a->checks, check_new (VMNET_IOV_CHECK_ADAPTER_IOV_WEIGHT, "weight", "message", "fix"));
  a->status = VMNET_OPERATIONAL_STATUS_DEGRADED;
  a->status_description = g_strdupv ((gchar **) description);
  vm->name = g_strdup ("vm1");
  vm->uuid = g_strdup ("11111111-2222-3333-4444-555555555555");
  vm->state = VMNET_VM_STATE_PAUSED;
  vm->scope = g_strdup ("finance");
  vm->adapters = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_adapter_info_free);
  g_ptr_array_add (vm->adapters, a);
  g_ptr_array_add (model->vms, vm);

  g_ptr_array_add (model->host_checks, check_new (VMNET_IOV_CHECK_DMA_REMAPPING, "IOMMU", "off", "turn it on"));
  return model;
}

static void
test_every_field (void)
{
  g_autoptr(VmnetModel) model = model_with_every_field ();
  g_autoptr(GVariant) variant = vmnet_model_to_variant (model, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetModel) back = through_bytes (variant, &error);
  const VmnetPfInfo *pf;
  const VmnetVfInfo *vf;
  const VmnetSwitchInfo *sw;
  const VmnetVmInfo *vm;
  const VmnetAdapterInfo *a;
  const VmnetIovCheck *c;

  g_assert_no_error (error);
  pf = g_ptr_array_index (back->pfs, 0);
  g_assert_cmpstr (pf->name, ==, "enp1s0");
  g_assert_cmpstr (pf->interface_description, ==, "Intel 82576");
  g_assert_cmpstr (pf->pci_address, ==, "0000:01:00.0");
  g_assert_cmpstr (pf->driver, ==, "igb");
  g_assert_cmpint (pf->link_speed, ==, G_GINT64_CONSTANT (10000000000));
  g_assert_cmpstr (pf->link_state, ==, "up");
  g_assert_true (pf->enabled);
  g_assert_cmpint (pf->max_vfs, ==, 7);
  g_assert_cmpint (pf->num_vfs, ==, 4);
  g_assert_cmpint (pf->allocated_vfs, ==, 1);
  g_assert_cmpstr (pf->switch_name, ==, "ext");
  g_assert_cmpint (pf->vf_total_msix, ==, 64);
  g_assert_cmpint (pf->configured_num_vfs, ==, 4);
  vf = g_ptr_array_index (pf->vfs, 0);
  g_assert_cmpstr (vf->net_adapter_name, ==, "enp1s0");
  g_assert_cmpint (vf->function_id, ==, 3);
  g_assert_cmpstr (vf->pci_address, ==, "0000:01:10.6");
  g_assert_cmpint (vf->iommu_group, ==, 17);
  g_assert_cmpstr (vf->driver, ==, "vfio-pci");
  g_assert_cmpstr (vf->mac_address, ==, "52:54:00:00:00:01");
  g_assert_cmpint (vf->vlan_id, ==, 42);
  g_assert_cmpint (vf->spoof_check, ==, VMNET_TERNARY_FALSE);
  g_assert_cmpint (vf->trust, ==, VMNET_TERNARY_TRUE);
  g_assert_cmpstr (vf->link_state, ==, "enable");
  g_assert_cmpint (vf->max_tx_rate, ==, 1000);
  g_assert_cmpint (vf->min_tx_rate, ==, 10);
  g_assert_cmpstr (vf->vm_name, ==, "vm1");
  g_assert_cmpstr (vf->vm_adapter_name, ==, "net0");
  g_assert_cmpint (vf->msix_count, ==, 5);

  sw = g_ptr_array_index (back->switches, 0);
  g_assert_cmpstr (sw->name, ==, "ext");
  g_assert_cmpint (sw->switch_type, ==, VMNET_SWITCH_TYPE_EXTERNAL);
  g_assert_cmpstr (sw->net_adapter_name, ==, "enp1s0");
  g_assert_cmpstr (sw->net_adapter_interface_description, ==, "Intel 82576");
  g_assert_cmpstr (sw->forward_mode, ==, "bridge");
  g_assert_true (sw->active);
  g_assert_true (sw->iov_enabled);
  g_assert_cmpstr (sw->iov_pool_name, ==, "ext-iov");
  g_assert_cmpstr (sw->iov_pf, ==, "enp1s0");
  g_assert_cmpint (sw->iov_virtual_function_count, ==, 4);
  g_assert_cmpint (sw->iov_virtual_functions_in_use, ==, 1);
  g_assert_cmpint (sw->iov_queue_pair_count, ==, 8);
  g_assert_cmpint (sw->iov_queue_pairs_in_use, ==, 2);
  g_assert_true (sw->adapter_sriov_capable);
  g_assert_cmpint (sw->adapter_num_vfs, ==, 4);
  g_assert_cmpstr (sw->adapter_link_state, ==, "down");
  g_assert_cmpstr (sw->adapter_aggregate, ==, "bond");
  g_assert_cmpstr (sw->adapter_members, ==, "enp1s0, enp2s0");
  g_assert_cmpstr (sw->iov_count_unknown, ==, "its VF pool 'ext-iov' is not running");
  g_assert_true (sw->pool_active);
  c = g_ptr_array_index (sw->checks, 0);
  g_assert_cmpint (vmnet_iov_check_get_code (c), ==, VMNET_IOV_CHECK_SWITCH_IOV_MODE);
  g_assert_cmpint (vmnet_iov_check_get_result (c), ==, VMNET_CHECK_RESULT_WARN);
  g_assert_cmpstr (vmnet_iov_check_get_message (c), ==, "msg");
  g_assert_null (vmnet_iov_check_get_fix (c));

  vm = g_ptr_array_index (back->vms, 0);
  g_assert_cmpstr (vm->name, ==, "vm1");
  g_assert_cmpstr (vm->uuid, ==, "11111111-2222-3333-4444-555555555555");
  g_assert_cmpint (vm->state, ==, VMNET_VM_STATE_PAUSED);
  g_assert_cmpstr (vm->scope, ==, "finance");
  a = g_ptr_array_index (vm->adapters, 0);
  g_assert_cmpstr (a->vm_name, ==, "vm1");
  g_assert_cmpstr (a->vm_uuid, ==, "11111111-2222-3333-4444-555555555555");
  g_assert_cmpstr (a->name, ==, "net0");
  g_assert_cmpstr (a->mac_address, ==, "52:54:00:00:00:01");
  g_assert_cmpstr (a->switch_name, ==, "ext");
  g_assert_cmpstr (a->model, ==, "virtio");
  g_assert_true (a->failover_ready);
  g_assert_cmpuint (a->iov_weight, ==, 77);
  g_assert_cmpuint (a->iov_queue_pairs_requested, ==, 4);
  g_assert_cmpuint (a->iov_queue_pairs_assigned, ==, 2);
  g_assert_cmpint (a->iov_interrupt_moderation, ==, VMNET_IOV_INTERRUPT_MODERATION_HIGH);
  g_assert_cmpuint (a->iov_usage, ==, 1);
  g_assert_true (a->vf_plugged);
  g_assert_cmpint (a->guest_vf, ==, VMNET_TERNARY_FALSE);
  g_assert_true (a->allow_teaming && a->router_guard && a->dhcp_guard && a->mac_address_spoofing);
  g_assert_cmpint (a->vlan_id, ==, 100);
  g_assert_cmpstr (a->virtual_function, ==, "0000:01:10.6");
  g_assert_cmpstr (a->vf_alias, ==, "ua-vf0");
  g_assert_cmpstr (a->settings_error, ==, "settings error");
  g_assert_cmpstr (a->last_error, ==, "last error");
  g_assert_cmpstr (a->filter, ==, "clean-traffic");
  g_assert_cmpint (a->software_path, ==, VMNET_SOFTWARE_PATH_MACVTAP);
  g_assert_cmpint (a->vf_vlan_id, ==, 101);
  g_assert_true (a->bandwidth.set);
  g_assert_cmpuint (a->bandwidth.out_average, ==, G_GUINT64_CONSTANT (5000000000));
  g_assert_cmpuint (a->bandwidth.out_peak, ==, 6000);
  g_assert_true (a->bandwidth.inbound);
  g_assert_cmpstr (a->bandwidth_source, ==, "portgroup 'P' of network 'N'");
  g_assert_true (a->link_down);
  g_assert_cmpint (a->vf_spoof_check, ==, VMNET_TERNARY_TRUE);
  g_assert_cmpint (a->vf_max_tx_rate, ==, 300);
  g_assert_cmpstr (a->vf_link_state, ==, "disable");
  g_assert_cmpstr (a->port, ==, "vnet7");
  g_assert_true (a->port_read);
  g_assert_nonnull (a->port_facts);
  g_assert_cmpstr (a->port_facts->name, ==, "vnet7");
  g_assert_cmpstr (a->port_facts->bridge, ==, "br0");
  g_assert_cmpint (a->port_facts->pvid, ==, 9);
  g_assert_cmpuint (a->port_facts->n_vlans, ==, 3);
  g_assert_true (a->port_facts->pvid_untagged);
  g_assert_cmpint (a->port_facts->vlan_filtering, ==, VMNET_TERNARY_TRUE);
  g_assert_cmpint (a->port_facts->default_pvid, ==, 1);
  g_assert_cmpint (a->vm_state, ==, VMNET_VM_STATE_PAUSED);
  g_assert_cmpint (a->pcie_ports, ==, 6);
  g_assert_cmpint (a->pcie_ports_free, ==, 2);
  c = g_ptr_array_index (a->checks, 0);
  g_assert_cmpint (vmnet_iov_check_get_code (c), ==, VMNET_IOV_CHECK_ADAPTER_IOV_WEIGHT);
  g_assert_cmpstr (vmnet_iov_check_get_title (c), ==, "weight");
  g_assert_cmpstr (vmnet_iov_check_get_fix (c), ==, "fix");
  g_assert_cmpint (a->status, ==, VMNET_OPERATIONAL_STATUS_DEGRADED);
  g_assert_cmpuint (g_strv_length (a->status_description), ==, 2);
  g_assert_cmpstr (a->status_description[1], ==, "two");
  c = g_ptr_array_index (back->host_checks, 0);
  g_assert_cmpstr (vmnet_iov_check_get_fix (c), ==, "turn it on");
}

/* NULL strings, no port facts and no status description stay so. */
static void
test_unset_fields (void)
{
  g_autoptr(VmnetModel) model = model_with_every_field ();
  VmnetVmInfo *vm = g_ptr_array_index (model->vms, 0);
  VmnetAdapterInfo *a = g_ptr_array_index (vm->adapters, 0);
  g_autoptr(GVariant) variant = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetModel) back = NULL;

  g_clear_pointer (&a->port_facts, vmnet_port_vlan_fact_free);
  g_clear_pointer (&a->status_description, g_strfreev);
  g_clear_pointer (&a->vf_link_state, g_free);
  g_clear_pointer (&vm->scope, g_free);
  variant = vmnet_model_to_variant (model, NULL);
  back = through_bytes (variant, &error);
  g_assert_no_error (error);
  vm = g_ptr_array_index (back->vms, 0);
  a = g_ptr_array_index (vm->adapters, 0);
  g_assert_null (a->port_facts);
  g_assert_null (a->status_description);
  g_assert_null (a->vf_link_state);
  g_assert_null (vm->scope);
  g_assert_cmpstr (a->vf_alias, ==, "ua-vf0");
}

/* Only the VMs asked for, and no VF names the others. */
static void
test_filter (void)
{
  g_autofree gchar *demo = g_build_filename (g_getenv ("VMNET_SOURCE_ROOT"), "data", "demo-host.xml", NULL);
  Fixture f = { "demo", g_strconcat ("test://", demo, NULL), NULL };
  g_autoptr(VmnetHost) host = open_fixture (&f);
  VmnetModel *model = host->model;
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  VmnetModelFilter filter = { wanted, NULL, NULL };
  g_autoptr(GVariant) variant = NULL;
  g_autoptr(GVariant) full = vmnet_model_to_variant (model, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetModel) back = NULL;
  g_autoptr(VmnetModel) all = NULL;
  g_autoptr(GPtrArray) strv = g_ptr_array_new ();
  g_autoptr(GVariant) served = NULL;
  guint named_vfs = 0, hidden_vfs = 0;

  g_free (f.uri);
  g_assert_cmpuint (model->vms->len, >=, 3);
  /* Every other VM. */
  for (guint i = 0; i < model->vms->len; i += 2)
    {
      const VmnetVmInfo *vm = g_ptr_array_index (model->vms, i);

      g_hash_table_add (wanted, vm->uuid);
      g_hash_table_add (names, vm->name);
      g_ptr_array_add (strv, vm->uuid);
    }
  g_ptr_array_add (strv, NULL);
  variant = vmnet_model_to_variant (model, &filter);
  served = vmnet_host_dup_model_variant (host, (const gchar *const *) strv->pdata, NULL, NULL);
  g_assert_true (g_variant_equal (variant, served));
  back = vmnet_model_from_variant (variant, &error);
  g_assert_no_error (error);
  all = vmnet_model_from_variant (full, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (back->vms->len, ==, g_hash_table_size (wanted));
  for (guint i = 0; i < back->vms->len; i++)
    {
      const VmnetVmInfo *vm = g_ptr_array_index (back->vms, i);
      const VmnetVmInfo *orig = g_ptr_array_index (model->vms, 2 * i);

      g_assert_cmpstr (vm->uuid, ==, orig->uuid);
      g_assert_cmpuint (vm->adapters->len, ==, orig->adapters->len);
    }
  /* Switches and PFs as they are. */
  g_assert_cmpuint (back->switches->len, ==, model->switches->len);
  for (guint i = 0; i < model->switches->len; i++)
    g_assert_cmpint (((VmnetSwitchInfo *) g_ptr_array_index (back->switches, i))->iov_virtual_functions_in_use, ==,
                     ((VmnetSwitchInfo *) g_ptr_array_index (model->switches, i))->iov_virtual_functions_in_use);
  g_assert_cmpuint (back->pfs->len, ==, model->pfs->len);
  for (guint i = 0; i < model->pfs->len; i++)
    {
      const VmnetPfInfo *pf = g_ptr_array_index (model->pfs, i), *filtered = g_ptr_array_index (back->pfs, i);

      g_assert_cmpuint (pf->vfs->len, ==, filtered->vfs->len);
      for (guint j = 0; j < pf->vfs->len; j++)
        {
          const VmnetVfInfo *vf = g_ptr_array_index (pf->vfs, j), *fv = g_ptr_array_index (filtered->vfs, j);

          g_assert_cmpstr (vf->pci_address, ==, fv->pci_address);
          if (vf->vm_name && g_hash_table_contains (names, vf->vm_name))
            {
              g_assert_cmpstr (fv->vm_name, ==, vf->vm_name);
              g_assert_cmpstr (fv->vm_adapter_name, ==, vf->vm_adapter_name);
              named_vfs++;
            }
          else
            {
              g_assert_null (fv->vm_name);
              g_assert_null (fv->vm_adapter_name);
              hidden_vfs += vf->vm_name != NULL;
            }
        }
    }
  g_test_message ("VFs naming a VM shown: %u, hidden: %u", named_vfs, hidden_vfs);
  g_assert_cmpuint (named_vfs + hidden_vfs, >, 0);

  /* An empty set: no VM at all. */
  g_hash_table_remove_all (wanted);
  g_clear_pointer (&variant, g_variant_unref);
  g_clear_pointer (&back, vmnet_model_unref);
  variant = vmnet_model_to_variant (model, &filter);
  back = vmnet_model_from_variant (variant, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->vms->len, ==, 0);
  g_assert_cmpuint (all->vms->len, ==, model->vms->len);
}

/* Whether a string of @variant's table holds @needle. */
static gboolean
table_holds (GVariant *variant, const gchar *needle)
{
  g_autoptr(GVariant) strings = g_variant_get_child_value (variant, 1);
  g_autofree const gchar **table = g_variant_get_strv (strings, NULL);

  for (guint i = 0; table[i]; i++)
    if (strstr (table[i], needle))
      return TRUE;
  return FALSE;
}

/* Switches, PFs and VFs too: only those asked for; a PF names no switch
 * left out; no string names a VM left out. */
static void
test_filter_objects (void)
{
  g_autofree gchar *demo = g_build_filename (g_getenv ("VMNET_SOURCE_ROOT"), "data", "demo-host.xml", NULL);
  Fixture f = { "demo", g_strconcat ("test://", demo, NULL), NULL };
  g_autoptr(VmnetHost) host = open_fixture (&f);
  VmnetModel *model = host->model;
  g_autoptr(GHashTable) vms = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) switches = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) devices = g_hash_table_new (g_str_hash, g_str_equal);
  VmnetModelFilter filter = { vms, switches, devices };
  g_autoptr(GPtrArray) vm_strv = g_ptr_array_new ();
  g_autoptr(GPtrArray) switch_strv = g_ptr_array_new ();
  g_autoptr(GPtrArray) device_strv = g_ptr_array_new ();
  g_autoptr(GPtrArray) hidden = g_ptr_array_new ();
  const VmnetPfInfo *pf0 = NULL;
  const VmnetSwitchInfo *pf0_switch = NULL;
  g_autoptr(GVariant) variant = NULL;
  g_autoptr(GVariant) served = NULL;
  g_autoptr(GVariant) none = NULL;
  g_autoptr(VmnetModel) back = NULL;
  g_autoptr(GError) error = NULL;
  guint vfs_asked = 0;

  g_free (f.uri);
  g_assert_cmpuint (model->switches->len, >=, 2);
  /* The PF with the most VFs that names a switch. */
  for (guint i = 0; i < model->pfs->len; i++)
    {
      const VmnetPfInfo *pf = g_ptr_array_index (model->pfs, i);

      if (pf->switch_name && pf->vfs->len >= 2 && (!pf0 || pf->vfs->len > pf0->vfs->len))
        pf0 = pf;
    }
  g_assert_nonnull (pf0);
  for (guint i = 0; i < model->switches->len; i++)
    if (g_str_equal (((VmnetSwitchInfo *) g_ptr_array_index (model->switches, i))->name, pf0->switch_name))
      pf0_switch = g_ptr_array_index (model->switches, i);
  g_assert_nonnull (pf0_switch);
  /* Every switch but @pf0's; @pf0 and every other of its VFs; the first VM. */
  for (guint i = 0; i < model->switches->len; i++)
    {
      const VmnetSwitchInfo *sw = g_ptr_array_index (model->switches, i);

      if (sw != pf0_switch)
        {
          g_hash_table_add (switches, sw->name);
          g_ptr_array_add (switch_strv, sw->name);
        }
    }
  g_hash_table_add (devices, pf0->pci_address);
  g_ptr_array_add (device_strv, pf0->pci_address);
  for (guint j = 0; j < pf0->vfs->len; j += 2, vfs_asked++)
    {
      const VmnetVfInfo *vf = g_ptr_array_index (pf0->vfs, j);

      g_hash_table_add (devices, vf->pci_address);
      g_ptr_array_add (device_strv, vf->pci_address);
    }
  for (guint i = 0; i < model->vms->len; i++)
    {
      const VmnetVmInfo *vm = g_ptr_array_index (model->vms, i);

      if (i == 0)
        {
          g_hash_table_add (vms, vm->uuid);
          g_ptr_array_add (vm_strv, vm->uuid);
        }
      else
        g_ptr_array_add (hidden, vm->name);
    }
  g_ptr_array_add (vm_strv, NULL);
  g_ptr_array_add (switch_strv, NULL);
  g_ptr_array_add (device_strv, NULL);

  variant = vmnet_model_to_variant (model, &filter);
  served = vmnet_host_dup_model_variant (host, (const gchar *const *) vm_strv->pdata,
                                         (const gchar *const *) switch_strv->pdata,
                                         (const gchar *const *) device_strv->pdata);
  g_assert_true (g_variant_equal (variant, served));
  back = vmnet_model_from_variant (variant, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (back->vms->len, ==, 1);
  g_assert_cmpuint (back->switches->len, ==, model->switches->len - 1);
  for (guint i = 0; i < back->switches->len; i++)
    g_assert_true (g_hash_table_contains (switches, ((VmnetSwitchInfo *) g_ptr_array_index (back->switches, i))->name));
  g_assert_cmpuint (back->pfs->len, ==, 1);
  {
    const VmnetPfInfo *pf = g_ptr_array_index (back->pfs, 0);

    g_assert_cmpstr (pf->pci_address, ==, pf0->pci_address);
    /* Its switch is left out. */
    g_assert_null (pf->switch_name);
    g_assert_cmpuint (pf->vfs->len, ==, vfs_asked);
    for (guint j = 0; j < pf->vfs->len; j++)
      g_assert_cmpstr (((VmnetVfInfo *) g_ptr_array_index (pf->vfs, j))->pci_address, ==,
                       ((VmnetVfInfo *) g_ptr_array_index (pf0->vfs, 2 * j))->pci_address);
  }
  /* VM names are quoted in check texts: no hidden one is, anywhere. */
  g_assert_cmpuint (hidden->len, >, 0);
  for (guint i = 0; i < hidden->len; i++)
    {
      g_autofree gchar *quoted = g_strdup_printf ("'%s'", (const gchar *) g_ptr_array_index (hidden, i));
      g_autofree gchar *held = g_strdup_printf ("%s/", (const gchar *) g_ptr_array_index (hidden, i));

      g_assert_false (table_holds (variant, quoted));
      g_assert_false (table_holds (variant, held));
    }

  /* Empty sets: nothing but the host's checks. */
  g_hash_table_remove_all (vms);
  g_hash_table_remove_all (switches);
  g_hash_table_remove_all (devices);
  none = vmnet_model_to_variant (model, &filter);
  g_clear_pointer (&back, vmnet_model_unref);
  back = vmnet_model_from_variant (none, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->vms->len + back->switches->len + back->pfs->len, ==, 0);
  g_assert_cmpuint (back->host_checks->len, ==, model->host_checks->len);
}

static void
assert_invalid (GVariant *variant, const gchar *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetModel) model = NULL;

  g_variant_ref_sink (variant);
  model = vmnet_model_from_variant (variant, &error);
  g_assert_null (model);
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, needle));
  g_variant_unref (variant);
}

static void
test_malformed (void)
{
  g_autoptr(VmnetModel) model = model_with_every_field ();
  VmnetVmInfo *vm = g_ptr_array_index (model->vms, 0);
  VmnetAdapterInfo *a = g_ptr_array_index (vm->adapters, 0);
  g_autoptr(GVariant) good = vmnet_model_to_variant (model, NULL);
  g_autoptr(GVariant) rest = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GVariantBuilder b;
  GRand *rand;

  /* Another type; another version with this type, and with another. */
  assert_invalid (g_variant_new ("(us)", 1, "x"), "of type '(us)'");
  assert_invalid (g_variant_new_string ("model"), "of type 's'");
  g_variant_builder_init (&b, G_VARIANT_TYPE_TUPLE);
  g_variant_builder_add (&b, "u", 2);
  for (gsize i = 1; i < g_variant_n_children (good); i++)
    g_variant_builder_add_value (&b, g_variant_get_child_value (good, i));
  assert_invalid (g_variant_builder_end (&b), "version 2; this library reads version 1");
  assert_invalid (g_variant_new ("(us)", 7, "x"), "version 7");

  /* Values out of range, names missing, order broken. */
  a->status = 99;
  assert_invalid (vmnet_model_to_variant (model, NULL), "Status 99");
  a->status = VMNET_OPERATIONAL_STATUS_DEGRADED;
  a->software_path = 5;
  assert_invalid (vmnet_model_to_variant (model, NULL), "software path 5");
  a->software_path = VMNET_SOFTWARE_PATH_MACVTAP;
  a->guest_vf = 3;
  assert_invalid (vmnet_model_to_variant (model, NULL), "guest VF state 3");
  a->guest_vf = VMNET_TERNARY_FALSE;
  g_clear_pointer (&a->name, g_free);
  assert_invalid (vmnet_model_to_variant (model, NULL), "a network adapter's name is missing");
  a->name = g_strdup ("net0");
  g_free (a->vm_name);
  a->vm_name = g_strdup ("other");
  assert_invalid (vmnet_model_to_variant (model, NULL), "names VM 'other'");
  g_free (a->vm_name);
  a->vm_name = g_strdup ("vm1");
  {
    VmnetVmInfo *second = g_new0 (VmnetVmInfo, 1);

    second->name = g_strdup ("a-first");
    second->state = VMNET_VM_STATE_OFF;
    second->adapters = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_adapter_info_free);
    g_ptr_array_add (model->vms, second);
    assert_invalid (vmnet_model_to_variant (model, NULL), "not sorted by name ('vm1' before 'a-first')");
    g_ptr_array_remove_index (model->vms, 1);
  }
  rest = vmnet_model_to_variant (model, NULL);
  g_assert_true (g_variant_equal (rest, good));

  /* Damaged bytes, read as a client reads them (not trusted): an error or a
   * model, never a crash. */
  bytes = g_variant_get_data_as_bytes (good);
  rand = g_rand_new_with_seed (19);
  for (guint i = 0; i < 2000; i++)
    {
      gsize size = g_bytes_get_size (bytes);
      guint8 *data = g_memdup2 (g_bytes_get_data (bytes, NULL), size);
      g_autoptr(GBytes) damaged = NULL;
      g_autoptr(GVariant) variant = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(VmnetModel) read = NULL;

      for (guint j = 0; j < 1 + i % 4; j++)
        data[g_rand_int_range (rand, 0, (gint32) size)] = (guint8) g_rand_int (rand);
      if (i % 7 == 0)
        size = g_rand_int_range (rand, 0, (gint32) size);
      damaged = g_bytes_new_take (data, size);
      variant = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (VMNET_MODEL_VARIANT_TYPE), damaged,
                                                              FALSE));
      read = vmnet_model_from_variant (variant, &error);
      g_assert_true ((read == NULL) == (error != NULL));
      if (error)
        g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA);
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/model-variant/round-trip-hosts", test_round_trip_hosts);
  g_test_add_func ("/vmnet/model-variant/every-field", test_every_field);
  g_test_add_func ("/vmnet/model-variant/unset-fields", test_unset_fields);
  g_test_add_func ("/vmnet/model-variant/filter", test_filter);
  g_test_add_func ("/vmnet/model-variant/filter-objects", test_filter_objects);
  g_test_add_func ("/vmnet/model-variant/malformed", test_malformed);
  return g_test_run ();
}
