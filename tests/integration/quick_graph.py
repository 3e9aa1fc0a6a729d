"""Running the workflow's quick graph (config/quick.yaml) in a temporary copy of the project."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_FILES = ("Snakefile", "workflow", "config", "templates", "profiles", "environment.yml")
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))
QUICK = ("--cores", "2", "--configfile", "config/quick.yaml")


def copy_project(root: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


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
