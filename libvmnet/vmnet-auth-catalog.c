/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The authorization operations: what each is named, which libvirt permissions it covers, and the
 * coarser names of earlier stores that stand for sets of them. */
#include "config.h"

#include "vmnet-error.h"
#include "vmnet-auth-private.h"

/* Each libvirt permission belongs to exactly one operation, so what libvirt
 * decides for a permission is what the store decides for its operation. The
 * operations are as fine as libvirt's permissions tell calls apart: libvirt
 * checks the same permissions (domain.write, domain.save) to create a VM and
 * to change one, so one operation does both. */
static const VmnetAuthOperation catalog[] = {
  /* The service (Hyper-V: Read Service Configuration, Reconfigure Service). */
  { "Connect to the service", VMNET_AUTH_OP_HOST_READ,
    { "connect.getattr", "connect.read", "connect.search-domains", NULL } },
  { "Reconfigure service", VMNET_AUTH_OP_HOST,
    { "connect.write", NULL } },
  /* Switches, ports and adapters: reading them. */
  { "View switches", VMNET_AUTH_OP_HOST_READ,
    { "connect.search-networks", "network.getattr", "network.read", NULL } },
  { "View external Ethernet ports", VMNET_AUTH_OP_HOST_READ,
    { "connect.search-node-devices", "node-device.getattr", "node-device.read", NULL } },
  { "View switch port settings", VMNET_AUTH_OP_HOST_READ,
    { "nwfilter.getattr", "nwfilter.read", NULL } },
  /* VMs. */
  { "View VM configuration", VMNET_AUTH_OP_VM,
    { "domain.getattr", "domain.read", NULL } },
  { "Create or reconfigure VM", VMNET_AUTH_OP_VM,
    { "domain.write", "domain.save", NULL } },
  { "Delete VM", VMNET_AUTH_OP_VM,
    { "domain.delete", NULL } },
  { "Read VM secure configuration", VMNET_AUTH_OP_VM,
    { "domain.read-secure", NULL } },
  { "Read VM disks and memory", VMNET_AUTH_OP_VM,
    { "domain.block-read", "domain.mem-read", "domain.core-dump", NULL } },
  { "Write VM disks", VMNET_AUTH_OP_VM,
    { "domain.block-write", NULL } },
  { "Start VM", VMNET_AUTH_OP_VM,
    { "domain.start", NULL } },
  { "Stop VM", VMNET_AUTH_OP_VM,
    { "domain.stop", NULL } },
  { "Pause and restart VM", VMNET_AUTH_OP_VM,
    { "domain.suspend", "domain.reset", "domain.pm-control", NULL } },
  { "Save VM state", VMNET_AUTH_OP_VM,
    { "domain.hibernate", NULL } },
  { "Signal VM processes", VMNET_AUTH_OP_VM,
    { "domain.init-control", "domain.send-signal", NULL } },
  { "Create snapshots", VMNET_AUTH_OP_VM,
    { "domain.snapshot", NULL } },
  { "Create checkpoints", VMNET_AUTH_OP_VM,
    { "domain.checkpoint", NULL } },
  { "Allow input to VM", VMNET_AUTH_OP_VM,
    { "domain.send-input", "domain.inject-nmi", NULL } },
  { "Allow output from VM", VMNET_AUTH_OP_VM,
    { "domain.screenshot", NULL } },
  { "Connect to VM consoles", VMNET_AUTH_OP_VM,
    { "domain.open-graphics", "domain.open-device", NULL } },
  { "Manage VM guest agent", VMNET_AUTH_OP_VM,
    { "domain.set-password", "domain.set-time", "domain.fs-freeze", "domain.fs-trim", NULL } },
  { "Enter VM namespaces", VMNET_AUTH_OP_VM,
    { "domain.open-namespace", NULL } },
  { "Migrate VM", VMNET_AUTH_OP_VM,
    { "domain.migrate", NULL } },
  /* Kept in the store alone: the rules never see it. */
  { VMNET_AUTH_CHANGE_SCOPE_OPERATION, VMNET_AUTH_OP_VM,
    { NULL } },
  /* Changing switches, ports and adapters. */
  { "Modify switch settings", VMNET_AUTH_OP_HOST,
    { "network.write", "network.save", "network.read-secure", NULL } },
  { "Delete virtual switch", VMNET_AUTH_OP_HOST,
    { "network.delete", NULL } },
  { "Start and stop switches", VMNET_AUTH_OP_HOST,
    { "network.start", "network.stop", NULL } },
  { "Modify switch port settings", VMNET_AUTH_OP_HOST,
    { "nwfilter.write", "nwfilter.save", NULL } },
  { "View switch ports", VMNET_AUTH_OP_HOST,
    { "network.search-ports", "network-port.getattr", "network-port.read", NULL } },
  { "Create virtual switch port", VMNET_AUTH_OP_HOST,
    { "network.create-port", "network-port.create", NULL } },
  { "Delete virtual switch port", VMNET_AUTH_OP_HOST,
    { "network-port.delete", NULL } },
  { "Bind external Ethernet port", VMNET_AUTH_OP_HOST,
    { "node-device.detach", NULL } },
  { "Change external Ethernet ports", VMNET_AUTH_OP_HOST,
    { "node-device.write", "node-device.start", "node-device.stop", "node-device.delete", NULL } },
};

G_STATIC_ASSERT (G_N_ELEMENTS (catalog) == VMNET_AUTH_N_OPERATIONS);

const VmnetAuthOperation *const vmnet_auth_catalog = catalog;

/* The operations of earlier stores: each stands for a set of the operations
 * above, so a store or a call that names one works as before. No operation
 * is in two sets. */
static const VmnetAuthAlias aliases[] = {
  { "Read service configuration",
    { "Connect to the service", "View switches", "View external Ethernet ports", "View switch port settings",
      NULL } },
  { "Read VM configuration",
    { "View VM configuration", NULL } },
  { "Create or change VMs",
    { "Create or reconfigure VM", "Delete VM", "Read VM secure configuration", "Read VM disks and memory",
      "Write VM disks", NULL } },
  { "Start and stop VMs",
    { "Start VM", "Stop VM", "Pause and restart VM", "Save VM state", "Signal VM processes", NULL } },
  { "Take snapshots",
    { "Create snapshots", "Create checkpoints", NULL } },
  { "Interact with VMs",
    { "Allow input to VM", "Allow output from VM", "Connect to VM consoles", "Manage VM guest agent",
      "Enter VM namespaces", NULL } },
  { "Migrate VMs",
    { "Migrate VM", NULL } },
  { "Change virtual switches",
    { "Modify switch settings", "Delete virtual switch", "Start and stop switches", "Modify switch port settings",
      NULL } },
  { "Configure SR-IOV on adapters",
    { "View switch ports", "Create virtual switch port", "Delete virtual switch port", NULL } },
  { "Change physical SR-IOV adapters",
    { "Bind external Ethernet port", "Change external Ethernet ports", NULL } },
};

G_STATIC_ASSERT (G_N_ELEMENTS (aliases) == VMNET_AUTH_N_ALIASES);

const VmnetAuthAlias *const vmnet_auth_aliases = aliases;

static gint
find_operation (const gchar *name)
{
  for (guint i = 0; name && i < VMNET_AUTH_N_OPERATIONS; i++)
    if (g_ascii_strcasecmp (catalog[i].name, name) == 0)
      return i;
  return -1;
}

static gint
find_alias (const gchar *name)
{
  for (guint i = 0; name && i < VMNET_AUTH_N_ALIASES; i++)
    if (g_ascii_strcasecmp (aliases[i].name, name) == 0)
      return i;
  return -1;
}

VmnetAuthOps
vmnet_auth_alias_mask (guint alias)
{
  VmnetAuthOps mask = 0;

  for (guint j = 0; aliases[alias].operations[j]; j++)
    mask |= VMNET_AUTH_OP_BIT (find_operation (aliases[alias].operations[j]));
  return mask;
}

static gboolean
unknown_operation (const gchar *name, GError **error)
{
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = 0; i < VMNET_AUTH_N_OPERATIONS; i++)
    g_string_append_printf (list, "%s'%s'", i ? ", " : "", catalog[i].name);
  g_string_append (list, "; or a set of them: ");
  for (guint i = 0; i < VMNET_AUTH_N_ALIASES; i++)
    g_string_append_printf (list, "%s'%s'", i ? ", " : "", aliases[i].name);
  g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
               "unknown operation '%s'; operations are %s", name ? name : "", list->str);
  return FALSE;
}

gint
vmnet_auth_operation_lookup (const gchar *name, GError **error)
{
  gint i = find_operation (name);

  if (i < 0)
    unknown_operation (name, error);
  return i;
}

gboolean
vmnet_auth_operation_resolve (const gchar *name, VmnetAuthOps *mask, const gchar **canonical, GError **error)
{
  gint i;

  if ((i = find_operation (name)) >= 0)
    {
      *mask = VMNET_AUTH_OP_BIT (i);
      if (canonical)
        *canonical = catalog[i].name;
      return TRUE;
    }
  if ((i = find_alias (name)) >= 0)
    {
      *mask = vmnet_auth_alias_mask (i);
      if (canonical)
        *canonical = aliases[i].name;
      return TRUE;
    }
  return unknown_operation (name, error);
}

gboolean
vmnet_auth_operations_mask (const gchar *const *names, VmnetAuthOps *mask, GError **error)
{
  *mask = 0;
  for (guint i = 0; names && names[i]; i++)
    {
      VmnetAuthOps one = 0;

      if (!vmnet_auth_operation_resolve (names[i], &one, NULL, error))
        return FALSE;
      *mask |= one;
    }
  return TRUE;
}

GPtrArray *
vmnet_auth_operations_names (VmnetAuthOps mask)
{
  GPtrArray *names = g_ptr_array_new ();

  for (guint i = 0; i < VMNET_AUTH_N_ALIASES; i++)
    {
      VmnetAuthOps set = vmnet_auth_alias_mask (i);
      if ((mask & set) == set)
        {
          g_ptr_array_add (names, (gpointer) aliases[i].name);
          mask &= ~set;
        }
    }
  for (guint op = 0; op < VMNET_AUTH_N_OPERATIONS; op++)
    if (mask & VMNET_AUTH_OP_BIT (op))
      g_ptr_array_add (names, (gpointer) catalog[op].name);
  return names;
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
 * The operations an access check guards, named for people ("Start VM"),
 * after Hyper-V's operations where libvirt tells them apart. Each maps to a
 * fixed set of libvirt permissions, see vmnet_auth_operation_get_permissions().
 * The coarser names of earlier stores ("Start and stop VMs") are accepted
 * wherever an operation is, each standing for a set of these
 * (vmnet_auth_operation_get_members()).
 *
 * Returns: (array zero-terminated=1) (transfer none): the operation names
 *
 * Since: 0.1
 */
const gchar *const *
vmnet_auth_get_operations (void)
{
  static const gchar *names[VMNET_AUTH_N_OPERATIONS + 1];
  static gsize done;

  if (g_once_init_enter (&done))
    {
      for (guint i = 0; i < VMNET_AUTH_N_OPERATIONS; i++)
        names[i] = catalog[i].name;
      g_once_init_leave (&done, 1);
    }
  return names;
}

/**
 * vmnet_auth_get_operation_sets:
 *
 * The coarser operation names of earlier stores ("Start and stop VMs"),
 * each standing for a set of the operations of vmnet_auth_get_operations()
 * (vmnet_auth_operation_get_members()); no operation is in two sets.
 *
 * Returns: (array zero-terminated=1) (transfer none): the names
 *
 * Since: 0.1
 */
const gchar *const *
vmnet_auth_get_operation_sets (void)
{
  static const gchar *names[VMNET_AUTH_N_ALIASES + 1];
  static gsize done;

  if (g_once_init_enter (&done))
    {
      for (guint i = 0; i < VMNET_AUTH_N_ALIASES; i++)
        names[i] = aliases[i].name;
      g_once_init_leave (&done, 1);
    }
  return names;
}

/**
 * vmnet_auth_operation_get_members:
 * @operation: an operation name, or a name of an earlier store (case-insensitive)
 *
 * The operations a name stands for: itself for an operation of
 * vmnet_auth_get_operations(), the set it was split into for a coarser
 * name of earlier stores ("Take snapshots": "Create snapshots", "Create
 * checkpoints").
 *
 * Returns: (array zero-terminated=1) (transfer none) (nullable): the
 *   operations, or %NULL when @operation is not a name of one
 *
 * Since: 0.1
 */
const gchar *const *
vmnet_auth_operation_get_members (const gchar *operation)
{
  static const gchar *single[VMNET_AUTH_N_OPERATIONS][2];
  static gsize done;
  gint i;

  if (g_once_init_enter (&done))
    {
      for (guint j = 0; j < VMNET_AUTH_N_OPERATIONS; j++)
        single[j][0] = catalog[j].name;
      g_once_init_leave (&done, 1);
    }
  if ((i = find_operation (operation)) >= 0)
    return single[i];
  if ((i = find_alias (operation)) >= 0)
    return aliases[i].operations;
  return NULL;
}

/**
 * vmnet_auth_operation_get_permissions:
 * @operation: an operation name, or a name of an earlier store (case-insensitive)
 *
 * The libvirt ACL permissions an operation grants, as polkit sees them
 * (`domain.start` is the action `org.libvirt.api.domain.start`); for a name
 * of an earlier store, those of all its operations.
 *
 * Returns: (array zero-terminated=1) (transfer none) (nullable): the
 *   permissions, or %NULL when @operation is not an operation
 *
 * Since: 0.1
 */
const gchar *const *
vmnet_auth_operation_get_permissions (const gchar *operation)
{
  static GStrv alias_permissions[VMNET_AUTH_N_ALIASES];
  static gsize done;
  gint i;

  if (g_once_init_enter (&done))
    {
      for (guint a = 0; a < VMNET_AUTH_N_ALIASES; a++)
        {
          g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
          for (guint j = 0; aliases[a].operations[j]; j++)
            g_strv_builder_addv (b, (const gchar **) catalog[find_operation (aliases[a].operations[j])].permissions);
          alias_permissions[a] = g_strv_builder_end (b);
        }
      g_once_init_leave (&done, 1);
    }
  if ((i = find_operation (operation)) >= 0)
    return catalog[i].permissions;
  if ((i = find_alias (operation)) >= 0)
    return (const gchar *const *) alias_permissions[i];
  return NULL;
}
