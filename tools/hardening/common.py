"""Shared pieces of the reliability suite: paths, the server under test, results, small HTTP helpers.

Every part writes one JSON result (`write_result`) that `run_hardening.py` turns into the summary table:
{"part", "ok", "summary", "details", "reproduce"}.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import sqlite3
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("LOOKALIKE_BIN") or ROOT / ".build" / "release" / "lookalike")  # the binary under test
WORK = ROOT / "artifacts" / "hardening"

SERVING = re.compile(r"Lookalike is serving at (http://\S+?)/?$", re.M)


class ServerDied(RuntimeError):
    """The server process is gone (crashed or killed)."""


class Server:
    """One `lookalike serve` process on 127.0.0.1 and a free port; stdout and stderr go to `log`."""

    def __init__(self, db: Path, log: Path, admin_key: str | None = None, extra: list[str] | None = None):
        self.db = Path(db)
        self.log = Path(log)
        self.admin_key = admin_key
        self.extra = extra or []
        self.proc: subprocess.Popen | None = None
        self.url = ""

    @property
    def command(self) -> list[str]:
        return [str(BIN), "serve", "--db", str(self.db), "--host", "127.0.0.1", "--port", "0", *self.extra]

    def start(self, timeout: float = 180) -> "Server":
        env = dict(os.environ)
        if self.admin_key:
            env["LOOKALIKE_ADMIN_KEY"] = self.admin_key
        self.log.parent.mkdir(parents=True, exist_ok=True)
        offset = self.log.stat().st_size if self.log.exists() else 0
        with open(self.log, "ab") as out:
            out.write(f"--- {time.strftime('%H:%M:%S')} {' '.join(self.command)}\n".encode())
            out.flush()
            self.proc = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT, env=env,
                                         cwd=ROOT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerDied(f"server exited with {describe_exit(self.proc.returncode)} while starting; see {self.log}")
            with open(self.log, "rb") as f:
                f.seek(offset)
                match = SERVING.search(f.read().decode(errors="replace"))
            if match:
                self.url = match.group(1)
                return self
            time.sleep(0.2)
        self.kill9()
        raise ServerDied(f"server did not start within {timeout:.0f} s; see {self.log}")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def exit_code(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def rss_mb(self) -> float | None:
        """Resident memory of the server in MB (VmRSS), or None once it is gone."""
        return pid_rss_mb(self.pid)

    def stop(self, grace: float = 20) -> int | None:
        """SIGTERM, then SIGKILL after `grace` seconds; returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.admin_key}"} if self.admin_key else {}


def describe_exit(code: int | None) -> str:
    if code is None:
        return "no exit yet"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"status {code}"


def new_admin_key() -> str:
    return secrets.token_urlsafe(24)


def images_folder(db: Path) -> Path:
    """Where `lookalike` keeps the images it stores itself for the catalog `db` (its --images default)."""
    return db.parent / f"{db.stem}-images"


def remove_catalog(db: Path) -> None:
    """Deletes a SQLite catalog with its journal files and its images folder."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.rmtree(images_folder(db), ignore_errors=True)


def copy_catalog(src: Path, dst: Path) -> Path:
    """A consistent copy of a SQLite catalog (the online backup API), replacing `dst` and its images folder.
    Image paths in the catalog are absolute, so the copy shows the source's stored images."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    remove_catalog(dst)
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    a.close()
    b.close()
    return dst


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def is_error_json(body: bytes) -> bool:
    """True for the API's error shape {"error": {"code": str, "message": str}} with both non-empty."""
    try:
        doc = json.loads(body)
    except ValueError:
        return False
    err = doc.get("error") if isinstance(doc, dict) else None
    return (isinstance(err, dict) and isinstance(err.get("code"), str) and isinstance(err.get("message"), str)
            and bool(err["code"]) and bool(err["message"]))


def write_result(out: Path, part: str, ok: bool, summary: str, details: dict, reproduce: str) -> dict:
    result = {"part": part, "ok": ok, "summary": summary, "details": details, "reproduce": reproduce}
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{part}.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"[{part}] {'PASS' if ok else 'FAIL'}: {summary}", flush=True)
    return result


def log_lines_since(log: Path, offset: int, pattern: str) -> list[str]:
    """Lines of the server log after byte `offset` that match the regular expression `pattern`."""
    if not log.exists():
        return []
    with open(log, "rb") as f:
        f.seek(offset)
        text = f.read().decode(errors="replace")
    rx = re.compile(pattern)
    return [line for line in text.splitlines() if rx.search(line)]


def log_size(log: Path) -> int:
    return log.stat().st_size if log.exists() else 0


def server_arg_parser(description: str):
    """The options every part that talks to a running server takes."""
    import argparse

    p = argparse.ArgumentParser(description=description)
    p.add_argument("--url", required=True, help="base URL of a running `lookalike serve`, e.g. http://127.0.0.1:8080")
    p.add_argument("--admin-key", default=os.environ.get("LOOKALIKE_ADMIN_KEY"), help="admin key (default $LOOKALIKE_ADMIN_KEY)")
    p.add_argument("--pid", type=int, help="server process id (for RSS sampling and liveness)")
    p.add_argument("--log", type=Path, help="server log file (matching lines are quoted in the result)")
    p.add_argument("--out", type=Path, default=WORK / "results", help="folder for the JSON result")
    return p


def pid_alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped) still answers kill(0).
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def pid_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


METRIC_LINE = re.compile(r'^lookalike_http_requests_total\{method="([^"]*)",route="([^"]*)",status="(\d+)"\} (\d+)', re.M)


def server_error_counts(url: str) -> dict[str, int]:
    """5xx answers so far, by "METHOD route status", from the server's own /metrics (empty if unreachable)."""
    import requests

    try:
        text = requests.get(f"{url}/metrics", timeout=10).text
    except requests.RequestException:
        return {}
    return {f"{m} {r} {s}": int(n) for m, r, s, n in METRIC_LINE.findall(text) if s.startswith("5")}


def new_server_errors(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: n - before.get(k, 0) for k, n in after.items() if n > before.get(k, 0)}
