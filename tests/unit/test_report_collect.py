"""The run-time figures of the report's "What ran" page: wall, summed job time, efficiency."""

import datetime as dt

import pytest

from dlrepro.provenance import job_timing
from dlrepro.report.collect import run_time, runtimes


def result(job: str, started: float, finished: float) -> dict:
    """A run's or a figure's timing: its job and when (seconds after midnight) it ran."""
    midnight = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    return {"job_id": job,
            "job_started": (midnight + dt.timedelta(seconds=started)).isoformat(),
            "finished": (midnight + dt.timedelta(seconds=finished)).isoformat()}


def test_wall_spans_first_start_to_last_end_and_efficiency_divides_by_cores():
    summaries = {
        "a": {"runs": [result("job1", 0, 4), result("job1", 0, 10),  # two runs of one job
                       result("job2", 4, 12)]},
        "b": {"runs": [result("job3", 12, 20)]},
    }
    figures = {"b_curves": result("job4", 16, 20)}
    timing = run_time(summaries, figures, cores=2)
    assert timing == {"jobs": 4, "wall_seconds": 20.0, "job_seconds": 10 + 8 + 8 + 4,
                      "cores": 2, "efficiency": pytest.approx(30 / 40)}


def test_a_cluster_run_has_no_efficiency_and_old_results_no_figures():
    summaries = {"a": {"runs": [result("job1", 0, 10)]}}
    assert run_time(summaries, {}, cores=None)["efficiency"] is None
    assert run_time({"a": {"runs": [{"runtime_seconds": 1.0}]}}, {}, cores=2) == {}


def test_a_job_is_its_process_from_its_start():
    first, second = job_timing(), job_timing()
    assert first["job_id"] == second["job_id"]  # one process, one job
    started = dt.datetime.fromisoformat(first["job_started"])
    assert started < dt.datetime.fromisoformat(first["finished"])  # it began before the test
    assert started.tzinfo is not None


def test_time_per_rule_counts_a_job_of_several_runs_once():
    runs = [{**result("job1", 0, 5), "rule": "demo_runs", "runtime_seconds": 2.0, "device": "cpu"},
            {**result("job1", 0, 9), "rule": "demo_runs", "runtime_seconds": 3.0, "device": "cpu"},
            {**result("job2", 0, 4), "rule": "demo_runs", "runtime_seconds": 1.5, "device": "cpu"}]
    figures = {"demo_a": {"rule": "figure", "runtime_seconds": 0.5, "device": "cpu"}}
    rows = runtimes({"demo": {"runs": runs}}, figures)
    assert rows == [
        {"rule": "demo_runs", "runs": 3, "jobs": 2, "seconds": 6.5, "device": "cpu"},
        {"rule": "figure", "runs": 1, "jobs": 1, "seconds": 0.5, "device": "cpu"},
    ]
