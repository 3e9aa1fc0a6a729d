"""The divergence half (batchnorm's plain runs) and the schedule half: summary.json."""
from dlrepro.experiments.classifiers import lr_schedule
from dlrepro.results import read_history
from dlrepro.workflow import read_records, settings_of, start_job, write_summary

start_job(snakemake)
records = read_records(snakemake.input.metrics)
summary = lr_schedule.summarise(
    records,
    [read_history(path) for path in snakemake.input.histories],
    read_records(snakemake.input.divergence_metrics),
    [read_history(path) for path in snakemake.input.divergence_histories],
    settings_of(snakemake),
    snakemake.params.divergence_lrs,
)
write_summary(snakemake, summary, records)
