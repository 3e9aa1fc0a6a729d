"""Figure of ``gd_plateau``: f with GD iterates drawn on it, one panel per start."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from dlrepro.experiments.functions.gd_plateau import (
    INFLECTION,
    MINIMUM,
    PLATEAU,
    RunKey,
    objective,
    run_key,
)
from dlrepro.figures.style import COLOURS, new_figure
from dlrepro.results import ExperimentResults

CONSTANT_COLOURS = (COLOURS["gd"], COLOURS["momentum"])
DECAYED_COLOURS = (COLOURS["rmsprop"], COLOURS["adam"], "#ff7f0e")
X_RANGE = (-3.5, 10.5)
Y_BOTTOM, Y_TOP = -14.0, 30.0  # f(6) = −12.37; the top grows to show f at the start
MARKED_ITERATES = 80


def marked_iterations(count: int) -> np.ndarray:
    """Indices spread geometrically: every early jump, then fewer and fewer, and the last."""
    spread = np.geomspace(1, count, MARKED_ITERATES).astype(int) - 1
    return np.unique(np.concatenate([[0], spread, [count - 1]]))


def _draw_run(ax, history: pd.DataFrame, colour: str, label: str, marker: str,
              linewidth: float = 0.6, alpha: float = 0.9) -> None:
    rows = history.iloc[marked_iterations(len(history))]
    shown = rows[np.isfinite(rows["x"]) & rows["x"].between(*X_RANGE)]
    final_x = history["x"].iloc[-1]
    ending = f"ends at {final_x:.5g}" if np.isfinite(final_x) else "diverges"
    ax.plot(shown["x"], shown["objective"], color=colour, marker=marker, markersize=3,
            linewidth=linewidth, alpha=alpha, label=f"{label}: {ending}")
    if np.isfinite(final_x) and X_RANGE[0] <= final_x <= X_RANGE[1]:
        ax.plot(final_x, objective(float(final_x)), marker="o", markersize=9, color=colour,
                markerfacecolor="none", markeredgewidth=1.2, zorder=5)


def _landmarks(ax) -> None:
    """The plateau as a band, the inflection and the minimum as labelled vertical lines."""
    ax.axvspan(*PLATEAU, color="0.92", zorder=0)
    for x, text in ((INFLECTION, "3.1"), (MINIMUM, "6")):
        ax.axvline(x, color="0.55", linestyle=":", linewidth=0.9, zorder=1)
        ax.annotate(text, (x, 1.0), xycoords=("data", "axes fraction"), xytext=(0, 2),
                    textcoords="offset points", ha="center", va="bottom", fontsize=8,
                    color="0.35")
    ax.annotate("plateau", (sum(PLATEAU) / 2, 0.0), xycoords=("data", "axes fraction"),
                xytext=(0, 4), textcoords="offset points", ha="center", va="bottom",
                fontsize=8, color="0.35")


def trajectories(
    histories: Mapping[RunKey, pd.DataFrame], shown_lrs: Sequence[float] = (1e-2, 1e-1)
):
    """f over [−3.5, 10.5] with the iterates (x_k, f(x_k)) of a few runs, one panel per start.

    Constant-lr runs at ``shown_lrs`` go on their start's panel, and every decayed (schedule) run
    on its own start's panel. Markers thin out geometrically with k; a ring marks where a run ends.
    """
    starts = sorted({start for start, _, kind in histories if kind == "constant"})
    fig, axes = new_figure(len(starts), figsize=(7.0, 4.1), squeeze=False)
    grid = np.linspace(*X_RANGE, 561)
    curve = [objective(float(x)) for x in grid]
    for ax, start in zip(axes[0], starts):
        _landmarks(ax)
        ax.plot(grid, curve, color="0.45", linewidth=1.2, label="f(x)", zorder=2)
        decayed = sorted(lr for s, lr, kind in histories if kind == "decayed" and s == start)
        for colour, lr in zip(DECAYED_COLOURS, decayed):
            _draw_run(ax, histories[(start, lr, "decayed")], colour, f"lr {lr:g} decayed", "x",
                      linewidth=0.4, alpha=0.6)
        for colour, lr in zip(CONSTANT_COLOURS, shown_lrs):
            if (start, lr, "constant") not in histories:
                raise ValueError(f"shown_lrs: no constant-lr run at lr {lr:g} from {start:g}")
            _draw_run(ax, histories[(start, lr, "constant")], colour, f"lr {lr:g}", "o")
        ax.set_xlim(*X_RANGE)
        ax.set_ylim(Y_BOTTOM, max(Y_TOP, 1.1 * objective(float(start))))
        ax.set_xlabel("x")
        ax.set_title(f"GD from $x_0$ = {start:g}", pad=14)
        handles, labels = ax.get_legend_handles_labels()
        order = sorted(range(len(labels)), key=lambda i: ("decayed" in labels[i], i))
        ax.legend([handles[i] for i in order], [labels[i] for i in order], loc="upper left",
                  bbox_to_anchor=(0.0, -0.16), handlelength=1.6)
    axes[0][0].set_ylabel("f(x)")
    return fig


def draw_trajectories(results: ExperimentResults) -> Figure:
    """The figure ``trajectories``: :func:`trajectories` of the runs, keyed by their params."""
    return trajectories(results.histories_by(run_key))
