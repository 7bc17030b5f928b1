"""Explorers in a real browser: JupyterLab on localhost, driven by headless Chromium.

Needs Debian's ``chromium`` at /usr/bin/chromium (or ``GATEDRNN_CHROMIUM``) and Playwright for
Python; skips with the reason when either is missing. Run it alone with
``pytest tests/test_browser.py -n 0``; skip it with ``-m "not browser"``.
Screenshots go to docs/screenshots/.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("GATEDRNN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

NOTEBOOK_CELLS = [
    "from gatedrnn.explore import gate_explorer\n",
    "gate_explorer()\n",
]
LIVE_GATE_CELLS = [
    "from gatedrnn.explore import live_gate_explorer\n",
    "live_gate_explorer()\n",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _notebook(cells: list[str]) -> dict:
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"cell{k}",
                "metadata": {},
                "outputs": [],
                "source": src,
            }
            for k, src in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _get(url: str, timeout: float = 2.0) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed (pip install playwright)")
    with sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as err:  # a broken Chromium is a missing Chromium for this test
            pytest.skip(f"Chromium at {CHROMIUM} does not start: {err}")
        yield b
        b.close()


def _lab_command(port: int, home: Path, work: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--allow-root",
        "--IdentityProvider.token=",
        "--PasswordIdentityProvider.hashed_password=",
        f"--ServerApp.root_dir={work}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.user_settings_dir={home / 'user-settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
    ]


def _stop(server: subprocess.Popen) -> None:
    """End the server's process group (it shuts its kernels down on SIGTERM)."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server in a temporary directory, no token; yields (base url, directory)."""
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (pip install jupyterlab)")
    home = tmp_path_factory.mktemp("lab")
    work = home / "work"
    work.mkdir()
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the kernel must use the inline backend
    env.update(
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
        CI="true",
    )
    # quiet, self-starting JupyterLab: no news or update toasts, the notebook's kernel starts
    # without asking
    settings = home / "user-settings" / "@jupyterlab"
    for plugin, values in {
        "apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        "notebook-extension/tracker": {"autoStartDefaultKernel": True},
    }.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))

    log_path = home / "server.log"
    server, url = None, ""
    for _attempt in range(3):  # a free port can be taken between choosing it and binding it
        port = _free_port()
        with open(log_path, "ab") as log:
            server = subprocess.Popen(
                _lab_command(port, home, work),
                cwd=work,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 40
        while server.poll() is None and time.monotonic() < deadline:
            try:
                if _get(f"{url}/api/status") == 200:
                    break
            except OSError:
                time.sleep(0.25)
        else:
            if server.poll() is None:  # still starting after 40 s
                _stop(server)
                pytest.fail(f"JupyterLab did not answer:\n{log_path.read_text()[-3000:]}")
            continue  # it exited (port taken?): try another port
        break
    else:
        pytest.fail(f"JupyterLab exited:\n{log_path.read_text()[-3000:]}")
    try:
        yield url, work
    finally:
        _stop(server)


def _plot_src(page) -> str | None:
    return page.evaluate(
        """() => { const im = document.querySelector('.widget-output img');
                    return im ? im.getAttribute('src') : null; }"""
    )


def _prompts(page) -> list[str]:
    return page.locator(".jp-Notebook .jp-InputArea-prompt").all_inner_texts()


def _run_all_cells(page, n_cells: int, timeout: float = 40.0) -> None:
    """Run > Run All Cells once the kernel is idle; again if the request got lost."""
    page.locator(".jp-StatusBar-Item", has_text="Idle").first.wait_for()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells").first.click()
        started = time.monotonic()
        while time.monotonic() - started < 10 and time.monotonic() < deadline:
            prompts = _prompts(page)
            if len(prompts) == n_cells and all(p.strip("[]: ").isdigit() for p in prompts):
                return
            if any("*" in p or p.strip("[]: ").isdigit() for p in prompts):
                started = time.monotonic()  # running: keep waiting
            page.wait_for_timeout(200)
    raise AssertionError(f"the cells did not run; prompts: {_prompts(page)}")


def test_gate_explorer_slider_redraws_the_plot(browser, lab):
    _slider_redraws_the_plot(browser, lab, NOTEBOOK_CELLS, "gate_explorer")


def test_live_gate_explorer_time_slider_redraws_the_diagrams(browser, lab):
    """The new live explorer: dragging t recolours both cell diagrams."""
    _slider_redraws_the_plot(browser, lab, LIVE_GATE_CELLS, "live_gate_explorer")


def _slider_redraws_the_plot(browser, lab, cells: list[str], name: str) -> None:
    """Open a notebook of ``cells``, run it, drag the first slider, see the figure change;
    screenshots ``name``.png and ``name``_moved.png."""
    url, work = lab
    (work / f"{name}.ipynb").write_text(json.dumps(_notebook(cells)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page = browser.new_page(viewport={"width": 1400, "height": 1080})
    t0 = time.monotonic()
    phases = []  # (phase, seconds since the page opened), printed when the test fails

    def mark(phase: str) -> None:
        phases.append((phase, round(time.monotonic() - t0, 1)))

    try:
        page.set_default_timeout(30_000)
        page.goto(f"{url}/lab/workspaces/{name}/tree/{name}.ipynb")  # one notebook open
        page.wait_for_selector(".jp-Notebook .jp-Cell")
        mark("notebook open")
        _run_all_cells(page, n_cells=len(cells))
        mark("cells ran")

        page.wait_for_selector(".widget-output img")
        page.wait_for_selector(".widget-slider .noUi-handle")
        before = _plot_src(page)
        assert before and before.startswith("data:image/png")
        readout = page.locator(".widget-slider .widget-readout").first
        value_before = readout.inner_text()
        mark("explorer shown")
        # hide the file browser so the screenshot shows the explorer
        if page.locator(".jp-FileBrowser").first.is_visible():  # the layout may be restored
            page.keyboard.press("Control+b")
        page.locator(".jp-Notebook .jp-Cell").first.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))

        handle = page.locator(".widget-slider .noUi-handle").first
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 60, y, steps=6)
        page.mouse.up()

        page.wait_for_function(
            """old => { const im = document.querySelector('.widget-output img');
                        return im && im.getAttribute('src') !== old; }""",
            arg=before,
        )
        after = _plot_src(page)
        assert after.startswith("data:image/png") and after != before
        assert readout.inner_text() != value_before  # the slider really moved
        mark("plot redrawn")
        page.locator(".jp-StatusBar-Item", has_text="Idle").first.wait_for()
        page.screenshot(path=str(SCREENSHOTS / f"{name}_moved.png"))
        print("phases (s):", phases)
    except Exception:
        shot = work.parent / f"failure_{name}.png"
        page.screenshot(path=str(shot))
        log = (work.parent / "server.log").read_text()[-2000:]
        print(f"phases (s): {phases}\nscreenshot of the failure: {shot}\nserver log (end):\n{log}")
        raise
    finally:
        page.close()
