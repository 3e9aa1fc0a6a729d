"""A copy of the project's workflow files in another folder, to run the graph there without
touching the project's own results (tests, benchmarks, stability runs)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

#: What the workflow needs besides the installed ``dlrepro`` package.
PROJECT_FILES = ("Snakefile", "workflow", "config", "templates", "profiles", "docs",
                 "environment.yml")
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


def copy_project(root: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


def run_snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """Snakemake in ``workdir``; a failure raises with the end of its output."""
    result = subprocess.run([SNAKEMAKE, *args], cwd=workdir, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise RuntimeError(f"snakemake {' '.join(args)} failed in {workdir}:\n"
                           f"{result.stderr[-4000:]}")
    return result
