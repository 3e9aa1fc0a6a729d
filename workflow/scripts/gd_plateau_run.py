"""GD from one start at one initial lr, constant or decayed: results/gd_plateau/<run>/."""
from dlrepro.experiments.functions import gd_plateau
from dlrepro.workflow import record_run

wildcards = snakemake.wildcards
record_run(
    snakemake,
    "gd_plateau",
    lambda settings: gd_plateau.run(
        settings, float(wildcards.start), float(wildcards.lr), decayed=wildcards.kind == "decayed"
    ),
)
