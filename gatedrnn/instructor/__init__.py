"""The instructor's tools: build the student notebooks, grade them, release a copy for credit.

- :mod:`.course` — ``python -m gatedrnn.instructor.course build|check|release``: writes
  ``exercises/`` from ``solutions/``, checks that they agree and that every solution earns full
  marks; :mod:`.release` writes a student copy without the solutions;
- :mod:`.grade` — ``python -m gatedrnn.instructor.grade NOTEBOOK``: runs a student's notebook
  in a fresh kernel (:mod:`.kernel`) and computes the verdict in its own process;
- :mod:`.scan` — what each answer may not call (the library's own version of what it writes);
- :mod:`.mistakes` — plausible wrong answers behind the checks' diagnoses (readable answers,
  so a student release leaves it out).

``python -m gatedrnn.course`` and ``python -m gatedrnn.grade`` are short aliases of the first two.
"""
