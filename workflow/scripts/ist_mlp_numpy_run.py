"""The numpy one-hidden-layer network, one example at a time, one seed:
results/ist_mlp_numpy/seed{seed}/."""
from dlrepro.data.base import load_dataset
from dlrepro.experiments.ist import ist_mlp_numpy
from dlrepro.workflow import record_run

dataset = load_dataset(snakemake.input.data, snakemake.input.info)
seed = int(snakemake.wildcards.seed)
record_run(
    snakemake,
    lambda settings: ist_mlp_numpy.run(settings, dataset, seed),
    seed=seed,
)
