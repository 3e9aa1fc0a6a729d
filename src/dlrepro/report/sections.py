"""The report's experiment sections, in reading order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    experiment: str
    title: str
    source: str

    @property
    def template(self) -> str:
        return f"sections/{self.experiment}.html.j2"


SECTIONS = (
    Section("sgd_mean", "Constant-step SGD for the mean", "CS 7150 HW2 Q2"),
    Section("opt_f1f2", "GD, momentum, RMSProp and Adam on two rotated quadratics",
            "CS 7150 HW2 Q3"),
    Section("gd_plateau", "Gradient descent on a plateau, an inflection and a minimum",
            "CS 541 HW1 P3(a)"),
    Section("gd_illcond", "Reading a quadratic's parameters off its GD trajectory",
            "CS 541 HW1 P3(b)"),
    Section("gd_abs32", "GD on (2/3)|x|^(3/2): a 2-cycle instead of convergence",
            "CS 541 HW1 P3(c)"),
    Section("gd_onestep_max", "One GD step onto a local maximum", "CS 541 HW1 P3(d)"),
    Section("activations", "Three candidate activation functions", "CS5242 HW3 Q2"),
    Section("compgraph", "A derivative through a computational graph", "CS5242 HW3 Q3"),
    Section("param_count", "Counting the parameters of two classifiers", "CS5242 HW3 Q4"),
    Section("adam_escape", "Escaping a local minimum: GD against Adam", "CS5242 HW3 Q5"),
    Section("age_mlp", "Age regression with a one-hidden-layer network", "CS 541 HW1 Q2"),
    Section("age_linear_sgd", "Age regression by minibatch SGD: the grid and its selection",
            "CS 541 HW1 P2"),
    Section("batchnorm", "BatchNorm: faster, a larger learning rate, better accuracy?",
            "CS 7150 HW2 Q1"),
    Section("lr_schedule", "A too-high learning rate, and a step schedule", "CS5242 HW3 Q1"),
    Section("ist_linear", "Perceptron and logistic regression from scratch, without and with ℓ2",
            "IST DL HW1 Q1.1–1.2"),
    Section("ist_mlp_numpy", "A one-hidden-layer network from scratch, trained per example",
            "IST DL HW1 Q1.3"),
    Section("ist_torch", "Learning rate, batch size, dropout and momentum in PyTorch",
            "IST DL HW1 Q2"),
    Section("ist_quadratic", "A network with quadratic activations is linear in its features",
            "IST DL HW1 Q3"),
)


def sections_present(experiments: dict) -> list[Section]:
    return [section for section in SECTIONS if section.experiment in experiments]
