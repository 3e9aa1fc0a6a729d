"""Seed means of the sgd_mean runs per learning rate: summary.json."""
from collections import defaultdict

from dlrepro.experiments.functions import sgd_mean
from dlrepro.workflow import read_records, settings_of, start_job, write_summary

start_job(snakemake)
records = read_records(snakemake.input.metrics)
metrics_by_lr = defaultdict(list)
for record in records:
    metrics_by_lr[float(record["params"]["lr"])].append(record["metrics"])
write_summary(snakemake, sgd_mean.summarise(metrics_by_lr, settings_of(snakemake)), records)
