"""Where every gd_plateau run ends, by start and lr, and what the schedule reached."""
from dlrepro.experiments.functions import gd_plateau
from dlrepro.workflow import read_records, settings_of, start_job, write_summary

start_job(snakemake)
records = read_records(snakemake.input.metrics)
metrics_by_run = {gd_plateau.run_key(record["params"]): record["metrics"] for record in records}
write_summary(snakemake, gd_plateau.summarise(metrics_by_run, settings_of(snakemake)), records)
