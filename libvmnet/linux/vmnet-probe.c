/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Host probes: CPU virtualization, IOMMU, interrupt remapping, vfio. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "vmnet-linux-private.h"

/* Host-wide facts for the SR-IOV checks. Everything is read under ROOT so
 * tests can present any machine; nothing here is guessed: what cannot be
 * read stays unknown. */

static gchar *
read_file (const gchar *root, const gchar *path)
{
  g_autofree gchar *full = g_build_filename (root, path, NULL);
  gchar *contents = NULL;

  if (!g_file_get_contents (full, &contents, NULL, NULL))
    return NULL;
  return contents;
}

static gboolean
exists (const gchar *root, const gchar *path)
{
  g_autofree gchar *full = g_build_filename (root, path, NULL);
  return g_file_test (full, G_FILE_TEST_EXISTS);
}

static gboolean
dir_has_entries (const gchar *root, const gchar *path)
{
  g_autofree gchar *full = g_build_filename (root, path, NULL);
  g_autoptr(GDir) dir = g_dir_open (full, 0, NULL);
  return dir && g_dir_read_name (dir) != NULL;
}

static gboolean
has_word (const gchar *line, const gchar *word)
{
  g_auto(GStrv) words = g_strsplit_set (line, " \t\n", -1);
  return g_strv_contains ((const gchar *const *) words, word);
}

static void
probe_cpu (const gchar *root, VmnetProbeFact *p)
{
  g_autofree gchar *cpuinfo = read_file (root, "proc/cpuinfo");
  g_auto(GStrv) lines = NULL;
  gboolean slat = FALSE;

  if (!cpuinfo)
    return;
  lines = g_strsplit (cpuinfo, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      const gchar *colon = strchr (lines[i], ':');
      if (!colon)
        continue;
      if (g_str_has_prefix (lines[i], "vendor_id") && !p->cpu_vendor)
        {
          if (strstr (colon, "GenuineIntel"))
            p->cpu_vendor = g_strdup ("intel");
          else if (strstr (colon, "AuthenticAMD") || strstr (colon, "HygonGenuine"))
            p->cpu_vendor = g_strdup ("amd");
        }
      /* Intel lists EPT in "vmx flags" (or "flags" on older kernels), AMD NPT in "flags". */
      if ((g_str_has_prefix (lines[i], "flags") || g_str_has_prefix (lines[i], "vmx flags")) &&
          (has_word (colon + 1, "ept") || has_word (colon + 1, "npt")))
        slat = TRUE;
    }
  p->slat = slat ? VMNET_TERNARY_TRUE : VMNET_TERNARY_FALSE;

  {
    g_autofree gchar *ept = read_file (root, "sys/module/kvm_intel/parameters/ept");
    g_autofree gchar *npt = read_file (root, "sys/module/kvm_amd/parameters/npt");
    if (ept || npt)
      p->slat_disabled = ((ept && (ept[0] == 'N' || ept[0] == '0')) ||
                          (npt && (npt[0] == 'N' || npt[0] == '0'))) ? VMNET_TERNARY_TRUE : VMNET_TERNARY_FALSE;
  }
}

/* vfio-pci names the interrupts a guest's driver enables on an assigned
 * device "vfio-msix[N](ADDRESS)", "vfio-msi[N](ADDRESS)" or "vfio-intx(ADDRESS)";
 * a device QEMU keeps hidden, or whose guest driver is not bound, has none. */
static GHashTable *
vfio_irq_devices (const gchar *interrupts)
{
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (const gchar *at = strstr (interrupts, "vfio-"); at; at = strstr (at + 1, "vfio-"))
    {
      const gchar *open = strchr (at, '(');
      const gchar *close = open ? strchr (open, ')') : NULL;
      const gchar *eol = strchr (at, '\n');

      if (!close || (eol && close > eol))
        continue;
      g_hash_table_add (set, g_ascii_strdown (open + 1, close - open - 1));
    }
  return set;
}

static void
probe_iommu (const gchar *root, VmnetProbeFact *p)
{
  g_autofree gchar *cmdline = read_file (root, "proc/cmdline");
  g_autofree gchar *interrupts = read_file (root, "proc/interrupts");
  g_autofree gchar *unsafe = read_file (root, "sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts");

  if (cmdline)
    p->iommu_on_cmdline = strstr (cmdline, "intel_iommu=on") != NULL ||
                          strstr (cmdline, "amd_iommu=on") != NULL;

  /* An active IOMMU registers under /sys/class/iommu and makes IOMMU groups. */
  if (exists (root, "sys"))
    p->dma_remapping = (dir_has_entries (root, "sys/class/iommu") ||
                        dir_has_entries (root, "sys/kernel/iommu_groups")) ? VMNET_TERNARY_TRUE : VMNET_TERNARY_FALSE;

  if (interrupts)
    {
      p->interrupt_remapping = strstr (interrupts, "IR-") ? VMNET_TERNARY_TRUE : VMNET_TERNARY_FALSE;
      p->vfio_irq_devices = vfio_irq_devices (interrupts);
    }
  if (unsafe)
    p->unsafe_interrupts = (unsafe[0] == 'Y' || unsafe[0] == '1') ? VMNET_TERNARY_TRUE : VMNET_TERNARY_FALSE;
  else if (exists (root, "sys/module"))
    p->unsafe_interrupts = VMNET_TERNARY_FALSE;
}

static void
probe_vfio (const gchar *root, VmnetProbeFact *p)
{
  g_autofree gchar *release = read_file (root, "proc/sys/kernel/osrelease");
  g_autofree gchar *builtin = NULL;
  g_autofree gchar *deps = NULL;

  if (exists (root, "sys/bus/pci/drivers/vfio-pci") || exists (root, "sys/module/vfio_pci"))
    {
      p->vfio = VMNET_TERNARY_TRUE;
      return;
    }
  if (!release)
    return;
  g_strstrip (release);
  {
    g_autofree gchar *b = g_build_filename ("lib/modules", release, "modules.builtin", NULL);
    g_autofree gchar *d = g_build_filename ("lib/modules", release, "modules.dep", NULL);
    builtin = read_file (root, b);
    deps = read_file (root, d);
  }
  if ((builtin && strstr (builtin, "/vfio-pci.ko")) || (deps && strstr (deps, "/vfio-pci.ko")))
    p->vfio = VMNET_TERNARY_TRUE;
  else if (builtin || deps)
    p->vfio = VMNET_TERNARY_FALSE;
}

/* Kernel messages that mean the firmware gave the PF no room for its VFs. */
static gboolean
is_sriov_resource_error (const gchar *message)
{
  return strstr (message, "not enough MMIO resources for SR-IOV") != NULL ||
         strstr (message, "SR-IOV: bus number out of range") != NULL ||
         strstr (message, "Failed to enable PCI sriov") != NULL;
}

/* The message the kernel gives when it turns interrupt remapping off
 * because the chipset has an erratum: "…on a chipset that contains an
 * erratum… interrupt remapping is being disabled. Please contact your BIOS
 * vendor for an update" (one record, or one line each where split). */
static gboolean
is_ir_erratum (const gchar *message)
{
  g_autofree gchar *lower = g_ascii_strdown (message, -1);

  return strstr (lower, "interrupt remapping is being disabled") != NULL ||
         (strstr (lower, "erratum") && (strstr (lower, "interrupt remapping") ||
                                         strstr (lower, "interrupt-remapping")));
}

/* The kernel log, as /dev/kmsg records ("prio,seq,usec,flags;message"). */
static void
probe_kernel_log (const gchar *root, VmnetProbeFact *p)
{
  g_autofree gchar *path = g_build_filename (root, "dev/kmsg", NULL);
  g_autoptr(GString) log = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  gchar buf[8192];

  if (fd < 0)
    return;
  p->kernel_log_read = TRUE;
  /* As a device, each read returns one record; as a file (fixtures), chunks. */
  for (guint n = 0; n < 100000; n++)
    {
      ssize_t r = read (fd, buf, sizeof buf);
      if (r < 0 && errno == EPIPE)
        continue;
      if (r <= 0)
        break;
      g_string_append_len (log, buf, r);
      if (log->len && log->str[log->len - 1] != '\n')
        g_string_append_c (log, '\n');
    }
  close (fd);

  lines = g_strsplit (log->str, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      const gchar *message = strchr (lines[i], ';');
      message = message ? message + 1 : lines[i];
      if (*message && is_sriov_resource_error (message))
        g_ptr_array_add (p->sriov_kernel_errors, g_strdup (message));
      if (*message && !p->ir_erratum && is_ir_erratum (message))
        {
          /* /dev/kmsg writes a record's own line breaks as \x0a. */
          g_auto(GStrv) parts = g_strsplit (message, "\\x0a", -1);
          p->ir_erratum = g_strjoinv (" ", parts);
        }
    }
}

VmnetProbeFact *
vmnet_probe_host (const gchar *root)
{
  VmnetProbeFact *p = vmnet_probe_fact_new ();

  p->probed = TRUE;
  probe_cpu (root, p);
  probe_iommu (root, p);
  probe_vfio (root, p);
  probe_kernel_log (root, p);
  return p;
}
