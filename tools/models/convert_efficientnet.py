"""Converts an EfficientNet-Lite checkpoint (legacy .pth) into an ONNX graph.

Graph: input "input" float32 [N,3,H,W] (already normalised, (x-127)/128),
outputs "features" = head after ReLU6 [N,1280,h,w], "logits" [N,1000] and the intermediate
taps of efficientnet_lite.feature_taps ("stage5", "stage6", "stage7_expand") for multi-layer descriptors.
Batch norm is folded into each conv's weight and bias (in float64, then cast),
TF "SAME" padding becomes the conv's explicit pads (extra pixel bottom/right),
ReLU6 is Clip(0, 6).

    python tools/models/convert_efficientnet.py --checkpoint X.pth --variant lite0 --out model.onnx
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
import efficientnet_lite as arch  # noqa: E402
from torch_legacy import CheckpointError, load_state_dict  # noqa: E402

OPSET = 17
IR_VERSION = 8  # the oldest IR that carries opset 17: readable by every runtime we use


class ConversionError(Exception):
    """The converted graph failed a check."""


def fold_batch_norm(weight: np.ndarray, state: dict, bn: str) -> tuple[np.ndarray, np.ndarray]:
    """Returns conv weight and bias with batch norm ``bn`` folded in (exact, float64)."""
    gamma = state[bn + ".weight"].astype(np.float64)
    beta = state[bn + ".bias"].astype(np.float64)
    mean = state[bn + ".running_mean"].astype(np.float64)
    var = state[bn + ".running_var"].astype(np.float64)
    scale = gamma / np.sqrt(var + arch.BN_EPS)
    folded = weight.astype(np.float64) * scale[:, None, None, None]
    bias = beta - mean * scale
    return folded.astype(np.float32), bias.astype(np.float32)


class _GraphBuilder:
    """Accumulates nodes and initializers while tracking the spatial size."""

    def __init__(self, state: dict):
        self.state = state
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count = 0

    def _name(self, kind: str) -> str:
        self._count += 1
        return f"{kind}_{self._count}"

    def constant(self, name: str, array: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(array, name))
        return name

    def conv_bn(self, x: str, size: int, weight: str, bn: str, stride: int, groups: int,
                relu6: bool, out_name: str | None = None) -> tuple[str, int]:
        """Conv (+ folded BN) (+ ReLU6); returns the output name and spatial size."""
        w, b = fold_batch_norm(self.state[weight], self.state, bn)
        kernel = w.shape[-1]
        before, after = arch.same_padding(size, kernel, stride)
        base = weight.removesuffix(".weight")
        conv_out = self._name("conv") if relu6 or out_name is None else out_name
        self.nodes.append(helper.make_node(
            "Conv", [x, self.constant(base + ".w", w), self.constant(base + ".b", b)], [conv_out],
            name=base, kernel_shape=[kernel, kernel], strides=[stride, stride],
            pads=[before, before, after, after], group=groups))
        out = conv_out
        if relu6:
            out = out_name or self._name("relu6")
            self.nodes.append(helper.make_node(
                "Clip", [conv_out, "relu6_min", "relu6_max"], [out], name=base + ".relu6"))
        return out, -(-size // stride)

    def block(self, x: str, size: int, b: arch.Block, expand_name: str | None = None,
              out_name: str | None = None) -> tuple[str, int]:
        """One MBConv block: expand 1x1, depthwise kxk, project 1x1, residual. ``expand_name`` and
        ``out_name`` name the expansion's and the block's output tensors (for taps)."""
        h = x
        if b.has_expand:
            h, size = self.conv_bn(h, size, b.prefix + "_expand_conv.weight", b.prefix + "_bn0",
                                   1, 1, relu6=True, out_name=expand_name)
        h, size = self.conv_bn(h, size, b.prefix + "_depthwise_conv.weight", b.prefix + "_bn1",
                               b.stride, b.hidden_channels, relu6=True)
        h, size = self.conv_bn(h, size, b.prefix + "_project_conv.weight", b.prefix + "_bn2",
                               1, 1, relu6=False)
        if b.has_residual:
            out = out_name or self._name("add")
            self.nodes.append(helper.make_node("Add", [h, x], [out], name=b.prefix + "add"))
            h = out
        elif out_name:
            self.nodes.append(helper.make_node("Identity", [h], [out_name], name=b.prefix + "out"))
            h = out_name
        return h, size


def build_model(state: dict, variant: arch.Variant) -> onnx.ModelProto:
    """Builds the ONNX model for a loaded state dict."""
    arch.check_state_dict(state, variant)
    g = _GraphBuilder(state)
    g.constant("relu6_min", np.array(0.0, np.float32))
    g.constant("relu6_max", np.array(6.0, np.float32))

    size = variant.resolution
    x, size = g.conv_bn("input", size, "_conv_stem.weight", "_bn0", 2, 1, relu6=True)
    taps = arch.feature_taps(variant)
    tap_sizes: dict[str, int] = {}
    for i, b in enumerate(arch.blocks(variant)):
        names = {t.point: t.name for t in taps if t.block == i}
        before = size
        x, size = g.block(x, size, b, expand_name=names.get("expand"), out_name=names.get("out"))
        for t in taps:
            if t.block == i:
                tap_sizes[t.name] = before if t.point == "expand" else size
    features, size = g.conv_bn(x, size, "_conv_head.weight", "_bn1", 1, 1, relu6=True,
                               out_name="features")

    g.nodes.append(helper.make_node("GlobalAveragePool", [features], ["pooled"], name="pool"))
    g.nodes.append(helper.make_node("Flatten", ["pooled"], ["pooled_flat"], name="flatten", axis=1))
    g.nodes.append(helper.make_node(
        "Gemm", ["pooled_flat", g.constant("fc.w", state["_fc.weight"].astype(np.float32)),
                 g.constant("fc.b", state["_fc.bias"].astype(np.float32))],
        ["logits"], name="fc", transB=1))

    res = variant.resolution
    graph = helper.make_graph(
        g.nodes, f"efficientnet-{variant.name}",
        inputs=[helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, res, res])],
        outputs=[
            helper.make_tensor_value_info("features", TensorProto.FLOAT,
                                          ["N", arch.HEAD_CHANNELS, size, size]),
            helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", arch.NUM_CLASSES]),
        ] + [helper.make_tensor_value_info(t.name, TensorProto.FLOAT,
                                           ["N", t.channels, tap_sizes[t.name], tap_sizes[t.name]])
             for t in taps],
        initializer=g.initializers)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="lookalike tools/models/convert_efficientnet.py",
        doc_string=f"EfficientNet-{variant.name.capitalize()}, ImageNet-1k; input (x-127)/128, RGB")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model


def check_with_openvino(path: Path, variant: arch.Variant) -> None:
    """Reads, compiles and runs the model with OpenVINO (f32) on a batch of 2."""
    import openvino as ov

    core = ov.Core()
    compiled = core.compile_model(core.read_model(str(path)), "CPU",
                                  {"INFERENCE_PRECISION_HINT": "f32"})
    res = variant.resolution
    x = np.random.default_rng(0).uniform(-1, 1, (2, 3, res, res)).astype(np.float32)
    result = compiled(x)
    features = result[compiled.output("features")]
    logits = result[compiled.output("logits")]
    if logits.shape != (2, arch.NUM_CLASSES) or features.shape[:2] != (2, arch.HEAD_CHANNELS):
        raise ConversionError(f"OpenVINO output shapes {features.shape}, {logits.shape}")
    if not (np.isfinite(features).all() and np.isfinite(logits).all()):
        raise ConversionError("OpenVINO produced non-finite outputs")
    pooled = features.mean(axis=(2, 3))
    if features.min() < 0 or features.max() > 6 or not np.isfinite(pooled).all():
        raise ConversionError("features outside ReLU6 range")
    for tap in arch.feature_taps(variant):
        value = result[compiled.output(tap.name)]
        if value.shape[:2] != (2, tap.channels) or not np.isfinite(value).all():
            raise ConversionError(f"OpenVINO output {tap.name} has shape {value.shape}")


def convert(checkpoint: Path, variant_name: str, out: Path, verify: bool = True) -> None:
    """Converts ``checkpoint`` to ONNX at ``out`` (written atomically)."""
    variant = arch.get_variant(variant_name)
    model = build_model(load_state_dict(checkpoint), variant)
    tmp = out.with_name(out.name + ".tmp")
    try:
        onnx.save(model, str(tmp))
        if verify:
            check_with_openvino(tmp, variant)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint", type=Path, required=True)
    parser.add_argument("--variant", required=True, help="lite0 .. lite4")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-verify", action="store_true", help="skip the OpenVINO run")
    args = parser.parse_args()
    try:
        convert(args.checkpoint, args.variant, args.out, verify=not args.no_verify)
    except (CheckpointError, ConversionError, ValueError) as error:
        sys.exit(f"error: {error}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
