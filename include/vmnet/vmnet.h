/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#define __VMNET_H_INSIDE__

#include <vmnet/vmnet-version.h>
#include <vmnet/vmnet-enums.h>
#include <vmnet/vmnet-enum-types.h>
#include <vmnet/vmnet-error.h>
#include <vmnet/vmnet-iov-check.h>
#include <vmnet/vmnet-virtual-function.h>
#include <vmnet/vmnet-net-adapter-sriov.h>
#include <vmnet/vmnet-switch.h>
#include <vmnet/vmnet-network-adapter.h>
#include <vmnet/vmnet-vm.h>
#include <vmnet/vmnet-adapter-settings.h>
#include <vmnet/vmnet-auth.h>
#include <vmnet/vmnet-host.h>
#include <vmnet/vmnet-reconciler.h>

#undef __VMNET_H_INSIDE__
