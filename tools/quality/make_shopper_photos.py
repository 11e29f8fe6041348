"""Make "shopper photos" of catalog items: what a phone photo of the product looks like.

Deterministic and seeded (numpy + pillow only). Every photo gets its own seed derived from
--seed and its index, so one photo can be re-made alone and the set is reproducible.

    # Fashion-MNIST items (written as PNG under OUT/catalog/ with the product's ids "test-<i>"):
    python make_shopper_photos.py --fashion-mnist test --sample 1000 --seed 7 --out $QDATA/shopper
    # any folder of product photos (<id>.jpg|png), articleType from a Kaggle-style styles.csv:
    python make_shopper_photos.py --images catalog/images --styles catalog/styles.csv --sample 500 --out shots

Output: OUT/photos/<id>_<k>.jpg and OUT/manifest.csv with columns
    photo,id,articleType,seed,transforms
(photo is relative to OUT). --per-item K makes K photos of each item; --difficulty scales
every transform's strength (0 = almost clean, 1 = default, 2 = harsh).

What a photo goes through (each parameter drawn from the photo's own RNG, and listed in `transforms`):
  1. garment mask from the uniform border: the background colour is the median of the outer ring,
     pixels far from it are the garment; holes are filled (flood fill from the border), edges softened;
  2. garment colour: grey catalogs (Fashion-MNIST) get a garment colour (or stay neutral);
     colour photos get a hue/saturation shift;
  3. background: value-noise texture, stripes/checks, wood grain, or a plain wall with a gradient,
     in random colours, with optional clutter (shapes behind the item);
  4. placement: rotation, item scale (fraction of the frame's shorter side), off-centre position
     (the item may be cut by the frame a little), on a larger canvas (e.g. 640x480..1200x900, either
     orientation);
  5. lighting: a light gradient / vignette, a colour cast (white balance gains), brightness,
     contrast and gamma;
  6. camera: Gaussian blur, sensor noise, JPEG at a random quality.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import math
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

FM_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
              "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
FM_DIR = "/usr/share/datasets/fashion-mnist"

GARMENT_COLOURS = {  # name: RGB of the brightest garment tone
    "navy": (60, 80, 150), "red": (210, 50, 50), "beige": (225, 200, 160), "olive": (140, 150, 80),
    "pink": (240, 160, 190), "sky": (130, 180, 235), "mustard": (220, 180, 60), "white": (245, 245, 240),
    "brown": (150, 100, 60), "teal": (50, 150, 150), "purple": (140, 90, 170), "grey": (190, 190, 190),
}


# --------------------------------------------------------------------------- inputs

def fashion_mnist_items(split: str, sample: int, seed: int, out: str):
    prefix = "t10k" if split == "test" else "train"
    with gzip.open(f"{FM_DIR}/{prefix}-images-idx3-ubyte.gz") as f:
        raw = f.read()
    n, h, w = (int(v) for v in np.frombuffer(raw[4:16], dtype=">u4"))
    imgs = np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, h, w)
    with gzip.open(f"{FM_DIR}/{prefix}-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read()[8:], dtype=np.uint8)
    rng = np.random.default_rng([seed, 0xCA7A])
    idx = np.sort(rng.choice(n, size=min(sample, n), replace=False)) if sample else np.arange(n)
    cat = os.path.join(out, "catalog")
    os.makedirs(cat, exist_ok=True)
    items = []
    for i in idx:
        item_id = f"{split}-{int(i)}"
        path = os.path.join(cat, f"{item_id}.png")
        if not os.path.exists(path):
            Image.fromarray(imgs[i], "L").save(path)
        items.append((item_id, path, FM_CLASSES[labels[i]]))
    return items


def folder_items(folder: str, styles: str | None, sample: int, seed: int):
    files = sorted(f for f in os.listdir(folder) if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp")))
    types = {}
    if styles:
        with open(styles, newline="", encoding="utf-8", errors="replace") as f:
            rows = csv.reader(f)
            header = next(rows)
            i_id, i_t = header.index("id"), header.index("articleType")
            for r in rows:  # some product names contain unquoted commas: only the leading fields matter
                if len(r) > max(i_id, i_t):
                    types[r[i_id]] = r[i_t]
    items = [(os.path.splitext(f)[0], os.path.join(folder, f)) for f in files]
    if sample and sample < len(items):
        rng = np.random.default_rng([seed, 0xCA7A])
        pick = np.sort(rng.choice(len(items), size=sample, replace=False))
        items = [items[i] for i in pick]
    return [(i, p, types.get(i, "")) for i, p in items]


# --------------------------------------------------------------------------- pieces

def garment_mask(rgb: np.ndarray) -> np.ndarray:
    """float32 [H,W] in 0..1: the item, from the uniform border (white or black product shots)."""
    h, w, _ = rgb.shape
    ring = max(1, round(0.02 * min(h, w)))
    border = np.concatenate([rgb[:ring].reshape(-1, 3), rgb[-ring:].reshape(-1, 3),
                             rgb[:, :ring].reshape(-1, 3), rgb[:, -ring:].reshape(-1, 3)]).astype(np.float32)
    bg = np.median(border, 0)
    spread = np.median(np.abs(border - bg).max(1))
    dist = np.abs(rgb.astype(np.float32) - bg).max(2)
    fg = dist > max(12.0, 4.0 * spread)
    # fill holes: background = what a flood fill from outside reaches through non-item pixels
    pad = np.zeros((h + 2, w + 2), np.uint8)
    pad[1:-1, 1:-1] = fg * 255
    im = Image.fromarray(pad, "L").copy()  # fromarray may share a read-only buffer
    ImageDraw.floodfill(im, (0, 0), 128)
    outside = np.asarray(im)[1:-1, 1:-1] == 128
    mask = (~outside).astype(np.float32)
    return mask


def value_noise(rng, h, w, octaves=4, base=4):
    out = np.zeros((h, w), np.float32)
    amp, tot = 1.0, 0.0
    for o in range(octaves):
        g = base * 2 ** o
        grid = rng.random((g + 1, g + 1)).astype(np.float32)
        layer = np.asarray(Image.fromarray(grid, "F").resize((w, h), Image.BICUBIC))
        out += amp * layer
        tot += amp
        amp *= 0.5
    out /= tot
    return (out - out.min()) / max(out.max() - out.min(), 1e-6)


def rand_colour(rng, lo=0, hi=255):
    return rng.integers(lo, hi + 1, size=3).astype(np.float32)


def make_background(rng, h, w, strength):
    kind = rng.choice(["noise", "stripes", "checks", "wood", "wall"])
    c1, c2 = rand_colour(rng, 30, 235), rand_colour(rng, 30, 235)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "noise":
        t = value_noise(rng, h, w, octaves=int(rng.integers(3, 6)), base=int(rng.integers(3, 9)))
    elif kind in ("stripes", "checks"):
        ang = rng.uniform(0, math.pi)
        period = rng.uniform(0.03, 0.15) * min(h, w)
        u = xx * math.cos(ang) + yy * math.sin(ang)
        t = (np.sin(2 * math.pi * u / period) > 0).astype(np.float32)
        if kind == "checks":
            v = -xx * math.sin(ang) + yy * math.cos(ang)
            t = np.abs(t - (np.sin(2 * math.pi * v / period) > 0)).astype(np.float32)
        t = np.asarray(Image.fromarray(t * 255).convert("L").filter(ImageFilter.GaussianBlur(1)),
                       np.float32) / 255
    elif kind == "wood":
        n = value_noise(rng, h, w, octaves=3, base=3)
        ang = rng.uniform(0, math.pi)
        u = xx * math.cos(ang) + yy * math.sin(ang)
        t = 0.5 + 0.5 * np.sin(u / rng.uniform(6, 20) + 12 * n)
    else:  # wall: plain colour with a soft gradient and faint noise
        t = 0.15 * value_noise(rng, h, w, octaves=2, base=2)
        c2 = np.clip(c1 * rng.uniform(0.7, 1.3), 0, 255)
    # busy-ness scales with difficulty: blend the pattern toward its mean colour when easy
    k = float(np.clip(strength, 0, 1.5))
    t = 0.5 + (t - 0.5) * min(k, 1.0)
    bg = c1[None, None, :] * (1 - t[..., None]) + c2[None, None, :] * t[..., None]
    clutter = int(rng.integers(0, 4) * min(k, 1.5)) if kind != "wall" or rng.random() < 0.5 else 0
    if clutter:
        im = Image.fromarray(np.clip(bg, 0, 255).astype(np.uint8), "RGB")
        d = ImageDraw.Draw(im)
        for _ in range(clutter):
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            rw, rh = rng.uniform(0.05, 0.3) * w, rng.uniform(0.05, 0.3) * h
            box = [cx - rw / 2, cy - rh / 2, cx + rw / 2, cy + rh / 2]
            col = tuple(int(c) for c in rand_colour(rng))
            (d.ellipse if rng.random() < 0.5 else d.rectangle)(box, fill=col)
        bg = np.asarray(im.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 3))), np.float32)
    return bg, kind, clutter


# --------------------------------------------------------------------------- one photo

def make_photo(src: Image.Image, seed: int, difficulty: float = 1.0):
    rng = np.random.default_rng(seed)
    k = difficulty
    tr = []
    grey_source = src.mode in ("L", "LA", "I", "I;16")
    rgb = np.asarray(src.convert("RGB"))
    mask = garment_mask(rgb)
    if mask.mean() < 0.01:  # nothing found: treat the whole image as the item
        mask[:] = 1.0
    ys, xs = np.nonzero(mask > 0.5)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    rgb, mask = rgb[y0:y1, x0:x1].astype(np.float32), mask[y0:y1, x0:x1]

    # garment colour
    if grey_source:
        if rng.random() < 0.25 * k:
            name = "neutral"
            col = np.array([235.0, 235.0, 235.0])
        else:
            name = str(rng.choice(sorted(GARMENT_COLOURS)))
            col = np.array(GARMENT_COLOURS[name], np.float32)
        g = rgb[..., :1] / 255.0
        floor = rng.uniform(0.1, 0.35)
        rgb = col[None, None, :] * (floor + (1 - floor) * g)
        tr.append(f"colour={name}")
    else:
        shift = rng.uniform(-0.15, 0.15) * k
        sat = rng.uniform(0.8, 1.2)
        grey = rgb.mean(2, keepdims=True)
        rgb = grey + (rgb - grey) * sat
        rgb = np.roll(rgb, 1, axis=2) * abs(shift) + rgb * (1 - abs(shift))
        tr.append(f"hue={shift:+.2f},sat={sat:.2f}")

    # canvas
    long_side = int(rng.integers(640, 1201))
    ratio = float(rng.choice([4 / 3, 3 / 2, 16 / 9, 1.0]))
    W, H = long_side, int(round(long_side / ratio))
    if rng.random() < 0.5:
        W, H = H, W
    tr.append(f"size={W}x{H}")
    bg, kind, clutter = make_background(rng, H, W, k)
    tr.append(f"bg={kind}" + (f"+clutter{clutter}" if clutter else ""))

    # placement: scale, rotation, position
    fill = float(np.clip(rng.uniform(0.85 - 0.4 * k, 0.95 - 0.1 * k), 0.2, 0.98))
    rot = float(rng.normal(0, 12 * k))
    side = fill * min(W, H)
    h0, w0 = mask.shape
    s = side / max(h0, w0)
    nw, nh = max(2, round(w0 * s)), max(2, round(h0 * s))
    layer = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB").resize((nw, nh), Image.BICUBIC)
    alpha = Image.fromarray((mask * 255).astype(np.uint8), "L").resize((nw, nh), Image.BICUBIC)
    alpha = alpha.filter(ImageFilter.MinFilter(3)).filter(ImageFilter.GaussianBlur(max(0.6, side / 400)))
    layer.putalpha(alpha)
    layer = layer.rotate(rot, resample=Image.BICUBIC, expand=True)
    lw, lh = layer.size
    # centre offset: up to the free room, plus a little overhang (the frame cuts the item)
    over = 0.08 * k
    cx = W / 2 + rng.uniform(-1, 1) * max(0.0, (W - lw) / 2 + over * lw) * min(k, 1.0)
    cy = H / 2 + rng.uniform(-1, 1) * max(0.0, (H - lh) / 2 + over * lh) * min(k, 1.0)
    tr.append(f"fill={fill:.2f},rot={rot:+.1f},centre=({cx / W:.2f},{cy / H:.2f})")
    canvas = Image.fromarray(np.clip(bg, 0, 255).astype(np.uint8), "RGB")
    # soft shadow under the item
    if rng.random() < 0.5 * k:
        sh = Image.new("L", canvas.size, 0)
        off = (int(rng.uniform(-0.03, 0.03) * W), int(rng.uniform(0.0, 0.04) * H))
        sh.paste(layer.getchannel("A"), (int(cx - lw / 2) + off[0], int(cy - lh / 2) + off[1]))
        sh = sh.filter(ImageFilter.GaussianBlur(side / 40))
        a = np.asarray(sh, np.float32)[..., None] / 255 * 0.45
        canvas = Image.fromarray(np.clip(np.asarray(canvas, np.float32) * (1 - a), 0, 255).astype(np.uint8))
        tr.append("shadow")
    canvas.paste(layer, (int(round(cx - lw / 2)), int(round(cy - lh / 2))), layer)
    img = np.asarray(canvas, np.float32)

    # lighting: gradient + vignette, colour cast, brightness / contrast / gamma
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    ang = rng.uniform(0, 2 * math.pi)
    u = ((xx / W - 0.5) * math.cos(ang) + (yy / H - 0.5) * math.sin(ang))
    grad = 1 + rng.uniform(0, 0.5) * k * u
    r2 = ((xx / W - 0.5) ** 2 + (yy / H - 0.5) ** 2) * 2
    vig = 1 - rng.uniform(0, 0.35) * k * r2
    img = img * (grad * vig)[..., None]
    cast = 1 + rng.normal(0, 0.08 * k, 3)
    bright = 1 + rng.normal(0, 0.12 * k)
    contrast = 1 + rng.normal(0, 0.12 * k)
    gamma = float(np.exp(rng.normal(0, 0.15 * k)))
    img = img * cast[None, None, :] * bright
    img = (img - 128) * contrast + 128
    img = 255 * np.power(np.clip(img, 0, 255) / 255, gamma)
    tr.append(f"cast=({cast[0]:.2f},{cast[1]:.2f},{cast[2]:.2f}),bright={bright:.2f},"
              f"contrast={contrast:.2f},gamma={gamma:.2f}")

    # camera: blur, noise, JPEG
    blur = float(max(0.0, rng.uniform(-0.5, 2.5) * k)) * min(W, H) / 600
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    if blur > 0.05:
        out = out.filter(ImageFilter.GaussianBlur(blur))
    noise = float(abs(rng.normal(0, 4 * k)))
    if noise > 0.2:
        a = np.asarray(out, np.float32) + rng.normal(0, noise, (H, W, 1)) + rng.normal(0, noise / 2, (H, W, 3))
        out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")
    quality = int(np.clip(round(rng.uniform(90 - 45 * k, 95 - 15 * k)), 20, 95))
    tr.append(f"blur={blur:.2f},noise={noise:.1f},jpeg={quality}")
    return out, quality, ";".join(tr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fashion-mnist", choices=["train", "test"], help="use this Fashion-MNIST split")
    ap.add_argument("--images", help="folder of product photos named <id>.jpg|png")
    ap.add_argument("--styles", help="Kaggle-style styles.csv for articleType (with --images)")
    ap.add_argument("--sample", type=int, default=1000, help="how many items (0 = all)")
    ap.add_argument("--per-item", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--difficulty", type=float, default=1.0)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if bool(a.fashion_mnist) == bool(a.images):
        ap.error("give exactly one of --fashion-mnist / --images")
    os.makedirs(os.path.join(a.out, "photos"), exist_ok=True)
    items = (fashion_mnist_items(a.fashion_mnist, a.sample, a.seed, a.out) if a.fashion_mnist
             else folder_items(a.images, a.styles, a.sample, a.seed))
    rows = []
    for n, (item_id, path, atype) in enumerate(items):
        src = Image.open(path)
        src.load()
        for k in range(a.per_item):
            seed = (a.seed * 1_000_003 + n * 101 + k) % (2 ** 63)
            img, quality, tr = make_photo(src, seed, a.difficulty)
            name = f"photos/{item_id}_{k}.jpg"
            img.save(os.path.join(a.out, name), "JPEG", quality=quality)
            rows.append({"photo": name, "id": item_id, "articleType": atype, "seed": seed, "transforms": tr})
        if (n + 1) % 100 == 0:
            print(f"{n + 1}/{len(items)} items", flush=True)
    with open(os.path.join(a.out, "manifest.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["photo", "id", "articleType", "seed", "transforms"])
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} photos to {a.out}")


if __name__ == "__main__":
    main()
