"""dc/da of c = a²(a + b) by autograd and by the two paths of the graph."""
from dlrepro.experiments.functions import compgraph
from dlrepro.workflow import record_run

record_run(snakemake, compgraph.run, summarise=compgraph.summarise)
