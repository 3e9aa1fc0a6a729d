"""The validation-MSE grid as heat maps, or the validation curves of the grid (by rule)."""
from collections import defaultdict

from dlrepro.figures import age_linear_sgd as plots
from dlrepro.results import read_history, read_json
from dlrepro.workflow import read_records, record_figure

summary = read_json(snakemake.input.summary)


def draw():
    if "histories" not in snakemake.input.keys():
        return plots.grid(summary)
    histories = defaultdict(list)
    for record, path in zip(read_records(snakemake.input.metrics), snakemake.input.histories):
        key = (float(record["params"]["lr"]), int(record["params"]["batch_size"]))
        histories[key].append(read_history(path))
    return plots.curves(dict(histories), summary)


record_figure(snakemake, __file__, draw, stand_in=summary["data"]["stand_in"])
