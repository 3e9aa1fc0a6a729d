"""An ist_* experiment's runs over seeds (and variants): summary.json. The experiment is the
rule's name up to ``_summary``."""
import importlib

from dlrepro.results import read_history
from dlrepro.workflow import read_records, settings_of, start_job, write_summary

start_job(snakemake)
experiment = snakemake.rule.removesuffix("_summary")
module = importlib.import_module(f"dlrepro.experiments.ist.{experiment}")
records = read_records(snakemake.input.metrics)
settings = settings_of(snakemake)
if experiment == "ist_torch":  # its momentum comparison reads the curves
    histories = [read_history(path) for path in snakemake.input.histories]
    summary = module.summarise(records, settings, histories)
else:
    summary = module.summarise(records, settings)
write_summary(snakemake, summary, records)
