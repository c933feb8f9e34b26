#!/usr/bin/env bash
# The main job on a fresh machine: build NamiDB, import the LDBC SNB Interactive v1 sample
# into a file:// namespace (./namidb-data, namespace `ldbc`) with a progress bar, run a few
# showcase queries on it, then open the shell when a terminal is attached.
#   NAMIDB_LDBC=...  the LDBC directory (default ../shared/ldbc beside the checkout)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/namidb/target}
cargo build --release --locked -p namidb-cli
NAMIDB="$CARGO_TARGET_DIR/release/namidb"
LDBC=${NAMIDB_LDBC:-$ROOT/../shared/ldbc}
URI="file://./namidb-data?ns=ldbc"

count=$("$NAMIDB" query "$URI" "MATCH (n) RETURN count(n) AS n" --format csv 2>/dev/null | tail -n 1 || true)
if [ -z "$count" ] || [ "$count" = "0" ]; then
  echo "== importing $LDBC/interactive-v1-test-data/vanilla into $URI"
  "$NAMIDB" import "$URI" --ldbc "$LDBC/interactive-v1-test-data/vanilla"
else
  echo "== $URI already holds $count nodes; skipping the import"
fi

show() {
  echo
  echo "== $1"
  "$NAMIDB" query "$URI" "$2"
}
show "What is in the graph" \
  "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS nodes ORDER BY nodes DESC LIMIT 8"
show "The most connected people" \
  "MATCH (p:Person)-[:KNOWS]-(f:Person) RETURN p.firstName + ' ' + p.lastName AS person, count(DISTINCT f) AS friends ORDER BY friends DESC, person LIMIT 5"
show "Friends of friends who work at the same company (2 hops)" \
  "MATCH (p:Person)-[:KNOWS]-()-[:KNOWS]-(fof:Person), (p)-[:WORK_AT]->(c:Company)<-[:WORK_AT]-(fof) WHERE p <> fof RETURN c.name AS company, count(DISTINCT fof) AS colleagues ORDER BY colleagues DESC, company LIMIT 5"
show "A shortest path between two people" \
  "MATCH (a:Person), (b:Person) WHERE a.id < b.id WITH a, b ORDER BY a.id, b.id DESC LIMIT 1 MATCH p = shortestPath((a)-[:KNOWS*]-(b)) RETURN [n IN nodes(p) | n.firstName] AS path, length(p) AS hops"
show "Messages per month of 2010 (creationDate is epoch milliseconds in this data set)" \
  "MATCH (m:Message) WITH datetime({epochMillis: m.creationDate}) AS t WHERE t.year = 2010 RETURN t.month AS month, count(*) AS messages ORDER BY month"

if [ -t 0 ] && [ -t 1 ]; then
  echo
  echo "== the shell (try :schema, :help; Ctrl-D leaves)"
  exec "$NAMIDB" shell "$URI"
fi
