/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VM state changes through libvirt: save, restore, start, migrate, checkpoint. */
#include "config.h"

#include <string.h>

#include "vmnet-error.h"
#include "vmnet-libvirt-private.h"
#include "vmnet-libvirt-xml-private.h"

/* Save, restore, start and migrate: the state changes around which VFs are
 * taken out and given back. */

gboolean
vmnet_libvirt_conn_save_vm (VmnetLibvirtConn *conn, const gchar *vm_uuid, const gchar *path, GError **error)
{
  virDomainPtr dom = vmnet_libvirt_conn_lookup_vm (conn, vm_uuid, error);
  gboolean ok;

  if (!dom)
    return FALSE;
  ok = (path ? virDomainSave (dom, path) : virDomainManagedSave (dom, 0)) == 0;
  if (!ok)
    vmnet_libvirt_set_error_for (error, "domain.hibernate", "this VM", "cannot save the VM%s%s", path ? " to " : "", path ? path : "");
  virDomainFree (dom);
  return ok;
}

/* The UUID of the VM a save file holds, then the VM restored from it. */
gchar *
vmnet_libvirt_conn_restore_vm (VmnetLibvirtConn *conn, const gchar *path, GError **error)
{
  virConnectPtr ptr = vmnet_libvirt_conn_get_ptr (conn);
  char *xml = virDomainSaveImageGetXMLDesc (ptr, path, 0);
  const gchar *start, *end;
  g_autofree gchar *uuid = NULL;

  if (!xml)
    {
      vmnet_libvirt_set_error_for (error, "domain.read", "the save file", "cannot read the save file %s", path);
      return NULL;
    }
  /* libvirt's own output: one <uuid> element at the top level. */
  start = strstr (xml, "<uuid>");
  end = start ? strstr (start, "</uuid>") : NULL;
  if (start && end)
    uuid = g_strndup (start + 6, end - start - 6);
  free (xml);
  if (!uuid)
    {
      g_set_error (error, VMNET_ERROR, VMNET_ERROR_INVALID_DATA, "the save file %s names no VM", path);
      return NULL;
    }
  if (virDomainRestore (ptr, path) < 0)
    {
      vmnet_libvirt_set_error_for (error, "domain.start", "the saved VM", "cannot restore the VM from %s", path);
      return NULL;
    }
  return g_steal_pointer (&uuid);
}

gboolean
vmnet_libvirt_conn_start_vm (VmnetLibvirtConn *conn, const gchar *vm_uuid, GError **error)
{
  virDomainPtr dom = vmnet_libvirt_conn_lookup_vm (conn, vm_uuid, error);
  gboolean ok;

  if (!dom)
    return FALSE;
  ok = virDomainCreate (dom) == 0;
  if (!ok)
    vmnet_libvirt_set_error_for (error, "domain.start", "this VM", "cannot start the VM");
  virDomainFree (dom);
  return ok;
}

/* Managed direct migration: this client drives both daemons. The VM stays
 * defined on the destination and leaves the source. */
gboolean
vmnet_libvirt_conn_migrate_vm (VmnetLibvirtConn *conn,
                               VmnetLibvirtConn *dest,
                               const gchar      *vm_uuid,
                               const gchar      *migrate_uri,
                               gboolean          live,
                               gboolean          offline,
                               GError          **error)
{
  virDomainPtr dom = vmnet_libvirt_conn_lookup_vm (conn, vm_uuid, error);
  virTypedParameterPtr params = NULL;
  int nparams = 0, maxparams = 0;
  unsigned int flags = VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE;
  virDomainPtr moved;

  if (!dom)
    return FALSE;
  if (offline)
    flags |= VIR_MIGRATE_OFFLINE;
  else if (live)
    flags |= VIR_MIGRATE_LIVE;
  if (migrate_uri)
    virTypedParamsAddString (&params, &nparams, &maxparams, VIR_MIGRATE_PARAM_URI, migrate_uri);
  moved = virDomainMigrate3 (dom, vmnet_libvirt_conn_get_ptr (dest), params, nparams, flags);
  if (!moved)
    vmnet_libvirt_set_error_for (error, "domain.migrate", "this VM", "migration to '%s' failed", vmnet_libvirt_conn_get_uri (dest));
  else
    virDomainFree (moved);
  virTypedParamsFree (params, nparams);
  virDomainFree (dom);
  return moved != NULL;
}

/* Asks libvirt to abort the VM's current job (a migration, a save): it fails
 * with the VM where it was. %FALSE when libvirt refused, e.g. while the job
 * has not begun yet. */
gboolean
vmnet_libvirt_conn_abort_job (VmnetLibvirtConn *conn, const gchar *vm_uuid)
{
  virDomainPtr dom = virDomainLookupByUUIDString (vmnet_libvirt_conn_get_ptr (conn), vm_uuid);
  gboolean ok = dom && virDomainAbortJob (dom) == 0;

  if (!ok)
    g_debug ("cannot abort the job of VM %s: %s", vm_uuid, virGetLastErrorMessage ());
  virResetLastError ();
  if (dom)
    virDomainFree (dom);
  return ok;
}

/* How far the VM's current job (a migration, a save) is: bytes processed and total. */
gboolean
vmnet_libvirt_conn_job_progress (VmnetLibvirtConn *conn, const gchar *vm_uuid, guint64 *processed, guint64 *total)
{
  virDomainPtr dom = virDomainLookupByUUIDString (vmnet_libvirt_conn_get_ptr (conn), vm_uuid);
  virDomainJobInfo info;
  gboolean ok;

  if (!dom)
    {
      virResetLastError ();
      return FALSE;
    }
  /* A job that failed or was cancelled counts nothing any more. */
  ok = virDomainGetJobInfo (dom, &info) == 0 &&
       (info.type == VIR_DOMAIN_JOB_BOUNDED || info.type == VIR_DOMAIN_JOB_UNBOUNDED ||
        info.type == VIR_DOMAIN_JOB_COMPLETED);
  if (ok)
    {
      *processed = info.dataProcessed;
      *total = info.dataTotal;
    }
  virResetLastError ();
  virDomainFree (dom);
  return ok;
}

/* The bytes of the VM's last completed save as libvirt counted them
 * (kept after the VM stopped). %FALSE when libvirt keeps none, or the last
 * completed job was not a save. */
gboolean
vmnet_libvirt_conn_saved_bytes (VmnetLibvirtConn *conn, const gchar *vm_uuid, guint64 *processed, guint64 *total)
{
  virDomainPtr dom = virDomainLookupByUUIDString (vmnet_libvirt_conn_get_ptr (conn), vm_uuid);
  virTypedParameterPtr params = NULL;
  int nparams = 0, type = VIR_DOMAIN_JOB_NONE, operation = 0;
  unsigned long long done = 0, all = 0;
  gboolean ok;

  if (!dom)
    {
      virResetLastError ();
      return FALSE;
    }
  ok = virDomainGetJobStats (dom, &type, &params, &nparams, VIR_DOMAIN_JOB_STATS_COMPLETED) == 0 &&
       type == VIR_DOMAIN_JOB_COMPLETED &&
       virTypedParamsGetInt (params, nparams, VIR_DOMAIN_JOB_OPERATION, &operation) == 1 &&
       operation == VIR_DOMAIN_JOB_OPERATION_SAVE &&
       virTypedParamsGetULLong (params, nparams, VIR_DOMAIN_JOB_DATA_PROCESSED, &done) == 1 &&
       virTypedParamsGetULLong (params, nparams, VIR_DOMAIN_JOB_DATA_TOTAL, &all) == 1;
  if (ok)
    {
      *processed = done;
      *total = all;
    }
  virTypedParamsFree (params, nparams);
  virResetLastError ();
  virDomainFree (dom);
  return ok;
}

/* A checkpoint with the VM's memory: libvirt's internal snapshot, or, with
 * @memory_file, an external memory snapshot (the VM keeps running). */
gboolean
vmnet_libvirt_conn_checkpoint_vm (VmnetLibvirtConn *conn,
                                  const gchar      *vm_uuid,
                                  const gchar      *name,
                                  const gchar      *memory_file,
                                  GError          **error)
{
  virDomainPtr dom = vmnet_libvirt_conn_lookup_vm (conn, vm_uuid, error);
  g_autoptr(xmlDoc) doc = NULL;
  xmlNode *root;
  g_autofree gchar *xml = NULL;
  virDomainSnapshotPtr snap;

  if (!dom)
    return FALSE;
  doc = xmlNewDoc ((const xmlChar *) "1.0");
  root = xmlNewDocNode (doc, NULL, (const xmlChar *) "domainsnapshot", NULL);
  xmlDocSetRootElement (doc, root);
  xmlNewTextChild (root, NULL, (const xmlChar *) "name", (const xmlChar *) name);
  if (memory_file)
    {
      xmlNode *memory = xmlNewChild (root, NULL, (const xmlChar *) "memory", NULL);
      xmlSetProp (memory, (const xmlChar *) "snapshot", (const xmlChar *) "external");
      xmlSetProp (memory, (const xmlChar *) "file", (const xmlChar *) memory_file);
    }
  xml = vmnet_libvirt_xml_element_string (doc, TRUE);
  snap = virDomainSnapshotCreateXML (dom, xml, 0);
  if (!snap)
    vmnet_libvirt_set_error_for (error, "domain.snapshot", "this VM", "cannot create checkpoint '%s'", name);
  else
    virDomainSnapshotFree (snap);
  virDomainFree (dom);
  return snap != NULL;
}
