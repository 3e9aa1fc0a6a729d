"""One torch variant point (logistic regression or the network) and seed:
results/ist_torch/{variant}-seed{seed}/."""
from dlrepro.data.base import load_dataset
from dlrepro.experiments.ist import ist_torch
from dlrepro.experiments.runs import pick_device
from dlrepro.workflow import record_run

dataset = load_dataset(snakemake.input.data, snakemake.input.info)
seed, device = int(snakemake.wildcards.seed), pick_device()
record_run(
    snakemake,
    "ist_torch",
    lambda settings: ist_torch.run(settings, dataset, snakemake.wildcards.variant, seed, device),
    seed=seed,
    device=device,
)
