/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sysfs (under a configurable root): PCI devices, SR-IOV counts, VF drivers. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "vmnet-error.h"

#include "vmnet-linux-private.h"

static gchar *
read_line (const gchar *path)
{
  g_autofree gchar *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return g_strdup (g_strstrip (contents));
}

static gint64
read_int (const gchar *path, gint64 fallback)
{
  g_autofree gchar *line = read_line (path);
  gint64 v;

  if (!line || !g_ascii_string_to_signed (line, 10, G_MININT64, G_MAXINT64, &v, NULL))
    return fallback;
  return v;
}

static gchar *
link_basename (const gchar *path)
{
  g_autofree gchar *target = g_file_read_link (path, NULL);
  return target ? g_path_get_basename (target) : NULL;
}

static guint
count_entries (const gchar *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  if (!dir)
    return 0;
  while (g_dir_read_name (dir))
    n++;
  return n;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar **) a, *(const gchar **) b);
}

/* Reads what sysfs says about one PCI function; NULL if the device is not there. */
VmnetSysfsPciFact *
vmnet_sysfs_read_pci (const gchar *root, const gchar *address)
{
  g_autofree gchar *dev = g_build_filename (root, "sys/bus/pci/devices", address, NULL);
  g_autoptr(VmnetSysfsPciFact) f = NULL;
  g_autofree gchar *group = NULL;
  g_autofree gchar *netdir = NULL;
  g_autofree gchar *driver_link = NULL;
  g_autoptr(GDir) dir = NULL;
  const gchar *name;

  if (!g_file_test (dev, G_FILE_TEST_IS_DIR))
    return NULL;

  f = vmnet_sysfs_pci_fact_new ();
  f->address = g_strdup (address);
  driver_link = g_build_filename (dev, "driver", NULL);
  f->driver = link_basename (driver_link);

  {
    g_autofree gchar *p1 = g_build_filename (dev, "sriov_totalvfs", NULL);
    g_autofree gchar *p2 = g_build_filename (dev, "sriov_numvfs", NULL);
    g_autofree gchar *p3 = g_build_filename (dev, "sriov_vf_total_msix", NULL);
    g_autofree gchar *p4 = g_build_filename (dev, "sriov_vf_msix_count", NULL);
    f->total_vfs = (gint) read_int (p1, -1);
    f->num_vfs = (gint) read_int (p2, -1);
    f->vf_total_msix = (gint) read_int (p3, -1);
    f->vf_msix_count = (gint) read_int (p4, -1);
  }

  group = g_build_filename (dev, "iommu_group", NULL);
  {
    g_autofree gchar *number = link_basename (group);
    g_autofree gchar *devices = g_build_filename (group, "devices", NULL);
    gint64 v;
    if (number && g_ascii_string_to_signed (number, 10, 0, G_MAXINT, &v, NULL))
      {
        f->iommu_group = (gint) v;
        f->iommu_group_size = count_entries (devices);
      }
  }

  netdir = g_build_filename (dev, "net", NULL);
  dir = g_dir_open (netdir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    g_ptr_array_add (f->netdevs, g_strdup (name));
  g_ptr_array_sort (f->netdevs, compare_strings);

  if (f->netdevs->len > 0)
    {
      const gchar *netdev = g_ptr_array_index (f->netdevs, 0);
      g_autofree gchar *speed = g_build_filename (root, "sys/class/net", netdev, "speed", NULL);
      g_autofree gchar *oper = g_build_filename (root, "sys/class/net", netdev, "operstate", NULL);
      gint64 mbps = read_int (speed, -1);
      f->speed_mbps = mbps > 0 ? mbps : -1;
      f->operstate = read_line (oper);
    }

  for (gint i = 0; f->num_vfs > 0 && i < f->num_vfs; i++)
    {
      g_autofree gchar *link = g_strdup_printf ("%s/virtfn%d", dev, i);
      gchar *vf = link_basename (link);
      if (!vf)
        break;
      g_ptr_array_add (f->vf_addresses, vf);
    }

  return g_steal_pointer (&f);
}

/* Whether @netdev is a bond (its bonding/ directory, DEVTYPE=bond), with its
 * ports (lower_* links) in @members; NULL if not. A team shows nothing of
 * its own in sysfs (no DEVTYPE, no directory: Linux 6.12 gives it
 * "INTERFACE=… IFINDEX=…" and lower_* links only), so its ports are read
 * here and its kind comes from the link (IFLA_INFO_KIND) where the host is
 * this one. */
gchar *
vmnet_sysfs_aggregate (const gchar *root, const gchar *netdev, gchar **members)
{
  g_autofree gchar *dir = g_build_filename (root, "sys/class/net", netdev, NULL);
  g_autofree gchar *bonding = g_build_filename (dir, "bonding", NULL);
  g_autofree gchar *uevent_path = g_build_filename (dir, "uevent", NULL);
  g_autofree gchar *uevent = NULL;
  g_autoptr(GPtrArray) ports = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = NULL;
  const gchar *kind = NULL;
  const gchar *name;

  g_file_get_contents (uevent_path, &uevent, NULL, NULL);
  if (g_file_test (bonding, G_FILE_TEST_IS_DIR) || (uevent && strstr (uevent, "DEVTYPE=bond\n")))
    kind = "bond";
  d = g_dir_open (dir, 0, NULL);
  while (d && (name = g_dir_read_name (d)))
    if (g_str_has_prefix (name, "lower_"))
      g_ptr_array_add (ports, g_strdup (name + strlen ("lower_")));
  if (members)
    {
      g_ptr_array_sort (ports, compare_strings);
      g_ptr_array_add (ports, NULL);
      *members = ports->len > 1 ? g_strjoinv (", ", (gchar **) ports->pdata) : NULL;
    }
  return g_strdup (kind);
}

/* The netdevs switches are bound to, for the bond/team check. */
static void
collect_aggregates (VmnetHostFacts *facts, const gchar *root, gboolean use_netlink)
{
  for (guint i = 0; i < facts->networks->len; i++)
    {
      const VmnetNetworkFact *net = g_ptr_array_index (facts->networks, i);
      const gchar *dev = net->pf_dev ? net->pf_dev
                       : net->forward_devs->len > 0 ? g_ptr_array_index (net->forward_devs, 0) : NULL;
      g_autofree gchar *members = NULL;
      g_autofree gchar *kind = NULL;

      if (!dev || g_hash_table_contains (facts->aggregate_kinds, dev))
        continue;
      kind = vmnet_sysfs_aggregate (root, dev, &members);
      if (!kind && use_netlink)
        {
          g_autofree gchar *link_kind = vmnet_netlink_link_kind (dev);
          if (g_strcmp0 (link_kind, "bond") == 0 || g_strcmp0 (link_kind, "team") == 0)
            kind = g_steal_pointer (&link_kind);
        }
      if (!kind)
        continue;
      g_hash_table_insert (facts->aggregate_kinds, g_strdup (dev), g_steal_pointer (&kind));
      if (members)
        g_hash_table_insert (facts->aggregate_members, g_strdup (dev), g_steal_pointer (&members));
    }
}

static gboolean
worth_reading (const VmnetPciFact *pci)
{
  return pci->sriov_capable || pci->pf_address || (pci->pci_class >> 16) == 0x02;
}

/* Bridge ports are read only for running VMs with an adapter in a VLAN. */
static gboolean
needs_ports (const VmnetHostFacts *facts)
{
  for (guint i = 0; i < facts->domains->len; i++)
    {
      const VmnetDomainFact *d = g_ptr_array_index (facts->domains, i);
      if (d->state == VMNET_VM_STATE_OFF)
        continue;
      for (guint j = 0; j < d->settings->len; j++)
        if (((const VmnetAdapterSettingsFact *) g_ptr_array_index (d->settings, j))->vlan_id > 0)
          return TRUE;
    }
  return FALSE;
}

void
vmnet_linux_collect (VmnetHostFacts *facts, const gchar *root, gboolean use_netlink)
{
  GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);

  facts->host_facts = TRUE;
  facts->probe = vmnet_probe_host (root);
  {
    g_autoptr(GError) error = NULL;
    facts->sriov_config = vmnet_sriov_config_load (root, &error);
    if (!facts->sriov_config)
      facts->sriov_config_error = g_strdup (error->message);
    facts->sriov_boot = vmnet_sriov_boot_load (root);
  }
  collect_aggregates (facts, root, use_netlink);
  for (guint i = 0; i < facts->pci->len; i++)
    {
      VmnetPciFact *pci = g_ptr_array_index (facts->pci, i);
      VmnetSysfsPciFact *f;

      if (!pci->address || !worth_reading (pci))
        continue;
      f = vmnet_sysfs_read_pci (root, pci->address);
      if (!f)
        continue;
      g_hash_table_insert (seen, f->address, f);
      g_hash_table_replace (facts->sysfs_pci, f->address, f);
    }

  /* VFs that libvirt has not listed yet (just created) still get their facts. */
  {
    GHashTableIter iter;
    gpointer value;
    GPtrArray *extra = g_ptr_array_new ();

    g_hash_table_iter_init (&iter, seen);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        VmnetSysfsPciFact *f = value;
        for (guint j = 0; j < f->vf_addresses->len; j++)
          g_ptr_array_add (extra, g_ptr_array_index (f->vf_addresses, j));
      }
    for (guint j = 0; j < extra->len; j++)
      {
        const gchar *address = g_ptr_array_index (extra, j);
        VmnetSysfsPciFact *vf;
        if (g_hash_table_contains (facts->sysfs_pci, address))
          continue;
        vf = vmnet_sysfs_read_pci (root, address);
        if (vf)
          g_hash_table_replace (facts->sysfs_pci, vf->address, vf);
      }
    g_ptr_array_unref (extra);
  }

  if (use_netlink)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, facts->sysfs_pci);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          VmnetSysfsPciFact *f = value;
          g_autoptr(GError) error = NULL;
          VmnetPfLinkFact *links;

          if (f->total_vfs <= 0 || f->netdevs->len == 0)
            continue;
          links = vmnet_netlink_read_pf (g_ptr_array_index (f->netdevs, 0), &error);
          if (!links)
            {
              g_debug ("no VF attributes for %s: %s", f->address, error->message);
              continue;
            }
          g_hash_table_replace (facts->pf_links, links->pf_netdev, links);
        }
      if (needs_ports (facts))
        {
          g_autoptr(GError) error = NULL;
          facts->ports = vmnet_netlink_read_bridge_ports (&error);
          if (!facts->ports)
            g_debug ("no bridge port VLANs: %s", error->message);
        }
    }

  g_hash_table_unref (seen);
}

static gboolean
write_numvfs (const gchar *path, gint n, const gchar *pf_name, GError **error)
{
  g_autofree gchar *text = g_strdup_printf ("%d\n", n);
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  ssize_t written;
  int saved;

  if (fd < 0)
    {
      saved = errno;
      if (saved == EACCES || saved == EPERM)
        g_set_error (error, VMNET_ERROR, VMNET_ERROR_ACCESS_DENIED,
                     "adapter '%s': cannot open %s: access denied: the operation 'Change physical SR-IOV "
                     "adapters' on adapter '%s' needs root on the host (%s)", pf_name, path, pf_name,
                     g_strerror (saved));
      else
        g_set_error (error, VMNET_ERROR, VMNET_ERROR_FAILED,
                     "adapter '%s': cannot open %s: %s", pf_name, path, g_strerror (saved));
      return FALSE;
    }
  written = write (fd, text, strlen (text));
  saved = errno;
  close (fd);
  if (written == (ssize_t) strlen (text))
    return TRUE;

  if (saved == ENOMEM || saved == ERANGE || saved == ENOSPC)
    g_set_error (error, VMNET_ERROR, VMNET_ERROR_NO_RESOURCES,
                 "adapter '%s': the kernel could not create %d VFs (%s): the firmware left no bus numbers or "
                 "MMIO space for them; enable SR-IOV and \"Above 4G decoding\" in the firmware setup, or boot "
                 "with pci=realloc", pf_name, n, g_strerror (saved));
  else
    g_set_error (error, VMNET_ERROR, saved == EBUSY ? VMNET_ERROR_BUSY : VMNET_ERROR_FAILED,
                 "adapter '%s': writing %d to %s failed: %s", pf_name, n, path, g_strerror (saved));
  return FALSE;
}

/* The kernel takes a new VF count only from 0: write 0, then N. */
gboolean
vmnet_sysfs_set_num_vfs (const gchar *root, const gchar *address, const gchar *pf_name,
                         gint n, GError **error)
{
  g_autofree gchar *path = g_build_filename (root, "sys/bus/pci/devices", address, "sriov_numvfs", NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                   "adapter '%s': %s does not exist, so its VFs cannot be changed here", pf_name, path);
      return FALSE;
    }
  if (!write_numvfs (path, 0, pf_name, error))
    return FALSE;
  return n == 0 || write_numvfs (path, n, pf_name, error);
}

/* Which PF netdev and VF index a VF's PCI address is, from physfn and virtfnN. */
gboolean
vmnet_sysfs_vf_position (const gchar *root, const gchar *vf_address, gchar **pf_netdev, guint *index)
{
  g_autofree gchar *physfn = g_build_filename (root, "sys/bus/pci/devices", vf_address, "physfn", NULL);
  g_autofree gchar *pf = link_basename (physfn);
  g_autoptr(VmnetSysfsPciFact) f = pf ? vmnet_sysfs_read_pci (root, pf) : NULL;

  if (!f || f->netdevs->len == 0)
    return FALSE;
  for (guint i = 0; i < f->vf_addresses->len; i++)
    if (g_str_equal (g_ptr_array_index (f->vf_addresses, i), vf_address))
      {
        *pf_netdev = g_strdup (g_ptr_array_index (f->netdevs, 0));
        *index = i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
write_attr (const gchar *path, const gchar *text, GError **error)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  gsize len = strlen (text);
  ssize_t written;
  int saved;

  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, VMNET_ERROR, saved == EACCES || saved == EPERM ? VMNET_ERROR_ACCESS_DENIED : VMNET_ERROR_FAILED,
                   "cannot open %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  written = write (fd, text, len);
  saved = errno;
  close (fd);
  if (written != (ssize_t) len)
    {
      g_autofree gchar *shown = g_strchomp (g_strdup (text));
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_FAILED, "cannot write '%s' to %s: %s", shown, path,
                   written < 0 ? g_strerror (saved) : "short write");
      return FALSE;
    }
  return TRUE;
}

/* Gives a VF @count MSI-X vectors. The kernel takes a new count only while
 * no driver is bound to the VF: its host driver lets go of it first (libvirt
 * binds it to vfio-pci next). */
gboolean
vmnet_sysfs_set_vf_vectors (const gchar *root, const gchar *vf_address, gint count, GError **error)
{
  g_autofree gchar *dev = g_build_filename (root, "sys/bus/pci/devices", vf_address, NULL);
  g_autofree gchar *attr = g_build_filename (dev, "sriov_vf_msix_count", NULL);
  g_autofree gchar *driver = g_build_filename (dev, "driver", NULL);
  g_autofree gchar *unbind = g_build_filename (dev, "driver", "unbind", NULL);
  g_autofree gchar *text = g_strdup_printf ("%d\n", count);
  g_autofree gchar *name = link_basename (driver);
  gboolean unbound = FALSE;

  if (!g_file_test (attr, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED, "VF %s: %s does not exist", vf_address, attr);
      return FALSE;
    }
  if (name && g_strcmp0 (name, "vfio-pci") != 0)
    {
      if (!write_attr (unbind, vf_address, error))
        {
          g_prefix_error (error, "VF %s: ", vf_address);
          return FALSE;
        }
      unbound = TRUE;
    }
  if (!write_attr (attr, text, error))
    {
      g_prefix_error (error, "VF %s: %d MSI-X vectors refused: ", vf_address, count);
      if (unbound)
        vmnet_sysfs_reprobe (root, vf_address);
      return FALSE;
    }
  return TRUE;
}

/* Lets the kernel bind a VF without driver to its host driver again (a VF
 * with a driver stays as it is). */
void
vmnet_sysfs_reprobe (const gchar *root, const gchar *vf_address)
{
  g_autofree gchar *probe = g_build_filename (root, "sys/bus/pci/drivers_probe", NULL);
  g_autoptr(GError) error = NULL;

  if (!write_attr (probe, vf_address, &error))
    g_debug ("VF %s: %s", vf_address, error->message);
}
