#!/bin/bash
# virsh-loop.sh URI [LIMIT] — method (d) of bench/run-bench.sh: what an admin's shell
# script does: per domain one `virsh domiflist` and one `virsh metadata` process.
# With LIMIT, only the first LIMIT domains (of `virsh list --all --name`) are read, so a
# caller can time a subset and extrapolate linearly.
# Same output as naive-floor.c: DOMAIN <TAB> MAC <TAB> NETWORK <TAB> IOV-WEIGHT per interface.
set -o pipefail
URI=${1:?usage: virsh-loop.sh URI [LIMIT]}
LIMIT=${2:-0}
VIRSH=${VIRSH:-virsh}
NS=http://libvmnet.org/xmlns/vmnet/1.0

names=$("$VIRSH" -q -c "$URI" list --all --name | sed '/^$/d') || exit 1
[ "$LIMIT" -gt 0 ] && names=$(head -n "$LIMIT" <<<"$names")

# Only the two virsh processes per domain are spawned; parsing uses bash builtins.
re_adapter='mac="([^"]+)"[^>]*iov-weight="([^"]*)"'
for dom in $names; do
    declare -A w=()
    meta=$("$VIRSH" -q -c "$URI" metadata "$dom" "$NS" 2>/dev/null)
    while IFS= read -r line; do
        [[ $line =~ $re_adapter ]] && w[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
    done <<<"$meta"
    ifl=$("$VIRSH" -q -c "$URI" domiflist "$dom") || continue
    # domiflist columns: Interface Type Source Model MAC
    while read -r _ _ src _ mac; do
        [ -n "$mac" ] || continue
        printf '%s\t%s\t%s\t%s\n' "$dom" "$mac" "${src:--}" "${w[$mac]:--}"
    done <<<"$ifl"
    unset w
done
