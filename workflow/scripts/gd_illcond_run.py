"""Infer (a1, a2, c1, c2) from a GD trajectory, and run lr / lr_divisor: one run and its summary."""
from dlrepro.experiments.functions import gd_illcond
from dlrepro.workflow import record_run

record_run(snakemake, gd_illcond.run, summarise=gd_illcond.summarise)
