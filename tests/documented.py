"""The shell commands the project documents, read from the pages and docstrings themselves.

Pages: README.md, lectures/README.md, exercises/README.md and docs/*.md: every line of a fenced
``bash``/``sh``/``shell``/``console`` block, and every inline code span that starts with a
command (``pip``, ``pytest``, ``python``, ``jupyter``, ``jupytext``, ``conda``, ``bash``, ``git``).
Docstrings: the module docstrings of the Python files in gatedrnn/, tests/ and benchmarks/:
their inline literals (double backquotes) and their literal-block lines that start with a
command. A line ``cd X && a && b`` is split: the command ``a`` then ``b`` run in ``X``, and a
``cd`` holds for the rest of its block.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMAND_WORDS = ("pip", "pytest", "python", "jupyter", "jupytext", "conda", "bash", "git")
SHELL_BLOCK = re.compile(r"^[ \t]*```(bash|sh|shell|console)\s*\n(.*?)^[ \t]*```", re.S | re.M)
ANY_BLOCK = re.compile(r"^[ \t]*```.*?^[ \t]*```", re.S | re.M)
INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
RST_INLINE = re.compile(r"``([^`\n]+)``")


@dataclasses.dataclass(frozen=True)
class Command:
    """One documented command: its words, the folder it runs in, where it is documented."""

    text: str  # as documented (without a trailing comment)
    cwd: str  # relative to the repository root: "." or "lectures", ...
    env: tuple[tuple[str, str], ...]  # leading VAR=value assignments
    where: str  # "README.md (block)" or "tests/test_browser.py (docstring)"

    @property
    def words(self) -> list[str]:
        return shlex.split(self.text)

    @property
    def id(self) -> str:
        prefix = "" if self.cwd == "." else f"cd {self.cwd} && "
        return f"{self.where}: {prefix}{self.text}"


def starts_with_command(text: str) -> bool:
    first = text.strip().split(" ", 1)[0]
    if "=" in first:  # VAR=value command
        rest = text.strip().split(" ", 1)[1:] or [""]
        return starts_with_command(rest[0])
    return first in COMMAND_WORDS and (" " in text.strip() or first in ("pytest",))


def strip_comment(line: str) -> str:
    """The line without a trailing ``# comment`` (a ``#`` outside quotes, after a space)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].strip()
    return line.strip()


def split_line(line: str, cwd: str, where: str) -> tuple[list[Command], str]:
    """The commands of one shell line (split at ``&&``), and the folder after it."""
    found = []
    for part in (p.strip() for p in strip_comment(line).split("&&")):
        if not part:
            continue
        words = part.split()
        if words[0] == "cd":
            target = (Path(cwd) / words[1]).as_posix() if len(words) > 1 else "."
            cwd = _normalise(target)
            continue
        env = []
        while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=\S*", words[0]):
            name, value = words.pop(0).split("=", 1)
            env.append((name, value))
        text = part.split(None, len(env))[-1] if env else part
        found.append(Command(text, cwd, tuple(env), where))
    return found, cwd


def _normalise(path: str) -> str:
    parts: list[str] = []
    for piece in Path(path).parts:
        if piece == "..":
            parts.pop() if parts else None
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts) or "."


def page_commands(page: Path) -> list[Command]:
    text = page.read_text(encoding="utf-8")
    name = page.relative_to(ROOT).as_posix()
    found: list[Command] = []
    for match in SHELL_BLOCK.finditer(text):
        cwd = "."
        for line in match.group(2).splitlines():
            line = line.strip()
            if line.startswith("$ "):
                line = line[2:]
            if not line or line.startswith("#"):
                continue
            commands, cwd = split_line(line, cwd, f"{name} (block)")
            found += commands
    prose = ANY_BLOCK.sub("", text)
    for match in INLINE.finditer(prose):
        span = match.group(1)
        if starts_with_command(span):
            found += split_line(span, ".", f"{name} (inline)")[0]
    return found


def docstring_commands(path: Path) -> list[Command]:
    try:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=True)
    except SyntaxError:
        return []
    if not doc:
        return []
    name = f"{path.relative_to(ROOT).as_posix()} (docstring)"
    found: list[Command] = []
    for match in RST_INLINE.finditer(doc):
        if starts_with_command(match.group(1)):
            found += split_line(match.group(1), ".", name)[0]
    literal = False
    for line in doc.splitlines():
        if line.rstrip().endswith("::"):
            literal = True
            continue
        if literal and line and not line.startswith(" "):
            literal = False
        stripped = line.strip()
        if literal and stripped and "``" not in stripped and starts_with_command(stripped):
            found += split_line(stripped, ".", name)[0]
    return found


def pages() -> list[Path]:
    listed = [ROOT / "README.md", ROOT / "lectures" / "README.md", ROOT / "exercises" / "README.md"]
    return [p for p in listed if p.is_file()] + sorted((ROOT / "docs").glob("*.md"))


def python_files() -> list[Path]:
    files = []
    for folder in ("gatedrnn", "tests", "benchmarks"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def all_commands() -> list[Command]:
    """Every documented command, each (text, folder, environment) once, first place first."""
    found: list[Command] = []
    for page in pages():
        found += page_commands(page)
    for path in python_files():
        found += docstring_commands(path)
    unique: dict[tuple, Command] = {}
    for command in found:
        unique.setdefault((command.text, command.cwd, command.env), command)
    return list(unique.values())


if __name__ == "__main__":
    for command in all_commands():
        print(command.id, dict(command.env) or "")
