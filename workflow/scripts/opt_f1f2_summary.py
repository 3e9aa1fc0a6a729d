"""Final objectives, phase rates and the f1/f2 gap of the eight runs: summary.json."""
from dlrepro.experiments.functions import opt_f1f2
from dlrepro.results import read_history
from dlrepro.workflow import read_records, settings_of, start_job, write_summary

start_job(snakemake)
records = read_records(snakemake.input.metrics)
histories = {
    (record["params"]["function"], record["params"]["optimizer"]): read_history(path)
    for record, path in zip(records, snakemake.input.histories)
}
write_summary(snakemake, opt_f1f2.summarise(histories, settings_of(snakemake)), records)
