"""Figures of ``age_linear_sgd``: the validation grid as heat maps, and the validation curves.

Errors are in the units the targets were trained in (``summary["targets"]``): standardised ages
by default, where predicting the training mean scores about 1, or years².
"""

from __future__ import annotations

import math
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib import colors as mcolors
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator

from dlrepro.figures.style import new_figure
from dlrepro.results import ExperimentResults, value_label

#: One colour per batch size, the same in every panel.
BATCH_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")
DIVERGED_FACE = "0.85"
BEST_COLOUR = "0.2"


def plain_log_ticks(ax) -> None:
    """Tick labels on a log axis as plain numbers (0.3, 1, 200), not powers of ten."""
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    low, high = ax.get_ylim()
    if low > 0 and high / low < 30:  # under a decade and a half: label 2, 3 and 5 as well
        ax.yaxis.set_minor_formatter(FuncFormatter(
            lambda value, _: f"{value:g}" if f"{value:.1e}"[0] in "235" else ""))


def units(summary: dict[str, Any]) -> str:
    return "standardised ages" if summary.get("targets") == "standardised" else "years²"


def _finite(value: Any) -> bool:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)


def _cells(summary: dict[str, Any]) -> tuple[list[float], list[int], list[int], dict]:
    """The lrs (the grid's first, then those run only to show divergence), batch sizes and
    checkpoints of the table, and (lr, batch, epochs) -> row."""
    rows = {(float(row["lr"]), int(row["batch_size"]), int(row["epochs"])): row
            for row in summary["table"]}
    in_grid = {float(row["lr"]) for row in summary["table"] if row.get("in_grid", True)}
    lrs = sorted({key[0] for key in rows}, key=lambda lr: (lr not in in_grid, lr))
    batches = sorted({key[1] for key in rows})
    epochs = sorted(int(epoch) for epoch in summary["checkpoints"])
    return lrs, batches, epochs, rows


def _is_diverged(row: dict[str, Any] | None) -> bool:
    return row is None or bool(row.get("diverged")) or not _finite(row.get("val_mse"))


def grid(summary: dict[str, Any]):
    """Mean validation MSE over seeds, lr (rows) × batch size (columns), one panel per
    checkpoint epoch count. Diverged cells are grey and crossed; the selected cell has a thick
    black outline, the write-up's selection (when among the cells) a dashed one. Learning rates
    outside the grid selected from (run only to show divergence) are below a line."""
    lrs, batches, epochs, rows = _cells(summary)
    fig, axes = new_figure(len(epochs), figsize=(7.0, 0.55 * len(lrs) + 1.6), sharey=True,
                           squeeze=False)
    axes = axes[0]
    finite = [row["val_mse"] for row in rows.values() if not _is_diverged(row)]
    low, high = (min(finite), max(finite)) if finite else (0.1, 1.0)
    norm = (mcolors.LogNorm(low, high) if low > 0 and high / low > 10
            else mcolors.Normalize(low, high if high > low else low + 1e-12))
    cmap = colormaps["viridis_r"]
    selected = summary.get("selected") or {}
    write_up = summary.get("constants", {}).get("write_up", {}).get("selected") or {}
    in_grid = {float(row["lr"]) for row in summary["table"] if row.get("in_grid", True)}

    image = None
    for ax, epoch in zip(axes, epochs):
        values = np.full((len(lrs), len(batches)), np.nan)
        for i, lr in enumerate(lrs):
            for j, batch in enumerate(batches):
                row = rows.get((lr, batch, epoch))
                if not _is_diverged(row):
                    values[i, j] = row["val_mse"]
        image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, norm=norm, aspect="auto")
        for i, lr in enumerate(lrs):
            for j, batch in enumerate(batches):
                row = rows.get((lr, batch, epoch))
                if _is_diverged(row):
                    ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=DIVERGED_FACE,
                                           edgecolor="white", hatch="xx", linewidth=0.5,
                                           gid=f"diverged:{value_label(lr)}:{batch}:{epoch}"))
                    ax.text(j, i, "diverged", ha="center", va="center", fontsize=7,
                            color="0.25")
                else:
                    value = values[i, j]
                    dark = norm(value) > 0.55
                    ax.text(j, i, f"{value:.4g}", ha="center", va="center", fontsize=7,
                            color="white" if dark else "black")
        if (selected and int(selected["epochs"]) == epoch
                and float(selected["lr"]) in lrs and int(selected["batch_size"]) in batches):
            i, j = lrs.index(float(selected["lr"])), batches.index(int(selected["batch_size"]))
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black",
                                   linewidth=2.4, gid="selected", zorder=5))
        if (write_up and int(write_up["epochs"]) == epoch
                and float(write_up["lr"]) in lrs and int(write_up["batch_size"]) in batches):
            i, j = lrs.index(float(write_up["lr"])), batches.index(int(write_up["batch_size"]))
            ax.add_patch(Rectangle((j - 0.42, i - 0.42), 0.84, 0.84, fill=False,
                                   edgecolor="#ff7f0e", linewidth=1.4, linestyle="--",
                                   gid="write_up_selected", zorder=6))
        outside = [i for i, lr in enumerate(lrs) if lr not in in_grid]
        if outside and len(outside) < len(lrs):
            ax.axhline(min(outside) - 0.5, color="black", linewidth=1.0)
        ax.set_xticks(range(len(batches)), [str(batch) for batch in batches])
        ax.set_yticks(range(len(lrs)), [value_label(lr) for lr in lrs])
        ax.grid(False)
        ax.set_xlabel("batch size")
        ax.set_title(f"{epoch} epochs")
    axes[0].set_ylabel("learning rate")
    if image is not None:
        bar = fig.colorbar(image, ax=list(axes), shrink=0.9)
        bar.set_label(f"validation MSE ({units(summary)})")
    return fig


def _mean_curve(runs: list[pd.DataFrame]) -> pd.Series | None:
    """Seed mean of the validation MSE per epoch; None when any run did not stay finite."""
    table = pd.concat([run.set_index("epoch")["val_mse"] for run in runs], axis=1)
    values = np.array(table.to_numpy(dtype=float), dtype=float)  # a copy: may be a view
    if not np.isfinite(values).all():
        return None
    return pd.Series(values.mean(axis=1), index=table.index)


def curves(histories: dict[tuple[float, int], list[pd.DataFrame]], summary: dict[str, Any]):
    """Validation MSE per epoch, seed mean, one panel per learning rate of the grid and one line
    per batch size; the checkpoint epochs are marked on each line. Learning rates outside the
    grid, and any (lr, batch size) with a run that diverged, are not drawn (a note says which).
    Dotted: the best reachable MSE on stand-in data; dash-dot: predicting the training mean."""
    grid_lrs = sorted({float(row["lr"]) for row in summary["table"] if row.get("in_grid", True)})
    if not grid_lrs:
        grid_lrs = sorted({float(lr) for lr, _ in histories})
    batches = sorted({int(batch) for _, batch in histories})
    checkpoints = sorted(int(epoch) for epoch in summary["checkpoints"])
    fig, axes = new_figure(len(grid_lrs), figsize=(7.0, 3.3), sharey=True, squeeze=False)
    axes = axes[0]
    left_out: list[str] = []
    best = summary.get("best_reachable") or {}
    best_value = best.get(summary.get("targets", "raw"))
    baseline = (summary.get("mean_predictor") or {}).get("test_mse")
    for ax, lr in zip(axes, grid_lrs):
        for colour, batch in zip(BATCH_COLOURS * 4, batches):
            runs = histories.get((lr, batch)) or histories.get((float(lr), int(batch)))
            if not runs:
                continue
            mean = _mean_curve(runs)
            if mean is None:
                left_out.append(f"lr {value_label(lr)}, batch {batch}")
                continue
            ax.plot(mean.index, mean.to_numpy(), color=colour, linewidth=1.2,
                    label=f"batch {batch}", gid=f"curve:{value_label(lr)}:{batch}")
            marks = [epoch for epoch in checkpoints if epoch in mean.index]
            ax.plot(marks, mean.loc[marks].to_numpy(), linestyle="none", marker="o",
                    markersize=4, color=colour, gid=f"checkpoints:{value_label(lr)}:{batch}")
        if _finite(baseline):
            ax.axhline(baseline, color="0.45", linestyle="-.", linewidth=1.0,
                       label="predicting the training mean (test)")
        if _finite(best_value):
            ax.axhline(best_value, color=BEST_COLOUR, linestyle=":", linewidth=1.4,
                       label="best reachable (stand-in)", gid="best_reachable")
        for epoch in checkpoints:
            ax.axvline(epoch, color="0.7", linewidth=0.6, linestyle="--", zorder=0)
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.set_xlabel("epoch")
        ax.set_title(f"lr {value_label(lr)}")
    axes[0].set_ylabel(f"validation MSE, {units(summary)} (log)")
    plain_log_ticks(axes[0])
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes[1:]:  # a batch size drawn only where another panel left it out
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    handles.append(Line2D([], [], linestyle="none", marker="o", markersize=4, color="0.3"))
    labels.append("checkpoint epochs (the grid's cells)")
    fig.legend(handles, labels, loc="outside upper center", ncol=min(len(labels), 3))

    outside = sorted({float(lr) for lr, _ in histories} - set(grid_lrs))
    divergence = summary.get("divergence", {})
    notes = []
    if outside:
        described = []
        for lr in outside:
            entry = divergence.get(value_label(lr), {})
            if entry.get("runs"):
                described.append(f"{value_label(lr)} ({entry['diverged']} of {entry['runs']} "
                                 "runs diverged)")
            else:
                described.append(value_label(lr))
        notes.append("Not drawn, outside the grid: lr " + ", ".join(described) + ".")
    if left_out:
        notes.append("Not drawn, a run diverged: " + "; ".join(left_out) + ".")
    if notes:
        fig.supxlabel(" ".join(notes), fontsize=8, color="0.25", gid="note")
    return fig


def draw_grid(results: ExperimentResults) -> Figure:
    """The figure ``grid``: :func:`grid` of the summary."""
    return grid(results.summary)


def draw_curves(results: ExperimentResults) -> Figure:
    """The figure ``curves``: :func:`curves` of every run's history, grouped by (lr, batch
    size)."""
    histories = results.grouped(itemgetter("lr", "batch_size"))
    return curves(histories, results.summary)
