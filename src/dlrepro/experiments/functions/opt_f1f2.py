"""``opt_f1f2`` (CS 7150 HW2 Q3): GD, momentum, RMSProp and Adam on two rotated quadratics.

f1(x, y) = x² + 0.1 y² from (1, 1) and f2(x, y) = (x − y)²/2 + 0.1 (x + y)²/2 from (√2, 0).
With u = (x − y)/√2 and v = (x + y)/√2, f2 = u² + 0.1 v² = f1(u, v), and the start (√2, 0)
maps to (u, v) = (1, 1): f2 is f1 rotated by 45°. GD and momentum commute with rotations, so
they follow the same objective curve on both; RMSProp and Adam scale each coordinate separately
and do not.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from dlrepro.results import RunResult


@dataclass(frozen=True)
class Problem:
    objective: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    start: tuple[float, float]
    latex: str


PROBLEMS: dict[str, Problem] = {
    "f1": Problem(lambda x, y: x**2 + 0.1 * y**2, (1.0, 1.0), r"f_1(x,y) = x^2 + 0.1\,y^2"),
    "f2": Problem(
        lambda x, y: (x - y) ** 2 / 2 + 0.1 * (x + y) ** 2 / 2,
        (math.sqrt(2.0), 0.0),
        r"f_2(x,y) = \frac{(x-y)^2}{2} + 0.1\,\frac{(x+y)^2}{2}",
    ),
}

OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
#: Steps over which step_length averages, at the start and at the end of a run.
STEP_WINDOW = 100


def make_optimizer(name: str, params: list[torch.Tensor], settings: dict[str, Any]):
    """The torch.optim optimiser called ``name``, with the homework's hyper-parameters."""
    lr = settings["lr"]
    if name == "gd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=settings["momentum"])
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=tuple(settings["betas"]))
    raise ValueError(f"unknown optimizer {name!r}; expected one of {', '.join(OPTIMIZERS)}")


def minimise(function: str, optimizer: str, settings: dict[str, Any]) -> pd.DataFrame:
    """Run ``settings['iterations']`` steps; one row per iterate, the start included."""
    problem = PROBLEMS[function]
    point = torch.tensor(problem.start, dtype=torch.float64, requires_grad=True)
    opt = make_optimizer(optimizer, [point], settings)
    rows = np.empty((settings["iterations"] + 1, 3))
    for step in range(settings["iterations"] + 1):
        opt.zero_grad()
        value = problem.objective(point[0], point[1])
        rows[step] = (point[0].item(), point[1].item(), value.item())
        if step < settings["iterations"]:
            value.backward()
            opt.step()
    history = pd.DataFrame(rows, columns=["x", "y", "objective"])
    history.insert(0, "iteration", np.arange(len(history)))
    return history


def log_rate(objective: np.ndarray, start: int, stop: int) -> float:
    """Mean decrease of log10(objective) per 100 iterations between two iterations."""
    first, last = objective[start], objective[stop]
    if first <= 0 or last <= 0:
        return float("nan")
    return float((math.log10(first) - math.log10(last)) / (stop - start) * 100)


def relative_gap(curve1: np.ndarray, curve2: np.ndarray) -> float:
    """max_k |a_k − b_k| / max(a_k, b_k): 0 for identical curves, at most 1 for positive ones."""
    scale = np.maximum(np.maximum(curve1, curve2), np.finfo(float).tiny)
    return float(np.max(np.abs(curve1 - curve2) / scale))


def hessian_eigenvalues(function: str) -> dict[str, float]:
    """The eigenvalues of the objective's Hessian at its start, by autograd (constant for a
    quadratic): how steep it is along its two principal directions."""
    problem = PROBLEMS[function]
    hessian = torch.autograd.functional.hessian(
        lambda point: problem.objective(point[0], point[1]),
        torch.tensor(problem.start, dtype=torch.float64))
    smallest, largest = (float(value) for value in torch.linalg.eigvalsh(hessian))
    return {"smallest": smallest, "largest": largest}


def step_lengths(history: pd.DataFrame, window: int) -> dict[str, float]:
    """Mean length of the steps ‖θ_{k+1} − θ_k‖ over the first and the last ``window`` steps."""
    steps = np.hypot(np.diff(history["x"].to_numpy()), np.diff(history["y"].to_numpy()))
    return {"first": float(steps[:window].mean()), "last": float(steps[-window:].mean())}


def first_iteration_below(objective: np.ndarray, target: float) -> int:
    """The first iteration whose objective is at most ``target``; one past the last iteration
    if none is (so that a run that never gets there ranks slowest)."""
    below = np.flatnonzero(objective <= target)
    return int(below[0]) if below.size else len(objective)


def run(settings: dict[str, Any], function: str, optimizer: str) -> RunResult:
    history = minimise(function, optimizer, settings)
    objective = history["objective"].to_numpy()
    split = min(settings["phase_split"], settings["iterations"] - 1)
    metrics = {
        "initial_objective": float(objective[0]),
        "final_objective": float(objective[-1]),
        "rate_first_phase": log_rate(objective, 0, split),
        "rate_second_phase": log_rate(objective, split, len(objective) - 1),
    }
    return RunResult(metrics=metrics, history=history)


def run_key(params: dict[str, Any]) -> tuple[str, str]:
    """(function, optimizer) of a run, from its params as the workflow records them."""
    return params["function"], params["optimizer"]


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict:
    """Final objectives, phase rates and the f1/f2 gap per optimiser, from every run's curve
    (``histories``, matched to their run by the params of ``records``)."""
    curves = {run_key(record["params"]): history
              for record, history in zip(records, histories, strict=True)}
    split = min(settings["phase_split"], settings["iterations"] - 1)
    final, early, start, steps, rates, reach, gap = {}, {}, {}, {}, {}, {}, {}
    window = min(STEP_WINDOW, settings["iterations"])
    for (function, optimizer), history in sorted(curves.items()):
        objective = history["objective"].to_numpy()
        final.setdefault(function, {})[optimizer] = float(objective[-1])
        start.setdefault(function, {})[optimizer] = float(objective[0])
        steps.setdefault(function, {})[optimizer] = step_lengths(history, window)
        early.setdefault(function, {})[optimizer] = float(objective[split])
        rates.setdefault(function, {})[optimizer] = {
            "first_phase": log_rate(objective, 0, split),
            "second_phase": log_rate(objective, split, len(objective) - 1),
        }
        reach.setdefault(function, {})[optimizer] = first_iteration_below(
            objective, settings["target_objective"]
        )
    for optimizer in OPTIMIZERS:
        if ("f1", optimizer) in curves and ("f2", optimizer) in curves:
            curve1 = curves[("f1", optimizer)]["objective"].to_numpy()
            curve2 = curves[("f2", optimizer)]["objective"].to_numpy()
            gap[optimizer] = relative_gap(curve1, curve2)
    return {
        "constants": {"iterations": settings["iterations"], "phase_split": split,
                      "target_objective": settings["target_objective"]},
        "final_objective": final,
        "objective_at_phase_split": early,
        "initial_objective": start,
        # mean step length over the first and the last STEP_WINDOW steps
        "step_length": steps,
        "hessian_eigenvalues": {function: hessian_eigenvalues(function) for function in PROBLEMS},
        "rates": rates,
        # one past the last iteration where the target was never reached
        "iterations_to_target": reach,
        "f1_f2_max_relative_gap": gap,
    }
