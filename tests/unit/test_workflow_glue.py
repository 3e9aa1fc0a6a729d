"""dlrepro.workflow: a job's experiment comes from its rule's name, and a summary needs runs."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dlrepro import workflow
from dlrepro.results import write_json


@pytest.mark.parametrize("rule, experiment", [("gd_plateau_runs", "gd_plateau"),
                                              ("age_mlp_run", "age_mlp"),
                                              ("age_linear_sgd_runs", "age_linear_sgd")])
def test_a_jobs_experiment_is_its_rules_name(rule, experiment):
    assert workflow.rule_experiment(rule) == experiment


def test_a_rule_of_no_registered_experiment_is_refused_by_name():
    with pytest.raises(KeyError, match="no experiment 'gd_platau'"):
        workflow.rule_experiment("gd_platau_runs")
    with pytest.raises(ValueError, match="rule 'figure' is not named"):
        workflow.rule_experiment("figure")
    with pytest.raises(ValueError, match="rule 'summary' is not named"):
        workflow.rule_experiment("summary")  # its experiment is its wildcard


def test_a_summary_of_zero_runs_of_its_experiment_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(workflow, "start_job", lambda snakemake: workflow.log)
    record = tmp_path / "metrics.json"
    write_json(record, {"experiment": "sgd_mean", "run": "lr0.1-seed0"})
    job = SimpleNamespace(rule="summary", wildcards={"experiment": "opt_f1f2"},
                          input=SimpleNamespace(metrics=[str(record)], histories=[]),
                          output=SimpleNamespace(summary=str(tmp_path / "summary.json")),
                          params=SimpleNamespace(settings={}))
    with pytest.raises(ValueError, match="opt_f1f2: no run of this experiment among the 1 "
                                         r"records the rule reads \(sgd_mean\)"):
        workflow.record_summary(job)
    assert not (tmp_path / "summary.json").exists()
