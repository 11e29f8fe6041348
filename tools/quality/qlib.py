"""Shared helpers for the retrieval-quality experiments (issue 5).

Fashion-MNIST loading, the product's preprocessing (resize to 224, RGB, (x-127)/128),
OpenVINO feature extraction (CPU, bf16 hint, like the product), poolings and metrics.
"""
from __future__ import annotations

import gzip
import json
import os
import time

import numpy as np
from PIL import Image

FMNIST_DIR = "/usr/share/datasets/fashion-mnist"
MODEL_DIR = os.environ.get("LOOKALIKE_MODEL_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models", "efficientnet-lite0"))
QDATA = os.environ.get("QDATA", "artifacts/quality")
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def load_fmnist(split: str):
    """split: 'train' or 't10k'/'test' -> (images uint8 [N,28,28], labels uint8 [N])."""
    prefix = "t10k" if split in ("t10k", "test") else "train"
    with gzip.open(f"{FMNIST_DIR}/{prefix}-images-idx3-ubyte.gz") as f:
        raw = f.read()
    n, h, w = np.frombuffer(raw[4:16], dtype=">u4")
    imgs = np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, h, w)
    with gzip.open(f"{FMNIST_DIR}/{prefix}-labels-idx1-ubyte.gz") as f:
        raw = f.read()
    labels = np.frombuffer(raw[8:], dtype=np.uint8)
    return imgs, labels


def manifest():
    with open(f"{MODEL_DIR}/manifest.json") as f:
        return json.load(f)


def to_model_input(img: Image.Image, size: int = 224, fit: str = "crop") -> np.ndarray:
    """PIL image -> float32 [3,size,size] normalised (x-127)/128, RGB.

    fit='crop': scale the shorter side to `size`, centre crop (the manifest's policy,
    libvips thumbnail crop=centre); bicubic as a stand-in for libvips' resampler.
    """
    img = img.convert("RGB")
    w, h = img.size
    s = size / min(w, h)
    nw, nh = max(size, round(w * s)), max(size, round(h * s))
    if (nw, nh) != (w, h):
        img = img.resize((nw, nh), Image.BICUBIC)
    left, top = (nw - size) // 2, (nh - size) // 2
    img = img.crop((left, top, left + size, top + size))
    a = np.asarray(img, dtype=np.float32)
    return ((a - 127.0) / 128.0).transpose(2, 0, 1)


def grey28_to_input(batch: np.ndarray, size: int = 224, flip: bool = False) -> np.ndarray:
    """uint8 [N,28,28] -> float32 [N,3,size,size]."""
    out = np.empty((len(batch), 3, size, size), dtype=np.float32)
    for i, g in enumerate(batch):
        im = Image.fromarray(g, "L").resize((size, size), Image.BICUBIC)
        a = np.asarray(im, dtype=np.float32)
        if flip:
            a = a[:, ::-1]
        out[i] = (a - 127.0) / 128.0
    return out


class Model:
    """OpenVINO compiled EfficientNet-Lite0: returns (feature map [N,1280,h,w], logits [N,1000])."""

    def __init__(self, size: int = 224, batch: int = 32, precision: str = "bf16", threads: int = 2):
        import openvino as ov
        core = ov.Core()
        m = core.read_model(f"{MODEL_DIR}/model.onnx")
        name = m.inputs[0].get_any_name()
        m.reshape({name: [batch, 3, size, size]})
        cfg = {"INFERENCE_PRECISION_HINT": precision, "INFERENCE_NUM_THREADS": threads,
               "PERFORMANCE_HINT": "THROUGHPUT" if batch > 1 else "LATENCY"}
        self.compiled = core.compile_model(m, "CPU", cfg)
        self.req = self.compiled.create_infer_request()
        self.batch, self.size = batch, size
        self.outs = {o.get_any_name(): o for o in self.compiled.outputs}

    def __call__(self, x: np.ndarray):
        n = len(x)
        if n < self.batch:
            x = np.concatenate([x, np.zeros((self.batch - n,) + x.shape[1:], np.float32)])
        r = self.req.infer({0: x})
        fm = r[self.outs["features"]][:n]
        lg = r[self.outs["logits"]][:n]
        return fm, lg


POOLS = ["avg", "max", "gem2", "gem3", "gem4"]


def pool_all(fm: np.ndarray) -> dict:
    """fm [N,C,h,w] (>=0, ReLU6) -> dict of [N,C] float32 descriptors."""
    f = fm.reshape(fm.shape[0], fm.shape[1], -1).astype(np.float32)
    f = np.maximum(f, 1e-6)
    d = {"avg": f.mean(-1), "max": f.max(-1)}
    for p in (2, 3, 4):
        d[f"gem{p}"] = np.power(np.power(f, p).mean(-1), 1.0 / p)
    return d


def l2n(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=axis, keepdims=True), 1e-12)


# ------------------------------------------------------------------ metrics

_NORMS = {}


def topk_search(q: np.ndarray, db: np.ndarray, k: int = 100, metric: str = "ip", chunk: int = 1000,
                exclude_self: bool = False):
    """Exact search. metric 'ip' (vectors should be normalised for cosine) or 'l2'.
    Returns (indices [Nq,k], scores [Nq,k]) best first (scores: similarity; for l2 negative sq dist)."""
    idx = np.empty((len(q), k), dtype=np.int64)
    sc = np.empty((len(q), k), dtype=np.float32)
    dbn = None
    if metric == "l2":
        key = (id(db), db.shape)
        if key not in _NORMS:
            _NORMS.clear()
            _NORMS[key] = (db * db).sum(1)
        dbn = _NORMS[key]
    for s in range(0, len(q), chunk):
        qs = q[s:s + chunk]
        sim = qs @ db.T
        if metric == "l2":
            sim = 2 * sim - dbn[None, :]
        if exclude_self:
            r = np.arange(s, s + len(qs))
            sim[np.arange(len(qs)), r] = -np.inf
        part = np.argpartition(-sim, k, axis=1)[:, :k]
        ps = np.take_along_axis(sim, part, 1)
        o = np.argsort(-ps, axis=1)
        idx[s:s + chunk] = np.take_along_axis(part, o, 1)
        sc[s:s + chunk] = np.take_along_axis(ps, o, 1)
    return idx, sc


def class_metrics(idx: np.ndarray, qlab: np.ndarray, dblab: np.ndarray, k: int = 100) -> dict:
    """P@1, P@10, mAP@100 normalised by min(k, R) and by relevant-found-in-top-k."""
    rel = (dblab[idx[:, :k]] == qlab[:, None]).astype(np.float64)
    R = np.bincount(dblab, minlength=int(dblab.max()) + 1)[qlab]
    cum = np.cumsum(rel, 1)
    prec = cum / np.arange(1, k + 1)[None, :]
    apsum = (prec * rel).sum(1)
    ap_min = apsum / np.minimum(k, R)
    found = rel.sum(1)
    ap_found = np.where(found > 0, apsum / np.maximum(found, 1), 0.0)
    return {"P@1": rel[:, 0].mean(), "P@10": rel[:, :10].mean(),
            "mAP@100": ap_min.mean(), "mAP@100f": ap_found.mean()}


def item_recall(idx: np.ndarray, target: np.ndarray) -> dict:
    hit = idx == target[:, None]
    return {"R@1": hit[:, :1].any(1).mean(), "R@10": hit[:, :10].any(1).mean()}


def timeit(fn, reps: int = 3):
    best = 1e9
    for _ in range(reps):
        t = time.perf_counter(); fn(); best = min(best, time.perf_counter() - t)
    return best
