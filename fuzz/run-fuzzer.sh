#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs one libFuzzer target for SECONDS on a copy of its seed corpus (the tree is not changed).
# Usage: run-fuzzer.sh FUZZER SEED_DIR SECONDS
set -eu
fuzzer=$(readlink -f "$1") seeds=$(readlink -f "$2") seconds=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cp "$seeds"/* "$work/corpus/"
cd "$work"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 corpus
