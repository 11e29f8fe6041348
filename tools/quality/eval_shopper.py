"""Shopper-photo evaluation: exact-item recall@1/@10 and category P@10.

    python eval_shopper.py --name sh_eval --manifest $QDATA/shopper_eval/manifest.csv [--json CFGS]

Catalog = Fashion-MNIST test (10k, descriptors $QDATA/test_s224_POOL.npy), which contains every
depicted item; queries = the photos (descriptors from shopper_extract.py, $QDATA/NAME_VARIANT_POOL.npy).
Learned projections (PCA-whitening, within-class whitening, LDA, probe) are fitted on Fashion-MNIST
TRAIN (60k, disjoint from the depicted items) and applied to the test catalog and the photos.
A config is eval_class's config plus 'q': the query variant(s) ('+'-joined variants are averaged
after L2, e.g. 'salc+salcflip'), and optional 'cat_tta' (catalog-side 'flip' average).
Appends JSON lines to $QDATA/results_shopper.jsonl.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import eval_class as E  # noqa: E402
import qlib  # noqa: E402
from qlib import l2n  # noqa: E402


def query_desc(name, q, pool):
    parts = [np.load(f"{qlib.QDATA}/{name}_{v}_{pool}.npy") for v in q.split("+")]
    if len(parts) == 1:
        return parts[0]
    return np.mean([l2n(p) for p in parts], 0)


def run(cfg, name, targets, qlab, ytr, yte, timing=False):
    t0 = time.time()
    pl = E.Pipeline(cfg, ytr)
    cat = E.descriptor("test", cfg.get("pool", "avg"), cfg.get("cat_tta", "none"))
    pl.set_catalog(cat)
    fit = time.time() - t0
    X = query_desc(name, cfg["q"], cfg.get("pool", "avg"))
    idx = pl.search(pl.query_vectors(X), 100)
    r = qlib.item_recall(idx, targets)
    cm = qlib.class_metrics(idx, qlab, yte)
    return {"R@1": round(float(r["R@1"]), 4), "R@10": round(float(r["R@10"]), 4),
            "catP@10": round(float(cm["P@10"]), 4), "catP@1": round(float(cm["P@1"]), 4), "fit_s": round(fit, 1)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--json", required=True, help="JSON dict name -> cfg")
    ap.add_argument("--tag", default="")
    a = ap.parse_args()
    with open(a.manifest) as f:
        rows = list(csv.DictReader(f))
    targets = np.array([int(r["id"].split("-")[1]) for r in rows])
    qlab = np.array([qlib.CLASSES.index(r["articleType"]) for r in rows])
    _, ytr = qlib.load_fmnist("train")
    _, yte = qlib.load_fmnist("test")
    ytr, yte = ytr.astype(np.int64), yte.astype(np.int64)
    assert (yte[targets] == qlab).all()
    for cname, cfg in json.loads(a.json).items():
        for key in ("qe", "dba", "krr"):
            if key in cfg:
                cfg[key] = tuple(cfg[key])
        res = run(cfg, a.name, targets, qlab, ytr, yte)
        line = {"name": cname, "tag": a.tag, "set": a.name, "n": len(rows), "cfg": cfg, **res}
        print(json.dumps(line), flush=True)
        with open(f"{qlib.QDATA}/results_shopper.jsonl", "a") as f:
            f.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
