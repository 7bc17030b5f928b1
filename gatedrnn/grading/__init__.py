"""Graded checks of the exercises: points per property, partial credit, feedback with hints.

In an exercise notebook, each question is followed by a check cell::

    from gatedrnn import grading
    grading.check_lstm_step(lstm_step)

It prints the score table when every point is earned, and otherwise raises :class:`CheckFailed`
(an ``AssertionError``) whose message is the table: which property failed (a shape, a value at a
sample point, a gradient, a training result), by how much, and a hint, never the answer.

``check_x.run(fn)`` returns the :class:`Report` without printing or raising (tests);
``EXERCISES["ex03_lstm"]`` lists an exercise's checks in question order.

The check cells give immediate feedback in the student's own kernel, so a student can change
what they say. The verdict that counts comes from the grader
(``python -m gatedrnn.instructor.grade``): in the student's kernel it only asks for the raw
values of the student's functions (:meth:`Check.probe`), and marks them in its own process
(:meth:`Check.replay`). This package holds no readable answers: references come from PyTorch
and the library, and the plausible mistakes behind its diagnoses from the instructor's tools.
"""

from ._core import (
    EXERCISES,
    QUESTIONS,
    Check,
    CheckFailed,
    Item,
    Report,
    Sheet,
    probe_in_namespace,
    question,
    reference,
    show_failures_plainly,
    substitution_note,
)
from .bptt import check_gradient_norms, check_rnn_backward, check_rnn_forward
from .gru import check_gru_jacobian, check_gru_step, check_simple_gru_step
from .lstm import check_lstm_fixed_gates, check_lstm_forward, check_lstm_step
from .mlp import check_backward, check_forward, check_softmax, check_training
from .plasticity import check_simulate_neuron, check_vogels_rule
from .rate import check_dale, check_euler_rate, check_euler_voltage
from .sublstm import check_sublstm_step, check_train_adding

__all__ = [
    "EXERCISES",
    "QUESTIONS",
    "Check",
    "CheckFailed",
    "Item",
    "Report",
    "Sheet",
    "probe_in_namespace",
    "question",
    "reference",
    "substitution_note",
    "check_softmax",
    "check_forward",
    "check_backward",
    "check_training",
    "check_euler_rate",
    "check_euler_voltage",
    "check_dale",
    "check_lstm_step",
    "check_lstm_forward",
    "check_lstm_fixed_gates",
    "check_simple_gru_step",
    "check_gru_step",
    "check_gru_jacobian",
    "check_rnn_forward",
    "check_rnn_backward",
    "check_gradient_norms",
    "check_sublstm_step",
    "check_train_adding",
    "check_vogels_rule",
    "check_simulate_neuron",
]

show_failures_plainly()
