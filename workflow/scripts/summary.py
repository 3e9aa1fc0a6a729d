"""summary.json of an experiment of several runs (rule summary, wildcard {experiment}): its
module's summarise(records, histories, settings)."""
from dlrepro.workflow import record_summary

record_summary(snakemake)
