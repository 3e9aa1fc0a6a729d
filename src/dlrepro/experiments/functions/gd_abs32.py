"""``gd_abs32`` (CS 541 HW1 P3c; Bertsekas, Nonlinear Programming, ex. 1.2.3): GD on (2/3)|x|^{3/2}.

f(x) = (2/3)|x|^{3/2} has f′(x) = sign(x)·|x|^{1/2}, so GD with a constant lr is the map
x ↦ x − lr·sign(x)·√|x|. In units of lr², t = x / lr², it is t ↦ t − sign(t)·√|t| for every lr:
all learning rates show the same picture, scaled by lr².

The 2-cycle. t = 1/4 maps to 1/4 − 1/2 = −1/4 and back, so x = ±lr²/4 is a 2-cycle. The slope of
the map, 1 − 1/(2√|t|), is 0 at |t| = 1/4: the cycle is super-attracting and every start outside
the special set S below ends on it. From a large t₀, √t drops by about 1/2 a step
(√(t − √t) ≈ √t − 1/2), so a start x₀ reaches the cycle after about 2√|x₀| / lr steps.

The special set S: the starts whose orbit hits 0 exactly, i.e. 0 and its preimages. For t′ > 0,
t′ − √t′ = y has one positive root √t′ = (1 + √(1 + 4y))/2 when y > 0; a negative t′ maps to a
positive y only when y ≤ 1/4. The preimages of 0 are 0 and ±1, and every later preimage has
|t| ≥ 1 > 1/4, so each has one preimage, on its own side:

    S = {0} ∪ {±t_k·lr²},  t_1 = 1,  t_{k+1} = ((1 + √(1 + 4 t_k)) / 2)²  = 1, (3+√5)/2, 4.81…

This is the write-up's set with δ = lr (δ² = lr²). A start ±t_k·lr² reaches 0 after exactly k
steps and, as f′(0) = 0, stays there.

In floating point the last step of an S orbit leaves a residue r of about 1e-16·lr² instead of 0.
When r is exactly 0.0 the orbit stays at 0; otherwise the square root blows the residue up
(t = 1e-16 → 1e-8 → 1e-4 → …) and the orbit returns to the 2-cycle. S has measure zero and 0 repels
its neighbours: the convergence from S is a fact of exact arithmetic, seen in float64 only when
the rounding happens to land on 0.0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from dlrepro.results import RunResult

GENERIC = "generic"
SPECIAL = "special"


def objective(x):
    """(2/3)|x|^{3/2} of a number, a numpy array or a torch tensor."""
    return 2.0 / 3.0 * abs(x) ** 1.5


def gradient(x):
    return np.sign(x) * np.sqrt(np.abs(x))


def stationary_points(grid: np.ndarray) -> list[float]:
    """Where f′ vanishes or changes sign between neighbours of ``grid``: the equilibria of f,
    which are also the only fixed points of the GD map x − lr·f′(x)."""
    signs = np.sign(gradient(grid))
    zeros = list(grid[signs == 0])
    crossing = np.flatnonzero(signs[:-1] * signs[1:] < 0)
    return [float(x) for x in sorted([*zeros, *((grid[crossing] + grid[crossing + 1]) / 2)])]


def orbits(starts: np.ndarray, lr: float, iterations: int) -> np.ndarray:
    """GD iterates, one row per iteration (the starts are row 0), one column per start."""
    iterates = np.empty((iterations + 1, len(starts)))
    iterates[0] = x = np.asarray(starts, dtype=float)
    for step in range(1, iterations + 1):
        x = x - lr * gradient(x)
        iterates[step] = x
    return iterates


def cycle_amplitude_theory(lr: float) -> float:
    """The 2-cycle ±lr²/4: lr²/4 − lr·√(lr²/4) = −lr²/4."""
    return lr * lr / 4.0


def special_set_in_lr2_units(levels: int) -> list[float]:
    """t_1 … t_levels of S = {0} ∪ {±t_k lr²}: t_1 = 1, t_{k+1} = ((1 + √(1 + 4 t_k)) / 2)²."""
    points = [1.0]
    while len(points) < levels:
        points.append(((1.0 + math.sqrt(1.0 + 4.0 * points[-1])) / 2.0) ** 2)
    return points[:levels]


def special_starts(lr: float, levels: int) -> tuple[np.ndarray, np.ndarray]:
    """(level, start) of 0 and ±t_k·lr² for k = 1 … levels; level k reaches 0 in k steps."""
    scaled = np.array(special_set_in_lr2_units(levels)) * lr * lr
    level = np.concatenate([[0], np.arange(1, levels + 1), np.arange(1, levels + 1)])
    return level, np.concatenate([[0.0], scaled, -scaled])


def first_iteration_within(orbit: np.ndarray, tolerance: float) -> int | None:
    """The first iteration with |x| ≤ tolerance, or None."""
    hits = np.flatnonzero(np.abs(orbit) <= tolerance)
    return int(hits[0]) if hits.size else None


def check_settings(settings: dict[str, Any], lr: float) -> None:
    if lr <= 0:
        raise ValueError(f"gd_abs32: lr must be > 0, got {lr}")
    if settings["iterations"] < 1:
        raise ValueError(f"gd_abs32: iterations must be >= 1, got {settings['iterations']}")
    if not 1 <= settings["tail_window"] <= settings["iterations"]:
        raise ValueError(
            f"gd_abs32: tail_window must be in [1, iterations={settings['iterations']}], "
            f"got {settings['tail_window']}"
        )
    if not settings["generic_starts"]:
        raise ValueError("gd_abs32: generic_starts must not be empty")
    if settings["special_levels"] < 1:
        raise ValueError(f"gd_abs32: special_levels must be >= 1, got {settings['special_levels']}")
    if settings["zero_tolerance"] <= 0:
        raise ValueError(f"gd_abs32: zero_tolerance must be > 0, got {settings['zero_tolerance']}")


def run(settings: dict[str, Any], lr: float) -> RunResult:
    """The generic starts and the S starts at one lr; one history row per (start, iteration)."""
    check_settings(settings, lr)
    generic = np.asarray(settings["generic_starts"], dtype=float)
    level, special = special_starts(lr, settings["special_levels"])
    iterates = orbits(np.concatenate([generic, special]), lr, settings["iterations"])
    kinds = [GENERIC] * len(generic) + [SPECIAL] * len(special)
    levels = np.concatenate([np.full(len(generic), np.nan), level])
    iteration = np.arange(settings["iterations"] + 1)
    history = pd.concat(
        [
            pd.DataFrame({"start": start, "kind": kind, "level": lev, "x0": column[0],
                          "iteration": iteration, "x": column})
            for start, (kind, lev, column) in enumerate(zip(kinds, levels, iterates.T))
        ],
        ignore_index=True,
    )
    by_lr = measure(history, lr, settings)
    metrics = {key: by_lr[key] for key in (
        "cycle_amplitude", "cycle_amplitude_theory", "cycle_relative_error",
        "special_points", "special_points_reaching_zero_at_level", "special_points_staying_at_zero",
    )}
    return RunResult(metrics=metrics, history=history)


def iterations_to_cycle(orbit: np.ndarray, lr: float, rtol: float = 1e-9) -> int | None:
    """The first iteration from which |x| stays within rtol of lr²/4, or None."""
    off_cycle = np.flatnonzero(np.abs(np.abs(orbit) - cycle_amplitude_theory(lr)) >
                               rtol * cycle_amplitude_theory(lr))
    if off_cycle.size and off_cycle[-1] == len(orbit) - 1:
        return None
    return int(off_cycle[-1] + 1) if off_cycle.size else 0


def measure_generic(orbit: np.ndarray, lr: float, tail_window: int) -> dict[str, Any]:
    tail = orbit[-tail_window:]
    return {
        "x0": float(orbit[0]),
        "cycle_amplitude": float(np.mean(np.abs(tail))),
        "tail_alternates_sign": bool(np.all(tail[1:] * tail[:-1] < 0)),
        "iterations_to_cycle": iterations_to_cycle(orbit, lr),
        "iterations_to_cycle_estimate": 2.0 * math.sqrt(abs(orbit[0])) / lr,
    }


def measure_special(orbit: np.ndarray, level: int, lr: float, zero_tolerance: float) -> dict:
    tolerance = zero_tolerance * lr * lr
    reached = first_iteration_within(orbit, tolerance)
    return {
        "level": level,
        "x0": float(orbit[0]),
        "x0_over_lr2": float(orbit[0] / (lr * lr)),
        "steps_to_zero": reached,
        "residue_over_lr2": None if reached is None else float(orbit[reached] / (lr * lr)),
        "stays_at_zero": reached is not None and bool(np.all(np.abs(orbit[reached:]) <= tolerance)),
    }


def measure(history: pd.DataFrame, lr: float, settings: dict[str, Any]) -> dict[str, Any]:
    """The 2-cycle amplitude from the generic starts and the fate of each S start, at one lr."""
    generic, special = [], []
    for _, rows in history.groupby("start"):
        orbit = rows.sort_values("iteration")["x"].to_numpy()
        if rows["kind"].iloc[0] == GENERIC:
            generic.append(measure_generic(orbit, lr, settings["tail_window"]))
        else:
            level = int(rows["level"].iloc[0])
            special.append(measure_special(orbit, level, lr, settings["zero_tolerance"]))
    theory = cycle_amplitude_theory(lr)
    amplitudes = np.array([start["cycle_amplitude"] for start in generic])
    return {
        "lr": lr,
        "cycle_amplitude": float(amplitudes.mean()),
        "cycle_amplitude_theory": theory,
        "cycle_relative_error": float(np.max(np.abs(amplitudes - theory)) / theory),
        "generic": generic,
        "special": special,
        "special_points": len(special),
        "special_points_reaching_zero_at_level": sum(
            start["steps_to_zero"] == start["level"] for start in special
        ),
        "special_points_staying_at_zero": sum(start["stays_at_zero"] for start in special),
    }


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict[str, Any]:
    """Per lr (keyed f"{lr:g}"): the measured 2-cycle beside lr²/4 and every S start's fate,
    measured on each run's curve (``histories``, matched to their lr by ``records``)."""
    if not records:
        raise ValueError("gd_abs32: lrs must not be empty")
    by_run = {record["params"]["lr"]: history
              for record, history in zip(records, histories, strict=True)}
    by_lr = {f"{lr:g}": measure(history, lr, settings) for lr, history in sorted(by_run.items())}
    return {
        # from the config, not measured: the S starts are counted, not found
        "constants": {
            "iterations": settings["iterations"],
            "tail_window": settings["tail_window"],
            "zero_tolerance": settings["zero_tolerance"],
            "special_set_over_lr2": special_set_in_lr2_units(settings["special_levels"]),
            "special_points": sum(entry["special_points"] for entry in by_lr.values()),
        },
        "by_lr": by_lr,
        "equilibria": _equilibria(),
        "max_cycle_relative_error": max(entry["cycle_relative_error"] for entry in by_lr.values()),
        "all_tails_alternate_sign": all(
            start["tail_alternates_sign"] for entry in by_lr.values() for start in entry["generic"]
        ),
        "special_points_reaching_zero_at_level": sum(
            entry["special_points_reaching_zero_at_level"] for entry in by_lr.values()
        ),
        "special_points_staying_at_zero": sum(
            entry["special_points_staying_at_zero"] for entry in by_lr.values()
        ),
    }


def _equilibria() -> dict[str, Any]:
    """The stationary points of f on [−10, 10] (grid step 0.01, 0 included)."""
    points = stationary_points(np.linspace(-10.0, 10.0, 2001))
    return {"count": len(points), "largest_abs": max(map(abs, points), default=None)}
