"""Numbers over the seeds of an experiment: what a summary says about its runs.

Kept free of torch, so that the workflow can import what it needs while it parses.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np


def over_seeds(values_by_seed: Mapping[int, float | None]) -> dict[str, Any]:
    """Mean and (population) std over seeds, with the per-seed values the claims are judged
    from (:mod:`dlrepro.claims`); NaN (a diverged run) propagates into the mean."""
    seeds = sorted(values_by_seed)
    array = np.array([math.nan if values_by_seed[seed] is None else values_by_seed[seed]
                      for seed in seeds], dtype=float)
    return {"mean": float(array.mean()) if len(array) else math.nan,
            "std": float(array.std()) if len(array) else math.nan,
            "n": len(seeds),
            "per_seed": {str(seed): float(value) for seed, value in zip(seeds, array)}}


def range_over_seeds(values_by_seed: Mapping[int, Iterable[float]]) -> dict[str, Any]:
    """The lowest and the highest of each seed's values (e.g. its last minibatch costs), each
    over seeds."""
    lists = {seed: list(values) for seed, values in values_by_seed.items()}
    return {"min": over_seeds({seed: min(values) for seed, values in lists.items()}),
            "max": over_seeds({seed: max(values) for seed, values in lists.items()})}


def metric_over_seeds(records: Iterable[Mapping[str, Any]], key: str) -> dict[str, Any]:
    """:func:`over_seeds` of one metric of the runs (their metrics.json documents)."""
    return over_seeds({record["seed"]: metric(record["metrics"], key) for record in records})


def metric(metrics: dict[str, Any], key: str) -> float:
    """A run's metric as a float; a diverged run's missing value (None in JSON) becomes NaN."""
    value = metrics.get(key)
    return math.nan if value is None else float(value)
