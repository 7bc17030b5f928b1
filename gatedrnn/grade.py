"""Alias of :mod:`gatedrnn.instructor.grade`: ``python -m gatedrnn.grade`` runs the same command."""

import sys

from .instructor import grade as _grade

if __name__ == "__main__":
    sys.exit(_grade.main())
sys.modules[__name__] = _grade
