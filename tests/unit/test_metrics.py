"""dlrepro.metrics: one name and one unit per quantity, enforced when a run is recorded."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dlrepro.metrics import (
    CURVE_PREFERENCE,
    PERCENT,
    check_names,
    check_units,
    display,
    quantity_of,
    unit_of,
)
from dlrepro.report.render import shown
from dlrepro.results import RunResult, run_record


@pytest.mark.parametrize("key, quantity", [
    ("final_test_accuracy", "accuracy"), ("val_accuracy_max", "accuracy"),
    ("mean_train_accuracy", "accuracy"), ("test_mse_epoch150", "mse"),
    ("train_fmse_epoch50", "fmse"), ("epochs_completed", "epochs_completed"),
    ("runtime_seconds", "seconds"), ("first_epoch_max_batch_loss", "loss"),
    ("squared_error", None), ("w_norm", None),
])
def test_a_key_names_its_quantity_whatever_qualifies_it(key, quantity):
    assert quantity_of(key) == quantity


def test_an_accuracy_is_a_fraction_shown_in_percent():
    assert unit_of("test_accuracy") == "fraction"
    assert display(0.9745, "final_test_accuracy") == pytest.approx((97.45, PERCENT))
    assert display(2.5, "train_loss") == (2.5, "")
    assert shown(0.9745, "accuracy") == "97.45\u00a0%"
    assert shown(0.0031, "accuracy", 3, difference=True) == "0.31\u00a0points"
    assert shown(None, "accuracy") == "—"


@pytest.mark.parametrize("key", ["test_acc", "best_val_acc", "val_acc_max", "epochs_run"])
def test_other_spellings_of_a_quantity_are_refused_by_name(key):
    with pytest.raises(ValueError, match=f"demo/run: '{key}' spells"):
        check_names([key], "demo/run")


def test_an_accuracy_outside_0_1_is_refused_and_nan_passes():
    check_units({"test_accuracy": 0.5, "val_accuracy": math.nan, "w_norm": 12.0}, "demo")
    with pytest.raises(ValueError, match="demo: test_accuracy = 97.45 is not a fraction"):
        check_units({"test_accuracy": 97.45}, "demo")


def record(metrics, history=None):
    return run_record(experiment="demo", run="r", params={}, seed=0,
                      result=RunResult(metrics=metrics, history=history), provenance={})


def test_a_run_in_percent_or_misnamed_is_not_recorded():
    assert record({"final_test_accuracy": 0.9})["metrics"] == {"final_test_accuracy": 0.9}
    with pytest.raises(ValueError, match="demo/r: final_test_accuracy = 90.0"):
        record({"final_test_accuracy": 90.0})
    with pytest.raises(ValueError, match="demo/r history: test_accuracy = 55.0"):
        record({}, pd.DataFrame({"epoch": [1, 2], "test_accuracy": [0.4, 55.0]}))
    with pytest.raises(ValueError, match="'val_acc' spells 'accuracy'"):
        record({}, pd.DataFrame({"epoch": [1], "val_acc": [0.4]}))


def test_compare_overlays_accuracy_before_losses():
    assert CURVE_PREFERENCE.index("test_accuracy") < CURVE_PREFERENCE.index("train_loss")
    assert all(quantity_of(name) != "accuracy" or name.endswith("accuracy")
               for name in CURVE_PREFERENCE)
