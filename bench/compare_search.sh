#!/usr/bin/env bash
# Lookalike's search against faiss on the same synthetic vectors, in one run.
#
#   bench/compare_search.sh exact [--sizes 10000,100000,1000000] [--threads 1,0] [--queries 200] [--seconds 20]
#   bench/compare_search.sh hnsw  [--sizes 100000,1000000] [--ef-search 16,32,64,128,256] [--queries 200]
#                                 [--m 32] [--ef-construction 40] [--recipe latent|isotropic] [--noise X]
#                                 [--clusters C] [--latent-dim 32] [--spread 0.5]
#
# exact: `lookalike bench search` (f32, f16, int8) beside bench/search_baselines.py (faiss IndexFlatIP).
# hnsw:  `lookalike bench search --index hnsw` beside bench/hnsw_baselines.py (faiss IndexHNSWFlat, same M,
#        efConstruction and efSearch). Both sides generate the same seeded clustered vectors (default recipe
#        latent: intrinsic dimension 32, see Search/Benchmark/SyntheticRecipe.swift); the run starts by comparing
#        a checksum of the first 1000 rows and the queries on both sides and stops if they differ.
# Prints both engines' JSON lines, then one table with the ratio lookalike p50 / faiss p50 per row.
# Environment: LOOKALIKE (default .build/release/lookalike), PYTHON (default .venv/bin/python).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: $0 exact|hnsw [--sizes N,N] [--threads T,T] [--queries Q] [--seconds S] [--ef-search E,E] [--m M] [--ef-construction E] [--recipe R] [--noise X] [--clusters C] [--latent-dim D] [--spread S]" >&2; exit 2; }
[ $# -ge 1 ] || usage
MODE=$1; shift
case $MODE in exact|hnsw) ;; *) usage ;; esac
OURS=(--index "$MODE" --json); THEIRS=()
while [ $# -gt 0 ]; do
  v=${2:?}
  case $1 in
    --sizes|--queries|--noise) OURS+=("$1" "$v"); THEIRS+=("$1" "$v") ;;
    --seconds) OURS+=("$1" "$v"); [ "$MODE" = exact ] && THEIRS+=("$1" "$v") ;;
    --threads) OURS+=("$1" "$v"); THEIRS+=("$1" "$(echo "$v" | sed 's/\b0\b/all/g')") ;;
    --ef-search|--ef-construction) OURS+=("$1" "$v"); THEIRS+=("$1" "$v") ;;
    --clusters) OURS+=("$1" "$v"); THEIRS+=("$1" "$v") ;;
    --recipe|--latent-dim|--spread)  # search_baselines.py (exact) makes the isotropic recipe only
      [ "$MODE" = hnsw ] || { echo "error: $1 is for hnsw mode" >&2; exit 2; }
      OURS+=("$1" "$v"); THEIRS+=("$1" "$v") ;;
    --m) OURS+=(--m "$v"); THEIRS+=(--M "$v") ;;
    *) usage ;;
  esac
  shift 2
done
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
LOOKALIKE=${LOOKALIKE:-$ROOT/.build/release/lookalike}
[ -x "$LOOKALIKE" ] || { echo "error: $LOOKALIKE not built (make release)" >&2; exit 1; }
"$PYTHON" -c 'import faiss' 2>/dev/null || { echo "error: faiss is not installed in $PYTHON (make setup)" >&2; exit 1; }
results=$(mktemp); trap 'rm -f "$results"' EXIT

if [ "$MODE" = hnsw ]; then
  SAME=(); for ((i = 3; i < ${#OURS[@]}; i += 2)); do  # the data options (after --index MODE --json)
    case ${OURS[i]} in --recipe|--clusters|--latent-dim|--spread|--noise|--queries) SAME+=("${OURS[i]}" "${OURS[i+1]}") ;; esac
  done
  mine=$("$LOOKALIKE" bench search --index hnsw ${SAME[@]+"${SAME[@]}"} --checksum 1000)
  theirs=$("$PYTHON" "$ROOT/bench/hnsw_baselines.py" ${SAME[@]+"${SAME[@]}"} --checksum 1000)
  echo "--> data checksum: lookalike $mine; python $theirs" >&2
  [ "$mine" = "$theirs" ] || { echo "error: the two sides generate different vectors" >&2; exit 1; }
fi
echo "--> lookalike bench search ${OURS[*]}" >&2
"$LOOKALIKE" bench search "${OURS[@]}" | tee -a /dev/stderr | grep '^{' >> "$results"
script=$ROOT/bench/search_baselines.py; [ "$MODE" = hnsw ] && script=$ROOT/bench/hnsw_baselines.py
echo "--> $(basename "$script") ${THEIRS[*]}" >&2
"$PYTHON" "$script" ${THEIRS[@]+"${THEIRS[@]}"} | tee -a /dev/stderr | grep '^{' >> "$results"

"$PYTHON" - "$MODE" "$results" <<'PY'
"""One table of both engines, with lookalike p50 / faiss p50 (below 1: lookalike faster)."""
import json
import sys

mode, path = sys.argv[1], sys.argv[2]
rows = [json.loads(line) for line in open(path) if line.startswith("{")]
if mode == "exact":
    key = lambda r: (r["n"], r["threads"])
    faiss = {key(r): r for r in rows if r["engine"].startswith("faiss")}
    print(f"\n{'engine':13} {'storage':7} {'n':>8} {'thr':>3} {'p50 ms':>8} {'p99 ms':>8} {'qps':>8} {'B/vec':>7} {'recall':>6} {'p50/faiss':>9}")
    for r in sorted(rows, key=lambda r: (r["n"], r["threads"], r["engine"] != "faiss-flatip", r["storage"])):
        base = faiss.get(key(r))
        ratio = f"{r['p50_ms'] / base['p50_ms']:.2f}" if base and r is not base else ""
        recall = r.get("recall_at_10")
        print(f"{r['engine']:13} {r['storage']:7} {r['n']:8d} {r['threads']:3d} {r['p50_ms']:8.3f} {r['p99_ms']:8.3f} "
              f"{r['qps']:8.1f} {r['bytes_per_vector']:7.0f} {'' if recall is None else f'{recall:.4f}':>6} {ratio:>9}")
else:
    key = lambda r: (r["n"], r["efSearch"])
    faiss = {key(r): r for r in rows if r["engine"].startswith("faiss")}
    print(f"\n{'engine':15} {'n':>8} {'efS':>4} {'build s':>8} {'build cpu s':>11} {'p50 ms':>7} {'p99 ms':>7} {'recall@10':>9} {'B/vec':>6} {'p50/faiss':>9} {'build cpu/faiss':>15}")
    for r in sorted(rows, key=lambda r: (r["n"], r["efSearch"], r["engine"])):
        base = faiss.get(key(r))
        mine = base is not None and r is not base
        ratio = f"{r['p50_ms'] / base['p50_ms']:.2f}" if mine else ""
        build = f"{r['build_cpu_s'] / base['build_cpu_s']:.2f}" if mine and base["build_cpu_s"] else ""
        print(f"{r['engine']:15} {r['n']:8d} {r['efSearch']:4d} {r['build_s']:8.1f} {r['build_cpu_s']:11.1f} {r['p50_ms']:7.3f} "
              f"{r['p99_ms']:7.3f} {r['recall_at_10']:9.4f} {r['bytes_per_vector']:6.0f} {ratio:>9} {build:>15}")
PY
