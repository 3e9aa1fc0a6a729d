"""Training loss, training accuracy and test accuracy per epoch, per network and lr."""
from dlrepro.figures import batchnorm as plots
from dlrepro.results import read_json
from dlrepro.workflow import record_figure

summary = read_json(snakemake.input.summary)
record_figure(snakemake, __file__, lambda: plots.curves(summary),
              stand_in=summary["data"]["stand_in"])
