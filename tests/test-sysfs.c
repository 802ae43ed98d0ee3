/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sysfs reader on fixture trees and on this machine's own /sys; no libvirt involved. */
#include "vmnet-linux-private.h"
#include <string.h>
#include <unistd.h>

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

/* Writes /sys/class/net/NAME of ROOT as Linux 6.12 shows a bond or team
 * (measured in the lab: ip link add agg0 type bond|team, a dummy port
 * aggp0): the uevent, bonding/ for a bond, a lower_ link per port, and the
 * port's upper_ link (and bonding_slave/ for a bond's port). */
static void
put_aggregate (const gchar *root, const gchar *kind, const gchar *name, const gchar *port)
{
  g_autofree gchar *dir = g_build_filename (root, "sys/class/net", name, NULL);
  g_autofree gchar *port_dir = g_build_filename (root, "sys/class/net", port, NULL);
  g_autofree gchar *uevent = g_build_filename (dir, "uevent", NULL);
  g_autofree gchar *lower = g_strdup_printf ("%s/lower_%s", dir, port);
  g_autofree gchar *upper = g_strdup_printf ("%s/upper_%s", port_dir, name);
  g_autofree gchar *target = g_strdup_printf ("../%s", port);
  g_autofree gchar *upper_target = g_strdup_printf ("../%s", name);
  g_autofree gchar *text = g_strdup_printf ("%sINTERFACE=%s\nIFINDEX=18\n",
                                            g_str_equal (kind, "bond") ? "DEVTYPE=bond\n" : "", name);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (port_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (uevent, text, -1, NULL));
  g_assert_cmpint (symlink (target, lower), ==, 0);
  g_assert_cmpint (symlink (upper_target, upper), ==, 0);
  if (g_str_equal (kind, "bond"))
    {
      g_autofree gchar *bonding = g_build_filename (dir, "bonding", NULL);
      g_autofree gchar *slave = g_build_filename (port_dir, "bonding_slave", NULL);
      g_assert_cmpint (g_mkdir_with_parents (bonding, 0755), ==, 0);
      g_assert_cmpint (g_mkdir_with_parents (slave, 0755), ==, 0);
    }
}

/* A bond names itself in sysfs; a team does not (its kind is its link's,
 * over netlink), but its ports are read all the same. */
static void
test_aggregates (void)
{
  g_autofree gchar *root = vmnet_test_sysfs_root ();
  g_autofree gchar *bond_members = NULL;
  g_autofree gchar *team_members = NULL;
  g_autofree gchar *plain_members = NULL;
  g_autofree gchar *bond = NULL;
  g_autofree gchar *team = NULL;
  g_autofree gchar *plain = NULL;

  put_aggregate (root, "bond", "bond0", "aggp0");
  put_aggregate (root, "team", "team0", "aggp1");
  vmnet_test_sysfs_add_82576 (root);

  bond = vmnet_sysfs_aggregate (root, "bond0", &bond_members);
  g_assert_cmpstr (bond, ==, "bond");
  g_assert_cmpstr (bond_members, ==, "aggp0");
  team = vmnet_sysfs_aggregate (root, "team0", &team_members);
  g_assert_null (team);
  g_assert_cmpstr (team_members, ==, "aggp1");
  plain = vmnet_sysfs_aggregate (root, "enp1s0", &plain_members);
  g_assert_null (plain);
  g_assert_null (plain_members);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/sysfs/read-pf", test_read_pf);
  g_test_add_func ("/vmnet/sysfs/real-sysfs", test_real_sysfs);
  g_test_add_func ("/vmnet/sysfs/aggregates", test_aggregates);
  return g_test_run ();
}
