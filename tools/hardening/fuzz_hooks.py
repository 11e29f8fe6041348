"""Schemathesis hooks of api_fuzz.py (loaded through SCHEMATHESIS_HOOKS).

Generated data alone rarely reaches the deep paths: random bytes are never a decodable photo and random ids
never name a product. So some of the generated cases get a real image in their `image` field (the files of
$LOOKALIKE_FUZZ_IMAGES, a folder), a real product id in their `{id}` path parameter ($LOOKALIKE_FUZZ_IDS,
comma-separated) and a real asset in `{name}` (the files of Sources/Web/Public); the rest stay as generated.
"""
import os
from pathlib import Path

import schemathesis
from hypothesis import strategies as st

IDS = [i for i in os.environ.get("LOOKALIKE_FUZZ_IDS", "").split(",") if i]
_folder = os.environ.get("LOOKALIKE_FUZZ_IMAGES")
IMAGES = [p.read_bytes() for p in sorted(Path(_folder).iterdir()) if p.is_file()] if _folder else []
ASSETS = sorted(p.name for p in (Path(__file__).resolve().parents[2] / "Sources" / "Web" / "Public").iterdir())


@schemathesis.hook
def flatmap_body(context, body):
    if not IMAGES or not isinstance(body, dict) or "image" not in body:
        return st.just(body)
    return st.one_of(st.just(body), st.sampled_from(IMAGES).map(lambda image: {**body, "image": image}))


@schemathesis.hook
def flatmap_path_parameters(context, path_parameters):
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    if IDS and "id" in path_parameters:
        return st.one_of(st.just(path_parameters), st.sampled_from(IDS).map(lambda i: {**path_parameters, "id": i}))
    if ASSETS and "name" in path_parameters:
        return st.one_of(st.just(path_parameters), st.sampled_from(ASSETS).map(lambda n: {**path_parameters, "name": n}))
    return st.just(path_parameters)
