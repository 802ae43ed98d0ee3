#!/bin/bash
# Runs as root inside a clean Debian root (tools/install-test.sh): installs the built packages
# with apt-get, uses them as a user of each would (no build tree here, no GI_TYPELIB_PATH or
# LD_LIBRARY_PATH), purges them and checks that nothing of them is left.
# usage: checks.sh DIR   (DIR holds debs/*.deb, the examples and hello-vmnet.c)
# Prints one "ok NAME" / "FAIL NAME" line per check and ends with "N passed, N failed".
set -uo pipefail
D=$1
cd "$D"
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive
unset GI_TYPELIB_PATH LD_LIBRARY_PATH PKG_CONFIG_PATH
passed=0
failed=0
n=0
check() {
  local name=$1
  shift
  n=$((n + 1))
  if "$@" > "$D/check-$n.log" 2>&1; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    sed 's/^/     | /' "$D/check-$n.log" | tail -n 40
    failed=$((failed + 1))
  fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}

debs=()
for f in debs/*.deb; do
  case "$f" in *-dbgsym_*) ;; *) debs+=("./$f") ;; esac
done
pkgs=()
for f in "${debs[@]}"; do pkgs+=("$(dpkg-deb -f "$f" Package)"); done

install_debs() {
  # The dependencies come from the mirror (or from the cached archives); a stale package
  # list is refreshed once.
  apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 "${debs[@]}" ||
    { apt-get update -q && apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 "${debs[@]}"; }
}
check "apt-get install ${pkgs[*]}" install_debs
[ "$failed" -eq 0 ] || finish
for p in "${pkgs[@]}"; do dpkg-query -L "$p"; done | sort -u > "$D/files.txt"

# What a user runs, runs as a user, with the runtime directory a login session has
# (pam_systemd's /run/user/UID; here inside $D, which goes away with the root).
id alice >/dev/null 2>&1 || useradd -m alice
U=$D/alice
mkdir -p "$U/run"
cp -r python gjs hello-vmnet.c "$U/"
chown -R alice: "$U"
chmod 0700 "$U/run"
as_user() {
  runuser -u alice -- env -i PATH=/usr/bin:/bin HOME=/home/alice LC_ALL=C.UTF-8 \
    XDG_RUNTIME_DIR="$U/run" bash -c "cd '$U' && $1"
}

# The tool, its manual pages and completion.
check "vmnet --connect demo get-vmhost" \
  as_user 'out=$(vmnet --connect demo get-vmhost) && echo "$out" && grep -q IovSupport <<<"$out"'
check "vmnet get-vmnetworkadapter --output json" \
  as_user 'vmnet --connect demo get-vmnetworkadapter --all --output json | python3 -m json.tool >/dev/null'
check "man vmnet" \
  as_user '[ "$(man -w vmnet)" = /usr/share/man/man1/vmnet.1.gz ] && MANPAGER=cat MANWIDTH=80 man vmnet | grep -q get-vmhost'
check "man 8 vmnetd" as_user 'MANPAGER=cat MANWIDTH=80 man 8 vmnetd | grep -qi vmnetd'
check "bash completion" \
  as_user '. /usr/share/bash-completion/completions/vmnet && complete -p vmnet'
check "vmnetd unit installed and enabled" \
  bash -c 'test -f /lib/systemd/system/vmnetd.service && systemctl is-enabled vmnetd.service'
check "vmnet-sriov unit installed, enabled, ordered before libvirt" \
  bash -c 'test -f /lib/systemd/system/vmnet-sriov.service && systemctl is-enabled vmnet-sriov.service &&
           grep -q "^Before=.*libvirtd.service" /lib/systemd/system/vmnet-sriov.service'
check "vmnet-guests unit installed, enabled, started after libvirt-guests" \
  bash -c 'test -x /usr/libexec/vmnet-guests && systemctl is-enabled vmnet-guests.service &&
           grep -q "^After=.*libvirt-guests.service" /lib/systemd/system/vmnet-guests.service'

# Python and gjs against the installed typelib.
check "python typelib is the installed one" as_user "/usr/bin/python3 -c '
import gi
gi.require_version(\"GIRepository\", \"2.0\")
gi.require_version(\"Vmnet\", \"1.0\")
from gi.repository import GIRepository, Vmnet
path = GIRepository.Repository.get_default().get_typelib_path(\"Vmnet\")
print(path)
assert path.startswith(\"/usr/lib/\") and path.endswith(\"/girepository-1.0/Vmnet-1.0.typelib\"), path
'"
for s in python/*.py; do
  check "python3 $s --connect demo" as_user "/usr/bin/python3 $s --connect demo"
done
for s in gjs/*.js; do
  check "gjs -m $s demo" as_user "gjs -m $s demo"
done

# C against libvmnet-dev.
check "gcc hello-vmnet.c \$(pkg-config --cflags --libs vmnet-1.0)" \
  as_user 'gcc -Wall -Wextra -Werror -o hello-vmnet hello-vmnet.c $(pkg-config --cflags --libs vmnet-1.0)'
check "hello-vmnet demo" as_user './hello-vmnet demo | tee /dev/stderr | grep -q "^switch SRIOV-Switch iov=yes"'
check "hello-vmnet links the installed library" \
  as_user 'ldd hello-vmnet | grep -E "libvmnet-1.0.so.0 => /(usr/)?lib/[^ ]*/libvmnet-1.0.so.0 "'
check "API reference installed" test -f /usr/share/doc/vmnet-1.0/index.html
if printf '%s\n' "${pkgs[@]}" | grep -qx cockpit-vmnet; then
  check "cockpit-bridge --packages lists vmnet" \
    as_user 'cockpit-bridge --packages | grep -E "^vmnet .*/usr/share/cockpit/vmnet\$"'
fi

# Purge: nothing of the packages is left but the directories other packages still own.
check "apt-get purge ${pkgs[*]}" apt-get purge -y -q -o Dpkg::Use-Pty=0 "${pkgs[@]}"
leftovers() {
  local f bad=0
  while IFS= read -r f; do
    [ -e "$f" ] || [ -L "$f" ] || continue
    if [ -d "$f" ] && { dpkg-query -S "$f" >/dev/null 2>&1 || [ "$f" = /. ] || [ -L "$f" ]; }; then
      continue   # a directory another package owns, /, or a merged-/usr alias (/lib -> usr/lib)
    fi
    echo "left behind: $f"
    bad=1
  done < "$D/files.txt"
  # Files no package listed: maintainer-script state, enablement links, caches.
  if find / -xdev \( -path "$D" -o -path /proc -o -path /sys -o -path /dev \) -prune \
       -o -iname '*vmnet*' -print | grep .; then
    bad=1
  fi
  if dpkg -l | awk '$1 != "un" && $2 ~ /vmnet/' | grep .; then
    bad=1
  fi
  return $bad
}
check "nothing left after purge" leftovers
finish
