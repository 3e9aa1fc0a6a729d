"""Accuracy and cross-entropy per epoch of the numpy network, over seeds."""
from dlrepro.figures import ist_mlp_numpy as plots
from dlrepro.results import read_history, read_json
from dlrepro.workflow import record_figure

summary = read_json(snakemake.input.summary)
record_figure(
    snakemake,
    __file__,
    lambda: plots.curves([read_history(path) for path in snakemake.input.histories], summary),
    stand_in=summary["data"]["stand_in"],
)
