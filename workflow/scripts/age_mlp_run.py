"""The 2304-64-1 network on the age data for one seed: results/age_mlp/seed{seed}/."""
from dlrepro.data.base import load_dataset
from dlrepro.experiments.regressors import age_mlp
from dlrepro.experiments.runs import pick_device
from dlrepro.workflow import record_run

dataset = load_dataset(snakemake.input.data, snakemake.input.info)
seed, device = int(snakemake.wildcards.seed), pick_device()
record_run(
    snakemake,
    lambda settings: age_mlp.run(settings, dataset, seed, device),
    seed=seed,
    device=device,
)
