#!/usr/bin/env python3
"""Soak: --concurrency clients search without pause for --seconds while the server's memory is sampled.

The queries cycle through real photos (testdata/photos), generated ones of many sizes, and one refused upload
in 20 (text named .jpg, a truncated JPEG), whose expected 415/422 is not an error; the distinct error
messages each refused upload got are kept. RSS and open file descriptors of the server are read from /proc
every --sample seconds.

Passes when no request failed (a 5xx, a wrong status, a timeout or a broken connection), the server is up, and
memory is flat: after a warm-up (the first fifth of the samples), the mean RSS of the last quarter is at most
10 % (and at least 32 MB) above that of the first quarter.

    .venv/bin/python tools/hardening/soak.py --url http://127.0.0.1:8080 --pid PID --seconds 600
"""
from __future__ import annotations

import collections
import io
import os
import random
import sys
import threading
import time

import requests
from PIL import Image, ImageDraw

from common import (ROOT, log_lines_since, log_size, median, new_server_errors, percentile, pid_alive, pid_rss_mb,
                    server_arg_parser, server_error_counts, write_result)


def queries() -> list[tuple[str, bytes, tuple[int, ...]]]:
    """(name, bytes, accepted statuses) of the uploads the clients cycle through."""
    items = []
    photos = ROOT / "testdata" / "photos"
    for path in sorted(photos.glob("*")) if photos.exists() else []:
        if path.suffix.lower() in (".jpg", ".jpeg", ".png"):
            items.append((path.name, path.read_bytes(), (200,)))
    rnd = random.Random(5)
    for n in range(24):
        w, h = rnd.choice([(224, 224), (640, 480), (1200, 1600), (3000, 2000), (96, 800)])
        img = Image.new("RGB", (w, h), tuple(rnd.randrange(256) for _ in range(3)))
        draw = ImageDraw.Draw(img)
        for _ in range(8):
            x, y = rnd.randrange(w), rnd.randrange(h)
            draw.ellipse((x, y, x + rnd.randrange(10, w), y + rnd.randrange(10, h)), fill=tuple(rnd.randrange(256) for _ in range(3)))
        buf = io.BytesIO()
        fmt = rnd.choice(["JPEG", "PNG", "WEBP"])
        img.save(buf, fmt)
        items.append((f"generated-{n}.{fmt.lower()}", buf.getvalue(), (200,)))
    buf = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 120, 200)).save(buf, "JPEG")
    jpeg = buf.getvalue()
    refused = [("text.jpg", b"not a picture\n" * 40, (415,)), ("truncated.jpg", jpeg[:300], (415, 422))]
    # One refused upload in 20.
    out = []
    for i, item in enumerate(items):
        out.append(item)
        if i % 10 == 9:
            out.append(refused[(i // 10) % 2])
    return out


class Client(threading.Thread):
    def __init__(self, url: str, items, deadline: float, offset: int, timeout: float):
        super().__init__(daemon=True)
        self.url, self.items, self.deadline, self.offset, self.timeout = url, items, deadline, offset, timeout
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.refused = 0
        self.messages: dict[str, collections.Counter] = {}  # refused upload → its error messages

    def run(self) -> None:
        session = requests.Session()
        i = self.offset
        while time.monotonic() < self.deadline:
            name, data, accepted = self.items[i % len(self.items)]
            i += 1
            started = time.monotonic()
            try:
                r = session.post(f"{self.url}/api/search", files={"image": (name, data, "application/octet-stream")},
                                 timeout=self.timeout)
                elapsed = time.monotonic() - started
                if r.status_code not in accepted:
                    self.errors.append(f"{name}: status {r.status_code} {r.text[:200]}")
                elif r.status_code != 200:
                    self.refused += 1
                    self.messages.setdefault(name, collections.Counter())[r.text[:300]] += 1
                else:
                    self.latencies.append(elapsed)
            except requests.RequestException as error:
                self.errors.append(f"{name}: {type(error).__name__} after {time.monotonic() - started:.1f} s: {error}")
                session = requests.Session()


def open_fds(pid: int | None) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/fd")) if pid else None
    except OSError:
        return None


def main() -> None:
    p = server_arg_parser(__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", "600")),
                   help="length (default $SOAK_SECONDS or 600)")
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--sample", type=float, default=5, help="seconds between two memory samples")
    p.add_argument("--timeout", type=float, default=60, help="seconds one request may take before it counts as failed")
    args = p.parse_args()
    log_offset = log_size(args.log) if args.log else 0
    before = server_error_counts(args.url)
    items = queries()
    started = time.monotonic()
    deadline = started + args.seconds
    clients = [Client(args.url, items, deadline, n * 3, args.timeout) for n in range(args.concurrency)]
    for c in clients:
        c.start()
    samples = []  # (seconds since start, RSS MB, open fds)
    while time.monotonic() < deadline and any(c.is_alive() for c in clients):
        rss = pid_rss_mb(args.pid) if args.pid else None
        samples.append((round(time.monotonic() - started, 1), rss, open_fds(args.pid)))
        if args.pid and rss is None:
            break
        time.sleep(min(args.sample, max(0.0, deadline - time.monotonic())))
    for c in clients:
        c.join(args.timeout + 10)
    elapsed = time.monotonic() - started
    rss_end = pid_rss_mb(args.pid) if args.pid else None
    samples.append((round(elapsed, 1), rss_end, open_fds(args.pid)))

    messages: dict[str, collections.Counter] = {}
    for c in clients:
        for name, counter in c.messages.items():
            messages.setdefault(name, collections.Counter()).update(counter)
    latencies = [x for c in clients for x in c.latencies]
    errors = [e for c in clients for e in c.errors]
    refused = sum(c.refused for c in clients)
    problems = [f"{len(errors)} failed requests, e.g. {errors[:3]}"] if errors else []
    new_5xx = new_server_errors(before, server_error_counts(args.url))
    if new_5xx:
        problems.append(f"server errors: {new_5xx}")
    if not pid_alive(args.pid):
        problems.append("the server is no longer running")

    memory = {}
    rss = [(t, m) for t, m, _ in samples if m is not None]
    if len(rss) >= 8:
        steady = rss[len(rss) // 5:]
        quarter = max(1, len(steady) // 4)
        first = sum(m for _, m in steady[:quarter]) / quarter
        last = sum(m for _, m in steady[-quarter:]) / quarter
        ts, ms = [t for t, _ in steady], [m for _, m in steady]
        t_mean, m_mean = sum(ts) / len(ts), sum(ms) / len(ms)
        denom = sum((t - t_mean) ** 2 for t in ts) or 1
        slope = sum((t - t_mean) * (m - m_mean) for t, m in steady) / denom * 60
        growth = last - first
        flat = growth <= max(0.10 * first, 32)
        memory = {"start_mb": round(rss[0][1], 1), "first_quarter_mb": round(first, 1), "last_quarter_mb": round(last, 1),
                  "max_mb": round(max(m for _, m in rss), 1), "growth_mb": round(growth, 1),
                  "slope_mb_per_min": round(slope, 2), "flat": flat}
        if not flat:
            problems.append(f"memory grew {growth:.0f} MB ({first:.0f} → {last:.0f} MB, {slope:.1f} MB/min)")
    else:
        problems.append(f"too few memory samples ({len(rss)}) to judge")
    fds = [f for _, _, f in samples if f is not None]
    total = len(latencies) + refused + len(errors)
    ok = not problems
    summary = (f"{args.concurrency} clients × {elapsed:.0f} s: {total} requests ({total / elapsed:.1f}/s), "
               f"{len(errors)} errors, {refused} expected refusals; latency p50 {median(latencies) * 1000:.0f} ms, "
               f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms; RSS {memory.get('start_mb', '?')} → "
               f"{memory.get('last_quarter_mb', '?')} MB (max {memory.get('max_mb', '?')}, "
               f"{memory.get('slope_mb_per_min', '?')} MB/min); open fds {min(fds) if fds else '?'}–{max(fds) if fds else '?'}")
    details = {"problems": problems, "seconds": round(elapsed, 1), "requests": total, "errors": errors[:20],
               "refused_as_expected": refused, "latency_ms": {
                   "p50": round(median(latencies) * 1000, 1), "p95": round(percentile(latencies, 0.95) * 1000, 1),
                   "p99": round(percentile(latencies, 0.99) * 1000, 1),
                   "max": round(max(latencies) * 1000, 1) if latencies else None},
               "memory": memory, "samples": samples, "server_errors": new_5xx,
               "refusal_messages": {name: counter.most_common() for name, counter in messages.items()},
               "server_log_lines": (log_lines_since(args.log, log_offset, r"(?i)\b(error|fatal|crash)\b")[:50] if args.log else [])}
    write_result(args.out, "soak", ok, summary, details, f"make hardening PARTS=soak SOAK_SECONDS={args.seconds:g}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
