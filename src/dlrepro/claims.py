"""Claims of the write-ups, declared as data and checked against our measurements.

A claim names an experiment, a ``kind`` and a ``check``. Operands of a check are numbers, or
paths into that experiment's ``summary.json`` written as lists of keys
(``[final_objective, f1, gd]``). Checks:

``less`` / ``greater``   left < right / left > right (by more than ``margin``, default 0)
``close``                |left − right| <= atol + rtol·|right|
``argmin``               the key of the smallest value in a mapping equals ``expected``
``tiers``                every value of an earlier group of keys is smaller than every value of
                         a later one (``expected`` lists the groups, best first)
``is_true``              the value at ``value`` is the boolean true
``all_of``               every check in ``checks`` holds

``kind: exact`` claims are about deterministic numbers (a function's minimum, a count of runs):
each check holds or not, and the verdict is ``reproduced`` or ``refuted``.

``kind: seeded`` claims are about runs repeated over seeds. Their operands point at a summary's
values over seeds (a mapping with ``per_seed``, written by
:func:`dlrepro.experiments.seed_stats.over_seeds`), and each comparison is judged from the
per-seed values with a t interval (:mod:`dlrepro.seed_intervals`): ``reproduced``,
``refuted`` or ``inconclusive``. ``argmin`` and ``tiers`` compare every claimed pair that way;
a composite check is reproduced when every part is, refuted when any part is, and
inconclusive otherwise. Reading one number out of the values over seeds (their ``mean``) is
refused in either kind: a comparison of seed means is decided by noise.

Where the runs did not use the write-up's data (a stand-in, or another data set than the
summary's ``write_up_data``, e.g. Fashion-MNIST where the write-up used MNIST), a claim is
measured but ``not comparable``: its numbers, comparisons and rankings depend on the data. A
claim whose statement does not depend on the data says why in ``data_independent`` and keeps its
verdict; every claim records the data it was measured on (``data``) and whether they were the
write-up's (``on_write_up_data``), so that verdicts on other data are counted apart.

Every claim quotes its write-up (``quote``) and claims no more than the quote. ``scope: ours``
marks a wider check of ours (a whole sweep) beside the write-up's own claim. ``finding`` says
why the write-up is wrong where our measurement refutes it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dlrepro import seed_intervals
from dlrepro.experiments.registry import BY_ID
from dlrepro.metrics import quantity_of
from dlrepro.results import flatten
from dlrepro.seed_intervals import INCONCLUSIVE, REFUTED, REPRODUCED, Region, finite

NOT_COMPARABLE = "not comparable"
VERDICTS = (REPRODUCED, REFUTED, INCONCLUSIVE, NOT_COMPARABLE)
KINDS = ("exact", "seeded")
DEFAULT_CONFIDENCE = 0.95


class ClaimError(ValueError):
    """A claim that cannot be evaluated as written: names the claim and what is wrong."""


@dataclass(frozen=True)
class Context:
    """What every check of one claim needs besides the summary."""

    claim_id: str
    kind: str
    confidence: float


@dataclass
class Outcome:
    """A check's verdict, what was compared in words, the evidence of its seeded parts and the
    numbers of its exact comparisons (label, left, right, tolerance)."""

    verdict: str
    measured: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    values: list[dict[str, Any]] = field(default_factory=list)


def is_over_seeds(node: Any) -> bool:
    """A summary's values over seeds: a mapping with ``per_seed`` (and ``mean``, ``std``)."""
    return isinstance(node, Mapping) and "per_seed" in node


def per_seed(node: Mapping[str, Any]) -> dict[int, float]:
    return {int(seed): value for seed, value in node["per_seed"].items()}


def resolve(summary: Mapping[str, Any], operand: Any, claim_id: str) -> Any:
    """A number stays a number; a list of keys is looked up in the summary. A path into values
    over seeds (``[..., test_accuracy, mean]``) is refused: it compares seed means."""
    if not isinstance(operand, list):
        return operand
    node: Any = summary
    for depth, key in enumerate(operand):
        if is_over_seeds(node):
            whole = "/".join(str(k) for k in operand[:depth])
            raise ClaimError(
                f"claim {claim_id!r}: {'/'.join(map(str, operand))!r} compares seed means; "
                f"point at {whole!r} itself (its per-seed values) in a claim of kind: seeded")
        if not isinstance(node, Mapping) or str(key) not in node:
            where = "/".join(str(k) for k in operand[: depth + 1])
            raise ClaimError(f"claim {claim_id!r}: the summary has no value at {where!r}")
        node = node[str(key)]
    return node


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
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.4g}"


def _label(operand: Any) -> str:
    return "/".join(map(str, operand)) if isinstance(operand, list) else fmt(float(operand))


def _difference_label(left: Any, right: Any) -> str:
    """``small/batchnorm/acc`` and ``small/plain/acc`` -> ``small/(batchnorm − plain)/acc``."""
    if not (isinstance(left, list) and isinstance(right, list)):
        return f"{_label(left)} − {_label(right)}"
    left, right = [str(key) for key in left], [str(key) for key in right]
    start = 0
    while start < min(len(left), len(right)) - 1 and left[start] == right[start]:
        start += 1
    end = 0
    while (end < min(len(left), len(right)) - start - 1
           and left[len(left) - 1 - end] == right[len(right) - 1 - end]):
        end += 1
    prefix, suffix = left[:start], left[len(left) - end:] if end else []
    middle = (f"({'/'.join(left[start:len(left) - end])} − "
              f"{'/'.join(right[start:len(right) - end])})")
    return "/".join([*prefix, middle, *suffix])


def _operand(summary: Mapping[str, Any], operand: Any, context: Context):
    """A number, or (in a seeded claim) the ``{seed: value}`` of values over seeds."""
    value = resolve(summary, operand, context.claim_id)
    if is_over_seeds(value):
        if context.kind != "seeded":
            raise ClaimError(
                f"claim {context.claim_id!r}: {_label(operand)!r} holds values over seeds; "
                f"a claim about them is kind: seeded")
        return per_seed(value)
    return _number(value, context.claim_id)


def _exact_outcome(holds: bool, measured: str, values: list[dict] | None = None) -> Outcome:
    return Outcome(REPRODUCED if holds else REFUTED, measured, values=values or [])


def _compare(check: Mapping[str, Any], summary: Mapping[str, Any], context: Context) -> Outcome:
    left = _operand(summary, check["left"], context)
    right = _operand(summary, check["right"], context)
    op, margin = check["op"], float(check.get("margin", 0.0))
    if isinstance(left, Mapping) or isinstance(right, Mapping):
        return _seeded_compare(check, left, right, context)
    tolerance = (margin if op != "close"
                 else check.get("atol", 0.0) + check.get("rtol", 0.0) * abs(right))
    values = [{"label": _difference_label(check["left"], check["right"]), "left": left,
               "right": right, "tolerance": tolerance}]
    # ``measured`` states the relation that was found, which is the claimed one only if it holds.
    if op == "less":
        holds = left < right - margin
        return _exact_outcome(holds, f"{fmt(left)} {'<' if holds else '≥'} {fmt(right)}", values)
    if op == "greater":
        holds = left > right + margin
        return _exact_outcome(holds, f"{fmt(left)} {'>' if holds else '≤'} {fmt(right)}", values)
    holds = abs(left - right) <= tolerance
    if tolerance == 0:
        return _exact_outcome(holds, f"{fmt(left)} {'=' if holds else '≠'} {fmt(right)}", values)
    return _exact_outcome(
        holds, f"|{fmt(left)} − {fmt(right)}| {'≤' if holds else '>'} {fmt(tolerance)}", values)


def _mean(side) -> float:
    """A number, or the mean of a side's finite per-seed values."""
    if isinstance(side, Mapping):
        values = list(finite(side).values())
        return sum(values) / len(values) if values else math.nan
    return side


def _quantity(operand: Any) -> str | None:
    """The quantity (:mod:`dlrepro.metrics`) an operand's path names, innermost first."""
    if not isinstance(operand, list):
        return None
    return next((quantity_of(key) for key in reversed(operand) if quantity_of(str(key))), None)


def _seeded_compare(check, left, right, context: Context, label: str | None = None) -> Outcome:
    """One comparison judged from per-seed values: effect left − right with its interval."""
    op = check["op"]
    if op == "close":
        band = check.get("atol", 0.0) + check.get("rtol", 0.0) * abs(_mean(right))
        region = Region.for_check("close", band=band)
    else:
        region = Region.for_check(op, margin=float(check.get("margin", 0.0)))
    interval = seed_intervals.difference(left, right, context.confidence)
    record = seed_intervals.evidence(interval, region)
    record["label"] = label or _difference_label(check["left"], check["right"])
    quantity = _quantity(check.get("left"))
    if quantity is not None:  # the report shows the effect in this quantity's unit
        record["quantity"] = quantity
    claimed = {"less": f"< {fmt(region.high)}", "greater": f"> {fmt(region.low)}",
               "close": f"within ±{fmt(region.high)}"}[op]
    spread = (f"[{fmt(interval.low)}, {fmt(interval.high)}]" if record["seeds_vary"]
              else "the seeds do not change this")
    measured = (f"{record['label']}: {fmt(interval.effect)} {spread} (claimed {claimed}, "
                f"n = {interval.n})")
    return Outcome(record["verdict"], measured, [record])


def _candidates(check, summary, context: Context) -> dict[str, Any]:
    values = resolve(summary, check["values"], context.claim_id)
    return {key: _operand(summary, [*check["values"], *key.split("/")], context)
            for key in flatten(values, leaf=is_over_seeds)}


def _has_finite(value) -> bool:
    return bool(finite(value)) if isinstance(value, Mapping) else not math.isnan(value)


def _pairs(pairs, numbers, context: Context, ranking: str) -> Outcome:
    """Every claimed (better, worse) pair judged over seeds: "better" lower."""
    parts = [_seeded_compare({"op": "less", "left": better, "right": worse},
                             numbers[better], numbers[worse], context,
                             label=f"{better} − {worse}")
             for better, worse in pairs]
    return _combine(parts, separator="; ", prefix=f"{ranking}; ")


def _argmin(check: Mapping[str, Any], summary: Mapping[str, Any], context: Context) -> Outcome:
    numbers = _candidates(check, summary, context)
    finite = {key: value for key, value in numbers.items() if _has_finite(value)}
    if not finite:
        return Outcome(REFUTED, "no finite value")
    best = min(finite, key=lambda key: _mean(finite[key]))
    ranking = f"smallest: {best} ({fmt(_mean(finite[best]))})"
    seeded = any(isinstance(value, Mapping) for value in finite.values())
    expected = check["expected"]
    if not seeded:
        return _exact_outcome(best == expected, ranking)
    if expected not in finite:
        # the claimed best was not run (or every run of it diverged): nothing to compare
        missing = _seeded_compare({"op": "less"}, {}, {}, context,
                                  label=f"{expected} (no finite run)")
        return Outcome(missing.verdict, f"{expected} has no finite run; {ranking}",
                       missing.evidence)
    pairs = [(expected, other) for other in finite if other != expected]
    return _pairs(pairs, finite, context, ranking)


def _tiers(check: Mapping[str, Any], summary: Mapping[str, Any], context: Context) -> Outcome:
    values = _candidates(check, summary, context)
    groups = check["expected"]
    for group in groups:
        for key in group:
            if key not in values:
                raise ClaimError(f"claim {context.claim_id!r}: tiers name {key!r}, "
                                 f"not in the summary")
    numbers = {key: values[key] for group in groups for key in group}
    ranked = sorted(numbers, key=lambda key: (math.isnan(_mean(numbers[key])), _mean(numbers[key])))
    measured = " < ".join(f"{key} ({fmt(_mean(numbers[key]))})" for key in ranked)
    pairs = [(better, worse) for index, group in enumerate(groups)
             for later in groups[index + 1:] for better in group for worse in later]
    if any(isinstance(value, Mapping) for value in numbers.values()):
        return _pairs(pairs, numbers, context, measured)
    return _exact_outcome(all(numbers[b] < numbers[w] for b, w in pairs), measured)


def _is_true(check: Mapping[str, Any], summary: Mapping[str, Any], context: Context) -> Outcome:
    value = resolve(summary, check["value"], context.claim_id)
    if not isinstance(value, bool):
        raise ClaimError(f"claim {context.claim_id!r}: expected true or false, found {value!r}")
    return _exact_outcome(value, f"{'/'.join(map(str, check['value']))} is {str(value).lower()}")


def combine(verdicts: list[str]) -> str:
    """Reproduced when every part is, refuted when any part is, inconclusive otherwise."""
    if all(verdict == REPRODUCED for verdict in verdicts):
        return REPRODUCED
    if any(verdict == REFUTED for verdict in verdicts):
        return REFUTED
    return INCONCLUSIVE


def _combine(outcomes: list[Outcome], separator: str = "; ", prefix: str = "") -> Outcome:
    return Outcome(combine([outcome.verdict for outcome in outcomes]),
                   prefix + separator.join(outcome.measured for outcome in outcomes),
                   [record for outcome in outcomes for record in outcome.evidence],
                   [value for outcome in outcomes for value in outcome.values])


CHECKS = {
    "less": _compare,
    "greater": _compare,
    "close": _compare,
    "argmin": _argmin,
    "tiers": _tiers,
    "is_true": _is_true,
}


def run_check(check: Mapping[str, Any], summary: Mapping[str, Any], context: Context) -> Outcome:
    """The verdict of one check, what it compared in words, and its seeded evidence."""
    op = check.get("op")
    if op == "all_of":
        return _combine([run_check(part, summary, context) for part in check["checks"]])
    if op not in CHECKS:
        known = ", ".join([*CHECKS, "all_of"])
        raise ClaimError(f"claim {context.claim_id!r}: unknown check {op!r}; known: {known}")
    return CHECKS[op](check, summary, context)


def deciding(evidence: list[dict[str, Any]]) -> dict[str, Any]:
    """The part that decides a composite verdict: the first refuted one, else the inconclusive
    one that needs the most seeds, else the one whose interval comes closest to its boundary."""
    refuted = [record for record in evidence if record["verdict"] == REFUTED]
    if refuted:
        return refuted[0]
    inconclusive = [record for record in evidence if record["verdict"] == INCONCLUSIVE]
    if inconclusive:
        return max(inconclusive, key=lambda record: record["seeds_needed"] or math.inf)
    return min(evidence, key=_clearance)


def _clearance(record: dict[str, Any]) -> float:
    """How far the interval stays from its boundaries, relative to its own width."""
    low, high = record["interval"]
    width = max(high - low, abs(record["effect"]), 1e-300)
    gaps = [min(abs(low - end), abs(high - end)) for end in record["region"] if math.isfinite(end)]
    return min(gaps, default=math.inf) / width


def uses_stand_in(summary: Mapping[str, Any]) -> bool:
    return bool(summary.get("data", {}).get("stand_in", False))


#: How the report names each data set (a stand-in by what it is).
DATA_NAMES = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST",
              "age_regression": "the course's age-regression faces",
              "intel_landscapes": "the Intel landscapes"}
STAND_IN_NAMES = {"digits": "the digits stand-in", "intel_landscapes": "the digits stand-in",
                  "age_regression": "the synthetic faces",
                  "generated GD trajectory": "the generated trajectory"}


def data_label(data: Mapping[str, Any] | None) -> str:
    """The data a summary's runs measured on, as the report names them ("" for none)."""
    name = (data or {}).get("name")
    if not name or name == "none":
        return ""
    if data.get("stand_in"):
        return STAND_IN_NAMES.get(name, f"a stand-in ({name})")
    return DATA_NAMES.get(name, name)


def other_data(summary: Mapping[str, Any]) -> str:
    """The data measured on, named, when they are not the write-up's: a stand-in, or another
    data set than the summary's ``write_up_data`` (Fashion-MNIST for MNIST). "" when the runs
    used the write-up's data, or need none."""
    data = summary.get("data") or {}
    expected = summary.get("write_up_data")
    if data.get("stand_in") or (expected and data.get("name") not in (None, expected)):
        return data_label(data)
    return ""


def incomparable_data(claim: Mapping[str, Any], summary: Mapping[str, Any]) -> str:
    """Why the claim's measurement cannot speak for the write-up's data ("" when it can)."""
    other = other_data(summary)
    if not other or claim.get("data_independent"):
        return ""
    expected = summary.get("write_up_data")
    used = f"; the write-up used {DATA_NAMES.get(expected, expected)}" if expected else ""
    return f"measured on {other}, and the claim depends on the data{used}"


def evaluate(claim: Mapping[str, Any], summary: Mapping[str, Any],
             confidence: float = DEFAULT_CONFIDENCE) -> dict[str, Any]:
    """The claim as the report shows it: declared fields plus ``measured``, ``verdict``,
    ``values`` (the numbers of its exact comparisons) and, for a seeded claim, ``evidence`` (the
    deciding comparison, and every one under ``parts``)."""
    kind = claim.get("kind")
    if kind not in KINDS:
        raise ClaimError(f"claim {claim['id']!r}: kind must be one of {', '.join(KINDS)}, "
                         f"found {kind!r}")
    outcome = run_check(claim["check"], summary, Context(claim["id"], kind, confidence))
    if kind == "seeded" and not outcome.evidence:
        raise ClaimError(f"claim {claim['id']!r} is kind: seeded but compares no per-seed values")
    reason = incomparable_data(claim, summary)
    result = {key: value for key, value in claim.items() if key != "check"}
    result.setdefault("scope", "write-up")
    result.update(measured=outcome.measured, verdict=NOT_COMPARABLE if reason else outcome.verdict,
                  reason=reason, stand_in=uses_stand_in(summary),
                  data=data_label(summary.get("data")), on_write_up_data=not other_data(summary))
    if outcome.evidence:
        result["evidence"] = {**deciding(outcome.evidence), "parts": outcome.evidence}
    if outcome.values:
        result["values"] = outcome.values
    return result


def groups(claims: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The claims as the report counts and lists them, apart: the write-ups' claims measured on
    their own data (or needing none), those measured on other data (one group per data set,
    named), and our wider checks. Each group: ``key``, ``title``, ``claims`` and ``counts`` (per
    verdict); empty groups are left out."""
    own = [claim for claim in claims if claim.get("scope", "write-up") == "write-up"]
    others: dict[str, list] = {}
    for claim in own:
        if not claim["on_write_up_data"]:
            others.setdefault(claim["data"], []).append(claim)
    listed = [
        ("write-up", "The write-ups' claims, measured on their data or setting",
         [claim for claim in own if claim["on_write_up_data"]]),
        *[(f"other-data-{index}", f"The write-ups' claims, measured on {label} instead",
           members) for index, (label, members) in enumerate(others.items(), start=1)],
        ("ours", "Our wider checks beside them",
         [claim for claim in claims if claim.get("scope") == "ours"]),
    ]
    return [{"key": key, "title": title, "claims": members,
             "counts": {verdict: sum(claim["verdict"] == verdict for claim in members)
                        for verdict in VERDICTS}}
            for key, title, members in listed if members]


def evaluate_all(claims: list[Mapping[str, Any]], summaries: Mapping[str, Mapping],
                 confidence: float = DEFAULT_CONFIDENCE) -> list[dict]:
    """Every claim, judged on its experiment's summary. Nothing is left out: a claim of an
    experiment that is not registered, or whose summary is missing, is refused with its id."""
    ids = [claim["id"] for claim in claims]
    duplicates = sorted({claim_id for claim_id in ids if ids.count(claim_id) > 1})
    if duplicates:
        raise ClaimError(f"claim ids must be unique; repeated: {', '.join(duplicates)}")
    for claim in claims:
        if claim["experiment"] not in BY_ID:
            raise ClaimError(f"claim {claim['id']!r}: experiment {claim['experiment']!r} is not "
                             f"registered (dlrepro.experiments.registry); registered: "
                             f"{', '.join(BY_ID)}")
        if claim["experiment"] not in summaries:
            raise ClaimError(f"claim {claim['id']!r}: no summary of experiment "
                             f"{claim['experiment']!r} was given to judge it on")
    return [evaluate(claim, summaries[claim["experiment"]], confidence) for claim in claims]
