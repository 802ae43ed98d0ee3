/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host-wide lock: every change of a host, by any process on this
 * machine (the tool, the library's users, vmnetd), holds it, so no change
 * plans from a state that another is changing. An flock(2) on a file per
 * libvirt URI under the runtime directory; held again by the same thread
 * without waiting. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <gio/gio.h>

#include "vmnet-host-private.h"
#include "vmnet-error.h"

#define SYSTEM_URI "qemu:///system"
#define DEFAULT_TIMEOUT_S 120

struct _VmnetHostLock {
  gchar         *path;
  gint           fd;      /* -1: no lock file could be opened; nothing is held */
  guint          depth;
  VmnetHostLock *outer;   /* the lock this thread held before this one */
};

/* The innermost lock held by this thread. */
static GPrivate held = G_PRIVATE_INIT (NULL);

/* The lock file of @uri: the system host's is host.lock, any other's is
 * named by a hash of its URI, so hosts do not wait for each other. The
 * directory is $VMNET_LOCK_DIR, else /run/vmnet for the system host and for
 * root, else $XDG_RUNTIME_DIR/vmnet. */
gchar *
vmnet_host_lock_path (const gchar *uri)
{
  const gchar *dir = g_getenv ("VMNET_LOCK_DIR");
  gboolean system = g_strcmp0 (uri, SYSTEM_URI) == 0;
  g_autofree gchar *user_dir = NULL;
  g_autofree gchar *name = NULL;

  if (!dir || !*dir)
    {
      if (system || geteuid () == 0)
        dir = "/run/vmnet";
      else
        dir = user_dir = g_build_filename (g_get_user_runtime_dir (), "vmnet", NULL);
    }
  if (system)
    name = g_strdup ("host.lock");
  else
    {
      g_autofree gchar *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, uri ? uri : "", -1);
      name = g_strdup_printf ("host-%.16s.lock", hash);
    }
  return g_build_filename (dir, name, NULL);
}

/* The pid holding the flock on @fd's file, from /proc/locks, else the one
 * written into the file; 0 when unknown. */
static gint
holder_pid (gint fd)
{
  g_autofree gchar *locks = NULL;
  g_auto(GStrv) lines = NULL;
  gchar text[32] = "";
  struct stat st;
  ssize_t n;

  if (fstat (fd, &st) == 0 && g_file_get_contents ("/proc/locks", &locks, NULL, NULL))
    {
      lines = g_strsplit (locks, "\n", -1);
      for (guint i = 0; lines[i]; i++)
        {
          gchar type[16];
          gint pid;
          guint major, minor;
          guint64 inode;

          if (strstr (lines[i], "->") ||
              sscanf (lines[i], "%*d: %15s %*s %*s %d %x:%x:%" G_GUINT64_FORMAT, type, &pid, &major, &minor,
                      &inode) != 5)
            continue;
          if (g_str_equal (type, "FLOCK") && inode == (guint64) st.st_ino &&
              makedev (major, minor) == st.st_dev && pid > 0)
            return pid;
        }
    }
  n = pread (fd, text, sizeof text - 1, 0);
  if (n > 0)
    {
      text[n] = '\0';
      return (gint) g_ascii_strtoll (text, NULL, 10);
    }
  return 0;
}

static gint
open_lock_file (const gchar *path)
{
  g_autofree gchar *dir = g_path_get_dirname (path);
  gint fd;

  if (g_mkdir_with_parents (dir, 0755) < 0 && errno != EEXIST)
    return -1;
  /* Only those who may write the file hold the lock: a lock taken through a
   * read-only descriptor would let any local user stall every change. */
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  return fd;
}

static guint
default_timeout_ms (void)
{
  const gchar *text = g_getenv ("VMNET_LOCK_TIMEOUT");
  guint64 seconds;

  if (text && g_ascii_string_to_unsigned (text, 10, 0, 24 * 3600, &seconds, NULL))
    return (guint) seconds * 1000;
  return DEFAULT_TIMEOUT_S * 1000;
}

/* Takes the lock of the host at @uri, waiting up to @timeout_ms (0: the
 * default, $VMNET_LOCK_TIMEOUT seconds or 120 s) while another process or
 * thread holds it: then %VMNET_ERROR_BUSY names the holder's pid. A lock
 * file that cannot be opened (a client without access to the runtime
 * directory) gives a lock that holds nothing. Safe on any thread. */
VmnetHostLock *
vmnet_host_lock_acquire (const gchar   *uri,
                         guint          timeout_ms,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autofree gchar *path = vmnet_host_lock_path (uri);
  VmnetHostLock *current = g_private_get (&held);
  VmnetHostLock *lock;
  gint64 deadline;
  gulong pause_us = 2000;

  for (VmnetHostLock *l = current; l; l = l->outer)
    if (g_str_equal (l->path, path))
      {
        l->depth++;
        return l;
      }

  lock = g_new0 (VmnetHostLock, 1);
  lock->path = g_steal_pointer (&path);
  lock->depth = 1;
  lock->fd = open_lock_file (lock->path);
  if (lock->fd < 0)
    g_debug ("lock file %s: %s; changes of host '%s' are not serialized with other processes",
             lock->path, g_strerror (errno), uri);

  deadline = g_get_monotonic_time () + (gint64) (timeout_ms ? timeout_ms : default_timeout_ms ()) * 1000;
  while (lock->fd >= 0 && flock (lock->fd, LOCK_EX | LOCK_NB) < 0)
    {
      gint saved = errno;

      if (saved == EINTR)
        continue;
      if (saved != EWOULDBLOCK)
        {
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_FAILED, "host '%s': cannot lock %s: %s", uri,
                       lock->path, g_strerror (saved));
          goto fail;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;
      if (g_get_monotonic_time () >= deadline)
        {
          gint pid = holder_pid (lock->fd);
          g_autofree gchar *holder = pid > 0 ? g_strdup_printf ("process %d", pid) : g_strdup ("another process");

          g_set_error (error, VMNET_ERROR, VMNET_ERROR_BUSY,
                       "host '%s' is busy: %s holds its lock %s (waited %u s); try again once it is done",
                       uri, holder, lock->path, (timeout_ms ? timeout_ms : default_timeout_ms ()) / 1000);
          goto fail;
        }
      g_usleep (pause_us);
      pause_us = MIN (pause_us * 2, 100000);
    }
  if (lock->fd >= 0)
    {
      g_autofree gchar *pid = g_strdup_printf ("%d\n", (gint) getpid ());
      /* The holder's pid for those who wait (/proc/locks may be hidden). */
      if (ftruncate (lock->fd, 0) == 0 && pwrite (lock->fd, pid, strlen (pid), 0) < 0)
        g_debug ("lock file %s: %s", lock->path, g_strerror (errno));
    }
  lock->outer = current;
  g_private_set (&held, lock);
  return lock;

fail:
  if (lock->fd >= 0)
    close (lock->fd);
  g_free (lock->path);
  g_free (lock);
  return NULL;
}

/* Lets go of @lock (the thread's innermost hold of it). */
void
vmnet_host_lock_release (VmnetHostLock *lock)
{
  if (--lock->depth > 0)
    return;
  g_assert (g_private_get (&held) == lock);
  g_private_set (&held, lock->outer);
  if (lock->fd >= 0)
    close (lock->fd);   /* drops the flock */
  g_free (lock->path);
  g_free (lock);
}

/* The lock of @self's host, by the URI its connection resolved. */
VmnetHostLock *
vmnet_host_lock (VmnetHost *self, GCancellable *cancellable, GError **error)
{
  const gchar *uri = self->conn ? vmnet_libvirt_conn_get_uri (self->conn) : self->uri;

  return vmnet_host_lock_acquire (uri, 0, cancellable, error);
}
