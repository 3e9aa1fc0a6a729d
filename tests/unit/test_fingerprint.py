"""dlrepro.fingerprint: what code a job runs, blind to comments and docstrings; dlrepro.stale:
results whose recorded code differs from the tree's are named."""

from __future__ import annotations

import dataclasses

import pytest

from dlrepro import fingerprint
from dlrepro.experiments import registry
from dlrepro.stale import StaleResults, stale_results

SCRIPTS = "workflow/scripts"


def test_comments_docstrings_and_layout_do_not_count_and_code_does():
    plain = "def f(x):\n    return (x + 1)\n"
    dressed = ('"""A module."""\n# a comment\n\ndef f(x):\n    """One more.""" "Two."\n\n'
               "    return (x +\n            1)  # why\n")
    assert fingerprint.source_digest(plain) == fingerprint.source_digest(dressed)
    assert fingerprint.source_digest(plain) != fingerprint.source_digest(plain.replace("1", "2"))
    # indentation is meaning: the same tokens at another depth are other code
    assert (fingerprint.source_digest("if a:\n    b()\n    c()\n")
            != fingerprint.source_digest("if a:\n    b()\nc()\n"))


def test_an_f_string_is_its_source_text():
    tokens = fingerprint.normalised_tokens('x = f"{a!r:>{width}} and {b}"\n')
    assert 'f"{a!r:>{width}} and {b}"' in tokens


def test_imports_are_found_anywhere_and_relative_ones_resolved():
    source = ("import os\nfrom dlrepro.results import write_json\n"
              "def later():\n    from . import metrics\n    from .figures import style\n")
    assert fingerprint.imported_modules(source, "dlrepro") == {
        "dlrepro", "dlrepro.results", "dlrepro.metrics", "dlrepro.figures.style"}


def test_a_run_job_runs_its_experiment_and_not_the_figures_or_the_claims():
    runs = fingerprint.job_fingerprint(f"{SCRIPTS}/sgd_mean_runs.py").modules
    assert "dlrepro.experiments.functions.sgd_mean" in runs
    assert "dlrepro.experiments.training" not in runs
    assert not {"dlrepro.figures.style", "dlrepro.claims", "dlrepro.seed_intervals"} & set(runs)
    torch_runs = fingerprint.job_fingerprint(f"{SCRIPTS}/batchnorm_runs.py").modules
    assert "dlrepro.experiments.training" in torch_runs
    figure = fingerprint.job_fingerprint(f"{SCRIPTS}/figure.py", ["dlrepro.figures.sgd_mean"])
    assert {"dlrepro.figures.style", "dlrepro.figures.sgd_mean"} <= set(figure.modules)


def test_a_module_loaded_by_name_is_part_of_the_job():
    summary = fingerprint.job_fingerprint(f"{SCRIPTS}/summary.py")
    of_sgd_mean = fingerprint.job_fingerprint(f"{SCRIPTS}/summary.py",
                                             ["dlrepro.experiments.functions.sgd_mean"])
    assert "dlrepro.experiments.functions.sgd_mean" in of_sgd_mean.modules
    assert summary.total != of_sgd_mean.total


def test_the_registry_digest_ignores_what_only_the_report_reads(monkeypatch):
    before = fingerprint._registry_digest()
    retitled = tuple(dataclasses.replace(e, title=e.title + "!", source="elsewhere",
                                         seed_varies=()) for e in registry.EXPERIMENTS)
    monkeypatch.setattr(registry, "EXPERIMENTS", retitled)
    assert fingerprint._registry_digest() == before
    regrouped = tuple(dataclasses.replace(e, asks_for_gpu=not e.asks_for_gpu) for e in retitled)
    monkeypatch.setattr(registry, "EXPERIMENTS", regrouped)
    assert fingerprint._registry_digest() != before


CODE = {"total": "new", "modules": {"dlrepro.a": "1", "dlrepro.b": "2"}}
EXPECTED = {"runs": {"demo": CODE}, "summaries": {"demo": CODE}, "figures": {"demo": CODE},
            "claims": CODE}


def results(run_code="new", summary_code=CODE, figure_code=CODE, claims_code=CODE):
    summary = {"code": summary_code, "runs": [{"run": "lr0.1", "code": run_code}],
               "run_code": {run_code: {"dlrepro.a": "0", "dlrepro.b": "2"}}}
    return ({"demo": summary}, {"demo_error": {"params": {"experiment": "demo"},
                                               "code": figure_code}},
            {"code": claims_code})


def test_results_made_by_this_code_are_all_checked_and_none_is_stale():
    stale, checked = stale_results(EXPECTED, *results())
    assert (stale, checked) == ([], 4)


def test_each_stale_result_is_named_with_the_modules_that_differ():
    older = {"total": "old", "modules": {"dlrepro.a": "1", "dlrepro.b": "0", "dlrepro.c": "3"}}
    stale, _ = stale_results(EXPECTED, *results(run_code="old", figure_code=older,
                                                claims_code=older))
    assert [(result.path, result.modules) for result in stale] == [
        ("results/demo/lr0.1/metrics.json", ["dlrepro.a"]),
        ("results/figures/demo_error.json", ["dlrepro.b", "dlrepro.c"]),
        ("results/claims/claims.json", ["dlrepro.b", "dlrepro.c"]),
    ]
    with pytest.raises(StaleResults, match=r"results/demo/lr0.1/metrics.json: made by other "
                                           r"code in dlrepro.a"):
        raise StaleResults(stale)


def test_a_result_without_a_fingerprint_is_stale():
    stale, _ = stale_results(EXPECTED, *results(summary_code=None))
    assert [result.path for result in stale] == ["results/demo/summary.json"]
