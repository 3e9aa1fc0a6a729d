"""What the IST experiments share: model inputs from the images, the epoch loop of the numpy
models, and the statistics of run records over seeds.

Inputs: :func:`dlrepro.data.base.pixel_features`, as for the torch models, so the numpy and
the torch models see the same numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dlrepro.data.base import DataSet, pixel_features
from dlrepro.experiments.runs import STREAM_BATCHES, stream_seed
from dlrepro.experiments.seed_stats import metric, metric_over_seeds, over_seeds

SPLITS = ("train", "val", "test")


@dataclass
class FeatureSplits:
    """A data set as the numpy models take it: float32 feature rows and int64 labels."""

    X: dict[str, np.ndarray]
    y: dict[str, np.ndarray]
    classes: int

    @property
    def n_features(self) -> int:
        return self.X["train"].shape[1]


def feature_splits(data: DataSet) -> FeatureSplits:
    return FeatureSplits(
        X={split: pixel_features(data.arrays[f"X_{split}"]) for split in SPLITS},
        y={split: np.asarray(data.arrays[f"y_{split}"], dtype=np.int64) for split in SPLITS},
        classes=int(data.info["classes"]),
    )


@dataclass
class TrainedEpochs:
    """The per-epoch history of a numpy model's training, and whether it ran to the end."""

    history: pd.DataFrame
    finished: bool


def train_epochs(model, data: FeatureSplits, epochs: int, seed: int,
        measure: Callable[[Any], dict[str, float]]) -> TrainedEpochs:
    """``epochs`` calls of ``model.train_epoch`` on the training part, each in a fresh random
    order (the seed's batch stream), as the homework's loop does.

    After each epoch the history gets the epoch's own numbers (what ``train_epoch`` returns),
    the accuracy on the whole training and validation parts, and ``measure(model)``. Training
    stops after an epoch with a number that is not finite.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    rng = np.random.default_rng(stream_seed(seed, STREAM_BATCHES))
    X, y = data.X["train"], data.y["train"]
    rows = []
    for epoch in range(1, epochs + 1):
        row = {"epoch": epoch, **model.train_epoch(X, y, rng.permutation(len(X)))}
        row["train_accuracy"] = model.accuracy(X, y)
        row["val_accuracy"] = model.accuracy(data.X["val"], data.y["val"])
        row.update(measure(model))
        rows.append(row)
        if not all(math.isfinite(value) for value in row.values()):
            break
    finished = len(rows) == epochs and all(math.isfinite(v) for v in rows[-1].values())
    return TrainedEpochs(history=pd.DataFrame(rows), finished=finished)


def final_metrics(result: TrainedEpochs, model, data: FeatureSplits,
                  columns: Iterable[str]) -> dict[str, Any]:
    """The last epoch's ``columns`` and the test accuracy; NaN for every one of them when the
    run did not finish (a diverged run has no final numbers)."""
    last = result.history.iloc[-1]
    metrics = {column: float(last[column]) if result.finished else math.nan
               for column in ("train_accuracy", "val_accuracy", *columns)}
    metrics["test_accuracy"] = (model.accuracy(data.X["test"], data.y["test"]) if result.finished
                           else math.nan)
    metrics["epochs_completed"] = int(last["epoch"])
    return metrics


# --- over seeds ---------------------------------------------------------------------------------


def group_by(records: Iterable[dict[str, Any]], param: str) -> dict[str, list[dict[str, Any]]]:
    """Records grouped by one of their ``params`` (as a string: a run folder's wildcard)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        groups[str(record["params"][param])].append(record)
    return dict(groups)


def seed_stats(records: list[dict[str, Any]], keys: Iterable[str]) -> dict[str, dict[str, float]]:
    """Mean ± std over the records of each metric in ``keys`` (NaN where a run diverged)."""
    return {key: metric_over_seeds(records, key) for key in keys}


def runtime(records: list[dict[str, Any]]) -> dict[str, float] | None:
    """Mean ± std of the runs' wall-clock seconds (their provenance), where recorded."""
    seconds = {record["seed"]: record.get("provenance", {}).get("runtime_seconds")
               for record in records}
    if not seconds or any(value is None for value in seconds.values()):
        return None
    return over_seeds(seconds)


def paired_difference(better: list[dict[str, Any]], worse: list[dict[str, Any]],
                      key: str) -> dict[str, Any]:
    """``key`` of ``better`` minus that of ``worse``, seed by seed (the seeds both have):
    mean ± std of the differences and in how many seeds it is positive."""
    by_seed = {record["seed"]: metric(record["metrics"], key) for record in worse}
    differences = {record["seed"]: metric(record["metrics"], key) - by_seed[record["seed"]]
                   for record in better if record["seed"] in by_seed}
    return {**over_seeds(differences), "seeds": len(differences),
            "positive": sum(value > 0 for value in differences.values())}
