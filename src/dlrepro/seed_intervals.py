"""How a difference measured over seeds is judged: a Student t interval and a decision rule.

A seeded claim compares two sides, each a value per seed (or a constant). The *effect* is
left − right: with the same seeds on both sides it is the mean of the per-seed differences and
its interval the paired t interval (:func:`scipy.stats.ttest_rel`); with other seeds on each
side, Welch's unpaired interval (:func:`scipy.stats.ttest_ind`); against a constant, the
one-sample interval (:func:`scipy.stats.ttest_1samp`).

Why t and not a bootstrap: a homework experiment has 2–5 seeds. A percentile bootstrap of five
values can never be wider than their range and undercovers badly at that size, while the t
interval is exact for normal per-seed values and close to it for the sums of many batch
updates that accuracies and losses are.

A claim states a region the effect should lie in (below −margin, above +margin, or within
±band). The verdict is ``reproduced`` when the whole interval lies in that region, ``refuted``
when none of it does, and ``inconclusive`` when the interval straddles a boundary.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np
from scipy import stats

REPRODUCED = "reproduced"
REFUTED = "refuted"
INCONCLUSIVE = "inconclusive"

#: No more seeds than this are proposed: an effect that needs more is "about zero".
MAX_SEEDS = 100

PerSeed = Mapping[int, float]


@dataclass(frozen=True)
class Interval:
    """An effect (left − right, in the claim's units) with its interval over seeds.

    ``spreads`` are the sample standard deviations that set the interval's width (one for a
    paired or one-sample interval, one per side for Welch's); :meth:`half_width` uses them to
    say how wide the interval would be with ``n`` seeds.
    """

    effect: float
    low: float
    high: float
    confidence: float
    n: int
    method: str
    spreads: tuple[float, ...]

    def half_width(self, n: int) -> float:
        """The interval's half-width with ``n`` seeds per side and the spread observed."""
        if n < 2:
            return math.inf
        quantile = (1.0 + self.confidence) / 2.0
        if len(self.spreads) == 1:
            (spread,) = self.spreads
            return float(stats.t.ppf(quantile, n - 1) * spread / math.sqrt(n))
        variances = [spread**2 for spread in self.spreads]
        total = sum(variances)
        if total == 0:
            return 0.0
        dof = total**2 * (n - 1) / sum(v**2 for v in variances)  # Welch–Satterthwaite
        return float(stats.t.ppf(quantile, dof) * math.sqrt(total / n))


def finite(values: PerSeed) -> dict[int, float]:
    """The seeds whose value is a finite number (a diverged run's is None or NaN)."""
    return {seed: float(value) for seed, value in values.items()
            if value is not None and math.isfinite(float(value))}


def difference(left: PerSeed | float, right: PerSeed | float, confidence: float) -> Interval:
    """The effect left − right with its t interval; a side is a ``{seed: value}`` mapping or a
    number. Seeds whose value is not finite (a diverged run) are left out; paired when both
    sides are mappings over the same seeds."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    left_seeded, right_seeded = isinstance(left, Mapping), isinstance(right, Mapping)
    if not (left_seeded or right_seeded):
        raise ValueError("a difference over seeds needs per-seed values on at least one side")
    if left_seeded and right_seeded:
        left_values, right_values = finite(left), finite(right)
        if set(left) == set(right):
            shared = sorted(set(left_values) & set(right_values))
            differences = np.array([left_values[s] - right_values[s] for s in shared])
            return _one_sample(differences, 0.0, confidence, "paired t")
        return _welch(np.array(list(left_values.values())),
                      np.array(list(right_values.values())), confidence)
    if left_seeded:
        return _one_sample(np.array(list(finite(left).values())), float(right), confidence,
                           "one-sample t")
    mirrored = _one_sample(np.array(list(finite(right).values())), float(left), confidence,
                           "one-sample t")  # c − mean(x) = −(mean(x) − c)
    return Interval(-mirrored.effect, -mirrored.high, -mirrored.low, confidence, mirrored.n,
                    mirrored.method, mirrored.spreads)


def _constant(values: np.ndarray) -> bool:
    """Equal up to rounding: a relative spread below 1e-9 is round-off, not seed noise."""
    return bool(np.allclose(values, values[0], rtol=1e-9, atol=0.0))


def _one_sample(values: np.ndarray, reference: float, confidence: float, method: str) -> Interval:
    n = len(values)
    effect = float(values.mean()) - reference if n else math.nan
    if n < 2:
        return Interval(effect, -math.inf, math.inf, confidence, n, method, (math.nan,))
    if _constant(values):  # scipy gives NaN (or round-off) here; the interval is a point
        return Interval(effect, effect, effect, confidence, n, method, (0.0,))
    spread = float(values.std(ddof=1))
    # scipy's interval is that of the mean itself, not of mean − reference
    low, high = stats.ttest_1samp(values, reference).confidence_interval(confidence)
    return Interval(effect, float(low) - reference, float(high) - reference, confidence, n,
                    method, (spread,))


def _welch(left: np.ndarray, right: np.ndarray, confidence: float) -> Interval:
    n = min(len(left), len(right))
    effect = float(left.mean() - right.mean()) if n else math.nan
    if n < 2:
        return Interval(effect, -math.inf, math.inf, confidence, n, "Welch t", (math.nan,) * 2)
    if _constant(left) and _constant(right):
        return Interval(effect, effect, effect, confidence, n, "Welch t", (0.0, 0.0))
    spreads = (float(left.std(ddof=1)), float(right.std(ddof=1)))
    result = stats.ttest_ind(left, right, equal_var=False)
    low, high = result.confidence_interval(confidence)
    return Interval(effect, float(low), float(high), confidence, n, "Welch t", spreads)


@dataclass(frozen=True)
class Region:
    """Where a claim puts the effect: ``low < effect < high`` (either end may be infinite)."""

    low: float
    high: float

    @classmethod
    def for_check(cls, op: str, margin: float = 0.0, band: float = 0.0) -> Region:
        """``less``: effect < −margin; ``greater``: effect > margin; ``close``: |effect| ≤ band."""
        if op == "less":
            return cls(-math.inf, 0.0 - margin)  # 0.0 - 0.0 is 0.0, not -0.0
        if op == "greater":
            return cls(margin, math.inf)
        if op == "close":
            return cls(-band, band)
        raise ValueError(f"no region for a check {op!r}")

    @property
    def closed(self) -> bool:
        """``close`` regions include their ends (|effect| ≤ band); ``less``/``greater`` do not."""
        return math.isfinite(self.low) and math.isfinite(self.high)

    @property
    def boundaries(self) -> list[float]:
        return [end for end in (self.low, self.high) if math.isfinite(end)]

    def contains(self, value: float) -> bool:
        if self.closed:
            return self.low <= value <= self.high
        return self.low < value < self.high


def verdict(interval: Interval, region: Region) -> str:
    """Reproduced: the whole interval inside the region; refuted: none of it; else inconclusive."""
    if math.isnan(interval.effect):
        return INCONCLUSIVE
    if region.contains(interval.low) and region.contains(interval.high):
        return REPRODUCED
    if region.closed:
        disjoint = interval.high < region.low or interval.low > region.high
    else:
        disjoint = interval.high <= region.low or interval.low >= region.high
    return REFUTED if disjoint else INCONCLUSIVE


def seeds_needed(interval: Interval, region: Region) -> int | None:
    """Seeds per side that would likely decide an inconclusive check, if the effect and spread
    stayed as observed: the fewest n whose interval half-width falls below the effect's
    distance to the nearest boundary. None when more than :data:`MAX_SEEDS` would be needed (an
    effect of about the boundary: no practical number decides it) or the spread is unknown."""
    distance = min((abs(interval.effect - end) for end in region.boundaries), default=math.inf)
    if not math.isfinite(distance) or distance == 0 or any(map(math.isnan, interval.spreads)):
        return None
    for n in range(max(interval.n, 2), MAX_SEEDS + 1):
        if interval.half_width(n) < distance:
            return n
    return None


def evidence(interval: Interval, region: Region) -> dict:
    """What claims.json keeps of a seeded check: the effect, its interval, the verdict."""
    judged = verdict(interval, region)
    fields = asdict(interval)
    record = {
        "effect": fields["effect"],
        "interval": [fields["low"], fields["high"]],
        "confidence": fields["confidence"],
        "n": fields["n"],
        "method": fields["method"],
        "region": [region.low, region.high],
        "verdict": judged,
        # every seed gave the same value (or difference): a point, not an interval over seeds
        "seeds_vary": not (interval.n >= 2 and all(spread == 0 for spread in interval.spreads)),
    }
    if judged == INCONCLUSIVE:
        record["seeds_needed"] = seeds_needed(interval, region)
        if record["seeds_needed"] is None:
            record["undecidable"] = (
                "no finite run" if interval.n == 0 else
                "one seed: no spread to judge from; run at least two" if interval.n == 1 else
                f"an effect of about the boundary: more than {MAX_SEEDS} seeds would be needed")
    return record
