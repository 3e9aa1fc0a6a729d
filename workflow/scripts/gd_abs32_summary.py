"""The 2-cycle amplitude per lr and the steps S starts take to reach 0: summary.json."""
from dlrepro.experiments.functions import gd_abs32
from dlrepro.results import read_history
from dlrepro.workflow import read_records, settings_of, start_job, write_summary

start_job(snakemake)
records = read_records(snakemake.input.metrics)
histories = {
    float(record["params"]["lr"]): read_history(path)
    for record, path in zip(records, snakemake.input.histories)
}
write_summary(snakemake, gd_abs32.summarise(histories, settings_of(snakemake)), records)
