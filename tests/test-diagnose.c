/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Part 8 scenarios: a fixture machine each (sysfs and /proc trees plus a
 * libvirt test-driver host), and the exact checks for host, switch and adapter. */
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "vmnet-test-util.h"

typedef struct {
  const gchar *cpu_vendor;   /* "intel", "amd" */
  gboolean     slat;
  gboolean     kvm_slat_off;
  gboolean     iommu;
  gboolean     iommu_cmdline;
  gboolean     interrupt_remapping;
  gboolean     unsafe_override;
  gboolean     vfio;
  const gchar *kernel_error;
  gboolean     sriov_nic;
  guint        num_vfs;
  gboolean     shared_group;
  gboolean     iov_switch;
  gboolean     router_guard;
  gboolean     vf_attached;
  gboolean     vm_running;
  gint         vf_total_msix;  /* 0: not exposed */
  gboolean     guest_hidden;   /* the guest has not taken the plugged VF */
  const gchar *ir_erratum;     /* a kernel message on the chipset's interrupt remapping erratum */
  const gchar *bond;           /* the switch's adapter is this kind ("bond", "team") over the NIC */
  guint        pcie_ports;     /* a q35 VM with this many pcie-root-ports (0: a pc machine) */
  guint        pcie_ports_used;
  gboolean     weight_zero;    /* the adapter's IovWeight is 0 */
  gboolean     no_failover;    /* the adapter is defined without failover */
  gboolean     others_hold_vfs; /* vm2 holds both VFs */
  const gchar *iface_xml;      /* more of the adapter's <interface> */
  const gchar *network_xml;    /* more of the switch's <network> */
  const gchar *settings;       /* more attributes of its metadata entry */
} Machine;

/* Both paths agree on MAC address spoofing: allowed (macvtap takes no
 * nwfilter; the VF's spoof checking is off). */
static const Machine good = {
  .cpu_vendor = "intel", .slat = TRUE, .iommu = TRUE, .iommu_cmdline = TRUE,
  .interrupt_remapping = TRUE, .vfio = TRUE, .sriov_nic = TRUE, .num_vfs = 2,
  .iov_switch = TRUE, .vf_attached = TRUE, .vm_running = TRUE,
  .settings = " mac-address-spoofing='on'",
};

static void
put (const gchar *root, const gchar *path, const gchar *contents)
{
  g_autofree gchar *dir = g_path_get_dirname (path);
  g_autofree gchar *base = g_path_get_basename (path);
  g_autofree gchar *full_dir = g_build_filename (root, dir, NULL);
  g_free (vmnet_test_write_file (full_dir, base, contents));
}

static gchar *
build_root (const Machine *m)
{
  g_autoptr(GError) error = NULL;
  gchar *root = g_dir_make_tmp ("machine-XXXXXX", &error);
  g_autofree gchar *cpuinfo = NULL;

  g_assert_no_error (error);
  if (g_str_equal (m->cpu_vendor, "intel"))
    cpuinfo = g_strdup_printf ("processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme de pse tsc msr vmx\n"
                               "vmx flags\t: vnmi preemption_timer%s vpid\n\n", m->slat ? " ept" : "");
  else
    cpuinfo = g_strdup_printf ("processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu vme svm%s\n\n",
                               m->slat ? " npt" : "");
  put (root, "proc/cpuinfo", cpuinfo);
  put (root, "proc/cmdline", m->iommu_cmdline ? "BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on iommu=pt\n"
                                              : "BOOT_IMAGE=/vmlinuz root=/dev/sda1\n");
  {
    /* A guest's driver that has the VF enables its interrupts through vfio. */
    g_autofree gchar *interrupts =
      g_strdup_printf ("%s%s%s", m->interrupt_remapping
                       ? "           CPU0\n  0:         42   IR-IO-APIC    2-edge      timer\n 24:  0  DMAR-MSI  0-edge  dmar0\n"
                       : "           CPU0\n  0:         42   IO-APIC    2-edge      timer\n",
                       m->vf_attached && !m->guest_hidden ? (m->interrupt_remapping ? " 57:  1234  IR-" : " 57:  1234  ") : "",
                       m->vf_attached && !m->guest_hidden
                       ? "PCI-MSIX-0000:01:10.0    0-edge      vfio-msix[0](0000:01:10.0)\n" : "");
    put (root, "proc/interrupts", interrupts);
  }
  put (root, "proc/sys/kernel/osrelease", "6.1.0-test\n");
  put (root, "lib/modules/6.1.0-test/modules.dep",
       m->vfio ? "kernel/drivers/vfio/pci/vfio-pci.ko: kernel/drivers/vfio/vfio.ko\n" : "kernel/drivers/net/e1000e.ko:\n");
  put (root, "sys/module/kvm/parameters/halt_poll_ns", "0\n");
  if (m->kvm_slat_off)
    put (root, "sys/module/kvm_intel/parameters/ept", "N\n");
  if (m->iommu)
    put (root, "sys/class/iommu/dmar0/uevent", "\n");
  if (m->unsafe_override)
    put (root, "sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "Y\n");
  {
    g_autofree gchar *kmsg = g_strdup_printf ("6,100,1000,-;pci 0000:00:00.0: [8086:0000] type 00\n%s%s%s%s%s%s",
                                              m->kernel_error ? "3,101,2000,-;" : "",
                                              m->kernel_error ? m->kernel_error : "",
                                              m->kernel_error ? "\n" : "",
                                              m->ir_erratum ? "4,102,3000,-;" : "",
                                              m->ir_erratum ? m->ir_erratum : "",
                                              m->ir_erratum ? "\n" : "");
    put (root, "dev/kmsg", kmsg);
  }

  if (m->bond)
    {
      /* bond0 over the NIC as Linux shows a bond: DEVTYPE=bond, bonding/, a lower_ link. */
      /* A team shows no DEVTYPE (nor a directory of its own). */
      g_autofree gchar *uevent = g_strdup_printf ("%sINTERFACE=bond0\nIFINDEX=9\n",
                                                  g_str_equal (m->bond, "bond") ? "DEVTYPE=bond\n" : "");
      put (root, "sys/class/net/bond0/uevent", uevent);
      if (g_str_equal (m->bond, "bond"))
        put (root, "sys/class/net/bond0/bonding/slaves", "enp1s0\n");
      {
        g_autofree gchar *link = g_build_filename (root, "sys/class/net/bond0/lower_enp1s0", NULL);
        g_assert_cmpint (symlink ("../enp1s0", link), ==, 0);
      }
    }

  if (m->sriov_nic)
    {
      vmnet_test_sysfs_add_pci (root, "0000:01:00.0", "igb", m->iommu ? 10 : -1, "enp1s0");
      vmnet_test_sysfs_set (root, "0000:01:00.0", "sriov_totalvfs", "7");
      vmnet_test_sysfs_set (root, "0000:01:00.0", "sriov_numvfs", m->num_vfs ? "2" : "0");
      for (guint i = 0; i < m->num_vfs; i++)
        {
          g_autofree gchar *vf = g_strdup_printf ("0000:01:10.%u", i * 2);
          /* VFs handed out are on vfio-pci, free ones on their host driver. */
          vmnet_test_sysfs_add_pci (root, vf, m->vf_attached && i == 0 ? "vfio-pci" : "igbvf",
                                    !m->iommu ? -1 : m->shared_group ? 10 : 11 + (gint) i, NULL);
          vmnet_test_sysfs_add_vf (root, "0000:01:00.0", i, vf);
          if (m->vf_total_msix > 0)
            vmnet_test_sysfs_set (root, vf, "sriov_vf_msix_count", m->vf_attached && i == 0 ? "5" : "2");
        }
      if (m->vf_total_msix > 0)
        {
          g_autofree gchar *total = g_strdup_printf ("%d", m->vf_total_msix);
          vmnet_test_sysfs_set (root, "0000:01:00.0", "sriov_vf_total_msix", total);
          put (root, "sys/bus/pci/drivers/igbvf/unbind", "");
          put (root, "sys/bus/pci/drivers_probe", "");
        }
    }
  return root;
}

static gchar *
build_xml (const Machine *m)
{
  g_autoptr(GString) body = g_string_new (NULL);
  const gchar *nic = m->sriov_nic ? "enp1s0" : "eno1";

  if (m->sriov_nic)
    {
      g_string_append (body,
        "<device><name>pci_0000_01_00_0</name><parent>computer</parent><capability type='pci'>"
        "<class>0x020000</class><domain>0</domain><bus>1</bus><slot>0</slot><function>0</function>"
        "<product id='0x10c9'>82576 Gigabit Network Connection</product><vendor id='0x8086'>Intel Corporation</vendor>"
        "<capability type='virt_functions' maxCount='7'>");
      for (guint i = 0; i < m->num_vfs; i++)
        g_string_append_printf (body, "<address domain='0x0000' bus='0x01' slot='0x10' function='0x%u'/>", i * 2);
      g_string_append (body, "</capability>");
      if (m->iommu)
        g_string_append (body, "<iommuGroup number='10'><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>"
                               "</iommuGroup>");
      g_string_append (body, "</capability></device>"
        "<device><name>net_enp1s0</name><parent>pci_0000_01_00_0</parent><capability type='net'>"
        "<interface>enp1s0</interface><address>52:54:00:12:34:56</address><link speed='1000' state='up'/></capability></device>");
    }
  else
    g_string_append (body,
      "<device><name>pci_0000_00_1f_6</name><parent>computer</parent><capability type='pci'>"
      "<class>0x020000</class><domain>0</domain><bus>0</bus><slot>31</slot><function>6</function>"
      "<product id='0x15bb'>I219-LM</product><vendor id='0x8086'>Intel Corporation</vendor></capability></device>"
      "<device><name>net_eno1</name><parent>pci_0000_00_1f_6</parent><capability type='net'>"
      "<interface>eno1</interface><address>52:54:00:12:34:57</address></capability></device>");

  g_string_append_printf (body, "<network><name>sw</name><forward mode='bridge'><interface dev='%s'/></forward>%s"
                          "</network>", m->bond ? "bond0" : nic, m->network_xml ? m->network_xml : "");
  if (m->iov_switch)
    g_string_append_printf (body, "<network><name>sw-iov</name><forward mode='hostdev' managed='yes'><pf dev='%s'/></forward></network>",
                            m->bond ? "bond0" : nic);

  g_string_append_printf (body,
    "<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>vm1</name>"
    "<memory>1024</memory><os><type%s>hvm</type></os>"
    "<metadata><vmnet:adapters xmlns:vmnet='http://libvmnet.org/xmlns/vmnet/1.0'>"
    "<vmnet:adapter mac='52:54:00:aa:00:01' iov-weight='%s'%s%s/></vmnet:adapters></metadata><devices>"
    "<interface type='network'><mac address='52:54:00:aa:00:01'/><source network='sw'/><model type='virtio'/>"
    "%s<alias name='ua-net0'/>%s</interface>",
    m->pcie_ports ? " machine='pc-q35-7.2'" : "", m->weight_zero ? "0" : "100",
    m->router_guard ? " router-guard='on'" : "", m->settings ? m->settings : "",
    m->no_failover ? "" : "<teaming type='persistent'/>", m->iface_xml ? m->iface_xml : "");
  /* The ports, and a disk on each used one (as libvirt addresses them). */
  for (guint i = 0; i < m->pcie_ports; i++)
    g_string_append_printf (body, "<controller type='pci' index='%u' model='pcie-root-port'>"
                            "<address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x%x'/></controller>",
                            i + 1, i);
  for (guint i = 0; i < m->pcie_ports_used; i++)
    g_string_append_printf (body, "<disk type='file' device='disk'><source file='/var/lib/d%u.img'/>"
                            "<target dev='vd%c' bus='virtio'/>"
                            "<address type='pci' domain='0x0000' bus='0x%02x' slot='0x00' function='0x0'/></disk>",
                            i, 'a' + i, i + 1);
  if (m->vf_attached)
    g_string_append (body,
      "<interface type='hostdev' managed='yes'><mac address='52:54:00:aa:00:01'/>"
      "<source><address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x0'/></source>"
      "<teaming type='transient' persistent='ua-net0'/><alias name='ua-net0-vf'/></interface>");
  g_string_append_printf (body, "</devices>%s</domain>",
                          m->vm_running ? "" : "<test:runstate>5</test:runstate>");
  if (m->others_hold_vfs)
    {
      g_string_append (body,
        "<domain type='test'><name>vm2</name><memory>1024</memory><os><type>hvm</type></os>"
        "<metadata><vmnet:adapters xmlns:vmnet='http://libvmnet.org/xmlns/vmnet/1.0'>"
        "<vmnet:adapter mac='52:54:00:bb:00:01' iov-weight='100'/><vmnet:adapter mac='52:54:00:bb:00:02' iov-weight='100'/>"
        "</vmnet:adapters></metadata><devices>");
      for (guint i = 0; i < 2; i++)
        g_string_append_printf (body,
          "<interface type='network'><mac address='52:54:00:bb:00:0%u'/><source network='sw'/><model type='virtio'/>"
          "<teaming type='persistent'/><alias name='ua-n%u'/></interface>"
          "<interface type='hostdev' managed='yes'><mac address='52:54:00:bb:00:0%u'/>"
          "<source><address type='pci' domain='0x0000' bus='0x01' slot='0x10' function='0x%u'/></source>"
          "<teaming type='transient' persistent='ua-n%u'/><alias name='ua-n%u-vf'/></interface>",
          i + 1, i, i + 1, i * 2, i, i);
      g_string_append (body, "</devices></domain>");
    }
  return vmnet_test_host_xml (body->str);
}

typedef struct {
  gchar     *root;
  gchar     *uri;
  VmnetHost *host;
} Opened;

static void
opened_free (Opened *o)
{
  g_clear_object (&o->host);
  g_free (o->root);
  g_free (o->uri);
  g_free (o);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Opened, opened_free)

static Opened *
open_machine (const Machine *m)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *xml = build_xml (m);
  Opened *o = g_new0 (Opened, 1);

  o->root = build_root (m);
  o->uri = vmnet_test_uri_for_xml (xml);
  o->host = g_initable_new (VMNET_TYPE_HOST, NULL, &error, "uri", o->uri, "host-root", o->root, NULL);
  g_assert_no_error (error);
  return o;
}

/* EXPECTED: "code=result ..." for every check that is not a pass; the rest must pass. */
static void
assert_checks (GPtrArray *checks, const gchar *expected)
{
  g_autoptr(GEnumClass) codes = g_type_class_ref (VMNET_TYPE_IOV_CHECK_CODE);
  g_autoptr(GEnumClass) results = g_type_class_ref (VMNET_TYPE_CHECK_RESULT);
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < checks->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (checks, i);
      if (vmnet_iov_check_get_result (c) == VMNET_CHECK_RESULT_PASS)
        {
          g_assert_null (vmnet_iov_check_get_fix (c));
          continue;
        }
      /* Anything that is not a pass or a skip says what to do about it. */
      if (vmnet_iov_check_get_result (c) != VMNET_CHECK_RESULT_SKIP)
        g_assert_nonnull (vmnet_iov_check_get_fix (c));
      g_string_append_printf (got, "%s%s=%s", got->len ? " " : "",
                              g_enum_get_value (codes, vmnet_iov_check_get_code (c))->value_nick,
                              g_enum_get_value (results, vmnet_iov_check_get_result (c))->value_nick);
    }
  g_assert_cmpstr (got->str, ==, expected);
}

static GPtrArray *
host_checks (Opened *o)
{
  return vmnet_host_dup_iov_checks (o->host);
}

static GPtrArray *
switch_checks (Opened *o)
{
  g_autoptr(VmnetSwitch) sw = vmnet_host_find_switch (o->host, "sw", NULL);
  return vmnet_switch_dup_iov_checks (sw);
}

static VmnetNetworkAdapter *
the_adapter (Opened *o)
{
  g_autoptr(VmnetVm) vm = vmnet_host_find_vm (o->host, "vm1", NULL);
  return vmnet_vm_find_network_adapter (vm, "net0", NULL);
}

static GPtrArray *
adapter_checks (Opened *o)
{
  g_autoptr(VmnetNetworkAdapter) a = the_adapter (o);
  return vmnet_network_adapter_dup_iov_checks (a);
}

/* vmnet test-sriov on the same machine: its exit status. */
static gint
test_sriov (Opened *o, const gchar *vm)
{
  g_autoptr(GError) error = NULL;
  const gchar *cli = g_getenv ("VMNET_CLI");
  gint status = -1;
  const gchar *argv[] = { cli, "--connect", o->uri, "--host-root", o->root, "--output", "json",
                          "test-sriov", vm ? "--vm-name" : NULL, vm, NULL };
  g_autofree gchar *out = NULL;

  if (!cli)
    return -1;
  g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_true (g_str_has_prefix (out, "["));
  return WEXITSTATUS (status);
}

/* With VMNET_CLI: vmnet test-sriov's exit status for the host, and for vm1. */
static void
assert_test_sriov (Opened *o, gint host_status, gint vm_status)
{
  if (!g_getenv ("VMNET_CLI"))
    return;
  g_assert_cmpint (test_sriov (o, NULL), ==, host_status);
  g_assert_cmpint (test_sriov (o, "vm1"), ==, vm_status);
}

#define CHECK(get, expected) G_STMT_START { g_autoptr(GPtrArray) _c = get (o); assert_checks (_c, expected); } G_STMT_END

static void
test_good_machine (void)
{
  g_autoptr(Opened) o = open_machine (&good);
  g_autoptr(VmnetNetworkAdapter) a = the_adapter (o);
  g_auto(GStrv) reasons = vmnet_host_dup_iov_support_reasons (o->host);

  CHECK (host_checks, "hostdev=skip");
  g_assert_cmpint (vmnet_host_get_iov_support (o->host), ==, VMNET_TERNARY_TRUE);
  /* As Hyper-V shows a host and a switch that can do SR-IOV. */
  g_assert_cmpuint (g_strv_length (reasons), ==, 1);
  g_assert_cmpstr (reasons[0], ==, "OK");
  {
    g_autoptr(VmnetSwitch) sw = vmnet_host_find_switch (o->host, "sw", NULL);
    g_auto(GStrv) sw_reasons = vmnet_switch_dup_iov_support_reasons (sw);
    g_autofree gchar *joined = g_strjoinv ("|", sw_reasons);
    g_assert_cmpstr (joined, ==, "OK");
  }
  g_assert_cmpuint (vmnet_network_adapter_get_iov_usage (a), ==, 1);
  CHECK (switch_checks, "");
  /* With its VF attached, the adapter warns of saves and snapshots by other tools (they hang). */
  CHECK (adapter_checks, "adapter-state-changes=warn");
  g_assert_cmpint (vmnet_network_adapter_get_status (a), ==, VMNET_OPERATIONAL_STATUS_OK);
  g_assert_cmpstr (vmnet_network_adapter_get_status_description (a)[0], ==, "OK (SR-IOV active)");
  g_assert_true (strstr (vmnet_network_adapter_get_status_description (a)[1], "virsh save, virsh managedsave"));
  g_assert_true (strstr (vmnet_network_adapter_get_status_description (a)[1], "vmnet save-vm"));
  g_assert_null (vmnet_network_adapter_get_status_description (a)[2]);
  assert_test_sriov (o, 0, 0);
}

static gchar *
fixture_file (Opened *o, const gchar *path)
{
  g_autofree gchar *full = g_build_filename (o->root, path, NULL);
  gchar *contents = NULL;

  g_assert_true (g_file_get_contents (full, &contents, NULL, NULL));
  return contents;
}

/* IovQueuePairsRequested where the PF shares out MSI-X vectors: the VF the
 * pool hands out next gets them before the attach (its host driver lets go
 * first), and IovQueuePairsAssigned reports what the VF has. */
static void
test_queue_pair_vectors (void)
{
  Machine m = good;
  g_autoptr(Opened) held = NULL;
  g_autoptr(Opened) o = NULL;
  g_autoptr(VmnetNetworkAdapter) a = NULL;
  g_autoptr(VmnetSwitch) sw = NULL;
  g_autoptr(VmnetAdapterSettings) settings = vmnet_adapter_settings_new ();
  g_autoptr(GError) error = NULL;
  g_autofree gchar *count = NULL, *unbind = NULL, *probe = NULL, *other = NULL;

  m.vf_total_msix = 64;
  held = open_machine (&m);
  a = the_adapter (held);
  sw = vmnet_host_find_switch (held->host, "sw", NULL);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_queue_pairs_assigned (a), ==, 4);   /* 5 vectors */
  g_assert_cmpint (vmnet_switch_get_iov_queue_pair_count (sw), ==, 62);
  g_assert_cmpint (vmnet_switch_get_iov_queue_pairs_in_use (sw), ==, 4);
  g_clear_object (&a);

  m.vf_attached = FALSE;
  o = open_machine (&m);
  a = the_adapter (o);
  vmnet_adapter_settings_set_iov_queue_pairs_requested (settings, 4);
  g_assert_true (vmnet_host_set_network_adapter (o->host, a, settings, NULL, &error));
  g_assert_no_error (error);
  count = fixture_file (o, "sys/bus/pci/devices/0000:01:10.0/sriov_vf_msix_count");
  g_assert_cmpstr (count, ==, "5\n");
  unbind = fixture_file (o, "sys/bus/pci/drivers/igbvf/unbind");
  g_assert_cmpstr (unbind, ==, "0000:01:10.0");
  other = fixture_file (o, "sys/bus/pci/devices/0000:01:10.2/sriov_vf_msix_count");
  g_assert_cmpstr (other, ==, "2\n");
  /* The test driver cannot take a VF from a pool: the VF goes back to its host driver. */
  probe = fixture_file (o, "sys/bus/pci/drivers_probe");
  g_assert_cmpstr (probe, ==, "0000:01:10.0");
  g_clear_object (&a);
  a = the_adapter (o);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_usage (a), ==, 0);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_queue_pairs_requested (a), ==, 4);
}

static void
test_old_machine (void)
{
  Machine m = { .cpu_vendor = "intel", .vm_running = TRUE };
  g_autoptr(Opened) o = open_machine (&m);
  g_autoptr(VmnetNetworkAdapter) a = the_adapter (o);

  CHECK (host_checks, "hostdev=skip dma-remapping=fail interrupt-remapping=skip slat=fail vfio=fail "
                      "sriov-adapter=fail vfs-enabled=skip vf-isolation=skip");
  g_assert_cmpint (vmnet_host_get_iov_support (o->host), ==, VMNET_TERNARY_FALSE);
  CHECK (switch_checks, "host-support=fail switch-adapter-sriov=fail switch-vfs-enabled=skip "
                        "switch-iov-mode=skip switch-pool-active=skip switch-free-vfs=skip");
  CHECK (adapter_checks, "host-support=fail adapter-switch=fail adapter-vf=skip");
  g_assert_cmpint (vmnet_network_adapter_get_status (a), ==, VMNET_OPERATIONAL_STATUS_DEGRADED);
  assert_test_sriov (o, 4, 4);
}

static void
test_firmware_off (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(GPtrArray) checks = NULL;

  m.iommu = FALSE;
  m.vf_attached = FALSE;
  o = open_machine (&m);
  CHECK (host_checks, "hostdev=skip dma-remapping=fail interrupt-remapping=skip vf-isolation=unknown");
  CHECK (switch_checks, "host-support=fail");
  CHECK (adapter_checks, "host-support=fail adapter-switch=skip adapter-vf=skip");
  assert_test_sriov (o, 4, 4);
  checks = host_checks (o);
  /* Asked for on the command line but not there: the firmware has it off. */
  g_assert_nonnull (strstr (vmnet_iov_check_get_message (g_ptr_array_index (checks, 2)), "firmware"));
  g_assert_nonnull (strstr (vmnet_iov_check_get_fix (g_ptr_array_index (checks, 2)), "VT-d"));
}

static void
test_no_interrupt_remapping (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(Opened) o2 = NULL;

  m.interrupt_remapping = FALSE;
  o = open_machine (&m);
  CHECK (host_checks, "hostdev=skip interrupt-remapping=fail");
  CHECK (switch_checks, "host-support=fail");
  /* The VF in the fixture stays reported; the switch is not blamed for the host. */
  CHECK (adapter_checks, "host-support=fail adapter-switch=skip adapter-state-changes=warn");
  g_assert_cmpint (vmnet_host_get_iov_support (o->host), ==, VMNET_TERNARY_FALSE);
  if (g_getenv ("VMNET_CLI"))
    g_assert_cmpint (test_sriov (o, NULL), ==, 4);

  /* The unsafe override lets vfio assign devices: a warning, not a failure. */
  m.unsafe_override = TRUE;
  o2 = open_machine (&m);
  {
    Opened *saved = o;
    o = o2;
    CHECK (host_checks, "hostdev=skip interrupt-remapping=warn");
    CHECK (switch_checks, "");
    CHECK (adapter_checks, "adapter-state-changes=warn");
    if (g_getenv ("VMNET_CLI"))
      g_assert_cmpint (test_sriov (o, "vm1"), ==, 0);
    o = saved;
  }
  g_assert_cmpint (vmnet_host_get_iov_support (o2->host), ==, VMNET_TERNARY_TRUE);
}

static void
test_slat_off_in_kvm (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;

  m.kvm_slat_off = TRUE;
  o = open_machine (&m);
  CHECK (host_checks, "hostdev=skip slat=fail");
  CHECK (switch_checks, "host-support=fail");
  /* The VF in the fixture stays reported; the switch is not blamed for the host. */
  CHECK (adapter_checks, "host-support=fail adapter-switch=skip adapter-state-changes=warn");
  if (g_getenv ("VMNET_CLI"))
    g_assert_cmpint (test_sriov (o, NULL), ==, 4);
}

static void
test_no_sriov_nic (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;

  m.sriov_nic = FALSE;
  m.vf_attached = FALSE;
  o = open_machine (&m);
  CHECK (host_checks, "hostdev=skip sriov-adapter=fail vfs-enabled=skip vf-isolation=skip");
  /* A VF pool exists (and runs) on the onboard NIC, which cannot give VFs. */
  CHECK (switch_checks, "host-support=fail switch-adapter-sriov=fail switch-vfs-enabled=skip "
                        "switch-iov-mode=skip switch-free-vfs=skip");
  CHECK (adapter_checks, "host-support=fail adapter-switch=fail adapter-vf=skip");
  assert_test_sriov (o, 4, 4);
}

static void
test_no_vfs (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(VmnetNetworkAdapter) a = NULL;

  m.num_vfs = 0;
  m.vf_attached = FALSE;
  o = open_machine (&m);
  CHECK (host_checks, "hostdev=skip vfs-enabled=fail vf-isolation=skip");
  CHECK (switch_checks, "host-support=fail switch-vfs-enabled=fail switch-free-vfs=skip");
  CHECK (adapter_checks, "host-support=fail adapter-switch=fail adapter-vf=skip");
  if (g_getenv ("VMNET_CLI"))
    g_assert_cmpint (test_sriov (o, "vm1"), ==, 4);
  a = the_adapter (o);
  g_assert_cmpint (vmnet_network_adapter_get_status (a), ==, VMNET_OPERATIONAL_STATUS_DEGRADED);
}

/* The subtle case of Part 8: everything is fine, but the switch is not in SR-IOV mode. */
static void
test_switch_not_iov (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(VmnetNetworkAdapter) a = NULL;
  g_autoptr(VmnetSwitch) sw = NULL;
  const gchar *const *description;

  m.iov_switch = FALSE;
  m.vf_attached = FALSE;
  o = open_machine (&m);
  CHECK (host_checks, "hostdev=skip");
  CHECK (switch_checks, "switch-iov-mode=fail switch-pool-active=skip switch-free-vfs=skip");
  CHECK (adapter_checks, "adapter-switch=fail adapter-vf=skip");
  sw = vmnet_host_find_switch (o->host, "sw", NULL);
  g_assert_false (vmnet_switch_get_iov_enabled (sw));
  g_assert_cmpint (vmnet_switch_get_iov_virtual_function_count (sw), ==, 0);
  g_assert_cmpint (vmnet_switch_get_iov_support (sw), ==, VMNET_TERNARY_FALSE);
  a = the_adapter (o);
  description = vmnet_network_adapter_get_status_description (a);
  g_assert_cmpstr (description[0], ==, "Degraded (SR-IOV configuration error)");
  g_assert_nonnull (strstr (description[1], "not created in SR-IOV mode"));
  g_assert_nonnull (strstr (description[1], "Fix: "));
  assert_test_sriov (o, 0, 4);
}

static void
test_router_guard (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(VmnetNetworkAdapter) a = NULL;

  m.router_guard = TRUE;
  m.vf_attached = FALSE;
  o = open_machine (&m);
  CHECK (host_checks, "hostdev=skip");
  CHECK (switch_checks, "");
  /* The policy keeps the VF away: no VF is waiting for it. */
  CHECK (adapter_checks, "adapter-vf=skip adapter-port-policy=fail");
  assert_test_sriov (o, 0, 4);
  a = the_adapter (o);
  g_assert_cmpint (vmnet_network_adapter_get_status (a), ==, VMNET_OPERATIONAL_STATUS_DEGRADED);
  {
    const gchar *const *d = vmnet_network_adapter_get_status_description (a);
    g_assert_cmpstr (d[0], ==, "Degraded (SR-IOV configuration error)");
    g_assert_nonnull (d[1]);
    g_assert_nonnull (strstr (d[1], "RouterGuard"));
    g_assert_nonnull (strstr (d[1], "--router-guard off"));
    g_assert_null (d[2]);
  }
}

/* The adapter's description line that contains @needle, or NULL. */
static const gchar *
description_line (VmnetNetworkAdapter *a, const gchar *needle)
{
  const gchar *const *d = vmnet_network_adapter_get_status_description (a);

  for (guint i = 0; d && d[i]; i++)
    if (strstr (d[i], needle))
      return d[i];
  return NULL;
}

/* vmnet test-sriov --vm-name vm1's JSON, to find the port-policy check's words in. */
static gchar *
test_sriov_output (Opened *o)
{
  g_autoptr(GError) error = NULL;
  const gchar *cli = g_getenv ("VMNET_CLI");
  const gchar *argv[] = { cli, "--connect", o->uri, "--host-root", o->root, "--output", "json",
                          "test-sriov", "--vm-name", "vm1", NULL };
  gchar *out = NULL;

  g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, NULL, &error);
  g_assert_no_error (error);
  return out;
}

/* An nwfilter beyond no-mac-spoofing holds on the software path only: the
 * VF stays off, and a VF still held is not OK. */
static void
test_clean_traffic_filter (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(VmnetNetworkAdapter) a = NULL;
  const gchar *line;

  m.iface_xml = "<filterref filter='clean-traffic'/>";
  m.vf_attached = FALSE;
  o = open_machine (&m);
  CHECK (adapter_checks, "adapter-vf=skip adapter-port-policy=fail");
  a = the_adapter (o);
  g_assert_cmpint (vmnet_network_adapter_get_status (a), ==, VMNET_OPERATIONAL_STATUS_DEGRADED);
  g_assert_cmpstr (vmnet_network_adapter_get_status_description (a)[0], ==, "Degraded (SR-IOV configuration error)");
  line = description_line (a, "clean-traffic");
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "Port policy nwfilter 'clean-traffic': its rules hold on the software path "
                                         "only"));
  g_assert_nonnull (strstr (line, "Fix: If the VM is trusted, remove <filterref filter='clean-traffic'/>"));
  if (g_getenv ("VMNET_CLI"))
    {
      g_autofree gchar *out = test_sriov_output (o);
      g_assert_cmpint (test_sriov (o, "vm1"), ==, 4);
      g_assert_nonnull (strstr (out, "Port policy nwfilter 'clean-traffic'"));
      g_assert_null (strstr (out, "No port policy keeps SR-IOV off"));
    }

  /* Held anyway (the filter came after the VF): degraded, not "OK (SR-IOV active)". */
  m.vf_attached = TRUE;
  g_clear_pointer (&o, opened_free);
  g_clear_object (&a);
  o = open_machine (&m);
  a = the_adapter (o);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_usage (a), ==, 1);
  g_assert_cmpint (vmnet_network_adapter_get_status (a), ==, VMNET_OPERATIONAL_STATUS_DEGRADED);
  g_assert_nonnull (description_line (a, "Port policy nwfilter 'clean-traffic'"));
}

/* An outbound average (here the network's) is the VF's max_tx_rate, and the
 * status shows it; an inbound limit (here the default portgroup's) keeps
 * the VF off, naming where it is set. */
static void
test_bandwidth (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(VmnetNetworkAdapter) a = NULL;
  const gchar *line;

  m.network_xml = "<bandwidth><outbound average='1000' peak='2000'/></bandwidth>";
  o = open_machine (&m);
  CHECK (adapter_checks, "adapter-state-changes=warn");
  a = the_adapter (o);
  g_assert_cmpstr (vmnet_network_adapter_get_status_description (a)[0], ==, "OK (SR-IOV active)");
  line = description_line (a, "max_tx_rate");
  g_assert_cmpstr (line, ==, "The VF holds the port policies: max_tx_rate 8 Mbit/s (outbound average 1000 KB/s of "
                             "network 'sw'), spoofchk off (MacAddressSpoofing on), link state auto.");

  m.network_xml = "<bandwidth><outbound average='1000'/></bandwidth>"
                  "<portgroup name='slow' default='yes'><bandwidth><inbound average='500'/></bandwidth></portgroup>";
  m.vf_attached = FALSE;
  g_clear_pointer (&o, opened_free);
  g_clear_object (&a);
  o = open_machine (&m);
  CHECK (adapter_checks, "adapter-vf=skip adapter-port-policy=fail");
  a = the_adapter (o);
  line = description_line (a, "inbound bandwidth");
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "Port policy inbound bandwidth of portgroup 'slow' of network 'sw': a VF "
                                         "has no receive limit"));
}

/* The adapter-port-policy check's messages, one per line. */
static gchar *
port_policy_messages (Opened *o)
{
  g_autoptr(GPtrArray) checks = adapter_checks (o);
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < checks->len; i++)
    if (vmnet_iov_check_get_code (g_ptr_array_index (checks, i)) == VMNET_IOV_CHECK_ADAPTER_PORT_POLICY)
      g_string_append_printf (s, "%s\n", vmnet_iov_check_get_message (g_ptr_array_index (checks, i)));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* MacAddressSpoofing off (the default) with nothing on the software path
 * (macvtap takes no nwfilter): the paths differ and the status says so; on,
 * both allow it; off under no-mac-spoofing on a tap, both deny it. */
static void
test_mac_spoofing_paths (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(VmnetNetworkAdapter) a = NULL;
  g_autofree gchar *messages = NULL;
  const gchar *line;

  m.settings = NULL;
  o = open_machine (&m);
  CHECK (adapter_checks, "adapter-port-policy=warn adapter-state-changes=warn");
  a = the_adapter (o);
  g_assert_cmpint (vmnet_network_adapter_get_status (a), ==, VMNET_OPERATIONAL_STATUS_OK);
  line = description_line (a, "MAC address spoofing");
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "MAC address spoofing: the software path allows it (macvtap, which takes "
                                         "no nwfilter), the VF denies it (spoofchk on, as libvmnet sets it)"));
  g_assert_nonnull (strstr (line, "Fix: Allow it on both (vmnet set-vmnetworkadapter --vm-name vm1 --name net0 "
                                  "--mac-address-spoofing on), or connect the adapter to a switch over a Linux "
                                  "bridge"));

  m.settings = " mac-address-spoofing='on'";
  g_clear_pointer (&o, opened_free);
  g_clear_object (&a);
  o = open_machine (&m);
  CHECK (adapter_checks, "adapter-state-changes=warn");
  a = the_adapter (o);
  g_assert_true (vmnet_network_adapter_get_mac_address_spoofing (a));
  messages = port_policy_messages (o);
  g_assert_cmpstr (messages, ==, "The VF holds the port policies: no rate limit, spoofchk off (MacAddressSpoofing "
                                 "on), link state auto. MAC address spoofing: the software path allows it (macvtap, "
                                 "which takes no nwfilter), the VF allows it (spoofchk off, as libvmnet sets it).\n");

  m.settings = NULL;
  m.iface_xml = "<filterref filter='no-mac-spoofing'/>";
  g_clear_pointer (&o, opened_free);
  g_clear_object (&a);
  g_clear_pointer (&messages, g_free);
  o = open_machine (&m);
  CHECK (adapter_checks, "adapter-state-changes=warn");
  messages = port_policy_messages (o);
  g_assert_nonnull (strstr (messages, "MAC address spoofing: the software path denies it (nwfilter "
                                      "'no-mac-spoofing'), the VF denies it (spoofchk on, as libvmnet sets it)"));
}

/* A setting the VF's driver refused keeps the VF off while the policy
 * asking for it is set, naming the driver and the setting. */
static void
test_refused_setting (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(VmnetNetworkAdapter) a = NULL;
  const gchar *line;

  m.network_xml = "<bandwidth><outbound average='1000'/></bandwidth>";
  m.settings = " iov-last-error='Driver igb refused max_tx_rate 8 Mbit/s on VF 0 of enp1s0: Invalid input data or "
               "parameter'";
  m.vf_attached = FALSE;
  o = open_machine (&m);
  CHECK (adapter_checks, "adapter-vf=skip adapter-port-policy=fail");
  a = the_adapter (o);
  line = description_line (a, "refused");
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "Driver igb refused max_tx_rate 8 Mbit/s on VF 0 of enp1s0"));

  /* Another limit: the VF is tried again. */
  m.network_xml = "<bandwidth><outbound average='2000'/></bandwidth>";
  g_clear_pointer (&o, opened_free);
  g_clear_object (&a);
  o = open_machine (&m);
  a = the_adapter (o);
  g_assert_null (description_line (a, "Port policy"));
  g_assert_nonnull (description_line (a, "The last VF attach failed: Driver igb refused"));
}

static void
test_shared_group_and_kernel_error (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(GPtrArray) checks = NULL;

  m.shared_group = TRUE;
  m.kernel_error = "pci 0000:01:00.0: not enough MMIO resources for SR-IOV";
  o = open_machine (&m);
  CHECK (host_checks, "hostdev=skip vf-isolation=fail firmware-resources=fail");
  CHECK (switch_checks, "host-support=fail");
  /* The VF in the fixture stays reported; the switch is not blamed for the host. */
  CHECK (adapter_checks, "host-support=fail adapter-switch=skip adapter-state-changes=warn");
  if (g_getenv ("VMNET_CLI"))
    g_assert_cmpint (test_sriov (o, NULL), ==, 4);
  checks = host_checks (o);
  g_assert_nonnull (strstr (vmnet_iov_check_get_fix (g_ptr_array_index (checks, 9)), "pci=realloc"));
}

static void
test_vm_stopped (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(VmnetNetworkAdapter) a = NULL;

  m.vm_running = FALSE;
  m.vf_attached = FALSE;
  o = open_machine (&m);
  CHECK (host_checks, "hostdev=skip");
  CHECK (switch_checks, "");
  CHECK (adapter_checks, "adapter-vm-running=fail adapter-vf=skip");
  if (g_getenv ("VMNET_CLI"))
    g_assert_cmpint (test_sriov (o, "vm1"), ==, 4);
  a = the_adapter (o);
  g_assert_cmpint (vmnet_network_adapter_get_status (a), ==, VMNET_OPERATIONAL_STATUS_STOPPED);
}

static gchar *
description_of (Opened *o, const gchar *vm, const gchar *adapter)
{
  g_autoptr(VmnetVm) v = vmnet_host_find_vm (o->host, vm, NULL);
  g_autoptr(VmnetNetworkAdapter) a = vmnet_vm_find_network_adapter (v, adapter, NULL);
  return g_strjoinv ("|", (gchar **) vmnet_network_adapter_get_status_description (a));
}

static const VmnetIovCheck *
check_of (GPtrArray *checks, VmnetIovCheckCode code)
{
  for (guint i = 0; i < checks->len; i++)
    if (vmnet_iov_check_get_code (g_ptr_array_index (checks, i)) == code)
      return g_ptr_array_index (checks, i);
  g_assert_not_reached ();
}

/* SR-IOV off by choice: the status says so and nothing else, even where the
 * host could not do it (test-sriov lists that). */
static void
test_weight_zero (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(VmnetNetworkAdapter) a = NULL;
  g_autofree gchar *d = NULL;

  m.weight_zero = TRUE;
  m.vf_attached = FALSE;
  m.interrupt_remapping = FALSE;
  o = open_machine (&m);
  CHECK (adapter_checks, "adapter-iov-weight=fail host-support=fail adapter-switch=skip adapter-vf=skip");
  a = the_adapter (o);
  g_assert_cmpint (vmnet_network_adapter_get_status (a), ==, VMNET_OPERATIONAL_STATUS_OK);
  d = description_of (o, "vm1", "net0");
  g_assert_cmpstr (d, ==, "OK (SR-IOV off: IovWeight 0)");
}

/* Defined without failover: the VM definition's state, with the fix that
 * makes it ready; no IovWeight advice where the switch gives no VFs. */
static void
test_no_failover (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(Opened) o2 = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree gchar *d = NULL;
  g_autofree gchar *d2 = NULL;
  const VmnetIovCheck *c;

  m.no_failover = TRUE;
  m.vf_attached = FALSE;
  o = open_machine (&m);
  CHECK (adapter_checks, "adapter-failover=fail adapter-vf=skip");
  d = description_of (o, "vm1", "net0");
  g_assert_true (g_str_has_prefix (d, "Degraded (SR-IOV configuration error)|"));
  g_assert_null (strstr (d, "guest error"));
  checks = adapter_checks (o);
  c = check_of (checks, VMNET_IOV_CHECK_ADAPTER_FAILOVER);
  g_assert_nonnull (strstr (vmnet_iov_check_get_message (c), "VM 'vm1' is defined without failover"));
  g_assert_nonnull (strstr (vmnet_iov_check_get_fix (c), "--iov-weight 100 makes the definition failover-ready"));
  g_assert_nonnull (strstr (vmnet_iov_check_get_fix (c), "restart the VM"));

  /* Not in SR-IOV mode: the switch is the fix, not IovWeight. */
  m.iov_switch = FALSE;
  o2 = open_machine (&m);
  {
    Opened *saved = o;
    o = o2;
    CHECK (adapter_checks, "adapter-switch=fail adapter-failover=skip adapter-vf=skip");
    o = saved;
  }
  d2 = description_of (o2, "vm1", "net0");
  g_assert_null (strstr (d2, "IovWeight above 0"));
  g_assert_null (strstr (d2, "--iov-weight"));
  g_assert_nonnull (strstr (d2, "--enable-iov"));
}

/* No free VF: what frees one, never "lower the IovWeight of other adapters"
 * (a VF is not taken from an adapter that still wants it). */
static void
test_all_vfs_held (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GPtrArray) sw = NULL;
  const VmnetIovCheck *c;
  g_autofree gchar *d = NULL;

  m.vf_attached = FALSE;
  m.others_hold_vfs = TRUE;
  o = open_machine (&m);
  CHECK (switch_checks, "switch-free-vfs=warn");
  CHECK (adapter_checks, "adapter-vf=fail");
  checks = adapter_checks (o);
  c = check_of (checks, VMNET_IOV_CHECK_ADAPTER_VF);
  g_assert_nonnull (strstr (vmnet_iov_check_get_message (c), "No free VF on switch 'sw' (2 of 2 in use)"));
  g_assert_nonnull (strstr (vmnet_iov_check_get_fix (c), "stop or remove a VM that holds one (vm2/n0, vm2/n1)"));
  g_assert_nonnull (strstr (vmnet_iov_check_get_fix (c), "--iov-weight 0"));
  g_assert_nonnull (strstr (vmnet_iov_check_get_fix (c), "raise NumVFs of enp1s0, up to 7"));
  sw = switch_checks (o);
  g_assert_cmpstr (vmnet_iov_check_get_fix (check_of (sw, VMNET_IOV_CHECK_SWITCH_FREE_VFS)), ==,
                   vmnet_iov_check_get_fix (c));
  d = description_of (o, "vm1", "net0");
  g_assert_true (g_str_has_prefix (d, "Degraded (SR-IOV resource error)|"));
  g_assert_null (strstr (d, "lower the IovWeight"));

  /* For a caller that sees vm1 only, the holders are "another VM", in
   * every check and status description. */
  {
    g_autoptr(VmnetVm) vm1 = vmnet_host_find_vm (o->host, "vm1", NULL);
    const gchar *const only[] = { vmnet_vm_get_uuid (vm1) ? vmnet_vm_get_uuid (vm1) : "vm1", NULL };
    g_autoptr(GVariant) scoped = vmnet_host_dup_model_variant (o->host, only, NULL, NULL);
    g_autoptr(GVariant) strings = g_variant_get_child_value (scoped, 1);
    g_autofree const gchar **table = g_variant_get_strv (strings, NULL);
    guint rewritten = 0;

    for (guint i = 0; table[i]; i++)
      {
        g_assert_null (strstr (table[i], "vm2"));
        if (strstr (table[i], "stop or remove a VM that holds one (another VM, another VM)"))
          rewritten++;
      }
    /* The fix (the switch's and the adapter's: one string) and the status description's line. */
    g_assert_cmpuint (rewritten, ==, 2);
  }
}

/* Without the host's files (the test driver): each UNKNOWN names its own
 * check and files; what libvirt tells (node devices in IOMMU groups) is used. */
static void
test_without_host_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *xml = build_xml (&good);
  g_autofree gchar *uri = vmnet_test_uri_for_xml (xml);
  g_autoptr(VmnetHost) host = g_initable_new (VMNET_TYPE_HOST, NULL, &error, "uri", uri, NULL);
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GHashTable) messages = g_hash_table_new (g_str_hash, g_str_equal);
  const gchar *const wants[][2] = {
    { "interrupt-remapping", "/proc/interrupts" }, { "slat", "/proc/cpuinfo" }, { "vfio", "vfio-pci" },
    { "vf-isolation", "IOMMU groups" }, { "firmware-resources", "/dev/kmsg" },
  };
  g_autoptr(GEnumClass) codes = g_type_class_ref (VMNET_TYPE_IOV_CHECK_CODE);
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(VmnetNetworkAdapter) a = NULL;

  g_assert_no_error (error);
  checks = vmnet_host_dup_iov_checks (host);
  assert_checks (checks, "hostdev=skip interrupt-remapping=unknown slat=unknown vfio=unknown vf-isolation=unknown "
                         "firmware-resources=unknown");
  g_assert_nonnull (strstr (vmnet_iov_check_get_message (check_of (checks, VMNET_IOV_CHECK_DMA_REMAPPING)),
                            "node devices are in IOMMU groups"));
  for (guint i = 0; i < G_N_ELEMENTS (wants); i++)
    {
      const VmnetIovCheck *c = check_of (checks, g_enum_get_value_by_nick (codes, wants[i][0])->value);
      const gchar *message = vmnet_iov_check_get_message (c);
      g_assert_nonnull (strstr (message, wants[i][1]));
      g_assert_nonnull (strstr (message, "test driver"));
      g_assert_null (strstr (message, "remote"));
      /* Each its own sentence. */
      g_assert_false (g_hash_table_contains (messages, message));
      g_hash_table_add (messages, (gpointer) message);
    }

  /* The plugged VF: the guest cannot be confirmed from here. */
  vm = vmnet_host_find_vm (host, "vm1", NULL);
  a = vmnet_vm_find_network_adapter (vm, "net0", NULL);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_usage (a), ==, 0);
  g_assert_cmpstr (vmnet_network_adapter_get_virtual_function (a), ==, "0000:01:10.0");
  g_assert_cmpint (vmnet_network_adapter_get_status (a), ==, VMNET_OPERATIONAL_STATUS_OK);
  g_assert_cmpstr (vmnet_network_adapter_get_status_description (a)[0], ==,
                   "OK (SR-IOV plugged, guest not confirmed)");
}

/* With --host-root: no reason blames the connection, even for a file the
 * tree lacks. */
static void
test_host_root_never_blames_connection (void)
{
  g_autoptr(Opened) o = open_machine (&good);
  g_autofree gchar *interrupts = g_build_filename (o->root, "proc/interrupts", NULL);
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(VmnetNetworkAdapter) a = NULL;

  g_assert_cmpint (g_unlink (interrupts), ==, 0);
  g_assert_true (vmnet_host_refresh (o->host, NULL, NULL));
  CHECK (host_checks, "hostdev=skip interrupt-remapping=unknown");
  checks = host_checks (o);
  for (guint i = 0; i < checks->len; i++)
    {
      const gchar *message = vmnet_iov_check_get_message (g_ptr_array_index (checks, i));
      g_assert_null (strstr (message, "remote"));
      g_assert_null (strstr (message, "test driver"));
    }
  g_assert_nonnull (strstr (vmnet_iov_check_get_message (check_of (checks, VMNET_IOV_CHECK_INTERRUPT_REMAPPING)),
                            "/proc/interrupts, which could not be read"));
  a = the_adapter (o);
  {
    g_autofree gchar *d = g_strjoinv ("|", (gchar **) vmnet_network_adapter_get_status_description (a));
    g_assert_null (strstr (d, "remote"));
    g_assert_nonnull (strstr (d, "not known are Interrupt remapping"));
  }
}

/* The chipset erratum: the kernel turned interrupt remapping off; a firmware
 * update is the fix, not a firmware setting. */
static void
test_interrupt_remapping_erratum (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(Opened) o2 = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GPtrArray) checks2 = NULL;
  const VmnetIovCheck *c;

  m.interrupt_remapping = FALSE;
  m.ir_erratum = "This system BIOS has enabled interrupt remapping\\x0aon a chipset that contains an erratum making "
                 "that\\x0afeature unstable.  To maintain system stability\\x0ainterrupt remapping is being disabled.  "
                 "Please\\x0acontact your BIOS vendor for an update";
  o = open_machine (&m);
  CHECK (host_checks, "hostdev=skip interrupt-remapping=fail");
  checks = host_checks (o);
  c = check_of (checks, VMNET_IOV_CHECK_INTERRUPT_REMAPPING);
  g_assert_nonnull (strstr (vmnet_iov_check_get_message (c), "chipset has an erratum"));
  g_assert_nonnull (strstr (vmnet_iov_check_get_message (c), "interrupt remapping is being disabled"));
  g_assert_null (strstr (vmnet_iov_check_get_message (c), "\\x0a"));
  g_assert_true (g_str_has_prefix (vmnet_iov_check_get_fix (c), "Update the system firmware"));
  g_assert_null (strstr (vmnet_iov_check_get_fix (c), "Enable interrupt remapping in the firmware"));

  m.unsafe_override = TRUE;
  o2 = open_machine (&m);
  checks2 = vmnet_host_dup_iov_checks (o2->host);
  c = check_of (checks2, VMNET_IOV_CHECK_INTERRUPT_REMAPPING);
  g_assert_cmpint (vmnet_iov_check_get_result (c), ==, VMNET_CHECK_RESULT_WARN);
  g_assert_true (g_str_has_prefix (vmnet_iov_check_get_fix (c), "Update the system firmware"));
}

/* A VF in the live XML that the guest has not taken (QEMU hides a failover
 * primary until the guest negotiates it): not IovUsage 1. */
static void
test_guest_has_not_taken_vf (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(VmnetNetworkAdapter) a = NULL;
  g_autoptr(GPtrArray) checks = NULL;

  m.guest_hidden = TRUE;
  o = open_machine (&m);
  CHECK (adapter_checks, "adapter-vf=fail adapter-state-changes=warn");
  a = the_adapter (o);
  g_assert_cmpuint (vmnet_network_adapter_get_iov_usage (a), ==, 0);
  g_assert_cmpstr (vmnet_network_adapter_get_virtual_function (a), ==, "0000:01:10.0");
  g_assert_cmpint (vmnet_network_adapter_get_status (a), ==, VMNET_OPERATIONAL_STATUS_DEGRADED);
  g_assert_cmpstr (vmnet_network_adapter_get_status_description (a)[0], ==, "Degraded (SR-IOV guest error)");
  checks = adapter_checks (o);
  g_assert_nonnull (strstr (vmnet_iov_check_get_fix (check_of (checks, VMNET_IOV_CHECK_ADAPTER_VF)), "net_failover"));
}

/* q35: a hot-plugged VF needs an empty pcie-root-port. */
static void
test_pcie_ports (void)
{
  Machine m = good;
  g_autoptr(Opened) o = NULL;
  g_autoptr(Opened) o2 = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  const VmnetIovCheck *c;

  m.vf_attached = FALSE;
  m.pcie_ports = 2;
  m.pcie_ports_used = 2;
  o = open_machine (&m);
  CHECK (adapter_checks, "adapter-pcie-slot=fail adapter-vf=skip");
  checks = adapter_checks (o);
  c = check_of (checks, VMNET_IOV_CHECK_ADAPTER_PCIE_SLOT);
  g_assert_nonnull (strstr (vmnet_iov_check_get_message (c), "all 2 pcie-root-port controllers hold a device"));
  g_assert_nonnull (strstr (vmnet_iov_check_get_fix (c), "<controller type='pci' model='pcie-root-port'/>"));
  {
    g_autofree gchar *d = description_of (o, "vm1", "net0");
    g_assert_true (g_str_has_prefix (d, "Degraded (SR-IOV configuration error)|"));
  }
  if (g_getenv ("VMNET_CLI"))
    g_assert_cmpint (test_sriov (o, "vm1"), ==, 4);

  /* One port left: the VF can come. */
  m.pcie_ports = 3;
  o2 = open_machine (&m);
  {
    Opened *saved = o;
    o = o2;
    CHECK (adapter_checks, "adapter-vf=warn");
    o = saved;
  }
}

/* A bond as the switch's adapter: named, with why VFs cannot pass it. A
 * team is named by its link's kind (netlink, the host itself: the lab's
 * policy check); from the files alone it is an adapter without SR-IOV, and
 * the check says no more than that. */
static void
test_bond_or_team_adapter (void)
{
  const gchar *kinds[] = { "bond", "team" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      Machine m = good;
      g_autoptr(Opened) o = NULL;
      g_autoptr(GPtrArray) checks = NULL;
      g_autofree gchar *want = g_str_equal (kinds[i], "bond")
                               ? g_strdup ("Adapter bond0 of switch 'sw' is a bond over enp1s0")
                               : g_strdup ("Adapter bond0 of switch 'sw' is not SR-IOV capable");
      const VmnetIovCheck *c;

      m.bond = kinds[i];
      m.vf_attached = FALSE;
      o = open_machine (&m);
      CHECK (switch_checks, "switch-adapter-sriov=fail switch-vfs-enabled=skip switch-iov-mode=skip switch-free-vfs=skip");
      checks = switch_checks (o);
      c = check_of (checks, VMNET_IOV_CHECK_SWITCH_ADAPTER_SRIOV);
      g_assert_nonnull (strstr (vmnet_iov_check_get_message (c), want));
      if (!g_str_equal (kinds[i], "bond"))
        {
          g_assert_null (strstr (vmnet_iov_check_get_message (c), "team"));
          continue;
        }
      g_assert_nonnull (strstr (vmnet_iov_check_get_message (c), "SR-IOV cannot pass through it"));
      g_assert_nonnull (strstr (vmnet_iov_check_get_fix (c), "--net-adapter enp1s0"));
    }
}

/* This machine's own /sys and /proc: no crash, and answers that agree with the files. */
static void
test_this_machine (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *xml = vmnet_test_host_xml ("");
  g_autofree gchar *uri = vmnet_test_uri_for_xml (xml);
  g_autoptr(VmnetHost) host = g_initable_new (VMNET_TYPE_HOST, NULL, &error, "uri", uri, "host-root", "/", NULL);
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree gchar *interrupts = NULL;
  g_autoptr(GDir) iommu = g_dir_open ("/sys/class/iommu", 0, NULL);
  gboolean has_iommu = iommu && g_dir_read_name (iommu);

  g_assert_no_error (error);
  checks = vmnet_host_dup_iov_checks (host);
  g_assert_cmpuint (checks->len, ==, 10);
  for (guint i = 0; i < checks->len; i++)
    {
      const VmnetIovCheck *c = g_ptr_array_index (checks, i);
      g_test_message ("%s: %d %s", vmnet_iov_check_get_title (c), vmnet_iov_check_get_result (c),
                      vmnet_iov_check_get_message (c));
      if (vmnet_iov_check_get_code (c) == VMNET_IOV_CHECK_DMA_REMAPPING && !has_iommu)
        {
          g_autoptr(GDir) groups = g_dir_open ("/sys/kernel/iommu_groups", 0, NULL);
          gboolean has_groups = groups && g_dir_read_name (groups);
          g_assert_cmpint (vmnet_iov_check_get_result (c), ==,
                           has_groups ? VMNET_CHECK_RESULT_PASS : VMNET_CHECK_RESULT_FAIL);
        }
      if (vmnet_iov_check_get_code (c) == VMNET_IOV_CHECK_DMA_REMAPPING && has_iommu)
        g_assert_cmpint (vmnet_iov_check_get_result (c), ==, VMNET_CHECK_RESULT_PASS);
      if (vmnet_iov_check_get_code (c) == VMNET_IOV_CHECK_INTERRUPT_REMAPPING &&
          g_file_get_contents ("/proc/interrupts", &interrupts, NULL, NULL) && strstr (interrupts, "IR-"))
        g_assert_cmpint (vmnet_iov_check_get_result (c), ==, VMNET_CHECK_RESULT_PASS);
      /* The test host has no adapters: that much is certain. */
      if (vmnet_iov_check_get_code (c) == VMNET_IOV_CHECK_SRIOV_ADAPTER)
        g_assert_cmpint (vmnet_iov_check_get_result (c), ==, VMNET_CHECK_RESULT_FAIL);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/diagnose/good-machine", test_good_machine);
  g_test_add_func ("/vmnet/diagnose/old-machine", test_old_machine);
  g_test_add_func ("/vmnet/diagnose/firmware-off", test_firmware_off);
  g_test_add_func ("/vmnet/diagnose/no-interrupt-remapping", test_no_interrupt_remapping);
  g_test_add_func ("/vmnet/diagnose/slat-off-in-kvm", test_slat_off_in_kvm);
  g_test_add_func ("/vmnet/diagnose/no-sriov-nic", test_no_sriov_nic);
  g_test_add_func ("/vmnet/diagnose/no-vfs", test_no_vfs);
  g_test_add_func ("/vmnet/diagnose/switch-not-iov", test_switch_not_iov);
  g_test_add_func ("/vmnet/diagnose/router-guard", test_router_guard);
  g_test_add_func ("/vmnet/diagnose/shared-group-and-kernel-error", test_shared_group_and_kernel_error);
  g_test_add_func ("/vmnet/diagnose/vm-stopped", test_vm_stopped);
  g_test_add_func ("/vmnet/diagnose/this-machine", test_this_machine);
  g_test_add_func ("/vmnet/diagnose/queue-pair-vectors", test_queue_pair_vectors);
  g_test_add_func ("/vmnet/diagnose/weight-zero", test_weight_zero);
  g_test_add_func ("/vmnet/diagnose/no-failover", test_no_failover);
  g_test_add_func ("/vmnet/diagnose/all-vfs-held", test_all_vfs_held);
  g_test_add_func ("/vmnet/diagnose/without-host-files", test_without_host_files);
  g_test_add_func ("/vmnet/diagnose/host-root-never-blames-connection", test_host_root_never_blames_connection);
  g_test_add_func ("/vmnet/diagnose/interrupt-remapping-erratum", test_interrupt_remapping_erratum);
  g_test_add_func ("/vmnet/diagnose/guest-has-not-taken-vf", test_guest_has_not_taken_vf);
  g_test_add_func ("/vmnet/diagnose/pcie-ports", test_pcie_ports);
  g_test_add_func ("/vmnet/diagnose/bond-or-team-adapter", test_bond_or_team_adapter);
  g_test_add_func ("/vmnet/diagnose/clean-traffic-filter", test_clean_traffic_filter);
  g_test_add_func ("/vmnet/diagnose/bandwidth", test_bandwidth);
  g_test_add_func ("/vmnet/diagnose/mac-spoofing-paths", test_mac_spoofing_paths);
  g_test_add_func ("/vmnet/diagnose/refused-setting", test_refused_setting);
  return g_test_run ();
}
