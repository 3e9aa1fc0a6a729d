"""One optimiser on one function: results/opt_f1f2/{function}-{optimizer}/."""
from dlrepro.experiments.functions import opt_f1f2
from dlrepro.workflow import record_run

record_run(
    snakemake,
    "opt_f1f2",
    lambda settings: opt_f1f2.run(
        settings, snakemake.wildcards.function, snakemake.wildcards.optimizer
    ),
)
