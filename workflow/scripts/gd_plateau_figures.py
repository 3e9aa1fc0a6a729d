"""f with the GD iterates of representative runs, one panel per start."""
from dlrepro.experiments.functions import gd_plateau
from dlrepro.figures import gd_plateau as plots
from dlrepro.workflow import histories_by, record_figure

record_figure(
    snakemake,
    __file__,
    lambda: plots.trajectories(
        histories_by(snakemake.input.metrics, snakemake.input.histories, gd_plateau.run_key)
    ),
)
