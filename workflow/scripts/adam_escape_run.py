"""GD and Adam (eps = 0) on the bump, and h_max by bisection: one run and its summary."""
from dlrepro.experiments.functions import adam_escape
from dlrepro.workflow import record_run

record_run(snakemake, adam_escape.run, summarise=adam_escape.summarise)
