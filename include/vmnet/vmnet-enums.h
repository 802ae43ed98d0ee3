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

G_END_DECLS
