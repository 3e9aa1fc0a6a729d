"""Results the code now in the tree would not make: a recorded fingerprint (dlrepro.fingerprint)
that differs from the one this tree gives the job that made it.

Snakemake reruns a job whose code fingerprint changed, so a stale result means the graph was
not run to the end after a change, or a file was edited or copied in by hand. The report rests
on four kinds of result, each checked against what the workflow expects of its job now:

- every run, through the fingerprint its experiment's summary recorded for it;
- every summary;
- every figure (its provenance, ``results/figures/<id>.json``);
- the claims (``claims.json``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dlrepro.fingerprint import changed_modules


@dataclass(frozen=True)
class StaleResult:
    """One result whose code differs: its file and the modules whose digests differ."""

    path: str
    modules: list[str]

    def line(self) -> str:
        return f"{self.path}: made by other code in {', '.join(self.modules) or 'its script'}"


class StaleResults(RuntimeError):
    """Results the code in the tree did not make; the message names each file and module."""

    def __init__(self, stale: list[StaleResult]):
        self.stale = stale
        super().__init__(
            f"{len(stale)} result(s) were made by other code than this tree's; run the graph "
            "again (snakemake reruns exactly these), or set report.allow_stale: true to render "
            "the report with a banner that lists them:\n  "
            + "\n  ".join(result.line() for result in stale))


def _check(path: str, recorded: Mapping[str, Any] | None, expected: Mapping[str, Any],
           recorded_modules: Mapping[str, str] | None = None) -> list[StaleResult]:
    total = recorded.get("total") if isinstance(recorded, Mapping) else recorded
    if total == expected["total"]:
        return []
    modules = recorded_modules if recorded_modules is not None else (
        recorded.get("modules", {}) if isinstance(recorded, Mapping) else {})
    return [StaleResult(path, changed_modules(dict(modules), dict(expected["modules"])))]


def stale_results(expected: Mapping[str, Any], summaries: Mapping[str, Mapping[str, Any]],
                  figures: Mapping[str, Mapping[str, Any]],
                  claims: Mapping[str, Any]) -> tuple[list[StaleResult], int]:
    """Every stale result, and how many results were checked.

    ``expected``: the fingerprints this tree gives each job, as the workflow computes them:
    ``runs`` and ``summaries`` by experiment, ``figures`` by experiment, ``claims``.
    ``summaries`` by experiment, ``figures`` by figure id (their provenance), ``claims`` the
    claims.json document."""
    stale: list[StaleResult] = []
    checked = 0
    for experiment, summary in summaries.items():
        runs_code = expected["runs"][experiment]
        for run in summary.get("runs", []):
            checked += 1
            stale += _check(f"results/{experiment}/{run['run']}/metrics.json", run.get("code"),
                            runs_code, summary.get("run_code", {}).get(run.get("code"), {}))
        checked += 1
        stale += _check(f"results/{experiment}/summary.json", summary.get("code"),
                        expected["summaries"][experiment])
    for figure_id, meta in figures.items():
        experiment = meta.get("params", {}).get("experiment")
        checked += 1
        stale += _check(f"results/figures/{figure_id}.json", meta.get("code"),
                        expected["figures"][experiment])
    checked += 1
    stale += _check("results/claims/claims.json", claims.get("code"), expected["claims"])
    return stale, checked
