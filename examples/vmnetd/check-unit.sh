#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A unit the project ships as systemd reads it: `systemd-analyze verify` finds nothing wrong (with
# the built program and its man pages), and its exposure in `systemd-analyze security` is 3.0 or less.
# Usage: check-unit.sh UNIT PROGRAM MANPAGE…   (PROGRAM: the built ExecStart=/ExecStop= program)
set -eu
unit=$1 binary=$(readlink -f "$2")
name=$(basename "$unit")
shift 2
if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze is not installed (Debian package systemd)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A configured script is not executable in the build tree: check a copy that is.
if [ ! -x "$binary" ]; then
  cp "$binary" "$work/prog" && chmod 755 "$work/prog" && binary=$work/prog
fi
sed -e "s|^ExecStart=[^ ]*|ExecStart=$binary|" -e "s|^ExecStop=[^ ]*|ExecStop=$binary|" "$unit" > "$work/$name"
# The documentation the unit names must exist.
for page in "$@"; do
  section=${page##*.}
  mkdir -p "$work/man/man$section"
  cp "$page" "$work/man/man$section/"
done
export MANPATH="$work/man"
if ! out=$(systemd-analyze verify "$work/$name" 2>&1) || [ -n "$out" ]; then
  echo "systemd-analyze verify:"
  echo "$out"
  exit 1
fi
echo "verify: clean"
systemd-analyze security --offline=true "$work/$name" | tail -n 1
systemd-analyze security --offline=true --threshold=30 "$work/$name" >/dev/null
echo "exposure within 3.0"
