/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the authorization store file reader, then the polkit
 * rules generator and the writer on what it accepted. */
#include <stdint.h>
#include <stddef.h>

#include "vmnet-auth-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree gchar *text = g_strndup ((const gchar *) data, size);
  g_autoptr(VmnetAuthStore) store = vmnet_auth_store_new_from_data (text, "fuzz", NULL);
  /* The host's VMs name those of the store's map in the rules. */
  const VmnetAuthVm vms[] = {
    { "11111111-1111-1111-1111-111111111111", "vm\u2028\"" },
    { "22222222-2222-2222-2222-222222222222", "plain" },
  };
  g_autofree gchar *rules = NULL;
  g_autofree gchar *again = NULL;

  if (!store)
    return 0;
  rules = vmnet_auth_store_generate_rules_for (store, vms, G_N_ELEMENTS (vms), NULL);
  /* What is accepted is written back as it reads. */
  again = vmnet_auth_store_to_data (store);
  {
    g_autoptr(VmnetAuthStore) reread = vmnet_auth_store_new_from_data (again, "fuzz", NULL);
    g_autofree gchar *third = reread ? vmnet_auth_store_to_data (reread) : NULL;

    if (!reread || g_strcmp0 (again, third) != 0)
      __builtin_trap ();
  }
  return 0;
}
