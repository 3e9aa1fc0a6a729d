"""The plain network under a step schedule or a constant lr, one seed:
results/lr_schedule/{schedule}-lr{lr}-seed{seed}/."""
from dlrepro.data.base import load_dataset
from dlrepro.experiments.classifiers.mlp import train_run
from dlrepro.experiments.runs import pick_device
from dlrepro.workflow import record_run

dataset = load_dataset(snakemake.input.data, snakemake.input.info)
seed, device = int(snakemake.wildcards.seed), pick_device()
step = snakemake.wildcards.schedule == "step"
record_run(
    snakemake,
    "lr_schedule",
    lambda settings: train_run(
        {**snakemake.params.network, **settings}, dataset, seed, device,
        batchnorm=False,
        lr=float(snakemake.wildcards.lr),
        epochs=settings["epochs"],
        step_size=settings["step_size"] if step else None,
        gamma=settings["gamma"],
    ),
    seed=seed,
    device=device,
)
