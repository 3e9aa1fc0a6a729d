"""The whole gd_plateau sweep in one job: one run folder per (start, lr, kind)."""
from dlrepro.experiments.functions import gd_plateau
from dlrepro.workflow import record_runs

record_runs(
    snakemake,
    lambda settings, run: gd_plateau.run(settings, run["start"], run["lr"], run["kind"]),
)
