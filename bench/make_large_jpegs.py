#!/usr/bin/env python3
"""Writes N phone-sized catalog photos (1800x2400 JPEGs) for import benchmarks.

Each image is a seeded random crop of one of the sample photos in testdata/photos,
scaled up to 1800x2400 with a colour shift and a little noise, saved at quality 90,
so files are realistic in size (~0.5-1 MB) and no two are identical.

    python bench/make_large_jpegs.py --photos testdata/photos --out /tmp/big --count 2000
"""
import argparse
import pathlib

import numpy as np
from PIL import Image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=pathlib.Path, required=True)
    parser.add_argument("--out", type=pathlib.Path, required=True)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sources = [Image.open(p).convert("RGB") for p in sorted(args.photos.glob("*")) if p.suffix in (".png", ".jpg")]
    if not sources:
        raise SystemExit(f"no photos in {args.photos}")
    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    for i in range(args.count):
        target = args.out / f"photo-{i:05d}.jpg"
        if target.exists():
            continue
        src = sources[i % len(sources)]
        w, h = src.size
        cw, ch = int(w * rng.uniform(0.5, 0.9)), int(h * rng.uniform(0.5, 0.9))
        x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
        img = src.crop((x, y, x + cw, y + ch)).resize((1800, 2400), Image.BILINEAR)
        pixels = np.asarray(img, dtype=np.int16)
        pixels = pixels + rng.integers(-20, 21, size=3) + rng.integers(-6, 7, size=pixels.shape)
        Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(target, quality=90)
    print(f"{args.count} photos in {args.out}")


if __name__ == "__main__":
    main()
