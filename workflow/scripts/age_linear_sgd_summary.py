"""The grid, the setting selected on validation and its test error: summary.json."""
from dlrepro.experiments.regressors import age_linear_sgd
from dlrepro.workflow import read_records, settings_of, start_job, write_summary

start_job(snakemake)
records = read_records(snakemake.input.metrics)
write_summary(snakemake, age_linear_sgd.summarise(records, settings_of(snakemake)), records)
