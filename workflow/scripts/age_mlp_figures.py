"""Training and validation MSE per epoch over seeds, with the write-up's logged points."""
from dlrepro.figures import age_mlp as plots
from dlrepro.results import read_history, read_json
from dlrepro.workflow import record_figure

summary = read_json(snakemake.input.summary)
record_figure(
    snakemake,
    __file__,
    lambda: plots.curves([read_history(path) for path in snakemake.input.histories], summary),
    stand_in=summary["data"]["stand_in"],
)
