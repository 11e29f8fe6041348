#!/usr/bin/env bash
# Measures the PostgreSQL backend: import throughput, then query latency and recall@10 of pgvector's
# HNSW against exact search, on the primary, on the replica, with filters, and with two clients at once
# (one per server). Uses the servers of scripts/pg/pg.sh (started if needed) and a release build.
#   scripts/pg/bench.sh demo/lookalike.db [queries]   copy a SQLite catalog (lookalike migrate)
#   scripts/pg/bench.sh synthetic:1000000 [queries]   write synthetic products (lookalike bench fill)
# For a 1M catalog give the servers room first (shared_buffers = 4GB in both postgresql.conf files, then
# restart): the default 256MB of scripts/pg/pg.sh holds a 60k catalog's index, not a 1M one's.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SOURCE=${1:?usage: scripts/pg/bench.sh CATALOG.db|synthetic:N [queries]}
QUERIES=${2:-500}
BIN=${LOOKALIKE_BIN:-$ROOT/.build/release/lookalike}
[ -x "$BIN" ] || { echo "no release build at $BIN (make release)" >&2; exit 1; }
eval "$(bash "$ROOT/scripts/pg/pg.sh" start)"
case $SOURCE in
  synthetic:*)
    COUNT=${SOURCE#synthetic:}
    SCHEMA=bench_synthetic_$COUNT
    # group=g<cluster mod 10> keeps a tenth (walks the graph), cluster=c123 a thousandth (exact scan).
    FILTERS=("group=g3" "cluster=c123") ;;
  *)
    SCHEMA=bench_$(basename "$SOURCE" .db | tr -c 'a-z0-9_\n' '_')
    FILTERS=("articleType=Shirt") ;;
esac
PRIMARY="$LOOKALIKE_TEST_POSTGRES_URL?schema=$SCHEMA&sslmode=disable"
REPLICA="$LOOKALIKE_TEST_POSTGRES_REPLICA_URL?schema=$SCHEMA&sslmode=disable"
if [ -n "${COUNT:-}" ]; then
  echo "== write $COUNT synthetic products into PostgreSQL"
  "$BIN" bench fill --db "$PRIMARY" --count "$COUNT"
else
  echo "== copy $SOURCE into PostgreSQL"
  "$BIN" migrate --from "$SOURCE" --to "$PRIMARY"
fi
"$BIN" stats --db "$PRIMARY" | head -4
for ef in 40 100 200; do
  echo "== primary, 1 client, ef_search=$ef"
  "$BIN" bench db --db "$PRIMARY&ef_search=$ef" --queries "$QUERIES"
done
for filter in "${FILTERS[@]}"; do
  echo "== primary, 1 client, filtered ($filter)"
  "$BIN" bench db --db "$PRIMARY" --queries "$QUERIES" --where "$filter"
done
echo "== replica, 1 client"
"$BIN" bench db --db "$PRIMARY" --read-db "$REPLICA" --queries "$QUERIES" --no-recall
echo "== 2 clients at once: one on the primary, one on the replica (4 queries in flight each)"
"$BIN" bench db --db "$PRIMARY" --queries "$QUERIES" --concurrency 4 --no-recall &
"$BIN" bench db --db "$PRIMARY" --read-db "$REPLICA" --queries "$QUERIES" --concurrency 4 --no-recall &
wait
echo "== 1 client, 8 queries in flight, primary only"
"$BIN" bench db --db "$PRIMARY" --queries "$QUERIES" --concurrency 8 --no-recall
