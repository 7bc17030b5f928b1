"""Every notebook installs, on Colab, the release it belongs to; its badges point at the same tag.

The one source is :data:`gatedrnn.colab.INSTALL_SOURCE` (``git+https://github.com/gatedrnn/
gatedrnn@v<__version__>``) and :data:`gatedrnn.colab.TAG`. The slow test installs the package
where ipywidgets 7.7.1 is, as Colab has shipped it, and runs the explorers' tests there.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fresh_env import FreshEnv, build_dist

import gatedrnn
from gatedrnn import colab

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for folder in colab.NOTEBOOK_FOLDERS for p in (ROOT / folder).glob("*.ipynb"))
SCRIPTS = sorted(p for folder in colab.NOTEBOOK_FOLDERS for p in (ROOT / folder).glob("*.py"))


def cells(path: Path) -> list[tuple[str, str]]:
    """(cell type, source) of a notebook or of its jupytext percent script."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]
    parts = re.split(r"^# %%(.*)$", path.read_text(encoding="utf-8"), flags=re.M)
    found = []
    for header, body in zip(parts[1::2], parts[2::2], strict=True):
        kind = "markdown" if "[markdown]" in header else "code"
        if kind == "markdown":
            body = "\n".join(
                line[2:] if line.startswith("# ") else line.lstrip("#")
                for line in body.splitlines()
            )
        found.append((kind, body.strip()))
    return found


def install_sources(source: str) -> list[str]:
    """The string constants of a cell that are pip requirements pointing at the repository."""
    tree = ast.parse(source)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and "github.com/gatedrnn/gatedrnn" in node.value
    ]


def problems(path: Path, root: Path = ROOT) -> list[str]:
    """What in one notebook disagrees with gatedrnn.colab (empty when all agree)."""
    relative = path.relative_to(root).with_suffix(".ipynb").as_posix()
    found = []
    all_cells = cells(path)
    code = [src for kind, src in all_cells if kind == "code"]
    if not code:
        return ["no code cell"]
    first = code[0]
    sources = install_sources(first)
    if sources != [colab.INSTALL_SOURCE]:
        found.append(f"first code cell installs {sources}, expected [{colab.INSTALL_SOURCE!r}]")
    if 'if "google.colab" in sys.modules:' not in first:
        found.append("first code cell does not install on Colab only")
    if any(install_sources(src) for src in code[1:]):
        found.append("an install source outside the first code cell")
    found += colab.disagreements("\n".join(src for _, src in all_cells))
    header = all_cells[0][1] if all_cells and all_cells[0][0] == "markdown" else ""
    target = relative.replace("solutions/", "exercises/")  # a solution's badges open its exercise
    for url in (colab.colab_url(target), colab.binder_url(target)):
        if url not in header:
            found.append(f"the first markdown cell lacks the badge link {url}")
    return found


def test_install_source_is_the_release_tag():
    assert colab.TAG == f"v{gatedrnn.__version__}"
    assert (
        colab.INSTALL_SOURCE == f"git+https://github.com/gatedrnn/gatedrnn@v{gatedrnn.__version__}"
    )


def test_there_are_notebooks_to_check():
    folders = {p.parent.name for p in NOTEBOOKS}
    assert folders == set(colab.NOTEBOOK_FOLDERS), folders
    assert len(SCRIPTS) == len(NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS + SCRIPTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_installs_and_links_this_release(path):
    assert problems(path) == [], f"{path.relative_to(ROOT)}: {problems(path)}"


def test_readme_badges_point_at_this_release():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(colab.pins(readme)) >= 2
    assert colab.disagreements(readme) == []


def test_a_notebook_that_disagrees_is_caught(tmp_path):
    lecture = ROOT / "lectures" / "00_getting_started.py"
    text = lecture.read_text(encoding="utf-8")
    for wrong in (
        text.replace(f"@{colab.TAG}", "@main", 1),  # the install source
        text.replace(f"gatedrnn@{colab.TAG}", "gatedrnn", 1),  # no version at all
        text.replace(f"/blob/{colab.TAG}/", "/blob/main/", 1),  # the Colab badge
        text.replace(f"gatedrnn/{colab.TAG}?", "gatedrnn/main?", 1),  # the Binder badge
        text.replace("00_getting_started.ipynb)", "01_one_hidden_layer.ipynb)", 1),
    ):
        assert wrong != text
        copy = tmp_path / "lectures" / lecture.name
        copy.parent.mkdir(exist_ok=True)
        copy.write_text(wrong, encoding="utf-8")
        assert problems(copy, root=tmp_path), wrong[:600]


def test_pin_rewrites_every_pin_and_check_reports(tmp_path):
    for folder in colab.NOTEBOOK_FOLDERS:
        (tmp_path / folder).mkdir()
    stale = (
        (ROOT / "lectures" / "03_lstm.py").read_text(encoding="utf-8").replace(colab.TAG, "v0.0.1")
    )
    (tmp_path / "lectures" / "03_lstm.py").write_text(stale, encoding="utf-8")
    (tmp_path / "README.md").write_text("no badges\n", encoding="utf-8")
    command = [sys.executable, "-m", "gatedrnn.colab"]
    check = subprocess.run([*command, "check", "--root", tmp_path], capture_output=True, text=True)
    assert check.returncode == 1 and "v0.0.1" in check.stdout, check.stdout + check.stderr
    subprocess.run([*command, "pin", "--root", tmp_path], check=True, capture_output=True)
    pinned = (tmp_path / "lectures" / "03_lstm.py").read_text(encoding="utf-8")
    assert pinned == stale.replace("v0.0.1", colab.TAG)
    check = subprocess.run([*command, "check", "--root", tmp_path], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_repository_passes_the_check():
    done = subprocess.run(
        [sys.executable, "-m", "gatedrnn.colab", "check", "--root", ROOT],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_on_colabs_ipywidgets_7_7_the_package_keeps_it_and_the_explorers_pass(tmp_path):
    """Colab has shipped ipywidgets 7.7.1: installing the package must keep it (no upgrade
    inside a running kernel), and the explorers must work with it. A fresh environment with
    ipywidgets 7.7.1 gets the wheel as the first cell installs the package (no extras), then
    runs the explorers' tests, away from the repository."""
    started = time.monotonic()
    env = FreshEnv(tmp_path / "env")
    env.pip("install", "--quiet", "ipywidgets==7.7.1", "pytest")
    wheel = build_dist(tmp_path / "dist")
    env.pip("install", "--quiet", wheel)
    assert env.packages()["ipywidgets"] == "7.7.1", "installing gatedrnn changed ipywidgets"
    env.pip("check")
    tests = tmp_path / "tests"
    tests.mkdir()
    explorer_tests = sorted((ROOT / "tests").glob("test_explore_*.py"))
    assert explorer_tests
    for path in [*explorer_tests, ROOT / "conftest.py"]:
        shutil.copy(path, tests)
    done = env.run(env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", tests, cwd=tests)
    summary = done.stdout.strip().splitlines()[-1]
    assert re.search(r"\d+ passed", summary) and "failed" not in summary, done.stdout[-3000:]
    where = env.run(env.python, "-c", "import gatedrnn; print(gatedrnn.__file__)", cwd=tests)
    assert Path(where.stdout.strip().splitlines()[-1]).is_relative_to(env.path)
    print(
        f"\nipywidgets 7.7.1 kept; explorer tests: {summary}; "
        + "; ".join(env.log)
        + f"; total {time.monotonic() - started:.0f} s"
    )
