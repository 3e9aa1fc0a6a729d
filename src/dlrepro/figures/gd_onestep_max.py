"""Figure of ``gd_onestep_max``: the one GD step onto the local maximum of x⁴ − 4x²."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from dlrepro.experiments.functions.gd_onestep_max import MINIMUM, objective
from dlrepro.figures.style import new_figure
from dlrepro.results import ExperimentResults

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2")


def one_step(summary: dict[str, Any], x_limit: float = 2.6):
    """Left: f with the step x0 → x1 = 0 of every family member with |x0| ≤ x_limit.
    Right: lr = 1/(4x0² − 8) against |x0|, the family marked and the write-up's pair circled."""
    fig, (left, right) = new_figure(2, figsize=(7.0, 2.9))
    x = np.linspace(-x_limit - 0.2, x_limit + 0.2, 801)
    left.plot(x, objective(x), color="k", linewidth=1.2, label="f(x) = x⁴ − 4x²")
    shown = [member for member in summary["family"] if abs(member["x0"]) <= x_limit]
    for colour, member in zip(PALETTE, shown):
        left.annotate(
            "", xy=(member["x1"], member["f_x1"]), xytext=(member["x0"], member["f_x0"]),
            arrowprops={"arrowstyle": "->", "color": colour, "linewidth": 1.2},
        )
        left.plot(member["x0"], member["f_x0"], "o", color=colour, markersize=4,
                  label=f"x0 = {member['x0']:.4g}, lr = {member['lr']:.4g}")
    left.plot(0.0, 0.0, "k*", markersize=8, label="local maximum x = 0")
    left.set_ylim(-5.0, min(objective(x_limit + 0.2), 20.0))
    left.set_xlabel("x")
    left.set_ylabel("f(x)")
    left.set_title("one GD step lands on the maximum")
    left.legend(loc="upper center", fontsize=7)

    magnitude = np.linspace(MINIMUM * 1.005, max(abs(m["x0"]) for m in summary["family"]) + 0.5,
                            400)
    right.plot(magnitude, 1.0 / (4 * magnitude**2 - 8), color="k", linewidth=1.2,
               label="lr = 1 / (4x0² − 8)")
    right.plot([abs(m["x0"]) for m in summary["family"]], [m["lr"] for m in summary["family"]],
               "o", color=PALETTE[0], markersize=4, label="family (x1 from the GD step)")
    pair = summary["write_up_pair"]
    right.plot(pair["x0"], pair["lr"], "o", markersize=9, markerfacecolor="none",
               markeredgecolor=PALETTE[1], label=f"write-up: √3, {pair['lr']:g}")
    right.axvline(MINIMUM, color="0.4", linestyle=":", linewidth=0.8, label="|x0| = √2")
    right.set_yscale("log")
    right.set_xlabel("|x0|")
    right.set_ylabel("lr (log scale)")
    right.set_title("the learning rate for each start")
    right.legend(loc="upper right")
    return fig


def draw_step(results: ExperimentResults) -> Figure:
    """The figure ``step``: :func:`one_step` of the summary, which lists the family."""
    return one_step(results.summary)
