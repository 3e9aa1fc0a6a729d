"""The opt_f1f2 figure named by the rule's ``plot`` param."""
from dlrepro.experiments.functions import opt_f1f2
from dlrepro.figures import opt_f1f2 as plots
from dlrepro.workflow import histories_by, record_figure

PLOTS = {"objective_curves": plots.objective_curves, "trajectories": plots.trajectories}

record_figure(
    snakemake,
    __file__,
    lambda: PLOTS[snakemake.params.plot](
        histories_by(snakemake.input.metrics, snakemake.input.histories, opt_f1f2.run_key)
    ),
)
