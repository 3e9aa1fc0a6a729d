"""A change to the library reruns exactly the jobs that run the changed code (their `code`
params), and report_data refuses results that other code made. Dry runs on copies of the
finished quick graph, with the library copied in and edited there."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from dlrepro.experiments.registry import EXPERIMENTS
from quick_graph import copy_library, planned_jobs, set_quick, snakemake

pytestmark = pytest.mark.workflow

REPORT = {"evaluate_claims", "report_data", "render_html", "render_pdf", "all"}
TORCH = {e.id for e in EXPERIMENTS if e.asks_for_gpu}


@pytest.fixture
def copy(quick_run, tmp_path, project_root):
    """A copy of the finished quick graph whose jobs import a copy of the library."""
    workdir = tmp_path / "copy"
    shutil.copytree(quick_run, workdir, symlinks=True)
    copy_library(project_root, workdir)
    return workdir


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def runs_of(jobs: set[str]) -> set[str]:
    return {job.removesuffix("_runs").removesuffix("_run") for job in jobs
            if job.endswith(("_run", "_runs"))}


def test_a_change_to_an_experiments_code_reruns_that_experiment_only(copy):
    assert planned_jobs(copy) == set()  # the copied library by itself changes nothing
    edit(copy / "src/dlrepro/experiments/functions/sgd_mean.py",
         "np.random.default_rng(seed).uniform(0.0, 1.0, size=n)",
         "np.random.default_rng(seed + 1).uniform(0.0, 1.0, size=n)")
    assert planned_jobs(copy) == {"sgd_mean_runs", "summary:sgd_mean", "figure:sgd_mean_error",
                                  *REPORT}


@pytest.mark.slow  # a dry run each; make test-slow
def test_a_change_to_the_training_loop_reruns_the_torch_experiments(copy):
    edit(copy / "src/dlrepro/experiments/training.py", "EVAL_BATCH = 8192", "EVAL_BATCH = 4096")
    jobs = planned_jobs(copy)
    assert runs_of(jobs) == TORCH
    assert {job.split(":")[1] for job in jobs if job.startswith("summary:")} == TORCH
    assert REPORT <= jobs


@pytest.mark.slow  # a dry run each; make test-slow
def test_a_change_to_the_claims_code_reruns_the_claims_and_the_report(copy):
    edit(copy / "src/dlrepro/claims.py", "DEFAULT_CONFIDENCE = 0.95", "DEFAULT_CONFIDENCE = 0.950")
    edit(copy / "src/dlrepro/seed_intervals.py", "MAX_SEEDS = 100", "MAX_SEEDS = 10 * 10")
    assert planned_jobs(copy) == REPORT


@pytest.mark.slow  # a dry run each; make test-slow
def test_a_change_to_the_figure_style_reruns_the_figures_and_no_run(copy):
    edit(copy / "src/dlrepro/figures/style.py", "linewidth=1.3", "linewidth=1.4")
    jobs = planned_jobs(copy)
    assert not runs_of(jobs) and not any(job.startswith("summary:") for job in jobs)
    figures = {job for job in jobs if job.startswith("figure:")}
    assert len(figures) == sum(len(e.figures) for e in EXPERIMENTS)
    assert jobs == figures | {"report_data", "render_html", "render_pdf", "all"}


@pytest.mark.slow  # a dry run each; make test-slow
def test_comments_and_docstrings_rerun_nothing_and_a_title_only_the_rendering(copy):
    for path in sorted((copy / "src" / "dlrepro").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        text = text.replace('"""', '"""An edited docstring. ', 1)  # the first docstring
        path.write_text(f"# a comment at the top\n{text}\n# and at the end\n", encoding="utf-8")
    assert planned_jobs(copy) == set()
    edit(copy / "src/dlrepro/experiments/registry.py", '"Constant-step SGD for the mean"',
         '"SGD with a constant step, for the mean"')
    assert planned_jobs(copy) == {"render_html", "render_pdf", "all"}


def keep_mtime(path: Path, change) -> None:
    stat = path.stat()
    change(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.mark.slow  # three runs of Snakemake; make test-slow
def test_a_result_made_by_other_code_is_refused_by_name(copy):
    summary = copy / "results" / "sgd_mean" / "summary.json"

    def alter(path: Path) -> None:
        document = json.loads(path.read_text())
        run = document["runs"][0]
        document["run_code"]["0ther"] = {**document["run_code"][run["code"]],
                                         "dlrepro.experiments.functions.sgd_mean": "0ther"}
        run["code"] = "0ther"
        path.write_text(json.dumps(document))
    keep_mtime(summary, alter)
    assert planned_jobs(copy) == set()  # Snakemake itself sees nothing to rerun
    report_data = "results/report/report-data.json"
    refused = snakemake(copy, report_data, "--forcerun", "report_data", check=False)
    assert refused.returncode != 0
    log = (copy / "logs" / "report" / "report_data.log").read_text()
    run = json.loads(summary.read_text())["runs"][0]["run"]
    assert f"results/sgd_mean/{run}/metrics.json: made by other code in " \
           "dlrepro.experiments.functions.sgd_mean" in log

    set_quick(copy, "report.allow_stale", True)
    snakemake(copy, "results/report/report.html", "--forcerun", "report_data")
    data = json.loads((copy / report_data).read_text())
    assert [stale["path"] for stale in data["run"]["code_check"]["stale"]] == [
        f"results/sgd_mean/{run}/metrics.json"]
    html = (copy / "results" / "report" / "report.html").read_text()
    assert "results were made by other code than" in html and f"sgd_mean/{run}" in html


def test_every_result_records_the_commit_and_the_code_that_made_it(quick_run):
    results = quick_run / "results"

    def recorded(document):
        code = document["code"]
        assert set(code) == {"total", "modules"} and code["modules"]
        return code["total"]

    for path in results.glob("*/*/metrics.json"):
        record = json.loads(path.read_text())
        assert record["provenance"]["commit"] and recorded(record["provenance"])
    for path in results.glob("*/summary.json"):
        summary = json.loads(path.read_text())
        assert summary["commit"] and recorded(summary)
        assert {run["code"] for run in summary["runs"]} <= set(summary["run_code"])
    for path in (results / "figures").glob("*.json"):
        assert recorded(json.loads(path.read_text()))
    claims = json.loads((results / "claims" / "claims.json").read_text())
    assert claims["commit"] and recorded(claims)
    data = json.loads((results / "report" / "report-data.json").read_text())
    check = data["run"]["code_check"]
    assert recorded(data["run"]) and check["stale"] == []
    runs = len(list(results.glob("*/*/metrics.json")))
    figures = len(list((results / "figures").glob("*.json")))
    assert check["checked"] == runs + len(EXPERIMENTS) + figures + 1
    html = (results / "report" / "report.html").read_text()
    assert f"all {check['checked']} results made by this code" in html
