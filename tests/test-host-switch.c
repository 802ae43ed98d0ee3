/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* New-VMSwitch / Remove-VMSwitch and Set-NetAdapterSriov -NumVFs through libvirt's test driver. */
#include <string.h>

#include "vmnet-test-util.h"

static const gchar *host_body =
  "<device><name>pci_0000_01_00_0</name><parent>computer</parent><capability type='pci'>"
  "<class>0x020000</class><domain>0</domain><bus>1</bus><slot>0</slot><function>0</function>"
  "<product id='0x10c9'>82576</product><vendor id='0x8086'>Intel Corporation</vendor>"
  "<capability type='virt_functions' maxCount='7'>"
  "<address domain='0x0000' bus='0x01' slot='0x10' function='0x0'/></capability></capability></device>"
  "<device><name>net_enp1s0</name><parent>pci_0000_01_00_0</parent><capability type='net'>"
  "<interface>enp1s0</interface><address>52:54:00:12:34:56</address></capability></device>"
  "<device><name>pci_0000_00_1f_6</name><parent>computer</parent><capability type='pci'>"
  "<class>0x020000</class><domain>0</domain><bus>0</bus><slot>31</slot><function>6</function>"
  "<product id='0x15bb'>I219-LM</product><vendor id='0x8086'>Intel Corporation</vendor></capability></device>"
  "<device><name>net_eno1</name><parent>pci_0000_00_1f_6</parent><capability type='net'>"
  "<interface>eno1</interface><address>52:54:00:12:34:57</address></capability></device>"
  "<network><name>used</name><forward mode='bridge'><interface dev='eno1'/></forward></network>"
  "<domain type='test'><name>vm1</name><memory>1024</memory><os><type>hvm</type></os><devices>"
  "<interface type='network'><mac address='52:54:00:aa:00:01'/><source network='used'/></interface>"
  "</devices></domain>";

static VmnetHost *
open_host (void)
{
  g_autofree gchar *xml = vmnet_test_host_xml (host_body);
  return vmnet_test_open_host (xml, NULL);
}

static void
test_new_iov_switch (void)
{
  g_autoptr(VmnetHost) host = open_host ();
  g_autoptr(GError) error = NULL;
  const gchar *name = "lab & <test> \"one\" 'two'";
  g_autoptr(VmnetSwitch) sw = vmnet_host_create_switch (host, name, "enp1s0", NULL, TRUE, NULL, &error);
  g_autoptr(VmnetNetAdapterSriov) pf = NULL;
  g_autofree gchar *pool_name = g_strconcat (name, "-iov", NULL);

  g_assert_no_error (error);
  g_assert_nonnull (sw);
  g_assert_cmpstr (vmnet_switch_get_name (sw), ==, name);
  g_assert_true (vmnet_switch_get_iov_enabled (sw));
  g_assert_cmpstr (vmnet_switch_get_iov_pool_name (sw), ==, pool_name);
  g_assert_cmpint (vmnet_switch_get_switch_type (sw), ==, VMNET_SWITCH_TYPE_EXTERNAL);
  g_assert_cmpstr (vmnet_switch_get_net_adapter_name (sw), ==, "enp1s0");
  g_assert_true (vmnet_switch_get_active (sw));
  g_assert_cmpint (vmnet_switch_get_iov_virtual_function_count (sw), ==, 1);
  pf = vmnet_host_find_net_adapter_sriov (host, "enp1s0", NULL);
  g_assert_cmpstr (vmnet_net_adapter_sriov_get_switch_name (pf), ==, name);
  /* The pool is part of the switch, not a switch of its own. */
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_host_get_switches (host)), ==, 2);

  /* Again: it exists. */
  g_clear_object (&sw);
  sw = vmnet_host_create_switch (host, name, "enp1s0", NULL, TRUE, NULL, &error);
  g_assert_null (sw);
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS);
  g_clear_error (&error);

  /* Removing takes both networks away. */
  sw = vmnet_host_find_switch (host, name, NULL);
  g_assert_true (vmnet_host_remove_switch (host, sw, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_host_get_switches (host)), ==, 1);
}

static void
test_bad_switches (void)
{
  g_autoptr(VmnetHost) host = open_host ();
  struct { const gchar *name, *adapter, *bridge; gboolean iov; gint code; const gchar *needle; } cases[] = {
    { "a/b", "enp1s0", NULL, FALSE, VMNET_ERROR_INVALID_ARGUMENT, "no '/'" },
    { "", "enp1s0", NULL, FALSE, VMNET_ERROR_INVALID_ARGUMENT, "1 to 64" },
    { "two\nlines", "enp1s0", NULL, FALSE, VMNET_ERROR_INVALID_ARGUMENT, "no control characters" },
    { "red\x1b[31m", "enp1s0", NULL, FALSE, VMNET_ERROR_INVALID_ARGUMENT, "no control characters" },
    { "sep\u2028x", "enp1s0", NULL, FALSE, VMNET_ERROR_INVALID_ARGUMENT, "no control characters" },
    { "bad\xff", "enp1s0", NULL, FALSE, VMNET_ERROR_INVALID_ARGUMENT, "UTF-8" },
    { "x-iov", "enp1s0", NULL, FALSE, VMNET_ERROR_INVALID_ARGUMENT, "kept for VF pools" },
    { "nothing", NULL, NULL, FALSE, VMNET_ERROR_INVALID_ARGUMENT, "physical adapter or the bridge" },
    { "bridged", NULL, "br0", TRUE, VMNET_ERROR_INVALID_ARGUMENT, "needs the physical adapter" },
    { "onboard", "eno1", NULL, TRUE, VMNET_ERROR_NOT_SUPPORTED, "'eno1' is not SR-IOV capable" },
    { "USED", "eno1", NULL, FALSE, VMNET_ERROR_ALREADY_EXISTS, "'used'" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VmnetSwitch) sw = vmnet_host_create_switch (host, cases[i].name, cases[i].adapter, cases[i].bridge,
                                                         cases[i].iov, NULL, &error);
      g_assert_null (sw);
      g_assert_error (error, VMNET_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
      /* Nothing was created. */
      g_assert_cmpuint (g_list_model_get_n_items (vmnet_host_get_switches (host)), ==, 1);
    }
}

static void
test_remove_busy (void)
{
  g_autoptr(VmnetHost) host = open_host ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetSwitch) sw = vmnet_host_find_switch (host, "used", NULL);

  g_assert_false (vmnet_host_remove_switch (host, sw, FALSE, NULL, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "vm1"));
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_host_get_switches (host)), ==, 1);
  g_assert_true (vmnet_host_remove_switch (host, sw, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_host_get_switches (host)), ==, 0);
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
  g_autofree gchar *root = vmnet_test_sysfs_root ();
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

  vmnet_test_sysfs_add_82576 (root);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/host-switch/new-iov-switch", test_new_iov_switch);
  g_test_add_func ("/vmnet/host-switch/bad-switches", test_bad_switches);
  g_test_add_func ("/vmnet/host-switch/remove-busy", test_remove_busy);
  g_test_add_func ("/vmnet/host-switch/set-num-vfs", test_set_num_vfs);
  return g_test_run ();
}
