/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Host-local facts: sysfs (under an injectable root) and netlink. */

#include <glib.h>
#include "vmnet-facts-private.h"

G_BEGIN_DECLS

VmnetSysfsPciFact *vmnet_sysfs_read_pci     (const gchar      *root,
                                             const gchar      *address);
VmnetPfLinkFact   *vmnet_netlink_read_pf    (const gchar      *netdev,
                                             GError          **error);
gboolean           vmnet_sysfs_set_num_vfs  (const gchar      *root,
                                             const gchar      *address,
                                             const gchar      *pf_name,
                                             gint              n,
                                             GError          **error);
gboolean           vmnet_sysfs_vf_position (const gchar      *root,
                                             const gchar      *vf_address,
                                             gchar           **pf_netdev,
                                             guint            *index);
gboolean           vmnet_netlink_set_vf_teaming (const gchar  *pf_netdev,
                                                 guint         vf,
                                                 gboolean      allow,
                                                 GError      **error);
gboolean           vmnet_netlink_set_vf_policy (const gchar  *pf_netdev,
                                                guint         vf,
                                                guint         max_tx_rate,
                                                gboolean      spoof_check,
                                                gboolean      link_down,
                                                gchar       **refused,
                                                GError      **error);
gboolean           vmnet_sysfs_set_vf_vectors (const gchar  *root,
                                               const gchar  *vf_address,
                                               gint          count,
                                               GError      **error);
void               vmnet_sysfs_reprobe      (const gchar      *root,
                                             const gchar      *vf_address);
GHashTable        *vmnet_netlink_read_bridge_ports (GError **error);
gboolean           vmnet_netlink_set_port_vlan (const gchar  *port,
                                                guint         vid,
                                                GError      **error);
VmnetProbeFact    *vmnet_probe_host         (const gchar      *root);
gchar             *vmnet_sysfs_aggregate    (const gchar      *root,
                                             const gchar      *netdev,
                                             gchar           **members);
gchar             *vmnet_netlink_link_kind  (const gchar      *netdev);
void               vmnet_linux_collect      (VmnetHostFacts   *facts,
                                             const gchar      *root,
                                             gboolean          use_netlink);

/* The lasting NumVFs, under the host root (vmnet-sriov-config.c). */
#define VMNET_SRIOV_CONFIG_FILE "etc/vmnet/sriov.conf"
#define VMNET_SRIOV_BOOT_FILE   "run/vmnet/sriov-boot.conf"

gchar                 *vmnet_sriov_config_path       (const gchar *root);
gchar                 *vmnet_sriov_boot_path         (const gchar *root);
GPtrArray             *vmnet_sriov_config_load       (const gchar *root,
                                                      GError     **error);
VmnetSriovConfigEntry *vmnet_sriov_config_find       (GPtrArray   *entries,
                                                      const gchar *address);
gboolean               vmnet_sriov_config_store      (const gchar *root,
                                                      const gchar *address,
                                                      const gchar *name,
                                                      gint         num_vfs,
                                                      GError     **error);
GPtrArray             *vmnet_sriov_config_apply      (const gchar *root,
                                                      GError     **error);
GHashTable            *vmnet_sriov_boot_load         (const gchar *root);

G_END_DECLS
