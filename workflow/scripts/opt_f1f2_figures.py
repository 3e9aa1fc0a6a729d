"""The opt_f1f2 figure named by the rule's ``plot`` param."""
from dlrepro.figures import opt_f1f2 as plots
from dlrepro.results import read_history
from dlrepro.workflow import read_records, record_figure

PLOTS = {"objective_curves": plots.objective_curves, "trajectories": plots.trajectories}


def draw():
    records = read_records(snakemake.input.metrics)
    histories = {
        (record["params"]["function"], record["params"]["optimizer"]): read_history(path)
        for record, path in zip(records, snakemake.input.histories)
    }
    return PLOTS[snakemake.params.plot](histories)


record_figure(snakemake, __file__, draw)
