/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__VMNET_H_INSIDE__) && !defined(VMNET_COMPILATION)
#error "Only <vmnet/vmnet.h> can be included directly."
#endif

#include <glib-object.h>
#include <vmnet/vmnet-version.h>
#include <vmnet/vmnet-enums.h>

G_BEGIN_DECLS

/**
 * VmnetIovCheck:
 *
 * The outcome of one SR-IOV check on a host, switch or adapter: what was
 * checked, the result, a sentence saying what was found and, when it is not
 * a pass, what to do about it. Immutable.
 *
 * Since: 0.1
 */
typedef struct _VmnetIovCheck VmnetIovCheck;

#define VMNET_TYPE_IOV_CHECK (vmnet_iov_check_get_type ())
VMNET_AVAILABLE_IN_0_1
GType             vmnet_iov_check_get_type    (void) G_GNUC_CONST;
VMNET_AVAILABLE_IN_0_1
VmnetIovCheck    *vmnet_iov_check_copy        (const VmnetIovCheck *self);
VMNET_AVAILABLE_IN_0_1
void              vmnet_iov_check_free        (VmnetIovCheck       *self);
VMNET_AVAILABLE_IN_0_1
VmnetIovCheckCode vmnet_iov_check_get_code    (const VmnetIovCheck *self);
VMNET_AVAILABLE_IN_0_1
VmnetCheckResult  vmnet_iov_check_get_result  (const VmnetIovCheck *self);
VMNET_AVAILABLE_IN_0_1
const gchar      *vmnet_iov_check_get_title   (const VmnetIovCheck *self);
VMNET_AVAILABLE_IN_0_1
const gchar      *vmnet_iov_check_get_message (const VmnetIovCheck *self);
VMNET_AVAILABLE_IN_0_1
const gchar      *vmnet_iov_check_get_fix     (const VmnetIovCheck *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VmnetIovCheck, vmnet_iov_check_free)

G_END_DECLS
