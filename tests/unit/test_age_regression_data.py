"""The age-regression provider: the .npy loader and its checks, the stand-in, the fallbacks.

(The download path, against a local HTTP server, is tested in test_download.py.)
"""

import hashlib
import logging

import numpy as np
import pytest
import torch

from dlrepro.data import age_regression as ar
from dlrepro.data.base import CorruptData, DataSet, DataUnavailable

XTR, YTR, XTE, YTE = (ar.FILES[k] for k in ("X_train", "y_train", "X_test", "y_test"))


def course_arrays(n_train=10, n_test=4, image_shape=(48, 48), dtype=np.uint8, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "X_train": rng.integers(0, 256, size=(n_train, *image_shape)).astype(dtype),
        "y_train": rng.uniform(1, 100, size=n_train),
        "X_test": rng.integers(0, 256, size=(n_test, *image_shape)).astype(dtype),
        "y_test": rng.uniform(1, 100, size=n_test),
    }


def write_course(folder, arrays):
    folder.mkdir(parents=True, exist_ok=True)
    for key, array in arrays.items():
        np.save(folder / ar.FILES[key], array)
    return folder


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------------- load_local


def test_loads_images_stored_as_48x48_flattened_float32_values_unscaled(tmp_path, caplog):
    arrays = course_arrays()
    folder = write_course(tmp_path / "course", arrays)
    with caplog.at_level(logging.WARNING, logger="dlrepro"):
        dataset = ar.load_local(folder)
    assert isinstance(dataset, DataSet)
    X, y = dataset.arrays["X_train"], dataset.arrays["y_train"]
    assert X.shape == (10, 2304) and X.dtype == np.float32
    assert y.shape == (10,) and y.dtype == np.float32
    # Row-major flattening, pixel values as stored (0..255, not rescaled).
    np.testing.assert_array_equal(X[3].reshape(48, 48), arrays["X_train"][3])
    np.testing.assert_allclose(y, arrays["y_train"], rtol=1e-6)
    assert dataset.arrays["X_test"].shape == (4, 2304)
    info = dataset.info
    assert info["name"] == "age_regression" and info["source"] == "local"
    assert info["stand_in"] is False and dataset.stand_in is False
    assert info["location"] == str(folder.resolve())
    assert info["sha256"] == {name: sha(folder / name) for name in ar.FILE_NAMES}
    assert info["sha256_pinned"] == {name: False for name in ar.FILE_NAMES}
    assert info["shapes"] == {"X_train": [10, 2304], "y_train": [10],
                              "X_test": [4, 2304], "y_test": [4]}
    assert info["stored"][XTR] == {"shape": [10, 48, 48], "dtype": "uint8"}
    # No pinned hash: a warning that names the files and gives the hashes to pin.
    warning = " ".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert "no sha256 pinned" in warning
    assert all(name in warning and info["sha256"][name] in warning for name in ar.FILE_NAMES)


def test_accepts_flat_images_of_any_real_dtype(tmp_path):
    arrays = course_arrays(image_shape=(2304,), dtype=np.float64)
    arrays["y_train"] = arrays["y_train"].astype(np.int16)
    dataset = ar.load_local(write_course(tmp_path, arrays))
    np.testing.assert_array_equal(dataset.arrays["X_train"], arrays["X_train"].astype(np.float32))
    np.testing.assert_array_equal(dataset.arrays["y_train"], arrays["y_train"].astype(np.float32))
    assert dataset.arrays["y_train"].dtype == np.float32


def test_pinned_hashes_are_enforced(tmp_path, caplog):
    folder = write_course(tmp_path, course_arrays())
    pinned = {name: sha(folder / name) for name in ar.FILE_NAMES}
    with caplog.at_level(logging.WARNING, logger="dlrepro"):
        dataset = ar.load_local(folder, sha256=pinned)
    assert all(dataset.info["sha256_pinned"].values())
    assert not any("no sha256 pinned" in r.getMessage() for r in caplog.records)
    pinned[YTE] = "0" * 64
    with pytest.raises(CorruptData, match=YTE):
        ar.load_local(folder, sha256=pinned)


def test_missing_file_is_unavailable_naming_file_and_folder(tmp_path):
    folder = write_course(tmp_path / "course", course_arrays())
    (folder / XTE).unlink()
    with pytest.raises(DataUnavailable) as error:
        ar.load_local(folder)
    assert XTE in str(error.value) and str(folder) in str(error.value)
    assert XTR not in str(error.value)


def test_missing_folder_is_unavailable(tmp_path):
    with pytest.raises(DataUnavailable, match="no such folder"):
        ar.load_local(tmp_path / "nowhere")


def refused(tmp_path, arrays, file_name, *fragments):
    """Write the course files and assert that loading them fails naming ``file_name``."""
    folder = write_course(tmp_path / "course", arrays)
    with pytest.raises(CorruptData) as error:
        ar.load_local(folder)
    message = str(error.value)
    assert str(folder / file_name) in message
    for fragment in fragments:
        assert fragment in message
    return message


def test_wrong_image_shape_is_refused(tmp_path):
    arrays = course_arrays()
    arrays["X_train"] = arrays["X_train"][:, :47, :]
    refused(tmp_path, arrays, XTR, "(10, 47, 48)")


def test_wrong_feature_count_is_refused(tmp_path):
    arrays = course_arrays(image_shape=(2304,))
    arrays["X_test"] = arrays["X_test"][:, :2300]
    refused(tmp_path, arrays, XTE, "2304")


def test_nan_in_images_is_refused(tmp_path):
    arrays = course_arrays(dtype=np.float32)
    arrays["X_test"][1, 5, 7] = np.nan
    refused(tmp_path, arrays, XTE, "1 NaN")


def test_inf_in_labels_is_refused(tmp_path):
    arrays = course_arrays()
    arrays["y_train"][0] = np.inf
    refused(tmp_path, arrays, YTR, "infinite")


def test_label_count_must_match_image_count(tmp_path):
    arrays = course_arrays()
    arrays["y_test"] = arrays["y_test"][:3]
    message = refused(tmp_path, arrays, YTE, "3 labels", "4 images")
    assert XTE in message


def test_labels_must_be_1d(tmp_path):
    arrays = course_arrays()
    arrays["y_train"] = arrays["y_train"][:, None]
    refused(tmp_path, arrays, YTR, "1-D")


def test_empty_arrays_are_refused(tmp_path):
    arrays = course_arrays()
    arrays["X_test"] = arrays["X_test"][:0]
    arrays["y_test"] = arrays["y_test"][:0]
    refused(tmp_path, arrays, XTE, "empty")


def test_non_numeric_labels_are_refused(tmp_path):
    arrays = course_arrays()
    arrays["y_train"] = np.array(["ten"] * 10)
    refused(tmp_path, arrays, YTR, "dtype")


def test_unreadable_and_pickled_files_are_refused(tmp_path):
    folder = write_course(tmp_path / "course", course_arrays())
    (folder / YTR).write_bytes(b"this is not an npy file")
    with pytest.raises(CorruptData, match=str(folder / YTR)):
        ar.load_local(folder)
    np.save(folder / YTR, np.array([1.0, "x"] * 5, dtype=object), allow_pickle=True)
    with pytest.raises(CorruptData, match=str(folder / YTR)):
        ar.load_local(folder)


def test_validate_names_the_given_source():
    arrays = {"X_train": np.zeros((2, 48, 48)), "y_train": np.zeros(3)}
    with pytest.raises(CorruptData, match="labels.npy: 3 labels, but images.npy holds 2"):
        ar.validate(arrays, {"X_train": "images.npy", "y_train": "labels.npy"})
    ar.validate({"X_train": np.zeros((2, 2304)), "y_train": np.zeros(2)}, {})  # fine


# --------------------------------------------------------------------------------- stand-in


def test_stand_in_is_deterministic_by_seed():
    a, b, c = ar.stand_in(7, 200, 50), ar.stand_in(7, 200, 50), ar.stand_in(8, 200, 50)
    for key in a.arrays:
        np.testing.assert_array_equal(a.arrays[key], b.arrays[key])
        assert not np.array_equal(a.arrays[key], c.arrays[key])
    assert a.info == b.info
    # Each split has its own stream: the test set does not depend on n_train.
    d = ar.stand_in(7, 300, 50)
    np.testing.assert_array_equal(a.arrays["X_test"], d.arrays["X_test"])
    np.testing.assert_array_equal(a.arrays["y_test"], d.arrays["y_test"])


def test_stand_in_has_the_course_shapes_pixel_and_age_ranges():
    dataset = ar.stand_in(0)  # the default sizes
    X, y = dataset.arrays["X_train"], dataset.arrays["y_train"]
    assert X.shape == (5000, 2304) and X.dtype == np.float32
    assert y.shape == (5000,) and y.dtype == np.float32
    assert dataset.arrays["X_test"].shape == (1500, 2304)
    assert dataset.arrays["y_test"].shape == (1500,)
    for key in ("X_train", "X_test"):
        assert 0.0 <= dataset.arrays[key].min() and dataset.arrays[key].max() <= 255.0
    for key in ("y_train", "y_test"):
        assert 1.0 <= dataset.arrays[key].min() and dataset.arrays[key].max() <= 100.0
    assert X.std(axis=0).mean() > 10  # images vary, not a constant grey
    ar.validate(dataset.arrays, {})  # it passes the checks the real files must pass
    info = dataset.info
    assert info["stand_in"] is True and dataset.stand_in is True
    assert info["source"] == "stand-in" and info["name"] == "age_regression"
    assert "synthetic" in info["note"].lower()
    assert info["sha256"] == {} and "location" in info
    assert info["shapes"]["X_train"] == [5000, 2304]
    assert info["clipped"] == {"train": 0, "test": 0}
    assert info["best_mse"] == 25.0
    assert info["best_mse_standardised"] == pytest.approx(25.0 / np.var(y.astype(np.float64)))


def test_stand_in_ages_are_the_published_linear_map_plus_noise():
    dataset = ar.stand_in(2, n_train=3000, n_test=10, noise_std=4.0)
    w, b = ar.stand_in_map(2)
    X, y = dataset.arrays["X_train"].astype(np.float64), dataset.arrays["y_train"]
    residual = y - (X @ w + b)
    assert residual.mean() == pytest.approx(0.0, abs=0.3)
    assert residual.std() == pytest.approx(4.0, rel=0.05)
    noiseless = ar.stand_in(2, n_train=50, n_test=10, noise_std=0.0)
    X0 = noiseless.arrays["X_train"].astype(np.float64)
    np.testing.assert_allclose(noiseless.arrays["y_train"], X0 @ w + b, rtol=1e-5)
    assert noiseless.info["best_mse"] == 0.0


def pooled(X):
    """3×3 average pooling: (n, 2304) -> (n, 256) plus an intercept column, float64."""
    n = len(X)
    pooled = X.astype(np.float64).reshape(n, 16, 3, 16, 3).mean(axis=(2, 4)).reshape(n, 256)
    return np.c_[pooled, np.ones(n)]


def lstsq(A, y, rcond):
    """Minimum-norm least squares (LAPACK gelsd) on one thread: multi-threaded BLAS can be
    a hundred times slower on a loaded machine, and this is a 3000 x 257 problem."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        result = torch.linalg.lstsq(
            torch.from_numpy(A), torch.from_numpy(y)[:, None], rcond=rcond, driver="gelsd"
        )
    finally:
        torch.set_num_threads(threads)
    return result.solution[:, 0].numpy(), int(result.rank)


def test_least_squares_on_the_stand_in_reaches_best_mse():
    # Least squares on 3×3-pooled pixels: pooling is a fixed linear map that keeps the images'
    # 64 smooth components, so the best linear predictor still has error noise_std²; with 256
    # columns the solve stays quick (an SVD of all 2304 columns is slow on a busy machine; the
    # ages' exact dependence on all pixels is checked in the test above).
    n_train, n_test, noise_std = 3000, 2000, 5.0
    dataset = ar.stand_in(0, n_train=n_train, n_test=n_test, noise_std=noise_std)
    A, B = pooled(dataset.arrays["X_train"]), pooled(dataset.arrays["X_test"])
    # rcond: the images span 64 directions; float32 storage adds ~1e-9-relative rounding in the
    # others, which plain least squares would fit.
    coef, rank = lstsq(A, dataset.arrays["y_train"].astype(np.float64), rcond=1e-6)
    assert rank == 65  # 64 image components + intercept
    train_mse = np.mean((A @ coef - dataset.arrays["y_train"]) ** 2)
    test_mse = np.mean((B @ coef - dataset.arrays["y_test"]) ** 2)
    best = dataset.info["best_mse"]
    assert best == noise_std**2
    assert train_mse == pytest.approx(best, rel=0.10)
    assert test_mse == pytest.approx(best, rel=0.10)
    # In standardised units (targets divided by their std) the same fit gives best_mse_standardised.
    assert train_mse / dataset.info["y_train_var"] == pytest.approx(
        dataset.info["best_mse_standardised"], rel=0.10
    )
    # No predictor beats the noise by much: least squares is not far below it either.
    assert train_mse > 0.9 * best


def test_stand_in_rejects_bad_sizes_and_noise():
    with pytest.raises(ValueError):
        ar.stand_in(0, n_train=0)
    with pytest.raises(ValueError):
        ar.stand_in(0, noise_std=-1.0)


# ------------------------------------------------------------------------- provide (offline)


SMALL = {"seed": 1, "n_train": 30, "n_test": 10, "noise_std": 5.0}


def test_provide_prefers_the_local_folder(tmp_path):
    folder = write_course(tmp_path / "course", course_arrays())
    settings = {"path": str(folder), "download": False, "url": None, "stand_in": SMALL}
    dataset = ar.provide(settings, strict=True, resources_dir=tmp_path / "resources")
    assert dataset.info["source"] == "local" and dataset.info["fallbacks"] == []
    assert not (tmp_path / "resources").exists()


def test_provide_without_local_or_download_uses_the_stand_in_and_says_so(tmp_path, caplog):
    settings = {"path": None, "download": False, "url": ar.BASE_URL, "stand_in": SMALL}
    with caplog.at_level(logging.INFO, logger="dlrepro"):
        dataset = ar.provide(settings, strict=False, resources_dir=tmp_path)
    assert dataset.stand_in and dataset.info["seed"] == 1
    assert dataset.arrays["X_train"].shape == (30, 2304)
    assert len(dataset.info["fallbacks"]) == 2
    assert any(r.levelno == logging.WARNING and "STAND-IN" in r.getMessage()
               for r in caplog.records)
    assert list(tmp_path.iterdir()) == []  # nothing downloaded


def test_provide_strict_without_real_data_says_how_to_supply_it(tmp_path):
    settings = {"path": None, "download": False, "url": ar.BASE_URL, "stand_in": SMALL}
    with pytest.raises(DataUnavailable) as error:
        ar.provide(settings, strict=True, resources_dir=tmp_path)
    message = str(error.value)
    assert "datasets.age_regression.path" in message
    assert "datasets.age_regression.download: true" in message
    assert all(name in message for name in ar.FILE_NAMES)


def test_provide_never_passes_over_a_corrupt_local_copy(tmp_path):
    arrays = course_arrays()
    arrays["y_train"][2] = np.nan
    folder = write_course(tmp_path / "course", arrays)
    settings = {"path": str(folder), "download": False, "stand_in": SMALL}
    for strict in (False, True):
        with pytest.raises(CorruptData, match=str(folder / YTR)):
            ar.provide(settings, strict=strict, resources_dir=tmp_path / "r")


def test_provide_rejects_unknown_settings(tmp_path):
    with pytest.raises(ValueError, match="downlaod"):
        ar.provide({"path": None, "downlaod": True}, strict=False, resources_dir=tmp_path)
    with pytest.raises(ValueError, match="noise"):
        ar.provide({"stand_in": {"noise": 1.0}}, strict=False, resources_dir=tmp_path)


def test_info_survives_the_prepared_dataset_round_trip(tmp_path):
    from dlrepro.data.base import load_dataset, save_dataset

    for dataset in (ar.load_local(write_course(tmp_path / "course", course_arrays())),
                    ar.stand_in(0, n_train=20, n_test=5)):
        save_dataset(dataset, tmp_path / "data.npz", tmp_path / "info.json")
        again = load_dataset(tmp_path / "data.npz", tmp_path / "info.json")
        assert again.info == dataset.info
        for key, array in dataset.arrays.items():
            np.testing.assert_array_equal(again.arrays[key], array)
            assert again.arrays[key].dtype == np.float32
