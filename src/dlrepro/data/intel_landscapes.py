"""The Intel landscapes data set of IST Deep Learning HW1: 48×48 colour photographs, 6 classes.

The course ships one file, ``intel_landscapes.npz``, with the keys :data:`KEYS` names (12630
training, 1404 validation and 3000 test images). No public address of it is known, so there is
no download: :func:`provide` reads it from a local path (config
``datasets.intel_landscapes.path``) or, failing that, uses a stand-in, scikit-learn's bundled
8×8 digits (:mod:`dlrepro.data.digits`, 10 classes) split at random by a seed. The stand-in is
never silent: its ``info`` says ``stand_in: true`` with a note, and with ``strict`` it is refused
with a message that says how to supply the file.

Arrays, whatever the source: ``X_train``, ``X_val``, ``X_test`` hold the images as stored (the
course file's uint8 (n, 48, 48, 3) stay uint8; other real dtypes become float32) and
``y_train``, ``y_val``, ``y_test`` the labels as int64 (n,). Nothing is scaled here. Every model
of the IST experiments flattens an image row by row into one vector (48·48·3 = 6912 features:
the course's networks are fully connected) and divides the pixels by 255, so they lie in
[0, 1] (the course's ``utils.load_dataset`` divides by 256: a 0.4 % difference in scale that no
comparison depends on). ``info["classes"]`` is the number of classes the models must have: 6
for the real data, 10 for the stand-in.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from dlrepro.data import digits
from dlrepro.data.base import (
    CorruptData,
    DataSet,
    DataUnavailable,
    first_available,
    with_defaults,
)
from dlrepro.data.download import sha256_file

log = logging.getLogger("dlrepro")

NAME = "intel_landscapes"
FILE_NAME = "intel_landscapes.npz"
CLASSES = 6
IMAGE_SHAPE = (48, 48, 3)
SPLITS = ("train", "val", "test")
#: The DataSet's array name -> the key in the course file.
KEYS: dict[str, str] = {
    **{f"X_{split}": f"{split}_images" for split in SPLITS},
    **{f"y_{split}": f"{split}_labels" for split in SPLITS},
}
#: The split sizes of the course's file (the catalogue's). A file with other sizes is used, with
#: a warning, and ``info["sizes_as_course"]`` says so.
COURSE_SIZES = {"train": 12630, "val": 1404, "test": 3000}

STAND_IN_DEFAULTS: dict[str, Any] = {"seed": 0, "train": 0.6, "val": 0.2, "test": 0.2}
SETTINGS_DEFAULTS: dict[str, Any] = {"path": None, "stand_in": STAND_IN_DEFAULTS}

HOW_TO_SUPPLY = (
    f"To use the real data, set datasets.{NAME}.path to the course's {FILE_NAME} (keys "
    + ", ".join(KEYS.values())
    + f"; images {IMAGE_SHAPE[0]}x{IMAGE_SHAPE[1]}x{IMAGE_SHAPE[2]}, labels 0..{CLASSES - 1}); "
    "no download address is known."
)


# --------------------------------------------------------------------------- validation


def _labels_as_int64(labels: np.ndarray, where: str, classes: int) -> np.ndarray:
    """Labels (n,) or (n, 1) of an integer type, or floats holding whole numbers, as int64."""
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1:
        raise CorruptData(f"{where}: labels must have shape (n,) or (n, 1), got {labels.shape}")
    if np.issubdtype(labels.dtype, np.floating):
        if np.isnan(labels).any():
            raise CorruptData(f"{where}: {int(np.isnan(labels).sum())} NaN labels")
        if not np.array_equal(labels, np.round(labels)):
            raise CorruptData(f"{where}: labels must be whole numbers (class indices)")
    elif not np.issubdtype(labels.dtype, np.integer):
        raise CorruptData(f"{where}: dtype {labels.dtype} is not a label type")
    outside = (labels < 0) | (labels > classes - 1)
    if outside.any():
        raise CorruptData(
            f"{where}: {int(outside.sum())} labels outside 0..{classes - 1} "
            f"(found {labels.min():g}..{labels.max():g})"
        )
    return labels.astype(np.int64)


def _images_as_stored(images: np.ndarray, where: str, image_shape: tuple[int, ...]) -> np.ndarray:
    """Images (n, *image_shape) of 8-bit pixels: uint8 as they are, other real types as float32
    once they are known to hold pixel values (finite, within 0..255)."""
    if images.ndim != 1 + len(image_shape) or images.shape[1:] != image_shape:
        raise CorruptData(
            f"{where}: images must have shape (n, {', '.join(map(str, image_shape))}), "
            f"got {images.shape}"
        )
    if len(images) == 0:
        raise CorruptData(f"{where}: no images")
    if images.dtype == np.uint8:
        return images
    if not (np.issubdtype(images.dtype, np.integer) or np.issubdtype(images.dtype, np.floating)):
        raise CorruptData(f"{where}: dtype {images.dtype} is not a pixel type")
    if np.issubdtype(images.dtype, np.floating) and not np.isfinite(images).all():
        nans = int(np.isnan(images).sum())
        raise CorruptData(f"{where}: {nans} NaN and {int((~np.isfinite(images)).sum()) - nans} "
                          "infinite pixel values")
    if images.min() < 0 or images.max() > 255:
        raise CorruptData(f"{where}: pixel values must lie in 0..255, found "
                          f"{images.min():g}..{images.max():g}")
    return images.astype(np.float32)


def validate(
    stored: Mapping[str, np.ndarray],
    source: str,
    classes: int = CLASSES,
    image_shape: tuple[int, ...] = IMAGE_SHAPE,
) -> dict[str, np.ndarray]:
    """The DataSet's arrays from the arrays of a course file, keyed as the file keys them.

    Raises :class:`CorruptData` naming ``source`` and the key for: a missing key, images of the
    wrong shape or with NaN or out-of-range pixels, labels that are not whole numbers in
    0..classes-1, and a split whose image and label counts differ.
    """
    missing = [key for key in KEYS.values() if key not in stored]
    if missing:
        raise CorruptData(f"{source}: missing key {', '.join(missing)} (expected "
                          f"{', '.join(KEYS.values())}; found {', '.join(sorted(stored))})")
    arrays = {}
    for name, key in KEYS.items():
        where = f"{source}[{key}]"
        array = np.asarray(stored[key])
        arrays[name] = (_images_as_stored(array, where, image_shape) if name.startswith("X")
                        else _labels_as_int64(array, where, classes))
    for split in SPLITS:
        n_images, n_labels = len(arrays[f"X_{split}"]), len(arrays[f"y_{split}"])
        if n_images != n_labels:
            raise CorruptData(f"{source}[{split}_labels]: {n_labels} labels, but "
                              f"{split}_images holds {n_images} images")
    return arrays


def _sizes(arrays: Mapping[str, np.ndarray]) -> dict[str, int]:
    return {split: len(arrays[f"y_{split}"]) for split in SPLITS}


def _shapes(arrays: Mapping[str, np.ndarray]) -> dict[str, list[int]]:
    return {name: list(array.shape) for name, array in arrays.items()}


# --------------------------------------------------------------------------- the course file


def load_local(path: str | Path) -> DataSet:
    """The course's ``.npz`` file at ``path``, validated (:func:`validate`).

    A missing file raises :class:`DataUnavailable`; a file that is not a readable ``.npz`` or
    fails validation raises :class:`CorruptData` naming it.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise DataUnavailable(f"{path}: no such file")
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise CorruptData(f"{path}: not a readable .npz archive ({error})") from error
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise CorruptData(f"{path}: a single array, not an .npz archive of named arrays")
    try:
        with archive:
            stored = {key: archive[key] for key in archive.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        raise CorruptData(f"{path}: an array in the archive is unreadable ({error})") from error
    arrays = validate(stored, str(path))
    sizes = _sizes(arrays)
    if sizes != COURSE_SIZES:
        log.warning("%s: split sizes %s differ from the course's %s", path, sizes, COURSE_SIZES)
    info = {
        "name": NAME,
        "source": "local",
        "location": str(path.resolve()),
        "sha256": {path.name: sha256_file(path)},
        "stand_in": False,
        "classes": CLASSES,
        "image_shape": list(IMAGE_SHAPE),
        "sizes": sizes,
        "sizes_as_course": sizes == COURSE_SIZES,
        "shapes": _shapes(arrays),
        "stored": {key: {"shape": list(stored[key].shape), "dtype": str(stored[key].dtype)}
                   for key in KEYS.values()},
    }
    return DataSet(arrays=arrays, info=info)


# --------------------------------------------------------------------------- stand-in


def stand_in(seed: int = 0, train: float | int = 0.6, val: float | int = 0.2,
             test: float | int = 0.2) -> DataSet:
    """scikit-learn's digits (1797 uint8 8×8 images, 10 classes) split at random by ``seed``.

    A split size is a row count, or a fraction of the 1797 images (a float below 1). The same
    seed gives the same split.
    """
    images, labels = digits.images_and_labels()
    sizes = {"train": train, "val": val, "test": test}
    parts = digits.split_indices(len(images), sizes, int(seed))
    arrays = {}
    for split in SPLITS:
        arrays[f"X_{split}"] = images[parts[split]]
        arrays[f"y_{split}"] = labels[parts[split]]
    counts = _sizes(arrays)
    info = {
        "name": NAME,
        "source": "stand-in",
        "location": "scikit-learn's bundled digits (sklearn.datasets.load_digits)",
        "sha256": {},
        "stand_in": True,
        "note": (
            f"{digits.NOTE} Split at random (seed {int(seed)}) into "
            f"{counts['train']}/{counts['val']}/{counts['test']} train/val/test images, in place "
            f"of the course's 48x48 colour landscapes (6 classes, "
            f"{'/'.join(str(COURSE_SIZES[s]) for s in SPLITS)})."
        ),
        "seed": int(seed),
        "classes": digits.CLASSES,
        "image_shape": [digits.SIDE, digits.SIDE],
        "sizes": counts,
        "shapes": _shapes(arrays),
    }
    return DataSet(arrays=arrays, info=info)


# --------------------------------------------------------------------------- provider


def provide(settings: Mapping[str, Any], strict: bool,
            resources_dir: str | Path | None = None) -> DataSet:
    """The course file at ``settings["path"]``, else (unless ``strict``) the digits stand-in.

    ``settings``: ``path`` (the ``.npz`` file, or None) and ``stand_in`` ({seed, train, val,
    test}); missing keys take :data:`SETTINGS_DEFAULTS`, unknown keys are an error.
    ``resources_dir`` is accepted for the providers' common signature: nothing is downloaded.
    A file that is there but corrupt is never passed over: :class:`CorruptData` names it. With
    ``strict`` the stand-in is refused: :class:`DataUnavailable` says what was tried and how to
    supply the file.
    """
    settings = with_defaults(settings, SETTINGS_DEFAULTS, f"datasets.{NAME}")
    return first_available(
        NAME, settings, setting=f"datasets.{NAME}", strict=strict,
        load_local=load_local,
        download=None,
        stand_in=lambda: stand_in(**settings["stand_in"]),
        how_to_supply=HOW_TO_SUPPLY,
    )


def local_paths(settings: Mapping[str, Any]) -> list[str]:
    """The course file, when ``settings["path"]`` names one that exists."""
    path = settings.get("path")
    return [path] if path and Path(path).expanduser().is_file() else []
