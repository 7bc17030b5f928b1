"""The compiled steps and loops of the fused kernels (``steps.c``, ``loops.c``).

The fused kernels run the loop over time in Python and every matrix product in torch. What
remains of a step (a few elementwise operations on (B, H) arrays) costs more in call overhead
than in arithmetic as separate torch calls; ``steps.c`` does it in one call per step. The
subLSTM goes further: ``loops.c`` runs its whole loop over time in C, with torch's own BLAS and
OpenMP team (found by :mod:`.runtime`).

At first use on the CPU, ``loops.c`` (which includes ``steps.c``) is compiled with the system's
C compiler (``$CC``, ``cc``, ``gcc`` or ``clang``: about a second) into
``~/.cache/gatedrnn/kernels`` (or ``$XDG_CACHE_HOME/gatedrnn/kernels``), once for float32 and
once for float64, and loaded with :mod:`ctypes`. It is tuned for the CPU at hand
(``-march=native``).

Where compiling is impossible (no compiler, Windows), for a GPU tensor or another dtype, or when
``GATEDRNN_COMPILED=0`` is set, :func:`steps` returns None and the kernels use their torch
operations instead: the same equations, a little slower. :func:`loops` is None as well when
torch's BLAS cannot be found. :func:`status` says which happened.

>>> steps = compiled.steps(torch.float32, torch.device("cpu"))   # None without a compiler
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
from pathlib import Path

import torch

from . import runtime

SOURCE = Path(__file__).with_name("loops.c")  # the file compiled; it includes INCLUDED
INCLUDED = [Path(__file__).with_name("steps.c")]
FLAGS = ["-O3", "-fPIC", "-shared", "-fno-math-errno", "-fno-trapping-math"]
BITS = {torch.float32: 32, torch.float64: 64}

_pointer, _int, _long = ctypes.c_void_p, ctypes.c_int, ctypes.c_long
SIGNATURES = {  # function: argument types (pointers are data_ptr() integers or None)
    "sublstm_forward_sequence": [_pointer] * 8 + [_long] * 3 + [_int] * 2,
    "sublstm_backward_sequence": [_pointer] * 11 + [_long] * 3 + [_int],
    "lstm_forward_sequence": [_pointer] * 10 + [_int] * 3 + [_long] * 3 + [_int] * 2,
    "lstm_backward_sequence": [_pointer] * 11 + [_int] * 3 + [_long] * 3 + [_int],
    "gru_forward": [_pointer] * 5 + [_long] * 2,
    "gru_backward": [_pointer] * 7 + [_long] * 2,
}


RETURNS_INT = {  # 0, or -1: no memory
    "sublstm_forward_sequence",
    "sublstm_backward_sequence",
    "lstm_forward_sequence",
    "lstm_backward_sequence",
}


class Steps:
    """The functions of the compiled library for one dtype, each taking data pointers and sizes.

    ``has_loops`` says whether the whole-sequence loops can run: they need torch's BLAS.
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
_loaded: dict[int, Steps | None] = {}
_status: dict[int, str] = {}


def enabled() -> bool:
    """False when ``GATEDRNN_COMPILED`` is set to ``0``/``false``/``no``."""
    return os.environ.get("GATEDRNN_COMPILED", "1").strip().lower() not in ("0", "false", "no")


def steps(dtype: torch.dtype, device: torch.device) -> Steps | None:
    """The compiled step functions for ``dtype`` on ``device``, or None (use torch operations)."""
    bits = BITS.get(dtype)
    if device.type != "cpu" or bits is None or not enabled():
        return None
    if bits not in _loaded:
        with _lock:
            if bits not in _loaded:
                _loaded[bits] = _load(bits)
    return _loaded[bits]


def loops(dtype: torch.dtype, device: torch.device) -> Steps | None:
    """The compiled library for ``dtype`` on ``device`` if its whole-sequence loops can run."""
    found = steps(dtype, device)
    return found if found is not None and found.has_loops else None


def status() -> str:
    """One line: whether the compiled steps are in use, and if not, why."""
    if not enabled():
        return "compiled steps off (GATEDRNN_COMPILED=0): torch operations"
    steps(torch.float32, torch.device("cpu"))
    return _status[32]


def _load(bits: int) -> Steps | None:
    path = None
    try:
        path = _build(bits)
        loaded = Steps(ctypes.CDLL(str(path)), bits)
    except (OSError, AttributeError, RuntimeError, subprocess.SubprocessError) as error:
        if path is not None:  # a cached library that does not load: the next use rebuilds it
            path.unlink(missing_ok=True)
        _status[bits] = f"compiled steps unavailable ({error}): torch operations"
        return None
    loops = "with torch's BLAS" if loaded.has_loops else "no BLAS found for the loops"
    _status[bits] = f"compiled steps in use, compiled loops {loops} ({path})"
    return loaded


def _build(bits: int) -> Path:
    """The shared library for ``bits``, compiled unless the cache holds it already."""
    if sys.platform == "win32":
        raise RuntimeError("not built on Windows")
    compiler = _compiler()
    source = b"".join(path.read_bytes() for path in (SOURCE, *INCLUDED))
    key = hashlib.sha256(
        b"\0".join([source, " ".join(FLAGS).encode(), compiler.encode(), _cpu().encode()])
    ).hexdigest()[:16]
    folder = _cache_folder()
    target = folder / f"steps{bits}-{key}.so"
    if target.exists():
        return target
    errors = []
    for arch in (["-march=native"], []):  # tuned for this CPU where the compiler can
        partial = folder / f".{target.name}.{os.getpid()}.{threading.get_ident()}"
        command = [compiler, *FLAGS, *arch, f"-DREAL_BITS={bits}", str(SOURCE), "-o", str(partial)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode == 0:
            os.replace(partial, target)  # atomic: another process may be building it too
            return target
        errors.append(done.stderr.strip().splitlines()[-1:] or ["failed"])
    raise RuntimeError(f"{compiler} could not compile {SOURCE.name}: {errors[-1][0]}")


def _compiler() -> str:
    for candidate in (os.environ.get("CC"), sysconfig.get_config_var("CC"), "cc", "gcc", "clang"):
        if candidate:
            found = shutil.which(candidate.split()[0])
            if found:
                _check_macos_tools(found)
                return found
    raise RuntimeError("no C compiler found")


def _check_macos_tools(compiler: str) -> None:
    """On macOS, /usr/bin/cc without the command line tools would open an installer dialog."""
    if sys.platform != "darwin" or not compiler.startswith("/usr/bin/"):
        return
    found = subprocess.run(["xcode-select", "-p"], capture_output=True).returncode == 0
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
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    for folder in (Path(base) / "gatedrnn" / "kernels", Path(tempfile.gettempdir()) / "gatedrnn"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    raise RuntimeError("no writable folder for the compiled steps")


def pointers(t: torch.Tensor) -> list[int]:
    """The data pointers of ``t[0], t[1], …``; each ``t[k]`` must be C-contiguous."""
    if not t[0].is_contiguous():
        raise ValueError(f"expected contiguous rows, got strides {t.stride()}")
    step, base = t.stride(0) * t.element_size(), t.data_ptr()
    return [base + k * step for k in range(t.shape[0])]
