#!/usr/bin/env python3
"""Writes hand-made awkward and hostile images into a folder, plus `bad_images.json` describing each.

Every entry has `expect`: "accept" (a valid photo in a documented format: it must be indexed and searched),
"refuse" (must be refused with a reason) or "either" (valid but unusual, or outside the documented formats).
The files are deterministic (fixed seeds), so a rerun writes the same bytes.

    .venv/bin/python tools/hardening/make_bad_images.py --out artifacts/hardening/corpus/bad
"""
from __future__ import annotations

import argparse
import io
import json
import random
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageDraw


def photo(size=(320, 240), seed=1) -> Image.Image:
    """A small synthetic 'photo': gradient background and a few filled shapes."""
    rnd = random.Random(seed)
    w, h = size
    img = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x0, y0 = rnd.randrange(w), rnd.randrange(h)
        x1, y1 = x0 + rnd.randrange(20, max(21, w // 2)), y0 + rnd.randrange(20, max(21, h // 2))
        colour = tuple(rnd.randrange(256) for _ in range(3))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)((x0, y0, x1, y1), fill=colour)
    return img


def encode(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_raw(width: int, height: int, bit_depth: int, colour_type: int, rows, level: int = 9) -> bytes:
    """A PNG from an iterator of raw scanlines (filter byte included), compressed as it streams."""
    comp = zlib.compressobj(level)
    parts = []
    for row in rows:
        parts.append(comp.compress(row))
    parts.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", b"".join(parts)) + png_chunk(b"IEND", b"")


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of width × height zeros: small on disk, huge once decoded."""
    row = b"\x00" * (1 + (width + 7) // 8)
    return png_raw(width, height, 1, 0, (row for _ in range(height)))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR declares width × height but whose IDAT holds almost nothing."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def jpeg_with_sof_size(jpeg: bytes, width: int, height: int) -> bytes:
    """The JPEG with the size in its SOF marker replaced (the scan data still describes the small image)."""
    data = bytearray(jpeg)
    i = 2
    while i < len(data) - 9:
        if data[i] != 0xFF:
            break
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            data[i + 5:i + 9] = struct.pack(">HH", height, width)
            return bytes(data)
        i += 2 + length
    raise ValueError("no SOF marker")


def exif_orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def gif_many_frames(frames: int, size=(64, 64)) -> bytes:
    imgs = [Image.new("P", size, i % 256) for i in range(frames)]
    for i, im in enumerate(imgs):
        im.putpalette([(j * 7 + i) % 256 for j in range(768)])
    return encode(imgs[0], "GIF", save_all=True, append_images=imgs[1:], duration=10, loop=0)


def tiff_many_pages(pages: int) -> bytes:
    imgs = [photo((64, 64), seed=i) for i in range(pages)]
    return encode(imgs[0], "TIFF", save_all=True, append_images=imgs[1:])


def png_16bit_rgb(width=200, height=150) -> bytes:
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            row += struct.pack(">HHH", x * 65535 // width, y * 65535 // height, 30000)
        rows.append(bytes(row))
    return png_raw(width, height, 16, 2, rows)


def corrupt_crc(png: bytes) -> bytes:
    data = bytearray(png)
    data[29] ^= 0xFF  # the IHDR CRC
    return bytes(data)


def flip_bytes(data: bytes, seed: int, count: int, start: int = 64) -> bytes:
    rnd = random.Random(seed)
    out = bytearray(data)
    for _ in range(count):
        i = rnd.randrange(min(start, len(out) - 1), len(out))
        out[i] = rnd.randrange(256)
    return bytes(out)


def interlaced_png() -> bytes:
    """An Adam7-interlaced RGB PNG (Pillow writes none): IHDR interlace=1, the seven passes laid out in turn."""
    img = photo((97, 61), seed=3)
    w, h = img.size
    px = img.tobytes()
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = bytearray()
    for x0, y0, dx, dy in passes:
        xs = range(x0, w, dx)
        if not xs:
            continue
        for y in range(y0, h, dy):
            raw += b"\x00"
            for x in xs:
                i = (y * w + x) * 3
                raw += px[i:i + 3]
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 1)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(bytes(raw), 9))
            + png_chunk(b"IEND", b""))


def build() -> list[tuple[str, str, str, bytes]]:
    """(file name, what it is, expectation, bytes) for every hand-made case."""
    base = photo()
    jpeg = encode(base, "JPEG", quality=90)
    png = encode(base, "PNG")
    webp = encode(base, "WEBP", quality=80)
    gif = encode(base.convert("P"), "GIF")
    tiff = encode(base, "TIFF")
    rnd = random.Random(17)
    cases: list[tuple[str, str, str, bytes]] = []

    def add(name: str, what: str, expect: str, data: bytes) -> None:
        cases.append((name, what, expect, data))

    # Valid photos in documented formats, shaped awkwardly: every one must be accepted.
    add("plain.jpg", "a plain 320×240 JPEG (control)", "accept", jpeg)
    add("plain.png", "a plain 320×240 PNG (control)", "accept", png)
    add("plain.webp", "a plain WebP (control)", "accept", webp)
    add("plain.gif", "a plain GIF (control)", "accept", gif)
    add("plain.tif", "a plain TIFF (control)", "accept", tiff)
    add("tall-1x20000.png", "a 1×20000 PNG strip", "accept", encode(Image.new("RGB", (1, 20000), (200, 30, 30)), "PNG"))
    add("wide-20000x1.png", "a 20000×1 PNG strip", "accept", encode(Image.new("RGB", (20000, 1), (30, 200, 30)), "PNG"))
    add("one-pixel.png", "a 1×1 PNG", "accept", encode(Image.new("RGB", (1, 1), (1, 2, 3)), "PNG"))
    add("one-pixel.jpg", "a 1×1 JPEG", "accept", encode(Image.new("RGB", (1, 1), (1, 2, 3)), "JPEG"))
    add("cmyk.jpg", "a CMYK JPEG", "accept", encode(base.convert("CMYK"), "JPEG", quality=90))
    add("grey.jpg", "a greyscale JPEG", "accept", encode(base.convert("L"), "JPEG"))
    add("progressive.jpg", "a progressive JPEG", "accept", encode(base, "JPEG", progressive=True, quality=85))
    add("grey16.png", "a 16-bit greyscale PNG", "accept", encode(base.convert("L").convert("I;16"), "PNG"))
    add("rgb16.png", "a 16-bit RGB PNG", "accept", png_16bit_rgb())
    add("rgba.png", "an RGBA PNG with half-transparent pixels", "accept", encode(base.convert("RGBA").point(lambda v: v // 2 + 64), "PNG"))
    add("palette-transparent.png", "a palette PNG with a transparent index", "accept", encode(base.convert("P"), "PNG", transparency=0))
    add("grey-alpha.png", "a greyscale + alpha PNG", "accept", encode(base.convert("LA"), "PNG"))
    add("one-bit.png", "a 1-bit PNG", "accept", encode(base.convert("1"), "PNG"))
    add("interlaced.png", "an Adam7-interlaced PNG", "accept", interlaced_png())
    for value in (3, 6, 8, 5, 7):
        add(f"exif-orientation-{value}.jpg", f"a JPEG with EXIF orientation {value}", "accept",
            encode(base, "JPEG", exif=exif_orientation(value)))
    add("exif-orientation-9.jpg", "a JPEG with an out-of-range EXIF orientation (9)", "accept", encode(base, "JPEG", exif=exif_orientation(9)))
    add("exif-orientation-6-tall.jpg", "an EXIF-rotated (6) 40×4000 JPEG strip", "accept",
        encode(Image.new("RGB", (40, 4000), (90, 90, 200)), "JPEG", exif=exif_orientation(6)))
    add("gif-600-frames.gif", "an animated GIF with 600 frames", "accept", gif_many_frames(600))
    add("tiff-200-pages.tif", "a TIFF with 200 pages", "accept", tiff_many_pages(200))
    add("animated.webp", "an animated WebP (20 frames)", "accept",
        encode(base, "WEBP", save_all=True, append_images=[photo(seed=i) for i in range(2, 21)], duration=50))
    add("lossless.webp", "a lossless WebP with alpha", "accept", encode(base.convert("RGBA"), "WEBP", lossless=True))
    add("big-comment.jpg", "a JPEG with a 60 kB comment segment", "accept",
        encode(base, "JPEG", comment=bytes(rnd.randrange(32, 127) for _ in range(60_000))))
    add("bad-icc.jpg", "a JPEG with a garbage ICC profile", "either", encode(base, "JPEG", icc_profile=b"\x00garbage" * 200))
    add("under-limit-7000x7000.png", "a valid 1-bit 7000×7000 PNG (49 megapixels, just under the limit)", "accept", png_bomb(7000, 7000))
    add("wrong-extension.gif", "a PNG named .gif", "accept", png)
    add("jpeg-named.png", "a JPEG named .png", "accept", jpeg)

    # Damaged or hostile bytes: every one must be refused with a reason (or, for "either", decoded safely).
    add("zero-bytes.jpg", "an empty file", "refuse", b"")
    add("text.jpg", "a text file named .jpg", "refuse", b"This is not a picture, just some words.\n" * 20)
    add("html.png", "an HTML page with a script named .png", "refuse", b"<!doctype html><script>alert(1)</script>\n")
    add("random-bytes.jpg", "64 kB of random bytes named .jpg", "refuse", bytes(rnd.randrange(256) for _ in range(65_536)))
    add("random-bytes.png", "random bytes after a PNG signature", "refuse", b"\x89PNG\r\n\x1a\n" + bytes(rnd.randrange(256) for _ in range(4096)))
    add("jpeg-soi-only.jpg", "a JPEG start marker and nothing else", "refuse", b"\xff\xd8\xff")
    add("jpeg-soi-eoi.jpg", "a JPEG start marker then end marker", "refuse", b"\xff\xd8\xff\xd9")
    add("truncated-10.jpg", "a JPEG cut to its first 10 %", "either", jpeg[: len(jpeg) // 10])
    add("truncated-50.jpg", "a JPEG cut in half", "either", jpeg[: len(jpeg) // 2])
    add("truncated-99.jpg", "a JPEG missing its last bytes", "either", jpeg[:-2])
    add("truncated-header.jpg", "a JPEG cut inside its headers", "refuse", jpeg[:200])
    add("truncated-50.png", "a PNG cut in half", "either", png[: len(png) // 2])
    add("truncated-header.png", "a PNG cut inside IHDR", "refuse", png[:20])
    add("truncated.webp", "a WebP cut in half", "either", webp[: len(webp) // 2])
    add("truncated.gif", "a GIF cut in half", "either", gif[: len(gif) // 2])
    add("truncated.tif", "a TIFF cut in half", "either", tiff[: len(tiff) // 2])
    add("bad-crc.png", "a PNG whose IHDR CRC is wrong", "either", corrupt_crc(png))
    for i in range(4):
        add(f"bitflip-{i}.jpg", f"a JPEG with 40 random bytes changed (seed {i})", "either", flip_bytes(jpeg, i, 40))
        add(f"bitflip-{i}.png", f"a PNG with 40 random bytes changed (seed {i})", "either", flip_bytes(png, i, 40))
    add("bomb-30000x30000.png", "a valid 1-bit 30000×30000 PNG (900 megapixels: a decompression bomb)", "refuse", png_bomb(30000, 30000))
    add("header-30000x30000.png", "a PNG header declaring 30000×30000 with almost no data", "refuse", png_header_only(30000, 30000))
    add("header-65500x65500.jpg", "a JPEG whose SOF declares 65500×65500", "refuse", jpeg_with_sof_size(jpeg, 65500, 65500))
    add("header-0x0.png", "a PNG header declaring 0×0", "refuse", png_header_only(0, 0))
    add("header-1x2147483647.png", "a PNG header declaring 1×2³¹−1", "refuse", png_header_only(1, 2**31 - 1))
    add("header-0x100.jpg", "a JPEG whose SOF declares width 0", "refuse", jpeg_with_sof_size(jpeg, 0, 100))
    add("pdf.jpg", "a PDF named .jpg", "refuse",
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
        b"3 0 obj<</Type/Page/MediaBox[0 0 612 792]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    svg = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
           b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100000" height="100000">'
           b'<image xlink:href="file:///etc/passwd" width="10" height="10"/><text>&d;</text></svg>')
    add("svg.jpg", "an SVG (entity expansion, 100000×100000, a file:// image) named .jpg", "refuse", svg)
    add("svg.png", "the same SVG named .png", "refuse", svg)
    add("bmp.jpg", "a BMP named .jpg (not a documented format)", "refuse", encode(base, "BMP"))
    add("jpeg2000.jpg", "a JPEG 2000 named .jpg (not a documented format)", "refuse", encode(base, "JPEG2000"))
    add("ppm.png", "a PPM named .png (not a documented format)", "refuse", encode(base, "PPM"))
    add("gzip.png", "a gzip stream named .png", "refuse", zlib.compress(png, 9))
    add("png-then-zip.png", "a PNG followed by a zip archive (a polyglot)", "either", png + b"PK\x03\x04" + bytes(2000))
    add("over-upload-limit.jpg", "a JPEG followed by 21 MB of zeros (over the server's 20 MB upload limit)", "either",
        jpeg + bytes(21_000_000))
    add("many-chunks.png", "a PNG with 100000 empty tEXt chunks before IDAT", "either",
        png[:33] + png_chunk(b"tEXt", b"k\x00v") * 100_000 + png[33:])
    return cases


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, required=True)
    args = p.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, what, expect, data in build():
        (args.out / name).write_bytes(data)
        manifest.append({"file": name, "what": what, "expect": expect, "bytes": len(data)})
    (args.out / "bad_images.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {len(manifest)} hand-made images to {args.out}")


if __name__ == "__main__":
    main()
