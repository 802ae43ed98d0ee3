/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The libvirt connection: opening, URIs, reading a host's facts, errors. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>

#include "vmnet-error.h"
#include "vmnet-resources.h"
#include "vmnet-auth-private.h"
#include "vmnet-libvirt-private.h"
#include "vmnet-libvirt-xml-private.h"

#define FETCH_THREADS 8

struct _VmnetLibvirtConn {
  virConnectPtr ptr;
  gchar        *uri;
  GMutex        lock;
  gboolean      hostdev_known;   /* domain capabilities are read once per connection */
  VmnetTernary  hostdev_vfio;
  gboolean      remote;
  gboolean      privileged;
  gboolean      test;
};

static void
silent_error_func (void *opaque, virErrorPtr err)
{
  /* libvirt prints errors to stderr unless told otherwise; ours travel as GErrors. */
}

static void
ensure_initialized (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      virInitialize ();
      virSetErrorFunc (NULL, silent_error_func);
      xmlInitParser ();
      /* GLib creates the C locale of g_ascii_strtoll() on first use; a thread
       * waiting for that can come back with errno set, and GLib then rejects a
       * valid number ("“50” is not a signed number"). Create it before the
       * fetch threads exist. */
      (void) g_ascii_strtoll ("0", NULL, 10);
      g_once_init_leave (&once, 1);
    }
}

gint
vmnet_libvirt_error_code_for (gint vir_code)
{
  switch (vir_code)
    {
    case VIR_ERR_NO_DOMAIN:
    case VIR_ERR_NO_NETWORK:
    case VIR_ERR_NO_NODE_DEVICE:
    case VIR_ERR_NO_DOMAIN_METADATA:
    case VIR_ERR_NO_NETWORK_PORT:
      return VMNET_ERROR_NOT_FOUND;
    case VIR_ERR_INVALID_ARG:
    case VIR_ERR_XML_ERROR:
    case VIR_ERR_XML_DETAIL:
    case VIR_ERR_CONFIG_UNSUPPORTED:
      return VMNET_ERROR_INVALID_ARGUMENT;
    case VIR_ERR_NO_SUPPORT:
    case VIR_ERR_OPERATION_UNSUPPORTED:
    case VIR_ERR_ARGUMENT_UNSUPPORTED:
      return VMNET_ERROR_NOT_SUPPORTED;
    case VIR_ERR_OPERATION_DENIED:
    case VIR_ERR_ACCESS_DENIED:
    case VIR_ERR_AUTH_FAILED:
    case VIR_ERR_AUTH_CANCELLED:
    case VIR_ERR_AUTH_UNAVAILABLE:
      return VMNET_ERROR_ACCESS_DENIED;
    case VIR_ERR_DOM_EXIST:
    case VIR_ERR_NETWORK_EXIST:
      return VMNET_ERROR_ALREADY_EXISTS;
    case VIR_ERR_NO_CONNECT:
    case VIR_ERR_INVALID_CONN:
    case VIR_ERR_RPC:
    case VIR_ERR_SYSTEM_ERROR:
      return VMNET_ERROR_BACKEND_UNAVAILABLE;
    case VIR_ERR_OPERATION_TIMEOUT:
    case VIR_ERR_OPERATION_INVALID:
      return VMNET_ERROR_FAILED;
    default:
      return VMNET_ERROR_FAILED;
    }
}

static void G_GNUC_PRINTF (4, 0)
set_error_valist (GError **error, const gchar *permission, const gchar *object,
                  const gchar *format, va_list args)
{
  virErrorPtr err = virGetLastError ();
  g_autofree gchar *context = g_strdup_vprintf (format, args);
  const gchar *operation = permission ? vmnet_auth_operation_for_permission (permission) : NULL;

  g_warn_if_fail (!permission || operation);
  if (err && err->code == VIR_ERR_ACCESS_DENIED && operation)
    /* libvirt does not say which permission failed: we know what the call
     * needs, and the store's operation that grants it. */
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_ACCESS_DENIED,
                 "%s: access denied: the operation '%s' (libvirt permission %s) on %s is not granted to "
                 "this user (%s)", context, operation, permission, object ? object : "it", err->message);
  else if (err && err->message)
    g_set_error (error, VMNET_ERROR, vmnet_libvirt_error_code_for (err->code),
                 "%s: %s", context, err->message);
  else
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_FAILED, "%s", context);
  virResetLastError ();
}

void
vmnet_libvirt_set_error (GError **error, const gchar *format, ...)
{
  va_list args;

  va_start (args, format);
  set_error_valist (error, NULL, NULL, format, args);
  va_end (args);
}

/* As vmnet_libvirt_set_error(); an access denied names the store's
 * operation that grants PERMISSION, the libvirt permission the failed call
 * needs ("domain.start", one of those in vmnet-auth-catalog.c), and OBJECT
 * ("VM 'web1'"). */
void
vmnet_libvirt_set_error_for (GError      **error,
                             const gchar  *permission,
                             const gchar  *object,
                             const gchar  *format,
                             ...)
{
  va_list args;

  va_start (args, format);
  set_error_valist (error, permission, object, format, args);
  va_end (args);
}

/* "demo" names the host description embedded in the library. libvirt's test
 * driver reads it from a file, so it is written once per content to the
 * user's runtime directory. */
gchar *
vmnet_libvirt_resolve_uri (const gchar *uri, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree gchar *dir = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *checksum = NULL;
  gsize size;
  const gchar *data;

  if (!uri || g_strcmp0 (uri, "demo") != 0)
    return g_strdup (uri);

  bytes = g_resource_lookup_data (vmnet_get_resource (), "/org/libvmnet/demo-host.xml",
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (!bytes)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  checksum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  checksum[12] = '\0';
  dir = g_build_filename (g_get_user_runtime_dir (), "libvmnet", NULL);
  path = g_strdup_printf ("%s/demo-host-%s.xml", dir, checksum);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (g_mkdir_with_parents (dir, 0700) < 0)
        {
          int saved = errno;
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_FAILED,
                       "cannot create '%s' for the demo host: %s", dir, g_strerror (saved));
          return NULL;
        }
      if (!g_file_set_contents (path, data, size, error))
        return NULL;
    }
  return g_strconcat ("test://", path, NULL);
}

/* The demo host's /sys and /proc: a machine where SR-IOV can work, so the
 * demo shows every check. Written once per content, like the host XML. */
static const gchar *const demo_root_files[] = {
  "dev/kmsg",
  "proc/cmdline",
  "proc/cpuinfo",
  "proc/interrupts",
  "proc/sys/kernel/osrelease",
  "sys/bus/pci/drivers/vfio-pci/new_id",
  "sys/class/iommu/dmar0/uevent",
  "sys/kernel/iommu_groups/30/type",
  "sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts",
  NULL
};

gchar *
vmnet_libvirt_demo_root (GError **error)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GPtrArray) contents = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree gchar *dir = NULL;
  g_autofree gchar *marker = NULL;

  for (guint i = 0; demo_root_files[i]; i++)
    {
      g_autofree gchar *path = g_strconcat ("/org/libvmnet/demo-root/", demo_root_files[i], NULL);
      GBytes *bytes = g_resource_lookup_data (vmnet_get_resource (), path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      gsize size;
      const guchar *data;

      if (!bytes)
        return NULL;
      data = g_bytes_get_data (bytes, &size);
      g_checksum_update (sum, (const guchar *) demo_root_files[i], -1);
      g_checksum_update (sum, data, size);
      g_ptr_array_add (contents, bytes);
    }

  dir = g_strdup_printf ("%s/libvmnet/demo-root-%.12s", g_get_user_runtime_dir (), g_checksum_get_string (sum));
  marker = g_build_filename (dir, ".complete", NULL);
  if (g_file_test (marker, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&dir);

  for (guint i = 0; demo_root_files[i]; i++)
    {
      g_autofree gchar *path = g_build_filename (dir, demo_root_files[i], NULL);
      g_autofree gchar *parent = g_path_get_dirname (path);
      gsize size;
      const gchar *data = g_bytes_get_data (g_ptr_array_index (contents, i), &size);

      if (g_mkdir_with_parents (parent, 0700) < 0)
        {
          int saved = errno;
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_FAILED,
                       "cannot create '%s' for the demo host: %s", parent, g_strerror (saved));
          return NULL;
        }
      if (!g_file_set_contents (path, data, size, error))
        return NULL;
    }
  if (!g_file_set_contents (marker, "", 0, error))
    return NULL;
  return g_steal_pointer (&dir);
}

static void
classify_uri (VmnetLibvirtConn *conn)
{
  g_autoptr(GUri) parsed = g_uri_parse (conn->uri, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED, NULL);
  const gchar *scheme, *host, *path;

  if (!parsed)
    return;
  scheme = g_uri_get_scheme (parsed);
  host = g_uri_get_host (parsed);
  path = g_uri_get_path (parsed);

  conn->test = g_str_has_prefix (scheme, "test");
  conn->remote = host && *host && g_ascii_strcasecmp (host, "localhost") != 0 &&
                 g_strcmp0 (host, "127.0.0.1") != 0 && g_strcmp0 (host, "::1") != 0;
  conn->privileged = conn->test || g_strcmp0 (path, "/system") == 0;
}

/* Read-only as `virsh -r`; credentials (SASL user name, password, key
 * passphrase) asked on the terminal with libvirt's own prompts, as virsh does,
 * only when @flags allow it and standard input is a terminal. */
VmnetLibvirtConn *
vmnet_libvirt_conn_open (const gchar *uri, VmnetLibvirtOpenFlags flags, GError **error)
{
  g_autoptr(VmnetLibvirtConn) conn = g_new0 (VmnetLibvirtConn, 1);
  g_autofree gchar *resolved = NULL;
  virConnectAuthPtr auth = NULL;
  char *actual;

  g_mutex_init (&conn->lock);
  ensure_initialized ();

  resolved = vmnet_libvirt_resolve_uri (uri, error);
  if (uri && !resolved)
    return NULL;

  if ((flags & VMNET_LIBVIRT_OPEN_INTERACTIVE) && isatty (STDIN_FILENO))
    auth = virConnectAuthPtrDefault;
  conn->ptr = virConnectOpenAuth (resolved, auth, (flags & VMNET_LIBVIRT_OPEN_READ_ONLY) ? VIR_CONNECT_RO : 0);
  if (!conn->ptr)
    {
      vmnet_libvirt_set_error_for (error, "connect.getattr", "the host",
                                   "cannot connect to libvirt at '%s'", uri ? uri : "(libvirt's default URI)");
      /* Not reaching the host is a backend problem whatever libvirt calls it,
       * unless libvirt refused us. */
      if (error && *error && (*error)->code != VMNET_ERROR_ACCESS_DENIED)
        (*error)->code = VMNET_ERROR_BACKEND_UNAVAILABLE;
      return NULL;
    }
  virConnSetErrorFunc (conn->ptr, NULL, silent_error_func);

  actual = virConnectGetURI (conn->ptr);
  conn->uri = g_strdup (actual ? actual : resolved);
  free (actual);
  classify_uri (conn);
  return g_steal_pointer (&conn);
}

void
vmnet_libvirt_conn_free (VmnetLibvirtConn *conn)
{
  if (!conn)
    return;
  if (conn->ptr)
    virConnectClose (conn->ptr);
  g_mutex_clear (&conn->lock);
  g_free (conn->uri);
  g_free (conn);
}

const gchar *
vmnet_libvirt_conn_get_uri (VmnetLibvirtConn *conn)
{
  return conn->uri;
}

gboolean
vmnet_libvirt_conn_is_remote (VmnetLibvirtConn *conn)
{
  return conn->remote;
}

gboolean
vmnet_libvirt_conn_is_privileged (VmnetLibvirtConn *conn)
{
  return conn->privileged;
}

gboolean
vmnet_libvirt_conn_is_test (VmnetLibvirtConn *conn)
{
  return conn->test;
}

virConnectPtr
vmnet_libvirt_conn_get_ptr (VmnetLibvirtConn *conn)
{
  return conn->ptr;
}

virDomainPtr
vmnet_libvirt_conn_lookup_vm (VmnetLibvirtConn *conn, const gchar *uuid, GError **error)
{
  virDomainPtr dom = virDomainLookupByUUIDString (conn->ptr, uuid);

  if (!dom)
    {
      g_autofree gchar *object = g_strdup_printf ("VM %s", uuid);
      vmnet_libvirt_set_error_for (error, "domain.getattr", object, "cannot find the VM");
    }
  return dom;
}

gboolean
vmnet_libvirt_conn_network_exists (VmnetLibvirtConn *conn, const gchar *name)
{
  virNetworkPtr net = virNetworkLookupByName (conn->ptr, name);

  virResetLastError ();
  if (!net)
    return FALSE;
  virNetworkFree (net);
  return TRUE;
}

/* Fetching: every object's XML is fetched and parsed by a few threads at
 * once, so several calls are in flight on the one connection. */

typedef enum {
  ITEM_NODEDEV,
  ITEM_NETWORK,
  ITEM_DOMAIN,
} ItemKind;

typedef struct {
  ItemKind  kind;
  gpointer  object;     /* virNodeDevicePtr, virNetworkPtr or virDomainPtr */
  gpointer  fact;       /* VmnetPciFact / VmnetNetworkFact / VmnetDomainFact */
  gpointer  fact2;      /* VmnetNetdevFact */
  GError   *error;
} Item;

typedef struct {
  Item         *items;
  guint         n_items;
  gint          next;
  GCancellable *cancellable;
} FetchJob;

static gboolean
is_gone (void)
{
  virErrorPtr err = virGetLastError ();
  return err && (err->code == VIR_ERR_NO_DOMAIN || err->code == VIR_ERR_NO_NETWORK ||
                 err->code == VIR_ERR_NO_NODE_DEVICE);
}

static void
fetch_item (Item *item)
{
  char *xml = NULL;

  switch (item->kind)
    {
    case ITEM_NODEDEV:
      xml = virNodeDeviceGetXMLDesc (item->object, 0);
      /* Network interfaces come and go with VMs (taps, macvtaps): one that
       * vanished between listing and reading is skipped, whatever libvirt says. */
      if (!xml && !is_gone () && !g_str_has_prefix (virNodeDeviceGetName (item->object), "net_"))
        vmnet_libvirt_set_error_for (&item->error, "node-device.read", "the host's devices",
                                     "cannot read node device '%s'", virNodeDeviceGetName (item->object));
      if (xml)
        {
          VmnetPciFact *pci = NULL;
          VmnetNetdevFact *net = NULL;
          if (vmnet_libvirt_parse_nodedev (xml, &pci, &net, &item->error))
            {
              item->fact = pci;
              item->fact2 = net;
            }
        }
      break;
    case ITEM_NETWORK:
      xml = virNetworkGetXMLDesc (item->object, 0);
      if (!xml && !is_gone ())
        vmnet_libvirt_set_error_for (&item->error, "network.read", "the host's switches",
                                     "cannot read network '%s'", virNetworkGetName (item->object));
      if (xml)
        item->fact = vmnet_libvirt_parse_network (xml, &item->error);
      break;
    case ITEM_DOMAIN:
      xml = virDomainGetXMLDesc (item->object, 0);
      if (!xml && !is_gone ())
        {
          g_autofree gchar *object = g_strdup_printf ("VM '%s'", virDomainGetName (item->object));
          vmnet_libvirt_set_error_for (&item->error, "domain.read", object,
                                       "cannot read VM '%s'", virDomainGetName (item->object));
        }
      if (xml)
        item->fact = vmnet_libvirt_parse_domain (xml, &item->error);
      break;
    }
  virResetLastError ();
  free (xml);
}

static gpointer
fetch_worker (gpointer data)
{
  FetchJob *job = data;

  for (;;)
    {
      gint i = g_atomic_int_add (&job->next, 1);
      if ((guint) i >= job->n_items)
        break;
      if (g_cancellable_is_cancelled (job->cancellable))
        break;
      fetch_item (&job->items[i]);
    }
  return NULL;
}

static void
run_fetch (FetchJob *job)
{
  guint n_threads = MIN (FETCH_THREADS, job->n_items);
  GThread *threads[FETCH_THREADS];

  if (n_threads <= 1)
    {
      fetch_worker (job);
      return;
    }
  for (guint i = 0; i < n_threads; i++)
    threads[i] = g_thread_new ("vmnet-fetch", fetch_worker, job);
  for (guint i = 0; i < n_threads; i++)
    g_thread_join (threads[i]);
}

static GHashTable *
domain_uuid_set (virConnectPtr ptr, unsigned int flags)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  virDomainPtr *doms = NULL;
  int n = virConnectListAllDomains (ptr, &doms, flags);

  for (int i = 0; i < n; i++)
    {
      char uuid[VIR_UUID_STRING_BUFLEN];
      if (virDomainGetUUIDString (doms[i], uuid) == 0)
        g_hash_table_add (set, g_strdup (uuid));
      virDomainFree (doms[i]);
    }
  free (doms);
  virResetLastError ();
  return set;
}

static GHashTable *
network_name_set (virConnectPtr ptr, unsigned int flags)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  virNetworkPtr *nets = NULL;
  int n = virConnectListAllNetworks (ptr, &nets, flags);

  for (int i = 0; i < n; i++)
    {
      g_hash_table_add (set, g_strdup (virNetworkGetName (nets[i])));
      virNetworkFree (nets[i]);
    }
  free (nets);
  virResetLastError ();
  return set;
}

static gchar *
version_string (unsigned long v)
{
  return g_strdup_printf ("%lu.%lu.%lu", v / 1000000, (v / 1000) % 1000, v % 1000);
}

/* Whether the hypervisor can assign PCI devices with vfio, from its domain
 * capabilities; unknown where the driver does not report them. */
static VmnetTernary
hostdev_vfio (VmnetLibvirtConn *conn)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&conn->lock);
  char *xml;

  if (conn->hostdev_known)
    return conn->hostdev_vfio;
  xml = virConnectGetDomainCapabilities (conn->ptr, NULL, NULL, NULL, NULL, 0);
  conn->hostdev_vfio = xml ? vmnet_libvirt_parse_hostdev_vfio (xml) : VMNET_TERNARY_UNKNOWN;
  conn->hostdev_known = TRUE;
  virResetLastError ();
  free (xml);
  return conn->hostdev_vfio;
}

static gboolean
fetch_host (VmnetLibvirtConn *conn, VmnetHostFacts *facts, GError **error)
{
  unsigned long lib = 0, hv = 0;
  const char *type;
  char *hostname;

  hostname = virConnectGetHostname (conn->ptr);
  if (!hostname)
    {
      vmnet_libvirt_set_error_for (error, "connect.read", "the host",
                                   "cannot read the host name of '%s'", conn->uri);
      return FALSE;
    }
  facts->computer_name = g_strdup (hostname);
  free (hostname);

  facts->privileged = conn->privileged;
  facts->remote = conn->remote;
  facts->test_driver = conn->test;
  facts->hostdev_vfio = hostdev_vfio (conn);

  type = virConnectGetType (conn->ptr);
  facts->hypervisor = g_strdup (type);
  if (virConnectGetVersion (conn->ptr, &hv) == 0)
    facts->hypervisor_version = version_string (hv);
  if (virConnectGetLibVersion (conn->ptr, &lib) == 0)
    facts->libvirt_version = version_string (lib);
  virResetLastError ();
  return TRUE;
}

VmnetHostFacts *
vmnet_libvirt_conn_fetch (VmnetLibvirtConn *conn,
                          GCancellable     *cancellable,
                          GError          **error)
{
  g_autoptr(VmnetHostFacts) facts = vmnet_host_facts_new ();
  g_autoptr(GHashTable) paused = NULL;
  g_autoptr(GHashTable) saved = NULL;
  g_autoptr(GHashTable) active_nets = NULL;
  g_autoptr(GHashTable) persistent_nets = NULL;
  g_autoptr(GHashTable) autostart_nets = NULL;
  virNodeDevicePtr *devs = NULL;
  virNetworkPtr *nets = NULL;
  virDomainPtr *doms = NULL;
  int n_devs, n_nets, n_doms;
  FetchJob job = { .cancellable = cancellable };
  GError *first_error = NULL;
  gboolean listed = FALSE;
  guint k = 0;

  if (!fetch_host (conn, facts, error))
    return NULL;

  n_devs = virConnectListAllNodeDevices (conn->ptr, &devs,
                                         VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV |
                                         VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET);
  if (n_devs < 0)
    {
      vmnet_libvirt_set_error_for (error, "connect.search-node-devices", "the host",
                                   "cannot list the node devices of '%s'", conn->uri);
      return NULL;
    }
  n_doms = -1;
  n_nets = virConnectListAllNetworks (conn->ptr, &nets, 0);
  if (n_nets < 0)
    {
      vmnet_libvirt_set_error_for (&first_error, "connect.search-networks", "the host",
                                   "cannot list the networks of '%s'", conn->uri);
      goto out;
    }
  n_doms = virConnectListAllDomains (conn->ptr, &doms, 0);
  if (n_doms < 0)
    {
      vmnet_libvirt_set_error_for (&first_error, "connect.search-domains", "the host",
                                   "cannot list the VMs of '%s'", conn->uri);
      goto out;
    }
  listed = TRUE;
  paused = domain_uuid_set (conn->ptr, VIR_CONNECT_LIST_DOMAINS_PAUSED);
  saved = domain_uuid_set (conn->ptr, VIR_CONNECT_LIST_DOMAINS_MANAGEDSAVE);
  active_nets = network_name_set (conn->ptr, VIR_CONNECT_LIST_NETWORKS_ACTIVE);
  persistent_nets = network_name_set (conn->ptr, VIR_CONNECT_LIST_NETWORKS_PERSISTENT);
  autostart_nets = network_name_set (conn->ptr, VIR_CONNECT_LIST_NETWORKS_AUTOSTART);

  job.n_items = n_devs + n_nets + n_doms;
  job.items = g_new0 (Item, job.n_items);
  /* Domains first: they are the many, and their fetch overlaps the rest. */
  for (int i = 0; i < n_doms; i++)
    job.items[k++] = (Item) { .kind = ITEM_DOMAIN, .object = doms[i] };
  for (int i = 0; i < n_nets; i++)
    job.items[k++] = (Item) { .kind = ITEM_NETWORK, .object = nets[i] };
  for (int i = 0; i < n_devs; i++)
    job.items[k++] = (Item) { .kind = ITEM_NODEDEV, .object = devs[i] };

  run_fetch (&job);

  for (guint i = 0; i < job.n_items; i++)
    {
      Item *item = &job.items[i];

      if (item->error)
        {
          if (!first_error)
            first_error = g_steal_pointer (&item->error);
          g_clear_error (&item->error);
          continue;
        }
      if (first_error)
        {
          /* Free what was parsed; the refresh fails as a whole. */
          switch (item->kind)
            {
            case ITEM_NODEDEV:
              vmnet_pci_fact_free (item->fact);
              vmnet_netdev_fact_free (item->fact2);
              break;
            case ITEM_NETWORK:
              vmnet_network_fact_free (item->fact);
              break;
            case ITEM_DOMAIN:
              vmnet_domain_fact_free (item->fact);
              break;
            }
          continue;
        }
      switch (item->kind)
        {
        case ITEM_NODEDEV:
          if (item->fact)
            g_ptr_array_add (facts->pci, item->fact);
          if (item->fact2)
            g_ptr_array_add (facts->netdevs, item->fact2);
          break;
        case ITEM_NETWORK:
          if (item->fact)
            {
              VmnetNetworkFact *net = item->fact;
              net->active = g_hash_table_contains (active_nets, net->name);
              net->persistent = g_hash_table_contains (persistent_nets, net->name);
              net->autostart = g_hash_table_contains (autostart_nets, net->name);
              g_ptr_array_add (facts->networks, net);
            }
          break;
        case ITEM_DOMAIN:
          if (item->fact)
            {
              VmnetDomainFact *d = item->fact;
              if (d->uuid && g_hash_table_contains (paused, d->uuid))
                d->state = VMNET_VM_STATE_PAUSED;
              else if (d->uuid && d->state == VMNET_VM_STATE_OFF && g_hash_table_contains (saved, d->uuid))
                d->state = VMNET_VM_STATE_SAVED;
              g_ptr_array_add (facts->domains, d);
            }
          break;
        }
    }

  if (!first_error)
    g_cancellable_set_error_if_cancelled (cancellable, &first_error);

out:
  for (int i = 0; i < n_devs; i++)
    virNodeDeviceFree (devs[i]);
  for (int i = 0; i < MAX (n_nets, 0); i++)
    virNetworkFree (nets[i]);
  for (int i = 0; i < MAX (n_doms, 0); i++)
    virDomainFree (doms[i]);
  free (devs);
  free (nets);
  free (doms);
  g_free (job.items);

  if (!listed || first_error)
    {
      g_propagate_error (error, first_error);
      return NULL;
    }
  return g_steal_pointer (&facts);
}
