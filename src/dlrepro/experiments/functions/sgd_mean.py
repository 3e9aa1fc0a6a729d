"""``sgd_mean`` (CS 7150 HW2 Q2): a hand-written SGD for min_y (1/n) Σ (y − x_i)².

The homework forbids built-in solvers, so the update is written out: at each step one index i is
drawn uniformly and y ← y − lr · G(y) with G(y) = d/dy (y − x_i)² = 2 (y − x_i).

Closed forms used to check it: the minimiser is y* = mean(x). Writing e_k = y_k − y*,
e_{k+1} = (1 − 2 lr) e_k + 2 lr (x_i − y*), so E[e_k] = (1 − 2 lr)^k e_0 and, for 0 < lr < 1, the
squared error settles at E[e²] = lr σ² / (1 − lr), σ² the (population) variance of the x_i: a
larger lr contracts faster at first and leaves a larger terminal error band.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from dlrepro.experiments.seed_stats import metric_over_seeds
from dlrepro.results import RunResult


def sample_points(n: int, seed: int) -> np.ndarray:
    """The data of one seed: n points drawn from U[0, 1]."""
    return np.random.default_rng(seed).uniform(0.0, 1.0, size=n)


def minimiser(points: np.ndarray) -> float:
    """y* = mean(x), from setting the derivative (2/n) Σ (y − x_i) to zero."""
    return float(np.mean(points))


def numerical_minimiser(points: np.ndarray) -> float:
    """The minimiser of (1/n) Σ (y − x_i)² found by scipy's Brent search, without the closed
    form: what the derivation's y* = mean(x) is checked against."""
    return float(optimize.minimize_scalar(lambda y: np.mean((y - points) ** 2)).x)


def stationary_squared_error(points: np.ndarray, lr: float) -> float:
    """lim E[(y_k − y*)²] for constant-lr SGD on this problem (0 < lr < 1)."""
    return float(lr * np.var(points) / (1.0 - lr))


def sgd(points: np.ndarray, lr: float, iterations: int, rng: np.random.Generator, y0: float = 0.0):
    """The iterates y_0 … y_iterations of SGD with G(y) = 2 (y − x_i), i uniform."""
    indices = rng.integers(0, len(points), size=iterations)
    iterates = np.empty(iterations + 1)
    iterates[0] = y = y0
    for step, i in enumerate(indices, start=1):
        y = y - lr * 2.0 * (y - points[i])
        iterates[step] = y
    return iterates


def run(settings: dict[str, Any], lr: float, seed: int) -> RunResult:
    """One seed at one learning rate. The seed fixes both the points and the draws of i."""
    points = sample_points(settings["n"], seed)
    y_star = minimiser(points)
    draws = np.random.default_rng([seed, 1])
    iterates = sgd(points, lr, settings["iterations"], draws, y0=settings["y0"])
    squared_error = (iterates - y_star) ** 2
    window = squared_error[-settings["terminal_window"]:]
    history = pd.DataFrame(
        {
            "iteration": np.arange(len(iterates)),
            "y": iterates,
            "squared_error": squared_error,
            "objective": ((iterates[:, None] - points[None, :]) ** 2).mean(axis=1),
        }
    )
    metrics = {
        "y_star": y_star,
        "closed_form_gap": abs(numerical_minimiser(points) - y_star),
        "final_y": float(iterates[-1]),
        "early_squared_error": float(squared_error[settings["early_iteration"]]),
        "terminal_mean_squared_error": float(window.mean()),
        "terminal_max_squared_error": float(window.max()),
        "stationary_squared_error_theory": stationary_squared_error(points, lr),
    }
    return RunResult(
        metrics=metrics,
        history=history,
        data={
            "name": "x_i ~ U[0, 1]",
            "source": "generated from the run's seed (numpy default_rng)",
            "stand_in": False,
        },
    )


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict:
    """Per lr (keyed by the lr as written in config), the run metrics over seeds.

    ``records`` are the runs' metrics.json documents (with ``seed``); the metrics need no curve,
    so ``histories`` go unread."""
    records_by_lr: dict[float, list[dict[str, Any]]] = {}
    for record in records:
        records_by_lr.setdefault(record["params"]["lr"], []).append(record)
    per_lr = {}
    for lr, runs in sorted(records_by_lr.items()):
        per_lr[f"{lr:g}"] = {
            "lr": lr,
            "seeds": len(runs),
            **{key: metric_over_seeds(runs, key)
               for key in ("early_squared_error", "terminal_mean_squared_error",
                           "terminal_max_squared_error", "stationary_squared_error_theory")},
        }
    return {
        "iterations": settings["iterations"],
        "early_iteration": settings["early_iteration"],
        "terminal_window": settings["terminal_window"],
        "by_lr": per_lr,
        # the derivation's y* = mean(x) against a numerical minimisation, over every run
        "closed_form_max_gap": max(record["metrics"]["closed_form_gap"] for record in records),
        # The claims compare the two ends of the lr range, whatever values config chose.
        "smallest_lr": per_lr[f"{min(records_by_lr):g}"],
        "largest_lr": per_lr[f"{max(records_by_lr):g}"],
    }
