"""One figure of an experiment: dlrepro.figures.<experiment>.draw_<figure> on its results."""
from dlrepro.figures.record import record_figure

record_figure(snakemake, __file__)
