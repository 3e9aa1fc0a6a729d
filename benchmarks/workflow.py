"""The whole graph, timed: wall time, the jobs' own time, parallel efficiency, 1 → 2 cores.

Runs the graph from scratch in a temporary copy of the project, once per ``--cores`` value
(1 and 2 by default), on the quick configuration or, with ``--homework``, at homework scale, and
prints for each run:

- wall: seconds from Snakemake's start to its end;
- Σ job: the jobs' own times added up, each from Snakemake's "rule …" line to its "Finished
  jobid" line (its log's one-second clock; Python's start-up and imports included);
- efficiency: Σ job / (wall × cores): 1 when every core works on a job all the time;
- jobs: how many jobs the graph ran;

and the speed-up from the fewest cores to the most. ``--reference REV`` times the project as of
git revision REV in the same way, in the same call, as the reference to compare against (the
graph before a change, on the same machine under the same load).

    python benchmarks/workflow.py                      # quick graph, 1 and 2 cores
    python benchmarks/workflow.py --homework --cores 2
    python benchmarks/workflow.py --reference main~3   # the same, before and after
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from dlrepro.sandbox import SNAKEMAKE, copy_project, tree_at

PROJECT = Path(__file__).resolve().parents[1]
TIMESTAMP = re.compile(r"^\[(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})\]$")
JOB_START = re.compile(r"^(?:local)?rule (\w+):$")
JOB_ID = re.compile(r"^\s+jobid: (\d+)$")
JOB_END = re.compile(r"^Finished jobid: (\d+)")


@dataclass
class GraphRun:
    tree: str
    cores: int
    wall: float
    job_seconds: dict[int, float]

    @property
    def total_job_seconds(self) -> float:
        return sum(self.job_seconds.values())

    @property
    def efficiency(self) -> float:
        return self.total_job_seconds / (self.wall * self.cores)


def job_seconds(log: str) -> dict[int, float]:
    """Each finished job's seconds, from the timestamps of Snakemake's log before its "rule"
    and its "Finished jobid" lines."""
    now = None
    starting = False
    started: dict[int, dt.datetime] = {}
    seconds: dict[int, float] = {}
    for line in log.splitlines():
        if stamp := TIMESTAMP.match(line):
            now = dt.datetime.strptime(stamp[1], "%a %b %d %H:%M:%S %Y")
        elif JOB_START.match(line):
            starting = True
        elif starting and (job := JOB_ID.match(line)):
            started[int(job[1])] = now
            starting = False
        elif (job := JOB_END.match(line)) and int(job[1]) in started:
            seconds[int(job[1])] = (now - started[int(job[1])]).total_seconds()
    return seconds


def time_graph(tree: str, workdir: Path, cores: int, config_args: list[str],
               env: dict[str, str]) -> GraphRun:
    start = time.monotonic()
    result = subprocess.run([SNAKEMAKE, "--cores", str(cores), *config_args],
                            cwd=workdir, capture_output=True, text=True, env=env,
                            stdin=subprocess.DEVNULL)
    wall = time.monotonic() - start
    if result.returncode != 0:
        sys.exit(f"the graph failed in {workdir}:\n{result.stderr[-3000:]}")
    return GraphRun(tree, cores, wall, job_seconds(result.stderr))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--homework", action="store_true",
                        help="homework scale (config/config.yaml) instead of config/quick.yaml")
    parser.add_argument("--cores", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--reference", metavar="REV",
                        help="also time the project as of this git revision")
    args = parser.parse_args()
    # config/config.yaml is the Snakefile's own; the quick graph lays config/quick.yaml over it
    config_args = [] if args.homework else ["--configfile", "config/quick.yaml"]

    runs = []
    with tempfile.TemporaryDirectory(prefix="dlrepro-bench-") as scratch:
        trees = [("this tree", None)] + ([(args.reference, args.reference)]
                                         if args.reference else [])
        for name, revision in trees:
            for cores in args.cores:
                workdir = Path(scratch) / f"{len(runs)}"
                env = dict(os.environ)
                if revision is None:
                    copy_project(PROJECT, workdir)
                else:
                    tree_at(PROJECT, revision, workdir)
                    env["PYTHONPATH"] = str(workdir / "src")
                print(f"{name}, --cores {cores} ...", file=sys.stderr, flush=True)
                runs.append(time_graph(name, workdir, cores, config_args, env))

    print(f"graph: {'homework scale' if args.homework else 'quick'}; "
          f"machine: {os.cpu_count()} cores")
    print(f"{'tree':<14}{'cores':>6}{'wall s':>9}{'Σ job s':>9}{'efficiency':>11}{'jobs':>6}")
    for run in runs:
        print(f"{run.tree:<14}{run.cores:>6}{run.wall:>9.1f}{run.total_job_seconds:>9.0f}"
              f"{run.efficiency:>11.2f}{len(run.job_seconds):>6}")
    for tree in dict.fromkeys(run.tree for run in runs):
        timed = sorted((run for run in runs if run.tree == tree), key=lambda run: run.cores)
        if len(timed) > 1:
            print(f"{tree}: speed-up {timed[0].cores} → {timed[-1].cores} cores "
                  f"{timed[0].wall / timed[-1].wall:.2f}×")


if __name__ == "__main__":
    main()
