"""Parameter counts of real torch.nn classifiers, with and without biases."""
from dlrepro.experiments.functions import param_count
from dlrepro.workflow import record_run

record_run(snakemake, param_count.run, summarise=param_count.summarise)
