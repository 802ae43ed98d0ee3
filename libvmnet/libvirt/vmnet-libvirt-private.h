/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The one place that speaks libvirt's C API. */

#include <gio/gio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include "vmnet-facts-private.h"
#include "vmnet-settings-private.h"

G_BEGIN_DECLS

typedef struct _VmnetLibvirtConn VmnetLibvirtConn;

/* How a connection is opened (VmnetHost:read-only, VmnetHost:interactive). */
typedef enum {
  VMNET_LIBVIRT_OPEN_READ_ONLY   = 1 << 0,
  VMNET_LIBVIRT_OPEN_INTERACTIVE = 1 << 1,
} VmnetLibvirtOpenFlags;

VmnetLibvirtConn *vmnet_libvirt_conn_open          (const gchar       *uri,
                                                    VmnetLibvirtOpenFlags flags,
                                                    GError           **error);
void              vmnet_libvirt_conn_free          (VmnetLibvirtConn  *conn);
const gchar      *vmnet_libvirt_conn_get_uri       (VmnetLibvirtConn  *conn);
gboolean          vmnet_libvirt_conn_is_remote     (VmnetLibvirtConn  *conn);
gboolean          vmnet_libvirt_conn_is_privileged (VmnetLibvirtConn  *conn);
gboolean          vmnet_libvirt_conn_is_test       (VmnetLibvirtConn  *conn);
virConnectPtr     vmnet_libvirt_conn_get_ptr       (VmnetLibvirtConn  *conn);
virDomainPtr      vmnet_libvirt_conn_lookup_vm     (VmnetLibvirtConn  *conn,
                                                    const gchar       *uuid,
                                                    GError           **error);
gboolean          vmnet_libvirt_conn_network_exists (VmnetLibvirtConn *conn,
                                                     const gchar      *name);
gchar            *vmnet_libvirt_conn_teamed_vf     (VmnetLibvirtConn  *conn,
                                                    const gchar       *vm_uuid,
                                                    const gchar       *adapter_name);
gchar            *vmnet_libvirt_conn_vf_holder     (VmnetLibvirtConn  *conn,
                                                    const gchar       *vf_address);
gchar            *vmnet_libvirt_adapter_alias      (const gchar       *adapter_name);
gchar            *vmnet_libvirt_vf_alias           (const gchar       *adapter_name);
gchar            *vmnet_libvirt_alias_adapter_name (const gchar       *alias);

VmnetHostFacts   *vmnet_libvirt_conn_fetch         (VmnetLibvirtConn  *conn,
                                                    GCancellable      *cancellable,
                                                    GError           **error);

gboolean          vmnet_libvirt_conn_set_adapter_settings (VmnetLibvirtConn          *conn,
                                                           const gchar               *vm_uuid,
                                                           const gchar               *mac,
                                                           const VmnetSettingsValues *values,
                                                           GError                   **error);
gboolean          vmnet_libvirt_conn_set_vm_scope  (VmnetLibvirtConn          *conn,
                                                    const gchar               *vm_uuid,
                                                    const gchar               *scope,
                                                    GError                   **error);
gchar            *vmnet_libvirt_merge_scope        (const gchar               *old_xml,
                                                    const gchar               *scope,
                                                    GError                   **error);
gchar            *vmnet_libvirt_merge_settings     (const gchar               *old_xml,
                                                    const gchar               *mac,
                                                    const VmnetSettingsValues *values,
                                                    GError                   **error);

gchar            *vmnet_libvirt_switch_xml         (const gchar *name,
                                                    const gchar *net_adapter,
                                                    const gchar *bridge);
gchar            *vmnet_libvirt_pool_xml           (const gchar *name,
                                                    const gchar *pf);
gboolean          vmnet_libvirt_conn_create_switch (VmnetLibvirtConn *conn,
                                                    const gchar      *name,
                                                    const gchar      *net_adapter,
                                                    const gchar      *bridge,
                                                    const gchar      *pool_pf,
                                                    GError          **error);
gboolean          vmnet_libvirt_conn_remove_switch (VmnetLibvirtConn *conn,
                                                    const gchar      *name,
                                                    const gchar      *pool_name,
                                                    GError          **error);
gchar            *vmnet_libvirt_vf_interface_xml   (const gchar *mac,
                                                    const gchar *pool,
                                                    const gchar *adapter_name,
                                                    gint         vlan_id);
gboolean          vmnet_libvirt_conn_attach_vf     (VmnetLibvirtConn *conn,
                                                    const gchar      *vm_uuid,
                                                    const gchar      *xml,
                                                    GError          **error);
gboolean          vmnet_libvirt_conn_detach_vf     (VmnetLibvirtConn *conn,
                                                    const gchar      *vm_uuid,
                                                    const gchar      *vf_alias,
                                                    GError          **error);
gboolean          vmnet_libvirt_conn_wait_device_gone (VmnetLibvirtConn *conn,
                                                       const gchar      *vm_uuid,
                                                       const gchar      *alias,
                                                       guint             timeout_ms,
                                                       GError          **error);
gboolean          vmnet_libvirt_conn_set_last_error (VmnetLibvirtConn *conn,
                                                     const gchar      *vm_uuid,
                                                     const gchar      *mac,
                                                     const gchar      *message,
                                                     GError          **error);
gchar            *vmnet_libvirt_adapter_interface_xml (const gchar *mac,
                                                       const gchar *network,
                                                       const gchar *adapter_name,
                                                       gboolean     failover);
gboolean          vmnet_libvirt_conn_add_interface (VmnetLibvirtConn *conn,
                                                    const gchar      *vm_uuid,
                                                    const gchar      *xml,
                                                    GError          **error);
gboolean          vmnet_libvirt_conn_update_interface (VmnetLibvirtConn *conn,
                                                       const gchar      *vm_uuid,
                                                       const gchar      *mac,
                                                       const gchar      *failover_name,
                                                       gint              queues,
                                                       gboolean          set_filter,
                                                       const gchar      *filter,
                                                       GError          **error);
const gchar      *vmnet_libvirt_guard_filter       (gboolean          router_guard,
                                                    gboolean          dhcp_guard,
                                                    gboolean          deny_mac_spoofing);
gboolean          vmnet_libvirt_conn_has_nwfilter  (VmnetLibvirtConn *conn);
gboolean          vmnet_libvirt_is_own_filter      (const gchar      *name);
gboolean          vmnet_libvirt_conn_ensure_guard_filters (VmnetLibvirtConn *conn,
                                                           GError          **error);
gchar            *vmnet_libvirt_demo_root          (GError           **error);
gchar            *vmnet_libvirt_resolve_uri        (const gchar       *uri,
                                                    GError           **error);
void              vmnet_libvirt_set_error          (GError           **error,
                                                    const gchar       *format,
                                                    ...) G_GNUC_PRINTF (2, 3);
void              vmnet_libvirt_set_error_for      (GError           **error,
                                                    const gchar       *permission,
                                                    const gchar       *object,
                                                    const gchar       *format,
                                                    ...) G_GNUC_PRINTF (4, 5);
gint              vmnet_libvirt_error_code_for     (gint               vir_code);

/* VM state changes (vmnet-libvirt-lifecycle.c). */
gboolean          vmnet_libvirt_conn_save_vm       (VmnetLibvirtConn *conn,
                                                    const gchar      *vm_uuid,
                                                    const gchar      *path,
                                                    GError          **error);
gchar            *vmnet_libvirt_conn_restore_vm    (VmnetLibvirtConn *conn,
                                                    const gchar      *path,
                                                    GError          **error);
gboolean          vmnet_libvirt_conn_start_vm      (VmnetLibvirtConn *conn,
                                                    const gchar      *vm_uuid,
                                                    GError          **error);
gboolean          vmnet_libvirt_conn_migrate_vm    (VmnetLibvirtConn *conn,
                                                    VmnetLibvirtConn *dest,
                                                    const gchar      *vm_uuid,
                                                    const gchar      *migrate_uri,
                                                    gboolean          live,
                                                    gboolean          offline,
                                                    GError          **error);
gboolean          vmnet_libvirt_conn_checkpoint_vm (VmnetLibvirtConn *conn,
                                                    const gchar      *vm_uuid,
                                                    const gchar      *name,
                                                    const gchar      *memory_file,
                                                    GError          **error);
gboolean          vmnet_libvirt_conn_abort_job     (VmnetLibvirtConn *conn,
                                                    const gchar      *vm_uuid);
gboolean          vmnet_libvirt_conn_job_progress  (VmnetLibvirtConn *conn,
                                                    const gchar      *vm_uuid,
                                                    guint64          *processed,
                                                    guint64          *total);
gboolean          vmnet_libvirt_conn_saved_bytes   (VmnetLibvirtConn *conn,
                                                    const gchar      *vm_uuid,
                                                    guint64          *processed,
                                                    guint64          *total);

/* Events (vmnet-libvirt-events.c). */
typedef enum {
  VMNET_LIBVIRT_EVENT_DEMAND,      /* a VM's definition or settings changed: it may want VFs */
  VMNET_LIBVIRT_EVENT_VM_RUNNING,  /* a VM started, arrived, was restored or resumed */
  VMNET_LIBVIRT_EVENT_RESOURCES,   /* VFs may have come free: a VM stopped, a device or network went */
  VMNET_LIBVIRT_EVENT_CLOSED,      /* the connection is gone */
} VmnetLibvirtEventKind;

typedef void (*VmnetLibvirtEventFunc) (VmnetLibvirtEventKind  kind,
                                       const gchar           *vm_uuid,
                                       const gchar           *what,
                                       gpointer               user_data);

typedef struct _VmnetLibvirtWatch VmnetLibvirtWatch;

void               vmnet_libvirt_event_loop_register (void);
VmnetLibvirtWatch *vmnet_libvirt_conn_watch          (VmnetLibvirtConn      *conn,
                                                      VmnetLibvirtEventFunc  func,
                                                      gpointer               user_data,
                                                      GError               **error);
void               vmnet_libvirt_watch_free          (VmnetLibvirtWatch     *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetLibvirtConn, vmnet_libvirt_conn_free)

G_END_DECLS
