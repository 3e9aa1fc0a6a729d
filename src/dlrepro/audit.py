"""The audit of the write-ups (docs/claims-audit.md): every checkable statement they make, and
the claims that check it or the reason none does.

The file is Markdown for people to read and edit: a ``## <write-up>`` heading per write-up, then
a table ``| # | question | the write-up says | checked by |``. The last cell names claims in
backticks (`` `batchnorm.better_accuracy` ``) or gives a reason starting with one of
:data:`REASONS`. :func:`read_audit` turns it into data for the report's appendix and for tests.
"""

from __future__ import annotations

import re
from pathlib import Path

REASONS = ("not checked: not measurable here — ", "not checked: a restatement of ",
           "not checked: wrong on its face — ")
_ROW = re.compile(r"^\| (?P<row>[\w-]+) \| (?P<question>[^|]+) \| (?P<quote>.+) \| "
                  r"(?P<checked>[^|]+) \|$")
_CLAIM = re.compile(r"`([a-z0-9_]+\.[a-z0-9_]+)`")


class AuditError(ValueError):
    """A row of the audit that names no claim and gives no reason."""


def parse_audit(text: str) -> list[dict]:
    """The write-ups in order, each ``{"write_up", "rows"}``; a row is ``{"row", "question",
    "quote", "claims"}`` and, where no claim checks it, ``"reason"``."""
    write_ups: list[dict] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            write_ups.append({"write_up": line[3:].strip(), "rows": []})
            continue
        if not line.startswith("|") or line.startswith(("| # |", "|---")):
            continue
        match = _ROW.match(line)
        if not match or line.count(" | ") != 3:
            raise AuditError(f"audit line {number}: not a row of four cells (a '|' inside a "
                             f"cell splits it): {line[:60]}…")
        if not write_ups:
            raise AuditError(f"audit line {number}: a row before the first '## ' write-up")
        checked = match["checked"].strip()
        row = {"row": match["row"], "question": match["question"].strip(),
               "quote": match["quote"].strip(), "claims": _CLAIM.findall(checked)}
        if checked.startswith("not checked"):
            if not checked.startswith(REASONS):
                raise AuditError(f"audit row {match['row']}: a reason must start with one of "
                                 f"{', '.join(repr(reason) for reason in REASONS)}")
            row["reason"] = checked.removeprefix("not checked: ")
        elif not row["claims"]:
            raise AuditError(f"audit row {match['row']}: names no claim and gives no reason")
        write_ups[-1]["rows"].append(row)
    return [write_up for write_up in write_ups if write_up["rows"]]


def read_audit(path: str | Path) -> list[dict]:
    return parse_audit(Path(path).read_text(encoding="utf-8"))
