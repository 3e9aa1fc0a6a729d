"""Figure of ``age_mlp``: training and validation MSE per epoch, with the write-up's log.

Errors are drawn in years² whatever the targets were trained on: with ``targets:
standardised`` the curves are scaled back by the training targets' variance (the mean over
seeds), so the write-up's numbers, which are in years², sit on the same axis.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from dlrepro.figures.age_linear_sgd import plain_log_ticks
from dlrepro.figures.style import new_figure
from dlrepro.results import ExperimentResults

#: One colour per curve; the write-up's points take the colour of the curve they belong to.
CURVES = {
    "train_mse": ("#1f77b4", "training MSE"),
    "val_mse": ("#d62728", "validation MSE"),
}
#: The write-up's log key for each curve.
WRITE_UP_KEYS = {"train_mse": "train_loss", "val_mse": "val_mse"}
BEST_COLOUR = "#2ca02c"
MEAN_PREDICTOR_COLOUR = "0.45"


def years_squared(summary: dict[str, Any]) -> float:
    """The factor that turns an MSE in training units into years² (1 for raw targets)."""
    if summary.get("targets", "raw") != "standardised":
        return 1.0
    best = summary.get("best_reachable")
    if best and best.get("standardised"):
        return float(best["raw"]) / float(best["standardised"])
    raw, own = summary["raw"]["train_mse"]["mean"], summary["final"]["train_mse"]["mean"]
    return float(raw) / float(own) if raw is not None and own else 1.0


def seed_table(histories: list[pd.DataFrame], column: str) -> pd.DataFrame:
    """Epochs × seeds of one column; NaN where a run had stopped or its value was not finite."""
    table = pd.concat(
        [history.set_index("epoch")[column].rename(seed) for seed, history in
         enumerate(histories)],
        axis=1,
    ).sort_index()
    values = np.array(table.to_numpy(dtype=float), dtype=float)  # a copy: may be a view
    values[~np.isfinite(values)] = np.nan
    return pd.DataFrame(values, index=table.index, columns=table.columns)


def curves(histories: list[pd.DataFrame], summary: dict[str, Any]):
    """Training and validation MSE per epoch (log scale): median over seeds and the min–max
    band; the write-up's logged losses as markers (its "Epoch k" is drawn at epoch k + 1, after
    k + 1 passes); dotted, the best MSE any predictor can reach on stand-in data; dash-dot, the
    test MSE of predicting the training mean."""
    fig, ax = new_figure(1, figsize=(7.0, 3.4))
    scale = years_squared(summary)
    for column, (colour, label) in CURVES.items():
        table = seed_table(histories, column) * scale
        epochs = table.index.to_numpy()
        seeds = table.shape[1]
        if seeds > 1:
            ax.fill_between(epochs, table.min(axis=1), table.max(axis=1), color=colour,
                            alpha=0.2, linewidth=0, label=f"{label}, min–max over {seeds} seeds")
        ax.plot(epochs, table.median(axis=1), color=colour, linewidth=1.2,
                label=f"{label}, median" if seeds > 1 else label)

    log = summary.get("constants", {}).get("write_up", {}).get("log", {})
    for column, (colour, label) in CURVES.items():
        key = WRITE_UP_KEYS[column]
        points = sorted((int(epoch) + 1, entry[key]) for epoch, entry in log.items()
                        if entry.get(key) is not None)
        if points:
            x, y = zip(*points)
            ax.plot(x, y, linestyle="none", marker="o" if column == "val_mse" else "s",
                    markersize=4.5, markerfacecolor="white", markeredgecolor=colour,
                    markeredgewidth=1.2, gid=f"write_up_{column}",
                    label=f"write-up's {'validation' if column == 'val_mse' else 'training'} loss")

    mean_predictor = (summary.get("raw", {}).get("test_mse_mean_predictor") or {}).get("mean")
    if mean_predictor is not None and math.isfinite(mean_predictor):
        ax.axhline(mean_predictor, color=MEAN_PREDICTOR_COLOUR, linestyle="-.", linewidth=1.0,
                   label="predicting the training mean (test)", gid="mean_predictor")
    best = summary.get("best_reachable")
    if best and best.get("raw") is not None:
        ax.axhline(best["raw"], color=BEST_COLOUR, linestyle=":", linewidth=1.4,
                   label="best reachable (stand-in)", gid="best_reachable")

    ax.set_yscale("log")
    ax.set_xlabel("epoch (passes over the training part)")
    ax.set_ylabel("MSE, years² (log scale)")
    plain_log_ticks(ax)
    fig.legend(loc="outside lower center", ncol=3)
    return fig


def draw_curves(results: ExperimentResults) -> Figure:
    """The figure ``curves``: :func:`curves` of the runs' histories, in run order."""
    return curves(results.histories, results.summary)
