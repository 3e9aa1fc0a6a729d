"""A run to compare: its report-data.json, and its results folder where the histories are."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlrepro.report.collect import REPORT_FORMAT

#: Where report-data.json lies inside a results folder, or inside a project folder.
REPORT_DATA = (Path("report") / "report-data.json", Path("results") / "report" / "report-data.json")


class CompareError(ValueError):
    """An input that cannot be compared; the message names the path and what is wrong."""


@dataclass(frozen=True)
class Run:
    label: str
    data: dict[str, Any]
    results: Path | None  # the results folder, when the histories can be read


def _report_data_path(path: Path) -> Path:
    if path.is_file():
        return path
    if path.is_dir():
        for candidate in REPORT_DATA:
            if (path / candidate).is_file():
                return path / candidate
        raise CompareError(
            f"{path} is not a results folder: it has no report/report-data.json (a results "
            f"folder is what `snakemake` writes, with results/report/report-data.json in it)")
    raise CompareError(f"{path}: no such file or folder")


def load_run(path: str | Path) -> Run:
    """The run at ``path``: a results folder (or the project folder around it) or a
    report-data.json file. Refuses anything else, and report data of another format."""
    path = Path(path)
    data_path = _report_data_path(path)
    try:
        data = json.loads(data_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CompareError(f"{data_path} is not a report-data.json: {error}") from None
    if not isinstance(data, dict) or not {"run", "experiments", "claims"} <= set(data):
        raise CompareError(f"{data_path} is not a report-data.json: it lacks run, experiments "
                           f"and claims")
    written = data.get("format", 1)
    if written != REPORT_FORMAT:
        raise CompareError(
            f"{data_path} was written in report format {written}; this dlrepro compares format "
            f"{REPORT_FORMAT} (claims with their quotes and the data they were measured on). "
            f"Run that project's graph again with this version: snakemake --cores N "
            f"--forceall")
    results = data_path.parent.parent  # results/report/report-data.json -> results/
    return Run(label=str(path), data=data,
               results=results if any(results.glob("*/*/metrics.json")) else None)
