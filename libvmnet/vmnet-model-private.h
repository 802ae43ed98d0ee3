/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The Hyper-V view computed from VmnetHostFacts: one plain record per
 * public object. Records are immutable once built; the public objects
 * hold one each and read their properties from it. */

#include <glib.h>
#include "vmnet-enums.h"
#include "vmnet-facts-private.h"
#include "vmnet-names-private.h"

G_BEGIN_DECLS

typedef struct {
  gchar        *net_adapter_name;
  gint          function_id;
  gchar        *pci_address;
  gint          iommu_group;
  gchar        *driver;
  gchar        *mac_address;
  gint          vlan_id;         /* 0 untagged, -1 unknown */
  VmnetTernary  spoof_check;
  VmnetTernary  trust;
  gchar        *link_state;
  gint          max_tx_rate;     /* Mbit/s, 0 none, -1 unknown */
  gint          min_tx_rate;     /* Mbit/s, 0 none, -1 unknown */
  gchar        *vm_name;
  gchar        *vm_adapter_name;
  gint          msix_count;      /* -1 not exposed */
} VmnetVfInfo;

typedef struct {
  gchar     *name;
  gchar     *interface_description;
  gchar     *pci_address;
  gchar     *driver;
  gint64     link_speed;         /* bits/s, -1 unknown */
  gchar     *link_state;
  gboolean   enabled;
  gint       max_vfs;
  gint       num_vfs;
  gint       allocated_vfs;
  gchar     *switch_name;
  gint       vf_total_msix;      /* -1 not exposed */
  gint       configured_num_vfs; /* etc/vmnet/sriov.conf, -1: none */
  GPtrArray *vfs;                /* (element-type VmnetVfInfo) */
} VmnetPfInfo;

typedef struct {
  gchar           *name;
  VmnetSwitchType  switch_type;
  gchar           *net_adapter_name;
  gchar           *net_adapter_interface_description;
  gchar           *forward_mode;
  gboolean         active;
  gboolean         iov_enabled;
  gchar           *iov_pool_name;
  gchar           *iov_pf;           /* the pool's PF netdev */
  gint             iov_virtual_function_count;
  gint             iov_virtual_functions_in_use;
  gint             iov_queue_pair_count;
  gint             iov_queue_pairs_in_use;
  gchar           *iov_count_unknown; /* why libvirt cannot tell the VF count, NULL: it can */
  /* for the checks */
  gboolean         adapter_sriov_capable;
  gint             adapter_num_vfs;
  gchar           *adapter_link_state;  /* "up", "down", NULL unknown */
  gchar           *adapter_aggregate;   /* "bond" or "team" when the adapter is one, NULL: not */
  gchar           *adapter_members;     /* its member ports, ", "-separated */
  gboolean         pool_active;
  GPtrArray       *checks;         /* (element-type VmnetIovCheck) */
} VmnetSwitchInfo;

/* How an adapter's software path reaches the network. */
typedef enum {
  VMNET_SOFTWARE_PATH_UNKNOWN,
  VMNET_SOFTWARE_PATH_BRIDGE,   /* a tap on a Linux bridge */
  VMNET_SOFTWARE_PATH_MACVTAP,  /* macvtap on the switch's adapter */
} VmnetSoftwarePath;

typedef struct {
  gchar                       *vm_name;
  gchar                       *vm_uuid;
  gchar                       *name;
  gchar                       *mac_address;
  gchar                       *switch_name;
  gchar                       *model;
  gboolean                     failover_ready;
  guint                        iov_weight;
  guint                        iov_queue_pairs_requested;
  guint                        iov_queue_pairs_assigned;
  VmnetIovInterruptModeration  iov_interrupt_moderation;
  guint                        iov_usage;      /* 1: the guest has the VF (vf_plugged, guest_vf TRUE) */
  gboolean                     vf_plugged;     /* the live definition pairs a VF with the adapter */
  VmnetTernary                 guest_vf;       /* the guest's driver uses the VF (vfio interrupts on the
                                                * host); UNKNOWN where the host's files are not read */
  gboolean                     allow_teaming;
  gboolean                     router_guard;
  gboolean                     dhcp_guard;
  gboolean                     mac_address_spoofing;
  gint                         vlan_id;
  gchar                       *virtual_function;
  gchar                       *vf_alias;       /* the teamed VF's device alias */
  gchar                       *settings_error;
  gchar                       *last_error;     /* the last VF attach failure, from the metadata */
  gchar                       *filter;         /* the software path's nwfilter, NULL: none */
  VmnetSoftwarePath            software_path;
  gint                         vf_vlan_id;     /* the attached VF's VLAN, 0: none */
  /* Port policies beyond the settings, from the interface and its network. */
  VmnetBandwidthFact           bandwidth;      /* the interface's, else its portgroup's, else its network's */
  gchar                       *bandwidth_source; /* "the interface", "portgroup 'P' of network 'N'", … */
  gboolean                     link_down;      /* <link state='down'/> */
  /* The held VF's settings as its PF reports them (netlink; the host itself). */
  VmnetTernary                 vf_spoof_check;
  gint                         vf_max_tx_rate; /* Mbit/s, -1: unknown */
  gchar                       *vf_link_state;  /* "auto", "enable", "disable", NULL: unknown */
  /* The software path's bridge port (running VMs on the host itself). */
  gchar                       *port;           /* the tap, NULL: unknown */
  gboolean                     port_read;      /* the host's bridge ports were read */
  VmnetPortVlanFact           *port_facts;     /* NULL: not a bridge port, or not read */
  VmnetVmState                 vm_state;
  gint                         pcie_ports;      /* the VM's hot-pluggable PCIe ports, -1: not q35 */
  gint                         pcie_ports_free; /* those still empty */
  GPtrArray                   *checks;         /* (element-type VmnetIovCheck) */
  VmnetOperationalStatus       status;
  GStrv                        status_description;
} VmnetAdapterInfo;

typedef struct {
  gchar        *name;
  gchar        *uuid;
  VmnetVmState  state;
  gchar        *scope;           /* NULL: the default scope */
  GPtrArray    *adapters;        /* (element-type VmnetAdapterInfo) */
} VmnetVmInfo;

/* Reference-counted and immutable once built: the host keeps its last one
 * and its objects point into it. */
typedef struct {
  GPtrArray *pfs;                /* (element-type VmnetPfInfo), sorted by name */
  GPtrArray *switches;           /* (element-type VmnetSwitchInfo), sorted by name */
  GPtrArray *vms;                /* (element-type VmnetVmInfo), sorted by name */
  GPtrArray *host_checks;        /* (element-type VmnetIovCheck) */
} VmnetModel;

void        vmnet_vf_info_free      (VmnetVfInfo *info);
void        vmnet_pf_info_free      (VmnetPfInfo *info);
void        vmnet_switch_info_free  (VmnetSwitchInfo *info);
void        vmnet_adapter_info_free (VmnetAdapterInfo *info);
void        vmnet_vm_info_free      (VmnetVmInfo *info);
VmnetModel *vmnet_model_new         (void);
VmnetModel *vmnet_model_ref         (VmnetModel *model);
void        vmnet_model_unref       (VmnetModel *model);

VmnetModel *vmnet_model_build       (const VmnetHostFacts *facts);

guint              vmnet_queue_pairs_of_vectors  (gint               msix_count);
gint               vmnet_vectors_for_queue_pairs (guint              queue_pairs,
                                                  gint               total_msix);
const VmnetVfInfo *vmnet_pf_next_free_vf         (const VmnetPfInfo *pf,
                                                  guint              skip);

/* The model as one GVariant (vmnet-model-variant.c): the version, a table
 * of the strings, then the PFs, VFs, switches, VMs, adapters, checks and
 * status descriptions as arrays of fixed-size records (a string as its
 * number in the table, a record's children as a range of the next array),
 * the host's checks last. A change of the layout changes the version. */
#define VMNET_MODEL_VARIANT_VERSION 1
#define VMNET_MODEL_VARIANT_TYPE \
  "(uasa(xuuuuuuiiiuiiuu)a(uiuiuuiiiuiiuui)a(uiuuuuuuuiiiiuiuuuuuuu)a(uuiuuu)" \
  "a(ttuuuuuuuuuuiuuiuuuuiuuuuuiiuuuuiiuuuuuuiuuiiiiiiuuuu)a(iiuuu)auuu)"

/* What a filtered model holds: each set NULL for all of its kind. */
typedef struct {
  GHashTable *vms;       /* VM UUIDs (a VM without one: its name) */
  GHashTable *switches;  /* switch names */
  GHashTable *devices;   /* PCI addresses of PFs and VFs */
} VmnetModelFilter;

GVariant   *vmnet_model_to_variant   (const VmnetModel       *model,
                                      const VmnetModelFilter *filter);
VmnetModel *vmnet_model_from_variant (GVariant         *variant,
                                      GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetModel, vmnet_model_unref)

G_END_DECLS
