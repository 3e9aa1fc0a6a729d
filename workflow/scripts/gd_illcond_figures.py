"""Contours of f with the trajectory at lr and at lr / lr_divisor."""
from dlrepro.figures import gd_illcond as plots
from dlrepro.results import read_history, read_json
from dlrepro.workflow import record_figure

record_figure(
    snakemake,
    __file__,
    lambda: plots.contours(read_history(snakemake.input.history), read_json(snakemake.input.summary)),
    stand_in=read_json(snakemake.input.summary)["data"]["stand_in"],
)
