"""Running the workflow's quick graph (config/quick.yaml) in a temporary copy of the project."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

from dlrepro.sandbox import SNAKEMAKE, copy_project

__all__ = ["QUICK", "SEED_OFFSET", "SNAKEMAKE", "copy_project", "metrics_without_provenance", "set_quick", "snakemake"]

QUICK = ("--cores", "2", "--configfile", "config/quick.yaml")
#: seed_offset of the second quick run: every experiment's seeds moved to a disjoint set.
SEED_OFFSET = 1000


def snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([SNAKEMAKE, *args, *QUICK], cwd=workdir, capture_output=True,
                            text=True, stdin=subprocess.DEVNULL)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{result.stderr[-4000:]}")
    return result


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
