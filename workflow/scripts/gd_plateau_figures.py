"""f with the GD iterates of representative runs, one panel per start."""
from dlrepro.experiments.functions import gd_plateau
from dlrepro.figures import gd_plateau as plots
from dlrepro.results import read_history
from dlrepro.workflow import read_records, record_figure


def draw():
    records = read_records(snakemake.input.metrics)
    histories = {
        gd_plateau.run_key(record["params"]): read_history(path)
        for record, path in zip(records, snakemake.input.histories)
    }
    return plots.trajectories(histories)


record_figure(snakemake, __file__, draw)
