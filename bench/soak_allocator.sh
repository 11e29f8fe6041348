#!/usr/bin/env bash
# Server memory under a steady load, with and without the malloc settings of deploy/lookalike.service, side by side.
#
#   bench/soak_allocator.sh [SECONDS]      (default 900)
#
# Starts two servers of the same binary on copies of the hardening catalog (`make hardening` makes it:
# artifacts/hardening/catalog/base.db): A with glibc's defaults, B with the unit's
# GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1048576:glibc.malloc.arena_max=4. tools/hardening/soak.py drives each with 8
# clients for SECONDS while sampling its RSS; results in /tmp/lookalike-soak-allocator/{a,b}/soak.json.
# Environment: LOOKALIKE (binary, default .build/release/lookalike).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LOOKALIKE=${LOOKALIKE:-$ROOT/.build/release/lookalike}
SECONDS_=${1:-900}
OUT=/tmp/lookalike-soak-allocator
BASE=$ROOT/artifacts/hardening/catalog
[ -f "$BASE/base.db" ] || { echo "error: $BASE/base.db missing: run make hardening PARTS=soak once" >&2; exit 1; }
rm -rf "$OUT"; mkdir -p "$OUT/a" "$OUT/b"
for d in a b; do cp "$BASE/base.db" "$OUT/$d/catalog.db"; cp -r "$BASE/base-images" "$OUT/$d/catalog-images"; done
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(nproc) cores;" \
  "$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_bf16|avx512_vnni|amx_tile)$' | xargs)"
export LOOKALIKE_MODELS=$ROOT/models
env -u GLIBC_TUNABLES "$LOOKALIKE" serve --db "$OUT/a/catalog.db" --port 47101 --rate-limit 0 > "$OUT/a/server.log" 2>&1 &
PA=$!
GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1048576:glibc.malloc.arena_max=4 "$LOOKALIKE" serve --db "$OUT/b/catalog.db" --port 47102 --rate-limit 0 > "$OUT/b/server.log" 2>&1 &
PB=$!
trap 'kill $PA $PB 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -s --noproxy '*' -o /dev/null http://127.0.0.1:47101/readyz && curl -s --noproxy '*' -o /dev/null http://127.0.0.1:47102/readyz && break
  sleep 1
done
cd "$ROOT/tools/hardening"
"$ROOT/.venv/bin/python" soak.py --url http://127.0.0.1:47101 --pid $PA --seconds "$SECONDS_" --concurrency 8 --out "$OUT/a" > "$OUT/a/soak.log" 2>&1 &
SA=$!
"$ROOT/.venv/bin/python" soak.py --url http://127.0.0.1:47102 --pid $PB --seconds "$SECONDS_" --concurrency 8 --out "$OUT/b" > "$OUT/b/soak.log" 2>&1 &
SB=$!
wait $SA $SB || true
for d in a b; do echo "$d: $("$ROOT/.venv/bin/python" -c "import json; print(json.load(open('$OUT/$d/soak.json'))['summary'])")"; done
