import json
import math
import os

import numpy as np
import pandas as pd
import pytest

from dlrepro.results import (
    STATUS_DIVERGED,
    STATUS_OK,
    RECORD_KEYS,
    ExperimentResults,
    RunResult,
    atomic_write_text,
    read_json,
    run_record,
    save_run,
    to_json_safe,
    value_label,
    write_json,
)


def test_atomic_write_replaces_whole_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "deep" / "metrics.json"
    atomic_write_text(target, "old")
    atomic_write_text(target, "new content")
    assert target.read_text() == "new content"
    assert os.listdir(target.parent) == ["metrics.json"]


def test_atomic_write_failure_keeps_old_file_and_removes_temporary(tmp_path, monkeypatch):
    target = tmp_path / "metrics.json"
    atomic_write_text(target, "complete")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(target, "half")
    assert target.read_text() == "complete"
    assert os.listdir(tmp_path) == ["metrics.json"]


def test_atomic_write_respects_umask(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o644


def test_json_has_no_nan_or_numpy_types(tmp_path):
    value = {"a": np.float64(1.5), "b": float("nan"), "c": [np.int64(2), float("inf")]}
    assert to_json_safe(value) == {"a": 1.5, "b": None, "c": [2, None]}
    write_json(tmp_path / "x.json", value)
    assert json.loads((tmp_path / "x.json").read_text()) == {"a": 1.5, "b": None, "c": [2, None]}


def test_run_status_is_diverged_when_any_number_is_not_finite():
    finite = RunResult(metrics={"loss": 1.0}, history=pd.DataFrame({"loss": [3.0, 1.0]}))
    blown_metric = RunResult(metrics={"loss": math.inf})
    blown_curve = RunResult(metrics={"loss": 1.0}, history=pd.DataFrame({"loss": [1.0, np.inf]}))
    not_applicable = RunResult(metrics={"loss": 1.0},
                               history=pd.DataFrame({"loss": [2.0, 1.0], "level": [np.nan, 1.0]}))
    assert finite.status == STATUS_OK
    assert not_applicable.status == STATUS_OK
    assert blown_metric.status == STATUS_DIVERGED
    assert blown_curve.status == STATUS_DIVERGED


def test_save_run_writes_the_contract(tmp_path):
    history = pd.DataFrame({"iteration": [0, 1], "loss": [2.0, 1.0]})
    result = RunResult(metrics={"final_loss": 1.0}, history=history)
    record = run_record(experiment="demo", run="r1", params={"lr": 0.1}, seed=3,
                        result=result, provenance={"device": "cpu"})
    save_run(record, tmp_path / "r1" / "metrics.json", history, tmp_path / "r1" / "history.csv")
    saved = read_json(tmp_path / "r1" / "metrics.json")
    assert tuple(saved) == RECORD_KEYS
    assert saved["status"] == "ok" and saved["seed"] == 3
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "r1" / "history.csv"), history,
                                  check_dtype=False)


def test_value_label_is_the_shortest_form_of_the_number():
    assert [value_label(v) for v in (0.01, "0.5", 1e-5, 1, 1.0, 0.0001, 200)] == [
        "0.01", "0.5", "1e-05", "1", "1", "0.0001", "200"]


def test_experiment_results_read_runs_in_order_and_group_their_histories(tmp_path):
    summary = tmp_path / "summary.json"
    write_json(summary, {"data": {"stand_in": True}})
    metrics, histories = [], []
    for index, (lr, seed) in enumerate([(0.1, 0), (0.1, 1), (0.5, 0)]):
        folder = tmp_path / f"run{index}"
        result = RunResult(metrics={}, history=pd.DataFrame({"epoch": [1], "loss": [index]}))
        record = run_record(experiment="toy", run=folder.name, params={"lr": lr, "seed": seed},
                            seed=seed, result=result, provenance={})
        save_run(record, folder / "metrics.json", result.history, folder / "history.csv")
        metrics.append(str(folder / "metrics.json"))
        histories.append(str(folder / "history.csv"))
    results = ExperimentResults.read(summary, metrics, histories)
    assert results.stand_in is True
    assert [record["run"] for record in results.records] == ["run0", "run1", "run2"]
    grouped = results.grouped(lambda params: params["lr"])
    assert [[h["loss"][0] for h in group] for group in grouped.values()] == [[0, 1], [2]]
    by_run = results.histories_by(lambda params: (params["lr"], params["seed"]))
    assert by_run[(0.5, 0)]["loss"][0] == 2
    with pytest.raises(ValueError, match="2 histories"):
        ExperimentResults.read(summary, metrics, histories[:2])
