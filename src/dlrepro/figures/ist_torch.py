"""Figures of ``ist_torch``: one per comparison (lr, batch, dropout, momentum), the training
loss, the validation loss and the validation accuracy per epoch of each of its variants, as the
seed mean with a band from the lowest to the highest seed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from dlrepro.figures.ist_linear import plot_over_seeds, last_epoch, seed_curve
from dlrepro.figures.style import new_figure
from dlrepro.results import ExperimentResults

#: One colour per variant of a comparison, from the smallest varied value up.
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd")
#: The varied value as legends name it.
NAMES = {"lr": "lr", "batch": "batch", "dropout": "dropout", "momentum": "momentum"}
TITLES = {
    "lr": "logistic regression, by learning rate",
    "batch": "network, by batch size",
    "dropout": "network, by dropout rate",
    "momentum": "network, by momentum",
}
PANELS = (
    ("train_loss", "training loss"),
    ("val_loss", "validation loss"),
    ("val_accuracy", "validation accuracy"),
)
#: A loss panel goes to a log scale when its finite values span more than this factor.
LOG_SPAN = 20.0


def _span(histories: Mapping[str, Sequence[pd.DataFrame]], column: str) -> float:
    values = np.concatenate([seed_curve(runs, column)[1]["max"] for runs in histories.values()
                             if runs] + [np.array([])])
    values = values[np.isfinite(values) & (values > 0)]
    return float(values.max() / values.min()) if len(values) else 1.0


def comparison(histories: Mapping[str, Sequence[pd.DataFrame]], summary: dict[str, Any],
               name: str):
    """The comparison ``name`` of the summary: one colour per variant (its varied value), three
    panels over epochs. The write-up's final validation accuracy of each variant is a hollow
    marker at our last epoch (it states no epoch count for the network)."""
    table = summary[name]
    labels = sorted(table["variants"], key=float)
    write_up = summary.get("constants", {}).get("write_up", {}).get(name, {})
    runs = {label: list(histories.get(table["variants"][label], [])) for label in labels}
    fig, axes = new_figure(3, figsize=(7.4, 2.85))
    for label, colour in zip(labels, COLOURS):
        legend = f"{NAMES.get(name, name)} {label}"
        for ax, (column, _) in zip(axes, PANELS):
            plot_over_seeds(ax, runs[label], column, colour, "-", legend)
    end = max((last_epoch(r) for r in runs.values() if r), default=None)
    marked = False
    for label, colour in zip(labels, COLOURS):
        theirs = (write_up.get(label) or {}).get("val_accuracy")
        if theirs is not None and end is not None:
            axes[2].plot([end], [theirs], marker="o", markersize=6, markerfacecolor="white",
                         markeredgecolor=colour, markeredgewidth=1.4, linestyle="none",
                         gid=f"write_up_val_accuracy_{label}")
            marked = True
    for ax, (column, title) in zip(axes, PANELS):
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.ticklabel_format(axis="y", useOffset=False)
        if column.endswith("loss") and _span(runs, column) > LOG_SPAN:
            ax.set_yscale("log")
    handles, legends = axes[0].get_legend_handles_labels()
    if marked:
        handles.append(Line2D([], [], marker="o", markerfacecolor="white", markeredgecolor="0.3",
                              markeredgewidth=1.4, linestyle="none"))
        legends.append("write-up's final validation accuracy")
    fig.legend(handles, legends, loc="outside lower center", ncols=len(legends))
    fig.suptitle(TITLES.get(name, name), fontsize=10)
    return fig


def run_variant(params: Mapping[str, Any]) -> str:
    return params["variant"]


def comparison_of(results: ExperimentResults, name: str) -> Figure:
    """:func:`comparison` ``name`` of the runs' histories, grouped by variant."""
    return comparison(results.grouped(run_variant), results.summary, name)


def draw_lr(results: ExperimentResults) -> Figure:
    """The figure ``lr``: the logistic regressions by learning rate."""
    return comparison_of(results, "lr")


def draw_batch(results: ExperimentResults) -> Figure:
    """The figure ``batch``: the network by batch size."""
    return comparison_of(results, "batch")


def draw_dropout(results: ExperimentResults) -> Figure:
    """The figure ``dropout``: the network by dropout rate."""
    return comparison_of(results, "dropout")


def draw_momentum(results: ExperimentResults) -> Figure:
    """The figure ``momentum``: the network by momentum."""
    return comparison_of(results, "momentum")
