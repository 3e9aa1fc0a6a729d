"""Data set providers: a local copy, a verified download, or a stand-in, chosen by config.

Every provider module has ``provide(settings, strict, resources_dir) -> DataSet`` and
``local_paths(settings)``: the local files it would read that exist (so that the workflow reruns
their users when one is replaced).
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: The data sets, each a module of this package and a key under ``datasets`` in config.
PROVIDERS = ("age_regression", "mnist", "intel_landscapes")


def provider(name: str) -> ModuleType:
    """The provider module of data set ``name``."""
    if name not in PROVIDERS:
        raise ValueError(f"unknown data set {name!r}; known: {', '.join(PROVIDERS)}")
    return importlib.import_module(f"dlrepro.data.{name}")
