"""Claims of the write-ups, declared as data and checked against our measurements.

A claim names an experiment and a ``check``. Operands of a check are numbers, or paths into that
experiment's ``summary.json`` written as lists of keys (``[final_objective, f1, gd]``). Checks:

``less`` / ``greater``   left < right / left > right
``close``                |left − right| <= atol + rtol·|right|
``argmin``               the key of the smallest value in a mapping equals ``expected``
``tiers``                every value of an earlier group of keys is smaller than every value of
                         a later one (``expected`` lists the groups, best first)
``is_true``              the value at ``value`` is the boolean true
``all_of``               every check in ``checks`` holds

The verdict is ``reproduced`` when the check holds and ``refuted`` when it does not. A claim
marked ``absolute`` speaks of the write-up's own data: its own numbers, or behaviour that depends
on the data set. On stand-in data, or on another data set than the summary's ``write_up_data``
(e.g. Fashion-MNIST where the write-up used MNIST), it is measured but ``not comparable``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

REPRODUCED = "reproduced"
REFUTED = "refuted"
NOT_COMPARABLE = "not comparable"


class ClaimError(ValueError):
    """A claim that cannot be evaluated as written: names the claim and what is wrong."""


def resolve(summary: Mapping[str, Any], operand: Any, claim_id: str) -> Any:
    """A number stays a number; a list of keys is looked up in the summary."""
    if not isinstance(operand, list):
        return operand
    node: Any = summary
    for depth, key in enumerate(operand):
        if not isinstance(node, Mapping) or str(key) not in node:
            where = "/".join(str(k) for k in operand[: depth + 1])
            raise ClaimError(f"claim {claim_id!r}: the summary has no value at {where!r}")
        node = node[str(key)]
    return node


def flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{'f1': {'gd': 1}} -> {'f1/gd': 1}"""
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}/"))
        else:
            flat[name] = value
    return flat


def _number(value: Any, claim_id: str) -> float:
    if value is None:
        return math.nan  # a diverged run's metric: comparisons with it are false
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ClaimError(f"claim {claim_id!r}: expected a number, found {value!r}")
    return float(value)


def fmt(value: float) -> str:
    """4 significant digits; whole numbers in full (12,141 rather than 1.214e+04)."""
    if math.isnan(value):
        return "nan"
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.4g}"


def _compare(check: Mapping[str, Any], summary: Mapping[str, Any], claim_id: str):
    left = _number(resolve(summary, check["left"], claim_id), claim_id)
    right = _number(resolve(summary, check["right"], claim_id), claim_id)
    op = check["op"]
    # ``measured`` states the relation that was found, which is the claimed one only if it holds.
    if op == "less":
        holds = left < right
        return holds, f"{fmt(left)} {'<' if holds else '≥'} {fmt(right)}"
    if op == "greater":
        holds = left > right
        return holds, f"{fmt(left)} {'>' if holds else '≤'} {fmt(right)}"
    tolerance = check.get("atol", 0.0) + check.get("rtol", 0.0) * abs(right)
    holds = abs(left - right) <= tolerance
    if tolerance == 0:
        return holds, f"{fmt(left)} {'=' if holds else '≠'} {fmt(right)}"
    return holds, f"|{fmt(left)} − {fmt(right)}| {'≤' if holds else '>'} {fmt(tolerance)}"


def _argmin(check: Mapping[str, Any], summary: Mapping[str, Any], claim_id: str):
    values = resolve(summary, check["values"], claim_id)
    numbers = {key: _number(value, claim_id) for key, value in flatten(values).items()}
    finite = {key: value for key, value in numbers.items() if not math.isnan(value)}
    if not finite:
        return False, "no finite value"
    best = min(finite, key=finite.get)
    return best == check["expected"], f"smallest: {best} ({fmt(finite[best])})"


def _tiers(check: Mapping[str, Any], summary: Mapping[str, Any], claim_id: str):
    values = flatten(resolve(summary, check["values"], claim_id))
    groups = check["expected"]
    for group in groups:
        for key in group:
            if key not in values:
                raise ClaimError(f"claim {claim_id!r}: tiers name {key!r}, not in the summary")
    numbers = {key: _number(values[key], claim_id) for group in groups for key in group}
    ranked = sorted(numbers, key=lambda key: (math.isnan(numbers[key]), numbers[key]))
    measured = " < ".join(f"{key} ({fmt(numbers[key])})" for key in ranked)
    holds = all(
        numbers[better] < numbers[worse]
        for index, group in enumerate(groups)
        for later in groups[index + 1:]
        for better in group
        for worse in later
    )
    return holds, measured


def _is_true(check: Mapping[str, Any], summary: Mapping[str, Any], claim_id: str):
    value = resolve(summary, check["value"], claim_id)
    if not isinstance(value, bool):
        raise ClaimError(f"claim {claim_id!r}: expected true or false, found {value!r}")
    return value, f"{'/'.join(map(str, check['value']))} is {str(value).lower()}"


CHECKS = {
    "less": _compare,
    "greater": _compare,
    "close": _compare,
    "argmin": _argmin,
    "tiers": _tiers,
    "is_true": _is_true,
}


def run_check(check: Mapping[str, Any], summary: Mapping[str, Any], claim_id: str):
    """(holds, measured) for one check; ``measured`` says what was compared, in words."""
    op = check.get("op")
    if op == "all_of":
        outcomes = [run_check(part, summary, claim_id) for part in check["checks"]]
        return all(holds for holds, _ in outcomes), "; ".join(text for _, text in outcomes)
    if op not in CHECKS:
        known = ", ".join([*CHECKS, "all_of"])
        raise ClaimError(f"claim {claim_id!r}: unknown check {op!r}; known: {known}")
    return CHECKS[op](check, summary, claim_id)


def uses_stand_in(summary: Mapping[str, Any]) -> bool:
    return bool(summary.get("data", {}).get("stand_in", False))


def incomparable_data(summary: Mapping[str, Any]) -> str:
    """Why the data measured on cannot stand for the write-up's ("" when it can): a stand-in, or
    another data set than the summary's ``write_up_data`` names (Fashion-MNIST for MNIST)."""
    if uses_stand_in(summary):
        return "measured on stand-in data; the claim is about the write-up's own data"
    used, expected = summary.get("data", {}).get("name"), summary.get("write_up_data")
    if expected and used and used != expected:
        return f"measured on {used}; the claim is about the write-up's data, {expected}"
    return ""


def evaluate(claim: Mapping[str, Any], summary: Mapping[str, Any]) -> dict[str, Any]:
    """The claim as the report shows it: declared fields plus ``measured`` and ``verdict``."""
    holds, measured = run_check(claim["check"], summary, claim["id"])
    reason = incomparable_data(summary) if claim.get("absolute", False) else ""
    if reason:
        verdict = NOT_COMPARABLE
    else:
        verdict = REPRODUCED if holds else REFUTED
    result = {key: value for key, value in claim.items() if key != "check"}
    result.update(measured=measured, verdict=verdict, reason=reason, stand_in=uses_stand_in(summary))
    return result


def evaluate_all(claims: list[Mapping[str, Any]], summaries: Mapping[str, Mapping]) -> list[dict]:
    """Every claim whose experiment ran; claims of experiments not in ``summaries`` are left out."""
    ids = [claim["id"] for claim in claims]
    duplicates = sorted({claim_id for claim_id in ids if ids.count(claim_id) > 1})
    if duplicates:
        raise ClaimError(f"claim ids must be unique; repeated: {', '.join(duplicates)}")
    return [
        evaluate(claim, summaries[claim["experiment"]])
        for claim in claims
        if claim["experiment"] in summaries
    ]
