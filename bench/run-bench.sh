#!/bin/bash
# run-bench.sh — what does it cost to read every VM network adapter of a libvirt host?
#
#   bench/run-bench.sh [--domains N]... [--runs R] [--shell-subset K|all] [--shell-runs R]
#                      [--statedir DIR] [--keep]
#
# Starts a private libvirtd (tests/daemon/libvirtd-env.sh), defines N inactive q35 TCG
# domains with 2 virtio interfaces and libvmnet metadata each (bench/populate.py), then
# times, round-robin, each method producing (domain, MAC, network, iov-weight) for every
# interface, and prints medians and ratios against (a) measured in the same run:
#   (a) naive C floor   bench/naive-floor.c: ListAllDomains, GetXMLDesc + libxml2 DOM/XPath per domain
#   (b) python          bench/baseline.py: python3-libvirt + ElementTree
#   (c) virsh stdin     bench/virsh-stdin.sh: one virsh process fed `dumpxml` per domain on stdin
#   (d) virsh loop      bench/virsh-loop.sh: `virsh domiflist` + `virsh metadata` per domain;
#                       by default timed on the first K=200 domains and extrapolated
#                       linearly to N (said so in the table); --shell-subset all for all of them
#   (e) vmnet CLI       the project's CLI, only when VMNET_BIN points to an executable:
#                       $VMNET_BIN --connect URI get-vmnetworkadapter --all --output json
#
# --domains may be given several times (e.g. --domains 100 --domains 1000 --domains 10000):
# sizes are run in ascending order on the same daemon, populating incrementally.
# Defaults: --domains 1000, --runs 5, --shell-runs 3.  The daemon's state goes to a fresh
# directory on /dev/shm when possible (a define costs ~6 ms on ext4 here, fsync), else /tmp.
# Exit: 0 ok, 1 failure (including outputs that differ from (a)), 77 cannot run here.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
ENV=$top/tests/daemon/libvirtd-env.sh
PY=/usr/bin/python3
VIRSH=${VIRSH:-virsh}
export VIRSH

sizes=()
runs=5
shell_runs=3
shell_subset=200
statedir=""
keep=0
while [ $# -gt 0 ]; do
    case $1 in
        --domains) sizes+=("$2"); shift 2 ;;
        --domains=*) sizes+=("${1#*=}"); shift ;;
        --runs) runs=$2; shift 2 ;;
        --shell-runs) shell_runs=$2; shift 2 ;;
        --shell-subset) shell_subset=$2; shift 2 ;;
        --statedir) statedir=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run-bench: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1000)
mapfile -t sizes < <(printf '%s\n' "${sizes[@]}" | sort -n -u)
for n in "${sizes[@]}"; do
    [[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || { echo "run-bench: bad --domains '$n'" >&2; exit 2; }
done

command -v cc >/dev/null && command -v pkg-config >/dev/null \
    || { echo "run-bench: SKIP: cc/pkg-config missing" >&2; exit 77; }
pkg-config --exists libvirt libxml-2.0 \
    || { echo "run-bench: SKIP: libvirt-dev / libxml2-dev missing" >&2; exit 77; }
"$PY" -c 'import libvirt' 2>/dev/null \
    || { echo "run-bench: SKIP: python3-libvirt missing for $PY" >&2; exit 77; }

tmp=$(mktemp -d /tmp/libvmnet-bench.XXXXXX)
if [ -z "$statedir" ]; then
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then statedir=$(mktemp -d /dev/shm/libvmnet-bench-state.XXXXXX)
    else statedir=$tmp/state; fi
    own_state=1
else
    own_state=0
fi
cleanup() {
    if [ "$keep" = 1 ]; then
        echo "run-bench: daemon kept running: $(cat "$statedir/uri" 2>/dev/null); stop: $ENV stop $statedir" >&2
    else
        "$ENV" stop "$statedir" >/dev/null 2>&1
        [ "$own_state" = 1 ] && rm -rf "$statedir"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# Build (a).
if ! cc -O2 -Wall -o "$tmp/naive-floor" "$here/naive-floor.c" \
        $(pkg-config --cflags --libs libvirt libxml-2.0) 2>"$tmp/cc.err"; then
    cat "$tmp/cc.err" >&2; echo "run-bench: building naive-floor.c failed" >&2; exit 1
fi

URI=$("$ENV" start "$statedir" 2>"$tmp/env.err")
rc=$?
if [ $rc -ne 0 ]; then
    cat "$tmp/env.err" >&2
    [ $rc -eq 77 ] && { echo "run-bench: SKIP: no private libvirtd here" >&2; exit 77; }
    exit 1
fi

vmnet_ok=0
if [ -n "${VMNET_BIN:-}" ] && [ -x "$VMNET_BIN" ]; then vmnet_ok=1; fi

now_ns() { date +%s%N; }
# time_cmd OUTFILE CMD... -> prints elapsed seconds; fails if CMD fails
time_cmd() {
    local out=$1; shift
    local t0 t1
    t0=$(now_ns)
    "$@" >"$out" 2>"$tmp/method.err" || { cat "$tmp/method.err" >&2; return 1; }
    t1=$(now_ns)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

method_a() { "$tmp/naive-floor" "$URI"; }
method_b() { "$PY" "$here/baseline.py" "$URI"; }
method_c() { "$here/virsh-stdin.sh" "$URI"; }
method_d() { "$here/virsh-loop.sh" "$URI" "$shell_k"; }
# ---- HOOK: the project's own CLI (row (e)) ---------------------------------------------
method_e() { "$VMNET_BIN" --connect "$URI" get-vmnetworkadapter --all --output json; }
# -----------------------------------------------------------------------------------------

status=0
echo "run-bench: libvirt $(virsh -v 2>/dev/null), QEMU $(/usr/bin/qemu-system-x86_64 --version 2>/dev/null | sed -n '1s/.*version \([^ ]*\).*/\1/p'), $(nproc) cores; daemon state in $statedir"
echo "run-bench: URI $URI"
for n in "${sizes[@]}"; do
    "$PY" "$here/populate.py" "$URI" "$n" --prune || { echo "run-bench: populate failed" >&2; exit 1; }
    if [ "$shell_subset" = all ] || [ "$shell_subset" -ge "$n" ]; then shell_k=0; shell_n=$n
    else shell_k=$shell_subset; shell_n=$shell_subset; fi

    # Warm-up run of each method, and check that all agree with (a).
    method_a >"$tmp/a.out" || { echo "run-bench: (a) failed" >&2; exit 1; }
    sort "$tmp/a.out" >"$tmp/a.sorted"
    lines=$(wc -l <"$tmp/a.out")
    if [ "$lines" -ne $((2 * n)) ]; then
        echo "run-bench: (a) printed $lines lines for $n domains, expected $((2 * n))" >&2; status=1
    fi
    for m in b c; do
        method_$m >"$tmp/$m.out" || { echo "run-bench: ($m) failed" >&2; exit 1; }
        if ! cmp -s "$tmp/a.sorted" <(sort "$tmp/$m.out"); then
            echo "run-bench: ($m) output differs from (a):" >&2
            diff <(sort "$tmp/$m.out") "$tmp/a.sorted" | head -5 >&2; status=1
        fi
    done
    method_d >"$tmp/d.out" || { echo "run-bench: (d) failed" >&2; exit 1; }
    if [ "$(wc -l <"$tmp/d.out")" -ne $((2 * shell_n)) ] \
       || [ -n "$(comm -23 <(sort "$tmp/d.out") "$tmp/a.sorted")" ]; then
        echo "run-bench: (d) output differs from (a)" >&2; status=1
    fi
    if [ "$vmnet_ok" = 1 ]; then
        method_e >"$tmp/e.out" || { echo "run-bench: (e) $VMNET_BIN failed" >&2; status=1; vmnet_ok=0; }
        if [ "$vmnet_ok" = 1 ]; then
            cnt=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/e.out" 2>/dev/null || echo "?")
            [ "$cnt" = $((2 * n)) ] || echo "run-bench: note: (e) returned $cnt adapters, expected $((2 * n))" >&2
        fi
    fi

    load=$(cut -d' ' -f1-3 /proc/loadavg)
    : >"$tmp/times"
    methods="a b c e"
    for r in $(seq 1 "$runs"); do
        for m in $methods; do
            [ "$m" = e ] && [ "$vmnet_ok" != 1 ] && continue
            t=$(time_cmd "$tmp/run.out" method_$m) || { echo "run-bench: ($m) failed" >&2; exit 1; }
            echo "$m $t" >>"$tmp/times"
        done
        if [ "$r" -le "$shell_runs" ]; then
            t=$(time_cmd "$tmp/run.out" method_d) || { echo "run-bench: (d) failed" >&2; exit 1; }
            echo "d $t" >>"$tmp/times"
        fi
    done
    med() { awk -v m="$1" '$1 == m { print $2 }' "$tmp/times" | median; }
    ta=$(med a); tb=$(med b); tc=$(med c); td_sub=$(med d)
    td=$(awk -v t="$td_sub" -v n="$n" -v k="$shell_n" 'BEGIN { printf "%.4f\n", t * n / k }')
    te=""; [ "$vmnet_ok" = 1 ] && te=$(med e)

    row() { # label time
        awk -v l="$1" -v t="$2" -v a="$ta" -v n="$n" 'BEGIN {
            printf "| %-84s | %9.3f s | %9.0f us | %7.2f |\n", l, t, t / n * 1e6, t / a }'
    }
    echo
    echo "### $n inactive domains, $((2 * n)) interfaces, median of $runs runs ((d): $shell_runs), load before: $load"
    printf '| %-84s | %11s | %12s | %7s |\n' "method" "time" "per domain" "x (a)"
    printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..86})" "-------------" "--------------" "---------"
    row "(a) naive C floor: ListAllDomains, GetXMLDesc + libxml2 DOM/XPath, sequential" "$ta"
    row "(b) python3-libvirt + ElementTree" "$tb"
    row "(c) one virsh process, dumpxml per domain on stdin (+ awk)" "$tc"
    if [ "$shell_n" -lt "$n" ]; then
        row "(d) shell loop: virsh domiflist + metadata per domain [EXTRAPOLATED $shell_n->$n]" "$td"
    else
        row "(d) shell loop: virsh domiflist + metadata per domain" "$td"
    fi
    if [ "$vmnet_ok" = 1 ]; then
        row "(e) vmnet get-vmnetworkadapter --all --output json (VMNET_BIN)" "$te"
    else
        printf '| %-84s | %11s | %12s | %7s |\n' "(e) vmnet CLI: SKIPPED - set VMNET_BIN=/path/to/vmnet to include it" "-" "-" "-"
    fi
    if [ "$shell_n" -lt "$n" ]; then
        echo "(d) was timed on the first $shell_n of $n domains (median $td_sub s) and scaled linearly by $n/$shell_n."
    fi
done
exit $status
