"""The comparison of two runs, as data: what differs in how they ran, which verdicts moved,
and which numbers moved by more than their own noise.

Noise is judged the way the verdicts are (:mod:`dlrepro.seed_intervals`):

- a summary's values over seeds: the t interval of new − old from the per-seed values (paired
  when both runs used the same seeds, Welch's otherwise); beyond noise when it excludes 0;
- a seeded claim's effect: beyond noise when the two effects differ by more than the two
  intervals' half-widths combined, sqrt(h_old² + h_new²);
- an exact claim's number: beyond noise when it moved by more than the claim's tolerance.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

from dlrepro.claims import DEFAULT_CONFIDENCE, is_over_seeds, per_seed
from dlrepro.compare.load import Run
from dlrepro.fingerprint import changed_modules
from dlrepro.results import flatten
from dlrepro.seed_intervals import difference
from dlrepro.verdict_changes import verdict_changes

#: Summary keys that hold no measurement (run lists, the write-up's own numbers, curves).
NOT_MEASURED = {"runs", "constants", "data", "curves", "last_costs", "log"}


def changed(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Keys whose values differ, with a key missing on one side shown as None."""
    return [{"key": key, "old": old.get(key), "new": new.get(key)}
            for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]


def _data_sets(run: Mapping[str, Any]) -> dict[str, Any]:
    return {experiment: {"name": summary.get("data", {}).get("name"),
                         "stand_in": summary.get("data", {}).get("stand_in", False),
                         "sha256": summary.get("data", {}).get("sha256") or None}
            for experiment, summary in run["experiments"].items() if summary.get("data")}


def _devices(run: Mapping[str, Any]) -> dict[str, str]:
    return {row["rule"]: row["device"] for row in run["run"].get("runtimes", [])}


def provenance(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """What differs in how the two ran: config, commit, packages, hardware, data, devices."""
    old_data, new_data = _data_sets(old), _data_sets(new)
    data_sets = [{"experiment": experiment, "old": old_data.get(experiment),
                  "new": new_data.get(experiment)}
                 for experiment in sorted(set(old_data) & set(new_data))
                 if old_data[experiment] != new_data[experiment]]
    return {
        "config": changed(flatten(old["run"]["config"]), flatten(new["run"]["config"])),
        "configfiles": {"old": old["run"].get("configfiles"), "new": new["run"].get("configfiles")},
        "commit": {"old": old["run"].get("commit"), "new": new["run"].get("commit")},
        "versions": changed(old["run"].get("versions", {}), new["run"].get("versions", {})),
        "hardware": changed(flatten(old["run"].get("hardware", {})),
                            flatten(new["run"].get("hardware", {}))),
        "data_sets": data_sets,
        "devices": changed(_devices(old), _devices(new)),
    }


def _half_width(part: Mapping[str, Any]) -> float | None:
    low, high = part["interval"]
    if low is None or high is None or part["effect"] is None:
        return None
    return (high - low) / 2


def _seeded_noise(old: Mapping, new: Mapping) -> float | None:
    """Two effects differ beyond noise by more than their half-widths combined."""
    widths = [_half_width(old), _half_width(new)]
    return None if None in widths else math.hypot(*widths)


def _exact_noise(old: Mapping, new: Mapping) -> float:
    """An exact number moves beyond noise by more than the claim's tolerance."""
    return max(old["tolerance"], new["tolerance"])


#: How each kind of comparison in claims.json is read: where its number is, what its noise is.
PART_KINDS = (("evidence", "effect", _seeded_noise), ("values", "left", _exact_noise))


def _part(label: str, old: Mapping | None, new: Mapping | None, number: str,
          noise_of) -> dict[str, Any]:
    row: dict[str, Any] = {"label": label, "old": old, "new": new, "difference": None,
                           "beyond_noise": None}
    if old is None or new is None or old[number] is None or new[number] is None:
        return row
    row["difference"] = new[number] - old[number]
    noise = noise_of(old, new)
    if noise is not None:
        row["noise"] = noise
        row["beyond_noise"] = abs(row["difference"]) > noise
    return row


def _parts_of(claim: Mapping[str, Any], key: str) -> dict[str, Mapping[str, Any]]:
    """A claim's seeded comparisons (``evidence``) or exact ones (``values``), by label."""
    parts = claim.get(key, {"parts": []})["parts"] if key == "evidence" else claim.get(key, [])
    return {part["label"]: part for part in parts}


def claim_rows(old: list[dict], new: list[dict]) -> list[dict[str, Any]]:
    """Every claim both runs checked: both verdicts, and each comparison's number on each side
    with its difference and whether that difference exceeds the noise."""
    new_by_id = {claim["id"]: claim for claim in new}
    rows = []
    for before in old:
        after = new_by_id.get(before["id"])
        if after is None:
            continue
        parts = []
        for key, number, noise_of in PART_KINDS:
            old_parts, new_parts = _parts_of(before, key), _parts_of(after, key)
            parts += [_part(label, old_parts.get(label), new_parts.get(label), number, noise_of)
                      for label in dict.fromkeys([*old_parts, *new_parts])]
        rows.append({"id": before["id"], "experiment": before["experiment"],
                     "kind": before.get("kind"), "statement": before["statement"],
                     "old": before["verdict"], "new": after["verdict"],
                     "measured": {"old": before["measured"], "new": after["measured"]},
                     "changed": before["verdict"] != after["verdict"],
                     "beyond_noise": any(part["beyond_noise"] for part in parts),
                     "parts": parts})
    return rows


def _over_seeds(summary: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Mapping]]:
    for key, value in summary.items():
        if key in NOT_MEASURED:
            continue
        name = f"{prefix}{key}"
        if is_over_seeds(value):
            yield name, value
        elif isinstance(value, Mapping):
            yield from _over_seeds(value, f"{name}/")


def metric_rows(old: Mapping[str, Any], new: Mapping[str, Any],
                confidence: float = DEFAULT_CONFIDENCE) -> list[dict[str, Any]]:
    """Every value over seeds both summaries have: both means and spreads, and the interval of
    new − old from the per-seed values."""
    new_values = dict(_over_seeds(new))
    rows = []
    for path, before in _over_seeds(old):
        after = new_values.get(path)
        if after is None:
            continue
        interval = difference(per_seed(after), per_seed(before), confidence)
        decided = interval.n >= 2 and math.isfinite(interval.low)
        rows.append({"metric": path,
                     "old": {key: before[key] for key in ("mean", "std", "n")},
                     "new": {key: after[key] for key in ("mean", "std", "n")},
                     "difference": interval.effect, "interval": [interval.low, interval.high],
                     "method": interval.method,
                     "beyond_noise": (interval.low > 0 or interval.high < 0) if decided else None})
    return rows


def runtime_rows(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    before = {row["rule"]: row for row in old["run"].get("runtimes", [])}
    after = {row["rule"]: row for row in new["run"].get("runtimes", [])}
    rows = []
    for rule in sorted(set(before) | set(after),
                       key=lambda rule: -max(before.get(rule, {}).get("seconds", 0),
                                             after.get(rule, {}).get("seconds", 0))):
        old_row, new_row = before.get(rule), after.get(rule)
        rows.append({"rule": rule, "old": old_row, "new": new_row,
                     "ratio": new_row["seconds"] / old_row["seconds"]
                     if old_row and new_row and old_row["seconds"] > 0 else None})
    return rows


def _code_modules(summary: Mapping[str, Any]) -> dict[str, str]:
    """Every module digest the code of an experiment's runs and summary recorded (a module
    with two digests, from runs made by different code, keeps both)."""
    modules: dict[str, set[str]] = {}
    for code in [summary.get("code", {}).get("modules", {}),
                 *summary.get("run_code", {}).values()]:
        for name, value in code.items():
            modules.setdefault(name, set()).add(value)
    return {name: ",".join(sorted(values)) for name, values in modules.items()}


def code_rows(old: Mapping[str, Any], new: Mapping[str, Any],
              experiments: list[str]) -> list[dict[str, Any]]:
    """Per experiment, whether the code of its runs and summary differed between the two runs,
    and in which modules (their digests, dlrepro.fingerprint)."""
    rows = []
    for experiment in experiments:
        before = _code_modules(old["experiments"][experiment])
        after = _code_modules(new["experiments"][experiment])
        modules = changed_modules(before, after)
        rows.append({"experiment": experiment, "differs": bool(modules), "modules": modules})
    return rows


def compare(old: Run, new: Run, confidence: float = DEFAULT_CONFIDENCE) -> dict[str, Any]:
    """The whole comparison as one document: what the page shows, and what --json writes."""
    old_experiments, new_experiments = set(old.data["experiments"]), set(new.data["experiments"])
    both = sorted(old_experiments & new_experiments)
    old_claims = [claim for claim in old.data["claims"] if claim["experiment"] in both]
    new_claims = [claim for claim in new.data["claims"] if claim["experiment"] in both]
    changes = verdict_changes(old_claims, new_claims)
    claims = claim_rows(old_claims, new_claims)
    return {
        "old": old.label,
        "new": new.label,
        "confidence": confidence,
        "experiments": both,
        "only_old": sorted(old_experiments - new_experiments),
        "only_new": sorted(new_experiments - old_experiments),
        "provenance": provenance(old.data, new.data),
        "code": code_rows(old.data, new.data, both),
        "flips": [change.claim_id for change in changes if change.flip],
        "verdict_changes": [row for row in claims if row["changed"]],
        "claims": claims,
        "metrics": {experiment: metric_rows(old.data["experiments"][experiment],
                                            new.data["experiments"][experiment], confidence)
                    for experiment in both},
        "runtimes": runtime_rows(old.data, new.data),
    }
