"""Single-query latency of each query-side pipeline (after the forward pass), catalog = 60k train.

    python time_methods.py --json CFGS [--queries 40] [--rounds 5]

Every config's Pipeline is built once; then `rounds` rounds, each timing every config on the same
`queries` test queries one at a time (interleaved, so machine load hits all alike). Reports the
minimum over rounds of the per-round median (ms) and the ratio to the config named 'plain'
(which should be {"pool":"avg"}: 1280-d cosine, exact search). numpy/OpenBLAS, 2 threads.
Appends to $QDATA/timing.jsonl.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eval_class as E  # noqa: E402
import qlib  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    _, ytr = qlib.load_fmnist("train")
    ytr = ytr.astype(np.int64)
    C = json.loads(a.json)
    pls, Xq = {}, {}
    for n, c in C.items():
        for key in ("qe", "dba", "krr"):
            if key in c:
                c[key] = tuple(c[key])
        pls[n] = E.Pipeline(c, ytr)
        Xq[n] = E.descriptor("test", c.get("pool", "avg"), "none")[:a.queries]
    res = {n: [] for n in C}
    for _ in range(a.rounds):
        for n, pl in pls.items():
            ts = []
            for i in range(a.queries):
                t = time.perf_counter()
                pl.search(pl.query_vectors(Xq[n][i:i + 1]), 100)
                ts.append(time.perf_counter() - t)
            res[n].append(float(np.median(ts)) * 1000)
    base = min(res["plain"]) if "plain" in res else None
    for n in C:
        ms = min(res[n])
        line = {"name": n, "cfg": C[n], "ms_q": round(ms, 2), "rel": round(ms / base, 2) if base else None,
                "rounds": [round(v, 2) for v in res[n]]}
        print(json.dumps(line), flush=True)
        with open(f"{qlib.QDATA}/timing.jsonl", "a") as f:
            f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
