/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vmnetd's VM operations on D-Bus (doc/dbus.md): Host.StartVM, SaveVM,
 * ManagedSaveVM and MoveVM run the library's async verbs, tell their caller
 * how they go with Progress and reply when they are over, while the main
 * loop serves everyone else; Host.CancelVM cancels a running save or move.
 * Each is checked with polkit as libvirt would check the same call. */
#include <string.h>
#include "vmnetd-dbus-private.h"

typedef enum {
  JOB_START,
  JOB_SAVE,
  JOB_MANAGED_SAVE,
  JOB_MOVE,
} JobKind;

static const gchar *const job_names[] = { "StartVM", "SaveVM", "ManagedSaveVM", "MoveVM" };

/* The destination URIs MoveVM takes: the QEMU driver over libvirt's own
 * transports. vmnetd opens them as root: "ext", which runs a command, and
 * other drivers are refused. */
static const gchar *const move_schemes[] = {
  "qemu", "qemu+unix", "qemu+tcp", "qemu+tls", "qemu+ssh", "qemu+libssh", "qemu+libssh2", NULL
};
static const gchar *const migrate_schemes[] = { "tcp", "unix", NULL };

typedef struct {
  gint                   refs;
  VmnetdBus             *bus;
  JobKind                kind;
  GDBusMethodInvocation *invocation;   /* while it runs */
  VmnetHost             *host;         /* the host it runs on */
  gchar                 *uuid;
  gchar                 *name;
  gchar                 *sender;       /* the caller's unique name */
  gchar                 *context;      /* the error messages' prefix */
  gchar                 *path;         /* SaveVM */
  gchar                 *destination_uri, *migrate_uri;
  gboolean               live;
  GCancellable          *cancellable;
} Job;

static Job *
job_ref (Job *j)
{
  j->refs++;
  return j;
}

static void
job_unref (Job *j)
{
  if (--j->refs > 0)
    return;
  g_clear_object (&j->invocation);
  g_clear_object (&j->host);
  g_free (j->uuid);
  g_free (j->name);
  g_free (j->sender);
  g_free (j->context);
  g_free (j->path);
  g_free (j->destination_uri);
  g_free (j->migrate_uri);
  g_clear_object (&j->cancellable);
  g_free (j);
}

/* What libvirt checks for the same call: virDomainCreate checks
 * domain.start; virDomainSaveFlags and virDomainManagedSave check
 * domain.hibernate; a migration checks domain.migrate on the source, and the
 * destination's prepare step domain.migrate, .start and .write. */
static GPtrArray *
job_checks (VmnetdBus *self, Job *j)
{
  GPtrArray *checks = g_ptr_array_new_with_free_func ((GDestroyNotify) auth_check_free);
  const gchar *driver = driver_of (self);
  const gchar *const details[] = { "connect_driver", driver, "domain_name", j->name, "domain_uuid", j->uuid, NULL };
  g_autofree gchar *object = g_strdup_printf ("VM '%s'", j->name);

  switch (j->kind)
    {
    case JOB_START:
      add_check (checks, "domain.start", object, details);
      break;
    case JOB_SAVE:
    case JOB_MANAGED_SAVE:
      add_check (checks, "domain.hibernate", object, details);
      break;
    case JOB_MOVE:
      {
        g_autofree gchar *there = g_strdup_printf ("VM '%s' on the destination", j->name);

        add_check (checks, "domain.migrate", object, details);
        add_check (checks, "domain.start", there, details);
        add_check (checks, "domain.write", there, details);
      }
      break;
    }
  return checks;
}

static void
emit_progress (Job *j, const gchar *step, gdouble fraction, guint64 processed, guint64 total)
{
  g_autoptr(GError) error = NULL;

  if (!j->bus->connection)
    return;
  if (!g_dbus_connection_emit_signal (j->bus->connection, j->sender, VMNETD_OBJECT_ROOT "/Host",
                                      VMNETD_BUS_NAME ".Host", "Progress",
                                      g_variant_new ("(sssdtt)", j->uuid, job_names[j->kind], step, fraction,
                                                     processed, total), &error))
    g_debug ("Progress to %s: %s", j->sender, error->message);
}

/* A phase of the library's move or save as its step: the phase's nick;
 * the bytes in the phase that counts them (migrate, save). */
static void
phase_progress (Job *j, GType phase_type, gint phase, gboolean counted, gboolean done, guint64 processed,
                guint64 total)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (phase_type);
  GEnumValue *value = g_enum_get_value (klass, phase);
  gdouble fraction = -1;

  if (counted && total)
    fraction = MIN (1.0, (gdouble) processed / (gdouble) total);
  else if (done)
    fraction = 1;
  emit_progress (j, value ? value->value_nick : "unknown", fraction, processed, total);
}

static void
move_progress (VmnetMovePhase phase, guint64 processed, guint64 total, gpointer user_data)
{
  phase_progress (user_data, VMNET_TYPE_MOVE_PHASE, phase, phase == VMNET_MOVE_PHASE_MIGRATE,
                  phase == VMNET_MOVE_PHASE_DONE, processed, total);
}

static void
save_progress (VmnetSavePhase phase, guint64 processed, guint64 total, gpointer user_data)
{
  phase_progress (user_data, VMNET_TYPE_SAVE_PHASE, phase, phase == VMNET_SAVE_PHASE_SAVE,
                  phase == VMNET_SAVE_PHASE_DONE, processed, total);
}

static void
job_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *j = user_data;
  VmnetHost *host = VMNET_HOST (source);
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  switch (j->kind)
    {
    case JOB_START:
      ok = vmnet_host_start_vm_finish (host, result, &error);
      break;
    case JOB_SAVE:
    case JOB_MANAGED_SAVE:
      ok = vmnet_host_save_vm_full_finish (host, result, &error);
      break;
    case JOB_MOVE:
      ok = vmnet_host_move_vm_finish (host, result, &error);
      break;
    }
  if (g_hash_table_lookup (j->bus->jobs, j->uuid) == j)
    g_hash_table_remove (j->bus->jobs, j->uuid);
  /* The objects show the result before the reply. */
  if (j->bus->host == host)
    vmnetd_bus_sync (j->bus, host);
  if (ok)
    {
      if (j->kind == JOB_START)
        emit_progress (j, "done", 1, 0, 0);
      g_dbus_method_invocation_return_value (g_steal_pointer (&j->invocation), NULL);
    }
  else
    g_dbus_method_invocation_return_gerror (g_steal_pointer (&j->invocation), error);
  g_log_structured (LOG_DOMAIN, ok ? G_LOG_LEVEL_MESSAGE : G_LOG_LEVEL_WARNING, "VMNET_EVENT", "vm-operation",
                    "MESSAGE", "%s of VM '%s' for %s: %s", job_names[j->kind], j->name, j->sender,
                    ok ? "done" : error->message);
  job_unref (j);
}

/* The running operation on the VM that @vm_arg names, by UUID or name, as
 * the operation recorded them: found even when the host's model has changed
 * meanwhile. */
static Job *
running_job (VmnetdBus *self, const gchar *vm_arg)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Job *j = value;

      if (g_str_equal (j->uuid, vm_arg) || g_str_equal (j->name, vm_arg))
        return j;
    }
  return NULL;
}

static void
set_busy (GError **error, Job *running)
{
  g_set_error (error, VMNET_ERROR, VMNET_ERROR_BUSY, "%s: %s of this VM is running; wait for it or cancel it",
               running->context, job_names[running->kind]);
}

static void
job_authorized (VmnetdBus *self, GDBusMethodInvocation *invocation, gpointer data)
{
  Job *j = job_ref (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(VmnetVm) vm = NULL;
  Job *running;

  /* The VM may have gone, or the connection, while polkit was asked. */
  if (!self->host)
    g_set_error (&error, VMNET_ERROR, VMNET_ERROR_BACKEND_UNAVAILABLE, "%s: not connected to libvirt", j->context);
  else if (!(vm = vmnet_host_find_vm (self->host, j->uuid, NULL)))
    g_set_error (&error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND, "%s: the VM is gone", j->context);
  else if ((running = g_hash_table_lookup (self->jobs, j->uuid)))
    set_busy (&error, running);
  if (error)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      g_object_unref (invocation);
      job_unref (j);
      return;
    }
  j->invocation = invocation;
  j->host = g_object_ref (self->host);
  j->cancellable = g_cancellable_new ();
  g_hash_table_insert (self->jobs, j->uuid, job_ref (j));
  switch (j->kind)
    {
    case JOB_START:
      emit_progress (j, "start", -1, 0, 0);
      vmnet_host_start_vm_async (j->host, vm, j->cancellable, job_done, j);
      break;
    case JOB_SAVE:
    case JOB_MANAGED_SAVE:
      vmnet_host_save_vm_full_async (j->host, vm, j->path, save_progress, job_ref (j), (GDestroyNotify) job_unref,
                                     j->cancellable, job_done, j);
      break;
    case JOB_MOVE:
      vmnet_host_move_vm_async (j->host, vm, j->destination_uri, *j->migrate_uri ? j->migrate_uri : NULL,
                                j->live ? VMNET_MOVE_FLAGS_LIVE : VMNET_MOVE_FLAGS_NONE,
                                move_progress, job_ref (j), (GDestroyNotify) job_unref, j->cancellable,
                                job_done, j);
      break;
    }
}

/* The VM argument: a UUID or a name the host knows. */
static Job *
job_new (VmnetdBus *self, GDBusMethodInvocation *invocation, JobKind kind, const gchar *vm_arg, GError **error)
{
  g_autoptr(VmnetVm) vm = NULL;
  Job *j, *running;

  if (!self->host)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_BACKEND_UNAVAILABLE, "not connected to libvirt");
      return NULL;
    }
  if (!*vm_arg || strlen (vm_arg) > 255)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "vm: a VM's UUID or name has 1 to 255 bytes, not %" G_GSIZE_FORMAT, strlen (vm_arg));
      return NULL;
    }
  if ((running = running_job (self, vm_arg)))
    {
      set_busy (error, running);
      return NULL;
    }
  vm = vmnet_host_find_vm (self->host, vm_arg, NULL);
  if (!vm)
    {
      g_autofree gchar *shown = g_strescape (vm_arg, NULL);
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                   "vm: no VM with the UUID or name '%.64s' on this host", shown);
      return NULL;
    }
  j = g_new0 (Job, 1);
  j->refs = 1;
  j->bus = self;
  j->kind = kind;
  j->uuid = g_strdup (vmnet_vm_get_uuid (vm));
  j->name = g_strdup (vmnet_vm_get_name (vm));
  j->sender = g_strdup (g_dbus_method_invocation_get_sender (invocation));
  j->context = g_strdup_printf ("VM '%s'", j->name);
  return j;
}

static void
start_job (VmnetdBus *self, GDBusMethodInvocation *invocation, Job *j)
{
  authorize (self, g_object_ref (invocation), job_checks (self, j), j->context, job_authorized, j,
             (GDestroyNotify) job_unref);
}

static gboolean
return_error (GDBusMethodInvocation *invocation, GError *error)
{
  g_dbus_method_invocation_return_gerror (invocation, error);
  g_error_free (error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_start_vm (VmnetDBusHost *iface, GDBusMethodInvocation *invocation, const gchar *vm, VmnetdBus *self)
{
  GError *error = NULL;
  Job *j = job_new (self, invocation, JOB_START, vm, &error);

  if (!j)
    return return_error (invocation, error);
  start_job (self, invocation, j);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_save_vm (VmnetDBusHost *iface, GDBusMethodInvocation *invocation, const gchar *vm, const gchar *path,
                VmnetdBus *self)
{
  GError *error = NULL;
  Job *j;

  /* libvirt resolves a relative path in its own directory: only absolute
   * ones mean the same to the caller. */
  if (!g_path_is_absolute (path) || strlen (path) > 4096)
    {
      g_autofree gchar *shown = g_strescape (path, NULL);
      g_set_error (&error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "path: the save file must be an absolute path of at most 4096 bytes, not '%.64s'%s "
                   "(ManagedSaveVM saves to libvirt's managed save)", shown, strlen (shown) > 64 ? "…" : "");
      return return_error (invocation, error);
    }
  if (!(j = job_new (self, invocation, JOB_SAVE, vm, &error)))
    return return_error (invocation, error);
  j->path = g_strdup (path);
  start_job (self, invocation, j);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_managed_save_vm (VmnetDBusHost *iface, GDBusMethodInvocation *invocation, const gchar *vm, VmnetdBus *self)
{
  GError *error = NULL;
  Job *j = job_new (self, invocation, JOB_MANAGED_SAVE, vm, &error);

  if (!j)
    return return_error (invocation, error);
  start_job (self, invocation, j);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* A URI whose scheme is one of @schemes; @arg names the argument. */
static gboolean
check_uri (const gchar *arg, const gchar *uri, const gchar *const *schemes, GError **error)
{
  g_autofree gchar *scheme = g_uri_parse_scheme (uri);

  if (scheme && strlen (uri) <= 4096 && g_strv_contains (schemes, scheme))
    return TRUE;
  {
    g_autofree gchar *shown = g_strescape (scheme ? scheme : uri, NULL);
    g_autofree gchar *allowed = g_strjoinv ("', '", (gchar **) schemes);

    g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "%s: %s '%.64s' is not allowed; give a URI of "
                 "scheme '%s'", arg, scheme ? "scheme" : "not a URI:", shown, allowed);
  }
  return FALSE;
}

static gboolean
handle_move_vm (VmnetDBusHost *iface, GDBusMethodInvocation *invocation, const gchar *vm,
                const gchar *destination_uri, const gchar *migrate_uri, gboolean live, VmnetdBus *self)
{
  GError *error = NULL;
  Job *j;

  if (!check_uri ("destination_uri", destination_uri, move_schemes, &error) ||
      (*migrate_uri && !check_uri ("migrate_uri", migrate_uri, migrate_schemes, &error)) ||
      !(j = job_new (self, invocation, JOB_MOVE, vm, &error)))
    return return_error (invocation, error);
  j->destination_uri = g_strdup (destination_uri);
  j->migrate_uri = g_strdup (migrate_uri);
  j->live = live;
  start_job (self, invocation, j);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Host.CancelVM */

static void
cancel_authorized (VmnetdBus *self, GDBusMethodInvocation *invocation, gpointer data)
{
  Job *asked = data;
  Job *j = g_hash_table_lookup (self->jobs, asked->uuid);

  if (j != asked)
    {
      g_dbus_method_invocation_return_error (invocation, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                                             "%s: the operation is over", asked->context);
      g_object_unref (invocation);
      return;
    }
  g_cancellable_cancel (j->cancellable);
  g_dbus_method_invocation_return_value (invocation, NULL);
  g_object_unref (invocation);
}

static gboolean
handle_cancel_vm (VmnetDBusHost *iface, GDBusMethodInvocation *invocation, const gchar *vm, VmnetdBus *self)
{
  GError *error = NULL;
  Job *j = running_job (self, vm);

  if (!j)
    {
      g_autofree gchar *shown = g_strescape (vm, NULL);
      g_set_error (&error, VMNET_ERROR, VMNET_ERROR_NOT_FOUND,
                   "vm: no operation is running on a VM with the UUID or name '%.64s'", shown);
      return return_error (invocation, error);
    }
  /* libvirt has no abort for a start. */
  if (j->kind == JOB_START)
    {
      g_set_error (&error, VMNET_ERROR, VMNET_ERROR_NOT_SUPPORTED,
                   "%s: %s cannot be cancelled; only SaveVM, ManagedSaveVM and MoveVM can", j->context,
                   job_names[j->kind]);
      return return_error (invocation, error);
    }
  /* Its own caller may; anyone else needs the rights the operation needed. */
  if (g_str_equal (j->sender, g_dbus_method_invocation_get_sender (invocation)))
    {
      g_cancellable_cancel (j->cancellable);
      g_dbus_method_invocation_return_value (invocation, NULL);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  authorize (self, g_object_ref (invocation), job_checks (self, j), j->context, cancel_authorized, job_ref (j),
             (GDestroyNotify) job_unref);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

void
vmnetd_jobs_init (VmnetdBus *self, VmnetDBusHost *host_iface)
{
  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) job_unref);
  /* A cancelled save's or move's error on the bus: a name of ours, G_IO_ERROR_CANCELLED
   * again for a client that registers it too. */
  g_dbus_error_register_error (G_IO_ERROR, G_IO_ERROR_CANCELLED, VMNETD_BUS_NAME ".Error.Cancelled");
  g_signal_connect (host_iface, "handle-start-vm", G_CALLBACK (handle_start_vm), self);
  g_signal_connect (host_iface, "handle-save-vm", G_CALLBACK (handle_save_vm), self);
  g_signal_connect (host_iface, "handle-managed-save-vm", G_CALLBACK (handle_managed_save_vm), self);
  g_signal_connect (host_iface, "handle-move-vm", G_CALLBACK (handle_move_vm), self);
  g_signal_connect (host_iface, "handle-cancel-vm", G_CALLBACK (handle_cancel_vm), self);
}
