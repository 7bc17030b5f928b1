"""torch's own BLAS and OpenMP team, found in the running process, for the compiled loops.

The compiled loops (``loops.c``: subLSTM, LSTM variants, GRU) multiply with the BLAS torch
multiplies with and share each step among the threads of torch's own OpenMP team: they bring no
second thread pool, and none of their threads competes with torch's. Both are looked up by name
through ``libtorch_cpu``, which finds them in the libraries torch itself is linked against:
``sgemm_``/``dgemm_`` (MKL in the pip builds for x86) and ``GOMP_parallel`` (GNU libgomp; LLVM's
and Intel's OpenMP runtimes provide it too).

Where either is missing (another build of torch, a parallel backend other than OpenMP), the
loop runs without it: :func:`gemm` None means no compiled loop (the torch steps run instead),
:func:`openmp` None means one thread of ours (the BLAS still shares each product among its own).

The threads share out the batch rows: each runs its rows through every step, all the hidden
units, with no barrier. :func:`threads_for` says how many share a layer; it depends on the
layer's sizes and torch's thread count alone, so the rows are split the same way at every call
and the same call gives the same numbers, bit for bit.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path

import torch

GEMM = {32: "sgemm_", 64: "dgemm_"}  # the Fortran BLAS names, every BLAS has them
MIN_PRODUCT = 2**17  # B·G·H·H below this: one step's product is too small to share out


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


def threads_for(B: int, H: int, G: int) -> int:
    """The threads that share out the B batch rows of a layer: torch's, at most one per row.

    One (the BLAS then shares each product among its own threads) when the steps are small, or
    when torch's OpenMP team is not found. Never more than the CPUs this process may use:
    threads that take turns on one CPU make every step as slow as all of them.
    """
    if openmp() is None or B * G * H * H < MIN_PRODUCT:
        return 1
    return max(1, min(torch.get_num_threads(), usable_cpus(), B))


@functools.cache
def usable_cpus() -> int:
    """The CPUs this process may run on: its CPU affinity, and a container's CPU quota.

    A container (Binder, a CI runner) often shows all of the host's CPUs but lets the process
    use one or two: cgroup v2's ``cpu.max`` or v1's ``cpu.cfs_quota_us`` say how many.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cpus = os.cpu_count() or 1
    quota = cgroup_cpu_quota(Path("/sys/fs/cgroup"))
    return max(1, min(cpus, quota) if quota is not None else cpus)


def cgroup_cpu_quota(root: Path) -> int | None:
    """The whole CPUs a cgroup quota allows under ``root`` (at least 1), or None (no quota)."""
    for quota_file, period_file in (
        ("cpu.max", None),  # cgroup v2: "<quota> <period>" or "max <period>"
        ("cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us"),  # cgroup v1: -1 means none
    ):
        try:
            fields = (root / quota_file).read_text().split()
            if period_file is not None:
                fields += (root / period_file).read_text().split()
            quota, period = fields[0], fields[1]
        except (OSError, IndexError):
            continue
        if quota in ("max", "-1"):
            return None
        try:
            return max(1, int(quota) // int(period))
        except (ValueError, ZeroDivisionError):
            return None
    return None


def run(loop: Callable[..., int], name: str, B: int, H: int, G: int, *arguments) -> None:
    """A compiled loop, ``loop(*arguments, threads)``, its rows shared by :func:`threads_for`.

    ``name`` says which loop it is, for the error message; ``B, H, G`` are its sizes. Each
    tensor among ``arguments`` goes in as its data pointer: a contiguous copy of it if it is
    not contiguous (an input; the buffers a loop writes are always allocated contiguous), kept
    alive for the call. A loop returns 0, or -1 when it found no memory.
    """
    tensors = [a.contiguous() if isinstance(a, torch.Tensor) else a for a in arguments]
    pointers = [a.data_ptr() if isinstance(a, torch.Tensor) else a for a in tensors]
    if loop(*pointers, threads_for(B, H, G)):
        raise MemoryError(f"no memory for the compiled loop ({name}, B={B}, H={H})")
