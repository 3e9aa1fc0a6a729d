"""``fetch`` and the download path of the age-regression provider, against a local HTTP server.

Nothing here touches the network: every URL points at a server on 127.0.0.1 started by the test
(fixtures ``server`` and ``dead_url`` in conftest.py).
"""

import hashlib
import io
import logging

import numpy as np
import pytest

from dlrepro.data import age_regression
from dlrepro.data.base import CorruptData, DataUnavailable
from dlrepro.data.download import fetch, sha256_file

TIMEOUT = 5.0


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


BODY = bytes(range(256)) * 41  # 10496 bytes


# ----------------------------------------------------------------------------------- fetch


def test_good_file_is_written_whole_and_its_hash_returned(server, tmp_path):
    server.routes["/good.bin"] = ("ok", BODY)
    dest = tmp_path / "sub" / "good.bin"  # the folder does not exist yet
    digest = fetch(server.base + "/good.bin", dest, None, timeout=TIMEOUT)
    assert digest == sha(BODY)
    assert dest.read_bytes() == BODY
    assert leftovers(dest.parent) == []


def test_pinned_hash_that_matches_is_accepted(server, tmp_path):
    server.routes["/good.bin"] = ("ok", BODY)
    dest = tmp_path / "good.bin"
    assert fetch(server.base + "/good.bin", dest, sha(BODY).upper(), timeout=TIMEOUT) == sha(BODY)
    assert sha256_file(dest) == sha(BODY)


def test_wrong_hash_is_refused_naming_file_and_both_hashes_and_not_kept(server, tmp_path):
    server.routes["/data.bin"] = ("ok", BODY)
    pinned = sha(b"something else")
    dest = tmp_path / "data.bin"
    with pytest.raises(CorruptData) as error:
        fetch(server.base + "/data.bin", dest, pinned, timeout=TIMEOUT)
    message = str(error.value)
    assert "data.bin" in message and pinned in message and sha(BODY) in message
    assert not dest.exists()
    assert leftovers(tmp_path) == []


def test_failed_fetch_leaves_an_existing_file_untouched(server, tmp_path):
    server.routes["/data.bin"] = ("ok", BODY)
    dest = tmp_path / "data.bin"
    dest.write_bytes(b"old contents")
    with pytest.raises(CorruptData):
        fetch(server.base + "/data.bin", dest, sha(b"other"), timeout=TIMEOUT)
    assert dest.read_bytes() == b"old contents"


def test_truncated_transfer_is_an_error_naming_the_url(server, tmp_path):
    server.routes["/cut.bin"] = ("truncated", BODY)
    dest = tmp_path / "cut.bin"
    url = server.base + "/cut.bin"
    with pytest.raises(DataUnavailable) as error:
        fetch(url, dest, None, timeout=TIMEOUT)
    assert url in str(error.value)
    assert "truncated" in str(error.value)
    assert str(len(BODY)) in str(error.value) and str(2 * len(BODY)) in str(error.value)
    assert not dest.exists()
    assert leftovers(tmp_path) == []


def test_missing_content_length_is_accepted(server, tmp_path):
    server.routes["/stream.bin"] = ("no-length", BODY)
    dest = tmp_path / "stream.bin"
    assert fetch(server.base + "/stream.bin", dest, sha(BODY), timeout=TIMEOUT) == sha(BODY)
    assert dest.read_bytes() == BODY


def test_http_404_is_unavailable_naming_the_url(server, tmp_path):
    url = server.base + "/nothing-here.bin"
    with pytest.raises(DataUnavailable) as error:
        fetch(url, tmp_path / "x.bin", None, timeout=TIMEOUT)
    assert url in str(error.value) and "404" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_server_is_unavailable_naming_the_url(dead_url, tmp_path):
    url = dead_url + "x.bin"
    with pytest.raises(DataUnavailable) as error:
        fetch(url, tmp_path / "x.bin", None, timeout=TIMEOUT)
    assert url in str(error.value)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------- the provider's download path


def npy_bytes(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def course_arrays(n_train=12, n_test=5, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "X_train": rng.integers(0, 256, size=(n_train, 48, 48), dtype=np.uint8),
        "y_train": rng.uniform(1, 100, size=n_train),
        "X_test": rng.integers(0, 256, size=(n_test, 48, 48), dtype=np.uint8),
        "y_test": rng.uniform(1, 100, size=n_test),
    }


@pytest.fixture
def course(server):
    """The four course files served under /course/; returns (arrays, file bytes by name)."""
    arrays = course_arrays()
    files = {age_regression.FILES[key]: npy_bytes(array) for key, array in arrays.items()}
    for name, body in files.items():
        server.routes["/course/" + name] = ("ok", body)
    return arrays, files


def settings(url, path=None, download=True):
    return {
        "path": path,
        "download": download,
        "url": url,
        "stand_in": {"seed": 3, "n_train": 40, "n_test": 10, "noise_std": 5.0},
    }


def assert_same_arrays(dataset, arrays):
    for key, array in arrays.items():
        expected = (array.reshape(len(array), -1) if key.startswith("X") else array)
        expected = expected.astype(np.float32)
        np.testing.assert_array_equal(dataset.arrays[key], expected)
        assert dataset.arrays[key].dtype == np.float32


def test_local_missing_then_download_succeeds_even_when_strict(server, course, tmp_path, caplog):
    arrays, files = course
    missing = tmp_path / "not-there"
    resources = tmp_path / "resources" / "age_regression"
    with caplog.at_level(logging.INFO, logger="dlrepro"):
        dataset = age_regression.provide(
            settings(server.base + "/course", path=str(missing)), strict=True,
            resources_dir=resources,
        )
    assert dataset.info["source"] == "download"
    assert dataset.stand_in is False
    assert dataset.info["name"] == "age_regression"
    assert dataset.info["url"] == server.base + "/course/"
    assert dataset.info["location"] == str(resources.resolve())
    assert dataset.info["sha256"] == {name: sha(body) for name, body in files.items()}
    assert dataset.info["shapes"] == {
        "X_train": [12, 2304], "y_train": [12], "X_test": [5, 2304], "y_test": [5]
    }
    assert_same_arrays(dataset, arrays)
    # The local miss was a logged fallback, with its reason.
    assert any(str(missing) in r.getMessage() and r.levelno == logging.WARNING
               for r in caplog.records)
    assert any(str(missing) in reason for reason in dataset.info["fallbacks"])
    # No hash is pinned: said in the log, and the hashes seen are recorded for pinning.
    assert any("no sha256 pinned" in r.getMessage() for r in caplog.records)
    assert sorted(p.name for p in resources.iterdir()) == sorted(files)


def test_downloaded_files_are_reused_without_requests(server, course, tmp_path):
    resources = tmp_path / "resources"
    url = server.base + "/course/"
    first = age_regression.provide(settings(url), strict=False, resources_dir=resources)
    assert len(server.requests) == 4
    second = age_regression.provide(settings(url), strict=False, resources_dir=resources)
    assert len(server.requests) == 4  # nothing fetched again
    assert second.info["source"] == "download"
    assert second.info["sha256"] == first.info["sha256"]
    assert_same_arrays(second, course[0])


def test_invalid_cached_file_is_fetched_again(server, course, tmp_path):
    arrays, files = course
    resources = tmp_path / "resources"
    resources.mkdir()
    bad = resources / "age_regression_Xte.npy"
    np.save(bad, np.zeros((5, 47, 48)))  # an earlier, wrong file under the real name
    dataset = age_regression.download(server.base + "/course/", resources)
    assert bad.read_bytes() == files["age_regression_Xte.npy"]
    # Each file fetched once: three because they were missing, the bad one when it was refused.
    assert sorted(server.requests) == sorted("/course/" + name for name in files)
    assert_same_arrays(dataset, arrays)


def test_pinned_hashes_are_checked_on_download(server, course, tmp_path):
    arrays, files = course
    pinned = {name: sha(body) for name, body in files.items()}
    dataset = age_regression.download(server.base + "/course/", tmp_path / "ok", sha256=pinned)
    assert all(dataset.info["sha256_pinned"].values())

    wrong = dict(pinned, **{"age_regression_ytr.npy": sha(b"not it")})
    with pytest.raises(CorruptData, match="age_regression_ytr.npy"):
        age_regression.download(server.base + "/course/", tmp_path / "bad", sha256=wrong)
    assert not (tmp_path / "bad" / "age_regression_ytr.npy").exists()


def test_cached_file_not_matching_its_pinned_hash_is_replaced(server, course, tmp_path):
    arrays, files = course
    pinned = {name: sha(body) for name, body in files.items()}
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "age_regression_ytr.npy").write_bytes(b"stale")
    age_regression.download(server.base + "/course/", folder, sha256=pinned)
    assert (folder / "age_regression_ytr.npy").read_bytes() == files["age_regression_ytr.npy"]


def test_server_down_falls_back_to_the_stand_in_with_the_reason_logged(dead_url, tmp_path,
                                                                         caplog):
    with caplog.at_level(logging.INFO, logger="dlrepro"):
        dataset = age_regression.provide(
            settings(dead_url), strict=False, resources_dir=tmp_path / "resources"
        )
    assert dataset.stand_in is True
    assert dataset.info["source"] == "stand-in"
    assert dataset.arrays["X_train"].shape == (40, 2304)
    download_reasons = [r for r in dataset.info["fallbacks"] if r.startswith("download")]
    assert download_reasons and dead_url in download_reasons[0]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("download" in m and dead_url in m for m in warnings)
    assert any("STAND-IN" in m for m in warnings)


def test_server_down_and_strict_is_an_error_saying_how_to_supply(dead_url, tmp_path):
    with pytest.raises(DataUnavailable) as error:
        age_regression.provide(
            settings(dead_url, path=str(tmp_path / "none")), strict=True,
            resources_dir=tmp_path / "resources",
        )
    message = str(error.value)
    assert dead_url in message and str(tmp_path / "none") in message
    assert "datasets.age_regression.path" in message and "download" in message
    assert all(name in message for name in age_regression.FILE_NAMES)


def test_truncated_course_file_falls_back(server, course, tmp_path):
    server.routes["/course/age_regression_yte.npy"] = ("truncated", b"\x93NUMPY")
    dataset = age_regression.provide(
        settings(server.base + "/course/"), strict=False, resources_dir=tmp_path / "r"
    )
    assert dataset.stand_in
    assert any("truncated" in r and "age_regression_yte.npy" in r
               for r in dataset.info["fallbacks"])
    assert not (tmp_path / "r" / "age_regression_yte.npy").exists()


def test_local_copy_is_preferred_and_download_not_attempted(server, course, tmp_path):
    arrays, files = course
    local = tmp_path / "local"
    local.mkdir()
    for name, body in files.items():
        (local / name).write_bytes(body)
    dataset = age_regression.provide(
        settings(server.base + "/course/", path=str(local)), strict=True,
        resources_dir=tmp_path / "resources",
    )
    assert dataset.info["source"] == "local"
    assert dataset.info["fallbacks"] == []
    assert server.requests == []
    assert_same_arrays(dataset, arrays)
