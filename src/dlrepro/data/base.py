"""What every provider returns, and how a prepared data set is stored for the training jobs.

A provider resolves a data set once (rule ``prepare_<name>``) into ``resources/<name>/``: the
arrays in one uncompressed ``.npz`` (fast to load, loaded once per job) and ``info.json``, which
says where the data came from. ``info`` is what every run's ``data`` field and the report show;
``stand_in`` is never left out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dlrepro.results import atomic_write_bytes, read_json, write_json

log = logging.getLogger("dlrepro")


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


@dataclass
class Source:
    """One place a provider may take a data set from, in the order tried."""

    #: What it is, for the log and the error message: "local copy", "download".
    step: str
    #: Reads the data set; ``None`` when config does not ask for this source.
    load: Callable[[], DataSet] | None
    #: Why the source is not configured (shown when ``load`` is None).
    unset_reason: str = ""


def first_available(
    name: str,
    sources: list[Source],
    *,
    strict: bool,
    stand_in: Callable[[], DataSet],
    how_to_supply: str,
) -> DataSet:
    """The data set from the first source that works, else the stand-in (an error if ``strict``).

    A source that is missing (:class:`DataUnavailable`) is passed over with its reason logged and
    kept in ``info["fallbacks"]``; one that is there but corrupt (:class:`CorruptData`) stops
    everything, named, as it is never silently replaced.
    """
    reasons: list[str] = []
    for source in sources:
        if source.load is None:
            reasons.append(f"{source.step}: {source.unset_reason}")
            log.info("%s: %s not used: %s", name, source.step, source.unset_reason)
            continue
        try:
            dataset = source.load()
        except DataUnavailable as error:
            reasons.append(f"{source.step}: {error}")
            log.warning("%s: %s not used: %s", name, source.step, error)
            continue
        dataset.info["fallbacks"] = reasons
        return dataset
    if strict:
        raise DataUnavailable(
            f"{name}: the real data set is not available and datasets.strict is true, so the "
            f"stand-in is not used. Tried: {'; '.join(reasons)}. {how_to_supply} To accept the "
            "stand-in instead, set datasets.strict: false."
        )
    dataset = stand_in()
    log.warning("%s: using the STAND-IN (%s) because %s. %s", name, dataset.info["location"],
                "; ".join(reasons), how_to_supply)
    dataset.info["fallbacks"] = reasons
    return dataset
