/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The VMNET_ERROR domain. */
#include "config.h"

#include "vmnet-error.h"

/**
 * vmnet_error_quark:
 *
 * The #GQuark of the %VMNET_ERROR domain.
 *
 * Returns: the #GQuark of the %VMNET_ERROR domain
 *
 * Since: 0.1
 */

G_DEFINE_QUARK (vmnet-error-quark, vmnet_error)
