"""The figures of the ist_* experiments, drawn from hand-made histories of the columns the runs
write and from summaries made by the experiments' own ``summarise`` (read back as JSON, so NaN
is None)."""

import json
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from dlrepro.experiments.ist import ist_linear, ist_mlp_numpy, ist_torch
from dlrepro.experiments.ist.variants import comparisons, variants
from dlrepro.figures import ist_linear as linear_plots
from dlrepro.figures import ist_mlp_numpy as mlp_plots
from dlrepro.figures import ist_quadratic as quadratic_plots
from dlrepro.figures import ist_torch as torch_plots
from dlrepro.results import ExperimentResults, to_json_safe


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def as_read_back(summary):
    return json.loads(json.dumps(to_json_safe(summary)))


def by_gid(fig, gid):
    return [artist for artist in fig.findobj() if artist.get_gid() == gid]


def labelled_lines(ax):
    return {line.get_label(): line for line in ax.get_lines()
            if not line.get_label().startswith("_")}


def drawn(fig):
    """What a figure shows: per panel its title, scales, bands and lines (label, gid, points),
    and the figure's legend entries and title."""
    panels = [(ax.get_title(), ax.get_xscale(), ax.get_yscale(), len(ax.collections),
               [(line.get_label(), line.get_gid(), np.asarray(line.get_xydata()).tolist())
                for line in ax.get_lines()])
              for ax in fig.axes]
    legends = [text.get_text() for legend in fig.legends for text in legend.get_texts()]
    return panels, legends, fig.get_suptitle()


# --- the shared seed curve --------------------------------------------------------------------

def test_seed_curve_takes_mean_min_max_over_the_finite_seeds():
    a = pd.DataFrame({"epoch": [1, 2, 3], "val_accuracy": [0.1, 0.2, 0.3]})
    b = pd.DataFrame({"epoch": [1, 2, 3], "val_accuracy": [0.3, 0.4, 0.5]})
    diverged = pd.DataFrame({"epoch": [1, 2], "val_accuracy": [0.5, math.inf]})  # stopped at epoch 2
    epochs, curve = linear_plots.seed_curve([a, b, diverged], "val_accuracy")
    assert list(epochs) == [1, 2, 3]
    np.testing.assert_allclose(curve["mean"], [0.3, 0.3, 0.4])
    np.testing.assert_allclose(curve["min"], [0.1, 0.2, 0.3])
    np.testing.assert_allclose(curve["max"], [0.5, 0.4, 0.5])


def test_seed_curve_leaves_out_epochs_without_a_finite_value():
    nan = pd.DataFrame({"epoch": [1, 2], "train_loss": [1.0, math.nan]})
    epochs, curve = linear_plots.seed_curve([nan], "train_loss")
    assert list(epochs) == [1] and list(curve["mean"]) == [1.0]


# --- ist_linear --------------------------------------------------------------------------------

EPOCHS = 6


def linear_history(model, seed):
    epoch = np.arange(1, EPOCHS + 1)
    rise = 1 - np.exp(-epoch / 3)
    history = {"epoch": epoch, "train_accuracy": 0.5 + 0.3 * rise + 0.01 * seed,
               "val_accuracy": 0.45 + 0.25 * rise + 0.01 * seed,
               "w_norm": (3.0 if model == "logistic_l2" else 10.0) * rise + seed}
    if model == "perceptron":
        history["mistakes"] = 100 - 10 * epoch
    else:
        history["train_loss"] = 2.0 - rise
        history["val_loss"] = 2.1 - rise
    return pd.DataFrame(history)


def linear_runs(models=ist_linear.VARIANTS, seeds=(0, 1, 2)):
    """The runs' histories by model, and the results a figure rule reads (runs model by model,
    seed by seed)."""
    histories, records, flat = {}, [], []
    for model in models:
        histories[model] = [linear_history(model, seed) for seed in seeds]
        for seed, history in zip(seeds, histories[model]):
            last = history.iloc[-1]
            metrics = {key: float(last[key]) for key in history if key != "epoch"}
            metrics.update(test_accuracy=float(last["val_accuracy"]) - 0.01,
                           w_norm_max=float(history["w_norm"].max()))
            records.append({"params": {"model": model, "seed": str(seed)}, "seed": seed,
                            "status": "ok", "metrics": metrics})
            flat.append(history)
    settings = {"epochs": EPOCHS, "lr": 1e-3, "l2": 0.01}
    summary = as_read_back(ist_linear.summarise(records, flat, settings))
    return histories, ExperimentResults(summary, records, flat)


def test_linear_accuracy_has_a_panel_per_model_with_both_curves_and_the_write_ups_test():
    histories, results = linear_runs()
    summary = results.summary
    fig = linear_plots.accuracy(histories, summary)
    assert [ax.get_title() for ax in fig.axes] == [
        "perceptron", "logistic regression", "logistic regression + ℓ2"]
    for ax, model in zip(fig.axes, ist_linear.VARIANTS):
        lines = labelled_lines(ax)
        assert set(lines) == {"training accuracy", "validation accuracy",
                              "test accuracy, last epoch", "write-up's test accuracy"}
        assert len(ax.collections) == 2  # a min–max band per curve
        np.testing.assert_allclose(lines["training accuracy"].get_ydata(),
                                   histories[model][1]["train_accuracy"])  # seeds +0, +0.01, +0.02
        (write_up,) = by_gid(fig, f"write_up_test_accuracy_{model}")
        assert set(write_up.get_ydata()) == {ist_linear.WRITE_UP[model]["test_accuracy"]}
        (ours,) = by_gid(fig, f"test_accuracy_{model}")
        assert list(ours.get_xdata()) == [EPOCHS]
        assert ours.get_ydata()[0] == pytest.approx(summary["variants"][model]["test_accuracy"]["mean"])


def test_linear_accuracy_draws_only_the_models_that_ran():
    histories, results = linear_runs(models=("logistic", "logistic_l2"))
    fig = linear_plots.accuracy(histories, results.summary)
    assert len(fig.axes) == 2 and by_gid(fig, "write_up_test_accuracy_perceptron") == []


def test_linear_norm_draws_both_logistic_models_and_the_write_ups_levels():
    histories, results = linear_runs()
    fig = linear_plots.norm(histories, results.summary)
    left, right = fig.axes
    lines = labelled_lines(left)
    assert set(lines) == {"without ℓ2", "with ℓ2", "write-up: about 25 without ℓ2",
                          "write-up: below 5 with ℓ2"}
    np.testing.assert_allclose(lines["with ℓ2"].get_ydata(),
                               histories["logistic_l2"][1]["w_norm"])
    assert set(by_gid(fig, "write_up_about")[0].get_ydata()) == {25.0}
    assert set(by_gid(fig, "write_up_below")[0].get_ydata()) == {5.0}
    assert len(labelled_lines(right)) == 4  # training and validation loss of each model
    assert len(right.collections) == 4


@pytest.mark.parametrize("name", ["accuracy", "norm"])
def test_linear_draw_groups_the_runs_by_model(name):
    histories, results = linear_runs()
    fig = getattr(linear_plots, f"draw_{name}")(results)
    assert drawn(fig) == drawn(getattr(linear_plots, name)(histories, results.summary))


# --- ist_mlp_numpy -------------------------------------------------------------------------------

def mlp_history(seed, epochs=5):
    epoch = np.arange(1, epochs + 1)
    return pd.DataFrame({"epoch": epoch, "train_loss": 2.3 - 0.1 * epoch - 0.01 * seed,
                         "train_accuracy": 0.2 + 0.05 * epoch, "val_accuracy": 0.18 + 0.05 * epoch,
                         "val_loss": 2.25 - 0.08 * epoch})


def mlp_results(histories):
    """The results a figure rule reads: one run per history, seed by seed."""
    records = []
    for seed, history in enumerate(histories):
        last = history.iloc[-1]
        records.append({"seed": seed, "status": "ok", "metrics": {
            "test_accuracy": 0.4, "val_accuracy": float(last["val_accuracy"]),
            "train_accuracy": float(last["train_accuracy"]), "train_loss": float(last["train_loss"]),
            "val_loss": float(last["val_loss"]),
            "first_train_loss": float(history["train_loss"].iloc[0]),
            "best_val_accuracy": float(history["val_accuracy"].max()), "best_val_epoch": len(history)}})
    settings = {"hidden": 16, "lr": 1e-3, "epochs": 5, "init_mean": 0.1, "init_std": 0.1}
    summary = as_read_back(ist_mlp_numpy.summarise(records, histories, settings))
    return ExperimentResults(summary, records, histories)


def test_mlp_curves_draw_accuracy_and_loss_panels():
    histories = [mlp_history(seed) for seed in range(3)]
    fig = mlp_plots.curves(histories, mlp_results(histories).summary)
    left, right = fig.axes
    assert set(labelled_lines(left)) == {"training", "validation", "test, last epoch",
                                         "write-up's test accuracy"}
    assert set(by_gid(fig, "write_up_test_accuracy")[0].get_ydata()) == {
        ist_mlp_numpy.WRITE_UP["test_accuracy"]}
    losses = labelled_lines(right)
    assert len(losses) == 2 and len(right.collections) == 2
    np.testing.assert_allclose(losses["training (examples as trained on)"].get_ydata(),
                               histories[1]["train_loss"])


def test_mlp_draw_curves_draws_every_run():
    histories = [mlp_history(seed) for seed in range(3)]
    results = mlp_results(histories)
    fig = mlp_plots.draw_curves(results)
    assert drawn(fig) == drawn(mlp_plots.curves(histories, results.summary))
    (test,) = by_gid(fig, "test_accuracy")
    assert list(test.get_xdata()) == [5]


# --- ist_torch ---------------------------------------------------------------------------------

TORCH_SETTINGS = {
    "logreg": {"batch_size": 32, "l2": 0.01, "epochs": 4},
    "mlp": {"hidden": 8, "layers": 2, "lr": 0.002, "l2": 0.0, "epochs": 4, "batch_size": 64,
            "dropout": 0.3, "momentum": 0.0},
    "lrs": [1e-5, 1e-3, 0.1], "batch_sizes": [64, 512], "dropouts": [0.01, 0.25, 0.5],
    "momentum_batch_size": 1024, "momentums": [0.0, 0.9], "seeds": [0, 1],
}


def torch_history(index, seed, epochs=4, spread=1.0):
    epoch = np.arange(1, epochs + 1)
    loss = (2.3 - 0.1 * epoch) * spread ** index + 0.01 * seed
    return pd.DataFrame({"epoch": epoch, "train_loss": loss, "train_accuracy": 0.2 + 0.05 * epoch,
                         "val_loss": loss + 0.05, "val_accuracy": 0.2 + 0.04 * epoch + 0.01 * index})


def torch_runs(spread=1.0):
    """The runs' histories by variant, and the results a figure rule reads (runs by variant,
    then seed)."""
    histories, records = {}, []
    for index, name in enumerate(variants(TORCH_SETTINGS)):
        histories[name] = [torch_history(index, seed, spread=spread) for seed in (0, 1)]
        for seed, history in zip((0, 1), histories[name]):
            last = history.iloc[-1]
            records.append({"params": {"variant": name, "seed": str(seed)}, "seed": seed,
                            "status": "ok", "metrics": {
                                "test_accuracy": float(last["val_accuracy"]),
                                "val_accuracy": float(last["val_accuracy"]),
                                "train_accuracy": float(last["train_accuracy"]),
                                "train_loss": float(last["train_loss"]),
                                "val_loss": float(last["val_loss"]), "test_loss": 1.0,
                                "val_loss_min": float(history["val_loss"].min()),
                                "val_loss_rise": 0.0, "val_accuracy_max": float(last["val_accuracy"])}})
    flat = [history for name in sorted({r["params"]["variant"] for r in records})
            for history in histories[name]]
    ordered = sorted(records, key=lambda r: (r["params"]["variant"], r["seed"]))
    summary = as_read_back(ist_torch.summarise(ordered, flat, TORCH_SETTINGS))
    return histories, ExperimentResults(summary, ordered, flat)


@pytest.mark.parametrize("name", ["lr", "batch", "dropout", "momentum"])
def test_torch_comparison_draws_each_variant_in_three_panels(name):
    histories, results = torch_runs()
    fig = torch_plots.comparison(histories, results.summary, name)
    points = comparisons(TORCH_SETTINGS)[name]
    assert [ax.get_title() for ax in fig.axes] == [
        "training loss", "validation loss", "validation accuracy"]
    for ax in fig.axes:
        assert len(labelled_lines(ax)) == len(points)
        assert len(ax.collections) == len(points)
    smallest = min(points, key=float)
    line = labelled_lines(fig.axes[2])[f"{torch_plots.NAMES[name]} {smallest}"]
    expected = np.mean([h["val_accuracy"] for h in histories[points[smallest]]], axis=0)
    np.testing.assert_allclose(line.get_ydata(), expected)
    for label in points:  # the write-up's final validation accuracy, at our last epoch
        (marker,) = by_gid(fig, f"write_up_val_accuracy_{label}")
        assert list(marker.get_xdata()) == [4]
        assert marker.get_ydata()[0] == ist_torch.WRITE_UP[name][label]["val_accuracy"]


def test_torch_loss_panels_go_to_log_scale_only_over_a_wide_range():
    histories, results = torch_runs(spread=1.0)
    assert fig_scales(torch_plots.comparison(histories, results.summary, "lr")) == ["linear"] * 3
    histories, results = torch_runs(spread=0.05)  # the variants' losses differ 400-fold
    assert fig_scales(torch_plots.comparison(histories, results.summary, "lr"))[:2] == [
        "log", "log"]


def fig_scales(fig):
    return [ax.get_yscale() for ax in fig.axes]


def test_torch_comparison_survives_a_variant_with_every_run_diverged():
    histories, results = torch_runs()
    name = comparisons(TORCH_SETTINGS)["lr"]["0.1"]
    histories[name] = [h.assign(train_loss=math.inf, val_loss=math.nan, val_accuracy=math.nan)
                       .iloc[:1] for h in histories[name]]
    fig = torch_plots.comparison(histories, results.summary, "lr")
    assert len(labelled_lines(fig.axes[0])) == 2  # nothing finite to draw for lr 0.1


@pytest.mark.parametrize("name", ["lr", "batch", "dropout", "momentum"])
def test_torch_draw_groups_the_runs_by_variant_for_each_comparison(name):
    histories, results = torch_runs(spread=0.9)  # each variant's curves its own
    fig = getattr(torch_plots, f"draw_{name}")(results)
    assert fig.get_suptitle() == torch_plots.TITLES[name]
    assert drawn(fig) == drawn(torch_plots.comparison(histories, results.summary, name))


# --- ist_quadratic ------------------------------------------------------------------------------

def quadratic_history(closed, seed):
    iteration = np.arange(0, 301, 10)
    gd = closed + 10.0 * 0.5 ** (iteration / 10)  # reaches the closed form up to rounding
    gd[iteration >= 250] = closed
    network = closed + 1.0 + 50.0 * np.exp(-iteration / 50) + seed
    history = pd.DataFrame({"iteration": iteration, "gd_mse": gd, "network_mse": network})
    history.loc[history["iteration"] > 280, "gd_mse"] = np.nan  # gradient descent stopped
    return history


def test_quadratic_fit_draws_each_seed_against_its_closed_form():
    closed = {0: 0.0095, 1: 0.011}
    histories = {seed: quadratic_history(value, seed) for seed, value in closed.items()}
    fig = quadratic_plots.training_curves(histories, closed, {"noise_variance": 0.01})
    left, right = fig.axes
    assert left.get_yscale() == right.get_yscale() == "log"
    for seed, value in closed.items():
        (gd,) = by_gid(fig, f"gd_mse_{seed}")
        assert len(gd.get_xdata()) == 29  # iterations 0 … 280: the NaN rows left out
        assert set(by_gid(fig, f"closed_form_{seed}")[0].get_ydata()) == {value}
        (excess,) = by_gid(fig, f"gd_mse_excess_{seed}")
        assert (excess.get_ydata() > 0).all()
        assert max(excess.get_xdata()) < 250  # where it equals the closed form: not drawn
        (network,) = by_gid(fig, f"network_mse_excess_{seed}")
        assert len(network.get_xdata()) == 31
    assert set(by_gid(fig, "noise")[0].get_ydata()) == {0.01}
    assert len(left.get_lines()) == 2 * 3 + 1  # per seed: GD, network, closed form; the noise


def test_quadratic_draw_fit_pairs_each_run_with_its_seeds_closed_form():
    closed = {0: 0.0095, 1: 0.011}
    histories = {seed: quadratic_history(value, seed) for seed, value in closed.items()}
    seeds = (1, 0)  # the runs in another order than the seeds
    records = [{"params": {"seed": str(seed)}, "seed": seed, "status": "ok",
                "metrics": {"closed_form_mse": closed[seed]}} for seed in seeds]
    summary = {"noise_variance": 0.01}
    results = ExperimentResults(summary, records, [histories[seed] for seed in seeds])
    fig = quadratic_plots.draw_fit(results)
    assert drawn(fig) == drawn(quadratic_plots.training_curves(histories, closed, summary))
