"""The glue between a Snakemake job and the library, used by the thin scripts in workflow/scripts.

A script hands over the ``snakemake`` object and a function that does the work; this module
sets up the job's log and threads, times the work, and writes the results contract.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from importlib import import_module
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

from dlrepro.experiments.registry import experiment
from dlrepro.provenance import Stopwatch, git_commit, provenance
from dlrepro.results import (
    RunResult,
    read_history,
    read_json,
    run_record,
    save_run,
    write_json,
)

log = logging.getLogger("dlrepro")

#: An experiment module's ``summarise(records, histories, settings)``.
Summarise = Callable[[list[dict[str, Any]], list[Any], dict[str, Any]], dict[str, Any]]


def _log_uncaught(kind, value, traceback) -> None:
    """An exception that ends a job goes to the job's log too, where Snakemake points users."""
    log.critical("the job failed", exc_info=(kind, value, traceback))
    sys.__excepthook__(kind, value, traceback)


def start_job(snakemake: Any) -> logging.Logger:
    """Send the library's log to the job's log file and honour the rule's ``threads``.

    Call it after importing the experiment's module, so that torch is already loaded if used.
    """
    handler = logging.FileHandler(snakemake.log[0], mode="w")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threads = max(1, int(snakemake.threads))
    # numpy's BLAS would otherwise start a thread per core in every job, and jobs running side
    # by side would fight over the cores; the limit holds for the life of the job's process.
    threadpool_limits(limits=threads)
    if "torch" in sys.modules:  # only jobs that compute with torch pay for importing it
        sys.modules["torch"].set_num_threads(threads)
    log.info("rule %s, wildcards %s", snakemake.rule, dict(snakemake.wildcards))
    return log


def job_code(snakemake: Any) -> dict[str, Any]:
    """The job's code fingerprint (its ``code`` param: ``total`` and a digest per module, see
    :mod:`dlrepro.fingerprint`), which every result it writes records."""
    code = getattr(snakemake.params, "code", None)
    if not code:
        raise ValueError(f"rule {snakemake.rule} has no `code` param: every job records the "
                         "fingerprint of the code that made its results")
    return {"total": code["total"], "modules": dict(code["modules"])}


def settings_of(snakemake: Any) -> dict[str, Any]:
    """The rule's ``settings`` param (its experiment's config section) as a plain dict."""
    return dict(snakemake.params.settings)


def _save(
    snakemake: Any,
    experiment: str,
    compute: Callable[[], RunResult],
    *,
    params: dict[str, Any],
    metrics_path: str,
    history_path: str | None,
    seed: int | None,
    device: str,
) -> tuple[dict[str, Any], RunResult]:
    """Time ``compute()``, then write the run's history and metrics.json."""
    with Stopwatch() as clock:
        result = compute()
    record = run_record(
        experiment=experiment,
        run=Path(metrics_path).parent.name,
        params=params,
        seed=seed,
        result=result,
        provenance=provenance(clock, device=device, code=job_code(snakemake),
                              rule=snakemake.rule),
    )
    save_run(record, metrics_path, result.history, history_path)
    log.info("%s/%s: %s in %.2f s", experiment, record["run"], record["status"], clock.seconds)
    return record, result


def rule_experiment(rule: str) -> str:
    """The registered experiment a run belongs to, from its rule's name (``<id>_run`` or
    ``<id>_runs``): the one place a run's experiment id comes from, so that a script cannot
    record its runs under another id. (Rule ``summary`` has it as its ``{experiment}``.)"""
    for suffix in ("_runs", "_run"):
        if rule.endswith(suffix):
            return experiment(rule.removesuffix(suffix)).id
    raise ValueError(f"rule {rule!r} is not named <experiment>_run or <experiment>_runs")


def record_run(
    snakemake: Any,
    compute: Callable[[dict[str, Any]], RunResult],
    *,
    seed: int | None = None,
    device: str = "cpu",
    summarise: Summarise | None = None,
) -> dict[str, Any]:
    """Run ``compute(settings)`` for one run folder and write its metrics.json (and history).

    An experiment that is a single run writes its summary.json in the same job: its module's
    ``summarise([record], [history], settings)``, on the run as computed.
    """
    start_job(snakemake)
    settings = settings_of(snakemake)
    wildcards = dict(snakemake.wildcards)
    if "seed" in wildcards:  # the one run parameter a wildcard gives: parsed here, once
        wildcards["seed"] = int(wildcards["seed"])
    record, result = _save(
        snakemake,
        rule_experiment(snakemake.rule),
        lambda: compute(settings),
        params={**settings, **wildcards},
        metrics_path=snakemake.output.metrics,
        history_path=snakemake.output.get("history"),
        seed=seed,
        device=device,
    )
    if summarise is not None:
        write_summary(snakemake, summarise([record], [result.history], settings), [record])
    return record


def record_runs(
    snakemake: Any,
    compute: Callable[[dict[str, Any], dict[str, Any]], RunResult],
    *,
    device: str = "cpu",
) -> list[dict[str, Any]]:
    """Several runs in one job, one after another, each in its own run folder.

    ``snakemake.params.runs`` lists each run's own parameters (a ``seed`` among them where the
    run has one), in the order of the rule's ``metrics`` and ``history`` outputs;
    ``compute(settings, run_params)`` makes one run. A job per run would spend longer starting
    Python and importing torch than computing.
    """
    start_job(snakemake)
    settings = settings_of(snakemake)
    experiment_id = rule_experiment(snakemake.rule)
    return [
        _save(
            snakemake,
            experiment_id,
            lambda run=run: compute(settings, run),
            params={**settings, **run},
            metrics_path=metrics_path,
            history_path=history_path,
            seed=run.get("seed"),
            device=device,
        )[0]
        for run, metrics_path, history_path in zip(
            snakemake.params.runs, snakemake.output.metrics, snakemake.output.history, strict=True
        )
    ]


def summary_of_runs(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The part of every summary.json that describes its runs: data, status, time, place, and
    the code that made each (``code``: its fingerprint's total; ``run_code``: each total's
    digests per module, so that a stale run can name the modules that changed)."""
    records = list(records)
    data = records[0]["data"] if records else {}
    codes = {record["provenance"]["code"]["total"]: record["provenance"]["code"]["modules"]
             for record in records}
    return {
        "experiment": records[0]["experiment"] if records else None,
        "data": data,
        "run_code": codes,
        "runs": [
            {
                "run": record["run"],
                "seed": record["seed"],
                "status": record["status"],
                "rule": record["provenance"].get("rule"),
                "device": record["provenance"]["device"],
                "runtime_seconds": record["provenance"]["runtime_seconds"],
                "code": record["provenance"]["code"]["total"],
                **{
                    key: record["provenance"][key]
                    for key in ("job_id", "job_started", "finished", "slurm_job_id", "slurm_nodes")
                    if key in record["provenance"]
                },
            }
            for record in records
        ],
    }


def write_summary(snakemake: Any, experiment_summary: dict[str, Any], records: list[dict]) -> None:
    """summary.json: the code that made it, what describes the runs, then what the experiment
    measured."""
    summary = {"commit": git_commit(), "code": job_code(snakemake), **summary_of_runs(records),
               **experiment_summary}
    write_json(snakemake.output.summary, summary)
    log.info("summary of %d runs written to %s", len(records), snakemake.output.summary)


def record_summary(snakemake: Any) -> None:
    """summary.json of an experiment of several runs (rule ``summary``, wildcard
    ``{experiment}``): its module's ``summarise(records, histories, settings)`` on the runs the
    rule reads; the summary lists those of its own experiment."""
    start_job(snakemake)
    experiment_id = experiment(snakemake.wildcards["experiment"]).id
    module = import_module(experiment(experiment_id).module)
    records = read_records(snakemake.input.metrics)
    own = [record for record in records if record["experiment"] == experiment_id]
    if not own:
        raise ValueError(
            f"{experiment_id}: no run of this experiment among the {len(records)} records the "
            f"rule reads ({', '.join(sorted({r['experiment'] for r in records})) or 'none'}): "
            f"a summary of zero runs would say nothing")
    histories = [read_history(path) for path in snakemake.input.histories]
    summary = module.summarise(records, histories, settings_of(snakemake))
    write_summary(snakemake, summary, own)


def read_records(paths: Iterable[str]) -> list[dict[str, Any]]:
    return [read_json(path) for path in paths]
