"""``ist_torch`` (IST DL HW1 Q2): logistic regression and a feed-forward network in PyTorch.

As the homework's skeleton (``hw1-q2.py``): inputs are the flattened images / 255, the loss
``nn.CrossEntropyLoss``, the optimiser ``torch.optim.SGD(lr, momentum, weight_decay=l2)`` (so the
ℓ2 penalty applies to weights and biases alike), minibatches of a fresh random order each epoch.

- Logistic regression (Q2.1): ``nn.Linear``, batch 32, ℓ2 0.01, 100 epochs, lr ∈ {1e-5, 1e-3,
  0.1}; the write-up picks the lr with the highest (final) validation accuracy.
- Feed-forward network (Q2.2): ``layers`` hidden layers of ``hidden`` units, each Linear → ReLU →
  ``nn.Dropout``; defaults as the skeleton's: 2 × 200, lr 0.002, batch 64, dropout 0.3,
  momentum 0, no ℓ2, 200 epochs (the skeleton's default; the write-up states no epoch count).
  Three comparisons vary one default each: batch 64 vs 512; dropout 0.01 / 0.25 / 0.5 (at batch
  64); momentum 0 vs 0.9 at batch 1024.

One run is one variant point and one seed; :func:`variant_name` names a point as its run folder
does (``logreg-lr0.001``, ``mlp-batch64-dropout0.3-momentum0``), :func:`parse_variant` reads it
back, :func:`variants` lists every point the comparisons need and :func:`comparisons` says which
points form which comparison. The initial weights (``torch.manual_seed``) and the batch order
come from the run's seed; every variant of a seed starts from the same stream.

Per epoch: the mean loss and accuracy of the batches as they were trained on (train mode, with
dropout), and the validation loss and accuracy (eval mode). The test accuracy once, at the end,
as the write-up reports it. A run whose loss stops being finite ends there and is ``diverged``.
The write-up's training times are for whole runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from dlrepro.data.base import DataSet
from dlrepro.experiments.ist.common import group_by, runtime, seed_stats
from dlrepro.experiments.ist.variants import comparisons, parse_variant
from dlrepro.experiments.runs import data_record, is_finite, start_run
from dlrepro.experiments.seed_stats import over_seeds
from dlrepro.experiments.training import EpochStats, evaluate, fit, image_splits, mlp
from dlrepro.results import RunResult

QUANTITIES = ("test_accuracy", "val_accuracy", "train_accuracy", "train_loss", "val_loss", "test_loss",
              "val_loss_min", "val_loss_rise", "val_accuracy_max")

#: What the write-up reports (IST DL HW1 Q2), keyed as :func:`comparisons` keys its points.
#: Times are for whole runs, in seconds.
WRITE_UP = {
    "lr": {
        "1e-05": {"test_accuracy": 0.4623, "val_accuracy": 0.4694, "training_seconds": 10},
        "0.001": {"test_accuracy": 0.5247, "val_accuracy": 0.5264, "training_seconds": 11},
        "0.1": {"test_accuracy": 0.2757, "val_accuracy": 0.2913, "training_seconds": 10},
        "best": "0.001",
    },
    "batch": {
        "64": {"test_accuracy": 0.6003, "val_accuracy": 0.6026, "training_seconds": 96},
        "512": {"test_accuracy": 0.5187, "val_accuracy": 0.5021, "training_seconds": 53},
    },
    "dropout": {
        "0.01": {"test_accuracy": 0.5717, "val_accuracy": 0.5734, "training_seconds": 95},
        "0.25": {"test_accuracy": 0.6050, "val_accuracy": 0.6068, "training_seconds": 93},
        "0.5": {"test_accuracy": 0.5883, "val_accuracy": 0.6011, "training_seconds": 100},
        "best": "0.25",
    },
    "momentum": {
        "0": {"test_accuracy": 0.4887, "val_accuracy": 0.4701, "training_seconds": 96,
              "val_accuracy_plateau_about": 0.45},
        "0.9": {"test_accuracy": 0.5980, "val_accuracy": 0.5933, "training_seconds": 50,
                "val_accuracy_reaches_about": 0.60},
    },
}


# --- one run -------------------------------------------------------------------------------------


def build_model(point: Mapping[str, Any], settings: Mapping[str, Any], n_features: int,
                classes: int) -> nn.Module:
    if point["model"] == "logreg":
        return nn.Linear(n_features, classes)
    network = settings["mlp"]
    return mlp(n_features, [int(network["hidden"])] * int(network["layers"]), classes,
               dropout=float(point["dropout"]))


def hyperparameters(point: Mapping[str, Any], settings: Mapping[str, Any]) -> dict[str, Any]:
    """lr, batch size, momentum, ℓ2 and epochs of a point: the point's own, the rest from its
    model's section of ``settings``."""
    section = settings[point["model"]]
    return {
        "lr": float(point.get("lr", section.get("lr"))),
        "batch_size": int(point.get("batch_size", section.get("batch_size"))),
        "momentum": float(point.get("momentum", 0.0)),
        "l2": float(section["l2"]),
        "epochs": int(section["epochs"]),
    }


def run(settings: dict[str, Any], data: DataSet, variant: str | Mapping[str, Any], seed: int,
        device: str = "cpu") -> RunResult:
    """One variant point (a name as :func:`variant_name` writes it, or the point) and one seed.

    Reads ``settings``: ``logreg`` {batch_size, l2, epochs} and ``mlp`` {hidden, layers, lr, l2,
    epochs}. History columns: ``epoch``, ``train_loss``, ``train_accuracy``, ``val_loss``,
    ``val_accuracy``.
    """
    point = parse_variant(variant) if isinstance(variant, str) else dict(variant)
    hyper = hyperparameters(point, settings)
    splits = image_splits(data, ("train", "val", "test"), device)
    generator = start_run(seed, device)
    n_features = splits["train"][0].shape[1]
    model = build_model(point, settings, n_features, int(data.info["classes"])).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=hyper["lr"], momentum=hyper["momentum"],
                                weight_decay=hyper["l2"])
    history = []

    def end_epoch(epoch: int, trained: EpochStats, evaluated: dict[str, EpochStats]) -> bool:
        validation = evaluated["val"]
        history.append({"epoch": epoch,
                        "train_loss": trained.loss, "train_accuracy": trained.accuracy,
                        "val_loss": validation.loss, "val_accuracy": validation.accuracy})
        return is_finite(trained.loss, validation.loss)

    fit(model, optimizer, splits["train"], {"val": splits["val"]},
        epochs=hyper["epochs"], batch_size=hyper["batch_size"], generator=generator,
        end_epoch=end_epoch)
    history = pd.DataFrame(history)
    last = history.iloc[-1]
    finished = len(history) == hyper["epochs"] and is_finite(last["train_loss"], last["val_loss"])
    metrics = _final_metrics(history, finished,
                             evaluate(model, *splits["test"]) if finished else None)
    return RunResult(metrics=metrics, history=history, data=data_record(data))


def _final_metrics(history: pd.DataFrame, finished: bool, test) -> dict[str, Any]:
    """The last epoch's numbers, where the validation loss bottomed out and how far it rose
    after, and the test numbers; NaN throughout for a run that did not finish."""
    last = history.iloc[-1]
    lowest = history.loc[history["val_loss"].idxmin()] if finished else None
    metrics: dict[str, Any] = {
        key: float(last[key]) if finished else math.nan
        for key in ("train_loss", "train_accuracy", "val_loss", "val_accuracy")
    }
    metrics.update(
        test_loss=test.loss if finished else math.nan,
        test_accuracy=test.accuracy if finished else math.nan,
        val_loss_min=float(lowest["val_loss"]) if finished else math.nan,
        val_loss_min_epoch=int(lowest["epoch"]) if finished else math.nan,
        # final minus lowest validation loss: how far it rose after its best epoch
        val_loss_rise=float(last["val_loss"] - lowest["val_loss"]) if finished else math.nan,
        val_accuracy_max=float(history["val_accuracy"].max()) if finished else math.nan,
        epochs_completed=int(last["epoch"]),
    )
    return metrics


# --- summary over variants and seeds -------------------------------------------------------------


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict[str, Any]:
    """Every variant's numbers (mean ± std over seeds) and the four comparisons.

    ``records`` are the runs' metrics.json documents; a run's point is read from its
    ``params["variant"]`` (the run folder's wildcard). ``settings`` is the whole ``ist_torch``
    section (the comparisons come from it). ``histories`` (the runs' curves, in the order of
    ``records``) give the momentum comparison's epoch-by-epoch losses.

    Per comparison, mappings from the varied value's label (``"0.001"``, ``"64"``, ``"0.25"``,
    ``"0.9"``) to the values over seeds: ``test_accuracy``, ``val_accuracy``, ``test_error`` and
    ``val_error`` (1 − accuracy: what an ``argmin`` claim picks the best from),
    ``runtime_seconds`` (where the records carry it).
    """
    groups = group_by(records, "variant")
    variant_stats = {  # parse_variant refuses records of no known variant
        name: {**parse_variant(name), "runs": len(runs),
               "diverged": sum(record["status"] == "diverged" for record in runs),
               **seed_stats(runs, QUANTITIES), "runtime_seconds": runtime(runs)}
        for name, runs in sorted(groups.items())
    }
    summary: dict[str, Any] = {
        "seeds": sorted({record["seed"] for record in records}),
        "diverged_runs": sum(record["status"] == "diverged" for record in records),
        "variants": variant_stats,
    }
    for comparison, points in comparisons(settings).items():
        present = {key: name for key, name in points.items() if name in variant_stats}
        if present:
            summary[comparison] = _table(present, variant_stats)
    if "lr" in summary:
        summary["lr"].update(_best(summary["lr"], "val_error"))
    if "dropout" in summary:
        summary["dropout"].update(_best(summary["dropout"], "test_error"))
    if "batch" in summary:
        small, large = _lowest_and_highest(summary["batch"])
        summary["batch"].update(small=small, large=large)
    if "momentum" in summary:
        without, with_ = _lowest_and_highest(summary["momentum"])
        summary["momentum"].update({"without": without, "with": with_})
        summary["momentum"].update(_momentum_curves(records, histories,
                                                    comparisons(settings)["momentum"]))
    summary["constants"] = {"write_up": WRITE_UP}  # the write-up's numbers, not measured
    return summary


def _table(points: dict[str, str], variant_stats: dict[str, Any]) -> dict[str, Any]:
    """Per label: one comparison's variants, each quantity over seeds."""
    def by_label(quantity: str) -> dict[str, Any]:
        return {key: variant_stats[name][quantity] for key, name in points.items()}

    table: dict[str, Any] = {"variants": points}
    for quantity in ("test_accuracy", "val_accuracy", "train_loss", "val_loss", "val_loss_min",
                     "val_loss_rise", "val_accuracy_max"):
        table[quantity] = by_label(quantity)
    for error, accuracy in (("test_error", "test_accuracy"), ("val_error", "val_accuracy")):
        table[error] = {key: over_seeds({int(seed): None if value is None else 1.0 - value
                                         for seed, value in values["per_seed"].items()})
                        for key, values in table[accuracy].items()}
    seconds = by_label("runtime_seconds")
    if all(value is not None for value in seconds.values()):
        table["runtime_seconds"] = seconds
    return table


def _best(table: dict[str, Any], error_key: str) -> dict[str, Any]:
    """The label with the lowest mean error (among the finite), as ``best``."""
    finite = {key: value["mean"] for key, value in table[error_key].items()
              if math.isfinite(value["mean"])}
    return {"best": min(finite, key=finite.get) if finite else None}


def _lowest_and_highest(table: dict[str, Any]) -> tuple[str, str]:
    """The labels of the smallest and the largest varied value (compared as numbers)."""
    keys = sorted(table["test_accuracy"], key=float)
    return keys[0], keys[-1]


def _momentum_curves(records, histories, points: dict[str, str]) -> dict[str, Any]:
    """The lowest and the highest momentum compared epoch by epoch, seed by seed: per seed, the
    fraction of epochs in which the higher momentum has the lower training (validation) loss."""
    keys = sorted(points, key=float)
    curves: dict[str, dict[int, pd.DataFrame]] = {}
    for key in (keys[0], keys[-1]):
        curves[key] = {record["seed"]: history
                       for record, history in zip(records, histories, strict=True)
                       if record["params"]["variant"] == points[key] and record["status"] == "ok"}
    low, high = curves[keys[0]], curves[keys[-1]]
    seeds = sorted(set(low) & set(high))
    if not seeds:
        return {}
    return {f"{column}_lower_fraction": over_seeds({
                seed: float(np.mean(high[seed][column].to_numpy() < low[seed][column].to_numpy()))
                for seed in seeds})
            for column in ("train_loss", "val_loss")}
