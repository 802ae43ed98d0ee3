/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>
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

static gchar *
value_text (const VmnetCliColumn *column, GParamSpec *pspec, const GValue *value)
{
  /* An unknown VmnetTernary reads "Unknown", its nick. */
  if (is_unknown (pspec, value) && !G_VALUE_HOLDS (value, VMNET_TYPE_TERNARY))
    return g_strdup ("");
  if (column->format)
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

/* Every command's JSON: pretty, one document on stdout. */
void
vmnet_cli_print_json (JsonNode *root)
{
  g_autoptr(JsonNode) owned = root;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree gchar *text = NULL;

  json_generator_set_root (generator, owned);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static void
print_json (const VmnetCliColumn *columns, GPtrArray *objects, gboolean single)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *root;

  if (!single)
    json_builder_begin_array (builder);
  for (guint i = 0; i < objects->len; i++)
    {
      GObject *object = g_ptr_array_index (objects, i);

      json_builder_begin_object (builder);
      for (const VmnetCliColumn *c = columns; c->title; c++)
        {
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

static GPtrArray *
row_texts (GObject *object, const VmnetCliColumn *columns, gboolean table)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  for (const VmnetCliColumn *c = columns; c->title; c++)
    {
      GParamSpec *pspec;
      g_auto(GValue) value = G_VALUE_INIT;

      if (table && !c->in_table)
        continue;
      pspec = column_pspec (object, c);
      g_value_init (&value, pspec->value_type);
      g_object_get_property (object, c->property, &value);
      g_ptr_array_add (texts, value_text (c, pspec, &value));
    }
  return texts;
}

static void
print_table (const VmnetCliColumn *columns, GPtrArray *objects)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GArray) widths = g_array_new (FALSE, TRUE, sizeof (guint));
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();
  g_autoptr(GString) line = g_string_new (NULL);

  if (objects->len == 0)
    return;

  for (const VmnetCliColumn *c = columns; c->title; c++)
    if (c->in_table)
      {
        guint w = g_utf8_strlen (c->title, -1);
        g_ptr_array_add (titles, (gpointer) c->title);
        g_array_append_val (widths, w);
      }
  for (guint i = 0; i < objects->len; i++)
    {
      GPtrArray *texts = row_texts (g_ptr_array_index (objects, i), columns, TRUE);
      for (guint j = 0; j < texts->len; j++)
        g_array_index (widths, guint, j) = MAX (g_array_index (widths, guint, j),
                                                g_utf8_strlen (g_ptr_array_index (texts, j), -1));
      g_ptr_array_add (rows, texts);
    }

#define APPEND_CELL(text, j)                                                   \
  G_STMT_START {                                                               \
    g_string_append (line, (text));                                            \
    if ((j) + 1 < titles->len)                                                 \
      for (guint pad = g_utf8_strlen ((text), -1); pad <= g_array_index (widths, guint, (j)); pad++) \
        g_string_append_c (line, ' ');                                         \
  } G_STMT_END

  g_print ("\n");
  for (guint j = 0; j < titles->len; j++)
    APPEND_CELL ((const gchar *) g_ptr_array_index (titles, j), j);
  g_print ("%s\n", line->str);
  g_string_truncate (line, 0);
  for (guint j = 0; j < titles->len; j++)
    {
      g_autofree gchar *dashes = g_strnfill (g_utf8_strlen (g_ptr_array_index (titles, j), -1), '-');
      APPEND_CELL (dashes, j);
    }
  g_print ("%s\n", line->str);
  for (guint i = 0; i < rows->len; i++)
    {
      GPtrArray *texts = g_ptr_array_index (rows, i);
      g_string_truncate (line, 0);
      for (guint j = 0; j < texts->len; j++)
        APPEND_CELL ((const gchar *) g_ptr_array_index (texts, j), j);
      g_print ("%s\n", g_strchomp (line->str));
    }
  g_print ("\n");
#undef APPEND_CELL
}

static void
print_list (const VmnetCliColumn *columns, GPtrArray *objects)
{
  guint width = 0;

  for (const VmnetCliColumn *c = columns; c->title; c++)
    width = MAX (width, strlen (c->title));

  for (guint i = 0; i < objects->len; i++)
    {
      g_autoptr(GPtrArray) texts = row_texts (g_ptr_array_index (objects, i), columns, FALSE);
      guint j = 0;

      g_print ("\n");
      for (const VmnetCliColumn *c = columns; c->title; c++, j++)
        g_print ("%-*s : %s\n", (int) width, c->title, (const gchar *) g_ptr_array_index (texts, j));
    }
  if (objects->len > 0)
    g_print ("\n");
}

void
vmnet_cli_print_objects (VmnetCli             *cli,
                         const VmnetCliColumn *columns,
                         GPtrArray            *objects,
                         gboolean              single)
{
  switch (cli->output)
    {
    case VMNET_CLI_OUTPUT_JSON:
      print_json (columns, objects, single);
      break;
    case VMNET_CLI_OUTPUT_LIST:
      print_list (columns, objects);
      break;
    case VMNET_CLI_OUTPUT_TABLE:
      print_table (columns, objects);
      break;
    }
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
  if (g_ascii_strcasecmp (text, "on") == 0 || g_ascii_strcasecmp (text, "true") == 0)
    *out = TRUE;
  else if (g_ascii_strcasecmp (text, "off") == 0 || g_ascii_strcasecmp (text, "false") == 0)
    *out = FALSE;
  else
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_ARGUMENT,
                   "--%s '%s' is not on or off", option, text);
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
