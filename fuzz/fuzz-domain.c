/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the domain reader (interfaces, libvmnet metadata) and the
 * metadata merge, on any bytes. */
#include <stdint.h>
#include <stddef.h>

#include "vmnet-libvirt-private.h"
#include "vmnet-libvirt-xml-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree gchar *xml = g_strndup ((const gchar *) data, size);
  VmnetSettingsValues values = { .set = 1u << VMNET_SETTINGS_IOV_WEIGHT, .iov_weight = 42 };
  VmnetDomainFact *domain = vmnet_libvirt_parse_domain (xml, NULL);

  g_clear_pointer (&domain, vmnet_domain_fact_free);
  g_free (vmnet_libvirt_merge_settings (xml, "52:54:00:00:00:01", &values, NULL));
  g_free (vmnet_libvirt_merge_scope (xml, "Lab", NULL));
  return 0;
}
