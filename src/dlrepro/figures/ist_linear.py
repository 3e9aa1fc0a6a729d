"""Figures of ``ist_linear``: training and validation accuracy per epoch of the perceptron and of
logistic regression without and with ℓ2, and ‖W‖ per epoch of the two logistic regressions,
each as the seed mean with a band from the lowest to the highest seed.

:func:`seed_curve` and :func:`plot_over_seeds` (a history column over seeds) are shared by the
figures of the other ``ist_*`` experiments.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from dlrepro.figures.style import band, new_figure
from dlrepro.results import ExperimentResults

#: The variants in the write-up's order, and their names in legends and titles.
VARIANTS = ("perceptron", "logistic", "logistic_l2")
TITLES = {"perceptron": "perceptron", "logistic": "logistic regression",
          "logistic_l2": "logistic regression + ℓ2"}
#: Colours of the curves of one model: the part of the data they are measured on.
SPLITS = {"train_accuracy": ("#1f77b4", "training"), "val_accuracy": ("#ff7f0e", "validation")}
TEST_COLOUR = "#2ca02c"
WRITE_UP_COLOUR = "0.35"
#: Colours of the two logistic regressions where they share a panel.
NORM = {"logistic": ("#9467bd", "without ℓ2"), "logistic_l2": ("#2ca02c", "with ℓ2")}


def seed_curve(histories: Sequence[pd.DataFrame], column: str,
               x: str = "epoch") -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One history column over seeds: the x values, and per x the mean, min and max over the
    seeds that have a finite value there (a diverged run stops, or ends in inf / NaN); x values
    where no seed has one are left out."""
    table = pd.concat(
        [history.set_index(x)[column].rename(i) for i, history in enumerate(histories)
         if column in history],
        axis=1,
    ).sort_index()
    values = np.array(table.to_numpy(dtype=float), dtype=float)
    values[~np.isfinite(values)] = np.nan
    keep = ~np.isnan(values).all(axis=1)
    values, xs = values[keep], table.index.to_numpy()[keep]
    return xs, {"mean": np.nanmean(values, axis=1), "min": np.nanmin(values, axis=1),
                "max": np.nanmax(values, axis=1)}


def plot_over_seeds(ax, histories: Sequence[pd.DataFrame], column: str, colour: str,
                    style: str, label: str, x: str = "epoch") -> bool:
    """A column's seed mean as a line and its min–max band; False when nothing is finite."""
    if not histories:
        return False
    xs, curve = seed_curve(histories, column, x)
    if len(xs) == 0:
        return False
    band(ax, xs, curve, colour, style, label)
    return True


def last_epoch(histories: Sequence[pd.DataFrame]) -> float:
    return float(max(history["epoch"].max() for history in histories))


def finite_mean(entry: Mapping[str, Any] | None) -> float | None:
    value = (entry or {}).get("mean")
    return value if value is not None and math.isfinite(value) else None


def accuracy(histories: Mapping[str, Sequence[pd.DataFrame]], summary: dict[str, Any]):
    """One panel per variant: training and validation accuracy per epoch (seed mean and band);
    our final test accuracy (mean over seeds) as a green dot at the last epoch, the write-up's
    test accuracy (after its 100 epochs) as a grey dotted line."""
    present = [model for model in VARIANTS if histories.get(model)]
    fig, axes = new_figure(len(present), figsize=(7.4, 2.9), sharey=True, squeeze=False)
    axes = axes[0]
    write_up = summary.get("constants", {}).get("write_up", {})
    for ax, model in zip(axes, present):
        runs = histories[model]
        for column, (colour, name) in SPLITS.items():
            plot_over_seeds(ax, runs, column, colour, "-", f"{name} accuracy")
        ours = finite_mean(summary.get("variants", {}).get(model, {}).get("test_accuracy"))
        if ours is not None:
            ax.plot([last_epoch(runs)], [ours], marker="o", color=TEST_COLOUR, linestyle="none",
                    label="test accuracy, last epoch", gid=f"test_accuracy_{model}")
        theirs = write_up.get(model, {}).get("test_accuracy")
        if theirs is not None:
            ax.axhline(theirs, color=WRITE_UP_COLOUR, linestyle=":", linewidth=1.2,
                       label="write-up's test accuracy", gid=f"write_up_test_accuracy_{model}")
        ax.set_title(TITLES[model])
        ax.set_xlabel("epoch")
    axes[0].set_ylabel("accuracy")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=4)
    return fig


def norm(histories: Mapping[str, Sequence[pd.DataFrame]], summary: dict[str, Any]):
    """Left: ‖W‖ (Frobenius norm of [W b]) per epoch of logistic regression without and with ℓ2,
    with the write-up's "about 25" (without) and "below 5" (with) as horizontal lines. Right:
    the mean cross-entropy per epoch, of the epoch's examples as trained on (solid) and of the
    validation part after the epoch (dashed)."""
    fig, (left, right) = new_figure(2, figsize=(7.4, 3.0))
    write_up = summary.get("constants", {}).get("write_up", {})
    for model, (colour, name) in NORM.items():
        runs = histories.get(model) or []
        plot_over_seeds(left, runs, "w_norm", colour, "-", name)
        plot_over_seeds(right, runs, "train_loss", colour, "-", f"{name}, training")
        plot_over_seeds(right, runs, "val_loss", colour, "--", f"{name}, validation")
    about = write_up.get("logistic", {}).get("w_norm_about")
    if about is not None:
        left.axhline(about, color=NORM["logistic"][0], linestyle=":", linewidth=1.2,
                     label=f"write-up: about {about:g} without ℓ2", gid="write_up_about")
    below = write_up.get("logistic_l2", {}).get("w_norm_below")
    if below is not None:
        left.axhline(below, color=NORM["logistic_l2"][0], linestyle="-.", linewidth=1.2,
                     label=f"write-up: below {below:g} with ℓ2", gid="write_up_below")
    left.set_ylim(bottom=0)
    left.set_title("‖W‖ (Frobenius norm of [W b])")
    right.set_title("cross-entropy")
    finish_epoch_panels(left, right)
    return fig


def finish_epoch_panels(*axes) -> None:
    """Epochs on x, plain numbers on y (no offset), a legend in each panel."""
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.ticklabel_format(axis="y", useOffset=False)
        ax.legend(loc="best")


def run_model(params: Mapping[str, Any]) -> str:
    return params["model"]


def draw_accuracy(results: ExperimentResults) -> Figure:
    """The figure ``accuracy``: :func:`accuracy` of the runs' histories, grouped by model."""
    return accuracy(results.grouped(run_model), results.summary)


def draw_norm(results: ExperimentResults) -> Figure:
    """The figure ``norm``: :func:`norm` of the runs' histories, grouped by model."""
    return norm(results.grouped(run_model), results.summary)
