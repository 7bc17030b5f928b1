"""The adding problem in both forms: inputs, targets, seeding and the exact baseline."""

import pytest
import torch

from gatedrnn.tasks import AddingProblem, adding_baseline_mse, adding_problem


def _seeded(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("variant", ["modern", "hochreiter"])
def test_shapes_dtypes_and_two_markers(variant):
    x, y = adding_problem(16, 40, variant=variant, generator=_seeded(), dtype=torch.float64)
    assert x.shape == (40, 16, 2) and y.shape == (16, 1)
    assert x.dtype == y.dtype == torch.float64
    markers = x[:, :, 1]  # (T, B)
    assert ((markers == 1).sum(0) == 2).all()


def test_modern_form_adds_the_marked_values():
    x, y = adding_problem(32, 50, generator=_seeded())
    values, markers = x[:, :, 0], x[:, :, 1]
    assert 0 <= values.min() and values.max() <= 1
    first_half, second_half = markers[:25].sum(0), markers[25:].sum(0)
    assert (first_half == 1).all() and (second_half == 1).all()
    torch.testing.assert_close(y[:, 0], (values * markers).sum(0))


def test_hochreiter_form():
    x, y = adding_problem(2000, 30, variant="hochreiter", generator=_seeded())
    values, markers = x[:, :, 0], x[:, :, 1]
    assert -1 <= values.min() and values.max() <= 1
    marked = markers == 1
    assert marked[:10].any(0).all()  # one marker among the first 10 steps
    assert not marked[30 // 2 - 1 :].any()  # both among the first T/2 - 1 steps
    assert (markers[-1] == -1).all()
    at_start = marked[0]
    assert at_start.any() and (values[0, at_start] == 0).all()  # X = 0 when step 0 is marked
    assert (markers[0, ~at_start] == -1).all()
    torch.testing.assert_close(y[:, 0], 0.5 + (values * marked).sum(0) / 4)


@pytest.mark.parametrize(
    "variant, T", [("modern", 10), ("modern", 100), ("hochreiter", 22), ("hochreiter", 100)]
)
def test_baseline_is_the_variance_of_the_target(variant, T):
    _, y = adding_problem(200_000, T, variant=variant, generator=_seeded(T))
    baseline = adding_baseline_mse(T, variant)
    mean = 1.0 if variant == "modern" else 0.5
    assert ((y - mean) ** 2).mean().item() == pytest.approx(baseline, rel=0.02)


def test_baseline_values():
    assert adding_baseline_mse(100) == pytest.approx(1 / 6)
    assert adding_baseline_mse(100, "hochreiter") == pytest.approx((2 - 0.1 - 0.9 / 48) / 48)


def test_same_seed_same_data_and_fixed_test_set():
    a = adding_problem(8, 20, generator=_seeded(3))
    b = adding_problem(8, 20, generator=_seeded(3))
    assert all(torch.equal(u, v) for u, v in zip(a, b, strict=True))
    task = AddingProblem(20, num_test=50)
    x1, y1 = task.test_set()
    x2, y2 = AddingProblem(20, num_test=50).test_set()
    assert x1.shape == (20, 50, 2) and torch.equal(x1, x2) and torch.equal(y1, y2)
    assert task.batch(4)[0].shape == (20, 4, 2)
    assert task.baseline_mse == pytest.approx(1 / 6)


def test_curriculum_grows_the_training_sequences():
    task = AddingProblem(100, num_test=10, curriculum=9)
    lengths = [task.batch(2)[0].shape[0] for _ in range(12)]
    assert lengths == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 100, 100]
    assert task.test_set()[0].shape == (100, 10, 2)
    hochreiter = AddingProblem(30, "hochreiter", curriculum=4)
    assert [hochreiter.batch(2)[0].shape[0] for _ in range(5)] == [22, 24, 26, 28, 30]


def test_errors_name_the_expected_values():
    with pytest.raises(ValueError, match="variant must be one of"):
        adding_problem(4, 20, variant="hochreiter97")
    with pytest.raises(ValueError, match="T >= 22"):
        adding_problem(4, 20, variant="hochreiter")
    with pytest.raises(ValueError, match="T >= 22"):
        AddingProblem(10, "hochreiter")
