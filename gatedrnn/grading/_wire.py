"""Raw values as plain data: what a student's kernel sends the grader, and how it is read back.

A check calls the student's code through :meth:`Sheet.call <gatedrnn.grading.Sheet.call>`; every
value that comes back is turned into plain data (numbers, strings, lists, and arrays as dtype,
shape and a flat list of numbers) and read back at once, in the kernel and in the grader alike,
so a check sees the same values wherever it runs. The grader reads the kernel's data with
:func:`decode`, which builds nothing but NumPy arrays, tensors, numbers, strings, tuples, lists
and dicts, and checks every dtype, shape and length: nothing else from the kernel is trusted.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

__all__ = ["Opaque", "WireError", "decode", "encode", "roundtrip"]

MAX_ELEMENTS = 2_000_000  # numbers in one probe record: far above what any check asks for
MAX_DEPTH = 6
DTYPES = ("float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")


class WireError(ValueError):
    """Data from a kernel that is not what :func:`encode` writes."""


class Opaque:
    """Stands for a value that is not plain data (a module, a generator, a custom object)."""

    def __init__(self, kind: str):
        self.kind = kind

    def __repr__(self) -> str:
        return f"<{self.kind}>"


def _array(kind: str, dtype: str, shape: tuple[int, ...], data: list) -> dict[str, Any]:
    return {kind: {"dtype": dtype, "shape": list(shape), "data": data}}


def encode(value: Any, _depth: int = 0, _budget: list[int] | None = None) -> Any:
    """``value`` as plain data (JSON-ready); what cannot be sent becomes ``{"other": kind}``."""
    budget = [MAX_ELEMENTS] if _budget is None else _budget
    if _depth > MAX_DEPTH:
        return {"other": "a value nested too deeply"}
    if isinstance(value, torch.Tensor):
        t = value.detach().cpu()
        dtype = str(t.dtype).removeprefix("torch.")
        if dtype not in DTYPES or t.layout != torch.strided:
            return {"other": f"a tensor of dtype {dtype}"}
        budget[0] -= t.numel()
        if budget[0] < 0:
            return {"other": "a value too large to grade"}
        return _array("tensor", dtype, tuple(t.shape), t.reshape(-1).tolist())
    if isinstance(value, np.ndarray):
        dtype = str(value.dtype)
        if dtype not in DTYPES:
            return {"other": f"an array of dtype {dtype}"}
        budget[0] -= value.size
        if budget[0] < 0:
            return {"other": "a value too large to grade"}
        return _array("array", dtype, value.shape, value.reshape(-1).tolist())
    if isinstance(value, np.generic) and str(value.dtype) in DTYPES:
        return {"scalar": {"dtype": str(value.dtype), "value": value.item()}}
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**63:
            return {"other": "an int too large"}
        return {"py": value}
    if isinstance(value, (tuple, list)):
        items = [encode(v, _depth + 1, budget) for v in value]
        return {"tuple" if isinstance(value, tuple) else "list": items}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return {"other": "a dict with keys that are not strings"}
        return {"dict": [[k, encode(v, _depth + 1, budget)] for k, v in value.items()]}
    if isinstance(value, Opaque):
        return {"other": value.kind}
    return {"other": f"a {type(value).__name__}"}


def _numbers(data: Any, n: int) -> list:
    if not isinstance(data, list) or len(data) != n:
        raise WireError("the data do not match the shape")
    for v in data:
        if not (isinstance(v, (int, float)) or v is None):
            raise WireError("an array holds something other than numbers")
    return data


def _decode_array(spec: Any, kind: str) -> np.ndarray | torch.Tensor:
    if not isinstance(spec, dict) or set(spec) != {"dtype", "shape", "data"}:
        raise WireError(f"a malformed {kind}")
    dtype, shape = spec["dtype"], spec["shape"]
    if dtype not in DTYPES:
        raise WireError(f"dtype {dtype!r} is not allowed")
    if not isinstance(shape, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= MAX_ELEMENTS for d in shape
    ):
        raise WireError("a malformed shape")
    n = math.prod(shape)
    if n > MAX_ELEMENTS:
        raise WireError("an array too large")
    data = _numbers(spec["data"], n)
    array = np.array([math.nan if v is None else v for v in data], dtype=dtype).reshape(shape)
    return torch.from_numpy(array) if kind == "tensor" else array


def decode(data: Any, _depth: int = 0) -> Any:
    """What :func:`encode` wrote, rebuilt; :class:`WireError` for anything else."""
    if _depth > MAX_DEPTH + 1:
        raise WireError("nested too deeply")
    if not isinstance(data, dict) or len(data) != 1:
        raise WireError("not a probe record")
    ((kind, body),) = data.items()
    if kind in ("tensor", "array"):
        return _decode_array(body, kind)
    if kind == "scalar":
        if not isinstance(body, dict) or body.get("dtype") not in DTYPES:
            raise WireError("a malformed scalar")
        return np.array(_numbers([body.get("value")], 1), dtype=body["dtype"])[()]
    if kind == "py":
        if body is not None and not isinstance(body, (bool, int, float, str)):
            raise WireError("a malformed plain value")
        return body
    if kind in ("tuple", "list"):
        if not isinstance(body, list):
            raise WireError(f"a malformed {kind}")
        items = [decode(v, _depth + 1) for v in body]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        if not isinstance(body, list) or not all(
            isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in body
        ):
            raise WireError("a malformed dict")
        return {k: decode(v, _depth + 1) for k, v in body}
    if kind == "other":
        return Opaque(str(body)[:80])
    raise WireError(f"unknown record kind {kind!r}")


def roundtrip(value: Any) -> Any:
    """``decode(encode(value))``: what the grader will see of ``value``."""
    return decode(encode(value))
