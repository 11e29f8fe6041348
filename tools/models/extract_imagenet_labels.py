"""Regenerates tools/models/imagenet_labels.txt (run once; the output is committed).

The 1000 ImageNet-1k class names, in index order, are torchvision's
``_IMAGENET_CATEGORIES`` list (BSD-3-Clause). They were taken from Debian's
``python3-torchvision`` 0.14.1 package without installing it:

    cd "$(mktemp -d)" && apt-get download python3-torchvision && dpkg -x python3-torchvision_*.deb x
    python3 tools/models/extract_imagenet_labels.py \
        x/usr/lib/python3/dist-packages/torchvision/models/_meta.py > tools/models/imagenet_labels.txt

The file is parsed with ``ast`` (never imported or executed).
"""

import ast
import sys


def imagenet_categories(meta_source: str) -> list[str]:
    for node in ast.parse(meta_source).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and getattr(node.targets[0], "id", None) == "_IMAGENET_CATEGORIES"):
            names = ast.literal_eval(node.value)
            if len(names) != 1000 or len(set(names)) != 1000:
                raise ValueError("expected 1000 distinct class names")
            return names
    raise ValueError("no _IMAGENET_CATEGORIES list in this file")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: extract_imagenet_labels.py torchvision/models/_meta.py")
    with open(sys.argv[1], encoding="utf-8") as f:
        print("\n".join(imagenet_categories(f.read())))
