"""Running the workflow's quick graph (config/quick.yaml) in a temporary copy of the project."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from dlrepro.sandbox import SNAKEMAKE, copy_project

__all__ = ["QUICK", "SNAKEMAKE", "copy_project", "metrics_without_provenance", "snakemake"]

QUICK = ("--cores", "2", "--configfile", "config/quick.yaml")


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([SNAKEMAKE, *args, *QUICK], cwd=workdir, capture_output=True,
                            text=True, stdin=subprocess.DEVNULL)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stderr[-4000:]}")
    return result


def metrics_without_provenance(workdir: Path) -> dict[str, dict]:
    runs = {}
    for path in sorted((workdir / "results").glob("*/*/metrics.json")):
        record = json.loads(path.read_text())
        record.pop("provenance")
        runs[str(path.relative_to(workdir))] = record
    return runs
