/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <vmnet/vmnet.h>

G_BEGIN_DECLS

typedef enum {
  VMNET_CLI_OUTPUT_TABLE,
  VMNET_CLI_OUTPUT_LIST,
  VMNET_CLI_OUTPUT_JSON,
} VmnetCliOutput;

/* --output's words, by VmnetCliOutput; NULL-terminated. */
extern const gchar *const vmnet_cli_output_names[];

/* What every command gets: the host, the chosen output, a cancellable. */
typedef struct {
  VmnetHost      *host;
  VmnetCliOutput  output;
  GCancellable   *cancellable;
  gchar         **args;          /* positional arguments after the verb */
  const gchar    *verb;          /* the command's canonical name */
  gchar         **fields;        /* --fields: titles to show, in this order; NULL: the default */
  gboolean        terse;         /* --terse: values only, for scripts */
  gboolean        what_if;       /* --what-if: print the planned change, change nothing */
  gboolean        read_only;     /* --readonly */
  const gchar    *host_root;     /* --host-root, NULL: / */
} VmnetCli;

/* What an option's value or a positional argument can be, for completion
 * (vmnet-complete.c). */
typedef enum {
  VMNET_CLI_VALUES_NONE,
  VMNET_CLI_VALUES_VMS,
  VMNET_CLI_VALUES_SWITCHES,
  VMNET_CLI_VALUES_NET_ADAPTERS,  /* SR-IOV physical adapters */
  VMNET_CLI_VALUES_VM_ADAPTERS,   /* of --vm-name's VM, or of every VM */
  VMNET_CLI_VALUES_ROLES,
  VMNET_CLI_VALUES_SCOPES,
  VMNET_CLI_VALUES_OPERATIONS,
  VMNET_CLI_VALUES_USERS,
  VMNET_CLI_VALUES_GROUPS,
  VMNET_CLI_VALUES_URIS,
  VMNET_CLI_VALUES_OUTPUTS,
  VMNET_CLI_VALUES_MODERATIONS,
  VMNET_CLI_VALUES_FILES,
  VMNET_CLI_VALUES_FIELDS,       /* the command's column titles, comma-separated */
} VmnetCliValues;

/* An option's field in its command's options struct: entries are data,
 * GOptionEntry.arg_data holds the offset until main binds them. */
#define VMNET_CLI_OPTION(type, field) GSIZE_TO_POINTER (G_STRUCT_OFFSET (type, field))

/* A column: a PowerShell property name shown for a GObject property. */
typedef gchar *(*VmnetCliFormat) (const GValue *value);

typedef struct {
  const gchar    *title;
  const gchar    *property;
  gboolean        in_table;
  VmnetCliFormat  format;        /* table/list text; NULL: the default */
} VmnetCliColumn;

/* A command: run gets a struct of options_size bytes that entries (with
 * VMNET_CLI_OPTION offsets) were parsed into. */
typedef struct {
  const gchar        *name;          /* canonical, lower case: get-vmswitch */
  const gchar        *args_hint;
  const gchar        *summary;
  gsize               options_size;
  const GOptionEntry *entries;       /* NULL: no options of its own */
  VmnetCliValues      args;          /* what its positional arguments name */
  VmnetCliValues      names;         /* what its --name names */
  gboolean          (*run) (VmnetCli *cli, gpointer options, GError **error);
  const VmnetCliColumn *columns;     /* the objects it shows (--fields); NULL: none */
  gboolean            changes;       /* it changes something: takes --what-if */
  gboolean            offline;       /* runs on the host's files alone: no libvirt, cli->host is NULL */
} VmnetCommand;

GOptionEntry *vmnet_cli_bind_entries (const GOptionEntry *entries, gpointer options);
void vmnet_cli_free_options (const GOptionEntry *entries, gpointer options);

gboolean vmnet_cli_print_objects (VmnetCli             *cli,
                                  const VmnetCliColumn *columns,
                                  GPtrArray            *objects,
                                  gboolean              single,
                                  GError              **error);
gboolean vmnet_cli_check_fields (VmnetCli *cli, const VmnetCliColumn *columns, GError **error);
typedef enum {
  VMNET_CLI_ESCAPE_TEXT,      /* table, list and other text output */
  VMNET_CLI_ESCAPE_TERSE,     /* --terse: ':' and '\\' too */
  VMNET_CLI_ESCAPE_MESSAGE,   /* an error message: its line breaks stay */
} VmnetCliEscape;

gchar *vmnet_cli_escape (const gchar *text, VmnetCliEscape how);

/* -WhatIf: what a changing command would do, printed instead of doing it. */
typedef struct _VmnetCliPlan VmnetCliPlan;
VmnetCliPlan *vmnet_cli_plan_new (VmnetCli *cli, const gchar *target_format, ...) G_GNUC_PRINTF (2, 3);
void vmnet_cli_plan_change (VmnetCliPlan *plan, const gchar *setting, const gchar *from, const gchar *to);
void vmnet_cli_plan_property (VmnetCliPlan *plan, GObject *object, const gchar *setting,
                              const gchar *property, const GValue *to);
void vmnet_cli_plan_note (VmnetCliPlan *plan, const gchar *format, ...) G_GNUC_PRINTF (2, 3);
gboolean vmnet_cli_plan_print (VmnetCliPlan *plan);
void vmnet_cli_plan_free (VmnetCliPlan *plan);

void vmnet_cli_print_json (JsonNode *root);

gchar *vmnet_cli_format_link_speed (const GValue *value);

const gchar *vmnet_cli_enum_nick (GType type, gint value);
gchar *vmnet_cli_enum_title (GType type, gint value);
gchar *vmnet_cli_enum_nicks (GType type, const gchar *separator);

gboolean vmnet_cli_no_positional (VmnetCli *cli, GError **error);
gboolean vmnet_cli_parse_on_off (const gchar *option, const gchar *text, gboolean *out, GError **error);
const gchar *vmnet_cli_one_name (VmnetCli *cli, const gchar *what, GError **error);

gboolean vmnet_cli_powershell_matches (const gchar *long_name, const gchar *word, gsize len);
gchar *vmnet_cli_powershell_name (const gchar *long_name);
extern const GOptionEntry vmnet_cli_what_if_entries[];

int vmnet_cli_complete (const VmnetCommand *const *commands,
                        const GOptionEntry        *global_entries,
                        gchar                    **words);

extern const VmnetCommand vmnet_cmd_get_vmhost;
extern const VmnetCommand vmnet_cmd_get_vmswitch;
extern const VmnetCommand vmnet_cmd_new_vmswitch;
extern const VmnetCommand vmnet_cmd_remove_vmswitch;
extern const VmnetCommand vmnet_cmd_set_vmswitch;
extern const VmnetCommand vmnet_cmd_get_vmnetworkadapter;
extern const VmnetCommand vmnet_cmd_set_vmnetworkadapter;
extern const VmnetCommand vmnet_cmd_add_vmnetworkadapter;
extern const VmnetCommand vmnet_cmd_get_netadaptersriov;
extern const VmnetCommand vmnet_cmd_get_netadaptersriovvf;
extern const VmnetCommand vmnet_cmd_set_netadaptersriov;
extern const VmnetCommand vmnet_cmd_enable_netadaptersriov;
extern const VmnetCommand vmnet_cmd_disable_netadaptersriov;
extern const VmnetCommand vmnet_cmd_apply_netadaptersriov;
extern const VmnetCommand vmnet_cmd_test_sriov;
extern const VmnetCommand vmnet_cmd_watch_vmhost;
extern const VmnetCommand vmnet_cmd_reconcile_vmhost;
extern const VmnetCommand vmnet_cmd_start_vm;
extern const VmnetCommand vmnet_cmd_save_vm;
extern const VmnetCommand vmnet_cmd_restore_vm;
extern const VmnetCommand vmnet_cmd_checkpoint_vm;
extern const VmnetCommand vmnet_cmd_compare_vm;
extern const VmnetCommand vmnet_cmd_move_vm;
extern const VmnetCommand vmnet_cmd_get_vmrole;
extern const VmnetCommand vmnet_cmd_new_vmrole;
extern const VmnetCommand vmnet_cmd_set_vmrole;
extern const VmnetCommand vmnet_cmd_remove_vmrole;
extern const VmnetCommand vmnet_cmd_grant_vmrole;
extern const VmnetCommand vmnet_cmd_revoke_vmrole;
extern const VmnetCommand vmnet_cmd_get_vmroleassignment;
extern const VmnetCommand vmnet_cmd_new_vmscope;
extern const VmnetCommand vmnet_cmd_remove_vmscope;
extern const VmnetCommand vmnet_cmd_set_vmscope;
extern const VmnetCommand vmnet_cmd_get_vmscope;
extern const VmnetCommand vmnet_cmd_test_vmaccess;
extern const VmnetCommand vmnet_cmd_export_vmauthorization;

G_END_DECLS
