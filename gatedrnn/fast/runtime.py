"""torch's own BLAS and OpenMP team, found in the running process, for the compiled loops.

The subLSTM's compiled loop (``loops.c``) multiplies with the BLAS torch multiplies with and
shares each step among the threads of torch's own OpenMP team: it brings no second thread pool,
and none of its threads competes with torch's. Both are looked up by name through
``libtorch_cpu``, which finds them in the libraries torch itself is linked against:
``sgemm_``/``dgemm_`` (MKL in the pip builds for x86) and ``GOMP_parallel`` (GNU libgomp; LLVM's
and Intel's OpenMP runtimes provide it too).

Where either is missing (another build of torch, a parallel backend other than OpenMP), the
loop runs without it: :func:`gemm` None means no compiled loop (the torch steps run instead),
:func:`openmp` None means one thread of ours (the BLAS still shares each product among its own).
"""

from __future__ import annotations

import ctypes
import functools
import sys
from pathlib import Path

import torch

GEMM = {32: "sgemm_", 64: "dgemm_"}  # the Fortran BLAS names, every BLAS has them
MIN_PRODUCT = 2**17  # B·G·H·H below this: one step's product is too small to share out
MIN_UNITS = 16  # hidden units per thread, at least


@functools.cache
def torch_library() -> ctypes.CDLL | None:
    """``libtorch_cpu``, already loaded by ``import torch`` (loading it again is free)."""
    suffix = {"darwin": ".dylib", "win32": ".dll"}.get(sys.platform, ".so")
    path = Path(torch.__file__).parent / "lib" / f"libtorch_cpu{suffix}"
    try:
        return ctypes.CDLL(str(path))
    except OSError:
        return None


def address(name: str) -> int | None:
    """The address of the function ``name`` as torch's own libraries resolve it, or None."""
    library = torch_library()
    if library is None:
        return None
    try:
        return ctypes.cast(getattr(library, name), ctypes.c_void_p).value
    except AttributeError:
        return None


def gemm(bits: int) -> int | None:
    """The address of torch's BLAS matrix product for 32- or 64-bit floats, or None."""
    return address(GEMM[bits])


@functools.cache
def openmp() -> tuple[int, int, int] | None:
    """``GOMP_parallel``, ``omp_get_thread_num``, ``omp_get_num_threads`` of torch's team."""
    if "parallel backend: OpenMP" not in torch.__config__.parallel_info():
        return None
    names = ("GOMP_parallel", "omp_get_thread_num", "omp_get_num_threads")
    found = tuple(address(name) for name in names)
    return None if None in found else found


def threads(B: int, H: int, G: int) -> int:
    """How many threads share the hidden units of a layer: torch's, unless the steps are small."""
    if openmp() is None or B * G * H * H < MIN_PRODUCT:
        return 1
    return max(1, min(torch.get_num_threads(), H // MIN_UNITS))
