"""One GD step onto the local maximum of x⁴ − 4x², for every configured start."""
from dlrepro.experiments.functions import gd_onestep_max
from dlrepro.workflow import record_run

record_run(snakemake, gd_onestep_max.run, summarise=gd_onestep_max.summarise)
