"""The sgd_mean runs over seeds, per learning rate: summary.json."""
from collections import defaultdict

from dlrepro.experiments.functions import sgd_mean
from dlrepro.workflow import read_records, settings_of, start_job, write_summary

start_job(snakemake)
records = read_records(snakemake.input.metrics)
records_by_lr = defaultdict(list)
for record in records:
    records_by_lr[float(record["params"]["lr"])].append(record)
write_summary(snakemake, sgd_mean.summarise(records_by_lr, settings_of(snakemake)), records)
