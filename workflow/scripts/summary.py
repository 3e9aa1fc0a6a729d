"""summary.json of an experiment of several runs: its module's summarise(records, histories,
settings). The experiment is the rule's name up to ``_summary``."""
from dlrepro.workflow import record_summary

record_summary(snakemake)
