#!/usr/bin/env python3
"""Unpacks Pillow's own test images (Tests/images of its source distribution) into a folder.

The source distribution comes from the Python package index through pip (`pip download --no-binary pillow`),
at the Pillow version pinned in tools/requirements.txt, and is kept in the cache folder, so later runs are
offline. The images are several hundred edge cases: every format Pillow reads, damaged files, fuzzer finds.

    .venv/bin/python tools/hardening/fetch_pillow_corpus.py --out artifacts/hardening/corpus/pillow
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from common import ROOT, WORK


def pinned_pillow() -> str:
    text = (ROOT / "tools" / "requirements.txt").read_text()
    match = re.search(r"^pillow==(\S+)", text, re.M | re.I)
    if not match:
        sys.exit("tools/requirements.txt pins no pillow version; pass --version")
    return match.group(1)


def sdist(version: str, cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    found = sorted(cache.glob(f"pillow-{version}.tar.gz"))
    if found:
        return found[0]
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                    "--no-deps", "--no-binary", "pillow", f"pillow=={version}", "-d", str(cache)], check=True)
    found = sorted(cache.glob(f"pillow-{version}.tar.gz"))
    if not found:
        sys.exit(f"pip saved no pillow-{version}.tar.gz in {cache}")
    return found[0]


def extract(archive: Path, out: Path) -> int:
    """Writes every regular file under */Tests/images/ into `out`, keeping sub-folders; returns the count."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    count = 0
    with tarfile.open(archive) as tar:
        for member in tar:
            parts = Path(member.name).parts
            if not member.isfile() or len(parts) < 4 or parts[1:3] != ("Tests", "images"):
                continue
            relative = Path(*parts[3:])
            if any(p.startswith("..") for p in relative.parts):
                continue
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            count += 1
    return count


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=WORK / "corpus" / "pillow")
    p.add_argument("--version", help="Pillow version (default: the pin in tools/requirements.txt)")
    p.add_argument("--cache", type=Path, default=WORK / "cache")
    args = p.parse_args()
    version = args.version or pinned_pillow()
    stamp = args.out / ".pillow-version"
    if stamp.exists() and stamp.read_text().strip() == version:
        print(f"Pillow {version} test images already in {args.out}")
        return
    archive = sdist(version, args.cache)
    count = extract(archive, args.out)
    stamp.write_text(version + "\n")
    print(f"unpacked {count} test images of Pillow {version} into {args.out}")


if __name__ == "__main__":
    main()
