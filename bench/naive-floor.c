/* naive-floor.c — method (a) of bench/run-bench.sh: the naive C floor for reading
 * every VM network adapter of a libvirt host.
 *
 *   naive-floor URI
 *
 * virConnectListAllDomains, then for each domain, one at a time: virDomainGetXMLDesc
 * and a libxml2 DOM parse with XPath.  Prints one line per <interface>:
 *
 *   DOMAIN <TAB> MAC <TAB> NETWORK <TAB> IOV-WEIGHT
 *
 * IOV-WEIGHT comes from the libvmnet metadata element
 *   <metadata><vmnet:adapters xmlns:vmnet="http://libvmnet.org/xmlns/vmnet/1.0">
 *     <vmnet:adapter mac=".." iov-weight=".."/>...
 * ("-" when absent), NETWORK from <source network=..> ("-" when absent).
 *
 * Build: cc -O2 -o naive-floor naive-floor.c $(pkg-config --cflags --libs libvirt libxml-2.0)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#define VMNET_NS "http://libvmnet.org/xmlns/vmnet/1.0"

static void
quiet_error (void *opaque, virErrorPtr err)
{
  (void) opaque;
  (void) err;
}

/* The string value of XPath EXPR evaluated at NODE, or NULL if empty. Caller frees. */
static char *
xpath_string (xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr)
{
  xmlXPathObjectPtr obj;
  char *ret = NULL;

  ctx->node = node;
  obj = xmlXPathEvalExpression ((const xmlChar *) expr, ctx);
  if (obj && obj->type == XPATH_STRING && obj->stringval && obj->stringval[0])
    ret = strdup ((const char *) obj->stringval);
  xmlXPathFreeObject (obj);
  return ret;
}

static int
handle_domain (virDomainPtr dom, FILE *out)
{
  char *xml = virDomainGetXMLDesc (dom, 0);
  xmlDocPtr doc;
  xmlXPathContextPtr ctx;
  xmlXPathObjectPtr ifaces;
  char *name;

  if (!xml)
    {
      /* The domain may have gone away between the list and the fetch. */
      return 0;
    }
  doc = xmlReadMemory (xml, strlen (xml), "domain.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
  free (xml);
  if (!doc)
    return -1;

  ctx = xmlXPathNewContext (doc);
  xmlXPathRegisterNs (ctx, (const xmlChar *) "vmnet", (const xmlChar *) VMNET_NS);
  name = xpath_string (ctx, xmlDocGetRootElement (doc), "string(/domain/name)");

  ctx->node = xmlDocGetRootElement (doc);
  ifaces = xmlXPathEvalExpression ((const xmlChar *) "/domain/devices/interface", ctx);
  if (ifaces && ifaces->nodesetval)
    {
      for (int i = 0; i < ifaces->nodesetval->nodeNr; i++)
        {
          xmlNodePtr iface = ifaces->nodesetval->nodeTab[i];
          char *mac = xpath_string (ctx, iface, "string(mac/@address)");
          char *net = xpath_string (ctx, iface, "string(source/@network)");
          char *weight = NULL;

          if (mac)
            {
              char expr[256];
              snprintf (expr, sizeof expr,
                        "string(/domain/metadata/vmnet:adapters/vmnet:adapter[@mac='%s']/@iov-weight)",
                        mac);
              weight = xpath_string (ctx, iface, expr);
            }
          fprintf (out, "%s\t%s\t%s\t%s\n", name ? name : "-", mac ? mac : "-",
                   net ? net : "-", weight ? weight : "-");
          free (mac);
          free (net);
          free (weight);
        }
    }
  xmlXPathFreeObject (ifaces);
  free (name);
  xmlXPathFreeContext (ctx);
  xmlFreeDoc (doc);
  return 0;
}

int
main (int argc, char **argv)
{
  virConnectPtr conn;
  virDomainPtr *doms = NULL;
  int n, rc = 0;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s URI\n", argv[0]);
      return 2;
    }
  xmlInitParser ();
  virSetErrorFunc (NULL, quiet_error);

  conn = virConnectOpen (argv[1]);
  if (!conn)
    {
      virErrorPtr e = virGetLastError ();
      fprintf (stderr, "naive-floor: cannot connect to %s: %s\n", argv[1], e ? e->message : "?");
      return 1;
    }

  n = virConnectListAllDomains (conn, &doms, 0);
  if (n < 0)
    {
      virErrorPtr e = virGetLastError ();
      fprintf (stderr, "naive-floor: list domains: %s\n", e ? e->message : "?");
      virConnectClose (conn);
      return 1;
    }

  for (int i = 0; i < n; i++)
    {
      if (handle_domain (doms[i], stdout) < 0)
        {
          fprintf (stderr, "naive-floor: cannot parse the XML of %s\n", virDomainGetName (doms[i]));
          rc = 1;
        }
      virDomainFree (doms[i]);
    }
  free (doms);
  virConnectClose (conn);
  xmlCleanupParser ();
  return rc;
}
