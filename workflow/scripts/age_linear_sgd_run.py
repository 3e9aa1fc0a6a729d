"""Linear regression by minibatch SGD at one (lr, batch size, seed), read at every checkpoint."""
from dlrepro.data.base import load_dataset
from dlrepro.experiments.regressors import age_linear_sgd
from dlrepro.experiments.runs import pick_device
from dlrepro.workflow import record_run

dataset = load_dataset(snakemake.input.data, snakemake.input.info)
wildcards, device = snakemake.wildcards, pick_device()
seed = int(wildcards.seed)
record_run(
    snakemake,
    "age_linear_sgd",
    lambda settings: age_linear_sgd.run(
        settings, dataset, float(wildcards.lr), int(wildcards.batch_size), seed, device
    ),
    seed=seed,
    device=device,
)
