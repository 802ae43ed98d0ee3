/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The lasting NumVFs: etc/vmnet/sriov.conf and its boot-time apply, on
 * fixture trees (sysfs and /etc, /run under one root). */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmnet.h"
#include "vmnet-linux-private.h"
#include "vmnet-test-util.h"

static gchar *
read_under (const gchar *root, const gchar *relative)
{
  g_autofree gchar *path = g_build_filename (root, relative, NULL);
  gchar *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

static gchar *
numvfs_of (const gchar *root, const gchar *address)
{
  g_autofree gchar *rel = g_build_filename ("sys/bus/pci/devices", address, "sriov_numvfs", NULL);
  gchar *v = read_under (root, rel);

  g_assert_nonnull (v);
  return g_strstrip (v);
}

static void
write_config (const gchar *root, const gchar *text)
{
  g_autofree gchar *dir = g_build_filename (root, "etc/vmnet", NULL);
  g_free (vmnet_test_write_file (dir, "sriov.conf", text));
}

/* A PF as the kernel shows it after boot: SR-IOV capable, no VFs yet. */
static void
add_fresh_pf (const gchar *root, const gchar *address, const gchar *netdev, const gchar *total)
{
  vmnet_test_sysfs_add_pci (root, address, "igb", -1, netdev);
  vmnet_test_sysfs_set (root, address, "sriov_totalvfs", total);
  vmnet_test_sysfs_set (root, address, "sriov_numvfs", "0");
  if (netdev)
    {
      /* sys/class/net/NETDEV/device -> the PCI device */
      g_autofree gchar *dev = g_build_filename (root, "sys/bus/pci/devices", address, NULL);
      g_autofree gchar *link = g_build_filename (dev, "net", netdev, "device", NULL);
      g_autofree gchar *target = g_file_read_link (dev, NULL);
      g_assert_cmpint (symlink (target ? target : dev, link), ==, 0);
    }
}

static GKeyFile *
boot_record (const gchar *root)
{
  g_autofree gchar *path = g_build_filename (root, VMNET_SRIOV_BOOT_FILE, NULL);
  GKeyFile *kf = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  return kf;
}

/* Stored, read back; other adapters' entries stay; 0 is recorded. */
static void
test_store_and_load (void)
{
  g_autofree gchar *root = vmnet_test_sysfs_root ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  VmnetSriovConfigEntry *e;

  entries = vmnet_sriov_config_load (root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);

  g_assert_true (vmnet_sriov_config_store (root, "0000:01:00.0", "enp1s0", 4, &error));
  g_assert_no_error (error);
  g_assert_true (vmnet_sriov_config_store (root, "0000:02:00.0", "0000:02:00.0", 2, &error));
  g_assert_true (vmnet_sriov_config_store (root, "0000:01:00.0", "enp1s0", 0, &error));
  g_assert_no_error (error);

  entries = vmnet_sriov_config_load (root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  e = vmnet_sriov_config_find (entries, "0000:01:00.0");
  g_assert_nonnull (e);
  g_assert_cmpstr (e->name, ==, "enp1s0");
  g_assert_cmpint (e->num_vfs, ==, 0);
  /* A PCI address is not an interface name: none recorded. */
  e = vmnet_sriov_config_find (entries, "0000:02:00.0");
  g_assert_nonnull (e);
  g_assert_null (e->name);
  g_assert_cmpint (e->num_vfs, ==, 2);
}

/* The file is replaced by a rename: the old inode keeps the old text, no
 * temporary file is left behind. */
static void
test_atomic_write (void)
{
  g_autofree gchar *root = vmnet_test_sysfs_root ();
  g_autofree gchar *path = g_build_filename (root, VMNET_SRIOV_CONFIG_FILE, NULL);
  g_autofree gchar *old_link = g_build_filename (root, "old.conf", NULL);
  g_autofree gchar *dir = g_path_get_dirname (path);
  g_autofree gchar *old = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) d = NULL;
  struct stat before, after;
  guint n = 0;

  g_assert_true (vmnet_sriov_config_store (root, "0000:01:00.0", "enp1s0", 4, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stat (path, &before), ==, 0);
  g_assert_cmpint (before.st_mode & 0777, ==, 0644);
  g_assert_cmpint (link (path, old_link), ==, 0);

  g_assert_true (vmnet_sriov_config_store (root, "0000:01:00.0", "enp1s0", 6, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stat (path, &after), ==, 0);
  g_assert_cmpuint (before.st_ino, !=, after.st_ino);
  g_assert_true (g_file_get_contents (old_link, &old, NULL, NULL));
  g_assert_nonnull (strstr (old, "num-vfs=4"));

  d = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (d))
    n++;
  g_assert_cmpuint (n, ==, 1);
}

static const struct {
  const gchar *text;
  guint        line;
  const gchar *needle;
} bad_files[] = {
  { "[0000:01:00.0]\nnum-vfs=four\n", 2, "num-vfs must be a whole number from 0 to 65535, not 'four'" },
  { "# c\n\n[0000:01:00.0]\nnum-vfs=-1\n", 4, "not '-1'" },
  { "[0000:01:00.0]\nnum-vfs=70000\n", 2, "not '70000'" },
  { "[enp1s0]\nnum-vfs=2\n", 1, "'[enp1s0]' is not a PCI address" },
  { "[0000:01:00.0]\nname=enp1s0\n", 1, "no num-vfs= line" },
  { "[0000:01:00.0]\nnum-vfs=2\nvfs=3\n", 3, "unknown key 'vfs'" },
  { "num-vfs=2\n", 1, "before the first" },
  { "[0000:01:00.0]\nnum-vfs=2\n[0000:01:00.0]\nnum-vfs=3\n", 3, "listed twice" },
  { "[0000:01:00.0\nnum-vfs=2\n", 1, "must end with ']'" },
  { "[0000:01:00.0]\nnum-vfs 2\n", 2, "expected [PCI-ADDRESS]" },
  { "[0000:01:00.0]\nname=a/b\nnum-vfs=2\n", 2, "name must be a network interface name" },
};

/* Every complaint names the file and the line; nothing is applied or stored. */
static void
test_bad_file (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autofree gchar *root = vmnet_test_sysfs_root ();
      g_autofree gchar *where = NULL;
      g_autofree gchar *v = NULL;
      g_autofree gchar *after = NULL;
      g_autoptr(GPtrArray) entries = NULL;
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) report = NULL;

      add_fresh_pf (root, "0000:01:00.0", "enp1s0", "7");
      write_config (root, bad_files[i].text);
      where = g_strdup_printf ("%s/%s:%u: ", root, VMNET_SRIOV_CONFIG_FILE, bad_files[i].line);

      entries = vmnet_sriov_config_load (root, &error);
      g_assert_null (entries);
      g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA);
      g_assert_true (g_str_has_prefix (error->message, where));
      g_assert_nonnull (strstr (error->message, bad_files[i].needle));
      g_clear_error (&error);

      g_assert_false (vmnet_sriov_config_store (root, "0000:01:00.0", "enp1s0", 1, &error));
      g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA);
      g_clear_error (&error);
      after = read_under (root, VMNET_SRIOV_CONFIG_FILE);
      g_assert_cmpstr (after, ==, bad_files[i].text);

      g_assert_false (vmnet_net_adapter_sriov_apply_configuration (root, &report, &error));
      g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA);
      g_assert_null (report);
      v = numvfs_of (root, "0000:01:00.0");
      g_assert_cmpstr (v, ==, "0");
    }
}

/* After a reboot: the configured count is written, the outcome recorded;
 * a second run leaves it alone. */
static void
test_apply (void)
{
  g_autofree gchar *root = vmnet_test_sysfs_root ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) report = NULL;
  g_auto(GStrv) again = NULL;
  g_autoptr(GKeyFile) kf = NULL;
  g_autofree gchar *v = NULL;
  g_autofree gchar *status = NULL;

  add_fresh_pf (root, "0000:01:00.0", "enp1s0", "7");
  write_config (root, "[0000:01:00.0]\nname=enp1s0\nnum-vfs=4\n");

  g_assert_true (vmnet_net_adapter_sriov_apply_configuration (root, &report, &error));
  g_assert_no_error (error);
  v = numvfs_of (root, "0000:01:00.0");
  g_assert_cmpstr (v, ==, "4");
  g_assert_cmpuint (g_strv_length (report), ==, 1);
  g_assert_cmpstr (report[0], ==, "0000:01:00.0 enp1s0: NumVFs 4 applied");

  kf = boot_record (root);
  status = g_key_file_get_string (kf, "0000:01:00.0", "status", NULL);
  g_assert_cmpstr (status, ==, "applied");
  g_assert_cmpint (g_key_file_get_integer (kf, "0000:01:00.0", "configured", NULL), ==, 4);
  g_assert_cmpint (g_key_file_get_integer (kf, "0000:01:00.0", "num-vfs", NULL), ==, 4);

  g_assert_true (vmnet_net_adapter_sriov_apply_configuration (root, &again, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (again[0], ==, "0000:01:00.0 enp1s0: NumVFs 4 unchanged");
}

/* The adapter moved to another PCI address: found by its interface name. */
static void
test_apply_renumbered (void)
{
  g_autofree gchar *root = vmnet_test_sysfs_root ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) report = NULL;
  g_autofree gchar *v = NULL;

  add_fresh_pf (root, "0000:02:00.0", "enp1s0", "7");
  write_config (root, "[0000:01:00.0]\nname=enp1s0\nnum-vfs=3\n");
  g_assert_true (vmnet_net_adapter_sriov_apply_configuration (root, &report, &error));
  g_assert_no_error (error);
  v = numvfs_of (root, "0000:02:00.0");
  g_assert_cmpstr (v, ==, "3");
  g_assert_cmpstr (report[0], ==, "0000:02:00.0 enp1s0: NumVFs 3 applied");
}

/* Fewer VFs than configured, an adapter gone, a VF in use: each recorded with
 * its code and reason; the adapters that can be applied still are. */
static void
test_apply_failures (void)
{
  g_autofree gchar *root = vmnet_test_sysfs_root ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) report = NULL;
  g_autoptr(GKeyFile) kf = NULL;
  g_autofree gchar *v1 = NULL;
  g_autofree gchar *v3 = NULL;
  g_autofree gchar *v4 = NULL;
  g_autofree gchar *code = NULL;
  g_autofree gchar *reason = NULL;
  g_autofree gchar *gone = NULL;
  g_autofree gchar *busy = NULL;

  add_fresh_pf (root, "0000:03:00.0", "enp3s0", "7");
  vmnet_test_sysfs_add_82576 (root);   /* 0000:01:00.0 with 2 VFs on, VF 0 on vfio-pci */
  vmnet_test_sysfs_set (root, "0000:01:00.0", "sriov_totalvfs", "2");
  vmnet_test_sysfs_add_pci (root, "0000:04:00.0", "igb", -1, "enp4s0");
  vmnet_test_sysfs_set (root, "0000:04:00.0", "sriov_totalvfs", "7");
  vmnet_test_sysfs_set (root, "0000:04:00.0", "sriov_numvfs", "1");
  vmnet_test_sysfs_add_pci (root, "0000:04:10.0", "vfio-pci", -1, NULL);
  vmnet_test_sysfs_add_vf (root, "0000:04:00.0", 0, "0000:04:10.0");
  write_config (root,
                "[0000:01:00.0]\nname=enp1s0\nnum-vfs=4\n"
                "[0000:09:00.0]\nname=enp9s0\nnum-vfs=2\n"
                "[0000:03:00.0]\nname=enp3s0\nnum-vfs=5\n"
                "[0000:04:00.0]\nname=enp4s0\nnum-vfs=3\n");

  g_assert_false (vmnet_net_adapter_sriov_apply_configuration (root, &report, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_NO_RESOURCES);
  g_assert_nonnull (strstr (error->message, "3 of 4 configured adapters"));
  g_assert_nonnull (strstr (error->message, "offers only 2 (sriov_totalvfs)"));
  g_assert_cmpuint (g_strv_length (report), ==, 4);
  g_assert_cmpstr (report[2], ==, "0000:03:00.0 enp3s0: NumVFs 5 applied");
  v1 = numvfs_of (root, "0000:01:00.0");
  g_assert_cmpstr (v1, ==, "2");
  v3 = numvfs_of (root, "0000:03:00.0");
  g_assert_cmpstr (v3, ==, "5");
  v4 = numvfs_of (root, "0000:04:00.0");
  g_assert_cmpstr (v4, ==, "1");

  kf = boot_record (root);
  code = g_key_file_get_string (kf, "0000:01:00.0", "code", NULL);
  g_assert_cmpstr (code, ==, "no-resources");
  reason = g_key_file_get_string (kf, "0000:01:00.0", "reason", NULL);
  g_assert_nonnull (strstr (reason, "NumVFs 4 is configured but the adapter offers only 2"));
  gone = g_key_file_get_string (kf, "0000:09:00.0", "code", NULL);
  g_assert_cmpstr (gone, ==, "not-found");
  busy = g_key_file_get_string (kf, "0000:04:00.0", "code", NULL);
  g_assert_cmpstr (busy, ==, "busy");
}

static const gchar *pf_xml =
  "<device><name>pci_0000_01_00_0</name><parent>computer</parent><capability type='pci'>"
  "<class>0x020000</class><domain>0</domain><bus>1</bus><slot>0</slot><function>0</function>"
  "<product id='0x10c9'>82576</product><vendor id='0x8086'>Intel Corporation</vendor>"
  "<capability type='virt_functions' maxCount='7'/></capability></device>"
  "<device><name>net_enp1s0</name><parent>pci_0000_01_00_0</parent>"
  "<capability type='net'><interface>enp1s0</interface><address>52:54:00:12:34:56</address></capability></device>";

static VmnetIovCheck *
host_check (VmnetHost *host, VmnetIovCheckCode code)
{
  g_autoptr(GPtrArray) checks = vmnet_host_dup_iov_checks (host);

  for (guint i = 0; i < checks->len; i++)
    if (vmnet_iov_check_get_code (g_ptr_array_index (checks, i)) == code)
      return vmnet_iov_check_copy (g_ptr_array_index (checks, i));
  return NULL;
}

/* Set-NetAdapterSriov records the count once the kernel took it; the adapter
 * and the host's checks show it; a failed boot-time apply says why. */
static void
test_set_records_and_checks (void)
{
  g_autofree gchar *root = vmnet_test_sysfs_root ();
  g_autofree gchar *xml = vmnet_test_host_xml (pf_xml);
  g_autoptr(VmnetHost) host = NULL;
  g_autoptr(VmnetHost) later = NULL;
  g_autoptr(VmnetNetAdapterSriov) pf = NULL;
  g_autoptr(VmnetIovCheck) check = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *v = NULL;

  vmnet_test_sysfs_add_82576 (root);
  /* VF 0 back on its own driver: nothing holds a VF. */
  vmnet_test_sysfs_add_pci (root, "0000:01:10.0", "igbvf", 11, NULL);
  host = vmnet_test_open_host (xml, root);
  pf = vmnet_host_find_net_adapter_sriov (host, "enp1s0", &error);
  g_assert_no_error (error);
  g_assert_cmpint (vmnet_net_adapter_sriov_get_configured_num_vfs (pf), ==, -1);
  check = host_check (host, VMNET_IOV_CHECK_CONFIGURED_NUM_VFS);
  g_assert_null (check);

  /* Out of range: neither sysfs nor the file. */
  g_assert_false (vmnet_host_set_net_adapter_sriov_num_vfs (host, pf, 8, NULL, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  text = read_under (root, VMNET_SRIOV_CONFIG_FILE);
  g_assert_null (text);

  g_assert_true (vmnet_host_set_net_adapter_sriov_num_vfs (host, pf, 4, NULL, &error));
  g_assert_no_error (error);
  text = read_under (root, VMNET_SRIOV_CONFIG_FILE);
  g_assert_nonnull (strstr (text, "\n[0000:01:00.0]\nname=enp1s0\nnum-vfs=4\n"));
  g_assert_cmpint (vmnet_net_adapter_sriov_get_configured_num_vfs (pf), ==, 4);
  g_assert_cmpint (vmnet_net_adapter_sriov_get_num_vfs (pf), ==, 4);
  check = host_check (host, VMNET_IOV_CHECK_CONFIGURED_NUM_VFS);
  g_assert_cmpint (vmnet_iov_check_get_result (check), ==, VMNET_CHECK_RESULT_PASS);
  g_assert_cmpstr (vmnet_iov_check_get_message (check), ==, "Every adapter has its configured NumVFs: enp1s0 (4).");
  g_clear_pointer (&check, vmnet_iov_check_free);

  /* A reboot on firmware that now gives 2 VFs: the apply fails and says why. */
  vmnet_test_sysfs_set (root, "0000:01:00.0", "sriov_numvfs", "0");
  vmnet_test_sysfs_set (root, "0000:01:00.0", "sriov_totalvfs", "2");
  g_assert_false (vmnet_net_adapter_sriov_apply_configuration (root, NULL, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_NO_RESOURCES);
  g_clear_error (&error);
  later = vmnet_test_open_host (xml, root);
  g_clear_object (&pf);
  pf = vmnet_host_find_net_adapter_sriov (later, "enp1s0", NULL);
  g_assert_cmpint (vmnet_net_adapter_sriov_get_configured_num_vfs (pf), ==, 4);
  g_assert_cmpint (vmnet_net_adapter_sriov_get_num_vfs (pf), ==, 0);
  check = host_check (later, VMNET_IOV_CHECK_CONFIGURED_NUM_VFS);
  g_assert_cmpint (vmnet_iov_check_get_result (check), ==, VMNET_CHECK_RESULT_WARN);
  g_assert_nonnull (strstr (vmnet_iov_check_get_message (check),
                            "Adapter enp1s0 has 0 VFs, not the 4 configured: the boot-time apply failed: adapter "
                            "'enp1s0': NumVFs 4 is configured but the adapter offers only 2 (sriov_totalvfs)"));
  g_assert_nonnull (strstr (vmnet_iov_check_get_fix (check), "firmware's SR-IOV settings"));
  g_clear_pointer (&check, vmnet_iov_check_free);

  /* A malformed file: the set changes nothing and names the line. */
  write_config (root, "[0000:01:00.0]\nnum-vfs=x\n");
  g_assert_false (vmnet_host_set_net_adapter_sriov_num_vfs (later, pf, 1, NULL, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "sriov.conf:2: "));
  g_clear_error (&error);
  v = numvfs_of (root, "0000:01:00.0");
  g_assert_cmpstr (v, ==, "0");
}

/* The file cannot be written: the adapter gets its previous count back. */
static void
test_set_unwritable (void)
{
  g_autofree gchar *root = vmnet_test_sysfs_root ();
  g_autofree gchar *xml = vmnet_test_host_xml (pf_xml);
  g_autofree gchar *etc = g_build_filename (root, "etc", NULL);
  g_autofree gchar *vmnet_dir = g_build_filename (etc, "vmnet", NULL);
  g_autofree gchar *nowhere = g_build_filename (root, "nowhere", NULL);
  g_autoptr(VmnetHost) host = NULL;
  g_autoptr(VmnetNetAdapterSriov) pf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gchar *v = NULL;

  vmnet_test_sysfs_add_82576 (root);
  vmnet_test_sysfs_add_pci (root, "0000:01:10.0", "igbvf", 11, NULL);
  /* etc/vmnet leads nowhere: the file reads as absent and cannot be created. */
  g_assert_cmpint (g_mkdir_with_parents (etc, 0755), ==, 0);
  g_assert_cmpint (symlink (nowhere, vmnet_dir), ==, 0);
  host = vmnet_test_open_host (xml, root);
  pf = vmnet_host_find_net_adapter_sriov (host, "enp1s0", NULL);

  g_assert_false (vmnet_host_set_net_adapter_sriov_num_vfs (host, pf, 5, NULL, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "adapter 'enp1s0': NumVFs 5 was not kept, so the adapter has 2 again: "
                                            "cannot create "));
  v = numvfs_of (root, "0000:01:00.0");
  g_assert_cmpstr (v, ==, "2");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/sriov-config/store-and-load", test_store_and_load);
  g_test_add_func ("/vmnet/sriov-config/atomic-write", test_atomic_write);
  g_test_add_func ("/vmnet/sriov-config/bad-file", test_bad_file);
  g_test_add_func ("/vmnet/sriov-config/apply", test_apply);
  g_test_add_func ("/vmnet/sriov-config/apply-renumbered", test_apply_renumbered);
  g_test_add_func ("/vmnet/sriov-config/apply-failures", test_apply_failures);
  g_test_add_func ("/vmnet/sriov-config/set-records-and-checks", test_set_records_and_checks);
  g_test_add_func ("/vmnet/sriov-config/set-unwritable", test_set_unwritable);
  return g_test_run ();
}
