#!/usr/bin/env python3
"""`make hardening`: prepares a catalog, starts the server, runs the reliability parts, prints a summary table.

The table gives each part's 5-minute load average at its end: other jobs on the machine slow every timing.

Parts (in this order; --parts picks some):
  fuzz    api_fuzz.py           Schemathesis over /openapi.json with the admin key: no 5xx
  images  image_corpus.py       Pillow's test images + hand-made bad images through index and search
  slow    slow_clients.py       500 byte-by-byte heads, then bodies, with normal searches timed meanwhile
  soak    soak.py               16 concurrent searches for SOAK_SECONDS, server RSS sampled every 5 s
  kill9   kill_during_writes.py SIGKILL during POST /api/products, restart, every acknowledged write there

The catalog is Fashion-MNIST's first 2000 test images (`lookalike index fashion-mnist:test --limit 2000`),
imported once into artifacts/hardening/catalog/base.db; each run serves a copy. Exits 1 when any part fails.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

from common import BIN, ROOT, WORK, Server, ServerDied, copy_catalog, describe_exit, new_admin_key

HERE = Path(__file__).resolve().parent
SERVER_PARTS = {"fuzz": "api_fuzz.py", "images": "image_corpus.py", "slow": "slow_clients.py", "soak": "soak.py"}
ORDER = ["fuzz", "images", "slow", "soak", "kill9"]
TITLES = {"fuzz": "API fuzz (Schemathesis)", "images": "Image corpus: index + search", "slow": "Slow clients",
          "soak": "Soak", "kill9": "kill -9 during writes", "server": "Server process"}


def cpu_features() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "?"
    wanted = ["avx2", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile"]
    flags = set(re.findall(r"\b[\w]+\b", " ".join(l for l in text.splitlines() if l.startswith("flags"))))
    model = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
    return f"{model.group(1) if model else '?'}; {os.cpu_count()} cores; " + (" ".join(f for f in wanted if f in flags) or "none of avx2/avx512/amx")


def prepare_catalog(limit: int) -> Path:
    base = WORK / "catalog" / "base.db"
    base.parent.mkdir(parents=True, exist_ok=True)
    command = [str(BIN), "index", "fashion-mnist:test", "--limit", str(limit), "--db", str(base)]
    print("==> " + " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT)
    return base


def run_part(part: str, command: list[str], out: Path, timeout: float, env: dict) -> dict:
    print(f"==> {part}: {' '.join(command[1:])}", flush=True)
    (out / f"{part}.json").unlink(missing_ok=True)
    started = time.monotonic()
    try:
        proc = subprocess.run(command, cwd=HERE, env=env, timeout=timeout, capture_output=True, text=True)
        code, output = proc.returncode, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as error:
        code, output = None, f"the part did not finish within {timeout:.0f} s\n{error.stdout or ''}"
    (out / f"{part}.log").write_text(output if isinstance(output, str) else output.decode(errors="replace"))
    print("\n".join(l for l in output.splitlines() if l.startswith(f"[{part}")), flush=True)
    result_file = out / f"{part}.json"
    if result_file.exists():
        result = json.loads(result_file.read_text())
    else:
        result = {"part": part, "ok": False, "summary": f"the part's script failed (exit {code}); see {out / (part + '.log')}: "
                  + " ".join(output.strip().splitlines()[-3:])[:400], "details": {}, "reproduce": f"make hardening PARTS={part}"}
    result["seconds"] = round(time.monotonic() - started)
    result["load_average"] = round(os.getloadavg()[1], 1)  # over the last 5 minutes: other jobs slow every timing
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--parts", default=os.environ.get("PARTS", ",".join(ORDER)))
    p.add_argument("--out", type=Path, default=WORK / "results")
    p.add_argument("--soak-seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", "600")))
    p.add_argument("--limit", type=int, default=2000, help="Fashion-MNIST test images in the catalog")
    args = p.parse_args()
    parts = [x.strip() for x in args.parts.split(",") if x.strip()]
    unknown = [x for x in parts if x not in ORDER]
    if unknown:
        sys.exit(f"unknown parts {unknown}; choose from {','.join(ORDER)}")
    parts = [x for x in ORDER if x in parts]
    if not BIN.exists():
        sys.exit(f"{BIN} is missing: run `make release` first")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    base = prepare_catalog(args.limit)

    results: list[dict] = []
    server_notes: list[str] = []
    python = sys.executable
    server_parts = [x for x in parts if x in SERVER_PARTS]
    server = None
    if server_parts:
        catalog = copy_catalog(base, out / "server" / "catalog.db")
        log = out / "server" / "server.log"
        log.unlink(missing_ok=True)
        server = Server(catalog, log, admin_key=new_admin_key()).start()
        print(f"==> serving {catalog} at {server.url} (pid {server.pid}, log {log})", flush=True)
    env = dict(os.environ, SOAK_SECONDS=str(args.soak_seconds))
    timeouts = {"fuzz": 1800, "images": 3600, "slow": 900, "soak": args.soak_seconds + 600, "kill9": 1800}
    for part in parts:
        if part in SERVER_PARTS:
            assert server is not None
            if not server.alive():
                server_notes.append(f"before {part}: the server had exited ({describe_exit(server.exit_code())}); restarted")
                try:
                    server.start()
                except ServerDied as error:
                    results.append({"part": part, "ok": False, "summary": f"not run: {error}", "details": {},
                                    "reproduce": f"make hardening PARTS={part}"})
                    continue
            env["LOOKALIKE_ADMIN_KEY"] = server.admin_key or ""
            command = [python, SERVER_PARTS[part], "--url", server.url, "--pid", str(server.pid),
                       "--log", str(server.log), "--out", str(out)]
            result = run_part(part, command, out, timeouts[part], env)
            if not server.alive():
                note = f"the server died during {part} ({describe_exit(server.exit_code())}); see {server.log}"
                server_notes.append(note)
                result["ok"] = False
                result["summary"] += f" — {note}"
        else:
            command = [python, "kill_during_writes.py", "--db", str(base), "--out", str(out)]
            result = run_part(part, command, out, timeouts[part], env)
        results.append(result)

    if server is not None:
        pid = server.pid
        began = time.monotonic()
        status = server.stop(grace=30)
        stop_seconds = time.monotonic() - began
        fatal = [l for l in server.log.read_text(errors="replace").splitlines()
                 if re.search(r"Fatal error|Segmentation|Illegal instruction|Aborted|stack overflow|panic", l)]
        ok = status == 0 and not fatal and not server_notes
        results.append({"part": "server", "ok": ok,
                        "summary": f"pid {pid} stopped by SIGTERM after {stop_seconds:.1f} s with {describe_exit(status)}; "
                                   f"{len(fatal)} crash lines in its log" + ("; " + "; ".join(server_notes) if server_notes else ""),
                        "details": {"fatal_lines": fatal[:20], "notes": server_notes, "log": str(server.log)},
                        "reproduce": "make hardening"})

    machine = {"cpu": cpu_features(), "kernel": platform.release(),
               "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip(),
               "minutes": round((time.time() - started) / 60, 1)}
    lines = ["| part | result | what was found | seconds | load | reproduce |", "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {TITLES.get(r['part'], r['part'])} | {'PASS' if r['ok'] else '**FAIL**'} | "
                     f"{r['summary'].replace('|', '/')} | {r.get('seconds', '')} | {r.get('load_average', '')} | "
                     f"`{r['reproduce']}` |")
    table = "\n".join(lines)
    (out / "summary.md").write_text(f"Machine: {machine['cpu']}; commit {machine['commit']}; {machine['minutes']} min\n\n{table}\n")
    (out / "summary.json").write_text(json.dumps({"machine": machine, "results": results}, indent=2, default=str) + "\n")
    print()
    print(f"Machine: {machine['cpu']}; commit {machine['commit']}; {machine['minutes']} min; results in {out}")
    print(table)
    failed = [r["part"] for r in results if not r["ok"]]
    print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed" + (f": {', '.join(failed)}" if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
