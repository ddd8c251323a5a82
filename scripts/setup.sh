#!/usr/bin/env bash
# setup.sh - install what kizuna needs from Debian 12 (idempotent; silent when all is present).
set -euo pipefail

packages=(
  gcc make cmake ninja-build pkg-config   # build
  libfyaml-dev                            # YAML structure files
  libgraphviz-dev                         # org charts (libgvc)
  libcmocka-dev                           # unit tests
  libplplot-dev                           # charts in the simulation report (PLplot, svg driver)
  python3-simpy                           # the SimPy reference model in bench/
  time                                    # /usr/bin/time -v: peak memory in bench/
  cyclonedds-dev cyclonedds-tools libddsc0debian  # the live network (DDS, idlc, ddsperf)
  libssl-dev                              # PKI for DDS Security (OpenSSL)
  libsqlite3-dev sqlite3                  # the node journal
  libjansson-dev                          # JSON output (--json, results.json)
  libexpat1-dev libprotobuf-c-dev protobuf-c-compiler  # the CoT gateway (XML, TAK protocol v1)
  libxml2-dev libzip-dev libxml2-utils    # TAK clients: KML, data packages (xmllint in the tests)
  openmpi-bin libopenmpi-dev              # kizuna sweep across ranks and hosts (MPI, optional at build)
)
# Extra packages for a target, e.g. `setup.sh fuzz` adds clang and its libFuzzer runtime.
for extra in "$@"; do
  case "$extra" in
    fuzz) packages+=(clang libclang-rt-14-dev) ;;
    *) echo "setup.sh: unknown extra '$extra'" >&2; exit 2 ;;
  esac
done

# The real TAK client tests (tests/tak): Node and npm, Debian's when the commands are missing
# (a NodeSource Node brings its own npm, which Debian's npm package conflicts with).
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# Then their npm packages (tests/tak/package-lock.json), unless KZ_NO_NPM=1: the TAK tests are
# then skipped, not failed, while tests/tak/node_modules is absent (docs/tak.md).
tak_npm() {
  local d
  d="$(dirname "$0")/../tests/tak"
  [ "${KZ_NO_NPM:-0}" = 1 ] && return 0
  [ "$d/node_modules/.package-lock.json" -nt "$d/package-lock.json" ] && return 0
  echo "setup.sh: npm ci in tests/tak" >&2
  (cd "$d" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && { tak_npm; exit 0; }

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: need root to install: ${missing[*]}" >&2
  exit 3
fi
echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
tak_npm
