"""Reader for PyTorch's legacy (pre-zip) ``torch.save`` checkpoint format.

The file is a plain byte stream:

1. pickle: the magic number 0x1950a86a20f9469cfc6c
2. pickle: the protocol version (1001)
3. pickle: sys info (endianness, type sizes)
4. pickle: the object itself (here a state dict: OrderedDict name -> tensor);
   tensors are ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)``
   and every storage is a persistent id
   ``('storage', <torch.XStorage>, key, location, numel, view_metadata)``
5. pickle: the list of storage keys, in the order their bytes follow
6. per key: an 8-byte little-endian element count, then the raw elements.

Only the handful of globals such a state dict needs are resolved, each to a
harmless stand-in; any other global makes loading fail, so a hostile file cannot
run code. torch is not needed.
"""

from __future__ import annotations

import collections
import pickle
import struct
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001


class CheckpointError(Exception):
    """The file is not a legacy torch checkpoint this reader understands."""


@dataclass(frozen=True)
class _StorageType:
    """Stand-in for a ``torch.XStorage`` class: only its element type matters."""

    name: str
    dtype: np.dtype


# Element types of the storage classes a legacy checkpoint may name
# (always little-endian on disk; checked against the sys-info pickle).
_STORAGE_TYPES = {
    name: _StorageType(name, np.dtype(code))
    for name, code in {
        "FloatStorage": "<f4",
        "DoubleStorage": "<f8",
        "HalfStorage": "<f2",
        "LongStorage": "<i8",
        "IntStorage": "<i4",
        "ShortStorage": "<i2",
        "CharStorage": "i1",
        "ByteStorage": "u1",
        "BoolStorage": "?",
    }.items()
}


@dataclass(frozen=True)
class _StorageRef:
    """A storage named by a persistent id; its bytes come after the pickles."""

    key: str
    dtype: np.dtype
    numel: int


@dataclass(frozen=True)
class _TensorRef:
    """A tensor view on a storage, resolved to an array once bytes are read."""

    storage: _StorageRef
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                       backward_hooks=None, metadata=None) -> _TensorRef:
    """Stand-in for ``torch._utils._rebuild_tensor_v2``."""
    if not isinstance(storage, _StorageRef):
        raise CheckpointError("tensor rebuilt from something that is not a storage")
    return _TensorRef(storage, int(storage_offset), tuple(size), tuple(stride))


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickler that resolves only the torch names a state dict uses."""

    def find_class(self, module: str, name: str):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if module == "torch" and name in _STORAGE_TYPES:
            return _STORAGE_TYPES[name]
        raise CheckpointError(f"checkpoint refers to a forbidden global {module}.{name}")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage"):
            raise CheckpointError(f"unsupported persistent id {pid!r}")
        _, storage_type, key, _location, numel, *rest = pid
        if not isinstance(storage_type, _StorageType):
            raise CheckpointError(f"unsupported storage type {storage_type!r}")
        if rest and rest[0] is not None:
            raise CheckpointError("storage views (view_metadata) are not supported")
        return _StorageRef(str(key), storage_type.dtype, int(numel))


def _load_pickle(stream: BinaryIO):
    try:
        return _RestrictedUnpickler(stream).load()
    except CheckpointError:
        raise
    except Exception as error:  # malformed pickle data of any kind
        raise CheckpointError(f"corrupt checkpoint pickle: {error}") from error


def _read_storages(stream: BinaryIO, refs: dict[str, _StorageRef]) -> dict[str, np.ndarray]:
    """Reads the storages' raw bytes, in the order the key list gives."""
    keys = _load_pickle(stream)
    if not isinstance(keys, list):
        raise CheckpointError("storage key list missing")
    storages: dict[str, np.ndarray] = {}
    for key in keys:
        if key not in refs:
            raise CheckpointError(f"storage {key} has bytes but no tensor uses it")
        ref = refs[key]
        header = stream.read(8)
        if len(header) != 8:
            raise CheckpointError(f"file ends before storage {key}")
        (count,) = struct.unpack("<q", header)
        if count != ref.numel:
            raise CheckpointError(f"storage {key}: {count} elements, expected {ref.numel}")
        nbytes = count * ref.dtype.itemsize
        data = stream.read(nbytes)
        if len(data) != nbytes:
            raise CheckpointError(f"file ends inside storage {key}")
        storages[key] = np.frombuffer(data, dtype=ref.dtype)
    missing = set(refs) - set(storages)
    if missing:
        raise CheckpointError(f"storages without bytes: {sorted(missing)[:5]}")
    return storages


def _materialise(ref: _TensorRef, storages: dict[str, np.ndarray]) -> np.ndarray:
    """Copies a (possibly strided) tensor view out of its storage."""
    flat = storages[ref.storage.key]
    if len(ref.size) != len(ref.stride):
        raise CheckpointError("tensor size and stride differ in rank")
    if any(s < 0 for s in ref.size) or any(s < 0 for s in ref.stride):
        raise CheckpointError("negative size or stride")
    if ref.size:
        last = ref.offset + sum((n - 1) * s for n, s in zip(ref.size, ref.stride, strict=True) if n > 0)
    else:
        last = ref.offset
    if 0 not in ref.size and last >= flat.size:
        raise CheckpointError("tensor view runs past its storage")
    itemsize = flat.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(
        flat[ref.offset:], shape=ref.size, strides=[s * itemsize for s in ref.stride])
    return np.array(view, dtype=flat.dtype.newbyteorder("="), copy=True, order="C")


def _read_state_dict(stream: BinaryIO) -> dict[str, np.ndarray]:
    try:
        magic = _load_pickle(stream)
    except CheckpointError:
        magic = None
    if magic != MAGIC_NUMBER:
        raise CheckpointError("not a legacy torch checkpoint (no magic number)")
    if _load_pickle(stream) != PROTOCOL_VERSION:
        raise CheckpointError("unsupported protocol version")
    sys_info = _load_pickle(stream)
    if not (isinstance(sys_info, dict) and sys_info.get("little_endian", False)):
        raise CheckpointError("only little-endian checkpoints are supported")

    # The pickle's tensors refer to storages; collect them as they appear.
    state = _load_pickle(stream)
    if not isinstance(state, dict):
        raise CheckpointError("top-level object is not a state dict")
    refs: dict[str, _StorageRef] = {}
    for name, value in state.items():
        if not isinstance(value, _TensorRef):
            raise CheckpointError(f"entry {name!r} is not a tensor")
        refs.setdefault(value.storage.key, value.storage)

    storages = _read_storages(stream, refs)
    if stream.read(1):
        raise CheckpointError("trailing bytes after the last storage")
    return {name: _materialise(ref, storages) for name, ref in state.items()}


def load_state_dict(path: str | Path) -> dict[str, np.ndarray]:
    """Loads a legacy-format state dict as ``{name: numpy array}`` (C order, native endian).

    Raises CheckpointError (naming the file) for anything else, and OSError when
    the file cannot be read.
    """
    if zipfile.is_zipfile(path):
        raise CheckpointError(f"{path}: zip-format checkpoint (torch >= 1.6); only the legacy "
                              "format is supported")
    with open(path, "rb") as stream:
        try:
            return _read_state_dict(stream)
        except CheckpointError as error:
            raise CheckpointError(f"{path}: {error}") from None


if __name__ == "__main__":
    # Lists a checkpoint's tensors: python torch_legacy.py file.pth
    if len(sys.argv) != 2:
        sys.exit("usage: torch_legacy.py CHECKPOINT.pth")
    for tensor_name, array in load_state_dict(sys.argv[1]).items():
        print(f"{tensor_name:50s} {array.dtype} {list(array.shape)}")
