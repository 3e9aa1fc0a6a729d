"""scikit-learn's bundled 8×8 handwritten digits: the stand-in for image classification.

The 1797 images ship inside scikit-learn (nothing is downloaded). Pixels there are counts 0–16;
here they are rescaled to 0–255 and stored as uint8, the range and type of real image files, so
the training code treats a stand-in and a real data set alike.
"""

from __future__ import annotations

import numpy as np

SIDE = 8
CLASSES = 10
NOTE = (
    "STAND-IN: scikit-learn's bundled 8x8 handwritten digits (1797 images, 10 classes), not the "
    "write-up's data set. Numbers measured on it say nothing about the real data."
)


def images_and_labels() -> tuple[np.ndarray, np.ndarray]:
    """All digits: images (1797, 8, 8) uint8 in [0, 255] and labels (1797,) int64 in 0 … 9."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = np.rint(digits.images * (255.0 / 16.0)).astype(np.uint8)
    return images, digits.target.astype(np.int64)


def split_indices(n: int, sizes: dict[str, int | float], seed: int) -> dict[str, np.ndarray]:
    """A seeded random partition of (part of) ``range(n)`` into named, disjoint, sorted parts.

    ``sizes`` maps each part's name to a row count, or to a fraction of ``n`` (a float below 1).
    Every part gets at least one row, and together they take at most ``n``.
    """
    counts = {
        name: int(round(size * n)) if isinstance(size, float) and size < 1 else int(size)
        for name, size in sizes.items()
    }
    if any(count < 1 for count in counts.values()) or sum(counts.values()) > n:
        raise ValueError(f"cannot split {n} rows into {counts}")
    order = np.random.default_rng(np.random.SeedSequence([seed])).permutation(n)
    parts, start = {}, 0
    for name, count in counts.items():
        parts[name] = np.sort(order[start:start + count])
        start += count
    return parts
