"""``ist_linear`` (IST DL HW1 Q1.1–1.2): the perceptron and logistic regression without and with
an ℓ2 penalty, from scratch in numpy, one example at a time.

As the homework: zero initial weights, a bias (the course's constant-1 feature), 100 epochs,
each a pass over the 12630 training images in a fresh random order; logistic regression by SGD
with lr 1e-3, and λ = 0.01 for the ℓ2 variant (the update W ← (1 − lr·λ)W − lr·∇, bias
included; see :mod:`.numpy_models`). After every epoch the accuracy on the whole training and
validation parts, ‖[W b]‖ (the course's ‖W‖) and, for logistic regression, the mean
cross-entropy of the epoch's examples as trained on and of the validation part; the test
accuracy once, at the end, as the write-up reports it.

One run is one ``model`` (:data:`VARIANTS`) and one seed. The three variants of a seed see the
same example order in every epoch (the order comes from the seed alone), so the ℓ2 comparison
is paired seed by seed.

The write-up's statements measured here: ℓ2 lowers the training accuracy and raises the
validation and test accuracy ("better generalization"); it keeps ‖W‖ small (without it "around
25", with it "below 5"). Its training times are for a whole run of 100 epochs (the skeleton
times the loop over all epochs, including the accuracy evaluations), not per epoch.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dlrepro.data.base import DataSet
from dlrepro.experiments.ist.common import (
    feature_splits,
    final_metrics,
    group_by,
    paired_difference,
    runtime,
    seed_stats,
    train_epochs,
)
from dlrepro.experiments.ist.numpy_models import LogisticRegression, Perceptron
from dlrepro.experiments.runs import data_record
from dlrepro.results import RunResult

VARIANTS = ("perceptron", "logistic", "logistic_l2")
#: Metrics summarised over seeds, where a variant has them.
QUANTITIES = ("test_accuracy", "val_accuracy", "train_accuracy", "w_norm", "w_norm_max", "train_loss",
              "val_loss", "mistakes")

#: What the write-up reports (IST DL HW1 Q1.1–1.2). Times are per run of ``epochs`` epochs.
WRITE_UP = {
    "epochs": 100,
    "lr": 1e-3,
    "l2": 0.01,
    "perceptron": {"test_accuracy": 0.3743, "training_seconds": 42},
    "logistic": {"test_accuracy": 0.47833, "training_seconds": 149, "w_norm_about": 25.0},
    "logistic_l2": {"test_accuracy": 0.5113, "val_accuracy": 0.5000, "training_seconds": 150,
                    "w_norm_below": 5.0},
}


def build(model: str, settings: dict[str, Any], classes: int, n_features: int):
    if model == "perceptron":
        return Perceptron(classes, n_features)
    if model in ("logistic", "logistic_l2"):
        l2 = float(settings["l2"]) if model == "logistic_l2" else 0.0
        return LogisticRegression(classes, n_features, lr=float(settings["lr"]), l2=l2)
    raise ValueError(f"ist_linear: unknown model {model!r}; expected one of {', '.join(VARIANTS)}")


def run(settings: dict[str, Any], data: DataSet, model: str, seed: int) -> RunResult:
    """One ``model`` (perceptron, logistic, logistic_l2) for one seed.

    Reads ``settings``: ``epochs``, ``lr`` and ``l2`` (logistic regression only; ``l2`` only
    for logistic_l2). History columns: ``epoch``, ``train_accuracy``, ``val_accuracy``, ``w_norm``, and
    ``mistakes`` (perceptron) or ``train_loss`` and ``val_loss`` (logistic regression).
    """
    prepared = feature_splits(data)
    classifier = build(model, settings, prepared.classes, prepared.n_features)
    is_logistic = isinstance(classifier, LogisticRegression)

    def measure(fitted) -> dict[str, float]:
        numbers = {"w_norm": fitted.weight_norm()}
        if is_logistic:
            numbers["val_loss"] = fitted.loss(prepared.X["val"], prepared.y["val"])
        return numbers

    result = train_epochs(classifier, prepared, int(settings["epochs"]), seed, measure)
    columns = ["w_norm", *(["train_loss", "val_loss"] if is_logistic else ["mistakes"])]
    metrics = final_metrics(result, classifier, prepared, columns)
    metrics["w_norm_max"] = float(np.max(result.history["w_norm"]))
    return RunResult(metrics=metrics, history=result.history, data=data_record(data))


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict[str, Any]:
    """Per variant, mean ± std over seeds; the ℓ2 comparison; the write-up's numbers.

    ``records`` are the runs' metrics.json documents; a run's variant is its ``params["model"]``.
    Their metrics hold every number, so ``histories`` go unread.
    ``l2_effect`` holds logistic_l2 minus logistic, seed by seed (``*_gain``), and the ratio of
    their mean weight norms.
    """
    groups = group_by(records, "model")
    unknown = set(groups) - set(VARIANTS)
    if unknown:
        raise ValueError(f"ist_linear: records of unknown models {sorted(unknown)}")
    variants = {}
    for model, runs in groups.items():
        variants[model] = {"runs": len(runs),
                           "diverged": sum(r["status"] == "diverged" for r in runs),
                           **seed_stats(runs, [key for key in QUANTITIES
                                               if key in runs[0]["metrics"]]),
                           "runtime_seconds": runtime(runs)}
    summary: dict[str, Any] = {
        **{key: settings.get(key) for key in ("epochs", "lr", "l2")},
        "seeds": sorted({record["seed"] for record in records}),
        "diverged_runs": sum(record["status"] == "diverged" for record in records),
        "variants": variants,
    }
    if "logistic" in groups and "logistic_l2" in groups:
        summary["l2_effect"] = _l2_comparison(groups["logistic_l2"], groups["logistic"], variants)
    summary["constants"] = {"write_up": WRITE_UP}  # the write-up's numbers, not measured
    return summary


def _l2_comparison(with_l2, without, variants) -> dict[str, Any]:
    def mean(model: str, key: str) -> float:
        return variants[model][key]["mean"]

    comparison = {f"{key}_gain": paired_difference(with_l2, without, key)
                  for key in ("test_accuracy", "val_accuracy", "train_accuracy")}
    comparison["norm_ratio"] = mean("logistic_l2", "w_norm") / mean("logistic", "w_norm")
    return comparison
