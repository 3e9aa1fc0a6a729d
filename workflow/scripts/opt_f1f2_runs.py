"""Each optimiser on each function: results/opt_f1f2/{function}-{optimizer}/."""
from dlrepro.experiments.functions import opt_f1f2
from dlrepro.workflow import record_runs

record_runs(
    snakemake,
    lambda settings, run: opt_f1f2.run(settings, run["function"], run["optimizer"]),
)
