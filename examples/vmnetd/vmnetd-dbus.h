/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <vmnet/vmnet.h>

G_BEGIN_DECLS

#define VMNETD_BUS_NAME    "org.libvmnet.Vmnet1"
#define VMNETD_OBJECT_ROOT "/org/libvmnet/Vmnet1"

typedef struct _VmnetdBus VmnetdBus;

VmnetdBus *vmnetd_bus_new  (GBusType   bus_type);
void       vmnetd_bus_sync (VmnetdBus *self,
                            VmnetHost *host);
void       vmnetd_bus_free (VmnetdBus *self);

G_END_DECLS
