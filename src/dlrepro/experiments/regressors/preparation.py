"""What the two age regressors share: the split, the preprocessing, errors in both units.

The arrays become tensors on the device once per run; training and evaluation are
:mod:`dlrepro.experiments.training`'s.

Every stochastic choice comes from the run's seed, each from its own stream (numpy's
``SeedSequence([seed, stream])``): the train/validation split, the initial weights
(``torch.manual_seed``) and the batch order (a CPU ``torch.Generator``, one ``randperm`` per
epoch, so the order is the same on every device). Epoch k of a run therefore sees the same
batches whatever the run's length: a 150-epoch run passes through exactly the states of a
50-epoch run with the same seed, which is what lets one run stand for every epoch count.

Preprocessing, fitted on the training part of the split only (never on validation or test):

- ``inputs: scaled`` (default): pixels / 255, in [0, 1]; no statistics, nothing to leak.
  ``inputs: standardised``: per pixel (x − mean) / std; a constant pixel keeps std 1.
- ``targets: raw``: ages in years, errors in years². ``targets: standardised``: (y − mean) / std
  (population std of the training part), errors in units of that variance. An MSE converts
  exactly between the two: MSE_raw = std² · MSE_standardised
  (:meth:`RegressionSplits.both_units`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from dlrepro.data.base import DataSet, pixel_features
from dlrepro.experiments.runs import STREAM_SPLIT

INPUT_MODES = ("scaled", "standardised")
TARGET_MODES = ("raw", "standardised")


# --- split and preprocessing ------------------------------------------------------------------

def split_indices(n: int, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint sorted (train, validation) row indices; round(n · val_fraction) for validation."""
    n_val = int(round(n * val_fraction))
    if not 0 < n_val < n:
        raise ValueError(f"val_fraction {val_fraction} leaves no rows to train or to validate "
                         f"on ({n} rows)")
    order = np.random.default_rng(np.random.SeedSequence([seed, STREAM_SPLIT])).permutation(n)
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def split_train_val(X: np.ndarray, y: np.ndarray, val_fraction: float, seed: int):
    """(X_train, y_train, X_val, y_val): a random split of the given training rows."""
    train, val = split_indices(len(X), val_fraction, seed)
    return X[train], y[train], X[val], y[val]


@dataclass
class RegressionSplits:
    """A run's data as float32 tensors on its device, and how targets were scaled."""

    X_train: torch.Tensor
    y_train: torch.Tensor
    X_val: torch.Tensor
    y_val: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    inputs: str
    targets: str
    #: Mean and population variance of the training targets, in years and years².
    target_mean: float
    target_variance: float

    def mean_predictor_mse(self) -> float:
        """Test MSE (training units) of always predicting the training mean: the baseline."""
        shift = 0.0 if self.targets == "standardised" else self.target_mean
        return float(((self.y_test.double() - shift) ** 2).mean())

    def both_units(self, mse: float) -> dict[str, float]:
        """An MSE in the training units, expressed in years² (``raw``) and in ``standardised``."""
        if self.targets == "standardised":
            return {"raw": mse * self.target_variance, "standardised": mse}
        return {"raw": mse, "standardised": mse / self.target_variance}


def _check_mode(name: str, value: str, modes: tuple[str, ...]) -> None:
    if value not in modes:
        raise ValueError(f"{name}: {value!r} is not one of {', '.join(modes)}")


def scale_inputs(X_train: np.ndarray, *others: np.ndarray, mode: str) -> list[np.ndarray]:
    """float32 inputs: pixels / 255, or standardised per pixel by the training rows."""
    _check_mode("inputs", mode, INPUT_MODES)
    if mode == "scaled":
        return [pixel_features(X) for X in (X_train, *others)]
    mean = X_train.mean(axis=0, dtype=np.float64)
    std = X_train.std(axis=0, dtype=np.float64)
    std[std == 0] = 1.0
    return [((X - mean) / std).astype(np.float32) for X in (X_train, *others)]


def split_and_scale(data: DataSet, settings: dict[str, Any], seed: int,
                    device: str) -> RegressionSplits:
    """Split, preprocess and move to ``device``. Reads ``val_fraction``, ``inputs``, ``targets``."""
    arrays = data.arrays
    X = arrays["X_train"].reshape(len(arrays["X_train"]), -1)
    X_test = arrays["X_test"].reshape(len(arrays["X_test"]), -1)
    X_tr, y_tr, X_val, y_val = split_train_val(X, arrays["y_train"], settings["val_fraction"], seed)
    X_tr, X_val, X_test = scale_inputs(X_tr, X_val, X_test, mode=settings.get("inputs", "scaled"))

    targets = settings["targets"]
    _check_mode("targets", targets, TARGET_MODES)
    y_tr = np.asarray(y_tr, dtype=np.float64)
    mean, variance = float(y_tr.mean()), float(y_tr.var())
    shift, scale = (mean, math.sqrt(variance)) if targets == "standardised" else (0.0, 1.0)

    def inputs_tensor(values):
        return torch.as_tensor(values, dtype=torch.float32, device=device)

    def targets_tensor(values):
        values = (np.asarray(values, dtype=np.float64) - shift) / scale
        return torch.as_tensor(values, dtype=torch.float32, device=device)

    return RegressionSplits(
        X_train=inputs_tensor(X_tr), y_train=targets_tensor(y_tr),
        X_val=inputs_tensor(X_val), y_val=targets_tensor(y_val),
        X_test=inputs_tensor(X_test), y_test=targets_tensor(arrays["y_test"]),
        inputs=settings.get("inputs", "scaled"), targets=targets,
        target_mean=mean, target_variance=variance,
    )


def in_both_units(mse: np.ndarray, variances: np.ndarray, targets: str):
    """(raw, standardised) errors from errors in training units, per run's target variance."""
    if targets == "standardised":
        return mse * variances, mse
    return mse, mse / variances


def best_reachable(records: list[dict[str, Any]], variances: np.ndarray) -> dict | None:
    """On stand-in data, the lowest expected MSE (``best_mse`` of the data, years²), both units."""
    data = records[0].get("data", {}) if records else {}
    if not data.get("stand_in") or data.get("best_mse") is None:
        return None
    best = float(data["best_mse"])
    return {"raw": best, "standardised": best / float(np.mean(variances))}
