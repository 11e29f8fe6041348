"""Intermediate-layer descriptors: pools the Lite0 model's intermediate outputs (avg, max, gem3 of relu'd values).
The prepared model exports them (tools/models/efficientnet_lite.feature_taps); the research that chose them ran on
a copy with the same tensors added by their graph names then (add_61, add_84, relu6_86).

    python extract_layers.py --split test --name test_L
    python extract_layers.py --manifest M.csv --variant maskgrey --name sh_eval_L

Layers: stage5 (end of stage 5, 112 ch, 14x14; was add_61), stage6 (block 14, 192 ch, 7x7; was add_84),
stage7_expand (block 15 expansion, 1152 ch, 7x7; was relu6_86). Writes NAME_LAYER_{avg,max,gem3}.npy.
"""
from __future__ import annotations

import argparse
import csv
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qlib  # noqa: E402

LAYERS = ["stage5", "stage6", "stage7_expand"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split")
    ap.add_argument("--manifest")
    ap.add_argument("--variant", default="maskgrey")
    ap.add_argument("--name", required=True)
    ap.add_argument("--batch", type=int, default=32)
    a = ap.parse_args()
    path = f"{qlib.MODEL_DIR}/model.onnx"
    import openvino as ov
    core = ov.Core()
    m = core.read_model(path)
    m.reshape({m.inputs[0].get_any_name(): [a.batch, 3, 224, 224]})
    cm = core.compile_model(m, "CPU", {"INFERENCE_PRECISION_HINT": "bf16", "INFERENCE_NUM_THREADS": 2})
    req = cm.create_infer_request()
    outs = {o.get_any_name(): o for o in cm.outputs}
    if a.split:
        imgs, _ = qlib.load_fmnist(a.split)
        n = len(imgs)
        prep = lambda s, e: qlib.grey28_to_input(imgs[s:e])
    else:
        from shopper_extract import masked_item, norm
        base = os.path.dirname(os.path.abspath(a.manifest))
        rows = list(csv.DictReader(open(a.manifest)))
        n = len(rows)

        def prep(s, e):
            xs = []
            for r in rows[s:e]:
                im = Image.open(os.path.join(base, r["photo"])).convert("RGB")
                xs.append(norm(masked_item(im, (0, 0, 0), grey=True, stretch=True, deskew="dsk" in a.variant)))
            return np.stack(xs)
    res = {}
    for s in range(0, n, a.batch):
        x = prep(s, min(s + a.batch, n))
        k = len(x)
        if k < a.batch:
            x = np.concatenate([x, np.zeros((a.batch - k,) + x.shape[1:], np.float32)])
        r = req.infer({0: x})
        for L in LAYERS:
            f = r[outs[L]][:k].reshape(k, r[outs[L]].shape[1], -1)
            fp = np.maximum(f, 1e-6)
            for pn, v in (("avg", f.mean(-1)), ("max", f.max(-1)),
                          ("gem3", np.cbrt((fp ** 3).mean(-1)))):
                res.setdefault((L, pn), np.zeros((n, f.shape[1]), np.float32))[s:s + k] = v
        if (s // a.batch) % 50 == 0:
            print(a.name, s + k, n, flush=True)
    for (L, pn), v in res.items():
        np.save(f"{qlib.QDATA}/{a.name}_{L}_{pn}.npy", v)
    print("done", a.name)


if __name__ == "__main__":
    main()
