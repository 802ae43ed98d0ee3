/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <vmnet/vmnet.h>

G_BEGIN_DECLS

typedef enum {
  VMNET_CLI_OUTPUT_TABLE,
  VMNET_CLI_OUTPUT_LIST,
  VMNET_CLI_OUTPUT_JSON,
} VmnetCliOutput;

/* What every command gets: the host, the chosen output, a cancellable. */
typedef struct {
  VmnetHost      *host;
  VmnetCliOutput  output;
  GCancellable   *cancellable;
  gchar         **args;          /* positional arguments after the verb */
} VmnetCli;

/* A command: its options live in a struct of options_size bytes that
 * add_options points its GOptionEntry table at; run gets it back. */
typedef struct {
  const gchar  *name;            /* canonical, lower case: get-vmswitch */
  const gchar  *args_hint;
  const gchar  *summary;
  gsize         options_size;
  void        (*add_options) (GOptionContext *context, gpointer options);
  void        (*free_options) (gpointer options);
  gboolean    (*run) (VmnetCli *cli, gpointer options, GError **error);
} VmnetCommand;

/* A column: a PowerShell property name shown for a GObject property. */
typedef gchar *(*VmnetCliFormat) (const GValue *value);

typedef struct {
  const gchar    *title;
  const gchar    *property;
  gboolean        in_table;
  VmnetCliFormat  format;        /* table/list text; NULL: the default */
} VmnetCliColumn;

void vmnet_cli_print_objects (VmnetCli             *cli,
                              const VmnetCliColumn *columns,
                              GPtrArray            *objects,
                              gboolean              single);

gchar *vmnet_cli_format_link_speed (const GValue *value);

gboolean vmnet_cli_no_positional (VmnetCli *cli, GError **error);
gboolean vmnet_cli_parse_on_off (const gchar *option, const gchar *text, gboolean *out, GError **error);
const gchar *vmnet_cli_one_name (VmnetCli *cli, const gchar *what, GError **error);

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
