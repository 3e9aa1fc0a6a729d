"""One network (plain or BatchNorm) at one lr and seed: results/batchnorm/{model}-lr{lr}-seed{seed}/."""
from dlrepro.data.base import load_dataset
from dlrepro.experiments.classifiers.mlp import train_run
from dlrepro.experiments.runs import pick_device
from dlrepro.workflow import record_run

dataset = load_dataset(snakemake.input.data, snakemake.input.info)
seed, device = int(snakemake.wildcards.seed), pick_device()
record_run(
    snakemake,
    "batchnorm",
    lambda settings: train_run(
        settings, dataset, seed, device,
        batchnorm=snakemake.wildcards.model == "batchnorm",
        lr=float(snakemake.wildcards.lr),
        epochs=settings["epochs"],
    ),
    seed=seed,
    device=device,
)
