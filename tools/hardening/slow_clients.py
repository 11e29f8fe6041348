#!/usr/bin/env python3
"""Slow clients: many sockets that trickle a request one byte at a time, and normal searches timed meanwhile.

Two phases of --sockets connections each, --seconds long: "head" sockets send a request head byte by byte
that never ends (a header line after another), "body" sockets send a whole head for a 100 kB upload and
then its body byte by byte. A socket the server closes is replaced at once. Normal searches (a new
connection each) run before (idle) and during each phase. Reports the p50/p95 of the normal searches, and
how many slow sockets the server closed, how long after connecting, and what it answered them.

Passes when every normal search during the phases answered 200 within --slow seconds and the server is up.

    .venv/bin/python tools/hardening/slow_clients.py --url http://127.0.0.1:8080
"""
from __future__ import annotations

import io
import os
import select
import socket
import sys
import threading
import time
from urllib.parse import urlsplit

import requests
from PIL import Image, ImageDraw

from common import (log_lines_since, log_size, median, new_server_errors, percentile, pid_alive, server_arg_parser,
                    server_error_counts, write_result)


def query_image() -> bytes:
    img = Image.new("RGB", (300, 400), (230, 230, 235))
    ImageDraw.Draw(img).rectangle((70, 60, 230, 340), fill=(40, 60, 150))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88)
    return buf.getvalue()


class Searcher(threading.Thread):
    """Runs normal searches one after another (a new connection each) until stopped; keeps each latency."""

    def __init__(self, url: str, image: bytes, slow: float):
        super().__init__(daemon=True)
        self.url, self.image, self.slow = url, image, slow
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.stop = threading.Event()

    def one(self) -> None:
        started = time.monotonic()
        try:
            r = requests.post(f"{self.url}/api/search", files={"image": ("q.jpg", self.image, "image/jpeg")},
                              timeout=max(30.0, 3 * self.slow))
            elapsed = time.monotonic() - started
            if r.status_code != 200:
                self.errors.append(f"status {r.status_code}: {r.text[:200]}")
            elif elapsed > self.slow:
                self.errors.append(f"took {elapsed:.1f} s")
            self.latencies.append(elapsed)
        except requests.RequestException as error:
            self.errors.append(f"{type(error).__name__} after {time.monotonic() - started:.1f} s: {error}")

    def run(self) -> None:
        while not self.stop.is_set():
            self.one()
            self.stop.wait(0.05)


def trickle(host: str, port: int, mode: str, count: int, seconds: float, interval: float) -> dict:
    """Keeps `count` sockets trickling one byte each every `interval` seconds for `seconds`; a socket the server
    closes is replaced by a new one, so the pressure stays the same for the whole phase."""
    if mode == "head":
        first = f"GET /healthz HTTP/1.1\r\nHost: {host}:{port}\r\n".encode()
        head = b""

        def stream(n: int):
            yield from first
            i = 0
            while True:
                yield from f"X-Slow-{i}: {n}\r\n".encode()
                i += 1
    else:
        head = (f"POST /api/search HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: image/jpeg\r\n"
                f"Content-Length: 100000\r\n\r\n").encode()

        def stream(n: int):
            yield from b"\xff\xd8\xff\xe0"
            while True:
                yield 0

    started = time.monotonic()
    deadline = started + seconds
    live: dict[socket.socket, dict] = {}
    connect_failures: list[str] = []
    ages: list[float] = []  # seconds from connect to the server's close, per closed socket
    closed_at: list[float] = []
    answers: dict[str, int] = {}
    opened = 0

    def open_one(n: int) -> None:
        nonlocal opened
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect((host, port))
            if head:
                s.sendall(head)
        except OSError as error:
            connect_failures.append(str(error))
            s.close()
            return
        s.setblocking(False)
        opened += 1
        live[s] = {"bytes": stream(n), "sent": 0, "opened": time.monotonic(), "answer": None}

    def close(s: socket.socket) -> None:
        entry = live.pop(s)
        now = time.monotonic()
        ages.append(now - entry["opened"])
        closed_at.append(now - started)
        if entry["answer"]:
            answers[entry["answer"]] = answers.get(entry["answer"], 0) + 1
        s.close()

    for n in range(count):
        open_one(n)
    open_seconds = time.monotonic() - started
    max_sent = 0
    while time.monotonic() < deadline:
        tick = time.monotonic()
        if live:
            readable, _, _ = select.select(list(live), [], [], 0)
            for s in readable:
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if data and live[s]["answer"] is None:
                    live[s]["answer"] = data.split(b"\r\n", 1)[0].decode(errors="replace")
                if not data:
                    close(s)
        for s in list(live):
            entry = live[s]
            try:
                s.send(bytes([next(entry["bytes"])]))
                entry["sent"] += 1
                max_sent = max(max_sent, entry["sent"])
            except BlockingIOError:
                pass
            except OSError:
                close(s)
        failures_before = len(connect_failures)
        while len(live) < count and time.monotonic() < deadline:
            open_one(opened)
            if len(connect_failures) > failures_before:
                break  # the server refuses connections now; try again on the next tick
        time.sleep(max(0.0, interval - (time.monotonic() - tick)))
    still_open = len(live)
    for s in list(live):
        s.close()
    return {
        "mode": mode,
        "sockets": count,
        "opened": opened,
        "connect_failures": len(connect_failures),
        "connect_failure_examples": connect_failures[:3],
        "open_seconds": round(open_seconds, 2),
        "closed_by_server": len(ages),
        "first_closed_at_s": round(min(closed_at), 1) if closed_at else None,
        "median_age_at_close_s": round(median(ages), 1) if ages else None,
        "max_age_at_close_s": round(max(ages), 1) if ages else None,
        "open_at_end": still_open,
        "answers": answers,
        "bytes_sent_max": max_sent,
    }


def measure(url: str, image: bytes, slow: float, n: int) -> Searcher:
    s = Searcher(url, image, slow)
    for _ in range(n):
        s.one()
    return s


def stats(latencies: list[float]) -> dict:
    return {"n": len(latencies), "p50_ms": round(median(latencies) * 1000, 1),
            "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
            "max_ms": round(max(latencies) * 1000, 1) if latencies else None}


def main() -> None:
    p = server_arg_parser(__doc__.splitlines()[0])
    p.add_argument("--sockets", type=int, default=int(os.environ.get("SLOW_SOCKETS", "500")))
    p.add_argument("--seconds", type=float, default=float(os.environ.get("SLOW_SECONDS", "90")),
                   help="length of each phase (default $SLOW_SECONDS or 90)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between two bytes of one socket")
    p.add_argument("--slow", type=float, default=10, help="seconds a normal search may take")
    args = p.parse_args()
    split = urlsplit(args.url)
    host, port = split.hostname, split.port or 80
    log_offset = log_size(args.log) if args.log else 0
    before = server_error_counts(args.url)
    image = query_image()

    measure(args.url, image, args.slow, 3)  # warm-up
    idle = measure(args.url, image, args.slow, 30)
    phases = {}
    problems = [f"idle search: {e}" for e in idle.errors]
    for mode in ("head", "body"):
        searcher = Searcher(args.url, image, args.slow)
        searcher.start()
        phase = trickle(host, port, mode, args.sockets, args.seconds, args.interval)
        searcher.stop.set()
        searcher.join(60)
        phase["searches"] = stats(searcher.latencies)
        phase["search_errors"] = searcher.errors[:10]
        phase["search_error_count"] = len(searcher.errors)
        phases[mode] = phase
        problems += [f"search during slow {mode}s: {e}" for e in searcher.errors[:5]]
        if not searcher.latencies:
            problems.append(f"no normal search completed during the slow {mode}s")
    after_idle = measure(args.url, image, args.slow, 10)
    problems += [f"search after the slow clients: {e}" for e in after_idle.errors]
    new_5xx = new_server_errors(before, server_error_counts(args.url))
    if new_5xx:
        problems.append(f"server errors: {new_5xx}")
    if not pid_alive(args.pid):
        problems.append("the server is no longer running")
    ok = not problems
    idle_stats = stats(idle.latencies)
    h, b = phases["head"], phases["body"]
    def closing(phase: dict) -> str:
        if not phase["closed_by_server"]:
            return "closed none"
        return (f"closed {phase['closed_by_server']} (median {phase['median_age_at_close_s']:g} s after connecting, "
                f"answers {phase['answers'] or 'none'})")

    summary = (f"{args.sockets} slow heads, then {args.sockets} slow bodies, {args.seconds:g} s each (closed sockets "
               f"replaced): search p50 {idle_stats['p50_ms']:.0f} ms idle, {h['searches']['p50_ms']:.0f} ms under slow "
               f"heads, {b['searches']['p50_ms']:.0f} ms under slow bodies; {h['search_error_count'] + b['search_error_count']} "
               f"search errors; the server {closing(h)} of the heads and {closing(b)} of the bodies")
    details = {"problems": problems, "idle": idle_stats, "phases": phases, "after": stats(after_idle.latencies),
               "server_errors": new_5xx,
               "server_log_lines": (log_lines_since(args.log, log_offset, r"(?i)\b(error|fatal|crash)\b")[:50] if args.log else [])}
    write_result(args.out, "slow", ok, summary, details, "make hardening PARTS=slow")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
