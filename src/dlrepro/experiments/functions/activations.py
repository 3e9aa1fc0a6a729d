"""``activations`` (CS5242 HW3 Q2): three candidate activations, their derivatives by autograd.

    leaky ReLU      f(x) = max(x, 0) + 0.1·min(x, 0)  f′(x) = 1 (x ≥ 0), 0.1 (x < 0)
    softplus-like   f(x) = ln(e^{3x} + 1)             f′(x) = 3e^{3x}/(e^{3x}+1) = 3/(1+e^{−3x})
    log-exp affine  f(x) = ln(e^{3x+1}) = 3x + 1      f′(x) = 3

f′ is taken by torch.autograd on a float64 grid, not from these formulas, which the tests use
to check it. At the kink x = 0 of the leaky ReLU, autograd of torch.where(x ≥ 0, …) gives 1,
the write-up's convention. ln(e^{3x} + 1) is evaluated as logaddexp(3x, 0) (softplus(3x) without
torch's switch to 3x above 3x = 20); ln(e^{3x+1}) is evaluated as written, log of exp, so the
grid shows the simplification to 3x + 1 instead of assuming it.

On the grid a function counts as linear when f′ is constant (max f′ − min f′) and the second
differences f(x+h) − 2f(x) + f(x−h) vanish, both to ``linearity_tolerance``. Its gradient
vanishes where |f′| < ``vanishing_threshold``: for the softplus-like function that is
x < logit(t/3)/3 for threshold t (x < −1.90 for t = 0.01); the leaky ReLU keeps |f′| ≥ 0.1
and the affine one f′ = 3.

The write-up's slip: it wrote f′ = 3e^{x}/(e^{3x} + 1) between the correct 3e^{3x}/(e^{3x} + 1)
and the correct final form 3/(1 + e^{−3x}). The slip agrees with f′ only at x = 0 (both 3/2)
and tends to 0, not 3, as x → +∞.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from dlrepro.results import RunResult

#: e^{z} stays finite and normal in float64 for |z| ≤ 700 (the limits are about ±708).
LARGEST_EXPONENT = 700.0


@dataclass(frozen=True)
class Activation:
    label: str
    latex: str
    function: Callable[[torch.Tensor], torch.Tensor]


ACTIVATIONS: dict[str, Activation] = {
    "leaky_relu": Activation(
        "leaky ReLU",
        r"f(x) = \max(x, 0) + 0.1\,\min(x, 0)",
        lambda x: torch.where(x >= 0, x, 0.1 * x),
    ),
    "softplus_3x": Activation(
        "ln(e^{3x} + 1)",
        r"f(x) = \ln\left(e^{3x} + 1\right)",
        lambda x: torch.logaddexp(3 * x, torch.zeros_like(x)),
    ),
    "log_exp_affine": Activation(
        "ln(e^{3x+1})",
        r"f(x) = \ln\left(e^{3x+1}\right)",
        lambda x: torch.log(torch.exp(3 * x + 1)),
    ),
}

WRITTEN_DERIVATIVE_LATEX = r"f'(x) = \frac{3e^{x}}{e^{3x} + 1}"
CORRECT_DERIVATIVE_LATEX = r"f'(x) = \frac{3e^{3x}}{e^{3x} + 1}"
FINAL_FORM_LATEX = r"f'(x) = \frac{3}{1 + e^{-3x}}"


def grid(settings: dict[str, Any]) -> np.ndarray:
    """``points`` evenly spaced x in [x_min, x_max], after checking the range."""
    x_min, x_max, points = settings["x_min"], settings["x_max"], settings["points"]
    if not x_min < x_max:
        raise ValueError(f"x_min ({x_min}) must be below x_max ({x_max})")
    if points < 3:
        raise ValueError(f"points ({points}) must be at least 3 for second differences")
    for name in ("x_min", "x_max"):
        if abs(3 * settings[name] + 1) > LARGEST_EXPONENT:
            raise ValueError(
                f"{name} ({settings[name]}) puts e^(3x+1) outside float64: keep |3x + 1| ≤ "
                f"{LARGEST_EXPONENT:g}"
            )
    for name in ("vanishing_threshold", "linearity_tolerance"):
        if not settings[name] > 0:
            raise ValueError(f"{name} ({settings[name]}) must be positive")
    return np.linspace(x_min, x_max, points)


def value_and_derivative(name: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f and f′ = df/dx by autograd, elementwise on the points x (float64)."""
    point = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    value = ACTIVATIONS[name].function(point)
    (derivative,) = torch.autograd.grad(value.sum(), point)
    return value.detach().numpy(), derivative.numpy()


def written_derivative(x: np.ndarray) -> np.ndarray:
    """The write-up's 3e^{x}/(e^{3x} + 1), as 3·exp(x − ln(e^{3x} + 1)) to avoid overflow."""
    return 3.0 * np.exp(x - np.logaddexp(3.0 * x, 0.0))


def final_form_derivative(x: np.ndarray) -> np.ndarray:
    """The write-up's final form 3/(1 + e^{−3x}), as 3·exp(−ln(1 + e^{−3x}))."""
    return 3.0 * np.exp(-np.logaddexp(0.0, -3.0 * x))


def curves(settings: dict[str, Any]) -> pd.DataFrame:
    """x, then f_<name> and df_<name> per activation, then the written derivative of the slip."""
    x = grid(settings)
    columns = {"x": x}
    for name in ACTIVATIONS:
        columns[f"f_{name}"], columns[f"df_{name}"] = value_and_derivative(name, x)
    columns["df_softplus_3x_written"] = written_derivative(x)
    return pd.DataFrame(columns)


def vanishing_intervals(x: np.ndarray, derivative: np.ndarray, threshold: float) -> list:
    """[[first x, last x], …] of each run of grid points where |f′| < threshold."""
    inside = np.concatenate(([0], (np.abs(derivative) < threshold).astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(inside))
    return [[float(x[start]), float(x[stop - 1])] for start, stop in zip(edges[::2], edges[1::2])]


def describe(name: str, history: pd.DataFrame, settings: dict[str, Any]) -> dict[str, Any]:
    """What the grid shows of one activation: linearity, f′ range, where f′ vanishes."""
    x = history["x"].to_numpy()
    value = history[f"f_{name}"].to_numpy()
    derivative = history[f"df_{name}"].to_numpy()
    spread = float(derivative.max() - derivative.min())
    second_difference = float(np.abs(np.diff(value, n=2)).max())
    tolerance, threshold = settings["linearity_tolerance"], settings["vanishing_threshold"]
    return {
        "label": ACTIVATIONS[name].label,
        "latex": ACTIVATIONS[name].latex,
        "is_linear": bool(spread <= tolerance and second_difference <= tolerance),
        "derivative_spread": spread,
        "max_abs_second_difference": second_difference,
        "derivative_min": float(derivative.min()),
        "derivative_max": float(derivative.max()),
        "min_abs_derivative": float(np.abs(derivative).min()),
        "derivative_at_x_min": float(derivative[0]),
        "derivative_at_x_max": float(derivative[-1]),
        "vanishing_fraction": float(np.mean(np.abs(derivative) < threshold)),
        "vanishing_intervals": vanishing_intervals(x, derivative, threshold),
    }


def slip(history: pd.DataFrame, settings: dict[str, Any]) -> dict[str, Any]:
    """The written derivative against autograd: over the grid and at ``slip_check_x``."""
    x = history["x"].to_numpy()
    autograd = history["df_softplus_3x"].to_numpy()
    at = settings["slip_check_x"]
    _, autograd_at = value_and_derivative("softplus_3x", np.array([at], dtype=float))
    return {
        "written_latex": WRITTEN_DERIVATIVE_LATEX,
        "correct_latex": CORRECT_DERIVATIVE_LATEX,
        "final_form_latex": FINAL_FORM_LATEX,
        "max_abs_difference_written": float(
            np.abs(history["df_softplus_3x_written"].to_numpy() - autograd).max()
        ),
        "max_abs_difference_final_form": float(np.abs(final_form_derivative(x) - autograd).max()),
        "x": float(at),
        "autograd_at_x": float(autograd_at[0]),
        "written_at_x": float(written_derivative(np.array([at], dtype=float))[0]),
        "written_at_x_max": float(history["df_softplus_3x_written"].iloc[-1]),
    }


def affine_simplification_error(history: pd.DataFrame) -> float:
    """max |ln(e^{3x+1}) − (3x + 1)| over the grid."""
    x = history["x"].to_numpy()
    return float(np.abs(history["f_log_exp_affine"].to_numpy() - (3 * x + 1)).max())


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict[str, Any]:
    """summary.json of the experiment: :func:`summarise_curves` of its one run's curves."""
    [history] = histories
    return summarise_curves(history, settings)


def summarise_curves(history: pd.DataFrame, settings: dict[str, Any]) -> dict[str, Any]:
    """What the curves show, from the history alone: :func:`run` takes its metrics from it."""
    x = history["x"].to_numpy()
    return {
        "grid": {"x_min": float(x[0]), "x_max": float(x[-1]), "points": len(x)},
        "constants": {key: settings[key] for key in ("vanishing_threshold", "linearity_tolerance")},
        "functions": {name: describe(name, history, settings) for name in ACTIVATIONS},
        "affine_simplification_max_abs_error": affine_simplification_error(history),
        "slip": slip(history, settings),
    }


def run(settings: dict[str, Any]) -> RunResult:
    """The curves on the grid; metrics are the summary's numbers, keyed function/measure."""
    history = curves(settings)
    summary = summarise_curves(history, settings)
    metrics = {
        f"{name}/{key}": value
        for name, description in summary["functions"].items()
        for key, value in description.items()
        if isinstance(value, (bool, int, float))
    }
    metrics.update(
        {f"slip/{key}": value for key, value in summary["slip"].items() if isinstance(value, float)}
    )
    metrics["affine_simplification_max_abs_error"] = summary["affine_simplification_max_abs_error"]
    return RunResult(metrics=metrics, history=history)
