"""Every experiment, declared once: the workflow and the report both read this list.

The workflow derives from it the summaries the claims are checked against, the figures the report
shows and which runs ask for a GPU; the report derives its sections and their order. An
experiment ``<id>`` is made of (README, "Adding an experiment"):

- ``dlrepro.experiments.<area>.<id>``: ``run(...)``, one run, and
  ``summarise(records, histories, settings)``, what summary.json says of its runs;
- a run rule in ``workflow/rules/``: ``<id>_run`` (a job per run) or ``<id>_runs`` (a job for
  all runs, or for all runs of one seed) writes ``results/<id>/<run>/metrics.json``; rule
  ``summary`` makes its ``summary.json`` from those, or for an experiment of a single run the
  run rule writes ``summary`` itself;
- its config section ``<id>`` (with its schema) and its claims in ``config/claims.yaml``;
- per figure ``<name>``: ``draw_<name>(results)`` in ``dlrepro.figures.<id>`` and the caption
  ``workflow/report/<id>_<name>.rst``;
- optionally a report section of its own, ``templates/sections/<id>.html.j2``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A figure's name: what the figure rule's ``{figure}`` wildcard matches (after ``<id>_``).
FIGURE_NAME = r"[a-z0-9]+"


@dataclass(frozen=True)
class Experiment:
    id: str
    #: The report section's heading.
    title: str
    #: The write-up and question it re-measures.
    source: str
    #: The package under ``dlrepro.experiments`` that holds its module.
    area: str
    #: Its figures' names, in the order the report shows them.
    figures: tuple[str, ...] = ()
    #: Its runs ask for a GPU where one can be had (they train a network with torch).
    asks_for_gpu: bool = False
    #: What its seeds change, for an experiment repeated over seeds (the report says it).
    seed_varies: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in self.figures:
            if not re.fullmatch(FIGURE_NAME, name):
                raise ValueError(f"experiment {self.id!r}: figure name {name!r} does not match "
                                 f"{FIGURE_NAME}, so the figure rule could never make it")

    @property
    def module(self) -> str:
        return f"dlrepro.experiments.{self.area}.{self.id}"

    @property
    def figure_module(self) -> str:
        return f"dlrepro.figures.{self.id}"

    @property
    def figure_ids(self) -> list[str]:
        """Its figures as the report and results/figures/ name them: ``<id>_<name>``."""
        return [f"{self.id}_{name}" for name in self.figures]

    @property
    def template(self) -> str:
        return f"sections/{self.id}.html.j2"


#: In the report's reading order.
EXPERIMENTS = (
    Experiment("sgd_mean", "Constant-step SGD for the mean", "CS 7150 HW2 Q2", "functions",
               figures=("error",), seed_varies=("the 100 points x_i", "the order of the draws")),
    Experiment("opt_f1f2", "GD, momentum, RMSProp and Adam on two rotated quadratics",
               "CS 7150 HW2 Q3", "functions", figures=("objective", "trajectories")),
    Experiment("gd_plateau", "Gradient descent on a plateau, an inflection and a minimum",
               "CS 541 HW1 P3(a)", "functions", figures=("trajectories",)),
    Experiment("gd_illcond", "Reading a quadratic's parameters off its GD trajectory",
               "CS 541 HW1 P3(b)", "functions", figures=("contours",)),
    Experiment("gd_abs32", "GD on (2/3)|x|^(3/2): a 2-cycle instead of convergence",
               "CS 541 HW1 P3(c)", "functions", figures=("trajectories", "cobweb")),
    Experiment("gd_onestep_max", "One GD step onto a local maximum", "CS 541 HW1 P3(d)",
               "functions", figures=("step",)),
    Experiment("activations", "Three candidate activation functions", "CS5242 HW3 Q2",
               "functions", figures=("derivatives",)),
    Experiment("compgraph", "A derivative through a computational graph", "CS5242 HW3 Q3",
               "functions"),
    Experiment("param_count", "Counting the parameters of two classifiers", "CS5242 HW3 Q4",
               "functions"),
    Experiment("adam_escape", "Escaping a local minimum: GD against Adam", "CS5242 HW3 Q5",
               "functions", figures=("trajectories",)),
    Experiment("age_mlp", "Age regression with a one-hidden-layer network", "CS 541 HW1 Q2",
               "regressors", figures=("curves",), asks_for_gpu=True,
               seed_varies=("the train/validation split", "the initial weights",
                            "the batch order (none at full batch)")),
    Experiment("age_linear_sgd", "Age regression by minibatch SGD: the grid and its selection",
               "CS 541 HW1 P2", "regressors", figures=("grid", "curves"),
               asks_for_gpu=True,
               seed_varies=("the train/validation split", "the initial weights",
                            "the batch order")),
    Experiment("batchnorm", "BatchNorm: faster, a larger learning rate, better accuracy?",
               "CS 7150 HW2 Q1", "classifiers", figures=("curves",), asks_for_gpu=True,
               seed_varies=("the initial weights", "the batch order")),
    Experiment("lr_schedule", "A too-high learning rate, and a step schedule", "CS5242 HW3 Q1",
               "classifiers", figures=("divergence", "schedules"), asks_for_gpu=True,
               seed_varies=("the initial weights", "the batch order")),
    Experiment("ist_linear",
               "Perceptron and logistic regression from scratch, without and with ℓ2",
               "IST DL HW1 Q1.1–1.2", "ist", figures=("accuracy", "norm"),
               seed_varies=("the order of the examples (weights start at zero)",)),
    Experiment("ist_mlp_numpy", "A one-hidden-layer network from scratch, trained per example",
               "IST DL HW1 Q1.3", "ist", figures=("curves",),
               seed_varies=("the initial weights", "the order of the examples")),
    Experiment("ist_torch", "Learning rate, batch size, dropout and momentum in PyTorch",
               "IST DL HW1 Q2", "ist", figures=("lr", "batch", "dropout", "momentum"),
               asks_for_gpu=True, seed_varies=("the initial weights", "the batch order",
                                        "the dropout masks")),
    Experiment("ist_quadratic", "A network with quadratic activations is linear in its features",
               "IST DL HW1 Q3", "ist", figures=("fit",),
               seed_varies=("the generated data", "the generating network's parameters")),
)

BY_ID = {experiment.id: experiment for experiment in EXPERIMENTS}


def experiment(experiment_id: str) -> Experiment:
    """The experiment registered as ``experiment_id``; a clear error for one that is not."""
    try:
        return BY_ID[experiment_id]
    except KeyError:
        raise KeyError(f"no experiment {experiment_id!r} in dlrepro.experiments.registry; "
                       f"registered: {', '.join(BY_ID)}") from None
