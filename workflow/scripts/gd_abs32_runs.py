"""GD on (2/3)|x|^(3/2) at every lr, from generic starts and from S: results/gd_abs32/lr{lr}/."""
from dlrepro.experiments.functions import gd_abs32
from dlrepro.workflow import record_runs

record_runs(snakemake, lambda settings, run: gd_abs32.run(settings, run["lr"]))
