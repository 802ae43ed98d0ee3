/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Facts as the sources report them (libvirt XML, sysfs, netlink), before
 * they are turned into the Hyper-V model by vmnet-model.c. Plain data,
 * built on worker threads. */

#include <glib.h>
#include "vmnet-enums.h"

G_BEGIN_DECLS

typedef struct {
  gchar     *name;              /* node device name */
  gchar     *address;           /* "0000:3b:00.0" */
  guint      pci_class;
  gchar     *vendor;
  gchar     *product;
  gchar     *driver;            /* NULL when libvirt does not say */
  gint       iommu_group;       /* -1: unknown */
  guint      iommu_group_size;  /* devices in the group, 0: unknown */
  gboolean   sriov_capable;     /* has a virt_functions capability */
  gint       max_vfs;           /* virt_functions maxCount, -1: unknown */
  GPtrArray *vf_addresses;      /* (element-type utf8) in VF index order */
  gchar     *pf_address;        /* for a VF: its PF */
} VmnetPciFact;

typedef struct {
  gchar *name;                  /* node device name */
  gchar *parent;                /* parent node device name */
  gchar *interface;             /* netdev name */
  gchar *mac;
  gint64 speed_mbps;            /* -1: unknown */
  gchar *link_state;            /* "up", "down", NULL */
} VmnetNetdevFact;

/* A <bandwidth> element (libvirt's units: kilobytes per second, 1000
 * bytes; outbound is what the VM sends). */
typedef struct {
  gboolean  set;                /* the element has an <inbound> or an <outbound> */
  guint64   out_average;        /* 0: no outbound limit */
  guint64   out_peak;
  gboolean  inbound;            /* any <inbound> limit or floor */
} VmnetBandwidthFact;

typedef struct {
  gchar              *name;
  gboolean            is_default;
  VmnetBandwidthFact  bandwidth;
} VmnetPortgroupFact;

typedef struct {
  gchar     *name;
  gchar     *uuid;
  gboolean   active;
  gboolean   persistent;
  gboolean   autostart;
  gchar     *forward_mode;      /* NULL: isolated */
  gchar     *bridge;            /* <bridge name> */
  gchar     *pf_dev;            /* hostdev pool <pf dev> */
  GPtrArray *forward_devs;      /* (element-type utf8) <interface dev> */
  GPtrArray *pool_addresses;    /* (element-type utf8) hostdev pool VF addresses (live) */
  gint       connections;       /* live connections attribute, -1 unknown */
  VmnetBandwidthFact bandwidth;
  GPtrArray *portgroups;        /* (element-type VmnetPortgroupFact) */
} VmnetNetworkFact;

typedef enum {
  VMNET_TEAMING_NONE,
  VMNET_TEAMING_PERSISTENT,
  VMNET_TEAMING_TRANSIENT,
} VmnetTeaming;

typedef struct {
  gchar        *type;           /* network, bridge, direct, hostdev, ... */
  gchar        *mac;
  gchar        *network;        /* <source network> */
  gchar        *source_dev;     /* <source bridge|dev> */
  gchar        *model;
  gchar        *alias;
  gchar        *adapter_name;   /* NAME of a user alias ua-NAME, NULL: none */
  gchar        *hostdev_address; /* hostdev: the VF's PCI address */
  VmnetTeaming  teaming;
  gchar        *teaming_persistent;
  gint          vlan_id;        /* 0: none */
  gint          queues;         /* <driver queues>, 0: unset */
  gchar        *filter;         /* <filterref filter>, NULL: none */
  gchar        *target_dev;     /* live <target dev>: the tap or macvtap */
  gchar        *portgroup;      /* <source portgroup> */
  VmnetBandwidthFact bandwidth; /* the interface's own <bandwidth> */
  gboolean      link_down;      /* <link state='down'/> */
} VmnetIfaceFact;

/* One adapter's settings from the libvmnet metadata. */
typedef struct {
  gchar                       *mac;
  guint                        iov_weight;
  guint                        iov_queue_pairs_requested;
  VmnetIovInterruptModeration  iov_interrupt_moderation;
  gboolean                     allow_teaming;
  gboolean                     router_guard;
  gboolean                     dhcp_guard;
  gboolean                     mac_address_spoofing;
  gint                         vlan_id;  /* 0: untagged */
  gchar                       *last_error; /* iov-last-error: the last VF attach failure */
  gchar                       *error;   /* why (part of) the entry was rejected */
} VmnetAdapterSettingsFact;

typedef struct {
  gchar        *name;
  gchar        *uuid;
  VmnetVmState  state;
  gboolean      persistent;
  GPtrArray    *interfaces;     /* (element-type VmnetIfaceFact) */
  GPtrArray    *settings;       /* (element-type VmnetAdapterSettingsFact) */
  gchar        *metadata_error; /* the metadata element as a whole is unusable */
  gchar        *scope;          /* the authorization scope (metadata), NULL: default */
  gint          pcie_ports;     /* hot-pluggable PCIe ports (pcie-root-port, switch
                                 * downstream ports), -1: not a PCIe (q35) machine */
  gint          pcie_ports_free; /* those with no device on them */
} VmnetDomainFact;

/* Host-local facts of one PCI function (sysfs, netlink). */
typedef struct {
  gchar        *address;
  gchar        *driver;
  gint          total_vfs;      /* -1 unknown */
  gint          num_vfs;        /* -1 unknown */
  gint          vf_total_msix;  /* -1: not exposed */
  gint          vf_msix_count;  /* for a VF, -1: not exposed */
  gint          iommu_group;    /* -1 unknown */
  guint         iommu_group_size;
  gint64        speed_mbps;     /* -1 unknown */
  gchar        *operstate;
  GPtrArray    *netdevs;        /* (element-type utf8) */
  GPtrArray    *vf_addresses;   /* (element-type utf8) virtfnN order */
} VmnetSysfsPciFact;

typedef struct {
  guint         vf;
  gchar        *mac;            /* NULL: unknown or zero */
  gint          vlan_id;
  VmnetTernary  spoof_check;
  VmnetTernary  trust;
  gchar        *link_state;     /* "auto", "enable", "disable" */
  gint          max_tx_rate;    /* Mbit/s, 0: none, -1: unknown */
  gint          min_tx_rate;    /* Mbit/s, 0: none, -1: unknown */
} VmnetVfLinkFact;

typedef struct {
  gchar     *pf_netdev;
  GPtrArray *vfs;               /* (element-type VmnetVfLinkFact) */
} VmnetPfLinkFact;

/* A bridge port's VLANs (netlink), with its bridge's VLAN settings. */
typedef struct {
  gchar        *name;
  gchar        *bridge;
  gint          pvid;           /* 0: none */
  guint         n_vlans;        /* VLANs the port is a member of */
  gboolean      pvid_untagged;
  VmnetTernary  vlan_filtering; /* the bridge's */
  gint          default_pvid;   /* the bridge's; -1: the kernel has no bridge VLANs */
} VmnetPortVlanFact;

/* Host-wide facts for the SR-IOV checks (sysfs, /proc, the kernel log). */
typedef struct {
  gboolean      probed;
  gchar        *cpu_vendor;            /* "intel", "amd" or NULL */
  gboolean      iommu_on_cmdline;      /* intel_iommu=on / amd_iommu=on asked for */
  VmnetTernary  dma_remapping;         /* an IOMMU is active */
  VmnetTernary  interrupt_remapping;   /* IR- interrupt controllers */
  VmnetTernary  unsafe_interrupts;     /* vfio_iommu_type1 allow_unsafe_interrupts=Y */
  VmnetTernary  slat;                  /* ept / npt in the CPU flags */
  VmnetTernary  slat_disabled;         /* kvm_intel ept=N / kvm_amd npt=0 */
  VmnetTernary  vfio;                  /* vfio-pci loaded, built in or installed */
  GPtrArray    *sriov_kernel_errors;   /* (element-type utf8) kernel log lines */
  gchar        *ir_erratum;            /* the kernel's message that it turned interrupt
                                        * remapping off for a chipset erratum, NULL: none */
  gboolean      kernel_log_read;       /* the kernel log could be read */
  GHashTable   *vfio_irq_devices;      /* PCI addresses with vfio interrupts in /proc/interrupts
                                        * (the guest's driver has the device), NULL: not read */
} VmnetProbeFact;

/* A configured NumVFs (etc/vmnet/sriov.conf). */
typedef struct {
  gchar *address;               /* the group: the PF's PCI address */
  gchar *name;                  /* its netdev when recorded, NULL: none */
  gint   num_vfs;
  guint  line;                  /* of the group header */
} VmnetSriovConfigEntry;

/* One adapter's boot-time apply. */
typedef struct {
  gchar *address;
  gchar *name;                  /* NULL: unknown */
  gchar *status;                /* "applied", "unchanged", "failed" */
  gint   configured;
  gint   num_vfs;               /* after the apply, -1 unknown */
  gint   code;                  /* a VmnetError when failed, else -1 */
  gchar *reason;                /* why it failed, NULL: it did not */
} VmnetSriovBootResult;

typedef struct {
  gchar     *computer_name;
  gchar     *hypervisor;
  gchar     *hypervisor_version;
  gchar     *libvirt_version;
  GPtrArray *pci;               /* (element-type VmnetPciFact) */
  GPtrArray *netdevs;           /* (element-type VmnetNetdevFact) */
  GPtrArray *networks;          /* (element-type VmnetNetworkFact) */
  GPtrArray *domains;           /* (element-type VmnetDomainFact) */
  gboolean   privileged;        /* a system connection */
  gboolean   remote;            /* the connection is to another machine */
  gboolean   test_driver;       /* libvirt's test driver */
  VmnetTernary hostdev_vfio;    /* domain capabilities offer PCI hostdev with vfio */
  gboolean   host_facts;        /* the three below were read */
  VmnetProbeFact *probe;
  GHashTable *sysfs_pci;        /* address -> VmnetSysfsPciFact */
  GHashTable *pf_links;         /* pf netdev -> VmnetPfLinkFact */
  GHashTable *ports;            /* bridge port name -> VmnetPortVlanFact; NULL: not read */
  GPtrArray  *sriov_config;     /* (element-type VmnetSriovConfigEntry); NULL: unreadable */
  gchar      *sriov_config_error; /* why it is unreadable */
  GHashTable *sriov_boot;       /* address -> VmnetSriovBootResult; NULL: no boot-time apply */
  GHashTable *aggregate_kinds;  /* switch adapter netdev -> "bond" or "team" */
  GHashTable *aggregate_members; /* switch adapter netdev -> its ports, ", "-separated */
} VmnetHostFacts;

VmnetPciFact             *vmnet_pci_fact_new          (void);
void                      vmnet_pci_fact_free         (VmnetPciFact *f);
VmnetNetdevFact          *vmnet_netdev_fact_new       (void);
void                      vmnet_netdev_fact_free      (VmnetNetdevFact *f);
VmnetNetworkFact         *vmnet_network_fact_new      (void);
void                      vmnet_network_fact_free     (VmnetNetworkFact *f);
void                      vmnet_portgroup_fact_free   (VmnetPortgroupFact *f);
VmnetIfaceFact           *vmnet_iface_fact_new        (void);
void                      vmnet_iface_fact_free       (VmnetIfaceFact *f);
VmnetAdapterSettingsFact *vmnet_adapter_settings_fact_new  (void);
void                      vmnet_adapter_settings_fact_free (VmnetAdapterSettingsFact *f);
VmnetDomainFact          *vmnet_domain_fact_new       (void);
void                      vmnet_domain_fact_free      (VmnetDomainFact *f);
VmnetSysfsPciFact        *vmnet_sysfs_pci_fact_new    (void);
void                      vmnet_sysfs_pci_fact_free   (VmnetSysfsPciFact *f);
VmnetVfLinkFact          *vmnet_vf_link_fact_new      (void);
void                      vmnet_vf_link_fact_free     (VmnetVfLinkFact *f);
VmnetPfLinkFact          *vmnet_pf_link_fact_new      (void);
void                      vmnet_pf_link_fact_free     (VmnetPfLinkFact *f);
VmnetPortVlanFact        *vmnet_port_vlan_fact_new    (void);
void                      vmnet_port_vlan_fact_free   (VmnetPortVlanFact *f);
VmnetProbeFact           *vmnet_probe_fact_new        (void);
void                      vmnet_probe_fact_free       (VmnetProbeFact *f);
void                      vmnet_sriov_config_entry_free (VmnetSriovConfigEntry *e);
void                      vmnet_sriov_boot_result_free  (VmnetSriovBootResult *r);
VmnetHostFacts           *vmnet_host_facts_new        (void);
void                      vmnet_host_facts_free       (VmnetHostFacts *f);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetPciFact, vmnet_pci_fact_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetNetdevFact, vmnet_netdev_fact_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetNetworkFact, vmnet_network_fact_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetDomainFact, vmnet_domain_fact_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetHostFacts, vmnet_host_facts_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetSysfsPciFact, vmnet_sysfs_pci_fact_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetPfLinkFact, vmnet_pf_link_fact_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetSriovConfigEntry, vmnet_sriov_config_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetSriovBootResult, vmnet_sriov_boot_result_free)

G_END_DECLS
