"""The gd_abs32 figure named by the rule's ``plot`` param, at the largest lr."""
from dlrepro.figures import gd_abs32 as plots
from dlrepro.workflow import histories_by, record_figure


def draw():
    histories = histories_by(
        snakemake.input.metrics, snakemake.input.histories, lambda params: float(params["lr"])
    )
    largest = max(histories)
    if snakemake.params.plot == "cobweb":
        return plots.cobweb(histories[largest], largest)
    return plots.trajectories(histories, special_lr=largest)


record_figure(snakemake, __file__, draw)
