"""The compiled loops' cache: private, never shadowing the package, usable without a compiler,
and a hanging compiler costs seconds."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from gatedrnn.fast import compiled

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="nothing is compiled on Windows")


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty cache of this test's own; the module's state as it was afterwards."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("GATEDRNN_COMPILED", raising=False)
    monkeypatch.setattr(compiled, "_status", {})
    return tmp_path / "xdg" / compiled.CACHE_NAME


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A cache holding the float32 library, compiled once for this module."""
    xdg = tmp_path_factory.mktemp("built")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(xdg))
        try:
            compiled._build(32)
        except RuntimeError as error:
            pytest.skip(f"cannot compile here: {error}")
    return xdg


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _fake_compiler(folder: Path, body: str) -> Path:
    script = folder / "fakecc"
    script.write_text("#!/bin/sh\n" + textwrap.dedent(body))
    script.chmod(0o755)
    return script


def test_the_cache_is_owner_only_and_named_so_that_it_cannot_be_imported(cache):
    folder = compiled._cache_folder()
    assert folder == cache
    assert _mode(folder) == 0o700
    assert not folder.name.isidentifier()  # `import gatedrnn` can never find it


def test_the_cache_falls_back_to_a_folder_of_the_users_own_in_the_temporary_folder(
    tmp_path, monkeypatch
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # XDG_CACHE_HOME/gatedrnn-kernels cannot be created under a file
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(compiled.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    folder = compiled._cache_folder()
    assert folder == tmp_path / "tmp" / f"gatedrnn-kernels-{os.getuid()}"
    assert _mode(folder) == 0o700


def test_a_cache_folder_others_may_write_to_is_refused_with_a_warning(cache):
    cache.mkdir(parents=True)
    cache.chmod(0o777)
    with pytest.warns(RuntimeWarning, match=r"may be written by other users \(mode 777\)"):
        assert compiled._load(32) is None
    assert "refused" in compiled._status[32]


def test_a_cache_folder_of_another_user_is_refused_with_a_warning(cache, monkeypatch):
    monkeypatch.setattr(compiled, "_user", lambda: os.getuid() + 1)
    with pytest.warns(RuntimeWarning, match=r"belongs to user id \d+, not to you"):
        assert compiled._load(32) is None


def test_a_planted_cache_folder_in_the_temporary_folder_is_refused(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr(compiled.tempfile, "gettempdir", lambda: str(tmp_path))
    monkeypatch.setattr(compiled, "_status", {})
    elsewhere = tmp_path / "someone-elses"
    elsewhere.mkdir()
    (tmp_path / f"gatedrnn-kernels-{os.getuid()}").symlink_to(elsewhere)
    with pytest.warns(RuntimeWarning, match="is a symbolic link"):
        assert compiled._load(32) is None


def test_a_library_others_may_write_to_is_refused_with_a_warning(built, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(built))
    monkeypatch.setattr(compiled, "_status", {})
    (library,) = (built / compiled.CACHE_NAME).glob("loops32-*.so")
    library.chmod(0o666)
    try:
        with pytest.warns(RuntimeWarning, match=r"library .* may be written by other users"):
            assert compiled._load(32) is None
        assert library.exists()  # not ours to delete: only refused
    finally:
        library.chmod(0o700)


def test_a_cached_library_is_used_with_no_compiler_on_path(built, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(built))
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("CC", raising=False)
    monkeypatch.setattr(compiled.sysconfig, "get_config_var", lambda name: None)
    monkeypatch.setattr(compiled, "_status", {})
    with pytest.raises(RuntimeError, match="no C compiler found"):
        compiled._compiler()
    assert compiled._load(32) is not None
    assert compiled._status[32].startswith(("compiled loops in use", "compiled loops unusable"))


def test_a_compiler_that_does_not_answer_costs_seconds(cache, tmp_path, monkeypatch):
    monkeypatch.setenv("CC", str(_fake_compiler(tmp_path, "sleep 60\n")))
    start = time.perf_counter()
    assert compiled._load(32) is None
    assert time.perf_counter() - start < compiled.PROBE_TIMEOUT + 5
    assert f"did not answer within {compiled.PROBE_TIMEOUT:g} s" in compiled._status[32]


def test_a_compilation_that_hangs_is_given_up(cache, tmp_path, monkeypatch):
    body = """\
        if [ "$1" = --version ]; then echo "fake cc 1.0"; exit 0; fi
        sleep 60
        """
    monkeypatch.setenv("CC", str(_fake_compiler(tmp_path, body)))
    monkeypatch.setattr(compiled, "COMPILE_TIMEOUT", 1.0)
    start = time.perf_counter()
    assert compiled._load(32) is None
    assert time.perf_counter() - start < 6
    assert "did not compile loops.c within 1 s" in compiled._status[32]
    assert list(cache.iterdir()) == []  # no partial library left behind


@pytest.mark.skipif(shutil.which("cc") is None and shutil.which("gcc") is None, reason="no cc")
def test_a_script_beside_a_kernel_cache_still_imports_the_package(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(
        textwrap.dedent(
            """\
            import torch
            import gatedrnn
            from gatedrnn.fast import compiled

            rnn = gatedrnn.Recurrent(gatedrnn.SubLSTMCell(2, 3))
            out, _ = rnn(torch.randn(4, 2, 2))
            print(gatedrnn.Recurrent.__name__, tuple(out.shape))
            print(compiled.status())
            """
        )
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))  # the cache goes beside the script
    for run in ("builds the cache", "imports with the cache beside it"):
        done = subprocess.run(
            [sys.executable, script.name], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"the run that {run}: {done.stderr}"
        lines = done.stdout.splitlines()
        assert lines[0] == "Recurrent (4, 2, 3)"
        assert str(tmp_path / compiled.CACHE_NAME) in lines[1]  # that cache was used
