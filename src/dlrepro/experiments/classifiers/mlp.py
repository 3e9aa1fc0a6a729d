"""The fully connected classifier of the BatchNorm and learning-rate experiments, and one run."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import torch
from torch import nn

from dlrepro.data.base import DataSet
from dlrepro.experiments.classifiers.training import as_inputs, as_labels, fit
from dlrepro.experiments.runs import (
    batch_generator,
    data_record,
    flush_subnormals,
    make_deterministic,
    seed_init,
)
from dlrepro.results import RunResult


def build_mlp(n_inputs: int, hidden: Sequence[int], classes: int, batchnorm: bool) -> nn.Sequential:
    """Linear → [BatchNorm1d] → ReLU per hidden layer, then a Linear to the class logits.

    With and without BatchNorm the Linear layers are created in the same order, so one seed
    gives both networks the same initial weights (BatchNorm starts at scale 1, shift 0).
    """
    layers: list[nn.Module] = []
    for width in hidden:
        layers.append(nn.Linear(n_inputs, width))
        if batchnorm:
            layers.append(nn.BatchNorm1d(width))
        layers.append(nn.ReLU())
        n_inputs = width
    layers.append(nn.Linear(n_inputs, classes))
    return nn.Sequential(*layers)


def train_run(
    settings: Mapping[str, Any],
    data: DataSet,
    seed: int,
    device: str,
    *,
    batchnorm: bool,
    lr: float,
    epochs: int,
    step_size: int | None = None,
    gamma: float = 1.0,
) -> RunResult:
    """One fresh network trained by SGD with momentum, tested after every epoch.

    Reads ``settings``: ``hidden`` (widths), ``momentum``, ``batch_size``. With ``step_size``
    the rate is multiplied by ``gamma`` every ``step_size`` epochs (``StepLR``). The input size
    follows the data (784 for 28×28 images, 64 for the 8×8 stand-in).

    Metrics: the last epoch's numbers (``final_*``; NaN when training stopped on a loss that was
    not finite, so the run is recorded as ``diverged``), ``epochs_run``, and
    ``mean_test_accuracy`` / ``mean_train_accuracy``: the average over epochs, which is what a
    loop that never resets its counters prints after its last epoch (as the BatchNorm write-up's
    did).
    """
    if int(epochs) < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    make_deterministic(device)
    flush_subnormals()
    train = (as_inputs(data.arrays["X_train"], device), as_labels(data.arrays["y_train"], device))
    test = (as_inputs(data.arrays["X_test"], device), as_labels(data.arrays["y_test"], device))
    seed_init(seed)
    classes = int(data.info.get("classes", int(data.arrays["y_train"].max()) + 1))
    model = build_mlp(train[0].shape[1], settings["hidden"], classes, batchnorm).to(device)
    # fused: one kernel per parameter for the whole update (the same arithmetic as the default
    # loop, without its per-tensor Python overhead, which dominates steps of this small network)
    optimizer = torch.optim.SGD(model.parameters(), lr=float(lr),
                                momentum=float(settings["momentum"]), fused=True)
    scheduler = (torch.optim.lr_scheduler.StepLR(optimizer, int(step_size), float(gamma))
                 if step_size else None)
    rows, finished = fit(model, optimizer, train, test, epochs=int(epochs),
                         batch_size=int(settings["batch_size"]),
                         generator=batch_generator(seed), scheduler=scheduler)
    history = pd.DataFrame(rows)
    last = history.iloc[-1]
    final = {
        f"final_{column}": float(last[column]) if finished else math.nan
        for column in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")
    }
    metrics = {
        **final,
        "epochs_run": len(history),
        "first_epoch_max_batch_loss": float(history["max_batch_loss"].iloc[0]),
        "mean_train_accuracy": float(history["train_accuracy"].mean()) if finished else math.nan,
        "mean_test_accuracy": float(history["test_accuracy"].mean()) if finished else math.nan,
        "initial_loss_chance": math.log(classes),
    }
    return RunResult(metrics=metrics, history=history, data=data_record(data))
