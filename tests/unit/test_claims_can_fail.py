"""Every claim of config/claims.yaml can fail.

For each claim a synthetic summary is built from the claim's own checks, with its measured values
on the claimed side of every boundary (and, for a seeded claim, three seeds that vary), so that it
is reproduced as if measured on the write-up's data. Then each measured value the claim reads is
moved, one at a time, to the other side of its boundary, and the verdict must become refuted.

A measured value is any path into the summary outside ``constants`` (where summaries keep the
config's thresholds, counts and the write-ups' numbers). A comparison that reads no measured value
cannot fail, and fails this test.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from dlrepro.claims import REFUTED, REPRODUCED, evaluate
from dlrepro.experiments.seed_stats import over_seeds

CLAIMS = yaml.safe_load((Path(__file__).parents[2] / "config" / "claims.yaml").read_text())
SEEDS = (0, 1, 2)
JITTER = 1e-5  # per-seed offsets: each path its own multiple, so paired differences vary
CONSTANT = 1.0  # what a threshold or count under ``constants`` is set to, unless a check fixes it
GAP = 5.0  # how far beyond a boundary a value is put


def measured(operand: Any) -> bool:
    return isinstance(operand, list) and str(operand[0]) != "constants"


def leaves(check: dict) -> list[dict]:
    if check["op"] == "all_of":
        return [leaf for part in check["checks"] for leaf in leaves(part)]
    return [check]


class Synthetic:
    """A summary built up path by path, each value a number (its per-seed form on output)."""

    def __init__(self, kind: str):
        self.kind = kind
        self.values: dict[tuple, Any] = {}

    def known(self, operand) -> bool:
        return not isinstance(operand, list) or tuple(map(str, operand)) in self.values

    def get(self, operand) -> Any:
        if not isinstance(operand, list):
            return operand
        return self.values[tuple(map(str, operand))]

    def set(self, operand, value) -> None:
        self.values[tuple(map(str, operand))] = value

    def summary(self) -> dict:
        """The summary: in a seeded claim each measured value over three seeds, the i-th path's
        seeds offset by (0, i, −i/2)·JITTER."""
        built: dict[str, Any] = {"data": {"name": "synthetic", "stand_in": False}}
        for index, (path, value) in enumerate(self.values.items(), start=1):
            node = built
            for key in path[:-1]:
                node = node.setdefault(key, {})
            if self.kind == "seeded" and path[0] != "constants" and not isinstance(value, bool):
                offsets = (0.0, index * JITTER, -index * JITTER / 2)
                value = over_seeds({seed: value + offset for seed, offset in zip(SEEDS, offsets)})
            node[path[-1]] = value
        return built


def band(check: dict, right: float) -> float:
    return check.get("atol", 0.0) + check.get("rtol", 0.0) * abs(right)


def holding(check: dict, synthetic: Synthetic) -> None:
    """Give the check's unknown operands values on the claimed side."""
    op = check["op"]
    if op in ("less", "greater", "close"):
        left, right = check["left"], check["right"]
        if not synthetic.known(right) and (synthetic.known(left) or not measured(right)):
            if not measured(right):
                synthetic.set(right, CONSTANT)
            else:
                synthetic.set(right, passing_right(check, synthetic.get(left)))
        if not synthetic.known(right):
            synthetic.set(right, 10.0)
        if not synthetic.known(left):
            synthetic.set(left, passing_left(check, synthetic.get(right)))
    elif op in ("argmin", "tiers"):
        groups = [[check["expected"]], ["other_a", "other_b"]] if op == "argmin" \
            else check["expected"]
        for rank, group in enumerate(groups):
            for index, key in enumerate(group):
                synthetic.set([*check["values"], *key.split("/")], 10.0 * (rank + 1) + index)
    elif op == "is_true":
        synthetic.set(check["value"], True)
    else:
        raise AssertionError(f"no synthetic values for a check {op!r}")


def passing_left(check: dict, right: float) -> float:
    margin = check.get("margin", 0.0)
    if check["op"] == "less":
        return right - margin - GAP - abs(right)
    if check["op"] == "greater":
        return right + margin + GAP + abs(right)
    return right


def passing_right(check: dict, left: float) -> float:
    margin = check.get("margin", 0.0)
    if check["op"] == "less":
        return left + margin + GAP + abs(left)
    if check["op"] == "greater":
        return left - margin - GAP - abs(left)
    return left


def failing(check: dict, operand, synthetic: Synthetic) -> dict[tuple, Any]:
    """New values for ``operand`` (and what it holds) that put the check across its boundary."""
    op = check["op"]
    if op in ("less", "greater", "close"):
        left, right = synthetic.get(check["left"]), synthetic.get(check["right"])
        margin = check.get("margin", 0.0)
        if op == "close":
            away = band(check, right) + GAP + abs(right) + abs(left)
            value = (right + away) if operand is check["left"] else (left + away)
        elif (op == "less") == (operand is check["left"]):
            # less: push the left up / greater: push the right up
            other = right if operand is check["left"] else left
            value = other + margin + GAP + abs(other)
        else:
            other = right if operand is check["left"] else left
            value = other - margin - GAP - abs(other)
        return {tuple(map(str, operand)): value}
    if op == "argmin":
        return {tuple(map(str, [*check["values"], *check["expected"].split("/")])): 100.0}
    if op == "tiers":
        best, worst = check["expected"][0][0], check["expected"][-1][0]
        path = [*check["values"]]
        return {tuple(map(str, [*path, *best.split("/")])):
                synthetic.get([*path, *worst.split("/")]),
                tuple(map(str, [*path, *worst.split("/")])):
                synthetic.get([*path, *best.split("/")])}
    return {tuple(map(str, check["value"])): False}


def measured_operands(check: dict) -> list:
    if check["op"] in ("less", "greater", "close"):
        return [operand for operand in (check["left"], check["right"]) if measured(operand)]
    key = "value" if check["op"] == "is_true" else "values"
    return [check[key]] if measured(check[key]) else []


def build(claim: dict) -> Synthetic:
    synthetic = Synthetic(claim["kind"])
    for leaf in leaves(claim["check"]):
        holding(leaf, synthetic)
    return synthetic


@pytest.mark.parametrize("claim", CLAIMS, ids=[claim["id"] for claim in CLAIMS])
def test_every_comparison_reads_a_measured_value(claim):
    for leaf in leaves(claim["check"]):
        assert measured_operands(leaf), (
            f"{claim['id']}: {leaf} compares no measured value (only numbers and constants), "
            f"so it cannot fail: make it a measured check, or explain it in the section")


@pytest.mark.parametrize("claim", CLAIMS, ids=[claim["id"] for claim in CLAIMS])
def test_every_claim_changes_its_verdict_when_a_measured_value_crosses_its_boundary(claim):
    synthetic = build(claim)
    baseline = evaluate(claim, synthetic.summary())
    assert baseline["verdict"] == REPRODUCED, (claim["id"], baseline["measured"])
    if claim["kind"] == "seeded":
        assert all(part["seeds_vary"] for part in baseline["evidence"]["parts"])
    for leaf in leaves(claim["check"]):
        for operand in measured_operands(leaf):
            moved = copy.deepcopy(synthetic)
            for path, value in failing(leaf, operand, synthetic).items():
                moved.values[path] = value
            result = evaluate(claim, moved.summary())
            assert result["verdict"] == REFUTED, (
                f"{claim['id']}: moving {operand} across the boundary of {leaf} left the "
                f"verdict {result['verdict']} ({result['measured']})")


def test_a_comparison_of_constants_only_is_caught():
    constant_only = {"op": "less", "left": 0.16, "right": ["constants", "lr_bounds", "stable"]}
    assert measured_operands(constant_only) == []
    assert measured_operands({"op": "less", "left": ["final", "x"], "right": 1}) == [["final", "x"]]
