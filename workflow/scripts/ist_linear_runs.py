"""The numpy linear classifiers (perceptron, logistic, logistic_l2) at one seed:
results/ist_linear/{model}-seed{seed}/."""
from dlrepro.data.base import load_dataset
from dlrepro.experiments.ist import ist_linear
from dlrepro.workflow import record_runs

dataset = load_dataset(snakemake.input.data, snakemake.input.info)
record_runs(
    snakemake,
    lambda settings, run: ist_linear.run(settings, dataset, run["model"], run["seed"]),
)
