"""Linear regression by minibatch SGD at every (lr, batch size) of the grid, at one seed, each
read at every checkpoint: results/age_linear_sgd/lr{lr}-batch{batch_size}-seed{seed}/."""
from dlrepro.data.base import load_dataset
from dlrepro.experiments.regressors import age_linear_sgd
from dlrepro.experiments.runs import pick_device
from dlrepro.workflow import record_runs

dataset = load_dataset(snakemake.input.data, snakemake.input.info)
device = pick_device()
record_runs(
    snakemake,
    lambda settings, run: age_linear_sgd.run(
        settings, dataset, run["lr"], run["batch_size"], run["seed"], device
    ),
    device=device,
)
