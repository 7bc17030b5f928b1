"""Shapes explorer: the table agrees with the arrays the one-hidden-layer network really makes."""

import numpy as np
import pytest

from gatedrnn import mlp
from gatedrnn.explore import mlp_shapes, shapes_explorer


@pytest.mark.parametrize("n, m, q, p", [(64, 32, 10, 1), (7, 3, 2, 5)])
def test_shapes_match_the_network(n, m, q, p):
    s = mlp_shapes(n, m, q, p)
    params = mlp.init_params(n, m, q)
    x = np.zeros((n, p))
    _, cache = mlp.forward(params, x)
    real = {
        "x": cache.x,
        "W": params.W,
        "b": params.b,
        "h' = Wx + b": cache.h_pre,
        "h = f(h')": cache.h,
        "V": params.V,
        "c": params.c,
        "y' = Vh + c": cache.y_pre,
        "y = softmax(y')": cache.y,
    }
    assert s.shapes == {name: a.shape for name, a in real.items()}
    assert s.n_params == sum(a.size for a in params)


def test_sizes_must_be_positive_integers():
    for bad in (dict(n=0), dict(m=2.5), dict(p=True)):
        with pytest.raises(ValueError, match="positive integer"):
            mlp_shapes(**{**dict(n=3, m=2, q=2, p=1), **bad})


def test_shapes_explorer_wiring():
    ex = shapes_explorer()
    table_text = lambda: [
        c.get_text().get_text() for c in ex.figure.axes[0].tables[0].get_celld().values()
    ]
    assert "32 × 64" in table_text()
    w_box = ex.figure.axes[1].patches[0]  # W: width ∝ √n, height ∝ √m, both over √max size
    assert w_box.get_height() / w_box.get_width() == pytest.approx(np.sqrt(32 / 64))
    ex.controls["n"].value = 256
    assert "32 × 256" in table_text()
    w_box = ex.figure.axes[1].patches[0]
    assert w_box.get_height() / w_box.get_width() == pytest.approx(np.sqrt(32 / 256))
    assert ex.result.shapes["W"] == (32, 256)
