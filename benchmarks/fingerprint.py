"""What the code fingerprints (dlrepro.fingerprint) add to planning the homework graph.

Prints:

- fingerprints: the seconds to fingerprint the code of every job of the homework graph from a
  cold start (every module read, tokenized and digested once, then each job's closure), in this
  process, as the workflow's ``code`` params do it when Snakemake builds the graph;
- ``snakemake -n --forceall`` on the homework configuration in a temporary copy of the project:
  the median wall time of ``--repeat`` dry runs, and with ``--reference REV`` the same for the
  project as of git revision REV (before fingerprinting, say), in the same call, so that the
  difference is what fingerprinting adds on this machine under the same load.

    python benchmarks/fingerprint.py
    python benchmarks/fingerprint.py --reference <revision before fingerprints>
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from dlrepro import fingerprint
from dlrepro.data import PROVIDERS
from dlrepro.experiments.registry import EXPERIMENTS
from dlrepro.sandbox import SNAKEMAKE, copy_project, tree_at

PROJECT = Path(__file__).resolve().parents[1]
SCRIPTS = PROJECT / "workflow" / "scripts"


def every_jobs_code() -> int:
    """Fingerprint each job of the graph as the workflow does (one per job); the job count."""
    jobs = []
    for experiment in EXPERIMENTS:
        runs = SCRIPTS / f"{experiment.id}_runs.py"
        script = runs if runs.is_file() else SCRIPTS / f"{experiment.id}_run.py"
        jobs.append((script, [experiment.module]))
        jobs.append((SCRIPTS / "summary.py", [experiment.module]))
        jobs += [(SCRIPTS / "figure.py", [experiment.figure_module])] * len(experiment.figures)
    jobs += [(SCRIPTS / "prepare_data.py", [f"dlrepro.data.{name}"]) for name in PROVIDERS]
    jobs += [(SCRIPTS / name, []) for name in ("evaluate_claims.py", "report_data.py",
                                               "render_report.py", "render_report.py")]
    for script, by_name in jobs:
        fingerprint.job_fingerprint(script, by_name)
    return len(jobs)


def cold_fingerprints() -> tuple[float, int]:
    for cached in (fingerprint._source, fingerprint._module_imports, fingerprint.module_digest):
        cached.cache_clear()
    start = time.perf_counter()
    jobs = every_jobs_code()
    return time.perf_counter() - start, jobs


def dry_run_seconds(project: Path, repeat: int) -> float:
    """The median wall time of ``snakemake -n --forceall`` at homework scale in a copy of
    ``project`` whose library is the one imported (PYTHONPATH)."""
    with tempfile.TemporaryDirectory() as folder:
        workdir = copy_project(project, Path(folder) / "copy")
        env = {**os.environ, "PYTHONPATH": str(project / "src")}
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run([SNAKEMAKE, "-n", "--forceall", "--cores", "2", "--quiet", "all"],
                           cwd=workdir, env=env, check=True, capture_output=True,
                           stdin=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", help="git revision to time the same dry run at")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    seconds, jobs = cold_fingerprints()
    print(f"fingerprints of {jobs} jobs' code, cold: {seconds:.3f} s")
    ours = dry_run_seconds(PROJECT, args.repeat)
    print(f"snakemake -n --forceall, homework graph: {ours:.2f} s (median of {args.repeat})")
    if args.reference:
        with tempfile.TemporaryDirectory() as folder:
            tree = tree_at(PROJECT, args.reference, Path(folder))
            reference = dry_run_seconds(tree, args.repeat)
        print(f"  at {args.reference}: {reference:.2f} s; fingerprinting adds "
              f"{ours - reference:+.2f} s")


if __name__ == "__main__":
    main()
