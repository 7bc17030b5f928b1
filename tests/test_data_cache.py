"""The download cache: checksums, re-fetching corrupted files, mirrors, offline mode.

Files are served from the test's own folder, by ``file://`` URLs and by a local HTTP server.
"""

import functools
import hashlib
import http.server
import threading
from pathlib import Path

import pytest

from gatedrnn import data
from gatedrnn.data import ChecksumError, DownloadError, download

CONTENT = b"0123456789" * 1000


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("GATEDRNN_DATA", str(folder))
    monkeypatch.delenv("GATEDRNN_OFFLINE", raising=False)
    return folder


@pytest.fixture
def served(tmp_path):
    """A file to download, its file:// URL and its md5 checksum."""
    source = tmp_path / "served" / "numbers.bin"
    source.parent.mkdir()
    source.write_bytes(CONTENT)
    return source, source.as_uri(), "md5:" + hashlib.md5(CONTENT).hexdigest()


@pytest.fixture
def http_server(tmp_path):
    """A local HTTP server for tmp_path/served; yields its base URL."""
    folder = tmp_path / "served"
    folder.mkdir(exist_ok=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_data_dir_follows_the_environment(cache, monkeypatch):
    assert data.data_dir() == cache
    monkeypatch.delenv("GATEDRNN_DATA")
    assert data.data_dir() == Path.home() / ".cache" / "gatedrnn"


def test_download_verifies_and_caches(served, cache):
    source, url, checksum = served
    path = download("numbers.bin", url, checksum, folder="demo")
    assert path == cache / "demo" / "numbers.bin"
    assert path.read_bytes() == CONTENT
    source.unlink()  # a second call must not need the source any more
    assert download("numbers.bin", url, checksum, folder="demo") == path
    assert not list(path.parent.glob("*.part"))


@pytest.mark.parametrize("damage", ["truncate", "corrupt"])
def test_damaged_cached_file_is_detected_and_fetched_again(served, damage, capsys):
    _, url, checksum = served
    path = download("numbers.bin", url, checksum)
    if damage == "truncate":  # an interrupted download
        path.write_bytes(CONTENT[:1234])
    else:
        path.write_bytes(CONTENT[:-1] + b"X")
    capsys.readouterr()
    assert download("numbers.bin", url, checksum).read_bytes() == CONTENT
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 and "incomplete or corrupted" in lines[0]


def test_wrong_checksum_raises_and_leaves_nothing(served, cache):
    _, url, _ = served
    with pytest.raises(ChecksumError, match="checksum mismatch"):
        download("numbers.bin", url, "md5:" + "0" * 32)
    assert not any(cache.rglob("numbers.bin*"))


def test_mirrors_are_tried_in_order(served, tmp_path):
    _, url, checksum = served
    missing = (tmp_path / "nowhere" / "numbers.bin").as_uri()
    path = download("numbers.bin", [missing, url], checksum)
    assert path.read_bytes() == CONTENT


def test_unreachable_everywhere_raises_download_error(tmp_path):
    missing = (tmp_path / "nowhere" / "numbers.bin").as_uri()
    with pytest.raises(DownloadError, match="could not download numbers.bin") as info:
        download("numbers.bin", [missing, "http://127.0.0.1:9/numbers.bin"], "md5:" + "0" * 32)
    assert not isinstance(info.value, ChecksumError)


def test_offline_mode_never_fetches(served, monkeypatch):
    _, url, checksum = served
    monkeypatch.setenv("GATEDRNN_OFFLINE", "1")
    with pytest.raises(DownloadError, match="GATEDRNN_OFFLINE"):
        download("numbers.bin", url, checksum)
    monkeypatch.setenv("GATEDRNN_OFFLINE", "0")
    assert download("numbers.bin", url, checksum).exists()


def test_download_over_http(served, http_server):
    _, _, checksum = served
    path = download("numbers.bin", http_server + "numbers.bin", checksum, folder="http")
    assert path.read_bytes() == CONTENT
    with pytest.raises(DownloadError, match="404"):
        download("other.bin", http_server + "other.bin", checksum)


def test_checksum_format_is_checked(served):
    source, _, _ = served
    assert data.checksum_matches(source, "sha256:" + hashlib.sha256(CONTENT).hexdigest())
    with pytest.raises(ValueError, match="sha256:<hex digest>"):
        data.checksum_matches(source, hashlib.sha256(CONTENT).hexdigest())


def test_fallback_notice_is_one_line(capsys, monkeypatch):
    data.fallback_notice("MNIST", DownloadError("x"), "the digits")
    data.fallback_notice("MNIST", ChecksumError("x"), "the digits")
    monkeypatch.setenv("GATEDRNN_OFFLINE", "yes")
    data.fallback_notice("MNIST", DownloadError("x"), "the digits")
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "gatedrnn: MNIST could not be downloaded (no network?); using the digits instead.",
        "gatedrnn: MNIST failed its checksum; using the digits instead.",
        "gatedrnn: MNIST was not downloaded (GATEDRNN_OFFLINE is set); using the digits instead.",
    ]
