"""``batchnorm`` (CS 7150 HW2 Q1): does BatchNorm (a) speed convergence, (b) permit a larger
learning rate, (c) improve final accuracy?

The write-up's setting: a 784 → 128 → 64 → 10 ReLU network with and without ``BatchNorm1d``
after each hidden Linear, SGD with momentum 0.9, batch 60, 15 epochs, lr 0.01 and 0.5, on MNIST.
Two things in its code change what its numbers mean, and are done differently here:

- Its counters of correct predictions were never reset, so the accuracy it prints after epoch k
  is the average over epochs 1 … k, not the accuracy after epoch k. Here every epoch is measured
  on its own (test accuracy in eval mode, so BatchNorm uses its running statistics), and
  ``mean_test_accuracy`` (the average over epochs) is kept to set beside its printed numbers.
- Its lr 0.5 runs continued training the two networks it had just trained at lr 0.01. Here every
  run starts from a fresh network; one seed gives the plain and the BatchNorm network the same
  initial Linear weights, so the two are compared seed by seed.

The three claims, measured per seed (see :func:`summarise`) and judged over seeds by
:mod:`dlrepro.claims`:

(a) convergence: epochs until the test accuracy first reaches the final test accuracy of the
    plain network with the same seed (both at the small lr), and the training loss of the first
    epoch;
(b) larger lr: how far each network's final test accuracy at the large lr falls below the plain
    network's at the small lr, same seed;
(c) final accuracy: final test accuracy at the small lr, with and without BatchNorm.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dlrepro.data.base import DataSet
from dlrepro.experiments.classifiers.mlp import train_run
from dlrepro.experiments.seed_stats import metric, metric_over_seeds, over_seeds
from dlrepro.results import RunResult, value_label

MODELS = ("plain", "batchnorm")
CURVES = ("train_loss", "train_accuracy", "test_accuracy")

#: What the write-up printed after its 15th epoch (its accuracies are averages over epochs, see
#: the module docstring; its lr 0.5 runs continued from the lr 0.01 networks). It printed
#: accuracies in percent; they are kept as fractions (97.31 % as 0.9731), as every accuracy is.
WRITE_UP = {
    "data": "mnist",
    "epochs": 15,
    "plain": {
        "0.01": {"train_loss": 0.013566769078955985, "train_accuracy": 0.9731333333333333,
                 "test_accuracy": 0.9713733333333333},
        "0.5": {"train_loss": 2.320054642915726, "train_accuracy": 0.10359,
                "test_accuracy": 0.10079333333333333},
    },
    "batchnorm": {
        "0.01": {"train_loss": 0.011879017250656035, "train_accuracy": 0.98493,
                 "test_accuracy": 0.9745066666666666},
        "0.5": {"train_loss": 0.061732807612632314, "train_accuracy": 0.9712777777777778,
                "test_accuracy": 0.96526},
    },
}


def run(settings: dict[str, Any], data: DataSet, model: str, lr: float, seed: int,
        device: str = "cpu") -> RunResult:
    """One network (``model``: ``plain`` or ``batchnorm``) at one lr and seed, for
    ``settings["epochs"]`` epochs: :func:`.mlp.train_run`."""
    if model not in MODELS:
        raise ValueError(f"batchnorm: model {model!r} is not one of {', '.join(MODELS)}")
    return train_run(settings, data, seed, device, batchnorm=model == "batchnorm", lr=lr,
                     epochs=settings["epochs"])


def curves(histories: list[pd.DataFrame]) -> dict[str, dict[str, list[float]]]:
    """Seed mean, std, min and max per epoch of each of :data:`CURVES`, over the given runs (up
    to the shortest one's last epoch)."""
    epochs = min(len(history) for history in histories)
    out = {}
    for column in CURVES:
        values = np.array([history[column].to_numpy()[:epochs] for history in histories])
        out[column] = {"mean": values.mean(axis=0).tolist(), "std": values.std(axis=0).tolist(),
                       "min": values.min(axis=0).tolist(), "max": values.max(axis=0).tolist()}
    out["epoch"] = list(range(1, epochs + 1))
    return out


def epochs_to_reach(curve, target: float) -> int:
    """The first epoch (1-based) whose value is at least ``target``; one past the last epoch
    when none is (never within the budget: counted as the slowest possible)."""
    reached = np.flatnonzero(np.asarray(curve) >= target)
    return int(reached[0] + 1) if len(reached) else len(curve) + 1


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict[str, Any]:
    """Per model and lr: curves, final numbers over seeds; then the measures of claims (a)–(c).

    ``records`` are the runs' metrics.json documents and ``histories`` their curves, in the same
    order; each run's ``params`` hold ``model`` and ``lr``. Reads ``settings["lrs"]``: the
    smallest is "the small lr", the largest "the large lr".
    """
    small, large = value_label(min(settings["lrs"])), value_label(max(settings["lrs"]))
    settings_out: dict[str, dict[str, Any]] = {model: {} for model in MODELS}
    by_seed: dict[tuple[str, str], dict[int, tuple[dict, pd.DataFrame]]] = {}
    for model in MODELS:
        for lr in (value_label(lr) for lr in settings["lrs"]):
            runs = [(record, history) for record, history in zip(records, histories, strict=True)
                    if record["params"]["model"] == model
                    and value_label(record["params"]["lr"]) == lr]
            by_seed[model, lr] = {record["seed"]: (record, history) for record, history in runs}
            finished = [history for record, history in runs if record["status"] == "ok"]
            settings_out[model][lr] = {
                "runs": len(runs),
                "diverged_runs": sum(record["status"] == "diverged" for record, _ in runs),
                **{quantity: metric_over_seeds([record for record, _ in runs], quantity)
                   for quantity in ("final_test_accuracy", "final_train_accuracy",
                                    "final_train_loss", "mean_test_accuracy",
                                    "mean_train_accuracy", "first_epoch_max_batch_loss")},
                "curves": curves(finished) if finished else None,
            }

    # Each seed's plain network at the small lr sets that seed's targets: the claims compare
    # the two networks seed by seed (same data order), never through the means.
    target = {seed: metric(record["metrics"], "final_test_accuracy")
              for seed, (record, _) in by_seed["plain", small].items()}

    def per_seed(model: str, lr: str, value) -> dict[str, Any]:
        return over_seeds({seed: value(seed, record, history)
                           for seed, (record, history) in by_seed[model, lr].items()})

    convergence = {
        "target_test_accuracy": over_seeds(target),
        "epochs_to_target": {
            model: per_seed(model, small, lambda seed, _, history: epochs_to_reach(
                history["test_accuracy"], target[seed]))
            for model in ("plain", "batchnorm")},
        # BatchNorm at the large lr against the same targets: "it reached the mark of the
        # standard model with the smaller lr in fewer iterations"
        "epochs_to_target_large_lr_batchnorm": per_seed(
            "batchnorm", large, lambda seed, _, history: epochs_to_reach(
                history["test_accuracy"], target[seed])),
        "first_epoch_train_loss": {
            model: per_seed(model, small,
                            lambda _, __, history: float(history["train_loss"].iloc[0]))
            for model in ("plain", "batchnorm")},
    }
    large_lr = {model: settings_out[model][large]["final_test_accuracy"] for model in MODELS}
    without_curves = {model: {lr: {k: v for k, v in entry.items() if k != "curves"}
                              for lr, entry in by_lr.items()}
                      for model, by_lr in settings_out.items()}
    return {
        "small_lr": small,
        "large_lr": large,
        # the same numbers as under "models", by lr size: the claims do not depend on the lrs
        "small": {model: without_curves[model][small] for model in MODELS},
        "large": {model: without_curves[model][large] for model in MODELS},
        "epochs": settings["epochs"],
        "write_up_data": WRITE_UP["data"],
        "models": settings_out,
        "convergence": convergence,
        "large_lr_test_accuracy": large_lr,
        # how far the large lr leaves each network below the plain network at the small lr
        "large_lr_shortfall": {
            model: per_seed(model, large, lambda seed, record, _: target[seed] - metric(
                record["metrics"], "final_test_accuracy"))
            for model in MODELS},
        "constants": {"write_up": WRITE_UP},  # the write-up's, not measured
    }
