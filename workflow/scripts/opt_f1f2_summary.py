"""Final objectives, phase rates and the f1/f2 gap of the eight runs: summary.json."""
from dlrepro.experiments.functions import opt_f1f2
from dlrepro.workflow import histories_by, read_records, settings_of, start_job, write_summary

start_job(snakemake)
histories = histories_by(snakemake.input.metrics, snakemake.input.histories, opt_f1f2.run_key)
records = read_records(snakemake.input.metrics)
write_summary(snakemake, opt_f1f2.summarise(histories, settings_of(snakemake)), records)
