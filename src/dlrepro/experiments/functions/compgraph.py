"""``compgraph`` (CS5242 HW3 Q3): dc/da on the graph c = u·v, u = a², v = a + b.

a reaches c along two paths, one through each node, and the chain rule adds them:

    dc/da = ∂c/∂u · ∂u/∂a + ∂c/∂v · ∂v/∂a = (a + b)·2a + a²·1 = 3a² + 2ab
    dc/db = ∂c/∂v · ∂v/∂b = a²

At a = −1, b = 4: through the square (a + b)·2a = −6, through the sum a² = +1, total −5, and
dc/db = 1. Every factor is taken by torch.autograd on the graph, not from these formulas.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from dlrepro.results import RunResult


def check_inputs(settings: dict[str, Any]) -> tuple[float, float]:
    """(a, b) from the settings, each a finite number."""
    for name in ("a", "b"):
        value = settings[name]
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not (is_number and math.isfinite(value)):
            raise ValueError(f"{name} ({value!r}) must be a finite number")
    return float(settings["a"]), float(settings["b"])


def gradient(output: torch.Tensor, node: torch.Tensor) -> float:
    """d output / d node, by autograd, keeping the graph for the next call."""
    (value,) = torch.autograd.grad(output, node, retain_graph=True)
    return value.item()


def derivatives(a: float, b: float) -> dict[str, float]:
    """c, its total derivatives and the local derivatives on each edge of the graph."""
    a_node = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    b_node = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    square = a_node**2
    total = a_node + b_node
    c = square * total
    local = {
        "dc_du": gradient(c, square),
        "du_da": gradient(square, a_node),
        "dc_dv": gradient(c, total),
        "dv_da": gradient(total, a_node),
        "dv_db": gradient(total, b_node),
    }
    return {
        "c": c.item(),
        "dc_da": gradient(c, a_node),
        "dc_db": gradient(c, b_node),
        **local,
        "through_square": local["dc_du"] * local["du_da"],
        "through_sum": local["dc_dv"] * local["dv_da"],
    }


def run(settings: dict[str, Any]) -> RunResult:
    return RunResult(metrics=derivatives(*check_inputs(settings)))


def summarise(records: list[dict[str, Any]], histories: list[None],
              settings: dict[str, Any]) -> dict[str, Any]:
    """summary.json of the one run (which has no history): autograd totals, the two path
    contributions and the closed forms."""
    a, b = check_inputs(settings)
    [record] = records
    metrics = record["metrics"]
    return {
        "a": a,
        "b": b,
        "c": metrics["c"],
        "dc_da": metrics["dc_da"],
        "dc_db": metrics["dc_db"],
        "paths": {
            "through_square": metrics["through_square"],
            "through_sum": metrics["through_sum"],
        },
        "paths_total": metrics["through_square"] + metrics["through_sum"],
        "local_derivatives": {
            key: metrics[key] for key in ("dc_du", "du_da", "dc_dv", "dv_da", "dv_db")
        },
        "closed_form": {"dc_da": 3 * a**2 + 2 * a * b, "dc_db": a**2},
    }
