r"""Symbolic derivatives with SymPy: activation functions, and one LSTM and subLSTM unit.

Costa et al. (2017) point out that subtractive gating changes how gradients reach the
candidate :math:`z_t`. For one unit,

.. math::
    \text{LSTM: } c_t = f_t c_{t-1} + i_t z_t,\ h_t = o_t \tanh(c_t)
    \quad\Rightarrow\quad \frac{\partial c_t}{\partial z_t} = i_t,\
    \frac{\partial h_t}{\partial z_t} = o_t\, i_t\, (1 - \tanh^2 c_t)

.. math::
    \text{subLSTM: } c_t = f_t c_{t-1} + z_t - i_t,\ h_t = \sigma(c_t) - o_t
    \quad\Rightarrow\quad \frac{\partial c_t}{\partial z_t} = 1,\
    \frac{\partial h_t}{\partial z_t} = \sigma(c_t)(1 - \sigma(c_t))

In the subLSTM the input and output gates drop out of the candidate's gradient: a closed
multiplicative gate (``i = 0`` or ``o = 0``) blocks it, a subtractive one does not.

>>> from IPython.display import Markdown
>>> Markdown(latex_table(lstm_derivatives(), sublstm_derivatives(), headers=["LSTM", "subLSTM"]))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy as sp

u = sp.Symbol("u", real=True)


class sigma(sp.Function):
    r"""The logistic function :math:`\sigma(u) = 1/(1 + e^{-u})` as a SymPy function.

    Its derivative rule :math:`\sigma' = \sigma(1 - \sigma)` is derived (and checked) by
    :func:`activation_derivatives`; ``expr.rewrite(sympy.exp)`` expands it.
    """

    @classmethod
    def eval(cls, arg):
        if arg.is_Number:
            return 1 / (1 + sp.exp(-arg))
        return None

    def fdiff(self, argindex: int = 1):
        s = sigma(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return 1 / (1 + sp.exp(-arg))

    def _latex(self, printer, exp=None):
        body = rf"\sigma\left({printer._print(self.args[0])}\right)"
        return body if exp is None else rf"{body}^{{{exp}}}"


# one unit at time t: gate values, the previous memory cell, c_t itself, and z's pre-activation
i, f, z, o = sp.symbols("i_t f_t z_t o_t", real=True)
c_prev = sp.Symbol("c_{t-1}", real=True)
c = sp.Symbol("c_t", real=True)
a_z = sp.Symbol("a_z", real=True)

SYMBOLS = {"i": i, "f": f, "z": z, "o": o, "c_prev": c_prev, "c": c, "a_z": a_z, "u": u}
"""Keyword names for :func:`evaluate` and the SymPy symbols they stand for."""

LABELS = {
    "c_t": "c_t",
    "h_t": "h_t",
    "dc/di": r"\partial c_t / \partial i_t",
    "dc/df": r"\partial c_t / \partial f_t",
    "dc/dz": r"\partial c_t / \partial z_t",
    "dc/dc_prev": r"\partial c_t / \partial c_{t-1}",
    "dh/dc": r"\partial h_t / \partial c_t",
    "dh/do": r"\partial h_t / \partial o_t",
    "dh/dz": r"\partial h_t / \partial z_t",
    "dh/da_z": r"\partial h_t / \partial a_z",
    "sigma'": r"\sigma'(u)",
    "tanh'": r"\tanh'(u)",
}
"""LaTeX for the keys of the derivative dicts."""


def activation_derivatives() -> dict[str, sp.Expr]:
    r"""``{"sigma'": σ(u)(1 − σ(u)), "tanh'": 1 − tanh²(u)}``, derived from the definitions.

    SymPy differentiates :math:`1/(1 + e^{-u})` to :math:`e^{-u}/(1 + e^{-u})^2`; the compact
    form is returned only after SymPy confirms the two are equal.
    """
    logistic = 1 / (1 + sp.exp(-u))
    d_logistic = sp.diff(logistic, u)  # e^{-u} / (1 + e^{-u})^2
    compact = sigma(u) * (1 - sigma(u))
    if sp.simplify(d_logistic - compact.rewrite(sp.exp)) != 0:  # pragma: no cover
        raise ArithmeticError("σ' did not simplify to σ(1 − σ)")
    d_tanh = sp.diff(sp.tanh(u), u)  # SymPy gives 1 - tanh(u)^2 directly
    return {"sigma'": compact, "tanh'": d_tanh}


def _unit_derivatives(c_t: sp.Expr, h_of_c: sp.Expr, z_of_a: sp.Expr) -> dict[str, sp.Expr]:
    """Differentiate one unit: ``c_t`` in the gates, ``h_t`` in ``c_t``, ``z`` in ``a_z``.

    Derivatives of ``h_t`` are written in terms of the symbol ``c_t`` (chain rule through it).
    """
    dh_dc = sp.diff(h_of_c, c)
    dz_da = sp.diff(z_of_a, a_z).subs(z_of_a, z)  # in terms of z itself
    return {
        "c_t": c_t,
        "h_t": h_of_c,
        "dc/di": sp.diff(c_t, i),
        "dc/df": sp.diff(c_t, f),
        "dc/dz": sp.diff(c_t, z),
        "dc/dc_prev": sp.diff(c_t, c_prev),
        "dh/dc": dh_dc,
        "dh/do": sp.diff(h_of_c, o),
        "dh/dz": dh_dc * sp.diff(c_t, z),
        "dh/da_z": dh_dc * sp.diff(c_t, z) * dz_da,
    }


def lstm_derivatives() -> dict[str, sp.Expr]:
    r"""One LSTM unit: :math:`c_t = f c_{t-1} + i z`, :math:`h_t = o \tanh(c_t)`.

    The candidate is :math:`z = \tanh(a_z)`.

    Keys: ``c_t``, ``h_t``, ``dc/di``, ``dc/df``, ``dc/dz``, ``dc/dc_prev``, ``dh/dc``,
    ``dh/do``, ``dh/dz``, ``dh/da_z`` (SymPy expressions; ``c_t`` appears as a symbol).
    """
    return _unit_derivatives(f * c_prev + i * z, o * sp.tanh(c), sp.tanh(a_z))


def sublstm_derivatives() -> dict[str, sp.Expr]:
    r"""One subLSTM unit: :math:`c_t = f c_{t-1} + z - i`, :math:`h_t = \sigma(c_t) - o`.

    The candidate is :math:`z = \sigma(a_z)`.

    Same keys as :func:`lstm_derivatives`.
    """
    return _unit_derivatives(f * c_prev + z - i, sigma(c) - o, sigma(a_z))


def evaluate(derivatives: Mapping[str, sp.Expr], **values: float) -> dict[str, float]:
    """Every expression of ``derivatives`` as a number, at the given gate values.

    ``values``: ``i``, ``f``, ``z``, ``o``, ``c_prev`` (and ``u`` for the activation
    derivatives). ``c_t`` is computed from the dict's own ``"c_t"`` equation.

    >>> evaluate(sublstm_derivatives(), i=0.2, f=0.9, z=0.7, o=0.1, c_prev=0.5)["dc/dz"]
    1.0
    """
    unknown = set(values) - set(SYMBOLS)
    if unknown:
        raise ValueError(f"evaluate takes values for {sorted(SYMBOLS)}; got {sorted(unknown)}")
    subs = {SYMBOLS[name]: sp.Float(value) for name, value in values.items()}
    if "c_t" in derivatives and "c" not in values:
        subs[c] = derivatives["c_t"].subs(subs)
    result = {}
    for name, expr in derivatives.items():
        number = sp.sympify(expr).subs(subs).rewrite(sp.exp).evalf()
        if number.free_symbols:
            missing = ", ".join(sorted(str(s) for s in number.free_symbols))
            raise ValueError(f"evaluating {name} needs a value for {missing}")
        result[name] = float(number)
    return result


def latex(expr: sp.Expr) -> str:
    """The LaTeX of one expression (SymPy's ``latex``)."""
    return sp.latex(expr)


def latex_table(
    *columns: Mapping[str, sp.Expr],
    headers: Sequence[str] | None = None,
    rows: Sequence[str] | None = None,
) -> str:
    r"""A Markdown table of LaTeX cells, one column per dict.

    Show it in a notebook with ``IPython.display.Markdown(latex_table(...))``.

    ``rows``: the keys to show, in order (default: every key of the first dict, then new keys
    of the others). ``headers``: one per column.

    >>> print(latex_table(lstm_derivatives(), sublstm_derivatives(), headers=["LSTM", "subLSTM"],
    ...                   rows=["dc/dz"]))
    |  | LSTM | subLSTM |
    |---|---|---|
    | $\partial c_t / \partial z_t$ | $i_{t}$ | $1$ |
    """
    if not columns:
        raise ValueError("latex_table needs at least one dict of expressions")
    headers = [f"({k + 1})" for k in range(len(columns))] if headers is None else list(headers)
    if len(headers) != len(columns):
        raise ValueError(
            f"headers must name each of the {len(columns)} columns; got {len(headers)}"
        )
    if rows is None:
        rows = []
        for column in columns:
            rows.extend(key for key in column if key not in rows)
    lines = ["|  | " + " | ".join(headers) + " |", "|---" * (len(columns) + 1) + "|"]
    for key in rows:
        label = LABELS.get(key, rf"\text{{{key}}}")
        cells = [f"${sp.latex(column[key])}$" if key in column else "" for column in columns]
        lines.append(f"| ${label}$ | " + " | ".join(cells) + " |")
    return "\n".join(lines)
