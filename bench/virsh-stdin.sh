#!/bin/bash
# virsh-stdin.sh URI — method (c) of bench/run-bench.sh: ONE virsh process fed all
# commands on stdin (`dumpxml NAME` per domain), its output parsed by one awk stream.
# Same output as naive-floor.c: DOMAIN <TAB> MAC <TAB> NETWORK <TAB> IOV-WEIGHT per interface.
# (Two virsh processes in all: one to list the names, one for every dumpxml.)
set -eo pipefail
URI=${1:?usage: virsh-stdin.sh URI}
VIRSH=${VIRSH:-virsh}

"$VIRSH" -q -c "$URI" list --all --name | sed '/^$/d; s/^/dumpxml /' \
  | "$VIRSH" -q -c "$URI" \
  | awk '
function attr(line, a,    re, v) {
    re = a "=[\"\x27][^\"\x27]*[\"\x27]"
    if (match(line, re)) { v = substr(line, RSTART + length(a) + 2, RLENGTH - length(a) - 3); return v }
    return ""
}
/^<domain[ >]/            { name = ""; delete w; depth_iface = 0; next }
/^  <name>/               { s = $0; sub(/^ *<name>/, "", s); sub(/<\/name>.*/, "", s); name = s; next }
/<vmnet:adapter[ \/]/     { w[attr($0, "mac")] = attr($0, "iov-weight"); next }
/^    <interface[ >]/     { iface = 1; mac = ""; net = ""; next }
iface && /<mac address=/  { mac = attr($0, "address"); next }
iface && /<source /       { v = attr($0, "network"); if (v != "") net = v; next }
iface && /^    <\/interface>/ {
    iface = 0
    printf "%s\t%s\t%s\t%s\n", (name == "" ? "-" : name), (mac == "" ? "-" : mac),
           (net == "" ? "-" : net), ((mac in w) && w[mac] != "" ? w[mac] : "-")
}
'
