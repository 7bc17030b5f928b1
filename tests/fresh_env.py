"""Fresh virtual environments for the slow tests: create one, install into it, run in it.

Every environment gets ``torch==2.13.0`` first, PyTorch's CPU build on the machines the course
is tested on, so that no later requirement (``torch>=2.2``) pulls a multi-GB CUDA build.
Commands run with the environment's ``bin`` first on PATH and a Jupyter data folder of their
own, so that no kernel or setting of the machine's user leaks in.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TORCH = "torch==2.13.0"


def repository_files(root: Path = ROOT) -> list[Path]:
    """The files of the working tree git knows or would add (tracked, or untracked not ignored)."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [Path(name) for name in listing.split("\0") if name and (root / name).is_file()]


def copy_repository(destination: Path, root: Path = ROOT) -> None:
    """Copy the working tree's files into ``destination``, as repo2docker copies a repository."""
    for name in repository_files(root):
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target)


class FreshEnv:
    """A virtual environment in ``path``; :meth:`run` runs a command in it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.bin = self.path / "bin"
        self.python = self.bin / "python"
        self.home = self.path.parent / f"{self.path.name}-home"
        self.log: list[str] = []
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "venv", str(self.path)], check=True)
        self.pip("install", "--quiet", TORCH)
        self.note(f"venv with {TORCH}", started)

    def note(self, what: str, started: float) -> None:
        self.log.append(f"{what}: {time.monotonic() - started:.0f} s")

    def environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["VIRTUAL_ENV"] = str(self.path)
        env["JUPYTER_DATA_DIR"] = str(self.home / "jupyter")
        env["JUPYTER_CONFIG_DIR"] = str(self.home / "jupyter-config")
        env["XDG_CACHE_HOME"] = str(self.home / "cache")
        env["MPLCONFIGDIR"] = str(self.home / "matplotlib")
        env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        return env

    def run(self, *command: str | Path, cwd: Path | None = None, check: bool = True, timeout=900):
        """Run ``command`` with this environment first on PATH; fail with its output."""
        done = subprocess.run(
            [str(c) for c in command],
            cwd=cwd,
            env=self.environ(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and done.returncode != 0:
            raise AssertionError(
                f"{' '.join(map(str, command))} (in {cwd}) exited {done.returncode}, expected 0\n"
                f"--- stdout\n{done.stdout[-6000:]}\n--- stderr\n{done.stderr[-6000:]}"
            )
        return done

    def pip(self, *args: str | Path, cwd: Path | None = None):
        return self.run(self.python, "-m", "pip", *args, cwd=cwd)

    def packages(self) -> dict[str, str]:
        """``{normalised name: version}`` of everything installed."""
        listed = json.loads(self.pip("list", "--format=json").stdout)
        return {p["name"].lower().replace("_", "-"): p["version"] for p in listed}

    def size_mb(self) -> float:
        total = sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())
        return total / 2**20


RUN_NOTEBOOK = textwrap.dedent(
    """
    import json, os, sys
    import nbformat
    from nbclient import NotebookClient

    path = sys.argv[1]
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import sys, gatedrnn\\nprint(sys.prefix)\\nprint(gatedrnn.__file__)"))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}}
                   ).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]
    last = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    print(json.dumps({"errors": len(errors), "where": last.split()}))
    """
)


def run_notebook(env: FreshEnv, notebook: Path) -> list[str]:
    """Execute ``notebook`` top to bottom in a kernel of ``env``; return [sys.prefix, gatedrnn
    file] as the kernel saw them. Fails when a cell raises."""
    started = time.monotonic()
    done = env.run(env.python, "-c", RUN_NOTEBOOK, notebook, cwd=notebook.parent)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    env.note(f"ran {notebook.name}", started)
    assert report["errors"] == 0, f"{notebook.name}: {report['errors']} cells raised"
    return report["where"]


def build_dist(out: Path) -> Path:
    """``python -m build`` of the working tree into ``out``: its sdist and its wheel. Returns
    the wheel."""
    done = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = out.glob("gatedrnn-*.whl")
    return wheel
