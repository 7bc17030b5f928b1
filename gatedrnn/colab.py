"""Google Colab: which release the notebooks install, and the widget manager Colab needs.

A notebook opened on Colab runs in a kernel without this package, so the first code cell of every
notebook (lectures/, solutions/, exercises/) installs it from the repository, at the tag of the
release the notebook belongs to. That source is defined here, once::

    >>> from gatedrnn import colab
    >>> colab.INSTALL_SOURCE          # git+https://github.com/gatedrnn/gatedrnn@v<__version__>

The notebooks cannot import it before the package is installed, so they carry it as text; the
Colab and Binder badges at their top point at the same tag. ``tests/test_colab.py`` fails when a
notebook disagrees, and the release steps (docs/instructors.md) rewrite every pin with::

    python -m gatedrnn.colab pin      # set every install source and badge to TAG
    python -m gatedrnn.colab check    # exit 1 and list each notebook that disagrees

Colab draws ipywidgets only after its custom widget manager is on:

    >>> colab.enable_widgets()   # True on Colab (turned it on), False anywhere else (did nothing)

The explorers in :mod:`gatedrnn.explore` call it themselves.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__

__all__ = [
    "REPOSITORY",
    "TAG",
    "INSTALL_SOURCE",
    "colab_url",
    "binder_url",
    "pins",
    "disagreements",
    "pin",
    "in_colab",
    "enable_widgets",
]

#: The course's repository on GitHub, ``owner/name``.
REPOSITORY = "gatedrnn/gatedrnn"
#: The git tag of this release: ``v`` and the package's version.
TAG = f"v{__version__}"
#: What the first cell of every notebook installs on Colab (a pip requirement).
INSTALL_SOURCE = f"git+https://github.com/{REPOSITORY}@{TAG}"

#: The folders whose notebooks carry the pins, relative to the repository root.
NOTEBOOK_FOLDERS = ("lectures", "solutions", "exercises")

_OWNER_NAME = re.escape(REPOSITORY)
# Each pattern's group "ref" is the branch or tag a link or install source points at.
_PATTERNS = {
    "install source": re.compile(
        rf"git\+https://github\.com/{_OWNER_NAME}(?:\.git)?(?:@(?P<ref>[\w.\-/]+))?(?=[\"'\s]|$)"
    ),
    "Colab badge": re.compile(
        rf"https://colab\.research\.google\.com/github/{_OWNER_NAME}/blob/(?P<ref>[^/\s]+)/"
    ),
    "Binder badge": re.compile(rf"https://mybinder\.org/v2/gh/{_OWNER_NAME}/(?P<ref>[^/?\s)]+)"),
}


def colab_url(path: str, tag: str = TAG) -> str:
    """The Colab address of the notebook at ``path`` (relative to the repository root)."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{tag}/{path}"


def binder_url(path: str, tag: str = TAG) -> str:
    """The Binder address that opens JupyterLab on ``path`` (a notebook or a folder)."""
    return f"https://mybinder.org/v2/gh/{REPOSITORY}/{tag}?urlpath=lab/tree/{path}"


def pins(text: str) -> list[tuple[str, str | None]]:
    """Every install source and badge link to the repository in ``text``, as (what, ref).

    ``ref`` is the branch or tag it points at, None for an install source without one.
    """
    found = []
    for what, pattern in _PATTERNS.items():
        found += [(what, m.group("ref")) for m in pattern.finditer(text)]
    return found


def disagreements(text: str, tag: str = TAG) -> list[str]:
    """What in ``text`` points elsewhere than ``tag`` (empty when everything agrees)."""
    return [
        f"{what} points at {ref or 'no version'}, expected {tag}"
        for what, ref in pins(text)
        if ref != tag
    ]


def pin(text: str, tag: str = TAG) -> str:
    """``text`` with every install source and badge link set to ``tag``."""
    source = f"git+https://github.com/{REPOSITORY}@{tag}"
    text = _PATTERNS["install source"].sub(source, text)
    text = _PATTERNS["Colab badge"].sub(
        f"https://colab.research.google.com/github/{REPOSITORY}/blob/{tag}/", text
    )
    return _PATTERNS["Binder badge"].sub(f"https://mybinder.org/v2/gh/{REPOSITORY}/{tag}", text)


def notebook_files(root: Path | str = ".") -> list[Path]:
    """The notebooks and their paired scripts that carry pins, plus README.md."""
    root = Path(root)
    files = [root / "README.md"]
    for folder in NOTEBOOK_FOLDERS:
        files += sorted((root / folder).glob("*.ipynb")) + sorted((root / folder).glob("*.py"))
    return [f for f in files if f.is_file()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gatedrnn.colab",
        description=f"Pin the notebooks' install source and badges to {TAG}.",
    )
    parser.add_argument("command", choices=["pin", "check"])
    parser.add_argument("--root", default=".", help="the repository root (default: .)")
    args = parser.parse_args(argv)
    files = notebook_files(args.root)
    if not files:
        print(f"no notebooks under {Path(args.root).resolve()}", file=sys.stderr)
        return 2
    wrong = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        if args.command == "pin":
            pinned = pin(text)
            if pinned != text:
                path.write_text(pinned, encoding="utf-8")
                print(f"pinned {path} to {TAG}")
        else:
            for problem in disagreements(text):
                print(f"{path}: {problem}")
                wrong += 1
    return 1 if wrong else 0


def _colab_output():
    """``google.colab.output``, or None outside Colab."""
    try:
        return importlib.import_module("google.colab.output")
    except ImportError:
        return None


def in_colab() -> bool:
    """True when running inside a Google Colab kernel."""
    return _colab_output() is not None


def enable_widgets() -> bool:
    """On Colab, turn on the custom widget manager (``enable_custom_widget_manager()``).

    Returns True when it did, False elsewhere (JupyterLab, Notebook, VS Code, plain Python),
    where it does nothing. Calling it again is harmless.
    """
    output = _colab_output()
    if output is None:
        return False
    output.enable_custom_widget_manager()
    return True


if __name__ == "__main__":
    sys.exit(main())
