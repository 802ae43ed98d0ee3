/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Which adapters should hold a VF, from one model of the host: VFs go to
 * adapters that want one, the highest IovWeight first, ties to the one that
 * has waited longest; a VF an adapter no longer wants goes back. Nothing is
 * taken from an adapter that still wants its VF. */

#include <glib.h>
#include "vmnet-enums.h"
#include "vmnet-model-private.h"

G_BEGIN_DECLS

typedef enum {
  VMNET_STEP_DETACH,
  VMNET_STEP_ATTACH,
  VMNET_STEP_WAIT,        /* wants a VF, none is free for it */
} VmnetStepKind;

typedef struct {
  VmnetStepKind  kind;
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
  gboolean       allow_teaming;
  guint          iov_weight;
  gchar         *last_error;     /* what the metadata holds now */
  gchar         *reason;
  gboolean       news;           /* wait: started waiting in this pass */
  gchar         *vectors_vf;     /* attach: the VF the pool hands out next, to get... */
  gint           vectors;        /* ...this many MSI-X vectors first; 0: the default, -1: leave */
  /* Filled in when the step is carried out. */
  VmnetVfAction  action;
  gboolean       report;
} VmnetStep;

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
gboolean   vmnet_adapter_wants_vf (const VmnetAdapterInfo *adapter,
                                   gboolean                running,
                                   gboolean                switch_iov_enabled,
                                   guint                   iov_weight,
                                   gboolean                guarded);

void       vmnet_step_free        (VmnetStep *step);

void       vmnet_plan_vectors     (const VmnetPfInfo *pf,
                                   guint              skip,
                                   guint              queue_pairs,
                                   gchar            **vf_address,
                                   gint              *vectors);

GPtrArray *vmnet_reconcile_plan   (const VmnetModel *model,
                                   const gchar      *only_vm_uuid,
                                   gboolean          only_vm_running,
                                   GHashTable       *memory,
                                   guint             generation,
                                   gint64            now);

void       vmnet_port_step_free   (VmnetPortStep *step);
GPtrArray *vmnet_reconcile_port_vlans (const VmnetModel *model,
                                       const gchar      *only_vm_uuid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetStep, vmnet_step_free)

G_END_DECLS
