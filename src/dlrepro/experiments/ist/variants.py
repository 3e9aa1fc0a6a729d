"""``ist_torch``'s variant points and their names (run folders, summary keys).

Kept free of torch, so that the workflow can list the runs while it parses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dlrepro.results import value_label

MODELS = ("logreg", "mlp")


def variant_name(point: Mapping[str, Any]) -> str:
    """The run folder name of a variant point (without the seed)."""
    if point["model"] == "logreg":
        return f"logreg-lr{value_label(point['lr'])}"
    if point["model"] == "mlp":
        return (f"mlp-batch{int(point['batch_size'])}-dropout{value_label(point['dropout'])}"
                f"-momentum{value_label(point['momentum'])}")
    raise ValueError(f"ist_torch: unknown model {point['model']!r}; expected {' or '.join(MODELS)}")


_NUMBER = r"[0-9][0-9.e+-]*"
_PATTERNS = {
    "logreg": re.compile(rf"logreg-lr(?P<lr>{_NUMBER})"),
    "mlp": re.compile(rf"mlp-batch(?P<batch_size>\d+)-dropout(?P<dropout>{_NUMBER})"
                      rf"-momentum(?P<momentum>{_NUMBER})"),
}


def parse_variant(name: str) -> dict[str, Any]:
    """The variant point a run folder name stands for; only names :func:`variant_name` writes."""
    for model, pattern in _PATTERNS.items():
        match = pattern.fullmatch(name)
        if match:
            try:
                point = {"model": model, **{key: float(value)
                                            for key, value in match.groupdict().items()}}
            except ValueError:
                break
            if "batch_size" in point:
                point["batch_size"] = int(point["batch_size"])
            if variant_name(point) == name:
                return point
            break
    raise ValueError(f"ist_torch: {name!r} is not a variant name (e.g. logreg-lr0.001, "
                     "mlp-batch64-dropout0.3-momentum0)")


def comparisons(settings: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """comparison -> {the varied value's label -> variant name}.

    ``lr``: the logistic regression lrs. The network's comparisons vary one of its defaults
    (``settings["mlp"]``) each: ``batch`` (``batch_sizes``), ``dropout`` (``dropouts``),
    ``momentum`` (``momentums`` at ``momentum_batch_size``).
    """
    mlp = settings["mlp"]

    def network(**changes) -> str:
        point = {"model": "mlp", "batch_size": mlp["batch_size"], "dropout": mlp["dropout"],
                 "momentum": mlp["momentum"], **changes}
        return variant_name(point)

    return {
        "lr": {value_label(lr): variant_name({"model": "logreg", "lr": lr})
               for lr in settings["lrs"]},
        "batch": {str(int(size)): network(batch_size=size) for size in settings["batch_sizes"]},
        "dropout": {value_label(rate): network(dropout=rate) for rate in settings["dropouts"]},
        "momentum": {value_label(value): network(batch_size=settings["momentum_batch_size"],
                                           momentum=value)
                     for value in settings["momentums"]},
    }


def variants(settings: Mapping[str, Any]) -> list[str]:
    """Every variant name the comparisons need, each once, sorted."""
    return sorted({name for points in comparisons(settings).values() for name in points.values()})
