/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The authorization operations: what each is named and which libvirt permissions it covers. */
#include "config.h"

#include "vmnet-error.h"
#include "vmnet-auth-private.h"

/* Each libvirt permission belongs to exactly one operation, so what libvirt
 * decides for a permission is what the store decides for its operation. */
static const VmnetAuthOperation catalog[] = {
  { "Read service configuration", VMNET_AUTH_OP_HOST_READ,
    { "connect.getattr", "connect.read", "connect.search-domains", "connect.search-networks",
      "connect.search-node-devices", "network.getattr", "network.read", "node-device.getattr",
      "node-device.read", "nwfilter.getattr", "nwfilter.read", NULL } },
  { "Read VM configuration", VMNET_AUTH_OP_VM,
    { "domain.getattr", "domain.read", NULL } },
  { "Create or change VMs", VMNET_AUTH_OP_VM,
    { "domain.write", "domain.save", "domain.delete", "domain.read-secure", "domain.core-dump",
      "domain.block-read", "domain.block-write", "domain.mem-read", NULL } },
  { "Start and stop VMs", VMNET_AUTH_OP_VM,
    { "domain.start", "domain.stop", "domain.reset", "domain.suspend", "domain.hibernate",
      "domain.pm-control", "domain.init-control", "domain.send-signal", NULL } },
  { "Take snapshots", VMNET_AUTH_OP_VM,
    { "domain.snapshot", "domain.checkpoint", NULL } },
  { "Interact with VMs", VMNET_AUTH_OP_VM,
    { "domain.open-graphics", "domain.open-device", "domain.send-input", "domain.screenshot",
      "domain.inject-nmi", "domain.set-password", "domain.set-time", "domain.fs-freeze",
      "domain.fs-trim", "domain.open-namespace", NULL } },
  { "Migrate VMs", VMNET_AUTH_OP_VM,
    { "domain.migrate", NULL } },
  { "Change virtual switches", VMNET_AUTH_OP_HOST,
    { "network.write", "network.save", "network.delete", "network.start", "network.stop",
      "network.read-secure", "nwfilter.write", "nwfilter.save", NULL } },
  { "Configure SR-IOV on adapters", VMNET_AUTH_OP_HOST,
    { "network.search-ports", "network.create-port", "network-port.create", "network-port.getattr",
      "network-port.read", "network-port.delete", NULL } },
  { "Change physical SR-IOV adapters", VMNET_AUTH_OP_HOST,
    { "node-device.write", "node-device.start", "node-device.stop", "node-device.detach",
      "node-device.delete", NULL } },
};

G_STATIC_ASSERT (G_N_ELEMENTS (catalog) == VMNET_AUTH_N_OPERATIONS);

const VmnetAuthOperation *const vmnet_auth_catalog = catalog;

gint
vmnet_auth_operation_lookup (const gchar *name, GError **error)
{
  g_autoptr(GString) list = NULL;

  for (guint i = 0; name && i < VMNET_AUTH_N_OPERATIONS; i++)
    if (g_ascii_strcasecmp (catalog[i].name, name) == 0)
      return i;
  list = g_string_new (NULL);
  for (guint i = 0; i < VMNET_AUTH_N_OPERATIONS; i++)
    g_string_append_printf (list, "%s'%s'", i ? ", " : "", catalog[i].name);
  g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
               "unknown operation '%s'; operations are %s", name ? name : "", list->str);
  return -1;
}

gboolean
vmnet_auth_operations_mask (const gchar *const *names, guint *mask, GError **error)
{
  *mask = 0;
  for (guint i = 0; names && names[i]; i++)
    {
      gint op = vmnet_auth_operation_lookup (names[i], error);
      if (op < 0)
        return FALSE;
      *mask |= 1u << op;
    }
  return TRUE;
}

const gchar *
vmnet_auth_operation_for_permission (const gchar *permission)
{
  for (guint i = 0; i < VMNET_AUTH_N_OPERATIONS; i++)
    for (guint j = 0; catalog[i].permissions[j]; j++)
      if (g_str_equal (catalog[i].permissions[j], permission))
        return catalog[i].name;
  return NULL;
}

/**
 * vmnet_auth_get_operations:
 *
 * The operations an access check guards, named for people ("Start and stop
 * VMs"). Each maps to a fixed set of libvirt permissions, see
 * vmnet_auth_operation_get_permissions().
 *
 * Returns: (array zero-terminated=1) (transfer none): the operation names
 *
 * Since: 0.1
 */
const gchar *const *
vmnet_auth_get_operations (void)
{
  static const gchar *names[VMNET_AUTH_N_OPERATIONS + 1];

  if (!names[0])
    for (guint i = 0; i < VMNET_AUTH_N_OPERATIONS; i++)
      names[i] = catalog[i].name;
  return names;
}

/**
 * vmnet_auth_operation_get_permissions:
 * @operation: an operation name (case-insensitive)
 *
 * The libvirt ACL permissions an operation grants, as polkit sees them
 * (`domain.start` is the action `org.libvirt.api.domain.start`).
 *
 * Returns: (array zero-terminated=1) (transfer none) (nullable): the
 *   permissions, or %NULL when @operation is not an operation
 *
 * Since: 0.1
 */
const gchar *const *
vmnet_auth_operation_get_permissions (const gchar *operation)
{
  gint i = vmnet_auth_operation_lookup (operation, NULL);

  return i < 0 ? NULL : catalog[i].permissions;
}
