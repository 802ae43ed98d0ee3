/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared machinery of the public objects: each points at one record of the
 * host's model (holding a reference to the model), replaced as a whole on
 * refresh, with notify for the properties whose value changed; live lists
 * are kept in step with the model by key. */

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
                                gconstpointer  *slot,
                                VmnetModel    **model_slot,
                                gconstpointer   info,
                                VmnetModel     *model);

typedef struct {
  const gchar *(*info_key)   (gconstpointer info);
  gpointer     (*create)     (VmnetModel   *model,
                              gconstpointer info);
  void         (*update)     (gpointer      object,
                              VmnetModel   *model,
                              gconstpointer info);
} VmnetListSyncFuncs;

/* @old_infos: the records of the last sync, in the store's order. */
void vmnet_list_store_sync (GListStore               *store,
                            VmnetModel               *model,
                            GPtrArray                *old_infos,
                            GPtrArray                *infos,
                            const VmnetListSyncFuncs *funcs);

VmnetVirtualFunction *vmnet_virtual_function_new    (VmnetModel *model, const VmnetVfInfo *info);
void                  vmnet_virtual_function_update (VmnetVirtualFunction *self, VmnetModel *model, const VmnetVfInfo *info);
const VmnetVfInfo    *vmnet_virtual_function_get_info (VmnetVirtualFunction *self);

VmnetNetAdapterSriov *vmnet_net_adapter_sriov_new    (VmnetModel *model, const VmnetPfInfo *info);
void                  vmnet_net_adapter_sriov_update (VmnetNetAdapterSriov *self, VmnetModel *model, const VmnetPfInfo *info);
const VmnetPfInfo    *vmnet_net_adapter_sriov_get_info (VmnetNetAdapterSriov *self);

VmnetSwitch          *vmnet_switch_new    (VmnetModel *model, const VmnetSwitchInfo *info);
void                  vmnet_switch_update (VmnetSwitch *self, VmnetModel *model, const VmnetSwitchInfo *info);
const VmnetSwitchInfo *vmnet_switch_get_info (VmnetSwitch *self);

VmnetNetworkAdapter  *vmnet_network_adapter_new    (VmnetModel *model, const VmnetAdapterInfo *info);
void                  vmnet_network_adapter_update (VmnetNetworkAdapter *self, VmnetModel *model, const VmnetAdapterInfo *info);
const VmnetAdapterInfo *vmnet_network_adapter_get_info (VmnetNetworkAdapter *self);

VmnetVm              *vmnet_vm_new    (VmnetModel *model, const VmnetVmInfo *info);
void                  vmnet_vm_update (VmnetVm *self, VmnetModel *model, const VmnetVmInfo *info);

G_END_DECLS
