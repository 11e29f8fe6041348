"""HNSW baseline: faiss IndexHNSWFlat on the same synthetic vectors as `HNSWBenchmark` (Swift).

    python bench/hnsw_baselines.py [--sizes 100000,1000000] [--dim 1280] [--M 32]
        [--ef-construction 40] [--ef-search 16,32,64,128,256] [--queries 200]
        [--recipe latent|isotropic] [--clusters 1000] [--noise X] [--latent-dim 32] [--spread 0.5]
        [--seed 42] [--metric l2|ip] [--storage f32|f16] [--build-threads N] [--checksum ROWS]

Needs numpy and faiss-cpu (pinned: faiss-cpu==1.15.1).

Vectors: the recipes of Search/Benchmark/SyntheticVectors.swift, reimplemented with numpy in
synthetic_vectors.py (SplitMix64 streams, one per row, so every row is the same float32 bits as on the
Swift side unless a libm differs in the last bit of a Box-Muller draw; --checksum ROWS prints what
`lookalike bench search --index hnsw --checksum ROWS` prints when they agree). Default recipe: latent
(clustered, intrinsic dimension 32, randomly projected to dim, noise 0.2); isotropic is the older
near-uniform one (noise 1). Queries come from the same distribution on their own streams.

Measures, per size: build time (wall, and process CPU seconds) of IndexHNSWFlat.add with all threads (vectors generated and
added in chunks, generation not timed), then per efSearch: one query at a time on one thread
(omp_set_num_threads(1)), p50/p99 latency (wall) and p50 of the thread's CPU time, and recall@10 against exact float32 inner product
(brute force, streamed over the same chunks), and the index's memory per vector.
The vectors are unit length, so --metric l2 (default, faiss's usual HNSW path) and ip give the
same ordering as Lookalike's cosine.

Prints one JSON object per line, in the key order of HNSWBenchmarkResult.jsonLine:
  {"engine":"faiss-hnsw","storage":"f32","n":...,"dim":...,"M":32,"efConstruction":40,
   "efSearch":...,"build_threads":...,"build_s":...,"build_cpu_s":...,"p50_ms":...,"p99_ms":...,
   "p50_cpu_ms":...,"recall_at_10":...,"bytes_per_vector":...}
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

from synthetic_vectors import SyntheticVectors, checksum


def run(args: argparse.Namespace) -> None:
    import faiss

    data = synthetic(args)
    xq = data.queries(args.queries)
    metric = faiss.METRIC_L2 if args.metric == "l2" else faiss.METRIC_INNER_PRODUCT
    for n in args.sizes:
        if args.storage == "f16":  # "HNSW32,SQfp16": the f16 twin of IndexHNSWFlat (for sizes f32 cannot hold)
            index = faiss.IndexHNSWSQ(args.dim, faiss.ScalarQuantizer.QT_fp16, args.M, metric)
        else:
            index = faiss.IndexHNSWFlat(args.dim, args.M, metric)
        index.hnsw.efConstruction = args.ef_construction
        truth_scores = np.full((args.queries, args.k), -np.inf, dtype=np.float32)
        truth_rows = np.full((args.queries, args.k), -1, dtype=np.int64)
        build = build_cpu = 0.0
        for start in range(0, n, args.chunk):
            chunk = data.vectors(start, min(n, start + args.chunk))
            faiss.omp_set_num_threads(args.build_threads)
            began, began_cpu = time.perf_counter(), time.process_time()
            index.add(chunk)
            build += time.perf_counter() - began
            build_cpu += time.process_time() - began_cpu
            scores, rows = faiss.knn(xq, chunk, args.k, metric=faiss.METRIC_INNER_PRODUCT)
            scores = np.concatenate([truth_scores, scores], axis=1)
            rows = np.concatenate([truth_rows, rows + start], axis=1)
            order = np.argsort(-scores, axis=1, kind="stable")[:, : args.k]
            truth_scores = np.take_along_axis(scores, order, axis=1)
            truth_rows = np.take_along_axis(rows, order, axis=1)
            print(f"n={n}: {min(n, start + args.chunk)} rows, build {build:.1f} s, cpu {build_cpu:.1f} s",
                  file=sys.stderr, flush=True)
        hnsw = index.hnsw
        memory = (index.ntotal * args.dim * (2 if args.storage == "f16" else 4) + hnsw.neighbors.size() * 4 + hnsw.offsets.size() * 8
                  + hnsw.levels.size() * 4)
        faiss.omp_set_num_threads(1)
        for ef in args.ef_search:
            hnsw.efSearch = ef
            index.search(xq[:1], args.k)  # warm-up
            times, cpu_times, found = [], [], []
            for query in range(args.queries):
                began, began_cpu = time.perf_counter(), time.thread_time()
                _, rows = index.search(xq[query : query + 1], args.k)
                times.append((time.perf_counter() - began) * 1e3)
                cpu_times.append((time.thread_time() - began_cpu) * 1e3)
                found.append(rows[0])
            recall = np.mean([len(set(f.tolist()) & set(t.tolist())) / args.k for f, t in zip(found, truth_rows)])
            times.sort()
            cpu_times.sort()
            line = {
                "engine": "faiss-hnsw", "storage": args.storage, "n": n, "dim": args.dim, "M": args.M,
                "efConstruction": args.ef_construction, "efSearch": ef, "build_threads": args.build_threads,
                "build_s": round(build, 2), "build_cpu_s": round(build_cpu, 2),
                "p50_ms": round(percentile(times, 0.5), 3), "p99_ms": round(percentile(times, 0.99), 3),
                "p50_cpu_ms": round(percentile(cpu_times, 0.5), 3), "recall_at_10": round(float(recall), 4),
                "bytes_per_vector": round(memory / n, 1),
            }
            print(json.dumps(line, separators=(",", ":")), flush=True)
        del index


def synthetic(args: argparse.Namespace) -> SyntheticVectors:
    """The generator the arguments describe (noise: the recipe's default unless given)."""
    noise = args.noise if args.noise is not None else (0.2 if args.recipe == "latent" else 1.0)
    return SyntheticVectors(args.dim, args.clusters, args.seed, noise, args.recipe, args.latent_dim, args.spread)


def percentile(ordered: list[float], fraction: float) -> float:
    """The same nearest-rank percentile as SearchBenchmark.percentile."""
    position = min(len(ordered) - 1, int(round((len(ordered) - 1) * fraction)))
    return ordered[position]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ints = lambda text: [int(item) for item in text.split(",") if item]  # noqa: E731
    parser.add_argument("--sizes", type=ints, default=[100_000, 1_000_000])
    parser.add_argument("--dim", type=int, default=1280)
    parser.add_argument("--M", type=int, default=32)
    parser.add_argument("--ef-construction", type=int, default=40)
    parser.add_argument("--ef-search", type=ints, default=[16, 32, 64, 128, 256])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--clusters", type=int, default=1000)
    parser.add_argument("--recipe", choices=["latent", "isotropic"], default="latent")
    parser.add_argument("--noise", type=float, default=None, help="default: 0.2 for latent, 1 for isotropic")
    parser.add_argument("--latent-dim", type=int, default=32)
    parser.add_argument("--spread", type=float, default=0.5)
    parser.add_argument("--checksum", type=int, default=None, help="print a checksum of the first ROWS rows and the queries, and exit")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--metric", choices=["l2", "ip"], default="l2")
    parser.add_argument("--storage", choices=["f32", "f16"], default="f32",
                        help="f16: IndexHNSWSQ with QT_fp16 (5M x 1280 in f32 needs 26 GB)")
    parser.add_argument("--build-threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--chunk", type=int, default=65_536)
    parser.add_argument("--print-row", type=int, default=None, help="print one data row's first values and exit")
    args = parser.parse_args()
    if args.checksum is not None:
        data = synthetic(args)
        print(f"{args.recipe} rows 0..<{args.checksum}: {checksum(data.vectors(0, args.checksum))} "
              f"queries {args.queries}: {checksum(data.queries(args.queries))}")
        return
    if args.print_row is not None:
        data = synthetic(args)
        print(json.dumps([float(x) for x in data.vectors(args.print_row, args.print_row + 1)[0][:8]]))
        return
    run(args)


if __name__ == "__main__":
    main()
