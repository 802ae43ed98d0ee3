/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _GNU_SOURCE
#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "vmnet-test-util.h"

gchar *
vmnet_test_write_file (const gchar *dir, const gchar *name, const gchar *contents)
{
  g_autoptr(GError) error = NULL;
  gchar *path = g_build_filename (dir, name, NULL);
  g_autofree gchar *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

gchar *
vmnet_test_host_xml (const gchar *body)
{
  return g_strdup_printf ("<node>\n"
                          "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>1</threads>"
                          "<active>2</active><mhz>2000</mhz><model>x86_64</model></cpu>\n"
                          "  <memory>8388608</memory>\n%s</node>\n", body);
}

/* Host files of this process only: test programs run side by side. */
static const gchar *
process_dir (void)
{
  static gchar *dir;

  if (!dir)
    {
      g_autoptr(GError) error = NULL;
      dir = g_dir_make_tmp ("vmnet-test-XXXXXX", &error);
      g_assert_no_error (error);
    }
  return dir;
}

gchar *
vmnet_test_uri_for_xml (const gchar *xml)
{
  static guint counter;
  g_autofree gchar *name = g_strdup_printf ("host-%u.xml", ++counter);
  g_autofree gchar *path = vmnet_test_write_file (process_dir (), name, xml);

  return g_strconcat ("test://", path, NULL);
}

VmnetHost *
vmnet_test_open_host (const gchar *xml, const gchar *host_root)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *uri = vmnet_test_uri_for_xml (xml);
  VmnetHost *host = g_initable_new (VMNET_TYPE_HOST, NULL, &error,
                                    "uri", uri, "host-root", host_root, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (host);
  return host;
}

gpointer
vmnet_test_find_item (GListModel *list, const gchar *property, const gchar *value)
{
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);
      g_autofree gchar *v = NULL;
      g_object_get (item, property, &v, NULL);
      if (g_strcmp0 (v, value) == 0)
        return g_steal_pointer (&item);
    }
  return NULL;
}

static void
make_link (const gchar *target, const gchar *link)
{
  g_autofree gchar *parent = g_path_get_dirname (link);
  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  g_unlink (link);
  g_assert_cmpint (symlink (target, link), ==, 0);
}

/* A PCI function under ROOT/sys/bus/pci/devices/ADDRESS, with its driver,
 * IOMMU group and netdev links as the kernel lays them out. */
void
vmnet_test_sysfs_add_pci (const gchar *root, const gchar *address, const gchar *driver,
                          gint iommu_group, const gchar *netdev)
{
  g_autofree gchar *dev = g_build_filename (root, "sys/devices/pci0000:00", address, NULL);
  g_autofree gchar *bus_link = g_build_filename (root, "sys/bus/pci/devices", address, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dev, 0755), ==, 0);
  make_link (dev, bus_link);
  if (driver)
    {
      g_autofree gchar *drv = g_build_filename (root, "sys/bus/pci/drivers", driver, NULL);
      g_autofree gchar *link = g_build_filename (dev, "driver", NULL);
      g_assert_cmpint (g_mkdir_with_parents (drv, 0755), ==, 0);
      make_link (drv, link);
    }
  if (iommu_group >= 0)
    {
      g_autofree gchar *num = g_strdup_printf ("%d", iommu_group);
      g_autofree gchar *group = g_build_filename (root, "sys/kernel/iommu_groups", num, NULL);
      g_autofree gchar *member = g_build_filename (group, "devices", address, NULL);
      g_autofree gchar *link = g_build_filename (dev, "iommu_group", NULL);
      make_link (dev, member);
      make_link (group, link);
    }
  if (netdev)
    {
      g_autofree gchar *net = g_build_filename (dev, "net", netdev, NULL);
      g_autofree gchar *class_link = g_build_filename (root, "sys/class/net", netdev, NULL);
      g_assert_cmpint (g_mkdir_with_parents (net, 0755), ==, 0);
      make_link (net, class_link);
    }
}

void
vmnet_test_sysfs_set (const gchar *root, const gchar *address,
                      const gchar *attribute, const gchar *value)
{
  g_autofree gchar *dir = g_build_filename (root, "sys/bus/pci/devices", address, NULL);
  g_autofree gchar *line = g_strconcat (value, "\n", NULL);
  g_free (vmnet_test_write_file (dir, attribute, line));
}

void
vmnet_test_sysfs_add_vf (const gchar *root, const gchar *pf, guint index, const gchar *vf)
{
  g_autofree gchar *vf_dev = g_build_filename (root, "sys/devices/pci0000:00", vf, NULL);
  g_autofree gchar *name = g_strdup_printf ("virtfn%u", index);
  g_autofree gchar *link = g_build_filename (root, "sys/bus/pci/devices", pf, name, NULL);
  make_link (vf_dev, link);
}

/* An empty directory to build a fixture tree in. */
gchar *
vmnet_test_sysfs_root (void)
{
  g_autoptr(GError) error = NULL;
  gchar *root = g_dir_make_tmp ("sysfs-XXXXXX", &error);
  g_assert_no_error (error);
  return root;
}

/* A 82576-like PF with 7 VFs possible and 2 enabled, each VF in its own group. */
void
vmnet_test_sysfs_add_82576 (const gchar *root)
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

const VmnetTestBadSetting vmnet_test_bad_settings[] = {
  { "iov-weight", 101, "IovWeight 101" },
  { "iov-weight", -1, "IovWeight -1" },
  { "iov-queue-pairs-requested", 0, "IovQueuePairsRequested 0" },
  { "iov-queue-pairs-requested", 4097, "allowed 1 to 4096" },
  { "vlan-id", 4095, "VLAN 4095" },
  { "vlan-id", -3, "VLAN -3" },
};
const guint vmnet_test_n_bad_settings = G_N_ELEMENTS (vmnet_test_bad_settings);

/* The test driver's state lives in each process, so test programs never share
 * a host: each gets its own directory of host-lock files (a program's forked
 * children share it), and programs running in parallel never wait for each
 * other's locks. */
__attribute__((constructor)) static void
per_program_lock_dir (void)
{
  const gchar *dir = g_getenv ("VMNET_LOCK_DIR");
  g_autofree gchar *own = NULL;

  if (!dir || !*dir)
    return;
  own = g_strdup_printf ("%s/%s-%d", dir, program_invocation_short_name, (gint) getpid ());
  g_setenv ("VMNET_LOCK_DIR", own, TRUE);
}
