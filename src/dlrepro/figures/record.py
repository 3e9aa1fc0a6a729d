"""The glue between a figure job (rule ``figure``) and the figure modules: kept apart from
:mod:`dlrepro.workflow`, so that the code of a run or a summary job does not include the
figures' code (:mod:`dlrepro.fingerprint`)."""

from __future__ import annotations

import logging
from importlib import import_module
from pathlib import Path
from typing import Any

from dlrepro.experiments.registry import experiment
from dlrepro.figures.style import save_figure
from dlrepro.provenance import Stopwatch, git_commit, job_timing
from dlrepro.results import ExperimentResults
from dlrepro.workflow import job_code, start_job

log = logging.getLogger("dlrepro")


def record_figure(snakemake: Any, script: str) -> None:
    """Draw one figure of an experiment (rule ``figure``: wildcards ``experiment`` and
    ``figure``) with ``dlrepro.figures.<experiment>.draw_<figure>``, save it as SVG and write
    the provenance its caption shows in the report.

    ``script`` is the calling script's ``__file__`` (Snakemake sets it to the real path).
    """
    start_job(snakemake)
    wildcards = dict(snakemake.wildcards)
    module = import_module(experiment(wildcards["experiment"]).figure_module)
    draw = getattr(module, f"draw_{wildcards['figure']}")
    results = ExperimentResults.read(snakemake.input.summary, list(snakemake.input.metrics),
                                     list(snakemake.input.histories))
    with Stopwatch() as clock:
        fig = draw(results)
    meta = {
        "rule": snakemake.rule,
        "commit": git_commit(),
        "code": job_code(snakemake),
        "script": f"workflow/scripts/{Path(script).name}",
        "params": wildcards,
        "inputs": len(snakemake.input),
        "caption": snakemake.params.caption,
        "stand_in": results.stand_in,
        "device": "cpu",
        "runtime_seconds": round(clock.seconds, 4),
        **job_timing(),
    }
    save_figure(fig, snakemake.output.svg, snakemake.output.meta, meta)
    log.info("figure %s drawn in %.2f s", snakemake.output.svg, clock.seconds)
