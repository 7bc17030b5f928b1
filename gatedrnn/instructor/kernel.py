"""Run code cells in a fresh kernel of the grader's own Python, surviving what they do.

:class:`Kernel` starts a kernel (and runs a set-up cell) on entering; :meth:`Kernel.run` runs
cells in order, each with a time limit. A cell that raises or runs too long is recorded and the
run goes on; a cell that kills the kernel, or ignores the interrupt, is recorded and a new
kernel runs again the cells that had run well before it.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["CellRun", "Kernel", "KernelError", "run_cells"]

_TIMEOUT_NAME = "GatedrnnCellTimeout"
_PROBE = "pass"


class KernelError(Exception):
    """The kernel could not be set up at all."""


@dataclasses.dataclass
class CellRun:
    """What happened to one cell: status "ok", "error", "timeout" or "dead"."""

    status: str
    message: str = ""
    result: str | None = None
    """The ``text/plain`` of the cell's last expression, if any."""
    traceback: list[str] = dataclasses.field(default_factory=list)
    """What the notebook shows of an error (ANSI colours removed)."""


def _kernel_manager():
    """A kernel manager that starts ipykernel with the grader's own Python."""
    import ipykernel.kernelspec
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class CurrentEnvironment(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return self.kernel_spec_class(
                resource_dir=ipykernel.kernelspec.RESOURCES,
                **ipykernel.kernelspec.get_kernel_dict(),
            )

    return AsyncKernelManager(
        kernel_name="gatedrnn-grader", kernel_spec_manager=CurrentEnvironment()
    )


class Kernel:
    """A fresh kernel of the grader's own Python, in folder ``cwd``, for :meth:`run`.

    ``setup`` runs when it starts, and again after every restart, with ``setup_timeout`` (slow
    imports); :class:`GradeError` if it fails. Use it as a context manager: the kernel starts
    (and runs ``setup``) on entering, which lets the caller do its own work meanwhile.
    """

    def __init__(
        self, cwd: Path | str, timeout: float, *, setup: str = "", setup_timeout: float = 300.0
    ) -> None:
        import nbformat
        from nbclient import NotebookClient

        self.timeout = timeout
        self.setup = setup
        self.setup_timeout = setup_timeout
        self.client = NotebookClient(
            nbformat.v4.new_notebook(),
            km=_kernel_manager(),
            timeout=timeout,
            timeout_func=lambda cell: cell.metadata.get("timeout", timeout),
            startup_timeout=120,
            allow_errors=False,
            interrupt_on_timeout=True,
            error_on_timeout={"ename": _TIMEOUT_NAME, "evalue": "", "traceback": []},
            iopub_timeout=2,
            resources={"metadata": {"path": str(cwd)}},
        )
        self._context: Any = None

    def __enter__(self) -> Kernel:
        self._context = self.client.setup_kernel(
            stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL
        )
        self._context.__enter__()
        try:
            self._prepare()
        except BaseException:
            self._context.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self._context.__exit__(*exc)

    def _prepare(self) -> None:
        if self.setup:
            run = _execute(self.client, self.setup, self.setup_timeout)
            if run.status != "ok":
                raise KernelError(f"the grader's set-up failed in the kernel: {run.message}")

    def _restart(self) -> None:
        from jupyter_core.utils import run_sync

        run_sync(self.client.km.restart_kernel)(now=True)
        _drop_stale_messages(self.client.kc)
        run_sync(self.client.kc.wait_for_ready)(timeout=120)
        self._prepare()

    def _again(self, done: Sequence[str]) -> int:
        """A new kernel with the cells in ``done`` run again; how many of them ran well."""
        self._restart()
        again = 0
        for source in done:
            run = _execute(self.client, source, self.timeout)
            if run.status in ("dead", "timeout"):
                if run.status == "dead" or _execute(self.client, _PROBE, 5).status != "ok":
                    self._restart()
                break
            again += run.status == "ok"
        return again

    def run(self, sources: Sequence[str], replay: Sequence[bool] | None = None) -> list[CellRun]:
        """Run code cells in order; never raises for what the code does.

        Each cell gets ``timeout`` seconds: past that it is interrupted. If the kernel then
        stays busy (it ignores interrupts) or dies, that cell's run says so, a new kernel
        starts, and the earlier cells that ran well and are marked in ``replay`` (default: all)
        run again in it, so that what they defined is back; then the following cells run.
        """
        replay = [True] * len(sources) if replay is None else list(replay)
        runs: list[CellRun] = []
        done: list[str] = []  # cells that ran well, to run again in a new kernel
        for index, source in enumerate(sources):
            run = _execute(self.client, source, self.timeout)
            killed = run.status == "dead"
            if run.status == "timeout" and _execute(self.client, _PROBE, 5).status != "ok":
                killed = True
                run.message += "; it ignored the interrupt"
            if killed:
                again = self._again(done)
                run.message += (
                    f"; a new kernel ran the {again} cell(s) before it again"
                    if done
                    else "; a new kernel took over"
                )
            elif run.status == "ok" and replay[index]:
                done.append(source)
            runs.append(run)
        return runs


def run_cells(
    sources: Sequence[str],
    cwd: Path | str,
    timeout: float,
    *,
    setup: str = "",
    setup_timeout: float = 300.0,
    replay: Sequence[bool] | None = None,
) -> list[CellRun]:
    """:meth:`Kernel.run` in a fresh :class:`Kernel`."""
    with Kernel(cwd, timeout, setup=setup, setup_timeout=setup_timeout) as kernel:
        return kernel.run(sources, replay)


def _drop_stale_messages(kc) -> None:
    """Drop what the old kernel left on the client's channels before a new kernel answers.

    A kernel broken by the student's code may have sent anything, replays of one message
    included, which the client's session refuses ("Duplicate Signature"); none of it concerns
    the new kernel.
    """
    from queue import Empty

    from jupyter_core.utils import run_sync

    for channel in (kc.shell_channel, kc.iopub_channel):
        for _ in range(10_000):  # a bound, in case a channel never runs dry
            try:
                run_sync(channel.get_msg)(timeout=0.05)
            except Empty:
                break
            except ValueError:  # unreadable or replayed: dropped all the same
                continue


def _execute(client, source: str, limit: float) -> CellRun:
    """Run one cell in the client's kernel within ``limit`` seconds."""
    import nbformat
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    cell = nbformat.v4.new_code_cell(source, metadata={"timeout": limit})
    client.nb.cells.append(cell)
    try:
        client.execute_cell(cell, len(client.nb.cells) - 1)
    except CellExecutionError as exc:
        if exc.ename == _TIMEOUT_NAME:
            return CellRun("timeout", f"did not finish within {limit:g} s and was interrupted")
        shown = next(
            (o.get("traceback", []) for o in cell.outputs if o["output_type"] == "error"), []
        )
        plain = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in shown]
        return CellRun("error", f"{exc.ename}: {exc.evalue}".strip(), traceback=plain)
    except DeadKernelError:
        return CellRun("dead", "killed the kernel")
    except Exception as exc:  # the kernel's replies became unreadable: as good as dead
        return CellRun("dead", f"broke the kernel's messages ({type(exc).__name__})")
    result = next(
        (o["data"].get("text/plain") for o in cell.outputs if o["output_type"] == "execute_result"),
        None,
    )
    return CellRun("ok", result=result)
