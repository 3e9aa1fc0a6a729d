"""``adam_escape`` (CS5242 HW3 Q5): GD and Adam (ε = 0) on a V-shaped minimum with a bump.

With L = 1 the function is continuous and piecewise linear:

    f(w) = 1 − w           (w ≤ 1)              f′ = −1
           w − 1           (1 < w ≤ 1 + h)      f′ = +1
           2h + 1 − w      (1 + h < w ≤ 1 + 2h) f′ = −1
           β(1 + 2h − w)   (w > 1 + 2h)         f′ = −β

a local minimum at w = 1, a crest of height h at 1 + h, and beyond 1 + 2h a slope down for ever.

GD, lr 0.3, from 0: 0.3, 0.6, 0.9, 1.2. When h ≥ 0.2, 1.2 lies on the up-slope and the step goes
back to 0.9: GD is caught in the 2-cycle {0.9, 1.2}, and the lowest f is f(0.9) = 0.1. When
h < 0.2 the slope at 1.2 is −1 or −β, GD leaves for the β region and f falls without bound. The
write-up's 0.1 presumes a bump at least 0.2 wide.

Adam, lr 1e-3, β = (0.9, 0.999), ε = 0, from 0. Left of the β region |f′| = 1, so v̂ = 1 exactly
and Adam is momentum SGD: the step is −lr·m̂/(1 + ε). On the ramp w ≤ 1 the bias correction makes
m̂ = −1 from the first step, so every step is lr/(1 + ε), and m ≈ −1 when the iterate first passes
1, at step N and a distance e = w_N − 1 ∈ (0, lr] beyond it. On the up-slope the gradient is +1:
m_{N+k} = 1 − 2·β1^k (up to β1^N terms), so the iterate keeps moving right for the
K = 6 steps with 2·0.9^k > 1 and travels

    lr · Σ_{k=1..6} (2·0.9^k − 1) = 2.434062 · lr

before it turns back. Past the crest 1 + h the slope is −1 again and pushes it on into the β
region, so Adam escapes iff it passes the crest: h_max = e + 2.434062·lr, and β does not enter.
:func:`overshoot` sums the steps with the bias corrections kept.

The entry offset e is a knife edge. With lr = 1/1000 the ramp iterates are t·lr and w_1000 = 1
lands exactly on the kink, where f′(1) = −1: one more full step gives e = lr and, in exact
arithmetic, h_max = 3.434062·lr = 0.003434. In float64 the 1000 rounded steps sum to 1 + 6.7e-16,
so e ≈ 0 and h_max = 0.002434, the write-up's value; in float32 they sum to just below 1 and
h_max ≈ 0.003425. The summary carries all three. (Had the kink been given the slope +1, the exact
answer would have been 2.434062·lr.) An Adam that turns back settles into ever smaller swings
about w = 1 and never reaches the crest later, so escaping is monotone in h; the bisection
records whether every round saw it so.

The bisection keeps the invariant "h_lower escapes, h_upper does not" and tries
``probes_per_round`` values of h at once per round (one Adam run on a vector of independent
parameters; 1 is classic bisection). Every h shares the ramp, so it is run once and each round
continues from a copy of its end state, which gives the same numbers as a run from 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import torch

from dlrepro.results import RunResult

MINIMUM = 1.0  # L


def objective(w: torch.Tensor, h: torch.Tensor, beta: float) -> torch.Tensor:
    """f(w) elementwise; autograd gives the slopes −1, +1, −1, −β of the branch each w is in."""
    return torch.where(
        w <= MINIMUM,
        MINIMUM - w,
        torch.where(
            w <= MINIMUM + h,
            w - MINIMUM,
            torch.where(w <= MINIMUM + 2 * h, 2 * h + MINIMUM - w, beta * (MINIMUM + 2 * h - w)),
        ),
    )


def make_adam(parameter: torch.Tensor, adam: dict[str, Any]) -> torch.optim.Adam:
    return torch.optim.Adam([parameter], lr=adam["lr"], betas=tuple(adam["betas"]), eps=adam["eps"])


def descend(optimizer, parameter, h, beta, steps, stop=None):
    """(iterates, escaped) after up to ``steps`` steps: one row per step, the current point
    excluded; ``escaped`` per h: some iterate passed 1 + 2h. ``stop(iterate, escaped)`` returning
    True ends the run early."""
    escaped = torch.zeros(parameter.shape, dtype=torch.bool)
    rows = []
    for _ in range(steps):
        optimizer.zero_grad()
        objective(parameter, h, beta).sum().backward()
        optimizer.step()
        current = parameter.detach().clone()
        rows.append(current)
        escaped |= current > MINIMUM + 2 * h
        if stop is not None and stop(current, escaped):
            break
    iterates = torch.stack(rows).numpy() if rows else np.empty((0, parameter.numel()))
    return iterates, escaped.numpy()


@dataclass(frozen=True)
class Ramp:
    """Adam from 0 until the first iterate past w = 1: the part every h shares."""

    iterates: np.ndarray  # w_0 … w_N
    state: dict[str, torch.Tensor]  # Adam's state after step N
    dtype: torch.dtype

    @property
    def entry_step(self) -> int:
        return len(self.iterates) - 1

    @property
    def entry_offset(self) -> float:
        return float(self.iterates[-1] - MINIMUM)


def ramp(settings: dict[str, Any], dtype: torch.dtype) -> Ramp:
    adam = settings["adam"]
    parameter = torch.zeros(1, dtype=dtype, requires_grad=True)
    optimizer = make_adam(parameter, adam)
    no_bump = torch.zeros(1, dtype=dtype)  # the slope is −1 up to w = 1 whatever h is
    iterates, _ = descend(optimizer, parameter, no_bump, settings["beta"], adam["step_budget"],
                          stop=lambda w, _: bool(w.item() > MINIMUM))
    if iterates[-1, 0] <= MINIMUM:
        raise ValueError(
            f"adam_escape: adam.step_budget={adam['step_budget']} ends before Adam passes w = 1"
        )
    state = {key: value.clone() for key, value in optimizer.state[parameter].items()}
    return Ramp(np.concatenate([[0.0], iterates[:, 0]]), state, dtype)


def continue_from(ramp_end: Ramp, h_values, settings, stop=None):
    """(iterates after the ramp, escaped) for every h, within the step budget."""
    adam = settings["adam"]
    count = len(h_values)
    parameter = torch.full((count,), float(ramp_end.iterates[-1]), dtype=ramp_end.dtype,
                           requires_grad=True)
    optimizer = make_adam(parameter, adam)
    optimizer.state[parameter] = {
        key: value.clone() if value.dim() == 0 else value.expand(count).clone()
        for key, value in ramp_end.state.items()
    }
    h = torch.tensor(h_values, dtype=ramp_end.dtype)
    steps = adam["step_budget"] - ramp_end.entry_step
    return descend(optimizer, parameter, h, settings["beta"], steps, stop)


def escapes(ramp_end: Ramp, h_values: list[float], settings: dict[str, Any]) -> np.ndarray:
    """Whether Adam passes 1 + 2h within the step budget, for every h."""
    entry = torch.tensor(ramp_end.iterates[-1], dtype=ramp_end.dtype)
    passed_at_entry = (entry > MINIMUM + 2 * torch.tensor(h_values, dtype=ramp_end.dtype)).numpy()
    _, escaped = continue_from(ramp_end, h_values, settings,
                               stop=lambda _, escaped: bool(escaped.all()))
    return escaped | passed_at_entry


def adam_orbits(ramp_end: Ramp, h_values: list[float], settings: dict[str, Any]) -> np.ndarray:
    """Adam's iterates from 0 for every h: the shared ramp, then each h's own continuation."""
    after, _ = continue_from(ramp_end, h_values, settings)
    shared = np.repeat(ramp_end.iterates[:, None], len(h_values), axis=1)
    return np.vstack([shared, after])


def dtype_values(values, dtype: torch.dtype) -> list[float]:
    """The numbers the optimiser will really compare against: ``values`` rounded to ``dtype``."""
    return torch.tensor(values, dtype=dtype).tolist()


def bisect_h_max(ramp_end: Ramp, settings: dict[str, Any]) -> dict[str, Any]:
    """The largest h that escapes, bracketed to ``tolerance``: h_max escapes, h_no_escape not."""
    search = settings["bisection"]
    lower, upper = dtype_values([search["h_lower"], search["h_upper"]], ramp_end.dtype)
    escaped = escapes(ramp_end, [lower, upper], settings)
    if not escaped[0]:
        raise ValueError(f"adam_escape: bisection h_lower={lower} does not escape")
    if escaped[1]:
        raise ValueError(f"adam_escape: bisection h_upper={upper} escapes; raise it")
    rounds, monotone = 0, True
    while upper - lower > search["tolerance"]:
        probes = dtype_values(np.linspace(lower, upper, search["probes_per_round"] + 2),
                              ramp_end.dtype)
        flags = np.concatenate([[True], escapes(ramp_end, probes[1:-1], settings), [False]])
        monotone &= bool(np.all(flags[:-1] >= flags[1:]))
        first_stuck = int(np.argmin(flags))
        bracket = probes[first_stuck - 1], probes[first_stuck]
        if bracket == (lower, upper):  # the dtype cannot split the bracket any further
            break
        lower, upper = bracket
        rounds += 1
    return {"h_max": lower, "h_no_escape": upper, "bisection_rounds": rounds,
            "escape_monotone_in_h": monotone}


def overshoot(lr: float, beta1: float, eps: float, entry_step: int) -> float:
    """How far Adam moves on after entering the up-slope at step N = entry_step: the sum of
    the steps lr·(2β1^k − β1^{N+k} − 1) / ((1 − β1^{N+k})(1 + ε)) while they are positive."""
    total, k = 0.0, 1
    while True:
        step = lr * (2 * beta1**k - beta1 ** (entry_step + k) - 1)
        step /= (1 - beta1 ** (entry_step + k)) * (1 + eps)
        if step <= 0:
            return total
        total += step
        k += 1


def exact_entry(lr: float, eps: float) -> tuple[int, float]:
    """(N, e) in exact arithmetic, lr and ε read as the decimals they are written as: every
    ramp step is lr/(1 + ε), and N is the first step past w = 1 (a landing on 1 is not past)."""
    step = Fraction(repr(lr)) / (1 + Fraction(repr(eps)))
    entry_step = math.floor(MINIMUM / step) + 1
    return entry_step, float(entry_step * step - Fraction(MINIMUM))


def gd_orbits(h_values: list[float], settings: dict[str, Any]) -> np.ndarray:
    """GD iterates from 0 (torch.optim.SGD on the autograd slopes), one column per h."""
    gd = settings["gd"]
    parameter = torch.zeros(len(h_values), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([parameter], lr=gd["lr"])
    h = torch.tensor(h_values, dtype=torch.float64)
    after, _ = descend(optimizer, parameter, h, settings["beta"], gd["steps"])
    return np.vstack([np.zeros((1, len(h_values))), after])


def values_of(orbit: np.ndarray, h: float, beta: float) -> np.ndarray:
    """f at every iterate of an orbit."""
    with torch.no_grad():
        return objective(torch.from_numpy(orbit), torch.tensor(h, dtype=torch.float64),
                         beta).numpy()


def check_settings(settings: dict[str, Any]) -> None:
    gd, adam, search = settings["gd"], settings["adam"], settings["bisection"]
    for name, value in (("gd.lr", gd["lr"]), ("adam.lr", adam["lr"]), ("beta", settings["beta"]),
                        ("bisection.tolerance", search["tolerance"])):
        if value <= 0:
            raise ValueError(f"adam_escape: {name} must be > 0, got {value}")
    for name, value in (("gd.steps", gd["steps"]), ("adam.step_budget", adam["step_budget"]),
                        ("bisection.probes_per_round", search["probes_per_round"])):
        if value < 1:
            raise ValueError(f"adam_escape: {name} must be >= 1, got {value}")
    if adam["eps"] < 0:
        raise ValueError(f"adam_escape: adam.eps must be >= 0, got {adam['eps']}")
    if not 0 <= search["h_lower"] < search["h_upper"]:
        raise ValueError(
            "adam_escape: bisection needs 0 <= h_lower < h_upper, got "
            f"h_lower={search['h_lower']}, h_upper={search['h_upper']}"
        )
    if not gd["h_sweep"]:
        raise ValueError("adam_escape: gd.h_sweep must not be empty")


def history_rows(optimiser: str, h_values, orbits: np.ndarray, beta: float) -> pd.DataFrame:
    return pd.concat(
        [
            pd.DataFrame({"optimiser": optimiser, "h": h, "step": np.arange(len(orbit)),
                          "w": orbit, "f": values_of(orbit, h, beta)})
            for h, orbit in zip(h_values, orbits.T)
        ],
        ignore_index=True,
    )


def run(settings: dict[str, Any]) -> RunResult:
    """GD for gd.h and every h of gd.h_sweep; h_max by bisection in float64 and float32; Adam's
    trajectories from 0 at the two ends of the final bracket, just below and just above h_max."""
    check_settings(settings)
    beta, adam = settings["beta"], settings["adam"]
    lr, beta1 = adam["lr"], adam["betas"][0]
    double, single = ramp(settings, torch.float64), ramp(settings, torch.float32)
    search, search_single = bisect_h_max(double, settings), bisect_h_max(single, settings)
    bracket = [search["h_max"], search["h_no_escape"]]
    gd_h = list(dict.fromkeys([settings["gd"]["h"], *settings["gd"]["h_sweep"]]))
    gd = gd_orbits(gd_h, settings)
    history = pd.concat(
        [
            history_rows("gd", gd_h, gd, beta),
            history_rows("adam", bracket, adam_orbits(double, bracket, settings), beta),
        ],
        ignore_index=True,
    )
    exact_step, exact_offset = exact_entry(lr, adam["eps"])
    metrics = {
        **search,
        "entry_step": double.entry_step,
        "entry_offset": double.entry_offset,
        "overshoot": overshoot(lr, beta1, adam["eps"], double.entry_step),
        "h_max_float32": search_single["h_max"],
        "entry_step_float32": single.entry_step,
        "entry_offset_float32": single.entry_offset,
        "entry_step_exact": exact_step,
        "entry_offset_exact": exact_offset,
        "h_max_exact": exact_offset + overshoot(lr, beta1, adam["eps"], exact_step),
        "gd_lowest_f": float(values_of(gd[:, 0], gd_h[0], beta).min()),
    }
    metrics["h_max_closed_form"] = metrics["entry_offset"] + metrics["overshoot"]
    return RunResult(metrics=metrics, history=history)


def gd_outcome(orbit: pd.DataFrame, h: float) -> dict[str, Any]:
    w = orbit.sort_values("step")["w"].to_numpy()
    return {
        "h": h,
        "lowest_f": float(orbit["f"].min()),
        "final_w": float(w[-1]),
        "trapped": bool(w.max() <= MINIMUM + h),
        "tail_low": float(min(w[-2:])),
        "tail_high": float(max(w[-2:])),
    }


def summarise(records: list[dict[str, Any]], histories: list[pd.DataFrame],
              settings: dict[str, Any]) -> dict:
    """The one run's measurements arranged for the report and the claims."""
    [record] = records
    [history] = histories
    metrics = record["metrics"]
    gd_rows = history[history["optimiser"] == "gd"]
    sweep = {f"{h:g}": gd_outcome(rows, h) for h, rows in gd_rows.groupby("h")}
    chosen = sweep[f"{settings['gd']['h']:g}"]
    adam = settings["adam"]
    return {
        "beta": settings["beta"],
        "adam": {key: adam[key] for key in ("lr", "betas", "eps", "step_budget")},
        "tolerance": settings["bisection"]["tolerance"],
        "h_max": metrics["h_max"],
        "h_no_escape": metrics["h_no_escape"],
        "bisection_rounds": metrics["bisection_rounds"],
        "escape_monotone_in_h": metrics["escape_monotone_in_h"],
        "overshoot_in_lr": metrics["overshoot"] / adam["lr"],
        "h_max_closed_form": metrics["h_max_closed_form"],
        "entry": {
            "float64": {"step": metrics["entry_step"], "offset": metrics["entry_offset"],
                        "h_max": metrics["h_max"]},
            "float32": {"step": metrics["entry_step_float32"],
                        "offset": metrics["entry_offset_float32"],
                        "h_max": metrics["h_max_float32"]},
            "exact": {"step": metrics["entry_step_exact"], "offset": metrics["entry_offset_exact"],
                      "h_max": metrics["h_max_exact"]},
        },
        "gd": {"lr": settings["gd"]["lr"], "steps": settings["gd"]["steps"], **chosen},
        "gd_lowest_f": metrics["gd_lowest_f"],
        "gd_by_h": sweep,
    }
