"""dlrepro compare on two small made-up result sets: a flip, an unchanged claim, a change
within the seed noise and one beyond it."""

from __future__ import annotations

import copy
import json

import pandas as pd
import pytest

from dlrepro.claims import evaluate
from dlrepro.cli import main
from dlrepro.compare.diff import compare
from dlrepro.compare.load import CompareError, load_run
from dlrepro.compare.overlay import overlay_svg, setting_means
from dlrepro.experiments.seed_stats import over_seeds
from dlrepro.report.collect import REPORT_FORMAT
from dlrepro.results import to_json_safe, write_json

SEEDS = (0, 1, 2, 3, 4)
NOISE = (0.004, -0.006, 0.002, 0.005, -0.005)


def values(base, shift=0.0):
    return over_seeds({seed: base + shift + noise for seed, noise in zip(SEEDS, NOISE)})


CLAIMS = [
    # the flip: a above b in the old run, clearly below it in the new one
    {"id": "demo.a_beats_b", "kind": "seeded", "data_independent": "any data", "check": {
        "op": "greater", "left": ["acc", "a"], "right": ["acc", "b"]}},
    # unchanged: an exact count
    {"id": "demo.count", "kind": "exact", "data_independent": "any data", "check": {
        "op": "close", "left": ["count"], "right": 3, "atol": 0}},
]


def report_data(summary, *, config_lr=0.01, commit="abc123", experiments=("demo",)):
    claims = [evaluate({**claim, "source": "s", "experiment": "demo", "statement": claim["id"],
                        "measure": "m"}, summary) for claim in CLAIMS]
    return to_json_safe({
        "format": REPORT_FORMAT,
        "run": {"config": {"demo": {"lr": config_lr}}, "configfiles": ["config/config.yaml"],
                "commit": commit, "versions": {"torch": "2.14.1"}, "hardware": {"cpu_count": 2},
                "runtimes": [{"rule": "demo_run", "jobs": 5, "seconds": 10.0,
                              "device": "cpu"}]},
        "experiments": {name: summary for name in experiments},
        "claims": claims,
        "figures": {},
    })


OLD = {"data": {"name": "digits", "stand_in": True}, "count": 3,
       "acc": {"a": values(0.90), "b": values(0.80)},
       "loss": {"small_move": values(1.0), "large_move": values(2.0)}}
NEW = copy.deepcopy(OLD)
NEW["acc"]["a"] = values(0.70)
NEW["loss"]["small_move"] = over_seeds({seed: 1.0 + noise * (-1) ** seed
                                        for seed, noise in zip(SEEDS, NOISE)})
NEW["loss"]["large_move"] = values(2.0, shift=0.5)


@pytest.fixture
def runs(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    write_json(old, report_data(OLD))
    write_json(new, report_data(NEW, config_lr=0.02, commit="def456"))
    return old, new


def test_flip_unchanged_and_noise(runs):
    document = compare(load_run(runs[0]), load_run(runs[1]))
    assert document["flips"] == ["demo.a_beats_b"]
    claims = {row["id"]: row for row in document["claims"]}
    flipped = claims["demo.a_beats_b"]
    assert (flipped["old"], flipped["new"]) == ("reproduced", "refuted")
    assert flipped["parts"][0]["difference"] == pytest.approx(-0.2)
    assert flipped["beyond_noise"] is True
    count = claims["demo.count"]
    assert count["old"] == count["new"] == "reproduced" and not count["changed"]
    assert count["parts"][0]["difference"] == 0 and count["beyond_noise"] is False
    assert [row["id"] for row in document["verdict_changes"]] == ["demo.a_beats_b"]

    metrics = {row["metric"]: row for row in document["metrics"]["demo"]}
    assert metrics["loss/small_move"]["beyond_noise"] is False  # same seeds: paired, near 0
    assert metrics["loss/large_move"]["beyond_noise"] is True
    assert metrics["loss/large_move"]["difference"] == pytest.approx(0.5)
    assert metrics["loss/large_move"]["method"] == "paired t"


def test_what_differs_in_how_they_ran(runs):
    provenance = compare(load_run(runs[0]), load_run(runs[1]))["provenance"]
    assert provenance["config"] == [{"key": "demo/lr", "old": 0.01, "new": 0.02}]
    assert provenance["commit"] == {"old": "abc123", "new": "def456"}
    assert provenance["versions"] == [] and provenance["data_sets"] == []


def test_which_modules_of_each_experiment_ran_other_code(tmp_path):
    code = {"total": "t1", "modules": {"dlrepro.results": "r1", "dlrepro.demo": "d1"}}
    changed = {"total": "t2", "modules": {"dlrepro.results": "r1", "dlrepro.demo": "d2"}}
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    write_json(old, report_data({**OLD, "code": code, "run_code": {"t1": code["modules"]}},
                                experiments=("demo", "same")))
    same = report_data({**NEW, "code": code, "run_code": {"t1": code["modules"]}})
    document = report_data({**NEW, "code": changed, "run_code": {"t2": changed["modules"]}},
                           experiments=("demo",))
    document["experiments"]["same"] = same["experiments"]["demo"]
    write_json(new, document)
    rows = compare(load_run(old), load_run(new))["code"]
    assert rows == [{"experiment": "demo", "differs": True, "modules": ["dlrepro.demo"]},
                    {"experiment": "same", "differs": False, "modules": []}]


def test_runs_of_different_experiment_sets_compare_what_both_have(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    write_json(old, report_data(OLD, experiments=("demo", "gone")))
    write_json(new, report_data(NEW, experiments=("demo", "added")))
    document = compare(load_run(old), load_run(new))
    assert document["experiments"] == ["demo"]
    assert document["only_old"] == ["gone"] and document["only_new"] == ["added"]


def test_a_folder_that_is_not_a_results_folder_is_refused_by_name(tmp_path):
    with pytest.raises(CompareError, match=f"{tmp_path} is not a results folder"):
        load_run(tmp_path)
    with pytest.raises(CompareError, match="no such file"):
        load_run(tmp_path / "missing")
    not_json = tmp_path / "report-data.json"
    not_json.write_text("<html>")
    with pytest.raises(CompareError, match="report-data.json is not a report-data.json"):
        load_run(not_json)


def test_an_older_report_data_format_is_refused_with_its_path(tmp_path, runs):
    older = json.loads(runs[0].read_text())
    del older["format"]
    path = tmp_path / "results" / "report" / "report-data.json"
    write_json(path, older)
    with pytest.raises(CompareError, match=r"report-data.json was written in report format 1"):
        load_run(tmp_path / "results")


def test_cli_writes_html_and_json_and_fails_on_a_flip_when_asked(tmp_path, runs, capsys):
    page, as_json = tmp_path / "cmp.html", tmp_path / "cmp.json"
    assert main(["compare", str(runs[0]), str(runs[1]), "-o", str(page),
                 "--json", str(as_json)]) == 0
    html = page.read_text()
    assert "demo.a_beats_b" in html and "beyond noise" in html and "demo/lr" in html
    assert json.loads(as_json.read_text())["flips"] == ["demo.a_beats_b"]
    assert main(["compare", str(runs[0]), str(runs[1]), "-o", str(page),
                 "--fail-on-flip"]) == 1
    assert main(["compare", str(runs[0]), str(runs[0]), "-o", str(page),
                 "--fail-on-flip"]) == 0
    assert main(["compare", str(tmp_path / "nowhere"), str(runs[1])]) == 2
    assert "nowhere: no such file or folder" in capsys.readouterr().err


def write_history(folder, run, **columns):
    (folder / run).mkdir(parents=True)
    pd.DataFrame(columns).to_csv(folder / run / "history.csv", index=False)


def test_overlay_averages_each_setting_over_seeds_and_skips_stacked_trajectories(tmp_path):
    old, new = tmp_path / "old" / "demo", tmp_path / "new" / "demo"
    write_history(old, "plain-seed0", epoch=[1, 2], test_accuracy=[10.0, 20.0])
    write_history(old, "plain-seed1", epoch=[1, 2], test_accuracy=[30.0, 40.0])
    write_history(new, "plain-seed1000", epoch=[1, 2], test_accuracy=[50.0, 60.0])
    means = setting_means(old)
    assert list(means) == ["plain"] and means["plain"]["test_accuracy"].tolist() == [20.0, 30.0]
    assert overlay_svg("demo", old, new).startswith("<?xml")
    # two trajectories in one file (steps restart): nothing to overlay
    stacked_old, stacked_new = tmp_path / "a" / "demo", tmp_path / "b" / "demo"
    for folder in (stacked_old, stacked_new):
        write_history(folder, "main", iteration=[0, 1, 0, 1], objective=[4.0, 2.0, 4.0, 3.0])
    assert overlay_svg("demo", stacked_old, stacked_new) is None
