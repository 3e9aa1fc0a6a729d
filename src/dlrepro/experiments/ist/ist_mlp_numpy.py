"""``ist_mlp_numpy`` (IST DL HW1 Q1.3): a one-hidden-layer ReLU network from scratch in numpy,
trained by SGD one example at a time.

As the homework: 100 hidden units, softmax output with cross-entropy, lr 1e-3, 20 epochs, each
a pass over the training images in a fresh random order; weights drawn from N(0.1, 0.1²) and
biases zero (the homework's initialisation; the write-up does not restate it, so ``init_mean``
and ``init_std`` are settings). Backpropagation is written out by hand
(:class:`.numpy_models.MLP`; checked against torch in the tests). Per epoch: the mean
cross-entropy of the epoch's examples as each was trained on (``train_loss``: what the
skeleton's ``train_epoch`` returns and the write-up plots as "Training Loss"), the accuracy on
the whole training and validation parts, and the validation cross-entropy. Test accuracy at the
end. The write-up's 10 min 6 s is for the whole run of 20 epochs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dlrepro.data.base import DataSet
from dlrepro.experiments.ist.common import (
    feature_splits,
    final_metrics,
    runtime,
    seed_stats,
    train_epochs,
)
from dlrepro.experiments.ist.numpy_models import MLP
from dlrepro.experiments.runs import STREAM_INIT, data_record, stream_seed
from dlrepro.results import RunResult

QUANTITIES = ("test_accuracy", "val_accuracy", "train_accuracy", "train_loss", "val_loss", "first_train_loss",
              "best_val_accuracy", "best_val_epoch")

#: What the write-up reports (IST DL HW1 Q1.3). The time is for the whole run.
WRITE_UP = {"hidden": 100, "lr": 1e-3, "epochs": 20, "test_accuracy": 0.52733,
            "training_seconds": 606}


def run(settings: dict[str, Any], data: DataSet, seed: int) -> RunResult:
    """One seed. Reads ``settings``: ``hidden``, ``lr``, ``epochs``, ``init_mean``,
    ``init_std``. History columns: ``epoch``, ``train_loss``, ``train_accuracy``, ``val_accuracy``,
    ``val_loss``."""
    prepared = feature_splits(data)
    model = MLP(prepared.classes, prepared.n_features, int(settings["hidden"]),
                lr=float(settings["lr"]),
                rng=np.random.default_rng(stream_seed(seed, STREAM_INIT)),
                init_mean=float(settings["init_mean"]), init_std=float(settings["init_std"]))
    result = train_epochs(model, prepared, int(settings["epochs"]), seed,
                 lambda fitted: {"val_loss": fitted.loss(prepared.X["val"], prepared.y["val"])})
    metrics = final_metrics(result, model, prepared, ["train_loss", "val_loss"])
    history = result.history
    best = history.loc[history["val_accuracy"].idxmax()]
    metrics.update(first_train_loss=float(history["train_loss"].iloc[0]),
                   best_val_accuracy=float(best["val_accuracy"]), best_val_epoch=int(best["epoch"]))
    return RunResult(metrics=metrics, history=history, data=data_record(data))


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict[str, Any]:
    """The final numbers over seeds, beside the write-up's; the records' metrics hold them, so
    ``histories`` go unread."""
    stats = seed_stats(records, QUANTITIES)
    return {
        **{key: settings.get(key) for key in ("hidden", "lr", "epochs", "init_mean", "init_std")},
        "seeds": sorted(record["seed"] for record in records),
        "diverged_runs": sum(record["status"] == "diverged" for record in records),
        **stats,
        "runtime_seconds": runtime(records),
        "constants": {"write_up": WRITE_UP},  # the write-up's, not measured
    }
