/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network XML of a switch and of its VF pool; no connection involved. */
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "vmnet-libvirt-private.h"
#include "vmnet-test-util.h"

static gchar *
xpath_string (const gchar *xml, const gchar *expr)
{
  xmlDoc *doc = xmlReadMemory (xml, strlen (xml), "n.xml", NULL, 0);
  xmlXPathContext *ctx = xmlXPathNewContext (doc);
  xmlXPathObject *obj = xmlXPathEvalExpression ((const xmlChar *) expr, ctx);
  xmlChar *str = xmlXPathCastToString (obj);
  gchar *ret = g_strdup ((const gchar *) str);

  xmlFree (str);

  xmlXPathFreeObject (obj);
  xmlXPathFreeContext (ctx);
  xmlFreeDoc (doc);
  return ret;
}

/* The network XML, checked structurally. */
static void
test_network_xml (void)
{
  g_autofree gchar *pool = vmnet_libvirt_pool_xml ("a&b-iov", "enp1s0");
  g_autofree gchar *macvtap = vmnet_libvirt_switch_xml ("a<b>", "enp1s0", NULL);
  g_autofree gchar *bridged = vmnet_libvirt_switch_xml ("c", NULL, "br0");
  g_autofree gchar *v = NULL;

#define XP(xml, expr, expected) G_STMT_START { g_free (v); v = xpath_string (xml, expr); g_assert_cmpstr (v, ==, expected); } G_STMT_END
  XP (pool, "string(/network/name)", "a&b-iov");
  XP (pool, "string(/network/forward/@mode)", "hostdev");
  XP (pool, "string(/network/forward/@managed)", "yes");
  XP (pool, "string(/network/forward/pf/@dev)", "enp1s0");
  XP (macvtap, "string(/network/name)", "a<b>");
  XP (macvtap, "string(/network/forward/@mode)", "bridge");
  XP (macvtap, "string(/network/forward/interface/@dev)", "enp1s0");
  XP (macvtap, "count(/network/bridge)", "0");
  XP (bridged, "string(/network/bridge/@name)", "br0");
  XP (bridged, "count(/network/forward/interface)", "0");
#undef XP
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/vmnet/libvirt-network/switch-and-pool", test_network_xml);
  return g_test_run ();
}
