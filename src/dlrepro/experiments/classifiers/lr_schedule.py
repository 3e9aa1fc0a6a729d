"""``lr_schedule`` (CS5242 HW3 Q1): what a too-high learning rate and a step schedule do.

The write-up argues from the update rule and a lecture figure, without an experiment: a very high
learning rate makes training diverge (the loss increases rapidly); a schedule that lowers the
rate after every 15 epochs converges faster at the beginning, ends more accurate, and reduces
overfitting. Measured here on the ``batchnorm`` experiment's network without BatchNorm and its
training code (SGD with momentum, same batch size):

- divergence: runs at a very high rate (``high_lr``, for a few epochs) against the working
  rate the schedule starts from (``constant_first``): the largest minibatch loss of the first
  epoch, and where the training loss ends against chance level, ln(classes);
- the schedule: ``step`` (lr × ``gamma`` every ``step_size`` epochs) against ``constant`` at the
  schedule's first rate and at its last, for ``epochs`` epochs: training loss after
  ``early_epoch`` epochs (speed early), final test accuracy (accuracy late), and final train
  minus test accuracy (overfitting).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from dlrepro.data.base import DataSet
from dlrepro.experiments.classifiers.batchnorm import curves
from dlrepro.experiments.classifiers.mlp import train_run
from dlrepro.experiments.seed_stats import metric, metric_over_seeds, over_seeds
from dlrepro.results import RunResult, value_label

#: A run "failed" when its final training loss is at least this fraction of the chance-level
#: loss ln(classes) (or not finite), and "trained" when it is below ``TRAINED`` of it. Its loss
#: "blew up" when a minibatch of the first epoch reached ``BLOWN_UP`` times the chance level, or
#: stopped being finite.
FAILED, TRAINED, BLOWN_UP = 0.9, 0.5, 10.0

#: What the write-up states (no numbers: it ran no experiment for this question).
WRITE_UP = {
    "divergence": "a very high learning rate makes training diverge; the loss increases rapidly",
    "schedule": "a step decay every 15 epochs converges faster at the beginning, improves "
                "accuracy and reduces overfitting",
}


def schedule_runs(settings: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each role's run parameters (``schedule``, ``lr``: a float), the same for every seed: the
    step schedule, constant rates at its first and last value, and the very high rate (schedule
    ``high``: a constant rate for ``high_lr.epochs``).

    The last rate is the one its run folder names (``value_label``): 0.1 · 0.1² is 0.001, not
    0.0010000000000000002."""
    first = float(settings["lr"])
    last = first * float(settings["gamma"]) ** ((int(settings["epochs"]) - 1)
                                                // int(settings["step_size"]))
    return {
        "step": {"schedule": "step", "lr": first},
        "constant_first": {"schedule": "constant", "lr": first},
        "constant_last": {"schedule": "constant", "lr": float(value_label(last))},
        "high": {"schedule": "high", "lr": float(settings["high_lr"]["lr"])},
    }


def run_epochs(settings: dict[str, Any], schedule: str) -> int:
    """How many epochs a run of ``schedule`` trains: the very high rate only a few."""
    return int(settings["high_lr"]["epochs"] if schedule == "high" else settings["epochs"])


def run(settings: dict[str, Any], network: dict[str, Any], data: DataSet, schedule: str,
        lr: float, seed: int, device: str = "cpu") -> RunResult:
    """One run of one role (``schedule``: ``step``, ``constant`` or ``high``) at ``lr``: the
    ``batchnorm`` experiment's plain network (``network``: its settings, hidden widths, momentum,
    batch size) trained by :func:`.mlp.train_run`, the step schedule decaying the rate by
    ``gamma`` every ``step_size`` epochs."""
    return train_run({**network, **settings}, data, seed, device, batchnorm=False, lr=lr,
                     epochs=run_epochs(settings, schedule),
                     step_size=settings["step_size"] if schedule == "step" else None,
                     gamma=settings["gamma"])


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


def _runs_of(runs: list[tuple[dict, pd.DataFrame]], role: dict[str, Any]):
    return [(r, h) for r, h in runs if r["params"]["schedule"] == role["schedule"]
            and r["params"]["lr"] == role["lr"]]


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict[str, Any]:
    """The divergence half (the very high rate against the working rate the schedule starts
    from) and the schedule half, from the runs of ``records`` and ``histories`` (in the same
    order; ``params``: schedule, lr)."""
    runs = list(zip(records, histories, strict=True))
    roles = schedule_runs(settings)
    chance = metric(records[0]["metrics"], "initial_loss_chance")
    divergence: dict[str, Any] = {}
    for name, role in (("small", roles["constant_first"]), ("large", roles["high"])):
        side = _runs_of(runs, role)
        finals = [metric(r["metrics"], "final_train_loss") for r, _ in side]
        peaks = [metric(r["metrics"], "first_epoch_max_batch_loss") for r, _ in side]
        divergence[name] = {
            "lr": role["lr"],
            "first_epoch_max_batch_loss": metric_over_seeds(
                [r for r, _ in side], "first_epoch_max_batch_loss"),
            # how many times the chance-level loss the worst first-epoch batch reached
            "blow_up": over_seeds({r["seed"]: metric(r["metrics"], "first_epoch_max_batch_loss")
                                   / chance for r, _ in side}),
            # runs whose first-epoch loss reached BLOWN_UP × chance or stopped being finite
            "blown_up_fraction": sum(not peak <= BLOWN_UP * chance for peak in peaks) / len(side),
            # runs that blew up (not finite) or ended no better than a uniform guess
            "failed_fraction": sum(not loss < FAILED * chance for loss in finals) / len(side),
            # runs whose training loss ended below half the chance level
            "trained_fraction": sum(loss < TRAINED * chance for loss in finals) / len(side),
            **_finals(side, 1),
        }
    divergence["chance_loss"] = chance

    early = int(settings["early_epoch"])
    schedules: dict[str, Any] = {}
    for role in ("step", "constant_first", "constant_last"):
        schedules[role] = {"schedule": roles[role]["schedule"],
                           "lr": value_label(roles[role]["lr"]),  # as its run folder names it
                           **_finals(_runs_of(runs, roles[role]), early)}
    return {
        "write_up_data": None,  # the write-up ran nothing: its statements are about any data
        "divergence": divergence,
        "early_epoch": early,
        "epochs": int(settings["epochs"]),
        "step_size": int(settings["step_size"]),
        **schedules,
        "constants": {"write_up": WRITE_UP},  # the write-up's, not measured
    }
