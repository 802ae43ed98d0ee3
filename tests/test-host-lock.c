/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host-wide lock: one lock file per libvirt URI; a second process waits
 * for it, and gets BUSY naming the holder's pid once its wait is over; the
 * same thread takes it again without waiting; every change of a host holds
 * it (sync and async forms), a read does not. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libvirt/libvirt.h>

#include "vmnet-test-util.h"
#include "vmnet-host-private.h"

#define NS "http://libvmnet.org/xmlns/vmnet/1.0"

/* A child process holding a lock: started, it holds the lock before
 * child_start() returns; child_finish() lets it go after @hold_ms more
 * (G_MAXUINT: when told to) and reaps it. */
typedef struct {
  GPid pid;
  gint to_child;
} Child;

/* With the library's own call when @uri is given (the children fork before
 * this process has any thread), else with flock(2) on @path alone, as any
 * other program may. */
static void
child_start (Child *c, const gchar *uri, const gchar *path, guint hold_ms)
{
  gint up[2], down[2];
  gchar byte = 0;

  g_assert_cmpint (pipe (up), ==, 0);
  g_assert_cmpint (pipe (down), ==, 0);
  c->pid = fork ();
  g_assert_cmpint (c->pid, >=, 0);
  if (c->pid == 0)
    {
      gint fd = -1;
      VmnetHostLock *lock = NULL;

      close (up[0]);
      close (down[1]);
      if (uri)
        lock = vmnet_host_lock_acquire (uri, 5000, NULL, NULL);
      else if ((fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0 || flock (fd, LOCK_EX) < 0)
        _exit (2);
      if (uri && !lock)
        _exit (3);
      if (write (up[1], "L", 1) != 1)
        _exit (4);
      if (hold_ms == G_MAXUINT)
        {
          if (read (down[0], &byte, 1) < 0)
            _exit (5);
        }
      else
        g_usleep (hold_ms * 1000);
      _exit (0);   /* the lock goes with the process */
    }
  close (up[1]);
  close (down[0]);
  g_assert_cmpint (read (up[0], &byte, 1), ==, 1);
  g_assert_cmpint (byte, ==, 'L');
  close (up[0]);
  c->to_child = down[1];
}

static void
child_finish (Child *c)
{
  gint status = 0;

  /* A child that holds for a while may be gone already. */
  if (write (c->to_child, "G", 1) != 1)
    g_assert_cmpint (errno, ==, EPIPE);
  close (c->to_child);
  g_assert_cmpint (waitpid (c->pid, &status, 0), ==, c->pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

static void
test_path (void)
{
  g_autofree gchar *dir = g_build_filename (g_get_user_runtime_dir (), "locks", NULL);
  g_autofree gchar *system = NULL;
  g_autofree gchar *a = NULL;
  g_autofree gchar *b = NULL;
  g_autofree gchar *again = NULL;
  g_autofree gchar *fallback = NULL;
  g_autofree gchar *saved = g_strdup (g_getenv ("VMNET_LOCK_DIR"));

  g_setenv ("VMNET_LOCK_DIR", dir, TRUE);
  system = vmnet_host_lock_path ("qemu:///system");
  a = vmnet_host_lock_path ("test:///a.xml");
  b = vmnet_host_lock_path ("test:///b.xml");
  g_assert_true (g_str_has_prefix (system, dir));
  g_assert_true (g_str_has_suffix (system, "/host.lock"));
  /* Other hosts (test URIs, private daemons) never wait for the system's. */
  g_assert_true (g_str_has_prefix (a, dir));
  g_assert_cmpstr (a, !=, system);
  g_assert_cmpstr (a, !=, b);
  again = vmnet_host_lock_path ("test:///a.xml");
  g_assert_cmpstr (again, ==, a);

  g_unsetenv ("VMNET_LOCK_DIR");
  fallback = vmnet_host_lock_path ("qemu:///system");
  g_assert_cmpstr (fallback, ==, "/run/vmnet/host.lock");
  g_clear_pointer (&fallback, g_free);
  fallback = vmnet_host_lock_path ("test:///a.xml");
  if (geteuid () != 0)
    g_assert_true (g_str_has_prefix (fallback, g_get_user_runtime_dir ()));
  else
    g_assert_true (g_str_has_prefix (fallback, "/run/vmnet/"));
  if (saved)
    g_setenv ("VMNET_LOCK_DIR", saved, TRUE);
}

static void
test_busy_names_holder (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *pid = NULL;
  VmnetHostLock *lock, *other;
  Child c;
  gint64 t0;

  child_start (&c, "test:///busy.xml", NULL, G_MAXUINT);
  pid = g_strdup_printf ("process %d ", (gint) c.pid);

  t0 = g_get_monotonic_time ();
  lock = vmnet_host_lock_acquire ("test:///busy.xml", 300, NULL, &error);
  g_assert_null (lock);
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_BUSY);
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 290 * 1000);
  g_assert_nonnull (strstr (error->message, "host 'test:///busy.xml' is busy"));
  g_assert_nonnull (strstr (error->message, pid));
  g_clear_error (&error);

  /* Another host's lock is free meanwhile. */
  other = vmnet_host_lock_acquire ("test:///other.xml", 300, NULL, &error);
  g_assert_no_error (error);
  vmnet_host_lock_release (other);

  child_finish (&c);
  lock = vmnet_host_lock_acquire ("test:///busy.xml", 300, NULL, &error);
  g_assert_no_error (error);
  vmnet_host_lock_release (lock);
}

static void
test_waits_for_holder (void)
{
  g_autoptr(GError) error = NULL;
  VmnetHostLock *lock;
  Child c;
  gint64 t0;

  child_start (&c, "test:///wait.xml", NULL, 400);
  t0 = g_get_monotonic_time ();
  lock = vmnet_host_lock_acquire ("test:///wait.xml", 10000, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lock);
  /* It waited for the child to let go, not for the whole timeout. */
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 300 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 5000 * 1000);
  vmnet_host_lock_release (lock);
  child_finish (&c);
}

static void
test_cancelled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Child c;

  child_start (&c, "test:///cancel.xml", NULL, G_MAXUINT);
  g_cancellable_cancel (cancellable);
  g_assert_null (vmnet_host_lock_acquire ("test:///cancel.xml", 10000, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  child_finish (&c);
}

static gpointer
try_lock (gpointer data)
{
  GError *error = NULL;
  VmnetHostLock *lock = vmnet_host_lock_acquire (data, 100, NULL, &error);

  if (lock)
    vmnet_host_lock_release (lock);
  return error;
}

/* The same thread takes the lock again at once (an operation inside
 * another); another thread of the same process waits like another process. */
static void
test_same_thread_again (void)
{
  g_autoptr(GError) error = NULL;
  VmnetHostLock *outer = vmnet_host_lock_acquire ("test:///again.xml", 100, NULL, &error);
  VmnetHostLock *inner;
  GError *thread_error;

  g_assert_no_error (error);
  inner = vmnet_host_lock_acquire ("test:///again.xml", 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (inner == outer);
  thread_error = g_thread_join (g_thread_new ("lock", try_lock, (gpointer) "test:///again.xml"));
  g_assert_error (thread_error, VMNET_ERROR, VMNET_ERROR_BUSY);
  g_clear_error (&thread_error);
  vmnet_host_lock_release (inner);
  thread_error = g_thread_join (g_thread_new ("lock", try_lock, (gpointer) "test:///again.xml"));
  g_assert_error (thread_error, VMNET_ERROR, VMNET_ERROR_BUSY);
  g_clear_error (&thread_error);
  vmnet_host_lock_release (outer);
  thread_error = g_thread_join (g_thread_new ("lock", try_lock, (gpointer) "test:///again.xml"));
  g_assert_no_error (thread_error);
}

static void
set_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GError **error = user_data;

  g_assert_false (vmnet_host_set_network_adapter_finish (VMNET_HOST (source), result, error));
}

static gchar *
metadata (virDomainPtr dom)
{
  char *xml = virDomainGetMetadata (dom, VIR_DOMAIN_METADATA_ELEMENT, NS, VIR_DOMAIN_AFFECT_CONFIG);
  gchar *ret = g_strdup (xml);

  free (xml);
  virResetLastError ();
  return ret;
}

/* A change of the host waits for the lock, in the sync and the async form,
 * and gives BUSY naming the holder when the wait is over, changing nothing;
 * a read goes on. */
static void
test_changes_hold_the_lock (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *path = vmnet_host_lock_path ("test:///default");
  g_autofree gchar *pid = NULL;
  g_autofree gchar *before = NULL;
  g_autofree gchar *after = NULL;
  g_autoptr(VmnetHost) host = NULL;
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(VmnetNetworkAdapter) front = NULL;
  g_autoptr(VmnetAdapterSettings) s = vmnet_adapter_settings_new ();
  GError *async_error = NULL;
  virConnectPtr conn;
  virDomainPtr dom;
  Child c;

  /* Before this process has threads of libvirt's: the child holds the lock
   * as any other program would, with flock(2). */
  child_start (&c, NULL, path, G_MAXUINT);
  pid = g_strdup_printf ("process %d ", (gint) c.pid);

  conn = virConnectOpen ("test:///default");
  g_assert_nonnull (conn);
  dom = virDomainDefineXML (conn,
    "<domain type='test'><name>locked</name><memory>1024</memory><os><type>hvm</type></os><devices>"
    "<interface type='network'><mac address='52:54:00:ee:00:01'/><source network='default'/>"
    "<model type='virtio'/><teaming type='persistent'/><alias name='ua-front'/></interface>"
    "</devices></domain>");
  g_assert_nonnull (dom);
  host = vmnet_host_new_for_uri ("test:///default", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (vmnet_host_get_resolved_uri (host), ==, "test:///default");
  vm = vmnet_host_find_vm (host, "locked", &error);
  g_assert_no_error (error);
  front = vmnet_vm_find_network_adapter (vm, "front", &error);
  g_assert_no_error (error);
  vmnet_adapter_settings_set_iov_weight (s, 42);
  before = metadata (dom);

  g_setenv ("VMNET_LOCK_TIMEOUT", "1", TRUE);
  g_assert_false (vmnet_host_set_network_adapter (host, front, s, NULL, &error));
  g_assert_error (error, VMNET_ERROR, VMNET_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, pid));
  g_clear_error (&error);

  vmnet_host_set_network_adapter_async (host, front, s, NULL, set_done, &async_error);
  while (!async_error)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (async_error, VMNET_ERROR, VMNET_ERROR_BUSY);
  g_assert_nonnull (strstr (async_error->message, pid));
  g_clear_error (&async_error);

  /* A read takes no lock. */
  g_assert_true (vmnet_host_refresh (host, NULL, &error));
  g_assert_no_error (error);
  after = metadata (dom);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  child_finish (&c);
  g_assert_true (vmnet_host_set_network_adapter (host, front, s, NULL, &error));
  g_assert_no_error (error);
  g_unsetenv ("VMNET_LOCK_TIMEOUT");
  after = metadata (dom);
  g_assert_nonnull (strstr (after, "iov-weight=\"42\""));

  virDomainUndefine (dom);
  virDomainFree (dom);
  virConnectClose (conn);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  signal (SIGPIPE, SIG_IGN);
  /* The children fork from this process: those that run library code first,
   * while it has one thread. */
  g_test_add_func ("/vmnet/host-lock/busy-names-holder", test_busy_names_holder);
  g_test_add_func ("/vmnet/host-lock/waits-for-holder", test_waits_for_holder);
  g_test_add_func ("/vmnet/host-lock/cancelled", test_cancelled);
  g_test_add_func ("/vmnet/host-lock/path", test_path);
  g_test_add_func ("/vmnet/host-lock/same-thread-again", test_same_thread_again);
  g_test_add_func ("/vmnet/host-lock/changes-hold-the-lock", test_changes_hold_the_lock);
  return g_test_run ();
}
