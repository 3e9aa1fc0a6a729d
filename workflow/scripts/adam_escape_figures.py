"""GD's oscillation and Adam's trajectories just below and above h_max."""
from dlrepro.figures import adam_escape as plots
from dlrepro.results import read_history, read_json
from dlrepro.workflow import record_figure

record_figure(
    snakemake,
    __file__,
    lambda: plots.trajectories(
        read_history(snakemake.input.history), read_json(snakemake.input.summary)
    ),
)
