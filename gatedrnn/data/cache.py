"""Download files once, check them, keep them in a cache folder.

The cache folder is ``$GATEDRNN_DATA``, or ``~/.cache/gatedrnn`` when that is not set. A file
is used only when its checksum matches; a partial or corrupted file is reported on one line,
deleted and fetched again. Set ``GATEDRNN_OFFLINE=1`` to never touch the network.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

DEFAULT_TIMEOUT = 10.0  # seconds per connection attempt
_CHUNK = 1 << 20  # bytes


class DownloadError(OSError):
    """A file could not be fetched from any of its addresses (no network, server down, ...)."""


class ChecksumError(DownloadError):
    """A file was fetched but its checksum differs from the published one."""


def data_dir() -> Path:
    """The cache folder: ``$GATEDRNN_DATA`` if set, else ``~/.cache/gatedrnn``."""
    folder = os.environ.get("GATEDRNN_DATA")
    return Path(folder).expanduser() if folder else Path.home() / ".cache" / "gatedrnn"


def _check_folder(root: Path) -> None:
    """The cache folder, or the nearest part of its path that exists, must be a folder."""
    existing = next((p for p in (root, *root.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        named = "GATEDRNN_DATA" if os.environ.get("GATEDRNN_DATA") else "the cache folder"
        where = f"{root}, which is a file" if existing == root else f"{root}; {existing} is a file"
        raise NotADirectoryError(
            f"{named} must name a folder for the downloaded data (it is created if missing); "
            f"got {where}. Point it at a folder, or unset it to use ~/.cache/gatedrnn"
        )


def offline() -> bool:
    """True when ``GATEDRNN_OFFLINE`` is set to something other than ``""``/``0``/``false``."""
    return os.environ.get("GATEDRNN_OFFLINE", "").strip().lower() not in ("", "0", "false", "no")


def file_hash(path: str | Path, algorithm: str = "sha256") -> str:
    """Hex digest of a file, read in 1 MiB chunks (``algorithm``: ``"md5"``, ``"sha256"``, ...)."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def checksum_matches(path: str | Path, checksum: str) -> bool:
    """Whether ``path`` has the checksum ``"md5:<hex>"`` or ``"sha256:<hex>"``."""
    algorithm, _, expected = checksum.partition(":")
    if not expected or algorithm not in hashlib.algorithms_available:
        raise ValueError(
            f"checksum must look like 'sha256:<hex digest>' or 'md5:<hex digest>'; got {checksum!r}"
        )
    return file_hash(path, algorithm) == expected.lower()


def fetch_url(url: str, destination: str | Path, *, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Copy ``url`` (``https://``, ``http://`` or ``file://``) to ``destination``.

    Raises :class:`DownloadError` when the server cannot be reached or the transfer stops
    before the announced ``Content-Length``.
    """
    request = urllib.request.Request(url, headers={"User-Agent": "gatedrnn"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            announced = response.headers.get("Content-Length")
            with open(destination, "wb") as out:
                shutil.copyfileobj(response, out, _CHUNK)
    except urllib.error.HTTPError as error:
        raise DownloadError(f"{url}: HTTP {error.code} {error.reason}") from error
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise DownloadError(f"{url}: {getattr(error, 'reason', error)}") from error
    received = os.path.getsize(destination)
    if announced is not None and received != int(announced):
        raise DownloadError(f"{url}: transfer stopped after {received} of {announced} bytes")


def download(
    filename: str,
    urls: str | Sequence[str],
    checksum: str,
    *,
    folder: str = "",
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """The cached file ``data_dir()/folder/filename``, downloading it first if needed.

    Args:
        filename: name of the file in the cache.
        urls: one address or several mirrors, tried in order.
        checksum: ``"md5:<hex>"`` or ``"sha256:<hex>"`` of the correct file.
        folder: sub-folder of the cache (e.g. ``"mnist"``).
        timeout: seconds to wait for each server.

    A cached file whose checksum does not match (an interrupted or corrupted download) is
    reported on one line, deleted and fetched again. The new file is written beside the
    target as ``<filename>.part`` and renamed only once its checksum is right, so an
    interrupted download never looks complete.

    Raises:
        DownloadError: no address gave the file (offline, or ``GATEDRNN_OFFLINE`` is set).
        ChecksumError: the file arrived but with the wrong checksum from every address.
    """
    _check_folder(data_dir())
    path = data_dir() / folder / filename
    if path.exists():
        if checksum_matches(path, checksum):
            return path
        print(f"gatedrnn: cached {path} is incomplete or corrupted; fetching it again.")
        path.unlink()
    if offline():
        raise DownloadError(f"{filename}: GATEDRNN_OFFLINE is set")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    problems = []
    for url in [urls] if isinstance(urls, str) else list(urls):
        try:
            fetch_url(url, partial, timeout=timeout)
        except DownloadError as error:
            problems.append(str(error))
            continue
        if checksum_matches(partial, checksum):
            partial.replace(path)
            return path
        problems.append(f"{url}: checksum mismatch")
    if partial.exists():
        partial.unlink()
    message = f"could not download {filename}: " + "; ".join(problems)
    if problems and all(p.endswith("checksum mismatch") for p in problems):
        raise ChecksumError(message)
    raise DownloadError(message)


def fallback_notice(what: str, error: Exception, instead: str) -> None:
    """Print the one line that says a download failed and what is used instead."""
    if isinstance(error, ChecksumError):
        reason = "failed its checksum"
    elif offline():
        reason = "was not downloaded (GATEDRNN_OFFLINE is set)"
    else:
        reason = "could not be downloaded (no network?)"
    print(f"gatedrnn: {what} {reason}; using {instead} instead.")


__all__ = [
    "ChecksumError",
    "DownloadError",
    "checksum_matches",
    "data_dir",
    "download",
    "fallback_notice",
    "fetch_url",
    "file_hash",
    "offline",
]
