/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Part 8 of the Hyper-V SR-IOV walkthrough as code: every reason SR-IOV is
 * not working, for the host, each switch and each adapter. */

#include <glib.h>
#include "vmnet-iov-check.h"
#include "vmnet-model-private.h"

G_BEGIN_DECLS

VmnetIovCheck *vmnet_iov_check_new (VmnetIovCheckCode code,
                                    VmnetCheckResult  result,
                                    const gchar      *title,
                                    gchar            *message,
                                    gchar            *fix);

void           vmnet_diagnose      (const VmnetHostFacts *facts,
                                    VmnetModel           *model);

VmnetTernary   vmnet_checks_support (GPtrArray *checks);
GStrv          vmnet_checks_reasons (GPtrArray *checks);
GStrv          vmnet_checks_support_reasons (GPtrArray *checks);
GPtrArray     *vmnet_checks_copy    (GPtrArray *checks);
gchar         *vmnet_diagnose_free_vf_fix (const VmnetModel      *model,
                                           const VmnetSwitchInfo *sw,
                                           GHashTable            *shown_vms);

/* For the checks' files (vmnet-diagnose.c, vmnet-diagnose-paths.c). */
void           vmnet_diagnose_add   (GPtrArray         *checks,
                                     VmnetIovCheckCode  code,
                                     VmnetCheckResult   result,
                                     const gchar       *title,
                                     gchar             *message,
                                     gchar             *fix);
void           vmnet_diagnose_vlan_check (GPtrArray               *checks,
                                          const VmnetAdapterInfo  *a,
                                          const VmnetSwitchInfo   *sw,
                                          gboolean                 running);
gboolean       vmnet_diagnose_port_policy_check (GPtrArray              *checks,
                                                 const VmnetAdapterInfo *a,
                                                 const VmnetSwitchInfo  *sw,
                                                 gchar                 **applied);
void           vmnet_diagnose_state_changes_check (GPtrArray              *checks,
                                                   const VmnetAdapterInfo *a,
                                                   gboolean                direct);

G_END_DECLS
