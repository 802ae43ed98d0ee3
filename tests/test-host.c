/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The whole read API through libvirt's in-process test driver. */
#include <string.h>

#include <libvirt/libvirt.h>

#include "vmnet-test-util.h"
#include "vmnet-libvirt-private.h"

static VmnetHost *
open_demo (void)
{
  g_autoptr(GError) error = NULL;
  VmnetHost *host = vmnet_host_new_for_uri ("demo", NULL, &error);
  g_assert_no_error (error);
  return host;
}

static void
test_demo_host (void)
{
  g_autoptr(VmnetHost) host = open_demo ();

  g_assert_cmpstr (vmnet_host_get_uri (host), ==, "demo");
  g_assert_true (g_str_has_prefix (vmnet_host_get_resolved_uri (host), "test:///"));
  g_assert_cmpstr (vmnet_host_get_hypervisor (host), ==, "TEST");
  g_assert_nonnull (vmnet_host_get_libvirt_version (host));
  g_assert_false (vmnet_host_get_is_remote (host));
  g_assert_true (vmnet_host_get_is_privileged (host));
  /* The test driver describes an imaginary machine: its host files come with
   * the demo, never from this machine. */
  g_assert_true (vmnet_host_get_host_facts_available (host));
  g_assert_nonnull (vmnet_host_get_host_root (host));
  g_assert_cmpstr (vmnet_host_get_host_root (host), !=, "/");
  g_assert_true (g_file_test (vmnet_host_get_host_root (host), G_FILE_TEST_IS_DIR));
  g_assert_cmpint (vmnet_host_get_iov_support (host), ==, VMNET_TERNARY_TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_host_get_switches (host)), ==, 5);
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_host_get_net_adapters_sriov (host)), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_host_get_vms (host)), ==, 8);
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_host_get_network_adapters (host)), ==, 10);
}

/* Any other test-driver host has no host files unless given some. */
static void
test_test_driver_has_no_host_files (void)
{
  g_autofree gchar *xml = vmnet_test_host_xml ("<network><name>n</name></network>");
  g_autoptr(VmnetHost) host = vmnet_test_open_host (xml, NULL);
  g_autoptr(GPtrArray) checks = vmnet_host_dup_iov_checks (host);

  g_assert_false (vmnet_host_get_host_facts_available (host));
  /* No SR-IOV adapter is certain from libvirt alone; the rest is unknown. */
  g_assert_cmpint (vmnet_host_get_iov_support (host), ==, VMNET_TERNARY_FALSE);
  /* DMA remapping: unknown, never guessed. */
  g_assert_cmpint (vmnet_iov_check_get_code (g_ptr_array_index (checks, 2)), ==, VMNET_IOV_CHECK_DMA_REMAPPING);
  g_assert_cmpint (vmnet_iov_check_get_result (g_ptr_array_index (checks, 2)), ==, VMNET_CHECK_RESULT_UNKNOWN);
}

static void
test_demo_switches (void)
{
  g_autoptr(VmnetHost) host = open_demo ();
  g_autoptr(VmnetSwitch) sriov = vmnet_host_find_switch (host, "SRIOV-Switch", NULL);
  g_autoptr(VmnetSwitch) lan = vmnet_host_find_switch (host, "LAN", NULL);
  g_autoptr(VmnetSwitch) internal = vmnet_host_find_switch (host, "Internal", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (vmnet_switch_get_switch_type (sriov), ==, VMNET_SWITCH_TYPE_EXTERNAL);
  g_assert_true (vmnet_switch_get_iov_enabled (sriov));
  g_assert_cmpint (vmnet_switch_get_iov_virtual_function_count (sriov), ==, 8);
  g_assert_cmpint (vmnet_switch_get_iov_virtual_functions_in_use (sriov), ==, 2);
  g_assert_cmpstr (vmnet_switch_get_net_adapter_name (sriov), ==, "enp59s0f0");
  /* LAN sits on an SR-IOV capable ConnectX-5 but was not created in SR-IOV mode. */
  g_assert_false (vmnet_switch_get_iov_enabled (lan));
  g_assert_cmpint (vmnet_switch_get_iov_virtual_function_count (lan), ==, 0);
  g_assert_cmpint (vmnet_switch_get_switch_type (internal), ==, VMNET_SWITCH_TYPE_INTERNAL);
  /* The VF pool is part of its switch, not a switch of its own. */
  g_assert_null (vmnet_host_find_switch (host, "SRIOV-Switch-iov", &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "SRIOV-Switch-iov"));
}

static void
test_demo_adapters (void)
{
  g_autoptr(VmnetHost) host = open_demo ();
  g_autoptr(VmnetVm) db1 = vmnet_host_find_vm (host, "db1", NULL);
  g_autoptr(VmnetVm) broken = vmnet_host_find_vm (host, "broken1", NULL);
  g_autoptr(VmnetNetworkAdapter) front = vmnet_vm_find_network_adapter (db1, "frontend", NULL);
  g_autoptr(VmnetNetworkAdapter) back = vmnet_vm_find_network_adapter (db1, "52:54:00:00:02:02", NULL);
  g_autoptr(VmnetNetworkAdapter) bad = vmnet_vm_find_network_adapter (broken, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (vmnet_vm_get_state (db1), ==, VMNET_VM_STATE_RUNNING);
  g_assert_cmpint (vmnet_vm_get_state (broken), ==, VMNET_VM_STATE_OFF);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_weight (front), ==, 50);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_queue_pairs_requested (front), ==, 4);
  g_assert_cmpint (vmnet_network_adapter_get_iov_interrupt_moderation (front), ==, VMNET_IOV_INTERRUPT_MODERATION_HIGH);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_usage (front), ==, 1);
  g_assert_cmpstr (vmnet_network_adapter_get_virtual_function (front), ==, "0000:3b:10.2");
  g_assert_cmpstr (vmnet_network_adapter_get_name (back), ==, "backend");
  g_assert_cmpstr (vmnet_network_adapter_get_switch_name (back), ==, "Private");
  g_assert_cmpuint (vmnet_network_adapter_get_iov_usage (back), ==, 0);
  g_assert_nonnull (strstr (vmnet_network_adapter_get_settings_error (bad), "iov-weight 'abc'"));
  g_assert_cmpuint (vmnet_network_adapter_get_iov_weight (bad), ==, 0);

  /* Two adapters and no name: the caller must choose. */
  g_assert_null (vmnet_vm_find_network_adapter (db1, NULL, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (vmnet_vm_find_network_adapter (db1, "nosuch", &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "'db1'"));
  g_assert_nonnull (strstr (error->message, "'nosuch'"));
}

static void
test_demo_pfs (void)
{
  g_autoptr(VmnetHost) host = open_demo ();
  g_autoptr(VmnetNetAdapterSriov) intel = vmnet_host_find_net_adapter_sriov (host, "enp59s0f0", NULL);
  g_autoptr(VmnetNetAdapterSriov) idle = vmnet_host_find_net_adapter_sriov (host, "0000:3b:00.1", NULL);
  g_autoptr(VmnetNetAdapterSriov) mlx = vmnet_host_find_net_adapter_sriov (host, "enp94s0f0np0", NULL);
  g_autoptr(VmnetVirtualFunction) vf0 = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *vfs;

  g_assert_cmpint (vmnet_net_adapter_sriov_get_max_vfs (intel), ==, 63);
  g_assert_cmpint (vmnet_net_adapter_sriov_get_num_vfs (intel), ==, 8);
  g_assert_cmpint (vmnet_net_adapter_sriov_get_allocated_vfs (intel), ==, 2);
  g_assert_cmpstr (vmnet_net_adapter_sriov_get_switch_name (intel), ==, "SRIOV-Switch");
  g_assert_cmpint (vmnet_net_adapter_sriov_get_link_speed (intel), ==, G_GINT64_CONSTANT (10000000000));
  g_assert_cmpstr (vmnet_net_adapter_sriov_get_name (idle), ==, "enp59s0f1");
  g_assert_false (vmnet_net_adapter_sriov_get_enabled (idle));
  g_assert_cmpint (vmnet_net_adapter_sriov_get_num_vfs (mlx), ==, 16);
  g_assert_cmpint (vmnet_net_adapter_sriov_get_max_vfs (mlx), ==, 32);

  vfs = vmnet_net_adapter_sriov_get_virtual_functions (intel);
  g_assert_cmpuint (g_list_model_get_n_items (vfs), ==, 8);
  vf0 = g_list_model_get_item (vfs, 0);
  g_assert_cmpint (vmnet_virtual_function_get_function_id (vf0), ==, 0);
  g_assert_cmpstr (vmnet_virtual_function_get_pci_address (vf0), ==, "0000:3b:10.0");
  g_assert_cmpint (vmnet_virtual_function_get_iommu_group (vf0), ==, 40);
  g_assert_cmpstr (vmnet_virtual_function_get_vm_name (vf0), ==, "web1");
  g_assert_cmpstr (vmnet_virtual_function_get_vm_network_adapter_name (vf0), ==, "net0");

  g_assert_null (vmnet_host_find_net_adapter_sriov (host, "eno1", &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND);
}

/* libvirt knows the PF but not yet the VFs: sysfs supplies them. */
static void
test_sysfs_supplies_vfs (void)
{
  g_autofree gchar *root = vmnet_test_sysfs_root ();
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

  vmnet_test_sysfs_add_82576 (root);
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

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
count_items_changed (GListModel *list, guint position, guint removed, guint added, gpointer user_data)
{
  (*(guint *) user_data)++;
}

/* A refresh that finds nothing new keeps every object and says nothing. */
static void
test_refresh_keeps_identity (void)
{
  g_autoptr(VmnetHost) host = open_demo ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetVm) before = vmnet_host_find_vm (host, "web1", NULL);
  g_autoptr(VmnetVm) after = NULL;
  g_autoptr(VmnetNetworkAdapter) adapter = vmnet_vm_find_network_adapter (before, NULL, NULL);
  g_autoptr(VmnetNetworkAdapter) adapter_after = NULL;
  guint notifies = 0, changes = 0;

  g_signal_connect (adapter, "notify", G_CALLBACK (count_notify), &notifies);
  g_signal_connect (before, "notify", G_CALLBACK (count_notify), &notifies);
  g_signal_connect (vmnet_host_get_vms (host), "items-changed", G_CALLBACK (count_items_changed), &changes);
  g_signal_connect (vmnet_host_get_network_adapters (host), "items-changed", G_CALLBACK (count_items_changed), &changes);

  g_assert_true (vmnet_host_refresh (host, NULL, &error));
  g_assert_no_error (error);
  after = vmnet_host_find_vm (host, "web1", NULL);
  adapter_after = vmnet_vm_find_network_adapter (after, NULL, NULL);
  g_assert_true (before == after);
  g_assert_true (adapter == adapter_after);
  g_assert_cmpuint (notifies, ==, 0);
  g_assert_cmpuint (changes, ==, 0);
}

static void
host_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  VmnetHost **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = vmnet_host_new_for_uri_finish (result, &error);
  g_assert_no_error (error);
}

static void
refresh_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (vmnet_host_refresh_finish (VMNET_HOST (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_async (void)
{
  g_autoptr(VmnetHost) host = NULL;
  gboolean done = FALSE;
  g_autofree gchar *xml = vmnet_test_host_xml (
    "<network><name>only</name></network>");
  g_autofree gchar *uri = vmnet_test_uri_for_xml (xml);

  vmnet_host_new_for_uri_async (uri, NULL, host_ready, &host);
  while (!host)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_host_get_switches (host)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_host_get_vms (host)), ==, 0);

  vmnet_host_refresh_async (host, NULL, refresh_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_cancelled (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetHost) host = open_demo ();

  g_cancellable_cancel (cancellable);
  g_assert_false (vmnet_host_refresh (host, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Nothing changed. */
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_host_get_vms (host)), ==, 8);
}

static void
test_bad_uris (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetHost) host = NULL;

  host = vmnet_host_new_for_uri ("qemu+unix:///system?socket=/nonexistent/libvirt-sock", NULL, &error);
  g_assert_null (host);
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_BACKEND_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "/nonexistent/libvirt-sock"));
  g_clear_error (&error);

  host = vmnet_host_new_for_uri ("test:///nonexistent/host.xml", NULL, &error);
  g_assert_null (host);
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_BACKEND_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "test:///nonexistent/host.xml"));
  g_clear_error (&error);

  host = vmnet_host_new_for_uri ("nosuchdriver:///x", NULL, &error);
  g_assert_null (host);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "nosuchdriver:///x"));
}

/* Metadata written by hand with wrong values: reported per adapter, defaults used. */
static void
test_malformed_metadata (void)
{
  g_autofree gchar *xml = vmnet_test_host_xml (
    "<network><name>sw</name><forward mode='bridge'><interface dev='eth0'/></forward></network>"
    "<domain type='test'><name>vm1</name><memory>1024</memory><os><type>hvm</type></os>"
    "<metadata><vmnet:adapters xmlns:vmnet='http://libvmnet.org/xmlns/vmnet/1.0'>"
    "<vmnet:adapter mac='52:54:00:aa:00:01' iov-weight='101'/>"
    "<vmnet:adapter mac='52:54:00:aa:00:02' iov-weight='-1' iov-interrupt-moderation='medium'/>"
    "<vmnet:adapter mac='52:54:00:aa:00:03' iov-weight='7' iov-queue-pairs-requested='99999999999999999999'/>"
    "<vmnet:adapter iov-weight='50'/>"
    "</vmnet:adapters></metadata><devices>"
    "<interface type='network'><mac address='52:54:00:aa:00:01'/><source network='sw'/><model type='virtio'/></interface>"
    "<interface type='network'><mac address='52:54:00:AA:00:02'/><source network='sw'/><model type='virtio'/></interface>"
    "<interface type='network'><mac address='52:54:00:aa:00:03'/><source network='sw'/><model type='virtio'/></interface>"
    "</devices></domain>");
  g_autoptr(VmnetHost) host = vmnet_test_open_host (xml, NULL);
  GListModel *adapters = vmnet_host_get_network_adapters (host);
  g_autoptr(VmnetNetworkAdapter) a1 = g_list_model_get_item (adapters, 0);
  g_autoptr(VmnetNetworkAdapter) a2 = g_list_model_get_item (adapters, 1);
  g_autoptr(VmnetNetworkAdapter) a3 = g_list_model_get_item (adapters, 2);

  g_assert_cmpuint (g_list_model_get_n_items (adapters), ==, 3);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_weight (a1), ==, 0);
  g_assert_nonnull (strstr (vmnet_network_adapter_get_settings_error (a1), "'101'"));
  /* MACs match whatever their case. */
  g_assert_cmpuint (vmnet_network_adapter_get_iov_weight (a2), ==, 0);
  g_assert_cmpint (vmnet_network_adapter_get_iov_interrupt_moderation (a2), ==, VMNET_IOV_INTERRUPT_MODERATION_MEDIUM);
  g_assert_nonnull (strstr (vmnet_network_adapter_get_settings_error (a2), "'-1'"));
  g_assert_cmpuint (vmnet_network_adapter_get_iov_weight (a3), ==, 7);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_queue_pairs_requested (a3), ==, 1);
  g_assert_nonnull (vmnet_network_adapter_get_settings_error (a3));
}

/* A read-only host reads as any other and refuses every change before it is
 * made; its libvirt connection is read-only too. */
static void
test_read_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetHost) host = g_initable_new (VMNET_TYPE_HOST, NULL, &error, "uri", "demo", "read-only", TRUE, NULL);
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(VmnetNetworkAdapter) adapter = NULL;
  g_autoptr(VmnetAdapterSettings) settings = vmnet_adapter_settings_new ();
  g_autoptr(VmnetSwitch) sw = NULL;
  g_autoptr(VmnetLibvirtConn) conn = NULL;
  gboolean read_only = FALSE;
  virNetworkPtr net;

  g_assert_no_error (error);
  g_object_get (host, "read-only", &read_only, NULL);
  g_assert_true (read_only);
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_host_get_switches (host)), ==, 5);

  vm = vmnet_host_find_vm (host, "web1", &error);
  g_assert_no_error (error);
  adapter = vmnet_vm_find_network_adapter (vm, NULL, &error);
  g_assert_no_error (error);
  vmnet_adapter_settings_set_iov_weight (settings, 5);
  g_assert_false (vmnet_host_set_network_adapter (host, adapter, settings, NULL, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_clear_error (&error);
  sw = vmnet_host_create_switch (host, "new", NULL, "br0", FALSE, NULL, &error);
  g_assert_null (sw);
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_ACCESS_DENIED);
  g_clear_error (&error);
  g_assert_true (vmnet_host_refresh (host, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_weight (adapter), ==, 100);

  /* Below the host: libvirt itself refuses a change on the connection. */
  conn = vmnet_libvirt_conn_open (vmnet_host_get_resolved_uri (host), VMNET_LIBVIRT_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  net = virNetworkDefineXML (vmnet_libvirt_conn_get_ptr (conn), "<network><name>ro</name></network>");
  g_assert_null (net);
  vmnet_libvirt_set_error (&error, "cannot define network 'ro'");
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "read only"));
}

/* Names libvirt accepts but XML and shells treat specially come through unchanged. */
static void
test_awkward_names (void)
{
  g_autofree gchar *xml = vmnet_test_host_xml (
    "<network><name>sw &amp; &lt;lab&gt; \"quoted\" 'single'</name></network>"
    "<domain type='test'><name>vm &amp; co</name><memory>1024</memory><os><type>hvm</type></os><devices>"
    "<interface type='network'><mac address='52:54:00:aa:00:01'/>"
    "<source network='sw &amp; &lt;lab&gt; \"quoted\" &apos;single&apos;'/></interface>"
    "</devices></domain>");
  g_autoptr(VmnetHost) host = vmnet_test_open_host (xml, NULL);
  g_autoptr(VmnetSwitch) sw = vmnet_host_find_switch (host, "sw & <lab> \"quoted\" 'single'", NULL);
  g_autoptr(VmnetVm) vm = vmnet_host_find_vm (host, "vm & co", NULL);
  g_autoptr(VmnetNetworkAdapter) a = vmnet_vm_find_network_adapter (vm, NULL, NULL);

  g_assert_nonnull (sw);
  g_assert_nonnull (a);
  g_assert_cmpstr (vmnet_network_adapter_get_switch_name (a), ==, "sw & <lab> \"quoted\" 'single'");
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar *const *) a, *(const gchar *const *) b);
}

static void
count_notify_named (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  GPtrArray *names = user_data;
  g_ptr_array_add (names, g_strdup (pspec->name));
}

/* test:///default is one state shared by every connection of the process:
 * another connection changes it, a refresh shows the change. */
static void
test_refresh_sees_changes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetHost) host = vmnet_host_new_for_uri ("test:///default", NULL, &error);
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(VmnetVm) added = NULL;
  g_autoptr(VmnetNetworkAdapter) adapter = NULL;
  g_autoptr(GPtrArray) notified = g_ptr_array_new_with_free_func (g_free);
  virConnectPtr conn;
  virDomainPtr dom, dom2;
  guint changes = 0, n_before;

  g_assert_no_error (error);
  conn = virConnectOpen ("test:///default");
  g_assert_nonnull (conn);
  dom = virDomainDefineXML (conn,
    "<domain type='test'><name>refreshed</name><memory>1024</memory><os><type>hvm</type></os><devices>"
    "<interface type='network'><mac address='52:54:00:ee:00:01'/><source network='default'/>"
    "<model type='virtio'/></interface></devices></domain>");
  g_assert_nonnull (dom);

  n_before = g_list_model_get_n_items (vmnet_host_get_vms (host));
  g_signal_connect (vmnet_host_get_vms (host), "items-changed", G_CALLBACK (count_items_changed), &changes);
  g_assert_true (vmnet_host_refresh (host, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_host_get_vms (host)), ==, n_before + 1);

  vm = vmnet_host_find_vm (host, "refreshed", &error);
  g_assert_no_error (error);
  adapter = vmnet_vm_find_network_adapter (vm, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_weight (adapter), ==, 0);

  /* Settings change: only the properties that changed are notified. */
  g_signal_connect (adapter, "notify", G_CALLBACK (count_notify_named), notified);
  g_assert_cmpint (virDomainSetMetadata (dom, VIR_DOMAIN_METADATA_ELEMENT,
                                         "<adapters><adapter mac='52:54:00:ee:00:01' iov-weight='60'/></adapters>",
                                         "vmnet", "http://libvmnet.org/xmlns/vmnet/1.0",
                                         VIR_DOMAIN_AFFECT_CONFIG), ==, 0);
  changes = 0;
  g_assert_true (vmnet_host_refresh (host, NULL, &error));
  g_assert_cmpuint (changes, ==, 0);
  /* With IovWeight 0 the description is the status alone; asked for a VF, it
   * also says what stands in the way. */
  g_ptr_array_sort (notified, compare_names);
  g_assert_cmpuint (notified->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (notified, 0), ==, "iov-weight");
  g_assert_cmpstr (g_ptr_array_index (notified, 1), ==, "status-description");
  g_assert_cmpuint (vmnet_network_adapter_get_iov_weight (adapter), ==, 60);

  /* State change on the VM object, the same object as before. */
  g_assert_cmpint (vmnet_vm_get_state (vm), ==, VMNET_VM_STATE_OFF);
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  g_assert_true (vmnet_host_refresh (host, NULL, &error));
  added = vmnet_host_find_vm (host, "REFRESHED", &error);
  g_assert_no_error (error);
  g_assert_true (added == vm);
  g_assert_cmpint (vmnet_vm_get_state (vm), ==, VMNET_VM_STATE_RUNNING);

  /* A second VM whose name differs only in case makes the loose lookup ambiguous. */
  dom2 = virDomainDefineXML (conn,
    "<domain type='test'><name>Refreshed</name><memory>1024</memory><os><type>hvm</type></os></domain>");
  g_assert_nonnull (dom2);
  g_assert_true (vmnet_host_refresh (host, NULL, &error));
  g_clear_object (&added);
  added = vmnet_host_find_vm (host, "REFRESHED", &error);
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND);
  g_assert_null (added);

  virDomainDestroy (dom);
  virDomainUndefine (dom);
  virDomainUndefine (dom2);
  virDomainFree (dom);
  virDomainFree (dom2);
  virConnectClose (conn);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/host/demo", test_demo_host);
  g_test_add_func ("/vmnet/host/read-only", test_read_only);
  g_test_add_func ("/vmnet/host/demo-switches", test_demo_switches);
  g_test_add_func ("/vmnet/host/test-driver-has-no-host-files", test_test_driver_has_no_host_files);
  g_test_add_func ("/vmnet/host/sysfs-supplies-vfs", test_sysfs_supplies_vfs);
  g_test_add_func ("/vmnet/host/demo-adapters", test_demo_adapters);
  g_test_add_func ("/vmnet/host/demo-pfs", test_demo_pfs);
  g_test_add_func ("/vmnet/host/refresh-keeps-identity", test_refresh_keeps_identity);
  g_test_add_func ("/vmnet/host/async", test_async);
  g_test_add_func ("/vmnet/host/cancelled", test_cancelled);
  g_test_add_func ("/vmnet/host/bad-uris", test_bad_uris);
  g_test_add_func ("/vmnet/host/malformed-metadata", test_malformed_metadata);
  g_test_add_func ("/vmnet/host/awkward-names", test_awkward_names);
  g_test_add_func ("/vmnet/host/refresh-sees-changes", test_refresh_sees_changes);
  return g_test_run ();
}
