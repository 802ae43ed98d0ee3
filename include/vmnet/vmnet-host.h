/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__VMNET_H_INSIDE__) && !defined(VMNET_COMPILATION)
#error "Only <vmnet/vmnet.h> can be included directly."
#endif

#include <gio/gio.h>
#include <vmnet/vmnet-version.h>
#include <vmnet/vmnet-switch.h>
#include <vmnet/vmnet-net-adapter-sriov.h>
#include <vmnet/vmnet-vm.h>
#include <vmnet/vmnet-adapter-settings.h>
#include <vmnet/vmnet-iov-check.h>
#include <vmnet/vmnet-auth.h>

G_BEGIN_DECLS

/**
 * VMNET_DEMO_URI:
 *
 * The URI that opens the bundled demo host: libvirt's test driver with a host
 * description shipped with libvmnet.
 *
 * Since: 0.1
 */
#define VMNET_DEMO_URI "demo"

#define VMNET_TYPE_HOST (vmnet_host_get_type ())
VMNET_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (VmnetHost, vmnet_host, VMNET, HOST, GObject)

VMNET_AVAILABLE_IN_0_1
VmnetHost   *vmnet_host_new_for_uri         (const gchar          *uri,
                                             GCancellable         *cancellable,
                                             GError              **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_new_for_uri_async   (const gchar          *uri,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
VmnetHost   *vmnet_host_new_for_uri_finish  (GAsyncResult         *result,
                                             GError              **error);

VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_refresh             (VmnetHost            *self,
                                             GCancellable         *cancellable,
                                             GError              **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_refresh_async       (VmnetHost            *self,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_refresh_finish      (VmnetHost            *self,
                                             GAsyncResult         *result,
                                             GError              **error);

VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_set_network_adapter        (VmnetHost            *self,
                                                    VmnetNetworkAdapter  *adapter,
                                                    VmnetAdapterSettings *settings,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_set_network_adapter_async  (VmnetHost            *self,
                                                    VmnetNetworkAdapter  *adapter,
                                                    VmnetAdapterSettings *settings,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_set_network_adapter_finish (VmnetHost            *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_reconcile                  (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_reconcile_async            (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_reconcile_finish           (VmnetHost            *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

/**
 * VmnetMoveProgressFunc:
 * @phase: where the move is
 * @processed: bytes migrated so far (%VMNET_MOVE_PHASE_MIGRATE), else 0
 * @total: bytes to migrate as libvirt estimates them, else 0
 * @user_data: (closure): the data given with @progress
 *
 * Told when a move enters a phase, and a few times a second while libvirt
 * migrates.
 *
 * Since: 0.1
 */
typedef void (*VmnetMoveProgressFunc) (VmnetMovePhase phase,
                                       guint64        processed,
                                       guint64        total,
                                       gpointer       user_data);

VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_compare_vm                 (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    VmnetHost            *destination,
                                                    gint                 *free_vfs,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
GPtrArray   *vmnet_host_compare_vm_report          (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    VmnetHost            *destination,
                                                    gint                 *free_vfs,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_move_vm                    (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    const gchar          *destination_uri,
                                                    const gchar          *migrate_uri,
                                                    VmnetMoveFlags        flags,
                                                    VmnetMoveProgressFunc progress,
                                                    gpointer              user_data,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_move_vm_async              (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    const gchar          *destination_uri,
                                                    const gchar          *migrate_uri,
                                                    VmnetMoveFlags        flags,
                                                    VmnetMoveProgressFunc progress,
                                                    gpointer              progress_data,
                                                    GDestroyNotify        progress_data_free,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_move_vm_finish             (VmnetHost            *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_save_vm                    (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    const gchar          *path,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_save_vm_async (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    const gchar          *path,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_save_vm_finish (VmnetHost            *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
/**
 * VmnetSaveProgressFunc:
 * @phase: where the save is
 * @processed: bytes of the VM's memory saved so far (%VMNET_SAVE_PHASE_SAVE), else 0
 * @total: bytes to save as libvirt estimates them, else 0
 * @user_data: (closure): the data given with @progress
 *
 * Told when a save enters a phase, a few times a second while libvirt saves,
 * and once more with libvirt's final count when the save is written.
 *
 * Since: 0.1
 */
typedef void (*VmnetSaveProgressFunc) (VmnetSavePhase phase,
                                       guint64        processed,
                                       guint64        total,
                                       gpointer       user_data);

VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_save_vm_full               (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    const gchar          *path,
                                                    VmnetSaveProgressFunc progress,
                                                    gpointer              user_data,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_save_vm_full_async         (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    const gchar          *path,
                                                    VmnetSaveProgressFunc progress,
                                                    gpointer              progress_data,
                                                    GDestroyNotify        progress_data_free,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_save_vm_full_finish        (VmnetHost            *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
VmnetVm     *vmnet_host_restore_vm                 (VmnetHost            *self,
                                                    const gchar          *path,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_restore_vm_async (VmnetHost            *self,
                                                    const gchar          *path,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
VmnetVm     * vmnet_host_restore_vm_finish (VmnetHost            *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_checkpoint_vm              (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    const gchar          *name,
                                                    const gchar          *memory_file,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_checkpoint_vm_async (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    const gchar          *name,
                                                    const gchar          *memory_file,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_checkpoint_vm_finish (VmnetHost            *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_start_vm                   (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_start_vm_async (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_start_vm_finish (VmnetHost            *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

VMNET_AVAILABLE_IN_0_1
VmnetSwitch *vmnet_host_create_switch              (VmnetHost            *self,
                                                    const gchar          *name,
                                                    const gchar          *net_adapter,
                                                    const gchar          *bridge,
                                                    gboolean              enable_iov,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_create_switch_async (VmnetHost            *self,
                                                    const gchar          *name,
                                                    const gchar          *net_adapter,
                                                    const gchar          *bridge,
                                                    gboolean             enable_iov,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
VmnetSwitch * vmnet_host_create_switch_finish (VmnetHost            *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_remove_switch              (VmnetHost            *self,
                                                    VmnetSwitch          *sw,
                                                    gboolean              force,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_remove_switch_async (VmnetHost            *self,
                                                    VmnetSwitch          *sw,
                                                    gboolean             force,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_remove_switch_finish (VmnetHost            *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_set_net_adapter_sriov_num_vfs (VmnetHost            *self,
                                                       VmnetNetAdapterSriov *adapter,
                                                       gint                  num_vfs,
                                                       GCancellable         *cancellable,
                                                       GError              **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_set_net_adapter_sriov_num_vfs_async (VmnetHost            *self,
                                                    VmnetNetAdapterSriov *adapter,
                                                    gint                 num_vfs,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_set_net_adapter_sriov_num_vfs_finish (VmnetHost            *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

VMNET_AVAILABLE_IN_0_1
VmnetNetworkAdapter *vmnet_host_add_network_adapter (VmnetHost    *self,
                                                     VmnetVm      *vm,
                                                     VmnetSwitch  *sw,
                                                     const gchar  *name,
                                                     GCancellable *cancellable,
                                                     GError      **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_add_network_adapter_async (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    VmnetSwitch          *sw,
                                                    const gchar          *name,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
VmnetNetworkAdapter * vmnet_host_add_network_adapter_finish (VmnetHost            *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_set_vm_scope              (VmnetHost     *self,
                                                   VmnetVm       *vm,
                                                   const gchar   *scope,
                                                   GCancellable  *cancellable,
                                                   GError       **error);
VMNET_AVAILABLE_IN_0_1
void         vmnet_host_set_vm_scope_async (VmnetHost            *self,
                                                    VmnetVm              *vm,
                                                    const gchar          *scope,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_set_vm_scope_finish (VmnetHost            *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_auth_check_rules_target   (VmnetHost            *host,
                                              const gchar          *path,
                                              VmnetAuthExportFlags  flags,
                                              GError              **error);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_auth_store_export_for_host (VmnetAuthStore       *self,
                                               VmnetHost            *host,
                                               const gchar          *path,
                                               VmnetAuthExportFlags  flags,
                                               GError              **error);

VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_set_live              (VmnetHost  *self,
                                               gboolean    live,
                                               GError    **error);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_get_attached          (VmnetHost  *self);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_get_live              (VmnetHost  *self);

VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_host_get_uri               (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_host_get_resolved_uri      (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_host_get_host_root         (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_host_get_computer_name     (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_host_get_hypervisor        (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_host_get_hypervisor_version (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
const gchar *vmnet_host_get_libvirt_version   (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_get_is_remote         (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_get_is_privileged     (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
gboolean     vmnet_host_get_host_facts_available (VmnetHost *self);

VMNET_AVAILABLE_IN_0_1
VmnetTernary vmnet_host_get_iov_support          (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
GStrv        vmnet_host_dup_iov_support_reasons  (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
GPtrArray   *vmnet_host_dup_iov_checks           (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
GVariant    *vmnet_host_dup_model_variant        (VmnetHost          *self,
                                                  const gchar *const *vm_uuids,
                                                  const gchar *const *switch_names,
                                                  const gchar *const *pci_addresses);

VMNET_AVAILABLE_IN_0_1
GListModel  *vmnet_host_get_switches             (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
GListModel  *vmnet_host_get_net_adapters_sriov   (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
GListModel  *vmnet_host_get_vms                  (VmnetHost *self);
VMNET_AVAILABLE_IN_0_1
GListModel  *vmnet_host_get_network_adapters     (VmnetHost *self);

VMNET_AVAILABLE_IN_0_1
VmnetSwitch          *vmnet_host_find_switch            (VmnetHost    *self,
                                                         const gchar  *name,
                                                         GError      **error);
VMNET_AVAILABLE_IN_0_1
VmnetVm              *vmnet_host_find_vm                (VmnetHost    *self,
                                                         const gchar  *name,
                                                         GError      **error);
VMNET_AVAILABLE_IN_0_1
VmnetNetAdapterSriov *vmnet_host_find_net_adapter_sriov (VmnetHost    *self,
                                                         const gchar  *name,
                                                         GError      **error);

G_END_DECLS
