"""``age_linear_sgd`` (CS 541 HW1 P2): linear age regression by minibatch SGD, tuned on a grid.

The assignment calls the model a "2-layer network"; it is linear regression, ŷ = xᵀw + b
(``nn.Linear(2304, 1)``), trained by ``torch.optim.SGD`` on the assignment's cost

    fMSE = (1/2n) Σ (ŷ − y)²,   which is MSE / 2,

so a learning rate here means what it meant in the homework (the gradient of fMSE is half that
of MSE). Errors are reported both as fMSE and as MSE.

The write-up trains each (lr, batch size, epochs) of its grid from scratch. Epochs 50, 100 and
150 of a 150-epoch run are the states a 50- or 100-epoch run with the same seed would end in
(same initial weights, same batches epoch by epoch: see :mod:`.training`), so one run per
(lr, batch size, seed) is evaluated at each checkpoint epoch instead: 9 runs, not 27, and the
same numbers bit for bit (``tests/unit/test_regressors.py``, ``benchmarks/age_linear_sgd.py``).

A large learning rate (the write-up's 1e-1 and 1e0) makes SGD blow up. At the end of the epoch
in which a cost or the validation error stops being finite the run stops; the checkpoints it
did not reach are NaN, so the run is recorded as ``diverged`` rather than crashing the job.

Choices the write-up leaves open (settings): the split (``val_fraction``, 0.2 by default: the
usual 80:20 hold-out; the write-up does not say), the input scaling (``inputs``, pixels / 255),
and the targets (``targets``; its MSE of 0.76 is only possible on standardised ages, where
predicting the mean scores 1). Selection is on the mean validation MSE over seeds, among the
grid's cells that did not diverge; ``divergence_lrs`` are run and tabulated but not selected from.

The write-up's "Training_MSE = 0.7645158065620998" is the validation MSE its own table prints
for the selected cell (150 epochs, batch 64, lr 1e-4); the summary keeps train, validation and
test apart so the report can say so.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.nn import functional as F

from dlrepro.data.base import DataSet
from dlrepro.experiments.regressors.preparation import (
    RegressionSplits,
    best_reachable,
    in_both_units,
    split_and_scale,
)
from dlrepro.experiments.runs import data_record, is_finite, start_run
from dlrepro.experiments.training import EpochStats, evaluate, fit, summed_squared_error
from dlrepro.experiments.seed_stats import metric, over_seeds, range_over_seeds
from dlrepro.results import RunResult, value_label

PARTS = ("train", "val", "test")
LAST_COSTS = 10

#: What the write-up reports (CS 541 HW1 P2), for the report's "write-up" column.
WRITE_UP = {
    "selected": {"lr": 1e-4, "batch_size": 64, "epochs": 150},
    "train_mse": 0.7645158065620998,
    "test_mse": 0.7690748379706631,
    "diverged_lrs": [0.1, 1.0],
    # Validation MSE per lr / batch size / epochs, as printed (the printout stops after 19 rows).
    "grid": {
        "1e-05": {
            "32": {"50": 0.7980858284148201, "100": 0.7817600759463128, "150": 0.7764923913809932},
            "64": {"50": 0.825059311597272, "100": 0.7982439602620542, "150": 0.7871683315511885},
            "128": {"50": 0.858354726422686, "100": 0.8248488083114183, "150": 0.8079652447471504},
        },
        "0.0001": {
            "32": {"50": 0.768266541636217, "100": 0.7662357760753514, "150": 0.7726601133474943},
            "64": {"50": 0.7692581662422355, "100": 0.7649789122920176, "150": 0.7645158065620998},
            "128": {"50": 0.7777352539608878, "100": 0.7715885337195111, "150": 0.7677323043511067},
        },
        "0.001": {"32": {"50": 0.8111897687858998}},
    },
}


def build_model(n_features: int) -> nn.Module:
    """ŷ = xᵀw + b."""
    return nn.Linear(n_features, 1)


def fmse_loss(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """fMSE = (1/2n) Σ (ŷ − y)² of one-output predictions."""
    return 0.5 * F.mse_loss(prediction.view(-1), target)


@dataclass
class Trace:
    """What one training run measured."""

    history: list[dict[str, float]] = field(default_factory=list)
    #: checkpoint epoch -> {"train": mse, "val": mse, "test": mse, "last_costs": [...]}
    checkpoints: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: The last minibatch costs of the run, wherever it stopped.
    last_costs: list[float] = field(default_factory=list)
    epochs_completed: int = 0
    diverged: bool = False


def train(
    model: nn.Module,
    data: RegressionSplits,
    lr: float,
    batch_size: int,
    checkpoints: list[int],
    generator: torch.Generator,
) -> Trace:
    """max(checkpoints) epochs of minibatch SGD on fMSE; MSEs of every split at each checkpoint.

    Stops after the epoch in which a cost or the validation MSE stops being finite.
    """
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    trace, recent = Trace(), deque(maxlen=LAST_COSTS)

    def end_epoch(epoch: int, trained: EpochStats, evaluated: dict[str, EpochStats]) -> bool:
        recent.extend(trained.batch_losses.tolist())
        val_mse, train_mse = evaluated["val"].loss, evaluated["train"].loss
        trace.history.append({
            "epoch": epoch,
            "train_cost": float(trained.batch_losses.mean()),  # mean minibatch fMSE of the epoch
            "train_fmse": train_mse / 2,  # the whole training part, after the epoch
            "val_mse": val_mse,
        })
        trace.epochs_completed = epoch
        if not is_finite(trained.batch_losses, train_mse, val_mse):
            trace.diverged = True
            return False
        if epoch in checkpoints:
            trace.checkpoints[epoch] = {
                "train": train_mse, "val": val_mse,
                "test": evaluate(model, data.X_test, data.y_test, summed_squared_error).loss,
                "last_costs": list(recent),
            }
        return True

    fit(model, optimizer, (data.X_train, data.y_train),
        {"val": (data.X_val, data.y_val), "train": (data.X_train, data.y_train)},
        epochs=max(checkpoints), batch_size=batch_size, generator=generator,
        end_epoch=end_epoch, loss_fn=fmse_loss, summed_loss=summed_squared_error)
    trace.last_costs = list(recent)
    return trace


def run(
    settings: dict[str, Any],
    data: DataSet,
    lr: float,
    batch_size: int,
    seed: int,
    device: str = "cpu",
) -> RunResult:
    """One (lr, batch size, seed) for max(checkpoints) epochs, evaluated at every checkpoint.

    Reads ``settings``: ``checkpoints``, ``val_fraction``, ``inputs``, ``targets``.
    """
    prepared = split_and_scale(data, settings, seed, device)
    generator = start_run(seed, device, flush_subnormals=False)
    model = build_model(prepared.X_train.shape[1]).to(device)
    checkpoints = sorted(int(epoch) for epoch in settings["checkpoints"])
    trace = train(model, prepared, lr, int(batch_size), checkpoints, generator)

    metrics: dict[str, Any] = {}
    for epoch in checkpoints:
        reached = trace.checkpoints.get(epoch, {})
        for part in PARTS:
            mse = reached.get(part, math.nan)
            metrics[f"{part}_mse_epoch{epoch}"] = mse
            metrics[f"{part}_fmse_epoch{epoch}"] = mse / 2
        # the last minibatch costs (fMSE) before this checkpoint, or before the blow-up
        metrics[f"last_costs_epoch{epoch}"] = reached.get("last_costs", trace.last_costs)
    metrics.update(
        epochs_completed=trace.epochs_completed,
        test_mse_mean_predictor=prepared.mean_predictor_mse(),
        target_mean=prepared.target_mean,
        target_variance=prepared.target_variance,
    )
    return RunResult(metrics=metrics, history=pd.DataFrame(trace.history),
                     data=data_record(data))


# --- summary over the grid and the seeds -------------------------------------------------------


def _cell(runs: list[dict[str, Any]], epoch: int, targets: str) -> dict[str, Any]:
    """Means over seeds of one (lr, batch size, epochs) in training units, and the values over
    seeds in both units (``raw``, ``standardised``)."""
    cell: dict[str, Any] = {"seeds": len(runs)}
    seeds = [run["seed"] for run in runs]
    variances = np.array([metric(run["metrics"], "target_variance") for run in runs])
    for part in PARTS:
        mse = np.array([metric(run["metrics"], f"{part}_mse_epoch{epoch}") for run in runs])
        raw, standardised = in_both_units(mse, variances, targets)
        cell[f"{part}_mse"] = float(mse.mean())
        cell[f"{part}_mse_std"] = float(mse.std())
        cell[f"{part}_fmse"] = float(mse.mean()) / 2
        cell.setdefault("raw", {})[f"{part}_mse"] = over_seeds(dict(zip(seeds, raw)))
        cell.setdefault("standardised", {})[f"{part}_mse"] = over_seeds(
            dict(zip(seeds, standardised)))
    test = np.array([metric(run["metrics"], f"test_mse_epoch{epoch}") for run in runs])
    baseline = np.array([metric(run["metrics"], "test_mse_mean_predictor") for run in runs])
    # 1 − test MSE / test MSE of predicting the training mean: 0 for a model that learnt the mean
    cell["test_r2"] = float(np.mean(1.0 - test / baseline))
    cell["diverged"] = not math.isfinite(cell["val_mse"])
    return cell


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict[str, Any]:
    """The grid, the selection on validation, the selected setting's errors, the divergence.

    ``records`` are the runs' metrics.json documents; a run's lr and batch size are read from
    its ``params`` (``lr``, ``batch_size``). ``histories`` (the runs' curves, in the same order)
    are not read: every number here is in the records, at the checkpoint epochs. Reads
    ``settings``: ``lrs`` (the grid selected from), ``divergence_lrs`` (optional),
    ``checkpoints``, ``targets``.
    """
    targets = settings["targets"]
    checkpoints = sorted(int(epoch) for epoch in settings["checkpoints"])
    grid_lrs = {value_label(lr) for lr in settings["lrs"]}
    runs_by_cell: dict[tuple[float, int], list[dict]] = defaultdict(list)
    for record in records:
        params = record["params"]
        runs_by_cell[(params["lr"], params["batch_size"])].append(record)

    table, grid = [], {}
    for (lr, batch_size), runs in sorted(runs_by_cell.items()):
        for epoch in checkpoints:
            cell = _cell(runs, epoch, targets)
            row = {"lr": lr, "batch_size": batch_size, "epochs": epoch,
                   "in_grid": value_label(lr) in grid_lrs, **cell}
            table.append(row)
            if row["in_grid"]:
                cells = grid.setdefault(value_label(lr), {}).setdefault(str(batch_size), {})
                cells[str(epoch)] = over_seeds(
                    {run["seed"]: metric(run["metrics"], f"val_mse_epoch{epoch}") for run in runs})

    candidates = [row for row in table if row["in_grid"] and not row["diverged"]]
    selected = min(candidates, key=lambda row: row["val_mse"]) if candidates else None

    divergence = {}
    for lr in sorted({lr for lr, _ in runs_by_cell}):
        statuses = [record["status"] for (cell_lr, _), runs in runs_by_cell.items()
                    if cell_lr == lr for record in runs]
        diverged = sum(status == "diverged" for status in statuses)
        divergence[value_label(lr)] = {"lr": lr, "runs": len(statuses), "diverged": diverged,
                                    "fraction": diverged / len(statuses)}

    last_costs = _last_costs(runs_by_cell, selected)
    summary = {
        "targets": targets,
        "inputs": settings.get("inputs", "scaled"),
        "val_fraction": settings.get("val_fraction"),
        "checkpoints": checkpoints,
        "seeds": sorted({record["seed"] for record in records}),
        # grid lr -> batch size -> epochs -> validation MSE over seeds (training units)
        "grid": grid,
        "table": table,
        "selected": selected,
        "divergence": divergence,
        "diverged_lrs": [entry["lr"] for entry in divergence.values() if entry["diverged"]],
        "grid_diverged_runs": sum(entry["diverged"] for key, entry in divergence.items()
                                  if key in grid_lrs),
        "last_costs": last_costs,
        # the lowest and the highest of the selected setting's last minibatch costs, per seed
        "last_cost_range": range_over_seeds(
            {int(seed): costs for seed, costs in last_costs.items()}),
        "mean_predictor": _mean_predictor(records, targets),
        "constants": {"write_up": WRITE_UP},  # the write-up's, not measured
    }
    variances = np.array([metric(record["metrics"], "target_variance") for record in records])
    best = best_reachable(records, variances)
    if best is not None:
        if selected is not None:
            best["selected_test_over_best"] = selected["raw"]["test_mse"]["mean"] / best["raw"]
        summary["best_reachable"] = best
    return summary


def _last_costs(runs_by_cell, selected) -> dict[str, list[float]]:
    """Per seed, the last minibatch costs (fMSE) of the selected setting's training."""
    if selected is None:
        return {}
    runs = runs_by_cell[(selected["lr"], selected["batch_size"])]
    key = f"last_costs_epoch{selected['epochs']}"
    return {str(run["seed"]): run["metrics"][key] for run in runs}


def _mean_predictor(records: list[dict[str, Any]], targets: str) -> dict[str, float]:
    """Test MSE of predicting the training mean (the bar any model must clear), both units."""
    mse = np.array([metric(record["metrics"], "test_mse_mean_predictor") for record in records])
    variances = np.array([metric(record["metrics"], "target_variance") for record in records])
    raw, standardised = in_both_units(mse, variances, targets)
    return {"test_mse": float(mse.mean()), "raw": float(raw.mean()),
            "standardised": float(standardised.mean())}
