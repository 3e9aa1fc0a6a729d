"""Figure of ``ist_quadratic``: gradient descent on the features φ(x) converging to the closed
form's mean squared error, and the network trained in θ, per seed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from dlrepro.figures.style import new_figure
from dlrepro.results import ExperimentResults

#: One colour per seed, in the order of the seeds.
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")
NOISE_COLOUR = "0.45"
#: Differences from the closed form's MSE below this fraction of it are rounding, not drawn.
ROUNDING = 1e-13


def _curve(history: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """The logged points of one curve (the merged history has NaN where it has none)."""
    rows = history[["iteration", column]].dropna()
    values = rows[column].to_numpy(dtype=float)
    keep = np.isfinite(values)
    return rows["iteration"].to_numpy(dtype=float)[keep], values[keep]


def training_curves(histories: Mapping[Any, pd.DataFrame],
                    closed_form_mse: Mapping[Any, float], summary: dict[str, Any]):
    """Left: the MSE against the iteration (both on log scales; the iterations linear up to 10,
    so that iteration 0 shows): gradient descent on φ(x) from c = 0
    (solid), full-batch Adam on the network's θ (dashed), the closed form's MSE (dotted), one
    colour per seed, and the noise variance (grey dash-dot). Right: how far each curve is above
    its seed's closed-form MSE (log scale); differences below ``ROUNDING`` times that MSE are
    rounding and left out, so gradient descent's curve ends where it has converged."""
    fig, (left, right) = new_figure(2, figsize=(7.4, 3.3))
    seeds = sorted(histories, key=lambda seed: int(seed))
    for seed, colour in zip(seeds, COLOURS * (len(seeds) // len(COLOURS) + 1)):
        history, closed = histories[seed], float(closed_form_mse[seed])
        for column, style in (("gd_mse", "-"), ("network_mse", "--")):
            xs, ys = _curve(history, column)
            left.plot(xs, ys, color=colour, linestyle=style, linewidth=1.2,
                      gid=f"{column}_{seed}")
            excess = ys - closed
            keep = excess > ROUNDING * closed
            right.plot(xs[keep], excess[keep], color=colour, linestyle=style, linewidth=1.2,
                       gid=f"{column}_excess_{seed}")
        left.axhline(closed, color=colour, linestyle=":", linewidth=1.2,
                     gid=f"closed_form_{seed}")
    noise = summary.get("noise_variance")
    if noise:
        left.axhline(noise, color=NOISE_COLOUR, linestyle="-.", linewidth=1.0, gid="noise")
    left.set_yscale("log")
    right.set_yscale("log")
    left.set_title("mean squared error")
    right.set_title("MSE − closed form's MSE")
    for ax in (left, right):
        # gradient descent converges in a few hundred iterations, Adam takes thousands of steps
        ax.set_xscale("symlog", linthresh=10, linscale=0.5)
        ax.set_xlim(left=0)
        ax.set_xlabel("iteration (GD) / step (Adam), log scale above 10")
    handles = [
        Line2D([], [], color="0.2", linestyle="-", label="gradient descent on φ(x), from c = 0"),
        Line2D([], [], color="0.2", linestyle="--", label="network trained in θ (Adam)"),
        Line2D([], [], color="0.2", linestyle=":", label="closed form (ΦᵀΦ)⁻¹Φᵀy"),
    ]
    if noise:
        handles.append(Line2D([], [], color=NOISE_COLOUR, linestyle="-.",
                              label="noise variance σ²"))
    handles += [Line2D([], [], color=colour, linewidth=3, label=f"seed {seed}")
                for seed, colour in zip(seeds, COLOURS)]
    fig.legend(handles=handles, loc="outside lower center", ncols=4)
    return fig


def draw_fit(results: ExperimentResults) -> Figure:
    """The figure ``fit``: :func:`training_curves` of each run's history and closed-form MSE,
    keyed by its seed."""
    pairs = list(zip(results.records, results.histories, strict=True))
    return training_curves({record["seed"]: history for record, history in pairs},
                           {record["seed"]: record["metrics"]["closed_form_mse"]
                            for record, _ in pairs},
                           results.summary)
