"""The two runs' curves in one figure per experiment, drawn from their histories (nothing is
trained again): the mean over seeds of each run setting, the old run dashed, the new solid."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from dlrepro.figures.style import new_figure, plt
from dlrepro.metrics import CURVE_PREFERENCE

STEPS = ("epoch", "iteration", "step")
SEED = re.compile(r"-?seed\d+")
MOST_SETTINGS = 6


def setting_means(experiment_dir: Path) -> dict[str, pd.DataFrame]:
    """Per run setting (the run folder's name without its seed): the histories' mean over
    seeds, step by step, up to the shortest one."""
    groups: dict[str, list[pd.DataFrame]] = {}
    for path in sorted(experiment_dir.glob("*/history.csv")):
        setting = SEED.sub("", path.parent.name) or "runs"
        groups.setdefault(setting, []).append(pd.read_csv(path))
    means = {}
    for setting, histories in groups.items():
        numeric = [history.select_dtypes("number") for history in histories]
        length = min(len(history) for history in numeric)
        columns = sorted(set.intersection(*(set(history.columns) for history in numeric)))
        if length and columns:
            stacked = pd.concat([history[columns].iloc[:length] for history in numeric])
            means[setting] = stacked.groupby(level=0).mean()
    return means


def _one_curve(frame: pd.DataFrame) -> bool:
    """A history holds one curve when its steps increase; several trajectories stacked in one
    file (their steps restarting) are no curve to overlay."""
    step = next((name for name in STEPS if name in frame.columns), None)
    return step is None or frame[step].is_monotonic_increasing


def _column(old: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame], settings: list[str]):
    shared = set.intersection(*(set(frame.columns) for side in (old, new)
                                for setting, frame in side.items() if setting in settings))
    return next((name for name in CURVE_PREFERENCE if name in shared), None)


def overlay_svg(experiment: str, old_dir: Path, new_dir: Path) -> str | None:
    """The overlay of one experiment as SVG text; None when the runs share no curve."""
    old, new = setting_means(old_dir), setting_means(new_dir)
    settings = sorted(set(old) & set(new))[:MOST_SETTINGS]
    if not settings:
        return None
    column = _column(old, new, settings)
    if column is None or not all(_one_curve(side[setting]) for side in (old, new)
                                 for setting in settings):
        return None
    fig, ax = new_figure()
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, setting in enumerate(settings):
        colour = colours[index % len(colours)]
        for frame, style, side in ((old[setting], "--", "old"), (new[setting], "-", "new")):
            step = next((name for name in STEPS if name in frame.columns), None)
            x = frame[step] if step else frame.index
            ax.plot(x, frame[column], linestyle=style, color=colour, linewidth=1.2,
                    label=f"{setting} ({side})")
    values = pd.concat([side[setting][column] for side in (old, new) for setting in settings])
    if (values > 0).all() and values.max() / values.min() > 100:
        ax.set_yscale("log")
    ax.set_title(f"{experiment}: {column}, mean over seeds (old dashed, new solid)")
    ax.set_xlabel(next((name for name in STEPS if name in old[settings[0]].columns), "step"))
    ax.legend(ncols=2, fontsize=7)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def overlays(experiments: list[str], old_results: Path | None,
             new_results: Path | None) -> dict[str, str]:
    """Every experiment whose curves both results folders have, as SVG text."""
    if old_results is None or new_results is None:
        return {}
    figures = {}
    for experiment in experiments:
        svg = overlay_svg(experiment, old_results / experiment, new_results / experiment)
        if svg is not None:
            figures[experiment] = svg
    return figures
