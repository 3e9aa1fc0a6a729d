"""Running the workflow's quick graph (config/quick.yaml) in a temporary copy of the project."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from dlrepro.sandbox import SNAKEMAKE, copy_project

__all__ = ["QUICK", "SEED_OFFSET", "SNAKEMAKE", "copy_library", "copy_project",
           "metrics_without_provenance", "planned_jobs", "set_quick", "snakemake"]

QUICK = ("--cores", "2", "--configfile", "config/quick.yaml")
#: seed_offset of the second quick run: every experiment's seeds moved to a disjoint set.
SEED_OFFSET = 1000


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """The quick graph in ``workdir``; with the library copied in (:func:`copy_library`), that
    copy is the ``dlrepro`` every job and the workflow itself import."""
    env = dict(os.environ)
    if (workdir / "src" / "dlrepro").is_dir():
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(workdir / "src"),
                                                          env.get("PYTHONPATH")]))
    result = subprocess.run([SNAKEMAKE, *args, *QUICK], cwd=workdir, capture_output=True,
                            text=True, stdin=subprocess.DEVNULL, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stderr[-4000:]}")
    return result


def copy_library(project_root: Path, workdir: Path) -> Path:
    """The project's ``src/dlrepro`` copied into ``workdir``, to edit the library there; returns
    the copy's package folder."""
    target = workdir / "src" / "dlrepro"
    shutil.copytree(project_root / "src" / "dlrepro", target,
                    ignore=shutil.ignore_patterns("__pycache__"))
    return target


def planned_jobs(workdir: Path, *args: str) -> set[str]:
    """The jobs a dry run would execute: their rules, a figure as ``figure:<experiment>_<name>``,
    a summary as ``summary:<experiment>``."""
    output = snakemake(workdir, "--dry-run", *args).stdout
    jobs = set()
    for rule, body in re.findall(r"^(?:local)?rule (\w+):\n((?:    .*\n)*)", output, re.MULTILINE):
        wildcards = dict(re.findall(r"(\w+)=([^,\s]+)", re.search(r"wildcards: (.*)", body)[1])
                         ) if "wildcards:" in body else {}
        if rule == "figure":
            jobs.add(f"figure:{wildcards['experiment']}_{wildcards['figure']}")
        elif rule == "summary":
            jobs.add(f"summary:{wildcards['experiment']}")
        else:
            jobs.add(rule)
    return jobs


def set_quick(workdir: Path, dotted_key: str, value) -> None:
    """Change one setting of a copy's config/quick.yaml (an overlay: a missing section is
    added and merged into config/config.yaml by Snakemake)."""
    path = workdir / "config" / "quick.yaml"
    config = yaml.safe_load(path.read_text())
    *sections, key = dotted_key.split(".")
    node = config
    for section in sections:
        node = node.setdefault(section, {})
    node[key] = value
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def metrics_without_provenance(workdir: Path) -> dict[str, dict]:
    runs = {}
    for path in sorted((workdir / "results").glob("*/*/metrics.json")):
        record = json.loads(path.read_text())
        record.pop("provenance")
        runs[str(path.relative_to(workdir))] = record
    return runs
