"""Figure of ``adam_escape``: GD caught in the bump or not, and Adam just below and above h_max."""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from dlrepro.figures.style import COLOURS, new_figure
from dlrepro.results import ExperimentResults

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")


def trajectories(history: pd.DataFrame, summary: dict[str, Any], gd_steps: int = 12,
                 adam_window: tuple[int, int] = (-5, 40)):
    """Left: GD's first steps for every h (caught in {0.9, 1.2} when h ≥ 0.2). Right: Adam's
    (w − 1)/lr around the step it passes w = 1, at the two ends of the final bisection bracket;
    dotted: the crest 1 + h and the far edge 1 + 2h of the bump at h_max."""
    fig, (left, right) = new_figure(2, figsize=(7.0, 3.4))
    gd = history[history["optimiser"] == "gd"]
    for colour, (h, rows) in zip(PALETTE, gd.groupby("h")):
        orbit = rows.sort_values("step").head(gd_steps + 1)
        fate = "caught" if summary["gd_by_h"][f"{h:g}"]["trapped"] else "escapes"
        left.plot(orbit["step"], orbit["w"], color=colour, marker="o", markersize=2.5,
                  linewidth=1.0, label=f"h = {h:g} ({fate})", zorder=3 - len(left.lines) * 0.01,
                  linestyle="-" if len(left.lines) % 2 == 0 else (0, (4, 2)))
    left.axhline(1.0, color="0.4", linestyle=":", linewidth=0.8)
    left.set_xlabel("step")
    left.set_ylabel("w")
    left.set_title(f"GD, lr {summary['gd']['lr']:g}")
    left.legend(loc="upper left", fontsize=7)

    lr = summary["adam"]["lr"]
    entry = summary["entry"]["float64"]["step"]
    adam = history[history["optimiser"] == "adam"]
    first, last = entry + adam_window[0], entry + adam_window[1]
    for (h, rows), colour, role in zip(adam.groupby("h"), (COLOURS["adam"], COLOURS["momentum"]),
                                       ("escapes", "turns back")):
        orbit = rows[(rows["step"] >= first) & (rows["step"] <= last)]
        right.plot(orbit["step"], (orbit["w"] - 1.0) / lr, color=colour, marker="o",
                   markersize=2.5, linewidth=1.0, label=f"h = {h:.10f}: {role}")
    h_max = summary["h_max"]
    for edge, name in ((h_max, "crest 1 + h"), (2 * h_max, "edge 1 + 2h")):
        right.axhline(edge / lr, color="0.4", linestyle=":", linewidth=0.8)
        right.annotate(name, (first, edge / lr), textcoords="offset points", xytext=(2, 2),
                       fontsize=7)
    right.axvline(entry, color="0.4", linestyle="--", linewidth=0.8)
    top = 2 * h_max / lr + 2.5
    right.annotate("first step\npast w = 1", (entry, top), textcoords="offset points",
                   xytext=(-3, -4), ha="right", va="top", fontsize=7)
    right.set_ylim(-3.2, top)
    right.set_xlabel("step")
    right.set_ylabel("(w − 1) / lr")
    right.set_title(f"Adam, lr {lr:g}, ε = {summary['adam']['eps']:g}")
    right.legend(loc="lower right", fontsize=7)
    return fig


def draw_trajectories(results: ExperimentResults) -> Figure:
    """The figure ``trajectories``: :func:`trajectories` of the one run and the summary."""
    [history] = results.histories
    return trajectories(history, results.summary)
