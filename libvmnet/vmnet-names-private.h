/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Names libvmnet gives to what it keeps in libvirt, shared by the layers. */

/* The libvmnet metadata namespace in domain XML. */
#define VMNET_METADATA_NS     "http://libvmnet.org/xmlns/vmnet/1.0"
#define VMNET_METADATA_PREFIX "vmnet"
/* A VF-pool network that belongs to switch NAME is called NAME VMNET_IOV_POOL_SUFFIX. */
#define VMNET_IOV_POOL_SUFFIX "-iov"
