"""The 2-cycle amplitude per lr and the steps S starts take to reach 0: summary.json."""
from dlrepro.experiments.functions import gd_abs32
from dlrepro.workflow import histories_by, read_records, settings_of, start_job, write_summary

start_job(snakemake)
histories = histories_by(
    snakemake.input.metrics, snakemake.input.histories, lambda params: float(params["lr"])
)
records = read_records(snakemake.input.metrics)
write_summary(snakemake, gd_abs32.summarise(histories, settings_of(snakemake)), records)
