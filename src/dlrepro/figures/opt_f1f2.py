"""Figures of ``opt_f1f2``: objective curves and trajectories on the contours."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from dlrepro.experiments.functions.opt_f1f2 import OPTIMIZERS, PROBLEMS, run_key
from dlrepro.figures.style import COLOURS, LABELS, new_figure
from dlrepro.results import ExperimentResults

Histories = dict[tuple[str, str], pd.DataFrame]


def objective_curves(histories: Histories):
    """Objective vs iteration, log scale: f1 solid, f2 dashed, one colour per optimiser.

    Where GD and momentum give the same curve on both functions, the dashed line lies on the
    solid one.
    """
    fig, axes = new_figure(2, sharey=True)
    for ax, functions, title in (
        (axes[0], ("f1", "f2"), "all eight runs"),
        (axes[1], ("f2",), "f2 only"),
    ):
        for optimizer in OPTIMIZERS:
            for function in functions:
                history = histories[(function, optimizer)]
                ax.plot(
                    history["iteration"],
                    history["objective"].clip(lower=1e-30),
                    color=COLOURS[optimizer],
                    linestyle="-" if function == "f1" else "--",
                    linewidth=1.2,
                    label=f"{LABELS[optimizer]}, {function}",
                )
        ax.set_yscale("log")
        ax.set_xlabel("iteration")
        ax.set_title(title)
    axes[0].set_ylabel("objective (log scale)")
    axes[0].set_ylim(bottom=1e-16)
    axes[0].legend(ncol=2, loc="lower left")
    return fig


def trajectories(histories: Histories):
    """Each optimiser's path on the contours of f1 (left) and f2 (right)."""
    fig, axes = new_figure(2, figsize=(7.0, 3.4))
    grid = np.linspace(-1.6, 1.6, 241)
    x, y = np.meshgrid(grid, grid)
    for ax, function in zip(axes, ("f1", "f2")):
        values = PROBLEMS[function].objective(x, y)
        ax.contour(x, y, values, levels=np.geomspace(1e-3, 2.5, 12), colors="0.75", linewidths=0.6)
        for optimizer in OPTIMIZERS:
            history = histories[(function, optimizer)]
            ax.plot(history["x"], history["y"], color=COLOURS[optimizer], linewidth=1.2,
                    label=LABELS[optimizer])
        start = PROBLEMS[function].start
        ax.plot(*start, "ko", markersize=4)
        ax.annotate("start", start, textcoords="offset points", xytext=(4, 4), fontsize=8)
        ax.set_aspect("equal")
        ax.set_xlim(-1.6, 1.6)
        ax.set_ylim(-1.6, 1.6)
        ax.set_xlabel("x")
        ax.set_title(function)
    axes[0].set_ylabel("y")
    axes[1].legend(loc="lower right")
    return fig


def draw_objective(results: ExperimentResults) -> Figure:
    """The figure ``objective``: :func:`objective_curves` of the runs, keyed by their params."""
    return objective_curves(results.histories_by(run_key))


def draw_trajectories(results: ExperimentResults) -> Figure:
    """The figure ``trajectories``: :func:`trajectories` of the runs, keyed by their params."""
    return trajectories(results.histories_by(run_key))
