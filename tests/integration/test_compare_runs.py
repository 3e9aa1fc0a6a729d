"""dlrepro compare on the quick graph against the same graph on a disjoint seed set."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dlrepro.verdict_changes import verdict_changes

pytestmark = [pytest.mark.workflow, pytest.mark.slow]

DLREPRO = str(Path(sys.executable).with_name("dlrepro"))
CLAIMS = Path("results/claims/claims.json")


def test_compare_finds_the_flips_the_two_claims_files_show(quick_run, shifted_run, tmp_path,
                                                           project_root):
    page, as_json = tmp_path / "compare.html", tmp_path / "compare.json"
    result = subprocess.run(
        [DLREPRO, "compare", str(quick_run / "results"), str(shifted_run / "results"),
         "-o", str(page), "--json", str(as_json), "--pdf", "--fail-on-flip"],
        cwd=project_root, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    document = json.loads(as_json.read_text())

    old = json.loads((quick_run / CLAIMS).read_text())["claims"]
    new = json.loads((shifted_run / CLAIMS).read_text())["claims"]
    expected = verdict_changes(old, new)
    assert document["flips"] == [change.claim_id for change in expected if change.flip]
    assert [row["id"] for row in document["verdict_changes"]] == [c.claim_id for c in expected]
    assert result.returncode == (1 if document["flips"] else 0), result.stderr

    # the changed setting is named, and the seeded numbers are compared per seed
    assert {"key": "seed_offset", "old": 0, "new": 1000} in document["provenance"]["config"]
    metrics = [row for rows in document["metrics"].values() for row in rows]
    assert metrics and {row["method"] for row in metrics} == {"Welch t"}  # no seed in common
    html = page.read_text()
    assert "What differs in how they ran" in html and "seed_offset" in html
    assert html.count("<img") >= 5  # curves of both runs, overlaid
    assert page.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
