/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The VF planner, the one place that decides which adapters hold a VF,
 * from one model of the host and without I/O: VFs go to adapters that want
 * one, the highest IovWeight first, ties to the one that has waited longest;
 * a VF an adapter no longer wants goes back; a VF plugged with settings it
 * can only get at plug time (VLAN, MSI-X vectors) is plugged again. Nothing
 * is taken from an adapter that still wants its VF. Used by every reconcile
 * pass and by Set-VMNetworkAdapter; carried out by vmnet-vf-exec.c. */

#include <glib.h>
#include "vmnet-enums.h"
#include "vmnet-model-private.h"

G_BEGIN_DECLS

typedef enum {
  VMNET_VF_STEP_DETACH,
  VMNET_VF_STEP_ATTACH,
  VMNET_VF_STEP_WAIT,        /* wants a VF, none is free for it */
  VMNET_VF_STEP_POLICY,      /* a held VF's settings no longer match the adapter's port policies */
} VmnetVfStepKind;

/* What a VF must carry so that the port policies the software path holds
 * hold on it too; or the first policy only the software path can hold. */
typedef struct {
  guint     max_tx_rate;         /* Mbit/s, 0: none (bandwidth, outbound average) */
  gboolean  spoof_check;         /* MacAddressSpoofing off, nwfilter no-mac-spoofing; off with AllowTeaming */
  gboolean  link_down;           /* <link state='down'/>: the VF's link state disable, else auto */
  gchar    *blocked;             /* NULL, or "POLICY: why a VF cannot hold it" */
  gchar    *blocked_fix;
  gboolean  refused;             /* blocked because the VF's driver refused a setting */
} VmnetVfPolicy;

typedef struct {
  VmnetVfStepKind  kind;
  gchar         *key;            /* VM UUID/MAC */
  gchar         *vm_name;
  gchar         *vm_uuid;
  gchar         *adapter_name;
  gchar         *mac;
  gchar         *switch_name;
  gchar         *pool;           /* attach: the switch's VF pool */
  gchar         *vf_alias;       /* detach: the VF's alias */
  gchar         *virtual_function;
  gint           vlan_id;
  gboolean       allow_teaming;  /* attach: AllowTeaming for the new VF */
  gboolean       had_teaming;    /* detach: the VF has trust on and spoofchk off to undo */
  guint          iov_weight;
  gchar         *last_error;     /* what the metadata holds now */
  gchar         *reason;
  gboolean       news;           /* wait: started waiting in this pass */
  gchar         *vectors_vf;     /* attach: the VF the pool hands out next, to get... */
  gint           vectors;        /* ...this many MSI-X vectors first; 0: the default, -1: leave */
  VmnetVfPolicy  policy;         /* attach, policy: what the VF gets after it is plugged */
  /* Filled in when the step is carried out. */
  VmnetVfAction  action;
  gboolean       report;
} VmnetVfStep;

/* A software path's bridge port to make an access port of its adapter's VLAN. */
typedef struct {
  gchar *vm_name;
  gchar *adapter_name;
  gchar *port;
  guint  vlan_id;
} VmnetPortStep;

/* What the planner remembers between passes, per adapter key. */
typedef struct {
  gint64 waiting_since;          /* monotonic µs; 0: not waiting */
  guint  failed_generation;      /* resources generation of the last failed attach; 0: none */
  guint  failed_weight;          /* IovWeight at that failure */
} VmnetAdapterMemory;

gboolean   vmnet_adapter_is_running (const VmnetAdapterInfo *adapter);
void       vmnet_vf_policy_init  (VmnetVfPolicy          *policy,
                                  const VmnetAdapterInfo *adapter);
void       vmnet_vf_policy_clear (VmnetVfPolicy          *policy);
gchar     *vmnet_vf_policy_mismatch (const VmnetVfPolicy    *policy,
                                     const VmnetAdapterInfo *adapter);
gchar     *vmnet_vf_policy_refusal  (const gchar *driver,
                                     const gchar *setting,
                                     guint        vf,
                                     const gchar *pf,
                                     const gchar *message);
gboolean   vmnet_filter_is_mac_only (const gchar *filter);
gboolean   vmnet_filter_denies_spoofing (const gchar *filter);
gboolean   vmnet_adapter_wants_vf (const VmnetAdapterInfo *adapter,
                                   gboolean                running,
                                   gboolean                switch_iov_enabled,
                                   guint                   iov_weight,
                                   gboolean                guarded);

void       vmnet_vf_step_free        (VmnetVfStep *step);

void       vmnet_plan_vectors     (const VmnetPfInfo *pf,
                                   guint              skip,
                                   guint              queue_pairs,
                                   gchar            **vf_address,
                                   gint              *vectors);

/* What one plan covers. */
typedef struct {
  const gchar            *vm_uuid;       /* only this VM's adapters; NULL: all */
  gboolean                vm_running;    /* its adapters count as running (it has just started) */
  const VmnetAdapterInfo *changed;       /* an adapter as a change not yet written leaves it
                                          * (matched by VM UUID and MAC) */
  gboolean                queue_pairs_changed; /* the change sets IovQueuePairsRequested */
} VmnetVfPlanScope;

GPtrArray *vmnet_vf_plan          (const VmnetModel       *model,
                                   const VmnetVfPlanScope *scope,
                                   GHashTable             *memory,
                                   guint                   generation,
                                   gint64                  now);

GPtrArray *vmnet_vf_plan_release  (const VmnetVmInfo      *vm,
                                   const gchar            *reason);

void       vmnet_port_step_free   (VmnetPortStep *step);
GPtrArray *vmnet_plan_port_vlans (const VmnetModel *model,
                                       const gchar      *only_vm_uuid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetVfStep, vmnet_vf_step_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (VmnetVfPolicy, vmnet_vf_policy_clear)

G_END_DECLS
