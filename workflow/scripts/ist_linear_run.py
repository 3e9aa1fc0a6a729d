"""One numpy linear classifier (perceptron, logistic, logistic_l2) and seed:
results/ist_linear/{model}-seed{seed}/."""
from dlrepro.data.base import load_dataset
from dlrepro.experiments.ist import ist_linear
from dlrepro.workflow import record_run

dataset = load_dataset(snakemake.input.data, snakemake.input.info)
seed = int(snakemake.wildcards.seed)
record_run(
    snakemake,
    "ist_linear",
    lambda settings: ist_linear.run(settings, dataset, snakemake.wildcards.model, seed),
    seed=seed,
)
