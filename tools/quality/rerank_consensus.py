"""Label-consensus re-ranking on top of the tuned pipeline (GeM3 -> within-class whitening 256 + 0.5 probe -> aQE 10):
each of the first 100 results gains beta x the share of the first m results that carry its label.

    QDATA=... python rerank_consensus.py

Needs the cached descriptors of extract_features.py (train_s224_gem3, test_s224_gem3). Every 5th test query
(2,000) picks (m, beta, cosine-weighted votes or not); the other 8,000 report the chosen setting.
"""
from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eval_class as E  # noqa: E402
import methods as M  # noqa: E402
import qlib  # noqa: E402


def main():
    _, ytr = qlib.load_fmnist("train")
    _, yte = qlib.load_fmnist("test")
    ytr, yte = ytr.astype(np.int64), yte.astype(np.int64)
    cfg = dict(pool="gem3", proj="wcw+probe", dims=256, blend=0.5, qe=(10, 3.0))
    t = time.time()
    pl = E.Pipeline(cfg, ytr)
    print("fit", round(time.time() - t, 1), "s", flush=True)
    q = pl.query_vectors(E.descriptor("test", "gem3"))
    idx, sc = qlib.topk_search(q, pl.db, 100)
    q2 = M.alpha_qe(q, pl.db, idx, 10, 3.0)
    idx, sc = qlib.topk_search(q2, pl.db, 100)
    lab = ytr[idx]

    def rerank(m, beta, alpha):
        w = np.maximum(sc[:, :m], 0) ** alpha
        votes = np.stack([(w * (lab[:, :m] == c)).sum(1) for c in range(10)], 1)
        votes /= np.maximum(votes.sum(1, keepdims=True), 1e-12)
        new = sc + beta * np.take_along_axis(votes, lab, 1)
        return np.take_along_axis(idx, np.argsort(-new, 1, kind="stable"), 1)

    def show(name, ranked, rows):
        m = qlib.class_metrics(ranked[rows], yte[rows], ytr)
        print(name, {k: round(float(v), 4) for k, v in m.items()}, flush=True)
        return m

    val = np.arange(0, 10000, 5)
    rest = np.setdiff1d(np.arange(10000), val)
    best = None
    for m in (10, 20, 50, 100):
        for alpha in (0.0, 3.0):
            for beta in (0.02, 0.05, 0.1, 0.2, 0.5, 1.0):
                v = show(f"validation m={m} alpha={alpha} beta={beta}", rerank(m, beta, alpha), val)
                key = v["P@1"] + v["P@10"] + v["mAP@100"]
                if best is None or key > best[0]:
                    best = (key, m, alpha, beta)
    _, m, alpha, beta = best
    print(f"chosen on validation: m={m} alpha={alpha} beta={beta}")
    show("other 8000, no re-ranking", idx, rest)
    show("other 8000, consensus", rerank(m, beta, alpha), rest)
    show("all 10000, consensus", rerank(m, beta, alpha), np.arange(10000))


if __name__ == "__main__":
    main()
