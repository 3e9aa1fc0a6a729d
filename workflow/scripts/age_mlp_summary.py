"""Final errors of age_mlp, mean ± std over seeds, beside the write-up's: summary.json."""
from dlrepro.experiments.regressors import age_mlp
from dlrepro.results import read_history
from dlrepro.workflow import read_records, settings_of, start_job, write_summary

start_job(snakemake)
records = read_records(snakemake.input.metrics)
histories = [read_history(path) for path in snakemake.input.histories]
write_summary(snakemake, age_mlp.summarise(records, settings_of(snakemake), histories), records)
