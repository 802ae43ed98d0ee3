/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <json-glib/json-glib.h>

#include "vmnet-cli.h"

const gchar *const vmnet_cli_output_names[] = { "table", "list", "json", NULL };

/* An unknown value: a NULL string, -1 where -1 is the property's minimum,
 * or VMNET_TERNARY_UNKNOWN. */
static gboolean
is_unknown (GParamSpec *pspec, const GValue *value)
{
  if (G_VALUE_HOLDS_STRING (value))
    return g_value_get_string (value) == NULL;
  if (G_VALUE_HOLDS_INT (value))
    return G_PARAM_SPEC_INT (pspec)->minimum == -1 && g_value_get_int (value) == -1;
  if (G_VALUE_HOLDS_INT64 (value))
    return G_PARAM_SPEC_INT64 (pspec)->minimum == -1 && g_value_get_int64 (value) == -1;
  if (G_VALUE_HOLDS (value, G_TYPE_STRV))
    return g_value_get_boxed (value) == NULL;
  if (G_VALUE_HOLDS (value, VMNET_TYPE_TERNARY))
    return g_value_get_enum (value) == VMNET_TERNARY_UNKNOWN;
  return FALSE;
}

const gchar *
vmnet_cli_enum_nick (GType type, gint value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *ev = g_enum_get_value (klass, value);

  /* A static type's class outlives the reference: the nick stays valid. */
  return ev ? ev->value_nick : NULL;
}

/* An enum value as PowerShell shows it: the nick with a capital letter. */
gchar *
vmnet_cli_enum_title (GType type, gint value)
{
  const gchar *nick = vmnet_cli_enum_nick (type, value);
  gchar *text;

  if (!nick)
    return g_strdup_printf ("%d", value);
  text = g_strdup (nick);
  text[0] = g_ascii_toupper (text[0]);
  return text;
}

gchar *
vmnet_cli_enum_nicks (GType type, const gchar *separator)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) nicks = NULL;

  for (guint i = 0; i < klass->n_values; i++)
    g_strv_builder_add (builder, klass->values[i].value_nick);
  nicks = g_strv_builder_end (builder);
  return g_strjoinv (separator, nicks);
}

static gchar *
enum_text (const GValue *value)
{
  return vmnet_cli_enum_title (G_VALUE_TYPE (value), g_value_get_enum (value));
}

/* Text that cannot forge lines or terminal sequences: control characters
 * (C0, DEL, C1), bidirectional overrides and bytes that are not UTF-8 are
 * written as \n \r \t \e, \xHH (a byte) or \uHHHH (a character). For
 * --terse, backslash and colon are escaped too (\\ and \:), as nmcli does, so
 * that the colon-separated fields can be split back; an error message keeps
 * its line breaks. */
gchar *
vmnet_cli_escape (const gchar *text, VmnetCliEscape how)
{
  gboolean terse = how == VMNET_CLI_ESCAPE_TERSE;

  GString *s;
  const gchar *p = text;

  if (!text)
    return g_strdup ("");
  s = g_string_sized_new (strlen (text));
  while (*p)
    {
      gunichar c = g_utf8_get_char_validated (p, -1);
      const gchar *next;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (s, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }
      next = g_utf8_next_char (p);
      if (c == '\n' && how == VMNET_CLI_ESCAPE_MESSAGE)
        g_string_append_c (s, '\n');
      else if (c == '\n')
        g_string_append (s, "\\n");
      else if (c == '\r')
        g_string_append (s, "\\r");
      else if (c == '\t')
        g_string_append (s, "\\t");
      else if (c == 0x1b)
        g_string_append (s, "\\e");
      else if (terse && (c == '\\' || c == ':'))
        g_string_append_printf (s, "\\%c", (gchar) c);
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (s, "\\x%02x", c);
      else if ((c >= 0x80 && c <= 0x9f) || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
               (c >= 0x2066 && c <= 0x2069))
        g_string_append_printf (s, "\\u%04x", c);
      else
        g_string_append_len (s, p, next - p);
      p = next;
    }
  return g_string_free (s, FALSE);
}

static gchar *
value_text (const VmnetCliColumn *column, GParamSpec *pspec, const GValue *value)
{
  /* An unknown VmnetTernary reads "Unknown", its nick. */
  if (is_unknown (pspec, value) && !G_VALUE_HOLDS (value, VMNET_TYPE_TERNARY))
    return g_strdup ("");
  if (column && column->format)
    return column->format (value);
  if (G_VALUE_HOLDS_STRING (value))
    return g_value_dup_string (value);
  if (G_VALUE_HOLDS (value, G_TYPE_STRV))
    {
      /* PowerShell shows collections as {a, b}. */
      g_autofree gchar *joined = g_strjoinv (", ", g_value_get_boxed (value));
      return g_strdup_printf ("{%s}", joined);
    }
  if (G_VALUE_HOLDS_BOOLEAN (value))
    return g_strdup (g_value_get_boolean (value) ? "True" : "False");
  if (G_VALUE_HOLDS_ENUM (value))
    return enum_text (value);
  if (G_VALUE_HOLDS_INT (value))
    return g_strdup_printf ("%d", g_value_get_int (value));
  if (G_VALUE_HOLDS_UINT (value))
    return g_strdup_printf ("%u", g_value_get_uint (value));
  if (G_VALUE_HOLDS_INT64 (value))
    return g_strdup_printf ("%" G_GINT64_FORMAT, g_value_get_int64 (value));
  return g_strdup_value_contents (value);
}

static void
add_json_value (JsonBuilder *builder, GParamSpec *pspec, const GValue *value)
{
  if (is_unknown (pspec, value))
    json_builder_add_null_value (builder);
  else if (G_VALUE_HOLDS_STRING (value))
    json_builder_add_string_value (builder, g_value_get_string (value));
  else if (G_VALUE_HOLDS (value, G_TYPE_STRV))
    {
      const gchar *const *strv = g_value_get_boxed (value);
      json_builder_begin_array (builder);
      for (guint i = 0; strv[i]; i++)
        json_builder_add_string_value (builder, strv[i]);
      json_builder_end_array (builder);
    }
  else if (G_VALUE_HOLDS_BOOLEAN (value))
    json_builder_add_boolean_value (builder, g_value_get_boolean (value));
  else if (G_VALUE_HOLDS (value, VMNET_TYPE_TERNARY))
    json_builder_add_boolean_value (builder, g_value_get_enum (value) == VMNET_TERNARY_TRUE);
  else if (G_VALUE_HOLDS_ENUM (value))
    {
      g_autofree gchar *text = enum_text (value);
      json_builder_add_string_value (builder, text);
    }
  else if (G_VALUE_HOLDS_INT (value))
    json_builder_add_int_value (builder, g_value_get_int (value));
  else if (G_VALUE_HOLDS_UINT (value))
    json_builder_add_int_value (builder, g_value_get_uint (value));
  else if (G_VALUE_HOLDS_INT64 (value))
    json_builder_add_int_value (builder, g_value_get_int64 (value));
  else
    json_builder_add_null_value (builder);
}

static GParamSpec *
column_pspec (GObject *object, const VmnetCliColumn *column)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), column->property);
  g_assert (pspec != NULL);
  return pspec;
}

/* Every command's JSON: pretty, one document on stdout, in UTF-8 whatever
 * the locale (g_print() would turn what the locale lacks into '?'). */
void
vmnet_cli_print_json (JsonNode *root)
{
  g_autoptr(JsonNode) owned = root;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree gchar *text = NULL;

  json_generator_set_root (generator, owned);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  fputs (text, stdout);
  fputs ("\n", stdout);
  fflush (stdout);
}

/* The columns to show: --fields in their order, else the table's or all. */
static GPtrArray *
select_columns (VmnetCli *cli, const VmnetCliColumn *columns, gboolean table, GError **error)
{
  g_autoptr(GPtrArray) chosen = g_ptr_array_new ();

  if (!cli->fields)
    {
      for (const VmnetCliColumn *c = columns; c->title; c++)
        if (!table || c->in_table)
          g_ptr_array_add (chosen, (gpointer) c);
      return g_steal_pointer (&chosen);
    }
  for (guint i = 0; cli->fields[i]; i++)
    {
      const VmnetCliColumn *c = columns;

      while (c->title && g_ascii_strcasecmp (c->title, cli->fields[i]) != 0)
        c++;
      if (!c->title)
        {
          g_autoptr(GString) valid = g_string_new (NULL);

          for (c = columns; c->title; c++)
            g_string_append_printf (valid, "%s%s", valid->len ? ", " : "", c->title);
          g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                       "--fields: %s has no field '%s': valid fields are %s", cli->verb, cli->fields[i], valid->str);
          return NULL;
        }
      g_ptr_array_add (chosen, (gpointer) c);
    }
  return g_steal_pointer (&chosen);
}

gboolean
vmnet_cli_check_fields (VmnetCli *cli, const VmnetCliColumn *columns, GError **error)
{
  g_autoptr(GPtrArray) chosen = select_columns (cli, columns, FALSE, error);
  return chosen != NULL;
}

static void
print_json (GPtrArray *columns, GPtrArray *objects, gboolean single)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *root;

  if (!single)
    json_builder_begin_array (builder);
  for (guint i = 0; i < objects->len; i++)
    {
      GObject *object = g_ptr_array_index (objects, i);

      json_builder_begin_object (builder);
      for (guint j = 0; j < columns->len; j++)
        {
          const VmnetCliColumn *c = g_ptr_array_index (columns, j);
          GParamSpec *pspec = column_pspec (object, c);
          g_auto(GValue) value = G_VALUE_INIT;

          g_value_init (&value, pspec->value_type);
          g_object_get_property (object, c->property, &value);
          json_builder_set_member_name (builder, c->title);
          add_json_value (builder, pspec, &value);
        }
      json_builder_end_object (builder);
    }
  if (!single)
    json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  if (!root)
    {
      g_autoptr(JsonObject) empty = json_object_new ();
      root = json_node_init_object (json_node_alloc (), empty);
    }
  vmnet_cli_print_json (root);
}

/* The cells of a row as text, escaped. */
static GPtrArray *
row_texts (GObject *object, GPtrArray *columns, gboolean terse)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  for (guint j = 0; j < columns->len; j++)
    {
      const VmnetCliColumn *c = g_ptr_array_index (columns, j);
      GParamSpec *pspec = column_pspec (object, c);
      g_auto(GValue) value = G_VALUE_INIT;
      g_autofree gchar *text = NULL;

      g_value_init (&value, pspec->value_type);
      g_object_get_property (object, c->property, &value);
      text = value_text (c, pspec, &value);
      g_ptr_array_add (texts, vmnet_cli_escape (text, terse ? VMNET_CLI_ESCAPE_TERSE : VMNET_CLI_ESCAPE_TEXT));
    }
  return texts;
}

/* The terminal's width when standard output is one ($COLUMNS first, then
 * the terminal's own), else 0: output to a pipe or file is never cut. */
static guint
terminal_width (void)
{
  const gchar *env = g_getenv ("COLUMNS");
  struct winsize ws;
  guint64 n;

  if (!isatty (STDOUT_FILENO))
    return 0;
  if (env && g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT16, &n, NULL))
    return (guint) n;
  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
    return ws.ws_col;
  return 0;
}

#define MIN_COLUMN_WIDTH 4

/* @text cut to @width characters, the last one an ellipsis when cut. */
static gchar *
fit (const gchar *text, guint width)
{
  const gchar *end;

  if (g_utf8_strlen (text, -1) <= width)
    return g_strdup (text);
  end = g_utf8_offset_to_pointer (text, width - 1);
  {
    g_autofree gchar *head = g_strndup (text, end - text);
    return g_strconcat (head, g_get_charset (NULL) ? "…" : "~", NULL);
  }
}

static void
print_table (GPtrArray *columns, GPtrArray *objects)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GArray) widths = g_array_new (FALSE, TRUE, sizeof (guint));
  g_autoptr(GArray) content = g_array_new (FALSE, TRUE, sizeof (guint));   /* the widest value */
  g_autoptr(GString) line = g_string_new (NULL);
  guint n = columns->len, total = 0, available = terminal_width ();

  if (objects->len == 0 || n == 0)
    return;

  g_array_set_size (widths, n);
  g_array_set_size (content, n);
  for (guint i = 0; i < objects->len; i++)
    {
      GPtrArray *texts = row_texts (g_ptr_array_index (objects, i), columns, FALSE);
      for (guint j = 0; j < n; j++)
        g_array_index (content, guint, j) = MAX (g_array_index (content, guint, j),
                                                 g_utf8_strlen (g_ptr_array_index (texts, j), -1));
      g_ptr_array_add (rows, texts);
    }
  for (guint j = 0; j < n; j++)
    {
      guint title = g_utf8_strlen (((const VmnetCliColumn *) g_ptr_array_index (columns, j))->title, -1);
      g_array_index (widths, guint, j) = MAX (title, g_array_index (content, guint, j));
      total += g_array_index (widths, guint, j) + (j + 1 < n ? 1 : 0);
    }

  /* On a terminal the line is made to fit: the widest column gives way, one
   * character at a time; the first one (the name) only when nothing else can. */
  for (guint pass = 0; pass < 2; pass++)
    while (available && total > available)
      {
        gint widest = -1;
        for (guint j = 0; j < n; j++)
          {
            guint w = g_array_index (widths, guint, j);
            guint floor = pass == 0 && j == 0 ? w : MIN_COLUMN_WIDTH;
            if (w > floor && (widest < 0 || w > g_array_index (widths, guint, widest)))
              widest = j;
          }
        if (widest < 0)
          break;
        g_array_index (widths, guint, widest)--;
        total--;
      }

#define APPEND_CELL(text, j)                                                   \
  G_STMT_START {                                                               \
    g_autofree gchar *cell = fit ((text), g_array_index (widths, guint, (j))); \
    g_string_append (line, cell);                                              \
    if ((j) + 1 < n)                                                           \
      for (guint pad = g_utf8_strlen (cell, -1); pad <= g_array_index (widths, guint, (j)); pad++) \
        g_string_append_c (line, ' ');                                         \
  } G_STMT_END

  g_print ("\n");
  for (guint j = 0; j < n; j++)
    APPEND_CELL (((const VmnetCliColumn *) g_ptr_array_index (columns, j))->title, j);
  g_print ("%s\n", line->str);
  g_string_truncate (line, 0);
  for (guint j = 0; j < n; j++)
    {
      g_autofree gchar *dashes = g_strnfill (g_utf8_strlen (((const VmnetCliColumn *) g_ptr_array_index (columns, j))->title, -1), '-');
      APPEND_CELL (dashes, j);
    }
  g_print ("%s\n", line->str);
  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *texts = g_ptr_array_index (rows, i);
      g_string_truncate (line, 0);
      for (guint j = 0; j < n; j++)
        APPEND_CELL ((const gchar *) g_ptr_array_index (texts, j), j);
      g_print ("%s\n", g_strchomp (line->str));
    }
  g_print ("\n");
#undef APPEND_CELL
}

static void
print_list (GPtrArray *columns, GPtrArray *objects)
{
  guint width = 0;

  for (guint j = 0; j < columns->len; j++)
    width = MAX (width, strlen (((const VmnetCliColumn *) g_ptr_array_index (columns, j))->title));

  for (guint i = 0; i < objects->len; i++)
    {
      g_autoptr(GPtrArray) texts = row_texts (g_ptr_array_index (objects, i), columns, FALSE);

      g_print ("\n");
      for (guint j = 0; j < columns->len; j++)
        g_print ("%-*s : %s\n", (int) width, ((const VmnetCliColumn *) g_ptr_array_index (columns, j))->title,
                 (const gchar *) g_ptr_array_index (texts, j));
    }
  if (objects->len > 0)
    g_print ("\n");
}

/* --terse, as nmcli -t: a line of colon-separated values per object, or
 * (list) a Field:value line per field; no titles, padding or blank lines. */
static void
print_terse (GPtrArray *columns, GPtrArray *objects, gboolean list)
{
  for (guint i = 0; i < objects->len; i++)
    {
      g_autoptr(GPtrArray) texts = row_texts (g_ptr_array_index (objects, i), columns, TRUE);

      for (guint j = 0; j < columns->len; j++)
        {
          if (list)
            g_print ("%s:%s\n", ((const VmnetCliColumn *) g_ptr_array_index (columns, j))->title,
                     (const gchar *) g_ptr_array_index (texts, j));
          else
            g_print ("%s%s", j ? ":" : "", (const gchar *) g_ptr_array_index (texts, j));
        }
      if (!list)
        g_print ("\n");
    }
}

gboolean
vmnet_cli_print_objects (VmnetCli             *cli,
                         const VmnetCliColumn *columns,
                         GPtrArray            *objects,
                         gboolean              single,
                         GError              **error)
{
  g_autoptr(GPtrArray) chosen = select_columns (cli, columns, cli->output == VMNET_CLI_OUTPUT_TABLE, error);

  if (!chosen)
    return FALSE;
  if (cli->terse)
    print_terse (chosen, objects, cli->output == VMNET_CLI_OUTPUT_LIST);
  else if (cli->output == VMNET_CLI_OUTPUT_JSON)
    print_json (chosen, objects, single);
  else if (cli->output == VMNET_CLI_OUTPUT_LIST)
    print_list (chosen, objects);
  else
    print_table (chosen, objects);
  return TRUE;
}

/* -WhatIf */

struct _VmnetCliPlan {
  VmnetCli  *cli;
  gchar     *target;
  JsonArray *changes;
  JsonArray *notes;
};

VmnetCliPlan *
vmnet_cli_plan_new (VmnetCli *cli, const gchar *target_format, ...)
{
  VmnetCliPlan *plan = g_new0 (VmnetCliPlan, 1);
  va_list args;

  va_start (args, target_format);
  plan->target = g_strdup_vprintf (target_format, args);
  va_end (args);
  plan->cli = cli;
  plan->changes = json_array_new ();
  plan->notes = json_array_new ();
  return plan;
}

void
vmnet_cli_plan_change (VmnetCliPlan *plan, const gchar *setting, const gchar *from, const gchar *to)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "Setting", setting);
  json_object_set_string_member (o, "From", from);
  json_object_set_string_member (o, "To", to);
  json_array_add_object_element (plan->changes, o);
}

/* A setting of @object: its current value, as get- shows it, and @to. */
void
vmnet_cli_plan_property (VmnetCliPlan *plan, GObject *object, const gchar *setting,
                         const gchar *property, const GValue *to)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (object), property);
  g_auto(GValue) from = G_VALUE_INIT;
  g_autofree gchar *from_text = NULL;
  g_autofree gchar *to_text = NULL;

  g_assert (pspec != NULL);
  g_value_init (&from, pspec->value_type);
  g_object_get_property (object, property, &from);
  from_text = value_text (NULL, pspec, &from);
  to_text = value_text (NULL, pspec, to);
  vmnet_cli_plan_change (plan, setting, from_text, to_text);
}

void
vmnet_cli_plan_note (VmnetCliPlan *plan, const gchar *format, ...)
{
  va_list args;
  g_autofree gchar *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  json_array_add_string_element (plan->notes, text);
}

/* Prints the plan (text, or JSON with --output json) and frees it. */
gboolean
vmnet_cli_plan_print (VmnetCliPlan *plan)
{
  if (plan->cli->output == VMNET_CLI_OUTPUT_JSON)
    {
      g_autoptr(JsonObject) o = json_object_new ();

      json_object_set_boolean_member (o, "WhatIf", TRUE);
      json_object_set_string_member (o, "Command", plan->cli->verb);
      json_object_set_string_member (o, "Target", plan->target);
      json_object_set_array_member (o, "Changes", json_array_ref (plan->changes));
      json_object_set_array_member (o, "Notes", json_array_ref (plan->notes));
      vmnet_cli_print_json (json_node_init_object (json_node_alloc (), o));
    }
  else
    {
      g_autofree gchar *target = vmnet_cli_escape (plan->target, VMNET_CLI_ESCAPE_TEXT);

      g_print ("What if: %s on %s\n", plan->cli->verb, target);
      for (guint i = 0; i < json_array_get_length (plan->changes); i++)
        {
          JsonObject *c = json_array_get_object_element (plan->changes, i);
          g_autofree gchar *from = vmnet_cli_escape (json_object_get_string_member (c, "From"), VMNET_CLI_ESCAPE_TEXT);
          g_autofree gchar *to = vmnet_cli_escape (json_object_get_string_member (c, "To"), VMNET_CLI_ESCAPE_TEXT);

          g_print ("  %s: %s -> %s%s\n", json_object_get_string_member (c, "Setting"), from, to,
                   g_str_equal (from, to) ? " (unchanged)" : "");
        }
      for (guint i = 0; i < json_array_get_length (plan->notes); i++)
        {
          g_autofree gchar *note = vmnet_cli_escape (json_array_get_string_element (plan->notes, i), VMNET_CLI_ESCAPE_TEXT);
          g_print ("  %s\n", note);
        }
      g_print ("Nothing was changed.\n");
    }
  vmnet_cli_plan_free (plan);
  return TRUE;
}

void
vmnet_cli_plan_free (VmnetCliPlan *plan)
{
  json_array_unref (plan->changes);
  json_array_unref (plan->notes);
  g_free (plan->target);
  g_free (plan);
}

gchar *
vmnet_cli_format_link_speed (const GValue *value)
{
  gint64 bps = g_value_get_int64 (value);

  if (bps >= 1000000000 && bps % 1000000000 == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT " Gbps", bps / 1000000000);
  if (bps >= 1000000)
    return g_strdup_printf ("%" G_GINT64_FORMAT " Mbps", bps / 1000000);
  return g_strdup_printf ("%" G_GINT64_FORMAT " bps", bps);
}

/* An option's long name without its dashes, as PowerShell spells it in
 * CamelCase: iov-queue-pairs-requested matches IovQueuePairsRequested (the
 * @len characters of @word, case-insensitive). */
gboolean
vmnet_cli_powershell_matches (const gchar *long_name, const gchar *word, gsize len)
{
  gsize j = 0;

  for (const gchar *p = long_name; *p; p++)
    {
      if (*p == '-')
        continue;
      if (j >= len || g_ascii_tolower (word[j]) != *p)
        return FALSE;
      j++;
    }
  return j == len;
}

/* The PowerShell spelling of a long option: vm-name is VMName, num-vfs NumVFs. */
gchar *
vmnet_cli_powershell_name (const gchar *long_name)
{
  g_auto(GStrv) parts = g_strsplit (long_name, "-", -1);
  GString *s = g_string_new (NULL);

  for (guint i = 0; parts[i]; i++)
    {
      if (g_str_equal (parts[i], "vm") || g_str_equal (parts[i], "vfs") || g_str_equal (parts[i], "uri"))
        {
          g_autofree gchar *up = g_ascii_strup (parts[i], -1);
          if (g_str_equal (parts[i], "vfs"))
            up[2] = 's';
          g_string_append (s, up);
          continue;
        }
      if (parts[i][0])
        {
          g_string_append_c (s, g_ascii_toupper (parts[i][0]));
          g_string_append (s, parts[i] + 1);
        }
    }
  return g_string_free (s, FALSE);
}

gboolean
vmnet_cli_no_positional (VmnetCli *cli, GError **error)
{
  if (cli->args && cli->args[0])
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "unexpected argument '%s'", cli->args[0]);
      return FALSE;
    }
  return TRUE;
}

gboolean
vmnet_cli_parse_on_off (const gchar *option, const gchar *text, gboolean *out, GError **error)
{
  /* As PowerShell takes them too: On, $true, 1; case does not matter. */
  static const gchar *const on[] = { "on", "true", "$true", "yes", "1", NULL };
  static const gchar *const off[] = { "off", "false", "$false", "no", "0", NULL };
  gboolean found = FALSE;

  for (guint i = 0; !found && on[i]; i++)
    if (g_ascii_strcasecmp (text, on[i]) == 0)
      found = *out = TRUE;
  for (guint i = 0; !found && off[i]; i++)
    if (g_ascii_strcasecmp (text, off[i]) == 0)
      {
        *out = FALSE;
        found = TRUE;
      }
  if (!found)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "--%s '%s' is not on or off (also accepted: true/false, $true/$false, yes/no, 1/0)", option, text);
      return FALSE;
    }
  return TRUE;
}

const gchar *
vmnet_cli_one_name (VmnetCli *cli, const gchar *what, GError **error)
{
  if (!cli->args || !cli->args[0] || cli->args[1])
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT, "give one %s name", what);
      return NULL;
    }
  return cli->args[0];
}

/* A copy of entries whose arg_data point into options. */
GOptionEntry *
vmnet_cli_bind_entries (const GOptionEntry *entries, gpointer options)
{
  guint n = 0;
  GOptionEntry *bound;

  while (entries[n].long_name)
    n++;
  bound = g_new0 (GOptionEntry, n + 1);
  for (guint i = 0; i < n; i++)
    {
      g_assert (entries[i].arg != G_OPTION_ARG_CALLBACK);
      bound[i] = entries[i];
      bound[i].arg_data = (guint8 *) options + GPOINTER_TO_SIZE (entries[i].arg_data);
    }
  return bound;
}

/* Frees what parsing entries into options allocated, by each entry's type. */
void
vmnet_cli_free_options (const GOptionEntry *entries, gpointer options)
{
  for (const GOptionEntry *e = entries; e && e->long_name; e++)
    {
      gpointer field = (guint8 *) options + GPOINTER_TO_SIZE (e->arg_data);

      switch (e->arg)
        {
        case G_OPTION_ARG_STRING:
        case G_OPTION_ARG_FILENAME:
          g_clear_pointer ((gchar **) field, g_free);
          break;
        case G_OPTION_ARG_STRING_ARRAY:
        case G_OPTION_ARG_FILENAME_ARRAY:
          g_clear_pointer ((gchar ***) field, g_strfreev);
          break;
        case G_OPTION_ARG_NONE:
        case G_OPTION_ARG_INT:
        case G_OPTION_ARG_INT64:
        case G_OPTION_ARG_DOUBLE:
        case G_OPTION_ARG_CALLBACK:
        default:
          break;
        }
    }
}
