/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Names libvmnet gives to what it keeps in libvirt, and the rule for names and
 * texts people give it, shared by the layers. */

#include <glib.h>

/* The libvmnet metadata namespace in domain XML. */
#define VMNET_METADATA_NS     "http://libvmnet.org/xmlns/vmnet/1.0"
#define VMNET_METADATA_PREFIX "vmnet"
/* A VF-pool network that belongs to switch NAME is called NAME VMNET_IOV_POOL_SUFFIX. */
#define VMNET_IOV_POOL_SUFFIX "-iov"

/* In valid UTF-8 @text, the first character that is a control character or a
 * line or paragraph separator (a name or text is shown in tables, logs and
 * files a line at a time), or 0 when there is none. */
static inline gunichar
vmnet_text_first_unprintable (const gchar *text)
{
  for (const gchar *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (type == G_UNICODE_CONTROL || type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR)
        return c;
    }
  return 0;
}
