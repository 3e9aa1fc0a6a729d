"""The Intel landscapes provider: the .npz loader and its checks, the stand-in, strict mode."""

import hashlib
import logging

import numpy as np
import pytest

from dlrepro.data import intel_landscapes as il
from dlrepro.data.base import CorruptData, DataUnavailable


def course_arrays(sizes=(5, 3, 4), seed=0, label_shape=()):
    rng = np.random.default_rng(seed)
    arrays = {}
    for split, n in zip(il.SPLITS, sizes, strict=True):
        arrays[f"{split}_images"] = rng.integers(0, 256, size=(n, 48, 48, 3)).astype(np.uint8)
        arrays[f"{split}_labels"] = rng.integers(0, 6, size=(n, *label_shape)).astype(np.uint8)
    return arrays


def write(path, arrays):
    np.savez_compressed(path, **arrays)
    return path


def test_loads_the_course_file_as_stored(tmp_path, caplog):
    arrays = course_arrays()
    path = write(tmp_path / "intel_landscapes.npz", arrays)
    with caplog.at_level(logging.WARNING, logger="dlrepro"):
        dataset = il.load_local(path)
    X, y = dataset.arrays["X_train"], dataset.arrays["y_train"]
    assert X.dtype == np.uint8 and X.shape == (5, 48, 48, 3)
    np.testing.assert_array_equal(X, arrays["train_images"])
    assert y.dtype == np.int64 and y.shape == (5,)
    np.testing.assert_array_equal(y, arrays["train_labels"])
    assert dataset.arrays["X_val"].shape == (3, 48, 48, 3) and len(dataset.arrays["y_test"]) == 4
    info = dataset.info
    assert info["source"] == "local" and info["stand_in"] is False and not dataset.stand_in
    assert info["classes"] == 6 and info["sizes"] == {"train": 5, "val": 3, "test": 4}
    assert info["sha256"] == {path.name: hashlib.sha256(path.read_bytes()).hexdigest()}
    assert info["stored"]["train_labels"] == {"shape": [5], "dtype": "uint8"}
    # not the course's 12630/1404/3000: used, but said
    assert info["sizes_as_course"] is False
    assert "differ from the course's" in caplog.text


def test_labels_stored_as_a_column_and_float_pixels_are_accepted(tmp_path):
    arrays = course_arrays(label_shape=(1,))
    arrays["val_images"] = arrays["val_images"].astype(np.float64)
    dataset = il.load_local(write(tmp_path / "f.npz", arrays))
    assert dataset.arrays["y_train"].shape == (5,)
    assert dataset.arrays["X_val"].dtype == np.float32
    np.testing.assert_array_equal(dataset.arrays["X_val"], arrays["val_images"])


@pytest.mark.parametrize("change, key, message", [
    (lambda a: a.pop("val_labels"), "val_labels", "missing key"),
    (lambda a: a.update(test_labels=a["test_labels"][:3]), "test_labels", "3 labels, but"),
    (lambda a: a.update(train_labels=np.array([0, 1, 6, 2, 3])), "train_labels",
     r"1 labels outside 0\.\.5"),
    (lambda a: a.update(train_labels=np.array([0, -1, 2, 2, 3])), "train_labels", "outside"),
    (lambda a: a.update(train_labels=np.array([0, 1.5, 2, 2, 3])), "train_labels",
     "whole numbers"),
    (lambda a: a.update(val_images=a["val_images"][..., 0]), "val_images", "must have shape"),
    (lambda a: a.update(test_images=np.full((4, 48, 48, 3), np.nan)), "test_images", "NaN"),
    (lambda a: a.update(test_images=np.full((4, 48, 48, 3), 300.0)), "test_images",
     r"0\.\.255"),
])
def test_a_bad_file_is_refused_naming_the_file_and_the_key(tmp_path, change, key, message):
    arrays = course_arrays()
    change(arrays)
    path = write(tmp_path / "bad.npz", arrays)
    with pytest.raises(CorruptData, match=message) as error:
        il.load_local(path)
    assert str(path) in str(error.value) and key in str(error.value)


def test_a_file_that_is_no_npz_archive_is_refused(tmp_path):
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not an archive")
    with pytest.raises(CorruptData, match="garbage.npz"):
        il.load_local(garbage)
    single = tmp_path / "single.npz"
    with open(single, "wb") as handle:
        np.save(handle, np.zeros(3))
    with pytest.raises(CorruptData, match="single array"):
        il.load_local(single)


def test_a_missing_file_is_unavailable(tmp_path):
    with pytest.raises(DataUnavailable, match="no such file"):
        il.load_local(tmp_path / "absent.npz")


def test_provide_reads_the_path_and_never_passes_over_a_corrupt_file(tmp_path):
    path = write(tmp_path / "good.npz", course_arrays())
    dataset = il.provide({"path": str(path)}, strict=True)
    assert dataset.info["source"] == "local" and dataset.info["fallbacks"] == []
    arrays = course_arrays()
    del arrays["train_images"]
    bad = write(tmp_path / "bad.npz", arrays)
    with pytest.raises(CorruptData, match="train_images"):
        il.provide({"path": str(bad)}, strict=False)


def test_strict_refuses_the_stand_in_and_says_how_to_supply_the_file(tmp_path):
    for settings in ({"path": None}, {"path": str(tmp_path / "absent.npz")}):
        with pytest.raises(DataUnavailable) as error:
            il.provide(settings, strict=True)
        message = str(error.value)
        assert "datasets.intel_landscapes.path" in message and "intel_landscapes.npz" in message
        assert "datasets.strict: false" in message


def test_the_stand_in_is_marked_and_seeded(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="dlrepro"):
        dataset = il.provide({"path": str(tmp_path / "absent.npz"),
                              "stand_in": {"seed": 3, "train": 100, "val": 0.1, "test": 50}},
                             strict=False)
    info = dataset.info
    assert dataset.stand_in and info["stand_in"] is True and info["source"] == "stand-in"
    assert "STAND-IN" in info["note"] and "seed 3" in info["note"]
    assert info["sizes"] == {"train": 100, "val": 180, "test": 50} and info["seed"] == 3
    assert info["classes"] == 10 and "no such file" in info["fallbacks"][0]
    assert "STAND-IN" in caplog.text
    assert dataset.arrays["X_train"].dtype == np.uint8
    assert dataset.arrays["y_train"].dtype == np.int64
    again = il.stand_in(seed=3, train=100, val=0.1, test=50)
    other = il.stand_in(seed=4, train=100, val=0.1, test=50)
    np.testing.assert_array_equal(again.arrays["y_test"], dataset.arrays["y_test"])
    assert not np.array_equal(other.arrays["X_train"], dataset.arrays["X_train"])


def test_unknown_settings_are_refused():
    with pytest.raises(ValueError, match="unknown keys"):
        il.provide({"path": None, "download": True}, strict=False)
    with pytest.raises(ValueError, match="stand_in: unknown keys"):
        il.provide({"stand_in": {"n_train": 3}}, strict=False)
