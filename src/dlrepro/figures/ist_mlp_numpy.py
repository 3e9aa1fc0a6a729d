"""Figure of ``ist_mlp_numpy``: the numpy network's accuracy and loss per epoch, as the seed mean
with a band from the lowest to the highest seed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from dlrepro.figures.ist_linear import (
    SPLITS,
    TEST_COLOUR,
    WRITE_UP_COLOUR,
    plot_over_seeds,
    finish_epoch_panels,
    finite_mean,
    last_epoch,
)
from dlrepro.figures.style import new_figure
from dlrepro.results import ExperimentResults

LOSSES = {"train_loss": ("#1f77b4", "-", "training (examples as trained on)"),
          "val_loss": ("#ff7f0e", "--", "validation (after the epoch)")}


def curves(histories: Sequence[pd.DataFrame], summary: dict[str, Any]):
    """Left: training and validation accuracy per epoch, our final test accuracy as a dot at the
    last epoch and the write-up's as a grey dotted line. Right: the mean cross-entropy per
    epoch, of the epoch's examples as each was trained on (the write-up's "training loss") and
    of the validation part after the epoch."""
    fig, (left, right) = new_figure(2, figsize=(7.4, 3.0))
    for column, (colour, name) in SPLITS.items():
        plot_over_seeds(left, histories, column, colour, "-", name)
    ours = finite_mean(summary.get("test_accuracy"))
    if ours is not None and histories:
        left.plot([last_epoch(histories)], [ours], marker="o", color=TEST_COLOUR,
                  linestyle="none", label="test, last epoch", gid="test_accuracy")
    theirs = summary.get("constants", {}).get("write_up", {}).get("test_accuracy")
    if theirs is not None:
        left.axhline(theirs, color=WRITE_UP_COLOUR, linestyle=":", linewidth=1.2,
                     label="write-up's test accuracy", gid="write_up_test_accuracy")
    for column, (colour, style, name) in LOSSES.items():
        plot_over_seeds(right, histories, column, colour, style, name)
    left.set_title("accuracy")
    right.set_title("cross-entropy")
    finish_epoch_panels(left, right)
    return fig


def draw_curves(results: ExperimentResults) -> Figure:
    """The figure ``curves``: :func:`curves` of the runs' histories, in run order."""
    return curves(results.histories, results.summary)
