"""``gd_onestep_max`` (CS 541 HW1 P3d): one GD step onto the local maximum of f(x) = x⁴ − 4x².

f′(x) = 4x³ − 8x = 4x(x² − 2) vanishes at 0 (the local maximum, f″(0) = −8) and at ±√2 (the
minima). One GD step from x₀ is

    x₁ = x₀ − lr·f′(x₀) = x₀·(1 − lr·(4x₀² − 8)),

which is 0 for x₀ ≠ 0 exactly when lr = 1 / (4x₀² − 8). The learning rate is positive only for
|x₀| > √2, outside the minima: from there the step overshoots the minimum and lands on the
maximum. The write-up's pair x₀ = √3, lr = 1/4 is the member 1/(4·3 − 8). Once on 0, f′(0) = 0 and
GD stays on the maximum for ever.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import torch

from dlrepro.results import RunResult

WRITE_UP_START = math.sqrt(3.0)
WRITE_UP_LR = 0.25
MINIMUM = math.sqrt(2.0)


def objective(x):
    return x**4 - 4 * x**2


def derivative(x):
    return 4 * x**3 - 8 * x


def second_derivative(x: float) -> float:
    """f″(x) by autograd (twice through f)."""
    point = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    (slope,) = torch.autograd.grad(objective(point), point, create_graph=True)
    (curvature,) = torch.autograd.grad(slope, point)
    return float(curvature)


def gd_step(x0: float, lr: float) -> float:
    return x0 - lr * derivative(x0)


def landing_lr(x0: float) -> float:
    """The lr whose one GD step from x0 lands on 0: 1 / (4x0² − 8), for |x0| > √2."""
    if abs(x0) <= MINIMUM:
        raise ValueError(f"gd_onestep_max: starts must satisfy |x0| > √2, got {x0}")
    return 1.0 / (4 * x0**2 - 8)


def step_record(x0: float, lr: float) -> dict[str, float]:
    x1 = gd_step(x0, lr)
    return {"x0": x0, "lr": lr, "x1": x1, "f_x0": objective(x0), "f_x1": objective(x1)}


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict[str, Any]:
    """summary.json: :func:`one_step_summary` of the settings, which the run's metrics and
    history come from too."""
    return one_step_summary(settings)


def one_step_summary(settings: dict[str, Any]) -> dict[str, Any]:
    """The family (x0, lr(x0), x1) for the configured starts and the write-up's pair, each x1
    from the actual GD step."""
    starts = settings["starts"]
    if not starts:
        raise ValueError("gd_onestep_max: starts must not be empty")
    if settings["landing_tolerance"] <= 0:
        raise ValueError(
            f"gd_onestep_max: landing_tolerance must be > 0, got {settings['landing_tolerance']}"
        )
    family = [step_record(x0, landing_lr(x0)) for x0 in starts]
    write_up = step_record(WRITE_UP_START, WRITE_UP_LR)
    roots = np.sort(np.roots([4.0, 0.0, -8.0, 0.0]).real)  # f′(x) = 4x³ − 8x
    return {
        # where f′ vanishes (numpy's roots), from left to right, and f″ there by autograd
        "stationary_points": dict(zip(("left", "middle", "right"), map(float, roots))),
        "second_derivatives": {side: second_derivative(float(root))
                               for side, root in zip(("left", "middle", "right"), roots)},
        "local_maximum": 0.0,
        "minima": [-MINIMUM, MINIMUM],
        "landing_tolerance": settings["landing_tolerance"],
        "family": family,
        "max_abs_x1": max(abs(member["x1"]) for member in family),
        "all_land_on_maximum": all(
            abs(member["x1"]) <= settings["landing_tolerance"] for member in family
        ),
        "write_up_pair": {
            **write_up,
            "abs_x1": abs(write_up["x1"]),
            "lr_from_formula": landing_lr(WRITE_UP_START),
        },
    }


def run(settings: dict[str, Any]) -> RunResult:
    """The run's record: every step of the family as a curve, the landing errors as metrics."""
    summary = one_step_summary(settings)
    metrics = {
        "max_abs_x1": summary["max_abs_x1"],
        "write_up_abs_x1": summary["write_up_pair"]["abs_x1"],
    }
    return RunResult(metrics=metrics, history=pd.DataFrame(summary["family"]))
