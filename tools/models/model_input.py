"""Model input tensors made the way the Swift embedder makes them.

The image bytes go through the same libvips calls as `lk_vips_prepare` (Sources/CShims/VipsShim/vips_shim.c),
made through pyvips on the system's libvips: `thumbnail_buffer` to the model's input size (shrink-on-load,
centre crop for the "crop" fit), or for a region the whole image turned upright, cut and `thumbnail_image`d;
then 8-bit sRGB with grey replicated and alpha flattened onto the manifest's background, padded to size; then
channel order, mean, std and layout per the manifest, as TensorWriter.swift does. Fashion-MNIST items are
read from the Debian package's IDX files and encoded as grey PNGs by libvips first, as the import does.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import numpy as np
import pyvips

FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")


def load_fashion_mnist(split: str) -> np.ndarray:
    """uint8 [N, 28, 28] images of 'train' or 'test' (the package's t10k files)."""
    prefix = "t10k" if split == "test" else "train"
    with gzip.open(FASHION_MNIST / f"{prefix}-images-idx3-ubyte.gz") as f:
        raw = f.read()
    magic, n, h, w = (int(v) for v in np.frombuffer(raw[:16], dtype=">u4"))
    if magic != 2051:
        raise ValueError(f"{prefix}-images-idx3-ubyte.gz: not an IDX image file")
    return np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, h, w)


def grey_png(grey: np.ndarray) -> bytes:
    """Raw 8-bit grey pixels as the PNG the import encodes (PNGEncoder.swift: B_W, compression 6)."""
    h, w = grey.shape
    image = pyvips.Image.new_from_memory(np.ascontiguousarray(grey).tobytes(), w, h, 1, "uchar")
    return image.copy(interpretation="b-w").pngsave_buffer(compression=6)


class InputMaker:
    """Makes one model's input tensors from encoded images, grey pixel arrays and regions of images."""

    def __init__(self, manifest: dict):
        i = manifest["input"]
        self.width, self.height = int(i["width"]), int(i["height"])
        self.fit = i.get("resize", "crop")
        self.background = [float(v) for v in (i.get("padColor") or [255, 255, 255])]
        self.order = [0, 1, 2] if i.get("colorOrder", "RGB") == "RGB" else [2, 1, 0]
        self.mean = np.array(i["mean"], dtype=np.float32)
        self.std = np.array(i["std"], dtype=np.float32)
        self.layout = i.get("layout", "NCHW")

    def pixels(self, data: bytes, region: tuple[float, float, float, float] | None = None) -> np.ndarray:
        """uint8 [H, W, 3] of encoded image bytes (or of a fractional region left, top, width, height)."""
        size = "force" if self.fit == "stretch" else "both"
        crop = "centre" if self.fit == "crop" else "none"
        if region is not None or (self.fit == "crop" and self._needs_cut_first(data)):
            part = pyvips.Image.new_from_buffer(data, "", fail_on="error").autorot()
            part = self._cut_region(part, region or (0.0, 0.0, 1.0, 1.0))
            if self.fit == "crop":
                part = self._cut_centre(part)
            image = part.thumbnail_image(self.width, height=self.height, size=size, crop=crop)
        else:
            image = pyvips.Image.thumbnail_buffer(data, self.width, height=self.height, size=size, crop=crop,
                                                  option_string="fail_on=error")
        image = self._srgb8(image)
        if (image.width, image.height) != (self.width, self.height):
            image = image.gravity("centre", self.width, self.height, extend="background", background=self.background)
        return np.ndarray(buffer=image.write_to_memory(), dtype=np.uint8, shape=(self.height, self.width, 3))

    def file_pixels(self, path: Path, region: tuple[float, float, float, float] | None = None) -> np.ndarray:
        """`pixels` of an image file."""
        return self.pixels(path.read_bytes(), region)

    def grey_pixels(self, grey: np.ndarray) -> np.ndarray:
        """`pixels` of raw 8-bit grey pixels (a Fashion-MNIST item)."""
        return self.pixels(grey_png(grey))

    def tensor(self, pixels: np.ndarray) -> np.ndarray:
        """float32 [3, H, W] (or [H, W, 3] for NHWC) of uint8 RGB pixels: channel order, mean, std."""
        x = (pixels[:, :, self.order].astype(np.float32) - self.mean) * (np.float32(1) / self.std)
        return x.transpose(2, 0, 1).copy() if self.layout == "NCHW" else x

    def _srgb8(self, image: pyvips.Image) -> pyvips.Image:
        """to_srgb8 of vips_shim.c: 8-bit, 3-band sRGB, alpha flattened onto the background."""
        if image.interpretation != "srgb" or image.format != "uchar":
            try:
                image = image.colourspace("srgb")
            except pyvips.Error:
                image = image.cast("uchar", shift=image.format == "ushort")
        if image.hasalpha():
            image = image.flatten(background=self.background)
        if image.bands in (1, 2):
            grey = image.extract_band(0)
            image = grey.bandjoin([grey, grey])
        elif image.bands > 3:
            image = image.extract_band(0, n=3)
        if image.format != "uchar":
            image = image.cast("uchar")
        return image

    def _needs_cut_first(self, data: bytes) -> bool:
        """crop_needs_cut_first of vips_shim.c: covering the output would build > 4× its pixels."""
        header = pyvips.Image.new_from_buffer(data, "", access="sequential", fail_on="error")
        w, h = header.width, header.height
        if header.get_typeof("orientation") and header.get("orientation") >= 5:
            w, h = h, w
        scale = max(self.width / w, self.height / h)
        return (w * scale) * (h * scale) > 4.0 * self.width * self.height

    @staticmethod
    def _cut(image: pyvips.Image, left: int, top: int, cw: int, ch: int) -> pyvips.Image:
        w, h = image.width, image.height
        left, top = min(left, w - 1), min(top, h - 1)
        cw, ch = max(cw, 1), max(ch, 1)
        cw, ch = min(cw, w - left), min(ch, h - top)
        return image.extract_area(left, top, cw, ch)

    def _cut_region(self, image: pyvips.Image, region: tuple[float, float, float, float]) -> pyvips.Image:
        w, h = image.width, image.height
        clamp = lambda v: min(max(v, 0.0), 1.0)  # noqa: E731
        return self._cut(image, math.floor(clamp(region[0]) * w), math.floor(clamp(region[1]) * h),
                         math.ceil(clamp(region[2]) * w), math.ceil(clamp(region[3]) * h))

    def _cut_centre(self, image: pyvips.Image) -> pyvips.Image:
        w, h = float(image.width), float(image.height)
        target = self.width / self.height
        if w / h > target:
            cw = int(max(1, _round(h * target)))
            return self._cut(image, int((w - cw) / 2), 0, cw, int(h))
        ch = int(max(1, _round(w / target)))
        return self._cut(image, 0, int((h - ch) / 2), int(w), ch)


def _round(x: float) -> float:
    """C's round(): halves away from zero (Python's round() goes to even)."""
    return math.floor(x + 0.5) if x >= 0 else math.ceil(x - 0.5)
