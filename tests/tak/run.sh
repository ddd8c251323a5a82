#!/bin/sh
# run.sh CASE KIZUNA SOURCE_DIR DOMAIN - runs one real TAK client test (run.mjs) with Node.
# Skipped (exit 77) only when tests/tak/node_modules is absent and KZ_NO_NPM=1 says the set-up
# was told not to install it (scripts/setup.sh); absent otherwise is a failure.
dir=$(dirname "$0")
if [ ! -f "$dir/node_modules/@tak-ps/node-tak/package.json" ]; then
  if [ "${KZ_NO_NPM:-0}" = 1 ]; then
    echo "skipped: tests/tak/node_modules is absent and KZ_NO_NPM=1"
    exit 77
  fi
  echo "FAIL: tests/tak/node_modules is absent: run scripts/setup.sh (npm ci in tests/tak)" >&2
  exit 1
fi
command -v node >/dev/null 2>&1 || { echo "FAIL: no node command (scripts/setup.sh)" >&2; exit 1; }
exec node "$dir/run.mjs" "$@"
