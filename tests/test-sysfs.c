/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Host-local facts from sysfs fixture trees, and from this machine's own /sys. */
#include "vmnet-linux-private.h"
#include <string.h>

#include "vmnet-test-util.h"

static gchar *
make_root (void)
{
  g_autoptr(GError) error = NULL;
  gchar *root = g_dir_make_tmp ("sysfs-XXXXXX", &error);
  g_assert_no_error (error);
  return root;
}

/* A 82576-like PF with 7 VFs possible and 2 enabled, each VF in its own group. */
static void
populate_pf (const gchar *root)
{
  g_autofree gchar *netdir = g_build_filename (root, "sys/class/net/enp1s0", NULL);
  g_autofree gchar *p = NULL;

  vmnet_test_sysfs_add_pci (root, "0000:01:00.0", "igb", 10, "enp1s0");
  vmnet_test_sysfs_set (root, "0000:01:00.0", "sriov_totalvfs", "7");
  vmnet_test_sysfs_set (root, "0000:01:00.0", "sriov_numvfs", "2");
  vmnet_test_sysfs_set (root, "0000:01:00.0", "sriov_vf_total_msix", "0");
  vmnet_test_sysfs_add_pci (root, "0000:01:10.0", "vfio-pci", 11, NULL);
  vmnet_test_sysfs_add_pci (root, "0000:01:10.2", "igbvf", 12, "enp1s0v1");
  vmnet_test_sysfs_add_vf (root, "0000:01:00.0", 0, "0000:01:10.0");
  vmnet_test_sysfs_add_vf (root, "0000:01:00.0", 1, "0000:01:10.2");
  p = vmnet_test_write_file (netdir, "speed", "1000\n");
  g_free (p);
  p = vmnet_test_write_file (netdir, "operstate", "up\n");
}

static void
test_read_pf (void)
{
  g_autofree gchar *root = make_root ();
  g_autoptr(VmnetSysfsPciFact) pf = NULL;
  g_autoptr(VmnetSysfsPciFact) vf = NULL;

  populate_pf (root);
  pf = vmnet_sysfs_read_pci (root, "0000:01:00.0");
  g_assert_nonnull (pf);
  g_assert_cmpstr (pf->driver, ==, "igb");
  g_assert_cmpint (pf->total_vfs, ==, 7);
  g_assert_cmpint (pf->num_vfs, ==, 2);
  g_assert_cmpint (pf->vf_total_msix, ==, 0);
  g_assert_cmpint (pf->iommu_group, ==, 10);
  g_assert_cmpuint (pf->iommu_group_size, ==, 1);
  g_assert_cmpuint (pf->netdevs->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (pf->netdevs, 0), ==, "enp1s0");
  g_assert_cmpint (pf->speed_mbps, ==, 1000);
  g_assert_cmpstr (pf->operstate, ==, "up");
  g_assert_cmpuint (pf->vf_addresses->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (pf->vf_addresses, 1), ==, "0000:01:10.2");

  vf = vmnet_sysfs_read_pci (root, "0000:01:10.0");
  g_assert_cmpstr (vf->driver, ==, "vfio-pci");
  g_assert_cmpint (vf->total_vfs, ==, -1);
  g_assert_cmpint (vf->vf_msix_count, ==, -1);
  g_assert_cmpint (vf->iommu_group, ==, 11);

  g_assert_null (vmnet_sysfs_read_pci (root, "0000:99:00.0"));
}

/* libvirt knows the PF but not yet the VFs: sysfs supplies them. */
static void
test_host_with_fixture_root (void)
{
  g_autofree gchar *root = make_root ();
  g_autofree gchar *xml = vmnet_test_host_xml (
    "<device><name>pci_0000_01_00_0</name><parent>computer</parent><capability type='pci'>"
    "<class>0x020000</class><domain>0</domain><bus>1</bus><slot>0</slot><function>0</function>"
    "<product id='0x10c9'>82576 Gigabit Network Connection</product><vendor id='0x8086'>Intel Corporation</vendor>"
    "<capability type='virt_functions' maxCount='7'/></capability></device>"
    "<device><name>net_enp1s0_52_54_00_12_34_56</name><parent>pci_0000_01_00_0</parent>"
    "<capability type='net'><interface>enp1s0</interface><address>52:54:00:12:34:56</address></capability></device>");
  g_autoptr(VmnetHost) host = NULL;
  g_autoptr(VmnetNetAdapterSriov) pf = NULL;
  g_autoptr(VmnetVirtualFunction) vf = NULL;

  populate_pf (root);
  host = vmnet_test_open_host (xml, root);
  g_assert_true (vmnet_host_get_host_facts_available (host));
  pf = vmnet_host_find_net_adapter_sriov (host, "enp1s0", NULL);
  g_assert_nonnull (pf);
  g_assert_cmpstr (vmnet_net_adapter_sriov_get_driver (pf), ==, "igb");
  g_assert_cmpint (vmnet_net_adapter_sriov_get_max_vfs (pf), ==, 7);
  g_assert_cmpint (vmnet_net_adapter_sriov_get_num_vfs (pf), ==, 2);
  g_assert_true (vmnet_net_adapter_sriov_get_enabled (pf));
  g_assert_cmpint (vmnet_net_adapter_sriov_get_link_speed (pf), ==, G_GINT64_CONSTANT (1000000000));
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_net_adapter_sriov_get_virtual_functions (pf)), ==, 2);
  vf = g_list_model_get_item (vmnet_net_adapter_sriov_get_virtual_functions (pf), 1);
  g_assert_cmpstr (vmnet_virtual_function_get_pci_address (vf), ==, "0000:01:10.2");
  g_assert_cmpstr (vmnet_virtual_function_get_driver (vf), ==, "igbvf");
  g_assert_cmpint (vmnet_virtual_function_get_iommu_group (vf), ==, 12);
  /* A fixture root means no netlink: the VF's PF-side attributes are unknown. */
  g_assert_cmpint (vmnet_virtual_function_get_spoof_check (vf), ==, VMNET_TERNARY_UNKNOWN);
  g_assert_null (vmnet_virtual_function_get_mac_address (vf));
}

static gchar *
numvfs_of (const gchar *root)
{
  g_autofree gchar *path = g_build_filename (root, "sys/bus/pci/devices/0000:01:00.0/sriov_numvfs", NULL);
  gchar *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return g_strstrip (contents);
}

/* Set-NetAdapterSriov -NumVFs: sysfs written, refused while a VF is in use. */
static void
test_set_num_vfs (void)
{
  g_autofree gchar *root = make_root ();
  const gchar *pf_dev =
    "<device><name>pci_0000_01_00_0</name><parent>computer</parent><capability type='pci'>"
    "<class>0x020000</class><domain>0</domain><bus>1</bus><slot>0</slot><function>0</function>"
    "<product id='0x10c9'>82576</product><vendor id='0x8086'>Intel Corporation</vendor>"
    "<capability type='virt_functions' maxCount='7'/></capability></device>"
    "<device><name>net_enp1s0</name><parent>pci_0000_01_00_0</parent>"
    "<capability type='net'><interface>enp1s0</interface><address>52:54:00:12:34:56</address></capability></device>";
  g_autofree gchar *idle_xml = vmnet_test_host_xml (pf_dev);
  g_autofree gchar *busy_body = g_strconcat (pf_dev,
    "<domain type='test'><name>vm1</name><memory>1024</memory><os><type>hvm</type></os><devices>"
    "<interface type='hostdev' managed='yes'><mac address='52:54:00:aa:00:01'/>"
    "<source><address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x2'/></source></interface>"
    "</devices></domain>", NULL);
  g_autofree gchar *busy_xml = vmnet_test_host_xml (busy_body);
  g_autoptr(VmnetHost) host = NULL;
  g_autoptr(VmnetHost) busy = NULL;
  g_autoptr(VmnetHost) remote = NULL;
  g_autoptr(VmnetNetAdapterSriov) pf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *v1 = NULL;
  g_autofree gchar *v2 = NULL;
  g_autofree gchar *v3 = NULL;

  populate_pf (root);
  host = vmnet_test_open_host (idle_xml, root);
  pf = vmnet_host_find_net_adapter_sriov (host, "enp1s0", NULL);

  g_assert_false (vmnet_host_set_net_adapter_sriov_num_vfs (host, pf, 8, NULL, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "allowed 0 to 7"));
  g_clear_error (&error);
  v1 = numvfs_of (root);
  g_assert_cmpstr (v1, ==, "2");

  g_assert_true (vmnet_host_set_net_adapter_sriov_num_vfs (host, pf, 5, NULL, &error));
  g_assert_no_error (error);
  v2 = numvfs_of (root);
  g_assert_cmpstr (v2, ==, "5");
  g_assert_cmpint (vmnet_net_adapter_sriov_get_num_vfs (pf), ==, 5);

  /* A VF assigned to a running VM: refused, nothing written. */
  vmnet_test_sysfs_set (root, "0000:01:00.0", "sriov_numvfs", "2");
  busy = vmnet_test_open_host (busy_xml, root);
  g_clear_object (&pf);
  pf = vmnet_host_find_net_adapter_sriov (busy, "enp1s0", NULL);
  g_assert_false (vmnet_host_set_net_adapter_sriov_num_vfs (busy, pf, 0, NULL, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "vm1"));
  g_clear_error (&error);
  v3 = numvfs_of (root);
  g_assert_cmpstr (v3, ==, "2");

  /* Without the host's files (a remote host, the test driver): refused. */
  remote = vmnet_test_open_host (idle_xml, NULL);
  g_clear_object (&pf);
  pf = vmnet_host_find_net_adapter_sriov (remote, "enp1s0", NULL);
  g_assert_false (vmnet_host_set_net_adapter_sriov_num_vfs (remote, pf, 1, NULL, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_REMOTE_UNSUPPORTED);
}

/* This machine's own /sys: whatever is there is read without a crash, and
 * what it reports agrees with the files. */
static void
test_real_sysfs (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/sys/bus/pci/devices", 0, NULL);
  const gchar *name;
  guint n = 0;

  if (!dir)
    {
      g_test_skip ("no /sys/bus/pci/devices on this machine");
      return;
    }
  while ((name = g_dir_read_name (dir)))
    {
      g_autoptr(VmnetSysfsPciFact) f = vmnet_sysfs_read_pci ("/", name);
      g_autofree gchar *numvfs = g_build_filename ("/sys/bus/pci/devices", name, "sriov_numvfs", NULL);
      g_assert_nonnull (f);
      g_assert_cmpstr (f->address, ==, name);
      g_assert_cmpint (f->num_vfs >= 0, ==, g_file_test (numvfs, G_FILE_TEST_EXISTS));
      n++;
    }
  g_test_message ("read %u PCI functions", n);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/sysfs/read-pf", test_read_pf);
  g_test_add_func ("/vmnet/sysfs/host-with-fixture-root", test_host_with_fixture_root);
  g_test_add_func ("/vmnet/sysfs/real-sysfs", test_real_sysfs);
  g_test_add_func ("/vmnet/sysfs/set-num-vfs", test_set_num_vfs);
  return g_test_run ();
}
