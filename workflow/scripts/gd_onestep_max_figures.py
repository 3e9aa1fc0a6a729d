"""f with each landing step drawn, and lr as a function of the start."""
from dlrepro.figures import gd_onestep_max as plots
from dlrepro.results import read_json
from dlrepro.workflow import record_figure

record_figure(snakemake, __file__, lambda: plots.one_step(read_json(snakemake.input.summary)))
