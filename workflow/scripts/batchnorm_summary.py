"""Curves and final numbers per network and lr over seeds, and the measures of the three
claims: summary.json."""
from dlrepro.experiments.classifiers import batchnorm
from dlrepro.results import read_history
from dlrepro.workflow import read_records, settings_of, start_job, write_summary

start_job(snakemake)
records = read_records(snakemake.input.metrics)
histories = [read_history(path) for path in snakemake.input.histories]
write_summary(snakemake, batchnorm.summarise(records, histories, settings_of(snakemake)), records)
