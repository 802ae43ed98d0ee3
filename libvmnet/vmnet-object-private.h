/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared machinery of the public objects: each holds one model record,
 * replaced as a whole on refresh, with notify for the properties whose
 * value changed; live lists are kept in step with the model by key. */

#include <gio/gio.h>
#include "vmnet-error.h"
#include "vmnet-model-private.h"
#include "vmnet-virtual-function.h"
#include "vmnet-net-adapter-sriov.h"
#include "vmnet-switch.h"
#include "vmnet-network-adapter.h"
#include "vmnet-vm.h"

G_BEGIN_DECLS

void vmnet_object_replace_info (GObject        *object,
                                gpointer       *slot,
                                gpointer        info,
                                GDestroyNotify  free_info);

typedef struct {
  const gchar *(*info_key)   (gconstpointer info);
  const gchar *(*object_key) (gpointer      object);
  gpointer     (*create)     (gpointer      info);   /* takes the record */
  void         (*update)     (gpointer      object,
                              gpointer      info);   /* takes the record */
} VmnetListSyncFuncs;

void vmnet_list_store_sync (GListStore               *store,
                            GPtrArray                *infos,
                            const VmnetListSyncFuncs *funcs);

VmnetVirtualFunction *vmnet_virtual_function_new    (VmnetVfInfo *info);
void                  vmnet_virtual_function_update (VmnetVirtualFunction *self, VmnetVfInfo *info);
const VmnetVfInfo    *vmnet_virtual_function_get_info (VmnetVirtualFunction *self);

VmnetNetAdapterSriov *vmnet_net_adapter_sriov_new    (VmnetPfInfo *info);
void                  vmnet_net_adapter_sriov_update (VmnetNetAdapterSriov *self, VmnetPfInfo *info);
const VmnetPfInfo    *vmnet_net_adapter_sriov_get_info (VmnetNetAdapterSriov *self);

VmnetSwitch          *vmnet_switch_new    (VmnetSwitchInfo *info);
void                  vmnet_switch_update (VmnetSwitch *self, VmnetSwitchInfo *info);
const VmnetSwitchInfo *vmnet_switch_get_info (VmnetSwitch *self);

VmnetNetworkAdapter  *vmnet_network_adapter_new    (VmnetAdapterInfo *info);
void                  vmnet_network_adapter_update (VmnetNetworkAdapter *self, VmnetAdapterInfo *info);
const VmnetAdapterInfo *vmnet_network_adapter_get_info (VmnetNetworkAdapter *self);

VmnetVm              *vmnet_vm_new    (VmnetVmInfo *info);
void                  vmnet_vm_update (VmnetVm *self, VmnetVmInfo *info);

G_END_DECLS
