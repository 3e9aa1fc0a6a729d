"""Everything the report shows, gathered into one document: report-data.json."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

from dlrepro.provenance import git_commit, hardware, package_versions
from dlrepro.results import read_json

#: The shape of report-data.json. 2: seeded claims carry ``evidence`` (effect, interval, n),
#: summaries keep values over seeds with ``per_seed``. Readers refuse another format by name.
REPORT_FORMAT = 2


def runtimes(summaries: dict[str, dict], figures: dict[str, dict]) -> list[dict[str, Any]]:
    """Wall time per rule, summed over its jobs, from the runs' and the figures' provenance."""
    jobs: dict[str, list[float]] = defaultdict(list)
    devices: dict[str, set[str]] = defaultdict(set)
    for summary in summaries.values():
        for run in summary.get("runs", []):
            jobs[run["rule"]].append(run["runtime_seconds"])
            devices[run["rule"]].add(run["device"])
    for figure in figures.values():
        jobs[figure["rule"]].append(figure["runtime_seconds"])
        devices[figure["rule"]].add(figure["device"])
    return [
        {"rule": rule, "jobs": len(times), "seconds": round(sum(times), 3),
         "device": ", ".join(sorted(devices[rule]))}
        for rule, times in sorted(jobs.items(), key=lambda item: -sum(item[1]))
    ]


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
    summary_paths: dict[str, str],
    claims_path: str,
    figure_meta_paths: list[str],
) -> dict[str, Any]:
    summaries = {experiment: read_json(path) for experiment, path in summary_paths.items()}
    figures = {Path(path).stem: read_json(path) for path in figure_meta_paths}
    return {
        "format": REPORT_FORMAT,
        "run": {
            "title": config["report"]["title"],
            "generated": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "configfiles": configfiles,
            "config": config,
            "commit": git_commit(),
            "versions": package_versions(),
            "hardware": hardware(),
            "runtimes": runtimes(summaries, figures),
            "cluster_jobs": cluster_jobs(summaries),
        },
        "experiments": summaries,
        "claims": read_json(claims_path),
        "figures": figures,
    }
