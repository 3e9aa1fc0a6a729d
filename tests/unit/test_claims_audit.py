"""docs/claims-audit.md and config/claims.yaml agree: every checkable statement the audit lists
is checked by claims that exist, or says why it is not; every claim checks a listed statement."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dlrepro.audit import AuditError, parse_audit, read_audit

ROOT = Path(__file__).parents[2]
AUDIT = read_audit(ROOT / "docs" / "claims-audit.md")
ROWS = [row for write_up in AUDIT for row in write_up["rows"]]
CLAIM_IDS = {claim["id"] for claim in yaml.safe_load((ROOT / "config" / "claims.yaml").read_text())}


def test_the_audit_covers_the_five_write_ups():
    assert [write_up["write_up"] for write_up in AUDIT] == [
        "CS 7150 HW2", "CS 541 HW1, write-up 1", "CS 541 HW1, write-up 2", "CS5242 HW3",
        "IST DL HW1"]
    assert len(ROWS) > 100


def test_every_row_names_existing_claims_or_gives_a_reason():
    for row in ROWS:
        assert row["claims"] or row.get("reason"), row["row"]
        assert set(row["claims"]) <= CLAIM_IDS, f"{row['row']}: no such claim"


def test_row_numbers_are_unique_and_every_claim_is_listed():
    numbers = [row["row"] for row in ROWS]
    assert len(numbers) == len(set(numbers))
    listed = {claim for row in ROWS for claim in row["claims"]}
    assert CLAIM_IDS - listed == set(), "claims that check no statement of the audit"


HEADER = "## W\n\n| # | question | the write-up says | checked by |\n|---|---|---|---|\n"


def test_a_row_is_read_with_its_claims_or_its_reason():
    (write_up,) = parse_audit(HEADER + "| w-1 | Q1 | It is 3. | `x.y`, `x.z` |\n"
                              "| w-2 | Q2 | It is 4. | not checked: wrong on its face — 5 |\n")
    assert write_up["write_up"] == "W"
    first, second = write_up["rows"]
    assert first == {"row": "w-1", "question": "Q1", "quote": "It is 3.", "claims": ["x.y", "x.z"]}
    assert second["claims"] == [] and second["reason"] == "wrong on its face — 5"


@pytest.mark.parametrize("checked, message", [
    ("later", "names no claim and gives no reason"),
    ("not checked: too hard", "a reason must start with"),
])
def test_a_row_without_a_claim_or_a_known_reason_is_refused_by_number(checked, message):
    with pytest.raises(AuditError, match=f"audit row w-1: {message}"):
        parse_audit(HEADER + f"| w-1 | Q1 | It is 3. | {checked} |\n")


def test_a_row_split_by_a_bar_inside_a_cell_is_refused_not_dropped():
    with pytest.raises(AuditError, match="audit line 5: not a row of four cells"):
        parse_audit(HEADER + "| w-1 | Q1 | It is 3. | not checked: wrong on its face — |x| |\n")
