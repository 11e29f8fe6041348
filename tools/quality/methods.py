"""Retrieval post-processing methods (numpy), each small enough to port to Swift.

All functions take float32 row-vector matrices. 'Learned on the catalog' means fitted on the
catalog (database) descriptors only; 'supervised' additionally uses the catalog's labels.
"""
from __future__ import annotations

import numpy as np

from qlib import l2n, topk_search


def power_norm(x, alpha=0.5):
    """Signed power normalisation (alpha=0.5: signed square root)."""
    return np.sign(x) * np.abs(x) ** alpha


class PCAWhiten:
    """PCA-whitening learned on the catalog: y = diag((lambda+eps)^-beta) P^T (x - mu), then L2.
    beta=0.5 is full whitening; dims=None keeps all dimensions."""

    def __init__(self, X, dims=None, beta=0.5, eps_rel=1e-5):
        X = X.astype(np.float64)
        self.mu = X.mean(0)
        C = np.cov(X - self.mu, rowvar=False)
        w, V = np.linalg.eigh(C)
        o = np.argsort(w)[::-1]
        w, V = w[o], V[:, o]
        d = dims or X.shape[1]
        eps = eps_rel * w[0]
        self.P = (V[:, :d] * (w[:d] + eps) ** -beta).astype(np.float32)
        self.mu = self.mu.astype(np.float32)

    def __call__(self, x):
        return l2n((x - self.mu) @ self.P)


class WithinClassWhiten:
    """Supervised: whiten the within-class covariance (learned on the catalog with its labels),
    optionally after a PCA reduction. y = Sw^-1/2 (x - mu), then L2."""

    def __init__(self, X, y, dims=None, shrink=0.1):
        X = X.astype(np.float64)
        self.mu = X.mean(0)
        Xc = X - self.mu
        cls = np.unique(y)
        means = np.stack([Xc[y == c].mean(0) for c in cls])
        W = Xc - means[np.searchsorted(cls, y)]
        Sw = W.T @ W / len(X)
        Sw = (1 - shrink) * Sw + shrink * np.trace(Sw) / len(Sw) * np.eye(len(Sw))
        w, V = np.linalg.eigh(Sw)
        P = V * w ** -0.5  # whiten within-class
        if dims:  # keep the directions with the largest between-class variance after whitening
            Mb = means @ P
            Sb = Mb.T @ Mb
            wb, Vb = np.linalg.eigh(Sb)
            o = np.argsort(wb)[::-1]
            P = P @ Vb[:, o]
            P = P[:, :dims]
        self.P = P.astype(np.float32)
        self.mu = self.mu.astype(np.float32)

    def __call__(self, x):
        return l2n((x - self.mu) @ self.P)


class LDA:
    """Supervised LDA (shrinkage), learned on the catalog with labels; output <= n_classes-1 dims, L2-normalised."""

    def __init__(self, X, y, dims=None, shrink=0.1):
        X = X.astype(np.float64)
        self.mu = X.mean(0)
        Xc = X - self.mu
        cls = np.unique(y)
        means = np.stack([Xc[y == c].mean(0) for c in cls])
        W = Xc - means[np.searchsorted(cls, y)]
        Sw = W.T @ W / len(X)
        Sw = (1 - shrink) * Sw + shrink * np.trace(Sw) / len(Sw) * np.eye(len(Sw))
        counts = np.array([(y == c).sum() for c in cls], np.float64)
        Sb = (means * counts[:, None]).T @ means / len(X)
        # generalised eigenproblem Sb v = l Sw v via Sw^-1/2
        w, V = np.linalg.eigh(Sw)
        Wh = V * w ** -0.5
        wb, Vb = np.linalg.eigh(Wh.T @ Sb @ Wh)
        o = np.argsort(wb)[::-1]
        d = dims or (len(cls) - 1)
        self.P = (Wh @ Vb[:, o[:d]]).astype(np.float32)
        self.mu = self.mu.astype(np.float32)

    def __call__(self, x):
        return l2n((x - self.mu) @ self.P)


class SoftmaxProbe:
    """Supervised 'small linear metric': multinomial logistic regression on the catalog
    (full-batch gradient descent, L2 reg), used as an embedding of class log-probs or probs."""

    def __init__(self, X, y, reg=1e-4, iters=300, lr=0.5, seed=0):
        self.mu = X.mean(0)
        self.sd = X.std(0) + 1e-6
        Z = ((X - self.mu) / self.sd).astype(np.float32)
        k = int(y.max()) + 1
        W = np.zeros((Z.shape[1], k), np.float32)
        b = np.zeros(k, np.float32)
        Y = np.eye(k, dtype=np.float32)[y]
        # Adam
        mW = np.zeros_like(W); vW = np.zeros_like(W); mb = np.zeros_like(b); vb = np.zeros_like(b)
        for t in range(1, iters + 1):
            L = Z @ W + b
            L -= L.max(1, keepdims=True)
            P = np.exp(L); P /= P.sum(1, keepdims=True)
            G = (P - Y) / len(Z)
            gW = Z.T @ G + reg * W
            gb = G.sum(0)
            for p, g, m, v in ((W, gW, mW, vW), (b, gb, mb, vb)):
                m *= 0.9; m += 0.1 * g
                v *= 0.999; v += 0.001 * g * g
                p -= lr * 0.01 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        self.W, self.b = W, b

    def logits(self, x):
        return ((x - self.mu) / self.sd) @ self.W + self.b

    def probs(self, x):
        L = self.logits(x)
        L -= L.max(1, keepdims=True)
        P = np.exp(L)
        return P / P.sum(1, keepdims=True)


def blend(a, b, w):
    """Concatenate normalised a with w * normalised b, renormalise (cosine = (cos_a + w^2 cos_b)/(1+w^2))."""
    return l2n(np.concatenate([l2n(a), w * l2n(b)], 1))


def alpha_qe(q, db, idx, k=5, alpha=3.0):
    """alpha-query expansion: q' = L2(q + sum_{i<k} max(s_i,0)^alpha d_i)."""
    nb = db[idx[:, :k]]                          # [Nq,k,D]
    s = np.einsum("nd,nkd->nk", q, nb)
    w = np.maximum(s, 0) ** alpha
    return l2n(q + np.einsum("nk,nkd->nd", w, nb))


_KNN_CACHE_DIR = None


def db_knn(db, k, chunk=2000):
    """Each catalog item's k nearest catalog items (excluding itself): indices, sims.
    Cached on disk (set methods._KNN_CACHE_DIR) keyed by a hash of the catalog matrix."""
    import hashlib
    import os
    kk = max(k, 30)
    path = None
    if _KNN_CACHE_DIR:
        h = hashlib.sha1(np.ascontiguousarray(db[::97]).tobytes()).hexdigest()[:16]
        path = os.path.join(_KNN_CACHE_DIR, f"knn_{db.shape[0]}x{db.shape[1]}_{h}_{kk}.npz")
        if os.path.exists(path):
            z = np.load(path)
            return z["i"][:, :k], z["s"][:, :k]
    i, s = topk_search(db, db, kk, "ip", chunk=chunk, exclude_self=True)
    if path:
        np.savez(path, i=i, s=s)
    return i[:, :k], s[:, :k]


def dba(db, knn_idx, knn_sim, k=5, alpha=3.0):
    """Database-side augmentation: d' = L2(d + sum_{i<k} max(s_i,0)^alpha n_i) (neighbours from db_knn)."""
    w = np.maximum(knn_sim[:, :k], 0) ** alpha
    out = db.copy()
    for j in range(k):
        out += w[:, j:j + 1] * db[knn_idx[:, j]]
    return l2n(out)


def kreciprocal_rerank(q, db, idx, sc, knn_idx, knn_sim, k1=20, k2=6, lam=0.3, top=100):
    """k-reciprocal re-ranking (Zhong et al. 2017) restricted to each query's top `top` candidates.
    Needs the catalog's own kNN lists (knn_idx/knn_sim, at least k1 wide).
    Returns re-ordered candidate indices [Nq, top]."""
    nq = len(q)
    out = np.empty((nq, top), np.int64)
    kth_db = knn_sim[:, k1 - 1]                       # a db item's k1-th neighbour similarity
    for i in range(nq):
        cand = idx[i, :top]
        s = sc[i, :top]
        # k-reciprocal neighbours of the query: in q's top-k1 and q would be in their top-k1
        r = cand[:k1][s[:k1] >= kth_db[cand[:k1]]]
        # expansion: add each reciprocal neighbour's own reciprocal set (half-size) if it overlaps
        members = set(r.tolist())
        for g in r:
            gn = knn_idx[g, :k1 // 2]
            recip = [h for h in gn if g in knn_idx[h, :k1 // 2 + 1]]
            if len(recip) and len(set(recip) & members) > 2 / 3 * len(recip):
                members.update(recip)
        if not members:
            members = {int(cand[0])}
        mem = np.fromiter(members, np.int64)
        # Gaussian-kernel weighted membership vectors over the union of candidates + members
        qv_w = np.exp(-(2 - 2 * (db[mem] @ q[i])))
        qv = dict(zip(mem.tolist(), qv_w.tolist()))
        # candidate vectors: their own k1 neighbour lists (approximation of their reciprocal sets)
        nb = knn_idx[cand, :k1]
        nbw = np.exp(-(2 - 2 * knn_sim[cand, :k1]))
        self_w = 1.0
        tot_q = sum(qv.values())
        jac = np.empty(top)
        for c in range(top):
            inter = min(qv.get(int(cand[c]), 0.0), self_w)
            union_c = self_w + nbw[c].sum()
            for h, wv in zip(nb[c], nbw[c]):
                v = qv.get(int(h))
                if v is not None:
                    inter += min(v, wv)
            jac[c] = 1 - inter / max(tot_q + union_c - inter, 1e-12)
        d = (1 - lam) * jac + lam * (2 - 2 * s)
        out[i] = cand[np.argsort(d, kind="stable")]
    return out
