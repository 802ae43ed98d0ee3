/* dbus-model-read.c — the served read through Host.GetModel (doc/dbus.md) for
 * bench/dbus-bench.py: the reply's model made into the library's model, as a
 * client attached to vmnetd does, then every VM network adapter printed.
 *
 *   dbus-model-read ADDRESS [CALLS]
 *
 * Connects to the bus at ADDRESS, calls org.libvmnet.Vmnet1.Host.GetModel
 * CALLS times (default 1) on the same connection; for each prints on stderr
 * "call N: SECONDS" (the call) and "model N: SECONDS BYTES" (the normal-form
 * check and vmnet_model_from_variant()); from the last model one line per
 * network adapter as bench/naive-floor.c does (dbus-read-common.h).
 *
 * Built by meson (bench/meson.build) against the library's internal API. */
#include <stdio.h>

#include <gio/gio.h>

#include "dbus-read-common.h"
#include "vmnet-model-private.h"

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(VmnetModel) model = NULL;
  int calls, status;

  bus = bench_read_connect (argc, argv, "dbus-model-read", &calls, &status);
  if (!bus)
    return status;
  for (int i = 1; i <= calls; i++)
    {
      gint64 t0 = g_get_monotonic_time (), t1;
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GVariant) data = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GVariant) variant = NULL;

      reply = g_dbus_connection_call_sync (bus, "org.libvmnet.Vmnet1", "/org/libvmnet/Vmnet1/Host",
                                           "org.libvmnet.Vmnet1.Host", "GetModel", NULL,
                                           G_VARIANT_TYPE ("(ta{sv}ay)"), G_DBUS_CALL_FLAGS_NONE, 600000, NULL,
                                           &error);
      if (!reply)
        {
          fprintf (stderr, "dbus-model-read: GetModel: %s\n", error->message);
          return 1;
        }
      t1 = g_get_monotonic_time ();
      fprintf (stderr, "call %d: %.6f\n", i, (t1 - t0) / 1e6);
      data = g_variant_get_child_value (reply, 2);
      bytes = g_variant_get_data_as_bytes (data);
      variant = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (VMNET_MODEL_VARIANT_TYPE), bytes,
                                                              FALSE));
      if (!g_variant_is_normal_form (variant))
        {
          fprintf (stderr, "dbus-model-read: the model is not in normal form\n");
          return 1;
        }
      g_clear_pointer (&model, vmnet_model_unref);
      model = vmnet_model_from_variant (variant, &error);
      if (!model)
        {
          fprintf (stderr, "dbus-model-read: %s\n", error->message);
          return 1;
        }
      fprintf (stderr, "model %d: %.6f %zu\n", i, (g_get_monotonic_time () - t1) / 1e6, g_bytes_get_size (bytes));
    }

  for (guint i = 0; i < model->vms->len; i++)
    {
      const VmnetVmInfo *vm = g_ptr_array_index (model->vms, i);

      for (guint j = 0; j < vm->adapters->len; j++)
        {
          const VmnetAdapterInfo *a = g_ptr_array_index (vm->adapters, j);

          bench_read_print_adapter (vm->name, a->mac_address, a->switch_name, a->iov_weight);
        }
    }
  return 0;
}
