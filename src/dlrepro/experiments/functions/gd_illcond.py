"""``gd_illcond`` (CS 541 HW1 P3b): reading a and c back from GD on an ill-conditioned bowl.

f(x) = a1 (x1 − c1)² + a2 (x2 − c2)², so ∂f/∂x_i = 2 a_i (x_i − c_i) and GD with step lr moves each
coordinate on its own:

    x_{k+1,i} − c_i = r_i (x_{k,i} − c_i),   r_i = 1 − 2 lr a_i,

i.e. x_{k+1,i} = r_i x_{k,i} + (1 − r_i) c_i. A least-squares line through the points
(x_{k,i}, x_{k+1,i}) gives slope r_i and intercept b_i; then c_i = b_i / (1 − r_i) and, with lr
known, a_i = (1 − r_i) / (2 lr). On an exact GD trajectory the line is exact, so the inference
recovers a and c to rounding error; c does not depend on lr, a scales as 1/lr.

Why the zig-zag is along x1: r_i < 0 (a_i > 1/(2 lr)) flips the sign of x_i − c_i at every step,
r_i > 0 approaches c_i from one side, and |r_i| > 1 (a_i > 1/lr) diverges. At the homework's
(a1, a2, c1, c2) = (100, 1, 0.4, 4) and lr = 0.0095: r1 = 1 − 1.9 = −0.9 (x1 alternates sides
and shrinks by 0.9 a step), r2 = 0.981 (x2 creeps monotonically to 4). With lr/100 the factors
are 0.981 and 0.99981: both positive, so no zig-zag at all, and far slower progress.

The mean of the iterates is not c: with x_k − c = r^k d it is
c + d (1 − r^{n+1}) / ((n + 1)(1 − r)), for x2 (r = 0.981, d = −7, n = 200) 4 − 1.79 = 2.2.

The trajectory is the homework's ``gradient_descent_sequence.txt`` when settings['trajectory_file']
names it (two numeric columns, whitespace or comma separated, one iterate per row). Otherwise it
is generated from settings['generate'] and stands in for that file: the run's data says so, and
only then are the true parameters known (summary ``true`` is None for a file). The lr/100
trajectory starts where the trajectory starts, runs as many steps, and uses the true parameters
when known, the inferred ones otherwise.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dlrepro.results import RunResult

PARAMETERS = ("a1", "a2", "c1", "c2")
COORDINATES = ("x1", "x2")
MIN_ITERATES = 3  # two steps per coordinate fix a line: slope r and intercept (1 − r) c
FIELD_SEPARATOR = re.compile(r"[\s,]+")


def objective(params: Mapping[str, float], x1, x2):
    return params["a1"] * (x1 - params["c1"]) ** 2 + params["a2"] * (x2 - params["c2"]) ** 2


def gradient(params: Mapping[str, float], point: np.ndarray) -> np.ndarray:
    """∇f at each row of ``point`` (shape (..., 2))."""
    a = np.array([params["a1"], params["a2"]])
    c = np.array([params["c1"], params["c2"]])
    return 2 * a * (point - c)


def contraction_factor(a: float, lr: float) -> float:
    """r = 1 − 2 lr a: the factor by which one GD step scales x_i − c_i."""
    return 1 - 2 * lr * a


def generate_trajectory(
    params: Mapping[str, float], lr: float, start: Sequence[float], steps: int
) -> np.ndarray:
    """The iterates x_0 … x_steps of GD, x_{k+1} = x_k − lr ∇f(x_k), as a (steps + 1, 2) array."""
    trajectory = np.empty((steps + 1, 2))
    trajectory[0] = start
    for k in range(steps):
        trajectory[k + 1] = trajectory[k] - lr * gradient(params, trajectory[k])
    return trajectory


def _parse_row(path: str | Path, number: int, line: str) -> tuple[float, float]:
    fields = FIELD_SEPARATOR.split(line.strip())
    if len(fields) == 1:
        raise ValueError(
            f"{path}, line {number}: one column ({line.strip()!r}); a trajectory row has two "
            "numbers, x1 and x2"
        )
    if len(fields) != 2:
        raise ValueError(
            f"{path}, line {number}: {len(fields)} fields ({line.strip()!r}); a trajectory row "
            "has two numbers, x1 and x2, separated by whitespace or a comma"
        )
    values = []
    for field in fields:
        try:
            value = float(field)
        except ValueError:
            raise ValueError(f"{path}, line {number}: {field!r} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"{path}, line {number}: {field!r} is not a finite number")
        values.append(value)
    return values[0], values[1]


def read_trajectory(path: str | Path) -> np.ndarray:
    """A (n, 2) trajectory from a text file; blank lines and lines starting with '#' are skipped."""
    with open(path, encoding="utf-8") as handle:
        rows = [
            _parse_row(path, number, line)
            for number, line in enumerate(handle, start=1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
    if len(rows) < MIN_ITERATES:
        raise ValueError(
            f"{path}: {len(rows)} iterates; inferring a and c needs at least {MIN_ITERATES}"
        )
    return np.array(rows)


def fit_contraction(values: np.ndarray, coordinate: str) -> tuple[float, float]:
    """(r, c) of the least-squares line x_{k+1} = r x_k + (1 − r) c through one coordinate."""
    design = np.column_stack([values[:-1], np.ones(len(values) - 1)])
    (slope, intercept), _, rank, _ = np.linalg.lstsq(design, values[1:], rcond=None)
    if rank < 2 or slope == 1:
        raise ValueError(
            f"coordinate {coordinate} does not contract along the trajectory (it stays at "
            f"{values[0]:g} or moves by a constant step): its a and c cannot be inferred"
        )
    return float(slope), float(intercept / (1 - slope))


def infer_parameters(trajectory: np.ndarray, lr: float) -> dict[str, float]:
    """{a1, a2, c1, c2} of the bowl whose GD at step ``lr`` produced ``trajectory``."""
    trajectory = np.asarray(trajectory, dtype=float)
    if trajectory.ndim != 2 or trajectory.shape[1] != 2 or len(trajectory) < MIN_ITERATES:
        raise ValueError(
            f"a trajectory is an (n, 2) array with n ≥ {MIN_ITERATES}; got shape {trajectory.shape}"
        )
    inferred = {}
    for index, coordinate in enumerate(COORDINATES, start=1):
        contraction, centre = fit_contraction(trajectory[:, index - 1], coordinate)
        inferred[f"a{index}"] = (1 - contraction) / (2 * lr)
        inferred[f"c{index}"] = centre
    return {name: inferred[name] for name in PARAMETERS}


def replay_error(trajectory: np.ndarray, params: Mapping[str, float], lr: float) -> float:
    """max_k |x_k − lr ∇f(x_k) − x_{k+1}|: how far a GD step with ``params`` misses the next row."""
    predicted = trajectory[:-1] - lr * gradient(params, trajectory[:-1])
    return float(np.max(np.abs(predicted - trajectory[1:])))


def sign_changes(values: np.ndarray, centre: float) -> int:
    """How many steps move ``values`` to the other side of ``centre``."""
    sides = np.sign(values - centre)
    return int(np.count_nonzero(sides[1:] * sides[:-1] < 0))


def validate(settings: Mapping[str, Any]) -> None:
    """ValueError naming the setting, for settings no run could use."""
    for name, value in (("lr", settings["lr"]), ("lr_divisor", settings["lr_divisor"])):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"gd_illcond: {name} must be a positive number, got {value!r}")
    if settings["trajectory_file"]:
        return
    generate = settings["generate"]
    steps = generate["steps"]
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < MIN_ITERATES - 1:
        raise ValueError(
            f"gd_illcond: generate.steps must be an integer ≥ {MIN_ITERATES - 1}, got {steps!r}"
        )
    if len(generate["start"]) != 2:
        raise ValueError(
            f"gd_illcond: generate.start must be two numbers, got {generate['start']!r}"
        )
    missing = [name for name in PARAMETERS if name not in generate["parameters"]]
    if missing:
        raise ValueError(f"gd_illcond: generate.parameters lacks {', '.join(missing)}")


def load_trajectory(settings: Mapping[str, Any]):
    """(trajectory, true parameters or None, the run's data record)."""
    path = settings["trajectory_file"]
    if path:
        return read_trajectory(path), None, {
            "name": Path(path).name,
            "source": str(path),
            "sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest(),
            "stand_in": False,
        }
    generate = settings["generate"]
    params = {name: float(generate["parameters"][name]) for name in PARAMETERS}
    trajectory = generate_trajectory(params, settings["lr"], generate["start"], generate["steps"])
    return trajectory, params, {
        "name": "generated GD trajectory",
        "source": (
            "stand-in for the homework's gradient_descent_sequence.txt: GD from "
            f"{tuple(generate['start'])} at lr {settings['lr']:g} on "
            + ", ".join(f"{name}={value:g}" for name, value in params.items())
        ),
        "stand_in": True,
    }


def _frame(label: str, trajectory: np.ndarray, params: Mapping[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "trajectory": label,
            "iteration": np.arange(len(trajectory)),
            "x1": trajectory[:, 0],
            "x2": trajectory[:, 1],
            "objective": objective(params, trajectory[:, 0], trajectory[:, 1]),
        }
    )


def _trajectory_metrics(prefix: str, trajectory: np.ndarray, params, lr: float) -> dict[str, Any]:
    centre = np.array([params["c1"], params["c2"]])
    metrics = {}
    for index, coordinate in enumerate(COORDINATES):
        metrics[f"{prefix}contraction_{coordinate}"] = contraction_factor(
            params[f"a{index + 1}"], lr
        )
        metrics[f"{prefix}sign_changes_{coordinate}"] = sign_changes(
            trajectory[:, index], centre[index]
        )
    metrics[f"{prefix}final_distance"] = float(np.linalg.norm(trajectory[-1] - centre))
    return metrics


def run(settings: dict[str, Any]) -> RunResult:
    """Read or generate the trajectory, infer (a, c), and rerun GD at lr / lr_divisor.

    Contraction factors and sign changes are measured around the inferred parameters, the ones a
    reader of the file can know. History: one row per iterate of each trajectory, ``trajectory``
    being 'lr' or 'small_lr'; its objective uses the true parameters when known.
    """
    validate(settings)
    lr = settings["lr"]
    small_lr = lr / settings["lr_divisor"]
    trajectory, true_params, data = load_trajectory(settings)
    inferred = infer_parameters(trajectory, lr)
    reference = true_params or inferred
    slow = generate_trajectory(reference, small_lr, trajectory[0], len(trajectory) - 1)
    metrics = {
        "source": "file" if settings["trajectory_file"] else "generated",
        "steps": len(trajectory) - 1,
        "lr": lr,
        "small_lr": small_lr,
        **{f"true_{name}": (true_params or {}).get(name) for name in PARAMETERS},
        **{f"inferred_{name}": inferred[name] for name in PARAMETERS},
        "replay_error": replay_error(trajectory, inferred, lr),
        **{f"iterate_mean_{name}": float(trajectory[:, index].mean())
           for index, name in enumerate(COORDINATES)},
        **_trajectory_metrics("", trajectory, inferred, lr),
        **_trajectory_metrics("small_lr_", slow, inferred, small_lr),
    }
    history = pd.concat(
        [_frame("lr", trajectory, reference), _frame("small_lr", slow, reference)],
        ignore_index=True,
    )
    return RunResult(metrics=metrics, history=history, data=data)


def _per_coordinate(metrics: Mapping[str, Any], prefix: str, name: str) -> dict[str, Any]:
    return {coordinate: metrics[f"{prefix}{name}_{coordinate}"] for coordinate in COORDINATES}


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict:
    """The one run's inference and the zig-zag explanation, nested for summary.json; its metrics
    hold every number, so ``histories`` go unread.

    ``true`` is None when the trajectory came from a file (the parameters are then unknown), and
    so is ``inference_error`` (the largest |inferred − true| over a1, a2, c1, c2).
    """
    validate(settings)
    [record] = records
    metrics = record["metrics"]
    lr = metrics["lr"]
    inferred = {name: metrics[f"inferred_{name}"] for name in PARAMETERS}
    true = None if metrics["source"] == "file" else {n: metrics[f"true_{n}"] for n in PARAMETERS}
    contraction = _per_coordinate(metrics, "", "contraction")
    return {
        "source": metrics["source"],
        "trajectory_file": settings["trajectory_file"] or None,
        "lr": lr,
        "steps": metrics["steps"],
        "true": true,
        "inferred": inferred,
        "inference_error": None if true is None else max(
            abs(inferred[name] - true[name]) for name in PARAMETERS
        ),
        "replay_error": metrics["replay_error"],
        "curvature_ratio": inferred["a1"] / inferred["a2"],
        "iterate_mean": _per_coordinate(metrics, "", "iterate_mean"),
        # thresholds of the lr, not measured
        "constants": {"zigzag_threshold_a": 1 / (2 * lr), "divergence_threshold_a": 1 / lr},
        "contraction": contraction,
        "sign_changes": _per_coordinate(metrics, "", "sign_changes"),
        "zigzag_coordinates": [name for name, factor in contraction.items() if factor < 0],
        "final_distance_to_minimum": metrics["final_distance"],
        "small_lr": {
            "lr": metrics["small_lr"],
            "contraction": _per_coordinate(metrics, "small_lr_", "contraction"),
            "sign_changes": _per_coordinate(metrics, "small_lr_", "sign_changes"),
            "final_distance_to_minimum": metrics["small_lr_final_distance"],
        },
    }
