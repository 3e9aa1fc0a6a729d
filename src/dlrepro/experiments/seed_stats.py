"""Numbers over the seeds of an experiment: what a summary says about its runs.

Kept free of torch, so that the workflow can import what it needs while it parses.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def mean_std(values) -> dict[str, float]:
    """Mean and (population) std over seeds; NaN (a diverged run) propagates."""
    array = np.array([math.nan if value is None else value for value in values], dtype=float)
    return {"mean": float(array.mean()), "std": float(array.std())}


def metric(metrics: dict[str, Any], key: str) -> float:
    """A run's metric as a float; a diverged run's missing value (None in JSON) becomes NaN."""
    value = metrics.get(key)
    return math.nan if value is None else float(value)


def paired_gain(better: dict[int, float], worse: dict[int, float]) -> dict[str, float]:
    """Mean, std and mean − 2·standard error of ``better − worse`` over the seeds both ran."""
    seeds = sorted(set(better) & set(worse))
    gains = np.array([better[seed] - worse[seed] for seed in seeds], dtype=float)
    mean, std = float(gains.mean()), float(gains.std(ddof=1)) if len(gains) > 1 else math.nan
    return {"mean": mean, "std": std, "seeds": len(seeds),
            "lower_bound": mean - 2.0 * std / math.sqrt(len(gains)) if len(gains) > 1 else mean}
