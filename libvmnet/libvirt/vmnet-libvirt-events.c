/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvirt events bound to GLib's main loop, reduced to what a reconciler
 * or a live host needs to know. */
#include "config.h"

#include <libvirt-glib/libvirt-glib.h>

#include "vmnet-libvirt-private.h"
#include "vmnet-names-private.h"

/* libvirt's events and keepalive run on GLib's global-default main context
 * (libvirt-glib). Connections opened before this is called get no events. */
void
vmnet_libvirt_event_loop_register (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      gvir_event_register ();
      g_once_init_leave (&done, 1);
    }
}

struct _VmnetLibvirtWatch {
  virConnectPtr          ptr;
  VmnetLibvirtEventFunc  func;
  gpointer               user_data;
  gint                   lifecycle, device_added, device_removed, metadata, network, nodedev;
  gboolean               close_registered;
};

static void
emit (VmnetLibvirtWatch *watch, VmnetLibvirtEventKind kind, virDomainPtr dom, const gchar *what)
{
  char uuid[VIR_UUID_STRING_BUFLEN] = "";

  if (dom)
    virDomainGetUUIDString (dom, uuid);
  watch->func (kind, dom ? uuid : NULL, what, watch->user_data);
}

static int
on_lifecycle (virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
  switch (event)
    {
    case VIR_DOMAIN_EVENT_STARTED:
      emit (opaque, VMNET_LIBVIRT_EVENT_VM_RUNNING, dom,
            detail == VIR_DOMAIN_EVENT_STARTED_MIGRATED ? "arrived by migration"
            : detail == VIR_DOMAIN_EVENT_STARTED_RESTORED ? "restored" : "started");
      break;
    case VIR_DOMAIN_EVENT_RESUMED:
      emit (opaque, VMNET_LIBVIRT_EVENT_VM_RUNNING, dom, "resumed");
      break;
    case VIR_DOMAIN_EVENT_DEFINED:
      emit (opaque, VMNET_LIBVIRT_EVENT_DEMAND, dom, "defined");
      break;
    case VIR_DOMAIN_EVENT_STOPPED:
    case VIR_DOMAIN_EVENT_SHUTDOWN:
    case VIR_DOMAIN_EVENT_CRASHED:
    case VIR_DOMAIN_EVENT_UNDEFINED:
      emit (opaque, VMNET_LIBVIRT_EVENT_RESOURCES, dom, "stopped");
      break;
    default:
      break;
    }
  return 0;
}

static void
on_device_added (virConnectPtr conn, virDomainPtr dom, const char *alias, void *opaque)
{
  emit (opaque, VMNET_LIBVIRT_EVENT_DEMAND, dom, "device added");
}

static void
on_device_removed (virConnectPtr conn, virDomainPtr dom, const char *alias, void *opaque)
{
  emit (opaque, VMNET_LIBVIRT_EVENT_RESOURCES, dom, "device removed");
}

static void
on_metadata (virConnectPtr conn, virDomainPtr dom, int type, const char *nsuri, void *opaque)
{
  if (type == VIR_DOMAIN_METADATA_ELEMENT && g_strcmp0 (nsuri, VMNET_METADATA_NS) == 0)
    emit (opaque, VMNET_LIBVIRT_EVENT_DEMAND, dom, "settings changed");
}

static void
on_network (virConnectPtr conn, virNetworkPtr net, int event, int detail, void *opaque)
{
  emit (opaque, VMNET_LIBVIRT_EVENT_RESOURCES, NULL, "network changed");
}

/* VFs come and go with NumVFs. */
static void
on_nodedev (virConnectPtr conn, virNodeDevicePtr dev, int event, int detail, void *opaque)
{
  emit (opaque, VMNET_LIBVIRT_EVENT_RESOURCES, NULL, "node device changed");
}

static void
on_close (virConnectPtr conn, int reason, void *opaque)
{
  emit (opaque, VMNET_LIBVIRT_EVENT_CLOSED, NULL,
        reason == VIR_CONNECT_CLOSE_REASON_KEEPALIVE ? "keepalive timeout" : "connection closed");
}

/* Calls @func for every event that may change who should hold a VF. Must
 * be called from the global-default main context after
 * vmnet_libvirt_event_loop_register(); @func runs there. */
VmnetLibvirtWatch *
vmnet_libvirt_conn_watch (VmnetLibvirtConn      *conn,
                          VmnetLibvirtEventFunc  func,
                          gpointer               user_data,
                          GError               **error)
{
  VmnetLibvirtWatch *watch = g_new0 (VmnetLibvirtWatch, 1);

  watch->ptr = vmnet_libvirt_conn_get_ptr (conn);
  virConnectRef (watch->ptr);
  watch->func = func;
  watch->user_data = user_data;
  watch->lifecycle = watch->device_added = watch->device_removed = watch->metadata = watch->network = -1;
  watch->nodedev = -1;

  /* A dead daemon is noticed within seconds, even when idle. */
  if (!vmnet_libvirt_conn_is_test (conn))
    virConnectSetKeepAlive (watch->ptr, 5, 3);
#define REG(field, id, cb) \
  watch->field = virConnectDomainEventRegisterAny (watch->ptr, NULL, id, VIR_DOMAIN_EVENT_CALLBACK (cb), watch, NULL)
  REG (lifecycle, VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_lifecycle);
  REG (device_added, VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, on_device_added);
  REG (device_removed, VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, on_device_removed);
  REG (metadata, VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, on_metadata);
#undef REG
  watch->network = virConnectNetworkEventRegisterAny (watch->ptr, NULL, VIR_NETWORK_EVENT_ID_LIFECYCLE,
                                                      VIR_NETWORK_EVENT_CALLBACK (on_network), watch, NULL);
  /* Not every driver has node devices (the test driver's list is fixed). */
  watch->nodedev = virConnectNodeDeviceEventRegisterAny (watch->ptr, NULL, VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE,
                                                         VIR_NODE_DEVICE_EVENT_CALLBACK (on_nodedev), watch, NULL);
  virResetLastError ();
  if (watch->lifecycle < 0 || watch->device_removed < 0)
    {
      vmnet_libvirt_set_error (error, "cannot watch libvirt events at '%s'", vmnet_libvirt_conn_get_uri (conn));
      vmnet_libvirt_watch_free (watch);
      return NULL;
    }
  watch->close_registered = virConnectRegisterCloseCallback (watch->ptr, on_close, watch, NULL) == 0;
  return watch;
}

void
vmnet_libvirt_watch_free (VmnetLibvirtWatch *watch)
{
  gint *domain_ids[] = { &watch->lifecycle, &watch->device_added, &watch->device_removed, &watch->metadata };

  if (!watch)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (domain_ids); i++)
    if (*domain_ids[i] >= 0)
      virConnectDomainEventDeregisterAny (watch->ptr, *domain_ids[i]);
  if (watch->network >= 0)
    virConnectNetworkEventDeregisterAny (watch->ptr, watch->network);
  if (watch->nodedev >= 0)
    virConnectNodeDeviceEventDeregisterAny (watch->ptr, watch->nodedev);
  if (watch->close_registered)
    virConnectUnregisterCloseCallback (watch->ptr, on_close);
  virConnectClose (watch->ptr);
  g_free (watch);
}
