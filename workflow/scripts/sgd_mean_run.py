"""Own SGD for the mean at one lr and one seed: results/sgd_mean/lr{lr}-seed{seed}/."""
from dlrepro.experiments.functions import sgd_mean
from dlrepro.workflow import record_run

seed = int(snakemake.wildcards.seed)
record_run(
    snakemake,
    "sgd_mean",
    lambda settings: sgd_mean.run(settings, float(snakemake.wildcards.lr), seed),
    seed=seed,
)
