#!/bin/bash
# Installed, not built: builds the Debian packages (dpkg-buildpackage -us -uc -b, lintian),
# installs them into a clean Debian 12 root made with debootstrap and runs
# tests/install/checks.sh there (the tool, the man pages, the Python and gjs examples on the
# installed typelib, a C program built with pkg-config, then purge: nothing left).
#
# usage: tools/install-test.sh [--debs DIR]
#   --debs DIR  test the .debs already in DIR instead of building them
# The root (debootstrap + the tools the checks use) is cached as a tarball under
# $LAB_CACHE_DIR (default tests/lab/cache), rebuilt when older than a week; the
# dependencies apt downloads are kept there too. The built packages and the lintian report
# are left in _build-deb/.
# Root. Exit 0 pass, 1 fail, 77 skipped (not root, or no debootstrap). Last line:
# "N passed, N failed" over the checks.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
SUITE=bookworm
# The tools the checks use; the packages' own dependencies come from their Depends.
ROOT_PACKAGES="systemd man-db gcc libc6-dev pkg-config python3-gi gir1.2-glib-2.0 gjs"
say() { echo "install-test: $*" >&2; }
skip() { say "SKIP: $*"; echo "0 passed, 0 failed"; exit 77; }
fail() { say "FAIL: $*"; echo "0 passed, 1 failed"; exit 1; }

debs_in=
while [ $# -gt 0 ]; do
  case "$1" in
    --debs) debs_in=$(cd "$2" && pwd); shift 2 ;;
    *) echo "usage: $0 [--debs DIR]" >&2; exit 2 ;;
  esac
done

[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, chroot)"
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v zstd >/dev/null || need+=(zstd)
command -v unshare >/dev/null || need+=(util-linux)
if [ -z "$debs_in" ]; then
  command -v dpkg-buildpackage >/dev/null || need+=(dpkg-dev)
  command -v dh >/dev/null || need+=(debhelper)
  command -v lintian >/dev/null || need+=(lintian)
fi
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; } >&2 ||
    skip "cannot install ${need[*]}"
fi

T0=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/var/tmp}/vmnet-install-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- the packages ------------------------------------------------------------------------
out=$top/_build-deb
if [ -n "$debs_in" ]; then
  debs=$debs_in
else
  # Build from a copy of the tree (dpkg-buildpackage writes its results next to the source).
  mkdir -p "$work/pkg/src"
  if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    git -C "$top" ls-files -z -co --exclude-standard | (cd "$top" && tar --null -T - -cf -) | tar -xf - -C "$work/pkg/src"
  else
    tar -C "$top" --exclude='./_build*' --exclude='./build*' --exclude=./.git --exclude=./tests/lab/cache -cf - . |
      tar -xf - -C "$work/pkg/src"
  fi
  if ! (cd "$work/pkg/src" && dpkg-checkbuilddeps) 2>/dev/null; then
    say "installing the build dependencies"
    (cd "$work/pkg/src" && apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
      apt-get build-dep -y -qq --no-install-recommends ./) >&2 || fail "cannot install the build dependencies"
  fi
  say "dpkg-buildpackage -us -uc -b (log: $out/build.log)"
  rm -rf "$out"
  mkdir -p "$out"
  if ! (cd "$work/pkg/src" && dpkg-buildpackage -us -uc -b -j2) > "$out/build.log" 2>&1; then
    tail -n 40 "$out/build.log" >&2
    fail "dpkg-buildpackage failed"
  fi
  cp "$work"/pkg/*.deb "$work"/pkg/*.changes "$work"/pkg/*.buildinfo "$out"/
  debs=$out
  T1=$(date +%s)
  say "packages built in $((T1 - T0))s"
  (cd "$out" && for f in *.deb; do printf '%-45s %8s bytes, installed %6s KiB\n' "$f" \
     "$(stat -c %s "$f")" "$(dpkg-deb -f "$f" Installed-Size)"; done) >&2
  lintian -I --pedantic "$out"/*.changes > "$out/lintian.txt" 2>&1
  say "lintian: $(grep -c '^E: ' "$out/lintian.txt") errors, $(grep -c '^W: ' "$out/lintian.txt") warnings," \
      "$(grep -c '^[IP]: ' "$out/lintian.txt") info/pedantic (report: $out/lintian.txt)"
  if grep -q '^E: ' "$out/lintian.txt"; then
    grep '^E: ' "$out/lintian.txt" >&2
    fail "lintian errors"
  fi
fi
ls "$debs"/*.deb >/dev/null 2>&1 || fail "no .deb in $debs"

# ---- the clean root (cached) -------------------------------------------------------------
cache=${LAB_CACHE_DIR:-$top/tests/lab/cache}
mkdir -p "$cache/install-apt/partial"
cache=$(cd "$cache" && pwd)
key=$(printf '%s\n' "$SUITE" "$ROOT_PACKAGES" | sha256sum | cut -c1-12)
tarball=$cache/install-root-$SUITE-$key.tar.zst
root=$work/root

# Run a command chrooted in $root with /dev, /proc, /sys and the apt archives mounted
# (a private mount namespace: the mounts go away with the command).
in_root() {
  unshare -m --propagation private /bin/sh -ec '
    T=$1; A=$2; shift 2
    mount --rbind /dev "$T/dev"; mount -t proc proc "$T/proc"; mount --rbind /sys "$T/sys"
    mount --bind "$A" "$T/var/cache/apt/archives"
    exec chroot "$T" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
      DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"' sh "$root" "$cache/install-apt" "$@"
}

exec 9> "$cache/.lock-install-root"
flock 9
if [ -z "$(find "$tarball" -mtime -7 2>/dev/null)" ]; then
  mirror=${LAB_MIRROR:-$("$top/tools/debian-mirror.sh")}
  [ -n "$mirror" ] || fail "cannot find the Debian mirror apt uses in /etc/apt/sources.list{,.d}"
  say "debootstrap $SUITE (minbase) from $mirror, then: $ROOT_PACKAGES"
  Tr=$(date +%s)
  mkdir -p "$root"
  debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
      "$SUITE" "$root" "$mirror" > "$work/debootstrap.log" 2>&1 ||
    { tail -n 30 "$work/debootstrap.log" >&2; fail "debootstrap failed"; }
  echo "deb $mirror $SUITE main" > "$root/etc/apt/sources.list"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  echo force-unsafe-io > "$root/etc/dpkg/dpkg.cfg.d/unsafe-io"
  # shellcheck disable=SC2086
  { in_root apt-get update -q && in_root apt-get install -y -q --no-install-recommends \
      -o Dpkg::Use-Pty=0 $ROOT_PACKAGES; } > "$work/apt.log" 2>&1 ||
    { tail -n 30 "$work/apt.log" >&2; fail "apt-get install in the root failed"; }
  tar -C "$root" --zstd -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball" || fail "cannot write $tarball"
  rm -f "$cache"/install-root-*.tar.zst.tmp
  for f in "$cache"/install-root-*.tar.zst; do [ "$f" = "$tarball" ] || rm -f "$f"; done
  say "root built and cached in $(( $(date +%s) - Tr ))s: $tarball"
else
  mkdir -p "$root"
  tar -C "$root" --zstd -xf "$tarball" || fail "cannot unpack $tarball"
fi
exec 9>&-
cp /etc/resolv.conf "$root/etc/resolv.conf"

# ---- install, use, purge -----------------------------------------------------------------
T2=$(date +%s)
d=$root/tmp/vmnet-install
mkdir -p "$d/debs" "$d/python" "$d/gjs"
cp "$debs"/*.deb "$d/debs/"
cp tests/install/checks.sh tests/install/hello-vmnet.c "$d/"
cp examples/python/*.py "$d/python/"
cp examples/gjs/*.js "$d/gjs/"
in_root /bin/bash /tmp/vmnet-install/checks.sh /tmp/vmnet-install | tee "$work/checks.log"
status=${PIPESTATUS[0]}
T3=$(date +%s)
say "checks in the root: $((T3 - T2))s; total $((T3 - T0))s"
exit "$status"
