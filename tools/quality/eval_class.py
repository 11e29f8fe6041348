"""Category retrieval on Fashion-MNIST: catalog = train (60k), queries = test (10k), label = class.

    python eval_class.py [--queries N] [--only NAME,...] [--tag TAG]

Reads the cached descriptors from $QDATA (made by extract_features.py), runs every configuration
in CONFIGS (or --only), prints one line each and appends JSON lines to $QDATA/results_class.jsonl.
Metrics: P@1, P@10, mAP@100 (AP over the top 100 / min(100, R)) and mAP@100f (AP / relevant found).
Cost: single-query latency (one query at a time, numpy, 2 cores) of the whole query-side
pipeline after the forward pass: projection + search + re-ranking, and its ratio to the plain
1280-d cosine search; extra forward passes (TTA) are listed separately.
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

Q = qlib.QDATA
M._KNN_CACHE_DIR = Q
_cache = {}


def load(name):
    if name not in _cache:
        _cache[name] = np.load(f"{Q}/{name}.npy").astype(np.float32)
    return _cache[name]


def descriptor(split, pool, tta="none"):
    """split 'train'|'test'. tta: none | flip | ms (scales 160,224,320) | msflip."""
    base = load(f"{split}_s224_{pool}")
    if tta == "none":
        return base
    parts = [l2n(base)]
    if "flip" in tta:
        parts.append(l2n(load(f"{split}_s224_flip_{pool}")))
    if tta.startswith("ms"):
        parts += [l2n(load(f"{split}_s160_{pool}")), l2n(load(f"{split}_s320_{pool}"))]
    return np.mean(parts, 0)


_FITS = {}


def fitted(kind, c, X, y, make):
    """In-process memo of fitted projections (so blend-weight sweeps fit once)."""
    key = (kind, c.get("pool", "avg"), c.get("tta_db", "none"), c.get("power"), c.get("dims"),
           c.get("beta", 0.5), c.get("shrink", 0.1), c.get("reg", 1e-4), c.get("iters", 300), X.shape)
    if key not in _FITS:
        path = f"{Q}/probe_{key[1]}_{key[2]}_{key[3]}_{key[7]}_{key[8]}_{X.shape[0]}.npz"
        if kind == "probe" and os.path.exists(path):
            z = np.load(path)
            pr = M.SoftmaxProbe.__new__(M.SoftmaxProbe)
            pr.W, pr.b, pr.mu, pr.sd = z["W"], z["b"], z["mu"], z["sd"]
            _FITS[key] = pr
        else:
            _FITS[key] = make()
            if kind == "probe":
                pr = _FITS[key]
                np.savez(path, W=pr.W, b=pr.b, mu=pr.mu, sd=pr.sd)
    return _FITS[key]


class Pipeline:
    """cfg keys: pool, metric (cos|l2), power (None|alpha), proj (None|pcaw|wcw|lda|probe),
    dims, beta, blend (w for lda/probe blends), qe (k,alpha), dba (k,alpha), krr (k1,k2,lam),
    tta_q (query-side TTA), tta_db (catalog-side TTA)."""

    def __init__(self, cfg, ytrain):
        self.cfg = cfg
        c = cfg
        X = descriptor("train", c.get("pool", "avg"), c.get("tta_db", "none"))
        X = self.pre(X)
        self.proj = None
        p = c.get("proj")
        if p == "pcaw":
            self.proj = fitted("pcaw", c, X, ytrain, lambda: M.PCAWhiten(X, c.get("dims"), c.get("beta", 0.5)))
        elif p == "wcw":
            self.proj = fitted("wcw", c, X, ytrain,
                               lambda: M.WithinClassWhiten(X, ytrain, c.get("dims"), c.get("shrink", 0.1)))
        elif p == "lda":
            lda = fitted("lda", c, X, ytrain, lambda: M.LDA(X, ytrain, c.get("dims"), c.get("shrink", 0.1)))
            w = c.get("blend")
            self.proj = (lambda x, lda=lda, w=w: M.blend(x, lda(x), w)) if w is not None else lda
        elif p == "probe":
            pr = fitted("probe", c, X, ytrain,
                        lambda: M.SoftmaxProbe(X, ytrain, c.get("reg", 1e-4), c.get("iters", 300)))
            w = c.get("blend")
            self.proj = lambda x, pr=pr, w=w: M.blend(x, pr.probs(x), w)
        elif p in ("wcw+probe", "pcaw+probe", "pow+probe"):
            pr = fitted("probe", c, X, ytrain,
                        lambda: M.SoftmaxProbe(X, ytrain, c.get("reg", 1e-4), c.get("iters", 300)))
            if p == "wcw+probe":
                base = fitted("wcw", c, X, ytrain,
                              lambda: M.WithinClassWhiten(X, ytrain, c.get("dims"), c.get("shrink", 0.1)))
            elif p == "pcaw+probe":
                base = fitted("pcaw", c, X, ytrain, lambda: M.PCAWhiten(X, c.get("dims"), c.get("beta", 0.5)))
            else:
                base = l2n
            w = c["blend"]
            self.proj = lambda x, pr=pr, base=base, w=w: M.blend(base(x), pr.probs(x), w)
            self.probe = pr
        elif p == "pcaw+lda":
            pw = M.PCAWhiten(X, c.get("dims"), c.get("beta", 0.5))
            Xw = pw(X)
            lda = M.LDA(Xw, ytrain, None, c.get("shrink", 0.1))
            w = c["blend"]
            self.proj = lambda x, pw=pw, lda=lda, w=w: M.blend(pw(x), lda(pw(x)), w)
        self.set_catalog(X, prepped=True)

    def set_catalog(self, X, prepped=False):
        """Index catalog descriptors X (raw pooled unless prepped); the projection stays as fitted."""
        c = self.cfg
        self.db = self.post(X if prepped else self.pre(X))
        self.metric = c.get("metric", "cos")
        if c.get("dba") or c.get("krr"):
            k = max(c.get("dba", (0, 0))[0], c.get("krr", (20,))[0] if c.get("krr") else 0)
            self.knn = M.db_knn(self.db, max(k, 1))
        if c.get("dba"):
            k, a = c["dba"]
            self.db = M.dba(self.db, self.knn[0], self.knn[1], k, a)
            if c.get("krr"):
                self.knn = M.db_knn(self.db, c["krr"][0])

    def pre(self, X):
        c = self.cfg
        if c.get("power"):
            X = M.power_norm(X, c["power"])
        return l2n(X) if self.cfg.get("metric", "cos") == "cos" or c.get("proj") else X

    def post(self, X):
        return self.proj(X) if self.proj is not None else X

    def query_vectors(self, Xq):
        return self.post(self.pre(Xq))

    def search(self, q, k=100):
        c = self.cfg
        mt = "l2" if self.metric == "l2" and not c.get("proj") else "ip"
        kk = max(k, c.get("krr", (0, 0, 0, 100))[3] if c.get("krr") and len(c["krr"]) > 3 else k)
        idx, sc = qlib.topk_search(q, self.db, kk, mt)
        if c.get("qe"):
            kq, a = c["qe"]
            q = M.alpha_qe(q, self.db, idx, kq, a)
            idx, sc = qlib.topk_search(q, self.db, kk, mt)
        if c.get("krr"):
            k1, k2, lam = c["krr"][:3]
            idx = M.kreciprocal_rerank(q, self.db, idx, sc, self.knn[0], self.knn[1], k1, k2, lam, top=kk)
        return idx[:, :k]


def run(cfg, ytrain, ytest, nq=None, timing=True):
    t0 = time.time()
    pl = Pipeline(cfg, ytrain)
    fit_s = time.time() - t0
    Xq = descriptor("test", cfg.get("pool", "avg"), cfg.get("tta_q", "none"))
    sel = np.arange(len(Xq)) if not nq else np.arange(0, len(Xq), len(Xq) // nq)[:nq]
    q = pl.query_vectors(Xq[sel])
    idx = pl.search(q)
    m = qlib.class_metrics(idx, ytest[sel], ytrain)
    res = {k: round(float(v), 4) for k, v in m.items()}
    res["fit_s"] = round(fit_s, 1)
    if timing:
        ts = []
        for i in sel[:60]:
            t = time.perf_counter()
            pl.search(pl.query_vectors(Xq[i:i + 1]), 100)
            ts.append(time.perf_counter() - t)
        res["ms_q"] = round(1000 * float(np.median(ts[10:])), 2)
    res["dim"] = int(pl.db.shape[1])
    return res


def configs():
    C = {}
    C["orig max l2"] = dict(pool="max", metric="l2")
    C["product avg cos"] = dict(pool="avg")
    for p in qlib.POOLS:
        C[f"{p} cos"] = dict(pool=p)
        C[f"{p} l2"] = dict(pool=p, metric="l2")
    for p in ("avg", "gem3"):
        C[f"{p} pow0.5 cos"] = dict(pool=p, power=0.5)
    for p in ("avg", "gem3"):
        for d in (None, 512, 256, 128):
            C[f"{p} pcaw{d or 1280}"] = dict(pool=p, proj="pcaw", dims=d)
            C[f"{p} pow0.5 pcaw{d or 1280}"] = dict(pool=p, power=0.5, proj="pcaw", dims=d)
    return C


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=0, help="evaluate on every (10000/N)-th test query")
    ap.add_argument("--only", default="")
    ap.add_argument("--json", default="", help="a JSON dict name->cfg instead of the built-in list")
    ap.add_argument("--tag", default="")
    ap.add_argument("--no-timing", action="store_true")
    a = ap.parse_args()
    _, ytr = qlib.load_fmnist("train")
    _, yte = qlib.load_fmnist("test")
    ytr, yte = ytr.astype(np.int64), yte.astype(np.int64)
    ytr = ytr[:len(load("train_s224_avg"))]  # a partial catalog while debugging
    C = json.loads(a.json) if a.json else configs()
    if a.only:
        C = {k: v for k, v in C.items() if k in a.only.split(",")}
    for name, cfg in C.items():
        for key in ("qe", "dba", "krr"):
            if key in cfg:
                cfg[key] = tuple(cfg[key])
        r = run(cfg, ytr, yte, a.queries or None, not a.no_timing)
        line = {"name": name, "tag": a.tag, "nq": a.queries or 10000, "cfg": cfg, **r}
        print(json.dumps(line), flush=True)
        with open(f"{Q}/results_class.jsonl", "a") as f:
            f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
