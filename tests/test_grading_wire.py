"""The plain data a student's kernel sends the grader: what it carries, and what it refuses."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from gatedrnn import grading
from gatedrnn.grading import _wire


def test_values_come_back_with_their_types_dtypes_and_shapes():
    value = (
        torch.arange(6, dtype=torch.float32).reshape(2, 3),
        np.array([[1, 2]], dtype=np.int64),
        [1.5, None, "text", True],
        {"weight": torch.ones(2, dtype=torch.float64)},
        np.float64(2.5),
        float("nan"),
    )
    back = _wire.decode(json.loads(json.dumps(_wire.encode(value))))
    tensor, array, items, state, scalar, nan = back
    assert isinstance(tensor, torch.Tensor) and tensor.dtype == torch.float32
    assert torch.equal(tensor, value[0])
    assert isinstance(array, np.ndarray) and array.dtype == np.int64 and array.shape == (1, 2)
    assert items == [1.5, None, "text", True]
    assert set(state) == {"weight"} and state["weight"].dtype == torch.float64
    assert scalar == 2.5 and np.isnan(nan)


def test_what_is_not_plain_data_arrives_as_a_description():
    back = _wire.roundtrip((torch.nn.Linear(2, 2), lambda x: x, torch.ones(2, dtype=torch.cfloat)))
    assert [b.kind for b in back] == ["a Linear", "a function", "a tensor of dtype complex64"]
    assert "a Linear" in grading.question("3.1").replay([{"value": _wire.encode(back[0])}]).table()


@pytest.mark.parametrize(
    "data",
    [
        {"tensor": {"dtype": "object", "shape": [1], "data": [1]}},
        {"array": {"dtype": "float64", "shape": [2, 2], "data": [1, 2, 3]}},
        {"array": {"dtype": "float64", "shape": [-1], "data": []}},
        {"array": {"dtype": "float64", "shape": [1], "data": ["1"]}},
        {"tensor": {"dtype": "float64", "shape": [1], "data": [1], "extra": 1}},
        {"py": [1, 2]},
        {"dict": [[1, {"py": 1}]]},
        {"passed": True, "earned": 5},
        {"pickle": "gASV"},
        "a report",
    ],
)
def test_malformed_data_is_refused(data):
    with pytest.raises(_wire.WireError):
        _wire.decode(data)


def test_a_forged_or_short_record_costs_the_points_it_cannot_prove():
    check = grading.question("3.1")
    assert check.replay([]).earned == 0
    forged = [{"value": {"passed": True}}, {"value": {"py": "full marks"}}]
    report = check.replay(forged)
    assert report.earned == 0 and "malformed" in report.table()
