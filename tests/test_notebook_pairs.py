"""Every notebook is a py:percent script paired with an .ipynb, and the two say the same."""

from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ["lectures", "solutions", "exercises"]


def notebooks():
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).glob("*.ipynb"))


def scripts():
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).glob("[0-9e]*.py"))


def cells(notebook):
    """Type, source and tags of each cell: nbval reads the tags, so the pairing must keep them."""
    return [
        (cell.cell_type, cell.source.strip(), sorted(cell.metadata.get("tags", [])))
        for cell in notebook.cells
    ]


@pytest.mark.parametrize("script", scripts(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_script_has_its_notebook(script):
    assert script.with_suffix(".ipynb").exists(), f"run: jupytext --sync {script.relative_to(ROOT)}"


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_pair_is_in_sync(path):
    script = path.with_suffix(".py")
    assert script.exists(), f"{path.name} has no paired script: run jupytext --sync {path}"
    from_ipynb = jupytext.read(path)
    from_script = jupytext.read(script)
    assert cells(from_script) == cells(from_ipynb), (
        f"{path.relative_to(ROOT)} and its .py differ: edit the .py, then run "
        f"jupytext --sync {script.relative_to(ROOT)}"
    )


def test_pairing_is_configured():
    config = (ROOT / "jupytext.toml").read_text()
    assert 'formats = "ipynb,py:percent"' in config
    assert 'cell_metadata_filter = "tags,-all"' in config, "the .py files must keep cell tags"


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_output_checks_are_tags_not_comments(path):
    """nbval reads the tag nbval-ignore-output; a comment would only clutter the student's view."""
    marked = [
        index
        for index, cell in enumerate(jupytext.read(path).cells)
        if "NBVAL_IGNORE_OUTPUT" in cell.source or "NBVAL_RAISES_EXCEPTION" in cell.source
    ]
    assert not marked, (
        f"{path.relative_to(ROOT)}: cells {marked} carry an nbval comment; tag the cell instead "
        '(# %% tags=["nbval-ignore-output"] in the .py)'
    )


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_names_a_python3_kernel(path):
    """Jupyter, Colab and nbval start the kernel the notebook names; without one they ask."""
    kernelspec = jupytext.read(path).metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3" and kernelspec.get("language") == "python", (
        f"{path.relative_to(ROOT)} names the kernel {kernelspec or 'none'}; expected python3"
    )
