"""``gd_plateau`` (CS 541 HW1 P3a): gradient descent on a plateau, an inflection and a minimum.

The function and its derivative, piece by piece::

    f(x) = −x³                              f′(x) = −3x²             x < −0.1
           −0.03x − 1/500                           −0.03            −0.1 ≤ x < 3
           −(x − 3.1)³ − 23/250                     −3(x − 3.1)²     3 ≤ x < 5
           (1083/200)(x − 6)² − 6183/500            (1083/100)(x − 6) x ≥ 5

f′ is continuous everywhere (−0.03 at −0.1 and at 3, −10.83 at 5). f is continuous at −0.1
(0.001) and at 5 (−6.951) but, as the homework wrote it, jumps up by exactly 1/1000 at 3
(−0.092 from the left, −0.091 at 3). GD only reads f′, so the jump changes no trajectory. The
global minimum is f(6) = −6183/500; f′(3.1) = 0 at an inflection, where f keeps decreasing.

GD, x_{k+1} = x_k − lr_k f′(x_k), in closed form on each piece:

- cubic slope (x < −0.1): x_{k+1} = x_k + 3 lr x_k². From −3 the first step lands at −3 + 27 lr;
  x + 3 lr x² is convex, so no later step from [−3, −0.1] reaches further.
- plateau (−0.1 ≤ x < 3): a constant step 0.03 lr; crossing it takes 3.1 / (0.03 lr) ≈ 103/lr
  iterations (10⁴ at lr 1e-2).
- below the inflection (3 ≤ x < 3.1): e = 3.1 − x obeys e_{k+1} = e_k − 3 lr e_k², so
  e_k ≈ 1 / (3 lr k): GD creeps up to 3.1 and never passes it.
- quadratic bowl (x ≥ 5): x_{k+1} − 6 = (1 − 10.83 lr)(x_k − 6), which converges iff
  lr < 2/10.83 = 200/1083 ≈ 0.1847.

Hence from −3 a constant lr passes the inflection only if its first step does, lr > 6.1/27 ≈ 0.2259,
and such an lr is too large to settle at 6: no constant lr goes from −3 to the minimum. A step
decay, lr_k = lr₀ · decay^⌊k / every⌋, starts above 6.1/27 and ends below 200/1083.

Where a run ends is classed, in this order: ``diverged`` (non-finite or |x| above the divergence
threshold), ``minimum`` (|x − 6| ≤ tolerance), ``inflection`` (|x − 3.1| ≤ tolerance), ``plateau``
(−0.1 ≤ x < 3), ``other``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from dlrepro.results import RunResult

MINIMUM = 6.0
INFLECTION = 3.1
PLATEAU = (-0.1, 3.0)
BREAKPOINTS = (-0.1, 3.0, 5.0)
CURVATURE_AT_MINIMUM = 1083 / 100
OUTCOMES = ("diverged", "minimum", "inflection", "plateau", "other")
#: How far either side of the inflection f is evaluated to tell a minimum from an inflection.
INFLECTION_STEP = 1e-3

#: A run is keyed by (start, lr, kind). Kinds: ``constant``, a run of the sweep; ``held`` and
#: ``decayed``, runs of settings["schedule"] at a constant rate and with the step decay.
RunKey = tuple[float, float, str]
KINDS = ("constant", "held", "decayed")


def objective(x):
    """f(x), for a float or a scalar torch tensor (products, not powers: huge x gives inf)."""
    if x < -0.1:
        return -x * x * x
    if x < 3:
        return -3 / 100 * x - 1 / 500
    if x < 5:
        below = x - 31 / 10
        return -below * below * below - 23 / 250
    return 1083 / 200 * (x - 6) * (x - 6) - 6183 / 500


def gradient(x):
    """f′(x), written out piece by piece."""
    if x < -0.1:
        return -3 * x * x
    if x < 3:
        return -3 / 100
    if x < 5:
        return -3 * (x - 31 / 10) * (x - 31 / 10)
    return 1083 / 100 * (x - 6)


def around(x: float, step: float) -> dict[str, float]:
    """f′(x), and f at x and a step to either side: a minimum has f higher on both sides."""
    return {"gradient": gradient(x), "objective": objective(x),
            "objective_left": objective(x - step), "objective_right": objective(x + step)}


def stable_lr_at_minimum() -> float:
    """The largest lr for which GD contracts around 6: 2 / f″(6) = 200/1083."""
    return 2 / CURVATURE_AT_MINIMUM


def one_step_jump_lr(start: float) -> float | None:
    """The lr above which the first step from ``start`` (< −0.1) lands past the inflection.

    start + 3 lr start² > 3.1  ⇔  lr > (3.1 − start) / (3 start²); None off the cubic slope.
    """
    if start >= PLATEAU[0]:
        return None
    return (INFLECTION - start) / (3 * start * start)


def plateau_crossing_iterations(lr: float) -> float:
    """Steps of 0.03 lr needed to cross the plateau [−0.1, 3)."""
    return (PLATEAU[1] - PLATEAU[0]) / (0.03 * lr)


def step_decay(initial_lr: float, iterations: int, decay: float = 1.0, every: int = 1):
    """lr_k = initial_lr · decay^⌊k / every⌋ for k = 0 … iterations (decay 1: constant)."""
    return initial_lr * decay ** (np.arange(iterations + 1) // every)


def descend(start: float, lrs: np.ndarray) -> np.ndarray:
    """x_0 … x_n of x_{k+1} = x_k − lrs[k] f′(x_k), n = len(lrs) − 1; ends at a non-finite x."""
    iterates = [float(start)]
    for lr in lrs[:-1]:
        x = iterates[-1]
        iterates.append(x - float(lr) * gradient(x))
        if not math.isfinite(iterates[-1]):
            break
    return np.array(iterates)


def classify(x: float, tolerance: float, divergence_threshold: float) -> str:
    """Where a run ended: one of OUTCOMES (see the module docstring for the order)."""
    if not math.isfinite(x) or abs(x) > divergence_threshold:
        return "diverged"
    if abs(x - MINIMUM) <= tolerance:
        return "minimum"
    if abs(x - INFLECTION) <= tolerance:
        return "inflection"
    if PLATEAU[0] <= x < PLATEAU[1]:
        return "plateau"
    return "other"


def first_divergent_iteration(iterates: np.ndarray, divergence_threshold: float) -> int | None:
    escaped = np.flatnonzero(~(np.abs(iterates) <= divergence_threshold))
    return int(escaped[0]) if escaped.size else None


def minimum_crossings(iterates: np.ndarray) -> int:
    """How often GD steps over x = 6 (x_k − 6 and x_{k+1} − 6 of opposite signs)."""
    sides = np.sign(iterates[np.isfinite(iterates)] - MINIMUM)
    return int(np.count_nonzero(sides[1:] * sides[:-1] < 0))


def settled_iteration(iterates: np.ndarray, tolerance: float) -> int | None:
    """The first k from which every iterate stays within ``tolerance`` of 6; None if none does."""
    outside = np.flatnonzero(~(np.abs(iterates - MINIMUM) <= tolerance))
    if outside.size == 0:
        return 0
    return None if outside[-1] == len(iterates) - 1 else int(outside[-1] + 1)


def _require_positive(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"gd_plateau: {name} must be a positive number, got {value!r}")


def validate(settings: Mapping[str, Any]) -> None:
    """ValueError naming the setting, for settings no run could use."""
    if not settings["lrs"]:
        raise ValueError("gd_plateau: lrs (the learning-rate sweep) is empty")
    for lr in settings["lrs"]:
        _require_positive("lrs entry", lr)
    if not settings["starts"]:
        raise ValueError("gd_plateau: starts is empty")
    iterations = settings["iterations"]
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 1:
        raise ValueError(f"gd_plateau: iterations must be a positive integer, got {iterations!r}")
    _require_positive("tolerance", settings["tolerance"])
    _require_positive("divergence_threshold", settings["divergence_threshold"])
    schedule = settings["schedule"]
    if not schedule["initial_lrs"]:
        raise ValueError("gd_plateau: schedule.initial_lrs is empty")
    for lr in schedule["initial_lrs"]:
        _require_positive("schedule.initial_lrs entry", lr)
    _require_positive("schedule.decay", schedule["decay"])
    if schedule["decay"] > 1:
        raise ValueError(f"gd_plateau: schedule.decay must be at most 1, got {schedule['decay']!r}")
    for name in ("every", "iterations"):
        count = schedule[name]
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValueError(f"gd_plateau: schedule.{name} must be a positive integer, "
                             f"got {count!r}")
    _require_positive("schedule.tolerance", schedule["tolerance"])


def run_setting(settings: Mapping[str, Any], schedule_run: bool) -> tuple[int, float]:
    """(iterations, tolerance) of a run: the sweep's, or the schedule's own for its runs (the
    write-up that ran the schedule stopped at 1e-6 within 1000 iterations)."""
    own = settings["schedule"] if schedule_run else settings
    return own["iterations"], own["tolerance"]


def run(settings: dict[str, Any], start: float, lr: float, kind: str = "constant") -> RunResult:
    """GD from ``start`` at ``lr``, a run of one of :data:`KINDS`: ``constant`` (the sweep's
    iterations and tolerance), ``held`` (the schedule's iterations and tolerance, the rate held)
    or ``decayed`` (the schedule's, with its step decay from ``lr``).

    History: one row per iterate x_k, with lr_k, the step size taken from it (the last row's is
    the one the next step would take). A run stops early at the first non-finite iterate.
    """
    validate(settings)
    _require_positive("lr", lr)
    if kind not in KINDS:
        raise ValueError(f"gd_plateau: run kind must be one of {', '.join(KINDS)}, got {kind!r}")
    schedule = settings["schedule"]
    decay, every = (schedule["decay"], schedule["every"]) if kind == "decayed" else (1.0, 1)
    iterations, tolerance = run_setting(settings, kind != "constant")
    lrs = step_decay(lr, iterations, decay, every)
    iterates = descend(start, lrs)
    history = pd.DataFrame(
        {
            "iteration": np.arange(len(iterates)),
            "lr": lrs[: len(iterates)],
            "x": iterates,
            "objective": [objective(float(x)) for x in iterates],
        }
    )
    final_x = float(iterates[-1])
    settled = settled_iteration(iterates, tolerance)
    metrics = {
        "final_x": final_x,
        "final_objective": objective(final_x),
        "outcome": classify(final_x, tolerance, settings["divergence_threshold"]),
        "distance_to_minimum": abs(final_x - MINIMUM),
        "distance_to_inflection": abs(final_x - INFLECTION),
        "diverged_at_iteration": first_divergent_iteration(
            iterates, settings["divergence_threshold"]
        ),
        "minimum_crossings": minimum_crossings(iterates),
        "settled_at_iteration": settled,
        "settled_lr": None if settled is None else float(lrs[settled]),
    }
    return RunResult(metrics=metrics, history=history)


def _row(lr: float, metrics: Mapping[str, Any]) -> dict[str, Any]:
    """One row of a summary table: the run's metrics, final_x renamed x, after its lr."""
    rest = {key: value for key, value in metrics.items() if key != "final_x"}
    return {"lr": lr, "x": metrics["final_x"], **rest}


def _metrics_of(metrics_by_run: Mapping[RunKey, Mapping], key: RunKey) -> Mapping[str, Any]:
    if key not in metrics_by_run:
        start, lr, kind = key
        raise ValueError(f"gd_plateau summary: no {kind} run from start {start:g} at lr {lr:g}")
    return metrics_by_run[key]


def run_key(params: Mapping[str, Any]) -> RunKey:
    """(start, lr, kind) from a run's params as the workflow records them."""
    return params["start"], params["lr"], params["kind"]


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict:
    """The final-x table of the sweep, outcome counts, the schedule's runs and the lr bounds.

    Each run of ``records`` is found by its (start, lr, kind) params; its metrics hold all
    the tables need, so ``histories`` go unread. Tables are keyed by f"{start:g}" then
    f"{lr:g}", e.g. summary["final"]["10"]["0.01"]["x"].
    """
    validate(settings)
    metrics_by_run = {run_key(record["params"]): record["metrics"] for record in records}
    final, counts = {}, {}
    for start in settings["starts"]:
        rows = {
            f"{lr:g}": _row(lr, _metrics_of(metrics_by_run, (start, lr, "constant")))
            for lr in settings["lrs"]
        }
        final[f"{start:g}"] = rows
        counts[f"{start:g}"] = {
            outcome: sum(row["outcome"] == outcome for row in rows.values()) for outcome in OUTCOMES
        }
    schedule = settings["schedule"]
    by_kind = {
        name: {
            f"{lr:g}": _row(lr, _metrics_of(metrics_by_run, (schedule["start"], lr, kind)))
            for lr in schedule["initial_lrs"]
        }
        for name, kind in (("constant", "held"), ("decayed", "decayed"))
    }
    return {
        # from the config and the function, not measured
        "constants": {
            "iterations": settings["iterations"],
            "tolerance": settings["tolerance"],
            "divergence_threshold": settings["divergence_threshold"],
            "minimum": MINIMUM,
            "inflection": INFLECTION,
            "runs_per_start": len(settings["lrs"]),
            "plateau_crossing_iterations": {
                f"{lr:g}": plateau_crossing_iterations(lr) for lr in settings["lrs"]
            },
            "schedule": {key: schedule[key]
                         for key in ("start", "decay", "every", "iterations", "tolerance")},
            "lr_bounds": {
                "one_step_jump_from_schedule_start": one_step_jump_lr(schedule["start"]),
                "stable_at_minimum": stable_lr_at_minimum(),
            },
        },
        "final": final,
        "outcome_counts": counts,
        "schedule": by_kind,
        "at_inflection": around(INFLECTION, INFLECTION_STEP),
    }
