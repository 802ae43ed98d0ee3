/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The libvmnet metadata element of a domain, merged with libxml2; no connection involved. */
#include <string.h>

#include "vmnet-libvirt-private.h"
#include "vmnet-test-util.h"

/* The metadata element is built by libxml2: existing content survives, values are escaped. */
static void
test_merge (void)
{
  g_autoptr(GError) error = NULL;
  VmnetSettingsValues v = { 0 };
  g_autofree gchar *fresh = NULL;
  g_autofree gchar *merged = NULL;

  v.set = 1u << VMNET_SETTINGS_IOV_WEIGHT;
  v.iov_weight = 7;
  fresh = vmnet_libvirt_merge_settings (NULL, "52:54:00:00:00:01", &v, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fresh, ==, "<adapters><adapter mac=\"52:54:00:00:00:01\" iov-weight=\"7\"/></adapters>");

  merged = vmnet_libvirt_merge_settings ("<adapters><adapter mac='52:54:00:00:00:01' note='a&amp;b'/>"
                                         "<other/></adapters>", "52:54:00:00:00:01", &v, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (merged, "note=\"a&amp;b\""));
  g_assert_nonnull (strstr (merged, "<other/>"));
  g_assert_nonnull (strstr (merged, "iov-weight=\"7\""));

  g_assert_null (vmnet_libvirt_merge_settings ("<adapters", "52:54:00:00:00:01", &v, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/libvirt-metadata/merge", test_merge);
  return g_test_run ();
}
