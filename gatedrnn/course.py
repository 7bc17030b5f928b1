"""Alias of :mod:`gatedrnn.instructor.course`: ``python -m gatedrnn.course`` runs the same."""

import sys

from .instructor import course as _course

if __name__ == "__main__":
    sys.exit(_course.main())
sys.modules[__name__] = _course
