"""``lr_schedule`` (CS5242 HW3 Q1): what a too-high learning rate and a step schedule do.

The write-up argues from the update rule and a lecture figure, without an experiment: a very high
learning rate makes training diverge (the loss increases rapidly); a schedule that lowers the
rate after every 15 epochs converges faster at the beginning, ends more accurate, and reduces
overfitting. Measured here on the ``batchnorm`` experiment's network without BatchNorm and its
training code (SGD with momentum, same batch size):

- divergence: ``batchnorm``'s plain runs at its smallest and largest lr are re-used (the same
  runs; nothing is trained twice): the largest minibatch loss of the first epoch, and where the
  training loss ends against chance level, ln(classes);
- the schedule: ``step`` (lr × ``gamma`` every ``step_size`` epochs) against ``constant`` at the
  schedule's first rate and at its last, for ``epochs`` epochs: training loss after
  ``early_epoch`` epochs (speed early), final test accuracy (accuracy late), and final train
  minus test accuracy (overfitting).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from dlrepro.experiments.classifiers.batchnorm import curves
from dlrepro.experiments.seed_stats import metric, metric_over_seeds, over_seeds
from dlrepro.results import value_label

#: A run "failed" when its final training loss is at least this fraction of the chance-level
#: loss ln(classes) (or not finite), and "trained" when it is below ``TRAINED`` of it.
FAILED, TRAINED = 0.9, 0.5

#: What the write-up states (no numbers: it ran no experiment for this question).
WRITE_UP = {
    "divergence": "a very high learning rate makes training diverge; the loss increases rapidly",
    "schedule": "a step decay every 15 epochs converges faster at the beginning, improves "
                "accuracy and reduces overfitting",
}


def schedule_runs(settings: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Each role's run parameters (``schedule``, ``lr``), the same for every seed."""
    first = float(settings["lr"])
    last = first * float(settings["gamma"]) ** ((int(settings["epochs"]) - 1)
                                                // int(settings["step_size"]))
    return {
        "step": {"schedule": "step", "lr": value_label(first)},
        "constant_first": {"schedule": "constant", "lr": value_label(first)},
        "constant_last": {"schedule": "constant", "lr": value_label(last)},
    }


def _finals(runs: list[tuple[dict, pd.DataFrame]], early_epoch: int) -> dict[str, Any]:
    finished = [history for record, history in runs if record["status"] == "ok"]
    records = [record for record, _ in runs]
    return {
        "runs": len(runs),
        "diverged_runs": sum(record["status"] == "diverged" for record in records),
        "final_test_accuracy": metric_over_seeds(records, "final_test_accuracy"),
        "final_train_loss": metric_over_seeds(records, "final_train_loss"),
        "generalisation_gap": over_seeds({
            r["seed"]: metric(r["metrics"], "final_train_accuracy")
            - metric(r["metrics"], "final_test_accuracy") for r in records}),
        "early_train_loss": over_seeds({
            record["seed"]: float(history["train_loss"].iloc[early_epoch - 1])
            if len(history) >= early_epoch else math.nan for record, history in runs}),
        "curves": curves(finished) if finished else None,
    }


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict[str, Any]:
    """The divergence half and the schedule half.

    ``records`` and ``histories`` (in the same order) hold this experiment's runs (``params``:
    schedule, lr) and ``batchnorm``'s divergence runs, told apart by ``record["experiment"]``:
    the divergence half is read from batchnorm's plain runs at the smallest and largest of
    ``settings["divergence_lrs"]`` (batchnorm's lrs), the schedule half from this experiment's.
    """
    runs_of: dict[str, list[tuple[dict, pd.DataFrame]]] = {"lr_schedule": [], "batchnorm": []}
    for record, history in zip(records, histories, strict=True):
        runs_of[record["experiment"]].append((record, history))

    small = value_label(min(settings["divergence_lrs"]))
    large = value_label(max(settings["divergence_lrs"]))
    chance = metric(runs_of["batchnorm"][0][0]["metrics"], "initial_loss_chance")
    divergence: dict[str, Any] = {}
    for name, lr in (("small", small), ("large", large)):
        runs = [(r, h) for r, h in runs_of["batchnorm"]
                if r["params"]["model"] == "plain" and value_label(r["params"]["lr"]) == lr]
        finals = [metric(r["metrics"], "final_train_loss") for r, _ in runs]
        divergence[name] = {
            "lr": float(lr),
            "first_epoch_max_batch_loss": metric_over_seeds(
                [r for r, _ in runs], "first_epoch_max_batch_loss"),
            # how many times the chance-level loss the worst first-epoch batch reached
            "blow_up": over_seeds({r["seed"]: metric(r["metrics"], "first_epoch_max_batch_loss")
                                   / chance for r, _ in runs}),
            # runs that blew up (not finite) or ended no better than a uniform guess
            "failed_fraction": sum(not loss < FAILED * chance for loss in finals) / len(runs),
            # runs whose training loss ended below half the chance level
            "trained_fraction": sum(loss < TRAINED * chance for loss in finals) / len(runs),
            **_finals(runs, 1),
        }
    divergence["chance_loss"] = chance

    early = int(settings["early_epoch"])
    schedules: dict[str, Any] = {}
    for role, run in schedule_runs(settings).items():
        runs = [(r, h) for r, h in runs_of["lr_schedule"]
                if r["params"]["schedule"] == run["schedule"]
                and value_label(r["params"]["lr"]) == run["lr"]]
        schedules[role] = {**run, **_finals(runs, early)}
    return {
        "write_up_data": None,  # the write-up ran nothing: its statements hold on any data
        "divergence": divergence,
        "early_epoch": early,
        "epochs": int(settings["epochs"]),
        "step_size": int(settings["step_size"]),
        **schedules,
        "write_up": WRITE_UP,
    }
