#!/usr/bin/env bash
# Compares Lookalike's embedding throughput with the Python runtimes.
#
#   bench/compare_embed.sh MODEL_DIR [--repeat 3] [--seconds 5] [--batches 1,32] [--threads N]
#
# Each repeat runs bench/embed_baselines.py and `lookalike bench embed --model
# MODEL_DIR --json` (both print one JSON object per line), alternating which
# goes first, then prints per runtime, precision and batch the median over the
# repeats of images/s (from each line's median_ms_per_batch when it has one, else
# ms_per_batch), and the ratios lookalike / openvino-python bf16 and
# lookalike / onnxruntime f32. Lookalike's figures run on to pooled vectors (of the
# model's default layers; LOOKALIKE_BENCH_ARGS="--layers final" for the head alone).
# Environment: LOOKALIKE (binary, default .build/release/lookalike),
# LOOKALIKE_BENCH_ARGS (extra arguments for it), PYTHON (default .venv/bin/python).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: $0 MODEL_DIR [--repeat N] [--seconds S] [--batches 1,32] [--threads N]" >&2; exit 2; }
[ $# -ge 1 ] || usage
MODEL_DIR=$1; shift
REPEAT=3; BASELINE_ARGS=()
while [ $# -gt 0 ]; do
  case $1 in
    --repeat) REPEAT=${2:?}; shift 2 ;;
    --seconds|--batches|--threads) BASELINE_ARGS+=("$1" "${2:?}"); shift 2 ;;
    *) usage ;;
  esac
done
[ -f "$MODEL_DIR/manifest.json" ] || { echo "error: $MODEL_DIR/manifest.json not found" >&2; exit 1; }

PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
LOOKALIKE=${LOOKALIKE:-$ROOT/.build/release/lookalike}
read -r -a LOOKALIKE_EXTRA <<< "${LOOKALIKE_BENCH_ARGS:-}"

results=$(mktemp)
trap 'rm -f "$results"' EXIT

run_baselines() {
  echo "--> python baselines" >&2
  "$PYTHON" "$ROOT/bench/embed_baselines.py" --model-dir "$MODEL_DIR" ${BASELINE_ARGS[@]+"${BASELINE_ARGS[@]}"} | tee -a "$results" >&2
}
run_lookalike() {
  if [ ! -x "$LOOKALIKE" ]; then
    echo "--> skipping lookalike: $LOOKALIKE not built (swift build -c release)" >&2
    return 0
  fi
  echo "--> lookalike bench embed" >&2
  # Only its JSON lines are kept; anything else it prints is shown, not parsed.
  "$LOOKALIKE" bench embed --model "$MODEL_DIR" --json ${LOOKALIKE_EXTRA[@]+"${LOOKALIKE_EXTRA[@]}"} \
    | tee /dev/stderr | grep '^{' >> "$results" || echo "warning: lookalike bench failed" >&2
}

for ((i = 1; i <= REPEAT; i++)); do
  echo "== repeat $i/$REPEAT" >&2
  if ((i % 2)); then run_baselines; run_lookalike; else run_lookalike; run_baselines; fi
done

"$PYTHON" - "$results" <<'PY'
"""Medians over repeats per (runtime, precision, batch), and the lookalike ratios."""
import json
import statistics
import sys
from collections import defaultdict

samples = defaultdict(list)
for line in open(sys.argv[1]):
    try:
        row = json.loads(line)
        # Lookalike's lines name their layer selection: keep selections apart.
        runtime = row["runtime"] + (f"[{row['layers']}]" if row.get("layers") else "")
        key = (runtime, row["precision"], int(row["batch"]))
        # Per-run medians when the line has them (robust to other load), else means.
        ms = float(row.get("median_ms_per_batch", row["ms_per_batch"]))
        samples[key].append((key[2] * 1000.0 / ms, ms))
    except (ValueError, KeyError, TypeError):
        continue  # not a result line
if not samples:
    sys.exit("error: no results")

median = {k: statistics.median(s[0] for s in v) for k, v in samples.items()}
print(f"\n{'runtime':18} {'precision':9} {'batch':>5} {'images/s':>10} {'ms/batch':>10} {'n':>3}")
for key in sorted(samples):
    runtime, precision, batch = key
    ms = statistics.median(s[1] for s in samples[key])
    print(f"{runtime:18} {precision:9} {batch:5d} {median[key]:10.1f} {ms:10.2f} {len(samples[key]):3d}")

print("\nratios of median images/s (higher is better for lookalike)")
for batch in sorted({k[2] for k in samples}):
    ours = [k for k in samples if k[0].startswith("lookalike") and k[2] == batch]
    if not ours:
        print(f"batch {batch:3d}: no lookalike results")
    for key in sorted(ours):
        parts = []
        for runtime, precision in (("openvino-python", "bf16"), ("onnxruntime", "f32")):
            base = median.get((runtime, precision, batch))
            ratio = f"{median[key] / base:.2f}" if base else "n/a"
            parts.append(f"{key[0]}-{key[1]} / {runtime}-{precision} = {ratio}")
        print(f"batch {batch:3d}: " + ", ".join(parts))
PY
