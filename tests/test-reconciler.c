/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VmnetReconciler on libvirt's test driver: passes follow events, a failed
 * attach is retried only when VFs may have come free, stopping stops, a pass
 * that gave up waiting for the host lock is made again. The test driver
 * cannot attach VFs, so every attach fails with its reason. */
#include <string.h>
#include <libvirt/libvirt.h>

#include "vmnet-test-util.h"
#include "vmnet-host-private.h"

#define NS "http://libvmnet.org/xmlns/vmnet/1.0"

typedef struct {
  virConnectPtr    conn;
  VmnetReconciler *reconciler;
  GPtrArray       *failed;     /* "VM/adapter" of each failed attach */
  GPtrArray       *errors;
} Fixture;

static virDomainPtr
define (Fixture *f, const gchar *name, const gchar *mac, guint weight, gboolean start)
{
  g_autofree gchar *xml = g_strdup_printf (
    "<domain type='test'><name>%s</name><memory>1024</memory><os><type>hvm</type></os>"
    "<metadata><vmnet:adapters xmlns:vmnet='" NS "'>"
    "<vmnet:adapter mac='%s' iov-weight='%u'/></vmnet:adapters></metadata><devices>"
    "<interface type='network'><mac address='%s'/><source network='rsw'/>"
    "<model type='virtio'/><teaming type='persistent'/><alias name='ua-net0'/></interface>"
    "</devices></domain>", name, mac, weight, mac);
  virDomainPtr dom = virDomainDefineXML (f->conn, xml);

  g_assert_nonnull (dom);
  if (start)
    g_assert_cmpint (virDomainCreate (dom), ==, 0);
  return dom;
}

static void
drop (Fixture *f, const gchar *name)
{
  virDomainPtr dom = virDomainLookupByName (f->conn, name);

  if (!dom)
    return;
  if (virDomainIsActive (dom) == 1)
    virDomainDestroy (dom);
  virDomainUndefine (dom);
  virDomainFree (dom);
}

static void
on_vf_action (VmnetReconciler *r, VmnetVfAction action, const gchar *vm, const gchar *adapter,
              const gchar *vf, const gchar *reason, Fixture *f)
{
  g_assert_nonnull (reason);
  if (action == VMNET_VF_ACTION_FAILED)
    g_ptr_array_add (f->failed, g_strdup_printf ("%s/%s", vm, adapter));
}

static void
on_reconciled (VmnetReconciler *r, const GError *error, Fixture *f)
{
  if (error)
    g_ptr_array_add (f->errors, g_strdup (error->message));
}

static guint
count (GPtrArray *a, const gchar *value)
{
  guint n = 0;

  for (guint i = 0; i < a->len; i++)
    n += g_str_equal (g_ptr_array_index (a, i), value);
  return n;
}

/* Runs the default main context until no pass has finished for 300 ms. */
static void
settle (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint passes = vmnet_reconciler_get_passes (f->reconciler);
  gint64 quiet_since = g_get_monotonic_time ();

  while (g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (vmnet_reconciler_get_passes (f->reconciler) != passes)
        {
          passes = vmnet_reconciler_get_passes (f->reconciler);
          quiet_since = g_get_monotonic_time ();
        }
      else if (vmnet_reconciler_is_busy (f->reconciler))
        quiet_since = g_get_monotonic_time ();
      else if (passes > 0 && g_get_monotonic_time () - quiet_since > 300 * 1000)
        return;
      g_usleep (10 * 1000);
    }
  g_assert_not_reached ();
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  virNetworkPtr net;

  f->conn = virConnectOpen ("test:///default");
  g_assert_nonnull (f->conn);
  net = virNetworkDefineXML (f->conn, "<network><name>rsw</name><bridge name='rsw0'/></network>");
  g_assert_nonnull (net);
  virNetworkCreate (net);
  virNetworkFree (net);
  net = virNetworkDefineXML (f->conn, "<network><name>rsw-iov</name><forward mode='hostdev' managed='yes'>"
                                      "<pf dev='nopf0'/></forward></network>");
  g_assert_nonnull (net);
  virNetworkFree (net);
  virDomainFree (define (f, "rec-a", "52:54:00:ab:00:01", 50, TRUE));
  virDomainFree (define (f, "rec-b", "52:54:00:ab:00:02", 0, TRUE));

  f->failed = g_ptr_array_new_with_free_func (g_free);
  f->errors = g_ptr_array_new_with_free_func (g_free);
  f->reconciler = vmnet_reconciler_new ("test:///default");
  g_signal_connect (f->reconciler, "vf-action", G_CALLBACK (on_vf_action), f);
  g_signal_connect (f->reconciler, "reconciled", G_CALLBACK (on_reconciled), f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  virNetworkPtr net;

  g_clear_object (&f->reconciler);
  drop (f, "rec-a");
  drop (f, "rec-b");
  drop (f, "rec-c");
  drop (f, "rec-d");
  for (const gchar *const *name = (const gchar *const[]) { "rsw", "rsw-iov", NULL }; *name; name++)
    if ((net = virNetworkLookupByName (f->conn, *name)))
      {
        virNetworkDestroy (net);
        virNetworkUndefine (net);
        virNetworkFree (net);
      }
  virConnectClose (f->conn);
  g_ptr_array_unref (f->failed);
  g_ptr_array_unref (f->errors);
}

static void
test_follows_events (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetNetworkAdapter) adapter = NULL;
  g_autoptr(VmnetVm) vm = NULL;
  guint passes;

  vmnet_reconciler_start (f->reconciler);
  settle (f);
  g_assert_true (vmnet_reconciler_get_connected (f->reconciler));
  g_assert_cmpuint (f->errors->len, ==, 0);
  /* The first (full) pass tried the running VM's adapter; rec-b has weight 0. */
  g_assert_cmpuint (count (f->failed, "rec-a/net0"), ==, 1);
  g_assert_cmpuint (count (f->failed, "rec-b/net0"), ==, 0);
  /* The failure is kept for the status. */
  vm = vmnet_host_find_vm (vmnet_reconciler_get_host (f->reconciler), "rec-a", &error);
  g_assert_no_error (error);
  adapter = vmnet_vm_find_network_adapter (vm, "net0", &error);
  g_assert_no_error (error);
  g_assert_cmpint (vmnet_network_adapter_get_status (adapter), ==, VMNET_OPERATIONAL_STATUS_DEGRADED);

  /* Idle: no pass without an event. */
  passes = vmnet_reconciler_get_passes (f->reconciler);
  settle (f);
  g_assert_cmpuint (vmnet_reconciler_get_passes (f->reconciler), ==, passes);

  /* A VM stops: VFs may have come free, the waiting adapter is tried again. */
  {
    virDomainPtr b = virDomainLookupByName (f->conn, "rec-b");
    g_assert_cmpint (virDomainDestroy (b), ==, 0);
    virDomainFree (b);
  }
  settle (f);
  g_assert_cmpuint (vmnet_reconciler_get_passes (f->reconciler), >, passes);
  g_assert_cmpuint (count (f->failed, "rec-a/net0"), ==, 2);

  /* A VM starts: its adapter is tried; rec-a's failure stands (nothing freed). */
  virDomainFree (define (f, "rec-c", "52:54:00:ab:00:03", 70, TRUE));
  settle (f);
  g_assert_cmpuint (count (f->failed, "rec-c/net0"), ==, 1);
  g_assert_cmpuint (count (f->failed, "rec-a/net0"), ==, 2);

  /* A known VM that starts is handled from what the reconciler knows, then
   * the host is read: the attach is tried (and fails here) all the same. */
  virDomainFree (define (f, "rec-d", "52:54:00:ab:00:04", 30, FALSE));
  settle (f);
  g_assert_cmpuint (count (f->failed, "rec-d/net0"), ==, 0);
  {
    virDomainPtr d = virDomainLookupByName (f->conn, "rec-d");
    g_assert_cmpint (virDomainCreate (d), ==, 0);
    virDomainFree (d);
  }
  settle (f);
  g_assert_cmpuint (count (f->failed, "rec-d/net0"), ==, 1);
  g_assert_cmpuint (count (f->failed, "rec-a/net0"), ==, 2);

  /* A VM that resumes (or arrives by migration) gets another try: its attach
   * may have failed while it was paused; the others' failures stand. */
  {
    virDomainPtr c = virDomainLookupByName (f->conn, "rec-c");
    g_assert_cmpint (virDomainSuspend (c), ==, 0);
    g_assert_cmpint (virDomainResume (c), ==, 0);
    virDomainFree (c);
  }
  settle (f);
  g_assert_cmpuint (count (f->failed, "rec-c/net0"), ==, 2);
  g_assert_cmpuint (count (f->failed, "rec-a/net0"), ==, 2);

  /* Stopped: events change nothing any more. */
  vmnet_reconciler_stop (f->reconciler);
  g_assert_false (vmnet_reconciler_get_connected (f->reconciler));
  passes = vmnet_reconciler_get_passes (f->reconciler);
  drop (f, "rec-c");
  {
    gint64 until = g_get_monotonic_time () + 300 * 1000;
    while (g_get_monotonic_time () < until)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10 * 1000);
      }
  }
  g_assert_cmpuint (vmnet_reconciler_get_passes (f->reconciler), ==, passes);
}

static void
count_error (VmnetReconciler *r, const GError *error, guint *failures)
{
  g_assert_nonnull (error);
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_BACKEND_UNAVAILABLE);
  (*failures)++;
}

/* Connecting is retried with a growing delay (0.5 s, 1 s, 2 s, …): within
 * 2.2 s that is the first try and two retries, not a busy loop. */
static void
test_unreachable_is_retried (void)
{
  g_autoptr(VmnetReconciler) r = vmnet_reconciler_new ("qemu+unix:///system?socket=/nonexistent/libvirt-sock");
  guint failures = 0;
  gint64 until;

  g_signal_connect (r, "reconciled", G_CALLBACK (count_error), &failures);
  vmnet_reconciler_start (r);
  until = g_get_monotonic_time () + 2200 * 1000;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  g_assert_false (vmnet_reconciler_get_connected (r));
  g_assert_null (vmnet_reconciler_get_host (r));
  g_assert_cmpuint (failures, >=, 2);
  g_assert_cmpuint (failures, <=, 3);
  vmnet_reconciler_stop (r);
}

/* Another holder of the host lock, in a thread of its own. */
typedef struct {
  GMutex   mutex;
  GCond    cond;
  gboolean held;
  gboolean release;
} Holder;

static gpointer
hold_lock (gpointer data)
{
  Holder *h = data;
  VmnetHostLock *lock = vmnet_host_lock_acquire ("test:///default", 5000, NULL, NULL);

  g_assert_nonnull (lock);
  g_mutex_lock (&h->mutex);
  h->held = TRUE;
  g_cond_broadcast (&h->cond);
  while (!h->release)
    g_cond_wait (&h->cond, &h->mutex);
  g_mutex_unlock (&h->mutex);
  vmnet_host_lock_release (lock);
  return NULL;
}

/* A pass that gave up waiting for the host lock (another process changing
 * the host for longer than the wait) is made again, with no new event: the
 * adapter waiting for a VF gets its attach once the lock is free. */
static void
test_busy_pass_again (Fixture *f, gconstpointer data)
{
  Holder h = { 0 };
  GThread *thread;
  gint64 deadline;
  gboolean busy = FALSE;

  g_setenv ("VMNET_LOCK_TIMEOUT", "1", TRUE);
  thread = g_thread_new ("holder", hold_lock, &h);
  g_mutex_lock (&h.mutex);
  while (!h.held)
    g_cond_wait (&h.cond, &h.mutex);
  g_mutex_unlock (&h.mutex);

  vmnet_reconciler_start (f->reconciler);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!busy && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
      for (guint i = 0; i < f->errors->len; i++)
        busy |= strstr (g_ptr_array_index (f->errors, i), "is busy") != NULL;
    }
  g_assert_true (busy);
  g_assert_cmpuint (count (f->failed, "rec-a/net0"), ==, 0);

  g_mutex_lock (&h.mutex);
  h.release = TRUE;
  g_cond_broadcast (&h.cond);
  g_mutex_unlock (&h.mutex);
  g_thread_join (thread);
  g_mutex_clear (&h.mutex);
  g_cond_clear (&h.cond);

  settle (f);
  g_assert_cmpuint (count (f->failed, "rec-a/net0"), ==, 1);
  vmnet_reconciler_stop (f->reconciler);
  g_unsetenv ("VMNET_LOCK_TIMEOUT");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/vmnet/reconciler/follows-events", Fixture, NULL, fixture_set_up, test_follows_events, fixture_tear_down);
  g_test_add_func ("/vmnet/reconciler/unreachable-is-retried", test_unreachable_is_retried);
  g_test_add ("/vmnet/reconciler/busy-pass-again", Fixture, NULL, fixture_set_up, test_busy_pass_again,
              fixture_tear_down);
  return g_test_run ();
}
