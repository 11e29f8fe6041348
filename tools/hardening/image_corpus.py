#!/usr/bin/env python3
"""Image corpus: Pillow's test images and the hand-made bad images through `lookalike index` and POST /api/search.

Passes when: `index` finishes (no crash, no hang) and every file is either indexed or stored as a failure with
a reason; every search answers 200 with results, or a 4xx with a JSON {"error": {"code", "message"}}; no
search takes longer than --slow seconds; the server stays up; and each hand-made image with an expectation
("accept" or "refuse", see make_bad_images.py) meets it in both paths.

    .venv/bin/python tools/hardening/image_corpus.py --url http://127.0.0.1:8080 --pid PID
"""
from __future__ import annotations

import collections
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import requests

from common import BIN, ROOT, WORK, is_error_json, remove_catalog, log_lines_since, log_size, pid_alive, server_arg_parser, write_result

HERE = Path(__file__).resolve().parent
IMAGE_EXTENSIONS = {"jpg", "jpeg", "png", "webp", "gif", "tif", "tiff", "heic", "heif", "avif"}


def prepare_corpora(pillow: Path, bad: Path) -> None:
    if not (pillow / ".pillow-version").exists():
        subprocess.run([sys.executable, str(HERE / "fetch_pillow_corpus.py"), "--out", str(pillow)], check=True)
    subprocess.run([sys.executable, str(HERE / "make_bad_images.py"), "--out", str(bad)], check=True,
                   stdout=subprocess.DEVNULL)


def corpus_files(corpora: dict[str, Path]) -> list[tuple[str, Path]]:
    """(id, path) for every file; id = corpus name / path inside the corpus (with its extension)."""
    files = []
    for name, folder in corpora.items():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith(".") and path.name != "bad_images.json":
                files.append((f"{name}/{path.relative_to(folder).as_posix()}", path))
    return files


def link_folder(files: list[tuple[str, Path]], folder: Path) -> None:
    """A folder `lookalike index` reads: each file linked as `<id>.<ext>`, so the product id is the file's own
    relative name, and a file whose extension the folder source does not list is offered as `.jpg`."""
    shutil.rmtree(folder, ignore_errors=True)
    for ident, path in files:
        ext = path.suffix[1:].lower()
        target = folder / f"{ident}.{ext if ext in IMAGE_EXTENSIONS else 'jpg'}"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(path.resolve(), target)


def run_index(folder: Path, db: Path, log: Path, timeout: float) -> dict:
    remove_catalog(db)
    command = [str(BIN), "index", str(folder), "--db", str(db), "--json"]
    started = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            code = proc.wait(timeout)
            hung = False
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
            hung = True
    seconds = time.monotonic() - started
    return {"command": " ".join(command), "exit": code, "hung": hung, "seconds": round(seconds, 1),
            "log_tail": log.read_text(errors="replace")[-2000:]}


def index_verdicts(db: Path) -> tuple[set[str], dict[str, str]]:
    """The ids indexed and, for the last import run, each failed id with its stored reason."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        indexed = {row[0] for row in con.execute("SELECT id FROM products")}
        run = con.execute("SELECT max(id) FROM import_runs").fetchone()[0]
        failed = {item: reason for item, reason in
                  con.execute("SELECT item, reason FROM import_failures WHERE run_id = ?", (run,))}
    con.close()
    return indexed, failed


def search_all(url: str, files: list[tuple[str, Path]], pid: int | None, slow: float) -> tuple[list[dict], str | None]:
    """POSTs every file; returns one record per file and, if the server died, the id that was in flight."""
    session = requests.Session()
    records = []
    for n, (ident, path) in enumerate(files):
        data = path.read_bytes()
        record = {"id": ident, "bytes": len(data)}
        started = time.monotonic()
        try:
            r = session.post(f"{url}/api/search", files={"image": (path.name, data, "application/octet-stream")},
                             timeout=max(60.0, slow * 3))
            record["seconds"] = time.monotonic() - started
            record["status"] = r.status_code
            body = r.content
            if r.status_code == 200:
                try:
                    record["ok"] = isinstance(json.loads(body).get("results"), list)
                except ValueError:
                    record["ok"] = False
                record["verdict"] = "answered" if record["ok"] else "bad 200 body"
            else:
                doc = json.loads(body) if is_error_json(body) else None
                record["code"] = doc["error"]["code"] if doc else None
                record["message"] = doc["error"]["message"] if doc else body[:200].decode(errors="replace")
                record["ok"] = 400 <= r.status_code < 500 and doc is not None
                record["verdict"] = "refused" if record["ok"] else ("server error" if r.status_code >= 500 else "bad error body")
        except requests.RequestException as error:
            record["seconds"] = time.monotonic() - started
            record["status"] = None
            record["ok"] = False
            record["message"] = f"{type(error).__name__}: {error}"
            if not pid_alive(pid):
                record["verdict"] = "server died"
                records.append(record)
                return records, ident
            record["verdict"] = "no answer"
            session = requests.Session()
        if record["seconds"] > slow:
            record["ok"] = False
            record["verdict"] += f" (slower than {slow:g} s)"
        records.append(record)
        if n % 100 == 99 and not pid_alive(pid):
            return records, ident
    return records, None


def reason_kind(reason: str) -> str:
    """The kind of a stored refusal (the start of ImagingError's wording), for counting."""
    match = re.search(r"\b(is empty|is not an image|is too large|is damaged or truncated|cannot read|has the same id)\b", reason)
    return match.group(1) if match else reason[:60]


def main() -> None:
    p = server_arg_parser(__doc__.splitlines()[0])
    p.add_argument("--pillow", type=Path, default=WORK / "corpus" / "pillow", help="Pillow's test images (fetched if missing)")
    p.add_argument("--bad", type=Path, default=WORK / "corpus" / "bad", help="folder for the hand-made images (rewritten)")
    p.add_argument("--index-timeout", type=float, default=1800, help="seconds `lookalike index` may take in all")
    p.add_argument("--slow", type=float, default=10, help="seconds one search may take")
    args = p.parse_args()
    out = args.out
    work = out / "images"
    work.mkdir(parents=True, exist_ok=True)
    log_offset = log_size(args.log) if args.log else 0

    prepare_corpora(args.pillow, args.bad)
    corpora = {"pillow": args.pillow, "bad": args.bad}
    files = corpus_files(corpora)
    expectations = {f"bad/{e['file']}": e for e in json.loads((args.bad / "bad_images.json").read_text())}
    folder = work / "index-source"
    link_folder(files, folder)

    # 1. lookalike index
    db = work / "corpus.db"
    index = run_index(folder, db, work / "index.log", args.index_timeout)
    problems: list[str] = []
    if index["hung"]:
        problems.append(f"index did not finish within {args.index_timeout:g} s")
    elif index["exit"] != 0:
        problems.append(f"index exited with {index['exit']}")
    indexed, failed = index_verdicts(db) if db.exists() else (set(), {})
    index_rows = []
    for ident, _ in files:
        if ident in indexed:
            index_rows.append((ident, "indexed", ""))
        elif failed.get(ident, "").strip():
            index_rows.append((ident, "refused", failed[ident]))
        else:
            index_rows.append((ident, "missing", "neither indexed nor stored as a failure"))
    missing = [r[0] for r in index_rows if r[1] == "missing"]
    if missing and not index["hung"] and index["exit"] == 0:
        problems.append(f"{len(missing)} files neither indexed nor stored with a reason: {', '.join(missing[:5])}")
    with open(work / "index-verdicts.tsv", "w") as f:
        f.write("id\tverdict\treason\n")
        for row in index_rows:
            f.write("\t".join(x.replace("\t", " ").replace("\n", " ") for x in row) + "\n")

    # 2. POST /api/search
    records, died_on = search_all(args.url, files, args.pid, args.slow)
    if died_on:
        problems.append(f"the server died while answering {died_on}")
    bad_answers = [r for r in records if not r["ok"]]
    for r in bad_answers[:20]:
        problems.append(f"search {r['id']}: {r['verdict']} (status {r['status']}, {r['seconds']:.2f} s, {r.get('message', '')[:160]})")
    with open(work / "search-verdicts.tsv", "w") as f:
        f.write("id\tstatus\tcode\tseconds\tmessage\n")
        for r in records:
            f.write(f"{r['id']}\t{r['status']}\t{r.get('code') or ''}\t{r['seconds']:.3f}\t"
                    f"{(r.get('message') or '').replace(chr(9), ' ').replace(chr(10), ' ')}\n")

    # 3. Expectations of the hand-made images
    searched = {r["id"]: r for r in records}
    index_of = {row[0]: row[1] for row in index_rows}
    surprises = []
    for ident, e in expectations.items():
        if e["expect"] == "either":
            continue
        want_ok = e["expect"] == "accept"
        got_index = index_of.get(ident)
        got_search = searched.get(ident, {}).get("status")
        index_right = got_index == ("indexed" if want_ok else "refused")
        search_right = got_search is not None and ((got_search == 200) == want_ok)
        if ident == "bad/over-upload-limit.jpg":
            continue
        if not (index_right and search_right):
            surprises.append(f"{ident} ({e['what']}): expected {e['expect']}, index {got_index}, search {got_search}")
    problems += [f"expectation: {s}" for s in surprises]

    # 4. Where index and search disagree (informational: their limits differ, see the result's details)
    disagree = [f"{i}: index {index_of.get(i)}, search {searched[i]['status']}" for i, _ in files
                if i in searched and (index_of.get(i) == "indexed") != (searched[i]["status"] == 200)]

    statuses = collections.Counter(str(r["status"]) for r in records)
    codes = collections.Counter(r.get("code") or "-" for r in records if r["status"] != 200)
    reasons = collections.Counter(reason_kind(reason) for _, verdict, reason in index_rows if verdict == "refused")
    slowest = sorted(records, key=lambda r: -r["seconds"])[:10]
    server_errors = log_lines_since(args.log, log_offset, r"(?i)\b(error|fatal|crash)\b") if args.log else []
    alive = pid_alive(args.pid)
    if not alive and not died_on:
        problems.append("the server is no longer running")
    ok = not problems
    n_indexed = sum(1 for r in index_rows if r[1] == "indexed")
    n_refused = sum(1 for r in index_rows if r[1] == "refused")
    n_answered = statuses.get("200", 0)
    slow_top = slowest[0] if slowest else {"id": "-", "seconds": 0}
    summary = (f"{len(files)} files ({sum(1 for i, _ in files if i.startswith('pillow/'))} Pillow, "
               f"{len(expectations)} hand-made); index: {n_indexed} indexed, {n_refused} refused with a reason, "
               f"{len(missing)} without; search: {n_answered} × 200, {len(records) - n_answered} × 4xx/other, "
               f"{len(bad_answers)} bad; slowest {slow_top['seconds']:.2f} s ({slow_top['id']})")
    details = {
        "problems": problems,
        "index": index,
        "index_counts": {"files": len(files), "indexed": n_indexed, "refused": n_refused, "missing": len(missing)},
        "index_reasons": reasons.most_common(30),
        "search_statuses": dict(statuses),
        "search_codes": dict(codes),
        "slowest": [{"id": r["id"], "seconds": round(r["seconds"], 3), "status": r["status"], "bytes": r["bytes"]} for r in slowest],
        "disagreements": disagree,
        "surprises": surprises,
        "server_log_lines": server_errors[:50],
        "verdict_files": [str(work / "index-verdicts.tsv"), str(work / "search-verdicts.tsv")],
    }
    write_result(out, "images", ok, summary, details, "make hardening PARTS=images")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
