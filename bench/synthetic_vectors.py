"""Seeded, clustered, L2-normalised float32 vectors: the recipe of Sources/Search/Benchmark/SyntheticVectors.swift.

`clusters` centroids drawn from a standard normal (Box-Muller on a SplitMix64 stream) and normalised;
row r uses its own SplitMix64 stream (state = seed + r * golden): the first draw picks a centroid, the
next `dim` draws add uniform noise in +-noise*sqrt(3/dim) per coordinate, then the row is normalised.
Queries use the same recipe on a separate stream. Shared by search_baselines.py and hnsw_baselines.py.
"""

from __future__ import annotations

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
QUERY_STREAM = 0x5157455259455331


def mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's output function on state values (uint64, wrapping)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


class SyntheticVectors:
    """Mirror of SyntheticVectors.swift."""

    def __init__(self, dim: int, clusters: int, seed: int, noise: float) -> None:
        self.dim, self.clusters, self.seed = dim, clusters, seed
        self.noise = np.float32(noise)
        with np.errstate(over="ignore"):
            state = np.uint64(seed ^ 0xC3A5C85C97CB3127)
            draws = np.arange(1, 2 * clusters * dim + 1, dtype=np.uint64) * GOLDEN + state
            bits = mix(draws)
        u1 = np.maximum((bits[0::2] >> np.uint64(11)).astype(np.float64) * 2.0**-53, 5e-324)
        u2 = (bits[1::2] >> np.uint64(11)).astype(np.float64) * 2.0**-53
        gauss = (np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)).astype(np.float32)
        centroids = gauss.reshape(clusters, dim)
        norm = np.zeros(clusters, dtype=np.float32)
        for index in range(dim):  # sequential float32 sum, as Swift's reduce
            norm = norm + centroids[:, index] * centroids[:, index]
        norm = np.sqrt(norm)
        self.centroids = np.where(norm[:, None] > 0, centroids / norm[:, None], centroids).astype(np.float32)

    def vectors(self, start: int, stop: int) -> np.ndarray:
        return self._make(start, stop, 0)

    def queries(self, count: int) -> np.ndarray:
        return self._make(0, count, QUERY_STREAM)

    def _make(self, start: int, stop: int, stream: int) -> np.ndarray:
        rows = np.arange(start, stop, dtype=np.uint64)
        amplitude = self.noise * np.sqrt(np.float32(3) / np.float32(self.dim))
        with np.errstate(over="ignore"):
            base = rows * GOLDEN + np.uint64((self.seed + stream) % 2**64)
            cluster = (mix(base + GOLDEN) % np.uint64(self.clusters)).astype(np.int64)
            out = np.empty((len(rows), self.dim), dtype=np.float32)
            norm = np.zeros(len(rows), dtype=np.float32)
            centre = self.centroids[cluster]
            for index in range(self.dim):
                bits = mix(base + np.uint64(index + 2) * GOLDEN)
                signed = (bits >> np.uint64(40)).astype(np.float32) * np.float32(2.0**-23) - np.float32(1)
                value = centre[:, index] + amplitude * signed
                out[:, index] = value
                norm = norm + value * value
        scale = np.where(norm > 0, np.float32(1) / np.sqrt(norm), np.float32(0)).astype(np.float32)
        out *= scale[:, None]
        return out
