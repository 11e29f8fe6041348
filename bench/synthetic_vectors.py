"""Seeded, clustered, L2-normalised float32 vectors: the recipes of Sources/Search/Benchmark/SyntheticVectors.swift.

Draw for draw the same as the Swift side (SplitMix64 streams, float32 arithmetic in the same order), so
both engines search the same bits unless a libm differs in the last bit of a Box-Muller draw; the
`--print-row` option of hnsw_baselines.py and `lookalike bench search --print-row` print a checksum to compare.

Centres (and the latent recipe's projection) come from one stream; row r uses its own stream
(state = seed + stream + r * golden): the first draw picks a cluster, the latent recipe then draws
`latent` Box-Muller pairs, and the last `dim` draws are uniform noise. Queries use a separate stream.

isotropic: `clusters` standard-normal centres in the full space, normalised; row = centre + uniform noise
  in +-noise*sqrt(3/dim) per coordinate (norm ~ noise), normalised. Near-uniform within a cluster.
latent: `clusters` standard-normal centres in a `latent`-dim space; z = centre + spread * N(0, I);
  row = sum_j z_j * P[j] (P: latent x dim, entries N(0, 1/dim)) + uniform noise of norm ~ noise times
  sqrt(latent * (1 + spread^2)), normalised. Low intrinsic dimension, like CNN embeddings.
"""

from __future__ import annotations

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
QUERY_STREAM = 0x5157455259455331
RECIPES = ("isotropic", "latent")
BLOCK = 8192  # rows generated at a time (keeps the latent sums in cache)


def mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's output function on state values (uint64, wrapping)."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def gaussians(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Box-Muller on two arrays of raw draws, as SplitMix64.nextGaussian (float64, then float32)."""
    u1 = np.maximum((first >> np.uint64(11)).astype(np.float64) * 2.0**-53, 5e-324)
    u2 = (second >> np.uint64(11)).astype(np.float64) * 2.0**-53
    return (np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2)).astype(np.float32)


class SyntheticVectors:
    """Mirror of SyntheticVectors.swift."""

    def __init__(self, dim: int, clusters: int, seed: int, noise: float, recipe: str = "isotropic",
                 latent: int = 32, spread: float = 0.5) -> None:
        if recipe not in RECIPES:
            raise ValueError(f"recipe must be one of {RECIPES}, not {recipe!r}")
        self.dim, self.clusters, self.seed, self.recipe = dim, max(1, clusters), seed, recipe
        self.latent, self.spread = max(1, latent), np.float32(spread)
        self.noise = np.float32(noise)
        count = self.clusters * dim if recipe == "isotropic" else self.latent * (self.clusters + dim)
        with np.errstate(over="ignore"):
            state = np.uint64(seed ^ 0xC3A5C85C97CB3127)
            draws = np.arange(1, 2 * count + 1, dtype=np.uint64) * GOLDEN + state
            bits = mix(draws)
        gauss = gaussians(bits[0::2], bits[1::2])
        if recipe == "isotropic":
            centroids = gauss.reshape(self.clusters, dim)
            norm = np.zeros(self.clusters, dtype=np.float32)
            for index in range(dim):  # sequential float32 sum, as Swift's reduce
                norm = norm + centroids[:, index] * centroids[:, index]
            norm = np.sqrt(norm)
            self.centroids = np.where(norm[:, None] > 0, centroids / norm[:, None], centroids).astype(np.float32)
            self.projection = None
        else:
            split = self.clusters * self.latent
            self.centroids = gauss[:split].reshape(self.clusters, self.latent)
            scale = np.float32(1) / np.sqrt(np.float32(dim))
            self.projection = (gauss[split:] * scale).reshape(self.latent, dim)

    @property
    def amplitude(self) -> np.float32:
        """Amplitude of the uniform noise per coordinate, as SyntheticVectors.amplitude."""
        amplitude = self.noise * np.sqrt(np.float32(3) / np.float32(self.dim))
        if self.recipe == "latent":
            amplitude = amplitude * np.sqrt(np.float32(self.latent) * (np.float32(1) + self.spread * self.spread))
        return np.float32(amplitude)

    def vectors(self, start: int, stop: int) -> np.ndarray:
        return self._make(start, stop, 0)

    def queries(self, count: int) -> np.ndarray:
        return self._make(0, count, QUERY_STREAM)

    def _make(self, start: int, stop: int, stream: int) -> np.ndarray:
        out = np.empty((stop - start, self.dim), dtype=np.float32)
        for first in range(start, stop, BLOCK):
            last = min(stop, first + BLOCK)
            out[first - start : last - start] = self._block(first, last, stream)
        return out

    def _block(self, start: int, stop: int, stream: int) -> np.ndarray:
        rows = np.arange(start, stop, dtype=np.uint64)
        amplitude = self.amplitude
        with np.errstate(over="ignore"):
            base = rows * GOLDEN + np.uint64((self.seed + stream) % 2**64)
            cluster = (mix(base + GOLDEN) % np.uint64(self.clusters)).astype(np.int64)
            draw = 2  # index of the next draw in each row's stream
            if self.recipe == "latent":
                centre = self.centroids[cluster]
                signal = np.zeros((len(rows), self.dim), dtype=np.float32)
                for coordinate in range(self.latent):
                    g = gaussians(mix(base + np.uint64(draw) * GOLDEN), mix(base + np.uint64(draw + 1) * GOLDEN))
                    draw += 2
                    z = centre[:, coordinate] + self.spread * g
                    signal += z[:, None] * self.projection[coordinate][None, :]
            else:
                signal = self.centroids[cluster]
            out = np.empty((len(rows), self.dim), dtype=np.float32)
            norm = np.zeros(len(rows), dtype=np.float32)
            for index in range(self.dim):
                bits = mix(base + np.uint64(index + draw) * GOLDEN)
                signed = (bits >> np.uint64(40)).astype(np.float32) * np.float32(2.0**-23) - np.float32(1)
                value = signal[:, index] + amplitude * signed
                out[:, index] = value
                norm = norm + value * value
        scale = np.where(norm > 0, np.float32(1) / np.sqrt(norm), np.float32(0)).astype(np.float32)
        out *= scale[:, None]
        return out


def checksum(values: np.ndarray) -> int:
    """Sum of float32 bits times (index + 1) modulo 2**64, as SyntheticVectors.checksum in Swift."""
    bits = np.ascontiguousarray(values, dtype=np.float32).reshape(-1).view(np.uint32).astype(np.uint64)
    with np.errstate(over="ignore"):
        return int(np.sum(bits * np.arange(1, len(bits) + 1, dtype=np.uint64), dtype=np.uint64))
