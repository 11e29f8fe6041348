"""Per-query cost of each method's query-side work, on arrays of the real shapes (60k catalog).

    python time_ops.py [--n 60000] [--reps 30]

Single query at a time, numpy/OpenBLAS on this machine (2 cores, shared: absolute numbers are
inflated by other load; the ratio to 'plain 1280-d cosine search' is the useful figure).
Forward-pass costs (TTA) are measured separately with the OpenVINO model (batch 1, bf16 hint).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import methods as M  # noqa: E402
import qlib  # noqa: E402
from qlib import l2n  # noqa: E402


def med(fn, reps):
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    return 1000 * float(np.min(ts))  # min: least disturbed by other load on the shared cores


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=60000)
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--forward", action="store_true", help="also time the model's forward pass (batch 1)")
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    res = {}
    db = {d: l2n(rng.random((a.n, d), dtype=np.float32)) for d in (1280, 1290, 512, 266, 256)}
    q = {d: l2n(rng.random((1, d), dtype=np.float32)) for d in db}
    for d in db:
        res[f"search {d}-d cosine top100"] = med(lambda d=d: qlib.topk_search(q[d], db[d], 100), a.reps)
    plain = res["search 1280-d cosine top100"]
    P = rng.random((1280, 256), dtype=np.float32)
    x = rng.random((1, 1280), dtype=np.float32)
    res["projection 1280->256 (wcw/pcaw)"] = med(lambda: l2n(x @ P), a.reps * 10)
    W = rng.random((1280, 10), dtype=np.float32)
    res["probe 1280->10 softmax"] = med(lambda: np.exp(np.clip(x @ W, -50, 50)), a.reps * 10)
    fm = rng.random((1, 1280, 7, 7), dtype=np.float32)
    res["pooling avg (1x1280x7x7)"] = med(lambda: fm.mean((2, 3)), a.reps * 10)
    res["pooling GeM p=3"] = med(lambda: np.cbrt((fm ** 3).mean((2, 3))), a.reps * 10)
    idx, sc = qlib.topk_search(q[1280], db[1280], 100)
    res["aQE k=3 (expand + 2nd search)"] = med(
        lambda: qlib.topk_search(M.alpha_qe(q[1280], db[1280], idx, 3, 3.0), db[1280], 100), a.reps)
    knn_i = rng.integers(0, a.n, (a.n, 20))
    knn_s = np.sort(rng.random((a.n, 20), dtype=np.float32), 1)[:, ::-1]
    res["kRR rerank of top100 (k1=20), python"] = med(
        lambda: M.kreciprocal_rerank(q[1280], db[1280], idx, sc, knn_i, knn_s, 20, 6, 0.3, 100), a.reps)
    if a.forward:
        for size in (160, 224, 320):
            m = qlib.Model(size, 1)
            xin = rng.random((1, 3, size, size), dtype=np.float32)
            m(xin)
            res[f"forward pass {size}px batch1 (bf16 hint)"] = med(lambda m=m: m(xin), 10)
    for k, v in res.items():
        line = {"op": k, "ms": round(v, 3), "rel_to_plain_search": round(v / plain, 3)}
        print(json.dumps(line))
        with open(f"{qlib.QDATA}/timing_ops.jsonl", "a") as f:
            f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
