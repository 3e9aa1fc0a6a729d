"""Gradient descent and the network trained in θ against the closed form, per seed."""
from dlrepro.figures import ist_quadratic as plots
from dlrepro.results import read_history, read_json
from dlrepro.workflow import read_records, record_figure

summary = read_json(snakemake.input.summary)


def draw():
    records = read_records(snakemake.input.metrics)
    histories = {record["seed"]: read_history(path)
                 for record, path in zip(records, snakemake.input.histories, strict=True)}
    closed_form = {record["seed"]: record["metrics"]["closed_form_mse"] for record in records}
    return plots.fit(histories, closed_form, summary)


record_figure(snakemake, __file__, draw, stand_in=summary["data"]["stand_in"])
