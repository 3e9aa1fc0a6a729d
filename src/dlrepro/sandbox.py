"""A copy of the project's workflow files in another folder, to run the graph there without
touching the project's own results (tests, benchmarks, stability runs)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tarfile
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


def tree_at(root: Path, revision: str, target: Path) -> Path:
    """The project's files as of git ``revision`` (its own ``src`` included) in ``target``: the
    reference a benchmark times against in the same call."""
    archive = subprocess.run(["git", "archive", revision], cwd=root, capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def run_snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """Snakemake in ``workdir``; a failure raises with the end of its output."""
    result = subprocess.run([SNAKEMAKE, *args], cwd=workdir, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise RuntimeError(f"snakemake {' '.join(args)} failed in {workdir}:\n"
                           f"{result.stderr[-4000:]}")
    return result
