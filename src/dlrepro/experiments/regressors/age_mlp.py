"""``age_mlp`` (CS 541 HW1 Q2): a 2304 → 64 → 1 ReLU network regressing age, trained by SGD.

As the write-up: hidden size 64, ``torch.optim.SGD`` with lr 1e-2, 1000 epochs, MSE loss, the
training files split 9:1 into train and validation, ages in years (errors in years²; the
write-up's losses of ~230 are in years²). What it leaves open is a setting:

- ``batch_size``: ``null`` (the whole training part: full-batch gradient descent, one step per
  epoch) by default; an integer gives minibatches. The write-up does not say; its own log reads
  like full batches: after "Epoch: 0" its validation loss is still 1511, six times its final
  value, and it takes some 300 epochs to come down (the pace of one step per epoch rather than of
  ~70), and its late training losses jump up and down (217, 240, 242, 223; last ten 224 to 266)
  while validation moves smoothly, as full-batch GD does at the edge of stability.
- ``inputs``: pixels / 255 by default (``standardised``: per pixel, by the training part).
- ``targets``: ``raw`` by default (years); ``standardised`` trains on z-scored ages and the
  summary converts back (see :mod:`.training`).

Every epoch's mean minibatch cost, training-set MSE and validation MSE go into the history (the
write-up prints every 100th epoch; the summary sets ours beside those). Two things the write-up
calls "training loss" are kept apart: its final "Training Loss 265.99" is the cost of the very
last minibatch (it is the last line of its "Last 10 iterations"), not an error over the training
set; ``last_cost`` is that number here, ``train_mse`` the whole training part. Its final
validation loss (239.20) is the one printed at epoch 900.

The write-up's setting is fragile. On ages in years the first gradients scale with the mean
age, and with lr 1e-2 the first steps can overshoot (costs of 10⁴ and more); the ReLUs then die
and the network ends predicting a constant, the training mean. Whether that happens depends on
the data (on the stand-in, mean age 50.5, it does, with 64-row batches and with full batches;
standardised pixels diverge outright). So each run records ``dead_units`` (hidden units silent on
every training row), and the summary sets the test MSE beside that of predicting the training
mean (``test_mse_mean_predictor``): a network that only learnt the mean scores the same.

A run whose loss stops being finite ends at that epoch and is recorded as ``diverged``.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.nn import functional as F

from dlrepro.data.base import DataSet
from dlrepro.experiments.regressors.preparation import (
    best_reachable,
    in_both_units,
    split_and_scale,
)
from dlrepro.experiments.runs import data_record, is_finite, start_run
from dlrepro.experiments.seed_stats import metric, over_seeds, range_over_seeds
from dlrepro.experiments.training import (
    EVAL_BATCH,
    EpochStats,
    evaluate,
    fit,
    mlp,
    summed_squared_error,
)
from dlrepro.results import RunResult

LAST_COSTS = 10
PARTS = ("train", "val", "test")

#: What the write-up reports (CS 541 HW1 Q2), years². Its "Epoch k" is printed after k + 1
#: epochs of training (the first line, "Epoch: 0", already follows one pass).
WRITE_UP = {
    "test_mse": 230.07504908595635,
    "val_mse": 239.20073689069707,
    "train_loss": 265.9897288197635,  # the last minibatch's cost
    "log": {
        "0": {"train_loss": 1775.2651274594298, "val_mse": 1511.7177229525662},
        "100": {"train_loss": 541.4972022592882, "val_mse": 570.094799970118},
        "200": {"train_loss": 268.2796873638299, "val_mse": 286.2836231216435},
        "300": {"train_loss": 231.9070857303789, "val_mse": 245.78145440267872},
        "400": {"train_loss": 218.73087460581664, "val_mse": 229.21043785871467},
        "500": {"train_loss": 219.8483208730668, "val_mse": 226.16514486587027},
        "600": {"train_loss": 217.3758356566733, "val_mse": 226.25482954355718},
        "700": {"train_loss": 240.04346621864337, "val_mse": 227.7359612049683},
        "800": {"train_loss": 242.44212719610647, "val_mse": 231.25296712317217},
        "900": {"train_loss": 223.11028421024147, "val_mse": 239.20073689069707},
    },
    "last_costs": [
        229.32640215564854, 266.4009998561433, 224.1200747776349, 224.09266021238977,
        226.7081924983344, 259.0717499918084, 224.11250827835474, 227.766804080435,
        265.9897288197635,
    ],
}


def build_model(n_features: int, hidden: int = 64) -> nn.Module:
    """n_features → hidden → 1, ReLU between."""
    return mlp(n_features, [hidden], 1)


def mse_loss(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The mean squared error of one-output predictions."""
    return F.mse_loss(outputs.view(-1), targets)


def dead_units(model: nn.Module, X: torch.Tensor) -> int:
    """Hidden units whose ReLU is 0 on every row of X: they pass no signal and get no gradient.

    All of them dead means the network predicts a constant (its output bias).
    """
    first = model[0]
    with torch.no_grad():
        active = torch.zeros(first.out_features, dtype=torch.bool, device=X.device)
        for start in range(0, len(X), EVAL_BATCH):
            active |= (first(X[start:start + EVAL_BATCH]) > 0).any(dim=0)
    return int((~active).sum())


def run(settings: dict[str, Any], data: DataSet, seed: int, device: str = "cpu") -> RunResult:
    """One seed: ``epochs`` of SGD on the MSE (full batch when ``batch_size`` is null), then
    the errors on every split.

    Reads ``settings``: ``hidden``, ``lr``, ``epochs``, ``batch_size``, ``val_fraction``,
    ``inputs``, ``targets``.
    """
    if int(settings["epochs"]) < 1:
        raise ValueError(f"age_mlp: epochs must be at least 1, got {settings['epochs']}")
    prepared = split_and_scale(data, settings, seed, device)
    generator = start_run(seed, device, flush_subnormals=False)
    model = build_model(prepared.X_train.shape[1], int(settings["hidden"])).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=float(settings["lr"]))
    # null: the whole training part in one batch, i.e. full-batch gradient descent
    batch_size = int(settings["batch_size"] or len(prepared.X_train))
    history, recent = [], deque(maxlen=LAST_COSTS)

    def end_epoch(epoch: int, trained: EpochStats, evaluated: dict[str, EpochStats]) -> bool:
        recent.extend(trained.batch_losses.tolist())
        train_mse, val_mse = evaluated["train"].loss, evaluated["val"].loss
        history.append({"epoch": epoch, "train_cost": float(trained.batch_losses.mean()),
                        "train_mse": train_mse, "val_mse": val_mse})
        return is_finite(trained.batch_losses, train_mse, val_mse)

    epoch = fit(model, optimizer, (prepared.X_train, prepared.y_train),
                {"train": (prepared.X_train, prepared.y_train),
                 "val": (prepared.X_val, prepared.y_val)},
                epochs=int(settings["epochs"]), batch_size=batch_size,
                generator=generator, end_epoch=end_epoch, loss_fn=mse_loss,
                summed_loss=summed_squared_error)
    train_mse, val_mse = history[-1]["train_mse"], history[-1]["val_mse"]

    finished = is_finite(train_mse, val_mse) and epoch == int(settings["epochs"])
    test_mse = (evaluate(model, prepared.X_test, prepared.y_test, summed_squared_error).loss
                if finished else math.nan)
    final = {"train": train_mse, "val": val_mse, "test": test_mse} if finished else {
        part: math.nan for part in PARTS}
    metrics: dict[str, Any] = {f"{part}_mse": mse for part, mse in final.items()}
    metrics.update(
        dead_units=dead_units(model, prepared.X_train),
        last_cost=recent[-1],
        last_costs=list(recent),
        epochs_completed=epoch,
        test_mse_mean_predictor=prepared.mean_predictor_mse(),
        target_mean=prepared.target_mean,
        target_variance=prepared.target_variance,
    )
    return RunResult(metrics=metrics, history=pd.DataFrame(history), data=data_record(data))


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict[str, Any]:
    """Mean ± std over seeds of the final errors, in training units and in both units.

    ``test_r2`` is 1 − test MSE / test MSE of predicting the training mean: 0 for a network that
    learnt nothing but the mean, 1 for a perfect one.

    ``records`` are the runs' metrics.json documents and ``histories`` their curves, in the same
    order; the curves give the seed means at the write-up's logged epochs and the minimum of the
    validation curve, over the runs that did not diverge. Reads ``settings``: ``targets``, and
    ``log_every`` (100 if absent).
    """
    targets = settings["targets"]
    variances = np.array([metric(record["metrics"], "target_variance") for record in records])
    quantities = ("train_mse", "val_mse", "test_mse", "last_cost", "test_mse_mean_predictor")
    dead = [record["metrics"].get("dead_units") for record in records]
    summary: dict[str, Any] = {
        "targets": targets,
        "inputs": settings.get("inputs", "scaled"),
        **{key: settings.get(key) for key in ("hidden", "lr", "epochs", "batch_size",
                                              "val_fraction")},
        "seeds": [record["seed"] for record in records],
        "diverged_runs": sum(record["status"] == "diverged" for record in records),
        # hidden units with a zero ReLU on every training row at the end, per seed
        "dead_units": dead,
        # finished runs whose every hidden unit is dead: they predict a constant
        "collapsed_runs": sum(count == settings.get("hidden") and record["status"] == "ok"
                              for count, record in zip(dead, records)),
        "final": {},
        "raw": {},
        "standardised": {},
    }
    seeds = [record["seed"] for record in records]
    for quantity in quantities:
        values = np.array([metric(record["metrics"], quantity) for record in records])
        raw, standardised = in_both_units(values, variances, targets)
        summary["final"][quantity] = over_seeds(dict(zip(seeds, values)))
        summary["raw"][quantity] = over_seeds(dict(zip(seeds, raw)))
        summary["standardised"][quantity] = over_seeds(dict(zip(seeds, standardised)))
    summary["test_r2"] = over_seeds({
        record["seed"]: 1.0 - metric(record["metrics"], "test_mse")
        / metric(record["metrics"], "test_mse_mean_predictor") for record in records})
    summary["last_costs"] = {str(record["seed"]): record["metrics"]["last_costs"]
                             for record in records}
    summary["last_cost_range"] = range_over_seeds(
        {record["seed"]: record["metrics"]["last_costs"] for record in records})
    finished = {record["seed"]: history
                for history, record in zip(histories, records, strict=True)
                if record["status"] == "ok"}
    if finished:  # curves of diverged runs would turn every mean into NaN
        summary.update(_curve_summary(finished, int(settings.get("log_every", 100))))
    summary["constants"] = {"write_up": WRITE_UP}  # the write-up's numbers, not measured
    best = best_reachable(records, variances)
    if best is not None:
        best["test_over_best"] = summary["raw"]["test_mse"]["mean"] / best["raw"]
        summary["best_reachable"] = best
    return summary


def _at_epoch(history: pd.DataFrame, epoch: int, column: str) -> float | None:
    rows = history[history["epoch"] == epoch]
    return float(rows[column].iloc[0]) if len(rows) else None


def _curve_summary(histories_by_seed: dict[int, pd.DataFrame], log_every: int) -> dict[str, Any]:
    """Seed means at the write-up's epochs ("Epoch k" = after k + 1 epochs), and where the
    validation curve bottoms out."""
    log = {}
    histories = list(histories_by_seed.values())
    epochs = int(min(history["epoch"].max() for history in histories))
    for label in range(0, epochs, log_every):
        rows = [history[history["epoch"] == label + 1].iloc[0] for history in histories]
        log[str(label)] = {
            column: float(np.mean([row[column] for row in rows]))
            for column in ("train_cost", "train_mse", "val_mse")
        }
    # per seed at the write-up's logged epochs (None past a run's last epoch)
    log_over_seeds = {
        label: {column: over_seeds({seed: _at_epoch(history, int(label) + 1, column)
                                    for seed, history in histories_by_seed.items()})
                for column in ("train_cost", "val_mse")}
        for label in WRITE_UP["log"]
    }
    minima = {seed: history.loc[history["val_mse"].idxmin()]
              for seed, history in histories_by_seed.items()}
    finals = {seed: history["val_mse"].iloc[-1] for seed, history in histories_by_seed.items()}
    return {
        "log": log,
        "log_over_seeds": log_over_seeds,
        "val_min": {
            "val_mse": over_seeds({seed: row["val_mse"] for seed, row in minima.items()}),
            "epoch": over_seeds({seed: row["epoch"] for seed, row in minima.items()}),
            # final minus minimum: how much the validation error rose after its best epoch
            "rise_to_final": over_seeds({seed: finals[seed] - row["val_mse"]
                                         for seed, row in minima.items()}),
        },
    }
