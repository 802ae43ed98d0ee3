/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__VMNET_H_INSIDE__) && !defined(VMNET_COMPILATION)
#error "Only <vmnet/vmnet.h> can be included directly."
#endif

#include <glib.h>
#include <vmnet/vmnet-version.h>

G_BEGIN_DECLS

/**
 * VMNET_ERROR:
 *
 * The error domain of libvmnet. Errors in this domain carry a #VmnetError code.
 *
 * Since: 0.1
 */
#define VMNET_ERROR (vmnet_error_quark ())

/**
 * VmnetError:
 * @VMNET_ERROR_FAILED: the operation failed for a reason without a code of its own.
 * @VMNET_ERROR_NOT_FOUND: the named VM, switch, adapter or device does not exist.
 * @VMNET_ERROR_INVALID_ARGUMENT: a value is outside its allowed range or set.
 * @VMNET_ERROR_NOT_SUPPORTED: the host, adapter or switch cannot do this.
 * @VMNET_ERROR_ALREADY_EXISTS: an object with that name exists already.
 * @VMNET_ERROR_BUSY: the object is in use (for example VFs assigned to VMs).
 * @VMNET_ERROR_NO_RESOURCES: no free resource (for example no free VF).
 * @VMNET_ERROR_ACCESS_DENIED: the connection's user is not allowed to do this.
 * @VMNET_ERROR_REMOTE_UNSUPPORTED: the operation needs the host's own files and the connection is remote.
 * @VMNET_ERROR_BACKEND_UNAVAILABLE: libvirt could not be reached, or the connection was lost.
 * @VMNET_ERROR_INVALID_DATA: stored data (domain metadata, XML) is malformed.
 *
 * Error codes of the %VMNET_ERROR domain. New codes are only ever appended.
 *
 * Since: 0.1
 */
typedef enum {
  VMNET_ERROR_FAILED,
  VMNET_ERROR_NOT_FOUND,
  VMNET_ERROR_INVALID_ARGUMENT,
  VMNET_ERROR_NOT_SUPPORTED,
  VMNET_ERROR_ALREADY_EXISTS,
  VMNET_ERROR_BUSY,
  VMNET_ERROR_NO_RESOURCES,
  VMNET_ERROR_ACCESS_DENIED,
  VMNET_ERROR_REMOTE_UNSUPPORTED,
  VMNET_ERROR_BACKEND_UNAVAILABLE,
  VMNET_ERROR_INVALID_DATA,
} VmnetError;

VMNET_AVAILABLE_IN_0_1
GQuark vmnet_error_quark (void);

G_END_DECLS
