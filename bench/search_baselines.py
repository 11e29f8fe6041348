"""Exact-search baseline: faiss IndexFlatIP on the same synthetic vectors as `SearchBenchmark` (Swift).

    python bench/search_baselines.py [--sizes 10000,100000,1000000] [--dim 1280] [--queries 200]
        [--k 10] [--batch 32] [--threads 1,all] [--clusters 256] [--noise 1] [--seed 42]
        [--seconds 20]

Needs numpy and faiss-cpu (pinned: faiss-cpu==1.15.1).

Vectors: the recipe of Sources/Search/Benchmark/SyntheticVectors.swift, vectorised with numpy.
`clusters` centroids drawn from a standard normal (Box-Muller on a SplitMix64 stream) and
normalised; row r uses its own SplitMix64 stream (state = seed + r * golden): the first draw
picks a centroid, the next `dim` draws add uniform noise in +-noise*sqrt(3/dim) per coordinate,
then the row is normalised. Queries use the same recipe on a separate stream. The rows match
the Swift ones to float32 rounding (summation order differs), which is all a timing needs.

Measures, per size and thread count: one query at a time (p50/p99 latency over `--queries`
queries or `--seconds`, whichever ends first), throughput with `--batch` queries per call
(faiss switches to BLAS from 20 queries per call), and index memory per vector.

Prints one JSON object per line, in the key order of SearchBenchmarkResult.jsonLine:
  {"engine":"faiss-flatip","storage":"f32","n":...,"dim":...,"threads":...,"p50_ms":...,
   "p99_ms":...,"qps":...,"bytes_per_vector":...}
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

from synthetic_vectors import SyntheticVectors

CHUNK = 8192


def percentile(sorted_values: list[float], fraction: float) -> float:
    position = min(len(sorted_values) - 1, int(round((len(sorted_values) - 1) * fraction)))
    return sorted_values[position]


def measure(index, queries: np.ndarray, k: int, batch: int, seconds: float) -> tuple[float, float, float]:
    """p50 and p99 one-query latency (ms), and queries per second with `batch` queries per call."""
    index.search(queries[:1], k)  # warm-up
    times: list[float] = []
    started = time.perf_counter()
    for row in range(len(queries)):
        begin = time.perf_counter()
        index.search(queries[row:row + 1], k)
        end = time.perf_counter()
        times.append((end - begin) * 1000)
        if len(times) >= 10 and end - started > seconds:
            break
    times.sort()
    done, position = 0, 0
    started = time.perf_counter()
    while True:
        rows = [(position + i) % len(queries) for i in range(batch)]
        position = (position + batch) % len(queries)
        index.search(queries[rows], k)
        done += batch
        elapsed = time.perf_counter() - started
        if elapsed >= min(2.0, seconds) or done >= 4 * len(queries):
            break
    return percentile(times, 0.5), percentile(times, 0.99), done / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--dim", type=int, default=1280)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", default="1,all", help="comma-separated thread counts; 'all' = every core")
    parser.add_argument("--clusters", type=int, default=256)
    parser.add_argument("--noise", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--seconds", type=float, default=20.0, help="time budget of each latency loop")
    args = parser.parse_args()

    try:
        import faiss
    except ImportError:
        print("faiss is not installed: pip install faiss-cpu==1.15.1", file=sys.stderr)
        return 2

    cores = os.cpu_count() or 1
    thread_counts = sorted({cores if t == "all" else int(t) for t in args.threads.split(",")})
    data = SyntheticVectors(args.dim, args.clusters, args.seed, args.noise)
    queries = np.ascontiguousarray(data.queries(args.queries))
    for size in (int(s) for s in args.sizes.split(",")):
        index = faiss.IndexFlatIP(args.dim)
        for start in range(0, size, CHUNK):
            index.add(np.ascontiguousarray(data.vectors(start, min(size, start + CHUNK))))
        bytes_per_vector = index.ntotal * index.d * 4 / max(1, size)  # IndexFlat: the float32 codes
        for threads in thread_counts:
            faiss.omp_set_num_threads(threads)
            p50, p99, qps = measure(index, queries, args.k, args.batch, args.seconds)
            print(json.dumps({
                "engine": "faiss-flatip", "storage": "f32", "n": size, "dim": args.dim, "threads": threads,
                "p50_ms": round(p50, 3), "p99_ms": round(p99, 3), "qps": round(qps, 1),
                "bytes_per_vector": round(bytes_per_vector, 1),
            }, separators=(",", ":")), flush=True)
        del index
    return 0


if __name__ == "__main__":
    sys.exit(main())
