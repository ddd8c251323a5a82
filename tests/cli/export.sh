#!/bin/sh
# export.sh - kizuna export: the structure as GeoJSON and KML (counts of nodes and relation lines
# against the structure file), the tracks a node holds from a journal a short live run made, and
# bad input.
set -eu
. "$(dirname "$0")/lib.sh"

EX=$D/example.yaml
JFHQ=$DATA/structures/jfhq.yaml

# counts STRUCTURE: "NODES RELATIONS" as kizuna show --json sees them (not this export).
counts() {
  "$K" show --json "$1" >show.json || fail "kizuna show --json $1"
  "$PY" -c 'import json,sys; d=json.load(open("show.json")); print(len(d["nodes"]), len(d["relations"]))'
}

# geo_counts FILE: "NODES RELATIONS TRACKS" of a GeoJSON map; fails on anything not GeoJSON-shaped.
geo_counts() {
  "$PY" - "$1" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["type"] == "FeatureCollection", d["type"]
n = {"node": 0, "relation": 0, "track": 0}
for f in d["features"]:
    assert f["type"] == "Feature"
    g, p = f["geometry"], f["properties"]
    kind = p["feature"]
    n[kind] += 1
    if kind == "relation":
        assert g["type"] == "LineString" and len(g["coordinates"]) == 2, f
    else:
        assert g["type"] == "Point", f
    for c in ([g["coordinates"]] if g["type"] == "Point" else g["coordinates"]):
        assert -180 <= c[0] <= 180 and -90 <= c[1] <= 90, c
print(n["node"], n["relation"], n["track"])
PYEOF
}

# kml_counts FILE: "NODES RELATIONS TRACKS" by folder, after xmllint says it is well-formed.
kml_counts() {
  xmllint --noout "$1" || fail "$1 is not well-formed XML"
  pm="*[local-name()='Placemark']"
  fo="//*[local-name()='Folder']"
  nm="*[local-name()='name']"
  h=$(xmllint --xpath "count($fo[$nm='Headquarters']/$pm)" "$1")
  r=$(xmllint --xpath "count($fo[$nm='Relations']/$pm)" "$1")
  t=$(xmllint --xpath "count($fo[starts-with($nm,'Tracks held by')]/$pm)" "$1")
  echo "$h $r $t"
}

case_export_structure() {
  for s in "$EX" "$JFHQ"; do
    want=$(counts "$s")
    kz export --structure "$s" --geojson -o map.geojson
    expect_rc 0 "export --geojson $s"
    got=$(geo_counts map.geojson) || fail "map.geojson of $s is not the GeoJSON expected"
    [ "$got" = "$want 0" ] || fail "$s: GeoJSON has nodes/relations/tracks $got, structure $want"
    kz export --structure "$s" --kml -o map.kml
    expect_rc 0 "export --kml $s"
    got=$(kml_counts map.kml)
    [ "$got" = "$want 0" ] || fail "$s: KML has nodes/relations/tracks $got, structure $want"
  done
  # One node's properties, and a relation's, as the structure file gives them.
  kz export --structure "$EX" --geojson -o -
  expect_rc 0 "export to stdout"
  "$PY" - "$T/out" <<'PYEOF' || fail "properties of the example's features"
import json, sys
d = json.load(open(sys.argv[1]))
f = {(x["properties"]["feature"], x["properties"].get("id") or
      (x["properties"]["from"], x["properties"]["to"])): x for x in d["features"]}
u = f[("node", "usfj")]
assert u["geometry"]["coordinates"] == [139.34861, 35.74861], u
assert u["properties"]["nation"] == "USA" and u["properties"]["kind"] == "joint-headquarters"
assert u["properties"]["grade"] == "3-star"
r = f[("relation", ("usfj", "jjoc"))]["properties"]
assert r["type"] == "coordination" and r["phases"] == ["peacetime", "gray-zone", "armed-attack"], r
PYEOF
}

case_export_tracks() {
  need_domain
  kz pki init --structure "$EX" --out pki
  expect_rc 0 "pki init"
  pids=""
  for n in usfj jjoc; do
    timeout 60 "$K" node --structure "$EX" --as "$n" --journal j --domain "$DOM" \
      --secure pki --for 40 --quiet >"$T/$n.log" 2>&1 &
    pids="$pids $!"
  done
  n=0
  until [ "$("$K" journal j --what started 2>/dev/null | grep -c started)" -ge 2 ]; do
    n=$((n + 1))
    [ "$n" -le 200 ] || { cat "$T"/*.log >&2; fail "the two nodes did not start in 20 s"; }
    sleep 0.1
  done
  # Two tracks for both nations, and two updates of the first: the map holds the last.
  kz send --as usfj --journal j --wait 20 track --to jjoc --track T-1 --lat 35.1 --lon 139.1 \
    --classification S --releasable USA,JPN
  expect_rc 0 "send T-1"
  kz send --as usfj --journal j --wait 20 track --to jjoc --track T-2 --lat 34.5 --lon 138.5 \
    --alt 1200 --classification C --releasable USA,JPN
  expect_rc 0 "send T-2"
  kz send --as usfj --journal j --wait 20 track --to jjoc --track T-1 --lat 35.3 --lon 139.4 \
    --classification S --releasable USA,JPN
  expect_rc 0 "send T-1 again"
  n=0
  until [ "$("$K" journal j --node jjoc --what received --kind track | grep -c ' T-1 at 35.3000')" -ge 1 ] &&
        [ "$("$K" journal j --node jjoc --what received --kind track | grep -c ' T-2 ')" -ge 1 ]; do
    n=$((n + 1))
    [ "$n" -le 300 ] || { cat "$T"/*.log >&2; fail "jjoc did not receive T-1's update and T-2 in 30 s"; }
    sleep 0.1
  done
  kill -TERM $pids 2>/dev/null || true
  wait || true
  want=$(counts "$EX")
  for as in jjoc usfj; do
    kz export --structure "$EX" --journal j --as "$as" --geojson -o "$as.geojson"
    expect_rc 0 "export --as $as"
    expect_in "$T/out" "2 tracks held by $as"
    [ "$(geo_counts "$as.geojson")" = "$want 2" ] || fail "$as.geojson: not the structure and 2 tracks"
    kz export --structure "$EX" --journal j --as "$as" --kml -o "$as.kml"
    expect_rc 0 "export --kml --as $as"
    [ "$(kml_counts "$as.kml")" = "$want 2" ] || fail "$as.kml: not the structure and 2 tracks"
  done
  "$PY" - jjoc.geojson <<'PYEOF' || fail "the tracks jjoc holds"
import json, sys
d = json.load(open(sys.argv[1]))
t = {f["properties"]["id"]: f for f in d["features"] if f["properties"]["feature"] == "track"}
a, b = t["T-1"], t["T-2"]
assert a["geometry"]["coordinates"][:2] == [139.4, 35.3], a   # the update, not the first
assert a["properties"]["classification"] == "S" and sorted(a["properties"]["releasable"]) == ["JPN", "USA"], a
assert a["properties"]["marking"].startswith("S//REL TO "), a
assert a["properties"]["from"] == "usfj" and a["properties"]["held_by"] == "jjoc", a
assert b["properties"]["classification"] == "C" and b["geometry"]["coordinates"][2] == 1200, b
PYEOF
  grep -q 'S//REL TO' jjoc.kml || fail "jjoc.kml: no marking"
}

case_export_usage() {
  kz export --structure "$EX" -o x.json
  usage_error export
  expect_in "$T/err" "one of --geojson and --kml"
  kz export --structure "$EX" --geojson --kml -o x.json
  usage_error export
  kz export --structure "$EX" --geojson
  usage_error export
  kz export --structure "$EX" --geojson --journal j -o x.json
  usage_error export
  expect_in "$T/err" "--journal DIR and --as NODE go together"
  mkdir j
  kz export --structure "$EX" --geojson --journal j --as usfx -o x.json
  usage_error export
  expect_in "$T/err" "did you mean 'usfj'?"
  kz export --structure "$EX" --geojson --journal j --as usfj -o x.json
  expect_rc 1 "a node without a journal"
  expect_in "$T/err" "no journal"
  echo "not sqlite" >j/usfj.db
  kz export --structure "$EX" --geojson --journal j --as usfj -o x.json
  expect_rc 3 "a journal that is not one"
  [ ! -e x.json ] || fail "a failed export left x.json"
  kz export --structure /nonexistent.yaml --kml -o x.kml
  expect_rc 1 "a structure that does not exist"
  kz export --structure "$EX" --kml -o /nonexistent/dir/x.kml
  expect_rc 3 "an output that cannot be created"
  expect_in "$T/err" "/nonexistent/dir/x.kml"
}

run_case "$@"
