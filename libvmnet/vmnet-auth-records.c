/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The authorization store's read-only records: plain GObjects so that
 * bindings and the tool can show them by their properties. */
#include "config.h"

#include "vmnet-auth-private.h"

/**
 * VmnetAuthRole:
 *
 * A role definition: a named set of operations. Immutable.
 *
 * Since: 0.1
 */
struct _VmnetAuthRole {
  GObject parent_instance;
  gchar *name;
  gchar *description;
  GStrv operations;
};

G_DEFINE_FINAL_TYPE (VmnetAuthRole, vmnet_auth_role, G_TYPE_OBJECT)

enum {
  AUTH_ROLE_PROP_0,
  AUTH_ROLE_PROP_NAME,
  AUTH_ROLE_PROP_DESCRIPTION,
  AUTH_ROLE_PROP_OPERATIONS,
  AUTH_ROLE_N_PROPS
};

static GParamSpec *vmnet_auth_role_props[AUTH_ROLE_N_PROPS];

static void
vmnet_auth_role_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VmnetAuthRole *self = (VmnetAuthRole *) object;

  switch (prop_id)
    {
    case AUTH_ROLE_PROP_NAME: g_value_set_string (value, self->name); break;
    case AUTH_ROLE_PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    case AUTH_ROLE_PROP_OPERATIONS: g_value_set_boxed (value, self->operations); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_auth_role_finalize (GObject *object)
{
  VmnetAuthRole *self = (VmnetAuthRole *) object;

  g_free (self->name);
  g_free (self->description);
  g_strfreev (self->operations);
  G_OBJECT_CLASS (vmnet_auth_role_parent_class)->finalize (object);
}

static void
vmnet_auth_role_class_init (VmnetAuthRoleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vmnet_auth_role_get_property;
  object_class->finalize = vmnet_auth_role_finalize;

  /**
   * VmnetAuthRole:name:
   *
   * The role name.
   *
   * Since: 0.1
   */
  vmnet_auth_role_props[AUTH_ROLE_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  /**
   * VmnetAuthRole:description:
   *
   * What the role is for.
   *
   * Since: 0.1
   */
  vmnet_auth_role_props[AUTH_ROLE_PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  /**
   * VmnetAuthRole:operations:
   *
   * The names of the operations it grants.
   *
   * Since: 0.1
   */
  vmnet_auth_role_props[AUTH_ROLE_PROP_OPERATIONS] = g_param_spec_boxed ("operations", NULL, NULL, G_TYPE_STRV, flags);
  g_object_class_install_properties (object_class, AUTH_ROLE_N_PROPS, vmnet_auth_role_props);
}

static void
vmnet_auth_role_init (VmnetAuthRole *self)
{
}

VmnetAuthRole *
vmnet_auth_role_new_internal (const gchar *name, const gchar *description, const gchar *const *operations)
{
  VmnetAuthRole *self = g_object_new (VMNET_TYPE_AUTH_ROLE, NULL);

  self->name = g_strdup (name);
  self->description = g_strdup (description);
  self->operations = g_strdupv ((gchar **) operations);
  return self;
}

/**
 * vmnet_auth_role_get_name:
 * @self: a #VmnetAuthRole
 *
 * Gets [property@Vmnet.AuthRole:name].
 *
 * Returns: the role name
 *
 * Since: 0.1
 */
const gchar *
vmnet_auth_role_get_name (VmnetAuthRole *self)
{
  g_return_val_if_fail (VMNET_IS_AUTH_ROLE (self), NULL);
  return self->name;
}

/**
 * vmnet_auth_role_get_description:
 * @self: a #VmnetAuthRole
 *
 * Gets [property@Vmnet.AuthRole:description].
 *
 * Returns: (nullable): what the role is for
 *
 * Since: 0.1
 */
const gchar *
vmnet_auth_role_get_description (VmnetAuthRole *self)
{
  g_return_val_if_fail (VMNET_IS_AUTH_ROLE (self), NULL);
  return self->description;
}

/**
 * vmnet_auth_role_get_operations:
 * @self: a #VmnetAuthRole
 *
 * Gets [property@Vmnet.AuthRole:operations].
 *
 * Returns: (array zero-terminated=1) (transfer none): the names of the operations it grants
 *
 * Since: 0.1
 */
const gchar *const *
vmnet_auth_role_get_operations (VmnetAuthRole *self)
{
  g_return_val_if_fail (VMNET_IS_AUTH_ROLE (self), NULL);
  return (const gchar *const *) self->operations;
}

/**
 * VmnetAuthScope:
 *
 * A scope: VMs placed in it are governed by its role assignments and those of its parents. Immutable.
 *
 * Since: 0.1
 */
struct _VmnetAuthScope {
  GObject parent_instance;
  gchar *name;
  gchar *parent;
  gchar *description;
};

G_DEFINE_FINAL_TYPE (VmnetAuthScope, vmnet_auth_scope, G_TYPE_OBJECT)

enum {
  AUTH_SCOPE_PROP_0,
  AUTH_SCOPE_PROP_NAME,
  AUTH_SCOPE_PROP_PARENT,
  AUTH_SCOPE_PROP_DESCRIPTION,
  AUTH_SCOPE_N_PROPS
};

static GParamSpec *vmnet_auth_scope_props[AUTH_SCOPE_N_PROPS];

static void
vmnet_auth_scope_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VmnetAuthScope *self = (VmnetAuthScope *) object;

  switch (prop_id)
    {
    case AUTH_SCOPE_PROP_NAME: g_value_set_string (value, self->name); break;
    case AUTH_SCOPE_PROP_PARENT: g_value_set_string (value, self->parent); break;
    case AUTH_SCOPE_PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_auth_scope_finalize (GObject *object)
{
  VmnetAuthScope *self = (VmnetAuthScope *) object;

  g_free (self->name);
  g_free (self->parent);
  g_free (self->description);
  G_OBJECT_CLASS (vmnet_auth_scope_parent_class)->finalize (object);
}

static void
vmnet_auth_scope_class_init (VmnetAuthScopeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vmnet_auth_scope_get_property;
  object_class->finalize = vmnet_auth_scope_finalize;

  /**
   * VmnetAuthScope:name:
   *
   * The scope name.
   *
   * Since: 0.1
   */
  vmnet_auth_scope_props[AUTH_SCOPE_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  /**
   * VmnetAuthScope:parent:
   *
   * The parent scope, %NULL for the default scope.
   *
   * Since: 0.1
   */
  vmnet_auth_scope_props[AUTH_SCOPE_PROP_PARENT] = g_param_spec_string ("parent", NULL, NULL, NULL, flags);
  /**
   * VmnetAuthScope:description:
   *
   * What the scope is for.
   *
   * Since: 0.1
   */
  vmnet_auth_scope_props[AUTH_SCOPE_PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, AUTH_SCOPE_N_PROPS, vmnet_auth_scope_props);
}

static void
vmnet_auth_scope_init (VmnetAuthScope *self)
{
}

VmnetAuthScope *
vmnet_auth_scope_new_internal (const gchar *name, const gchar *parent, const gchar *description)
{
  VmnetAuthScope *self = g_object_new (VMNET_TYPE_AUTH_SCOPE, NULL);

  self->name = g_strdup (name);
  self->parent = g_strdup (parent);
  self->description = g_strdup (description);
  return self;
}

/**
 * vmnet_auth_scope_get_name:
 * @self: a #VmnetAuthScope
 *
 * Gets [property@Vmnet.AuthScope:name].
 *
 * Returns: the scope name
 *
 * Since: 0.1
 */
const gchar *
vmnet_auth_scope_get_name (VmnetAuthScope *self)
{
  g_return_val_if_fail (VMNET_IS_AUTH_SCOPE (self), NULL);
  return self->name;
}

/**
 * vmnet_auth_scope_get_parent:
 * @self: a #VmnetAuthScope
 *
 * Gets [property@Vmnet.AuthScope:parent].
 *
 * Returns: (nullable): the parent scope, %NULL for the default scope
 *
 * Since: 0.1
 */
const gchar *
vmnet_auth_scope_get_parent (VmnetAuthScope *self)
{
  g_return_val_if_fail (VMNET_IS_AUTH_SCOPE (self), NULL);
  return self->parent;
}

/**
 * vmnet_auth_scope_get_description:
 * @self: a #VmnetAuthScope
 *
 * Gets [property@Vmnet.AuthScope:description].
 *
 * Returns: (nullable): what the scope is for
 *
 * Since: 0.1
 */
const gchar *
vmnet_auth_scope_get_description (VmnetAuthScope *self)
{
  g_return_val_if_fail (VMNET_IS_AUTH_SCOPE (self), NULL);
  return self->description;
}

/**
 * VmnetAuthAssignment:
 *
 * A role assignment: a user or a group holding a role in a scope. Immutable.
 *
 * Since: 0.1
 */
struct _VmnetAuthAssignment {
  GObject parent_instance;
  gchar *role;
  gchar *scope;
  gchar *user;
  gchar *group;
};

G_DEFINE_FINAL_TYPE (VmnetAuthAssignment, vmnet_auth_assignment, G_TYPE_OBJECT)

enum {
  AUTH_ASSIGNMENT_PROP_0,
  AUTH_ASSIGNMENT_PROP_ROLE,
  AUTH_ASSIGNMENT_PROP_SCOPE,
  AUTH_ASSIGNMENT_PROP_USER,
  AUTH_ASSIGNMENT_PROP_GROUP,
  AUTH_ASSIGNMENT_N_PROPS
};

static GParamSpec *vmnet_auth_assignment_props[AUTH_ASSIGNMENT_N_PROPS];

static void
vmnet_auth_assignment_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VmnetAuthAssignment *self = (VmnetAuthAssignment *) object;

  switch (prop_id)
    {
    case AUTH_ASSIGNMENT_PROP_ROLE: g_value_set_string (value, self->role); break;
    case AUTH_ASSIGNMENT_PROP_SCOPE: g_value_set_string (value, self->scope); break;
    case AUTH_ASSIGNMENT_PROP_USER: g_value_set_string (value, self->user); break;
    case AUTH_ASSIGNMENT_PROP_GROUP: g_value_set_string (value, self->group); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_auth_assignment_finalize (GObject *object)
{
  VmnetAuthAssignment *self = (VmnetAuthAssignment *) object;

  g_free (self->role);
  g_free (self->scope);
  g_free (self->user);
  g_free (self->group);
  G_OBJECT_CLASS (vmnet_auth_assignment_parent_class)->finalize (object);
}

static void
vmnet_auth_assignment_class_init (VmnetAuthAssignmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vmnet_auth_assignment_get_property;
  object_class->finalize = vmnet_auth_assignment_finalize;

  /**
   * VmnetAuthAssignment:role:
   *
   * The role name.
   *
   * Since: 0.1
   */
  vmnet_auth_assignment_props[AUTH_ASSIGNMENT_PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, flags);
  /**
   * VmnetAuthAssignment:scope:
   *
   * The scope name.
   *
   * Since: 0.1
   */
  vmnet_auth_assignment_props[AUTH_ASSIGNMENT_PROP_SCOPE] = g_param_spec_string ("scope", NULL, NULL, NULL, flags);
  /**
   * VmnetAuthAssignment:user:
   *
   * The user, or %NULL for a group.
   *
   * Since: 0.1
   */
  vmnet_auth_assignment_props[AUTH_ASSIGNMENT_PROP_USER] = g_param_spec_string ("user", NULL, NULL, NULL, flags);
  /**
   * VmnetAuthAssignment:group:
   *
   * The group, or %NULL for a user.
   *
   * Since: 0.1
   */
  vmnet_auth_assignment_props[AUTH_ASSIGNMENT_PROP_GROUP] = g_param_spec_string ("group", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, AUTH_ASSIGNMENT_N_PROPS, vmnet_auth_assignment_props);
}

static void
vmnet_auth_assignment_init (VmnetAuthAssignment *self)
{
}

VmnetAuthAssignment *
vmnet_auth_assignment_new_internal (const gchar *role, const gchar *scope, const gchar *user, const gchar *group)
{
  VmnetAuthAssignment *self = g_object_new (VMNET_TYPE_AUTH_ASSIGNMENT, NULL);

  self->role = g_strdup (role);
  self->scope = g_strdup (scope);
  self->user = g_strdup (user);
  self->group = g_strdup (group);
  return self;
}

/**
 * vmnet_auth_assignment_get_role:
 * @self: a #VmnetAuthAssignment
 *
 * Gets [property@Vmnet.AuthAssignment:role].
 *
 * Returns: the role name
 *
 * Since: 0.1
 */
const gchar *
vmnet_auth_assignment_get_role (VmnetAuthAssignment *self)
{
  g_return_val_if_fail (VMNET_IS_AUTH_ASSIGNMENT (self), NULL);
  return self->role;
}

/**
 * vmnet_auth_assignment_get_scope:
 * @self: a #VmnetAuthAssignment
 *
 * Gets [property@Vmnet.AuthAssignment:scope].
 *
 * Returns: the scope name
 *
 * Since: 0.1
 */
const gchar *
vmnet_auth_assignment_get_scope (VmnetAuthAssignment *self)
{
  g_return_val_if_fail (VMNET_IS_AUTH_ASSIGNMENT (self), NULL);
  return self->scope;
}

/**
 * vmnet_auth_assignment_get_user:
 * @self: a #VmnetAuthAssignment
 *
 * Gets [property@Vmnet.AuthAssignment:user].
 *
 * Returns: (nullable): the user, or %NULL for a group
 *
 * Since: 0.1
 */
const gchar *
vmnet_auth_assignment_get_user (VmnetAuthAssignment *self)
{
  g_return_val_if_fail (VMNET_IS_AUTH_ASSIGNMENT (self), NULL);
  return self->user;
}

/**
 * vmnet_auth_assignment_get_group:
 * @self: a #VmnetAuthAssignment
 *
 * Gets [property@Vmnet.AuthAssignment:group].
 *
 * Returns: (nullable): the group, or %NULL for a user
 *
 * Since: 0.1
 */
const gchar *
vmnet_auth_assignment_get_group (VmnetAuthAssignment *self)
{
  g_return_val_if_fail (VMNET_IS_AUTH_ASSIGNMENT (self), NULL);
  return self->group;
}

/**
 * VmnetAccessCheck:
 *
 * The decision of the authorization store for one user, operation and scope, and why. Immutable.
 *
 * Since: 0.1
 */
struct _VmnetAccessCheck {
  GObject parent_instance;
  gboolean allowed;
  gchar *user;
  gchar *operation;
  gchar *scope;
  gchar *role;
  gchar *reason;
};

G_DEFINE_FINAL_TYPE (VmnetAccessCheck, vmnet_access_check, G_TYPE_OBJECT)

enum {
  ACCESS_CHECK_PROP_0,
  ACCESS_CHECK_PROP_ALLOWED,
  ACCESS_CHECK_PROP_USER,
  ACCESS_CHECK_PROP_OPERATION,
  ACCESS_CHECK_PROP_SCOPE,
  ACCESS_CHECK_PROP_ROLE,
  ACCESS_CHECK_PROP_REASON,
  ACCESS_CHECK_N_PROPS
};

static GParamSpec *vmnet_access_check_props[ACCESS_CHECK_N_PROPS];

static void
vmnet_access_check_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  VmnetAccessCheck *self = (VmnetAccessCheck *) object;

  switch (prop_id)
    {
    case ACCESS_CHECK_PROP_ALLOWED: g_value_set_boolean (value, self->allowed); break;
    case ACCESS_CHECK_PROP_USER: g_value_set_string (value, self->user); break;
    case ACCESS_CHECK_PROP_OPERATION: g_value_set_string (value, self->operation); break;
    case ACCESS_CHECK_PROP_SCOPE: g_value_set_string (value, self->scope); break;
    case ACCESS_CHECK_PROP_ROLE: g_value_set_string (value, self->role); break;
    case ACCESS_CHECK_PROP_REASON: g_value_set_string (value, self->reason); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vmnet_access_check_finalize (GObject *object)
{
  VmnetAccessCheck *self = (VmnetAccessCheck *) object;

  g_free (self->user);
  g_free (self->operation);
  g_free (self->scope);
  g_free (self->role);
  g_free (self->reason);
  G_OBJECT_CLASS (vmnet_access_check_parent_class)->finalize (object);
}

static void
vmnet_access_check_class_init (VmnetAccessCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = vmnet_access_check_get_property;
  object_class->finalize = vmnet_access_check_finalize;

  /**
   * VmnetAccessCheck:allowed:
   *
   * Whether the operation is allowed.
   *
   * Since: 0.1
   */
  vmnet_access_check_props[ACCESS_CHECK_PROP_ALLOWED] = g_param_spec_boolean ("allowed", NULL, NULL, FALSE, flags);
  /**
   * VmnetAccessCheck:user:
   *
   * The user.
   *
   * Since: 0.1
   */
  vmnet_access_check_props[ACCESS_CHECK_PROP_USER] = g_param_spec_string ("user", NULL, NULL, NULL, flags);
  /**
   * VmnetAccessCheck:operation:
   *
   * The operation.
   *
   * Since: 0.1
   */
  vmnet_access_check_props[ACCESS_CHECK_PROP_OPERATION] = g_param_spec_string ("operation", NULL, NULL, NULL, flags);
  /**
   * VmnetAccessCheck:scope:
   *
   * The scope that was checked.
   *
   * Since: 0.1
   */
  vmnet_access_check_props[ACCESS_CHECK_PROP_SCOPE] = g_param_spec_string ("scope", NULL, NULL, NULL, flags);
  /**
   * VmnetAccessCheck:role:
   *
   * The role that allows it, %NULL when denied or when no role is involved.
   *
   * Since: 0.1
   */
  vmnet_access_check_props[ACCESS_CHECK_PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, flags);
  /**
   * VmnetAccessCheck:reason:
   *
   * A sentence saying which assignment allows it, or why it is denied.
   *
   * Since: 0.1
   */
  vmnet_access_check_props[ACCESS_CHECK_PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, ACCESS_CHECK_N_PROPS, vmnet_access_check_props);
}

static void
vmnet_access_check_init (VmnetAccessCheck *self)
{
}

VmnetAccessCheck *
vmnet_access_check_new_internal (gboolean allowed, const gchar *user, const gchar *operation, const gchar *scope, const gchar *role, const gchar *reason)
{
  VmnetAccessCheck *self = g_object_new (VMNET_TYPE_ACCESS_CHECK, NULL);

  self->allowed = allowed;
  self->user = g_strdup (user);
  self->operation = g_strdup (operation);
  self->scope = g_strdup (scope);
  self->role = g_strdup (role);
  self->reason = g_strdup (reason);
  return self;
}

/**
 * vmnet_access_check_get_allowed:
 * @self: a #VmnetAccessCheck
 *
 * Gets [property@Vmnet.AccessCheck:allowed].
 *
 * Returns: whether the operation is allowed
 *
 * Since: 0.1
 */
gboolean 
vmnet_access_check_get_allowed (VmnetAccessCheck *self)
{
  g_return_val_if_fail (VMNET_IS_ACCESS_CHECK (self), FALSE);
  return self->allowed;
}

/**
 * vmnet_access_check_get_user:
 * @self: a #VmnetAccessCheck
 *
 * Gets [property@Vmnet.AccessCheck:user].
 *
 * Returns: the user
 *
 * Since: 0.1
 */
const gchar *
vmnet_access_check_get_user (VmnetAccessCheck *self)
{
  g_return_val_if_fail (VMNET_IS_ACCESS_CHECK (self), NULL);
  return self->user;
}

/**
 * vmnet_access_check_get_operation:
 * @self: a #VmnetAccessCheck
 *
 * Gets [property@Vmnet.AccessCheck:operation].
 *
 * Returns: the operation
 *
 * Since: 0.1
 */
const gchar *
vmnet_access_check_get_operation (VmnetAccessCheck *self)
{
  g_return_val_if_fail (VMNET_IS_ACCESS_CHECK (self), NULL);
  return self->operation;
}

/**
 * vmnet_access_check_get_scope:
 * @self: a #VmnetAccessCheck
 *
 * Gets [property@Vmnet.AccessCheck:scope].
 *
 * Returns: the scope that was checked
 *
 * Since: 0.1
 */
const gchar *
vmnet_access_check_get_scope (VmnetAccessCheck *self)
{
  g_return_val_if_fail (VMNET_IS_ACCESS_CHECK (self), NULL);
  return self->scope;
}

/**
 * vmnet_access_check_get_role:
 * @self: a #VmnetAccessCheck
 *
 * Gets [property@Vmnet.AccessCheck:role].
 *
 * Returns: (nullable): the role that allows it, %NULL when denied or when no role is involved
 *
 * Since: 0.1
 */
const gchar *
vmnet_access_check_get_role (VmnetAccessCheck *self)
{
  g_return_val_if_fail (VMNET_IS_ACCESS_CHECK (self), NULL);
  return self->role;
}

/**
 * vmnet_access_check_get_reason:
 * @self: a #VmnetAccessCheck
 *
 * Gets [property@Vmnet.AccessCheck:reason].
 *
 * Returns: a sentence saying which assignment allows it, or why it is denied
 *
 * Since: 0.1
 */
const gchar *
vmnet_access_check_get_reason (VmnetAccessCheck *self)
{
  g_return_val_if_fail (VMNET_IS_ACCESS_CHECK (self), NULL);
  return self->reason;
}
