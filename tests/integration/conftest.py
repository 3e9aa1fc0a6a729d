from pathlib import Path

import pytest

from quick_graph import copy_project, snakemake


@pytest.fixture(scope="session")
def quick_run(tmp_path_factory, project_root) -> Path:
    """The quick graph run once, locally, for every integration test that reads its results."""
    workdir = copy_project(project_root, tmp_path_factory.mktemp("quick"))
    snakemake(workdir)
    return workdir
