"""Test-session settings shared by the library tests and the notebooks nbval runs.

The suite runs one pytest-xdist worker per core, and each notebook in a kernel of its own.
One math thread per process keeps them from fighting over the cores (with several threads each,
a loaded 2-core machine ran some tests 100 times slower). Data sets come from the offline
fallbacks, as when the stored notebook outputs were made, so that nbval compares like with like
on any machine; the data tests that need downloads turn this off for themselves. Kernels inherit
the environment.

Tests marked ``slow`` take minutes in all: the installs into fresh virtual environments
(Binder's order, the wheel, ipywidgets 7.7) and the documented commands that start a kernel or
a build. They run only with ``--slow`` (as ``.ci/run`` does).
"""

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

os.environ.setdefault("GATEDRNN_OFFLINE", "1")


def pytest_addoption(parser):
    parser.addoption(
        "--slow",
        action="store_true",
        help="also run the tests marked slow (fresh virtual environments; .ci/run runs them)",
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    import pytest

    skip = pytest.mark.skip(reason="installs into a fresh virtual environment: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
