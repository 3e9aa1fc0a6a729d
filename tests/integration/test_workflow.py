"""The workflow end to end on config/quick.yaml, each run in a temporary copy of the project."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from dlrepro.report.collect import REPORT_FORMAT
from dlrepro.experiments.registry import EXPERIMENTS
from dlrepro.results import RECORD_KEYS
from quick_graph import (
    SNAKEMAKE,
    copy_project,
    metrics_without_provenance,
    planned_jobs,
    set_quick,
    snakemake,
)

pytestmark = pytest.mark.workflow

def flatten_outline(items):
    for item in items:
        if isinstance(item, list):
            yield from flatten_outline(item)
        else:
            yield item


def test_report_files_are_made(quick_run):
    report = quick_run / "results" / "report"
    for name in ("report.html", "report.pdf", "report-data.json"):
        assert (report / name).stat().st_size > 0


def test_report_data_has_the_contracted_shape(quick_run):
    data = json.loads((quick_run / "results" / "report" / "report-data.json").read_text())
    assert set(data) == {"format", "run", "experiments", "claims", "figures", "audit"}
    assert data["format"] == REPORT_FORMAT
    for key in ("config", "commit", "versions", "hardware", "runtimes"):
        assert key in data["run"]
    timing = data["run"]["run_time"]  # the jobs of runs and figures, on the graph's 2 cores
    jobs = {run["job_id"] for summary in data["experiments"].values() for run in summary["runs"]}
    assert timing["jobs"] == len(jobs) + len(data["figures"])
    assert len(jobs) < sum(len(summary["runs"]) for summary in data["experiments"].values())
    assert timing["cores"] == 2 and 0 < timing["efficiency"] <= 1
    assert timing["wall_seconds"] > 0 and timing["job_seconds"] > 0
    final = data["experiments"]["opt_f1f2"]["final_objective"]
    assert set(final) == {"f1", "f2"}
    assert set(final["f1"]) == set(final["f2"]) == {"gd", "momentum", "rmsprop", "adam"}
    assert data["experiments"]["opt_f1f2"]["constants"]["iterations"] == 2000
    assert {claim["verdict"] for claim in data["claims"]} <= {
        "reproduced", "refuted", "inconclusive", "not comparable"}
    for claim in data["claims"]:  # every seeded claim carries its evidence
        assert ("evidence" in claim) == (claim["kind"] == "seeded"), claim["id"]
    for figure in data["figures"].values():
        assert (quick_run / figure["path"]).is_file()
        assert figure["rule"] and figure["caption"]


def test_every_run_follows_the_results_contract(quick_run):
    data = json.loads((quick_run / "results" / "report" / "report-data.json").read_text())
    assert set(data["experiments"]) == {experiment.id for experiment in EXPERIMENTS}
    folders = {path.parent for path in (quick_run / "results").glob("*/*/metrics.json")}
    listed = set()
    for experiment, summary in data["experiments"].items():
        for run in summary["runs"]:
            folder = quick_run / "results" / experiment / run["run"]
            listed.add(folder)
            record = json.loads((folder / "metrics.json").read_text())
            assert tuple(record) == RECORD_KEYS
            assert record["status"] == run["status"] in ("ok", "diverged")
            assert record["provenance"]["runtime_seconds"] >= 0
    assert listed == folders  # every run folder is in a summary, and every listed run exists
    sgd_mean = data["run"]["config"]["sgd_mean"]
    assert len(data["experiments"]["sgd_mean"]["runs"]) == len(sgd_mean["lrs"]) * len(
        sgd_mean["seeds"])


def test_diverging_runs_are_results_not_crashes(quick_run):
    summary = json.loads((quick_run / "results" / "gd_plateau" / "summary.json").read_text())
    diverged = {run["run"] for run in summary["runs"] if run["status"] == "diverged"}
    assert "start-3-lr10-constant" in diverged and "start10-lr1-constant" in diverged
    assert all("-lr1-" in run or "-lr10-" in run for run in diverged)


@pytest.fixture(scope="module")
def report_pdf(quick_run) -> tuple[PdfReader, str]:
    """The quick report's PDF and its text (extracted once: it takes seconds per read)."""
    reader = PdfReader(quick_run / "results" / "report" / "report.pdf")
    return reader, re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_pdf_has_every_section(report_pdf):
    reader, text = report_pdf
    for heading in ("Claims and verdicts", "What ran, where, how long",
                    *(experiment.title for experiment in EXPERIMENTS)):
        assert heading in text
    outline = [item.title for item in flatten_outline(reader.outline)]
    for experiment in EXPERIMENTS:
        assert experiment.title in outline


def test_figures_of_stand_in_data_say_so_in_their_metadata(quick_run):
    figures = quick_run / "results" / "figures"
    # the quick graph has no course files: age_mlp runs on the synthetic faces
    assert json.loads((figures / "age_mlp_curves.json").read_text())["stand_in"] is True
    assert json.loads((figures / "opt_f1f2_objective.json").read_text())["stand_in"] is False


def test_claims_json_marks_stand_in_data_and_names_it(quick_run):
    document = json.loads((quick_run / "results" / "claims" / "claims.json").read_text())
    claims = {claim["id"]: claim for claim in document["claims"]}
    faces = claims["age_mlp.test_loss"]
    assert faces["stand_in"] is True and faces["on_write_up_data"] is False
    assert faces["data"] == "the synthetic faces" and faces["verdict"] == "not comparable"
    analytic = claims["opt_f1f2.rotation_invariance"]
    assert analytic["stand_in"] is False and analytic["on_write_up_data"] is True


@pytest.fixture(scope="module")
def report_text(quick_run, report_pdf) -> tuple[str, str]:
    return (quick_run / "results" / "report" / "report.html").read_text(), report_pdf[1]


def test_the_report_counts_and_marks_verdicts_on_stand_in_data_apart(report_text):
    html, pdf = report_text
    for text in (html, pdf):
        assert "claims, measured on the synthetic faces instead" in text
        assert "claims, measured on their data or setting" in text
    # the row of a claim on the synthetic faces carries the stand-in mark and names the data
    row = re.search(r'<tr id="claim-age_mlp\.test_loss".*?</tr>', html, re.DOTALL)[0]
    assert 'class="stand-in"' in row and "on the synthetic faces" in row
    analytic = re.search(r'<tr id="claim-compgraph\.dc_da".*?</tr>', html, re.DOTALL)[0]
    assert 'class="stand-in"' not in analytic
    # in the PDF the mark stands in the rows of the synthetic faces' group
    group = pdf.split("measured on the synthetic faces instead")[-1]
    assert "stand-in data on the synthetic faces" in group


def test_the_report_ends_with_the_audit_linked_to_the_claims(report_text):
    html, pdf = report_text
    assert 'href="#audit"' in html and 'id="audit"' in html
    audit = html.split('id="audit"')[1]
    assert 'href="#claim-batchnorm.better_accuracy"' in audit
    assert "Audit of the write-ups" in pdf


def test_html_is_self_contained(quick_run):
    html = (quick_run / "results" / "report" / "report.html").read_text()
    references = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', html)
    references += re.findall(r"url\(\s*['\"]?([^'\")]+)", html)
    assert references, "the report should have figures and links"
    for reference in references:
        assert reference.startswith(("data:", "#")), reference
    assert "<script" not in html and "<link" not in html
    for experiment in EXPERIMENTS:
        assert f'id="{experiment.id}"' in html
    assert 'id="claims"' in html


def test_changing_a_template_rerenders_only(quick_run, tmp_path):
    workdir = tmp_path / "template-change"
    shutil.copytree(quick_run, workdir, symlinks=True)
    with open(workdir / "templates" / "report.css", "a") as css:
        css.write("\nfigure { margin: 2rem 0; }\n")
    assert planned_jobs(workdir) == {"render_html", "render_pdf", "all"}


def test_changing_one_experiment_reruns_that_experiment_only(quick_run, tmp_path):
    workdir = tmp_path / "config-change"
    shutil.copytree(quick_run, workdir, symlinks=True)
    set_quick(workdir, "sgd_mean.iterations", 300)
    assert planned_jobs(workdir) == {
        "sgd_mean_runs", "summary:sgd_mean", "figure:sgd_mean_error",
        "evaluate_claims", "report_data", "render_html", "render_pdf", "all",
    }


def test_bad_config_is_refused_before_any_job(quick_run, tmp_path):
    workdir = tmp_path / "bad-config"
    shutil.copytree(quick_run, workdir, symlinks=True)
    shutil.rmtree(workdir / "results" / "sgd_mean")
    set_quick(workdir, "sgd_mean.lrs", [0.01, -0.1])
    result = snakemake(workdir, check=False)
    assert result.returncode != 0
    assert "['sgd_mean']['lrs'][1]" in result.stderr + result.stdout
    assert not (workdir / "results" / "sgd_mean").exists()
    assert (workdir / "results" / "report" / "report.pdf").is_file()  # nothing lost


@pytest.mark.slow
def test_a_second_run_gives_the_same_metrics(quick_run, tmp_path, project_root):
    workdir = copy_project(project_root, tmp_path / "again")
    snakemake(workdir, "--until", "evaluate_claims")
    assert metrics_without_provenance(workdir) == metrics_without_provenance(quick_run)


@pytest.mark.slow
def test_a_killed_run_resumes_without_trusting_partial_files(quick_run, tmp_path, project_root):
    workdir = copy_project(project_root, tmp_path / "killed")
    process = subprocess.Popen([SNAKEMAKE, "--cores", "1", "--configfile", "config/quick.yaml"],
                               cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not list((workdir / "results").glob("*/*/metrics.json")):
            assert process.poll() is None, "the run ended before it could be interrupted"
            assert time.monotonic() < deadline, "no run finished in time"
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert not (workdir / "results" / "report" / "report.pdf").exists()

    # A killed Snakemake leaves its lock; --unlock lifts it, and the default profile's
    # rerun-incomplete reruns the jobs that were cut off.
    snakemake(workdir, "--unlock")
    snakemake(workdir)

    assert (workdir / "results" / "report" / "report.pdf").is_file()
    assert metrics_without_provenance(workdir) == metrics_without_provenance(quick_run)
    assert planned_jobs(workdir) == set()


def test_a_bad_trajectory_file_is_refused_with_file_and_line(quick_run, tmp_path):
    workdir = tmp_path / "bad-trajectory"
    shutil.copytree(quick_run, workdir, symlinks=True)
    (workdir / "trajectory.txt").write_text("1.0 -3.0\n0.5 -2.9\nabc -2.8\n")
    set_quick(workdir, "gd_illcond.trajectory_file", "trajectory.txt")
    result = snakemake(workdir, "results/gd_illcond/summary.json", check=False)
    assert result.returncode != 0
    log = (workdir / "logs" / "gd_illcond" / "main.log").read_text()
    assert "trajectory.txt, line 3" in log
    assert (workdir / "results" / "opt_f1f2" / "summary.json").is_file()  # nothing else lost


def write_course_files(folder: Path, n_train: int = 300, n_test: int = 100, nan: bool = False):
    """Files shaped like the course's age-regression .npy files (generated, not the real faces)."""
    import numpy as np

    rng = np.random.default_rng(1)
    folder.mkdir(parents=True, exist_ok=True)
    images = {"Xtr": rng.uniform(0, 255, (n_train, 48, 48)), "Xte": rng.uniform(0, 255, (n_test, 48, 48))}
    if nan:
        images["Xte"][3, 4, 5] = np.nan
    for split, n in (("tr", n_train), ("te", n_test)):
        np.save(folder / f"age_regression_X{split}.npy", images[f"X{split}"])
        np.save(folder / f"age_regression_y{split}.npy", rng.uniform(1, 100, n))


@pytest.mark.slow
def test_course_files_in_a_folder_replace_the_stand_in(quick_run, tmp_path):
    workdir = tmp_path / "course-files"
    shutil.copytree(quick_run, workdir, symlinks=True)
    write_course_files(workdir / "course")
    set_quick(workdir, "datasets.age_regression.path", "course")
    snakemake(workdir, "results/age_linear_sgd/summary.json")
    info = json.loads((workdir / "resources" / "age_regression" / "info.json").read_text())
    assert info["source"] == "local" and info["stand_in"] is False
    assert set(info["sha256"]) == {f"age_regression_{k}.npy" for k in ("Xtr", "ytr", "Xte", "yte")}
    summary = json.loads((workdir / "results" / "age_linear_sgd" / "summary.json").read_text())
    assert summary["data"]["source"] == "local"


@pytest.mark.slow
def test_strict_mode_refuses_the_stand_in_and_says_how_to_supply_the_files(quick_run, tmp_path):
    workdir = tmp_path / "strict"
    shutil.copytree(quick_run, workdir, symlinks=True)
    shutil.rmtree(workdir / "resources")
    set_quick(workdir, "datasets.strict", True)
    result = snakemake(workdir, "results/age_mlp/summary.json", check=False)
    assert result.returncode != 0
    log = (workdir / "logs" / "data" / "age_regression.log").read_text()
    assert "datasets.strict is true" in log and "age_regression_Xtr.npy" in log
    assert "datasets.age_regression.path" in log
    assert (workdir / "results" / "report" / "report.pdf").is_file()  # nothing lost


@pytest.mark.slow
def test_a_corrupt_course_file_is_refused_by_name(quick_run, tmp_path):
    workdir = tmp_path / "corrupt"
    shutil.copytree(quick_run, workdir, symlinks=True)
    write_course_files(workdir / "course", nan=True)
    set_quick(workdir, "datasets.age_regression.path", "course")  # not strict: still refused
    result = snakemake(workdir, "results/age_mlp/summary.json", check=False)
    assert result.returncode != 0
    log = (workdir / "logs" / "data" / "age_regression.log").read_text()
    assert "age_regression_Xte.npy" in log and "NaN" in log


def write_idx_folder(folder: Path, n_train: int = 120, n_test: int = 40) -> None:
    """MNIST-format IDX files, gzipped, of random 28×28 images (generated, not MNIST)."""
    import gzip

    import numpy as np

    rng = np.random.default_rng(2)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    for name, array in arrays.items():
        header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
            n.to_bytes(4, "big") for n in array.shape)
        (folder / f"{name}.gz").write_bytes(gzip.compress(header + array.tobytes()))


@pytest.mark.slow
def test_idx_files_in_a_folder_replace_the_digits_stand_in(quick_run, tmp_path):
    workdir = tmp_path / "idx-files"
    shutil.copytree(quick_run, workdir, symlinks=True)
    write_idx_folder(workdir / "idx")
    set_quick(workdir, "datasets.mnist.path", "idx")
    assert planned_jobs(workdir, "results/batchnorm/summary.json") >= {
        "prepare_data", "batchnorm_runs", "summary:batchnorm"}
    snakemake(workdir, "results/batchnorm/summary.json")
    summary = json.loads((workdir / "results" / "batchnorm" / "summary.json").read_text())
    assert summary["data"]["source"] == "local" and summary["data"]["stand_in"] is False
    assert summary["data"]["image_shape"] == [28, 28] and summary["data"]["name"] == "mnist"
    record = json.loads(
        (workdir / "results" / "batchnorm" / "plain-lr0.01-seed0" / "metrics.json").read_text())
    assert record["data"]["shapes"]["X_train"] == [120, 28, 28]
    assert len(record["data"]["sha256"]) == 4


def test_snakemakes_own_report_builds_without_docutils_errors(quick_run, tmp_path):
    """Figure captions are reStructuredText for `snakemake --report`: no substitution, markup
    or other docutils error may show up while it renders them."""
    target = tmp_path / "snakemake-report.html"
    result = snakemake(quick_run, "--report", str(target))
    output = result.stdout + result.stderr
    assert target.stat().st_size > 0
    problems = [line for line in output.splitlines()
                if re.search(r"\((ERROR|SEVERE|WARNING)/\d\)|Undefined substitution", line)]
    assert not problems, "\n".join(problems)
