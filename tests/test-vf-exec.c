/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The VF executor on libvirt's test driver: what a failed plug or unplug leaves (the step's
 * result, the adapter's last error in the live metadata), and that a wait is reported once. */
#include <string.h>
#include <libvirt/libvirt.h>

#include "vmnet-test-util.h"
#include "vmnet-vf-exec-private.h"

typedef struct {
  virConnectPtr     conn;
  virDomainPtr      dom;
  VmnetLibvirtConn *vconn;
  gchar            *uuid;
} Fixture;

/* test:///default is shared by the connections of this process. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  static guint n;
  g_autofree gchar *name = g_strdup_printf ("exec-%u", ++n);
  g_autofree gchar *xml = g_strdup_printf (
    "<domain type='test'><name>%s</name><memory>1024</memory><os><type>hvm</type></os><devices>"
    "<interface type='network'><mac address='52:54:00:dd:00:01'/><source network='default'/>"
    "<model type='virtio'/><teaming type='persistent'/><alias name='ua-net0'/></interface>"
    "</devices></domain>", name);
  char uuid[VIR_UUID_STRING_BUFLEN];

  f->conn = virConnectOpen ("test:///default");
  g_assert_nonnull (f->conn);
  f->dom = virDomainDefineXML (f->conn, xml);
  g_assert_nonnull (f->dom);
  g_assert_cmpint (virDomainCreate (f->dom), ==, 0);
  g_assert_cmpint (virDomainGetUUIDString (f->dom, uuid), ==, 0);
  f->uuid = g_strdup (uuid);
  f->vconn = vmnet_libvirt_conn_open ("test:///default", 0, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  virDomainDestroy (f->dom);
  virDomainUndefine (f->dom);
  virDomainFree (f->dom);
  virConnectClose (f->conn);
  vmnet_libvirt_conn_free (f->vconn);
  g_free (f->uuid);
}

static VmnetVfStep *
step_new (Fixture *f, VmnetVfStepKind kind)
{
  VmnetVfStep *step = g_new0 (VmnetVfStep, 1);

  step->kind = kind;
  step->vm_name = g_strdup (virDomainGetName (f->dom));
  step->vm_uuid = g_strdup (f->uuid);
  step->adapter_name = g_strdup ("net0");
  step->mac = g_strdup ("52:54:00:dd:00:01");
  step->pool = g_strdup ("default");
  step->vf_alias = g_strdup ("ua-net0-vf");
  step->vectors = -1;
  return step;
}

static gchar *
live_metadata (Fixture *f)
{
  char *xml = virDomainGetMetadata (f->dom, VIR_DOMAIN_METADATA_ELEMENT, VMNET_TEST_NS,
                                    VIR_DOMAIN_AFFECT_LIVE);
  gchar *ret = g_strdup (xml);
  free (xml);
  virResetLastError ();
  return ret;
}

/* The test driver cannot hot-plug: the attach fails, and the adapter keeps
 * libvirt's reason as its last error for the status. */
static void
test_failed_attach_is_kept (Fixture *f, gconstpointer data)
{
  g_autoptr(VmnetVfStep) step = step_new (f, VMNET_VF_STEP_ATTACH);
  VmnetVfTarget target = { f->vconn, NULL, FALSE };
  g_autoptr(GError) error = NULL;
  g_autofree gchar *metadata = NULL;

  g_assert_null (live_metadata (f));
  g_assert_false (vmnet_vf_step_execute (&target, step, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (step->action, ==, VMNET_VF_ACTION_FAILED);
  g_assert_true (step->report);
  g_assert_cmpstr (step->reason, ==, error->message);
  metadata = live_metadata (f);
  g_assert_nonnull (metadata);
  g_assert_nonnull (strstr (metadata, "mac=\"52:54:00:dd:00:01\""));
  g_assert_nonnull (strstr (metadata, "iov-last-error="));
}

/* A failed unplug changes nothing and says why. */
static void
test_failed_detach (Fixture *f, gconstpointer data)
{
  g_autoptr(VmnetVfStep) step = step_new (f, VMNET_VF_STEP_DETACH);
  VmnetVfTarget target = { f->vconn, NULL, FALSE };
  g_autoptr(GError) error = NULL;
  char *before = virDomainGetXMLDesc (f->dom, 0);
  char *after;

  g_assert_false (vmnet_vf_step_execute (&target, step, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "ua-net0-vf"));
  g_assert_cmpint (step->action, ==, VMNET_VF_ACTION_FAILED);
  after = virDomainGetXMLDesc (f->dom, 0);
  g_assert_cmpstr (before, ==, after);
  g_assert_null (live_metadata (f));
  free (before);
  free (after);
}

/* A wait is reported when it starts, not on every pass. */
static void
test_wait_reported_once (Fixture *f, gconstpointer data)
{
  g_autoptr(VmnetVfStep) first = step_new (f, VMNET_VF_STEP_WAIT);
  g_autoptr(VmnetVfStep) again = step_new (f, VMNET_VF_STEP_WAIT);
  VmnetVfTarget target = { f->vconn, NULL, FALSE };

  first->news = TRUE;
  g_assert_true (vmnet_vf_step_execute (&target, first, NULL));
  g_assert_true (first->report);
  g_assert_cmpint (first->action, ==, VMNET_VF_ACTION_WAITING);
  g_assert_true (vmnet_vf_step_execute (&target, again, NULL));
  g_assert_false (again->report);
}

#define OWN_VF_ADDRESS "0fee:fe:1f.7"   /* a VF no machine has: nothing real is touched */
#define OWN_VF_SOURCE "<source><address type='pci' domain='0x0fee' bus='0xfe' slot='0x1f' function='0x7'/></source>"

#define OWN_A_UUID "6c1d3e7f-8029-4b3a-c4d5-e6f7a8b90001"
#define OWN_B_UUID "6c1d3e7f-8029-4b3a-c4d5-e6f7a8b90002"

/* A running test-driver VM with adapter 'net0' (MAC @mac), holding the VF
 * with it when @with_vf. */
static virDomainPtr
own_domain (virConnectPtr conn, const gchar *name, const gchar *uuid, const gchar *mac, gboolean with_vf)
{
  g_autofree gchar *xml = g_strdup_printf (
    "<domain type='test'><name>%s</name><uuid>%s</uuid><memory>1024</memory><os><type>hvm</type></os><devices>"
    "<interface type='network'><mac address='%s'/><source network='default'/>"
    "<model type='virtio'/><teaming type='persistent'/><alias name='ua-net0'/></interface>%s%s%s"
    "</devices></domain>", name, uuid, mac,
    with_vf ? "<interface type='hostdev' managed='yes'><mac address='" : "", with_vf ? mac : "",
    with_vf ? "'/>" OWN_VF_SOURCE "<teaming type='transient' persistent='ua-net0'/><alias name='ua-net0-vf'/>"
              "</interface>" : "");
  virDomainPtr dom = virDomainDefineXML (conn, xml);

  g_assert_nonnull (dom);
  g_assert_cmpint (virDomainCreate (dom), ==, 0);
  return dom;
}

static gchar *
dom_metadata (virDomainPtr dom)
{
  char *xml = virDomainGetMetadata (dom, VIR_DOMAIN_METADATA_ELEMENT, VMNET_TEST_NS, VIR_DOMAIN_AFFECT_LIVE);
  gchar *ret = g_strdup (xml);
  free (xml);
  virResetLastError ();
  return ret;
}

/* A VF setting is applied only to the VF libvirt gives the adapter when it
 * is applied, not to the one it had when the change was planned: after the
 * VF moved to another VM, AllowTeaming (trust on, spoof checking off) is
 * not tried on it. Tried, it fails here (no such PF) and leaves the
 * adapter's last error: that is how an attempt shows. */
static void
test_setting_only_on_held_vf (void)
{
  virConnectPtr conn = virConnectOpen ("test:///default");
  g_autoptr(GError) error = NULL;
  VmnetLibvirtConn *vconn = vmnet_libvirt_conn_open ("test:///default", 0, &error);
  VmnetVfTarget target = { vconn, NULL, TRUE };
  virDomainPtr a, b;
  const gchar *uuid_a = OWN_A_UUID;
  g_autofree gchar *planned = NULL;
  g_autofree gchar *reason = NULL;
  g_autofree gchar *metadata = NULL;

  g_assert_no_error (error);
  a = own_domain (conn, "own-a", OWN_A_UUID, "52:54:00:dd:01:01", TRUE);

  /* The plan: the adapter's VF as read then. */
  planned = vmnet_libvirt_conn_teamed_vf (vconn, uuid_a, "net0");
  g_assert_cmpstr (planned, ==, OWN_VF_ADDRESS);
  g_assert_true (vmnet_vf_still_held (vconn, uuid_a, "net0", planned, &reason));
  g_assert_null (reason);
  /* Held: the setting is tried. */
  g_assert_false (vmnet_vf_apply_teaming (&target, uuid_a, "net0", "52:54:00:dd:01:01", planned, TRUE));
  metadata = dom_metadata (a);
  g_assert_nonnull (metadata);
  g_assert_nonnull (strstr (metadata, "AllowTeaming could not be applied to the VF"));
  g_clear_pointer (&metadata, g_free);

  /* The VF moves: VM own-a runs on without it, own-b holds it. */
  g_assert_cmpint (virDomainDestroy (a), ==, 0);
  virDomainFree (a);
  a = own_domain (conn, "own-a", OWN_A_UUID, "52:54:00:dd:01:01", FALSE);
  b = own_domain (conn, "own-b", OWN_B_UUID, "52:54:00:dd:02:01", TRUE);
  g_assert_null (dom_metadata (a));

  g_assert_false (vmnet_vf_still_held (vconn, uuid_a, "net0", planned, &reason));
  g_assert_nonnull (strstr (reason, "VM 'own-b' holds it"));
  g_assert_false (vmnet_vf_apply_teaming (&target, uuid_a, "net0", "52:54:00:dd:01:01", planned, TRUE));
  /* Nothing was tried on own-b's VF. */
  g_assert_null (dom_metadata (a));
  g_assert_null (dom_metadata (b));

  for (virDomainPtr d = a; d; d = d == a ? b : NULL)
    {
      virDomainDestroy (d);
      virDomainUndefine (d);
      virDomainFree (d);
    }
  vmnet_libvirt_conn_free (vconn);
  virConnectClose (conn);
}

/* A policy step off the host itself (no netlink) changes nothing and
 * reports nothing: the VF stays as it is. */
static void
test_policy_without_netlink (Fixture *f, gconstpointer data)
{
  g_autoptr(VmnetVfStep) step = step_new (f, VMNET_VF_STEP_POLICY);
  VmnetVfTarget target = { f->vconn, NULL, FALSE };
  g_autoptr(GError) error = NULL;
  char *before = virDomainGetXMLDesc (f->dom, 0);
  char *after;

  step->virtual_function = g_strdup ("0000:01:10.0");
  step->policy.max_tx_rate = 8;
  step->reason = g_strdup ("the VF carries max_tx_rate 0 Mbit/s, not 8");
  g_assert_true (vmnet_vf_step_execute (&target, step, &error));
  g_assert_no_error (error);
  g_assert_false (step->report);
  after = virDomainGetXMLDesc (f->dom, 0);
  g_assert_cmpstr (before, ==, after);
  g_assert_null (live_metadata (f));
  free (before);
  free (after);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add ("/vmnet/vf-exec/failed-attach-is-kept", Fixture, NULL, fixture_set_up,
              test_failed_attach_is_kept, fixture_tear_down);
  g_test_add ("/vmnet/vf-exec/failed-detach", Fixture, NULL, fixture_set_up, test_failed_detach,
              fixture_tear_down);
  g_test_add ("/vmnet/vf-exec/wait-reported-once", Fixture, NULL, fixture_set_up, test_wait_reported_once,
              fixture_tear_down);
  g_test_add_func ("/vmnet/vf-exec/setting-only-on-held-vf", test_setting_only_on_held_vf);
  g_test_add ("/vmnet/vf-exec/policy-without-netlink", Fixture, NULL, fixture_set_up, test_policy_without_netlink,
              fixture_tear_down);
  return g_test_run ();
}
