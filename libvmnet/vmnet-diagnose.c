/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Diagnosis: the SR-IOV checks (host, switch, adapter) and the statuses they
 * give, computed from the facts and the model without I/O. */
#include "config.h"

#include <string.h>

#include "vmnet-diagnose-private.h"
#include "vmnet-error.h"
#include "vmnet-vf-plan-private.h"

/* Check titles, in the order of Part 8: host, firmware/IOMMU, adapter,
 * switch, VM adapter, policies. */
#define T_CONNECTION      "Privileged connection"
#define T_HOSTDEV         "PCI device assignment in libvirt"
#define T_DMA             "DMA remapping (IOMMU)"
#define T_IR              "Interrupt remapping"
#define T_SLAT            "Second-level address translation (EPT/NPT)"
#define T_VFIO            "vfio-pci driver"
#define T_SRIOV_ADAPTER   "SR-IOV capable adapter"
#define T_VFS_ENABLED     "VFs enabled"
#define T_VF_ISOLATION    "VF isolation (ACS)"
#define T_FIRMWARE        "Firmware resources for VFs"
#define T_CONFIGURED      "Configured NumVFs"
#define T_HOST_SUPPORT    "Host SR-IOV support"
#define T_SW_EXTERNAL     "External switch"
#define T_SW_ADAPTER      "Switch adapter is SR-IOV capable"
#define T_SW_VFS          "Switch adapter has VFs"
#define T_SW_UP           "Switch adapter is up"
#define T_SW_IOV_MODE     "Switch in SR-IOV mode"
#define T_SW_POOL         "VF pool running"
#define T_SW_FREE         "Free VFs"
#define T_AD_WEIGHT       "IovWeight"
#define T_AD_SETTINGS     "Stored settings"
#define T_AD_SWITCH       "Switch can give a VF"
#define T_AD_FAILOVER     "Failover-ready virtio adapter"
#define T_AD_RUNNING      "VM running"
#define T_AD_VF           "Virtual function"
#define T_AD_PCIE         "Free PCIe port for the VF"

/* Takes MESSAGE and FIX. */
void
vmnet_diagnose_add (GPtrArray *checks, VmnetIovCheckCode code, VmnetCheckResult result, const gchar *title,
     gchar *message, gchar *fix)
{
  if (result == VMNET_CHECK_RESULT_PASS)
    g_clear_pointer (&fix, g_free);
  g_ptr_array_add (checks, vmnet_iov_check_new (code, result, title, message, fix));
}

/* UNKNOWN for a check whose fact lives in the host's files (@where): says
 * which files and why they were not read. */
static void
add_unknown (GPtrArray *checks, const VmnetHostFacts *facts, VmnetIovCheckCode code, const gchar *title,
             const gchar *what, const gchar *where)
{
  gchar *message, *fix;

  if (facts->host_facts)
    {
      message = g_strdup_printf ("Not known: %s is read from the host's %s, which could not be read.", what, where);
      fix = g_strdup_printf ("Make %s readable to this user (with --host-root, include it in the tree)", where);
    }
  else if (facts->remote)
    {
      message = g_strdup_printf ("Not known: %s is read from the host's %s, which a remote connection does not "
                                 "reach and libvirt does not report.", what, where);
      fix = g_strdup ("Run vmnet test-sriov on the host itself, or give a copy of its files with --host-root DIR");
    }
  else if (facts->test_driver)
    {
      message = g_strdup_printf ("Not known: %s is read from the host's %s; libvirt's test driver describes no "
                                 "real machine.", what, where);
      fix = g_strdup ("Give the host's files with --host-root DIR");
    }
  else
    {
      message = g_strdup_printf ("Not known: %s is read from the host's %s, which were not read.", what, where);
      fix = g_strdup ("Run vmnet test-sriov on the host itself");
    }
  vmnet_diagnose_add (checks, code, VMNET_CHECK_RESULT_UNKNOWN, title, message, fix);
}

#define W_DMA   "/sys/class/iommu and /sys/kernel/iommu_groups"
#define W_IR    "/proc/interrupts"
#define W_SLAT  "/proc/cpuinfo and kvm's module parameters"
#define W_VFIO  "/sys/bus/pci/drivers/vfio-pci and module lists"
#define W_KLOG  "kernel log (/dev/kmsg)"
#define W_GROUP "IOMMU groups (sysfs; libvirt's node devices name none for the VFs)"

VmnetTernary
vmnet_checks_support (GPtrArray *checks)
{
  gboolean unknown = FALSE;

  for (guint i = 0; i < checks->len; i++)
    switch (vmnet_iov_check_get_result (g_ptr_array_index (checks, i)))
      {
      case VMNET_CHECK_RESULT_FAIL:
        return VMNET_TERNARY_FALSE;
      case VMNET_CHECK_RESULT_UNKNOWN:
        unknown = TRUE;
        break;
      case VMNET_CHECK_RESULT_PASS:
      case VMNET_CHECK_RESULT_WARN:
      case VMNET_CHECK_RESULT_SKIP:
      default:
        break;
      }
  return unknown ? VMNET_TERNARY_UNKNOWN : VMNET_TERNARY_TRUE;
}

/* IovSupportReasons: the reasons, or {"OK"} when there are none, as Hyper-V
 * shows a host or switch that can do SR-IOV. */
GStrv
vmnet_checks_support_reasons (GPtrArray *checks)
{
  GStrv reasons = vmnet_checks_reasons (checks);

  if (reasons[0])
    return reasons;
  g_strfreev (reasons);
  return g_strdupv ((gchar *[]) { (gchar *) "OK", NULL });
}

/* "message Fix: fix" for every check that is a fail, warning or unknown. */
GStrv
vmnet_checks_reasons (GPtrArray *checks)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  for (guint i = 0; i < checks->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (checks, i);
      VmnetCheckResult r = vmnet_iov_check_get_result (c);
      g_autofree gchar *line = NULL;

      if (r == VMNET_CHECK_RESULT_PASS || r == VMNET_CHECK_RESULT_SKIP)
        continue;
      line = vmnet_iov_check_get_fix (c)
        ? g_strdup_printf ("%s Fix: %s", vmnet_iov_check_get_message (c), vmnet_iov_check_get_fix (c))
        : g_strdup (vmnet_iov_check_get_message (c));
      g_strv_builder_add (b, line);
    }
  return g_strv_builder_end (b);
}

GPtrArray *
vmnet_checks_copy (GPtrArray *checks)
{
  GPtrArray *copy = g_ptr_array_new_full (checks ? checks->len : 0, (GDestroyNotify) vmnet_iov_check_free);

  for (guint i = 0; checks && i < checks->len; i++)
    g_ptr_array_add (copy, vmnet_iov_check_copy (g_ptr_array_index (checks, i)));
  return copy;
}

static const gchar *
iommu_fix (const VmnetProbeFact *p)
{
  if (g_strcmp0 (p->cpu_vendor, "amd") == 0)
    return "Enable AMD-Vi (IOMMU) in the firmware setup and boot with amd_iommu=on iommu=pt";
  if (g_strcmp0 (p->cpu_vendor, "intel") == 0)
    return "Enable VT-d in the firmware setup and boot with intel_iommu=on iommu=pt";
  return "Enable VT-d (Intel) or AMD-Vi (AMD) in the firmware setup and boot with intel_iommu=on "
         "or amd_iommu=on, plus iommu=pt";
}

static void
host_firmware_checks (const VmnetHostFacts *facts, GPtrArray *checks)
{
  const VmnetProbeFact *p = facts->probe;
  gboolean dma_failed;

  if (!p)
    {
      gboolean groups = FALSE;

      /* What libvirt tells from afar: vfio in the domain capabilities needs an
       * active IOMMU and /dev/vfio/vfio; node devices in IOMMU groups mean an
       * IOMMU is active. */
      for (guint i = 0; i < facts->pci->len && !groups; i++)
        groups = ((const VmnetPciFact *) g_ptr_array_index (facts->pci, i))->iommu_group >= 0;
      if (facts->hostdev_vfio == VMNET_TERNARY_TRUE)
        vmnet_diagnose_add (checks, VMNET_IOV_CHECK_DMA_REMAPPING, VMNET_CHECK_RESULT_PASS, T_DMA,
             g_strdup ("An IOMMU is active (libvirt's domain capabilities offer vfio device assignment)."), NULL);
      else if (groups)
        vmnet_diagnose_add (checks, VMNET_IOV_CHECK_DMA_REMAPPING, VMNET_CHECK_RESULT_PASS, T_DMA,
             g_strdup ("An IOMMU is active (libvirt's node devices are in IOMMU groups)."), NULL);
      else
        add_unknown (checks, facts, VMNET_IOV_CHECK_DMA_REMAPPING, T_DMA, "whether an IOMMU is active", W_DMA);
      add_unknown (checks, facts, VMNET_IOV_CHECK_INTERRUPT_REMAPPING, T_IR,
                   "whether interrupt remapping is active", W_IR);
      add_unknown (checks, facts, VMNET_IOV_CHECK_SLAT, T_SLAT, "whether the CPU has EPT/NPT and kvm uses it", W_SLAT);
      if (facts->hostdev_vfio == VMNET_TERNARY_TRUE)
        vmnet_diagnose_add (checks, VMNET_IOV_CHECK_VFIO, VMNET_CHECK_RESULT_PASS, T_VFIO,
             g_strdup ("vfio is available (libvirt's domain capabilities offer vfio device assignment)."), NULL);
      else
        add_unknown (checks, facts, VMNET_IOV_CHECK_VFIO, T_VFIO, "whether vfio-pci is available", W_VFIO);
      return;
    }

  switch (p->dma_remapping)
    {
    case VMNET_TERNARY_TRUE:
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_DMA_REMAPPING, VMNET_CHECK_RESULT_PASS, T_DMA,
           g_strdup ("An IOMMU is active."), NULL);
      break;
    case VMNET_TERNARY_FALSE:
      if (p->iommu_on_cmdline)
        vmnet_diagnose_add (checks, VMNET_IOV_CHECK_DMA_REMAPPING, VMNET_CHECK_RESULT_FAIL, T_DMA,
             g_strdup ("The kernel was asked to use the IOMMU but none is active: it is turned off in the firmware."),
             g_strdup (g_strcmp0 (p->cpu_vendor, "amd") == 0 ? "Enable AMD-Vi (IOMMU) in the firmware setup"
                                                     : "Enable VT-d (Intel Virtualization Technology for Directed I/O) in the firmware setup"));
      else
        vmnet_diagnose_add (checks, VMNET_IOV_CHECK_DMA_REMAPPING, VMNET_CHECK_RESULT_FAIL, T_DMA,
             g_strdup ("No IOMMU is active (no /sys/class/iommu entries, no IOMMU groups), so no device can be assigned to a VM."),
             g_strdup (iommu_fix (p)));
      break;
    case VMNET_TERNARY_UNKNOWN:
    default:
      add_unknown (checks, facts, VMNET_IOV_CHECK_DMA_REMAPPING, T_DMA, "whether an IOMMU is active", W_DMA);
      break;
    }
  dma_failed = p->dma_remapping == VMNET_TERNARY_FALSE;

  if (dma_failed)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_INTERRUPT_REMAPPING, VMNET_CHECK_RESULT_SKIP, T_IR,
         g_strdup ("Not checked: interrupt remapping needs an active IOMMU."), NULL);
  else if (p->interrupt_remapping == VMNET_TERNARY_TRUE)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_INTERRUPT_REMAPPING, VMNET_CHECK_RESULT_PASS, T_IR,
         g_strdup ("Interrupt remapping is active (IR- interrupt controllers)."), NULL);
  else if (p->interrupt_remapping == VMNET_TERNARY_FALSE && p->ir_erratum)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_INTERRUPT_REMAPPING,
         p->unsafe_interrupts == VMNET_TERNARY_TRUE ? VMNET_CHECK_RESULT_WARN : VMNET_CHECK_RESULT_FAIL, T_IR,
         g_strdup_printf ("The kernel turned interrupt remapping off because the chipset has an erratum (\"%s\")%s",
                          p->ir_erratum,
                          p->unsafe_interrupts == VMNET_TERNARY_TRUE
                          ? "; vfio's allow_unsafe_interrupts override is set, so VFs can be assigned, but a VM "
                            "could send interrupts the host cannot contain."
                          : ": vfio refuses to assign devices."),
         g_strdup_printf ("Update the system firmware (BIOS/UEFI) to a version that fixes the erratum; no firmware "
                          "setting turns interrupt remapping back on while the kernel sees it. %s",
                          p->unsafe_interrupts == VMNET_TERNARY_TRUE
                          ? "Until then, keep the override for trusted workloads only"
                          : "For trusted workloads only, vfio_iommu_type1.allow_unsafe_interrupts=1 overrides it"));
  else if (p->interrupt_remapping == VMNET_TERNARY_FALSE && p->unsafe_interrupts == VMNET_TERNARY_TRUE)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_INTERRUPT_REMAPPING, VMNET_CHECK_RESULT_WARN, T_IR,
         g_strdup ("Interrupt remapping is not active; vfio's allow_unsafe_interrupts override is set, so VFs "
                   "can be assigned, but a VM could send interrupts the host cannot contain."),
         g_strdup ("Use the override for trusted workloads only; enable interrupt remapping (x2APIC and VT-d/AMD-Vi "
         "in the firmware) and remove vfio_iommu_type1.allow_unsafe_interrupts=1"));
  else if (p->interrupt_remapping == VMNET_TERNARY_FALSE)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_INTERRUPT_REMAPPING, VMNET_CHECK_RESULT_FAIL, T_IR,
         g_strdup ("Interrupt remapping is not active (no IR- controllers in /proc/interrupts): vfio refuses to assign devices."),
         g_strdup ("Enable interrupt remapping in the firmware (x2APIC with VT-d/AMD-Vi); for trusted workloads only, "
         "vfio_iommu_type1.allow_unsafe_interrupts=1 overrides it"));
  else
    add_unknown (checks, facts, VMNET_IOV_CHECK_INTERRUPT_REMAPPING, T_IR, "whether interrupt remapping is active", W_IR);

  if (p->slat == VMNET_TERNARY_FALSE)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SLAT, VMNET_CHECK_RESULT_FAIL, T_SLAT,
         g_strdup ("The CPU has no second-level address translation (no ept or npt flag)."),
         g_strdup ("SR-IOV needs a CPU with EPT (Intel) or NPT/RVI (AMD), and virtualization enabled in the firmware"));
  else if (p->slat_disabled == VMNET_TERNARY_TRUE)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SLAT, VMNET_CHECK_RESULT_FAIL, T_SLAT,
         g_strdup ("The CPU has SLAT but kvm does not use it (kvm_intel ept=N or kvm_amd npt=0)."),
         g_strdup ("Load kvm_intel with ept=1 (kvm_amd with npt=1)"));
  else if (p->slat == VMNET_TERNARY_TRUE)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SLAT, VMNET_CHECK_RESULT_PASS, T_SLAT,
         g_strdup ("The CPU has second-level address translation."), NULL);
  else
    add_unknown (checks, facts, VMNET_IOV_CHECK_SLAT, T_SLAT, "whether the CPU has EPT/NPT and kvm uses it", W_SLAT);

  if (p->vfio == VMNET_TERNARY_TRUE)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_VFIO, VMNET_CHECK_RESULT_PASS, T_VFIO,
         g_strdup ("The vfio-pci driver is available."), NULL);
  else if (p->vfio == VMNET_TERNARY_FALSE)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_VFIO, VMNET_CHECK_RESULT_FAIL, T_VFIO,
         g_strdup ("The vfio-pci driver is neither loaded nor installed for the running kernel."),
         g_strdup ("Install a kernel with vfio-pci and load it (modprobe vfio-pci)"));
  else
    add_unknown (checks, facts, VMNET_IOV_CHECK_VFIO, T_VFIO, "whether vfio-pci is available", W_VFIO);
}

static guint
vf_group_size (const VmnetHostFacts *facts, const gchar *address, gint *group)
{
  const VmnetSysfsPciFact *sys = facts->host_facts ? g_hash_table_lookup (facts->sysfs_pci, address) : NULL;

  if (sys && sys->iommu_group >= 0)
    {
      *group = sys->iommu_group;
      return sys->iommu_group_size;
    }
  for (guint i = 0; i < facts->pci->len; i++)
    {
      const VmnetPciFact *pci = g_ptr_array_index (facts->pci, i);
      if (g_strcmp0 (pci->address, address) == 0 && pci->iommu_group >= 0)
        {
          *group = pci->iommu_group;
          return pci->iommu_group_size;
        }
    }
  *group = -1;
  return 0;
}

static void
host_adapter_checks (const VmnetHostFacts *facts, VmnetModel *model, GPtrArray *checks)
{
  g_autoptr(GString) enabled = g_string_new (NULL);
  g_autoptr(GString) shared = g_string_new (NULL);
  g_autoptr(GString) names = g_string_new (NULL);
  guint n_vfs = 0, n_unknown = 0;

  for (guint i = 0; i < model->pfs->len; i++)
    {
      VmnetPfInfo *pf = g_ptr_array_index (model->pfs, i);
      g_string_append_printf (names, "%s%s", names->len ? ", " : "", pf->name);
      if (pf->num_vfs > 0)
        g_string_append_printf (enabled, "%s%s (%d)", enabled->len ? ", " : "", pf->name, pf->num_vfs);
      for (guint j = 0; j < pf->vfs->len; j++)
        {
          VmnetVfInfo *vf = g_ptr_array_index (pf->vfs, j);
          gint group;
          guint size = vf_group_size (facts, vf->pci_address, &group);
          n_vfs++;
          if (group < 0)
            n_unknown++;
          else if (size > 1)
            g_string_append_printf (shared, "%s%s (group %d, %u devices)", shared->len ? ", " : "",
                                    vf->pci_address, group, size);
        }
    }

  if (model->pfs->len == 0)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SRIOV_ADAPTER, VMNET_CHECK_RESULT_FAIL, T_SRIOV_ADAPTER,
         g_strdup ("No network adapter on the host is SR-IOV capable."),
         g_strdup ("Install a network adapter that supports SR-IOV, and enable SR-IOV for it in the firmware if it has such a setting"));
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SRIOV_ADAPTER, VMNET_CHECK_RESULT_PASS, T_SRIOV_ADAPTER,
         g_strdup_printf ("SR-IOV capable: %s.", names->str), NULL);

  if (model->pfs->len == 0)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_VFS_ENABLED, VMNET_CHECK_RESULT_SKIP, T_VFS_ENABLED,
         g_strdup ("Not checked: no SR-IOV capable adapter."), NULL);
  else if (enabled->len == 0)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_VFS_ENABLED, VMNET_CHECK_RESULT_FAIL, T_VFS_ENABLED,
         g_strdup_printf ("No SR-IOV adapter has VFs enabled (%s).", names->str),
         g_strdup ("vmnet set-netadaptersriov ADAPTER --num-vfs N"));
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_VFS_ENABLED, VMNET_CHECK_RESULT_PASS, T_VFS_ENABLED,
         g_strdup_printf ("VFs enabled on %s.", enabled->str), NULL);

  if (n_vfs == 0)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_VF_ISOLATION, VMNET_CHECK_RESULT_SKIP, T_VF_ISOLATION,
         g_strdup ("Not checked: no VFs."), NULL);
  else if (shared->len > 0)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_VF_ISOLATION, VMNET_CHECK_RESULT_FAIL, T_VF_ISOLATION,
         g_strdup_printf ("VFs share their IOMMU group with other devices (no ACS): %s.", shared->str),
         g_strdup ("Put the adapter in a slot whose PCIe ports have ACS (Access Control Services), or use a platform "
         "that provides it; VFs that share a group can only be assigned together"));
  else if (n_unknown == n_vfs)
    add_unknown (checks, facts, VMNET_IOV_CHECK_VF_ISOLATION, T_VF_ISOLATION,
                 "whether each VF has an IOMMU group of its own", W_GROUP);
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_VF_ISOLATION, VMNET_CHECK_RESULT_PASS, T_VF_ISOLATION,
         g_strdup ("Every VF has an IOMMU group of its own."), NULL);

  if (!facts->probe || !facts->probe->kernel_log_read)
    add_unknown (checks, facts, VMNET_IOV_CHECK_FIRMWARE_RESOURCES, T_FIRMWARE,
                 "whether the firmware left room for VFs", W_KLOG);
  else if (facts->probe->sriov_kernel_errors->len > 0)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_FIRMWARE_RESOURCES, VMNET_CHECK_RESULT_FAIL, T_FIRMWARE,
         g_strdup_printf ("The kernel could not give VFs bus numbers or MMIO space: \"%s\".",
                          (const gchar *) g_ptr_array_index (facts->probe->sriov_kernel_errors, 0)),
         g_strdup ("Enable SR-IOV and \"Above 4G decoding\" in the firmware setup; failing that, boot with pci=realloc "
         "(pci=assign-busses for bus numbers)"));
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_FIRMWARE_RESOURCES, VMNET_CHECK_RESULT_PASS, T_FIRMWARE,
         g_strdup ("The kernel log shows no SR-IOV resource errors."), NULL);
}

static const gchar *
boot_fix (const VmnetSriovBootResult *r, const VmnetPfInfo *pf)
{
  if (r && pf && pf->max_vfs >= 0 && r->configured > pf->max_vfs)
    return "Raise the adapter's VF count in the firmware's SR-IOV settings (or its driver's), or configure what it "
           "offers: vmnet set-netadaptersriov ADAPTER --num-vfs N";
  switch (r ? r->code : -1)
    {
    case VMNET_ERROR_NOT_FOUND:
      return "Put the adapter back, or remove its group from /etc/vmnet/sriov.conf";
    case VMNET_ERROR_NOT_SUPPORTED:
      return "Load the adapter's driver (with SR-IOV enabled), then run vmnet apply-netadaptersriov";
    case VMNET_ERROR_BUSY:
      return "Stop the VMs that hold its VFs, then run vmnet apply-netadaptersriov";
    case VMNET_ERROR_NO_RESOURCES:
      return "Enable SR-IOV and \"Above 4G decoding\" in the firmware setup, or boot with pci=realloc; then run "
             "vmnet apply-netadaptersriov";
    default:
      break;
    }
  if (!pf)
    return "Put the adapter back, or remove its group from /etc/vmnet/sriov.conf";
  if (r && g_str_equal (r->status, "failed"))
    return "See why the driver refused in the kernel log (journalctl -k), then run vmnet apply-netadaptersriov";
  return "Run vmnet apply-netadaptersriov to apply the configured count, or vmnet set-netadaptersriov ADAPTER "
         "--num-vfs N to keep another one";
}

/* The lasting NumVFs (etc/vmnet/sriov.conf) against sriov_numvfs, with the
 * boot-time apply's reason (run/vmnet/sriov-boot.conf) when it failed. No
 * check when nothing is configured; warnings only: the host can still do
 * SR-IOV on its other adapters. */
static void
configured_num_vfs_check (const VmnetHostFacts *facts, VmnetModel *model, GPtrArray *checks)
{
  g_autoptr(GString) ok = g_string_new (NULL);
  g_autoptr(GString) wrong = g_string_new (NULL);
  const gchar *fix = NULL;

  /* Only where the host's files were read and a count is configured. */
  if (!facts->host_facts)
    return;
  if (!facts->sriov_config)
    {
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_CONFIGURED_NUM_VFS, VMNET_CHECK_RESULT_WARN, T_CONFIGURED,
           g_strdup_printf ("The configured NumVFs cannot be applied at boot: %s.", facts->sriov_config_error),
           g_strdup ("Correct the file, or remove it and set the counts again with vmnet set-netadaptersriov"));
      return;
    }
  if (facts->sriov_config->len == 0)
    return;
  for (guint i = 0; i < facts->sriov_config->len; i++)
    {
      const VmnetSriovConfigEntry *e = g_ptr_array_index (facts->sriov_config, i);
      const VmnetSriovBootResult *r = facts->sriov_boot ? g_hash_table_lookup (facts->sriov_boot, e->address) : NULL;
      const VmnetPfInfo *pf = NULL;
      const gchar *name;

      for (guint j = 0; j < model->pfs->len && !pf; j++)
        if (g_str_equal (((VmnetPfInfo *) g_ptr_array_index (model->pfs, j))->pci_address, e->address))
          pf = g_ptr_array_index (model->pfs, j);
      name = pf ? pf->name : e->name ? e->name : e->address;
      if (pf && pf->num_vfs == e->num_vfs)
        {
          g_string_append_printf (ok, "%s%s (%d)", ok->len ? ", " : "", name, e->num_vfs);
          continue;
        }
      if (wrong->len)
        g_string_append (wrong, " ");
      if (r && g_str_equal (r->status, "failed") && r->reason)
        g_string_append_printf (wrong, "Adapter %s has %d VFs, not the %d configured: the boot-time apply failed: %s.",
                                name, pf ? pf->num_vfs : 0, e->num_vfs, r->reason);
      else if (!pf)
        g_string_append_printf (wrong, "Adapter %s (%s) has a configured NumVFs of %d but is not on this host.",
                                name, e->address, e->num_vfs);
      else
        g_string_append_printf (wrong, "Adapter %s has %d VFs, not the %d configured%s.", name, pf->num_vfs,
                                e->num_vfs, r ? ": another tool changed it after boot" : "");
      if (!fix)
        fix = boot_fix (r, pf);
    }
  if (wrong->len)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_CONFIGURED_NUM_VFS, VMNET_CHECK_RESULT_WARN, T_CONFIGURED,
         g_strdup (wrong->str), g_strdup (fix));
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_CONFIGURED_NUM_VFS, VMNET_CHECK_RESULT_PASS, T_CONFIGURED,
         g_strdup_printf ("Every adapter has its configured NumVFs: %s.", ok->str), NULL);
}

static GPtrArray *
host_checks (const VmnetHostFacts *facts, VmnetModel *model)
{
  GPtrArray *checks = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_iov_check_free);

  if (facts->privileged)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_CONNECTION, VMNET_CHECK_RESULT_PASS, T_CONNECTION,
         g_strdup ("The connection is a system (privileged) one."), NULL);
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_CONNECTION, VMNET_CHECK_RESULT_FAIL, T_CONNECTION,
         g_strdup ("The connection is an unprivileged session: only the system instance of libvirt can assign devices."),
         g_strdup ("Connect to qemu:///system (or qemu+ssh://HOST/system)"));

  switch (facts->hostdev_vfio)
    {
    case VMNET_TERNARY_TRUE:
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_HOSTDEV, VMNET_CHECK_RESULT_PASS, T_HOSTDEV,
           g_strdup ("The hypervisor offers PCI device assignment with vfio."), NULL);
      break;
    case VMNET_TERNARY_FALSE:
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_HOSTDEV, VMNET_CHECK_RESULT_FAIL, T_HOSTDEV,
           g_strdup ("The hypervisor's domain capabilities offer no PCI host device assignment with vfio."),
           g_strdup ("Install a QEMU built with vfio support and make sure the vfio-pci driver is available"));
      break;
    case VMNET_TERNARY_UNKNOWN:
    default:
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_HOSTDEV, VMNET_CHECK_RESULT_SKIP, T_HOSTDEV,
           g_strdup ("Not checked: the libvirt driver does not report domain capabilities."), NULL);
      break;
    }

  host_firmware_checks (facts, checks);
  host_adapter_checks (facts, model, checks);
  configured_num_vfs_check (facts, model, checks);
  return checks;
}

static void
add_host_support (GPtrArray *checks, GPtrArray *host)
{
  VmnetTernary support = vmnet_checks_support (host);

  if (support == VMNET_TERNARY_TRUE)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_HOST_SUPPORT, VMNET_CHECK_RESULT_PASS, T_HOST_SUPPORT,
         g_strdup ("The host can do SR-IOV."), NULL);
  else if (support == VMNET_TERNARY_UNKNOWN)
    {
      g_autoptr(GPtrArray) unknown = g_ptr_array_new ();
      g_autofree gchar *joined = NULL;

      for (guint i = 0; i < host->len; i++)
        if (vmnet_iov_check_get_result (g_ptr_array_index (host, i)) == VMNET_CHECK_RESULT_UNKNOWN)
          g_ptr_array_add (unknown, (gpointer) vmnet_iov_check_get_title (g_ptr_array_index (host, i)));
      g_ptr_array_add (unknown, NULL);
      joined = g_strjoinv (", ", (gchar **) unknown->pdata);
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_HOST_SUPPORT, VMNET_CHECK_RESULT_UNKNOWN, T_HOST_SUPPORT,
           g_strdup_printf ("Whether the host can do SR-IOV is not known: not known are %s.", joined),
           g_strdup ("See the host's IovSupportReasons (vmnet get-vmhost, vmnet test-sriov)"));
    }
  else
    {
      g_autoptr(GPtrArray) fails = g_ptr_array_new ();
      g_autofree gchar *joined = NULL;

      for (guint i = 0; i < host->len; i++)
        if (vmnet_iov_check_get_result (g_ptr_array_index (host, i)) == VMNET_CHECK_RESULT_FAIL)
          g_ptr_array_add (fails, (gpointer) vmnet_iov_check_get_title (g_ptr_array_index (host, i)));
      g_ptr_array_add (fails, NULL);
      joined = g_strjoinv (", ", (gchar **) fails->pdata);
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_HOST_SUPPORT, VMNET_CHECK_RESULT_FAIL, T_HOST_SUPPORT,
           g_strdup_printf ("The host cannot do SR-IOV: %s.", joined),
           g_strdup ("See the host's IovSupportReasons (vmnet get-vmhost, vmnet test-sriov)"));
    }
}

/* What frees a VF of @sw: the reconciler never takes one from an adapter
 * that still wants it, so only its holder letting go, or more VFs, does.
 * A holder not in @shown_vms (VM names; NULL: all) is "another VM". */
gchar *
vmnet_diagnose_free_vf_fix (const VmnetModel *model, const VmnetSwitchInfo *sw, GHashTable *shown_vms)
{
  const VmnetPfInfo *pf = NULL;
  g_autoptr(GString) holders = g_string_new (NULL);
  g_autoptr(GString) fix = g_string_new ("A VF is freed only when its holder lets go: stop or remove a VM that holds one");

  for (guint i = 0; sw->iov_pf && i < model->pfs->len && !pf; i++)
    if (g_strcmp0 (((const VmnetPfInfo *) g_ptr_array_index (model->pfs, i))->name, sw->iov_pf) == 0)
      pf = g_ptr_array_index (model->pfs, i);
  for (guint i = 0; pf && i < pf->vfs->len; i++)
    {
      const VmnetVfInfo *vf = g_ptr_array_index (pf->vfs, i);
      if (!vf->vm_name)
        continue;
      if (shown_vms && !g_hash_table_contains (shown_vms, vf->vm_name))
        g_string_append_printf (holders, "%sanother VM", holders->len ? ", " : "");
      else
        g_string_append_printf (holders, "%s%s/%s", holders->len ? ", " : "", vf->vm_name,
                                vf->vm_adapter_name ? vf->vm_adapter_name : "?");
    }
  if (holders->len)
    g_string_append_printf (fix, " (%s)", holders->str);
  g_string_append (fix, ", or set IovWeight 0 on its adapter (vmnet set-vmnetworkadapter --vm-name VM --name ADAPTER "
                        "--iov-weight 0)");
  if (pf && pf->max_vfs > pf->num_vfs)
    g_string_append_printf (fix, "; or raise NumVFs of %s, up to %d, while none of its VFs is in use "
                                 "(vmnet set-netadaptersriov %s --num-vfs N)", pf->name, pf->max_vfs, pf->name);
  return g_string_free (g_steal_pointer (&fix), FALSE);
}

static void
switch_checks (VmnetSwitchInfo *sw, VmnetModel *model, GPtrArray *host)
{
  GPtrArray *checks = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_iov_check_free);
  gboolean external = sw->switch_type == VMNET_SWITCH_TYPE_EXTERNAL && sw->net_adapter_name;
  gboolean blocked = FALSE;
  gboolean unknown = FALSE;     /* libvirt cannot tell the adapter's VFs (no host files) */

  add_host_support (checks, host);

  if (external)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_EXTERNAL, VMNET_CHECK_RESULT_PASS, T_SW_EXTERNAL,
         g_strdup_printf ("The switch is bound to %s.", sw->net_adapter_name), NULL);
  else
    {
      blocked = TRUE;
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_EXTERNAL, VMNET_CHECK_RESULT_FAIL, T_SW_EXTERNAL,
           g_strdup_printf ("Switch '%s' is %s: it has no physical adapter to take VFs from.", sw->name,
                            sw->switch_type == VMNET_SWITCH_TYPE_PRIVATE ? "Private" :
                            sw->switch_type == VMNET_SWITCH_TYPE_INTERNAL ? "Internal" : "not bound to an adapter"),
           g_strdup ("Connect the adapter to an External switch in SR-IOV mode (vmnet new-vmswitch --net-adapter PF --enable-iov)"));
    }

  if (blocked)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_ADAPTER_SRIOV, VMNET_CHECK_RESULT_SKIP, T_SW_ADAPTER,
         g_strdup ("Not checked: no physical adapter."), NULL);
  else if (sw->adapter_aggregate)
    {
      blocked = TRUE;
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_ADAPTER_SRIOV, VMNET_CHECK_RESULT_FAIL, T_SW_ADAPTER,
           g_strdup_printf ("Adapter %s of switch '%s' is a %s over %s: a VF belongs to one physical adapter and "
                            "bypasses the host's %s, so SR-IOV cannot pass through it.", sw->net_adapter_name,
                            sw->name, sw->adapter_aggregate, sw->adapter_members ? sw->adapter_members : "no ports",
                            sw->adapter_aggregate),
           g_strdup_printf ("Bind the SR-IOV switch to one physical adapter (vmnet new-vmswitch --net-adapter %s "
                            "--enable-iov), one switch per adapter, and team inside the VM instead: one VM adapter on "
                            "each switch, bonded in the guest (--allow-teaming on)",
                            sw->adapter_members ? sw->adapter_members : "PF"));
    }
  else if (!sw->adapter_sriov_capable && sw->iov_count_unknown)
    {
      unknown = TRUE;
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_ADAPTER_SRIOV, VMNET_CHECK_RESULT_UNKNOWN, T_SW_ADAPTER,
           g_strdup_printf ("Whether adapter %s of switch '%s' can do SR-IOV is not known: %s.", sw->net_adapter_name,
                            sw->name, sw->iov_count_unknown),
           g_strdup_printf ("Run vmnet test-sriov on the host itself (it reads the adapter's files), or start pool "
                            "'%s' so that libvirt lists its VFs", sw->iov_pool_name));
    }
  else if (!sw->adapter_sriov_capable)
    {
      blocked = TRUE;
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_ADAPTER_SRIOV, VMNET_CHECK_RESULT_FAIL, T_SW_ADAPTER,
           g_strdup_printf ("Adapter %s of switch '%s' is not SR-IOV capable.", sw->net_adapter_name, sw->name),
           g_strdup ("Bind an SR-IOV switch to an SR-IOV capable adapter (vmnet get-netadaptersriov lists them)"));
    }
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_ADAPTER_SRIOV, VMNET_CHECK_RESULT_PASS, T_SW_ADAPTER,
         g_strdup_printf ("Adapter %s is SR-IOV capable.", sw->net_adapter_name), NULL);

  if (blocked)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_VFS_ENABLED, VMNET_CHECK_RESULT_SKIP, T_SW_VFS,
         g_strdup ("Not checked: no SR-IOV adapter."), NULL);
  else if (unknown)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_VFS_ENABLED, VMNET_CHECK_RESULT_SKIP, T_SW_VFS,
         g_strdup ("Not checked: whether the adapter can do SR-IOV is not known."), NULL);
  else if (sw->adapter_num_vfs <= 0)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_VFS_ENABLED, VMNET_CHECK_RESULT_FAIL, T_SW_VFS,
         g_strdup_printf ("Adapter %s has no VFs enabled.", sw->net_adapter_name),
         g_strdup_printf ("vmnet set-netadaptersriov %s --num-vfs N", sw->net_adapter_name));
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_VFS_ENABLED, VMNET_CHECK_RESULT_PASS, T_SW_VFS,
         g_strdup_printf ("Adapter %s has %d VFs enabled.", sw->net_adapter_name, sw->adapter_num_vfs), NULL);

  /* libvirt refuses to configure a VF of a PF that is not online. */
  if (blocked || unknown || sw->adapter_num_vfs <= 0)
    ;
  else if (g_strcmp0 (sw->adapter_link_state, "down") == 0 || g_strcmp0 (sw->adapter_link_state, "lowerlayerdown") == 0)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_ADAPTER_UP, VMNET_CHECK_RESULT_FAIL, T_SW_UP,
         g_strdup_printf ("Adapter %s is %s: libvirt cannot configure its VFs (MAC, VLAN) while the PF is offline.",
                          sw->net_adapter_name, sw->adapter_link_state),
         g_strdup_printf ("ip link set %s up, and keep it up in the host's network configuration", sw->net_adapter_name));
  else if (sw->adapter_link_state)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_ADAPTER_UP, VMNET_CHECK_RESULT_PASS, T_SW_UP,
         g_strdup_printf ("Adapter %s is %s.", sw->net_adapter_name, sw->adapter_link_state), NULL);

  if (blocked)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_IOV_MODE, VMNET_CHECK_RESULT_SKIP, T_SW_IOV_MODE,
         g_strdup ("Not checked: no SR-IOV adapter."), NULL);
  else if (!sw->iov_enabled)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_IOV_MODE, VMNET_CHECK_RESULT_FAIL, T_SW_IOV_MODE,
         g_strdup_printf ("Switch '%s' was not created in SR-IOV mode (IovEnabled False, no VF pool), although "
                          "its adapter can do SR-IOV.", sw->name),
         g_strdup ("SR-IOV mode is chosen when a switch is created: create a new switch with vmnet new-vmswitch "
         "--enable-iov and connect the VM adapters to it"));
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_IOV_MODE, VMNET_CHECK_RESULT_PASS, T_SW_IOV_MODE,
         g_strdup_printf ("Switch '%s' is in SR-IOV mode (VF pool '%s').", sw->name, sw->iov_pool_name), NULL);

  if (!sw->iov_enabled)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_POOL_ACTIVE, VMNET_CHECK_RESULT_SKIP, T_SW_POOL,
         g_strdup ("Not checked: the switch has no VF pool."), NULL);
  else if (!sw->pool_active)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_POOL_ACTIVE, VMNET_CHECK_RESULT_FAIL, T_SW_POOL,
         g_strdup_printf ("The VF pool network '%s' is not running.", sw->iov_pool_name),
         g_strdup_printf ("virsh net-start %s; virsh net-autostart %s", sw->iov_pool_name, sw->iov_pool_name));
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_POOL_ACTIVE, VMNET_CHECK_RESULT_PASS, T_SW_POOL,
         g_strdup_printf ("The VF pool network '%s' is running.", sw->iov_pool_name), NULL);

  if (unknown && sw->iov_enabled)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_FREE_VFS, VMNET_CHECK_RESULT_UNKNOWN, T_SW_FREE,
         g_strdup_printf ("How many VFs switch '%s' has free is not known: %s.", sw->name, sw->iov_count_unknown),
         g_strdup_printf ("Run vmnet test-sriov on the host itself (it counts the VFs from its files), or start "
                          "pool '%s' so that libvirt lists its VFs", sw->iov_pool_name));
  else if (!sw->iov_enabled || sw->iov_virtual_function_count <= 0)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_FREE_VFS, VMNET_CHECK_RESULT_SKIP, T_SW_FREE,
         g_strdup ("Not checked: the switch has no VFs."), NULL);
  else if (sw->iov_virtual_functions_in_use >= sw->iov_virtual_function_count)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_FREE_VFS, VMNET_CHECK_RESULT_WARN, T_SW_FREE,
         g_strdup_printf ("All %d VFs of switch '%s' are in use.", sw->iov_virtual_function_count, sw->name),
         vmnet_diagnose_free_vf_fix (model, sw, NULL));
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_SWITCH_FREE_VFS, VMNET_CHECK_RESULT_PASS, T_SW_FREE,
         g_strdup_printf ("%d of %d VFs are free.", sw->iov_virtual_function_count - sw->iov_virtual_functions_in_use,
                          sw->iov_virtual_function_count), NULL);

  g_clear_pointer (&sw->checks, g_ptr_array_unref);
  sw->checks = checks;
}

static VmnetSwitchInfo *
switch_named (VmnetModel *model, const gchar *name)
{
  for (guint i = 0; name && i < model->switches->len; i++)
    {
      VmnetSwitchInfo *sw = g_ptr_array_index (model->switches, i);
      if (g_str_equal (sw->name, name))
        return sw;
    }
  return NULL;
}

/* What kind of trouble keeps SR-IOV from working, from the first failed check:
 * the configuration (host, switch, VM definition, policies) or a resource (no
 * free VF, the attach failed). A VF the guest has not taken is the guest's. */
static const gchar *
degraded_kind (GPtrArray *checks)
{
  for (guint i = 0; i < checks->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (checks, i);
      if (vmnet_iov_check_get_result (c) != VMNET_CHECK_RESULT_FAIL)
        continue;
      switch (vmnet_iov_check_get_code (c))
        {
        case VMNET_IOV_CHECK_ADAPTER_VF:
          return "Degraded (SR-IOV resource error)";
        default:
          return "Degraded (SR-IOV configuration error)";
        }
    }
  return "Degraded (SR-IOV not operational)";
}

/* Why the host's files were not read, completing "…, which %s". */
static const gchar *
host_files_where (const VmnetHostFacts *facts)
{
  if (facts->host_facts)
    return "could not be read";
  if (facts->remote)
    return "a remote connection does not reach";
  if (facts->test_driver)
    return "libvirt's test driver does not have (--host-root gives them)";
  return "were not read";
}

static void
adapter_checks (const VmnetHostFacts *facts, VmnetAdapterInfo *a, VmnetSwitchInfo *sw, VmnetModel *model,
                GPtrArray *host)
{
  GPtrArray *checks = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_iov_check_free);
  gboolean running = a->vm_state == VMNET_VM_STATE_RUNNING || a->vm_state == VMNET_VM_STATE_PAUSED;
  gboolean direct = g_strcmp0 (a->model, "hostdev") == 0;
  gboolean blocked = FALSE, policy_blocked;
  g_autoptr(GStrvBuilder) description = g_strv_builder_new ();
  g_autoptr(GPtrArray) policy_checks = NULL;
  g_autofree gchar *applied = NULL;

  if (a->iov_weight == 0 && !direct)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_IOV_WEIGHT, VMNET_CHECK_RESULT_FAIL, T_AD_WEIGHT,
         g_strdup ("IovWeight is 0: SR-IOV is off for this adapter."),
         g_strdup_printf ("vmnet set-vmnetworkadapter --vm-name %s --name %s --iov-weight 100", a->vm_name, a->name));
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_IOV_WEIGHT, VMNET_CHECK_RESULT_PASS, T_AD_WEIGHT,
         direct ? g_strdup ("A VF is assigned directly, without a software path.")
                : g_strdup_printf ("IovWeight %u asks for a VF.", a->iov_weight), NULL);

  if (a->settings_error)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_SETTINGS, VMNET_CHECK_RESULT_WARN, T_AD_SETTINGS,
         g_strdup_printf ("%s.", a->settings_error),
         g_strdup_printf ("Set them again: vmnet set-vmnetworkadapter --vm-name %s --name %s …", a->vm_name, a->name));
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_SETTINGS, VMNET_CHECK_RESULT_PASS, T_AD_SETTINGS,
         g_strdup ("The stored settings are valid."), NULL);

  add_host_support (checks, host);
  /* No VF can come while the host cannot do SR-IOV, or a policy keeps it off. */
  policy_checks = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_iov_check_free);
  policy_blocked = vmnet_diagnose_port_policy_check (policy_checks, a, sw, &applied);
  if (policy_blocked)
    blocked = TRUE;
  if (vmnet_checks_support (host) == VMNET_TERNARY_FALSE)
    blocked = TRUE;

  if (direct)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_SWITCH, VMNET_CHECK_RESULT_SKIP, T_AD_SWITCH,
         g_strdup ("Not checked: the VF is assigned directly."), NULL);
  else if (!sw)
    {
      blocked = TRUE;
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_SWITCH, VMNET_CHECK_RESULT_FAIL, T_AD_SWITCH,
           g_strdup ("The adapter is not connected to a virtual switch."),
           g_strdup ("Connect it to an External switch in SR-IOV mode"));
    }
  else if (vmnet_checks_support (sw->checks) == VMNET_TERNARY_FALSE)
    {
      const VmnetIovCheck *first = NULL;
      blocked = TRUE;
      for (guint i = 0; i < sw->checks->len && !first; i++)
        if (vmnet_iov_check_get_result (g_ptr_array_index (sw->checks, i)) == VMNET_CHECK_RESULT_FAIL &&
            vmnet_iov_check_get_code (g_ptr_array_index (sw->checks, i)) != VMNET_IOV_CHECK_HOST_SUPPORT)
          first = g_ptr_array_index (sw->checks, i);
      if (first)
        vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_SWITCH, VMNET_CHECK_RESULT_FAIL, T_AD_SWITCH,
             g_strdup_printf ("Switch '%s' cannot give VFs: %s", sw->name, vmnet_iov_check_get_message (first)),
             g_strdup (vmnet_iov_check_get_fix (first)));
      else
        vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_SWITCH, VMNET_CHECK_RESULT_SKIP, T_AD_SWITCH,
             g_strdup_printf ("Not checked: the host cannot do SR-IOV."), NULL);
    }
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_SWITCH, VMNET_CHECK_RESULT_PASS, T_AD_SWITCH,
         g_strdup_printf ("Switch '%s' is in SR-IOV mode.", sw->name), NULL);

  if (direct)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_FAILOVER, VMNET_CHECK_RESULT_SKIP, T_AD_FAILOVER,
         g_strdup ("Not checked: the VF is assigned directly, without a virtio partner."), NULL);
  else if (!a->failover_ready && (!sw || !sw->iov_enabled))
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_FAILOVER, VMNET_CHECK_RESULT_SKIP, T_AD_FAILOVER,
         g_strdup ("Not checked: the VM's definition is made ready for failover once the adapter is on a switch "
                   "in SR-IOV mode (see above)."), NULL);
  else if (!a->failover_ready)
    {
      gboolean virtio = g_strcmp0 (a->model, "virtio") == 0;
      blocked = TRUE;
      vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_FAILOVER, VMNET_CHECK_RESULT_FAIL, T_AD_FAILOVER,
           g_strdup_printf ("VM '%s' is defined without failover for this adapter (a virtio device with "
                            "<teaming type='persistent'/> and a ua- alias), so a VF cannot be hot-plugged beside it%s",
                            a->vm_name, running ? "; the running VM keeps the definition it started with." : "."),
           !virtio
           ? g_strdup_printf ("Change the adapter's model to virtio in the VM's definition (virsh edit %s), set "
                              "IovWeight again, then restart the VM", a->vm_name)
           : a->iov_weight > 0
           ? g_strdup_printf ("vmnet set-vmnetworkadapter --vm-name %s --name %s --iov-weight %u makes the definition "
                              "failover-ready if it is not yet; then restart the VM", a->vm_name, a->name, a->iov_weight)
           : g_strdup_printf ("vmnet set-vmnetworkadapter --vm-name %s --name %s --iov-weight 100 makes the definition "
                              "failover-ready; then restart the VM", a->vm_name, a->name));
    }
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_FAILOVER, VMNET_CHECK_RESULT_PASS, T_AD_FAILOVER,
         g_strdup ("The virtio adapter is ready to team with a VF."), NULL);

  if (running)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VM_RUNNING, VMNET_CHECK_RESULT_PASS, T_AD_RUNNING,
         g_strdup_printf ("VM '%s' is running.", a->vm_name), NULL);
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VM_RUNNING, VMNET_CHECK_RESULT_FAIL, T_AD_RUNNING,
         g_strdup_printf ("VM '%s' is not running: VFs are given to running VMs only.", a->vm_name),
         g_strdup_printf ("Start the VM (virsh start %s)", a->vm_name));

  /* A VF is hot-plugged into an empty PCIe port of a q35 VM; pc machines
   * take it on their PCI root bus. */
  if (running && !direct && !a->vf_plugged && a->iov_weight > 0 && a->pcie_ports >= 0)
    {
      if (a->pcie_ports_free > 0)
        vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_PCIE_SLOT, VMNET_CHECK_RESULT_PASS, T_AD_PCIE,
             g_strdup_printf ("%d of the VM's %d hot-pluggable PCIe ports are free.", a->pcie_ports_free,
                              a->pcie_ports), NULL);
      else
        {
          blocked = TRUE;
          vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_PCIE_SLOT, VMNET_CHECK_RESULT_FAIL, T_AD_PCIE,
               a->pcie_ports == 0
               ? g_strdup_printf ("VM '%s' (q35) has no hot-pluggable PCIe port (pcie-root-port), so a VF cannot be "
                                  "hot-plugged into it.", a->vm_name)
               : g_strdup_printf ("VM '%s' (q35) has no free PCIe port: all %d pcie-root-port controllers hold a "
                                  "device, so a VF cannot be hot-plugged into it.", a->vm_name, a->pcie_ports),
               g_strdup_printf ("Add a pcie-root-port controller for each VF to come (virsh edit %s: "
                                "<controller type='pci' model='pcie-root-port'/>), then restart the VM", a->vm_name));
        }
    }

  if (a->vf_plugged && a->guest_vf == VMNET_TERNARY_TRUE)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VF, VMNET_CHECK_RESULT_PASS, T_AD_VF,
         g_strdup_printf ("VF %s backs the adapter; the guest uses it.", a->virtual_function), NULL);
  else if (a->vf_plugged && a->guest_vf == VMNET_TERNARY_FALSE)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VF, VMNET_CHECK_RESULT_FAIL, T_AD_VF,
         direct
         ? g_strdup_printf ("VF %s is assigned, but no guest driver uses it (vfio shows no interrupts for it).",
                            a->virtual_function)
         : g_strdup_printf ("VF %s is plugged, but the guest has not taken it (vfio shows no interrupts for it): "
                            "QEMU keeps a failover VF hidden until the guest's virtio-net driver negotiates "
                            "failover, and the guest needs a driver for the VF.", a->virtual_function),
         g_strdup (direct ? "Load the VF's driver in the guest (for example ixgbevf, iavf, igbvf, mlx5_core)"
                          : "In the guest: a kernel with net_failover (Linux 4.18 or later, virtio_net loaded) and "
                            "the VF's driver (for example ixgbevf, iavf, igbvf, mlx5_core)"));
  else if (a->vf_plugged)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VF, VMNET_CHECK_RESULT_UNKNOWN, T_AD_VF,
         g_strdup_printf ("VF %s is plugged, guest not confirmed: whether the guest has taken it shows in the "
                          "host's /proc/interrupts (vfio interrupts), which %s.", a->virtual_function,
                          host_files_where (facts)),
         g_strdup ("Run vmnet on the host itself (or with --host-root) to confirm"));
  else if (running && !blocked && a->iov_weight > 0 && sw &&
           sw->iov_virtual_functions_in_use >= sw->iov_virtual_function_count)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VF, VMNET_CHECK_RESULT_FAIL, T_AD_VF,
         g_strdup_printf ("No free VF on switch '%s' (%d of %d in use)%s%s", sw->name,
                          sw->iov_virtual_functions_in_use, sw->iov_virtual_function_count,
                          a->last_error ? "; the last attach failed: " : ".", a->last_error ? a->last_error : ""),
         vmnet_diagnose_free_vf_fix (model, sw, NULL));
  else if (a->last_error && !policy_blocked)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VF, VMNET_CHECK_RESULT_FAIL, T_AD_VF,
         g_strdup_printf ("The last VF attach failed: %s", a->last_error),
         g_strdup ("Fix the cause libvirt names; the VF is attached again when the situation changes"));
  else if (blocked || a->iov_weight == 0 || !running)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VF, VMNET_CHECK_RESULT_SKIP, T_AD_VF,
         g_strdup ("No VF: see the checks above."), NULL);
  else if (sw && sw->iov_virtual_functions_in_use >= sw->iov_virtual_function_count)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VF, VMNET_CHECK_RESULT_FAIL, T_AD_VF,
         g_strdup_printf ("No free VF on switch '%s' (%d of %d in use).", sw->name,
                          sw->iov_virtual_functions_in_use, sw->iov_virtual_function_count),
         vmnet_diagnose_free_vf_fix (model, sw, NULL));
  else if (a->failover_ready)
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VF, VMNET_CHECK_RESULT_WARN, T_AD_VF,
         g_strdup ("No VF attached yet, although one is free."),
         g_strdup ("vmnetd attaches VFs as they become free; vmnet set-vmnetworkadapter re-applies the setting now"));
  else
    vmnet_diagnose_add (checks, VMNET_IOV_CHECK_ADAPTER_VF, VMNET_CHECK_RESULT_SKIP, T_AD_VF,
         g_strdup ("No VF: see the checks above."), NULL);

  g_ptr_array_extend_and_steal (checks, g_steal_pointer (&policy_checks));

  if (a->vlan_id > 0 || (a->vf_plugged && a->vf_vlan_id != a->vlan_id))
    vmnet_diagnose_vlan_check (checks, a, sw, running);
  vmnet_diagnose_state_changes_check (checks, a, direct);

  /* Status and StatusDescription, as Hyper-V words them. */
  /* A VF held under a policy it bypasses is not OK: it goes on the next pass. */
  if (a->vf_plugged && policy_blocked)
    {
      a->status = VMNET_OPERATIONAL_STATUS_DEGRADED;
      g_strv_builder_add (description, degraded_kind (checks));
    }
  else if (a->iov_usage)
    {
      a->status = VMNET_OPERATIONAL_STATUS_OK;
      g_strv_builder_add (description, "OK (SR-IOV active)");
      if (applied)
        g_strv_builder_add (description, applied);
    }
  else if (a->vf_plugged && a->guest_vf == VMNET_TERNARY_FALSE)
    {
      a->status = VMNET_OPERATIONAL_STATUS_DEGRADED;
      g_strv_builder_add (description, "Degraded (SR-IOV guest error)");
      if (applied)
        g_strv_builder_add (description, applied);
    }
  else if (a->vf_plugged)
    {
      a->status = VMNET_OPERATIONAL_STATUS_OK;
      g_strv_builder_add (description, "OK (SR-IOV plugged, guest not confirmed)");
      if (applied)
        g_strv_builder_add (description, applied);
    }
  else if (a->iov_weight == 0 && !direct)
    {
      /* SR-IOV is off by choice: what would stand in its way is test-sriov's. */
      a->status = running ? VMNET_OPERATIONAL_STATUS_OK : VMNET_OPERATIONAL_STATUS_STOPPED;
      g_strv_builder_add (description, running ? "OK (SR-IOV off: IovWeight 0)" : "Stopped (VM not running)");
    }
  else if (!running && !a->iov_usage)
    {
      a->status = VMNET_OPERATIONAL_STATUS_STOPPED;
      g_strv_builder_add (description, "Stopped (VM not running)");
    }
  else
    {
      a->status = VMNET_OPERATIONAL_STATUS_DEGRADED;
      g_strv_builder_add (description, degraded_kind (checks));
    }
  if (a->vf_plugged || a->iov_weight > 0 || direct)
    {
      g_auto(GStrv) reasons = NULL;
      /* The VM-running check is said by the status itself. */
      g_autoptr(GPtrArray) rest = g_ptr_array_new ();
      for (guint i = 0; i < checks->len; i++)
        {
          VmnetIovCheckCode code = vmnet_iov_check_get_code (g_ptr_array_index (checks, i));
          if (code != VMNET_IOV_CHECK_ADAPTER_VM_RUNNING)
            g_ptr_array_add (rest, g_ptr_array_index (checks, i));
        }
      reasons = vmnet_checks_reasons (rest);
      g_strv_builder_addv (description, (const gchar **) reasons);
    }

  g_clear_pointer (&a->checks, g_ptr_array_unref);
  a->checks = checks;
  g_strfreev (a->status_description);
  a->status_description = g_strv_builder_end (description);
}

void
vmnet_diagnose (const VmnetHostFacts *facts, VmnetModel *model)
{
  g_clear_pointer (&model->host_checks, g_ptr_array_unref);
  model->host_checks = host_checks (facts, model);

  for (guint i = 0; i < model->switches->len; i++)
    switch_checks (g_ptr_array_index (model->switches, i), model, model->host_checks);

  for (guint i = 0; i < model->vms->len; i++)
    {
      VmnetVmInfo *vm = g_ptr_array_index (model->vms, i);
      for (guint j = 0; j < vm->adapters->len; j++)
        {
          VmnetAdapterInfo *a = g_ptr_array_index (vm->adapters, j);
          adapter_checks (facts, a, switch_named (model, a->switch_name), model, model->host_checks);
        }
    }
}
