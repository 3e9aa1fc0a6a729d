"""One of ist_torch's comparisons (the rule's ``plot`` param: lr, batch, dropout, momentum):
losses and validation accuracy per epoch of its variants, over seeds."""
from collections import defaultdict

from dlrepro.figures import ist_torch as plots
from dlrepro.results import read_history, read_json
from dlrepro.workflow import read_records, record_figure

summary = read_json(snakemake.input.summary)


def draw():
    histories = defaultdict(list)
    for record, path in zip(read_records(snakemake.input.metrics), snakemake.input.histories,
                            strict=True):
        histories[record["params"]["variant"]].append(read_history(path))
    return plots.comparison(dict(histories), summary, snakemake.params.plot)


record_figure(snakemake, __file__, draw, stand_in=summary["data"]["stand_in"])
