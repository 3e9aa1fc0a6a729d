"""f and f' of the three activations, with the write-up's derivative beside autograd's."""
from dlrepro.figures import activations as plots
from dlrepro.results import read_history
from dlrepro.workflow import record_figure

record_figure(
    snakemake,
    __file__,
    lambda: plots.functions_and_derivatives(read_history(snakemake.input.history)),
)
