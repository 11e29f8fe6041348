"""Embedding throughput baselines: the same ONNX model through Python runtimes.

    python bench/embed_baselines.py --model-dir models/efficientnet-lite0 [--seconds 5]
        [--batches 1,32] [--threads N] [--runtimes openvino-bf16,openvino-f32,onnxruntime-f32]

Runs OpenVINO's Python API (CPU, INFERENCE_PRECISION_HINT bf16 and f32, other
properties left at their defaults, one synchronous infer request) and
onnxruntime's Python API (f32, CPU provider) on a fixed random tensor of
already-normalised values. Each config is warmed up, then timed for --seconds;
ms_per_batch is the mean run time, images_per_s = batch / that mean, and
median_ms_per_batch the median run time (as `lookalike bench embed` prints them).
Prints one JSON object per line:
  {"runtime": "openvino-python", "precision": "bf16", "batch": 1,
   "images_per_s": ..., "ms_per_batch": ..., "model": "efficientnet-lite0", ...}
Extra keys say how the runtime ran (effective precision, performance hint,
streams, threads).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ALL_CONFIGS = ("openvino-bf16", "openvino-f32", "onnxruntime-f32")
WARMUP_SECONDS = 1.0
WARMUP_MIN_RUNS = 3


class BenchError(Exception):
    """The model directory or a flag is not usable."""


def load_manifest(model_dir: Path) -> dict:
    try:
        return json.loads((model_dir / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        raise BenchError(f"{model_dir}/manifest.json: {error}") from error


def input_tensor(manifest: dict, batch: int) -> np.ndarray:
    """A fixed pseudo-random input in the normalised range, in the model's layout."""
    spec = manifest["input"]
    h, w = spec["height"], spec["width"]
    shape = (batch, 3, h, w) if spec.get("layout", "NCHW") == "NCHW" else (batch, h, w, 3)
    return np.random.default_rng(1234).uniform(-1.0, 1.0, shape).astype(np.float32)


def openvino_runner(model_path: Path, precision: str, threads: int | None):
    """Returns (run(x), info) for an OpenVINO CPU compile at ``precision``."""
    import openvino as ov

    config = {"INFERENCE_PRECISION_HINT": precision}
    if threads:
        config["INFERENCE_NUM_THREADS"] = threads
    core = ov.Core()
    compiled = core.compile_model(core.read_model(str(model_path)), "CPU", config)
    request = compiled.create_infer_request()
    info = {
        "effective_precision": compiled.get_property("INFERENCE_PRECISION_HINT").get_type_name(),
        "performance_hint": str(compiled.get_property("PERFORMANCE_HINT")),
        "num_streams": int(compiled.get_property("NUM_STREAMS")),
        "threads": int(compiled.get_property("INFERENCE_NUM_THREADS")),
        "openvino_version": ov.__version__,
    }
    return (lambda x: request.infer({0: x})), info


def onnxruntime_runner(model_path: Path, threads: int | None):
    """Returns (run(x), info) for an onnxruntime CPU session (f32)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        options.intra_op_num_threads = threads
    session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    info = {"threads": threads or "default", "onnxruntime_version": ort.__version__}
    return (lambda x: session.run(None, {name: x})), info


def time_runs(run: Callable[[np.ndarray], object], x: np.ndarray, seconds: float) -> list[float]:
    """Warms up, then runs for about ``seconds``; returns each run's wall time in seconds."""
    start = time.perf_counter()
    runs = 0
    while runs < WARMUP_MIN_RUNS or time.perf_counter() - start < WARMUP_SECONDS:
        run(x)
        runs += 1
    times: list[float] = []
    end = time.perf_counter() + seconds
    while not times or time.perf_counter() < end:
        t0 = time.perf_counter()
        run(x)
        times.append(time.perf_counter() - t0)
    return times


def bench(model_dir: Path, configs: list[str], batches: list[int], seconds: float,
          threads: int | None) -> None:
    manifest = load_manifest(model_dir)
    model_path = model_dir / manifest["model"]
    for config in configs:
        runtime, precision = config.rsplit("-", 1)
        if runtime == "openvino":
            run, info = openvino_runner(model_path, precision, threads)
            runtime_name = "openvino-python"
        else:
            run, info = onnxruntime_runner(model_path, threads)
            runtime_name = "onnxruntime"
        for batch in batches:
            times = time_runs(run, input_tensor(manifest, batch), seconds)
            mean = sum(times) / len(times)
            print(json.dumps({
                "runtime": runtime_name, "precision": precision, "batch": batch,
                "images_per_s": round(batch / mean, 2),
                "ms_per_batch": round(mean * 1000, 3),
                # The median is robust to bursts of other load on a shared machine.
                "median_ms_per_batch": round(float(np.median(times)) * 1000, 3),
                "model": manifest["name"], "runs": len(times), **info,
            }), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model-dir", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=5.0, help="timed seconds per config")
    parser.add_argument("--batches", default="1,32")
    parser.add_argument("--threads", type=int, help="inference threads (default: runtime's)")
    parser.add_argument("--runtimes", default=",".join(ALL_CONFIGS),
                        help=f"comma-separated subset of {', '.join(ALL_CONFIGS)}")
    args = parser.parse_args()
    try:
        configs = args.runtimes.split(",")
        unknown = [c for c in configs if c not in ALL_CONFIGS]
        if unknown:
            raise BenchError(f"unknown runtime config(s) {unknown}; known: {list(ALL_CONFIGS)}")
        batches = [int(b) for b in args.batches.split(",")]
        if any(b < 1 for b in batches):
            raise BenchError("batch sizes must be positive")
        bench(args.model_dir, configs, batches, args.seconds, args.threads)
    except (BenchError, ValueError) as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
