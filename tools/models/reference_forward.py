"""Independent numpy forward pass of EfficientNet-Lite, straight from the .pth.

Reads the checkpoint with torch_legacy (never the ONNX file), applies batch
norm unfolded, and computes in float64, so it can check the converted model
and the runtimes that run it.

    python tools/models/reference_forward.py --checkpoint models/efficientnet-lite0/checkpoint.pth \
        --variant lite0 --input x.f32 --shape N,3,224,224 --features-out f.f32 --logits-out l.f32

Files are raw little-endian float32 in C order. Input is already normalised
((x - 127) / 128 on 0..255 RGB). features: [N,1280,h,w] after ReLU6; logits: [N,1000];
--taps-out DIR writes the intermediate taps (efficientnet_lite.feature_taps) as DIR/NAME.f32.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import efficientnet_lite as arch  # noqa: E402
from torch_legacy import CheckpointError, load_state_dict  # noqa: E402


def _pad_same(x: np.ndarray, kernel: int, stride: int) -> np.ndarray:
    """Zero-pads H and W the TensorFlow "SAME" way (extra pixel bottom/right)."""
    top, bottom = arch.same_padding(x.shape[2], kernel, stride)
    left, right = arch.same_padding(x.shape[3], kernel, stride)
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))


def _out_size(size: int, stride: int) -> int:
    return -(-size // stride)


def conv2d(x: np.ndarray, w: np.ndarray, stride: int) -> np.ndarray:
    """Dense conv, NCHW, SAME padding: im2col by strided windows, one tensordot."""
    _, _, h, wd = x.shape
    k = w.shape[-1]
    if k == 1 and stride == 1:  # pointwise: a matrix product over channels
        return np.einsum("oc,nchw->nohw", w[:, :, 0, 0], x, optimize=True)
    xp = _pad_same(x, k, stride)
    # windows: [N, C, H', W', k, k] then keep every stride-th window.
    windows = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride][:, :, :_out_size(h, stride), :_out_size(wd, stride)]
    return np.einsum("nchwij,ocij->nohw", windows, w, optimize=True)


def depthwise_conv2d(x: np.ndarray, w: np.ndarray, stride: int) -> np.ndarray:
    """Depthwise conv (groups = channels): k*k shifted multiply-adds."""
    n, c, h, wd = x.shape
    k = w.shape[-1]
    xp = _pad_same(x, k, stride)
    oh, ow = _out_size(h, stride), _out_size(wd, stride)
    out = np.zeros((n, c, oh, ow), dtype=x.dtype)
    for i in range(k):
        for j in range(k):
            patch = xp[:, :, i:i + stride * (oh - 1) + 1:stride, j:j + stride * (ow - 1) + 1:stride]
            out += patch * w[None, :, 0, i, j, None, None]
    return out


def batch_norm(x: np.ndarray, state: dict, name: str) -> np.ndarray:
    """Inference batch norm with the running statistics."""
    mean = state[name + ".running_mean"][None, :, None, None]
    var = state[name + ".running_var"][None, :, None, None]
    gamma = state[name + ".weight"][None, :, None, None]
    beta = state[name + ".bias"][None, :, None, None]
    return (x - mean) / np.sqrt(var + arch.BN_EPS) * gamma + beta


def relu6(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0.0, 6.0)


def forward(state: dict, variant: arch.Variant,
            x: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Returns (features [N,1280,h,w], logits [N,1000], {tap name: [N,C,h,w]}) in float64."""
    s = {k: v.astype(np.float64) for k, v in state.items()}
    x = x.astype(np.float64)
    x = relu6(batch_norm(conv2d(x, s["_conv_stem.weight"], 2), s, "_bn0"))
    taps = arch.feature_taps(variant)
    tapped: dict[str, np.ndarray] = {}
    for i, b in enumerate(arch.blocks(variant)):
        p = b.prefix
        h = x
        if b.has_expand:
            h = relu6(batch_norm(conv2d(h, s[p + "_expand_conv.weight"], 1), s, p + "_bn0"))
        tapped.update({t.name: h for t in taps if t.block == i and t.point == "expand"})
        h = relu6(batch_norm(depthwise_conv2d(h, s[p + "_depthwise_conv.weight"], b.stride),
                             s, p + "_bn1"))
        h = batch_norm(conv2d(h, s[p + "_project_conv.weight"], 1), s, p + "_bn2")
        x = h + x if b.has_residual else h
        tapped.update({t.name: x for t in taps if t.block == i and t.point == "out"})
    features = relu6(batch_norm(conv2d(x, s["_conv_head.weight"], 1), s, "_bn1"))
    logits = features.mean(axis=(2, 3)) @ s["_fc.weight"].T + s["_fc.bias"]
    return features, logits, tapped


def run(checkpoint: Path, variant_name: str,
        x: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Loads the checkpoint, checks it fits the variant, and runs the batch ``x``."""
    variant = arch.get_variant(variant_name)
    if x.ndim != 4 or x.shape[1:] != (3, variant.resolution, variant.resolution):
        raise ValueError(f"input shape {list(x.shape)}; EfficientNet-{variant.name} needs "
                         f"[N,3,{variant.resolution},{variant.resolution}]")
    state = load_state_dict(checkpoint)
    arch.check_state_dict(state, variant)
    return forward(state, variant, x)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--variant", required=True, help="lite0 .. lite4")
    parser.add_argument("--input", type=Path, required=True, help="raw little-endian float32")
    parser.add_argument("--shape", required=True, help="N,3,H,W")
    parser.add_argument("--features-out", type=Path)
    parser.add_argument("--logits-out", type=Path)
    parser.add_argument("--taps-out", type=Path, help="folder for one NAME.f32 per intermediate tap")
    args = parser.parse_args()

    shape = tuple(int(v) for v in args.shape.split(","))
    data = np.fromfile(args.input, dtype="<f4")
    if data.size != int(np.prod(shape)):
        sys.exit(f"error: {args.input} holds {data.size} floats, shape {shape} needs "
                 f"{int(np.prod(shape))}")
    try:
        features, logits, taps = run(args.checkpoint, args.variant, data.reshape(shape))
    except (ValueError, CheckpointError) as error:
        sys.exit(f"error: {error}")
    if args.features_out:
        features.astype("<f4").tofile(args.features_out)
    if args.logits_out:
        logits.astype("<f4").tofile(args.logits_out)
    if args.taps_out:
        args.taps_out.mkdir(parents=True, exist_ok=True)
        for name, value in taps.items():
            value.astype("<f4").tofile(args.taps_out / f"{name}.f32")
    top1 = ", ".join(str(int(i)) for i in logits.argmax(axis=1))
    print(f"features {list(features.shape)}, logits {list(logits.shape)}, top-1 {top1}")


if __name__ == "__main__":
    main()
