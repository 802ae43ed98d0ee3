/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: GetModel's model (vmnet_model_from_variant) on any bytes,
 * read as a client reads them (not trusted); what it accepts is written and
 * read back the same. */
#include <stdint.h>
#include <stddef.h>

#include "vmnet-model-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GVariant) variant = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (VMNET_MODEL_VARIANT_TYPE),
                                                                              bytes, FALSE));
  g_autoptr(VmnetModel) model = vmnet_model_from_variant (variant, NULL);

  if (model)
    {
      g_autoptr(GVariant) again = vmnet_model_to_variant (model, NULL);
      g_autoptr(VmnetModel) back = vmnet_model_from_variant (again, NULL);
      g_autoptr(GVariant) third = NULL;

      g_assert_nonnull (back);
      third = vmnet_model_to_variant (back, NULL);
      g_assert_true (g_variant_equal (again, third));
    }
  return 0;
}
