"""The figures of age_mlp and age_linear_sgd, drawn from small fabricated summaries and histories
of the shapes the experiments write (summary.json read back: NaN is None)."""

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

from dlrepro.figures import age_linear_sgd as linear_plots
from dlrepro.figures import age_mlp as mlp_plots
from dlrepro.figures.style import save_figure
from dlrepro.experiments.regressors import age_linear_sgd, age_mlp
from dlrepro.results import ExperimentResults


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def by_gid(fig, gid):
    return [artist for artist in fig.findobj() if artist.get_gid() == gid]


def gid_prefix(fig, prefix):
    return [artist for artist in fig.findobj()
            if isinstance(artist.get_gid(), str) and artist.get_gid().startswith(prefix)]


def drawn(fig):
    """Per panel: its title, y tick labels and lines (label, gid, x, y)."""
    return [(ax.get_title(), [tick.get_text() for tick in ax.get_yticklabels()],
             [(line.get_label(), line.get_gid(), list(line.get_xdata()), list(line.get_ydata()))
              for line in ax.get_lines()]) for ax in fig.axes]


# --- age_mlp ---------------------------------------------------------------------------------

def mlp_history(epochs, level, seed, stop=None):
    epoch = np.arange(1, epochs + 1)
    decay = level + 1000 * np.exp(-epoch / 5) + seed
    history = pd.DataFrame({"epoch": epoch, "train_cost": decay * 1.1, "train_mse": decay,
                            "val_mse": decay * 1.05})
    if stop is not None:  # a diverged run: stops with an inf
        history = history.iloc[:stop].copy()
        history.loc[history.index[-1], ["train_mse", "val_mse"]] = math.inf
    return history


def mlp_summary(targets="raw", stand_in=True, variance=150.0):
    summary = {
        "targets": targets, "hidden": 64, "lr": 0.01, "epochs": 30, "batch_size": None,
        "seeds": [0, 1, 2],
        "final": {"train_mse": {"mean": 2.0, "std": 0.1}},
        "raw": {"train_mse": {"mean": 2.0 * (variance if targets == "standardised" else 1),
                              "std": 0.1},
                "test_mse_mean_predictor": {"mean": 180.0, "std": 1.0}},
        "constants": {"write_up": age_mlp.WRITE_UP},
    }
    if stand_in:
        summary["best_reachable"] = {"raw": 25.0, "standardised": 25.0 / variance}
    return summary


def test_mlp_curves_draw_median_band_write_up_and_best_line():
    histories = [mlp_history(30, 100, seed) for seed in range(3)]
    fig = mlp_plots.curves(histories, mlp_summary())
    (ax,) = fig.axes
    assert ax.get_yscale() == "log"
    lines = {line.get_label(): line for line in ax.get_lines()}
    median = lines["training MSE, median"]
    np.testing.assert_allclose(median.get_ydata(), histories[1]["train_mse"])  # seeds +0, +1, +2
    assert len(ax.collections) == 2  # one min–max band per curve
    # the write-up's ten logged points, "Epoch k" drawn at k + 1
    (val_points,) = by_gid(fig, "write_up_val_mse")
    assert list(val_points.get_xdata()) == [k + 1 for k in range(0, 1000, 100)]
    assert val_points.get_ydata()[-1] == pytest.approx(age_mlp.WRITE_UP["val_mse"])
    (best,) = by_gid(fig, "best_reachable")
    assert best.get_linestyle() == ":" and set(best.get_ydata()) == {25.0}
    (mean,) = by_gid(fig, "mean_predictor")
    assert set(mean.get_ydata()) == {180.0}


def test_mlp_curves_without_stand_in_have_no_best_line():
    fig = mlp_plots.curves([mlp_history(10, 100, 0)], mlp_summary(stand_in=False))
    assert by_gid(fig, "best_reachable") == []
    assert len(fig.axes[0].collections) == 0  # one seed: no band


def test_mlp_curves_convert_standardised_targets_to_years():
    variance = 150.0
    history = mlp_history(10, 0.5, 0)
    fig = mlp_plots.curves([history], mlp_summary(targets="standardised", variance=variance))
    line = next(line for line in fig.axes[0].get_lines() if line.get_label() == "training MSE")
    np.testing.assert_allclose(line.get_ydata(), history["train_mse"] * variance)


def test_mlp_curves_survive_a_diverged_run():
    histories = [mlp_history(30, 100, 0), mlp_history(30, 100, 1, stop=4)]
    fig = mlp_plots.curves(histories, mlp_summary())
    line = next(line for line in fig.axes[0].get_lines()
                if line.get_label() == "validation MSE, median")
    assert np.isfinite(line.get_ydata()).all()
    assert len(line.get_xdata()) == 30


def test_mlp_draw_curves_draws_every_run_in_run_order():
    histories = [mlp_history(30, 100, seed) for seed in range(3)]
    records = [{"run": f"seed{seed}", "seed": seed, "params": {"seed": seed}}
               for seed in range(3)]
    fig = mlp_plots.draw_curves(ExperimentResults(mlp_summary(), records, histories))
    assert drawn(fig) == drawn(mlp_plots.curves(histories, mlp_summary()))
    median = next(line for line in fig.axes[0].get_lines()
                  if line.get_label() == "training MSE, median")
    np.testing.assert_allclose(median.get_ydata(), histories[1]["train_mse"])


# --- age_linear_sgd ----------------------------------------------------------------------------

LRS, DIVERGING = [1e-5, 1e-4, 1e-3], [1e-1, 1.0]
BATCHES, CHECKPOINTS = [32, 64, 128], [2, 4, 6]


def linear_summary(selected=(1e-4, 64, 6), grid_diverged=()):
    """A summary as age_linear_sgd.summarise writes it, read back from JSON."""
    table, grid, divergence = [], {}, {}
    for lr in LRS + DIVERGING:
        diverged_runs = 0
        for batch in BATCHES:
            diverged = lr in DIVERGING or (lr, batch) in grid_diverged
            diverged_runs += 2 * diverged
            for epochs in CHECKPOINTS:
                val = None if diverged else (
                    0.8 + abs(math.log10(lr) + 4) / 10 + batch / 1e4 - epochs / 1e3)
                table.append({
                    "lr": lr, "batch_size": batch, "epochs": epochs, "in_grid": lr in LRS,
                    "seeds": 2, "val_mse": val, "val_mse_std": None if diverged else 0.01,
                    "train_mse": val, "test_mse": val, "diverged": diverged,
                    "raw": {"val_mse": None if diverged else val * 150},
                    "standardised": {"val_mse": val},
                })
                grid.setdefault(f"{lr:g}", {}).setdefault(str(batch), {})[str(epochs)] = val
        divergence[f"{lr:g}"] = {"lr": lr, "runs": 6, "diverged": diverged_runs,
                                 "fraction": diverged_runs / 6}
    lr, batch, epochs = selected
    chosen = next(row for row in table
                  if (row["lr"], row["batch_size"], row["epochs"]) == (lr, batch, epochs))
    return {
        "targets": "standardised", "checkpoints": CHECKPOINTS, "seeds": [0, 1],
        "grid": grid, "table": table, "selected": chosen, "divergence": divergence,
        "diverged_lrs": [entry["lr"] for entry in divergence.values() if entry["diverged"]],
        "mean_predictor": {"test_mse": 1.02, "raw": 160.0, "standardised": 1.02},
        "best_reachable": {"raw": 25.0, "standardised": 0.15},
        "constants": {"write_up": {**age_linear_sgd.WRITE_UP,
                                   "selected": {"lr": 1e-4, "batch_size": 64, "epochs": 6}}},
    }


def linear_histories(grid_diverged=()):
    histories = {}
    for lr in LRS + DIVERGING:
        for batch in BATCHES:
            runs = []
            for seed in range(2):
                epoch = np.arange(1, max(CHECKPOINTS) + 1)
                val = 1.0 - epoch * lr * 10 - batch / 1e4 + seed / 100
                if lr in DIVERGING or (lr, batch) in grid_diverged:
                    epoch, val = epoch[:2], np.array([1e30, math.inf])
                runs.append(pd.DataFrame({"epoch": epoch, "train_cost": val / 2,
                                          "train_fmse": val / 2, "val_mse": val}))
            histories[(lr, batch)] = runs
    return histories


def cell_centre(patch):
    x, y = patch.get_xy()
    return round(x + patch.get_width() / 2), round(y + patch.get_height() / 2)


def test_grid_has_one_heat_map_per_checkpoint_and_outlines_the_selection():
    summary = linear_summary(selected=(1e-3, 32, 4))
    fig = linear_plots.grid(summary)
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(panels) == len(CHECKPOINTS)
    assert [ax.get_title() for ax in panels] == [f"{epochs} epochs" for epochs in CHECKPOINTS]
    assert [tick.get_text() for tick in panels[0].get_yticklabels()] == [
        "1e-05", "0.0001", "0.001", "0.1", "1"]
    (outline,) = by_gid(fig, "selected")
    assert outline in panels[1].patches  # the 4-epoch panel
    assert not outline.get_fill() and outline.get_linewidth() >= 2
    assert cell_centre(outline) == (BATCHES.index(32), [*LRS, *DIVERGING].index(1e-3))
    # the write-up's selection (1e-4, 64, 6 epochs) is outlined too, dashed, in its own panel
    (theirs,) = by_gid(fig, "write_up_selected")
    assert theirs in panels[2].patches and theirs.get_linestyle() == "--"


def test_grid_marks_every_diverged_cell_and_only_those():
    summary = linear_summary(grid_diverged={(1e-3, 128)})
    fig = linear_plots.grid(summary)
    marked = gid_prefix(fig, "diverged:")
    # 2 diverging lrs × 3 batches × 3 panels, plus (1e-3, 128) in each panel
    assert len(marked) == 2 * 3 * 3 + 3
    assert {patch.get_gid() for patch in marked} >= {f"diverged:0.001:128:{e}" for e in CHECKPOINTS}
    assert all(isinstance(patch, Rectangle) and patch.get_hatch() for patch in marked)
    panel = fig.axes[0]
    texts = {(round(t.get_position()[0]), round(t.get_position()[1])): t.get_text()
             for t in panel.texts}
    assert texts[(BATCHES.index(128), LRS.index(1e-3))] == "diverged"
    value = summary["grid"]["0.0001"]["64"]["2"]  # a finite cell shows its value
    assert texts[(BATCHES.index(64), LRS.index(1e-4))] == f"{value:.4g}"
    # the diverged rows of the grid image are masked, not drawn as a colour
    image = panel.images[0].get_array()
    assert image.mask[LRS.index(1e-3), BATCHES.index(128)]
    assert not image.mask[LRS.index(1e-3), BATCHES.index(64)]


def test_grid_colours_lower_validation_error_lighter():
    fig = linear_plots.grid(linear_summary())
    image = fig.axes[0].images[0]
    rgba = image.to_rgba(image.get_array())
    best = np.nanargmin(np.ma.filled(image.get_array(), np.nan))
    worst = np.nanargmax(np.ma.filled(image.get_array(), np.nan))
    luminance = rgba[..., :3] @ np.array([0.3, 0.59, 0.11])
    assert luminance.flat[best] > luminance.flat[worst]


def test_curves_one_panel_per_grid_lr_and_checkpoints_marked():
    summary = linear_summary()
    histories = linear_histories()
    fig = linear_plots.curves(histories, summary)
    assert len(fig.axes) == len(LRS)
    assert [ax.get_title() for ax in fig.axes] == [f"lr {lr:g}" for lr in LRS]
    curves = gid_prefix(fig, "curve:")
    assert len(curves) == len(LRS) * len(BATCHES)
    (curve,) = by_gid(fig, "curve:0.0001:64")
    expected = np.mean([run["val_mse"] for run in histories[(1e-4, 64)]], axis=0)
    np.testing.assert_allclose(curve.get_ydata(), expected)
    (marks,) = by_gid(fig, "checkpoints:0.0001:64")
    assert list(marks.get_xdata()) == CHECKPOINTS
    np.testing.assert_allclose(marks.get_ydata(), expected[np.array(CHECKPOINTS) - 1])
    assert not gid_prefix(fig, "curve:0.1") and not gid_prefix(fig, "curve:1:")
    (note,) = by_gid(fig, "note")
    assert "0.1 (6 of 6 runs diverged)" in note.get_text() and "1 (6 of 6" in note.get_text()
    assert all(set(line.get_ydata()) == {0.15} for line in by_gid(fig, "best_reachable"))


def test_curves_leave_out_a_diverged_grid_cell_and_say_so():
    grid_diverged = {(1e-3, 128)}
    fig = linear_plots.curves(linear_histories(grid_diverged), linear_summary(
        grid_diverged=grid_diverged))
    assert not by_gid(fig, "curve:0.001:128")
    assert by_gid(fig, "curve:0.001:64")
    (note,) = by_gid(fig, "note")
    assert "lr 0.001, batch 128" in note.get_text()


def linear_results(summary, grid_diverged=()):
    """The runs as the summary rule reads them: one record per (lr, batch size, seed), with the
    lr and batch size as the run folder's wildcards spell them, and its history."""
    records, histories = [], []
    for (lr, batch), runs in linear_histories(grid_diverged).items():
        for seed, history in enumerate(runs):
            records.append({"run": f"lr{lr:g}-batch{batch}-seed{seed}", "seed": seed,
                            "params": {"lr": lr, "batch_size": batch,
                                       "seed": str(seed)}})
            histories.append(history)
    return ExperimentResults(summary, records, histories)


def test_linear_draw_grid_draws_the_summary_grid():
    summary = linear_summary(selected=(1e-3, 32, 4))
    fig = linear_plots.draw_grid(linear_results(summary))
    assert drawn(fig) == drawn(linear_plots.grid(summary))
    (outline,) = by_gid(fig, "selected")
    assert cell_centre(outline) == (BATCHES.index(32), [*LRS, *DIVERGING].index(1e-3))


def test_linear_draw_curves_groups_the_runs_by_lr_and_batch_size():
    grid_diverged = {(1e-3, 128)}
    summary = linear_summary(grid_diverged=grid_diverged)
    fig = linear_plots.draw_curves(linear_results(summary, grid_diverged))
    histories = linear_histories(grid_diverged)
    assert drawn(fig) == drawn(linear_plots.curves(histories, summary))
    assert len(gid_prefix(fig, "curve:")) == len(LRS) * len(BATCHES) - 1
    (curve,) = by_gid(fig, "curve:0.0001:64")
    expected = np.mean([run["val_mse"] for run in histories[(1e-4, 64)]], axis=0)
    np.testing.assert_allclose(curve.get_ydata(), expected)
    (note,) = by_gid(fig, "note")
    assert "lr 0.001, batch 128" in note.get_text() and "0.1 (6 of 6 runs" in note.get_text()


def test_figures_save_as_svg(tmp_path):
    fig = linear_plots.grid(linear_summary())
    save_figure(fig, tmp_path / "grid.svg", tmp_path / "grid.json", {"rule": "test"})
    assert (tmp_path / "grid.svg").read_text().lstrip().startswith("<?xml")
