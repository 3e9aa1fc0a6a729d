"""Figure of ``gd_illcond``: both trajectories on the contours of f, and x1 − c1 per iteration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from dlrepro.experiments.functions.gd_illcond import objective
from dlrepro.figures.style import COLOURS, new_figure
from dlrepro.results import ExperimentResults

TRAJECTORY_COLOURS = {"lr": COLOURS["gd"], "small_lr": COLOURS["momentum"]}
MARGIN = 0.3  # of each axis' span, around the iterates and the centre


def _span(values: np.ndarray) -> tuple[float, float]:
    low, high = float(np.min(values)), float(np.max(values))
    pad = MARGIN * (high - low or 1.0)
    return low - pad, high + pad


def contours(history: pd.DataFrame, summary: Mapping[str, Any]):
    """Left: both GD paths on the contours of f. Right: x1 − c1 per iteration for both lrs.

    The contours use the true parameters when the summary has them, the inferred ones otherwise.
    """
    params = summary["true"] or summary["inferred"]
    lr, small_lr = summary["lr"], summary["small_lr"]["lr"]
    labels = {"lr": f"lr {lr:g}", "small_lr": f"lr {small_lr:.3g} (lr/{lr / small_lr:g})"}
    fig, (path_ax, time_ax) = new_figure(2, figsize=(7.0, 3.4))
    x1_grid = np.linspace(*_span(np.append(history["x1"], params["c1"])), 301)
    x2_grid = np.linspace(*_span(np.append(history["x2"], params["c2"])), 301)
    x1, x2 = np.meshgrid(x1_grid, x2_grid)
    top = float(history["objective"].max())
    path_ax.contour(x1, x2, objective(params, x1, x2), levels=np.geomspace(top / 1e4, top, 12),
                    colors="0.75", linewidths=0.6)
    for name, rows in history.groupby("trajectory", sort=False):
        colour = TRAJECTORY_COLOURS[name]
        path_ax.plot(rows["x1"], rows["x2"], color=colour, marker="o", markersize=2,
                     linewidth=0.6, label=labels[name])
        time_ax.plot(rows["iteration"], rows["x1"] - params["c1"], color=colour, linewidth=0.9,
                     label=labels[name])
    path_ax.plot(params["c1"], params["c2"], "k+", markersize=8)
    path_ax.set_xlabel("x1")
    path_ax.set_ylabel("x2")
    path_ax.set_title("GD on the contours of f")
    path_ax.legend(loc="lower right")
    time_ax.axhline(0.0, color="0.6", linewidth=0.6)
    time_ax.set_xlabel("iteration")
    time_ax.set_ylabel("x1 − c1")
    time_ax.set_title("x1 − c1: sign flips when 1 − 2·lr·a1 < 0")
    time_ax.legend(loc="upper right")
    return fig


def draw_contours(results: ExperimentResults) -> Figure:
    """The figure ``contours``: :func:`contours` of the one run and the summary."""
    [history] = results.histories
    return contours(history, results.summary)
