"""ist_linear's figure named by the rule's ``plot`` param: accuracy curves, or ‖W‖ and losses."""
from collections import defaultdict

from dlrepro.figures import ist_linear as plots
from dlrepro.results import read_history, read_json
from dlrepro.workflow import read_records, record_figure

summary = read_json(snakemake.input.summary)


def draw():
    histories = defaultdict(list)
    for record, path in zip(read_records(snakemake.input.metrics), snakemake.input.histories,
                            strict=True):
        histories[record["params"]["model"]].append(read_history(path))
    plot = {"accuracy": plots.accuracy, "norm": plots.norm}[snakemake.params.plot]
    return plot(dict(histories), summary)


record_figure(snakemake, __file__, draw, stand_in=summary["data"]["stand_in"])
