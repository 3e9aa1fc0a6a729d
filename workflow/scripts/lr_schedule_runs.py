"""The plain network under the step schedule, at constant lrs and at a very high lr, at one seed:
results/lr_schedule/{schedule}-lr{lr}-seed{seed}/."""
from dlrepro.data.base import load_dataset
from dlrepro.experiments.classifiers import lr_schedule
from dlrepro.experiments.runs import pick_device
from dlrepro.workflow import record_runs

dataset = load_dataset(snakemake.input.data, snakemake.input.info)
device = pick_device()
record_runs(
    snakemake,
    lambda settings, run: lr_schedule.run(
        settings, snakemake.params.network, dataset, run["schedule"], run["lr"], run["seed"],
        device,
    ),
    device=device,
)
