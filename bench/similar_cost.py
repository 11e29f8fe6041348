"""Latency of "more like this" per ranking option, against a running `lookalike serve`.

    python bench/similar_cost.py --url http://127.0.0.1:8080 --id-format train-{} [--per-round 200] [--rounds 3]

Options run in turn, round after round; every request asks for a product no request asked for before,
so the server's neighbour cache never answers. Prints each option's p50 per round and their median.
"""
from __future__ import annotations

import argparse
import statistics
import time
import urllib.request

OPTIONS = {
    "raw": "space=raw&qe=0&consensus=0",
    "tuned + αQE": "space=tuned&consensus=0",
    "tuned + αQE + label consensus (default)": "",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--id-format", default="train-{}", help="product id of the n-th request, e.g. train-{}")
    parser.add_argument("--per-round", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()
    p50s = {name: [] for name in OPTIONS}
    n = 0
    for _ in range(args.rounds):
        for name, query in OPTIONS.items():
            times = []
            for _ in range(args.per_round):
                url = f"{args.url}/api/products/{args.id_format.format(n)}/similar?k={args.k}&{query}"
                started = time.perf_counter()
                urllib.request.urlopen(url).read()
                times.append((time.perf_counter() - started) * 1000)
                n += 1
            p50s[name].append(statistics.median(times))
    for name, values in p50s.items():
        print(f"{name}: p50 per round {[round(v, 2) for v in values]} ms, median {statistics.median(values):.2f} ms")


if __name__ == "__main__":
    main()
