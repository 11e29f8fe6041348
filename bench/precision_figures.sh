#!/usr/bin/env bash
# The figures of docs/benchmarks.md, "Which precision?": f32, bf16 and int8 side by side on this machine.
#
#   bench/precision_figures.sh OUT_DIR [model|import|quality|all] [ROUNDS]
#
# model:   `lookalike bench embed` of the three precisions, batch 1 and 16, timed in turn slice by slice,
#          ROUNDS (3) runs; each line of OUT_DIR/model.txt starts with the CPU's features.
# import:  `lookalike index fashion-mnist:train --limit 3000` per precision, the precisions in turn (the
#          order rotating), ROUNDS runs, each into a new catalog; OUT_DIR/import.tsv (round, precision, seconds).
# quality: per precision, a catalog of fashion-mnist:test (10k) made in that precision, and `lookalike eval`
#          of it in the same precision: "more like this" leave-one-out (P@1, P@10, mAP@100) and the shopper
#          photos (`make shopper-photos`; R@1, R@10); plus int8 shopper queries on the f32 catalog.
#          OUT_DIR/quality.txt.
# Environment: LOOKALIKE (binary, default .build/release/lookalike), SHOPPER (default artifacts/shopper).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: $0 OUT_DIR [model|import|quality|all] [ROUNDS]}
WHAT=${2:-all}
ROUNDS=${3:-3}
L=${LOOKALIKE:-$ROOT/.build/release/lookalike}
SHOPPER=${SHOPPER:-$ROOT/artifacts/shopper}
PRECISIONS=(f32 bf16 int8)
mkdir -p "$OUT"
load() { cut -d' ' -f1-3 /proc/loadavg; }

if [[ $WHAT == model || $WHAT == all ]]; then
  for ((r = 1; r <= ROUNDS; r++)); do
    echo "== model, run $r (load $(load))" | tee -a "$OUT/model.txt"
    "$L" bench embed --precisions f32,bf16,int8 --batches 1,16 --seconds 15 --rounds 10 | tee -a "$OUT/model.txt"
  done
fi

if [[ $WHAT == import || $WHAT == all ]]; then
  [ -f "$OUT/import.tsv" ] || printf 'round\tprecision\tseconds\tload\n' > "$OUT/import.tsv"
  for ((r = 1; r <= ROUNDS; r++)); do
    for ((i = 0; i < ${#PRECISIONS[@]}; i++)); do
      p=${PRECISIONS[$(((i + r) % ${#PRECISIONS[@]}))]}
      db=$OUT/import-$p.db
      rm -rf "$db" "$db"-* "$OUT/import-$p.hnsw"
      start=$(date +%s.%N)
      "$L" index fashion-mnist:train --limit 3000 --db "$db" --precision "$p" > /dev/null 2>> "$OUT/import.log"
      end=$(date +%s.%N)
      printf '%d\t%s\t%.2f\t%s\n' "$r" "$p" "$(awk "BEGIN { print $end - $start }")" "$(load)" | tee -a "$OUT/import.tsv"
    done
  done
fi

if [[ $WHAT == quality || $WHAT == all ]]; then
  for p in "${PRECISIONS[@]}"; do
    [ -f "$OUT/test-$p.db" ] || "$L" index fashion-mnist:test --db "$OUT/test-$p.db" --precision "$p" 2>> "$OUT/quality.log" | tail -1
  done
  for p in "${PRECISIONS[@]}"; do
    echo "== $p catalog, $p queries (load $(load))" | tee -a "$OUT/quality.txt"
    "$L" eval --db "$OUT/test-$p.db" --precision "$p" 2>> "$OUT/quality.log" | tee -a "$OUT/quality.txt"
    "$L" eval --db "$OUT/test-$p.db" --shopper "$SHOPPER" --precision "$p" 2>> "$OUT/quality.log" | tee -a "$OUT/quality.txt"
  done
  echo "== f32 catalog, int8 queries (load $(load))" | tee -a "$OUT/quality.txt"
  "$L" eval --db "$OUT/test-f32.db" --shopper "$SHOPPER" --precision int8 2>> "$OUT/quality.log" | tee -a "$OUT/quality.txt"
fi
