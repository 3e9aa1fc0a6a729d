"""Fetch one file over HTTP(S), verify it, and put it in place whole or not at all.

The bytes go to a temporary file beside ``dest`` (same folder, so the final rename stays on one
file system), are counted against ``Content-Length`` when the server sends it, and are hashed
(sha256) on the way. Only a complete file whose hash matches the pinned one (when one is given)
is renamed over ``dest``; anything else is deleted, so a later run never finds a half-written or
wrong file under the real name.

Errors: :class:`~dlrepro.data.base.DataUnavailable` when the file could not be obtained (no
connection, timeout, HTTP error status, a transfer cut short), :class:`~dlrepro.data.base.
CorruptData` when a complete file arrived but is not the pinned one. Both name the URL or file.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from dlrepro.data.base import CorruptData, DataUnavailable

#: Bytes read per chunk.
CHUNK = 1 << 20
#: Seconds to wait for the connection and for each read.
DEFAULT_TIMEOUT = 60.0
USER_AGENT = "dlrepro (data provider; urllib)"


def sha256_file(path: str | os.PathLike) -> str:
    """The sha256 of a file's bytes, as 64 lower-case hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _normalise_hash(sha256: str) -> str:
    value = sha256.strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return value


def _content_length(response) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None:
        return None
    try:
        length = int(value)
    except ValueError:
        return None
    return length if length >= 0 else None


def fetch(
    url: str,
    dest: str | os.PathLike,
    sha256: str | None,
    timeout: float = DEFAULT_TIMEOUT,
) -> str:
    """Download ``url`` to ``dest`` and return the file's sha256.

    ``sha256``: the pinned hash (hex); ``None`` accepts any content (the caller should then
    record the returned hash so that it can be pinned). ``dest``'s folder is created if needed;
    an existing ``dest`` is replaced only by a complete, verified download.
    """
    dest = Path(dest)
    expected = _normalise_hash(sha256) if sha256 is not None else None
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex}.part")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        try:
            response = urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            error.close()  # it holds the connection of the error response
            raise DataUnavailable(
                f"download of {url} failed: HTTP {error.code} {error.reason}"
            ) from error
        except urllib.error.URLError as error:
            raise DataUnavailable(f"cannot reach {url}: {error.reason}") from error
        except (OSError, http.client.HTTPException) as error:  # timeouts, resets, bad replies
            raise DataUnavailable(f"cannot reach {url}: {error!r}") from error

        digest = hashlib.sha256()
        received = 0
        with response:
            expected_length = _content_length(response)
            with open(tmp, "xb") as handle:
                while True:
                    try:
                        chunk = response.read(CHUNK)
                    except http.client.IncompleteRead as error:
                        received += len(error.partial)
                        raise DataUnavailable(
                            f"truncated transfer: {url} ended after {received} bytes"
                            + (f" of {expected_length} (Content-Length)"
                               if expected_length is not None else "")
                        ) from error
                    except (OSError, http.client.HTTPException) as error:  # reset, timeout
                        raise DataUnavailable(
                            f"download of {url} failed after {received} bytes: {error!r}"
                        ) from error
                    if not chunk:
                        break
                    handle.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                handle.flush()
                os.fsync(handle.fileno())
        if expected_length is not None and received != expected_length:
            raise DataUnavailable(
                f"truncated transfer: {url} sent {received} of {expected_length} bytes "
                "(Content-Length); the partial file was not kept"
            )

        actual = digest.hexdigest()
        if expected is not None and actual != expected:
            raise CorruptData(
                f"{dest.name} (from {url}): sha256 {actual} does not match the pinned "
                f"{expected}; the file was not kept"
            )
        os.replace(tmp, dest)
        return actual
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
