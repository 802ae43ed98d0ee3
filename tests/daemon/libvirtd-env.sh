#!/bin/bash
# libvirtd-env.sh — a private, isolated libvirtd for tests and CI.
#
#   libvirtd-env.sh start   STATEDIR [--host-uuid UUID]   -> prints the client URI on stdout
#   libvirtd-env.sh stop    STATEDIR
#   libvirtd-env.sh restart STATEDIR                       -> prints the client URI on stdout
#   libvirtd-env.sh uri     STATEDIR                       -> prints the client URI
#   libvirtd-env.sh status  STATEDIR                       -> exit 0 if the daemon answers
#
# Debian 12 ships only the monolithic libvirtd and there is no systemd here, so the daemon
# runs by hand.  A "namespace holder" process (sleep) is started inside `unshare -m -n`
# (private mount + network namespace) with the private directories
#     STATEDIR/run   -> /run/libvirt        (sockets, live status XML)
#     STATEDIR/lib   -> /var/lib/libvirt    (QEMU monitor sockets, domain private state)
#     STATEDIR/cache -> /var/cache/libvirt  (QEMU capabilities cache)
#     STATEDIR/log   -> /var/log/libvirt    (daemon and per-domain logs)
#     STATEDIR/etc   -> /etc/libvirt        (libvirtd.conf, qemu.conf, persistent domains/networks)
# bind-mounted over the system paths and `lo` up.  libvirtd is then started inside that
# namespace with nsenter.  `restart` replaces only libvirtd and keeps the namespace, so
# running domains (QEMU processes, taps, bridges) survive a daemon restart just as they do
# on a real host; persistent domains and networks live in STATEDIR/etc and survive
# stop/start too.
#
# Files kept in STATEDIR: holder.pid, libvirtd.pid, host_uuid, uri.
# Client URI: qemu+unix:///system?socket=STATEDIR/run/libvirt-sock
#
# Environment:
#   LIBVIRTD_ENV_HOST_UUID   host_uuid for libvirtd.conf (--host-uuid wins over it; else the one
#                            kept in STATEDIR/host_uuid, else a fresh random one).  Two daemons
#                            that are to migrate between each other need distinct ones.
#   LIBVIRTD_ENV_TIMEOUT     seconds to wait for the socket to answer (default 60).
#   LIBVIRTD_ENV_AUTH_UNIX_RO  auth_unix_ro of the read-only socket (default "none"; "sasl" with
#                            SASL_CONF_PATH pointing at a libvirt.conf for Cyrus SASL).
#   LIBVIRTD_ENV_KEEP_KVM=1  do not hide /dev/kvm inside the namespace.  By default it is
#                            hidden (read-only empty file bound over it): /dev/kvm here is
#                            kvm_pvm, on which guests die, so domains must be type='qemu' (TCG).
#   LIBVIRTD_ENV_HOST_NET=1  keep the host's network namespace (only the mount namespace is
#                            private): needed where the daemon manages real SR-IOV PFs (VF
#                            MAC/VLAN are set by netlink on the PF) or shares a host bridge.
#                            Two such daemons must not manage the same PF or bridge name.
#   LIBVIRTD / VIRSH         the binaries to use (default: from PATH).
#
# Needs: root, util-linux (unshare, nsenter), iproute2, iptables (libvirt 9.0 sets firewall
# rules for every virtual network, isolated ones too), libvirt-daemon,
# libvirt-daemon-driver-qemu, libvirt-clients, qemu-system-x86.
# The daemon's log: STATEDIR/log/libvirtd.log; QEMU's: STATEDIR/log/qemu/DOMAIN.log.
#
# Exit codes: 0 ok, 1 failure, 2 usage, 77 cannot run here (not root, no unshare, ...).
set -u

prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }
skip() { echo "$prog: SKIP: $*" >&2; exit 77; }
usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 2 ] || usage
cmd=$1; shift
statedir_arg=$1; shift
host_uuid_opt=""
while [ $# -gt 0 ]; do
    case $1 in
        --host-uuid) [ $# -ge 2 ] || usage; host_uuid_opt=$2; shift 2 ;;
        --host-uuid=*) host_uuid_opt=${1#*=}; shift ;;
        *) usage ;;
    esac
done

LIBVIRTD=$(command -v "${LIBVIRTD:-libvirtd}" || echo /usr/sbin/libvirtd)
VIRSH=$(command -v "${VIRSH:-virsh}" || echo /usr/bin/virsh)
TIMEOUT=${LIBVIRTD_ENV_TIMEOUT:-60}

check_env() {
    [ "$(id -u)" = 0 ] || skip "must run as root (private mount/network namespaces and bind mounts)"
    command -v unshare >/dev/null 2>&1 || skip "unshare(1) not found (util-linux)"
    command -v nsenter >/dev/null 2>&1 || skip "nsenter(1) not found (util-linux)"
    unshare -m -n true 2>/dev/null || skip "unshare -m -n does not work here (no namespace support / not permitted)"
    [ -x "$LIBVIRTD" ] || skip "libvirtd not found (apt-get install libvirt-daemon libvirt-daemon-driver-qemu)"
    [ -x "$VIRSH" ] || skip "virsh not found (apt-get install libvirt-clients)"
    command -v ip >/dev/null 2>&1 || skip "ip(8) not found (iproute2)"
    # libvirt 9.0's network driver sets up firewall rules with iptables for every
    # virtual network, even an isolated one; without it no network starts.
    [ -x /usr/sbin/iptables ] || command -v iptables >/dev/null 2>&1 \
        || skip "iptables not found: libvirt 9.0 needs it to start any virtual network (apt-get install iptables)"
}

SD=$(realpath -m "$statedir_arg") || die "cannot resolve $statedir_arg"
SOCK=$SD/run/libvirt-sock
URI="qemu+unix:///system?socket=$SOCK"

# Alive and not a zombie: QEMU is daemonized by libvirtd, so it is reparented to PID 1,
# which may take a while to reap it.
pid_alive() {
    [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
    local st; st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
read_pid() { [ -s "$1" ] && cat "$1" 2>/dev/null || true; }

# The holder must really be ours: its cmdline carries the state dir.
holder_pid() {
    local p; p=$(read_pid "$SD/holder.pid")
    if pid_alive "$p" && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "libvirtd-env-holder $SD"; then
        echo "$p"
    fi
}
daemon_pid() {
    local p; p=$(read_pid "$SD/libvirtd.pid")
    if pid_alive "$p" && [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$(readlink -f "$LIBVIRTD")" ]; then
        echo "$p"
    fi
}

answers() { timeout 10 "$VIRSH" -q -c "$URI" uri >/dev/null 2>&1; }

gen_uuid() {
    if [ -r /proc/sys/kernel/random/uuid ]; then cat /proc/sys/kernel/random/uuid
    else /usr/bin/python3 -c 'import uuid; print(uuid.uuid4())'; fi
}

write_config() {
    # what the libvirt-daemon-system package would create under the system paths
    mkdir -p "$SD"/run "$SD"/cache/qemu "$SD"/log/qemu \
             "$SD"/lib/qemu/channel/target "$SD"/lib/qemu/nvram "$SD"/lib/qemu/dump \
             "$SD"/lib/qemu/save "$SD"/lib/qemu/snapshot "$SD"/lib/images "$SD"/lib/boot \
             "$SD"/lib/dnsmasq "$SD"/lib/network \
             "$SD"/etc/qemu/autostart "$SD"/etc/qemu/networks/autostart \
        || die "cannot create directories in $SD"
    local uuid=${LIBVIRTD_ENV_HOST_UUID:-}
    [ -n "$host_uuid_opt" ] && uuid=$host_uuid_opt
    [ -z "$uuid" ] && uuid=$(cat "$SD/host_uuid" 2>/dev/null || true)
    [ -z "$uuid" ] && uuid=$(gen_uuid)
    echo "$uuid" | grep -Eqi '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' \
        || die "bad host uuid '$uuid'"
    echo "$uuid" >"$SD/host_uuid"
    echo "$URI" >"$SD/uri"

    cat >"$SD/etc/libvirtd.conf" <<EOF
# written by $prog — private test daemon in $SD
listen_tls = 0
listen_tcp = 0
unix_sock_group = "root"
unix_sock_ro_perms = "0777"
unix_sock_rw_perms = "0770"
unix_sock_admin_perms = "0700"
unix_sock_dir = "/run/libvirt"
auth_unix_ro = "${LIBVIRTD_ENV_AUTH_UNIX_RO:-none}"
auth_unix_rw = "none"
host_uuid = "$uuid"
host_uuid_source = "smbios"
log_level = 3
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
max_clients = 5000
max_queued_clients = 1000
max_workers = 20
max_client_requests = 50
admin_max_clients = 5
EOF
    cat >"$SD/etc/qemu.conf" <<'EOF'
# QEMU runs as root: the kvm group id does not match /dev/kvm's, and as the
# libvirt-qemu user /dev/kvm would be unusable, which makes libvirt throw away its
# QEMU capabilities cache and re-probe QEMU on every call (seconds; ~60 s per define).
user = "+0"
group = "+0"
dynamic_ownership = 0
remember_owner = 0
# No virtlogd: QEMU's stdio goes straight to a file in /var/log/libvirt/qemu.
stdio_handler = "file"
# No cgroup manager (no systemd, no machined) in this namespace.
cgroup_controllers = [ ]
security_driver = "none"
namespaces = [ ]
lock_manager = "nop"
EOF
    # client-side defaults some tools read from /etc/libvirt inside the namespace
    [ -f "$SD/etc/libvirt.conf" ] || : >"$SD/etc/libvirt.conf"
}

start_holder() {
    local keep_kvm=${LIBVIRTD_ENV_KEEP_KVM:-0} netns=-n
    [ "${LIBVIRTD_ENV_HOST_NET:-0}" = 1 ] && netns=""
    # The inner script runs in the new namespaces; "$0" of it is a marker so we can
    # recognise our holder process.
    # (A quoted here-document: nothing in it is expanded by this shell.)
    local inner
    inner=$(cat <<'HOLDER'
set -e
SD=$1; keep_kvm=$2
mount --make-rprivate /
for pair in run:/run/libvirt lib:/var/lib/libvirt cache:/var/cache/libvirt log:/var/log/libvirt etc:/etc/libvirt; do
    src=$SD/${pair%%:*}; dst=${pair#*:}
    mkdir -p "$dst"
    mount --bind "$src" "$dst"
done
# libvirt resolves its compiled-in default QEMU user/group (libvirt-qemu) before it reads
# qemu.conf and fails when they do not exist (libvirt-daemon-system, which creates them, is
# not installed).  Give the namespace its own passwd/group that have them; the host keeps its own.
mkdir -p "$SD/nss"
cp /etc/passwd "$SD/nss/passwd"; cp /etc/group "$SD/nss/group"
getent passwd libvirt-qemu >/dev/null || echo "libvirt-qemu:x:64055:64055:Libvirt Qemu:/var/lib/libvirt:/usr/sbin/nologin" >>"$SD/nss/passwd"
getent group libvirt-qemu >/dev/null || echo "libvirt-qemu:x:64055:" >>"$SD/nss/group"
getent group kvm >/dev/null || echo "kvm:x:$(stat -c %g /dev/kvm 2>/dev/null || echo 64056):" >>"$SD/nss/group"
getent group libvirt >/dev/null || echo "libvirt:x:64057:" >>"$SD/nss/group"
mount --bind "$SD/nss/passwd" /etc/passwd
mount --bind "$SD/nss/group" /etc/group
# /dev/kvm here is kvm_pvm (guests die with "emulation failure"); tests use TCG.  Hide it
# behind an empty file, bound READ-ONLY so that access(W_OK) fails even for root: then
# the KVM-usable check of libvirt and the probe of QEMU agree (no KVM) and the capabilities
# cache stays valid (a mismatch between them makes libvirt re-probe QEMU on every call).
if [ "$keep_kvm" != 1 ] && [ -e /dev/kvm ]; then
    : >"$SD/run/.nokvm"; chmod 000 "$SD/run/.nokvm"
    mount --bind "$SD/run/.nokvm" /dev/kvm
    mount -o remount,bind,ro /dev/kvm
fi
[ "$3" = private-net ] && ip link set lo up
exec -a "libvirtd-env-holder $SD" sleep infinity
HOLDER
)
    # shellcheck disable=SC2086
    setsid unshare -m $netns --propagation private -- /bin/bash -c "$inner" "libvirtd-env-holder $SD" "$SD" "$keep_kvm" \
        "${netns:+private-net}" \
        </dev/null >>"$SD/log/holder.log" 2>&1 &
    local p=$!
    echo "$p" >"$SD/holder.pid"
    # unshare execs sh which execs sleep: same PID.  Wait until the namespace is set up.
    local i
    for i in $(seq 1 100); do
        pid_alive "$p" || { cat "$SD/log/holder.log" >&2; die "namespace holder died while setting up"; }
        if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF "libvirtd-env-holder $SD" \
           && [ "$(readlink "/proc/$p/exe")" = "$(readlink -f "$(command -v sleep)")" ]; then
            return 0
        fi
        sleep 0.05
    done
    die "namespace holder did not come up"
}

start_daemon() {
    local h=$1
    rm -f "$SD/libvirtd.pid"
    # nsenter enters mount(+net) namespace without forking, so $! is libvirtd's PID.
    local netns=-n
    [ "${LIBVIRTD_ENV_HOST_NET:-0}" = 1 ] && netns=""
    # shellcheck disable=SC2086
    setsid nsenter -t "$h" -m $netns -- "$LIBVIRTD" --pid-file /run/libvirt/libvirtd.pid \
        </dev/null >>"$SD/log/libvirtd.stderr" 2>&1 &
    local p=$!
    echo "$p" >"$SD/libvirtd.pid"
    local deadline=$(( $(date +%s) + TIMEOUT ))
    while :; do
        if ! pid_alive "$p"; then
            tail -n 20 "$SD/log/libvirtd.stderr" "$SD/log/libvirtd.log" >&2 2>/dev/null
            die "libvirtd exited during start-up (see $SD/log)"
        fi
        [ -S "$SOCK" ] && answers && break
        [ "$(date +%s)" -ge "$deadline" ] && die "libvirtd did not answer on $SOCK within ${TIMEOUT}s"
        sleep 0.1
    done
}

stop_daemon() {
    local p; p=$(daemon_pid)
    [ -n "$p" ] || { rm -f "$SD/libvirtd.pid"; return 0; }
    kill -TERM "$p" 2>/dev/null
    local i
    for i in $(seq 1 150); do pid_alive "$p" || break; sleep 0.1; done
    if pid_alive "$p"; then
        echo "$prog: libvirtd $p did not stop on SIGTERM, killing it" >&2
        kill -KILL "$p" 2>/dev/null
        for i in $(seq 1 50); do pid_alive "$p" || break; sleep 0.1; done
    fi
    rm -f "$SD/libvirtd.pid"
}

# All processes that live in the holder's mount namespace (libvirtd, QEMU, dnsmasq, ...;
# the network namespace may be the host's).
ns_members() {
    local h=$1 ns p
    ns=$(readlink "/proc/$h/ns/mnt") || return 0
    for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [ "$p" = "$h" ] && continue
        [ "$(readlink "/proc/$p/ns/mnt" 2>/dev/null)" = "$ns" ] && echo "$p"
    done
}

stop_all() {
    stop_daemon
    local h; h=$(holder_pid)
    if [ -n "$h" ]; then
        local left i
        left=$(ns_members "$h")
        if [ -n "$left" ]; then
            # shellcheck disable=SC2086
            kill -TERM $left 2>/dev/null
            for i in $(seq 1 50); do
                left=$(for p in $left; do pid_alive "$p" && echo "$p"; done)
                [ -z "$left" ] && break
                sleep 0.1
            done
            # shellcheck disable=SC2086
            [ -n "$left" ] && kill -KILL $left 2>/dev/null
        fi
        kill -TERM "$h" 2>/dev/null
        for i in $(seq 1 50); do pid_alive "$h" || break; sleep 0.1; done
        pid_alive "$h" && kill -KILL "$h" 2>/dev/null
    fi
    rm -f "$SD/holder.pid"
    # Everything under /run/libvirt is volatile, as after a host reboot: live status XML of
    # domains/networks whose processes are gone, sockets, and the "autostarted" markers
    # (libvirt autostarts networks/domains only once per boot, i.e. while those exist).
    find "$SD/run" -mindepth 1 -delete 2>/dev/null
    find "$SD/lib/qemu" -mindepth 1 -maxdepth 1 -name 'domain-*' -exec rm -rf {} + 2>/dev/null
}

do_start() {
    check_env
    if [ -n "$(daemon_pid)" ] && answers; then
        echo "$prog: daemon already running in $SD" >&2
        echo "$URI"; return 0
    fi
    write_config
    local h; h=$(holder_pid)
    if [ -z "$h" ]; then
        start_holder
        h=$(holder_pid)
        [ -n "$h" ] || die "namespace holder not found after start"
    fi
    if ! ( start_daemon "$h" ); then
        stop_all
        exit 1
    fi
    echo "$URI"
}

case $cmd in
    start) do_start ;;
    stop) [ "$(id -u)" = 0 ] || skip "must run as root"; stop_all ;;
    restart)
        check_env
        # Keep the namespace (running domains survive, as on a real host); replace libvirtd.
        stop_daemon
        do_start ;;
    uri) echo "$URI" ;;
    status) answers ;;
    *) usage ;;
esac
