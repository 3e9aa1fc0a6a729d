"""``ist_quadratic`` (IST DL HW1 Q3): the quadratic-activation network is linear in φ(x).

The network: h = g(Wx + b) with g(z) = z − z² (the write-up's hᵢ = wᵢ·x + bᵢ − (wᵢ·x + bᵢ)²),
ŷ = vᵀh + v₀; W is K × D. Expanding the square, ŷ = c(θ)ᵀ φ(x) with

    φ(x) = [1, x₁ … x_D, x_a x_b for a ≤ b]              (M = (D+1)(D+2)/2 features)
    c₁ = Σᵢ vᵢ (bᵢ − bᵢ²) + v₀,   c₂ = Wᵀ(v ⊙ (1 − 2b)),   c₃ from S = Wᵀ diag(v) W:
    −S_aa for x_a², −2 S_ab for x_a x_b (a < b).

So the least-squares fit is a linear regression on φ(x), with the closed form the write-up gives,
c = (ΦᵀΦ)⁻¹ Φᵀy (solved as the normal equations, never by forming the inverse).

What one run measures, on data generated from the run's seed by a network with known θ
(x ~ N(0, I_D), y = ŷ_θ(x) + noise): generated data because Q3 is pen and paper (the write-up
has no data of its own) and because a known θ lets every formula be checked:

- the closed form against gradient descent on the same features (the mean squared error,
  from c = 0, step 1/L with L the loss's smoothness constant, until the gradient is below
  ``gd.gradient_tolerance``): largest difference of the coefficients and of the predictions, and
  whether both are within ``tolerance``; and against ``numpy.linalg.lstsq``;
- the expansion: the network's outputs against φ(x)ᵀc(θ) with the c(θ) above, and with the
  write-up's (3), c₃ = vech(Wᵀ diag(v) W), which lacks the minus sign and the factor 2 of the
  cross terms;
- the write-up's φ₃, which lists all D² ordered products (x₁x₂ and x₂x₁ both): the rank of that
  design is still M, below its 1 + D + D² columns, so its ΦᵀΦ is singular, against the write-up's
  "XᵀX is guaranteed to be invertible" (with the M unique products it is invertible whenever
  the design has full column rank, which the run reports);
- training the network itself, in θ, by full-batch Adam (``network``): the loss is not convex in
  θ, and no θ does better than the closed form (``network_gap`` ≥ 0 up to rounding); whether
  the training got within 1 % of that minimum (``network_reached_minimum``) depends on the
  start.

The true coefficients are recovered up to the noise (``truth_max_abs_error``).
"""

from __future__ import annotations

import math
from itertools import combinations_with_replacement
from typing import Any

import numpy as np
import pandas as pd
import torch

from dlrepro.experiments.runs import STREAM_SPLIT, seed_init, stream_seed
from dlrepro.experiments.seed_stats import metric_over_seeds
from dlrepro.results import RunResult

#: What the write-up states (IST DL HW1 Q3), in words: Q3 has no numbers.
WRITE_UP = {
    "features": "(D+1)(D+2)/2",
    "c1": "(b − b²) v + v₀",
    "c2": "w (1 − 2b) v",
    "c3": "wᵀ diag(v) w, vech(H') = c₃",
    "phi3": "all D² ordered products x_a x_b (9 for D = 3)",
    "closed_form": "c = (XᵀX)⁻¹ Xᵀ y",
    "invertible": "XᵀX is guaranteed to be invertible",
    "convex": "the loss is convex in c, with a unique global minimum",
}

#: Training θ "reached" the closed form's error when within this fraction of it.
REACHED_RELATIVE = 0.01

DATA = {"generated": True, "stand_in": False, "name": "generated quadratic-network data",
        "source": "generated from the run's seed (Q3 is pen and paper: no data set)"}


# --- the network and its feature map -----------------------------------------------------------


def network(X: np.ndarray, W: np.ndarray, b: np.ndarray, v: np.ndarray, v0: float) -> np.ndarray:
    """ŷ = vᵀ g(Wx + b) + v₀ with g(z) = z − z², for every row of X."""
    z = X @ W.T + b
    return (z - z**2) @ v + v0


def _pairs(d: int) -> list[tuple[int, int]]:
    return list(combinations_with_replacement(range(d), 2))


def features(X: np.ndarray) -> np.ndarray:
    """φ(x) = [1, x, x_a x_b for a ≤ b] per row: (n, (D+1)(D+2)/2)."""
    a, b = np.array(_pairs(X.shape[1])).T
    return np.hstack([np.ones((len(X), 1)), X, X[:, a] * X[:, b]])


def ordered_features(X: np.ndarray) -> np.ndarray:
    """The write-up's φ: [1, x, x_a x_b for every a, b] (1 + D + D² columns)."""
    products = (X[:, :, None] * X[:, None, :]).reshape(len(X), -1)
    return np.hstack([np.ones((len(X), 1)), X, products])


def coefficients(W: np.ndarray, b: np.ndarray, v: np.ndarray, v0: float) -> np.ndarray:
    """c(θ) with ŷ = c(θ)ᵀ φ(x) (module docstring)."""
    S = W.T @ (v[:, None] * W)
    a, c = np.array(_pairs(W.shape[1])).T
    quadratic = -np.where(a == c, 1.0, 2.0) * S[a, c]
    return np.concatenate([[v @ (b - b**2) + v0], W.T @ (v * (1 - 2 * b)), quadratic])


def write_up_coefficients(W: np.ndarray, b: np.ndarray, v: np.ndarray, v0: float) -> np.ndarray:
    """The write-up's (3): c₁ and c₂ as ours, c₃ = vech(Wᵀ diag(v) W)."""
    S = W.T @ (v[:, None] * W)
    a, c = np.array(_pairs(W.shape[1])).T
    return np.concatenate([coefficients(W, b, v, v0)[:1 + W.shape[1]], S[a, c]])


# --- fitting ------------------------------------------------------------------------------------


def closed_form(Phi: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The least-squares coefficients from the normal equations ΦᵀΦ c = Φᵀy."""
    return np.linalg.solve(Phi.T @ Phi, Phi.T @ y)


def gradient_descent(Phi: np.ndarray, y: np.ndarray, max_iterations: int,
                     gradient_tolerance: float, log_every: int):
    """Gradient descent on the mean squared error (1/n)‖Φc − y‖² from c = 0 with step 1/L,
    L = 2 λ_max(ΦᵀΦ/n), until max |∇| ≤ gradient_tolerance or max_iterations.

    Returns (c, iterations, converged, [(iteration, mse) every log_every iterations]).
    """
    n = len(y)
    A, r = Phi.T @ Phi / n, Phi.T @ y / n
    step = 1.0 / (2.0 * np.linalg.eigvalsh(A)[-1])
    c = np.zeros(Phi.shape[1])
    curve = []
    for iteration in range(max_iterations + 1):
        gradient = 2.0 * (A @ c - r)
        if iteration % log_every == 0:
            curve.append((iteration, float(np.mean((Phi @ c - y) ** 2))))
        if np.abs(gradient).max() <= gradient_tolerance:
            return c, iteration, True, curve
        c -= step * gradient
    return c, max_iterations, False, curve


def train_network(X: np.ndarray, y: np.ndarray, hidden: int, steps: int, lr: float, seed: int,
                  log_every: int):
    """Full-batch Adam on the network's own parameters θ = (W, b, v, v₀), float64, from
    N(0, 1/D) weights and zero biases drawn from the seed's init stream.

    Returns (final mean squared error, [(step, mse) every log_every steps]).
    """
    seed_init(seed)
    d = X.shape[1]
    W = (torch.randn(hidden, d, dtype=torch.float64) / math.sqrt(d)).requires_grad_()
    v = torch.randn(hidden, dtype=torch.float64).requires_grad_()
    b = torch.zeros(hidden, dtype=torch.float64, requires_grad=True)
    v0 = torch.zeros((), dtype=torch.float64, requires_grad=True)
    inputs, targets = torch.as_tensor(X), torch.as_tensor(y)
    optimizer = torch.optim.Adam([W, b, v, v0], lr=lr)
    curve = []
    for step in range(steps + 1):
        z = inputs @ W.T + b
        loss = torch.mean(((z - z**2) @ v + v0 - targets) ** 2)
        if step % log_every == 0 or step == steps:
            curve.append((step, loss.item()))
        if step == steps:
            break
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item(), curve


# --- one run and the summary --------------------------------------------------------------------


def generate(settings: dict[str, Any], seed: int):
    """(X, y, θ) from the seed's data stream: x ~ N(0, I), W ~ N(0, 1/D), b ~ U(−1, 1),
    v, v₀ ~ N(0, 1), y = ŷ_θ(x) + N(0, noise_std²)."""
    d, k, n = int(settings["inputs"]), int(settings["hidden"]), int(settings["samples"])
    rng = np.random.default_rng(stream_seed(seed, STREAM_SPLIT))
    theta = (rng.normal(0, 1 / math.sqrt(d), (k, d)), rng.uniform(-1, 1, k), rng.normal(0, 1, k),
             float(rng.normal()))
    X = rng.normal(size=(n, d))
    y = network(X, *theta) + float(settings["noise_std"]) * rng.normal(size=n)
    return X, y, theta


def run(settings: dict[str, Any], seed: int) -> RunResult:
    """One seed's data, fitted every way (module docstring).

    Reads ``settings``: ``inputs`` (D), ``hidden`` (K), ``samples``, ``noise_std``,
    ``tolerance``, ``gd`` {max_iterations, gradient_tolerance}, ``network`` {steps, lr},
    ``log_every``. History columns: ``iteration``, ``gd_mse``, ``network_mse`` (NaN where a
    curve has no point).
    """
    X, y, theta = generate(settings, seed)
    Phi = features(X)
    tolerance = float(settings["tolerance"])
    log_every = int(settings["log_every"])
    c_closed = closed_form(Phi, y)
    c_gd, iterations, converged, gd_curve = gradient_descent(
        Phi, y, int(settings["gd"]["max_iterations"]),
        float(settings["gd"]["gradient_tolerance"]), log_every)
    c_lstsq = np.linalg.lstsq(Phi, y, rcond=None)[0]
    network_mse, network_curve = train_network(
        X, y, int(settings["hidden"]), int(settings["network"]["steps"]),
        float(settings["network"]["lr"]), seed, log_every)

    closed_mse = float(np.mean((Phi @ c_closed - y) ** 2))
    noiseless = network(X, *theta)
    ordered = ordered_features(X)
    metrics = {
        "features": Phi.shape[1],
        "design_rank": int(np.linalg.matrix_rank(Phi)),
        "closed_form_mse": closed_mse,
        "gd_mse": float(np.mean((Phi @ c_gd - y) ** 2)),
        "gd_iterations": iterations,
        "gd_converged": converged,
        "coef_max_abs_diff": float(np.abs(c_gd - c_closed).max()),
        "pred_max_abs_diff": float(np.abs(Phi @ (c_gd - c_closed)).max()),
        "lstsq_max_abs_diff": float(np.abs(c_lstsq - c_closed).max()),
        "truth_max_abs_error": float(np.abs(c_closed - coefficients(*theta)).max()),
        # c(2θ) − 2c(θ): zero for coefficients linear in the parameters θ = (W, b, v, v0)
        "coefficients_doubling_gap": float(np.abs(
            coefficients(*(2 * part for part in theta)) - 2 * coefficients(*theta)).max()),
        "noise_variance": float(settings["noise_std"]) ** 2,
        "expansion_max_abs_error": float(np.abs(Phi @ coefficients(*theta) - noiseless).max()),
        "write_up_expansion_max_abs_error": float(
            np.abs(Phi @ write_up_coefficients(*theta) - noiseless).max()),
        "ordered_features": ordered.shape[1],
        "ordered_design_rank": int(np.linalg.matrix_rank(ordered)),
        "network_mse": network_mse,
        "network_gap": network_mse - closed_mse,
    }
    metrics["design_full_rank"] = metrics["design_rank"] == metrics["features"]
    metrics["ordered_design_invertible"] = (metrics["ordered_design_rank"]
                                            == metrics["ordered_features"])
    metrics["network_reached_minimum"] = metrics["network_gap"] <= REACHED_RELATIVE * closed_mse
    metrics["agree"] = bool(converged and metrics["coef_max_abs_diff"] <= tolerance
                            and metrics["pred_max_abs_diff"] <= tolerance)
    history = pd.merge(pd.DataFrame(gd_curve, columns=["iteration", "gd_mse"]),
                       pd.DataFrame(network_curve, columns=["iteration", "network_mse"]),
                       on="iteration", how="outer").sort_values("iteration", ignore_index=True)
    return RunResult(metrics=metrics, history=history, data=DATA)


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict[str, Any]:
    """Over seeds: the worst agreement and whether every seed agrees within ``tolerance``, the
    write-up's formulas against ours, and how close training θ came to the closed form. The
    records' metrics hold every number, so ``histories`` go unread."""
    def values(key: str) -> list:
        return [record["metrics"][key] for record in records]

    tolerance = float(settings["tolerance"])
    write_up_error = min(values("write_up_expansion_max_abs_error"))
    return {
        # the config and the write-up's formulas, not measured
        "constants": {**{key: settings.get(key) for key in ("inputs", "hidden", "samples",
                                                            "noise_std", "tolerance")},
                      "write_up": WRITE_UP},
        "seeds": sorted(record["seed"] for record in records),
        "run_count": len(records),
        "features": records[0]["metrics"]["features"],
        "agree_all": all(values("agree")),
        "coef_max_abs_diff": max(values("coef_max_abs_diff")),
        "pred_max_abs_diff": max(values("pred_max_abs_diff")),
        "lstsq_max_abs_diff": max(values("lstsq_max_abs_diff")),
        "gd_iterations": metric_over_seeds(records, "gd_iterations"),
        "closed_form_mse": metric_over_seeds(records, "closed_form_mse"),
        "noise_variance": records[0]["metrics"]["noise_variance"],
        "truth_max_abs_error": metric_over_seeds(records, "truth_max_abs_error"),
        "design_full_rank_all": all(values("design_full_rank")),
        "expansion_max_abs_error": max(values("expansion_max_abs_error")),
        "expansion_matches": max(values("expansion_max_abs_error")) <= tolerance,
        # the smallest mismatch over seeds: even the write-up's best case is far off
        "write_up_expansion_max_abs_error": write_up_error,
        "write_up_expansion_matches": write_up_error <= tolerance,
        "ordered_features": records[0]["metrics"]["ordered_features"],
        "ordered_design_rank": max(values("ordered_design_rank")),
        "ordered_design_invertible_any": any(values("ordered_design_invertible")),
        "network_gap": metric_over_seeds(records, "network_gap"),
        "network_gap_min": min(values("network_gap")),
        # no θ may beat the global minimum (up to rounding)
        "network_never_below_closed_form": min(values("network_gap")) >= -tolerance,
        "network_reached_minimum_runs": sum(values("network_reached_minimum")),
        # the smallest over seeds: how far every seed's coefficients are from linear in θ
        "coefficients_doubling_gap": min(values("coefficients_doubling_gap")),
    }
