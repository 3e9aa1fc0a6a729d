"""Both networks (plain and BatchNorm) at every lr, at one seed:
results/batchnorm/{model}-lr{lr}-seed{seed}/."""
from dlrepro.data.base import load_dataset
from dlrepro.experiments.classifiers import batchnorm
from dlrepro.experiments.runs import pick_device
from dlrepro.workflow import record_runs

dataset = load_dataset(snakemake.input.data, snakemake.input.info)
device = pick_device()
record_runs(
    snakemake,
    lambda settings, run: batchnorm.run(
        settings, dataset, run["model"], run["lr"], run["seed"], device
    ),
    device=device,
)
