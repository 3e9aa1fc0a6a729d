"""Everything the report shows, gathered into one document: report-data.json."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

from dlrepro.audit import read_audit
from dlrepro.provenance import git_commit, hardware, package_versions
from dlrepro.results import read_json
from dlrepro.stale import StaleResults, stale_results

#: The shape of report-data.json. 2: seeded claims carry ``evidence`` (effect, interval, n),
#: summaries keep values over seeds with ``per_seed``. 3: claims carry ``quote``, ``scope``,
#: ``data`` and ``on_write_up_data``, summaries keep config and write-up numbers under
#: ``constants``, and ``audit`` lists the write-ups' checkable statements. 4: every summary,
#: figure and the claims record the code that made them (``code``, dlrepro.fingerprint), and
#: ``run`` says whether all of it is this tree's (``code_check``). Readers refuse another
#: format by name.
REPORT_FORMAT = 4


def runtimes(summaries: dict[str, dict], figures: dict[str, dict]) -> list[dict[str, Any]]:
    """Time inside the runs and figures per rule, summed, with how many runs and jobs (a job of
    several runs counts once: its ``job_id``) it took, from their provenance."""
    results: dict[str, list[dict]] = defaultdict(list)
    for summary in summaries.values():
        for run in summary.get("runs", []):
            results[run["rule"]].append(run)
    for figure in figures.values():
        results[figure["rule"]].append(figure)
    rows = [
        {"rule": rule, "runs": len(made),
         "jobs": len({result.get("job_id", index) for index, result in enumerate(made)}),
         "seconds": round(sum(result["runtime_seconds"] for result in made), 3),
         "device": ", ".join(sorted({result["device"] for result in made}))}
        for rule, made in results.items()
    ]
    return sorted(rows, key=lambda row: -row["seconds"])


def run_time(summaries: dict[str, dict], figures: dict[str, dict],
             cores: int | None) -> dict[str, Any]:
    """The run's wall time, from its first job's start to its last job's end, the jobs' own
    times summed, and the parallel efficiency Σ job / (wall × cores), over the jobs that record
    their time (those of runs and of figures: provenance ``job_id``, ``job_started`` and
    ``finished``; a job of several runs ends with its last). Efficiency is given for a local
    run only (``cores``); on a cluster the jobs share no fixed set of cores.
    """
    results = [run for summary in summaries.values() for run in summary.get("runs", [])]
    jobs: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    for result in [*results, *figures.values()]:
        if "job_id" not in result:
            continue
        started = dt.datetime.fromisoformat(result["job_started"])
        finished = dt.datetime.fromisoformat(result["finished"])
        _, last = jobs.get(result["job_id"], (started, finished))
        jobs[result["job_id"]] = (started, max(last, finished))
    if not jobs:
        return {}
    wall = (max(end for _, end in jobs.values())
            - min(start for start, _ in jobs.values())).total_seconds()
    total = sum((end - start).total_seconds() for start, end in jobs.values())
    return {
        "jobs": len(jobs),
        "wall_seconds": round(wall, 1),
        "job_seconds": round(total, 1),
        "cores": cores,
        "efficiency": round(total / (wall * cores), 2) if cores else None,
    }


def cluster_jobs(summaries: dict[str, dict]) -> list[dict[str, Any]]:
    """Runs that went through a batch system, with their job id and node."""
    return [
        {"experiment": experiment, **run}
        for experiment, summary in summaries.items()
        for run in summary.get("runs", [])
        if "slurm_job_id" in run
    ]


def build_report_data(
    *,
    config: dict[str, Any],
    configfiles: list[str],
    cores: int | None,
    summary_paths: dict[str, str],
    claims_path: str,
    figure_meta_paths: list[str],
    audit_path: str,
    expected_code: dict[str, Any],
    code: dict[str, Any],
    allow_stale: bool = False,
) -> dict[str, Any]:
    """Everything the report shows. Refuses (:class:`dlrepro.stale.StaleResults`) results that
    the code in the tree did not make, naming each, unless ``allow_stale``: then the report
    lists them in ``run.code_check``, which it opens with."""
    summaries = {experiment: read_json(path) for experiment, path in summary_paths.items()}
    figures = {Path(path).stem: read_json(path) for path in figure_meta_paths}
    claims = read_json(claims_path)
    stale, checked = stale_results(expected_code, summaries, figures, claims)
    if stale and not allow_stale:
        raise StaleResults(stale)
    return {
        "format": REPORT_FORMAT,
        "run": {
            "title": config["report"]["title"],
            "generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "configfiles": configfiles,
            "config": config,
            "commit": git_commit(),
            "code": code,
            "claims_code": claims["code"],
            "code_check": {"checked": checked, "stale": [vars(result) for result in stale]},
            "versions": package_versions(),
            "hardware": hardware(),
            "runtimes": runtimes(summaries, figures),
            "run_time": run_time(summaries, figures, cores),
            "cluster_jobs": cluster_jobs(summaries),
        },
        "experiments": summaries,
        "claims": claims["claims"],
        "figures": figures,
        "audit": read_audit(audit_path),
    }
