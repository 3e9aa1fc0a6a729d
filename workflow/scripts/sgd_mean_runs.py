"""Own SGD for the mean at every lr, at one seed: results/sgd_mean/lr{lr}-seed{seed}/."""
from dlrepro.experiments.functions import sgd_mean
from dlrepro.workflow import record_runs

record_runs(
    snakemake,
    lambda settings, run: sgd_mean.run(settings, run["lr"], run["seed"]),
)
