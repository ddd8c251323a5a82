#!/bin/sh
# gen_mesh.sh - writes a structure with one N-member mesh network and a scenario over it, to
# measure routing memory: sh tests/gen_mesh.sh 10000 DIR && kizuna sim --structure DIR/mesh.yaml
# --scenario DIR/mesh-scenario.yaml (test_route.c builds the same shape in C for the unit test).
set -eu
n=${1:?usage: gen_mesh.sh N DIR}
dir=${2:?usage: gen_mesh.sh N DIR}
mkdir -p "$dir"
awk -v n="$n" 'BEGIN {
    print "kizuna: 1\nname: mesh\nsource: tests/gen_mesh.sh"
    print "nations: [{id: USA, source: s}]\nphases: [{id: peacetime, source: s}]"
    print "decisions: [{id: d, phases: all, source: s}]"
    print "defaults: {cells: 2, hours: \"24/7\", days: daily, processing: {relay: 5s, review: 0s,"
    print "  decide: 0s, approve: 0s, order: 0s, execute: 0s, report: 1s}}"
    print "nodes:"
    for (i = 0; i < n; i++)
        printf "  - {id: n%d, nation: USA, kind: force, location: [%.2f, %.2f], %s}\n",
            i, -60 + i % 121, -180 + 0.036 * i, "utc_offset: 0, source: s"
    print "relations:"
    for (i = 1; i <= 100 && i < n; i++)
        printf "  - {type: OPCON, from: n0, to: n%d, source: s}\n", i
    printf "networks:\n  - {id: mesh, classification: S, releasable_to: [USA], "
    printf "latency: {overhead: 1s, path_factor: 1.2}, source: s, members: ["
    for (i = 0; i < n; i++)
        printf "%sn%d", i ? ", " : "", i
    print "]}"
}' > "$dir/mesh.yaml"
# Tracks and reports between far-apart members: each destination is one route table.
cat > "$dir/mesh-scenario.yaml" <<EOF
kizuna-scenario: 1
name: mesh
phase: peacetime
horizon: 1h
runs: 20
threads:
  - id: track
    deadline: 1m
    steps:
      - {share: track, from: n1, to: [n$((n - 1)), n$((n / 2))]}
  - id: report
    deadline: 1m
    steps:
      - {report: "contact", from: n$((n / 3)), to: [n$((n / 4))]}
EOF
