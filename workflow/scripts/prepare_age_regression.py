"""Resolve the age-regression data set once: local folder, verified download, or stand-in."""
from pathlib import Path

from dlrepro.data import age_regression
from dlrepro.data.base import save_dataset
from dlrepro.workflow import start_job

log = start_job(snakemake)
dataset = age_regression.provide(
    dict(snakemake.params.settings),
    strict=snakemake.params.strict,
    resources_dir=Path(snakemake.output.data).parent,
)
save_dataset(dataset, snakemake.output.data, snakemake.output.info)
log.info("age_regression: %s (stand-in: %s)", dataset.info["source"], dataset.stand_in)
