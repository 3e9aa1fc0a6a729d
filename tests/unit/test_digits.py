import numpy as np
import pytest

from dlrepro.data import digits


def test_digits_are_uint8_images_with_ten_classes():
    images, labels = digits.images_and_labels()
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    assert images.max() == 255 and images.min() == 0
    assert set(np.unique(labels)) == set(range(10))


def test_split_is_seeded_disjoint_and_sized():
    parts = digits.split_indices(100, {"train": 0.7, "test": 30}, seed=3)
    assert len(parts["train"]) == 70 and len(parts["test"]) == 30
    assert not set(parts["train"]) & set(parts["test"])
    again = digits.split_indices(100, {"train": 0.7, "test": 30}, seed=3)
    assert all((parts[k] == again[k]).all() for k in parts)
    other = digits.split_indices(100, {"train": 0.7, "test": 30}, seed=4)
    assert not (parts["train"] == other["train"]).all()


def test_split_refuses_more_rows_than_there_are():
    with pytest.raises(ValueError, match="cannot split 10 rows"):
        digits.split_indices(10, {"train": 8, "test": 5}, seed=0)
