/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the node device and network readers, on any bytes (the
 * first byte chooses the reader). */
#include <stdint.h>
#include <stddef.h>

#include "vmnet-libvirt-private.h"
#include "vmnet-libvirt-xml-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree gchar *xml = NULL;

  if (size < 1)
    return 0;
  xml = g_strndup ((const gchar *) data + 1, size - 1);
  if (data[0] & 1)
    {
      VmnetNetworkFact *net = vmnet_libvirt_parse_network (xml, NULL);
      g_clear_pointer (&net, vmnet_network_fact_free);
    }
  else
    {
      VmnetPciFact *pci = NULL;
      VmnetNetdevFact *netdev = NULL;

      vmnet_libvirt_parse_nodedev (xml, &pci, &netdev, NULL);
      g_clear_pointer (&pci, vmnet_pci_fact_free);
      g_clear_pointer (&netdev, vmnet_netdev_fact_free);
    }
  return 0;
}
