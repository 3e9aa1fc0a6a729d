"""Squared error vs iteration with seed bands, per learning rate."""
from collections import defaultdict

from dlrepro.figures import sgd_mean as plots
from dlrepro.results import read_history
from dlrepro.workflow import read_records, record_figure


def draw():
    curves, theory = defaultdict(list), defaultdict(list)
    for record, path in zip(read_records(snakemake.input.metrics), snakemake.input.histories):
        lr = float(record["params"]["lr"])
        curves[lr].append(read_history(path))
        theory[lr].append(record["metrics"]["stationary_squared_error_theory"])
    return plots.error_bands(curves, {lr: sum(v) / len(v) for lr, v in theory.items()})


record_figure(snakemake, __file__, draw)
