"""The one training loop of the torch experiments: a network, an epoch, an evaluation, a fit.

Classifiers (batchnorm, lr_schedule, ist_torch) and regressors (age_mlp, age_linear_sgd) share
it; they differ only in their loss and in what they record after each epoch (``end_epoch``).

Speed comes from doing less work, not from skipping any: the data are tensors on the device once
per run, a minibatch is an ``index_select`` of a slice of a random permutation of row indices (no
DataLoader, no per-sample transform, no copies of the data set), a batch of every row is one
full-batch step without a permutation, running sums stay on the device until the epoch ends (no
synchronisation per step), and evaluation runs in eval mode under ``torch.no_grad()`` in large
batches.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from dlrepro.data.base import DataSet, pixel_features

#: Rows per forward pass in :func:`evaluate`: bounds the memory of an evaluation.
EVAL_BATCH = 8192

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
Split = tuple[torch.Tensor, torch.Tensor]


def mlp(
    n_inputs: int,
    hidden: Sequence[int],
    outputs: int,
    *,
    batchnorm: bool = False,
    dropout: float | None = None,
) -> nn.Sequential:
    """Linear → [BatchNorm1d] → ReLU → [Dropout] per hidden layer, then a Linear to the outputs.

    With and without BatchNorm or Dropout the Linear layers are created in the same order, so one
    seed gives every variant the same initial weights (BatchNorm starts at scale 1, shift 0).
    No hidden layer is a linear model.
    """
    layers: list[nn.Module] = []
    for width in hidden:
        layers.append(nn.Linear(n_inputs, int(width)))
        if batchnorm:
            layers.append(nn.BatchNorm1d(int(width)))
        layers.append(nn.ReLU())
        if dropout is not None:
            layers.append(nn.Dropout(float(dropout)))
        n_inputs = int(width)
    layers.append(nn.Linear(n_inputs, outputs))
    return nn.Sequential(*layers)


def as_inputs(images: np.ndarray, device: str) -> torch.Tensor:
    """Images (n, …) of 8-bit pixels as float32 rows (n, features) in [0, 1] on ``device``."""
    return torch.as_tensor(pixel_features(images), device=device)


def as_labels(labels: np.ndarray, device: str) -> torch.Tensor:
    """Class indices as an int64 tensor on ``device`` (what ``F.cross_entropy`` takes)."""
    return torch.as_tensor(np.asarray(labels, dtype=np.int64), device=device)


def image_splits(data: DataSet, splits: Sequence[str], device: str) -> dict[str, Split]:
    """The named splits (``train``, ``val``, ``test``) of an image data set as (inputs, labels)
    on ``device``: moved once per run, before training starts."""
    return {split: (as_inputs(data.arrays[f"X_{split}"], device),
                    as_labels(data.arrays[f"y_{split}"], device)) for split in splits}


def summed_cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """The cross-entropy of a batch, summed over its rows, in float64."""
    return F.cross_entropy(logits, labels, reduction="sum").double()


def summed_squared_error(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Σ (ŷ − y)² of a batch of one-output predictions, in float64."""
    return (outputs.view(-1) - targets).double().square().sum()


@dataclass
class EpochStats:
    """Mean loss over the rows of one pass, and what else the pass measured."""

    loss: float
    #: Fraction of rows classified correctly; NaN for targets that are not class indices.
    accuracy: float = math.nan
    #: The largest minibatch loss of a training pass (where a blow-up shows first).
    max_loss: float = math.nan
    #: A training pass's minibatch losses in the order trained (CPU, float64).
    batch_losses: torch.Tensor | None = None


def _is_classification(targets: torch.Tensor) -> bool:
    return not targets.is_floating_point()


def train_epoch(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    X: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
    generator: torch.Generator,
    loss_fn: Loss = F.cross_entropy,
) -> EpochStats:
    """One pass over (X, y) in a random order; the last batch is smaller when ``batch_size``
    does not divide n. A batch of all n rows is one full-batch step: no permutation is drawn
    (the order of the rows cannot matter) and no copy is made.

    Loss (and, for class labels, accuracy) are those of each batch as it was trained on (train
    mode), averaged over the pass's rows: what a training loop prints, for this epoch only.
    """
    model.train()
    n = len(X)
    if batch_size >= n:
        batches = [None]
    else:
        batches = torch.randperm(n, generator=generator).to(X.device).split(batch_size)
    classification = _is_classification(y)
    # per-batch sums kept on the device and read once at the end: no synchronisation per step
    losses = torch.empty(len(batches), device=X.device)
    hits = torch.zeros(len(batches), dtype=torch.int64, device=X.device)
    for step, rows in enumerate(batches):
        # index_select: half the time of X[rows] for a batch of rows on the CPU
        inputs, targets = (X, y) if rows is None else (X.index_select(0, rows),
                                                       y.index_select(0, rows))
        optimizer.zero_grad(set_to_none=True)
        outputs = model(inputs)
        loss = loss_fn(outputs, targets)
        loss.backward()
        optimizer.step()
        losses[step] = loss.detach()
        if classification:
            hits[step] = (outputs.detach().argmax(dim=1) == targets).sum()
    sizes = torch.tensor([n if rows is None else len(rows) for rows in batches],
                         dtype=torch.float64, device=X.device)
    return EpochStats(
        loss=float((losses.double() * sizes).sum()) / n,
        accuracy=int(hits.sum()) / n if classification else math.nan,
        max_loss=float(losses.max()),
        batch_losses=losses.to("cpu", torch.float64),
    )


def evaluate(
    model: nn.Module, X: torch.Tensor, y: torch.Tensor, summed_loss: Loss = summed_cross_entropy
) -> EpochStats:
    """Mean loss (and, for class labels, argmax accuracy) on (X, y) in eval mode (BatchNorm uses
    its running statistics, Dropout is off), under ``torch.no_grad()`` in batches of
    :data:`EVAL_BATCH` rows. ``summed_loss`` gives a batch's loss summed over its rows."""
    model.eval()
    classification = _is_classification(y)
    loss_sum = torch.zeros((), dtype=torch.float64, device=X.device)
    correct = torch.zeros((), dtype=torch.int64, device=X.device)
    with torch.no_grad():
        for start in range(0, len(X), EVAL_BATCH):
            outputs = model(X[start:start + EVAL_BATCH])
            targets = y[start:start + EVAL_BATCH]
            loss_sum += summed_loss(outputs, targets)
            if classification:
                correct += (outputs.argmax(dim=1) == targets).sum()
    return EpochStats(loss=float(loss_sum) / len(X),
                      accuracy=int(correct) / len(X) if classification else math.nan)


#: Called after every epoch with (epoch, the training pass, the evaluation per split); it records
#: what the run keeps and returns whether training goes on (False on a loss that is not finite).
EndEpoch = Callable[[int, EpochStats, dict[str, EpochStats]], bool]


def fit(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    train: Split,
    evaluation: Mapping[str, Split],
    *,
    epochs: int,
    batch_size: int,
    generator: torch.Generator,
    end_epoch: EndEpoch,
    loss_fn: Loss = F.cross_entropy,
    summed_loss: Loss = summed_cross_entropy,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
) -> int:
    """Train for up to ``epochs``, evaluating on every split of ``evaluation`` after each (a
    validation or a test split, or several); returns the number of epochs run.

    ``end_epoch`` decides after each epoch whether to go on: a run stops at the first epoch it
    refuses, as on a loss that is not finite (nothing later could be). ``scheduler`` steps after
    every epoch that training goes on from.
    """
    for epoch in range(1, epochs + 1):
        trained = train_epoch(model, optimizer, *train, batch_size, generator, loss_fn)
        evaluated = {name: evaluate(model, *split, summed_loss)
                     for name, split in evaluation.items()}
        if not end_epoch(epoch, trained, evaluated):
            return epoch
        if scheduler is not None:
            scheduler.step()
    return epochs
