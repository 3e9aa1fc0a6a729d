"""One look for every figure, and the record that travels with each one into the report."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from dlrepro.results import atomic_write_bytes, write_json  # noqa: E402

RC = {
    "figure.figsize": (7.0, 3.2),
    "figure.dpi": 100,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "svg.fonttype": "path",  # text as outlines: the SVG needs no font on the reader's machine
    "svg.hashsalt": "dlrepro",  # stable element ids: the same data gives the same file
}

#: One colour per optimiser or setting, used the same way in every figure.
COLOURS = {
    "gd": "#1f77b4",
    "momentum": "#d62728",
    "rmsprop": "#2ca02c",
    "adam": "#9467bd",
}

LABELS = {"gd": "GD", "momentum": "GD + momentum", "rmsprop": "RMSProp", "adam": "Adam"}


def new_figure(ncols: int = 1, **kwargs: Any):
    plt.rcParams.update(RC)
    return plt.subplots(1, ncols, layout="constrained", **kwargs)


def save_figure(fig, svg_path: str | Path, meta_path: str | Path, meta: dict[str, Any]) -> None:
    """Write the SVG (no timestamp, so reruns give identical bytes) and its provenance record."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    atomic_write_bytes(svg_path, buffer.getvalue())
    write_json(meta_path, {"path": str(svg_path), **meta})


def band(ax, epochs, curve: dict[str, list[float]], colour: str, style: str, label: str,
         scale: float = 1.0) -> None:
    """A seed mean as a line and the range over seeds as a band (positive where the values are,
    so it suits a log scale too); whole epochs on the x axis. ``scale`` multiplies the values
    (100: a fraction shown in percent)."""
    if scale != 1.0:
        curve = {key: np.asarray(curve[key], dtype=float) * scale for key in ("min", "max", "mean")}
    ax.fill_between(epochs, curve["min"], curve["max"], color=colour, alpha=0.18, linewidth=0)
    ax.plot(epochs, curve["mean"], color=colour, linestyle=style, linewidth=1.3, label=label)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
