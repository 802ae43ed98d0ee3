#!/bin/bash
# Installs what libvmnet needs on Debian 12 and builds it into BUILDDIR (default: _build).
# Usage: tools/setup.sh [BUILDDIR] [meson options…]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-_build}
shift || true

packages=(
  meson ninja-build pkg-config gcc
  libglib2.0-dev libvirt-dev libvirt-glib-1.0-dev libxml2-dev libjson-glib-dev
  libnl-3-dev libnl-route-3-dev gobject-introspection libgirepository1.0-dev
  gir1.2-glib-2.0 python3-gi gjs gi-docgen
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils
  polkitd dbus-daemon systemd duktape-dev clang libclang-rt-14-dev sasl2-bin
  python3-libvirt dnsmasq-base iproute2 iptables util-linux
  cockpit-ws cockpit-bridge cockpit-system chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  # Root installs directly (a fresh Debian machine or container has no sudo); a user through sudo.
  as_root=()
  if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null; then
      echo "setup: need root to install: ${missing[*]}" >&2
      exit 1
    fi
    as_root=(sudo)
  fi
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

cd "$top"
if [ -d "$builddir" ]; then
  meson configure "$builddir" "$@" >/dev/null
else
  meson setup "$builddir" "$@"
fi
ninja -C "$builddir"
