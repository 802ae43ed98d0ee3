/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vmnet-cli.h"

static const VmnetCliColumn adapter_columns[] = {
  { "VMName", "vm-name", TRUE, NULL },
  { "Name", "name", TRUE, NULL },
  { "SwitchName", "switch-name", TRUE, NULL },
  { "MacAddress", "mac-address", TRUE, NULL },
  { "IovWeight", "iov-weight", TRUE, NULL },
  { "IovUsage", "iov-usage", TRUE, NULL },
  { "IovQueuePairsRequested", "iov-queue-pairs-requested", FALSE, NULL },
  { "IovQueuePairsAssigned", "iov-queue-pairs-assigned", FALSE, NULL },
  { "IovInterruptModeration", "iov-interrupt-moderation", FALSE, NULL },
  { "VirtualFunction", "virtual-function", TRUE, NULL },
  { "Status", "status", TRUE, NULL },
  { "StatusDescription", "status-description", FALSE, NULL },
  { "AllowTeaming", "allow-teaming", FALSE, NULL },
  { "RouterGuard", "router-guard", FALSE, NULL },
  { "DhcpGuard", "dhcp-guard", FALSE, NULL },
  { "MacAddressSpoofing", "mac-address-spoofing", FALSE, NULL },
  { "VlanId", "vlan-id", FALSE, NULL },
  { "Model", "model", FALSE, NULL },
  { "FailoverReady", "failover-ready", FALSE, NULL },
  { "SettingsError", "settings-error", FALSE, NULL },
  { NULL }
};

typedef struct {
  gchar    *vm_name;
  gchar    *name;
  gboolean  all;
} GetOptions;

static const GOptionEntry get_entries[] = {
  { "vm-name", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (GetOptions, vm_name), "The VM whose adapters to show", "VM" },
  { "name", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (GetOptions, name),
    "Only the adapter with this name or MAC address", "ADAPTER" },
  { "all", 0, 0, G_OPTION_ARG_NONE, VMNET_CLI_OPTION (GetOptions, all), "Every VM's adapters", NULL },
  G_OPTION_ENTRY_NULL
};

static void
add_adapters (GPtrArray *objects, GListModel *adapters, const gchar *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (adapters); i++)
    {
      g_autoptr(VmnetNetworkAdapter) a = g_list_model_get_item (adapters, i);
      const gchar *mac = vmnet_network_adapter_get_mac_address (a);
      if (name && g_strcmp0 (vmnet_network_adapter_get_name (a), name) != 0 &&
          !(mac && g_ascii_strcasecmp (mac, name) == 0))
        continue;
      g_ptr_array_add (objects, g_steal_pointer (&a));
    }
}

static gboolean
run_get_vmnetworkadapter (VmnetCli *cli, gpointer options, GError **error)
{
  GetOptions *o = options;
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);

  if (!vmnet_cli_no_positional (cli, error))
    return FALSE;
  if (!o->vm_name == !o->all)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                           "give either --vm-name VM or --all");
      return FALSE;
    }

  if (o->all)
    {
      add_adapters (objects, vmnet_host_get_network_adapters (cli->host), o->name);
    }
  else
    {
      g_autoptr(VmnetVm) vm = vmnet_host_find_vm (cli->host, o->vm_name, error);
      if (!vm)
        return FALSE;
      if (o->name)
        {
          VmnetNetworkAdapter *a = vmnet_vm_find_network_adapter (vm, o->name, error);
          if (!a)
            return FALSE;
          g_ptr_array_add (objects, a);
        }
      else
        {
          add_adapters (objects, vmnet_vm_get_network_adapters (vm), NULL);
        }
    }
  return vmnet_cli_print_objects (cli, adapter_columns, objects, FALSE, error);
}

const VmnetCommand vmnet_cmd_get_vmnetworkadapter = {
  .name = "get-vmnetworkadapter",
  .args_hint = "--vm-name VM | --all",
  .summary = "List VM network adapters and their SR-IOV settings",
  .options_size = sizeof (GetOptions),
  .entries = get_entries,
  .names = VMNET_CLI_VALUES_VM_ADAPTERS,
  .run = run_get_vmnetworkadapter,
  .columns = adapter_columns,
};

typedef struct {
  gchar    *vm_name;
  gchar    *name;
  gchar    *iov_weight;
  gchar    *iov_queue_pairs;
  gchar    *iov_moderation;
  gchar    *allow_teaming;
  gchar    *router_guard;
  gchar    *dhcp_guard;
  gchar    *mac_spoofing;
  gchar    *vlan_id;
  gboolean  untagged;
} SetOptions;

#define SET_OPTION(field) VMNET_CLI_OPTION (SetOptions, field)

static const GOptionEntry set_entries[] = {
  { "vm-name", 0, 0, G_OPTION_ARG_STRING, SET_OPTION (vm_name), "The VM", "VM" },
  { "name", 0, 0, G_OPTION_ARG_STRING, SET_OPTION (name),
    "The adapter (name or MAC address); needed when the VM has several", "ADAPTER" },
  { "iov-weight", 0, 0, G_OPTION_ARG_STRING, SET_OPTION (iov_weight), "0 turns SR-IOV off, 1 to 100 ask for a VF", "0..100" },
  { "iov-queue-pairs-requested", 0, 0, G_OPTION_ARG_STRING, SET_OPTION (iov_queue_pairs),
    "Queue pairs wanted on the VF", "1..4096" },
  { "iov-interrupt-moderation", 0, 0, G_OPTION_ARG_STRING, SET_OPTION (iov_moderation),
    "default, adaptive, off, low, medium or high", "MODE" },
  { "allow-teaming", 0, 0, G_OPTION_ARG_STRING, SET_OPTION (allow_teaming), "Let the guest team the VF", "on|off" },
  { "router-guard", 0, 0, G_OPTION_ARG_STRING, SET_OPTION (router_guard), "Drop router advertisements from the VM", "on|off" },
  { "dhcp-guard", 0, 0, G_OPTION_ARG_STRING, SET_OPTION (dhcp_guard), "Drop DHCP server messages from the VM", "on|off" },
  { "mac-address-spoofing", 0, 0, G_OPTION_ARG_STRING, SET_OPTION (mac_spoofing), "Let the VM send other source MACs", "on|off" },
  { "vlan-id", 0, 0, G_OPTION_ARG_STRING, SET_OPTION (vlan_id), "Access VLAN", "1..4094" },
  { "untagged", 0, 0, G_OPTION_ARG_NONE, SET_OPTION (untagged), "No VLAN", NULL },
  G_OPTION_ENTRY_NULL
};

/* The library checks ranges; here only that the text is a number at all. */
static gboolean
parse_number (const gchar *option, const gchar *text, const gchar *allowed, gint *out, GError **error)
{
  gint64 v;

  if (!g_ascii_string_to_signed (text, 10, G_MININT, G_MAXINT, &v, NULL))
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "--%s '%s' is not a whole number: allowed %s", option, text, allowed);
      return FALSE;
    }
  *out = (gint) v;
  return TRUE;
}

static VmnetAdapterSettings *
settings_from_options (SetOptions *o, GError **error)
{
  g_autoptr(VmnetAdapterSettings) settings = vmnet_adapter_settings_new ();
  gint n;
  gboolean b;

  if (o->iov_weight)
    {
      if (!parse_number ("iov-weight", o->iov_weight, "0 to 100", &n, error))
        return NULL;
      vmnet_adapter_settings_set_iov_weight (settings, n);
    }
  if (o->iov_queue_pairs)
    {
      if (!parse_number ("iov-queue-pairs-requested", o->iov_queue_pairs, "1 to 4096", &n, error))
        return NULL;
      vmnet_adapter_settings_set_iov_queue_pairs_requested (settings, n);
    }
  if (o->iov_moderation)
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (VMNET_TYPE_IOV_INTERRUPT_MODERATION);
      g_autofree gchar *lower = g_ascii_strdown (o->iov_moderation, -1);
      GEnumValue *ev = g_enum_get_value_by_nick (klass, lower);
      if (!ev)
        {
          g_autofree gchar *allowed = vmnet_cli_enum_nicks (VMNET_TYPE_IOV_INTERRUPT_MODERATION, ", ");
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                       "--iov-interrupt-moderation '%s' is not one of %s", o->iov_moderation, allowed);
          return NULL;
        }
      vmnet_adapter_settings_set_iov_interrupt_moderation (settings, ev->value);
    }
#define ON_OFF(field, option, setter)                                 \
  if (o->field)                                                       \
    {                                                                 \
      if (!vmnet_cli_parse_on_off (option, o->field, &b, error))                \
        return NULL;                                                  \
      setter (settings, b);                                           \
    }
  ON_OFF (allow_teaming, "allow-teaming", vmnet_adapter_settings_set_allow_teaming)
  ON_OFF (router_guard, "router-guard", vmnet_adapter_settings_set_router_guard)
  ON_OFF (dhcp_guard, "dhcp-guard", vmnet_adapter_settings_set_dhcp_guard)
  ON_OFF (mac_spoofing, "mac-address-spoofing", vmnet_adapter_settings_set_mac_address_spoofing)
#undef ON_OFF
  if (o->vlan_id && o->untagged)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                           "give --vlan-id or --untagged, not both");
      return NULL;
    }
  if (o->vlan_id)
    {
      if (!parse_number ("vlan-id", o->vlan_id, "1 to 4094", &n, error))
        return NULL;
      if (n == 0)
        {
          g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                               "--vlan-id 0 is out of range: allowed 1 to 4094 (use --untagged for none)");
          return NULL;
        }
      vmnet_adapter_settings_set_vlan_id (settings, n);
    }
  if (o->untagged)
    vmnet_adapter_settings_set_vlan_id (settings, 0);
  return g_steal_pointer (&settings);
}

/* -WhatIf: one setting from its current value to @n, refused out of the
 * property's range as the change would be. */
static gboolean
plan_number (VmnetCliPlan *plan, VmnetNetworkAdapter *adapter, const gchar *option, const gchar *setting,
             const gchar *property, gint n, GError **error)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (adapter), property);
  g_auto(GValue) to = G_VALUE_INIT;
  gboolean out_of_range;

  g_value_init (&to, pspec->value_type);
  if (G_VALUE_HOLDS_UINT (&to))
    g_value_set_uint (&to, (guint) MAX (n, 0));
  else if (G_VALUE_HOLDS_ENUM (&to))
    g_value_set_enum (&to, n);
  else
    g_value_set_int (&to, n);
  out_of_range = (G_VALUE_HOLDS_UINT (&to) && n < 0) || g_param_value_validate (pspec, &to);
  if (out_of_range)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "--%s %d is out of range", option, n);
      return FALSE;
    }
  vmnet_cli_plan_property (plan, G_OBJECT (adapter), setting, property, &to);
  return TRUE;
}

static gboolean
plan_set_vmnetworkadapter (VmnetCli *cli, SetOptions *o, VmnetNetworkAdapter *adapter, GError **error)
{
  VmnetCliPlan *plan = vmnet_cli_plan_new (cli, "adapter '%s' of VM '%s'", vmnet_network_adapter_get_name (adapter),
                                           vmnet_network_adapter_get_vm_name (adapter));
  const gchar *vf = vmnet_network_adapter_get_virtual_function (adapter);
  gint n;
  gboolean b;

#define PLAN_NUMBER(field, option, setting, property)                                             \
  if (o->field && (!parse_number (option, o->field, "", &n, error) ||                             \
                   !plan_number (plan, adapter, option, setting, property, n, error)))            \
    goto fail;
  PLAN_NUMBER (iov_weight, "iov-weight", "IovWeight", "iov-weight")
  PLAN_NUMBER (iov_queue_pairs, "iov-queue-pairs-requested", "IovQueuePairsRequested", "iov-queue-pairs-requested")
  PLAN_NUMBER (vlan_id, "vlan-id", "VlanId", "vlan-id")
#undef PLAN_NUMBER
  if (o->untagged && !plan_number (plan, adapter, "untagged", "VlanId", "vlan-id", 0, error))
    goto fail;
  if (o->iov_moderation)
    {
      g_autoptr(GEnumClass) klass = g_type_class_ref (VMNET_TYPE_IOV_INTERRUPT_MODERATION);
      g_autofree gchar *lower = g_ascii_strdown (o->iov_moderation, -1);
      GEnumValue *ev = g_enum_get_value_by_nick (klass, lower);

      if (!plan_number (plan, adapter, "iov-interrupt-moderation", "IovInterruptModeration",
                        "iov-interrupt-moderation", ev->value, error))
        goto fail;
    }
#define PLAN_ON_OFF(field, option, setting)                                        \
  if (o->field && vmnet_cli_parse_on_off (option, o->field, &b, NULL))             \
    {                                                                              \
      g_auto(GValue) to = G_VALUE_INIT;                                            \
      g_value_init (&to, G_TYPE_BOOLEAN);                                          \
      g_value_set_boolean (&to, b);                                                \
      vmnet_cli_plan_property (plan, G_OBJECT (adapter), setting, option, &to);    \
    }
  PLAN_ON_OFF (allow_teaming, "allow-teaming", "AllowTeaming")
  PLAN_ON_OFF (router_guard, "router-guard", "RouterGuard")
  PLAN_ON_OFF (dhcp_guard, "dhcp-guard", "DhcpGuard")
  PLAN_ON_OFF (mac_spoofing, "mac-address-spoofing", "MacAddressSpoofing")
#undef PLAN_ON_OFF

  /* What happens to a VF, as far as the host's state tells. */
  if (o->iov_weight && parse_number ("iov-weight", o->iov_weight, "", &n, NULL))
    {
      const gchar *switch_name = vmnet_network_adapter_get_switch_name (adapter);
      g_autoptr(VmnetSwitch) sw = switch_name ? vmnet_host_find_switch (cli->host, switch_name, NULL) : NULL;

      if (n == 0 && vf)
        vmnet_cli_plan_note (plan, "Its VF %s would be unplugged (the adapter goes on through the switch)", vf);
      else if (n > 0 && !vf && sw && !vmnet_switch_get_iov_enabled (sw))
        vmnet_cli_plan_note (plan, "No VF: switch '%s' is not in SR-IOV mode", switch_name);
      else if (n > 0 && !vf && sw)
        {
          gint free_vfs = vmnet_switch_get_iov_virtual_function_count (sw) -
                          vmnet_switch_get_iov_virtual_functions_in_use (sw);
          if (free_vfs > 0)
            vmnet_cli_plan_note (plan, "A VF would be plugged if the VM runs (%d free on switch '%s')",
                                 free_vfs, switch_name);
          else
            vmnet_cli_plan_note (plan, "No VF is free on switch '%s': the adapter would wait for one", switch_name);
        }
      else if (n > 0 && vf)
        vmnet_cli_plan_note (plan, "It keeps its VF %s", vf);
    }
  return vmnet_cli_plan_print (plan);

fail:
  vmnet_cli_plan_free (plan);
  return FALSE;
}

static gboolean
run_set_vmnetworkadapter (VmnetCli *cli, gpointer options, GError **error)
{
  SetOptions *o = options;
  g_autoptr(VmnetAdapterSettings) settings = NULL;
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(VmnetNetworkAdapter) adapter = NULL;

  if (!vmnet_cli_no_positional (cli, error))
    return FALSE;
  if (!o->vm_name)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "give --vm-name VM");
      return FALSE;
    }
  /* Every value is checked before anything is looked up or written. */
  settings = settings_from_options (o, error);
  if (!settings)
    return FALSE;
  if (!(o->iov_weight || o->iov_queue_pairs || o->iov_moderation || o->allow_teaming ||
        o->router_guard || o->dhcp_guard || o->mac_spoofing || o->vlan_id || o->untagged))
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                           "nothing to change: give at least one setting");
      return FALSE;
    }
  vm = vmnet_host_find_vm (cli->host, o->vm_name, error);
  if (!vm)
    return FALSE;
  adapter = vmnet_vm_find_network_adapter (vm, o->name, error);
  if (!adapter)
    return FALSE;
  if (cli->what_if)
    return plan_set_vmnetworkadapter (cli, o, adapter, error);
  return vmnet_host_set_network_adapter (cli->host, adapter, settings, cli->cancellable, error);
}

const VmnetCommand vmnet_cmd_set_vmnetworkadapter = {
  .name = "set-vmnetworkadapter",
  .args_hint = "--vm-name VM [--name ADAPTER] SETTING…",
  .summary = "Change a VM network adapter's SR-IOV settings and port policies",
  .options_size = sizeof (SetOptions),
  .entries = set_entries,
  .names = VMNET_CLI_VALUES_VM_ADAPTERS,
  .run = run_set_vmnetworkadapter,
  .changes = TRUE,
};

typedef struct {
  gchar *vm_name;
  gchar *switch_name;
  gchar *name;
} AddOptions;

static const GOptionEntry add_entries[] = {
  { "vm-name", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (AddOptions, vm_name), "The VM", "VM" },
  { "switch-name", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (AddOptions, switch_name),
    "The switch to connect it to", "SWITCH" },
  { "name", 0, 0, G_OPTION_ARG_STRING, VMNET_CLI_OPTION (AddOptions, name), "The adapter name (default netN)", "NAME" },
  G_OPTION_ENTRY_NULL
};

static gboolean
run_add_vmnetworkadapter (VmnetCli *cli, gpointer options, GError **error)
{
  AddOptions *o = options;
  g_autoptr(VmnetVm) vm = NULL;
  g_autoptr(VmnetSwitch) sw = NULL;
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);
  VmnetNetworkAdapter *a;

  if (!vmnet_cli_no_positional (cli, error))
    return FALSE;
  if (!o->vm_name || !o->switch_name)
    {
      g_set_error_literal (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "give --vm-name VM and --switch-name SWITCH");
      return FALSE;
    }
  vm = vmnet_host_find_vm (cli->host, o->vm_name, error);
  if (!vm)
    return FALSE;
  sw = vmnet_host_find_switch (cli->host, o->switch_name, error);
  if (!sw)
    return FALSE;
  if (cli->what_if)
    {
      VmnetCliPlan *plan = vmnet_cli_plan_new (cli, "VM '%s'", vmnet_vm_get_name (vm));

      vmnet_cli_plan_note (plan, "Would add a virtio adapter%s%s%s connected to switch '%s'%s", o->name ? " '" : "",
                           o->name ? o->name : "", o->name ? "'" : "", vmnet_switch_get_name (sw),
                           vmnet_switch_get_iov_enabled (sw) ? " (failover-ready: SR-IOV mode)" : "");
      return vmnet_cli_plan_print (plan);
    }
  a = vmnet_host_add_network_adapter (cli->host, vm, sw, o->name, cli->cancellable, error);
  if (!a)
    return FALSE;
  g_ptr_array_add (objects, a);
  return vmnet_cli_print_objects (cli, adapter_columns, objects, FALSE, error);
}

const VmnetCommand vmnet_cmd_add_vmnetworkadapter = {
  .name = "add-vmnetworkadapter",
  .args_hint = "--vm-name VM --switch-name SWITCH [--name NAME]",
  .summary = "Add a virtio network adapter (failover-ready on an SR-IOV switch)",
  .options_size = sizeof (AddOptions),
  .entries = add_entries,
  .run = run_add_vmnetworkadapter,
  .columns = adapter_columns,
  .changes = TRUE,
};
