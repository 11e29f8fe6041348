#!/usr/bin/env bash
# Measures the PostgreSQL backend on a SQLite catalog: copy throughput (lookalike migrate, HNSW built
# once at the end), then query latency and recall@10 of pgvector's HNSW against exact search, on the
# primary, on the replica, and with two clients at once (one per server). Uses the servers of
# scripts/pg/pg.sh (started if needed) and a release build.
#   scripts/pg/bench.sh demo/lookalike.db [queries]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SOURCE=${1:?usage: scripts/pg/bench.sh CATALOG.db [queries]}
QUERIES=${2:-500}
BIN=${LOOKALIKE_BIN:-$ROOT/.build/release/lookalike}
[ -x "$BIN" ] || { echo "no release build at $BIN (make release)" >&2; exit 1; }
eval "$(bash "$ROOT/scripts/pg/pg.sh" start)"
SCHEMA=bench_$(basename "$SOURCE" .db | tr -c 'a-z0-9_\n' '_')
PRIMARY="$LOOKALIKE_TEST_POSTGRES_URL?schema=$SCHEMA&sslmode=disable"
REPLICA="$LOOKALIKE_TEST_POSTGRES_REPLICA_URL?schema=$SCHEMA&sslmode=disable"
echo "== copy $SOURCE into PostgreSQL"
"$BIN" migrate --from "$SOURCE" --to "$PRIMARY"
"$BIN" stats --db "$PRIMARY" | head -4
for ef in 40 100 200; do
  echo "== primary, 1 client, ef_search=$ef"
  "$BIN" bench db --db "$PRIMARY&ef_search=$ef" --queries "$QUERIES"
done
echo "== primary, 1 client, filtered (articleType=Shirt)"
"$BIN" bench db --db "$PRIMARY" --queries "$QUERIES" --where articleType=Shirt
echo "== replica, 1 client"
"$BIN" bench db --db "$PRIMARY" --read-db "$REPLICA" --queries "$QUERIES"
echo "== 2 clients at once: one on the primary, one on the replica (4 queries in flight each)"
"$BIN" bench db --db "$PRIMARY" --queries "$QUERIES" --concurrency 4 --no-recall &
"$BIN" bench db --db "$PRIMARY" --read-db "$REPLICA" --queries "$QUERIES" --concurrency 4 --no-recall &
wait
echo "== 1 client, 8 queries in flight, primary only"
"$BIN" bench db --db "$PRIMARY" --queries "$QUERIES" --concurrency 8 --no-recall
