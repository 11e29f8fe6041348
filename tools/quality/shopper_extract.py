"""Descriptors of shopper photos under several query-side preprocessing variants.

    python shopper_extract.py --manifest $QDATA/shopper_eval/manifest.csv --name sh_eval \
        [--variants crop,fit,grey,greyfit,sal,salgrey,salflip] [--pad 0]

Variants (each = one forward pass per photo, except sal* which need the 'fit' pass first):
  crop     the product policy: shorter side to 224, centre crop
  fit      the whole photo letterboxed into 224x224 (pad colour --pad, default black = the catalog's background)
  grey     greyscale, then crop          greyfit  greyscale, then fit
  sal      saliency crop: from the 'fit' pass's 7x7 feature map, the cells whose channel-sum activation
           is >= --sal-thresh x max; their bounding box (+ half a cell margin) made square, cut from the
           photo, then resized to 224 (2 forward passes in all)
  salc     colour (background-prior) saliency crop, no model (colour_box)
  sald     feature-distinctiveness crop: cells far (cosine) from the mean border-cell feature
  suffixes: grey (greyscale crop), flip (mirrored), e.g. salcgrey, salcgreyflip
  maskgrey the item's colour_box blob (holes filled) kept, the rest set to the catalog background
           (--pad), cropped square, greyscale, grey levels stretched (masked_item); maskgreyns: no
           stretch; maskcol: colour; +flip: mirrored; maskgreydsk: also deskewed (deskew_angle)
Writes $QDATA/NAME_VARIANT_{avg,max,gem2,gem3,gem4}.npy (rows in manifest order) and NAME_boxes.npy.
"""
from __future__ import annotations

import argparse
import csv
import os
import sys
import time

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qlib  # noqa: E402

SIZE = 224


def fit_box(w, h, size=SIZE):
    """Where a w x h photo lands when letterboxed into size x size: (scale, x0, y0)."""
    s = size / max(w, h)
    nw, nh = round(w * s), round(h * s)
    return s, (size - nw) // 2, (size - nh) // 2, nw, nh


def letterbox(im, pad, size=SIZE):
    w, h = im.size
    s, x0, y0, nw, nh = fit_box(w, h, size)
    canvas = Image.new(im.mode, (size, size), pad if im.mode == "RGB" else pad[0])
    canvas.paste(im.resize((nw, nh), Image.BICUBIC), (x0, y0))
    return canvas


def norm(im):
    a = np.asarray(im.convert("RGB"), dtype=np.float32)
    return ((a - 127.0) / 128.0).transpose(2, 0, 1)


def saliency_box(fm, w, h, thresh, size=SIZE):
    """fm [C,7,7] of the letterboxed photo -> square crop box (l,t,r,b) in photo pixels."""
    s_map = fm.astype(np.float32).sum(0) if fm.ndim == 3 else fm.astype(np.float32)
    g = s_map.shape[0]
    cell = size / g
    sc, x0, y0, nw, nh = fit_box(w, h, size)
    # ignore cells that are mostly padding
    ys, xs = np.mgrid[0:g, 0:g]
    cx, cy = (xs + 0.5) * cell, (ys + 0.5) * cell
    inside = (cx >= x0) & (cx <= x0 + nw) & (cy >= y0) & (cy <= y0 + nh)
    s_map = np.where(inside, s_map, 0)
    on = s_map >= thresh * s_map.max()
    yy, xx = np.nonzero(on)
    l, r = (xx.min() - 0.5) * cell, (xx.max() + 1.5) * cell
    t, b = (yy.min() - 0.5) * cell, (yy.max() + 1.5) * cell
    # to photo pixels
    l, r = (l - x0) / sc, (r - x0) / sc
    t, b = (t - y0) / sc, (b - y0) / sc
    side = max(r - l, b - t)
    mx, my = (l + r) / 2, (t + b) / 2
    side = min(side, max(w, h))
    return (mx - side / 2, my - side / 2, mx + side / 2, my + side / 2)


def colour_box(im, side=96, k=6, margin=0.08, return_mask=False):
    """Background-prior saliency crop (no model): the photo's border colours (k-means on the outer
    ring) are background; pixels far from every border colour are the item. The largest connected
    blob's bounding box (+margin, squared) in photo pixels. numpy + pillow, cheap (~ms)."""
    from PIL import ImageDraw, ImageFilter
    W, H = im.size
    sm = im.convert("RGB").copy()
    sm.thumbnail((side, side), Image.BILINEAR)
    sm = sm.filter(ImageFilter.GaussianBlur(1))
    a = np.asarray(sm, np.float32)
    h, w, _ = a.shape
    r = max(2, round(0.04 * min(h, w)))
    border = np.concatenate([a[:r].reshape(-1, 3), a[-r:].reshape(-1, 3),
                             a[:, :r].reshape(-1, 3), a[:, -r:].reshape(-1, 3)])
    # k-means, deterministic init from brightness quantiles
    lum = border.sum(1)
    c = border[np.argsort(lum)[np.linspace(0, len(border) - 1, k).astype(int)]].copy()
    for _ in range(8):
        lab = ((border[:, None, :] - c[None]) ** 2).sum(2).argmin(1)
        for j in range(k):
            if (lab == j).any():
                c[j] = border[lab == j].mean(0)
    d = np.sqrt(((a[:, :, None, :] - c[None, None]) ** 2).sum(3)).min(2)
    bd = np.sqrt(((border[:, None, :] - c[None]) ** 2).sum(2)).min(1)
    t = max(30.0, float(np.percentile(bd, 99)) * 1.5)
    fg = (d > t).astype(np.uint8) * 255
    m = Image.fromarray(fg, "L").filter(ImageFilter.MinFilter(3)).filter(ImageFilter.MaxFilter(5))
    lab = np.asarray(m).copy()
    lab = (lab > 0).astype(np.uint8)  # 1 = unlabelled fg
    img = Image.fromarray(lab * 255, "L").copy()
    best, best_area, nxt = None, 0, 1
    arr = np.asarray(img)
    while True:
        ys, xs = np.nonzero(np.asarray(img) == 255)
        if len(ys) == 0 or nxt > 250:
            break
        ImageDraw.floodfill(img, (int(xs[0]), int(ys[0])), nxt)
        comp = np.asarray(img) == nxt
        area = int(comp.sum())
        if area > best_area:
            best, best_area = comp, area
        nxt += 1
    if best is None or best_area < 0.002 * h * w:
        if return_mask:
            return None, None
        return (0, 0, W, H) if W == H else ((W - min(W, H)) / 2, (H - min(W, H)) / 2,
                                             (W + min(W, H)) / 2, (H + min(W, H)) / 2)
    ys, xs = np.nonzero(best)
    sx, sy = W / w, H / h
    l, r_, t_, b = xs.min() * sx, (xs.max() + 1) * sx, ys.min() * sy, (ys.max() + 1) * sy
    s = max(r_ - l, b - t_) * (1 + 2 * margin)
    mx, my = (l + r_) / 2, (t_ + b) / 2
    box = (mx - s / 2, my - s / 2, mx + s / 2, my + s / 2)
    if return_mask:
        # fill the blob's holes: outside = what a flood fill from the frame reaches
        pad = np.zeros((h + 2, w + 2), np.uint8)
        pad[1:-1, 1:-1] = best * 255
        pim = Image.fromarray(pad, "L").copy()
        ImageDraw.floodfill(pim, (0, 0), 128)
        filled = np.asarray(pim)[1:-1, 1:-1] != 128
        return box, filled
    return box


def deskew_angle(m, max_deg=30, step=2):
    """The rotation (degrees, PIL convention) that minimises the axis-aligned bounding box of the
    item mask: catalog shots are upright, so the tightest box is usually the upright pose."""
    mk = Image.fromarray((m * 255).astype(np.uint8), "L")
    best, best_a = None, 0
    for a in range(-max_deg, max_deg + 1, step):
        r = np.asarray(mk.rotate(a, resample=Image.NEAREST, expand=True)) > 127
        ys, xs = np.nonzero(r)
        if len(ys) == 0:
            continue
        area = (ys.max() - ys.min() + 1) * (xs.max() - xs.min() + 1)
        if best is None or area < best * 0.995 or (area <= best and abs(a) < abs(best_a)):
            best, best_a = area, a
    return best_a


def masked_item(im, bg=(0, 0, 0), grey=True, stretch=True, side=128, deskew=False):
    """Query cleanup for catalogs shot on a uniform background: find the item (colour_box's blob,
    holes filled), replace everything else by the catalog's background colour, crop the item's
    square box, optionally greyscale and stretch the item's grey levels (1st..99th percentile ->
    40..255 for a dark background, mirrored for a light one). Returns a 224x224 PIL image."""
    from PIL import ImageFilter
    box, m = colour_box(im, side=side, return_mask=True)
    src = im.convert("L" if grey else "RGB")
    if m is None:
        return crop_box(src.convert("RGB"), (0, 0) + im.size, bg)
    mk = Image.fromarray((m * 255).astype(np.uint8), "L").resize(im.size, Image.BILINEAR)
    mk = mk.filter(ImageFilter.GaussianBlur(max(1, im.size[0] / 300)))
    a = np.asarray(src, np.float32)
    ma = np.asarray(mk, np.float32) / 255
    if stretch:
        vals = a[ma > 0.5] if a.ndim == 2 else a[ma > 0.5].mean(1)
        lo, hi = np.percentile(vals, 1), np.percentile(vals, 99)
        dark_bg = float(np.mean(bg)) < 128
        t0, t1 = (40.0, 255.0) if dark_bg else (0.0, 215.0)
        a = np.clip((a - lo) / max(hi - lo, 1) * (t1 - t0) + t0, 0, 255)
    bgv = float(np.mean(bg)) if a.ndim == 2 else np.array(bg, np.float32)
    ma_ = ma if a.ndim == 2 else ma[..., None]
    out = a * ma_ + bgv * (1 - ma_)
    img = Image.fromarray(out.astype(np.uint8), "L" if a.ndim == 2 else "RGB").convert("RGB")
    if deskew:
        ang = deskew_angle(m)
        if ang:
            img = img.rotate(ang, resample=Image.BICUBIC, expand=True, fillcolor=tuple(int(v) for v in bg))
            mk = mk.rotate(ang, resample=Image.BILINEAR, expand=True)
        ys, xs = np.nonzero(np.asarray(mk) > 127)
        if len(ys):
            l, r, t, b = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
            sd = max(r - l, b - t) * 1.16
            mx, my = (l + r) / 2, (t + b) / 2
            box = (mx - sd / 2, my - sd / 2, mx + sd / 2, my + sd / 2)
    return crop_box(img, box, bg)


def split_variant(v):
    """'salcgreyflip' -> ('salc', 'greyflip')."""
    for bm in ("salc", "sald", "sal"):
        if v.startswith(bm):
            return bm, v[len(bm):]
    return v, ""


def distinct_box(fm, w, h, thresh, size=SIZE):
    """Feature-distinctiveness saliency: cells of the letterboxed photo's 7x7 map whose feature is far
    (cosine) from the mean feature of the photo's border cells."""
    f = fm.astype(np.float32)
    g = f.shape[1]
    sc, x0, y0, nw, nh = fit_box(w, h, size)
    cell = size / g
    ys, xs = np.mgrid[0:g, 0:g]
    cx, cy = (xs + 0.5) * cell, (ys + 0.5) * cell
    inside = (cx >= x0) & (cx <= x0 + nw) & (cy >= y0) & (cy <= y0 + nh)
    gy0, gy1 = ys[inside].min(), ys[inside].max()
    gx0, gx1 = xs[inside].min(), xs[inside].max()
    ring = inside & ((ys == gy0) | (ys == gy1) | (xs == gx0) | (xs == gx1))
    v = f.reshape(f.shape[0], -1).T
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-6)
    mb = v[ring.ravel()].mean(0)
    mb /= max(np.linalg.norm(mb), 1e-6)
    dmap = (1 - v @ mb).reshape(g, g)
    dmap = np.where(inside, dmap, 0)
    return saliency_box(dmap[None], w, h, thresh, size)


def crop_box(im, box, pad):
    l, t, r, b = (int(round(v)) for v in box)
    side = max(r - l, b - t, 1)
    canvas = Image.new("RGB", (side, side), pad)
    src = im.convert("RGB")
    sl, st = max(l, 0), max(t, 0)
    sr, sb = min(r, im.size[0]), min(b, im.size[1])
    if sr > sl and sb > st:
        canvas.paste(src.crop((sl, st, sr, sb)), (sl - l, st - t))
    return canvas.resize((SIZE, SIZE), Image.BICUBIC)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--variants", default="crop,fit,grey,greyfit,sal,salgrey")
    ap.add_argument("--pad", type=int, default=0, help="grey level of padding (0 = black, like Fashion-MNIST)")
    ap.add_argument("--sal-thresh", type=float, default=0.5)
    ap.add_argument("--batch", type=int, default=32)
    a = ap.parse_args()
    base = os.path.dirname(os.path.abspath(a.manifest))
    with open(a.manifest) as f:
        rows = list(csv.DictReader(f))
    paths = [os.path.join(base, r["photo"]) for r in rows]
    variants = a.variants.split(",")
    pad = (a.pad,) * 3
    model = qlib.Model(SIZE, a.batch)
    out = {}
    allboxes = {}
    box_methods = sorted({split_variant(v)[0] for v in variants if v.startswith("sal")})
    t0 = time.time()
    need_fit = any(v.startswith("sal") for v in variants)
    for s in range(0, len(paths), a.batch):
        ims = [Image.open(p).convert("RGB") for p in paths[s:s + a.batch]]
        inputs = {}
        for v in variants:
            if v == "crop":
                inputs[v] = [qlib.to_model_input(im) for im in ims]
            elif v == "grey":
                inputs[v] = [qlib.to_model_input(im.convert("L")) for im in ims]
            elif v == "fit":
                inputs[v] = [norm(letterbox(im, pad)) for im in ims]
            elif v == "greyfit":
                inputs[v] = [norm(letterbox(im.convert("L"), pad)) for im in ims]
        if need_fit and "fit" not in inputs:
            inputs["fit"] = [norm(letterbox(im, pad)) for im in ims]
        fmaps = {}
        for v, xs in inputs.items():
            fm, _ = model(np.stack(xs))
            fmaps[v] = fm
            if v in variants:
                for k, d in qlib.pool_all(fm).items():
                    out.setdefault((v, k), np.zeros((len(paths), d.shape[1]), np.float32))[s:s + len(ims)] = d
        for v in [v for v in variants if v.startswith("mask")]:
            # maskgrey / maskgreyns (no stretch) / maskcol, +flip
            crops = [masked_item(im, pad, grey="grey" in v, stretch="ns" not in v, deskew="dsk" in v)
                     for im in ims]
            xs = [norm(c) for c in crops]
            if v.endswith("flip"):
                xs = [x[:, :, ::-1] for x in xs]
            fm, _ = model(np.stack(xs))
            for k, d in qlib.pool_all(fm).items():
                out.setdefault((v, k), np.zeros((len(paths), d.shape[1]), np.float32))[s:s + len(ims)] = d
        if need_fit:
            boxes_by = {}
            for i, im in enumerate(ims):
                w, h = im.size
                for bm in box_methods:
                    if bm == "sal":
                        b = saliency_box(fmaps["fit"][i], w, h, a.sal_thresh)
                    elif bm == "sald":
                        b = distinct_box(fmaps["fit"][i], w, h, a.sal_thresh)
                    else:
                        b = colour_box(im)
                    boxes_by.setdefault(bm, []).append(b)
            for bm, bl in boxes_by.items():
                allboxes.setdefault(bm, np.zeros((len(paths), 4), np.float32))[s:s + len(ims)] = bl
            for v in [v for v in variants if v.startswith("sal")]:
                bm = split_variant(v)[0]
                crops = [crop_box(im, b, pad) for im, b in zip(ims, boxes_by[bm])]
                if "grey" in v:
                    crops = [c.convert("L") for c in crops]
                xs = [norm(c) for c in crops]
                if v.endswith("flip"):
                    xs = [x[:, :, ::-1] for x in xs]
                fm, _ = model(np.stack(xs))
                for k, d in qlib.pool_all(fm).items():
                    out.setdefault((v, k), np.zeros((len(paths), d.shape[1]), np.float32))[s:s + len(ims)] = d
        if (s // a.batch) % 8 == 0:
            print(f"{a.name}: {s + len(ims)}/{len(paths)} {time.time() - t0:.0f}s", flush=True)
    for (v, k), d in out.items():
        np.save(f"{qlib.QDATA}/{a.name}_{v}_{k}.npy", d)
    for bm, b in allboxes.items():
        np.save(f"{qlib.QDATA}/{a.name}_boxes_{bm}.npy", b)
    print(f"{a.name}: done in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
