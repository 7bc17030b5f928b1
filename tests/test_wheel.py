"""The wheel stands alone: built with ``python -m build``, installed (not editable) into a fresh
virtual environment, it runs lecture 00, an explorer and the grader from outside the repository.

What a wheel holds: the library with its package data (the compiled loops' C sources, the small
corpus the language tasks fall back to) and the grader's checks (``gatedrnn.grading``). No
notebook: a student grades the notebook they worked in, which the grader runs in a kernel of
its own Python; the lectures and exercises come from the repository, Binder or Colab.

(tests/test_colab.py installs the wheel where ipywidgets 7.7.1 is, as on Colab.)
"""

from __future__ import annotations

import re
import shutil
import time
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from documented import page_commands
from fresh_env import ROOT, FreshEnv, build_dist, run_notebook
from packaging.requirements import Requirement

DEV_TOOLS = {"pytest", "pytest-xdist", "nbval", "jupytext", "ruff", "playwright", "build"}
COURSE = {"jupyterlab", "ipykernel", "nbclient", "nbformat"}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The sdist and the wheel, as ``python -m build`` makes them from the working tree."""
    out = tmp_path_factory.mktemp("dist")
    build_dist(out)
    return out


def wheel_of(dist: Path) -> Path:
    (wheel,) = dist.glob("gatedrnn-*.whl")
    return wheel


def metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(archive.read(name).decode())


def grade_module() -> str:
    """The grader's module, as exercises/README.md tells a student to run it."""
    for command in page_commands(ROOT / "exercises" / "README.md"):
        words = command.words
        if words[:2] == ["python", "-m"] and words[2].endswith("grade"):
            return words[2]
    raise AssertionError("exercises/README.md documents no `python -m ...grade` command")


@pytest.mark.slow
def test_build_makes_an_sdist_and_a_wheel_with_the_package_data(dist):
    assert len(list(dist.glob("gatedrnn-*.tar.gz"))) == 1, sorted(dist.iterdir())
    with zipfile.ZipFile(wheel_of(dist)) as archive:
        names = set(archive.namelist())
    for needed in (
        "gatedrnn/fast/loops.c",
        "gatedrnn/fast/steps.c",
        "gatedrnn/data/corpus/train.txt",
        "gatedrnn/grading/__init__.py",
        "gatedrnn/explore/gates.py",
    ):
        assert needed in names, f"{needed} missing from the wheel"
    assert not [n for n in names if n.startswith(("tests/", "lectures/", "solutions/"))]


@pytest.mark.slow
def test_the_library_alone_needs_no_jupyterlab_and_no_development_tools(dist):
    meta = metadata(wheel_of(dist))
    core, extras = set(), {}
    for line in meta.get_all("Requires-Dist"):
        requirement = Requirement(line)
        marker = str(requirement.marker or "")
        found = re.search(r'extra == "([^"]+)"', marker)
        if found:
            extras.setdefault(found.group(1), set()).add(requirement.name)
        else:
            core.add(requirement.name)
    assert "torch" in core and "ipywidgets" in core
    assert not (COURSE | DEV_TOOLS) & core, (COURSE | DEV_TOOLS) & core
    assert set(extras) == {"course", "dev"}, extras
    assert extras["course"] == COURSE, extras["course"]
    assert DEV_TOOLS <= extras["dev"] and "gatedrnn" in extras["dev"], extras["dev"]


@pytest.mark.slow
def test_the_wheel_runs_lecture_00_an_explorer_and_the_grader_outside_the_repository(
    dist, tmp_path
):
    started = time.monotonic()
    env = FreshEnv(tmp_path / "env")
    step = time.monotonic()
    env.pip("install", "--quiet", f"{wheel_of(dist)}[course]")
    env.note("wheel[course]", step)
    installed = env.packages()
    assert not DEV_TOOLS & set(installed), DEV_TOOLS & set(installed)
    env.pip("check")

    work = tmp_path / "student"  # outside the repository: nothing of it is importable here
    work.mkdir()
    shutil.copy(ROOT / "lectures" / "00_getting_started.ipynb", work)
    prefix, module = run_notebook(env, work / "00_getting_started.ipynb")
    assert Path(prefix) == env.path
    assert Path(module).is_relative_to(env.path), f"gatedrnn imported from {module}"

    step = time.monotonic()
    explorer = env.run(
        env.python,
        "-c",
        "import gatedrnn\n"
        "from gatedrnn.explore import gate_explorer\n"
        "e = gate_explorer()\n"
        "before = e.png\n"
        "c = next(c for _, c in sorted(e.controls.items()) if type(c).__name__ == 'FloatSlider')\n"
        "c.value = c.max if c.value != c.max else c.min\n"
        "assert e.png and e.png != before, 'moving a slider did not redraw'\n"
        "print(gatedrnn.__file__)\n",
        cwd=work,
    )
    env.note("gate explorer, one slider moved", step)
    assert Path(explorer.stdout.strip().splitlines()[-1]).is_relative_to(env.path)

    module = grade_module()
    shutil.copy(ROOT / "exercises" / "ex03_lstm.ipynb", work / "ex03_lstm.ipynb")
    (work / "answers").mkdir()
    shutil.copy(ROOT / "solutions" / "ex03_lstm.ipynb", work / "answers" / "ex03_lstm.ipynb")
    step = time.monotonic()
    stub = env.run(env.python, "-m", module, "ex03_lstm.ipynb", cwd=work, check=False)
    assert stub.returncode == 1, f"the stub exercise should score below full marks:\n{stub}"
    assert re.search(r"^total\b", stub.stdout, re.M), stub.stdout
    solved = env.run(env.python, "-m", module, "answers/ex03_lstm.ipynb", cwd=work, check=False)
    assert solved.returncode == 0, f"the solution should earn full marks:\n{solved.stdout}"
    env.note("grader on the stub and on the solution of ex03", step)
    print(
        f"\nwheel {wheel_of(dist).name}: {len(installed)} packages, {env.size_mb():.0f} MB; "
        + "; ".join(env.log)
        + f"; total {time.monotonic() - started:.0f} s\n"
        + solved.stdout.strip().splitlines()[-1]
    )
