"""Binder: binder/environment.yml holds what a student needs, postBuild installs the package.

repo2docker reads binder/ in place of the repository's root files. With an environment.yml it
copies that file alone into the image, builds the environment (a cached layer, rebuilt only when
the file changes), then copies the whole repository and runs binder/postBuild. The slow test
follows that order with pip in a fresh virtual environment (no conda and no container daemon
here): the file's pip section with only the file present, then the repository, then postBuild,
then lecture 00 in the result. The PyTorch CPU index the file names is not contacted: the
environment starts from ``torch==2.13.0``, the CPU build that index serves.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
import yaml
from fresh_env import ROOT, FreshEnv, copy_repository, run_notebook
from packaging.requirements import Requirement

tomllib = pytest.importorskip("tomllib")

BINDER = ROOT / "binder"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"
DEV_TOOLS = {"pytest", "pytest-xdist", "nbval", "jupytext", "ruff", "playwright", "build"}


def env_file() -> dict:
    return yaml.safe_load((BINDER / "environment.yml").read_text())


def pip_section(spec: dict) -> list[str]:
    sections = [d["pip"] for d in spec["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(sections) == 1, (
        f"expected one pip section in binder/environment.yml, found {sections}"
    )
    return sections[0]


def split_pip_section(lines: list[str]) -> tuple[list[str], list[Requirement]]:
    options = [line for line in lines if line.startswith("-")]
    return options, [Requirement(line) for line in lines if not line.startswith("-")]


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_binder_environment_is_the_runtime_of_the_package_and_nothing_of_the_repository():
    spec = env_file()
    assert any(str(d).startswith("python=3") for d in spec["dependencies"]), spec["dependencies"]
    options, requirements = split_pip_section(pip_section(spec))
    # No line refers to the repository (-e ., ., a path, -r file): the layer must not depend on it.
    assert options == [f"--extra-index-url {CPU_INDEX}"], options
    given = {r.name: str(r.specifier) for r in requirements}
    expected = {}
    for line in project()["dependencies"] + project()["optional-dependencies"]["course"]:
        r = Requirement(line)
        expected[r.name] = str(r.specifier)
    assert given == expected, (
        "binder/environment.yml's pip section should equal pyproject.toml's dependencies and "
        f"course extra: missing {sorted(set(expected) - set(given))}, extra "
        f"{sorted(set(given) - set(expected))}, specifiers differ for "
        f"{sorted(k for k in given.keys() & expected.keys() if given[k] != expected[k])}"
    )
    assert not DEV_TOOLS & set(given), f"development tools in Binder: {DEV_TOOLS & set(given)}"


def test_postbuild_installs_the_package_alone():
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "binder/postBuild must be executable"
    commands = [ln for ln in post.read_text().splitlines() if ln and not ln.startswith("#")]
    installs = [ln for ln in commands if "pip install" in ln]
    assert installs == ["python -m pip install --no-deps ."], installs


def test_binder_badges_open_on_the_lectures():
    readme = (ROOT / "README.md").read_text()
    badges = re.findall(r"https://mybinder\.org/v2/gh/[^)\s]+", readme)
    assert badges and all(b.endswith("urlpath=lab/tree/lectures") for b in badges), badges


@pytest.mark.slow
def test_repo2docker_order_builds_an_environment_that_runs_lecture_00(tmp_path):
    started = time.monotonic()
    env = FreshEnv(tmp_path / "env")

    # 1. The environment, with the build context holding binder/environment.yml alone.
    context = tmp_path / "image"
    (context / "binder").mkdir(parents=True)
    shutil.copy2(BINDER / "environment.yml", context / "binder" / "environment.yml")
    lines = pip_section(env_file())
    requirements = tmp_path / "environment-pip.txt"
    requirements.write_text("\n".join(ln for ln in lines if CPU_INDEX not in ln) + "\n")
    step = time.monotonic()
    env.pip("install", "--quiet", "-r", requirements, cwd=context)
    env.note("environment.yml's pip section", step)
    before = env.packages()
    assert "gatedrnn" not in before

    # 2. The repository, then 3. postBuild.
    copy_repository(context)
    step = time.monotonic()
    env.run("bash", context / "binder" / "postBuild", cwd=context)
    env.note("postBuild", step)
    after = env.packages()
    assert set(after) - set(before) == {"gatedrnn"}, (
        f"postBuild should add gatedrnn alone, it added {sorted(set(after) - set(before))}"
    )
    assert {k: v for k, v in after.items() if k != "gatedrnn"} == before, (
        "postBuild changed versions"
    )
    env.pip("check")
    assert not DEV_TOOLS & set(after), f"development tools in the image: {DEV_TOOLS & set(after)}"
    for needed in ("torch", "jupyterlab", "ipykernel", "ipywidgets", "nbclient"):
        assert needed in after, f"{needed} missing from the image"
    kernels = list((env.home / "cache").glob("gatedrnn*/*"))
    assert kernels, "postBuild should leave the compiled loops in the cache"

    # 4. Lecture 00, in the image's copy of the repository, with the installed (not the copied)
    # package: the notebook runs in lectures/, where no gatedrnn/ folder is importable.
    prefix, module = run_notebook(env, context / "lectures" / "00_getting_started.ipynb")
    assert Path(prefix) == env.path
    assert Path(module).is_relative_to(env.path), f"gatedrnn imported from {module}"

    jupyter = env.run(env.bin / "jupyter", "lab", "--version").stdout.strip()
    print(
        f"\nBinder simulation: {len(after)} packages, {env.size_mb():.0f} MB; torch "
        f"{after['torch']}, jupyterlab {jupyter}, ipywidgets {after['ipywidgets']}, gatedrnn "
        f"{after['gatedrnn']}; "
        + "; ".join(env.log)
        + f"; total {time.monotonic() - started:.0f} s"
    )
