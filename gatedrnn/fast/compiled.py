"""The compiled loops of the fused subLSTM, LSTM and GRU kernels (``loops.c`` and ``steps.c``).

The fused kernels can run their whole loop over time in C: ``loops.c`` walks the time steps,
hands each step's matrix product to torch's own BLAS and shares the batch rows among the
threads of torch's own OpenMP team (both found by :mod:`.runtime`); ``steps.c`` holds each
cell's pointwise work. Called step by step from Python, that work would cost more in call
overhead than in arithmetic.

At first use on the CPU, ``loops.c`` (which includes ``steps.c``) is compiled with the system's
C compiler (``$CC``, ``cc``, ``gcc`` or ``clang``: about a second) into a private cache,
``~/.cache/gatedrnn-kernels`` (or ``$XDG_CACHE_HOME/gatedrnn-kernels``; where that cannot be
created, ``gatedrnn-kernels-<uid>`` in the temporary folder), once for float32 and once for
float64, and loaded with :mod:`ctypes`. It is tuned for the CPU at hand (``-march=native``).
A library already in the cache is used without a compiler.

The cache is the user's own: created owner-only (``0o700``), and a cache folder or library
that another user owns or may write is refused with a warning (a library loaded from it runs
as the user): the kernels then use torch operations. A compiler that does not answer within
:data:`PROBE_TIMEOUT` seconds, or does not finish within :data:`COMPILE_TIMEOUT`, is given up.

Where compiling is impossible (no compiler, Windows), where torch's BLAS cannot be found, for a
GPU tensor or another dtype, or when ``GATEDRNN_COMPILED=0`` is set, :func:`loops` returns None
and the kernels use their torch operations instead: the same equations, a little slower.
:func:`status` says which happened.

>>> loops = compiled.loops(torch.float32, torch.device("cpu"))   # None without a compiler
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
import threading
import warnings
from pathlib import Path

import torch

from . import runtime

SOURCE = Path(__file__).with_name("loops.c")  # the file compiled; it includes INCLUDED
INCLUDED = [Path(__file__).with_name("steps.c")]
FLAGS = ["-O3", "-fPIC", "-shared", "-fno-math-errno", "-fno-trapping-math"]
BITS = {torch.float32: 32, torch.float64: 64}
CACHE_NAME = "gatedrnn-kernels"  # not an importable name: it cannot shadow the package
PROBE_TIMEOUT = 5.0  # seconds for ``cc --version`` to answer
COMPILE_TIMEOUT = 60.0  # seconds for one compilation (about one on an idle machine)

_pointer, _int, _long = ctypes.c_void_p, ctypes.c_int, ctypes.c_long
SIGNATURES = {  # function: argument types (pointers are data_ptr() integers or None)
    "sublstm_forward_sequence": [_pointer] * 8 + [_long] * 3 + [_int] * 2,
    "sublstm_backward_sequence": [_pointer] * 11 + [_long] * 3 + [_int],
    "lstm_forward_sequence": [_pointer] * 10 + [_int] * 3 + [_long] * 3 + [_int] * 2,
    "lstm_backward_sequence": [_pointer] * 11 + [_int] * 3 + [_long] * 3 + [_int],
    "gru_forward_sequence": [_pointer] * 6 + [_long] * 3 + [_int] * 2,
    "gru_backward_sequence": [_pointer] * 9 + [_long] * 3 + [_int],
    "gru_before_forward_sequence": [_pointer] * 6 + [_long] * 3 + [_int] * 2,
    "gru_before_backward_sequence": [_pointer] * 8 + [_long] * 3 + [_int],
}


RETURNS_INT = {  # 0, or -1: no memory
    "sublstm_forward_sequence",
    "sublstm_backward_sequence",
    "lstm_forward_sequence",
    "lstm_backward_sequence",
    "gru_forward_sequence",
    "gru_backward_sequence",
    "gru_before_forward_sequence",
    "gru_before_backward_sequence",
}


class Library:
    """The functions of the compiled library for one dtype, each taking data pointers and sizes.

    ``has_loops`` says whether its loops can run: they need torch's BLAS.
    """

    def __init__(self, library: ctypes.CDLL, bits: int):
        self.library = library  # kept alive with its functions
        for name, argtypes in SIGNATURES.items():
            function = getattr(library, name)
            function.argtypes = argtypes
            function.restype = _int if name in RETURNS_INT else None
            setattr(self, name, function)
        gemm, team = runtime.gemm(bits), runtime.openmp() or (None, None, None)
        library.set_runtime.argtypes = [_pointer] * 4
        library.set_runtime(gemm, *team)
        library.matmul_works.restype = _int
        self.has_loops = gemm is not None and library.matmul_works() == 1


_lock = threading.Lock()
_loaded: dict[int, Library | None] = {}
_status: dict[int, str] = {}


def enabled() -> bool:
    """False when ``GATEDRNN_COMPILED`` is set to ``0``/``false``/``no``."""
    return os.environ.get("GATEDRNN_COMPILED", "1").strip().lower() not in ("0", "false", "no")


def library(dtype: torch.dtype, device: torch.device) -> Library | None:
    """The compiled library for ``dtype`` on ``device``, or None (not compiled, or not loaded)."""
    bits = BITS.get(dtype)
    if device.type != "cpu" or bits is None or not enabled():
        return None
    if bits not in _loaded:
        with _lock:
            if bits not in _loaded:
                _loaded[bits] = _load(bits)
    return _loaded[bits]


def loops(dtype: torch.dtype, device: torch.device) -> Library | None:
    """The compiled loops for ``dtype`` on ``device``, or None (use torch operations)."""
    found = library(dtype, device)
    return found if found is not None and found.has_loops else None


def status() -> str:
    """One line: whether the compiled loops are in use, and if not, why."""
    if not enabled():
        return "compiled loops off (GATEDRNN_COMPILED=0): torch operations"
    library(torch.float32, torch.device("cpu"))
    return _status[32]


class UnsafeCache(RuntimeError):
    """The cache folder or a library in it is another user's, or others may write to it."""


def _load(bits: int) -> Library | None:
    path = None
    try:
        path = _build(bits)
        loaded = Library(ctypes.CDLL(str(path)), bits)
    except UnsafeCache as error:
        warnings.warn(
            f"gatedrnn: {error}; the fused kernels use torch operations instead",
            RuntimeWarning,
            stacklevel=2,
        )
        _status[bits] = f"compiled loops refused ({error}): torch operations"
        return None
    except (OSError, AttributeError, RuntimeError, subprocess.SubprocessError) as error:
        if path is not None:  # a cached library that does not load: the next use rebuilds it
            path.unlink(missing_ok=True)
        _status[bits] = f"compiled loops unavailable ({error}): torch operations"
        return None
    if not loaded.has_loops:
        _status[bits] = "compiled loops unusable (no BLAS found in torch): torch operations"
    else:
        _status[bits] = f"compiled loops in use, with torch's BLAS ({path})"
    return loaded


def _build(bits: int) -> Path:
    """The shared library for ``bits``: the cached one, or compiled now."""
    if sys.platform == "win32":
        raise RuntimeError("not built on Windows")
    source = b"".join(path.read_bytes() for path in (SOURCE, *INCLUDED))
    key = hashlib.sha256(b"\0".join([source, " ".join(FLAGS).encode(), _cpu().encode()]))
    folder = _cache_folder()
    target = folder / f"loops{bits}-{key.hexdigest()[:16]}.so"
    if target.exists():  # no compiler needed
        _check_private(target, "library")
        return target
    compiler = _compiler()
    errors = []
    for arch in (["-march=native"], []):  # tuned for this CPU where the compiler can
        partial = folder / f".{target.name}.{os.getpid()}.{threading.get_ident()}"
        command = [compiler, *FLAGS, *arch, f"-DREAL_BITS={bits}", str(SOURCE), "-o", str(partial)]
        try:
            done = _run(command, COMPILE_TIMEOUT)
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise RuntimeError(
                f"{compiler} did not compile {SOURCE.name} within {COMPILE_TIMEOUT:g} s"
            ) from None
        if done.returncode == 0:
            os.chmod(partial, 0o700)
            os.replace(partial, target)  # atomic: another process may be building it too
            return target
        partial.unlink(missing_ok=True)
        errors.append(done.stderr.strip().splitlines()[-1:] or ["failed"])
    raise RuntimeError(f"{compiler} could not compile {SOURCE.name}: {errors[-1][0]}")


def _compiler() -> str:
    """The first C compiler found on PATH, once it has answered ``--version`` in time."""
    for candidate in (os.environ.get("CC"), sysconfig.get_config_var("CC"), "cc", "gcc", "clang"):
        if candidate:
            found = shutil.which(candidate.split()[0])
            if found:
                _check_macos_tools(found)
                _probe(found)
                return found
    raise RuntimeError("no C compiler found")


def _probe(compiler: str) -> None:
    """``compiler --version`` must answer within :data:`PROBE_TIMEOUT` seconds."""
    try:
        done = _run([compiler, "--version"], PROBE_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RuntimeError(
            f"the C compiler {compiler} did not answer within {PROBE_TIMEOUT:g} s"
        ) from None
    if done.returncode != 0:
        raise RuntimeError(f"the C compiler {compiler} does not run ({compiler} --version failed)")


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess:
    """Run ``command``; past ``timeout`` seconds kill it and every process it started.

    (``subprocess.run`` kills only the command itself, then waits for its children, such as
    the compiler's ``cc1``, to close the output pipes.)
    """
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, killed as one
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _check_macos_tools(compiler: str) -> None:
    """On macOS, /usr/bin/cc without the command line tools would open an installer dialog."""
    if sys.platform != "darwin" or not compiler.startswith("/usr/bin/"):
        return
    try:
        found = (
            subprocess.run(
                ["xcode-select", "-p"], capture_output=True, timeout=PROBE_TIMEOUT
            ).returncode
            == 0
        )
    except subprocess.TimeoutExpired:
        found = False
    if not found:
        raise RuntimeError("no C compiler: the Xcode command line tools are not installed")


def _cpu() -> str:
    """What ``-march=native`` depends on: the machine and its CPU's features."""
    described = platform.machine() + platform.processor()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith(("flags", "Features", "model name")):
                    described += line
                if line.strip() == "":
                    break  # the first processor says it all
    except OSError:
        pass
    return described


def _cache_folder() -> Path:
    """The user's private cache folder, created owner-only (``0o700``).

    ``$XDG_CACHE_HOME/gatedrnn-kernels`` or ``~/.cache/gatedrnn-kernels``; where that cannot
    be created, ``gatedrnn-kernels-<uid>`` in the temporary folder. Raises
    :class:`UnsafeCache` for a folder another user owns or may write to.
    """
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    candidates = (Path(base) / CACHE_NAME, Path(tempfile.gettempdir()) / f"{CACHE_NAME}-{uid}")
    for folder in candidates:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            continue
        _check_private(folder, "cache folder")
        return folder
    raise RuntimeError("no folder for the compiled loops could be created")


def _user() -> int:
    return os.getuid()


def _check_private(path: Path, what: str) -> None:
    """``path`` (itself, not a link's target) is the user's, and no one else may write to it."""
    if not hasattr(os, "getuid"):
        return
    status = os.lstat(path)
    if status.st_uid != _user():
        raise UnsafeCache(
            f"the {what} {path} belongs to user id {status.st_uid}, not to you ({_user()})"
        )
    if stat.S_ISLNK(status.st_mode):
        raise UnsafeCache(f"the {what} {path} is a symbolic link; it must be a real {what}")
    if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeCache(
            f"the {what} {path} may be written by other users (mode {status.st_mode & 0o777:o}); "
            f"make it yours alone with chmod 700 {path}"
        )
