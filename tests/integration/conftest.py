from pathlib import Path

import pytest

from quick_graph import SEED_OFFSET, copy_project, snakemake


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory, project_root) -> Path:
    """The quick graph run once, locally, for every integration test that reads its results."""
    workdir = copy_project(project_root, tmp_path_factory.mktemp("quick"))
    snakemake(workdir)
    return workdir


@pytest.fixture(scope="session")
def shifted_run(tmp_path_factory, project_root) -> Path:
    """The quick graph, report included, once more with every experiment's seeds shifted."""
    workdir = copy_project(project_root, tmp_path_factory.mktemp("shifted-seeds"))
    snakemake(workdir, "--config", f"seed_offset={SEED_OFFSET}")
    return workdir
