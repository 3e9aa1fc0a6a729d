"""What every provider returns, and how a prepared data set is stored for the training jobs.

A provider resolves a data set once (rule ``prepare_<name>``) into ``resources/<name>/``: the
arrays in one uncompressed ``.npz`` (fast to load, loaded once per job) and ``info.json``, which
says where the data came from. ``info`` is what every run's ``data`` field and the report show;
``stand_in`` is never left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dlrepro.results import atomic_write_bytes, read_json, write_json


class DataUnavailable(RuntimeError):
    """No provider could supply the data set; the message says how to supply it."""


class CorruptData(ValueError):
    """A data file that is not what it should be; the message names the file."""


@dataclass
class DataSet:
    #: Named arrays, e.g. X_train, y_train, X_test, y_test.
    arrays: dict[str, np.ndarray]
    #: Provenance: name, source ("local", "download" or "stand-in"), location, sha256 per file,
    #: stand_in (bool), and anything the report should say about it (e.g. best_mse).
    info: dict[str, Any]

    @property
    def stand_in(self) -> bool:
        return bool(self.info["stand_in"])


def save_dataset(dataset: DataSet, npz_path: str | Path, info_path: str | Path) -> None:
    import io

    buffer = io.BytesIO()
    np.savez(buffer, **dataset.arrays)
    atomic_write_bytes(npz_path, buffer.getvalue())
    write_json(info_path, dataset.info)


def load_dataset(npz_path: str | Path, info_path: str | Path) -> DataSet:
    with np.load(npz_path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    return DataSet(arrays=arrays, info=read_json(info_path))
