"""Load test of `POST /api/search` on loopback, bounded in time: p50, p99, requests/s, errors, server RSS.

    python3 bench/load_search.py --url http://127.0.0.1:8080 --image testdata/photos/rocket.jpg \
        [--concurrency 1,4,16] [--seconds 10] [--runs 3] [--pid SERVER_PID] [--k 5] [--json]

Uses `wrk` (Debian package `wrk`) with a Lua script that posts the image as multipart field
`image`; each concurrency level runs `--runs` times for `--seconds` (after a 2 s warm-up) and
the medians are reported. Refuses any host but 127.0.0.1/localhost/::1. With --pid, the server's
resident memory (VmRSS) and peak (VmHWM) are read from /proc after each level.
Prints one line per level (or JSON objects with --json):
  c=16  p50 41.2 ms  p99 88.0 ms  312.5 req/s  errors 0  rss 402 MB (peak 415 MB)  [runs: ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

LUA = r"""
local boundary = "----lookalike-load-7f3a9c"
local file = assert(io.open(os.getenv("LOAD_IMAGE"), "rb"))
local image = file:read("*all")
file:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = "--" .. boundary .. "\r\n"
  .. "Content-Disposition: form-data; name=\"image\"; filename=\"query.jpg\"\r\n"
  .. "Content-Type: image/jpeg\r\n\r\n" .. image .. "\r\n--" .. boundary .. "--\r\n"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\"requests\": %d, \"duration_us\": %d, \"p50_us\": %d, \"p90_us\": %d, \"p99_us\": %d, \"max_us\": %d, "
    .. "\"connect\": %d, \"read\": %d, \"write\": %d, \"status\": %d, \"timeout\": %d}\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def memory(pid: int | None) -> tuple[float, float] | None:
    if not pid:
        return None
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def run_wrk(url: str, script: Path, image: Path, connections: int, seconds: int) -> dict:
    threads = min(connections, 2)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), url]
    env = dict(os.environ, LOAD_IMAGE=str(image))
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--image", type=Path, required=True)
    parser.add_argument("--concurrency", default="1,4,16")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--params", default="", help="more query parameters, e.g. cleanup=none or explain=1")
    parser.add_argument("--pid", type=int)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    host = urllib.parse.urlparse(args.url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"refusing to load-test {host}: loopback only", file=sys.stderr)
        return 2
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    if not (1 <= args.seconds <= 60 and 1 <= args.runs <= 10):
        print("--seconds must be 1…60 and --runs 1…10", file=sys.stderr)
        return 2
    url = f"{args.url.rstrip('/')}/api/search?k={args.k}" + (f"&{args.params}" if args.params else "")
    levels = [int(c) for c in args.concurrency.split(",")]
    if any(c < 1 or c > 256 for c in levels):
        print("--concurrency values must be 1…256", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "search.lua"
        script.write_text(LUA)
        run_wrk(url, script, args.image.resolve(), max(levels), 2)  # warm-up
        for c in levels:
            runs = [run_wrk(url, script, args.image.resolve(), c, args.seconds) for _ in range(args.runs)]
            mem = memory(args.pid)
            summary = {
                "concurrency": c,
                "p50_ms": statistics.median(r["p50_us"] for r in runs) / 1000,
                "p99_ms": statistics.median(r["p99_us"] for r in runs) / 1000,
                "rps": statistics.median(r["rps"] for r in runs),
                "errors": sum(r["errors"] for r in runs),
                "requests": sum(r["requests"] for r in runs),
                "runs": [{"p50_ms": r["p50_us"] / 1000, "p99_ms": r["p99_us"] / 1000, "rps": round(r["rps"], 1)} for r in runs],
                "load_average": os.getloadavg()[0],
            }
            if mem:
                summary["rss_mb"], summary["peak_rss_mb"] = mem
            if args.json:
                print(json.dumps(summary))
            else:
                rss = f"  rss {summary['rss_mb']:.0f} MB (peak {summary['peak_rss_mb']:.0f} MB)" if mem else ""
                print(f"c={c:<3} p50 {summary['p50_ms']:.1f} ms  p99 {summary['p99_ms']:.1f} ms  "
                      f"{summary['rps']:.1f} req/s  errors {summary['errors']}/{summary['requests']}{rss}  "
                      f"load {summary['load_average']:.2f}  [runs: {summary['runs']}]", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
