/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Set-VMNetworkAdapter (settings written to the domain metadata, all checked first)
 * and Add-VMNetworkAdapter, on libvirt's test driver. */
#include <string.h>
#include <libvirt/libvirt.h>

#include "vmnet-test-util.h"

#define NS "http://libvmnet.org/xmlns/vmnet/1.0"

typedef struct {
  virConnectPtr conn;
  virDomainPtr  dom;
  VmnetHost    *host;
} Fixture;

/* test:///default is shared by the connections of this process, so what the
 * library writes is visible to the fixture's own connection. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  static guint n;
  g_autofree gchar *name = g_strdup_printf ("set-%u", ++n);
  g_autofree gchar *xml = g_strdup_printf (
    "<domain type='test'><name>%s</name><memory>1024</memory><os><type>hvm</type></os>"
    "<metadata><vmnet:adapters xmlns:vmnet='" NS "'>"
    "<vmnet:adapter mac='52:54:00:cc:00:02' iov-weight='9' custom='kept'/>"
    "</vmnet:adapters></metadata><devices>"
    "<interface type='network'><mac address='52:54:00:cc:00:01'/><source network='default'/>"
    "<model type='virtio'/><teaming type='persistent'/><alias name='ua-front'/></interface>"
    "<interface type='network'><mac address='52:54:00:cc:00:02'/><source network='default'/>"
    "<model type='virtio'/></interface></devices></domain>", name);

  f->conn = virConnectOpen ("test:///default");
  g_assert_nonnull (f->conn);
  f->dom = virDomainDefineXML (f->conn, xml);
  g_assert_nonnull (f->dom);
  if (GPOINTER_TO_INT (data))
    g_assert_cmpint (virDomainCreate (f->dom), ==, 0);
  f->host = vmnet_host_new_for_uri ("test:///default", NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (virDomainIsActive (f->dom) == 1)
    virDomainDestroy (f->dom);
  virDomainUndefine (f->dom);
  virDomainFree (f->dom);
  virConnectClose (f->conn);
  g_clear_object (&f->host);
}

static VmnetNetworkAdapter *
adapter (Fixture *f, const gchar *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetVm) vm = vmnet_host_find_vm (f->host, virDomainGetName (f->dom), &error);
  VmnetNetworkAdapter *a;

  g_assert_no_error (error);
  a = vmnet_vm_find_network_adapter (vm, name, &error);
  g_assert_no_error (error);
  return a;
}

static gchar *
metadata (Fixture *f, unsigned int flags)
{
  char *xml = virDomainGetMetadata (f->dom, VIR_DOMAIN_METADATA_ELEMENT, NS, flags);
  gchar *ret = g_strdup (xml);
  free (xml);
  return ret;
}

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetNetworkAdapter) front = adapter (f, "front");
  g_autoptr(VmnetNetworkAdapter) second = adapter (f, "net1");
  g_autoptr(VmnetAdapterSettings) s = vmnet_adapter_settings_new ();
  g_autofree gchar *live = NULL;
  g_autofree gchar *config = NULL;
  gboolean running = GPOINTER_TO_INT (data);

  vmnet_adapter_settings_set_iov_weight (s, 100);
  vmnet_adapter_settings_set_iov_queue_pairs_requested (s, 4);
  vmnet_adapter_settings_set_iov_interrupt_moderation (s, VMNET_IOV_INTERRUPT_MODERATION_ADAPTIVE);
  vmnet_adapter_settings_set_allow_teaming (s, TRUE);
  vmnet_adapter_settings_set_vlan_id (s, 10);
  g_assert_true (vmnet_adapter_settings_is_set (s, "iov-weight"));
  g_assert_false (vmnet_adapter_settings_is_set (s, "router-guard"));
  g_assert_true (vmnet_host_set_network_adapter (f->host, front, s, NULL, &error));
  g_assert_no_error (error);

  /* The host was read again: the same object shows the new values. */
  g_assert_cmpuint (vmnet_network_adapter_get_iov_weight (front), ==, 100);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_queue_pairs_requested (front), ==, 4);
  g_assert_cmpint (vmnet_network_adapter_get_iov_interrupt_moderation (front), ==, VMNET_IOV_INTERRUPT_MODERATION_ADAPTIVE);
  g_assert_true (vmnet_network_adapter_get_allow_teaming (front));
  g_assert_false (vmnet_network_adapter_get_router_guard (front));
  g_assert_cmpint (vmnet_network_adapter_get_vlan_id (front), ==, 10);
  /* The other adapter's entry, with an attribute libvmnet does not know, is untouched. */
  g_assert_cmpuint (vmnet_network_adapter_get_iov_weight (second), ==, 9);

  config = metadata (f, VIR_DOMAIN_AFFECT_CONFIG);
  g_assert_nonnull (strstr (config, "mac=\"52:54:00:cc:00:01\""));
  g_assert_nonnull (strstr (config, "iov-weight=\"100\""));
  g_assert_nonnull (strstr (config, "allow-teaming=\"on\""));
  g_assert_nonnull (strstr (config, "iov-interrupt-moderation=\"adaptive\""));
  g_assert_nonnull (strstr (config, "custom=\"kept\""));
  if (running)
    {
      live = metadata (f, VIR_DOMAIN_AFFECT_LIVE);
      g_assert_cmpstr (live, ==, config);
    }

  /* Only what is given changes. */
  g_clear_object (&s);
  s = vmnet_adapter_settings_new ();
  g_object_set (s, "router-guard", TRUE, NULL);
  g_assert_true (vmnet_host_set_network_adapter (f->host, front, s, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vmnet_network_adapter_get_router_guard (front));
  g_assert_cmpuint (vmnet_network_adapter_get_iov_weight (front), ==, 100);
  g_assert_cmpint (vmnet_network_adapter_get_vlan_id (front), ==, 10);
}

/* The adapter-port-policy check's message. */
static gchar *
port_policy_message (VmnetNetworkAdapter *a)
{
  g_autoptr(GPtrArray) checks = vmnet_network_adapter_dup_iov_checks (a);

  for (guint i = 0; i < checks->len; i++)
    if (vmnet_iov_check_get_code (g_ptr_array_index (checks, i)) == VMNET_IOV_CHECK_ADAPTER_PORT_POLICY)
      return g_strdup (vmnet_iov_check_get_message (g_ptr_array_index (checks, i)));
  return NULL;
}

/* MacAddressSpoofing is kept and decides what a VF would get: spoof checking
 * off when allowed, on when not (the test driver has no nwfilter driver, so
 * the software path keeps its interface as it is). */
static void
test_mac_address_spoofing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetNetworkAdapter) front = adapter (f, "front");
  g_autoptr(VmnetAdapterSettings) s = vmnet_adapter_settings_new ();
  g_autofree gchar *config = NULL;
  g_autofree gchar *message = NULL;
  char *xml;

  g_assert_false (vmnet_network_adapter_get_mac_address_spoofing (front));
  message = port_policy_message (front);
  g_assert_cmpstr (message, ==, "No port policy keeps SR-IOV off; a VF would hold them (spoofchk on).");
  vmnet_adapter_settings_set_mac_address_spoofing (s, TRUE);
  g_assert_true (vmnet_host_set_network_adapter (f->host, front, s, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (vmnet_network_adapter_get_mac_address_spoofing (front));
  config = metadata (f, VIR_DOMAIN_AFFECT_CONFIG);
  g_assert_nonnull (strstr (config, "mac-address-spoofing=\"on\""));
  g_clear_pointer (&message, g_free);
  message = port_policy_message (front);
  g_assert_cmpstr (message, ==, "No port policy keeps SR-IOV off; a VF would hold them (spoofchk off).");
  xml = virDomainGetXMLDesc (f->dom, 0);
  g_assert_null (strstr (xml, "filterref"));
  free (xml);

  g_clear_object (&s);
  s = vmnet_adapter_settings_new ();
  vmnet_adapter_settings_set_mac_address_spoofing (s, FALSE);
  g_assert_true (vmnet_host_set_network_adapter (f->host, front, s, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (vmnet_network_adapter_get_mac_address_spoofing (front));
  g_clear_pointer (&message, g_free);
  message = port_policy_message (front);
  g_assert_cmpstr (message, ==, "No port policy keeps SR-IOV off; a VF would hold them (spoofchk on).");
}

/* A bad value anywhere in the change: an error naming it, and nothing written. */
static void
test_bad_values (Fixture *f, gconstpointer data)
{
  g_autoptr(VmnetNetworkAdapter) front = adapter (f, "front");
  char *before = virDomainGetXMLDesc (f->dom, 0);
  char *before_inactive = virDomainGetXMLDesc (f->dom, VIR_DOMAIN_XML_INACTIVE);

  for (guint i = 0; i < vmnet_test_n_bad_settings; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(VmnetAdapterSettings) s = vmnet_adapter_settings_new ();
      char *after, *after_inactive;

      /* A good value beside the bad one must not be written either. */
      vmnet_adapter_settings_set_dhcp_guard (s, TRUE);
      g_object_set (s, vmnet_test_bad_settings[i].property, vmnet_test_bad_settings[i].value, NULL);
      g_assert_false (vmnet_host_set_network_adapter (f->host, front, s, NULL, &error));
      g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, vmnet_test_bad_settings[i].needle));
      g_assert_nonnull (strstr (error->message, "adapter 'front' of VM"));
      after = virDomainGetXMLDesc (f->dom, 0);
      after_inactive = virDomainGetXMLDesc (f->dom, VIR_DOMAIN_XML_INACTIVE);
      g_assert_cmpstr (after, ==, before);
      g_assert_cmpstr (after_inactive, ==, before_inactive);
      free (after);
      free (after_inactive);
    }
  g_assert_false (vmnet_network_adapter_get_dhcp_guard (front));
  free (before);
  free (before_inactive);
}

static void
settings_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (vmnet_host_set_network_adapter_finish (VMNET_HOST (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr(VmnetNetworkAdapter) front = adapter (f, "front");
  g_autoptr(VmnetAdapterSettings) s = g_object_new (VMNET_TYPE_ADAPTER_SETTINGS, "iov-weight", 42, NULL);
  gboolean done = FALSE;

  vmnet_host_set_network_adapter_async (f->host, front, s, NULL, settings_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_weight (front), ==, 42);
}

/* Add-VMNetworkAdapter: failover-ready on an SR-IOV switch, plain elsewhere. */
static void
test_add_adapter (void)
{
  g_autofree gchar *xml = vmnet_test_host_xml (
    "<network><name>sw</name><forward mode='bridge'><interface dev='eth0'/></forward></network>"
    "<network><name>sw-iov</name><forward mode='hostdev' managed='yes'><pf dev='eth0'/></forward></network>"
    "<network><name>plain</name></network>"
    "<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>off</name>"
    "<memory>1024</memory><os><type>hvm</type></os><devices>"
    "<interface type='network'><mac address='52:54:00:bb:00:01'/><source network='plain'/></interface>"
    "</devices><test:runstate>5</test:runstate></domain>"
    "<domain type='test'><name>on</name><memory>1024</memory><os><type>hvm</type></os></domain>");
  g_autoptr(VmnetHost) host = vmnet_test_open_host (xml, NULL);
  g_autoptr(VmnetVm) off = vmnet_host_find_vm (host, "off", NULL);
  g_autoptr(VmnetVm) on = vmnet_host_find_vm (host, "on", NULL);
  g_autoptr(VmnetSwitch) sw = vmnet_host_find_switch (host, "sw", NULL);
  g_autoptr(VmnetSwitch) plain = vmnet_host_find_switch (host, "plain", NULL);
  g_autoptr(VmnetNetworkAdapter) fast = NULL;
  g_autoptr(VmnetNetworkAdapter) slow = NULL;
  g_autoptr(VmnetNetworkAdapter) none = NULL;
  g_autoptr(GError) error = NULL;

  fast = vmnet_host_add_network_adapter (host, off, sw, "fast", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vmnet_network_adapter_get_name (fast), ==, "fast");
  g_assert_cmpstr (vmnet_network_adapter_get_switch_name (fast), ==, "sw");
  g_assert_cmpstr (vmnet_network_adapter_get_model (fast), ==, "virtio");
  g_assert_true (vmnet_network_adapter_get_failover_ready (fast));
  g_assert_true (g_str_has_prefix (vmnet_network_adapter_get_mac_address (fast), "52:54:00:"));

  slow = vmnet_host_add_network_adapter (host, off, plain, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vmnet_network_adapter_get_name (slow), ==, "net2");
  g_assert_false (vmnet_network_adapter_get_failover_ready (slow));
  g_assert_cmpstr (vmnet_network_adapter_get_mac_address (slow), !=, vmnet_network_adapter_get_mac_address (fast));
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_vm_get_network_adapters (off)), ==, 3);

  /* Bad names and duplicates change nothing. */
  none = vmnet_host_add_network_adapter (host, off, sw, "a b", NULL, &error);
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  none = vmnet_host_add_network_adapter (host, off, sw, "fast", NULL, &error);
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_ALREADY_EXISTS);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_vm_get_network_adapters (off)), ==, 3);

  /* The test driver cannot hot-plug: libvirt's error, nothing added. */
  none = vmnet_host_add_network_adapter (host, on, sw, NULL, NULL, &error);
  g_assert_nonnull (error);
  g_assert_true (error->domain == VMNET_ERROR);
  g_assert_nonnull (strstr (error->message, "VM 'on'"));
  g_assert_cmpuint (g_list_model_get_n_items (vmnet_vm_get_network_adapters (on)), ==, 0);
}

/* An adapter created without failover on an SR-IOV switch: asking for a VF
 * fixes its persistent definition; the running VM pairs after a restart. */
static void
test_failover_fixed (void)
{
  g_autoptr(GError) error = NULL;
  virConnectPtr conn = virConnectOpen ("test:///default");
  virNetworkPtr sw, pool;
  virDomainPtr dom;
  g_autoptr(VmnetHost) host = NULL;
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(VmnetNetworkAdapter) a = NULL;
  g_autoptr(VmnetAdapterSettings) s = vmnet_adapter_settings_new ();
  char *inactive, *live;

  sw = virNetworkDefineXML (conn, "<network><name>fo</name><forward mode='bridge'><interface dev='eth9'/></forward></network>");
  pool = virNetworkDefineXML (conn, "<network><name>fo-iov</name><forward mode='hostdev' managed='yes'><pf dev='eth9'/></forward></network>");
  dom = virDomainDefineXML (conn,
    "<domain type='test'><name>legacy</name><memory>1024</memory><os><type>hvm</type></os><devices>"
    "<interface type='network'><mac address='52:54:00:cc:01:01'/><source network='fo'/><model type='virtio'/></interface>"
    "</devices></domain>");
  g_assert_nonnull (sw);
  g_assert_nonnull (pool);
  g_assert_nonnull (dom);
  g_assert_cmpint (virNetworkCreate (sw), ==, 0);
  g_assert_cmpint (virNetworkCreate (pool), ==, 0);
  g_assert_cmpint (virDomainCreate (dom), ==, 0);

  host = vmnet_host_new_for_uri ("test:///default", NULL, &error);
  g_assert_no_error (error);
  vm = vmnet_host_find_vm (host, "legacy", NULL);
  a = vmnet_vm_find_network_adapter (vm, NULL, NULL);
  g_assert_false (vmnet_network_adapter_get_failover_ready (a));

  vmnet_adapter_settings_set_iov_weight (s, 100);
  vmnet_adapter_settings_set_iov_queue_pairs_requested (s, 4);
  g_assert_true (vmnet_host_set_network_adapter (host, a, s, NULL, &error));
  g_assert_no_error (error);

  inactive = virDomainGetXMLDesc (dom, VIR_DOMAIN_XML_INACTIVE);
  /* The software path gets the same number of queues. */
  g_assert_nonnull (strstr (inactive, "queues='4'"));
  live = virDomainGetXMLDesc (dom, 0);
  g_assert_nonnull (strstr (inactive, "<teaming type='persistent'/>"));
  g_assert_nonnull (strstr (inactive, "<alias name='ua-net0'/>"));
  /* The running VM keeps its hardware until it restarts; the status says so. */
  g_assert_null (strstr (live, "<teaming"));
  g_assert_false (vmnet_network_adapter_get_failover_ready (a));
  g_assert_cmpint (vmnet_network_adapter_get_status (a), ==, VMNET_OPERATIONAL_STATUS_DEGRADED);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_weight (a), ==, 100);
  free (inactive);
  free (live);

  /* After a restart the adapter is ready for failover, under the same name. */
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  g_assert_true (vmnet_host_refresh (host, NULL, &error));
  g_assert_true (vmnet_network_adapter_get_failover_ready (a));
  g_assert_cmpstr (vmnet_network_adapter_get_name (a), ==, "net0");

  virDomainDestroy (dom);
  virDomainUndefine (dom);
  virDomainFree (dom);
  virNetworkDestroy (pool);
  virNetworkUndefine (pool);
  virNetworkFree (pool);
  virNetworkDestroy (sw);
  virNetworkUndefine (sw);
  virNetworkFree (sw);
  virConnectClose (conn);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/host-adapter/add-adapter", test_add_adapter);
  g_test_add_func ("/vmnet/host-adapter/failover-fixed", test_failover_fixed);
  g_test_add ("/vmnet/host-adapter/round-trip-stopped", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_round_trip, fixture_tear_down);
  g_test_add ("/vmnet/host-adapter/round-trip-running", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_round_trip, fixture_tear_down);
  g_test_add ("/vmnet/host-adapter/bad-values-stopped", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up, test_bad_values, fixture_tear_down);
  g_test_add ("/vmnet/host-adapter/bad-values-running", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_bad_values, fixture_tear_down);
  g_test_add ("/vmnet/host-adapter/mac-address-spoofing", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up,
              test_mac_address_spoofing, fixture_tear_down);
  g_test_add ("/vmnet/host-adapter/async", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, test_async, fixture_tear_down);
  return g_test_run ();
}
