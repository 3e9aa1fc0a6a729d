"""Figures of ``lr_schedule``: a too-high learning rate against a working one, and a step
schedule against constant rates: the seed mean, and a band from the lowest to the highest seed."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from dlrepro.figures.style import band, new_figure
from dlrepro.metrics import display_scale
from dlrepro.results import ExperimentResults

DIVERGENCE = {"small": ("#1f77b4", "-"), "large": ("#ff7f0e", "-")}
SCHEDULES = {
    "step": ("#2ca02c", "-"),
    "constant_first": ("#9467bd", "--"),
    "constant_last": ("#8c564b", ":"),
}
CHANCE_COLOUR = "0.45"


def divergence(summary: dict[str, Any]):
    """Training loss per epoch at the working and the too-high lr (log scale); the chance-level
    loss ln(classes) dotted; the largest first-epoch batch loss of each as a marker at epoch 0.5."""
    fig, ax = new_figure(1, figsize=(7.0, 3.0))
    data = summary["divergence"]
    for name, (colour, style) in DIVERGENCE.items():
        entry = data[name]
        label = f"lr {entry['lr']:g}"
        if entry["curves"]:
            band(ax, entry["curves"]["epoch"], entry["curves"]["train_loss"], colour, style,
                 f"{label}: mean training loss per epoch")
        peaks = list(entry["first_epoch_max_batch_loss"]["per_seed"].values())
        shown = [value for value in peaks if value is not None and math.isfinite(value)]
        note = (f" (not finite in {len(peaks) - len(shown)} of {len(peaks)} runs)"
                if len(shown) < len(peaks) else "")
        ax.plot([0.5] if shown else [], [float(np.mean(shown))] if shown else [], marker="^",
                color=colour, linestyle="none", label=f"{label}: largest batch loss in epoch 1{note}")
    ax.axhline(data["chance_loss"], color=CHANCE_COLOUR, linestyle=":", linewidth=1,
               label=f"chance level ln(classes) = {data['chance_loss']:.3g}")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (cross-entropy)")
    ax.legend(loc="center right")
    return fig


def schedules(summary: dict[str, Any]):
    """Training loss (log) and test accuracy per epoch for the step schedule and the constant
    rates at its first and last value; thin vertical lines where the schedule decays."""
    fig, axes = new_figure(2, figsize=(7.4, 3.2))
    for key, (colour, style) in SCHEDULES.items():
        entry = summary[key]
        if not entry["curves"]:
            continue
        label = f"{entry['schedule']}, lr {entry['lr']}"
        for ax, column in zip(axes, ("train_loss", "test_accuracy")):
            band(ax, entry["curves"]["epoch"], entry["curves"][column], colour, style, label,
                 scale=display_scale(column))
    step = summary.get("step_size")
    if step:
        for ax in axes:
            for epoch in np.arange(step, summary["epochs"], step):
                ax.axvline(epoch + 0.5, color="0.7", linewidth=0.8)
    axes[0].set_yscale("log")
    axes[0].set_title("training loss (cross-entropy)")
    axes[1].set_title("test accuracy (%, eval mode)")
    for ax in axes:
        ax.set_xlabel("epoch")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3)
    return fig


def draw_divergence(results: ExperimentResults) -> Figure:
    """The figure ``divergence``: :func:`divergence` of the summary."""
    return divergence(results.summary)


def draw_schedules(results: ExperimentResults) -> Figure:
    """The figure ``schedules``: :func:`schedules` of the summary."""
    return schedules(results.summary)
