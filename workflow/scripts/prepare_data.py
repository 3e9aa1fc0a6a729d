"""Resolve one data set once: local copy, verified download, or stand-in."""
from pathlib import Path

from dlrepro.data import provider
from dlrepro.data.base import save_dataset
from dlrepro.workflow import start_job

log = start_job(snakemake)
name = snakemake.wildcards.dataset
dataset = provider(name).provide(
    dict(snakemake.params.settings),
    strict=snakemake.params.strict,
    resources_dir=Path(snakemake.output.data).parent,
)
save_dataset(dataset, snakemake.output.data, snakemake.output.info)
log.info("%s: %s (stand-in: %s)", name, dataset.info["source"], dataset.stand_in)
