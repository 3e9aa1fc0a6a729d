"""Figure of ``gd_plateau``: f with GD iterates drawn on it, one panel per start."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from dlrepro.experiments.functions.gd_plateau import MINIMUM, RunKey, objective
from dlrepro.figures.style import COLOURS, new_figure

CONSTANT_COLOURS = (COLOURS["gd"], COLOURS["momentum"])
DECAYED_COLOURS = (COLOURS["rmsprop"], COLOURS["adam"], "#ff7f0e")
X_RANGE = (-3.5, 10.5)
Y_BOTTOM, Y_TOP = -14.0, 30.0  # f(6) = −12.37; the top grows to show f at the start
MARKED_ITERATES = 80


def marked_iterations(count: int) -> np.ndarray:
    """Indices spread geometrically: every early jump, then fewer and fewer, and the last."""
    spread = np.geomspace(1, count, MARKED_ITERATES).astype(int) - 1
    return np.unique(np.concatenate([[0], spread, [count - 1]]))


def _draw_run(ax, history: pd.DataFrame, colour: str, label: str, marker: str) -> None:
    rows = history.iloc[marked_iterations(len(history))]
    shown = rows[np.isfinite(rows["x"]) & rows["x"].between(*X_RANGE)]
    final_x = history["x"].iloc[-1]
    ending = f"ends at {final_x:.5g}" if np.isfinite(final_x) else "diverges"
    ax.plot(shown["x"], shown["objective"], color=colour, marker=marker, markersize=3,
            linewidth=0.5, alpha=0.8, label=f"{label}: {ending}")
    if np.isfinite(final_x) and X_RANGE[0] <= final_x <= X_RANGE[1]:
        ax.plot(final_x, objective(float(final_x)), marker=marker, markersize=8, color=colour,
                markerfacecolor="none")


def trajectories(
    histories: Mapping[RunKey, pd.DataFrame], shown_lrs: Sequence[float] = (1e-2, 1e-1)
):
    """f over [−3.5, 10.5] with the iterates (x_k, f(x_k)) of a few runs, one panel per start.

    Constant-lr runs at ``shown_lrs`` go on their start's panel, and every decayed (schedule) run
    on its own start's panel. Markers thin out geometrically with k; a ring marks where a run ends.
    """
    starts = sorted({start for start, _, decayed in histories if not decayed})
    fig, axes = new_figure(len(starts), figsize=(7.0, 3.4), squeeze=False)
    grid = np.linspace(*X_RANGE, 561)
    curve = [objective(float(x)) for x in grid]
    for ax, start in zip(axes[0], starts):
        ax.plot(grid, curve, color="0.6", linewidth=1.0, label="f(x)")
        for colour, lr in zip(CONSTANT_COLOURS, shown_lrs):
            if (start, lr, False) not in histories:
                raise ValueError(f"shown_lrs: no constant-lr run at lr {lr:g} from {start:g}")
            _draw_run(ax, histories[(start, lr, False)], colour, f"lr {lr:g}", "o")
        decayed = sorted(lr for s, lr, d in histories if d and s == start)
        for colour, lr in zip(DECAYED_COLOURS, decayed):
            _draw_run(ax, histories[(start, lr, True)], colour, f"lr {lr:g} decayed", "x")
        ax.axvline(MINIMUM, color="0.8", linestyle=":", linewidth=0.8)
        ax.set_xlim(*X_RANGE)
        ax.set_ylim(Y_BOTTOM, max(Y_TOP, 1.1 * objective(float(start))))
        ax.set_xlabel("x")
        ax.set_title(f"GD from $x_0$ = {start:g}")
        ax.legend(loc="upper center")
    axes[0][0].set_ylabel("f(x)")
    return fig
