#!/bin/bash
# The version script lists exactly the symbols the library exports.
set -eu
map="$1"
lib="$2"
expected=$(sed -n 's/^[[:space:]]*\(vmnet_[a-z0-9_]*\);$/\1/p' "$map" | sort)
exported=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | grep -v '^VMNET_' | sort)
if [ "$expected" != "$exported" ]; then
  echo "exported symbols and $map differ (< map, > library):"
  diff <(echo "$expected") <(echo "$exported") 2>/dev/null || \
    { echo "$expected" > /tmp/abi-expected.$$; echo "$exported" > /tmp/abi-exported.$$;
      diff /tmp/abi-expected.$$ /tmp/abi-exported.$$; rm -f /tmp/abi-expected.$$ /tmp/abi-exported.$$; }
  exit 1
fi
echo "ok: $(echo "$exported" | wc -l) symbols match $map"
