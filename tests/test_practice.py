"""The practice self-check: stubs wait, right answers pass, wrong ones fail without the answer."""

import numpy as np
import pytest
import torch

from gatedrnn.practice import check, is_stub


def test_a_stub_is_not_yet(capsys):
    assert check("z", ..., expected=0.1) is None
    assert capsys.readouterr().out == "z: not yet — replace the ... with your answer.\n"
    assert check("shape", (3, ...), expected=(3, 4)) is None
    assert is_stub({"a": [1, ...]}) and not is_stub((1, 2))


@pytest.mark.parametrize(
    "answer, expected",
    [
        (0.1, 0.1 + 1e-12),
        (np.float32(0.25), 0.25),
        (640, 640),
        ((3, 4, 8), (3, 4, 8)),
        (torch.tensor([1.0, 2.0]), np.array([1.0, 2.0])),
        (True, np.bool_(True)),
        ("open", "open"),
        ({"i": True, "f": False}, {"i": True, "f": False}),
    ],
)
def test_right_answers_pass(answer, expected, capsys):
    assert check("it", answer, expected) is True
    assert capsys.readouterr().out == "it: correct.\n"


@pytest.mark.parametrize(
    "answer, expected, said",
    [
        (0.2, 0.1, "you gave 0.2."),
        (641, 640, "you gave 641."),
        ((3, 8, 4), (3, 4, 8), "item 1 is not right yet"),
        ((3, 4), (3, 4, 8), "expected a tuple of 3 items"),
        (np.zeros(3), np.zeros(4), "expected shape (4,), got shape (3,)"),
        ("0.1", 0.1, "expected a number"),
        (1, True, "expected True or False"),
        (False, True, "you gave False."),
        ({"i": True}, {"i": True, "f": False}, "expected a dict with the keys 'i', 'f'"),
        ({"i": True, "f": True}, {"i": True, "f": False}, "at 'f'"),
        (float("nan"), 0.5, "you gave nan."),
    ],
)
def test_wrong_answers_fail_and_say_what_was_given(answer, expected, said, capsys):
    assert check("it", answer, expected, hint="look at eq. 3") is False
    out = capsys.readouterr().out
    assert out.startswith("it: not yet — you gave ")
    assert said in out and out.rstrip().endswith("Hint: look at eq. 3")


def test_the_expected_value_is_never_printed(capsys):
    check("secret", 12345.678, expected=98765.4321)
    check("secret", np.ones(3), expected=np.array([98765.4321, 2.0, 3.0]))
    assert "98765" not in capsys.readouterr().out


def test_tolerances(capsys):
    assert check("z", 0.1001, 0.1, rtol=1e-2) is True
    assert check("z", 0.1001, 0.1) is False
    with pytest.raises(ValueError, match="rtol and atol must be finite"):
        check("z", 0.1, 0.1, rtol=-1)
    with pytest.raises(TypeError, match="cannot compare"):
        check("z", 0.1, object())


def test_via_runs_the_answer_through_a_model(capsys):
    def half_life(f):
        return f**20

    assert check("f", 0.5 ** (1 / 20), expected=0.5, via=half_life, rtol=1e-6) is True
    assert check("f", 0.9, expected=0.5, via=half_life) is False
    assert "you gave 0.9, which gives 0.12" in capsys.readouterr().out
    assert check("f", ..., expected=0.5, via=half_life) is None  # a stub never reaches the model
