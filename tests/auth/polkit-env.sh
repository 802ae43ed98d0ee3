#!/bin/bash
# polkit-env.sh — a private system D-Bus, polkitd and libvirtd with libvirt's polkit access
# driver, for the authorization tests.
#
#   polkit-env.sh start STATEDIR   -> prints the client URI on stdout
#   polkit-env.sh stop  STATEDIR
#
# Everything lives in one `unshare -m -n` namespace (held by a sleeping process) with a tmpfs
# on /run, so the bus, polkitd and libvirtd are the namespace's own; the PID namespace is
# shared, so polkitd can look at the clients' processes. Inside it:
#     STATEDIR/run       -> /run/libvirt            (the socket clients use, from outside too)
#     STATEDIR/lib, cache, log, etc -> /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt, /etc/libvirt
#     STATEDIR/rules     -> /etc/polkit-1/rules.d   (owner polkitd, mode 700: polkitd reads it
#                                                    after dropping to its user)
#     STATEDIR/no-rules  -> /usr/share/polkit-1/rules.d (empty: only our rules decide)
#     STATEDIR/actions   -> /usr/share/polkit-1/actions (libvirt's org.libvirt.api.* actions: Debian
#                           ships them in libvirt-daemon-system, which is not installed here, and
#                           polkit refuses a check of an action it does not know, even for root)
# libvirtd.conf: access_drivers = [ "polkit" ]; sockets 0777 and auth none, so the polkit rules,
# not the socket, decide what a non-root client may do. Clients connect as test users with
# `runuser -u USER -- …` to qemu+unix:///system?socket=STATEDIR/run/libvirt-sock.
# The rules file to write: STATEDIR/rules/60-vmnet.rules (polkitd applies a change at once).
# Bus policy files put in STATEDIR/dbus-system.d before start are the bus's /etc/dbus-1/system.d
# (for a service under test, such as vmnetd's org.libvmnet.Vmnet1.conf).
#
# Pitfalls handled (see LAB.md): /dev/kvm hidden (TCG only; otherwise libvirt re-probes QEMU on
# every call), QEMU runs as root (user "+0"), no virtlogd, no cgroups.
# Users and groups must exist before start: the namespace reads a copy of /etc/passwd and /etc/group.
# Exit codes: 0 ok, 1 failure, 2 usage, 77 cannot run here.
set -u
prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }
skip() { echo "$prog: SKIP: $*" >&2; exit 77; }
[ $# -eq 2 ] || { sed -n '2,6p' "$0" >&2; exit 2; }
cmd=$1
SD=$(realpath -m "$2")
SOCK=$SD/run/libvirt-sock
URI="qemu+unix:///system?socket=$SOCK"
POLKITD=/usr/lib/polkit-1/polkitd
LIBVIRTD=$(command -v libvirtd || echo /usr/sbin/libvirtd)

check_env() {
    [ "$(id -u)" = 0 ] || skip "must run as root"
    unshare -m -n true 2>/dev/null || skip "unshare -m -n does not work here"
    [ -x "$POLKITD" ] || skip "polkitd not installed (apt-get install polkitd)"
    command -v dbus-daemon >/dev/null || skip "dbus-daemon not installed"
    [ -x "$LIBVIRTD" ] || skip "libvirtd not installed"
    getent passwd polkitd >/dev/null || skip "no polkitd user"
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pid_of() { cat "$SD/$1.pid" 2>/dev/null || true; }
in_ns() { nsenter -t "$(pid_of holder)" -m -n -- "$@"; }

write_config() {
    mkdir -p "$SD"/run "$SD"/cache/qemu "$SD"/log/qemu "$SD"/lib/qemu/channel/target \
             "$SD"/lib/qemu/nvram "$SD"/lib/qemu/snapshot "$SD"/lib/qemu/save "$SD"/lib/qemu/dump \
             "$SD"/lib/images "$SD"/lib/network "$SD"/lib/dnsmasq \
             "$SD"/etc/qemu/autostart "$SD"/etc/qemu/networks/autostart "$SD"/rules "$SD"/no-rules "$SD"/actions "$SD"/nss \
        || die "cannot create $SD"
    chown polkitd:root "$SD/rules" && chmod 700 "$SD/rules"
    cat >"$SD/etc/libvirtd.conf" <<EOF
# written by $prog: private daemon with polkit access control
listen_tls = 0
listen_tcp = 0
unix_sock_dir = "/run/libvirt"
unix_sock_ro_perms = "0777"
unix_sock_rw_perms = "0777"
unix_sock_admin_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
access_drivers = [ "polkit" ]
host_uuid = "$(cat /proc/sys/kernel/random/uuid)"
log_level = 3
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
    cat >"$SD/etc/qemu.conf" <<'EOF'
user = "+0"
group = "+0"
dynamic_ownership = 0
remember_owner = 0
stdio_handler = "file"
cgroup_controllers = [ ]
security_driver = "none"
namespaces = [ ]
lock_manager = "nop"
EOF
    : >"$SD/etc/libvirt.conf"
    write_actions >"$SD/actions/org.libvirt.api.policy"
}

# Every libvirt ACL permission (libvirt 9.0, src/access/viraccessperm.h) as a polkit action that
# nobody is given by default: the rules decide.
write_actions() {
    local perms=(
        "connect:getattr read write search-domains search-networks search-storage-pools search-node-devices search-interfaces search-secrets search-nwfilters search-nwfilter-bindings detect-storage-pools pm-control interface-transaction"
        "domain:getattr read write read-secure start stop reset save delete migrate snapshot suspend hibernate core-dump pm-control init-control inject-nmi send-input send-signal fs-trim fs-freeze block-read block-write mem-read open-graphics open-device screenshot open-namespace set-time set-password checkpoint"
        "interface:getattr read write save delete start stop"
        "network:getattr read read-secure write save delete start stop search-ports create-port"
        "network-port:getattr read create delete"
        "node-device:getattr read write start stop detach delete"
        "nwfilter:getattr read write save delete"
        "nwfilter-binding:getattr read create delete"
        "secret:getattr read read-secure write save delete"
        "storage-pool:getattr read write save delete start stop refresh search-storage-vols format"
        "storage-vol:getattr read create delete format resize data-read data-write"
    )
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<!DOCTYPE policyconfig PUBLIC "-//freedesktop//DTD PolicyKit Policy Configuration 1.0//EN" "http://www.freedesktop.org/standards/PolicyKit/1/policyconfig.dtd">'
    echo '<policyconfig>'
    local entry object perm
    for entry in "${perms[@]}"; do
        object=${entry%%:*}
        for perm in ${entry#*:}; do
            echo "  <action id=\"org.libvirt.api.$object.$perm\"><description>$object $perm</description><message>$object $perm</message>"
            echo "    <defaults><allow_any>no</allow_any><allow_inactive>no</allow_inactive><allow_active>no</allow_active></defaults></action>"
        done
    done
    echo '</policyconfig>'
}

start_holder() {
    local inner
    inner=$(cat <<'HOLDER'
set -e
SD=$1
mount --make-rprivate /
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/libvirt /run/dbus /run/polkit-1
for pair in run:/run/libvirt lib:/var/lib/libvirt cache:/var/cache/libvirt log:/var/log/libvirt \
            etc:/etc/libvirt rules:/etc/polkit-1/rules.d no-rules:/usr/share/polkit-1/rules.d \
            actions:/usr/share/polkit-1/actions; do
    mkdir -p "${pair#*:}"
    mount --bind "$SD/${pair%%:*}" "${pair#*:}"
done
cp /etc/passwd "$SD/nss/passwd"; cp /etc/group "$SD/nss/group"
getent passwd libvirt-qemu >/dev/null || echo "libvirt-qemu:x:64055:64055::/var/lib/libvirt:/usr/sbin/nologin" >>"$SD/nss/passwd"
getent group libvirt-qemu >/dev/null || echo "libvirt-qemu:x:64055:" >>"$SD/nss/group"
getent group kvm >/dev/null || echo "kvm:x:64056:" >>"$SD/nss/group"
getent group libvirt >/dev/null || echo "libvirt:x:64057:" >>"$SD/nss/group"
if [ -d "$SD/dbus-system.d" ]; then
    mkdir -p /etc/dbus-1/system.d
    mount --bind "$SD/dbus-system.d" /etc/dbus-1/system.d
fi
mount --bind "$SD/nss/passwd" /etc/passwd
mount --bind "$SD/nss/group" /etc/group
if [ -e /dev/kvm ]; then
    : >"$SD/nokvm"; chmod 000 "$SD/nokvm"
    mount --bind "$SD/nokvm" /dev/kvm
    mount -o remount,bind,ro /dev/kvm
fi
ip link set lo up
exec -a "polkit-env-holder $SD" sleep infinity
HOLDER
)
    setsid unshare -m -n --propagation private -- /bin/bash -c "$inner" "polkit-env-holder" "$SD" \
        </dev/null >>"$SD/log/holder.log" 2>&1 &
    echo $! >"$SD/holder.pid"
    local i
    for i in $(seq 1 100); do
        alive "$(pid_of holder)" || { cat "$SD/log/holder.log" >&2; die "namespace holder died"; }
        [ "$(readlink "/proc/$(pid_of holder)/exe")" = "$(readlink -f "$(command -v sleep)")" ] && return 0
        sleep 0.05
    done
    die "namespace holder did not come up"
}

do_start() {
    check_env
    write_config
    start_holder
    # The system bus: it writes /run/dbus/pid itself.
    in_ns dbus-daemon --system --fork --nopidfile --print-pid >"$SD/dbus.pid" 2>>"$SD/log/dbus.log" \
        || die "dbus-daemon did not start"
    setsid nsenter -t "$(pid_of holder)" -m -n -- "$POLKITD" </dev/null >>"$SD/log/polkitd.log" 2>&1 &
    echo $! >"$SD/polkitd.pid"
    local i
    for i in $(seq 1 100); do
        in_ns dbus-send --system --print-reply --dest=org.freedesktop.DBus / \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.PolicyKit1 2>/dev/null | grep -q 'boolean true' && break
        alive "$(pid_of polkitd)" || { cat "$SD/log/polkitd.log" >&2; die "polkitd died"; }
        sleep 0.05
    done
    setsid nsenter -t "$(pid_of holder)" -m -n -- "$LIBVIRTD" </dev/null >>"$SD/log/libvirtd.stderr" 2>&1 &
    echo $! >"$SD/libvirtd.pid"
    for i in $(seq 1 600); do
        alive "$(pid_of libvirtd)" || { tail -n 20 "$SD/log/libvirtd.stderr" "$SD/log/libvirtd.log" >&2; die "libvirtd died"; }
        # Before the rules are written every call is denied: an answer is an answer.
        [ -S "$SOCK" ] && timeout 10 virsh -q -c "$URI" uri 2>&1 | grep -q -e "^qemu" -e "access denied" && { echo "$URI"; return 0; }
        sleep 0.1
    done
    die "libvirtd did not answer on $SOCK"
}

stop_pid() {
    local p; p=$(pid_of "$1")
    alive "$p" || { rm -f "$SD/$1.pid"; return 0; }
    kill -TERM "$p" 2>/dev/null
    local i
    for i in $(seq 1 100); do alive "$p" || break; sleep 0.05; done
    alive "$p" && kill -KILL "$p" 2>/dev/null
    rm -f "$SD/$1.pid"
}

do_stop() {
    [ "$(id -u)" = 0 ] || skip "must run as root"
    local h ns p
    h=$(pid_of holder)
    stop_pid libvirtd
    # QEMU processes of domains left running live in the namespace: end them too.
    if alive "$h"; then
        ns=$(readlink "/proc/$h/ns/net")
        for p in /proc/[0-9]*; do
            p=${p#/proc/}
            [ "$p" = "$h" ] && continue
            [ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" = "$ns" ] || continue
            case "$(readlink "/proc/$p/exe" 2>/dev/null)" in
                */qemu-system-*) kill -KILL "$p" 2>/dev/null ;;
            esac
        done
    fi
    stop_pid polkitd
    stop_pid dbus
    stop_pid holder
    find "$SD/run" -mindepth 1 -delete 2>/dev/null
    return 0
}

case $cmd in
    start) do_start ;;
    stop) do_stop ;;
    *) exit 2 ;;
esac
