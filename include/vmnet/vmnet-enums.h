/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__VMNET_H_INSIDE__) && !defined(VMNET_COMPILATION)
#error "Only <vmnet/vmnet.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/**
 * VmnetTernary:
 * @VMNET_TERNARY_UNKNOWN: the host could not tell (for example a remote connection).
 * @VMNET_TERNARY_FALSE: off.
 * @VMNET_TERNARY_TRUE: on.
 *
 * A boolean fact that may be unknown.
 *
 * Since: 0.1
 */
typedef enum {
  VMNET_TERNARY_UNKNOWN = -1,
  VMNET_TERNARY_FALSE = 0,
  VMNET_TERNARY_TRUE = 1,
} VmnetTernary;

/**
 * VmnetSwitchType:
 * @VMNET_SWITCH_TYPE_PRIVATE: VMs talk only to each other (an isolated libvirt network).
 * @VMNET_SWITCH_TYPE_INTERNAL: VMs and the host (a NAT, routed or open libvirt network).
 * @VMNET_SWITCH_TYPE_EXTERNAL: bound to a physical adapter (bridge, macvtap or hostdev network).
 *
 * The kind of a virtual switch, as Hyper-V names it.
 *
 * Since: 0.1
 */
typedef enum {
  VMNET_SWITCH_TYPE_PRIVATE = 0,
  VMNET_SWITCH_TYPE_INTERNAL = 1,
  VMNET_SWITCH_TYPE_EXTERNAL = 2,
} VmnetSwitchType;

/**
 * VmnetIovInterruptModeration:
 * @VMNET_IOV_INTERRUPT_MODERATION_DEFAULT: the driver's default.
 * @VMNET_IOV_INTERRUPT_MODERATION_ADAPTIVE: adaptive coalescing.
 * @VMNET_IOV_INTERRUPT_MODERATION_OFF: no coalescing.
 * @VMNET_IOV_INTERRUPT_MODERATION_LOW: light coalescing.
 * @VMNET_IOV_INTERRUPT_MODERATION_MEDIUM: medium coalescing.
 * @VMNET_IOV_INTERRUPT_MODERATION_HIGH: heavy coalescing.
 *
 * Interrupt moderation requested for an adapter's virtual function. The numeric
 * values are Hyper-V's.
 *
 * Since: 0.1
 */
typedef enum {
  VMNET_IOV_INTERRUPT_MODERATION_DEFAULT = 0,
  VMNET_IOV_INTERRUPT_MODERATION_ADAPTIVE = 1,
  VMNET_IOV_INTERRUPT_MODERATION_OFF = 2,
  VMNET_IOV_INTERRUPT_MODERATION_LOW = 100,
  VMNET_IOV_INTERRUPT_MODERATION_MEDIUM = 200,
  VMNET_IOV_INTERRUPT_MODERATION_HIGH = 300,
} VmnetIovInterruptModeration;

/**
 * VmnetVmState:
 * @VMNET_VM_STATE_OTHER: a state without a name of its own here.
 * @VMNET_VM_STATE_RUNNING: running.
 * @VMNET_VM_STATE_OFF: defined but not running.
 * @VMNET_VM_STATE_PAUSED: paused.
 * @VMNET_VM_STATE_SAVED: stopped with its memory saved (managed save).
 *
 * The state of a virtual machine.
 *
 * Since: 0.1
 */
typedef enum {
  VMNET_VM_STATE_OTHER = 1,
  VMNET_VM_STATE_RUNNING = 2,
  VMNET_VM_STATE_OFF = 3,
  VMNET_VM_STATE_PAUSED = 9,
  VMNET_VM_STATE_SAVED = 6,
} VmnetVmState;

/**
 * VmnetCheckResult:
 * @VMNET_CHECK_RESULT_PASS: the condition holds.
 * @VMNET_CHECK_RESULT_WARN: SR-IOV works, with a caveat.
 * @VMNET_CHECK_RESULT_FAIL: the condition keeps SR-IOV from working.
 * @VMNET_CHECK_RESULT_UNKNOWN: it cannot be told from here (for example a remote connection).
 * @VMNET_CHECK_RESULT_SKIP: not checked, because a check it depends on failed.
 *
 * The outcome of one SR-IOV check.
 *
 * Since: 0.1
 */
typedef enum {
  VMNET_CHECK_RESULT_PASS,
  VMNET_CHECK_RESULT_WARN,
  VMNET_CHECK_RESULT_FAIL,
  VMNET_CHECK_RESULT_UNKNOWN,
  VMNET_CHECK_RESULT_SKIP,
} VmnetCheckResult;

/**
 * VmnetIovCheckCode:
 * @VMNET_IOV_CHECK_CONNECTION: the libvirt connection is a privileged (system) one.
 * @VMNET_IOV_CHECK_HOSTDEV: the hypervisor offers PCI device assignment with vfio.
 * @VMNET_IOV_CHECK_DMA_REMAPPING: an IOMMU is active (VT-d, AMD-Vi).
 * @VMNET_IOV_CHECK_INTERRUPT_REMAPPING: interrupt remapping is active, or vfio's unsafe override is set.
 * @VMNET_IOV_CHECK_SLAT: the CPU has second-level address translation (EPT, NPT) and kvm uses it.
 * @VMNET_IOV_CHECK_VFIO: the vfio-pci driver is available.
 * @VMNET_IOV_CHECK_SRIOV_ADAPTER: the host has an SR-IOV capable network adapter.
 * @VMNET_IOV_CHECK_VFS_ENABLED: an SR-IOV adapter has VFs enabled.
 * @VMNET_IOV_CHECK_VF_ISOLATION: every VF has an IOMMU group of its own (ACS).
 * @VMNET_IOV_CHECK_FIRMWARE_RESOURCES: the firmware gave the VFs bus numbers and MMIO space.
 * @VMNET_IOV_CHECK_HOST_SUPPORT: the host can do SR-IOV (for switches and adapters).
 * @VMNET_IOV_CHECK_SWITCH_EXTERNAL: the switch is bound to a physical adapter.
 * @VMNET_IOV_CHECK_SWITCH_ADAPTER_SRIOV: the switch's adapter is SR-IOV capable.
 * @VMNET_IOV_CHECK_SWITCH_VFS_ENABLED: the switch's adapter has VFs enabled.
 * @VMNET_IOV_CHECK_SWITCH_IOV_MODE: the switch was created in SR-IOV mode.
 * @VMNET_IOV_CHECK_SWITCH_POOL_ACTIVE: the switch's VF pool network is running.
 * @VMNET_IOV_CHECK_SWITCH_FREE_VFS: the switch has a free VF.
 * @VMNET_IOV_CHECK_ADAPTER_IOV_WEIGHT: the adapter asks for a VF (IovWeight above 0).
 * @VMNET_IOV_CHECK_ADAPTER_SETTINGS: the adapter's stored settings are valid.
 * @VMNET_IOV_CHECK_ADAPTER_SWITCH: the adapter's switch can give it a VF.
 * @VMNET_IOV_CHECK_ADAPTER_FAILOVER: the virtio adapter is set up for failover.
 * @VMNET_IOV_CHECK_ADAPTER_VM_RUNNING: the VM is running.
 * @VMNET_IOV_CHECK_ADAPTER_VF: a VF backs the adapter.
 * @VMNET_IOV_CHECK_ADAPTER_PORT_POLICY: no port policy that only the software switch enforces is on.
 * @VMNET_IOV_CHECK_SWITCH_ADAPTER_UP: the switch's physical adapter is up (libvirt configures VFs only on a PF that is online).
 * @VMNET_IOV_CHECK_ADAPTER_VLAN: the adapter's VLAN is in effect on its software path, not only on the VF.
 * @VMNET_IOV_CHECK_CONFIGURED_NUM_VFS: every adapter has the NumVFs configured in `/etc/vmnet/sriov.conf` (the boot-time apply worked); a host check only where a count is configured.
 * @VMNET_IOV_CHECK_ADAPTER_PCIE_SLOT: the running VM has a free PCIe port to take a hot-plugged VF.
 * @VMNET_IOV_CHECK_ADAPTER_STATE_CHANGES: which state changes made by other tools (virsh save, managedsave,
 *   snapshots with memory, live migration) end well while a VF is attached.
 * @VMNET_IOV_CHECK_DESTINATION_SWITCH: a move's destination has the switch of each of the VM's adapters
 *   (vmnet_host_compare_vm_report()).
 * @VMNET_IOV_CHECK_DESTINATION_VM_NAME: a move's destination has no VM of the same name.
 *
 * What an SR-IOV check looks at. Values are stable and only ever appended.
 *
 * Since: 0.1
 */
typedef enum {
  VMNET_IOV_CHECK_CONNECTION,
  VMNET_IOV_CHECK_HOSTDEV,
  VMNET_IOV_CHECK_DMA_REMAPPING,
  VMNET_IOV_CHECK_INTERRUPT_REMAPPING,
  VMNET_IOV_CHECK_SLAT,
  VMNET_IOV_CHECK_VFIO,
  VMNET_IOV_CHECK_SRIOV_ADAPTER,
  VMNET_IOV_CHECK_VFS_ENABLED,
  VMNET_IOV_CHECK_VF_ISOLATION,
  VMNET_IOV_CHECK_FIRMWARE_RESOURCES,
  VMNET_IOV_CHECK_HOST_SUPPORT,
  VMNET_IOV_CHECK_SWITCH_EXTERNAL,
  VMNET_IOV_CHECK_SWITCH_ADAPTER_SRIOV,
  VMNET_IOV_CHECK_SWITCH_VFS_ENABLED,
  VMNET_IOV_CHECK_SWITCH_IOV_MODE,
  VMNET_IOV_CHECK_SWITCH_POOL_ACTIVE,
  VMNET_IOV_CHECK_SWITCH_FREE_VFS,
  VMNET_IOV_CHECK_ADAPTER_IOV_WEIGHT,
  VMNET_IOV_CHECK_ADAPTER_SETTINGS,
  VMNET_IOV_CHECK_ADAPTER_SWITCH,
  VMNET_IOV_CHECK_ADAPTER_FAILOVER,
  VMNET_IOV_CHECK_ADAPTER_VM_RUNNING,
  VMNET_IOV_CHECK_ADAPTER_VF,
  VMNET_IOV_CHECK_ADAPTER_PORT_POLICY,
  VMNET_IOV_CHECK_SWITCH_ADAPTER_UP,
  VMNET_IOV_CHECK_ADAPTER_VLAN,
  VMNET_IOV_CHECK_CONFIGURED_NUM_VFS,
  VMNET_IOV_CHECK_ADAPTER_PCIE_SLOT,
  VMNET_IOV_CHECK_ADAPTER_STATE_CHANGES,
  VMNET_IOV_CHECK_DESTINATION_SWITCH,
  VMNET_IOV_CHECK_DESTINATION_VM_NAME,
} VmnetIovCheckCode;

/**
 * VmnetOperationalStatus:
 * @VMNET_OPERATIONAL_STATUS_UNKNOWN: not known.
 * @VMNET_OPERATIONAL_STATUS_OK: working as configured (SR-IOV active, or not asked for).
 * @VMNET_OPERATIONAL_STATUS_DEGRADED: working on the software path although SR-IOV was asked for.
 * @VMNET_OPERATIONAL_STATUS_STOPPED: the VM is not running.
 *
 * A VM network adapter's status; the values are Hyper-V's.
 *
 * Since: 0.1
 */
typedef enum {
  VMNET_OPERATIONAL_STATUS_UNKNOWN = 0,
  VMNET_OPERATIONAL_STATUS_OK = 2,
  VMNET_OPERATIONAL_STATUS_DEGRADED = 3,
  VMNET_OPERATIONAL_STATUS_STOPPED = 10,
} VmnetOperationalStatus;

/**
 * VmnetVfAction:
 * @VMNET_VF_ACTION_ATTACHED: a VF was hot-plugged beside the adapter.
 * @VMNET_VF_ACTION_DETACHED: the adapter's VF was unplugged; its software path carries on.
 * @VMNET_VF_ACTION_WAITING: the adapter wants a VF and none is free for it.
 * @VMNET_VF_ACTION_FAILED: attaching or detaching failed; the reason says why.
 *
 * What reconciling did for an adapter (see #VmnetHost::vf-action).
 *
 * Since: 0.1
 */
typedef enum {
  VMNET_VF_ACTION_ATTACHED,
  VMNET_VF_ACTION_DETACHED,
  VMNET_VF_ACTION_WAITING,
  VMNET_VF_ACTION_FAILED,
} VmnetVfAction;

/**
 * VmnetMovePhase:
 * @VMNET_MOVE_PHASE_PREFLIGHT: checking the destination; nothing has changed yet.
 * @VMNET_MOVE_PHASE_DETACH: taking the VM's VFs out; the virtio path carries the traffic.
 * @VMNET_MOVE_PHASE_MIGRATE: libvirt migrates the VM; the progress counts bytes.
 * @VMNET_MOVE_PHASE_ATTACH: giving the VM VFs on the destination, if any are free.
 * @VMNET_MOVE_PHASE_ROLLBACK: the migration failed; the VFs go back on the source.
 * @VMNET_MOVE_PHASE_DONE: finished.
 *
 * Where vmnet_host_move_vm() is.
 *
 * Since: 0.1
 */
typedef enum {
  VMNET_MOVE_PHASE_PREFLIGHT,
  VMNET_MOVE_PHASE_DETACH,
  VMNET_MOVE_PHASE_MIGRATE,
  VMNET_MOVE_PHASE_ATTACH,
  VMNET_MOVE_PHASE_ROLLBACK,
  VMNET_MOVE_PHASE_DONE,
} VmnetMovePhase;

/**
 * VmnetSavePhase:
 * @VMNET_SAVE_PHASE_DETACH: taking the VM's VFs out; the virtio path carries the traffic.
 * @VMNET_SAVE_PHASE_SAVE: libvirt saves the VM's memory; the progress counts bytes.
 * @VMNET_SAVE_PHASE_ROLLBACK: the save failed or was cancelled; the VM runs on and gets its VFs back.
 * @VMNET_SAVE_PHASE_DONE: finished: the VM is saved and stopped.
 *
 * Where vmnet_host_save_vm_full() is.
 *
 * Since: 0.1
 */
typedef enum {
  VMNET_SAVE_PHASE_DETACH,
  VMNET_SAVE_PHASE_SAVE,
  VMNET_SAVE_PHASE_ROLLBACK,
  VMNET_SAVE_PHASE_DONE,
} VmnetSavePhase;

/**
 * VmnetMoveFlags:
 * @VMNET_MOVE_FLAGS_NONE: the VM is paused while its memory is copied.
 * @VMNET_MOVE_FLAGS_LIVE: live migration: the VM keeps running while its memory is copied.
 *
 * How vmnet_host_move_vm() moves a running VM.
 *
 * Since: 0.1
 */
typedef enum /*< flags >*/ {
  VMNET_MOVE_FLAGS_NONE = 0,
  VMNET_MOVE_FLAGS_LIVE = 1 << 0,
} VmnetMoveFlags;

/**
 * VmnetAuthExportFlags:
 * @VMNET_AUTH_EXPORT_FLAGS_NONE: the system's polkit rules are written only from the
 *   host's own libvirt.
 * @VMNET_AUTH_EXPORT_FLAGS_FORCE: write the system's polkit rules from any connection.
 *
 * How vmnet_auth_store_export_for_host() writes the rules.
 *
 * Since: 0.1
 */
typedef enum /*< flags >*/ {
  VMNET_AUTH_EXPORT_FLAGS_NONE = 0,
  VMNET_AUTH_EXPORT_FLAGS_FORCE = 1 << 0,
} VmnetAuthExportFlags;

G_END_DECLS
