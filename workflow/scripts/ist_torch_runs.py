"""Every torch variant point (logistic regression or the network) at one seed:
results/ist_torch/{variant}-seed{seed}/."""
from dlrepro.data.base import load_dataset
from dlrepro.experiments.ist import ist_torch
from dlrepro.experiments.runs import pick_device
from dlrepro.workflow import record_runs

dataset = load_dataset(snakemake.input.data, snakemake.input.info)
device = pick_device()
record_runs(
    snakemake,
    lambda settings, run: ist_torch.run(settings, dataset, run["variant"], run["seed"], device),
    device=device,
)
