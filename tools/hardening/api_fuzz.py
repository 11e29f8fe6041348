#!/usr/bin/env python3
"""API fuzz: Schemathesis over the server's own /openapi.json, with the admin key, every phase and check.

Passes when the server answered no request with a 5xx (counted by the server's /metrics and by Schemathesis'
not_a_server_error check) and is still running. Schemathesis' other checks (schema and status conformance,
auth, …) are reported by check name without failing the part; the full report is in the result folder.

    .venv/bin/python tools/hardening/api_fuzz.py --url http://127.0.0.1:8080 --admin-key KEY
"""
from __future__ import annotations

import collections
import io
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import requests
from PIL import Image, ImageDraw

from common import (log_lines_since, log_size, new_server_errors, pid_alive, server_arg_parser,
                    server_error_counts, write_result)

HERE = Path(__file__).resolve().parent
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def sample_images(folder: Path) -> list[Path]:
    """Four small decodable photos (JPEG, PNG, WebP, GIF) the hooks put into generated uploads."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, fmt in enumerate(["JPEG", "PNG", "WEBP", "GIF"]):
        img = Image.new("RGB", (96, 128), (40 * n, 200 - 30 * n, 120))
        ImageDraw.Draw(img).ellipse((10 + 5 * n, 20, 80, 110), fill=(250, 240 - 50 * n, 30 * n))
        buf = io.BytesIO()
        img.save(buf, fmt)
        path = folder / f"sample-{n}.{fmt.lower()}"
        path.write_bytes(buf.getvalue())
        paths.append(path)
    return paths


def catalog_ids(url: str, image: Path, k: int = 50) -> list[str]:
    r = requests.post(f"{url}/api/search", params={"k": k}, files={"image": (image.name, image.read_bytes())}, timeout=60)
    r.raise_for_status()
    return [item["id"] for item in r.json()["results"]]


def junit_failures(path: Path) -> tuple[int, collections.Counter, list[str]]:
    """(test cases, failures by check title, first failure texts) from Schemathesis' JUnit report."""
    if not path.exists():
        return 0, collections.Counter(), []
    root = ET.parse(path).getroot()
    cases = list(root.iter("testcase"))
    by_check: collections.Counter = collections.Counter()
    texts = []
    for case in cases:
        for failure in list(case.iter("failure")) + list(case.iter("error")):
            text = (failure.get("message") or "") + "\n" + (failure.text or "")
            titles = re.findall(r"^\s*-\s+(.+?)\s*$", text, re.M) or [failure.get("type") or "failure"]
            for title in titles:
                by_check[title] += 1
            texts.append(f"{case.get('name')}: {text.strip()[:1500]}")
    return len(cases), by_check, texts


def main() -> None:
    p = server_arg_parser(__doc__.splitlines()[0])
    p.add_argument("--max-examples", type=int, default=int(os.environ.get("FUZZ_EXAMPLES", "100")),
                   help="test cases per operation and phase (default $FUZZ_EXAMPLES or 100)")
    p.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "1")), help="random seed (default $FUZZ_SEED or 1)")
    p.add_argument("--max-time", type=float, default=float(os.environ.get("FUZZ_MAX_TIME", "600")),
                   help="time budget in seconds (default $FUZZ_MAX_TIME or 600)")
    args = p.parse_args()
    work = args.out / "fuzz"
    work.mkdir(parents=True, exist_ok=True)
    log_offset = log_size(args.log) if args.log else 0

    images = sample_images(work / "images")
    ids = catalog_ids(args.url, images[0])
    before = server_error_counts(args.url)
    env = dict(os.environ, LOOKALIKE_FUZZ_IDS=",".join(ids), LOOKALIKE_FUZZ_IMAGES=str(work / "images"),
               SCHEMATHESIS_HOOKS=str(HERE / "fuzz_hooks.py"))
    command = [str(SCHEMATHESIS), "run", f"{args.url}/openapi.json", "--url", args.url,
               "--checks", "all", "--max-examples", str(args.max_examples), "--seed", str(args.seed),
               "--max-time", str(int(args.max_time)),
               "--workers", "2", "--request-timeout", "60", "--suppress-health-check", "all",
               "--report", "junit,ndjson", "--report-junit-path", str(work / "junit.xml"),
               "--report-ndjson-path", str(work / "events.ndjson"), "--no-color"]
    shown = [c for c in command]
    if args.admin_key:
        command[3:3] = ["-H", f"Authorization: Bearer {args.admin_key}"]
        shown[3:3] = ["-H", "Authorization: Bearer $LOOKALIKE_ADMIN_KEY"]
    (work / "junit.xml").unlink(missing_ok=True)
    started = time.monotonic()
    with open(work / "schemathesis.log", "wb") as out:
        proc = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=work)  # its replay cache goes there
    seconds = time.monotonic() - started
    after = server_error_counts(args.url)
    alive = pid_alive(args.pid) and bool(after or requests.get(f"{args.url}/healthz", timeout=10).ok)
    new_5xx = new_server_errors(before, after)

    output = (work / "schemathesis.log").read_text(errors="replace")
    cases, by_check, texts = junit_failures(work / "junit.xml")
    sent = re.search(r"(\d+)\s+generated", output)
    codes = dict((name, int(n)) for name, n in re.findall(r"^\s*❌\s+(ST\d+ [^:]+):\s+(\d+)\s*$", output, re.M))
    summary_block = output[output.rfind("SUMMARY"):] if "SUMMARY" in output else output[-3000:]
    server_error_texts = [t for t in texts if re.search(r"(?i)server error|\b5\d\d\b", t)]
    problems = []
    if new_5xx:
        problems.append(f"{sum(new_5xx.values())} server errors: {new_5xx}")
    if server_error_texts:
        problems.append(f"Schemathesis saw server errors: {server_error_texts[0][:400]}")
    if not alive:
        problems.append("the server is no longer running")
    if not cases and proc.returncode not in (0, 1):
        problems.append(f"Schemathesis did not run (exit {proc.returncode}); see {work / 'schemathesis.log'}")
    ok = not problems
    tested = re.search(r"Tested:\s+(\d+)", output)
    summary = (f"{sent.group(1) if sent else '?'} generated test cases over {tested.group(1) if tested else '?'} "
               f"operations in {seconds:.0f} s; {sum(new_5xx.values())} × 5xx; non-gating findings: "
               + (", ".join(f"{k} × {n}" for k, n in codes.items()) or "none"))
    details = {
        "problems": problems,
        "command": " ".join(shown),
        "schemathesis_exit": proc.returncode,
        "seconds": round(seconds, 1),
        "server_errors": new_5xx,
        "findings": codes,
        "findings_by_check": dict(by_check),
        "first_findings": texts[:15],
        "schemathesis_summary": summary_block[-4000:],
        "server_log_lines": (log_lines_since(args.log, log_offset, r"(?i)\b(error|fatal|crash)\b")[:50] if args.log else []),
    }
    write_result(args.out, "fuzz", ok, summary, details, "make hardening PARTS=fuzz")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
