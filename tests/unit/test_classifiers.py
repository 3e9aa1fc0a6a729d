"""The torch classifiers: one run, and the summaries and figures of the ``batchnorm`` and
``lr_schedule`` experiments on hand-made runs."""

import json
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import torch

from dlrepro.data.base import DataSet
from dlrepro.experiments.classifiers import batchnorm, lr_schedule, mlp
from dlrepro.figures import batchnorm as batchnorm_plots
from dlrepro.figures import lr_schedule as lr_schedule_plots
from dlrepro.experiments.seed_stats import over_seeds
from dlrepro.results import (
    STATUS_DIVERGED,
    STATUS_OK,
    ExperimentResults,
    run_record,
    to_json_safe,
    value_label,
)

COLUMNS = ["epoch", "lr", "train_loss", "train_accuracy", "max_batch_loss", "test_loss",
           "test_accuracy"]
SETTINGS = {"hidden": [5], "momentum": 0.9, "batch_size": 8}


def toy_data(seed=0, n_train=40, n_test=12, classes=3, info=None):
    rng = np.random.default_rng(seed)
    return DataSet(
        {"X_train": rng.integers(0, 256, size=(n_train, 4, 4), dtype=np.uint8),
         "y_train": np.arange(n_train) % classes,
         "X_test": rng.integers(0, 256, size=(n_test, 4, 4), dtype=np.uint8),
         "y_test": np.arange(n_test) % classes},
        {"classes": classes, "stand_in": True, "name": "toy"} if info is None else info,
    )


@pytest.fixture(scope="module")
def toy():
    return toy_data()


# ------------------------------------------------------------------------------- train_run


def test_train_run_history_and_metrics(toy):
    result = mlp.train_run(SETTINGS, toy, 0, "cpu", batchnorm=False, lr=0.1, epochs=3)
    history = result.history
    assert list(history.columns) == COLUMNS
    assert history["epoch"].tolist() == [1, 2, 3]
    assert history["lr"].tolist() == [0.1, 0.1, 0.1]
    for column, n in (("train_accuracy", 40), ("test_accuracy", 12)):
        values = history[column].to_numpy()
        assert ((values >= 0) & (values <= 1)).all()  # a fraction of the rows, not percent
        np.testing.assert_allclose(values * n, np.round(values * n), atol=1e-9)
    metrics = result.metrics
    last = history.iloc[-1]
    for column in ("train_loss", "train_accuracy", "test_loss", "test_accuracy"):
        assert metrics[f"final_{column}"] == last[column]
    assert metrics["epochs_completed"] == 3
    assert metrics["mean_test_accuracy"] == pytest.approx(history["test_accuracy"].mean())
    assert metrics["mean_train_accuracy"] == pytest.approx(history["train_accuracy"].mean())
    assert metrics["first_epoch_max_batch_loss"] == history["max_batch_loss"].iloc[0]
    assert metrics["initial_loss_chance"] == pytest.approx(math.log(3))
    assert result.status == STATUS_OK
    assert result.data["stand_in"] is True and result.data["name"] == "toy"


def test_train_run_is_reproducible_by_seed(toy):
    def run(seed):
        return mlp.train_run(SETTINGS, toy, seed, "cpu", batchnorm=False, lr=0.1,
                             epochs=2).history

    first = run(5)
    pd.testing.assert_frame_equal(first, run(5))
    assert not first[["train_loss", "test_loss"]].equals(run(6)[["train_loss", "test_loss"]])


def test_train_run_with_batchnorm_and_a_step_schedule(toy):
    result = mlp.train_run(SETTINGS, toy, 1, "cpu", batchnorm=True, lr=0.1, epochs=3,
                           step_size=1, gamma=0.5)
    assert result.history["lr"].tolist() == pytest.approx([0.1, 0.05, 0.025])
    assert result.status == STATUS_OK and result.metrics["epochs_completed"] == 3


def test_train_run_reads_the_class_count_from_the_labels_without_info():
    data = toy_data(n_train=16, n_test=4, classes=4, info={"stand_in": False, "name": "toy4"})
    result = mlp.train_run({**SETTINGS, "batch_size": 16}, data, 0, "cpu", batchnorm=False,
                           lr=0.1, epochs=1)
    assert result.metrics["initial_loss_chance"] == pytest.approx(math.log(4))


def test_a_run_that_stops_on_a_non_finite_loss_is_diverged(toy):
    result = mlp.train_run(SETTINGS, toy, 0, "cpu", batchnorm=False, lr=math.inf, epochs=3)
    metrics = result.metrics
    assert result.status == STATUS_DIVERGED
    assert metrics["epochs_completed"] == len(result.history) < 3
    for key in ("final_train_loss", "final_train_accuracy", "final_test_loss",
                "final_test_accuracy", "mean_test_accuracy", "mean_train_accuracy"):
        assert math.isnan(metrics[key]), key
    assert metrics["initial_loss_chance"] == pytest.approx(math.log(3))
    record = run_record(experiment="batchnorm", run="plain-lrinf-seed0", params={}, seed=0,
                        result=result, provenance={})
    assert record["status"] == STATUS_DIVERGED
    assert to_json_safe(record["metrics"])["final_test_accuracy"] is None


@pytest.mark.parametrize("epochs", [0, -1])
def test_train_run_refuses_fewer_than_one_epoch(toy, epochs):
    with pytest.raises(ValueError, match="epochs"):
        mlp.train_run(SETTINGS, toy, 0, "cpu", batchnorm=False, lr=0.1, epochs=epochs)


# ------------------------------------------------------------------------------- seed stats


def test_over_seeds_is_the_population_std_keeps_each_seed_and_propagates_missing_values():
    assert over_seeds({3: 1.0, 0: 3.0}) == {"mean": 2.0, "std": 1.0, "n": 2,
                                           "per_seed": {"0": 3.0, "3": 1.0}}
    missing = over_seeds({0: 1.0, 1: None})
    assert math.isnan(missing["mean"]) and math.isnan(missing["per_seed"]["1"])


# ------------------------------------------------------------------------------- batchnorm


def test_epochs_to_reach():
    assert batchnorm.epochs_to_reach([50, 60, 70], 60) == 2
    assert batchnorm.epochs_to_reach([50, 60, 70], 10) == 1
    assert batchnorm.epochs_to_reach([50, 60, 70], 59.5) == 2
    # never reached: one past the last epoch, the slowest possible, not a missing value
    assert batchnorm.epochs_to_reach([50, 60, 70], 70.5) == 4


def history(test_accuracy, train_loss=None, lr=0.01):
    """A run's curve with every history column; train_loss defaults to falling from 1."""
    epochs = len(test_accuracy)
    train_loss = [1.0 / (k + 1) for k in range(epochs)] if train_loss is None else train_loss
    return pd.DataFrame({
        "epoch": list(range(1, epochs + 1)), "lr": [lr] * epochs,
        "train_loss": train_loss, "train_accuracy": [a + 1.0 for a in test_accuracy],
        "max_batch_loss": [2.0 * loss for loss in train_loss],
        "test_loss": train_loss, "test_accuracy": test_accuracy,
    })


def test_curves_are_seed_statistics_up_to_the_shortest_run():
    out = batchnorm.curves([history([10.0, 20.0, 30.0]), history([20.0, 40.0])])
    assert out["epoch"] == [1, 2]
    assert out["test_accuracy"] == {"mean": [15.0, 30.0], "std": [5.0, 10.0],
                                    "min": [10.0, 20.0], "max": [20.0, 40.0]}
    assert set(out) == {"epoch", *batchnorm.CURVES}


def bn_record(model, lr, seed, status="ok", **metrics):
    return {"seed": seed, "status": status,
            "params": {"model": model, "lr": float(lr), "seed": seed},  # typed, as recorded
            "metrics": metrics}


def finals(test, train, train_loss, max_batch=2.0):
    return {"final_test_accuracy": test, "final_train_accuracy": train,
            "final_train_loss": train_loss, "mean_test_accuracy": test - 5,
            "mean_train_accuracy": train - 5, "first_epoch_max_batch_loss": max_batch}


def batchnorm_runs():
    """2 models × 2 lrs × 2 seeds, interleaved (summarise must match by params, not position)."""
    runs = [
        (bn_record("plain", "0.01", 0, **finals(90.0, 95.0, 0.2)),
         history([80.0, 85.0, 90.0], [1.0, 0.5, 0.2])),
        (bn_record("batchnorm", "0.5", 0, **finals(95.0, 99.0, 0.05)),
         history([90.0, 94.0, 95.0], lr=0.5)),
        (bn_record("batchnorm", "0.01", 0, **finals(94.0, 97.0, 0.1)),
         history([88.0, 93.0, 94.0], [0.5, 0.2, 0.1])),
        (bn_record("plain", "0.5", 1, **finals(12.0, 11.0, 2.3)),
         history([11.0, 12.0, 12.0], lr=0.5)),
        (bn_record("plain", "0.01", 1, **finals(92.0, 96.0, 0.15)),
         history([82.0, 89.0, 92.0], [0.8, 0.4, 0.15])),
        (bn_record("plain", "0.5", 0, **finals(10.0, 10.0, 2.3)),
         history([10.0, 10.0, 10.0], lr=0.5)),
        (bn_record("batchnorm", "0.01", 1, **finals(97.0, 99.0, 0.05)),
         history([90.0, 95.0, 97.0], [0.3, 0.1, 0.05])),
        (bn_record("batchnorm", "0.5", 1, **finals(93.0, 98.0, 0.06)),
         history([89.0, 92.0, 93.0], lr=0.5)),
    ]
    return [record for record, _ in runs], [curve for _, curve in runs]


def test_batchnorm_summarise_on_hand_made_runs():
    records, histories = batchnorm_runs()
    summary = batchnorm.summarise(records, histories, {"lrs": [0.5, 0.01], "epochs": 3})
    assert summary["small_lr"] == "0.01" and summary["large_lr"] == "0.5"
    assert summary["epochs"] == 3
    plain_small = summary["models"]["plain"]["0.01"]
    assert plain_small["runs"] == 2 and plain_small["diverged_runs"] == 0
    assert plain_small["final_test_accuracy"] == {"mean": 91.0, "std": 1.0, "n": 2,
                                                  "per_seed": {"0": 90.0, "1": 92.0}}
    assert plain_small["final_train_loss"]["mean"] == pytest.approx(0.175)
    assert plain_small["curves"]["test_accuracy"]["mean"] == [81.0, 87.0, 91.0]
    # (a) convergence: each seed's target is its plain network's final accuracy at the small
    # lr (90 and 92), reached by plain at epoch 3 in both seeds and by BatchNorm at epoch 2
    convergence = summary["convergence"]
    assert convergence["target_test_accuracy"]["per_seed"] == {"0": 90.0, "1": 92.0}
    assert convergence["epochs_to_target"]["plain"]["per_seed"] == {"0": 3.0, "1": 3.0}
    assert convergence["epochs_to_target"]["batchnorm"]["per_seed"] == {"0": 2.0, "1": 2.0}
    assert convergence["first_epoch_train_loss"]["plain"]["per_seed"] == {"0": 1.0, "1": 0.8}
    assert convergence["first_epoch_train_loss"]["batchnorm"]["mean"] == pytest.approx(0.4)
    # (b) the large lr, below each seed's plain small-lr accuracy: 90 − 10, 92 − 12 for plain,
    # 90 − 95, 92 − 93 for BatchNorm
    assert summary["large_lr_test_accuracy"]["plain"]["mean"] == 11.0
    assert summary["large_lr_test_accuracy"]["batchnorm"]["mean"] == 94.0
    assert summary["large_lr_shortfall"]["plain"]["per_seed"] == {"0": 80.0, "1": 80.0}
    assert summary["large_lr_shortfall"]["batchnorm"]["per_seed"] == {"0": -5.0, "1": -1.0}
    # (c) is judged from the per-seed final accuracies at the small lr (the claims' business)
    assert summary["small"]["batchnorm"]["final_test_accuracy"]["per_seed"] == {"0": 94.0,
                                                                               "1": 97.0}
    # the small / large views are the model entries without their curves
    for model in batchnorm.MODELS:
        for view, lr in (("small", "0.01"), ("large", "0.5")):
            entry = summary["models"][model][lr]
            assert summary[view][model] == {k: v for k, v in entry.items() if k != "curves"}
            assert "curves" not in summary[view][model]


def test_batchnorm_summarise_keeps_diverged_runs_out_of_the_curves():
    records, histories = batchnorm_runs()
    index = next(i for i, r in enumerate(records)
                 if r["params"]["model"] == "plain" and r["params"]["lr"] == 0.5
                 and r["seed"] == 1)
    records[index] = bn_record("plain", "0.5", 1, "diverged", final_test_accuracy=None,
                               final_train_accuracy=None, final_train_loss=None,
                               mean_test_accuracy=None, mean_train_accuracy=None,
                               first_epoch_max_batch_loss=None)
    histories[index] = history([10.0], [math.inf], lr=0.5)
    summary = batchnorm.summarise(records, histories, {"lrs": [0.01, 0.5], "epochs": 3})
    large = summary["models"]["plain"]["0.5"]
    assert large["runs"] == 2 and large["diverged_runs"] == 1
    assert math.isnan(large["final_test_accuracy"]["mean"])
    assert large["curves"]["test_accuracy"]["mean"] == [10.0, 10.0, 10.0]  # seed 0 only
    assert math.isnan(summary["large_lr_shortfall"]["plain"]["per_seed"]["1"])
    assert summary["large_lr_shortfall"]["plain"]["per_seed"]["0"] == 80.0
    assert summary["large_lr_shortfall"]["batchnorm"]["mean"] == -3.0


# ------------------------------------------------------------------------------- lr_schedule


@pytest.mark.parametrize("epochs, last", [(45, 0.001), (46, 0.0001), (15, 0.1),
                                          (16, 0.01), (1, 0.1)])
def test_schedule_runs(epochs, last):
    settings = {"lr": 0.1, "gamma": 0.1, "step_size": 15, "epochs": epochs,
                "high_lr": {"lr": 10.0, "epochs": 3}}
    assert lr_schedule.schedule_runs(settings) == {
        "step": {"schedule": "step", "lr": 0.1},
        "constant_first": {"schedule": "constant", "lr": 0.1},
        "constant_last": {"schedule": "constant", "lr": last},  # exactly, as its folder names it
        "high": {"schedule": "high", "lr": 10.0},
    }
    assert lr_schedule.run_epochs(settings, "high") == 3
    assert lr_schedule.run_epochs(settings, "step") == epochs
    # the rate StepLR trains the last epoch at
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=15, gamma=0.1)
    for _ in range(epochs - 1):
        optimizer.step()
        scheduler.step()
    assert value_label(optimizer.param_groups[0]["lr"]) == value_label(last)


CHANCE = math.log(10)


def sched_record(schedule, lr, seed, test, train, train_loss, status="ok", max_batch=3.0):
    return {"experiment": "lr_schedule", "seed": seed, "status": status,
            "params": {"schedule": schedule, "lr": float(lr), "seed": seed},
            "metrics": {"final_test_accuracy": test, "final_train_accuracy": train,
                        "final_train_loss": train_loss, "first_epoch_max_batch_loss": max_batch,
                        "initial_loss_chance": CHANCE}}


def lr_schedule_inputs():
    """The schedule's runs (two seeds of each role) and the very high rate's four runs."""
    failed_at_boundary = lr_schedule.FAILED * CHANCE
    blown_up = lr_schedule.BLOWN_UP * CHANCE

    def curve(train_loss):
        return history([80.0] * len(train_loss), train_loss)

    schedule = [
        (sched_record("step", "0.1", 0, 90.0, 95.0, 0.2), curve([1.0, 0.5, 0.3, 0.2])),
        (sched_record("constant", "0.1", 0, 85.0, 99.0, 0.3, max_batch=2.0),
         curve([1.2, 0.7, 0.5, 0.3])),
        (sched_record("constant", "0.01", 0, 70.0, 72.0, 1.0), curve([2.0, 1.8, 1.4, 1.0])),
        (sched_record("step", "0.1", 1, 94.0, 96.0, 0.1), curve([0.9, 0.4, 0.2, 0.1])),
        (sched_record("constant", "0.1", 1, 88.0, 98.0, 0.2, max_batch=4.0),
         curve([1.0, 0.9, 0.4, 0.2])),
        (sched_record("constant", "0.01", 1, 71.0, 75.0, 1.1), curve([2.1, 1.9, 1.5, 1.1])),
        # a constant rate that is no role's: left out
        (sched_record("constant", "0.5", 0, 10.0, 10.0, 2.3), curve([2.3] * 4)),
    ]
    high = [
        # at the FAILED boundary and just at the blow-up bound (not past it)
        (sched_record("high", "10", 0, 10.0, 10.0, failed_at_boundary, max_batch=blown_up),
         history([10.0, 10.0], [3.0, 2.1])),
        # diverged: its peak is not finite, so it blew up
        (sched_record("high", "10", 1, None, None, None, status="diverged", max_batch=math.nan),
         history([10.0], [math.nan])),
        (sched_record("high", "10", 2, 30.0, 30.0, 1.5, max_batch=40.0),
         history([30.0, 40.0], [2.5, 1.5])),
        (sched_record("high", "10", 3, 70.0, 70.0, 0.5, max_batch=50.0),
         history([60.0, 70.0], [2.0, 0.5])),
    ]
    return schedule, high


#: lr_schedule's config section.
LR_SCHEDULE = {"lr": 0.1, "gamma": 0.1, "step_size": 2, "epochs": 4, "early_epoch": 2,
               "high_lr": {"lr": 10.0, "epochs": 2}}


def combined(*halves):
    """The records and the histories of the runs of ``halves``, in that order."""
    runs = [run for half in halves for run in half]
    return [record for record, _ in runs], [curve for _, curve in runs]


def test_lr_schedule_summarise_on_hand_made_runs():
    records, histories = combined(*lr_schedule_inputs())
    summary = lr_schedule.summarise(records, histories, LR_SCHEDULE)
    divergence = summary["divergence"]
    assert divergence["chance_loss"] == pytest.approx(CHANCE)
    small, large = divergence["small"], divergence["large"]
    assert small["lr"] == 0.1 and large["lr"] == 10.0
    assert small["runs"] == 2 and large["runs"] == 4 and large["diverged_runs"] == 1
    assert small["failed_fraction"] == 0.0 and small["trained_fraction"] == 1.0
    assert small["blown_up_fraction"] == 0.0
    # large: at the FAILED boundary (failed), diverged (failed), 1.5 (neither), 0.5 (trained)
    assert large["failed_fraction"] == 0.5
    assert large["trained_fraction"] == 0.25
    # large: at the blow-up bound (not past it), not finite, 40 and 50 (both past it)
    assert large["blown_up_fraction"] == 0.75
    assert math.isnan(large["first_epoch_max_batch_loss"]["per_seed"]["1"])
    assert large["blow_up"]["per_seed"]["2"] == pytest.approx(40.0 / CHANCE)
    assert small["early_train_loss"]["mean"] == pytest.approx(1.1)  # epoch 1
    assert summary["early_epoch"] == 2 and summary["epochs"] == 4 and summary["step_size"] == 2

    step, first, last = summary["step"], summary["constant_first"], summary["constant_last"]
    assert (step["schedule"], step["lr"]) == ("step", "0.1")
    assert (first["schedule"], first["lr"]) == ("constant", "0.1")
    assert (last["schedule"], last["lr"]) == ("constant", "0.01")
    assert step["runs"] == first["runs"] == last["runs"] == 2
    assert step["final_test_accuracy"]["mean"] == 92.0
    assert step["final_test_accuracy"]["std"] == 2.0
    assert step["early_train_loss"]["mean"] == pytest.approx(0.45)
    assert first["early_train_loss"]["mean"] == pytest.approx(0.8)
    assert last["early_train_loss"]["mean"] == pytest.approx(1.85)
    assert (step["generalisation_gap"]["mean"], step["generalisation_gap"]["std"]) == (3.5, 1.5)
    assert step["curves"]["train_loss"]["mean"] == pytest.approx([0.95, 0.45, 0.25, 0.15])
    # the schedule's gains are judged seed by seed from these (the claims' business)
    assert set(step["final_test_accuracy"]["per_seed"]) == {"0", "1"}
    assert first["final_test_accuracy"]["mean"] == 92.0 - 5.5
    assert last["final_test_accuracy"]["mean"] == 92.0 - 21.5


def test_lr_schedule_summarise_reads_the_runs_by_their_params_not_their_position():
    schedule, high = lr_schedule_inputs()
    interleaved = [run for pair in zip(high, schedule) for run in pair] + schedule[len(high):]
    in_order = lr_schedule.summarise(*combined(schedule, high), LR_SCHEDULE)
    mixed = lr_schedule.summarise(*combined(interleaved), LR_SCHEDULE)
    assert json.dumps(to_json_safe(mixed), sort_keys=True) == json.dumps(
        to_json_safe(in_order), sort_keys=True)


def test_lr_schedule_early_loss_of_a_run_that_stopped_before_it_is_missing():
    schedule, high = lr_schedule_inputs()
    index = next(i for i, (r, _) in enumerate(schedule)
                 if r["params"]["schedule"] == "constant" and r["params"]["lr"] == 0.01
                 and r["seed"] == 1)
    schedule[index] = (sched_record("constant", "0.01", 1, None, None, None, status="diverged"),
                       history([60.0], [math.nan]))
    summary = lr_schedule.summarise(*combined(schedule, high), LR_SCHEDULE)
    last = summary["constant_last"]
    assert last["diverged_runs"] == 1
    assert math.isnan(last["early_train_loss"]["mean"])
    assert last["curves"]["train_loss"]["mean"] == [2.0, 1.8, 1.4, 1.0]  # seed 0 only
    assert math.isnan(last["early_train_loss"]["per_seed"]["1"])
    assert last["early_train_loss"]["per_seed"]["0"] == pytest.approx(1.8)


# ------------------------------------------------------------------------------- figures


@pytest.fixture
def close_figures():
    yield
    plt.close("all")


def drawn(fig):
    """Per panel: its title, y scale and lines (label, x, y)."""
    return [(ax.get_title(), ax.get_yscale(),
             [(line.get_label(), list(line.get_xdata()), list(line.get_ydata()))
              for line in ax.get_lines()]) for ax in fig.axes]


def line(fig, label, panel=0):
    (found,) = [line for line in fig.axes[panel].get_lines() if line.get_label() == label]
    return list(found.get_ydata())


@pytest.mark.usefixtures("close_figures")
def test_batchnorm_draw_curves_draws_the_summary_curves():
    records, histories = batchnorm_runs()
    summary = batchnorm.summarise(records, histories, {"lrs": [0.01, 0.5], "epochs": 3})
    fig = batchnorm_plots.draw_curves(ExperimentResults(summary, records, histories))
    direct = batchnorm_plots.curves(summary)
    assert drawn(fig) == drawn(direct)
    assert [ax.get_title() for ax in fig.axes] == [title for _, title in batchnorm_plots.PANELS]
    # the summary's test accuracy (a fraction) shown in percent
    shown = summary["models"]["plain"]["0.01"]["curves"]["test_accuracy"]["mean"]
    assert line(fig, "plain, lr 0.01", panel=2) == pytest.approx([100 * v for v in shown])


@pytest.mark.usefixtures("close_figures")
def test_lr_schedule_draw_functions_draw_the_summary_of_both_experiments_runs():
    records, histories = combined(*lr_schedule_inputs())
    summary = lr_schedule.summarise(records, histories, LR_SCHEDULE)
    results = ExperimentResults(summary, records, histories)

    fig = lr_schedule_plots.draw_divergence(results)
    assert drawn(fig) == drawn(lr_schedule_plots.divergence(summary))
    # the working rate: mean training loss per epoch, largest first-epoch batch; the very high
    # rate's peak is not finite in one run, which its label says
    assert line(fig, "lr 0.1: mean training loss per epoch") == pytest.approx(
        [1.1, 0.8, 0.45, 0.25])
    assert line(fig, "lr 0.1: largest batch loss in epoch 1") == [3.0]
    assert line(fig, "lr 10: mean training loss per epoch") == pytest.approx([2.5, 4.1 / 3])
    assert line(fig, "lr 10: largest batch loss in epoch 1 (not finite in 1 of 4 runs)") == [
        pytest.approx((lr_schedule.BLOWN_UP * CHANCE + 40.0 + 50.0) / 3)]

    fig = lr_schedule_plots.draw_schedules(results)
    assert drawn(fig) == drawn(lr_schedule_plots.schedules(summary))
    assert [ax.get_title() for ax in fig.axes] == ["training loss (cross-entropy)",
                                                   "test accuracy (%, eval mode)"]
    assert line(fig, "step, lr 0.1") == pytest.approx([0.95, 0.45, 0.25, 0.15])
