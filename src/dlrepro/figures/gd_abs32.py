"""Figures of ``gd_abs32``: GD orbits on (2/3)|x|^{3/2}, in units of lr² where all lrs agree."""

from __future__ import annotations

from operator import itemgetter

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from dlrepro.experiments.functions.gd_abs32 import GENERIC, SPECIAL
from dlrepro.figures.style import new_figure
from dlrepro.results import ExperimentResults

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def orbit_of(history: pd.DataFrame, start: int) -> pd.DataFrame:
    return history[history["start"] == start].sort_values("iteration")


def trajectories(histories: dict[float, pd.DataFrame], special_lr: float, special_steps: int = 20):
    """Left: |x|/lr² from the generic starts, every lr. Right: the S starts at one lr.

    Both panels mark the 2-cycle |x| = lr²/4; the right one shows its alternating sign. On the
    right each S start of level k steps down the staircase t_k → t_{k−1} → … → 0; in float64 some
    stay at 0 and the others return to the cycle.
    """
    fig, (left, right) = new_figure(2, figsize=(7.0, 3.25))
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

    history = histories[special_lr]
    special = history[(history["kind"] == SPECIAL) & (history["x0"] > 0)]
    for colour, start in zip(PALETTE, special["start"].unique()):
        whole = orbit_of(history, start)
        orbit = whole.head(special_steps + 1)
        level = int(orbit["level"].iloc[0])
        fate = "stays at 0" if whole["x"].iloc[-1] == 0.0 else "back to the cycle"
        right.plot(orbit["iteration"], orbit["x"] / special_lr**2, color=colour, marker="o",
                   markersize=2.5, linewidth=1.0, label=f"level {level}: {fate}")
    right.set_xlabel("iteration")
    right.set_ylabel("x / lr²")
    right.set_title(f"starts in S (+ side), lr {special_lr:g}")
    right.legend(loc="upper right")
    left.axhline(0.25, color="0.4", linestyle=":", linewidth=0.8, label="2-cycle, |x| = lr²/4")
    handles, labels = left.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower left", ncol=len(labels), fontsize=7.5)
    for level in (0.25, -0.25):
        right.axhline(level, color="0.4", linestyle=":", linewidth=0.8)
    return fig


def _cobweb_path(orbit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(t0, t0) → (t0, t1) → (t1, t1) → (t1, t2) …: up to the map, across to the identity."""
    corners = np.repeat(orbit, 2)
    return corners[:-1], corners[1:]


def _draw_map(ax, limit: float) -> None:
    t = np.linspace(-limit, limit, 2001)
    ax.plot(t, t - np.sign(t) * np.sqrt(np.abs(t)), color="k", linewidth=1.2,
            label="map t − sign(t)√|t|")
    ax.plot(t, t, color="0.6", linewidth=0.8, label="identity")
    ax.plot([0.25, -0.25], [-0.25, 0.25], "ko", linestyle="none", markersize=3.5,
            label="2-cycle ±1/4", zorder=5)
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.set_xlabel("t = x / lr²")
    ax.set_ylabel("next t")


def _until_cycle(orbit: np.ndarray, extra: int = 1) -> np.ndarray:
    """The orbit up to ``extra`` steps after it first sits on the 2-cycle ±1/4 (t units)."""
    on_cycle = np.flatnonzero(np.abs(np.abs(orbit) - 0.25) < 1e-9)
    return orbit[: on_cycle[0] + extra + 1] if on_cycle.size else orbit


def cobweb(history: pd.DataFrame, lr: float, max_points: int = 60, zoom: float = 0.45):
    """The map t ↦ t − sign(t)√|t| (t = x/lr²) with orbits at one lr. Left: the generic starts
    from their start to the 2-cycle, the S starts in grey. Right: a zoom on |t| ≤ ``zoom``: the
    cycle, and the S orbits that land near 0 with a rounding residue, pushed back out by the
    square root."""
    fig, (whole, near) = new_figure(2, figsize=(7.0, 3.9))
    orbits = {start: rows.sort_values("iteration")["x"].to_numpy() / lr**2
              for start, rows in history.groupby("start")}
    kinds = history.groupby("start")["kind"].first()
    levels = history.groupby("start")["level"].first()
    limit = max(abs(orbit[0]) for orbit in orbits.values()) * 1.08
    _draw_map(whole, limit)
    _draw_map(near, zoom)
    colours = iter(PALETTE)
    first_special = min(start for start in orbits if kinds[start] == SPECIAL)
    for start, orbit in orbits.items():
        if kinds[start] == GENERIC:
            colour = next(colours)
            for ax, label in ((whole, f"generic x0 = {orbit[0] * lr**2:g}"), (near, None)):
                ax.plot(*_cobweb_path(_until_cycle(orbit[:max_points])), color=colour,
                        linewidth=0.9, label=label)
            whole.plot(orbit[0], orbit[0], "o", color=colour, markersize=3)
        else:
            whole.plot(*_cobweb_path(orbit[:int(levels[start]) + 1]), color="0.55",
                       linewidth=0.8, linestyle="--",
                       label="S starts (exact: k steps to 0)" if start == first_special else None)
            if orbit[-1] != 0.0 and orbit[0] > 0:  # a float64 residue, blown back out
                tail = _until_cycle(orbit[int(levels[start]):][:max_points])
                near.plot(*_cobweb_path(tail), color=PALETTE[4], linewidth=0.9,
                          label="S start, float64 residue")
    whole.set_title(f"whole orbits, lr {lr:g}")
    near.set_title("near 0: the cycle attracts, 0 repels")
    handles, labels = whole.get_legend_handles_labels()
    for handle, label in zip(*near.get_legend_handles_labels()):
        if label not in labels:
            handles.append(handle)
            labels.append(label)
    fig.legend(handles, labels, loc="outside lower center", ncol=4, fontsize=7)
    return fig


def draw_trajectories(results: ExperimentResults) -> Figure:
    """The figure ``trajectories``: :func:`trajectories` of every lr, S at the largest."""
    histories = results.histories_by(itemgetter("lr"))
    return trajectories(histories, special_lr=max(histories))


def draw_cobweb(results: ExperimentResults) -> Figure:
    """The figure ``cobweb``: :func:`cobweb` at the largest lr."""
    histories = results.histories_by(itemgetter("lr"))
    largest = max(histories)
    return cobweb(histories[largest], largest)
