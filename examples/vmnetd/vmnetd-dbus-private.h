/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by vmnetd's D-Bus files: the served objects (vmnetd-dbus.c), the
 * methods (vmnetd-dbus-methods.c) and the VM operations (vmnetd-dbus-jobs.c). */
#include "vmnetd-dbus.h"
#include "vmnetd-dbus-generated.h"

G_BEGIN_DECLS

#define LOG_DOMAIN "vmnetd"

/* The object kinds below the root, one subtree each. */
#define N_KINDS 4

typedef struct _VmnetdModel VmnetdModel;

struct _VmnetdBus {
  GBusType          bus_type;
  guint             owner_id;
  GDBusConnection  *connection;   /* once the bus is acquired */
  GMainContext     *context;      /* where everything below is used */
  guint             filter_id;    /* introspect_filter's */
  guint             object_ids[2];
  guint             subtree_ids[N_KINDS];
  GHashTable       *objects;      /* path -> Exported, the host's among them */
  GHashTable       *peers;        /* unique bus name -> Peer */
  GQueue            asks;         /* Ask: polkit questions not sent yet */
  guint             asking;       /* polkit questions in flight */
  GPtrArray        *monitors;     /* GFileMonitor of rules_dirs */
  guint             rules_timeout;
  VmnetHost        *host;         /* the one last synced, or NULL */
  guint             pass;         /* marks what the running sync has seen */
  GHashTable       *holders;      /* "VM/ADAPTER" -> Named: the VFs' holders, for @holders_pass */
  guint             holders_pass;
  VmnetdModel      *model;        /* Host.GetModel's (vmnetd-dbus-model.c) */
  GHashTable       *jobs;         /* VM UUID -> its running operation (vmnetd-dbus-jobs.c) */
};

/* One permission libvirt would check, with its attributes. */
typedef struct {
  gchar  *permission;   /* libvirt's, e.g. "domain.write" */
  gchar **details;      /* name, value, name, value, …, NULL */
  gchar  *object;       /* what is acted on, in words */
} AuthCheck;

/* A VM (or a switch) that an object's properties name, and what libvirt
 * checks before it shows it: a caller that may not see it reads the
 * properties without it (doc/dbus.md, Visibility). */
typedef struct {
  gchar              *key;    /* its visibility key */
  AuthCheck          *check;
  const gchar *const *blank;  /* properties left "" (a VF's holder, a PF's switch), or NULL */
  gchar              *item;   /* or how a list of holders writes it, "VM/ADAPTER", made "another VM" */
} Named;

typedef struct {
  VmnetDBusObjectSkeleton *object;
  GDBusInterfaceSkeleton  *iface;       /* its one interface */
  GObject                 *source;      /* the library's object */
  gchar                   *vm_uuid;     /* a network adapter's VM */
  AuthCheck               *visible;     /* what libvirt checks to show it */
  gchar                   *visible_key; /* @visible as one string */
  GPtrArray               *names;       /* (element-type Named): what its properties name */
  guint                    names_pass;  /* the pass @names were made in */
  guint                    pass;
} Exported;

typedef void (*AuthorizedFunc) (VmnetdBus *self, GDBusMethodInvocation *invocation, gpointer data);

/* A caller, and what it sees. */
typedef struct _Peer Peer;
typedef void (*PeerFunc) (VmnetdBus *self, Peer *peer, gpointer data);

#define OBJECT_MANAGER "org.freedesktop.DBus.ObjectManager"

/* vmnetd-dbus-callers.c: what each caller sees (polkit), the methods' authorization */
typedef struct _Ask Ask;
AuthCheck   *auth_check_new   (const gchar        *permission,
                               const gchar        *object,
                               const gchar *const *details);
void         auth_check_free  (AuthCheck *c);
Peer        *peer_get         (VmnetdBus   *self,
                               const gchar *name);
void         peer_free        (Peer        *p);
const gchar *peer_name        (Peer        *p);
void         ask_free         (Ask         *a);
gint         peer_sees        (Peer        *p,
                               const gchar *key);
gboolean     peer_sees_all    (Peer        *p);
GVariant    *peer_told        (Peer        *p,
                               const gchar *path);
void         peer_tell        (Peer        *p,
                               const gchar *path,
                               GVariant    *props,
                               GPtrArray   *names);
void         peer_when        (VmnetdBus      *self,
                               Peer           *p,
                               Exported       *e,
                               PeerFunc        func,
                               gpointer        data,
                               GDestroyNotify  data_free);
void         peer_when_checks (VmnetdBus      *self,
                               Peer           *p,
                               GPtrArray      *keys,
                               GPtrArray      *checks,
                               PeerFunc        func,
                               gpointer        data,
                               GDestroyNotify  data_free);
void         vmnetd_rules_watch (VmnetdBus *self);
void         add_check        (GPtrArray          *checks,
                               const gchar        *permission,
                               const gchar        *object,
                               const gchar *const *details);
void         authorize        (VmnetdBus             *self,
                               GDBusMethodInvocation *invocation,
                               GPtrArray             *checks,
                               const gchar           *context,
                               AuthorizedFunc         func,
                               gpointer               data,
                               GDestroyNotify         data_free);

/* vmnetd-dbus-views.c: what a caller reads of an object */
GPtrArray   *names_of         (VmnetdBus   *self,
                               Exported    *e,
                               GVariant    *props);
GPtrArray   *exported_names   (VmnetdBus   *self,
                               Exported    *e);
gboolean     names_equal      (GPtrArray   *a,
                               GPtrArray   *b);
GVariant    *object_view      (Peer        *p,
                               GVariant    *props,
                               GPtrArray   *names);

/* vmnetd-dbus.c: the served objects */
extern const gchar *const vmnetd_kinds[N_KINDS];
gchar       *visibility_key   (const gchar        *permission,
                               const gchar *const *details);
GVariant    *properties_changed (const gchar *interface,
                                 GVariant    *from,
                                 GVariant    *to);
GVariant    *interfaces_added (Exported    *e,
                               GVariant    *props);
void         announce         (VmnetdBus   *self,
                               Exported    *e,
                               const gchar *from,
                               const gchar *interface,
                               const gchar *member,
                               GVariant    *params);
const gchar *driver_of        (VmnetdBus *self);
gchar       *node_device_name (const gchar *pci_address);
gchar       *switch_path      (const gchar *name);

/* vmnetd-dbus-methods.c: the methods' handlers */
gboolean handle_adapter_set   (VmnetDBusNetworkAdapter  *iface,
                               GDBusMethodInvocation    *invocation,
                               GVariant                 *settings,
                               VmnetdBus                *self);
gboolean handle_switch_remove (VmnetDBusSwitch          *iface,
                               GDBusMethodInvocation    *invocation,
                               gboolean                  force,
                               VmnetdBus                *self);
gboolean handle_new_switch    (VmnetDBusHost            *iface,
                               GDBusMethodInvocation    *invocation,
                               const gchar              *name,
                               const gchar              *net_adapter,
                               const gchar              *bridge,
                               gboolean                  enable_iov,
                               VmnetdBus                *self);
gboolean handle_set_num_vfs   (VmnetDBusNetAdapterSriov *iface,
                               GDBusMethodInvocation    *invocation,
                               guint                     num_vfs,
                               VmnetdBus                *self);

/* vmnetd-dbus-introspect.c */
GDBusMessage *introspect_filter (GDBusConnection *connection,
                                 GDBusMessage    *message,
                                 gboolean         incoming,
                                 gpointer         user_data);

/* vmnetd-dbus-model.c: Host.GetModel and Host.ModelChanged */
VmnetdModel *vmnetd_model_new     (void);
void         vmnetd_model_free    (VmnetdModel *model);
void         model_sync           (VmnetdBus   *self,
                                   VmnetHost   *host,
                                   Exported    *host_e);
void         model_rules_changed  (VmnetdBus   *self);
gboolean     handle_get_model     (VmnetDBusHost         *iface,
                                   GDBusMethodInvocation *invocation,
                                   VmnetdBus             *self);
gboolean     handle_sync          (VmnetDBusHost         *iface,
                                   GDBusMethodInvocation *invocation,
                                   VmnetdBus             *self);
/* vmnetd-dbus-jobs.c: the VM operations' handlers, on the host's interface */
void     vmnetd_jobs_init     (VmnetdBus                *self,
                               VmnetDBusHost            *host_iface);

G_END_DECLS
