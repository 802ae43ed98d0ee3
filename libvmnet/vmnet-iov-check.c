/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VmnetIovCheck: one SR-IOV check with its result, message and fix. */
#include "config.h"

#include "vmnet-iov-check.h"
#include "vmnet-diagnose-private.h"

struct _VmnetIovCheck {
  VmnetIovCheckCode  code;
  VmnetCheckResult   result;
  gchar             *title;
  gchar             *message;
  gchar             *fix;
};

G_DEFINE_BOXED_TYPE (VmnetIovCheck, vmnet_iov_check, vmnet_iov_check_copy, vmnet_iov_check_free)

VmnetIovCheck *
vmnet_iov_check_new (VmnetIovCheckCode code, VmnetCheckResult result,
                     const gchar *title, gchar *message, gchar *fix)
{
  VmnetIovCheck *self = g_new0 (VmnetIovCheck, 1);

  self->code = code;
  self->result = result;
  self->title = g_strdup (title);
  self->message = message;
  self->fix = fix;
  return self;
}

/**
 * vmnet_iov_check_copy:
 * @self: a #VmnetIovCheck
 *
 * Copies a check.
 *
 * Returns: (transfer full): a copy of @self
 *
 * Since: 0.1
 */
VmnetIovCheck *
vmnet_iov_check_copy (const VmnetIovCheck *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return vmnet_iov_check_new (self->code, self->result, self->title,
                              g_strdup (self->message), g_strdup (self->fix));
}

/**
 * vmnet_iov_check_free:
 * @self: (transfer full): a #VmnetIovCheck
 *
 * Frees a check.
 *
 * Since: 0.1
 */
void
vmnet_iov_check_free (VmnetIovCheck *self)
{
  if (!self)
    return;
  g_free (self->title);
  g_free (self->message);
  g_free (self->fix);
  g_free (self);
}

/**
 * vmnet_iov_check_get_code:
 * @self: a #VmnetIovCheck
 *
 * Gets the code.
 *
 * Returns: what was checked
 *
 * Since: 0.1
 */
VmnetIovCheckCode
vmnet_iov_check_get_code (const VmnetIovCheck *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->code;
}

/**
 * vmnet_iov_check_get_result:
 * @self: a #VmnetIovCheck
 *
 * Gets the result.
 *
 * Returns: the outcome
 *
 * Since: 0.1
 */
VmnetCheckResult
vmnet_iov_check_get_result (const VmnetIovCheck *self)
{
  g_return_val_if_fail (self != NULL, VMNET_CHECK_RESULT_UNKNOWN);
  return self->result;
}

/**
 * vmnet_iov_check_get_title:
 * @self: a #VmnetIovCheck
 *
 * Gets the title.
 *
 * Returns: a short name of the check, such as "DMA remapping (IOMMU)"
 *
 * Since: 0.1
 */
const gchar *
vmnet_iov_check_get_title (const VmnetIovCheck *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->title;
}

/**
 * vmnet_iov_check_get_message:
 * @self: a #VmnetIovCheck
 *
 * Gets the message.
 *
 * Returns: one sentence on what was found
 *
 * Since: 0.1
 */
const gchar *
vmnet_iov_check_get_message (const VmnetIovCheck *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->message;
}

/**
 * vmnet_iov_check_get_fix:
 * @self: a #VmnetIovCheck
 *
 * Gets the fix.
 *
 * Returns: (nullable): what to do about it, or %NULL for a pass
 *
 * Since: 0.1
 */
const gchar *
vmnet_iov_check_get_fix (const VmnetIovCheck *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->fix;
}
