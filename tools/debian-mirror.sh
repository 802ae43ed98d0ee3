#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Prints the Debian mirror apt on this machine already uses for its own release (from
# /etc/apt/sources.list{,.d}, one-line or deb822 format), for debootstrap: the lab image and
# the install test fetch from where apt does, and from nowhere else.
set -u
host_mirror() {
    local codename
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    # one-line format: deb [opts] URI SUITE COMPONENTS...
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk -v c="$codename" \
            '$1=="deb" && $3==c {print $2; exit}'
    done
    # deb822 format: a stanza whose Suites: holds exactly the host codename
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        awk -v c="$codename" '
            BEGIN { RS=""; FS="\n" }
            { uris=""; ok=0; deb=0
              for (i=1;i<=NF;i++) {
                if ($i ~ /^[ \t]*#/) continue
                if ($i ~ /^URIs:/)  { sub(/^URIs:[ \t]*/, "", $i); split($i, u, /[ \t]+/); uris=u[1] }
                if ($i ~ /^Types:/ && $i ~ /(^|[ \t:])deb([ \t]|$)/) deb=1
                if ($i ~ /^Suites:/) { n=split($i, s, /[ \t]+/); for (j=2;j<=n;j++) if (s[j]==c) ok=1 }
              }
              if (ok && deb && uris!="") { print uris; exit } }' "$f"
    done
}
host_mirror | head -n1
