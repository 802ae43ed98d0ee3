/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* New-VMSwitch / Remove-VMSwitch through libvirt's test driver. */
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "vmnet-libvirt-private.h"
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
xpath_string (const gchar *xml, const gchar *expr)
{
  xmlDoc *doc = xmlReadMemory (xml, strlen (xml), "n.xml", NULL, 0);
  xmlXPathContext *ctx = xmlXPathNewContext (doc);
  xmlXPathObject *obj = xmlXPathEvalExpression ((const xmlChar *) expr, ctx);
  xmlChar *str = xmlXPathCastToString (obj);
  gchar *ret = g_strdup ((const gchar *) str);

  xmlFree (str);

  xmlXPathFreeObject (obj);
  xmlXPathFreeContext (ctx);
  xmlFreeDoc (doc);
  return ret;
}

/* The network XML, checked structurally. */
static void
test_network_xml (void)
{
  g_autofree gchar *pool = vmnet_libvirt_pool_xml ("a&b-iov", "enp1s0");
  g_autofree gchar *macvtap = vmnet_libvirt_switch_xml ("a<b>", "enp1s0", NULL);
  g_autofree gchar *bridged = vmnet_libvirt_switch_xml ("c", NULL, "br0");
  g_autofree gchar *v = NULL;

#define XP(xml, expr, expected) G_STMT_START { g_free (v); v = xpath_string (xml, expr); g_assert_cmpstr (v, ==, expected); } G_STMT_END
  XP (pool, "string(/network/name)", "a&b-iov");
  XP (pool, "string(/network/forward/@mode)", "hostdev");
  XP (pool, "string(/network/forward/@managed)", "yes");
  XP (pool, "string(/network/forward/pf/@dev)", "enp1s0");
  XP (macvtap, "string(/network/name)", "a<b>");
  XP (macvtap, "string(/network/forward/@mode)", "bridge");
  XP (macvtap, "string(/network/forward/interface/@dev)", "enp1s0");
  XP (macvtap, "count(/network/bridge)", "0");
  XP (bridged, "string(/network/bridge/@name)", "br0");
  XP (bridged, "count(/network/forward/interface)", "0");
#undef XP
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/switch/network-xml", test_network_xml);
  g_test_add_func ("/vmnet/switch/new-iov-switch", test_new_iov_switch);
  g_test_add_func ("/vmnet/switch/bad-switches", test_bad_switches);
  g_test_add_func ("/vmnet/switch/remove-busy", test_remove_busy);
  return g_test_run ();
}
