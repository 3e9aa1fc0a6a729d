"""f and f' by autograd for the three candidate activations: one run and its summary."""
from dlrepro.experiments.functions import activations
from dlrepro.workflow import record_run

record_run(snakemake, activations.run, summarise=activations.summarise)
