"""Extract EfficientNet-Lite0 features with OpenVINO (CPU, bf16 hint, as the product does).

    python extract_features.py --split train|test [--size 224] [--flip] [--name NAME] [--fmap]
    python extract_features.py --images DIR_OR_CSV [--name NAME] ...   (a folder of images, or a CSV with a 'photo' column)

Writes to $QDATA (default $QDATA):
  NAME_{avg,max,gem2,gem3,gem4}.npy  float32 [N,1280]   pooled descriptors
  NAME_logits.npy                    float16 [N,1000]
  NAME_fmap.npy (with --fmap)        float16 [N,1280,h,w] pre-pooling feature map
  NAME_files.txt (for --images)      the image order
Fashion-MNIST: 28x28 grey -> bicubic resize to size x size -> RGB (replicated) -> (x-127)/128.
Folder images: shorter side to `size`, centre crop (manifest resize policy 'crop').
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import csv
import os
import sys
import time

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qlib  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split")
    ap.add_argument("--images")
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--flip", action="store_true")
    ap.add_argument("--grey", action="store_true", help="convert folder images to greyscale first")
    ap.add_argument("--name")
    ap.add_argument("--fmap", action="store_true")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--limit", type=int, default=0)
    a = ap.parse_args()

    if a.split:
        imgs, _ = qlib.load_fmnist(a.split)
        n = len(imgs) if not a.limit else a.limit

        def prep(s, e):
            return qlib.grey28_to_input(imgs[s:e], a.size, a.flip)
        name = a.name or f"{'test' if a.split in ('test', 't10k') else 'train'}_s{a.size}{'_flip' if a.flip else ''}"
        files = None
    else:
        if os.path.isdir(a.images):
            files = sorted(os.path.join(a.images, f) for f in os.listdir(a.images)
                           if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp")))
        else:
            base = os.path.dirname(os.path.abspath(a.images))
            with open(a.images) as f:
                files = [os.path.join(base, r["photo"]) for r in csv.DictReader(f)]
        n = len(files) if not a.limit else a.limit

        def prep(s, e):
            out = []
            for p in files[s:e]:
                im = Image.open(p)
                if a.grey:
                    im = im.convert("L")
                x = qlib.to_model_input(im, a.size)
                if a.flip:
                    x = x[:, :, ::-1]
                out.append(x)
            return np.stack(out).astype(np.float32)
        name = a.name or os.path.basename(os.path.normpath(a.images)).replace(".csv", "") + f"_s{a.size}"

    model = qlib.Model(a.size, a.batch)
    os.makedirs(qlib.QDATA, exist_ok=True)
    pooled = None
    logits = np.zeros((n, 1000), np.float16)
    fmap = None
    t0 = time.time()
    starts = list(range(0, n, a.batch))
    with cf.ThreadPoolExecutor(1) as ex:
        fut = ex.submit(prep, 0, min(a.batch, n))
        for j, s in enumerate(starts):
            x = fut.result()
            if j + 1 < len(starts):
                s2 = starts[j + 1]
                fut = ex.submit(prep, s2, min(s2 + a.batch, n))
            fm, lg = model(x)
            d = qlib.pool_all(fm)
            if pooled is None:
                pooled = {k: np.zeros((n, v.shape[1]), np.float32) for k, v in d.items()}
                if a.fmap:
                    fmap = np.lib.format.open_memmap(f"{qlib.QDATA}/{name}_fmap.npy", "w+", np.float16,
                                                     (n,) + fm.shape[1:])
            for k, v in d.items():
                pooled[k][s:s + len(x)] = v
            logits[s:s + len(x)] = lg
            if fmap is not None:
                fmap[s:s + len(x)] = fm.astype(np.float16)
            if j % 100 == 0:
                el = time.time() - t0
                print(f"{name}: {s + len(x)}/{n} {el:.0f}s ({el / (s + len(x)) * 1000:.1f} ms/img)", flush=True)
    for k, v in pooled.items():
        np.save(f"{qlib.QDATA}/{name}_{k}.npy", v)
    np.save(f"{qlib.QDATA}/{name}_logits.npy", logits)
    if fmap is not None:
        fmap.flush()
    if files is not None:
        with open(f"{qlib.QDATA}/{name}_files.txt", "w") as f:
            f.write("\n".join(files[:n]) + "\n")
    print(f"{name}: done {n} in {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
