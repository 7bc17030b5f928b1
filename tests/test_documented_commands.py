"""Every shell command the project documents works as written.

The commands are read from the pages and docstrings themselves (tests/documented.py says
which), so a renamed file or module is followed and a new command needs a rule here: a command
no rule knows fails. Each runs in a fresh copy of the working tree (a clone, as a new user
has), with this environment's Python, in the folder the page says:

- run as written: the python -m tools (the grader, on a stub exercise, exits 1: not full
  marks), jupytext, jupyter nbconvert with --execute, python -m build;
- run and then stopped: jupyter lab (with --no-browser and a port of its own), whose file
  browser must show what the page promises;
- run up to what would take the suite itself or a download: pytest commands with
  --collect-only added (their tests run in the suite; this checks the command line and that it
  selects tests), pip installs of this repository with --dry-run --no-index (every
  requirement must be satisfied here, so the extras exist and resolve), the benchmarks with
  --help added (they run for minutes; their arguments are parsed up to it);
- parsed, as they need the network or another tool: the PyTorch CPU index, conda, git of the
  release steps, bash .ci/run (its syntax, and that it runs the README's test commands: it is
  continuous integration itself).

The commands that start a kernel, build, write notebooks or collect tests take 10-60 s each
on a busy machine: they are marked slow (run with --slow, as .ci/run does); parsing, --help,
the pip dry runs and JupyterLab's start run in the suite.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from documented import ROOT, Command, all_commands, page_commands
from fresh_env import copy_repository
from packaging.requirements import Requirement

tomllib = pytest.importorskip("tomllib")

CPU_INDEX = "https://download.pytorch.org/whl/cpu"
COMMANDS = all_commands()
# Placeholders the pages use for "any lecture", "any exercise", "your notebook".
PLACEHOLDERS = {
    "exNN_topic": "ex03_lstm",
    "exNN_…": "ex03_lstm",
    "NN_topic": "00_getting_started",
    "NOTEBOOK": "exercises/ex03_lstm.ipynb",
}


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A copy of the working tree's files (tracked, or untracked and not ignored), committed
    into a git repository of its own, as a clone is."""
    path = tmp_path_factory.mktemp("clone")
    copy_repository(path)
    identity = ["-c", "user.name=gatedrnn tests", "-c", "user.email=tests@gatedrnn.invalid"]
    for git in (["init", "-q"], ["add", "-A"], [*identity, "commit", "-q", "-m", "clone"]):
        subprocess.run(["git", *git], cwd=path, check=True, capture_output=True)
    return path


def words_of(command: Command) -> list[str]:
    """The command's words, placeholders filled in, optional ``[arguments]`` of a synopsis left
    out."""
    words = [w for w in command.words if not re.fullmatch(r"\[.*\]|…|\.\.\.", w)]
    for name, value in PLACEHOLDERS.items():
        words = [w.replace(name, value) for w in words]
    return words


def run(command: Command, words: list[str], clone: Path, timeout: float = 600, **kw):
    env = {**os.environ, **dict(command.env)}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if words[0] == "python":
        words = [sys.executable, *words[1:]]
    return subprocess.run(
        words,
        cwd=clone / command.cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kw,
    )


def explain(done: subprocess.CompletedProcess, expected: str) -> str:
    return (
        f"{' '.join(done.args)} exited {done.returncode}, expected {expected}\n"
        f"--- stdout\n{done.stdout[-4000:]}\n--- stderr\n{done.stderr[-4000:]}"
    )


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


# ---- the rules -------------------------------------------------------------------------------


def pip_from_index(command: Command, clone: Path) -> None:
    """pip install torch --index-url <PyTorch CPU index>: parsed (needs the network)."""
    words = words_of(command)
    index = words[words.index("--index-url") + 1]
    assert index == CPU_INDEX, f"{index} should be PyTorch's CPU index {CPU_INDEX}"
    packages = [w for w in words[2:] if not w.startswith("-") and w != index]
    assert [Requirement(p).name for p in packages] == ["torch"], packages


def pip_install_here(command: Command, clone: Path) -> None:
    """pip install [-e] .[extra]: the extras exist, and everything resolves in this environment."""
    words = words_of(command)
    targets = [w for w in words[2:] if not w.startswith("-")]
    assert len(targets) == 1 and targets[0].startswith("."), targets
    extras = re.findall(r"\[(.*)\]", targets[0])
    known = set(project()["optional-dependencies"])
    for extra in extras[0].split(",") if extras else []:
        assert extra in known, f"pyproject.toml has no extra {extra!r} (it has {sorted(known)})"
    dry = [*words[:2], "--dry-run", "--no-index", "--no-build-isolation", "--quiet"]
    dry += ["--report", "-", *words[2:]]
    done = run(command, [sys.executable, "-m", *dry], clone)
    assert done.returncode == 0, explain(done, "0")
    report = json.loads(done.stdout)
    would = sorted(item["metadata"]["name"] for item in report["install"])
    assert would == ["gatedrnn"], f"it would install {would}; the rest should be satisfied here"


def pytest_collects(command: Command, clone: Path) -> None:
    """pytest ...: the command line is accepted and selects tests (they run in the suite)."""
    words = words_of(command)
    done = run(command, [sys.executable, "-m", *words, "--collect-only", "-q"], clone)
    assert done.returncode == 0, explain(done, "0 (the tests collected)")
    assert re.search(r"\b[1-9]\d* tests? collected", done.stdout), done.stdout[-2000:]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jupyter_lab(command: Command, clone: Path) -> None:
    """jupyter lab [folder]: starts, and its file browser holds what the page promises."""
    words = words_of(command)
    port, token = _free_port(), "documented-commands"
    extra = ["--no-browser", f"--ServerApp.port={port}", f"--IdentityProvider.token={token}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # a container's root: Jupyter asks for this
        extra.append("--allow-root")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(clone / ".jupyter-config")}
    server = subprocess.Popen(
        [*words, *extra],
        cwd=clone / command.cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        listing = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                url = f"http://127.0.0.1:{port}/api/contents/?token={token}"
                with urllib.request.urlopen(url, timeout=5) as response:
                    listing = {item["name"] for item in json.load(response)["content"]}
                break
            except OSError:
                time.sleep(0.5)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            _, errors = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            _, errors = server.communicate()
    assert listing is not None, f"jupyter lab did not answer (exit {server.returncode}):\n{errors}"
    folder = words[2] if len(words) > 2 else "."
    promised = (
        {"lectures", "exercises", "solutions", "README.md"}
        if folder == "."
        else {p.name for p in (clone / command.cwd / folder).glob("*.ipynb")}
    )
    assert promised and promised <= listing, f"its file browser shows {sorted(listing)}"


def run_as_written(command: Command, clone: Path, allowed=(0,)) -> subprocess.CompletedProcess:
    done = run(command, words_of(command), clone)
    assert done.returncode in allowed, explain(done, " or ".join(map(str, allowed)))
    return done


def notebook_files(words: list[str]) -> list[str]:
    return [w for w in words if w.endswith((".py", ".ipynb", ".md"))]


def jupytext_sync(command: Command, clone: Path) -> None:
    """jupytext --sync <file>: runs in the clone (named without a file: the tool is there)."""
    words = words_of(command)
    if not notebook_files(words):
        done = run(command, [words[0], "--help"], clone)
        assert done.returncode == 0, explain(done, "0 for --help")
        return
    run_as_written(command, clone)


def nbconvert(command: Command, clone: Path) -> None:
    """jupyter nbconvert ... <notebook>: runs in the clone; with --execute, no cell fails.
    Named without a notebook: the tool is there."""
    words = words_of(command)
    if not notebook_files(words):
        done = run(command, [*words[:2], "--help"], clone)
        assert done.returncode == 0, explain(done, "0 for --help")
        return
    run_as_written(command, clone)
    if "--execute" not in command.words or "--inplace" not in command.words:
        return
    notebook = clone / command.cwd / words_of(command)[-1]
    cells = json.loads(notebook.read_text())["cells"]
    errors = [o for c in cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors, errors[:1]


def is_mention(command: Command) -> bool:
    """``python -m module`` alone (or with ``…``) in prose points at the module's command line;
    the modules that do their work without arguments (build, the corpus) are not mentions."""
    words = words_of(command)
    if any("|" in w for w in words):  # a synopsis: build|check|release
        return True
    optional = any(re.fullmatch(r"\[.*\]", w) for w in command.words)
    return len(words) == 3 and not optional and words[2] not in NO_ARGUMENTS


NO_ARGUMENTS = ("build", "gatedrnn.data._make_corpus")


def python_module(command: Command, clone: Path) -> None:
    """python -m <module> [args]: runs in the clone.

    A bare module name in prose, or a synopsis (``build|check|release``), is a pointer to its
    command line: ``--help`` must work. The grader, on a stub exercise, exits 1 (not full
    marks) with its table or JSON.
    """
    words = words_of(command)
    module = words[2]
    if is_mention(command):
        done = run(command, [*words[:3], "--help"], clone)
        assert done.returncode == 0, explain(done, "0 for --help")
        return
    if module.endswith(".grade"):
        target = next(w for w in words[3:] if w.endswith(".ipynb"))
        if not (clone / command.cwd / target).exists():  # "my_ex03.ipynb": a student's own copy
            (clone / command.cwd / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(clone / "exercises" / "ex03_lstm.ipynb", clone / command.cwd / target)
        done = run_as_written(command, clone, allowed=(0, 1))
        if "--json" in words:
            verdict = json.loads(done.stdout)
            assert verdict, done.stdout
        else:
            assert re.search(r"^total\b", done.stdout, re.M), done.stdout[-2000:]
        return
    if words[3:4] == ["release"] and len(words) > 4:  # it writes into a new folder
        shutil.rmtree(clone / command.cwd / words[4], ignore_errors=True)
    done = run_as_written(command, clone)
    if module == "build":
        built = sorted(p.suffix for p in (clone / command.cwd / "dist").iterdir())
        assert ".whl" in built and ".gz" in built, built
    if module.endswith("_make_corpus"):
        corpus = "gatedrnn/data/corpus"
        for written in sorted((clone / corpus).glob("*.txt")):
            original = ROOT / corpus / written.name
            assert written.read_bytes() == original.read_bytes(), f"{written.name} differs"


def benchmark_arguments(command: Command, clone: Path) -> None:
    """python benchmarks/<x>.py [args]: the arguments parse (the runs take minutes)."""
    words = words_of(command)
    done = run(command, [*words, "--help"], clone)
    assert done.returncode == 0, explain(done, "0: the arguments before --help parse")


def conda(command: Command, clone: Path) -> None:
    """conda env create -f environment.yml / conda activate NAME: parsed (conda, network)."""
    spec = yaml.safe_load((clone / "environment.yml").read_text())
    words = words_of(command)
    if words[1] == "activate":
        assert words[2] == spec["name"], (words, spec["name"])
        return
    assert words[:3] == ["conda", "env", "create"] and words[-1] == "environment.yml", words
    pip = next(d["pip"] for d in spec["dependencies"] if isinstance(d, dict))
    assert f"--extra-index-url {CPU_INDEX}" in pip, pip
    for line in pip:
        if line.startswith("-e"):
            extras = re.findall(r"\[(.*)\]", line)
            assert set(extras[0].split(",")) <= set(project()["optional-dependencies"]), line
        elif not line.startswith("-"):
            Requirement(line)


def bash_script(command: Command, clone: Path) -> None:
    """bash .ci/run: parsed (it is continuous integration itself) and runs the README's tests."""
    words = words_of(command)
    done = run(command, ["bash", "-n", *words[1:]], clone)
    assert done.returncode == 0, explain(done, "0 (bash -n: syntax)")
    script = (clone / command.cwd / words[1]).read_text()
    readme_tests = [c.text for c in page_commands(ROOT / "README.md") if c.words[0] == "pytest"]
    block = [t for t in readme_tests if t == "pytest" or t.startswith("pytest --slow")]
    for test_command in block:
        assert re.search(rf"^\s*{re.escape(test_command)}\s*$", script, re.M), test_command


def git_release(command: Command, clone: Path) -> None:
    """git commit/tag/push of the release steps: parsed (they change the repository)."""
    words = words_of(command)
    assert words[1] in ("add", "commit", "tag", "push"), words
    tags = [w for w in words[2:] if re.fullmatch(r"v\d.*", w)]
    for tag in tags:
        assert re.fullmatch(r"v\d+\.\d+\.\d+", tag), tag


RULES: list[tuple[str, Callable[[Command, Path], None]]] = [
    (r"pip install .*--index-url ", pip_from_index),
    (r"pip install\b", pip_install_here),
    (r"pytest\b", pytest_collects),
    (r"jupyter lab\b", jupyter_lab),
    (r"jupytext\b", jupytext_sync),
    (r"jupyter nbconvert ", nbconvert),
    (r"python -m \S+", python_module),
    (r"python benchmarks/\S+\.py", benchmark_arguments),
    (r"conda ", conda),
    (r"bash \S+", bash_script),
    (r"git ", git_release),
]


def rule_for(command: Command) -> Callable[[Command, Path], None]:
    for pattern, rule in RULES:
        if re.match(pattern, command.text):
            return rule
    raise AssertionError(f"no rule for the documented command {command.id!r}: add one here")


CHEAP = {pip_from_index, pip_install_here, conda, bash_script, git_release, benchmark_arguments}


def cost(command: Command) -> list:
    """The slow mark for a command that starts a kernel, builds, writes notebooks or collects
    tests (10-60 s each on a busy 2-core machine); parsing, --help, a dry run and JupyterLab's
    start stay in the suite."""
    rule = rule_for(command)
    cheap = rule in CHEAP or rule is jupyter_lab
    if rule in (python_module, jupytext_sync, nbconvert):  # a mention of the tool: --help
        cheap = not notebook_files(command.words)
    if rule is python_module:
        cheap = is_mention(command)
    if rule is python_module and command.words[2] == "gatedrnn.colab":
        cheap = True
    return [] if cheap else [pytest.mark.slow]


def documented(commands: list[Command]) -> list:
    params = []
    for command in commands:
        try:
            marks = cost(command)
        except AssertionError:  # no rule: the test says so
            marks = []
        params.append(pytest.param(command, marks=marks, id=command.id))
    return params


@pytest.mark.parametrize("command", documented(COMMANDS))
def test_documented_command_works(command, clone):
    rule_for(command)(command, clone)


def test_commands_are_found():
    texts = {c.text for c in COMMANDS}
    assert "pytest" in texts and any(t.startswith("jupyter lab") for t in texts), texts
    assert any(c.where.endswith("(docstring)") for c in COMMANDS)


def test_readme_quick_start_installs_cpu_torch_first_and_opens_the_root():
    block = [c for c in page_commands(ROOT / "README.md") if c.where.endswith("(block)")]
    assert block[0].text == f"pip install torch --index-url {CPU_INDEX}", block[0].text
    assert block[1].text.startswith("pip install -e"), block[1].text
    assert block[2].text == "jupyter lab", block[2].text


def test_a_command_no_rule_knows_fails():
    with pytest.raises(AssertionError, match="no rule"):
        rule_for(Command("make install", ".", (), "README.md (block)"))


def test_a_broken_command_fails(clone):
    wrong = Command("python -m gatedrnn.colab no-such-command", ".", (), "x")
    with pytest.raises(AssertionError, match="exited"):
        rule_for(wrong)(wrong, clone)
