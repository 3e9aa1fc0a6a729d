"""Every registered experiment has the parts the workflow and the report look for, so a missing
one fails here, by name, rather than in the middle of a workflow run."""

from __future__ import annotations

import inspect
import re
from importlib import import_module

import pytest
import yaml

from dlrepro.experiments.registry import (
    BY_ID,
    EXPERIMENTS,
    FIGURE_NAME,
    Experiment,
    experiment,
)


@pytest.mark.parametrize("registered", EXPERIMENTS, ids=lambda e: e.id)
def test_the_module_runs_one_run_and_summarises_records_histories_and_settings(registered):
    module = import_module(registered.module)
    assert callable(getattr(module, "run", None)), f"{registered.module} has no run()"
    assert list(inspect.signature(module.run).parameters)[0] == "settings"
    assert list(inspect.signature(module.summarise).parameters)[:3] == [
        "records", "histories", "settings"]


def test_every_claim_names_a_registered_experiment(project_root):
    claims = yaml.safe_load((project_root / "config" / "claims.yaml").read_text())
    unknown = {claim["id"]: claim["experiment"] for claim in claims
               if claim["experiment"] not in BY_ID}
    assert not unknown, f"claims of no registered experiment: {unknown}"


@pytest.mark.parametrize("registered", [e for e in EXPERIMENTS if e.figures], ids=lambda e: e.id)
def test_every_figure_name_is_one_the_figure_rule_matches(registered, project_root):
    rule = (project_root / "workflow" / "rules" / "report.smk").read_text()
    assert "figure=FIGURE_NAME" in rule  # the rule's wildcard is the registry's pattern
    for name in registered.figures:
        assert re.fullmatch(FIGURE_NAME, name), name


@pytest.mark.parametrize("registered", [e for e in EXPERIMENTS if e.figures], ids=lambda e: e.id)
def test_every_figure_has_a_draw_function_and_a_caption(registered, project_root):
    module = import_module(registered.figure_module)
    for name in registered.figures:
        assert callable(getattr(module, f"draw_{name}", None)), f"{registered.id}: draw_{name}"
        caption = project_root / "workflow" / "report" / f"{registered.id}_{name}.rst"
        assert caption.read_text(encoding="utf-8").strip(), caption


def test_every_experiment_has_a_config_section_and_claims(project_root):
    config = yaml.safe_load((project_root / "config" / "config.yaml").read_text())
    claims = yaml.safe_load((project_root / "config" / "claims.yaml").read_text())
    claimed = {claim["experiment"] for claim in claims}
    for registered in EXPERIMENTS:
        assert isinstance(config.get(registered.id), dict), registered.id
        assert registered.id in claimed, registered.id


def test_ids_are_unique_and_an_unknown_one_is_named():
    assert len(BY_ID) == len(EXPERIMENTS)
    assert experiment("batchnorm").asks_for_gpu and not experiment("sgd_mean").asks_for_gpu
    with pytest.raises(KeyError, match="no experiment 'nope'.*registered: sgd_mean"):
        experiment("nope")


def test_a_figure_name_the_figure_rule_cannot_match_is_refused_by_name():
    with pytest.raises(ValueError, match="'demo': figure name 'two_words' does not match"):
        Experiment("demo", "Demo", "X", "functions", figures=("fine", "two_words"))
