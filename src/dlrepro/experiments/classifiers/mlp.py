"""One run of the fully connected classifier of the BatchNorm and learning-rate experiments."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import torch

from dlrepro.data.base import DataSet
from dlrepro.experiments.runs import data_record, is_finite, start_run
from dlrepro.experiments.training import EpochStats, fit, image_splits, mlp
from dlrepro.results import RunResult


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
    not finite, so the run is recorded as ``diverged``), ``epochs_completed``, and
    ``mean_test_accuracy`` / ``mean_train_accuracy``: the average over epochs, which is what a
    loop that never resets its counters prints after its last epoch (as the BatchNorm write-up's
    did).
    """
    if int(epochs) < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
    train, test = image_splits(data, ("train", "test"), device).values()
    generator = start_run(seed, device)
    classes = int(data.info.get("classes", int(data.arrays["y_train"].max()) + 1))
    model = mlp(train[0].shape[1], settings["hidden"], classes, batchnorm=batchnorm).to(device)
    # fused: one kernel per parameter for the whole update (the same arithmetic as the default
    # loop, without its per-tensor Python overhead, which dominates steps of this small network)
    optimizer = torch.optim.SGD(model.parameters(), lr=float(lr),
                                momentum=float(settings["momentum"]), fused=True)
    scheduler = (torch.optim.lr_scheduler.StepLR(optimizer, int(step_size), float(gamma))
                 if step_size else None)
    rows = []

    def end_epoch(epoch: int, trained: EpochStats, evaluated: dict[str, EpochStats]) -> bool:
        tested = evaluated["test"]
        rows.append({
            "epoch": epoch, "lr": optimizer.param_groups[0]["lr"],
            "train_loss": trained.loss, "train_accuracy": trained.accuracy,
            "max_batch_loss": trained.max_loss,
            "test_loss": tested.loss, "test_accuracy": tested.accuracy,
        })
        return is_finite(trained.loss, tested.loss)

    fit(model, optimizer, train, {"test": test}, epochs=int(epochs),
        batch_size=int(settings["batch_size"]), generator=generator,
        end_epoch=end_epoch, scheduler=scheduler)
    finished = len(rows) == int(epochs) and is_finite(rows[-1]["train_loss"],
                                                     rows[-1]["test_loss"])
    history = pd.DataFrame(rows)
    last = history.iloc[-1]
    final = {
        f"final_{column}": float(last[column]) if finished else math.nan
        for column in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")
    }
    metrics = {
        **final,
        "epochs_completed": len(history),
        "first_epoch_max_batch_loss": float(history["max_batch_loss"].iloc[0]),
        "mean_train_accuracy": float(history["train_accuracy"].mean()) if finished else math.nan,
        "mean_test_accuracy": float(history["test_accuracy"].mean()) if finished else math.nan,
        "initial_loss_chance": math.log(classes),
    }
    return RunResult(metrics=metrics, history=history, data=data_record(data))
