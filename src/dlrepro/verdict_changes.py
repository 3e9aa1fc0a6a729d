"""Which claims changed verdict between two evaluations of the same claims (two claims.json).

Moving between ``reproduced`` and ``refuted`` is a *flip*: one of the two runs reached a
conclusion the other contradicts. Moving to or from ``inconclusive`` (or ``not comparable``)
is a change, not a contradiction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dlrepro.seed_intervals import REFUTED, REPRODUCED

FLIPS = {(REPRODUCED, REFUTED), (REFUTED, REPRODUCED)}


@dataclass(frozen=True)
class VerdictChange:
    claim_id: str
    old: str
    new: str

    @property
    def flip(self) -> bool:
        return (self.old, self.new) in FLIPS


def verdict_changes(old: Iterable[Mapping[str, Any]],
                    new: Iterable[Mapping[str, Any]]) -> list[VerdictChange]:
    """The claims present in both whose verdicts differ, in the order of ``old``."""
    new_verdicts = {claim["id"]: claim["verdict"] for claim in new}
    return [VerdictChange(claim["id"], claim["verdict"], new_verdicts[claim["id"]])
            for claim in old
            if claim["id"] in new_verdicts and new_verdicts[claim["id"]] != claim["verdict"]]
