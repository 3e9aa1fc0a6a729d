"""Figure of ``batchnorm``: training loss, training accuracy and test accuracy per epoch, for each
network and learning rate: the seed mean, and a band from the lowest to the highest seed."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from dlrepro.figures.style import band, new_figure
from dlrepro.metrics import display_scale
from dlrepro.results import ExperimentResults

#: (colour, line style) per network and per small/large learning rate.
STYLE = {
    ("plain", "small"): ("#1f77b4", "-"),
    ("plain", "large"): ("#1f77b4", "--"),
    ("batchnorm", "small"): ("#d62728", "-"),
    ("batchnorm", "large"): ("#d62728", "--"),
}
LABELS = {"plain": "plain", "batchnorm": "BatchNorm"}
PANELS = (
    ("train_loss", "training loss (cross-entropy)"),
    ("train_accuracy", "training accuracy (%)"),
    ("test_accuracy", "test accuracy (%, eval mode)"),
)


def curves(summary: dict[str, Any]):
    """Three panels over epochs; one line per network × lr (solid: small lr, dashed: large)."""
    fig, axes = new_figure(3, figsize=(7.4, 2.9))
    lrs = {"small": summary["small_lr"], "large": summary["large_lr"]}
    for (model, size), (colour, style) in STYLE.items():
        entry = summary["models"][model][lrs[size]]
        if not entry["curves"]:
            continue  # every seed diverged: nothing finite to draw
        label = f"{LABELS[model]}, lr {lrs[size]}"
        epochs = entry["curves"]["epoch"]
        for ax, (column, _) in zip(axes, PANELS):
            band(ax, epochs, entry["curves"][column], colour, style, label,
                 scale=display_scale(column))
    for ax, (column, title) in zip(axes, PANELS):
        ax.set_title(title)
        ax.set_xlabel("epoch")
    axes[0].set_yscale("log")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=4)
    return fig


def draw_curves(results: ExperimentResults) -> Figure:
    """The figure ``curves``: :func:`curves` of the summary."""
    return curves(results.summary)
