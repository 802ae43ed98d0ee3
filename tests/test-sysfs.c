/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sysfs reader on fixture trees and on this machine's own /sys; no libvirt involved. */
#include "vmnet-linux-private.h"
#include <string.h>

#include "vmnet-test-util.h"

static void
test_read_pf (void)
{
  g_autofree gchar *root = vmnet_test_sysfs_root ();
  g_autoptr(VmnetSysfsPciFact) pf = NULL;
  g_autoptr(VmnetSysfsPciFact) vf = NULL;

  vmnet_test_sysfs_add_82576 (root);
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
  g_test_add_func ("/vmnet/sysfs/real-sysfs", test_real_sysfs);
  return g_test_run ();
}
