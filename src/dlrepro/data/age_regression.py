"""The age-regression data set: 48×48 grayscale faces and the age of each, in years.

The course files (``age_regression_Xtr.npy``, ``_ytr``, ``_Xte``, ``_yte``) are public at
:data:`BASE_URL`. :func:`provide` tries, in order:

1. a local folder holding the four files (config ``datasets.age_regression.path``);
2. the download from ``url`` into ``resources_dir`` (config ``download: true``), re-using files
   an earlier run downloaded;
3. a seeded synthetic stand-in (:func:`stand_in`) with the same shapes, whose best reachable MSE
   is known.

Every fallback is logged with its reason, and the reasons are kept in ``info["fallbacks"]``.
With ``strict=True`` (config ``datasets.strict``) falling back to the stand-in is an error that
says how to supply the files.

Arrays, whatever the source: ``X_train`` (n, 2304) float32 (48×48 images flattened row by row,
pixel values as stored: no scaling here), ``y_train`` (n,) float32 (ages in years), ``X_test``,
``y_test`` alike.

The stand-in. Images are smooth random pictures: 127.5 plus a sum of the 64 lowest-frequency
2-D cosines (DCT-II basis, frequencies u, v = 0 … 7 on the 48×48 grid) with coefficients
``a_uv · z_uv``, z_uv ~ U[−1, 1] independent per image, amplitudes a_uv ∝ (1 + u + v)⁻² summing
to 127.5; so every pixel lies in [0, 255] by construction (no pixel is clipped; mean 127.5,
per-pixel standard deviation about 26). The images span a 64-dimensional subspace of the 2304
pixels (up to float32 rounding), as faces concentrate on a few "eigenfaces". Ages are a fixed
linear map of the pixels plus noise, ``y = wᵀx + b + ε``, ε ~ N(0, noise_std²), with w (in the
span of those cosines, drawn from the seed; :func:`stand_in_map`) scaled so that the noiseless
age has mean 50.5 and standard deviation 12 years. Ages are then clipped to [1, 100]: with
noise_std = 5 an age falls outside with probability about 3·10⁻⁶ (measured over 4 million draws,
20 seeds), i.e. about 0.02 ages in a 6500-sample set, so clipping practically never happens
(larger noise_std clips more); ``info["clipped"]`` counts it. As ε is independent of x, the best
reachable mean squared error of any predictor is noise_std² (``info["best_mse"]``); ordinary
least squares reaches it up to the usual finite-sample terms (train σ²(n − 65)/n, test
σ²(1 + 64/(n − 65)): 64 + 1 effective parameters). Ages are not rounded to whole years.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from dlrepro.data.base import (
    CorruptData,
    DataSet,
    DataUnavailable,
    existing_files,
    first_available,
    with_defaults,
)
from dlrepro.data.download import DEFAULT_TIMEOUT, fetch, sha256_file

log = logging.getLogger("dlrepro")

NAME = "age_regression"
BASE_URL = "https://s3.amazonaws.com/jrwprojects/"

#: The array each course file holds.
FILES: dict[str, str] = {
    "X_train": "age_regression_Xtr.npy",
    "y_train": "age_regression_ytr.npy",
    "X_test": "age_regression_Xte.npy",
    "y_test": "age_regression_yte.npy",
}
FILE_NAMES: tuple[str, ...] = tuple(FILES.values())

#: Pinned sha256 per file name. Empty: no trustworthy hash of the course files is known yet.
#: Until one is pinned, files are checked by shape, dtype and content (:func:`validate`), a warning
#: is logged, and the hash actually seen is recorded in ``info["sha256"]``: copy it here (file
#: name -> 64 hex digits) once the files are known to be the right ones.
SHA256: dict[str, str] = {}

SIDE = 48
FEATURES = SIDE * SIDE

#: Stand-in constants (see the module docstring).
STAND_IN_FREQUENCIES = 8  # u, v = 0 … 7: 64 basis images
STAND_IN_AGE_MEAN = 50.5
STAND_IN_SIGNAL_STD = 12.0
AGE_MIN, AGE_MAX = 1.0, 100.0
STAND_IN_DEFAULTS: dict[str, Any] = {"seed": 0, "n_train": 5000, "n_test": 1500, "noise_std": 5.0}

SETTINGS_DEFAULTS: dict[str, Any] = {
    "path": None,
    "download": False,
    "url": BASE_URL,
    "stand_in": STAND_IN_DEFAULTS,
}

HOW_TO_SUPPLY = (
    "To use the real data, put "
    + ", ".join(FILE_NAMES)
    + " in one folder and set datasets.age_regression.path to that folder, or set "
    "datasets.age_regression.download: true on a machine that can reach "
    "datasets.age_regression.url (default " + BASE_URL + ")."
)


# --------------------------------------------------------------------------- validation


def _is_real_number_dtype(array: np.ndarray) -> bool:
    return np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)


def _check_numbers(array: np.ndarray, source: str) -> None:
    if not _is_real_number_dtype(array):
        raise CorruptData(f"{source}: dtype {array.dtype} is not a real number type")
    if array.size == 0:
        raise CorruptData(f"{source}: empty array (shape {array.shape})")
    if np.issubdtype(array.dtype, np.floating):
        bad = ~np.isfinite(array)
        if bad.any():
            nans = int(np.isnan(array).sum())
            raise CorruptData(
                f"{source}: {nans} NaN and {int(bad.sum()) - nans} infinite values"
            )
        if np.abs(array).max() > np.finfo(np.float32).max:
            raise CorruptData(f"{source}: values beyond the float32 range")


def validate(arrays: Mapping[str, np.ndarray], sources: Mapping[str, str]) -> None:
    """Refuse arrays that are not the course files' kind, with a :class:`CorruptData` naming
    the file.

    ``arrays`` maps ``X_train``/``y_train``/``X_test``/``y_test`` (any that are present) to the
    arrays as stored; ``sources`` maps the same names to the file each came from (the array name
    is used where none is given). Images: (n, 48, 48) or (n, 2304), any real number dtype,
    finite, n ≥ 1. Labels: 1-D, real, finite, as many as the images of the same split.
    """
    def source(key: str) -> str:
        return str(sources.get(key, key))

    for key, array in arrays.items():
        array = np.asarray(array)
        _check_numbers(array, source(key))
        if key.startswith("X"):
            if not (
                (array.ndim == 3 and array.shape[1:] == (SIDE, SIDE))
                or (array.ndim == 2 and array.shape[1] == FEATURES)
            ):
                raise CorruptData(
                    f"{source(key)}: images must have shape (n, {SIDE}, {SIDE}) or "
                    f"(n, {FEATURES}), got {array.shape}"
                )
        elif array.ndim != 1:
            raise CorruptData(f"{source(key)}: labels must be 1-D, got shape {array.shape}")
    for split in ("train", "test"):
        x_key, y_key = f"X_{split}", f"y_{split}"
        if x_key in arrays and y_key in arrays:
            n_images, n_labels = len(arrays[x_key]), len(arrays[y_key])
            if n_images != n_labels:
                raise CorruptData(
                    f"{source(y_key)}: {n_labels} labels, but {source(x_key)} holds "
                    f"{n_images} images"
                )


def _as_model_arrays(raw: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    arrays = {}
    for key, array in raw.items():
        if key.startswith("X"):
            arrays[key] = np.ascontiguousarray(array.reshape(len(array), FEATURES), np.float32)
        else:
            arrays[key] = np.ascontiguousarray(array, np.float32)
    return arrays


def _shapes(arrays: Mapping[str, np.ndarray]) -> dict[str, list[int]]:
    return {key: list(array.shape) for key, array in arrays.items()}


# --------------------------------------------------------------------------- real files


def _load_npy(path: Path) -> np.ndarray:
    try:
        array = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise CorruptData(f"{path}: not a readable .npy array ({error})") from error
    if not isinstance(array, np.ndarray):  # an .npz archive under an .npy name
        if hasattr(array, "close"):
            array.close()
        raise CorruptData(f"{path}: not a single .npy array")
    return array


def _from_folder(
    folder: Path, sha256: Mapping[str, str], source: str, extra: Mapping[str, Any]
) -> DataSet:
    """Read, hash-check and validate the four files in ``folder``."""
    missing = [name for name in FILE_NAMES if not (folder / name).is_file()]
    if missing:
        raise DataUnavailable(
            f"{', '.join(missing)} not found in {folder}"
            + ("" if folder.is_dir() else " (no such folder)")
        )
    hashes, unpinned, raw, sources = {}, [], {}, {}
    for key, name in FILES.items():
        path = folder / name
        hashes[name] = sha256_file(path)
        expected = sha256.get(name)
        if expected is None:
            unpinned.append(name)
        elif hashes[name] != expected.strip().lower():
            raise CorruptData(
                f"{path}: sha256 {hashes[name]} does not match the pinned {expected}"
            )
        raw[key] = _load_npy(path)
        sources[key] = str(path)
    validate(raw, sources)
    if unpinned:
        log.warning(
            "%s: no sha256 pinned for %s; checked shapes and values only. Hashes seen: %s",
            NAME, ", ".join(unpinned), ", ".join(f"{n}={hashes[n]}" for n in unpinned),
        )
    arrays = _as_model_arrays(raw)
    info = {
        "name": NAME,
        "source": source,
        "location": str(folder.resolve()),
        **extra,
        "sha256": hashes,
        "sha256_pinned": {name: name not in unpinned for name in FILE_NAMES},
        "stand_in": False,
        "shapes": _shapes(arrays),
        "stored": {
            FILES[key]: {"shape": list(array.shape), "dtype": str(array.dtype)}
            for key, array in raw.items()
        },
        "pixel_range": [float(arrays["X_train"].min()), float(arrays["X_train"].max())],
    }
    return DataSet(arrays=arrays, info=info)


def load_local(folder: str | Path, sha256: Mapping[str, str] = SHA256) -> DataSet:
    """The four course files from ``folder``.

    A missing file (or folder) raises :class:`DataUnavailable` naming the files and the folder;
    a file that is unreadable, fails :func:`validate` or differs from a pinned hash raises
    :class:`CorruptData` naming it.
    """
    return _from_folder(Path(folder).expanduser(), sha256, "local", {})


def _url(base_url: str, name: str) -> str:
    return base_url.rstrip("/") + "/" + name


def download(
    base_url: str,
    folder: str | Path,
    sha256: Mapping[str, str] = SHA256,
    timeout: float = DEFAULT_TIMEOUT,
) -> DataSet:
    """Fetch the four files from ``base_url`` into ``folder``, then read them as
    :func:`load_local` does (source ``"download"``).

    A file already in ``folder`` (an earlier download: files appear there only complete) is
    re-used if it matches its pinned hash, or, with no hash pinned, if the set passes
    :func:`validate`; otherwise it is fetched again. Raises :class:`DataUnavailable` (network,
    HTTP error, truncated transfer) or :class:`CorruptData` (hash mismatch, invalid content).
    """
    folder = Path(folder).expanduser()

    def get(name: str) -> None:
        fetch(_url(base_url, name), folder / name, sha256.get(name), timeout=timeout)

    reused = []
    for name in FILE_NAMES:
        path = folder / name
        if path.is_file():
            expected = sha256.get(name)
            if expected is None or sha256_file(path) == expected.strip().lower():
                reused.append(name)
                continue
            log.warning("%s: cached %s does not match its pinned sha256; fetching it again",
                        NAME, path)
        get(name)
    if reused:
        log.info("%s: re-using downloaded %s in %s", NAME, ", ".join(reused), folder)
    extra = {"url": base_url.rstrip("/") + "/"}
    try:
        return _from_folder(folder, sha256, "download", extra)
    except CorruptData as error:
        if not reused:
            raise
        log.warning("%s: cached files refused (%s); fetching %s again",
                    NAME, error, ", ".join(reused))
    for name in reused:
        get(name)
    return _from_folder(folder, sha256, "download", extra)


# --------------------------------------------------------------------------- stand-in


def _basis() -> tuple[np.ndarray, np.ndarray]:
    """The stand-in's basis images (k, 2304), each with values in [−1, 1], and amplitudes (k,)
    that sum to 127.5."""
    centres = (np.arange(SIDE) + 0.5) / SIDE
    cosines = np.cos(np.pi * np.outer(np.arange(STAND_IN_FREQUENCIES), centres))
    basis = np.einsum("ui,vj->uvij", cosines, cosines).reshape(-1, FEATURES)
    u, v = np.meshgrid(np.arange(STAND_IN_FREQUENCIES), np.arange(STAND_IN_FREQUENCIES),
                       indexing="ij")
    amplitudes = (1.0 + u + v).ravel() ** -2.0
    return basis, amplitudes * (127.5 / amplitudes.sum())


def stand_in_map(seed: int) -> tuple[np.ndarray, float]:
    """The stand-in's noiseless age map of a seed: (w (2304,) float64, b), age = wᵀx + b.

    w lies in the span of the basis images and is scaled so that wᵀx + b has mean 50.5 and
    standard deviation 12 over the stand-in's image distribution; it depends on the seed only.
    """
    basis, amplitudes = _basis()
    direction = np.random.default_rng([seed, 0]).standard_normal(len(basis))
    w = direction @ basis
    # wᵀ(x − 127.5) = Σ_k (wᵀφ_k) a_k z_k with z_k ~ U[−1, 1] independent (variance 1/3).
    per_component = (basis @ w) * amplitudes
    w *= STAND_IN_SIGNAL_STD / math.sqrt(float(per_component @ per_component) / 3.0)
    b = STAND_IN_AGE_MEAN - 127.5 * float(w.sum())
    return w, b


def _stand_in_split(seed: int, stream: int, n: int, noise_std: float, w, b):
    basis, amplitudes = _basis()
    rng = np.random.default_rng([seed, stream])
    z = rng.uniform(-1.0, 1.0, size=(n, len(basis)))
    images = (127.5 + (z * amplitudes) @ basis).astype(np.float32)
    ages = images.astype(np.float64) @ w + b + noise_std * rng.standard_normal(n)
    outside = int(np.count_nonzero((ages < AGE_MIN) | (ages > AGE_MAX)))
    return images, np.clip(ages, AGE_MIN, AGE_MAX).astype(np.float32), outside


def stand_in(
    seed: int, n_train: int = 5000, n_test: int = 1500, noise_std: float = 5.0
) -> DataSet:
    """A seeded synthetic set with the course files' shapes (see the module docstring).

    The same seed gives the same arrays; the age map depends on the seed only, and the test set
    does not change with ``n_train`` (each split has its own random stream).
    """
    if int(n_train) < 1 or int(n_test) < 1:
        raise ValueError(f"stand-in sizes must be positive, got n_train={n_train}, "
                         f"n_test={n_test}")
    if not (noise_std >= 0 and math.isfinite(noise_std)):
        raise ValueError(f"stand-in noise_std must be finite and >= 0, got {noise_std}")
    seed, n_train, n_test, noise_std = int(seed), int(n_train), int(n_test), float(noise_std)
    w, b = stand_in_map(seed)
    X_train, y_train, clipped_train = _stand_in_split(seed, 1, n_train, noise_std, w, b)
    X_test, y_test, clipped_test = _stand_in_split(seed, 2, n_test, noise_std, w, b)
    arrays = {"X_train": X_train, "y_train": y_train, "X_test": X_test, "y_test": y_test}
    best_mse = noise_std**2
    variance = float(np.var(y_train.astype(np.float64)))
    info = {
        "name": NAME,
        "source": "stand-in",
        "location": f"generated from seed {seed}",
        "sha256": {},
        "stand_in": True,
        "shapes": _shapes(arrays),
        "note": (
            "SYNTHETIC stand-in, not the course's face images: smooth random 48x48 images "
            "(pixels in [0, 255]) and ages = a fixed linear map of the pixels + Gaussian noise "
            f"(std {noise_std:g} years), clipped to [1, 100]. Numbers measured on it say "
            "nothing about the real data set."
        ),
        "seed": seed,
        "n_train": n_train,
        "n_test": n_test,
        "noise_std": noise_std,
        "best_mse": best_mse,
        "best_mse_standardised": best_mse / variance if variance > 0 else math.nan,
        "y_train_var": variance,
        "clipped": {"train": clipped_train, "test": clipped_test},
        "pixel_range": [float(X_train.min()), float(X_train.max())],
    }
    return DataSet(arrays=arrays, info=info)


# --------------------------------------------------------------------------- provider


def _settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    merged = with_defaults(settings, SETTINGS_DEFAULTS, "datasets.age_regression")
    merged["url"] = merged["url"] or BASE_URL
    return merged


def provide(settings: Mapping[str, Any], strict: bool, resources_dir: str | Path) -> DataSet:
    """The data set from the first source that works: ``settings["path"]``, the download into
    ``resources_dir`` (if ``settings["download"]``), else the stand-in.

    ``settings``: ``path`` (folder or None), ``download`` (bool), ``url`` (base URL),
    ``stand_in`` ({seed, n_train, n_test, noise_std}); missing keys take
    :data:`SETTINGS_DEFAULTS`, unknown keys are an error. With ``strict`` a fallback to the
    stand-in raises :class:`DataUnavailable` listing what was tried and how to supply the files.
    A source that is there but corrupt (bad shape, NaN, hash mismatch) is never passed over:
    :class:`CorruptData` names the file.
    """
    settings = _settings(settings)
    return first_available(
        NAME, settings, setting="datasets.age_regression", strict=strict,
        load_local=load_local,
        download=lambda: download(settings["url"], resources_dir),
        stand_in=lambda: stand_in(**settings["stand_in"]),
        how_to_supply=HOW_TO_SUPPLY,
    )


def local_paths(settings: Mapping[str, Any]) -> list[str]:
    """The course files in ``settings["path"]`` that exist (none when no path is set)."""
    return existing_files(settings.get("path"), [[name] for name in FILE_NAMES])
