/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The lasting NumVFs (etc/vmnet/sriov.conf under the host root), its boot-time
 * apply and the record of that apply (run/vmnet/sriov-boot.conf). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "vmnet-error.h"
#include "vmnet-enum-types.h"

#include "vmnet-linux-private.h"

#define KEY_NUM_VFS "num-vfs"
#define KEY_NAME    "name"

gchar *
vmnet_sriov_config_path (const gchar *root)
{
  return g_build_filename (root, VMNET_SRIOV_CONFIG_FILE, NULL);
}

gchar *
vmnet_sriov_boot_path (const gchar *root)
{
  return g_build_filename (root, VMNET_SRIOV_BOOT_FILE, NULL);
}

/* DDDD:BB:DD.F, lower-case hex, as sysfs names PCI functions. */
static gboolean
is_pci_address (const gchar *s)
{
  static const gchar pattern[] = "xxxx:xx:xx.x";

  if (strlen (s) != sizeof pattern - 1)
    return FALSE;
  for (guint i = 0; pattern[i]; i++)
    if (pattern[i] == 'x' ? !(g_ascii_isdigit (s[i]) || (s[i] >= 'a' && s[i] <= 'f')) : s[i] != pattern[i])
      return FALSE;
  return s[11] <= '7';
}

static gboolean
is_netdev_name (const gchar *s)
{
  gsize n = strlen (s);

  if (n == 0 || n > 15 || g_str_equal (s, ".") || g_str_equal (s, ".."))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isgraph (s[i]) || s[i] == '/' || s[i] == ':')
      return FALSE;
  return TRUE;
}

static gboolean
bad_line (GError **error, const gchar *path, guint line, const gchar *what)
{
  g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA, "%s:%u: %s", path, line, what);
  return FALSE;
}

/* Checks the file line by line, so that every complaint names its line:
 * [PCI-ADDRESS] groups, each with num-vfs=N (0..65535) and name=NETDEV. */
static GPtrArray *
parse (const gchar *path, const gchar *text, GError **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_sriov_config_entry_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  VmnetSriovConfigEntry *cur = NULL;

  for (guint i = 0; lines[i]; i++)
    {
      guint n = i + 1;
      gchar *l = g_strstrip (lines[i]);
      gchar *eq;

      if (!g_utf8_validate (l, -1, NULL))
        return bad_line (error, path, n, "not UTF-8 text"), NULL;
      if (l[0] == '\0' || l[0] == '#')
        continue;
      if (l[0] == '[')
        {
          gsize len = strlen (l);
          g_autofree gchar *group = NULL;
          if (cur && cur->num_vfs < 0)
            return bad_line (error, path, cur->line, "the adapter has no num-vfs= line"), NULL;
          if (len < 2 || l[len - 1] != ']')
            return bad_line (error, path, n, "a group header must end with ']'"), NULL;
          group = g_strndup (l + 1, len - 2);
          if (!is_pci_address (group))
            {
              g_autofree gchar *what = g_strdup_printf ("'[%s]' is not a PCI address such as [0000:01:00.0]", group);
              return bad_line (error, path, n, what), NULL;
            }
          for (guint j = 0; j < entries->len; j++)
            if (g_str_equal (((VmnetSriovConfigEntry *) g_ptr_array_index (entries, j))->address, group))
              {
                g_autofree gchar *what = g_strdup_printf ("adapter [%s] is listed twice", group);
                return bad_line (error, path, n, what), NULL;
              }
          cur = g_new0 (VmnetSriovConfigEntry, 1);
          cur->address = g_steal_pointer (&group);
          cur->num_vfs = -1;
          cur->line = n;
          g_ptr_array_add (entries, cur);
          continue;
        }
      eq = strchr (l, '=');
      if (!eq)
        return bad_line (error, path, n, "expected [PCI-ADDRESS], KEY=VALUE or a # comment"), NULL;
      if (!cur)
        return bad_line (error, path, n, "a setting before the first [PCI-ADDRESS] group"), NULL;
      *eq = '\0';
      g_strstrip (l);
      g_strstrip (eq + 1);
      if (g_str_equal (l, KEY_NUM_VFS))
        {
          guint64 v;
          if (!g_ascii_string_to_unsigned (eq + 1, 10, 0, G_MAXUINT16, &v, NULL))
            {
              g_autofree gchar *what = g_strdup_printf ("num-vfs must be a whole number from 0 to 65535, not '%s'",
                                                        eq + 1);
              return bad_line (error, path, n, what), NULL;
            }
          cur->num_vfs = (gint) v;
        }
      else if (g_str_equal (l, KEY_NAME))
        {
          if (!is_netdev_name (eq + 1))
            {
              g_autofree gchar *what = g_strdup_printf ("name must be a network interface name, not '%s'", eq + 1);
              return bad_line (error, path, n, what), NULL;
            }
          g_free (cur->name);
          cur->name = g_strdup (eq + 1);
        }
      else
        {
          g_autofree gchar *what = g_strdup_printf ("unknown key '%s': allowed are num-vfs and name", l);
          return bad_line (error, path, n, what), NULL;
        }
    }
  if (cur && cur->num_vfs < 0)
    return bad_line (error, path, cur->line, "the adapter has no num-vfs= line"), NULL;
  return g_steal_pointer (&entries);
}

/* The configured counts in file order; empty when there is no file. */
GPtrArray *
vmnet_sriov_config_load (const gchar *root, GError **error)
{
  g_autofree gchar *path = vmnet_sriov_config_path (root);
  g_autofree gchar *text = NULL;
  g_autoptr(GError) local = NULL;

  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_sriov_config_entry_free);
      g_set_error (error, VMNET_ERROR,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_ACCES) ? VMNET_ERROR_ACCESS_DENIED
                                                                              : VMNET_ERROR_FAILED,
                   "cannot read %s: %s", path, local->message);
      return NULL;
    }
  return parse (path, text, error);
}

VmnetSriovConfigEntry *
vmnet_sriov_config_find (GPtrArray *entries, const gchar *address)
{
  for (guint i = 0; entries && i < entries->len; i++)
    {
      VmnetSriovConfigEntry *e = g_ptr_array_index (entries, i);
      if (g_str_equal (e->address, address))
        return e;
    }
  return NULL;
}

static gboolean
write_atomically (const gchar *path, const gchar *text, GError **error)
{
  g_autofree gchar *dir = g_path_get_dirname (path);
  g_autoptr(GError) local = NULL;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, VMNET_ERROR, saved == EACCES || saved == EPERM ? VMNET_ERROR_ACCESS_DENIED : VMNET_ERROR_FAILED,
                   "cannot create %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  /* A new file beside the old one, renamed over it: a reader or a crash sees
   * the old file or the new one, never a part. */
  if (!g_file_set_contents_full (path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0644, &local))
    {
      g_set_error (error, VMNET_ERROR,
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_ACCES) ||
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_PERM) ||
                   g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_ROFS) ? VMNET_ERROR_ACCESS_DENIED
                                                                             : VMNET_ERROR_FAILED,
                   "cannot write %s: %s", path, local->message);
      return FALSE;
    }
  return TRUE;
}

static gchar *
format_config (GPtrArray *entries)
{
  GString *s = g_string_new ("# NumVFs that the host applies at boot (vmnet-sriov.service), one group per\n"
                             "# SR-IOV physical adapter by PCI address; name= finds the adapter when its\n"
                             "# address changed. Written by 'vmnet set-netadaptersriov'; see vmnet(1).\n");

  for (guint i = 0; i < entries->len; i++)
    {
      VmnetSriovConfigEntry *e = g_ptr_array_index (entries, i);
      g_string_append_printf (s, "\n[%s]\n", e->address);
      if (e->name)
        g_string_append_printf (s, "name=%s\n", e->name);
      g_string_append_printf (s, "num-vfs=%d\n", e->num_vfs);
    }
  return g_string_free (s, FALSE);
}

/* Records @num_vfs for the adapter at @address (called @name); the other
 * adapters' entries stay. The file is replaced whole, atomically. */
gboolean
vmnet_sriov_config_store (const gchar *root, const gchar *address, const gchar *name, gint num_vfs,
                          GError **error)
{
  g_autoptr(GPtrArray) entries = vmnet_sriov_config_load (root, error);
  g_autofree gchar *path = vmnet_sriov_config_path (root);
  g_autofree gchar *text = NULL;
  VmnetSriovConfigEntry *e;

  if (!entries)
    return FALSE;
  e = vmnet_sriov_config_find (entries, address);
  if (!e)
    {
      e = g_new0 (VmnetSriovConfigEntry, 1);
      e->address = g_strdup (address);
      g_ptr_array_add (entries, e);
    }
  if (name && is_netdev_name (name))
    {
      g_free (e->name);
      e->name = g_strdup (name);
    }
  e->num_vfs = num_vfs;
  text = format_config (entries);
  return write_atomically (path, text, error);
}

/* The PCI address of the entry's adapter: its own when that device exists,
 * else the one its netdev name now has. */
static gchar *
resolve (const gchar *root, const VmnetSriovConfigEntry *e)
{
  g_autofree gchar *dev = g_build_filename (root, "sys/bus/pci/devices", e->address, NULL);
  g_autofree gchar *link = NULL;
  g_autofree gchar *target = NULL;

  if (g_file_test (dev, G_FILE_TEST_IS_DIR))
    return g_strdup (e->address);
  if (!e->name)
    return NULL;
  link = g_build_filename (root, "sys/class/net", e->name, "device", NULL);
  target = g_file_read_link (link, NULL);
  if (!target)
    return NULL;
  {
    g_autofree gchar *base = g_path_get_basename (target);
    return is_pci_address (base) ? g_steal_pointer (&base) : NULL;
  }
}

static VmnetSriovBootResult *
apply_one (const gchar *root, const VmnetSriovConfigEntry *e)
{
  VmnetSriovBootResult *r = g_new0 (VmnetSriovBootResult, 1);
  g_autofree gchar *address = resolve (root, e);
  g_autoptr(VmnetSysfsPciFact) f = NULL;
  g_autoptr(GError) error = NULL;
  const gchar *label = e->name ? e->name : e->address;

  r->configured = e->num_vfs;
  r->num_vfs = -1;
  r->name = g_strdup (e->name);
  r->address = g_strdup (address ? address : e->address);
  r->code = -1;
  if (!address)
    {
      r->status = g_strdup ("failed");
      r->code = VMNET_ERROR_NOT_FOUND;
      r->reason = g_strdup_printf ("adapter '%s' (%s) is not on this host: no PCI device at that address%s",
                                   label, e->address, e->name ? " and no network interface of that name" : "");
      return r;
    }
  f = vmnet_sysfs_read_pci (root, address);
  if (f && f->netdevs->len > 0)
    {
      g_free (r->name);
      r->name = g_strdup (g_ptr_array_index (f->netdevs, 0));
      label = r->name;
    }
  if (!f || f->total_vfs < 0 || f->num_vfs < 0)
    {
      r->status = g_strdup ("failed");
      r->code = VMNET_ERROR_NOT_SUPPORTED;
      r->reason = g_strdup_printf ("adapter '%s' (%s) has no SR-IOV (no sriov_totalvfs): its driver is not loaded or "
                                   "does not enable SR-IOV", label, address);
      return r;
    }
  r->num_vfs = f->num_vfs;
  if (e->num_vfs > f->total_vfs)
    {
      r->status = g_strdup ("failed");
      r->code = VMNET_ERROR_NO_RESOURCES;
      r->reason = g_strdup_printf ("adapter '%s': NumVFs %d is configured but the adapter offers only %d "
                                   "(sriov_totalvfs): the firmware or the driver gives fewer VFs than configured",
                                   label, e->num_vfs, f->total_vfs);
      return r;
    }
  if (f->num_vfs == e->num_vfs)
    {
      r->status = g_strdup ("unchanged");
      return r;
    }
  /* A VF bound to vfio-pci belongs to a VM: changing the count would pull it. */
  for (guint i = 0; i < f->vf_addresses->len; i++)
    {
      const gchar *vf = g_ptr_array_index (f->vf_addresses, i);
      g_autoptr(VmnetSysfsPciFact) v = vmnet_sysfs_read_pci (root, vf);
      if (v && g_strcmp0 (v->driver, "vfio-pci") == 0)
        {
          r->status = g_strdup ("failed");
          r->code = VMNET_ERROR_BUSY;
          r->reason = g_strdup_printf ("adapter '%s': VF %s is bound to vfio-pci (assigned to a VM), so NumVFs "
                                       "stays %d", label, vf, f->num_vfs);
          return r;
        }
    }
  if (!vmnet_sysfs_set_num_vfs (root, address, label, e->num_vfs, &error))
    {
      g_autoptr(VmnetSysfsPciFact) after = vmnet_sysfs_read_pci (root, address);
      r->status = g_strdup ("failed");
      r->code = error->code;
      r->reason = g_strdup (error->message);
      r->num_vfs = after ? after->num_vfs : -1;
      return r;
    }
  r->status = g_strdup ("applied");
  r->num_vfs = e->num_vfs;
  return r;
}

static const gchar *
code_nick (gint code)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (VMNET_TYPE_ERROR);
  GEnumValue *v = g_enum_get_value (klass, code);
  return v ? v->value_nick : "failed";
}

static gint
code_from_nick (const gchar *nick)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (VMNET_TYPE_ERROR);
  GEnumValue *v = g_enum_get_value_by_nick (klass, nick);
  return v ? v->value : VMNET_ERROR_FAILED;
}

static gboolean
store_results (const gchar *root, GPtrArray *results, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree gchar *path = vmnet_sriov_boot_path (root);
  g_autofree gchar *text = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree gchar *stamp = g_date_time_format_iso8601 (now);

  for (guint i = 0; i < results->len; i++)
    {
      const VmnetSriovBootResult *r = g_ptr_array_index (results, i);
      if (r->name)
        g_key_file_set_string (kf, r->address, KEY_NAME, r->name);
      g_key_file_set_string (kf, r->address, "status", r->status);
      g_key_file_set_integer (kf, r->address, "configured", r->configured);
      g_key_file_set_integer (kf, r->address, KEY_NUM_VFS, r->num_vfs);
      if (r->code >= 0)
        g_key_file_set_string (kf, r->address, "code", code_nick (r->code));
      if (r->reason)
        g_key_file_set_string (kf, r->address, "reason", r->reason);
      g_key_file_set_string (kf, r->address, "time", stamp);
    }
  text = g_key_file_to_data (kf, NULL, NULL);
  return write_atomically (path, text, error);
}

/* Applies every configured count and records each outcome; the results in
 * file order. FALSE only when the file cannot be read or the record not
 * written: a failed adapter is a result, not an error. */
GPtrArray *
vmnet_sriov_config_apply (const gchar *root, GError **error)
{
  g_autoptr(GPtrArray) entries = vmnet_sriov_config_load (root, error);
  g_autoptr(GPtrArray) results = NULL;

  if (!entries)
    return NULL;
  results = g_ptr_array_new_with_free_func ((GDestroyNotify) vmnet_sriov_boot_result_free);
  for (guint i = 0; i < entries->len; i++)
    {
      VmnetSriovBootResult *r = apply_one (root, g_ptr_array_index (entries, i));
      g_debug ("adapter '%s' (%s): NumVFs %d %s%s%s", r->name ? r->name : r->address, r->address, r->configured,
               r->status, r->reason ? ": " : "", r->reason ? r->reason : "");
      g_ptr_array_add (results, r);
    }
  if (!store_results (root, results, error))
    return NULL;
  return g_steal_pointer (&results);
}

/* The record of the last boot-time apply, by PCI address; NULL when there is none. */
GHashTable *
vmnet_sriov_boot_load (const gchar *root)
{
  g_autoptr(GKeyFile) kf = g_key_file_new ();
  g_autofree gchar *path = vmnet_sriov_boot_path (root);
  g_auto(GStrv) groups = NULL;
  GHashTable *table;

  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) vmnet_sriov_boot_result_free);
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i]; i++)
    {
      VmnetSriovBootResult *r = g_new0 (VmnetSriovBootResult, 1);
      g_autoptr(GError) e = NULL;
      g_autofree gchar *code = g_key_file_get_string (kf, groups[i], "code", NULL);

      r->address = g_strdup (groups[i]);
      r->name = g_key_file_get_string (kf, groups[i], KEY_NAME, NULL);
      r->status = g_key_file_get_string (kf, groups[i], "status", NULL);
      r->reason = g_key_file_get_string (kf, groups[i], "reason", NULL);
      r->configured = g_key_file_get_integer (kf, groups[i], "configured", &e);
      if (e)
        r->configured = -1;
      g_clear_error (&e);
      r->num_vfs = g_key_file_get_integer (kf, groups[i], KEY_NUM_VFS, &e);
      if (e)
        r->num_vfs = -1;
      r->code = code ? code_from_nick (code) : -1;
      if (!r->status)
        r->status = g_strdup ("unknown");
      g_hash_table_replace (table, r->address, r);
    }
  return table;
}
