"""The gd_abs32 figure named by the rule's ``plot`` param, at the largest lr."""
from dlrepro.figures import gd_abs32 as plots
from dlrepro.results import read_history
from dlrepro.workflow import read_records, record_figure


def draw():
    records = read_records(snakemake.input.metrics)
    histories = {
        float(record["params"]["lr"]): read_history(path)
        for record, path in zip(records, snakemake.input.histories)
    }
    largest = max(histories)
    if snakemake.params.plot == "cobweb":
        return plots.cobweb(histories[largest], largest)
    return plots.trajectories(histories, special_lr=largest)


record_figure(snakemake, __file__, draw)
