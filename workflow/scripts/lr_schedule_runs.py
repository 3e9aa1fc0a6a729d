"""The plain network under the step schedule, at constant lrs and at a very high lr, at one seed:
results/lr_schedule/{schedule}-lr{lr}-seed{seed}/."""
from dlrepro.data.base import load_dataset
from dlrepro.experiments.classifiers.lr_schedule import run_epochs
from dlrepro.experiments.classifiers.mlp import train_run
from dlrepro.experiments.runs import pick_device
from dlrepro.workflow import record_runs

dataset = load_dataset(snakemake.input.data, snakemake.input.info)
device = pick_device()
record_runs(
    snakemake,
    lambda settings, run: train_run(
        {**snakemake.params.network, **settings}, dataset, int(run["seed"]), device,
        batchnorm=False,
        lr=float(run["lr"]),
        epochs=run_epochs(settings, run["schedule"]),
        step_size=settings["step_size"] if run["schedule"] == "step" else None,
        gamma=settings["gamma"],
    ),
    device=device,
)
