/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VmnetAdapterSettings: what was given, and the checks of its values before
 * anything is applied; no connection involved. */
#include <string.h>

#include "vmnet-settings-private.h"
#include "vmnet-test-util.h"

/* Only what is given counts as set, a default value given included. */
static void
test_is_set (void)
{
  g_autoptr(VmnetAdapterSettings) s = vmnet_adapter_settings_new ();
  const VmnetSettingsValues *v = vmnet_adapter_settings_get_values (s);

  g_assert_cmpuint (v->set, ==, 0);
  g_assert_false (vmnet_adapter_settings_is_set (s, "iov-weight"));
  g_assert_cmpint (v->iov_queue_pairs_requested, ==, 1);

  vmnet_adapter_settings_set_iov_weight (s, 100);
  g_object_set (s, "router-guard", FALSE, NULL);
  g_assert_true (vmnet_adapter_settings_is_set (s, "iov-weight"));
  g_assert_true (vmnet_adapter_settings_is_set (s, "router-guard"));
  g_assert_false (vmnet_adapter_settings_is_set (s, "dhcp-guard"));
  g_assert_false (vmnet_adapter_settings_is_set (s, "vlan-id"));
  g_assert_cmpuint (v->set, ==, (1u << VMNET_SETTINGS_IOV_WEIGHT) | (1u << VMNET_SETTINGS_ROUTER_GUARD));
  g_assert_cmpint (v->iov_weight, ==, 100);
}

/* Out of range: INVALID_ARGUMENT naming the adapter, the value and the range;
 * the limits themselves and values not given pass. */
static void
test_validate (void)
{
  struct { const gchar *property; gint value; } good[] = {
    { "iov-weight", 0 }, { "iov-weight", 100 },
    { "iov-queue-pairs-requested", 1 }, { "iov-queue-pairs-requested", 4096 },
    { "vlan-id", 0 }, { "vlan-id", 4094 },
  };
  VmnetSettingsValues unset = { 0 };
  VmnetSettingsValues moderation = { 0 };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < vmnet_test_n_bad_settings; i++)
    {
      g_autoptr(VmnetAdapterSettings) s = vmnet_adapter_settings_new ();

      g_object_set (s, vmnet_test_bad_settings[i].property, vmnet_test_bad_settings[i].value, NULL);
      g_assert_false (vmnet_settings_validate (vmnet_adapter_settings_get_values (s), "adapter 'a' of VM 'v'", &error));
      g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, vmnet_test_bad_settings[i].needle));
      g_assert_true (g_str_has_prefix (error->message, "adapter 'a' of VM 'v': "));
      g_assert_nonnull (strstr (error->message, "allowed"));
      g_clear_error (&error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(VmnetAdapterSettings) s = vmnet_adapter_settings_new ();

      g_object_set (s, good[i].property, good[i].value, NULL);
      g_assert_true (vmnet_settings_validate (vmnet_adapter_settings_get_values (s), "a", &error));
      g_assert_no_error (error);
    }

  /* Values not given are not checked. */
  unset.iov_weight = 101;
  unset.vlan_id = -3;
  g_assert_true (vmnet_settings_validate (&unset, "a", &error));
  g_assert_no_error (error);

  /* An interrupt moderation outside the enumeration (a binding can pass any integer). */
  moderation.set = 1u << VMNET_SETTINGS_IOV_INTERRUPT_MODERATION;
  moderation.iov_interrupt_moderation = 3;
  g_assert_false (vmnet_settings_validate (&moderation, "a", &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "IovInterruptModeration 3"));
  g_assert_nonnull (strstr (error->message, "adaptive (1)"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/adapter-settings/is-set", test_is_set);
  g_test_add_func ("/vmnet/adapter-settings/validate", test_validate);
  return g_test_run ();
}
