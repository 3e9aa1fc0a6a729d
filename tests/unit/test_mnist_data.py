"""The MNIST / Fashion-MNIST provider: IDX files read locally (plain or gzipped) and their checks,
torchvision's download (against a local HTTP server), the digits stand-in, the fallbacks.

Nothing here touches the network: every mirror is a server on 127.0.0.1 started by the test
(fixtures ``server`` and ``dead_url`` in conftest.py).
"""

import gzip
import hashlib
import logging
import socket
import struct

import numpy as np
import pytest
import torchvision

from dlrepro import data as data_package
from dlrepro.data import digits, mnist
from dlrepro.data.base import CorruptData, DataSet, DataUnavailable

XTR, YTR, XTE, YTE = (mnist.FILES[k] for k in ("X_train", "y_train", "X_test", "y_test"))
SIDE = 6  # torchvision's reader takes any image size; tiny images keep the tests fast


def idx_bytes(array) -> bytes:
    """An IDX file of uint8 data: magic 0, 0, 0x08, ndim; each dimension as a 4-byte big-endian
    integer; the data row-major."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(struct.pack(">I", n) for n in array.shape)
    return header + array.tobytes()


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def tiny_arrays(n_train=12, n_test=5, side=SIDE, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "X_train": rng.integers(0, 256, size=(n_train, side, side), dtype=np.uint8),
        "y_train": np.arange(n_train, dtype=np.uint8) % 10,
        "X_test": rng.integers(0, 256, size=(n_test, side, side), dtype=np.uint8),
        "y_test": (np.arange(n_test, dtype=np.uint8) * 3) % 10,
    }


def write_idx(folder, arrays, gzipped=()):
    """The four IDX files in ``folder``; the keys in ``gzipped`` as ``<name>.gz``."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, array in arrays.items():
        data = idx_bytes(array)
        if key in gzipped:
            (folder / f"{mnist.FILES[key]}.gz").write_bytes(gz(data))
        else:
            (folder / mnist.FILES[key]).write_bytes(data)
    return folder


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def assert_same_arrays(dataset, arrays):
    for key, expected in arrays.items():
        got = dataset.arrays[key]
        np.testing.assert_array_equal(got, expected)
        assert got.dtype == (np.uint8 if key.startswith("X") else np.int64), key


# ------------------------------------------------------------------------------- load_local


@pytest.mark.parametrize("gzipped", [(), ("X_train", "y_train", "X_test", "y_test"),
                                     ("X_train", "y_test")], ids=["plain", "gzipped", "mixed"])
def test_load_local_reads_plain_and_gzipped_files_alike(tmp_path, gzipped):
    arrays = tiny_arrays()
    folder = write_idx(tmp_path / "idx", arrays, gzipped)
    dataset = mnist.load_local(folder, "fashion_mnist")
    assert isinstance(dataset, DataSet)
    assert_same_arrays(dataset, arrays)
    info = dataset.info
    assert info["source"] == "local" and info["name"] == "fashion_mnist"
    assert info["stand_in"] is False and dataset.stand_in is False
    assert info["classes"] == 10
    assert info["location"] == str(folder.resolve())
    assert info["image_shape"] == [SIDE, SIDE]
    assert info["shapes"] == {"X_train": [12, SIDE, SIDE], "y_train": [12],
                              "X_test": [5, SIDE, SIDE], "y_test": [5]}
    files = [folder / (mnist.FILES[key] + (".gz" if key in gzipped else "")) for key in arrays]
    assert info["sha256"] == {path.name: sha(path) for path in files}


def test_missing_file_is_unavailable_naming_the_file_and_the_folder(tmp_path):
    folder = write_idx(tmp_path / "idx", tiny_arrays())
    (folder / XTE).unlink()
    with pytest.raises(DataUnavailable) as error:
        mnist.load_local(folder)
    message = str(error.value)
    assert XTE in message and str(folder) in message
    assert XTR not in message and YTE not in message
    assert "no such folder" not in message


def test_missing_folder_is_unavailable_and_says_so(tmp_path):
    with pytest.raises(DataUnavailable) as error:
        mnist.load_local(tmp_path / "nowhere")
    message = str(error.value)
    assert "no such folder" in message and str(tmp_path / "nowhere") in message
    assert all(name in message for name in mnist.FILES.values())


def refused(folder, file_name):
    """Loading ``folder`` fails with a CorruptData naming ``folder / file_name``."""
    with pytest.raises(CorruptData) as error:
        mnist.load_local(folder)
    assert str(folder / file_name) in str(error.value)
    return str(error.value)


@pytest.mark.parametrize("cut", [1, SIDE * SIDE, SIDE * SIDE * 5 + 3])
def test_truncated_image_file_is_refused_by_name(tmp_path, cut):
    folder = write_idx(tmp_path, tiny_arrays())
    data = (folder / XTR).read_bytes()
    (folder / XTR).write_bytes(data[:-cut])
    refused(folder, XTR)


def test_truncated_header_is_refused_by_name(tmp_path):
    folder = write_idx(tmp_path, tiny_arrays())
    (folder / XTE).write_bytes(idx_bytes(tiny_arrays()["X_test"])[:10])
    refused(folder, XTE)


def test_gz_name_on_a_file_that_is_not_gzip_is_refused_by_name(tmp_path):
    folder = write_idx(tmp_path, tiny_arrays())
    plain = (folder / YTE).read_bytes()
    (folder / YTE).unlink()
    (folder / f"{YTE}.gz").write_bytes(plain)
    refused(folder, f"{YTE}.gz")


def test_truncated_gzip_is_refused_by_name(tmp_path):
    folder = write_idx(tmp_path, tiny_arrays(), gzipped=("X_train",))
    packed = (folder / f"{XTR}.gz").read_bytes()
    (folder / f"{XTR}.gz").write_bytes(packed[: len(packed) // 2])
    refused(folder, f"{XTR}.gz")


def test_images_stored_as_labels_and_wrong_dtype_are_refused_by_name(tmp_path):
    arrays = tiny_arrays()
    folder = write_idx(tmp_path / "a", arrays)
    (folder / XTR).write_bytes(idx_bytes(arrays["y_train"]))  # 1 dimension, not 3
    refused(folder, XTR)
    folder = write_idx(tmp_path / "b", arrays)
    int32 = bytes([0, 0, 0x0C, 1]) + struct.pack(">I", 5) + np.arange(5, dtype=">i4").tobytes()
    (folder / YTE).write_bytes(int32)  # int32 labels, not uint8
    refused(folder, YTE)


def test_an_idx_type_code_torchvision_does_not_know_is_refused_by_name(tmp_path):
    folder = write_idx(tmp_path, tiny_arrays())
    (folder / YTE).write_bytes(bytes([0, 0, 0x0A, 1]) + struct.pack(">I", 5) + bytes(5))
    refused(folder, YTE)

@pytest.mark.parametrize("label", [10, 255])
def test_labels_outside_0_to_9_are_refused_by_name(tmp_path, label):
    arrays = tiny_arrays()
    arrays["y_test"][2] = label
    message = refused(write_idx(tmp_path, arrays), YTE)
    assert str(label) in message


def test_fewer_labels_than_images_is_refused_naming_both_files(tmp_path):
    arrays = tiny_arrays()
    arrays["y_test"] = arrays["y_test"][:4]  # 4 labels for 5 images
    folder = write_idx(tmp_path, arrays)
    message = refused(folder, YTE)
    assert str(folder / XTE) in message and "4" in message and "5" in message


def test_train_and_test_images_of_different_sizes_are_refused(tmp_path):
    arrays = tiny_arrays()
    arrays["X_test"] = np.zeros((5, SIDE, SIDE + 1), dtype=np.uint8)
    folder = write_idx(tmp_path, arrays)
    message = refused(folder, XTE)
    assert str(folder / XTR) in message


def test_an_empty_file_set_is_refused(tmp_path):
    arrays = tiny_arrays()
    arrays["X_test"] = np.zeros((0, SIDE, SIDE), dtype=np.uint8)
    arrays["y_test"] = np.zeros((0,), dtype=np.uint8)
    folder = write_idx(tmp_path, arrays)
    with pytest.raises(CorruptData) as error:
        mnist.load_local(folder)
    assert str(folder / XTE) in str(error.value) or str(folder / YTE) in str(error.value)


# ------------------------------------------------------------------------------- stand-in


def test_stand_in_is_seeded_digits_split_by_test_fraction():
    first, again, other = mnist.stand_in(0, 0.2), mnist.stand_in(0, 0.2), mnist.stand_in(1, 0.2)
    for key in first.arrays:
        np.testing.assert_array_equal(first.arrays[key], again.arrays[key])
    assert not np.array_equal(first.arrays["y_test"], other.arrays["y_test"]) \
        or not np.array_equal(first.arrays["X_test"], other.arrays["X_test"])
    X_train, y_train = first.arrays["X_train"], first.arrays["y_train"]
    X_test, y_test = first.arrays["X_test"], first.arrays["y_test"]
    n = len(X_train) + len(X_test)
    assert n == 1797 and len(X_test) == round(0.2 * n)
    assert len(y_train) == len(X_train) and len(y_test) == len(X_test)
    assert X_train.dtype == np.uint8 and X_train.shape[1:] == (8, 8)
    assert y_train.dtype == np.int64 and set(np.unique(y_train)) == set(range(10))
    info = first.info
    assert info["stand_in"] is True and first.stand_in and info["source"] == "stand-in"
    assert info["classes"] == 10 and info["image_shape"] == [8, 8]
    assert "STAND-IN" in info["note"]
    assert info["seed"] == 0 and info["test_fraction"] == 0.2
    assert len(mnist.stand_in(0, 0.5).arrays["X_test"]) == round(0.5 * n)


def test_stand_in_splits_every_digit_once():
    dataset = mnist.stand_in(3, 0.3)
    images, labels = digits.images_and_labels()

    def rows(X, y):
        return sorted(bytes(image) + bytes([label]) for image, label in zip(X, y))

    split = rows(np.concatenate([dataset.arrays["X_train"], dataset.arrays["X_test"]]),
                 np.concatenate([dataset.arrays["y_train"], dataset.arrays["y_test"]]))
    assert split == rows(images, labels)


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5])
def test_stand_in_refuses_a_test_fraction_outside_0_1(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        mnist.stand_in(0, fraction)


# ------------------------------------------------------------------------------- provide


def test_provide_takes_the_local_copy_first_and_writes_nothing(tmp_path, dead_url):
    arrays = tiny_arrays()
    folder = write_idx(tmp_path / "idx", arrays, gzipped=("X_test",))
    resources = tmp_path / "resources"
    resources.mkdir()
    dataset = mnist.provide({"path": str(folder), "download": True, "mirrors": [dead_url]},
                            strict=True, resources_dir=resources)
    assert dataset.info["source"] == "local" and dataset.info["fallbacks"] == []
    assert dataset.info["name"] == "mnist"
    assert_same_arrays(dataset, arrays)
    assert list(resources.iterdir()) == []


def test_provide_without_path_or_download_falls_back_to_the_stand_in(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="dlrepro"):
        dataset = mnist.provide({"stand_in": {"seed": 2}}, strict=False, resources_dir=tmp_path)
    assert dataset.stand_in is True and dataset.info["source"] == "stand-in"
    assert dataset.info["seed"] == 2
    np.testing.assert_array_equal(dataset.arrays["y_test"], mnist.stand_in(2).arrays["y_test"])
    fallbacks = dataset.info["fallbacks"]
    assert len(fallbacks) == 2
    assert "local copy" in fallbacks[0] and "datasets.mnist.path" in fallbacks[0]
    assert "download" in fallbacks[1] and "datasets.mnist.download" in fallbacks[1]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("STAND-IN" in message for message in warnings)
    assert list(tmp_path.iterdir()) == []


def test_provide_with_a_missing_local_copy_falls_back_with_its_reason(tmp_path):
    dataset = mnist.provide({"path": str(tmp_path / "nowhere")}, strict=False,
                            resources_dir=tmp_path)
    assert dataset.stand_in
    assert "local copy" in dataset.info["fallbacks"][0]
    assert str(tmp_path / "nowhere") in dataset.info["fallbacks"][0]


def test_strict_without_real_data_says_how_to_supply_it(tmp_path):
    with pytest.raises(DataUnavailable) as error:
        mnist.provide({}, strict=True, resources_dir=tmp_path)
    message = str(error.value)
    assert "datasets.mnist.path" in message
    assert all(name in message for name in mnist.FILES.values())
    assert "datasets.strict" in message


def test_a_corrupt_local_copy_is_never_passed_over(tmp_path):
    arrays = tiny_arrays()
    arrays["y_train"][0] = 11
    folder = write_idx(tmp_path / "idx", arrays)
    for strict in (False, True):
        with pytest.raises(CorruptData, match=YTR):
            mnist.provide({"path": str(folder)}, strict=strict, resources_dir=tmp_path)


@pytest.mark.parametrize("settings, fragment", [
    ({"paht": "/data"}, "paht"),
    ({"stand_in": {"seed": 0, "fraction": 0.2}}, "fraction"),
    ({"name": "cifar10"}, "cifar10"),
])
def test_unknown_settings_and_names_are_refused_by_name(tmp_path, settings, fragment):
    with pytest.raises(ValueError, match=fragment):
        mnist.provide(settings, strict=False, resources_dir=tmp_path)


# ------------------------------------------------------------------------------- download


def serve(server, arrays, prefix="/mirror/"):
    """The four files gzipped at ``server.base + prefix``; their md5 sums by file name."""
    sums = {}
    for key, array in arrays.items():
        body = gz(idx_bytes(array))
        name = f"{mnist.FILES[key]}.gz"
        server.routes[prefix + name] = ("ok", body)
        sums[name] = md5(body)
    return sums


def pin(monkeypatch, dataset_class, sums):
    monkeypatch.setattr(dataset_class, "resources",
                        [(f"{mnist.FILES[key]}.gz", sums[f"{mnist.FILES[key]}.gz"])
                         for key in ("X_train", "y_train", "X_test", "y_test")])


@pytest.mark.parametrize("name, dataset_class", [
    ("mnist", torchvision.datasets.MNIST),
    ("fashion_mnist", torchvision.datasets.FashionMNIST),
])
def test_download_from_a_mirror_gives_the_served_data(server, tmp_path, monkeypatch, name,
                                                      dataset_class):
    arrays = tiny_arrays(seed=7)
    pin(monkeypatch, dataset_class, serve(server, arrays))
    mirror = server.base + "/mirror/"
    resources = tmp_path / "resources"
    dataset = mnist.provide({"name": name, "download": True, "mirrors": [mirror]}, strict=True,
                            resources_dir=resources)
    assert_same_arrays(dataset, arrays)
    info = dataset.info
    assert info["source"] == "download" and info["name"] == name
    assert info["stand_in"] is False and info["mirrors"] == [mirror]
    raw = resources / dataset_class.__name__ / "raw"
    assert info["location"] == str(raw.resolve())
    assert info["fallbacks"] == ["local copy: datasets.mnist.path is not set"]
    assert info["sha256"] == {base: sha(raw / base) for base in mnist.FILES.values()}
    assert any(path.startswith("/mirror/") for path in server.requests)
    # torchvision's own mirrors were left alone
    assert "127.0.0.1" not in " ".join(dataset_class.mirrors)


def test_a_second_download_reuses_the_verified_files(server, tmp_path, monkeypatch):
    arrays = tiny_arrays(seed=8)
    pin(monkeypatch, torchvision.datasets.MNIST, serve(server, arrays))
    mirror = server.base + "/mirror/"
    mnist.download("mnist", tmp_path, [mirror], timeout=5)
    server.requests.clear()
    server.routes.clear()  # nothing served now: the files must come from resources_dir
    assert_same_arrays(mnist.download("mnist", tmp_path, [mirror], timeout=5), arrays)
    assert server.requests == []


def test_a_served_file_with_the_wrong_md5_falls_back_and_is_not_kept(server, tmp_path,
                                                                     monkeypatch):
    arrays = tiny_arrays(seed=9)
    sums = serve(server, arrays)
    sums[f"{YTE}.gz"] = md5(b"something else")
    pin(monkeypatch, torchvision.datasets.MNIST, sums)
    mirror = server.base + "/mirror/"
    resources = tmp_path / "resources"
    dataset = mnist.provide({"download": True, "mirrors": [mirror]}, strict=False,
                            resources_dir=resources)
    assert dataset.stand_in is True
    reason = dataset.info["fallbacks"][1]
    assert reason.startswith("download:") and mirror in reason and f"{YTE}.gz" in reason
    raw = resources / "MNIST" / "raw"
    assert not (raw / f"{YTE}.gz").exists() and not (raw / YTE).exists()
    with pytest.raises(DataUnavailable) as error:
        mnist.provide({"download": True, "mirrors": [mirror]}, strict=True,
                      resources_dir=resources)
    assert mirror in str(error.value)
    assert not (raw / f"{YTE}.gz").exists()


@pytest.mark.parametrize("name", [YTR, YTE], ids=["train file", "test file"])
def test_a_corrupt_downloaded_file_is_refused_by_name(server, tmp_path, monkeypatch, name):
    pin(monkeypatch, torchvision.datasets.MNIST, serve(server, tiny_arrays(seed=10)))
    settings = {"download": True, "mirrors": [server.base + "/mirror/"]}
    mnist.provide(settings, strict=True, resources_dir=tmp_path)
    stored = tmp_path / "MNIST" / "raw" / name
    stored.write_bytes(stored.read_bytes()[:-2])
    with pytest.raises(CorruptData, match=str(stored)):
        mnist.provide(settings, strict=False, resources_dir=tmp_path)


def test_a_dead_mirror_falls_back_with_a_reason(dead_url, tmp_path):
    dataset = mnist.provide({"download": True, "mirrors": [dead_url]}, strict=False,
                            resources_dir=tmp_path)
    assert dataset.stand_in is True
    reason = dataset.info["fallbacks"][1]
    assert reason.startswith("download:") and dead_url in reason
    with pytest.raises(DataUnavailable, match="datasets.mnist.path"):
        mnist.provide({"download": True, "mirrors": [dead_url]}, strict=True,
                      resources_dir=tmp_path)


def test_download_restores_the_default_socket_timeout(dead_url, tmp_path):
    before = socket.getdefaulttimeout()
    with pytest.raises(DataUnavailable):
        mnist.download("mnist", tmp_path, [dead_url], timeout=3.5)
    assert socket.getdefaulttimeout() == before


# ------------------------------------------------------------------------------- local_paths


def test_local_paths_lists_only_the_files_that_exist(tmp_path):
    arrays = tiny_arrays()
    folder = write_idx(tmp_path, {key: arrays[key] for key in ("X_train", "y_test")},
                       gzipped=("y_test",))
    assert mnist.local_paths({"path": str(folder)}) == [str(folder / XTR),
                                                       str(folder / f"{YTE}.gz")]
    assert mnist.local_paths({"path": None}) == []
    assert mnist.local_paths({}) == []
    assert mnist.local_paths({"path": str(tmp_path / "nowhere")}) == []


def test_provider_names_the_mnist_module_and_refuses_unknown_names():
    assert data_package.provider("mnist") is mnist
    with pytest.raises(ValueError, match="nope"):
        data_package.provider("nope")

