"""MNIST or Fashion-MNIST: 28×28 grayscale images in 10 classes, 60,000 to train and 10,000 to test.

:func:`provide` tries, in order:

1. a local folder of the four IDX files (config ``datasets.mnist.path``), each plain or gzipped
   (``train-images-idx3-ubyte`` or ``train-images-idx3-ubyte.gz``, and so on): e.g. the folder
   Debian's ``dataset-fashion-mnist`` installs, ``/usr/share/datasets/fashion-mnist``;
2. torchvision's own download into ``resources_dir`` (``download: true``), which verifies every
   file against torchvision's md5 sums; ``mirrors`` replaces torchvision's list of servers;
3. the stand-in: scikit-learn's bundled 8×8 digits (:mod:`dlrepro.data.digits`), split by a seed.

``name`` chooses ``mnist`` or ``fashion_mnist`` (the same format and sizes; which one a local
folder holds is the user's word, as the files do not say). Every fallback is logged with its
reason and kept in ``info["fallbacks"]``; with ``strict`` the stand-in is an error that says how
to supply the files. A file that is present but wrong (not IDX, truncated, not gzip, labels
outside 0 … 9, counts that differ) is refused by name, never passed over.

IDX files are read by torchvision's own reader (``torchvision.datasets.mnist``). Local copies are
checked by content; their sha256 sums are recorded in ``info``. (Torchvision's md5 sums are of
its own gzip files: a re-compressed copy of the same data, like Debian's, would not match them.)

Arrays, whatever the source: ``X_train`` (n, h, w) uint8 pixels as stored, ``y_train`` (n,)
int64 class indices, ``X_test`` and ``y_test`` alike.
"""

from __future__ import annotations

import gzip
import shutil
import socket
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from dlrepro.data import digits
from dlrepro.data.base import (
    CorruptData,
    DataSet,
    DataUnavailable,
    existing_files,
    first_available,
    with_defaults,
)
from dlrepro.data.download import DEFAULT_TIMEOUT, sha256_file

SETTING = "datasets.mnist"
NAMES = ("mnist", "fashion_mnist")
CLASSES = 10

#: The array each IDX file holds (torchvision's file names, without ``.gz``).
FILES: dict[str, str] = {
    "X_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "X_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}

STAND_IN_DEFAULTS: dict[str, Any] = {"seed": 0, "test_fraction": 0.2}
SETTINGS_DEFAULTS: dict[str, Any] = {
    "name": "mnist",
    "path": None,
    "download": False,
    "mirrors": None,
    "stand_in": STAND_IN_DEFAULTS,
}

HOW_TO_SUPPLY = (
    f"To use the real data, put the four IDX files ({', '.join(FILES.values())}, each plain or "
    f"gzipped) in one folder and set {SETTING}.path to it (Debian's dataset-fashion-mnist "
    f"installs Fashion-MNIST at /usr/share/datasets/fashion-mnist; set {SETTING}.name: "
    f"fashion_mnist for it), or set {SETTING}.download: true on a machine that can reach "
    "torchvision's mirrors."
)


def _torchvision_class(name: str):
    from torchvision import datasets

    return {"mnist": datasets.MNIST, "fashion_mnist": datasets.FashionMNIST}[name]


# --------------------------------------------------------------------------- reading


def _read_idx(path: Path, key: str) -> np.ndarray:
    """One IDX file (plain or gzipped) through torchvision's reader, as a numpy array.

    Torchvision's reader takes only plain files and says little when a file is wrong (a bare
    assertion); every failure here is a :class:`CorruptData` that names the file.
    """
    from torchvision.datasets.mnist import read_image_file, read_label_file

    reader = read_image_file if key.startswith("X") else read_label_file
    try:
        if path.suffix != ".gz":
            return reader(str(path)).numpy()
        with tempfile.TemporaryDirectory() as folder:
            plain = Path(folder) / path.stem
            with gzip.open(path, "rb") as source, open(plain, "wb") as target:
                shutil.copyfileobj(source, target)
            return reader(str(plain)).numpy()
    # KeyError: a type code torchvision's table lacks; the rest: bad headers, short data, gzip
    except (OSError, EOFError, AssertionError, KeyError, RuntimeError, TypeError,
            ValueError) as error:
        detail = str(error) or "not a valid IDX file"
        raise CorruptData(f"{path}: not a readable IDX file of uint8 {_kind(key)} ({detail})") \
            from error


def _kind(key: str) -> str:
    return "images (n, height, width)" if key.startswith("X") else "labels (n,)"


def validate(arrays: Mapping[str, np.ndarray], sources: Mapping[str, str]) -> None:
    """Refuse arrays that are not an MNIST-like set, with a :class:`CorruptData` naming the file:
    labels outside 0 … 9, a different number of labels than images, no rows, or train and test
    images of different sizes."""
    for key, array in arrays.items():
        if len(array) == 0:
            raise CorruptData(f"{sources[key]}: no rows")
        if key.startswith("y") and (array.min() < 0 or array.max() >= CLASSES):
            raise CorruptData(
                f"{sources[key]}: labels must lie in 0 … {CLASSES - 1}, found "
                f"{int(array.min())} … {int(array.max())}"
            )
    for split in ("train", "test"):
        images, labels = arrays[f"X_{split}"], arrays[f"y_{split}"]
        if len(images) != len(labels):
            raise CorruptData(
                f"{sources[f'y_{split}']}: {len(labels)} labels, but {sources[f'X_{split}']} "
                f"holds {len(images)} images"
            )
    if arrays["X_train"].shape[1:] != arrays["X_test"].shape[1:]:
        raise CorruptData(
            f"{sources['X_test']}: images of size {arrays['X_test'].shape[1:]}, but "
            f"{sources['X_train']} holds {arrays['X_train'].shape[1:]}"
        )


def _locate(folder: Path, base: str) -> Path | None:
    for candidate in (folder / base, folder / f"{base}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _from_files(paths: Mapping[str, Path], name: str, source: str, extra: Mapping) -> DataSet:
    arrays = {key: _read_idx(path, key) for key, path in paths.items()}
    sources = {key: str(path) for key, path in paths.items()}
    validate(arrays, sources)
    arrays = {key: (a.astype(np.int64) if key.startswith("y") else a) for key, a in arrays.items()}
    info = {
        "name": name,
        "source": source,
        **extra,
        "stand_in": False,
        "classes": CLASSES,
        "image_shape": list(arrays["X_train"].shape[1:]),
        "shapes": {key: list(array.shape) for key, array in arrays.items()},
        "sha256": {path.name: sha256_file(path) for path in paths.values()},
    }
    return DataSet(arrays=arrays, info=info)


def load_local(folder: str | Path, name: str = "mnist") -> DataSet:
    """The four IDX files from ``folder`` (plain or gzipped).

    A missing file or folder raises :class:`DataUnavailable` naming what is missing; a file that
    is there but wrong raises :class:`CorruptData` naming it.
    """
    folder = Path(folder).expanduser()
    paths = {key: _locate(folder, base) for key, base in FILES.items()}
    missing = [FILES[key] for key, path in paths.items() if path is None]
    if missing:
        raise DataUnavailable(
            f"{', '.join(missing)} (plain or .gz) not found in {folder}"
            + ("" if folder.is_dir() else " (no such folder)")
        )
    return _from_files(paths, name, "local", {"location": str(folder.resolve())})


def download(name: str, root: str | Path, mirrors: list[str] | None = None,
             timeout: float = DEFAULT_TIMEOUT) -> DataSet:
    """Torchvision's download of ``name`` into ``root`` (re-using files it verified before),
    then read as :func:`load_local` does (source ``"download"``).

    ``mirrors`` (base URLs ending in ``/``) replaces torchvision's list. Torchvision checks every
    downloaded file against its md5 sum; a file that fails is deleted here, so it is never
    trusted later. Raises :class:`DataUnavailable` when no mirror gives good files.
    """
    from torchvision.datasets.utils import check_integrity

    dataset_class = _torchvision_class(name)
    if mirrors:
        dataset_class = type(dataset_class.__name__, (dataset_class,), {"mirrors": list(mirrors)})
    root = Path(root).expanduser()
    raw = root / dataset_class.__name__ / "raw"  # torchvision's layout: <root>/<class>/raw
    previous_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:  # downloads all four files; loads only the (small) test part
        dataset_class(str(root), train=False, download=True)
    except Exception as error:  # torchvision raises RuntimeError/URLError/OSError per mirror
        complete = all(check_integrity(str(raw / file_name), md5)
                       and (raw / Path(file_name).stem).is_file()
                       for file_name, md5 in dataset_class.resources)
        if not complete:
            for file_name, md5 in dataset_class.resources:
                archive = raw / file_name
                if archive.exists() and not check_integrity(str(archive), md5):
                    archive.unlink()
            raise DataUnavailable(
                f"torchvision could not download {name} from "
                f"{', '.join(dataset_class.mirrors)}: {' '.join(str(error).split())}"
            ) from error
        # every file arrived whole: the error is in reading a stored file, named below
    finally:
        socket.setdefaulttimeout(previous_timeout)
    paths = {key: raw / base for key, base in FILES.items()}
    return _from_files(paths, name, "download",
                       {"location": str(raw.resolve()), "mirrors": list(dataset_class.mirrors)})


# --------------------------------------------------------------------------- stand-in


def stand_in(seed: int = 0, test_fraction: float = 0.2) -> DataSet:
    """scikit-learn's 1797 digits (8×8, 10 classes), split into train and test by ``seed``."""
    if not 0 < test_fraction < 1:
        raise ValueError(f"{SETTING}.stand_in.test_fraction must lie in (0, 1), "
                         f"got {test_fraction}")
    images, labels = digits.images_and_labels()
    n_test = int(round(len(images) * test_fraction))
    parts = digits.split_indices(len(images), {"test": n_test, "train": len(images) - n_test},
                                 seed)
    arrays = {
        "X_train": images[parts["train"]], "y_train": labels[parts["train"]],
        "X_test": images[parts["test"]], "y_test": labels[parts["test"]],
    }
    info = {
        "name": "digits",
        "source": "stand-in",
        "location": f"scikit-learn's bundled digits, split by seed {seed}",
        "stand_in": True,
        "note": digits.NOTE,
        "classes": digits.CLASSES,
        "image_shape": [digits.SIDE, digits.SIDE],
        "shapes": {key: list(array.shape) for key, array in arrays.items()},
        "sha256": {},
        "seed": int(seed),
        "test_fraction": float(test_fraction),
    }
    return DataSet(arrays=arrays, info=info)


# --------------------------------------------------------------------------- provider


def _settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    merged = with_defaults(settings, SETTINGS_DEFAULTS, SETTING)
    if merged["name"] not in NAMES:
        raise ValueError(f"{SETTING}.name: {merged['name']!r} is not one of {', '.join(NAMES)}")
    return merged


def provide(settings: Mapping[str, Any], strict: bool, resources_dir: str | Path) -> DataSet:
    """The data set from the first source that works: ``path``, torchvision's download into
    ``resources_dir`` (if ``download``), else the digits stand-in (refused when ``strict``)."""
    settings = _settings(settings)
    name = settings["name"]
    return first_available(
        name, settings, setting=SETTING, strict=strict,
        load_local=lambda path: load_local(path, name),
        download=lambda: download(name, resources_dir, settings["mirrors"]),
        stand_in=lambda: stand_in(**settings["stand_in"]),
        how_to_supply=HOW_TO_SUPPLY,
    )


def local_paths(settings: Mapping[str, Any]) -> list[str]:
    """The IDX files (plain or .gz) in ``settings["path"]`` that exist (none when no path)."""
    return existing_files(settings.get("path"), [[base, f"{base}.gz"] for base in FILES.values()])
