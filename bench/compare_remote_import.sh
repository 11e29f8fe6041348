#!/usr/bin/env bash
# Import throughput: the same images from local files and from a local HTTP server, side by side.
#
#   bench/compare_remote_import.sh [--count 300] [--repeat 3]
#
# Writes COUNT phone-sized JPEGs (bench/make_large_jpegs.py), a manifest listing them by path and one
# listing them by http://127.0.0.1 URL (served by Python's threading http.server from the same folder), then
# runs `lookalike index` on each into a new catalog, taking turns, REPEAT times. Prints the CPU's features,
# each run's images/s and the medians, and remote / local (the issue's bar: at least 0.80).
# Environment: LOOKALIKE (binary, default .build/release/lookalike), PYTHON (default .venv/bin/python).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOOKALIKE=${LOOKALIKE:-$ROOT/.build/release/lookalike}
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
COUNT=300; REPEAT=3
while [ $# -gt 0 ]; do
  case $1 in
    --count) COUNT=${2:?}; shift 2 ;;
    --repeat) REPEAT=${2:?}; shift 2 ;;
    *) echo "usage: $0 [--count N] [--repeat N]" >&2; exit 2 ;;
  esac
done
WORK=$(mktemp -d /tmp/lookalike-remote-import.XXXXXX)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT

echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(nproc) cores;" \
  "$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_bf16|avx512_vnni|amx_tile)$' | xargs)"
"$PYTHON" "$ROOT/bench/make_large_jpegs.py" --photos "$ROOT/testdata/photos" --out "$WORK/site" --count "$COUNT" >/dev/null
PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$WORK/site" && exec "$PYTHON" -m http.server "$PORT" --bind 127.0.0.1 >/dev/null 2>&1) &
SERVER=$!
for _ in $(seq 1 50); do curl -s --noproxy '*' -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
{ echo "id,image"; (cd "$WORK/site" && ls *.jpg) | while read -r f; do echo "${f%.jpg},$WORK/site/$f"; done; } > "$WORK/local.csv"
{ echo "id,image"; (cd "$WORK/site" && ls *.jpg) | while read -r f; do echo "${f%.jpg},http://127.0.0.1:$PORT/$f"; done; } > "$WORK/remote.csv"

rate() {  # kind run → images/s of one import into a new catalog
  rm -rf "$WORK/$1-$2.db" "$WORK/$1-$2-images"
  "$LOOKALIKE" index "$WORK/$1.csv" --db "$WORK/$1-$2.db" --index exact --json 2>/dev/null \
    | "$PYTHON" -c 'import json,sys; s=json.loads(sys.stdin.read().strip().splitlines()[-1]); print("%.1f" % (s["indexed"] / s["seconds"]))'
}
LOCAL=(); REMOTE=()
for run in $(seq 1 "$REPEAT"); do
  if [ $((run % 2)) -eq 1 ]; then l=$(rate local "$run"); r=$(rate remote "$run"); else r=$(rate remote "$run"); l=$(rate local "$run"); fi
  LOCAL+=("$l"); REMOTE+=("$r")
  echo "run $run: local $l images/s, remote $r images/s (load $(cut -d' ' -f1 /proc/loadavg))"
done
"$PYTHON" - "${LOCAL[*]}" "${REMOTE[*]}" <<'PY'
import statistics, sys
local = [float(x) for x in sys.argv[1].split()]; remote = [float(x) for x in sys.argv[2].split()]
l, r = statistics.median(local), statistics.median(remote)
print(f"median: local {l:.1f} images/s, remote {r:.1f} images/s, remote/local {r / l:.2f}")
PY
