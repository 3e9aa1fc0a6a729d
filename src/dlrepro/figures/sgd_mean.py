"""Figure of ``sgd_mean``: the squared error (y − y*)² of SGD with a band over seeds."""

from __future__ import annotations

from operator import itemgetter

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from dlrepro.figures.style import new_figure
from dlrepro.results import ExperimentResults

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")


def error_bands(curves_by_lr: dict[float, list[pd.DataFrame]], theory_by_lr: dict[float, float]):
    """Median over seeds with the min-max band, per lr; dotted: the stationary level lr·σ²/(1−lr)."""
    fig, ax = new_figure(1, figsize=(7.0, 3.2))
    for colour, (lr, curves) in zip(PALETTE, sorted(curves_by_lr.items())):
        errors = np.stack([curve["squared_error"].to_numpy() for curve in curves])
        iteration = curves[0]["iteration"].to_numpy()
        ax.fill_between(iteration, errors.min(axis=0), errors.max(axis=0), color=colour,
                        alpha=0.2, linewidth=0)
        ax.plot(iteration, np.median(errors, axis=0), color=colour, linewidth=1.2,
                label=f"lr {lr:g}: median and range over {len(curves)} seeds")
        ax.axhline(theory_by_lr[lr], color=colour, linestyle=":", linewidth=1.2,
                   label=f"lr {lr:g}: stationary level lr·σ²/(1−lr)")
    ax.set_yscale("log")
    ax.set_ylim(bottom=1e-7)
    ax.set_xlabel("iteration")
    ax.set_ylabel("(y − y*)² (log scale)")
    ax.legend(loc="lower left", ncol=2)
    return fig


def draw_error(results: ExperimentResults) -> Figure:
    """The figure ``error``: :func:`error_bands` of the runs grouped by lr, at the mean of their
    seeds' stationary levels (each seed draws its own points, so its own σ²)."""
    theory: dict[float, list[float]] = {}
    for record in results.records:
        theory.setdefault(record["params"]["lr"], []).append(
            record["metrics"]["stationary_squared_error_theory"])
    return error_bands(results.grouped(itemgetter("lr")),
                       {lr: sum(values) / len(values) for lr, values in theory.items()})
