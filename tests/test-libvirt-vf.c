/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The VF interface XML of a failover pair and the device alias convention; no connection involved. */
#include <string.h>

#include "vmnet-libvirt-private.h"
#include "vmnet-test-util.h"

/* The VF partner of a failover pair, checked structurally. */
static void
test_vf_interface_xml (void)
{
  g_autofree gchar *xml = vmnet_libvirt_vf_interface_xml ("52:54:00:00:00:01", "sw&co-iov", "net0", 10);
  g_autofree gchar *plain = vmnet_libvirt_vf_interface_xml ("52:54:00:00:00:01", "p-iov", "a", 0);

  g_assert_true (g_str_has_prefix (xml, "<interface type=\"network\">"));
  g_assert_nonnull (strstr (xml, "<mac address=\"52:54:00:00:00:01\"/>"));
  g_assert_nonnull (strstr (xml, "<source network=\"sw&amp;co-iov\"/>"));
  g_assert_nonnull (strstr (xml, "<teaming type=\"transient\" persistent=\"ua-net0\"/>"));
  g_assert_nonnull (strstr (xml, "<alias name=\"ua-net0-vf\"/>"));
  g_assert_nonnull (strstr (xml, "<tag id=\"10\"/>"));
  g_assert_null (strstr (plain, "<vlan"));
}

/* ua-NAME for the adapter, ua-NAME-vf for its VF; only a user alias names an adapter. */
static void
test_aliases (void)
{
  g_autofree gchar *adapter = vmnet_libvirt_adapter_alias ("front");
  g_autofree gchar *vf = vmnet_libvirt_vf_alias ("front");
  g_autofree gchar *name = vmnet_libvirt_alias_adapter_name ("ua-front");
  g_autofree gchar *none = vmnet_libvirt_alias_adapter_name ("ua-");
  g_autofree gchar *other = vmnet_libvirt_alias_adapter_name ("net0");
  g_autofree gchar *unset = vmnet_libvirt_alias_adapter_name (NULL);

  g_assert_cmpstr (adapter, ==, "ua-front");
  g_assert_cmpstr (vf, ==, "ua-front-vf");
  g_assert_cmpstr (name, ==, "front");
  g_assert_null (none);
  g_assert_null (other);
  g_assert_null (unset);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/libvirt-vf/interface-xml", test_vf_interface_xml);
  g_test_add_func ("/vmnet/libvirt-vf/aliases", test_aliases);
  return g_test_run ();
}
