"""Verdicts that survive a change of seeds: the quick graph again on a disjoint seed set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlrepro.verdict_changes import verdict_changes
from quick_graph import SEED_OFFSET

pytestmark = [pytest.mark.workflow, pytest.mark.slow]

CLAIMS = "results/claims/claims.json"


def test_seed_offset_runs_every_experiment_on_other_seeds(quick_run, shifted_run):
    def seeds(workdir: Path) -> set[int]:
        return {json.loads(path.read_text())["seed"]
                for path in (workdir / "results").glob("*/*/metrics.json")
                if json.loads(path.read_text())["seed"] is not None}

    original, shifted = seeds(quick_run), seeds(shifted_run)
    assert original and shifted
    assert original.isdisjoint(shifted)
    assert shifted == {seed + SEED_OFFSET for seed in original}


def test_no_verdict_flips_between_reproduced_and_refuted(quick_run, shifted_run):
    first = json.loads((quick_run / CLAIMS).read_text())["claims"]
    second = json.loads((shifted_run / CLAIMS).read_text())["claims"]
    assert [claim["id"] for claim in first] == [claim["id"] for claim in second]
    flips = [change for change in verdict_changes(first, second) if change.flip]
    assert not flips, f"verdicts that flipped with the seeds: {flips}"
    for claim in second:
        if claim["kind"] == "seeded":
            assert {"effect", "interval", "confidence", "n", "method"} <= set(claim["evidence"])
            if claim["verdict"] == "inconclusive" or claim["evidence"]["verdict"] == "inconclusive":
                assert "seeds_needed" in claim["evidence"], claim["id"]
