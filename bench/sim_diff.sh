#!/usr/bin/env bash
# sim_diff.sh OLD NEW - runs `kizuna sim --json` with two kizuna binaries on every shipped
# structure x scenario (and the simulator's test scenarios on tests/data/sim/line.yaml), seed 7,
# on 1 and 2 threads, and says for each whether the documents are byte-identical, equal once
# parsed (same keys, same values; wall_s ignored: it is a wall-clock time; "overrides", added in issue 12, ignored: an old build has none), or different.
# Exit 0 when no document differs in content. Used when a change must leave the figures alone.
set -euo pipefail
OLD=$1 NEW=$2
cd "$(dirname "$0")/.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
same=0 format=0 differ=0
one() {
  local name=$1; shift
  local a=0 b=0
  "$OLD" sim "$@" --json >"$T/a.json" 2>/dev/null || a=$?
  "$NEW" sim "$@" --json >"$T/b.json" 2>/dev/null || b=$?
  if [ "$a" -ne "$b" ]; then
    echo "DIFFER $name: exit $a before, $b after"; differ=$((differ + 1)); return
  fi
  if cmp -s <(sed 's/"wall_s": [0-9.e+-]*//g' "$T/a.json") <(sed 's/"wall_s": [0-9.e+-]*//g' "$T/b.json"); then
    same=$((same + 1)); return
  fi
  if python3 - "$T/a.json" "$T/b.json" <<'PY'
import json, sys
def norm(x):
    if isinstance(x, dict):
        return {k: norm(v) for k, v in x.items() if k not in ("wall_s", "overrides")}
    if isinstance(x, list):
        return [norm(v) for v in x]
    return x
a, b = (norm(json.load(open(f))) for f in sys.argv[1:3])
sys.exit(0 if a == b else 1)
PY
  then
    format=$((format + 1))
  else
    echo "DIFFER $name"; differ=$((differ + 1))
  fi
}
for s in data/structures/*.yaml; do
  for c in data/scenarios/*.yaml; do
    for t in 1 2; do
      one "$(basename "$s" .yaml) x $(basename "$c" .yaml), $t threads" \
        --structure "$s" --scenario "$c" --runs 300 --seed 7 --threads "$t"
    done
  done
done
for c in erlang flash infeasible legal-wait prop routine; do
  for t in 1 2; do
    one "line x $c, $t threads" --structure tests/data/sim/line.yaml \
      --scenario "tests/data/sim/$c.yaml" --runs 200 --seed 7 --threads "$t"
  done
done
echo "sim_diff: $same byte-identical, $format equal once parsed, $differ different"
[ "$differ" -eq 0 ]
