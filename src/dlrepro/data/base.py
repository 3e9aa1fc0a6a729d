"""What every provider returns, and how a prepared data set is stored for the training jobs.

A provider resolves a data set once (rule ``prepare_<name>``) into ``resources/<name>/``: the
arrays in one uncompressed ``.npz`` (fast to load, loaded once per job) and ``info.json``, which
says where the data came from. ``info`` is what every run's ``data`` field and the report show;
``stand_in`` is never left out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
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


def pixel_features(images: np.ndarray) -> np.ndarray:
    """Images (n, …) of pixels in [0, 255] as float32 rows (n, features) in [0, 1].

    Every model of the project that reads images takes them so: flattened row by row, as
    float32, divided by 255 (one correctly rounded division, the same in numpy and torch).
    """
    flat = np.asarray(images).reshape(len(images), -1)
    return flat.astype(np.float32) / np.float32(255.0)


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


def with_defaults(settings: Mapping[str, Any], defaults: Mapping[str, Any],
                  setting: str) -> dict[str, Any]:
    """A data set's config section with every missing key (also under ``stand_in``) taken from
    ``defaults``; an unknown key is a ValueError naming it and the keys there are."""
    def merged(given: Mapping[str, Any], default: Mapping[str, Any], where: str) -> dict:
        unknown = set(given) - set(default)
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}; expected {list(default)}")
        return {**default, **given}

    result = merged(settings, defaults, setting)
    result["stand_in"] = merged(dict(result["stand_in"] or {}), defaults["stand_in"],
                                f"{setting}.stand_in")
    return result


def first_available(
    name: str,
    settings: Mapping[str, Any],
    *,
    setting: str,
    strict: bool,
    load_local: Callable[[str], DataSet],
    download: Callable[[], DataSet] | None,
    stand_in: Callable[[], DataSet],
    how_to_supply: str,
) -> DataSet:
    """The data set from the first source that works: the local copy at ``settings["path"]``,
    then ``download()`` when ``settings["download"]`` (a data set with no known address passes
    ``download=None``), else the stand-in, which ``strict`` turns into an error.

    A source that is missing (:class:`DataUnavailable`) is passed over with its reason logged and
    kept in ``info["fallbacks"]``; one that is there but corrupt (:class:`CorruptData`) stops
    everything, named, as it is never silently replaced. ``setting`` is the config key of the
    data set (``datasets.mnist``), for the reasons given.
    """
    sources: list[tuple[str, Callable[[], DataSet] | None, str]] = [
        ("local copy", (lambda: load_local(settings["path"])) if settings.get("path") else None,
         f"{setting}.path is not set"),
    ]
    if download is not None:
        sources.append(("download", download if settings.get("download") else None,
                        f"{setting}.download is false"))
    reasons: list[str] = []
    for step, load, unset_reason in sources:
        if load is None:
            reasons.append(f"{step}: {unset_reason}")
            log.info("%s: %s not used: %s", name, step, unset_reason)
            continue
        try:
            dataset = load()
        except DataUnavailable as error:
            reasons.append(f"{step}: {error}")
            log.warning("%s: %s not used: %s", name, step, error)
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


def existing_files(folder: str | None, candidates: list[list[str]]) -> list[str]:
    """For each entry of ``candidates`` (alternative names of one file), the first that exists in
    ``folder``; none when no folder is set. What the workflow watches for changes."""
    if not folder:
        return []
    base = Path(folder).expanduser()
    found = (next((base / name for name in names if (base / name).is_file()), None)
             for names in candidates)
    return [str(path) for path in found if path is not None]
