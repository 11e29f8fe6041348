#!/usr/bin/env python3
"""kill -9 during live writes: products POSTed in a loop, the server killed with SIGKILL, restarted, checked.

Runs its own server on a copy of the catalog (--db). Each round: --writers threads POST /api/products with
the admin key (a distinct generated image each), the server gets SIGKILL after a random 3–8 s, then
`PRAGMA integrity_check` runs on the catalog, the server is restarted on it, and every product that was
acknowledged (201/200) before the kill must be there (GET /api/products/{id}), have its image
(GET /images/{id}), and be found by searching its own image (among the first 10). `lookalike stats`
must open the catalog at the end.

    .venv/bin/python tools/hardening/kill_during_writes.py --db artifacts/hardening/catalog/base.db
"""
from __future__ import annotations

import argparse
import hashlib
import io
import random
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from PIL import Image, ImageDraw

from common import BIN, ROOT, WORK, Server, ServerDied, copy_catalog, describe_exit, new_admin_key, write_result


def product_image(ident: str) -> bytes:
    rnd = random.Random(hashlib.sha256(ident.encode()).digest())
    img = Image.new("RGB", (128, 128), tuple(rnd.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(5):
        x, y = rnd.randrange(100), rnd.randrange(100)
        box = (x, y, x + rnd.randrange(20, 90), y + rnd.randrange(20, 90))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)(box, fill=tuple(rnd.randrange(256) for _ in range(3)))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


class Writer(threading.Thread):
    """POSTs products until the server stops answering; keeps the acknowledged ids."""

    def __init__(self, server: Server, prefix: str):
        super().__init__(daemon=True)
        self.server, self.prefix = server, prefix
        self.acked: list[str] = []
        self.unacked: list[str] = []  # in flight when the connection broke
        self.refused: list[str] = []

    def run(self) -> None:
        session = requests.Session()
        n = 0
        while True:
            ident = f"{self.prefix}-{n}"
            n += 1
            try:
                r = session.post(f"{self.server.url}/api/products", headers=self.server.auth(), timeout=30,
                                 files={"image": (f"{ident}.png", product_image(ident), "image/png")},
                                 data={"id": ident, "title": f"Kill test {ident}", "colour": "mixed"})
            except requests.RequestException:
                self.unacked.append(ident)
                return
            if r.status_code in (200, 201):
                self.acked.append(ident)
            else:
                self.refused.append(f"{ident}: {r.status_code} {r.text[:200]}")
                if len(self.refused) > 20:
                    return


def integrity(db: Path) -> str:
    with sqlite3.connect(db, timeout=30) as con:
        result = "; ".join(row[0] for row in con.execute("PRAGMA integrity_check"))
    con.close()
    return result


def verify(server: Server, ids: list[str]) -> tuple[list[str], dict[int, int]]:
    """Problems with acknowledged products after the restart, and how often each search rank occurred."""
    problems = []
    ranks: dict[int, int] = {}
    session = requests.Session()
    for ident in ids:
        quoted = requests.utils.quote(ident, safe="")
        r = session.get(f"{server.url}/api/products/{quoted}", timeout=30)
        if r.status_code != 200:
            problems.append(f"{ident}: GET /api/products answered {r.status_code}")
            continue
        r = session.get(f"{server.url}/images/{quoted}", timeout=30)
        if r.status_code != 200:
            problems.append(f"{ident}: GET /images answered {r.status_code}")
        r = session.post(f"{server.url}/api/search", params={"k": 10, "cleanup": "none"}, timeout=60,
                         files={"image": (f"{ident}.png", product_image(ident), "image/png")})
        found = [x["id"] for x in r.json().get("results", [])] if r.status_code == 200 else []
        rank = found.index(ident) + 1 if ident in found else 0
        ranks[rank] = ranks.get(rank, 0) + 1
        if not rank:
            problems.append(f"{ident}: not among the first 10 results of a search with its own image ({r.status_code})")
    return problems, ranks


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, default=WORK / "catalog" / "base.db", help="catalog to copy (SQLite)")
    p.add_argument("--out", type=Path, default=WORK / "results")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--writers", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    rnd = random.Random(args.seed)
    work = args.out / "kill"
    db = copy_catalog(args.db, work / "catalog.db")
    log = work / "server.log"
    log.unlink(missing_ok=True)
    server = Server(db, log, admin_key=new_admin_key())
    problems: list[str] = []
    rounds = []
    all_acked: list[str] = []
    try:
        server.start()
        for round_no in range(1, args.rounds + 1):
            before = requests.get(f"{server.url}/healthz", timeout=10).json()["products"]
            writers = [Writer(server, f"kill-r{round_no}-w{w}") for w in range(args.writers)]
            for w in writers:
                w.start()
            wait = rnd.uniform(3, 8)
            time.sleep(wait)
            server.kill9()
            code = server.exit_code()
            for w in writers:
                w.join(60)
            acked = [i for w in writers for i in w.acked]
            unacked = [i for w in writers for i in w.unacked]
            refused = [i for w in writers for i in w.refused]
            all_acked += acked
            check = integrity(db)
            if check != "ok":
                problems.append(f"round {round_no}: integrity_check after SIGKILL: {check[:300]}")
            started = time.monotonic()
            try:
                server.start()
            except ServerDied as error:
                problems.append(f"round {round_no}: the server did not restart: {error}")
                rounds.append({"round": round_no, "acked": len(acked), "restart": "failed"})
                break
            restart_seconds = time.monotonic() - started
            health = requests.get(f"{server.url}/healthz", timeout=10).json()
            lost, ranks = verify(server, all_acked)
            problems += [f"round {round_no}: {x}" for x in lost[:20]]
            problems += [f"round {round_no}: refused write {x}" for x in refused[:5]]
            committed_unacked = sum(1 for i in unacked if requests.get(
                f"{server.url}/api/products/{requests.utils.quote(i, safe='')}", timeout=10).status_code == 200)
            rounds.append({"round": round_no, "killed_after_s": round(wait, 1), "kill": describe_exit(code),
                           "products_before": before, "acked": len(acked), "in_flight": len(unacked),
                           "in_flight_committed": committed_unacked, "refused": len(refused),
                           "products_after": health["products"], "integrity": check,
                           "restart_s": round(restart_seconds, 1), "checked": len(all_acked), "lost_or_unsearchable": len(lost),
                           "search_ranks": ranks})
            print(f"[kill9] round {round_no}: {rounds[-1]}", flush=True)
    except (ServerDied, requests.RequestException) as error:
        problems.append(f"{type(error).__name__}: {error}")
    finally:
        status = server.stop()
    stats = subprocess.run([str(BIN), "stats", "--db", str(db)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    if stats.returncode != 0:
        problems.append(f"lookalike stats failed ({stats.returncode}): {stats.stderr[-500:]}")
    acked_total = sum(r.get("acked", 0) for r in rounds)
    ok = not problems and len(rounds) == args.rounds and acked_total > 0
    if acked_total == 0:
        problems.append("no write was acknowledged, so nothing was tested")
    summary = (f"{len(rounds)} rounds × {args.writers} writers, SIGKILL after 3–8 s: {acked_total} acknowledged writes, "
               f"{rounds[-1].get('lost_or_unsearchable', '?') if rounds else '?'} of them lost or unsearchable after the last restart, "
               f"{sum(r.get('in_flight', 0) for r in rounds)} in flight at the kill "
               f"({sum(r.get('in_flight_committed', 0) for r in rounds)} of them stored); integrity "
               f"{', '.join(sorted({r.get('integrity', '?') for r in rounds}))}; stats exit {stats.returncode}")
    details = {"problems": problems, "rounds": rounds, "final_stop": describe_exit(status),
               "stats_output": stats.stdout[-2000:], "server_log": str(log)}
    write_result(args.out, "kill9", ok, summary, details, "make hardening PARTS=kill9")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
