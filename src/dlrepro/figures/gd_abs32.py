"""Figures of ``gd_abs32``: GD orbits on (2/3)|x|^{3/2}, in units of lr² where all lrs agree."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dlrepro.experiments.functions.gd_abs32 import GENERIC, SPECIAL
from dlrepro.figures.style import new_figure

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def orbit_of(history: pd.DataFrame, start: int) -> pd.DataFrame:
    return history[history["start"] == start].sort_values("iteration")


def trajectories(histories: dict[float, pd.DataFrame], special_lr: float, special_steps: int = 20):
    """Left: |x|/lr² from the generic starts, every lr. Right: the S starts at one lr.

    Both panels mark the 2-cycle |x| = lr²/4; the right one shows its alternating sign. On the
    right each S start of level k steps down the staircase t_k → t_{k−1} → … → 0; in float64 some
    stay at 0 and the others return to the cycle.
    """
    fig, (left, right) = new_figure(2, figsize=(7.0, 3.4))
    for colour, (lr, history) in zip(PALETTE, sorted(histories.items())):
        generic = history[history["kind"] == GENERIC]
        for index, start in enumerate(generic["start"].unique()):
            orbit = orbit_of(history, start)
            left.plot(orbit["iteration"] + 1, orbit["x"].abs() / lr**2, color=colour,
                      linewidth=1.0, label=f"lr {lr:g}" if index == 0 else None)
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("iteration + 1 (log scale)")
    left.set_ylabel("|x| / lr² (log scale)")
    left.set_title("generic starts")
    left.legend(loc="lower left")

    history = histories[special_lr]
    special = history[(history["kind"] == SPECIAL) & (history["x0"] > 0)]
    for colour, start in zip(PALETTE, special["start"].unique()):
        orbit = orbit_of(history, start).head(special_steps + 1)
        level = int(orbit["level"].iloc[0])
        right.plot(orbit["iteration"], orbit["x"] / special_lr**2, color=colour, marker="o",
                   markersize=2.5, linewidth=1.0, label=f"level {level}")
    right.set_xlabel("iteration")
    right.set_ylabel("x / lr²")
    right.set_title(f"starts in S (+ side), lr {special_lr:g}")
    right.legend(loc="upper right")
    left.axhline(0.25, color="0.4", linestyle=":", linewidth=0.8)
    for level in (0.25, -0.25):
        right.axhline(level, color="0.4", linestyle=":", linewidth=0.8)
    return fig


def cobweb(history: pd.DataFrame, lr: float, max_points: int = 60):
    """The map t ↦ t − sign(t)√|t| (t = x/lr²) with the orbit of every start at one lr."""
    fig, ax = new_figure(1, figsize=(4.6, 4.0))
    t = np.linspace(-4.0, 8.0, 1201)
    ax.plot(t, t - np.sign(t) * np.sqrt(np.abs(t)), color="k", linewidth=1.2,
            label="t − sign(t)√|t|")
    ax.plot(t, t, color="0.6", linewidth=0.8, label="identity")
    for colour, (_, rows) in zip(PALETTE * 4, history.groupby("start")):
        scaled = rows.sort_values("iteration")["x"].to_numpy() / lr**2
        shown = scaled[np.abs(scaled) <= 8.0][:max_points]
        # (t0, t0) → (t0, t1) → (t1, t1) → (t1, t2) …: up to the map, across to the identity.
        corners = np.repeat(shown, 2)
        ax.plot(corners[:-1], corners[1:], color=colour, linewidth=0.8, alpha=0.8)
    ax.plot([0.25, -0.25], [-0.25, 0.25], "ko", linestyle="none", markersize=3,
            label="2-cycle ±1/4")
    ax.set_xlim(-4.0, 8.0)
    ax.set_ylim(-4.0, 8.0)
    ax.set_aspect("equal")
    ax.set_xlabel("t = x / lr²")
    ax.set_ylabel("next t")
    ax.set_title(f"cobweb, lr {lr:g}")
    ax.legend(loc="upper left")
    return fig
