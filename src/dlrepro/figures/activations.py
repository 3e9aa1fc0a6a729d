"""Figure of ``activations``: the three functions and their autograd derivatives."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from dlrepro.experiments.functions.activations import ACTIVATIONS
from dlrepro.figures.style import new_figure
from dlrepro.results import ExperimentResults

COLOURS = {"leaky_relu": "#1f77b4", "softplus_3x": "#d62728", "log_exp_affine": "#2ca02c"}

#: Legend labels in matplotlib mathtext.
LABELS = {
    "leaky_relu": "leaky ReLU",
    "softplus_3x": r"$\ln(e^{3x} + 1)$",
    "log_exp_affine": r"$\ln(e^{3x+1})$",
}


def functions_and_derivatives(history: pd.DataFrame):
    """f (left) and f′ by autograd (right); dashed: the write-up's 3e^x/(e^{3x} + 1) beside the
    autograd derivative of ln(e^{3x} + 1)."""
    fig, (left, right) = new_figure(2)
    x = history["x"]
    for name in ACTIVATIONS:
        colour = COLOURS[name]
        left.plot(x, history[f"f_{name}"], color=colour, linewidth=1.2, label=LABELS[name])
        right.plot(x, history[f"df_{name}"], color=colour, linewidth=1.2)
    right.plot(x, history["df_softplus_3x_written"], color=COLOURS["softplus_3x"],
               linestyle="--", linewidth=1.2,
               label=r"write-up: $3e^{x}/(e^{3x} + 1)$")
    left.set_title("f(x)")
    right.set_title("f′(x): autograd solid, the write-up's dashed")
    right.set_ylim(-0.15, 3.6)
    for ax in (left, right):
        ax.set_xlabel("x")
    # Colours are named once, on the left; the right legend names only the dashed curve and
    # sits in the band above f′ = 3 that the raised y limit leaves free of curves.
    left.legend(loc="upper left")
    right.legend(handles=right.get_lines()[-1:], loc="upper left", bbox_to_anchor=(0.0, 1.0))
    return fig


def draw_derivatives(results: ExperimentResults) -> Figure:
    """The figure ``derivatives``: :func:`functions_and_derivatives` of the one run."""
    [history] = results.histories
    return functions_and_derivatives(history)
